"""Study arms built from the claims of a real abstract."""

from pathlib import Path

from pipeline import claims
from pipeline.documents import read_document
from pipeline.nlp import process
from pipeline.studies import build_arms

FIXTURE = Path(__file__).parent / "fixtures" / "abstract_cisplatin.txt"


def test_arms_of_an_abstract(nlp, kb):
    document = read_document(FIXTURE)
    _, doc = next(process(nlp, [document]))
    extraction = claims.extract(document, doc, kb)
    arms = build_arms(extraction.claims)
    by_index = {c["claim_id"]: c["sentence_index"] for c in extraction.claims}
    summary = [
        (
            a["study_type"],
            a["species"],
            a["injury_model"],
            a["cell_product"],
            a["cell_source"],
            a["cell_origin"],
            a["dose"],
            a["route"],
            a["timing"],
            a["cell_line"],
            a["outcome_effects"],
            a["effect_direction"],
            [by_index[c] for c in a["claim_ids"]],
        )
        for a in arms
    ]
    assert summary == [
        (
            "in_vivo",
            ["rat"],
            ["cisplatin"],
            "exosomes",
            ["umbilical cord"],
            ["human"],
            ["100 ug"],
            ["intravenous"],
            ["24 h after injury"],
            [],
            ["serum creatinine:beneficial", "apoptosis:beneficial", "survival:beneficial", "fibrosis:no_effect"],
            "mixed",
            [0, 4, 6, 7],
        ),
        ("in_vitro", ["human"], [], "exosomes", [], [], [], [], [], ["HK-2"], [], "beneficial", [8]),
    ]
    assert len({a["arm_id"] for a in arms}) == 2


def test_review_statements_make_no_arms():
    row = {"claim_type": "finding", "study_type": "review_statement", "cell_product": ["msc"]}
    assert build_arms([row]) == []
