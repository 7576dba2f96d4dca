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

import time  # noqa: E402
from pathlib import Path  # noqa: E402

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402
from tqdm import tqdm  # noqa: E402

from pipeline import extract as ex  # noqa: E402
from pipeline import paths  # noqa: E402
from pipeline.check import run_check  # noqa: E402
from pipeline.documents import DEFAULT_MAX_BYTES, Document, read_documents  # noqa: E402


@task(name="read-documents", cache_policy=NO_CACHE)
def read_task(inputs: list[str], max_bytes: int):
    return read_documents([Path(p) for p in inputs], max_bytes)


#: The flow's worker processes; set while an extract flow runs (not a task parameter: Prefect records those).
_RUNNER: ex.BatchRunner | None = None


@task(name="process-batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def process_batch_task(batch: list[Document]) -> list[ex.DocResult]:
    """NLP + claims for one batch of documents, in a worker process when the flow has them."""
    return _RUNNER.run(batch) if _RUNNER is not None else ex.process_batch(batch)


@task(name="write-outputs", cache_policy=NO_CACHE)
def write_task(report: ex.RunReport, results: list[ex.DocResult], out_dir: str, started: float) -> None:
    ex.write_outputs(report, results, Path(out_dir), started)


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
) -> dict:
    """Extract the evidence table from documents (files or folders; default ``corpus/``) into ``out_dir``."""
    logger = get_run_logger()
    started = time.perf_counter()
    out = Path(out_dir)
    inputs = inputs or [str(paths.CORPUS_DIR)]
    report = ex.RunReport(run_id=ex.new_run_id(), out_dir=str(out), started=ex.now_iso())

    t = time.perf_counter()
    documents, failures = read_task(inputs, max_bytes)
    report.timings["read_s"] = ex.elapsed(t)
    for failure in failures:
        logger.error("cannot use %s", failure.message())
    report.failures = [ex.failure_record(f) for f in failures]
    logger.info("read %d documents from %s (%d failed)", len(documents), ", ".join(inputs), len(failures))

    t = time.perf_counter()
    nlp = ex.get_nlp(use_models)
    version = ex.pipeline_version(nlp)
    report.versions = ex.versions(nlp)
    report.timings["load_pipeline_s"] = ex.elapsed(t)
    cache = ex.ResultCache(out / "cache.sqlite") if use_cache else None

    found = cache.get_many(documents, version) if cache else {}
    results: list[ex.DocResult] = list(found.values())
    todo = [d for d in documents if d.doc_id not in found]
    if results:
        logger.info("skipped %d unchanged documents (cached results)", len(results))

    global _RUNNER
    t = time.perf_counter()
    _RUNNER = ex.BatchRunner(workers if len(todo) > batch_size else 1, use_models)
    bar = tqdm(total=len(todo), unit="doc", desc="extract", disable=not progress or not todo)
    try:
        batches = list(ex.batches(todo, batch_size))
        # quote(): Prefect would otherwise walk every document to resolve futures in the arguments.
        futures = [process_batch_task.submit(quote(batch)) for batch in batches]
        for batch, future in zip(batches, futures, strict=True):
            try:
                batch_results = future.result()
            except Exception as exc:  # isolate the failing document(s): one at a time, in this process
                logger.warning("batch of %d failed (%s); retrying documents one by one", len(batch), exc)
                batch_results = []
                for document in batch:
                    try:
                        batch_results.extend(ex.process_batch([document], use_models))
                    except Exception as doc_exc:
                        problem = f"processing failed: {type(doc_exc).__name__}: {doc_exc}"
                        logger.error("cannot process %s: %s", document.source or document.doc_id, problem)
                        report.failures.append({"path": document.source, "doc_id": document.doc_id, "problem": problem})
            if cache:
                cache.put(batch_results, version)
            results.extend(batch_results)
            bar.update(len(batch))
    finally:
        bar.close()
        _RUNNER.close()
        _RUNNER = None
    report.timings["process_s"] = ex.elapsed(t)

    order = {d.doc_id: i for i, d in enumerate(documents)}
    results.sort(key=lambda r: order.get(r.doc_id, 0))
    cached = sum(r.cached for r in results)
    report.inputs = [{"path": d.source, "doc_id": d.doc_id, "content_hash": d.content_hash} for d in documents]
    report.counts = {
        "inputs": len(documents) + len(failures),
        "documents": len(documents),
        "processed": len(results) - cached,
        "cached": cached,
        "failed": len(report.failures),
    }
    words = sum(len(d.text.split()) for d in todo)
    report.counts["words_processed"] = words
    report.settings = {
        "inputs": inputs,
        "batch_size": batch_size,
        "max_bytes": max_bytes,
        "use_cache": use_cache,
        "workers": workers,
        "use_models": use_models,
    }
    t = time.perf_counter()
    write_task(report, quote(results), str(out), started)
    logger.info(
        "wrote %d claims, %d mentions to %s (%d documents processed, %d cached, %d failed)",
        report.counts.get("claims", 0),
        report.counts.get("mentions", 0),
        out,
        report.counts["processed"],
        cached,
        len(report.failures),
    )
    return report.as_dict()


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
        train.train_model(
            corpus,
            Path(out_dir),
            corpora_dir=Path(corpora_dir) if corpora_dir else None,
            include_dev=include_dev,
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
    """Train the NER model of ``corpus`` (bc5cdr, bionlp13cg, jnlpba) from ../shared/corpora, then evaluate it
    on the corpus's test split. ``include_dev`` trains the final model on train + dev (steps chosen on dev)."""
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
