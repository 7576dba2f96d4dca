"""Reference lists: parsed from the text, kept out of the claims, joined to the citing claims."""

from pathlib import Path

import pytest

from pipeline import claims
from pipeline.documents import read_document
from pipeline.nlp import process
from pipeline.references import label, parse_entry, parse_references

FIXTURE = Path(__file__).parent / "fixtures" / "review_with_references.txt"


def test_parse_reference_list():
    entries = parse_references(FIXTURE.read_text(encoding="utf-8"))
    assert [(e["number"], e["authors"], e["year"], e["title"], e["journal"], e["pmid"], e["doi"]) for e in entries] == [
        (
            1,
            "Alder QW, Brennt K",
            2011,
            "Marrow stromal cells in renal ischemia",
            "Kidney Sci Rep",
            "90000001",
            "10.9999/ksr.2011.100",
        ),
        (
            2,
            "Corvin T, Dallo M, Essen P, et al",
            2013,
            "Vesicles from stromal cells protect tubules",
            "J Exp Nephrol",
            "90000002",
            "",
        ),
        (3, "Fenwick R", 2015, "Conditioned medium fails in a rat model of ischemic injury", "Regen Kidney", "", ""),
    ]
    assert [label(e) for e in entries] == ["1: Alder 2011", "2: Corvin 2013", "3: Fenwick 2015"]


def test_unparseable_fields_stay_empty():
    entry = parse_entry(7, "A note without authors or year")
    assert (entry["authors"], entry["year"], entry["pmid"], entry["doi"]) == ("", 0, "", "")
    assert parse_references("No reference list here [1].") == []


@pytest.fixture(scope="module")
def extraction(nlp, kb):
    document = read_document(FIXTURE)
    _, doc = next(process(nlp, [document]))
    return claims.extract(document, doc, kb)


def test_claims_cite_the_parsed_references(extraction):
    rows = [(c["sentence"], c["citations"], c["cited_references"]) for c in extraction.claims]
    assert rows == [
        ("Mesenchymal stem cells for acute kidney injury: a short review", [], []),
        (
            "Bone marrow MSCs reduced serum creatinine in rats with ischemia-reperfusion injury [1,2].",
            [1, 2],
            ["1: Alder 2011", "2: Corvin 2013"],
        ),
        ("Conditioned medium did not improve renal function [3].", [3], ["3: Fenwick 2015"]),
        ("Microvesicles may protect tubular cells [2-3].", [2, 3], ["2: Corvin 2013", "3: Fenwick 2015"]),
    ]
    assert all(c["study_type"] == "review_statement" for c in extraction.claims)
    cited_by = {e["number"]: len(e["cited_by"]) for e in extraction.references}
    assert cited_by == {1: 1, 2: 2, 3: 2}
