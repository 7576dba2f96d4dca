"""The extraction job as plain functions: read -> NLP -> claims -> tables -> files.

``pipeline.flows`` wraps these in Prefect tasks; everything here runs and is tested without Prefect.
The job streams: documents are read one file at a time, processed in batches with a bounded number in flight,
and each batch's rows are committed to the output store (:mod:`pipeline.store`, Parquet parts + a SQLite
manifest) as it completes, so memory does not grow with the corpus and a killed run resumes where it stopped.
Documents whose text, metadata and pipeline version (code, knowledge base, cues, config, models) are unchanged
are not processed again; unchanged files are not even read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import platform
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TextIO

import pandas as pd

from pipeline import __version__, claims, cues, paths
from pipeline.documents import Document, InputFailure, SkippedFile
from pipeline.kb import load_kb
from pipeline.nlp import build_nlp, ner_models, process
from pipeline.outputs import transaction, write_json, write_table
from pipeline.schema import DOC_METADATA, EVIDENCE, MENTIONS, REFERENCES, STUDIES, validate
from pipeline.store import DATASET, Store
from pipeline.studies import build_arms

log = logging.getLogger("evidence")


@dataclass
class DocResult:
    doc_id: str
    content_hash: str
    claims: list[dict]
    mentions: list[dict]
    references: list[dict] = field(default_factory=list)
    #: The document's metadata columns (DOC_METADATA); taken from the Document on every run, never cached.
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass
class RunReport:
    run_id: str
    out_dir: str
    started: str
    inputs: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__} | {"ok": self.ok}


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


@lru_cache(maxsize=2)
def get_nlp(use_models: bool = True):
    """One pipeline per process and setting (building it loads the KB, the linker index and the NER models)."""
    return build_nlp(use_project_models=use_models)


def pipeline_version(use_models: bool = True) -> str:
    """Changes whenever the code, KB, cues, config or NER models change; known without building the pipeline."""
    h = hashlib.sha256(__version__.encode())
    h.update(load_kb().content_hash.encode())
    code = sorted(Path(__file__).parent.rglob("*.py"))
    data = sorted(paths.CUES_DIR.glob("*.json")) + [paths.NLP_CONFIG, paths.MODELS_DIR / "ner" / "label_map.json"]
    for path in code + data:
        h.update(path.read_bytes())
    for model in ner_models(use_project_models=use_models):
        h.update(model.encode())
        folder = Path(model)
        if folder.is_dir():  # trained weights on disk: a retrained model changes the version
            for path in sorted(folder.glob("*/model")) + sorted(folder.glob("meta.json")):
                h.update(path.read_bytes())
        else:  # an installed scispaCy package
            h.update(_package_version(model).encode())
    return h.hexdigest()[:16]


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def versions(use_models: bool = True) -> dict:
    return {
        "pipeline": __version__,
        "pipeline_version": pipeline_version(use_models),
        "kb": load_kb().content_hash,
        "python": platform.python_version(),
        "ner_models": [Path(m).name for m in ner_models(use_project_models=use_models)],
    } | {
        package: _package_version(package) or None for package in ("spacy", "scispacy", "prefect", "pandas", "pyarrow")
    }


def doc_key(document: Document) -> str:
    """What decides whether a document must be processed again: its text and its metadata columns."""
    h = hashlib.sha256(document.text.encode("utf-8"))
    h.update(json.dumps(doc_metadata(document), sort_keys=True).encode())
    return h.hexdigest()[:24]


# ---------------------------------------------------------------------------------------------- stages


def doc_metadata(document: Document) -> dict[str, str]:
    """The document's metadata columns of the evidence and studies tables ('' where unknown)."""
    return {column: str(document.metadata.get(key) or "") for column, key in DOC_METADATA.items()}


def batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


#: One batch at a time per process in the pipeline: a batch's memory zone frees the strings it added when it
#: ends, so a second batch running beside it in another thread (Prefect's thread task runner, a Dask worker with
#: several threads) would lose strings it still uses; spaCy pipelines are not thread-safe either.
_NLP_LOCK = threading.Lock()


def process_batch(documents: list[Document], use_models: bool = True) -> list[DocResult]:
    """NLP and claims for a batch of documents.

    Runs in a spaCy memory zone: the strings the batch adds to the vocab are freed at its end, so a long-lived
    worker's memory does not grow with the number of distinct words it has seen (only plain rows leave the zone).
    Batches of one process run one after the other (:data:`_NLP_LOCK`).
    """
    results = []
    with _NLP_LOCK:
        nlp = get_nlp(use_models)
        kb = load_kb()
        lexicon = cues.load_lexicon()
        with nlp.memory_zone():
            for document, doc in process(nlp, documents):
                extraction = claims.extract(document, doc, kb, lexicon)
                results.append(
                    DocResult(
                        document.doc_id,
                        document.content_hash,
                        extraction.claims,
                        extraction.mentions,
                        extraction.references,
                        metadata=doc_metadata(document),
                    )
                )
    return results


@dataclass
class BatchResult:
    """What a batch sends back: the documents processed and their rows per table (validated)."""

    doc_ids: list[str]
    frames: dict[str, pd.DataFrame]

    @classmethod
    def of(cls, results: list[DocResult]) -> BatchResult:
        return cls([r.doc_id for r in results], build_tables(results))


def run_batch(documents: list[Document], use_models: bool = True) -> BatchResult:
    """The unit of work of the extract flow: :func:`process_batch`, then the batch's tables (built where the
    batch ran, so the process that writes the output only writes)."""
    return BatchResult.of(process_batch(documents, use_models))


class BatchRunner:
    """Runs :func:`process_batch` in this process, or in worker processes forked after the pipeline is built.

    Forked workers inherit the built ``nlp`` (KB, matchers, linker index) copy-on-write, so they start in
    milliseconds; only documents go in and plain row dicts come back. Where ``fork`` is not available, or for
    ``workers=1``, batches run in this process.
    """

    def __init__(self, workers: int = 1, use_models: bool = True) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.use_models = use_models
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            get_nlp(use_models)  # build before forking so every worker inherits it
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))

    def run(self, batch: list[Document]) -> BatchResult:
        if self.pool is None:
            return run_batch(batch, self.use_models)
        try:
            return self.pool.submit(run_batch, batch, self.use_models).result()
        except BrokenProcessPool:
            log.warning("a worker process died; processing the batch in the main process")
            return run_batch(batch, self.use_models)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def build_tables(results: list[DocResult]) -> dict[str, pd.DataFrame]:
    """The run's tables (evidence, mentions, studies, references), validated against their schemas; evidence
    rows and study arms carry their document's metadata columns."""

    def meta(r: DocResult) -> dict[str, str]:
        return {column: r.metadata.get(column, "") for column in DOC_METADATA}

    rows = {
        EVIDENCE: [row | meta(r) for r in results for row in r.claims],
        MENTIONS: [row for r in results for row in r.mentions],
        STUDIES: [arm | meta(r) for r in results for arm in build_arms(r.claims)],
        REFERENCES: [{k: ref[k] for k in REFERENCES.names} for r in results for ref in r.references],
    }
    return {table.name: validate(pd.DataFrame(data, columns=table.names), table) for table, data in rows.items()}


#: Formats written per table (JSONL always: it keeps the list and bool types for `read_table`).
FORMATS = {
    "evidence": ("csv", "parquet", "jsonl"),
    "studies": ("csv", "parquet", "jsonl"),
    "mentions": ("csv", "jsonl"),
    "references": ("csv", "jsonl"),
}
TABLES = {t.name: t for t in (EVIDENCE, MENTIONS, STUDIES, REFERENCES)}


#: Above this many documents in the store, the tables are kept as the Parquet dataset only (``dataset/``): no
#: single CSV / Parquet / JSONL file per table, and no per-run copy (see README, "Large corpora").
TABLES_MAX_DOCS = 5000


class Batches:
    """Streams documents through ``submit``/``collect`` in batches, with at most ``window`` batches in flight,
    committing each batch's rows to ``store`` as it completes (in submission order).

    ``submit(batch)`` starts the work (a Prefect task, a worker process, or nothing) and ``collect(handle)``
    returns its :class:`BatchResult`. A batch that fails is processed again one document at a time in this
    process, so only a bad document is lost (recorded in ``report.failures``).
    """

    def __init__(
        self,
        store: Store,
        report: RunReport,
        submit: Callable[[list[Document]], object],
        collect: Callable[[object], BatchResult],
        batch_size: int = 128,
        window: int = 4,
        use_cache: bool = True,
        use_models: bool = True,
        progress: Callable[[int], None] | None = None,
        keep_inputs: int = TABLES_MAX_DOCS,
    ) -> None:
        self.store, self.report = store, report
        self.inputs_tmp = Path(report.out_dir) / "runs" / report.run_id / ".inputs.jsonl.tmp"
        self.inputs_file: TextIO | None = None
        self.keep_inputs = keep_inputs
        self.documents = 0
        self.submit, self.collect = submit, collect
        self.batch_size, self.window = batch_size, max(1, window)
        self.use_cache, self.use_models = use_cache, use_models
        self.progress = progress or (lambda n: None)
        self.pending: deque[tuple[list[Document], dict[str, str], object]] = deque()
        self.batch: list[Document] = []
        self.batch_keys: dict[str, str] = {}  # doc_id -> key of the documents in self.batch
        self.keys: dict[str, str] = {}  # keys of the file just read, until its documents are fed
        self.counts: Counter[str] = Counter()
        self.words = 0
        self.read_s = 0.0
        self.sent = 0  # batches submitted (the caller's submit counts them)
        self.closing = False  # set while close() submits the last batch

    # -- input

    def known_file(self, path: Path) -> list[tuple[str, str]] | None:
        return self.store.unchanged_file(path) if self.use_cache else None

    def file_read(self, path: Path, info, documents: list[Document], complete: bool) -> None:
        # each document's key, computed once: the file's record, the done check and the batch's commit use it
        self.keys.update((d.doc_id, doc_key(d)) for d in documents)
        if complete and self.use_cache:
            self.store.record_file(path, info, [(d.doc_id, self.keys[d.doc_id], d.content_hash) for d in documents])

    def feed(self, items: Iterable) -> None:
        """Consume :func:`pipeline.documents.iter_documents` items; then call :meth:`close`. The time spent
        reading (inside ``items``) is added to ``report.timings["read_s"]``."""
        iterator = iter(items)
        while True:
            t = time.perf_counter()
            item = next(iterator, None)
            self.read_s += time.perf_counter() - t
            if item is None:
                break
            if isinstance(item, InputFailure):
                self.report.failures.append(failure_record(item))
                self.counts["unusable"] += 1
                log.error("cannot use %s", item.message())
            elif isinstance(item, SkippedFile):
                self.counts["cached"] += len(item.documents)
                for doc_id, content_hash in item.documents:
                    self._input({"path": item.path, "doc_id": doc_id, "content_hash": content_hash})
            else:
                self._input({"path": item.source, "doc_id": item.doc_id, "content_hash": item.content_hash})
                key = self.keys.pop(item.doc_id, None) or doc_key(item)
                if self.use_cache and self.store.is_done(item.doc_id, key):
                    self.counts["cached"] += 1
                    continue
                self.batch_keys[item.doc_id] = key
                self.batch.append(item)
                if len(self.batch) >= self.batch_size:
                    self._send()

    def discard(self) -> None:
        """After a failed run: no temporary file left behind."""
        if self.inputs_file is not None:
            self.inputs_file.close()
            self.inputs_file = None
        self.inputs_tmp.unlink(missing_ok=True)
        try:
            self.inputs_tmp.parent.rmdir()  # the run's folder, if nothing else was put there
        except OSError:
            pass

    def _input(self, entry: dict) -> None:
        """Every input goes to ``runs/<run_id>/inputs.jsonl``; the run report lists them too while there are at
        most ``keep_inputs`` (memory stays flat on large corpora)."""
        self.documents += 1
        if self.inputs_file is None:
            self.inputs_tmp.parent.mkdir(parents=True, exist_ok=True)
            self.inputs_file = open(self.inputs_tmp, "w", encoding="utf-8")  # noqa: SIM115 (closed in close())
        self.inputs_file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        if self.documents <= self.keep_inputs:
            self.report.inputs.append(entry)
        elif self.report.inputs:
            self.report.inputs = []

    def close(self) -> None:
        """Submit the last batch and wait for every batch (``inputs.jsonl`` is moved into place with the run
        report, by :func:`finish_outputs`)."""
        if self.inputs_file is not None:
            self.inputs_file.close()
            self.inputs_file = None
        self.closing = True
        if self.batch:
            self._send()
        while self.pending:
            self._drain()

    # -- work

    def _send(self) -> None:
        batch, self.batch = self.batch, []
        keys, self.batch_keys = self.batch_keys, {}
        self.store.assign_order(d.doc_id for d in batch)  # input positions, before any result comes back
        self.words += sum(len(d.text.split()) for d in batch)
        self.pending.append((batch, keys, self.submit(batch)))
        while len(self.pending) >= self.window:
            self._drain()

    def _drain(self) -> None:
        batch, keys, handle = self.pending.popleft()
        try:
            done = self.collect(handle)
        except Exception as exc:  # isolate the failing document(s): one at a time, in this process
            log.warning("batch of %d failed (%s); processing its documents one by one", len(batch), exc)
            results = []
            for document in batch:
                try:
                    results.extend(process_batch([document], self.use_models))
                except Exception as doc_exc:
                    problem = f"processing failed: {type(doc_exc).__name__}: {doc_exc}"
                    log.error("cannot process %s: %s", document.source or document.doc_id, problem)
                    self.report.failures.append(
                        {"path": document.source, "doc_id": document.doc_id, "problem": problem}
                    )
            done = BatchResult.of(results)
        self.store.commit(self.report.run_id, {d: keys[d] for d in done.doc_ids}, done.frames)
        self.counts["processed"] += len(done.doc_ids)
        for name, frame in done.frames.items():
            self.counts[name] += len(frame)
        self.progress(len(batch))


def finish_outputs(
    report: RunReport,
    store: Store,
    out_dir: Path,
    started: float | None = None,
    max_docs: int = TABLES_MAX_DOCS,
    inputs: Path | None = None,
) -> None:
    """Write the single-file tables (when the store holds at most ``max_docs`` documents), this run's copy under
    ``runs/<run_id>/`` and the run report (and ``inputs``, the run's list of inputs, as ``runs/<run_id>/inputs.jsonl``).

    The single-file tables are rebuilt from the dataset only when it changed since they were last written (a
    re-run over an unchanged corpus rewrites nothing but the report). Everything is written in one transaction:
    if anything fails, no file of the output folder changes and no temporary file is left.
    """
    t = time.perf_counter()
    run_dir = out_dir / "runs" / report.run_id
    n_docs = store.count_docs()
    single = n_docs <= max_docs
    report.counts["documents_in_store"] = n_docs
    for name in TABLES:
        key = "claims_in_table" if name == "evidence" else f"{name}_in_table"
        report.counts[key] = store.count_rows(name)
    report.outputs = [str(out_dir / DATASET)]
    with transaction() as staged:
        if single:
            stale = store.tables_stale() or any(
                not (out_dir / f"{name}.{fmt}").exists() for name, formats in FORMATS.items() for fmt in formats
            )
            run_docs = store.run_doc_ids(report.run_id)
            for name, table in TABLES.items():
                if stale:
                    # every batch was validated before it was stored, and its Parquet schema kept the types
                    merged = store.read_table(name)
                    write_table(merged, table, out_dir, FORMATS[name], validated=True, staged=staged)
                    mine = merged[merged["doc_id"].isin(run_docs)] if run_docs else merged.iloc[0:0]
                else:
                    mine = store.read_table(name, report.run_id)
                report.outputs += [str(out_dir / f"{name}.{fmt}") for fmt in FORMATS[name]]
                if len(mine):  # provenance: the rows this run produced
                    write_table(mine, table, run_dir, ("jsonl",), validated=True, staged=staged)
        report.timings["write_s"] = elapsed(t)
        if started is not None:
            report.timings["total_s"] = elapsed(started)
        if inputs is not None and inputs.exists():
            staged.write(run_dir / "inputs.jsonl", lambda tmp: os.replace(inputs, tmp))
        write_json(run_dir / "run_report.json", report.as_dict(), staged)
        write_json(out_dir / "run_report.json", report.as_dict(), staged)
    if single:
        store.mark_tables_written()
    else:  # tables of a smaller earlier state would be out of date: the dataset holds the rows
        for name, formats in FORMATS.items():
            for fmt in formats:
                old = out_dir / f"{name}.{fmt}"
                if old.exists():
                    log.warning("%s removed: the store holds %d documents, the tables are in %s", old, n_docs, DATASET)
                    old.unlink()


def failure_record(failure: InputFailure) -> dict:
    return {"path": failure.path, "doc_id": failure.doc_id, "problem": failure.problem}


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def elapsed(since: float) -> float:
    return round(time.perf_counter() - since, 3)
