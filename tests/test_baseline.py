"""The keyword baseline of benchmarks/baseline.py on a small text (fast: no flow run, no knowledge base)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_baseline", REPO / "benchmarks" / "baseline.py")
baseline = importlib.util.module_from_spec(_spec)
sys.modules["bench_baseline"] = baseline
_spec.loader.exec_module(baseline)

FIRST = "Rats with cisplatin-induced AKI received bone marrow MSCs via the tail vein."
SECOND = "MSCs did not reduce serum creatinine."
TEXT = f"{FIRST} {SECOND}"
DOC_VALUES = {
    "study_type": "in_vivo",
    "species": ["rat"],
    "cell_source": ["bone marrow"],
    "cell_product": ["msc"],
    "injury_model": ["acute kidney injury", "cisplatin"],
    "mediators": [],
    "outcomes": ["serum creatinine"],
    "route": ["intravenous"],
}


def _without_id(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "claim_id"}


def test_two_sentences_give_exact_rows():
    rows = baseline.baseline_rows("doc1", TEXT)
    assert [_without_id(r) for r in rows] == [
        {
            "doc_id": "doc1",
            "section": "",
            "sentence_index": 0,
            "char_start": 0,
            "char_end": len(FIRST),
            "sentence": FIRST,
            "claim_type": "method",
            **DOC_VALUES,
            "effect_direction": "unclear",
            "negated": False,
            "hedged": False,
            "confidence": 0.5,
            "outcome_effects": [],
        },
        {
            "doc_id": "doc1",
            "section": "",
            "sentence_index": 1,
            "char_start": len(FIRST) + 1,
            "char_end": len(TEXT),
            "sentence": SECOND,
            "claim_type": "finding",
            **DOC_VALUES,  # document-level values in every row, though the sentence names only msc and creatinine
            "effect_direction": "no_effect",  # "did not" overrides "reduce"
            "negated": False,
            "hedged": False,
            "confidence": 0.5,
            "outcome_effects": ["serum creatinine:no_effect"],
        },
    ]
    assert all(len(r["claim_id"]) == 16 for r in rows)
    assert rows[0]["claim_id"] != rows[1]["claim_id"]
    assert TEXT[rows[1]["char_start"] : rows[1]["char_end"]] == SECOND


def test_sentences_without_claim_keywords_make_no_row():
    text = "Title line about nothing\n\nThe rats were housed in cages. MSCs improved renal function."
    rows = baseline.baseline_rows("doc2", text)
    assert [(r["sentence_index"], r["sentence"], r["effect_direction"]) for r in rows] == [
        (2, "MSCs improved renal function.", "beneficial")
    ]
    assert rows[0]["species"] == ["rat"]  # found anywhere in the document


def test_direction_rules():
    assert baseline.direction("MSCs reduced apoptosis.") == "beneficial"
    assert baseline.direction("MSCs failed to prevent injury.") == "no_effect"
    assert baseline.direction("MSCs worsened fibrosis but improved survival.") == "mixed"
    assert baseline.direction("Serum creatinine was measured.") == "unclear"


def test_table_is_read_by_the_check_and_gives_cross_product_tuples(tmp_path):
    from pipeline.check import load_table, tuples

    path = baseline.write_csv(baseline.baseline_rows("doc1", TEXT), tmp_path / "evidence.csv")
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == list(baseline.COLUMNS)
    table = load_table(path)
    assert table["injury_model"].tolist() == [["acute kidney injury", "cisplatin"]] * 2
    found = tuples(table)
    assert found["finding"] == {("msc", "acute kidney injury", "no_effect"), ("msc", "cisplatin", "no_effect")}
    assert found["design"] == {
        ("msc", "rat", "acute kidney injury", "intravenous"),
        ("msc", "rat", "cisplatin", "intravenous"),
    }
