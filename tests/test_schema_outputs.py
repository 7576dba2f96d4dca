"""pipeline.schema (validation, Markdown) and pipeline.outputs (atomic writes, formats, merging)."""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest

from pipeline.outputs import atomic_write, read_table, write_json, write_table, write_text
from pipeline.schema import EVIDENCE, MENTIONS, ROUTES, STUDY_TYPES, SchemaError, schema_markdown, validate


def evidence_row(**kw) -> dict:
    row = {
        "claim_id": "c1",
        "doc_id": "d1",
        "section": "abstract",
        "sentence_index": 3,
        "char_start": 120,
        "char_end": 170,
        "sentence": "MSCs reduced serum creatinine in mice [9-10].",
        "claim_type": "finding",
        "citations": [9, 10],
        "study_type": "in_vivo",
        "species": ["mouse"],
        "species_ids": ["NCBITaxon:10090"],
        "cell_source": [],
        "cell_source_ids": [],
        "cell_origin": [],
        "cell_product": ["msc"],
        "cell_product_ids": ["CL:0000134"],
        "injury_model": [],
        "injury_model_ids": [],
        "mediators": [],
        "mediators_ids": [],
        "outcomes": ["serum creatinine"],
        "outcomes_ids": ["MESH:D003404"],
        "effect_direction": "beneficial",
        "negated": False,
        "hedged": True,
        "outcome_effects": ["serum creatinine:beneficial"],
        "inherited": ["species"],
        "dose": ["1 x 10^6 cells"],
        "dose_value": [1000000.0],
        "dose_unit": ["cells"],
        "route": ["intravenous", "intraperitoneal"],
        "timing": ["24 h after injury"],
        "timing_text": ["24 h after reperfusion"],
        "trial_id": [],
        "trial_phase": [],
        "n_patients": [],
        "cell_line": [],
        "cited_references": [],
        "confidence": 0.85,
    }
    row.update(kw)
    return row


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


# ---------------------------------------------------------------------------------------------- schema


def test_validate_accepts_a_correct_row_and_orders_columns():
    rows = frame(evidence_row(), evidence_row(claim_id="c2", doc_id="d2", confidence=1))  # int is a valid float
    shuffled = rows[list(reversed(rows.columns))]
    shuffled.index = [7, 9]
    out = validate(shuffled, EVIDENCE)
    assert list(out.columns) == EVIDENCE.names
    assert list(out.index) == [0, 1]
    assert out["claim_id"].tolist() == ["c1", "c2"]
    assert out.loc[0, "route"] == ["intravenous", "intraperitoneal"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sentence_index": "3"}, "evidence.sentence_index row 1: expected int, got '3'"),
        ({"sentence_index": True}, "evidence.sentence_index row 1: expected int, got True"),
        ({"negated": "false"}, "evidence.negated row 1: expected bool, got 'false'"),
        ({"confidence": "high"}, "evidence.confidence row 1: expected float, got 'high'"),
        ({"sentence": None}, "evidence.sentence row 1: expected str, got "),
        ({"species": "mouse"}, "evidence.species row 1: expected a list, got str"),
        ({"citations": ["9"]}, "evidence.citations row 1: list items must be int"),
        ({"species_ids": [10090]}, "evidence.species_ids row 1: list items must be str"),
        ({"study_type": "animal"}, f"evidence.study_type row 1: 'animal' not in {STUDY_TYPES}"),
        ({"effect_direction": "positive"}, "evidence.effect_direction row 1: 'positive' not in ('beneficial',"),
        ({"claim_type": "result"}, "evidence.claim_type row 1: 'result' not in ('finding',"),
        ({"route": ["intravenous", "oral"]}, f"evidence.route row 1: values ['intravenous', 'oral'] not in {ROUTES}"),
        ({"claim_id": ""}, "evidence.claim_id row 1: empty key"),
    ],
)
def test_validate_rejects_bad_values_naming_column_and_row(change, message):
    rows = frame(evidence_row(), evidence_row(**{"claim_id": "c2", **change}))
    with pytest.raises(SchemaError) as err:
        validate(rows, EVIDENCE)
    assert str(err.value).startswith(message)


def test_validate_rejects_missing_and_unexpected_columns():
    with pytest.raises(SchemaError) as err:
        validate(frame(evidence_row()).drop(columns=["confidence", "route"]), EVIDENCE)
    assert str(err.value) == "evidence: missing columns ['route', 'confidence'], unexpected columns []"
    with pytest.raises(SchemaError) as err:
        validate(frame(evidence_row(score=1.0)), EVIDENCE)
    assert str(err.value) == "evidence: missing columns [], unexpected columns ['score']"


def test_validate_rejects_duplicate_keys():
    with pytest.raises(SchemaError) as err:
        validate(frame(evidence_row(), evidence_row(doc_id="d2"), evidence_row(claim_id="c3")), EVIDENCE)
    assert str(err.value) == "evidence: duplicate key ('claim_id',): [{'claim_id': 'c1'}, {'claim_id': 'c1'}]"


def mention(**kw) -> dict:
    row = {
        "doc_id": "d1",
        "sentence_index": 0,
        "claim_id": "",
        "char_start": 0,
        "char_end": 4,
        "text": "MSCs",
        "category": "cell_product",
        "concept_id": "cell_product:msc",
        "canonical_name": "msc",
        "ontology_id": "",
        "method": "dictionary",
        "score": 1.0,
    }
    row.update(kw)
    return row


def test_mentions_key_is_composite():
    ok = frame(mention(), mention(concept_id="cell_source:bone marrow"), mention(char_start=10, char_end=14))
    assert len(validate(ok, MENTIONS)) == 3
    with pytest.raises(SchemaError) as err:
        validate(frame(mention(), mention(text="MSC", method="compound")), MENTIONS)
    assert str(err.value).startswith("mentions: duplicate key ('doc_id', 'char_start', 'char_end', 'concept_id'): [")


def test_validate_accepts_an_empty_frame():
    out = validate(pd.DataFrame({n: [] for n in EVIDENCE.names}), EVIDENCE)
    assert len(out) == 0 and list(out.columns) == EVIDENCE.names


def test_schema_markdown_lists_every_column():
    md = schema_markdown(EVIDENCE)
    lines = md.splitlines()
    assert lines[:2] == ["| column | type | meaning |", "|---|---|---|"]
    assert len(lines) == 2 + len(EVIDENCE.columns) == 49
    assert [re.match(r"\| `([^`]+)` \|", line).group(1) for line in lines[2:]] == EVIDENCE.names
    assert "| `citations` | list[int] | reference numbers cited" in md
    assert (
        "| `study_type` | str | kind of evidence. One of: in_vivo, in_vitro, clinical, review_statement, unknown. |"
        in lines
    )
    assert "| `confidence` | float | 0-1: how sure the extraction is (see README). |" in lines
    assert len(schema_markdown(MENTIONS).splitlines()) == 2 + 12


# ---------------------------------------------------------------------------------------------- outputs


def two_rows() -> pd.DataFrame:
    return frame(
        evidence_row(),
        evidence_row(
            claim_id="c2",
            doc_id="00123",
            sentence_index=0,
            char_start=0,
            char_end=0,
            sentence="Background.",
            claim_type="background",
            citations=[],
            species=[],
            species_ids=[],
            negated=True,
            hedged=False,
            route=[],
            dose=[],
            dose_value=[],
            dose_unit=[],
            timing=[],
            timing_text=[],
            trial_id=["NCT01602328"],
            trial_phase=["2"],
            n_patients=[156],
            confidence=1.0,
        ),
    )


def test_write_table_writes_three_formats(tmp_path):
    written = write_table(two_rows(), EVIDENCE, tmp_path)
    assert written == [tmp_path / "evidence.csv", tmp_path / "evidence.parquet", tmp_path / "evidence.jsonl"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence.csv", "evidence.jsonl", "evidence.parquet"]

    with (tmp_path / "evidence.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == EVIDENCE.names
    assert [r["claim_id"] for r in rows] == ["c1", "c2"]
    assert [r["doc_id"] for r in rows] == ["d1", "00123"]
    assert [r["citations"] for r in rows] == ["9;10", ""]
    assert [r["route"] for r in rows] == ["intravenous;intraperitoneal", ""]
    assert [r["negated"] for r in rows] == ["false", "true"]
    assert [r["hedged"] for r in rows] == ["true", "false"]
    assert [r["sentence_index"] for r in rows] == ["3", "0"]

    parquet = pd.read_parquet(tmp_path / "evidence.parquet")
    assert list(parquet.columns) == EVIDENCE.names
    assert [list(v) for v in parquet["citations"]] == [[9, 10], []]
    assert [list(v) for v in parquet["route"]] == [["intravenous", "intraperitoneal"], []]
    assert parquet["negated"].tolist() == [False, True]

    lines = (tmp_path / "evidence.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 2
    assert records[0]["citations"] == [9, 10]
    assert records[0]["hedged"] is True
    assert records[1]["trial_id"] == ["NCT01602328"]
    assert records[1]["doc_id"] == "00123"


def test_write_table_subset_of_formats_and_unknown_format(tmp_path):
    assert write_table(two_rows(), EVIDENCE, tmp_path, formats=("jsonl",)) == [tmp_path / "evidence.jsonl"]
    assert [p.name for p in tmp_path.iterdir()] == ["evidence.jsonl"]
    with pytest.raises(ValueError, match="unknown format xlsx"):
        write_table(two_rows(), EVIDENCE, tmp_path, formats=("xlsx",))


def test_write_table_validates_before_writing(tmp_path):
    write_table(two_rows(), EVIDENCE, tmp_path, formats=("csv",))
    before = (tmp_path / "evidence.csv").read_bytes()
    with pytest.raises(SchemaError, match="evidence.study_type row 0"):
        write_table(frame(evidence_row(study_type="mouse")), EVIDENCE, tmp_path, formats=("csv",))
    assert (tmp_path / "evidence.csv").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["evidence.csv"]


def test_read_table_round_trips_types_from_jsonl(tmp_path):
    original = two_rows()
    write_table(original, EVIDENCE, tmp_path, formats=("jsonl",))
    back = read_table(tmp_path, EVIDENCE)
    assert list(back.columns) == EVIDENCE.names
    assert back.to_dict("records") == validate(original, EVIDENCE).to_dict("records")
    assert (str(back["sentence_index"].dtype), str(back["negated"].dtype), str(back["confidence"].dtype)) == (
        "int64",
        "bool",
        "float64",
    )
    first, second = back.to_dict("records")
    assert first["citations"] == [9, 10] and all(type(v) is int for v in first["citations"])
    assert type(first["sentence_index"]) is int and first["sentence_index"] == 3
    assert type(first["negated"]) is bool and first["negated"] is False
    assert second["negated"] is True
    assert type(second["confidence"]) is float and second["confidence"] == 1.0
    assert second["doc_id"] == "00123"
    assert second["species"] == []


def test_read_table_missing_or_empty_file_gives_empty_frame(tmp_path):
    empty = read_table(tmp_path, EVIDENCE)
    assert len(empty) == 0 and list(empty.columns) == EVIDENCE.names
    (tmp_path / "mentions.jsonl").write_text("", encoding="utf-8")
    empty = read_table(tmp_path, MENTIONS)
    assert len(empty) == 0 and list(empty.columns) == MENTIONS.names


def test_read_table_fills_columns_absent_from_older_files(tmp_path):
    record = {k: v for k, v in evidence_row().items() if k not in ("trial_id", "section")}
    (tmp_path / "evidence.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    row = read_table(tmp_path, EVIDENCE).iloc[0]
    assert row["trial_id"] == [] and row["section"] == ""
    assert row["citations"] == [9, 10]


def test_atomic_write_keeps_previous_file_when_writer_fails(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old contents\n", encoding="utf-8")

    def failing(path):
        path.write_text("half a fi", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, failing)
    assert target.read_text(encoding="utf-8") == "old contents\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_atomic_write_replaces_and_creates_folders(tmp_path):
    target = tmp_path / "a" / "b" / "report.md"
    write_text(target, "first\n")
    write_text(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    write_json(target.with_name("check.json"), {"f1": 0.5, "docs": ["d1"]})
    expected = '{\n  "f1": 0.5,\n  "docs": [\n    "d1"\n  ]\n}\n'
    assert target.with_name("check.json").read_text(encoding="utf-8") == expected
    assert sorted(p.name for p in target.parent.iterdir()) == ["check.json", "report.md"]
