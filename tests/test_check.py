"""pipeline.check: loading gold/evidence tables, matching claims by sentence, and the scores (hand-computed)."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from pipeline.check import CheckError, Score, compare, load_table, match_claims, render_markdown, run_check

GOLD_COLUMNS = (
    "doc_id,sentence,claim_type,study_type,species,cell_source,cell_origin,cell_product,injury_model,"
    "mediators,outcomes,effect_direction,negated,hedged,dose,route,timing,trial_id,citations"
).split(",")


def write_csv(path, rows, columns=GOLD_COLUMNS):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def sentences(*texts, doc_id="d1"):
    return pd.DataFrame({"doc_id": [doc_id] * len(texts), "sentence": list(texts)})


# ---------------------------------------------------------------------------------------------- load_table


def test_load_csv_splits_lists_normalizes_values_and_parses_booleans(tmp_path, kb):
    path = write_csv(
        tmp_path / "gold.csv",
        [
            {
                "doc_id": "d1",
                "sentence": "Marrow MSCs lowered SCr and BUN in mice.",
                "claim_type": " finding ",
                "study_type": "in_vivo",
                "species": "Mice; rattus norvegicus",
                "cell_source": "marrow;adipose-derived",
                "cell_origin": "allogenic",
                "cell_product": "MSCs;EVs",
                "injury_model": "AKI;renal pedicle clamping",
                "mediators": "hepatocyte growth factor;Foo Bar",
                "outcomes": "SCr;BUN",
                "effect_direction": "beneficial",
                "negated": "TRUE",
                "hedged": "false",
                "dose": "1 x 10^6  Cells",
                "route": " intravenous ;Intraperitoneal",
                "timing": " 24 h After\treperfusion",
                "trial_id": "nct01602328",
                "citations": "9; 10 ;11",
            },
            {"doc_id": "d1", "sentence": "Second.", "negated": "1", "hedged": "yes"},
            {"doc_id": "d2", "sentence": "Third."},
        ],
    )
    table = load_table(path, kb)
    assert list(table.columns) == [
        "doc_id",
        "sentence",
        "species",
        "cell_source",
        "cell_origin",
        "cell_product",
        "injury_model",
        "mediators",
        "outcomes",
        "route",
        "trial_id",
        "citations",
        "dose",
        "timing",
        "outcome_effects",
        "cell_line",
        "trial_phase",
        "n_patients",
        "study_type",
        "effect_direction",
        "claim_type",
        "negated",
        "hedged",
    ]
    first = table.iloc[0].to_dict()
    assert first == {
        "doc_id": "d1",
        "sentence": "Marrow MSCs lowered SCr and BUN in mice.",
        "species": ["mouse", "rat"],
        "cell_source": ["bone marrow", "adipose tissue"],
        "cell_origin": ["allogeneic"],
        "cell_product": ["msc", "extracellular vesicles"],
        "injury_model": ["acute kidney injury", "ischemia-reperfusion injury"],
        "mediators": ["hgf", "foo bar"],
        "outcomes": ["serum creatinine", "blood urea nitrogen"],
        "route": ["intravenous", "intraperitoneal"],
        "trial_id": ["NCT01602328"],
        "citations": ["9", "10", "11"],
        "dose": ["1x10^6cells"],
        "timing": ["24hafterreperfusion"],
        "outcome_effects": [],
        "cell_line": [],
        "trial_phase": [],
        "n_patients": [],
        "study_type": "in_vivo",
        "effect_direction": "beneficial",
        "claim_type": "finding",
        "negated": True,
        "hedged": False,
    }
    assert table["negated"].tolist() == [True, True, False]
    assert table["hedged"].tolist() == [False, True, False]
    assert table["species"].tolist() == [["mouse", "rat"], [], []]
    assert table["study_type"].tolist() == ["in_vivo", "", ""]
    assert table["doc_id"].tolist() == ["d1", "d1", "d2"]


def test_load_csv_without_kb_only_lowercases(tmp_path):
    path = write_csv(
        tmp_path / "gold.csv",
        [{"doc_id": "d1", "sentence": "s", "species": "Mice", "cell_source": "marrow", "outcomes": "SCr"}],
    )
    row = load_table(path).iloc[0]
    assert (row["species"], row["cell_source"], row["outcomes"]) == (["mice"], ["marrow"], ["scr"])


def test_load_csv_with_only_required_columns_fills_defaults(tmp_path):
    path = write_csv(tmp_path / "t.csv", [{"doc_id": "7", "sentence": "Only a sentence."}], ("doc_id", "sentence"))
    row = load_table(path).iloc[0].to_dict()
    assert row["doc_id"] == "7"
    assert row["citations"] == row["species"] == row["dose"] == []
    assert (row["study_type"], row["claim_type"], row["effect_direction"]) == ("", "", "")
    assert (row["negated"], row["hedged"]) == (False, False)


def test_load_jsonl_keeps_lists_and_normalizes_items(tmp_path, kb):
    path = write_jsonl(
        tmp_path / "evidence.jsonl",
        [
            {
                "doc_id": 123,
                "sentence": "BM-MSCs protected mice.",
                "species": ["Mice"],
                "cell_source": ["marrow"],
                "cell_product": ["MSCs"],
                "citations": [9, 10],
                "dose": ["2 x 10(6) cells/kg"],
                "timing": ["At Reperfusion"],
                "trial_id": ["nct01602328"],
                "negated": False,
                "hedged": True,
                "study_type": "in_vivo",
                "claim_type": "finding",
                "effect_direction": "beneficial",
            }
        ],
    )
    row = load_table(path, kb).iloc[0].to_dict()
    assert row["doc_id"] == "123"
    assert row["species"] == ["mouse"]
    assert row["cell_source"] == ["bone marrow"]
    assert row["cell_product"] == ["msc"]
    assert row["citations"] == ["9", "10"]
    assert row["dose"] == ["2x10(6)cells/kg"]
    assert row["timing"] == ["atreperfusion"]
    assert row["trial_id"] == ["NCT01602328"]
    assert (row["negated"], row["hedged"]) == (False, True)
    assert (row["study_type"], row["claim_type"], row["effect_direction"]) == ("in_vivo", "finding", "beneficial")


def test_citations_given_as_floats_are_integers(tmp_path):
    path = write_csv(tmp_path / "t.csv", [{"doc_id": "d", "sentence": "s", "citations": "9.0;10;A1"}])
    assert load_table(path).iloc[0]["citations"] == ["9", "10", "A1"]


def test_load_parquet_list_columns(tmp_path):
    path = tmp_path / "evidence.parquet"
    pd.DataFrame(
        {"doc_id": ["d1"], "sentence": ["s"], "species": [["human", "mouse"]], "citations": [[9, 10]]}
    ).to_parquet(path, index=False)
    row = load_table(path).iloc[0]
    assert row["species"] == ["human", "mouse"]
    assert row["citations"] == ["9", "10"]


def test_load_jsonl_missing_scalar_is_empty(tmp_path):
    path = write_jsonl(
        tmp_path / "gold.jsonl",
        [{"doc_id": "d1", "sentence": "a", "study_type": "in_vivo"}, {"doc_id": "d1", "sentence": "b"}],
    )
    assert load_table(path)["study_type"].tolist() == ["in_vivo", ""]


def test_load_table_errors(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(CheckError, match="nope.csv: file not found"):
        load_table(missing)
    no_doc = write_csv(tmp_path / "no_doc.csv", [{"sentence": "s"}], ("sentence", "species"))
    with pytest.raises(CheckError, match=r"no_doc\.csv: missing column 'doc_id'"):
        load_table(no_doc)
    no_sentence = write_jsonl(tmp_path / "no_sentence.jsonl", [{"doc_id": "d1"}])
    with pytest.raises(CheckError, match=r"no_sentence\.jsonl: missing column 'sentence'"):
        load_table(no_sentence)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not a parquet file")
    with pytest.raises(CheckError, match=r"broken\.parquet: cannot read table"):
        load_table(broken)


# ---------------------------------------------------------------------------------------------- match_claims


def test_match_exact_ignores_case_and_whitespace():
    gold = sentences("MSCs  reduced\nAKI in rats.")
    pred = sentences("mscs reduced aki in rats.")
    assert match_claims(gold, pred) == [(0, 0)]


def test_match_containment_either_way():
    gold = sentences("MSCs reduced serum creatinine.", "In rats, MSCs lowered BUN after ischemia.")
    pred = sentences("In mice, MSCs reduced serum creatinine.", "MSCs lowered BUN")
    assert sorted(match_claims(gold, pred)) == [(0, 0), (1, 1)]


def test_match_word_jaccard_threshold():
    # {msc, treatment, reduced, serum, creatinine, levels, in, rats} vs "lowered" for "reduced": 7/9 = 0.78
    gold = sentences("MSC treatment reduced serum creatinine levels in rats.")
    assert match_claims(gold, sentences("MSC treatment lowered serum creatinine levels in rats.")) == [(0, 0)]
    # exactly 3/5 = 0.6 matches
    assert match_claims(sentences("cells reduce renal injury"), sentences("cells reduce renal fibrosis")) == [(0, 0)]
    # 4/7 = 0.57 does not
    assert match_claims(sentences("a b c d e"), sentences("a b c d f g")) == []
    # 4/12 = 0.33 does not
    assert match_claims(gold, sentences("MSC treatment lowered plasma urea levels in mice.")) == []


def test_match_is_one_to_one_and_greedy_by_score():
    # gold 0 equals pred 0 (score 3); gold 1 is only contained in pred 0 (score 2.x): pred 0 goes to gold 0.
    gold = sentences("MSCs reduced serum creatinine in mice.", "MSCs reduced serum creatinine")
    pred = sentences("MSCs reduced serum creatinine in mice.")
    assert match_claims(gold, pred) == [(0, 0)]
    # each of two gold sentences takes its exact twin, not the other's containing sentence
    gold = sentences("MSCs reduced serum creatinine.", "In mice, MSCs reduced serum creatinine.")
    pred = sentences("In mice, MSCs reduced serum creatinine.", "MSCs reduced serum creatinine.")
    assert sorted(match_claims(gold, pred)) == [(0, 1), (1, 0)]
    # the closer containment wins over the looser one
    gold = sentences("MSCs reduced injury")
    pred = sentences("In a rat model of cisplatin AKI, MSCs reduced injury.", "MSCs reduced injury.")
    assert match_claims(gold, pred) == [(0, 1)]


def test_match_empty_sides():
    assert match_claims(sentences("a b c"), sentences()) == []
    assert match_claims(sentences(), sentences("a b c")) == []


# ---------------------------------------------------------------------------------------------- compare


def base(**kw):
    row = {"claim_type": "finding", "negated": "false", "hedged": "false"}
    row.update(kw)
    return row


GOLD_ROWS = [
    base(
        doc_id="d1",
        sentence="Bone marrow MSCs reduced serum creatinine in mice.",
        study_type="in_vivo",
        species="Mice",
        cell_source="marrow",
        cell_product="MSCs",
        injury_model="AKI",
        outcomes="SCr",
        effect_direction="beneficial",
        dose="1 x 10^6 cells",
        route="intravenous",
        timing="24 h after reperfusion",
        citations="9;10",
    ),
    base(
        doc_id="d1",
        sentence="MSC-derived extracellular vesicles may limit apoptosis.",
        claim_type="hypothesis",
        study_type="in_vitro",
        cell_product="extracellular vesicles",
        outcomes="apoptosis",
        effect_direction="beneficial",
        hedged="true",
    ),
    base(
        doc_id="d1",
        sentence="Blood urea nitrogen was not changed by the treatment.",
        study_type="in_vivo",
        outcomes="BUN",
        effect_direction="no_effect",
        negated="true",
    ),
    base(
        doc_id="d2",
        sentence="Patients received allogeneic MSCs intravenously.",
        claim_type="method",
        study_type="clinical",
        species="human",
        cell_origin="allogeneic",
        cell_product="msc",
        route="intravenous",
        effect_direction="unclear",
        trial_id="nct01602328",
    ),
]


def pred_row(**kw):
    row = {
        "claim_type": "finding",
        "negated": False,
        "hedged": False,
        "species": [],
        "cell_product": [],
        "outcomes": [],
        "citations": [],
    }
    row.update(kw)
    return row


PRED_ROWS = [
    pred_row(  # exact match of gold 0: adds BUN, misses citation 10
        doc_id="d1",
        sentence="Bone marrow MSCs reduced serum creatinine in mice.",
        study_type="in_vivo",
        species=["mouse"],
        cell_source=["bone marrow"],
        cell_product=["msc"],
        injury_model=["acute kidney injury"],
        outcomes=["serum creatinine", "blood urea nitrogen"],
        effect_direction="beneficial",
        dose=["1x10^6 cells"],
        route=["intravenous"],
        timing=["24 h after  reperfusion"],
        citations=[9],
    ),
    pred_row(  # contains gold 1: adds species rat
        doc_id="d1",
        sentence="In vitro, MSC-derived extracellular vesicles may limit apoptosis.",
        claim_type="hypothesis",
        study_type="in_vitro",
        species=["rat"],
        cell_product=["extracellular vesicles"],
        outcomes=["apoptosis"],
        effect_direction="beneficial",
        hedged=True,
    ),
    pred_row(  # matches no gold claim
        doc_id="d1",
        sentence="Exosomes increased proliferation of tubular epithelial cells.",
        study_type="in_vitro",
        cell_product=["exosomes"],
        mediators=["proliferation"],
        effect_direction="beneficial",
    ),
    pred_row(
        doc_id="d2",
        sentence="Patients received allogeneic MSCs intravenously.",
        claim_type="method",
        study_type="clinical",
        species=["human"],
        cell_origin=["allogeneic"],
        cell_product=["msc"],
        route=["intravenous"],
        effect_direction="unclear",
        trial_id=["NCT01602328"],
    ),
    pred_row(  # document not in gold: ignored
        doc_id="d3",
        sentence="Pigs received MSCs.",
        study_type="in_vivo",
        species=["pig"],
        cell_product=["msc"],
        effect_direction="beneficial",
    ),
]


@pytest.fixture
def tables(tmp_path):
    gold = write_csv(tmp_path / "gold.csv", GOLD_ROWS)
    pred = write_jsonl(tmp_path / "evidence.jsonl", PRED_ROWS)
    return gold, pred


def sc(p, r, f, tp, fp, fn):
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def test_compare_documents_and_claims(tables, kb):
    gold_path, pred_path = tables
    result = compare(load_table(gold_path, kb), load_table(pred_path, kb))
    assert result["documents"] == ["d1", "d2"]
    # 3 of 4 gold claims matched; the exosome sentence is an extra claim; d3 is not counted
    assert result["claims"] == {"gold": 4, "predicted": 4, **sc(0.75, 0.75, 0.75, 3, 1, 1)}
    fields = result["fields"]
    assert set(fields) == {
        "species",
        "cell_source",
        "cell_origin",
        "cell_product",
        "injury_model",
        "mediators",
        "outcomes",
        "route",
        "trial_id",
        "citations",
        "dose",
        "timing",
        "outcome_effects",
        "cell_line",
        "trial_phase",
        "n_patients",
        "study_type",
        "effect_direction",
        "claim_type",
        "negated",
        "hedged",
    }
    # d1 {mouse} vs {mouse, rat}; d2 {human} vs {human}
    assert fields["species"] == {"document": sc(0.6667, 1.0, 0.8, 2, 1, 0), "claim": sc(0.6667, 1.0, 0.8, 2, 1, 0)}
    # the unmatched exosome claim is an extra value at both levels
    assert fields["cell_product"] == {
        "document": sc(0.75, 1.0, 0.8571, 3, 1, 0),
        "claim": sc(0.75, 1.0, 0.8571, 3, 1, 0),
    }
    # document level: BUN is in d1 both ways; claim level: BUN is extra on claim 0 and missed on unmatched claim 2
    assert fields["outcomes"] == {
        "document": sc(1.0, 1.0, 1.0, 3, 0, 0),
        "claim": sc(0.6667, 0.6667, 0.6667, 2, 1, 1),
    }
    assert fields["mediators"] == {"document": sc(0.0, None, 0.0, 0, 1, 0), "claim": sc(0.0, None, 0.0, 0, 1, 0)}
    assert fields["citations"] == {
        "document": sc(1.0, 0.5, 0.6667, 1, 0, 1),
        "claim": sc(1.0, 0.5, 0.6667, 1, 0, 1),
    }
    for name in ("cell_source", "injury_model", "dose", "timing", "trial_id", "cell_origin"):
        assert fields[name] == {"document": sc(1.0, 1.0, 1.0, 1, 0, 0), "claim": sc(1.0, 1.0, 1.0, 1, 0, 0)}, name
    assert fields["route"]["document"] == sc(1.0, 1.0, 1.0, 2, 0, 0)
    assert fields["study_type"] == {
        "document": sc(1.0, 1.0, 1.0, 3, 0, 0),
        "claim": sc(0.75, 0.75, 0.75, 3, 1, 1),
    }
    assert fields["effect_direction"] == {
        "document": sc(1.0, 0.6667, 0.8, 2, 0, 1),
        "claim": sc(0.75, 0.75, 0.75, 3, 1, 1),
    }
    assert fields["claim_type"] == {"document": None, "claim": sc(0.75, 0.75, 0.75, 3, 1, 1)}
    assert fields["hedged"] == {"document": None, "claim": sc(1.0, 1.0, 1.0, 1, 0, 0)}
    negated = fields["negated"]["claim"]
    assert (negated["tp"], negated["fp"], negated["fn"], negated["recall"]) == (0, 0, 1, 0.0)
    assert result["missing"] == {"d1": {"citations": ["10"], "effect_direction": ["no_effect"]}}
    assert result["extra"] == {"d1": {"species": ["rat"], "cell_product": ["exosomes"], "mediators": ["proliferation"]}}


def test_compare_gold_document_without_predictions(tmp_path):
    gold = load_table(
        write_csv(
            tmp_path / "g.csv",
            [
                base(doc_id="d1", sentence="A b c.", species="rat", study_type="in_vivo"),
                base(doc_id="d1", sentence="D e f.", species="rat;mouse", study_type="in_vivo"),
            ],
        )
    )
    pred = load_table(write_jsonl(tmp_path / "p.jsonl", [pred_row(doc_id="other", sentence="A b c.")]))
    result = compare(gold, pred)
    assert result["claims"] == {"gold": 2, "predicted": 0, **sc(None, 0.0, 0.0, 0, 0, 2)}
    assert result["fields"]["species"]["document"] == sc(None, 0.0, 0.0, 0, 0, 2)
    assert result["fields"]["species"]["claim"] == sc(None, 0.0, 0.0, 0, 0, 3)
    assert result["missing"] == {"d1": {"species": ["mouse", "rat"], "study_type": ["in_vivo"]}}
    assert result["extra"] == {}


def test_score_figures():
    assert Score(tp=2, fp=1, fn=3).as_dict() == sc(0.6667, 0.4, 0.5, 2, 1, 3)
    assert Score(tp=0, fp=2, fn=3).as_dict() == sc(0.0, 0.0, 0.0, 0, 2, 3)
    assert Score().as_dict() == sc(None, None, None, 0, 0, 0)
    s = Score()
    s.add({"a", "b"}, {"b", "c", "d"})
    assert (s.tp, s.fp, s.fn) == (1, 2, 1)


def test_f1_is_zero_when_one_side_is_empty_but_not_both():
    assert Score(tp=0, fp=0, fn=3).as_dict()["f1"] == 0.0
    assert Score(tp=0, fp=2, fn=0).as_dict()["f1"] == 0.0


# ---------------------------------------------------------------------------------------------- reports


def test_render_markdown_contains_the_figures(tables, kb):
    gold_path, pred_path = tables
    result = compare(load_table(gold_path, kb), load_table(pred_path, kb))
    md = render_markdown(result, "gold.csv", "evidence.jsonl")
    lines = md.splitlines()
    assert lines[0] == "# Check: `evidence.jsonl` against `gold.csv`"
    assert "2 documents; 4 gold claims, 4 extracted." in lines
    assert "Claim detection (sentence matched): P 0.750, R 0.750, F1 0.750" in lines
    assert "| species | 0.667 | 1.000 | 0.800 | 0.667 | 1.000 | 0.800 |" in lines
    assert "| outcomes | 1.000 | 1.000 | 1.000 | 0.667 | 0.667 | 0.667 |" in lines
    assert "| mediators | 0.000 | n/a | 0.000 | 0.000 | n/a | 0.000 |" in lines
    assert "| claim_type | n/a | n/a | n/a | 0.750 | 0.750 | 0.750 |" in lines
    assert "- **d1**: citations: 10; effect_direction: no_effect" in lines
    assert "- **d1**: species: rat; cell_product: exosomes; mediators: proliferation" in lines
    # field table: header + one row per field; tuple table: header + finding, design, outcome_effects
    assert sum(line.startswith("| ") for line in lines) == 1 + 21 + 1 + 3
    assert md.endswith("\n")


def test_render_markdown_says_none_without_differences():
    result = {
        "documents": ["d1"],
        "claims": {"gold": 1, "predicted": 1, **sc(1.0, 1.0, 1.0, 1, 0, 0)},
        "fields": {"species": {"document": sc(1.0, 1.0, 1.0, 1, 0, 0), "claim": sc(1.0, 1.0, 1.0, 1, 0, 0)}},
        "tuples": {"finding": sc(None, None, None, 0, 0, 0)},
        "non_beneficial_recall": {"gold_findings": 0, "same_direction": None, "any_non_beneficial": None},
        "missing": {},
        "extra": {},
    }
    lines = render_markdown(result, "g", "e").splitlines()
    assert lines.count("None.") == 2
    assert "| species | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 |" in lines


def test_run_check_writes_json_and_markdown(tables, tmp_path, kb):
    gold_path, pred_path = tables
    out = tmp_path / "report"
    result = run_check(gold_path, pred_path, out)  # default: loads the real KB itself
    assert sorted(p.name for p in out.iterdir()) == ["check.json", "check.md"]
    assert result["gold"] == str(gold_path) and result["evidence"] == str(pred_path)
    assert result["claims"] == {"gold": 4, "predicted": 4, **sc(0.75, 0.75, 0.75, 3, 1, 1)}
    assert json.loads((out / "check.json").read_text(encoding="utf-8")) == result
    assert (out / "check.md").read_text(encoding="utf-8") == render_markdown(result, str(gold_path), str(pred_path))
    # with the KB, gold synonyms (Mice, marrow, SCr, AKI) matched the extracted canonical names
    assert result["fields"]["cell_source"]["claim"] == sc(1.0, 1.0, 1.0, 1, 0, 0)
    assert run_check(gold_path, pred_path, out, kb=kb) == result


def test_run_check_missing_evidence(tables, tmp_path, kb):
    gold_path, _ = tables
    with pytest.raises(CheckError, match="missing.jsonl: file not found"):
        run_check(gold_path, tmp_path / "missing.jsonl", tmp_path / "out", kb=kb)
    assert not (tmp_path / "out").exists()
