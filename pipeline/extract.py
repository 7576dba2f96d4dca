"""The extraction job as plain functions: read -> NLP -> claims -> tables -> files.

``pipeline.flows`` wraps these in Prefect tasks; everything here runs and is tested without Prefect.
Unchanged documents are not processed again: results are cached in a SQLite database in the output folder,
keyed by the document's content hash and the pipeline version (code, knowledge base, cues and config).
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import platform
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from pipeline import __version__, claims, cues, paths
from pipeline.documents import Document, InputFailure
from pipeline.kb import load_kb
from pipeline.nlp import build_nlp, process
from pipeline.outputs import merge_with_previous, read_table, transaction, write_json, write_table
from pipeline.schema import DOC_METADATA, EVIDENCE, MENTIONS, REFERENCES, STUDIES, validate
from pipeline.studies import build_arms

log = logging.getLogger("evidence")


@dataclass
class DocResult:
    doc_id: str
    content_hash: str
    claims: list[dict]
    mentions: list[dict]
    references: list[dict] = field(default_factory=list)
    cached: bool = False
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


def pipeline_version(nlp) -> str:
    """Changes whenever the code, KB, cues, config or pipeline components change."""
    h = hashlib.sha256(__version__.encode())
    h.update(load_kb().content_hash.encode())
    code = sorted(Path(__file__).parent.rglob("*.py"))
    data = sorted(paths.CUES_DIR.glob("*.json")) + [paths.NLP_CONFIG, paths.MODELS_DIR / "ner" / "label_map.json"]
    for path in code + data:
        h.update(path.read_bytes())
    h.update(",".join(nlp.pipe_names).encode())
    for name in nlp.pipe_names:  # trained weights on disk: a retrained model changes the version
        if name.startswith("ner_"):
            folder = paths.MODELS_DIR / "ner" / name.removeprefix("ner_")
            for path in sorted(folder.glob("*/model")) + sorted(folder.glob("meta.json")):
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


def versions(nlp) -> dict:
    found = {
        "pipeline": __version__,
        "pipeline_version": pipeline_version(nlp),
        "kb": load_kb().content_hash,
        "python": platform.python_version(),
        "pipes": list(nlp.pipe_names),
    }
    for package in ("spacy", "scispacy", "prefect", "pandas", "pyarrow"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


# ---------------------------------------------------------------------------------------------- cache


class ResultCache:
    """Per-document results keyed by (doc_id, content hash, pipeline version), in SQLite."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with closing(self._connect()) as con, con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS results_v2 (doc_id TEXT, content_hash TEXT, version TEXT, "
                "claims TEXT NOT NULL, mentions TEXT NOT NULL, refs TEXT NOT NULL, updated TEXT NOT NULL, "
                "PRIMARY KEY (doc_id, content_hash, version))"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def get_many(self, documents: list[Document], version: str) -> dict[str, DocResult]:
        """Cached results of the documents whose content and pipeline version are unchanged."""
        found: dict[str, DocResult] = {}
        with closing(self._connect()) as con:
            for doc in documents:
                row = con.execute(
                    "SELECT claims, mentions, refs FROM results_v2 WHERE doc_id=? AND content_hash=? AND version=?",
                    (doc.doc_id, doc.content_hash, version),
                ).fetchone()
                if row is not None:
                    claims, mentions, refs = (json.loads(x) for x in row)
                    found[doc.doc_id] = DocResult(
                        doc.doc_id, doc.content_hash, claims, mentions, refs, cached=True, metadata=doc_metadata(doc)
                    )
        return found

    def put(self, results: Iterable[DocResult], version: str) -> None:
        now = datetime.now(UTC).isoformat()
        rows = [
            (
                r.doc_id,
                r.content_hash,
                version,
                json.dumps(r.claims),
                json.dumps(r.mentions),
                json.dumps(r.references),
                now,
            )
            for r in results
        ]
        with closing(self._connect()) as con, con:
            con.executemany("INSERT OR REPLACE INTO results_v2 VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


# ---------------------------------------------------------------------------------------------- stages


def doc_metadata(document: Document) -> dict[str, str]:
    """The document's metadata columns of the evidence and studies tables ('' where unknown)."""
    return {column: str(document.metadata.get(key) or "") for column, key in DOC_METADATA.items()}


def batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def process_batch(documents: list[Document], use_models: bool = True) -> list[DocResult]:
    """NLP and claims for a batch of documents (the unit of work of the extract flow)."""
    nlp = get_nlp(use_models)
    kb = load_kb()
    lexicon = cues.load_lexicon()
    results = []
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

    def run(self, batch: list[Document]) -> list[DocResult]:
        if self.pool is None:
            return process_batch(batch, self.use_models)
        try:
            return self.pool.submit(process_batch, batch, self.use_models).result()
        except BrokenProcessPool:
            log.warning("a worker process died; processing the batch in the main process")
            return process_batch(batch, self.use_models)

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


#: Formats written per table (JSONL always: it is what merging with earlier runs reads back).
FORMATS = {
    "evidence": ("csv", "parquet", "jsonl"),
    "studies": ("csv", "parquet", "jsonl"),
    "mentions": ("csv", "jsonl"),
    "references": ("csv", "jsonl"),
}
TABLES = {t.name: t for t in (EVIDENCE, MENTIONS, STUDIES, REFERENCES)}


def write_outputs(report: RunReport, results: list[DocResult], out_dir: Path, started: float | None = None) -> None:
    """Write this run's tables under runs/<run_id>/, then the merged tables and report at the top level.

    Everything is built and validated first, then written in one transaction: if anything fails, no file of the
    output folder changes (earlier outputs stay whole) and no temporary file is left.
    """
    t = time.perf_counter()
    tables = build_tables(results)
    run_dir = out_dir / "runs" / report.run_id
    processed = {r.doc_id for r in results}
    merged_tables = {}
    for name, frame in tables.items():
        table = TABLES[name]
        previous = read_table(out_dir, table)
        merged = merge_with_previous(frame, previous, processed)
        # Only rows read back from earlier runs are unvalidated; a first run writes what was just validated.
        merged_tables[name] = validate(merged, table) if len(previous) else merged
        report.counts[f"{name}_in_table"] = len(merged)
    report.counts.update(
        {
            "claims": len(tables["evidence"]),
            "mentions": len(tables["mentions"]),
            "studies": len(tables["studies"]),
            "references": len(tables["references"]),
        }
    )
    report.counts["claims_in_table"] = report.counts.pop("evidence_in_table")
    report.outputs = []
    with transaction() as staged:
        for name, frame in tables.items():
            table = TABLES[name]
            write_table(frame, table, run_dir, formats=("jsonl",), validated=True, staged=staged)  # provenance
            written = write_table(merged_tables[name], table, out_dir, FORMATS[name], validated=True, staged=staged)
            report.outputs += [str(p) for p in written]
        report.timings["write_s"] = elapsed(t)
        if started is not None:
            report.timings["total_s"] = elapsed(started)
        write_json(run_dir / "run_report.json", report.as_dict(), staged)
        write_json(out_dir / "run_report.json", report.as_dict(), staged)


def failure_record(failure: InputFailure) -> dict:
    return {"path": failure.path, "doc_id": failure.doc_id, "problem": failure.problem}


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def elapsed(since: float) -> float:
    return round(time.perf_counter() - since, 3)
