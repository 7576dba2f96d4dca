"""``evidence export``: the output tables into SQLite, DuckDB, PostgreSQL or Parquet, idempotently.

One definition (:data:`EXPORT_TABLES`, built from the declared tables of :mod:`pipeline.schema` plus the export's own
tables) gives the SQL DDL the exporter executes (also written to ``docs/schema/evidence.sql``), the JSON Schema of
each table's rows (``docs/schema/evidence.schema.json``) and the Parquet column types.

Re-exporting is idempotent. Every row has a stable key (``claim_id``, ``mention_id``, ``arm_id``,
``(doc_id, number)``); a ``documents`` table keeps a fingerprint of each document's rows, and only documents whose
fingerprint changed (re-extracted) are rewritten: their rows are upserted (``INSERT ... ON CONFLICT DO UPDATE``)
and the rows they no longer have are deleted. Other documents' rows are not touched. Reviewer decisions are only
ever added or replaced by a newer decision of the same claim: a decisions database that lacks an earlier exported
decision leaves it in place, and so does a re-extraction that drops the claim (decisions have no foreign key, see
the ``orphaned_decisions`` view).

Regenerate the schema files after changing a table: ``python -m pipeline.export --write-schema``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import __version__, paths
from pipeline.outputs import atomic_write, read_table, write_text
from pipeline.schema import EVIDENCE, MENTIONS, REFERENCES, STUDIES, SchemaError, Table, validate

#: Bumped when a table's columns change; a database made by another version is refused, not altered.
SCHEMA_VERSION = 1
#: List-valued columns are stored in SQL databases as their items joined by this separator ('' for an empty list).
LIST_SEPARATOR = ";"
DECISION_STATUSES = ("accepted", "rejected", "edited")
SCHEMA_DIR = paths.REPO_ROOT / "docs" / "schema"
SQL_FILE = SCHEMA_DIR / "evidence.sql"
JSON_SCHEMA_FILE = SCHEMA_DIR / "evidence.schema.json"
SQL_TYPES = {"str": "TEXT", "int": "BIGINT", "float": "DOUBLE PRECISION", "bool": "BOOLEAN"}
URL_FORMS = "sqlite:///PATH, duckdb:///PATH, postgresql://user@host:port/db or parquet:DIR"


class ExportError(Exception):
    """A problem the user can fix (bad URL, missing input, incompatible database); the CLI prints it, exit 2."""

    status = 2


class TargetError(ExportError):
    """The target refused the export (cannot connect, a constraint failed); nothing was committed, exit 1."""

    status = 1


# ------------------------------------------------------------------------------------------------ definition


@dataclass(frozen=True)
class ExportColumn:
    name: str
    kind: str  # the kinds of pipeline.schema: str, int, float, bool, list[str], list[int], list[float]
    description: str
    allowed: tuple[str, ...] = ()
    nullable: bool = False
    #: Present in every row of the pipeline's own JSONL tables (JSON Schema ``required``).
    required: bool = True

    @property
    def is_list(self) -> bool:
        return self.kind.startswith("list")

    @property
    def sql_type(self) -> str:
        return "TEXT" if self.is_list else SQL_TYPES[self.kind]


@dataclass(frozen=True)
class ExportTable:
    name: str
    description: str
    columns: tuple[ExportColumn, ...]
    key: tuple[str, ...]
    #: (column, referenced table, referenced column)
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ExportColumn:
        return next(c for c in self.columns if c.name == name)


META_COLUMNS = (
    ExportColumn("run_id", "str", "the export run that last wrote this row (see `runs`)", required=False),
    ExportColumn(
        "pipeline_version",
        "str",
        "version of the pipeline that extracted the row's document: release+code/KB hash, from run_report.json",
        required=False,
    ),
    ExportColumn("exported_at", "str", "when this row was last written (UTC, ISO 8601)", required=False),
)
_RUN_FK = ("run_id", "runs", "run_id")


def _from_schema(table: Table, nullable: dict[str, str] | None = None) -> tuple[ExportColumn, ...]:
    """The table's columns; ``nullable``: column -> its description in the export (NULL instead of '')."""
    nullable = nullable or {}
    return tuple(
        ExportColumn(
            c.name,
            c.kind,
            nullable.get(c.name, c.description),
            allowed=c.allowed,
            nullable=c.name in nullable,
            required=c.default is None,
        )
        for c in table.columns
    )


RUNS = ExportTable(
    "runs",
    "one row per `evidence export` run",
    (
        ExportColumn("run_id", "str", "id of the export run: UTC time and a random suffix"),
        ExportColumn("schema_version", "int", "version of this schema"),
        ExportColumn("pipeline_version", "str", "version of the pipeline of the source folder's last extraction run"),
        ExportColumn("exporter_version", "str", "version of the pipeline package that exported"),
        ExportColumn("exported_at", "str", "when the export ran (UTC, ISO 8601)"),
        ExportColumn("source_folder", "str", "the output folder exported (absolute path)"),
        ExportColumn("source_run_id", "str", "run id of the source folder's last extraction run ('' if unknown)"),
        ExportColumn("decisions_source", "str", "the reviewer-decisions database read ('' when none)"),
        ExportColumn("documents_total", "int", "documents in the source folder"),
        ExportColumn("documents_written", "int", "documents new or re-extracted since the last export, rewritten"),
        ExportColumn("documents_unchanged", "int", "documents left as they were"),
        ExportColumn("decisions_read", "int", "decisions read from the decisions database"),
    ),
    key=("run_id",),
)

DOCUMENTS = ExportTable(
    "documents",
    "one row per exported document, with the fingerprint of its rows (what makes re-exports incremental)",
    (
        ExportColumn("doc_id", "str", "document id"),
        ExportColumn("fingerprint", "str", "hash of the document's rows in all tables and its pipeline version"),
        ExportColumn("extract_run_id", "str", "the extraction run that last processed the document ('' if unknown)"),
        ExportColumn("n_claims", "int", "evidence rows of the document"),
        ExportColumn("n_mentions", "int", "mention rows of the document"),
        ExportColumn("n_arms", "int", "study arms of the document"),
        ExportColumn("n_references", "int", "reference-list entries of the document"),
        *META_COLUMNS,
    ),
    key=("doc_id",),
    foreign_keys=(_RUN_FK,),
)

EVIDENCE_EXPORT = ExportTable(
    "evidence",
    "one row per claim (pipeline.schema.EVIDENCE)",
    (*_from_schema(EVIDENCE), *META_COLUMNS),
    key=("claim_id",),
    foreign_keys=(_RUN_FK,),
    indexes=(("doc_id",), ("effect_direction",), ("study_type",), ("claim_type",)),
)

MENTIONS_EXPORT = ExportTable(
    "mentions",
    "every entity mention (pipeline.schema.MENTIONS); mention_id is added by the export",
    (
        ExportColumn(
            "mention_id",
            "str",
            "stable id: first 16 hex digits of sha1(doc_id, char_start, char_end, concept_id joined by \\x1f)",
            required=False,
        ),
        *_from_schema(
            MENTIONS,
            nullable={
                "claim_id": "claim row built from the sentence: NULL in the export ('' in the pipeline's files) when "
                "the sentence made none"
            },
        ),
        *META_COLUMNS,
    ),
    key=("mention_id",),
    foreign_keys=(("claim_id", "evidence", "claim_id"), _RUN_FK),
    indexes=(("doc_id",), ("claim_id",), ("concept_id",), ("category",)),
)

STUDIES_EXPORT = ExportTable(
    "studies",
    "one row per study arm per document (pipeline.schema.STUDIES)",
    (*_from_schema(STUDIES), *META_COLUMNS),
    key=("arm_id",),
    foreign_keys=(_RUN_FK,),
    indexes=(("doc_id",), ("study_type",), ("effect_direction",), ("cell_product",)),
)

REFERENCES_EXPORT = ExportTable(
    "references",
    "the parsed reference list of each document (pipeline.schema.REFERENCES); quote the name in SQL",
    (*_from_schema(REFERENCES), *META_COLUMNS),
    key=("doc_id", "number"),
    foreign_keys=(_RUN_FK,),
    indexes=(("pmid",), ("doi",)),
)

_DECISION_COLUMNS = (
    ExportColumn("claim_id", "str", "the claim decided on; kept when the claim is gone (see orphaned_decisions)"),
    ExportColumn("status", "str", "the reviewer's decision", DECISION_STATUSES),
    ExportColumn("edits", "str", "JSON object: field -> new value ('{}' when none)"),
    ExportColumn("comment", "str", "the reviewer's comment"),
    ExportColumn("reviewer", "str", "who decided"),
    ExportColumn("decided_at", "str", "when (as written by the review page; the newest decision of a claim wins)"),
)

DECISIONS = ExportTable(
    "decisions",
    "the latest reviewer decision per claim; never deleted by an export, no foreign key to evidence",
    (
        *_DECISION_COLUMNS,
        ExportColumn(
            "doc_id", "str", "document of the claim when decided ('' when the review database does not record it)"
        ),
        ExportColumn(
            "sentence", "str", "sentence of the claim when decided ('' when the review database does not record it)"
        ),
        *META_COLUMNS,
    ),
    key=("claim_id",),
    foreign_keys=(_RUN_FK,),
    indexes=(("status",), ("doc_id",)),
)

DECISION_LOG = ExportTable(
    "decision_log",
    "every reviewer decision ever exported (append-only)",
    (
        ExportColumn(
            "log_id",
            "str",
            "stable id: first 16 hex digits of sha1 of the entry's fields (the review database's own id is local)",
        ),
        *(ExportColumn(c.name, "str", c.description, c.allowed) for c in _DECISION_COLUMNS),
        ExportColumn("previous", "str", "the decision it replaced, as recorded by the review page", nullable=True),
        *META_COLUMNS,
    ),
    key=("log_id",),
    foreign_keys=(_RUN_FK,),
    indexes=(("claim_id",),),
)

#: In creation order (a referenced table first).
EXPORT_TABLES: tuple[ExportTable, ...] = (
    RUNS,
    DOCUMENTS,
    EVIDENCE_EXPORT,
    MENTIONS_EXPORT,
    STUDIES_EXPORT,
    REFERENCES_EXPORT,
    DECISIONS,
    DECISION_LOG,
)
#: Output table of each per-document export table.
SOURCES: dict[str, Table] = {
    "evidence": EVIDENCE,
    "mentions": MENTIONS,
    "studies": STUDIES,
    "references": REFERENCES,
}
ORPHANED_DECISIONS_VIEW = "orphaned_decisions"
_ORPHANED_DECISIONS_SQL = (
    f'CREATE VIEW "{ORPHANED_DECISIONS_VIEW}" AS\n'
    'SELECT d.* FROM "decisions" d\n'
    'WHERE NOT EXISTS (SELECT 1 FROM "evidence" e WHERE e."claim_id" = d."claim_id")'
)


# ------------------------------------------------------------------------------------------------ DDL, JSON Schema


def q(name: str) -> str:
    """A quoted SQL identifier (``references``, ``text``, ``number`` are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def create_table_sql(table: ExportTable) -> str:
    lines = [f"-- {table.name}: {table.description}", f"CREATE TABLE IF NOT EXISTS {q(table.name)} ("]
    for col in table.columns:
        spec = f"    {q(col.name)} {col.sql_type}"
        if not col.nullable:
            spec += " NOT NULL"
        if col.allowed and not col.is_list:
            spec += f" CHECK ({q(col.name)} IN ({', '.join(_sql_literal(v) for v in col.allowed)}))"
        note = f"{col.kind}, items joined by '{LIST_SEPARATOR}'" if col.is_list else col.kind
        lines.append(f"{spec}, -- {note}: {col.description}")
    constraints = [f"    PRIMARY KEY ({', '.join(q(k) for k in table.key)})"]
    for column, ref_table, ref_column in table.foreign_keys:
        constraints.append(f"    FOREIGN KEY ({q(column)}) REFERENCES {q(ref_table)} ({q(ref_column)})")
    lines.append(",\n".join(constraints))
    lines.append(")")
    return "\n".join(lines)


def index_name(table: ExportTable, columns: Sequence[str]) -> str:
    return f"{table.name}_{'_'.join(columns)}_idx"


def ddl_statements() -> list[str]:
    """The statements the exporter executes on a SQL database (the view only when it does not exist yet)."""
    statements = []
    for table in EXPORT_TABLES:
        statements.append(create_table_sql(table))
        for columns in table.indexes:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {q(index_name(table, columns))} "
                f"ON {q(table.name)} ({', '.join(q(c) for c in columns)})"
            )
    return statements


def ddl_text() -> str:
    """The content of docs/schema/evidence.sql."""
    header = (
        f"-- MSC-AKI evidence export, schema version {SCHEMA_VERSION}.\n"
        "-- Generated from pipeline/export.py (python -m pipeline.export --write-schema); do not edit by hand.\n"
        "-- The same statements run on SQLite, DuckDB and PostgreSQL. List-valued columns are TEXT with the items\n"
        f"-- joined by '{LIST_SEPARATOR}' ('' for an empty list). Booleans are BOOLEAN (0/1 in SQLite).\n"
        "-- mentions.claim_id is NULL when the sentence made no claim. decisions has no foreign key to evidence:\n"
        "-- a decision outlives its claim (see the orphaned_decisions view, created when missing).\n"
    )
    body = ";\n\n".join([*ddl_statements(), _ORPHANED_DECISIONS_SQL])
    return f"{header}\n{body};\n"


def _json_type(col: ExportColumn) -> dict[str, Any]:
    scalar = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
    if col.is_list:
        item: dict[str, Any] = {"type": scalar[col.kind[5:-1]]}
        if col.allowed:
            item["enum"] = list(col.allowed)
        spec: dict[str, Any] = {"type": "array", "items": item}
    else:
        spec = {"type": [scalar[col.kind], "null"] if col.nullable else scalar[col.kind]}
        if col.allowed:
            spec["enum"] = [*col.allowed, None] if col.nullable else list(col.allowed)
    spec["description"] = col.description
    return spec


def json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of each table's rows as in Parquet and JSONL: lists are arrays.

    The columns of the pipeline's own tables come from pipeline/schema.py; the export adds ``mention_id`` and the
    run columns (not required, so the same schema validates the rows of the pipeline's JSONL files).
    """
    defs = {}
    for table in EXPORT_TABLES:
        defs[table.name] = {
            "title": table.name,
            "description": table.description,
            "type": "object",
            "properties": {c.name: _json_type(c) for c in table.columns},
            "required": [c.name for c in table.columns if c.required],
            "additionalProperties": False,
            "x-primary-key": list(table.key),
            "x-foreign-keys": [{"column": c, "references": f"{t}.{r}"} for c, t, r in table.foreign_keys],
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "evidence.schema.json",
        "title": "MSC-AKI evidence export: the rows of each table",
        "description": f"Schema version {SCHEMA_VERSION}. Generated from pipeline/schema.py and pipeline/export.py "
        "(python -m pipeline.export --write-schema). One definition per table under $defs; a row of table T "
        'validates against {"$ref": "evidence.schema.json#/$defs/T"}.',
        "x-schema-version": SCHEMA_VERSION,
        "$defs": defs,
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema_files(folder: Path = SCHEMA_DIR) -> list[Path]:
    written = [folder / SQL_FILE.name, folder / JSON_SCHEMA_FILE.name]
    write_text(written[0], ddl_text())
    write_text(written[1], json_schema_text())
    return written


# ------------------------------------------------------------------------------------------------ reading outputs


def _read_csv_table(path: Path, table: Table) -> pd.DataFrame:
    """A table from its CSV file (lists ``;``-joined, booleans true/false), for folders without JSONL."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    item = {"list[int]": int, "list[float]": float}
    for col in table.columns:
        if col.name not in raw.columns:
            if col.default is not None:
                continue  # validate() fills it
            raw[col.name] = ""
        values = raw[col.name]
        if col.kind.startswith("list"):
            convert = item.get(col.kind, str)
            raw[col.name] = values.map(lambda v, f=convert: [f(x) for x in v.split(";")] if v != "" else [])
        elif col.kind == "bool":
            raw[col.name] = values.map(lambda v: v.strip().lower() in ("true", "1"))
        elif col.kind == "int":
            raw[col.name] = values.map(lambda v: int(v) if v != "" else 0)
        elif col.kind == "float":
            raw[col.name] = values.map(lambda v: float(v) if v != "" else 0.0)
    return raw


def read_output_table(out_dir: Path, table: Table) -> pd.DataFrame:
    """A table of an output folder, validated: from its JSONL file, else its CSV file, else empty."""
    jsonl, csv = out_dir / f"{table.name}.jsonl", out_dir / f"{table.name}.csv"
    if jsonl.exists() or not csv.exists():
        frame = read_table(out_dir, table)
    else:
        frame = _read_csv_table(csv, table)
    try:
        return validate(frame, table)
    except SchemaError as exc:
        raise ExportError(f"{out_dir}: {exc}") from exc


def load_outputs(out_dir: Path) -> dict[str, pd.DataFrame]:
    """The evidence, mentions, studies and references tables of an output folder (validated)."""
    if not out_dir.is_dir():
        raise ExportError(f"{out_dir}: no such output folder")
    if (
        not any((out_dir / f"evidence.{ext}").exists() for ext in ("jsonl", "csv"))
        and not (out_dir / "dataset" / "evidence").is_dir()
    ):
        raise ExportError(
            f"{out_dir}: no evidence table (evidence.jsonl, evidence.csv or dataset/evidence/); run `evidence extract`"
        )
    return {name: read_output_table(out_dir, table) for name, table in SOURCES.items()}


def _version_string(versions: dict[str, Any]) -> str:
    release, code = versions.get("pipeline") or "", versions.get("pipeline_version") or ""
    if release and code:
        return f"{release}+{code}"
    return release or code


def _load_report(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def extraction_provenance(out_dir: Path) -> tuple[dict[str, tuple[str, str]], str, str]:
    """(doc_id -> (extraction run id, pipeline version)), the last run's id and its pipeline version.

    Read from ``runs/*/run_report.json`` in run order, then the top-level ``run_report.json`` (the last run).
    """
    reports = [r for p in sorted((out_dir / "runs").glob("*/run_report.json")) if (r := _load_report(p))]
    top = _load_report(out_dir / "run_report.json")
    if top:
        reports.append(top)
    by_doc: dict[str, tuple[str, str]] = {}
    for report in reports:
        run_id, version = str(report.get("run_id", "")), _version_string(report.get("versions") or {})
        for item in report.get("inputs") or []:
            if isinstance(item, dict) and item.get("doc_id"):
                by_doc[str(item["doc_id"])] = (run_id, version or __version__)
    last_run = str(top.get("run_id", "")) if top else ""
    last_version = (_version_string(top.get("versions") or {}) if top else "") or __version__
    return by_doc, last_run, last_version


def mention_id(doc_id: str, char_start: int, char_end: int, concept_id: str) -> str:
    return hashlib.sha1(f"{doc_id}\x1f{char_start}\x1f{char_end}\x1f{concept_id}".encode()).hexdigest()[:16]


def _log_id(entry: dict[str, Any]) -> str:
    fields = [str(entry.get(k) if entry.get(k) is not None else "") for k in DECISION_LOG.names[1:8]]
    return hashlib.sha1("\x1f".join(fields).encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------------------------ decisions


def default_decisions_path(out_dir: Path) -> Path:
    return out_dir / "review.sqlite"


def read_decisions(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The decisions and decision_log rows of a review database (opened read-only)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ExportError(f"{path}: cannot open the decisions database: {exc}") from exc
    try:
        conn.row_factory = sqlite3.Row
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "decisions" not in names:
            raise ExportError(f"{path}: not a decisions database (no decisions table)")
        decisions = [dict(r) for r in conn.execute("SELECT * FROM decisions ORDER BY claim_id")]
        log = (
            [dict(r) for r in conn.execute("SELECT * FROM decision_log ORDER BY id")] if "decision_log" in names else []
        )
    except sqlite3.Error as exc:
        raise ExportError(f"{path}: cannot read the decisions database: {exc}") from exc
    finally:
        conn.close()
    for row in decisions + log:
        if row.get("status") not in DECISION_STATUSES or not row.get("claim_id"):
            raise ExportError(f"{path}: bad decision {row.get('claim_id')!r}: status {row.get('status')!r}")
        for name in ("edits", "comment", "reviewer", "decided_at", "doc_id", "sentence"):
            row[name] = "" if row.get(name) is None else str(row[name])
        row["edits"] = row["edits"] or "{}"
    return decisions, log


def decision_is_newer(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """The rule for replacing an exported decision (the SQL targets express the same in their upsert)."""
    if new["decided_at"] != old["decided_at"]:
        return new["decided_at"] > old["decided_at"]
    return any(new[k] != old[k] for k in ("status", "edits", "comment", "reviewer"))


# ------------------------------------------------------------------------------------------------ the plan


@dataclass
class ExportPlan:
    """What one export writes: the rows of the changed documents and the decisions, with their run columns."""

    run: dict[str, Any]
    frames: dict[str, pd.DataFrame]  # per-document tables (all source documents), in export columns
    fingerprints: dict[str, str]
    changed: set[str] = field(default_factory=set)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    decision_log: list[dict[str, Any]] = field(default_factory=list)


def _canonical(frame: pd.DataFrame, key: Sequence[str]) -> list[dict[str, Any]]:
    return frame.sort_values(list(key)).to_dict("records") if len(frame) else []


def build_plan(
    source: Path, decisions_path: Path | None, run_id: str, exported_at: str
) -> tuple[ExportPlan, dict[str, str]]:
    """Read the output folder and decisions; return the plan and each document's pipeline version."""
    tables = load_outputs(source)
    by_doc, last_run, last_version = extraction_provenance(source)
    doc_ids = sorted(set().union(*(set(f["doc_id"]) for f in tables.values())))
    versions = {d: by_doc.get(d, (last_run, last_version))[1] for d in doc_ids}
    extract_runs = {d: by_doc.get(d, (last_run, last_version))[0] for d in doc_ids}

    frames: dict[str, pd.DataFrame] = {}
    mentions = tables["mentions"].copy()
    mentions.insert(
        0,
        "mention_id",
        [
            mention_id(d, s, e, c)
            for d, s, e, c in zip(
                mentions["doc_id"], mentions["char_start"], mentions["char_end"], mentions["concept_id"], strict=True
            )
        ],
    )
    known_claims = set(tables["evidence"]["claim_id"])
    mentions["claim_id"] = pd.Series(
        [c if c in known_claims else None for c in mentions["claim_id"]], index=mentions.index, dtype=object
    )
    frames["evidence"], frames["mentions"] = tables["evidence"], mentions
    frames["studies"], frames["references"] = tables["studies"], tables["references"]

    fingerprints: dict[str, str] = {}
    grouped = {name: dict(tuple(f.groupby("doc_id", sort=False))) if len(f) else {} for name, f in frames.items()}
    empty = pd.DataFrame()
    for doc in doc_ids:
        payload = {"pipeline_version": versions[doc]}
        for name in frames:
            payload[name] = _canonical(grouped[name].get(doc, empty), _EXPORT[name].key)
        blob = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
        fingerprints[doc] = hashlib.sha256(blob.encode()).hexdigest()[:32]

    for name, frame in frames.items():
        frames[name] = frame.assign(
            run_id=run_id, pipeline_version=frame["doc_id"].map(versions).astype(object), exported_at=exported_at
        )
    counts = {
        doc: {name: len(grouped[name].get(doc, empty)) for name in frames} for doc in doc_ids
    }  # rows per document
    frames["documents"] = pd.DataFrame(
        {
            "doc_id": doc_ids,
            "fingerprint": [fingerprints[d] for d in doc_ids],
            "extract_run_id": [extract_runs[d] for d in doc_ids],
            "n_claims": [counts[d]["evidence"] for d in doc_ids],
            "n_mentions": [counts[d]["mentions"] for d in doc_ids],
            "n_arms": [counts[d]["studies"] for d in doc_ids],
            "n_references": [counts[d]["references"] for d in doc_ids],
            "run_id": run_id,
            "pipeline_version": [versions[d] for d in doc_ids],
            "exported_at": exported_at,
        },
        columns=DOCUMENTS.names,
    )

    decisions: list[dict[str, Any]] = []
    log: list[dict[str, Any]] = []
    if decisions_path is not None:
        raw_decisions, raw_log = read_decisions(decisions_path)
        meta = {"run_id": run_id, "pipeline_version": last_version, "exported_at": exported_at}
        decisions = [{k: r[k] for k in DECISIONS.names if k in r} | meta for r in raw_decisions]
        for r in raw_log:
            entry = {k: r.get(k) for k in DECISION_LOG.names if k in r}
            entry["previous"] = None if r.get("previous") is None else str(r["previous"])
            log.append({"log_id": _log_id(entry)} | entry | meta)
    run = {
        "run_id": run_id,
        "schema_version": SCHEMA_VERSION,
        "pipeline_version": last_version,
        "exporter_version": __version__,
        "exported_at": exported_at,
        "source_folder": str(source.resolve()),
        "source_run_id": last_run,
        "decisions_source": str(decisions_path.resolve()) if decisions_path else "",
        "documents_total": len(doc_ids),
        "documents_written": 0,
        "documents_unchanged": 0,
        "decisions_read": len(decisions),
    }
    return ExportPlan(run, frames, fingerprints, decisions=decisions, decision_log=log), versions


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # None or NaN


def _sql_value(col: ExportColumn, value: Any) -> Any:
    if col.is_list:
        return LIST_SEPARATOR.join(str(x) for x in value)
    if _missing(value):
        return None
    if col.kind == "bool":
        return bool(value)
    if col.kind == "int":
        return int(value)
    if col.kind == "float":
        return float(value)
    return str(value)


def sql_rows(table: ExportTable, records: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Rows as tuples in the table's column order, lists joined for SQL."""
    cols = table.columns
    return [tuple(_sql_value(c, r.get(c.name)) for c in cols) for r in records]


# ------------------------------------------------------------------------------------------------ SQL targets


class SqlTarget:
    """A SQL database reached through a DB-API connection; subclasses say how to connect and stage rows."""

    placeholder = "?"
    dialect = "sql"
    #: DuckDB cannot update a row that a foreign key references, even after the referencing rows were deleted in
    #: the same transaction: the mentions of re-extracted documents are deleted in a transaction of their own.
    separate_child_delete = False

    def __init__(self, conn: Any, where: str) -> None:
        self.conn = conn
        self.where = where

    # --- connection
    def begin(self) -> None:
        self.conn.execute("BEGIN")

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        self.conn.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.cursor()
        self._run(cur, sql, params)
        return list(cur.fetchall())

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._run(self.conn.cursor(), sql, params)

    @staticmethod
    def _run(cursor: Any, sql: str, params: Sequence[Any]) -> None:
        if params:
            cursor.execute(sql, params)
        else:  # without parameters: a '%' in the text is not a placeholder (psycopg)
            cursor.execute(sql)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.conn.cursor().executemany(sql, rows)

    def columns_of(self, name: str) -> list[str]:
        cur = self.conn.cursor()
        cur.execute(f"SELECT * FROM {q(name)} WHERE 1 = 0")
        return [d[0] for d in cur.description]

    def has_view(self, name: str) -> bool:
        raise NotImplementedError

    # --- statements
    def upsert_sql(self, table: ExportTable, source: str | None = None, where: str = "") -> str:
        cols = ", ".join(q(c) for c in table.names)
        values = (
            f"SELECT {cols} FROM {source}" if source else f"VALUES ({', '.join([self.placeholder] * len(table.names))})"
        )
        updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in table.names if c not in table.key)
        conflict = ", ".join(q(k) for k in table.key)
        sql = f"INSERT INTO {q(table.name)} ({cols}) {values} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        return f"{sql} WHERE {where}" if where else sql

    def insert_ignore_sql(self, table: ExportTable, source: str | None = None) -> str:
        cols = ", ".join(q(c) for c in table.names)
        values = (
            f"SELECT {cols} FROM {source}" if source else f"VALUES ({', '.join([self.placeholder] * len(table.names))})"
        )
        conflict = ", ".join(q(k) for k in table.key)
        return f"INSERT INTO {q(table.name)} ({cols}) {values} ON CONFLICT ({conflict}) DO NOTHING"

    def upsert(self, table: ExportTable, rows: list[tuple[Any, ...]], where: str = "") -> None:
        self.executemany(self.upsert_sql(table, where=where), rows)

    def insert_ignore(self, table: ExportTable, rows: list[tuple[Any, ...]]) -> None:
        self.executemany(self.insert_ignore_sql(table), rows)

    def delete_keys(self, table: ExportTable, keys: list[tuple[Any, ...]]) -> None:
        cond = " AND ".join(f"{q(k)} = {self.placeholder}" for k in table.key)
        self.executemany(f"DELETE FROM {q(table.name)} WHERE {cond}", keys)

    def keys_of_documents(self, table: ExportTable, doc_ids: list[str]) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = []
        for i in range(0, len(doc_ids), 500):
            chunk = doc_ids[i : i + 500]
            marks = ", ".join([self.placeholder] * len(chunk))
            cols = ", ".join(q(k) for k in table.key)
            found += self.query(f"SELECT {cols} FROM {q(table.name)} WHERE {q('doc_id')} IN ({marks})", chunk)
        return found

    def delete_documents(self, table: ExportTable, doc_ids: list[str]) -> None:
        self.executemany(
            f"DELETE FROM {q(table.name)} WHERE {q('doc_id')} = {self.placeholder}", [(d,) for d in doc_ids]
        )

    # --- schema
    def ensure_schema(self) -> None:
        for statement in ddl_statements():
            self.execute(statement)
        if not self.has_view(ORPHANED_DECISIONS_VIEW):
            self.execute(_ORPHANED_DECISIONS_SQL)
        for table in EXPORT_TABLES:
            found = [c.lower() for c in self.columns_of(table.name)]
            if found != table.names:
                raise ExportError(
                    f"{self.where}: table {table.name} has columns {found}, this exporter (schema version "
                    f"{SCHEMA_VERSION}) writes {table.names}; export into a new database"
                )


class SqliteTarget(SqlTarget):
    dialect = "sqlite"

    @classmethod
    def open(cls, path: Path) -> SqliteTarget:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        return cls(conn, f"sqlite:///{path}")

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def has_view(self, name: str) -> bool:
        return bool(self.query("SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = ?", (name,)))


class DuckDbTarget(SqlTarget):
    dialect = "duckdb"
    separate_child_delete = True
    _STAGE = "_evidence_export_stage"

    @classmethod
    def open(cls, path: Path) -> DuckDbTarget:
        try:
            import duckdb
        except ImportError as exc:
            raise ExportError("duckdb is not installed: pip install duckdb") from exc
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(duckdb.connect(str(path)), f"duckdb:///{path}")

    def begin(self) -> None:
        self.conn.begin()

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        try:
            self.conn.rollback()
        except Exception:  # noqa: BLE001 - no transaction open
            pass

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(sql, list(params)).fetchall())

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(sql, list(params))

    def columns_of(self, name: str) -> list[str]:
        return [d[0] for d in self.conn.execute(f"SELECT * FROM {q(name)} WHERE 1 = 0").description]

    def has_view(self, name: str) -> bool:
        return bool(self.query("SELECT 1 FROM duckdb_views() WHERE view_name = ? AND NOT internal", (name,)))

    def _stage(self, names: Sequence[str], kinds: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Rows as an Arrow table the SQL can select from (DuckDB's executemany is slow: ~ms a row)."""
        import pyarrow as pa

        types = {"TEXT": pa.string(), "BIGINT": pa.int64(), "DOUBLE PRECISION": pa.float64(), "BOOLEAN": pa.bool_()}
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        arrays = [pa.array(list(values), type=types[kind]) for values, kind in zip(columns, kinds, strict=True)]
        self.conn.register(self._STAGE, pa.Table.from_arrays(arrays, names=list(names)))

    def upsert(self, table: ExportTable, rows: list[tuple[Any, ...]], where: str = "") -> None:
        if rows:
            self._stage(table.names, [c.sql_type for c in table.columns], rows)
            try:
                self.conn.execute(self.upsert_sql(table, source=self._STAGE, where=where))
            finally:
                self.conn.unregister(self._STAGE)

    def insert_ignore(self, table: ExportTable, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self._stage(table.names, [c.sql_type for c in table.columns], rows)
            try:
                self.conn.execute(self.insert_ignore_sql(table, source=self._STAGE))
            finally:
                self.conn.unregister(self._STAGE)

    def delete_keys(self, table: ExportTable, keys: list[tuple[Any, ...]]) -> None:
        if keys:
            self._stage(table.key, [table.column(k).sql_type for k in table.key], keys)
            cond = " AND ".join(f"s.{q(k)} = t.{q(k)}" for k in table.key)
            try:
                self.conn.execute(
                    f"DELETE FROM {q(table.name)} t WHERE EXISTS (SELECT 1 FROM {self._STAGE} s WHERE {cond})"
                )
            finally:
                self.conn.unregister(self._STAGE)

    def delete_documents(self, table: ExportTable, doc_ids: list[str]) -> None:
        if doc_ids:
            self._stage(["doc_id"], ["TEXT"], [(d,) for d in doc_ids])
            try:
                self.conn.execute(
                    f"DELETE FROM {q(table.name)} WHERE {q('doc_id')} IN (SELECT doc_id FROM {self._STAGE})"
                )
            finally:
                self.conn.unregister(self._STAGE)


class PostgresTarget(SqlTarget):
    dialect = "postgresql"
    placeholder = "%s"

    @classmethod
    def open(cls, url: str) -> PostgresTarget:
        try:
            import psycopg
        except ImportError as exc:
            raise ExportError("psycopg is not installed: pip install 'psycopg[binary]'") from exc
        try:
            conn = psycopg.connect(url, connect_timeout=10)
        except psycopg.Error as exc:
            raise TargetError(f"{redact(url)}: cannot connect: {exc}".strip()) from exc
        return cls(conn, redact(url))

    def begin(self) -> None:
        pass  # psycopg opens a transaction with the first statement

    def has_view(self, name: str) -> bool:
        sql = "SELECT 1 FROM information_schema.views WHERE table_schema = current_schema() AND table_name = %s"
        return bool(self.query(sql, (name,)))


def redact(url: str) -> str:
    """The URL without its password."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}{':***' if ':' in creds else ''}@{host}"


# ------------------------------------------------------------------------------------------------ Parquet target


def arrow_schema(table: ExportTable) -> Any:
    import pyarrow as pa

    scalar = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    fields = []
    for col in table.columns:
        kind = pa.list_(scalar[col.kind[5:-1]]) if col.is_list else scalar[col.kind]
        fields.append(pa.field(col.name, kind, nullable=col.nullable or col.is_list))
    return pa.schema(fields)


class ParquetTarget:
    """One Parquet file per table in a folder; each file replaced atomically, lists kept as lists."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.where = f"parquet:{folder}"

    def path(self, table: ExportTable) -> Path:
        return self.folder / f"{table.name}.parquet"

    def read(self, table: ExportTable) -> pd.DataFrame:
        import pyarrow.parquet as pq

        path = self.path(table)
        if not path.exists():
            return arrow_schema(table).empty_table().to_pandas()
        found = pq.read_table(path)
        if found.column_names != table.names:
            raise ExportError(
                f"{path}: columns {found.column_names}, this exporter (schema version {SCHEMA_VERSION}) writes "
                f"{table.names}; export into a new folder"
            )
        frame = found.to_pandas()
        for col in table.columns:
            if col.is_list:
                frame[col.name] = frame[col.name].map(lambda v: [] if v is None else list(v))
        return frame

    def write(self, table: ExportTable, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        frame = frame[table.names]
        if len(frame):
            frame = frame.sort_values(list(table.key), kind="stable")
        records = frame.to_dict("records")
        columns = {c.name: [_parquet_value(c, r[c.name]) for r in records] for c in table.columns}
        arrow = pa.Table.from_pydict(columns, schema=arrow_schema(table))
        atomic_write(self.path(table), lambda p: pq.write_table(arrow, p))


def _parquet_value(col: ExportColumn, value: Any) -> Any:
    if col.is_list:
        return list(value) if value is not None else []
    if _missing(value):
        return None
    return {"str": str, "int": int, "float": float, "bool": bool}[col.kind](value)


# ------------------------------------------------------------------------------------------------ export


@dataclass
class ExportSummary:
    target: str
    run_id: str
    documents_total: int
    documents_written: list[str]
    documents_unchanged: int
    rows: dict[str, int]
    decisions_read: int
    decisions_in_target: int

    def line(self) -> str:
        rows = ", ".join(f"{n} {name}" for name, n in self.rows.items())
        return (
            f"exported {self.documents_total} documents to {self.target} ({len(self.documents_written)} written, "
            f"{self.documents_unchanged} unchanged): {rows}; decisions: {self.decisions_read} read, "
            f"{self.decisions_in_target} in the target; run {self.run_id}"
        )


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def open_target(url: str) -> SqlTarget | ParquetTarget:
    for prefix, cls in (("sqlite:///", SqliteTarget), ("duckdb:///", DuckDbTarget)):
        if url.startswith(prefix):
            path = url[len(prefix) :]
            if not path:
                raise ExportError(f"{url}: no file path after {prefix}")
            return cls.open(Path(path))
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresTarget.open(url)
    if url.startswith("parquet:"):
        folder = url[len("parquet:") :]
        folder = folder[2:] if folder.startswith("//") else folder
        if not folder:
            raise ExportError(f"{url}: no folder after parquet:")
        return ParquetTarget(Path(folder))
    raise ExportError(f"{url}: unknown target; use {URL_FORMS}")


def export(
    url: str,
    source: Path = paths.OUTPUTS_DIR,
    decisions: Path | None = None,
    *,
    run_id: str | None = None,
    exported_at: str | None = None,
) -> ExportSummary:
    """Export the output folder ``source`` (and the decisions database, if any) to ``url``.

    ``decisions`` None reads ``<source>/review.sqlite`` when it exists; a path that does not exist is an error.
    """
    if decisions is None:
        default = default_decisions_path(source)
        decisions = default if default.exists() else None
    elif not decisions.exists():
        raise ExportError(f"{decisions}: no such decisions database")
    run_id = run_id or new_run_id()
    exported_at = exported_at or now_iso()
    plan, _ = build_plan(source, decisions, run_id, exported_at)
    target = open_target(url)
    try:
        if isinstance(target, ParquetTarget):
            return _export_parquet(target, plan)
        return _export_sql(target, plan)
    finally:
        if isinstance(target, SqlTarget):
            target.close()


_PER_DOC_ORDER = ("evidence", "mentions", "studies", "references")
_EXPORT: dict[str, ExportTable] = {t.name: t for t in EXPORT_TABLES}


def _changed(plan: ExportPlan, existing: dict[str, str]) -> list[str]:
    return sorted(d for d, fp in plan.fingerprints.items() if existing.get(d) != fp)


def _finish_run(plan: ExportPlan, changed: list[str]) -> None:
    plan.changed = set(changed)
    plan.run["documents_written"] = len(changed)
    plan.run["documents_unchanged"] = len(plan.fingerprints) - len(changed)


def _rows_of(plan: ExportPlan, name: str) -> pd.DataFrame:
    frame = plan.frames[name]
    return frame[frame["doc_id"].isin(plan.changed)] if len(frame) else frame


_DECISION_WHERE = (
    'excluded."decided_at" > "decisions"."decided_at" OR (excluded."decided_at" = "decisions"."decided_at" AND ('
    + " OR ".join(f'excluded."{c}" <> "decisions"."{c}"' for c in ("status", "edits", "comment", "reviewer"))
    + "))"
)


def _export_sql(target: SqlTarget, plan: ExportPlan) -> ExportSummary:
    tables = _EXPORT
    try:
        target.begin()
        target.ensure_schema()
        existing = dict(target.query(f"SELECT {q('doc_id')}, {q('fingerprint')} FROM {q('documents')}"))
        changed = _changed(plan, existing)
        _finish_run(plan, changed)
        if target.separate_child_delete and changed:
            target.delete_documents(MENTIONS_EXPORT, changed)
            target.commit()  # see SqlTarget.separate_child_delete; documents still has the old fingerprints
            target.begin()
        target.upsert(RUNS, sql_rows(RUNS, [plan.run]))
        target.delete_documents(MENTIONS_EXPORT, changed)
        for name in _PER_DOC_ORDER:
            table = tables[name]
            rows = _rows_of(plan, name)
            if name != "mentions":  # delete the rows the re-extracted documents no longer have
                new_keys = set(rows[list(table.key)].itertuples(index=False, name=None)) if len(rows) else set()
                stale = [k for k in target.keys_of_documents(table, changed) if tuple(k) not in new_keys]
                target.delete_keys(table, stale)
            target.upsert(table, sql_rows(table, rows.to_dict("records")))
        target.upsert(DOCUMENTS, sql_rows(DOCUMENTS, _rows_of(plan, "documents").to_dict("records")))
        target.upsert(DECISIONS, sql_rows(DECISIONS, plan.decisions), where=_DECISION_WHERE)
        target.insert_ignore(DECISION_LOG, sql_rows(DECISION_LOG, plan.decision_log))
        target.commit()
    except ExportError:
        target.rollback()
        raise
    except Exception as exc:
        target.rollback()
        raise TargetError(f"{target.where}: {type(exc).__name__}: {exc}") from exc
    counts = {
        name: target.query(f"SELECT COUNT(*) FROM {q(name)}")[0][0]
        for name in ("evidence", "mentions", "studies", "references")
    }
    in_target = target.query(f"SELECT COUNT(*) FROM {q('decisions')}")[0][0]
    return _summary(target.where, plan, counts, in_target)


def _summary(where: str, plan: ExportPlan, counts: dict[str, int], decisions_in_target: int) -> ExportSummary:
    return ExportSummary(
        target=where,
        run_id=plan.run["run_id"],
        documents_total=plan.run["documents_total"],
        documents_written=sorted(plan.changed),
        documents_unchanged=plan.run["documents_unchanged"],
        rows=counts,
        decisions_read=plan.run["decisions_read"],
        decisions_in_target=decisions_in_target,
    )


def _export_parquet(target: ParquetTarget, plan: ExportPlan) -> ExportSummary:
    tables = _EXPORT
    current = {t.name: target.read(t) for t in EXPORT_TABLES}  # read (and check) everything before writing
    existing = dict(zip(current["documents"]["doc_id"], current["documents"]["fingerprint"], strict=True))
    changed = _changed(plan, existing)
    _finish_run(plan, changed)
    target.write(RUNS, pd.DataFrame([*current["runs"].to_dict("records"), plan.run], columns=RUNS.names))
    counts = {}
    for name in (*_PER_DOC_ORDER, "documents"):
        old = current[name]
        kept = old[~old["doc_id"].isin(plan.changed)] if len(old) else old
        new = _rows_of(plan, name)
        merged = pd.DataFrame([*kept.to_dict("records"), *new.to_dict("records")], columns=tables[name].names)
        target.write(tables[name], merged)
        counts[name] = len(merged)
    decisions = {r["claim_id"]: r for r in current["decisions"].to_dict("records")}
    for row in plan.decisions:
        old = decisions.get(row["claim_id"])
        if old is None or decision_is_newer(row, old):
            decisions[row["claim_id"]] = row
    target.write(DECISIONS, pd.DataFrame(list(decisions.values()), columns=DECISIONS.names))
    log = {r["log_id"]: r for r in current["decision_log"].to_dict("records")}
    for row in plan.decision_log:
        log.setdefault(row["log_id"], row)
    target.write(DECISION_LOG, pd.DataFrame(list(log.values()), columns=DECISION_LOG.names))
    counts.pop("documents")
    return _summary(target.where, plan, counts, len(decisions))


# ------------------------------------------------------------------------------------------------ CLI


def add_export_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.description = (
        "Write the evidence, mentions, studies and references tables and the reviewer decisions to a database or "
        "Parquet folder, with keys, foreign keys and indexes. Re-exporting rewrites only re-extracted documents and "
        "never loses a reviewer decision. See docs/EXPORT.md."
    )
    parser.add_argument("--to", required=True, metavar="URL", help=f"target: {URL_FORMS}")
    parser.add_argument(
        "--from",
        dest="from_dir",
        type=Path,
        default=paths.OUTPUTS_DIR,
        metavar="OUTPUT_DIR",
        help="output folder of `evidence extract` (default: outputs/)",
    )
    parser.add_argument(
        "--decisions",
        type=Path,
        default=None,
        metavar="PATH",
        help="reviewer-decisions SQLite database (default: OUTPUT_DIR/review.sqlite when it exists)",
    )
    return parser


def main_export(args: argparse.Namespace) -> int:
    """Run ``evidence export``: 0 on success, 2 for a usage problem, 1 when the database refused the export."""
    try:
        summary = export(args.to, Path(args.from_dir), args.decisions)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.status
    print(summary.line())
    return 0


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.export")
    parser.add_argument("--write-schema", action="store_true", help="regenerate docs/schema/evidence.{sql,schema.json}")
    parser.add_argument("--check-schema", action="store_true", help="exit 1 when docs/schema is out of date")
    args, rest = parser.parse_known_args(argv)
    if args.write_schema:
        for path in write_schema_files():
            print(f"wrote {path}")
        return 0
    if args.check_schema:
        stale = [
            str(p)
            for p, text in ((SQL_FILE, ddl_text()), (JSON_SCHEMA_FILE, json_schema_text()))
            if not p.exists() or p.read_text(encoding="utf-8") != text
        ]
        for path in stale:
            print(f"out of date: {path} (python -m pipeline.export --write-schema)", file=sys.stderr)
        return 1 if stale else 0
    export_parser = add_export_arguments(argparse.ArgumentParser(prog="evidence export"))
    return main_export(export_parser.parse_args(rest))


if __name__ == "__main__":
    sys.exit(_main())
