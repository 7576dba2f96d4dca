"""What the review page shows: the output folder's tables, the editable fields, edits applied, filters and facets.

The tables are read from the newest of ``<table>.jsonl``, ``.parquet`` and ``.csv`` in the output folder (a run
writes all three; a hand-edited CSV that is newer wins) and re-read whenever that file changes, so a re-run of the
extraction shows up on the next request.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import cues, paths
from pipeline.documents import read_file
from pipeline.kb import KnowledgeBase, load_kb
from pipeline.outputs import read_table
from pipeline.review.decisions import Decision
from pipeline.schema import (
    CLAIM_TYPES,
    DIRECTIONS,
    EVIDENCE,
    MENTIONS,
    REFERENCES,
    ROUTES,
    STUDY_TYPES,
    Column,
    Table,
)

FORMATS = ("jsonl", "parquet", "csv")

#: Evidence field -> knowledge-base category whose canonical names the editor offers.
KB_CATEGORY = {
    "species": "species",
    "cell_source": "cell_source",
    "cell_origin": "cell_origin",
    "cell_product": "cell_product",
    "injury_model": "injury_model",
    "mediators": "mediator",
    "outcomes": "outcome",
}
TIMING_SUGGESTIONS = ("before injury", "at injury", "after injury", "repeated")


@dataclass(frozen=True)
class FieldSpec:
    """An editable field: ``kind`` is ``choice`` (one of ``choices``), ``multi`` (several of ``choices``), ``kb``
    (knowledge-base values of ``category``, or free values), ``bool``, ``list`` (free values) or ``int_list``."""

    name: str
    kind: str
    category: str = ""
    choices: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return self.kind in ("multi", "kb", "list", "int_list")


EDITABLE: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("claim_type", "choice", choices=CLAIM_TYPES),
        FieldSpec("study_type", "choice", choices=STUDY_TYPES),
        FieldSpec("effect_direction", "choice", choices=DIRECTIONS),
        *(FieldSpec(name, "kb", category=category) for name, category in KB_CATEGORY.items()),
        FieldSpec("outcome_effects", "list"),
        FieldSpec("route", "multi", choices=ROUTES),
        FieldSpec("dose", "list"),
        FieldSpec("timing", "list", suggestions=TIMING_SUGGESTIONS),
        FieldSpec("negated", "bool"),
        FieldSpec("hedged", "bool"),
        FieldSpec("cell_line", "list"),
        FieldSpec("trial_id", "list"),
        FieldSpec("trial_phase", "list"),
        FieldSpec("n_patients", "int_list"),
    )
}

#: Facets of the page, in display order (``status`` is the review status).
FACETS = (
    "status",
    "doc_id",
    "claim_type",
    "study_type",
    "effect_direction",
    "species",
    "cell_source",
    "cell_product",
    "injury_model",
    "outcomes",
)
REVIEW_STATUSES = ("undecided", "accepted", "rejected", "edited")
SORTS = ("confidence", "-confidence", "document")


# ------------------------------------------------------------------------------------------------ reading


def table_file(out_dir: Path, table: Table) -> Path | None:
    """The newest of ``<table>.jsonl/.parquet/.csv`` in ``out_dir`` (ties: that order), or None."""
    found = [(out_dir / f"{table.name}.{fmt}", -i) for i, fmt in enumerate(FORMATS)]
    found = [(p, rank) for p, rank in found if p.is_file()]
    if not found:
        return None
    return max(found, key=lambda item: (item[0].stat().st_mtime_ns, item[1]))[0]


def _convert(value: Any, col: Column) -> Any:
    """One cell, as read from CSV (a string), Parquet (numpy) or JSONL, in the schema's Python type."""
    if col.kind.startswith("list"):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            items: list = []
        elif isinstance(value, str):
            items = [] if value == "" else value.split(";")
        else:
            items = list(value.tolist() if hasattr(value, "tolist") else value)
        cast = {"list[int]": int, "list[float]": float}.get(col.kind, str)
        return [cast(x) for x in items]
    if value is None or (isinstance(value, float) and math.isnan(value) and col.kind != "float"):
        return {"str": "", "int": 0, "bool": False, "float": 0.0}[col.kind]
    if col.kind == "bool":
        return value.strip().lower() == "true" if isinstance(value, str) else bool(value)
    if col.kind == "int":
        return int(value)
    if col.kind == "float":
        return float(value)
    return str(value)


def read_rows(path: Path | None, table: Table) -> list[dict]:
    """Rows of one table file as dicts of Python values (lists, bools, ints), every declared column present."""
    if path is None:
        return []
    if path.suffix == ".jsonl":
        frame = read_table(path.parent, table) if path.name == f"{table.name}.jsonl" else pd.DataFrame()
    elif path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    records = frame.to_dict("records")
    defaults = {c.name: ([] if c.kind.startswith("list") else _convert(None, c)) for c in table.columns}
    out = []
    for record in records:
        row = {}
        for col in table.columns:
            row[col.name] = _convert(record[col.name], col) if col.name in record else defaults[col.name]
        out.append(row)
    return out


def edit_string(value: Any) -> str:
    """A value as the editor and ``decisions.edits`` hold it: lists ``;``-joined, booleans ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(edit_string(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return str(value)


def extracted_values(row: dict) -> dict[str, str]:
    """The editable fields of an extracted row as edit strings (stored with a decision to detect re-run changes)."""
    return {name: edit_string(row[name]) for name in EDITABLE}


# ------------------------------------------------------------------------------------------------ edits


class EditError(ValueError):
    pass


def normalize_edit(name: str, raw: Any, kb: KnowledgeBase) -> str:
    """Check one edited value and return it in its stored form (``;``-joined lists, KB canonical names)."""
    spec = EDITABLE.get(name)
    if spec is None:
        raise EditError(f"{name!r} is not an editable field")
    if isinstance(raw, list):
        raw = ";".join(str(x) for x in raw)
    if isinstance(raw, bool):
        raw = "true" if raw else "false"
    if not isinstance(raw, str):
        raise EditError(f"{name}: expected a string")
    if spec.kind == "choice":
        value = raw.strip()
        if value not in spec.choices:
            raise EditError(f"{name}: {value!r} is not one of {', '.join(spec.choices)}")
        return value
    if spec.kind == "bool":
        value = raw.strip().lower()
        if value not in ("true", "false"):
            raise EditError(f"{name}: expected true or false")
        return value
    items = list(dict.fromkeys(x.strip() for x in raw.split(";") if x.strip()))
    if spec.kind == "multi":
        bad = [x for x in items if x not in spec.choices]
        if bad:
            raise EditError(f"{name}: {', '.join(bad)} not in {', '.join(spec.choices)}")
    elif spec.kind == "kb":
        # A known synonym or abbreviation becomes its canonical name; a value the KB does not know stays as given.
        normalized = []
        for item in items:
            concept = kb.lookup(spec.category, item)
            normalized.append(concept.canonical_name if concept else item)
        items = list(dict.fromkeys(normalized))
    elif spec.kind == "int_list":
        try:
            items = [str(int(x)) for x in items]
        except ValueError:
            raise EditError(f"{name}: whole numbers only") from None
    elif name == "dose":
        bad = [x for x in items if cues.dose_value(x)[0] is None]
        if bad:
            raise EditError(f"dose: {', '.join(bad)} does not start with a number")
    elif name == "outcome_effects":
        bad = [x for x in items if ":" not in x or x.rsplit(":", 1)[1].strip() not in DIRECTIONS]
        if bad:
            raise EditError(f"outcome_effects: write outcome:direction, direction one of {', '.join(DIRECTIONS)}")
        items = [f"{x.rsplit(':', 1)[0].strip()}:{x.rsplit(':', 1)[1].strip()}" for x in items]
    return ";".join(items)


def normalize_edits(row: dict, raw_edits: dict, kb: KnowledgeBase) -> dict[str, str]:
    """The edits that change something: each checked and normalized, those equal to the extracted value dropped."""
    if not isinstance(raw_edits, dict):
        raise EditError("edits must be an object: field -> value")
    extracted = extracted_values(row)
    edits = {}
    for name, raw in raw_edits.items():
        value = normalize_edit(str(name), raw, kb)
        if value != extracted[name]:
            edits[name] = value
    return edits


def apply_edits(row: dict, edits: dict[str, str], kb: KnowledgeBase) -> dict:
    """The row with the reviewer's values: ids realigned with edited KB fields, dose values re-parsed."""
    out = dict(row)
    columns = {c.name: c for c in EVIDENCE.columns}
    for name, value in edits.items():
        spec = EDITABLE.get(name)
        col = columns.get(name)
        if spec is None or col is None:
            continue
        if spec.kind == "bool":
            out[name] = value == "true"
        elif spec.is_list:
            items = [x for x in value.split(";") if x] if value else []
            out[name] = [int(x) for x in items] if spec.kind == "int_list" else items
        else:
            out[name] = value
        if name in KB_CATEGORY and f"{name}_ids" in columns:
            ids = []
            for item in out[name]:
                concept = kb.lookup(KB_CATEGORY[name], item)
                ids.append(concept.ontology_id if concept else "")
            out[f"{name}_ids"] = ids
        if name == "dose":
            parsed = [cues.dose_value(d) for d in out["dose"]]
            out["dose_value"] = [float(v) if v is not None else 0.0 for v, _ in parsed]
            out["dose_unit"] = [u for _, u in parsed]
    return out


# ------------------------------------------------------------------------------------------------ the data


@dataclass
class ReviewData:
    """One snapshot of the output folder's tables."""

    rows: list[dict]
    mentions: list[dict]
    references: list[dict]
    evidence_file: Path | None
    by_id: dict[str, dict] = field(init=False)
    mentions_by_claim: dict[str, list[dict]] = field(init=False)
    mentions_by_doc: dict[str, list[dict]] = field(init=False)
    references_by_doc: dict[str, dict[int, dict]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {r["claim_id"]: r for r in self.rows}
        self.mentions_by_claim = {}
        self.mentions_by_doc = {}
        for m in self.mentions:
            self.mentions_by_doc.setdefault(m["doc_id"], []).append(m)
            if m["claim_id"]:
                self.mentions_by_claim.setdefault(m["claim_id"], []).append(m)
        self.references_by_doc = {}
        for ref in self.references:
            self.references_by_doc.setdefault(ref["doc_id"], {})[ref["number"]] = ref

    def doc_rows(self, doc_id: str) -> list[dict]:
        return sorted((r for r in self.rows if r["doc_id"] == doc_id), key=lambda r: r["sentence_index"])


def _signature(path: Path | None) -> tuple | None:
    """What identifies one version of a file: an atomic rewrite (a new inode) or any change of time or size."""
    if path is None:
        return None
    stat = path.stat()
    return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


class OutputFolder:
    """The output folder of ``evidence extract``, re-read when its table files change."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._data: ReviewData | None = None
        self._texts: dict[tuple, tuple[str | None, str]] = {}

    def _files(self) -> tuple[Path | None, Path | None, Path | None]:
        return (
            table_file(self.out_dir, EVIDENCE),
            table_file(self.out_dir, MENTIONS),
            table_file(self.out_dir, REFERENCES),
        )

    def load(self) -> ReviewData:
        with self._lock:
            files = self._files()
            signature = tuple(_signature(p) for p in files)
            if self._data is None or signature != self._signature:
                evidence, mentions, references = files
                self._data = ReviewData(
                    rows=read_rows(evidence, EVIDENCE),
                    mentions=read_rows(mentions, MENTIONS),
                    references=read_rows(references, REFERENCES),
                    evidence_file=evidence,
                )
                self._signature = signature
            return self._data

    # -------------------------------------------------------------------------------------- document text

    def run_reports(self) -> list[dict]:
        """The run reports of the folder (latest and per run), newest first."""
        reports = []
        for path in [self.out_dir / "run_report.json", *sorted(self.out_dir.glob("runs/*/run_report.json"))]:
            try:
                report = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(report, dict):
                reports.append(report)
        return sorted(reports, key=lambda r: str(r.get("started", "")), reverse=True)

    def _candidates(self, source: str) -> list[Path]:
        path = Path(source)
        if path.is_absolute():
            return [path]
        bases = [Path.cwd(), self.out_dir.resolve().parent, paths.REPO_ROOT, self.out_dir]
        return list(dict.fromkeys(base / path for base in bases))

    def document_text(self, doc_id: str, claims: list[dict]) -> tuple[str | None, str]:
        """The document's original text rebuilt from its source file (found through the run reports), or None and
        why not. The text is used only if it is the one that was extracted: same content hash as in the report
        (when given) and every claim's sentence at its offsets."""
        inputs = []
        for report in self.run_reports():
            for entry in report.get("inputs") or []:
                if isinstance(entry, dict) and entry.get("doc_id") == doc_id and entry.get("path"):
                    inputs.append(entry)
        if not inputs:
            return None, "no run report in the output folder names the source file of this document"
        problems = []
        for entry in inputs:
            for path in self._candidates(str(entry["path"])):
                if not path.is_file():
                    continue
                stat = path.stat()
                key = (str(path), stat.st_mtime_ns, stat.st_size, doc_id)
                if key not in self._texts:
                    self._texts[key] = self._read(path, doc_id, entry.get("content_hash", ""), claims)
                text, problem = self._texts[key]
                if text is not None:
                    return text, f"source: {path}"
                problems.append(problem)
        if not problems:
            return None, f"the source file {inputs[0]['path']} was not found"
        return None, problems[0]

    @staticmethod
    def _read(path: Path, doc_id: str, content_hash: str, claims: list[dict]) -> tuple[str | None, str]:
        try:
            documents = read_file(path)
        except Exception as exc:  # a source that cannot be read any more: show the sentences instead
            return None, f"the source file {path} could not be read ({exc})"
        doc = next((d for d in documents if d.doc_id == doc_id), None)
        if doc is None:
            return None, f"the source file {path} no longer holds document {doc_id}"
        if content_hash and doc.content_hash != content_hash:
            return None, f"the source file {path} changed since it was extracted"
        if any(doc.text[c["char_start"] : c["char_end"]] != c["sentence"] for c in claims):
            return None, f"the text of {path} does not match the extracted sentences"
        return doc.text, ""


# ------------------------------------------------------------------------------------------------ the view


@dataclass
class ViewRow:
    """One claim as the page sees it: the reviewer's values applied, with its decision."""

    original: dict
    row: dict
    decision: Decision | None
    changed: list[str]

    @property
    def status(self) -> str:
        return self.decision.status if self.decision else "undecided"

    def facet_values(self, name: str) -> list[str]:
        if name == "status":
            return [self.status]
        value = self.row.get(name)
        if isinstance(value, list):
            return [str(v) for v in value] or [""]
        return [str(value)]

    def haystack(self) -> str:
        parts = [self.row["sentence"], self.row["doc_id"], self.row.get("doc_title", ""), self.row["section"]]
        parts += [edit_string(self.row[name]) for name in EDITABLE]
        parts += [edit_string(self.row["cited_references"]), self.row["claim_id"]]
        if self.decision:
            parts.append(self.decision.comment)
        return " ".join(parts).lower()


def build_view(data: ReviewData, decisions: dict[str, Decision], kb: KnowledgeBase) -> list[ViewRow]:
    view = []
    for row in data.rows:
        decision = decisions.get(row["claim_id"])
        effective = apply_edits(row, decision.edits, kb) if decision and decision.edits else row
        changed = []
        if decision and decision.extracted:
            now = extracted_values(row)
            changed = [k for k, v in decision.extracted.items() if k in now and now[k] != v]
        view.append(ViewRow(row, effective, decision, changed))
    return view


@dataclass
class Query:
    """Filters: facet -> accepted values (any of them; '' = no value), free text (every word), confidence range."""

    facets: dict[str, set[str]] = field(default_factory=dict)
    text: str = ""
    conf_min: float | None = None
    conf_max: float | None = None
    changed_only: bool = False
    sort: str = "confidence"
    offset: int = 0
    limit: int | None = None

    @classmethod
    def from_params(cls, params: dict[str, list[str]]) -> Query:
        def number(name: str) -> float | None:
            raw = (params.get(name) or [""])[0].strip()
            if not raw:
                return None
            try:
                return float(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number") from None

        sort = (params.get("sort") or ["confidence"])[0]
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        limit = number("limit")
        return cls(
            facets={name: set(params[name]) for name in FACETS if name in params},
            text=(params.get("q") or [""])[0],
            conf_min=number("conf_min"),
            conf_max=number("conf_max"),
            changed_only=(params.get("changed") or [""])[0] in ("1", "true"),
            sort=sort,
            offset=max(0, int(number("offset") or 0)),
            limit=None if limit is None else max(0, int(limit)),
        )

    def _passes(self, item: ViewRow, skip: str | None = None) -> bool:
        for name, wanted in self.facets.items():
            if name != skip and not wanted.intersection(item.facet_values(name)):
                return False
        confidence = item.row["confidence"]
        if self.conf_min is not None and confidence < self.conf_min:
            return False
        if self.conf_max is not None and confidence > self.conf_max:
            return False
        if self.changed_only and not item.changed:
            return False
        if self.text.strip():
            hay = item.haystack()
            if not all(word in hay for word in self.text.lower().split()):
                return False
        return True

    def run(self, view: list[ViewRow]) -> tuple[list[ViewRow], int, dict[str, list[tuple[str, int]]]]:
        """(the page of matching rows, how many match, facet counts). A facet's counts are over the rows that pass
        every other filter, so choosing a value never hides the others of the same facet."""
        matching = [item for item in view if self._passes(item)]
        facets: dict[str, list[tuple[str, int]]] = {}
        for name in FACETS:
            pool = matching if name not in self.facets else [item for item in view if self._passes(item, skip=name)]
            counts: Counter[str] = Counter()
            for item in pool:
                counts.update(set(item.facet_values(name)))
            for value in self.facets.get(name, ()):  # a chosen value stays listed even at 0
                counts.setdefault(value, 0)
            if name == "status":
                order = {s: i for i, s in enumerate(REVIEW_STATUSES)}
                facets[name] = sorted(counts.items(), key=lambda kv: (order.get(kv[0], 9), kv[0]))
            else:
                facets[name] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if self.sort == "document":
            matching.sort(key=lambda i: (i.row["doc_id"], i.row["sentence_index"]))
        else:
            sign = -1 if self.sort == "-confidence" else 1
            matching.sort(key=lambda i: (sign * i.row["confidence"], i.row["doc_id"], i.row["sentence_index"]))
        total = len(matching)
        end = None if self.limit is None else self.offset + self.limit
        return matching[self.offset : end], total, facets


# ------------------------------------------------------------------------------------------------ JSON


def utf16_offset(text: str, index: int) -> int:
    """A Python (code point) offset as a JavaScript (UTF-16 code unit) offset."""
    prefix = text[:index]
    return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def sentence_mentions(row: dict, mentions: Iterable[dict]) -> list[dict]:
    """The claim's mentions with offsets into its sentence (UTF-16, for the page's script), sorted."""
    sentence = row["sentence"]
    out = []
    for m in mentions:
        start, end = m["char_start"] - row["char_start"], m["char_end"] - row["char_start"]
        if start < 0 or end > len(sentence) or start >= end:
            continue
        out.append(
            {
                "start": utf16_offset(sentence, start),
                "end": utf16_offset(sentence, end),
                "text": m["text"],
                "category": m["category"],
                "canonical_name": m["canonical_name"],
                "ontology_id": m["ontology_id"],
                "method": m["method"],
            }
        )
    return sorted(out, key=lambda m: (m["start"], -m["end"], m["category"]))


def row_json(item: ViewRow, data: ReviewData) -> dict:
    row, original = item.row, item.original
    refs = data.references_by_doc.get(row["doc_id"], {})
    return {
        "claim_id": row["claim_id"],
        "doc_id": row["doc_id"],
        "doc_title": row.get("doc_title", ""),
        "section": row["section"],
        "sentence_index": row["sentence_index"],
        "sentence": row["sentence"],
        "confidence": row["confidence"],
        "status": item.status,
        "values": {name: row[name] for name in EDITABLE},
        "original": {name: original[name] for name in EDITABLE},
        "inherited": original["inherited"],
        "citations": original["citations"],
        "cited_references": original["cited_references"],
        "references": [
            {"number": n, "text": refs[n]["text"]} for n in original["citations"] if n in refs and refs[n]["text"]
        ],
        "timing_text": original["timing_text"],
        "mentions": sentence_mentions(original, data.mentions_by_claim.get(row["claim_id"], [])),
        "decision": None if item.decision is None else item.decision.to_json(),
        "changed": item.changed,
    }


def vocabulary(kb: KnowledgeBase) -> dict[str, dict]:
    """Per editable field: its kind and the values the editor offers (KB canonical names with their synonyms)."""
    out: dict[str, dict] = {}
    for name, spec in EDITABLE.items():
        entry: dict[str, Any] = {"kind": spec.kind, "list": spec.is_list}
        if spec.kind == "kb":
            entry["category"] = spec.category
            entry["values"] = [
                {
                    "name": c.canonical_name,
                    "id": c.ontology_id,
                    "also": sorted({*c.synonyms, *c.abbreviations} - {c.canonical_name}),
                }
                for c in sorted(kb.by_category(spec.category), key=lambda c: c.canonical_name)
            ]
        elif spec.choices:
            entry["values"] = [{"name": v, "id": "", "also": []} for v in spec.choices]
        elif spec.kind == "bool":
            entry["values"] = [{"name": v, "id": "", "also": []} for v in ("true", "false")]
        else:
            entry["values"] = [{"name": v, "id": "", "also": []} for v in spec.suggestions]
        out[name] = entry
    return out


def default_kb() -> KnowledgeBase:
    return load_kb()
