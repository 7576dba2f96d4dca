from pipeline import cues


def test_citations_expand_runs_and_ranges():
    assert cues.citations("insults [1][2][3] . More [6,7] and [9–11], [12]") == [1, 2, 3, 6, 7, 9, 10, 11, 12]
    assert cues.citations("[9-11]") == cues.citations("[9][10][11]") == [9, 10, 11]
    assert cues.citations("no refs (Figure 1)") == []


def test_doses_as_written():
    text = "1 x 10^6 cells, 2x10(6) cells/kg, 30 ug of EVs, 2.2 x 10^8 particles, 5 × 10^5 MSCs, 100 μg, HK-2 cells"
    assert cues.doses(text) == [
        "1 x 10^6 cells",
        "2x10(6) cells/kg",
        "30 ug",
        "2.2 x 10^8 particles",
        "5 × 10^5",
        "100 μg",
    ]


def test_drug_doses_are_not_cell_doses():
    assert cues.doses("cisplatin (20 mg/kg, i.p.) and glycerol 8 mL/kg, 50 g, 5 U heparin") == []


def test_routes_and_timing():
    lexicon = cues.load_lexicon()
    found = cues.route_matches("via the tail vein or i.p. or under the renal capsule", lexicon)
    assert [name for name, _, _ in found] == [
        "intravenous",
        "intraperitoneal",
        "subcapsular",
    ]
    assert cues.timings("given 24 h after reperfusion and at reperfusion, or before ischemia", lexicon) == [
        "24 h after reperfusion",
        "at reperfusion",
        "before ischemia",
    ]


def test_trial_ids():
    assert cues.trial_ids("NCT01602328 (phase 2) and ISRCTN12345678; NCT01602328") == ["NCT01602328", "ISRCTN12345678"]


def test_a_route_word_naming_a_tissue_is_not_a_route():
    lexicon = cues.load_lexicon()
    text = "MSCs from subcutaneous fat were injected subcutaneously; cells from subcutaneous adipose tissue, i.v."
    assert [name for name, *_ in cues.route_matches(text, lexicon)] == ["subcutaneous", "intravenous"]


def test_a_renal_artery_is_a_route_only_when_something_goes_into_it():
    lexicon = cues.load_lexicon()
    names = [
        [name for name, *_ in cues.route_matches(text, lexicon)]
        for text in (
            "after 45 min of left renal artery occlusion",
            "dogs instrumented with renal artery flow probes",
            "MSCs were infused into the left renal artery over 20 min",
            "cells were injected at five sites into the left renal cortex",
        )
    ]
    assert names == [[], [], ["intra-arterial"], ["intrarenal"]]
