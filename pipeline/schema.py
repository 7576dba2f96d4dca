"""The declared tables: column names, types, and validation on write.

Every table the program writes is declared here once and validated before it is written. List columns are
Python lists in memory, Parquet and JSONL, and ``;``-joined strings in CSV.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

STUDY_TYPES = ("in_vivo", "in_vitro", "clinical", "review_statement", "unknown")
DIRECTIONS = ("beneficial", "no_effect", "harmful", "mixed", "unclear")
CLAIM_TYPES = ("finding", "background", "aim", "hypothesis", "method")
ROUTES = (
    "intravenous",
    "intra-arterial",
    "intraperitoneal",
    "subcapsular",
    "intrarenal",
    "intramuscular",
    "subcutaneous",
    "topical",
    "intranasal",
)
#: Entity fields of a claim, each with a parallel ``<field>_ids`` column of ontology ids.
ENTITY_FIELDS = ("species", "cell_source", "cell_product", "injury_model", "mediators", "outcomes")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "str", "int", "float", "bool", "list[str]", "list[int]"
    description: str
    allowed: tuple[str, ...] = ()
    required: bool = True
    #: A column with a default may be left out of a frame (tables written before it existed): validation fills it.
    default: object = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def list_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.kind.startswith("list")]


def _ids(field: str) -> Column:
    return Column(
        f"{field}_ids", "list[str]", f"ontology ids of `{field}`, aligned with it ('' where the KB has no verified id)"
    )


#: Document metadata carried by every evidence row and study arm: column -> key of ``Document.metadata``.
DOC_METADATA = {
    "doc_pmid": "pmid",
    "doc_pmcid": "pmcid",
    "doc_doi": "doi",
    "doc_title": "title",
    "doc_journal": "journal",
    "doc_year": "year",
    "doc_authors": "authors",
}
_DOC_METADATA_MEANING = {
    "pmid": "PubMed id of the document",
    "pmcid": "PubMed Central id of the document, `PMC...`",
    "doi": "DOI of the document",
    "title": "title of the document",
    "journal": "journal of the document",
    "year": "publication year of the document",
    "authors": "authors of the document as `Surname Initials`, `;`-joined",
}


def _doc_metadata_columns() -> tuple[Column, ...]:
    return tuple(
        Column(
            name,
            "str",
            f"{_DOC_METADATA_MEANING[key]} ('' when the input does not give it)",
            required=False,
            default="",
        )
        for name, key in DOC_METADATA.items()
    )


EVIDENCE = Table(
    "evidence",
    (
        Column("claim_id", "str", "stable id: hash of doc_id, sentence text and its occurrence number"),
        Column("doc_id", "str", "document id: PMID, else PMCID, else file stem"),
        Column("section", "str", "section the sentence is in (title, abstract, results, a heading, ...)"),
        Column("sentence_index", "int", "0-based index of the sentence in the document"),
        Column("char_start", "int", "start offset of the sentence in the original text"),
        Column("char_end", "int", "end offset (exclusive)"),
        Column("sentence", "str", "the sentence text"),
        Column("claim_type", "str", "role of the sentence", CLAIM_TYPES),
        Column("citations", "list[int]", "reference numbers cited: [9][10][11] and [9-11] give 9;10;11"),
        Column("study_type", "str", "kind of evidence", STUDY_TYPES),
        Column("species", "list[str]", "species of the study subjects (KB canonical names)"),
        _ids("species"),
        Column("cell_source", "list[str]", "tissue of origin of the cells"),
        _ids("cell_source"),
        Column("cell_origin", "list[str]", "autologous/allogeneic/syngeneic/xenogeneic or donor species"),
        Column("cell_product", "list[str]", "what was given: msc, extracellular vesicles, exosomes, ..."),
        _ids("cell_product"),
        Column("injury_model", "list[str]", "how the kidney injury was caused"),
        _ids("injury_model"),
        Column("mediators", "list[str]", "molecules and mechanisms of action"),
        _ids("mediators"),
        Column("outcomes", "list[str]", "what was measured"),
        _ids("outcomes"),
        Column("effect_direction", "str", "direction of the effect stated", DIRECTIONS),
        Column("negated", "bool", "the sentence is negated"),
        Column("hedged", "bool", "the sentence is hedged (may, suggest, potential, ...)"),
        Column("outcome_effects", "list[str]", "each outcome with its own direction: `outcome:direction`"),
        Column("inherited", "list[str]", "fields filled from the context set earlier in the document"),
        Column("dose", "list[str]", "dose expressions as written"),
        Column("dose_value", "list[float]", "numeric value of each dose (2 x 10^6 -> 2000000.0), aligned with `dose`"),
        Column(
            "dose_unit",
            "list[str]",
            "unit of each dose: cells, cells/kg, ug, ug/kg, particles, ml, ul, % v/v (conditioned medium), ... "
            "('' if none)",
        ),
        Column("route", "list[str]", "routes of administration", ROUTES),
        Column(
            "timing",
            "list[str]",
            "timing relative to the injury: before injury, at injury, "
            "`<N> <unit> after injury`, after injury, repeated",
        ),
        Column("timing_text", "list[str]", "the timing phrases as written, lower-case"),
        Column("trial_id", "list[str]", "trial registry ids (NCT..., ISRCTN..., ...)"),
        Column("trial_phase", "list[str]", "trial phase stated: 1, 2, 3, 1/2"),
        Column("n_patients", "list[int]", "numbers of patients stated"),
        Column("cell_line", "list[str]", "in-vitro cell lines named (HK-2, NRK-52E, ...)"),
        Column(
            "cited_references",
            "list[str]",
            "the cited references from the document's reference list, `n: first author year` (see references.csv)",
        ),
        Column("confidence", "float", "0-1: how sure the extraction is (see README)"),
        *_doc_metadata_columns(),
    ),
    key=("claim_id",),
)

MENTIONS = Table(
    "mentions",
    (
        Column("doc_id", "str", "document id"),
        Column("sentence_index", "int", "sentence the mention is in"),
        Column("claim_id", "str", "claim row built from the sentence ('' when the sentence made none)", required=False),
        Column("char_start", "int", "start offset in the original text"),
        Column("char_end", "int", "end offset (exclusive)"),
        Column("text", "str", "the mention as written"),
        Column("category", "str", "KB category, or the NER label when the KB does not know it"),
        Column("concept_id", "str", "KB concept id ('' when not normalized)", required=False),
        Column("canonical_name", "str", "KB canonical name", required=False),
        Column("ontology_id", "str", "verified ontology id, or ''", required=False),
        Column("method", "str", "dictionary | compound | abbreviation | ner:<label>, +linker when linked"),
        Column("score", "float", "1.0 for exact matches, the linker's similarity otherwise"),
    ),
    key=("doc_id", "char_start", "char_end", "concept_id"),
)


STUDIES = Table(
    "studies",
    (
        Column("arm_id", "str", "stable id of the arm: hash of doc_id and the arm's set-up and product"),
        Column("doc_id", "str", "document id"),
        Column("study_type", "str", "kind of evidence", STUDY_TYPES),
        Column("species", "list[str]", "species of the study subjects"),
        Column("injury_model", "list[str]", "injury model(s) of the set-up"),
        Column("cell_product", "str", "the product given in this arm"),
        Column("cell_source", "list[str]", "tissue of origin of the cells"),
        Column("cell_origin", "list[str]", "donor: autologous/allogeneic/... or donor species"),
        Column("dose", "list[str]", "doses as written"),
        Column("route", "list[str]", "routes", ROUTES),
        Column("timing", "list[str]", "timing relative to the injury"),
        Column("outcome_effects", "list[str]", "outcomes with their directions (`mixed` when claims disagree)"),
        Column("effect_direction", "str", "summary direction of the arm", DIRECTIONS),
        Column("trial_id", "list[str]", "trial registry ids"),
        Column("trial_phase", "list[str]", "trial phase"),
        Column("n_patients", "list[int]", "patients stated"),
        Column("cell_line", "list[str]", "cell lines of an in-vitro arm"),
        Column("claim_ids", "list[str]", "the claims (evidence rows) the arm was built from"),
        *_doc_metadata_columns(),
    ),
    key=("arm_id",),
)

REFERENCES = Table(
    "references",
    (
        Column("doc_id", "str", "the citing document"),
        Column("number", "int", "the reference number used in the text's citations"),
        Column("authors", "str", "authors as written ('' when not parsed)", required=False),
        Column("year", "int", "publication year (0 when not found)"),
        Column("title", "str", "title ('' when not parsed)", required=False),
        Column("journal", "str", "journal ('' when not parsed)", required=False),
        Column("pmid", "str", "PubMed id when the entry gives one", required=False),
        Column("doi", "str", "DOI when the entry gives one", required=False),
        Column("text", "str", "the entry as written"),
        Column("cited_by", "list[str]", "claim ids of the evidence rows that cite it"),
    ),
    key=("doc_id", "number"),
)


class SchemaError(ValueError):
    pass


def empty_frame(table: Table) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in table.names})


def validate(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Check columns, types, allowed values and key uniqueness; return the frame in declared column order.

    A column with a default (the document metadata) may be absent: it is filled with its default.
    """
    absent = [c for c in table.columns if c.name not in frame.columns and c.default is not None]
    if absent:
        frame = frame.assign(**{c.name: [c.default] * len(frame) for c in absent})
    missing = [n for n in table.names if n not in frame.columns]
    extra = [n for n in frame.columns if n not in table.names]
    if missing or extra:
        raise SchemaError(f"{table.name}: missing columns {missing}, unexpected columns {extra}")
    frame = frame[table.names]
    for col in table.columns:
        ok = _predicate(col)
        for i, value in frame[col.name].items():
            if not ok(value):
                _check_value(table, col, value, i)  # raises with a message naming the row
    if len(frame) and frame.duplicated(list(table.key)).any():
        dupes = frame[frame.duplicated(list(table.key), keep=False)][list(table.key)].head(3).to_dict("records")
        raise SchemaError(f"{table.name}: duplicate key {table.key}: {dupes}")
    return frame.reset_index(drop=True)


def _predicate(col: Column):
    """A fast yes/no check of one value; the detailed check runs only on values that fail it."""
    allowed = set(col.allowed)
    if col.kind.startswith("list"):
        item_type = {"list[int]": int, "list[float]": float}.get(col.kind, str)
        return lambda v: (
            type(v) is list and all(type(x) is item_type for x in v) and (not allowed or all(x in allowed for x in v))
        )
    expected = {"str": str, "int": int, "float": float, "bool": bool}[col.kind]
    if col.kind == "float":
        return lambda v: type(v) in (float, int)
    if col.name in ("claim_id",) or allowed:
        return lambda v: type(v) is expected and bool(v) and (not allowed or v in allowed)
    return lambda v: type(v) is expected


def _check_value(table: Table, col: Column, value, row) -> None:
    where = f"{table.name}.{col.name} row {row}"
    if col.kind.startswith("list"):
        if not isinstance(value, list):
            raise SchemaError(f"{where}: expected a list, got {type(value).__name__}")
        item_type = {"list[int]": int, "list[float]": float}.get(col.kind, str)
        if any(not isinstance(v, item_type) for v in value):
            raise SchemaError(f"{where}: list items must be {item_type.__name__}")
        if col.allowed and any(v not in col.allowed for v in value):
            raise SchemaError(f"{where}: values {value} not in {col.allowed}")
        return
    expected = {"str": str, "int": int, "float": float, "bool": bool}[col.kind]
    if col.kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return
    if not isinstance(value, expected) or (col.kind == "int" and isinstance(value, bool)):
        raise SchemaError(f"{where}: expected {col.kind}, got {value!r}")
    if col.required and col.kind == "str" and not value and col.name in table.key:
        raise SchemaError(f"{where}: empty key")
    if col.allowed and value not in col.allowed:
        raise SchemaError(f"{where}: {value!r} not in {col.allowed}")


def schema_markdown(table: Table) -> str:
    """The table's columns as a Markdown table (used to keep the README's schema section true)."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    for col in table.columns:
        allowed = f" One of: {', '.join(col.allowed)}." if col.allowed else ""
        lines.append(f"| `{col.name}` | {col.kind} | {col.description}.{allowed} |")
    return "\n".join(lines)
