"""Prefect flows: thin orchestration over :mod:`pipeline.extract` and :mod:`pipeline.check`.

* ``extract_flow``: read documents -> batches -> NLP + claims (one task per batch, retried on failure, a
  failing batch re-run one document at a time so only the bad document is lost) -> tables -> files. Documents
  whose content and pipeline version are unchanged come from the result cache instead of being processed.
* ``check_flow``: compare an evidence table with a gold table.

Runs with no Prefect server (Prefect starts a temporary local API) and with telemetry off. To deploy with a
server, ``extract_flow.serve(name="evidence-extract")`` or ``prefect deploy pipeline/flows.py:extract_flow``.
"""

from __future__ import annotations

import os

# Telemetry off and a generous start-up timeout for the temporary API (see offline-notes.md); set before import.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

import pickle  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.context import FlowRunContext  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402
from tqdm import tqdm  # noqa: E402

from pipeline import extract as ex  # noqa: E402
from pipeline import paths  # noqa: E402
from pipeline.check import run_check  # noqa: E402
from pipeline.documents import DEFAULT_MAX_BYTES, Document, iter_documents  # noqa: E402
from pipeline.store import Store  # noqa: E402

#: The flow's worker processes; set while an extract flow runs (not a task parameter: Prefect records those).
_RUNNER: ex.BatchRunner | None = None


@task(name="process-batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def process_batch_task(batch: bytes, use_models: bool = True) -> ex.BatchResult:
    """NLP + claims for one batch of documents (pickled: Dask would otherwise take the dataclasses in a list
    apart as a task graph): in a worker process of the flow's pool when it has one, else where the task runner
    runs it (this process, or a Dask worker, which builds its pipeline once and keeps it)."""
    documents: list[Document] = pickle.loads(batch)
    return _RUNNER.run(documents) if _RUNNER is not None else ex.run_batch(documents, use_models)


@task(name="write-outputs", cache_policy=NO_CACHE)
def write_task(report: ex.RunReport, store: Store, out_dir: str, started: float, max_docs: int, inputs: Path) -> None:
    ex.finish_outputs(report, store, Path(out_dir), started, max_docs, inputs)


def _dask_client():
    """The Dask client of the running flow's task runner (None when its task runner is not Dask's)."""
    runner = getattr(FlowRunContext.get(), "task_runner", None)
    return runner.client if type(runner).__name__ == "DaskTaskRunner" else None


def _dask_workers(client) -> int:
    """Workers of the Dask cluster ``client`` submits to (0 without one)."""
    if client is None:
        return 0
    try:
        return max(1, len(client.nthreads()))
    except Exception:
        return 2


class _DaskBatch:
    """A batch on Dask: its documents are scattered to the cluster first and the task gets the Dask future, so
    the task spec that the client and the scheduler keep for every submitted task holds only a key (with the
    documents inline each finished batch left ~200 KB behind in both). The data is released with its result."""

    def __init__(self, client, payload: bytes, use_models: bool) -> None:
        self.data = client.scatter(payload, hash=False)
        self.future = process_batch_task.submit(self.data, use_models)

    def result(self) -> ex.BatchResult:
        try:
            return self.future.result()
        finally:
            self.data.release()
            self.future = self.data = None


@flow(name="extract", validate_parameters=False)
def extract_flow(
    inputs: list[str] | None = None,
    out_dir: str = str(paths.OUTPUTS_DIR),
    batch_size: int = 128,
    max_bytes: int = DEFAULT_MAX_BYTES,
    use_cache: bool = True,
    progress: bool = False,
    workers: int = 2,
    use_models: bool = True,
    tables_max_docs: int = ex.TABLES_MAX_DOCS,
) -> dict:
    """Extract the evidence table from documents (files or folders; default ``corpus/``) into ``out_dir``.

    Streams: files are read one at a time, batches go to the task runner with at most two per worker in flight,
    and each batch is committed to the store as it completes. With the default task runner, ``workers`` > 1 runs
    batches in forked worker processes; under ``DaskTaskRunner`` (see :func:`run_extract`) the Dask workers run
    them.
    """
    global _RUNNER
    logger = get_run_logger()
    started = time.perf_counter()
    out = Path(out_dir)
    inputs = inputs or [str(paths.CORPUS_DIR)]
    report = ex.RunReport(run_id=ex.new_run_id(), out_dir=str(out), started=ex.now_iso())

    t = time.perf_counter()
    report.versions = ex.versions(use_models)
    version = report.versions["pipeline_version"]
    store = Store(out, version, ex.TABLES.values())
    report.timings["open_store_s"] = ex.elapsed(t)
    dask_client = _dask_client()
    dask_workers = _dask_workers(dask_client)
    parallel = dask_workers or max(1, workers)
    bar = tqdm(unit="doc", desc="extract", disable=not progress)

    def submit(batch: list[Document]):
        global _RUNNER
        if _RUNNER is None and not dask_workers:
            # one batch in all: no worker processes to start
            _RUNNER = ex.BatchRunner(1 if job.closing and not job.sent else workers, use_models)
        job.sent += 1
        payload = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
        if dask_client is not None:
            return _DaskBatch(dask_client, payload, use_models)
        return process_batch_task.submit(payload, use_models)

    job = ex.Batches(
        store,
        report,
        submit,
        lambda future: future.result(),
        batch_size=batch_size,
        window=2 * parallel,
        use_cache=use_cache,
        use_models=use_models,
        progress=bar.update,
        keep_inputs=tables_max_docs,
    )
    t = time.perf_counter()
    try:
        job.feed(iter_documents([Path(p) for p in inputs], max_bytes, known=job.known_file, on_file=job.file_read))
        job.close()
    except BaseException:
        job.discard()
        raise
    finally:
        bar.close()
        if _RUNNER is not None:
            _RUNNER.close()
            _RUNNER = None
    report.timings["process_s"] = ex.elapsed(t)  # reading, NLP and storing, streamed
    report.timings["read_s"] = round(job.read_s, 3)  # the part of it spent reading files
    logger.info("read %d documents from %s (%d failed)", job.documents, ", ".join(inputs), len(report.failures))
    if job.counts["cached"]:
        logger.info("skipped %d unchanged documents (results in the store)", job.counts["cached"])
    report.counts = {
        "inputs": job.documents + job.counts["unusable"],
        "documents": job.documents,
        "processed": job.counts["processed"],
        "cached": job.counts["cached"],
        "failed": len(report.failures),
        "words_processed": job.words,
        "claims": job.counts["evidence"],
        "mentions": job.counts["mentions"],
        "studies": job.counts["studies"],
        "references": job.counts["references"],
    }
    report.settings = {
        "inputs": inputs,
        "batch_size": batch_size,
        "max_bytes": max_bytes,
        "use_cache": use_cache,
        "workers": workers,
        "dask_workers": dask_workers,
        "use_models": use_models,
        "tables_max_docs": tables_max_docs,
    }
    try:
        write_task(report, quote(store), str(out), started, tables_max_docs, job.inputs_tmp)
    finally:
        job.discard()
        store.close()
    logger.info(
        "wrote %d claims, %d mentions to %s (%d documents processed, %d unchanged, %d failed)",
        report.counts["claims"],
        report.counts["mentions"],
        out,
        report.counts["processed"],
        report.counts["cached"],
        len(report.failures),
    )
    return report.as_dict()


def run_extract(dask_address: str | None = None, dask: bool = False, **parameters) -> dict:
    """Run :func:`extract_flow`; on a Dask cluster when ``dask_address`` (``tcp://host:port``) is given, or on a
    local one of ``workers`` processes when ``dask`` is true (prefect-dask's ``DaskTaskRunner``)."""
    if not (dask or dask_address):
        return extract_flow(**parameters)
    from prefect_dask import DaskTaskRunner

    if dask_address:
        runner = DaskTaskRunner(address=dask_address)
    else:
        cluster = {
            "n_workers": max(1, parameters.get("workers", 2)),
            "threads_per_worker": 1,
            "processes": True,
            "host": "127.0.0.1",
            "dashboard_address": ":0",
        }
        runner = DaskTaskRunner(cluster_kwargs=cluster)
    return extract_flow.with_options(task_runner=runner)(**parameters)


@flow(name="extract-dask", validate_parameters=False)
def extract_dask_flow(
    dask_address: str,
    inputs: list[str] | None = None,
    out_dir: str = str(paths.OUTPUTS_DIR),
    batch_size: int = 128,
    use_models: bool = True,
    tables_max_docs: int = ex.TABLES_MAX_DOCS,
) -> dict:
    """The extract flow on the Dask cluster at ``dask_address`` (a subflow with ``DaskTaskRunner``): the entry
    point for a deployment, whose task runner cannot be a parameter."""
    return run_extract(
        dask_address=dask_address,
        inputs=inputs,
        out_dir=out_dir,
        batch_size=batch_size,
        use_models=use_models,
        tables_max_docs=tables_max_docs,
    )


@flow(name="check", validate_parameters=False)
def check_flow(
    gold: str, evidence: str = str(paths.OUTPUTS_DIR / "evidence.csv"), out_dir: str = str(paths.OUTPUTS_DIR)
) -> dict:
    """Compare ``evidence`` with ``gold``; write check.json and check.md to ``out_dir``."""
    logger = get_run_logger()
    result = run_check(Path(gold), Path(evidence), Path(out_dir))
    logger.info("checked %d documents: claim F1 %s", len(result["documents"]), result["claims"]["f1"])
    return result


@task(name="train-model", cache_policy=NO_CACHE)
def train_task(corpus: str, out_dir: str, corpora_dir: str | None, include_dev: bool, max_steps: int | None) -> str:
    from pipeline import train

    return str(
        train.train_final(
            corpus,
            Path(out_dir),
            corpora_dir=Path(corpora_dir) if corpora_dir else None,
            train_only=not include_dev,
            max_steps=max_steps,
        )
    )


@task(name="evaluate-model", cache_policy=NO_CACHE)
def evaluate_task(model: str, corpus: str, corpora_dir: str | None, split: str) -> dict:
    from pipeline import train

    return train.evaluate_model(
        Path(model), corpus, corpora_dir=Path(corpora_dir) if corpora_dir else None, split=split
    )


@flow(name="train", validate_parameters=False)
def train_flow(
    corpus: str,
    out_dir: str | None = None,
    corpora_dir: str | None = None,
    include_dev: bool = True,
    max_steps: int | None = None,
    evaluate: bool = True,
) -> dict:
    """Train the NER model of ``corpus`` (bc5cdr, bionlp13cg, jnlpba) from ../shared/corpora with the shipped
    model's settings (vectors, pretraining, steps chosen on dev), write it to ``out_dir`` (default
    models/ner/<corpus>), then evaluate it on the corpus's test split. ``include_dev=False`` trains on train only
    and selects on dev."""
    logger = get_run_logger()
    out = out_dir or str(paths.MODELS_DIR / "ner" / corpus)
    model = train_task(corpus, out, corpora_dir, include_dev, max_steps)
    logger.info("trained %s into %s", corpus, model)
    result = {"corpus": corpus, "model": model}
    if evaluate:
        result["test"] = evaluate_task(model, corpus, corpora_dir, "test")
    return result


@flow(name="evaluate", validate_parameters=False)
def evaluate_flow(model: str, corpus: str, corpora_dir: str | None = None, split: str = "test") -> dict:
    """Re-compute a model's figures on a corpus split (strict P/R/F1 by character offsets and on the IOB file)."""
    return evaluate_task(model, corpus, corpora_dir, split)
