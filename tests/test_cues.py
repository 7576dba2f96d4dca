import pytest

from pipeline import cues, timing


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rats received 1 × 106 MSCs via the tail vein", [("1 × 106", 1e6, "cells")]),  # a superscript lost
        ("10^6 cells and 10⁶ cells", [("10^6 cells", 1e6, "cells"), ("10⁶ cells", 1e6, "cells")]),
        ("1 × 1010 particles/kg", [("1 × 1010 particles/kg", 1e10, "particles/kg")]),  # a two-digit power lost
        ("3 × 10^6 BM-MSCs/kg", [("3 × 10^6", 3e6, "cells/kg")]),
        ("1 x 10^6 human umbilical cord MSCs", [("1 x 10^6", 1e6, "cells")]),
        (
            "2 × 10^9 exosomes or 5 × 10^9 particles/kg",
            [("2 × 10^9 exosomes", 2e9, "EVs"), ("5 × 10^9 particles/kg", 5e9, "particles/kg")],
        ),
        # measured values, cytokine concentrations, counts of animals: not doses
        ("NGAL was 38 ± 6 ng/mL; IFN-γ (50 ng/mL) primed cells; 5 of 16 EV-treated pigs", []),
    ],
)
def test_dose_values_and_units(text, expected):
    assert cues.parsed_doses(text) == expected


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
    assert timing.find("given 24 h after reperfusion and at reperfusion, or before ischemia", lexicon.timing) == [
        ("24 h after reperfusion", "24 h after injury"),
        ("at reperfusion", "at injury"),
        ("before ischemia", "before injury"),
    ]


def test_trial_ids():
    assert cues.trial_ids("NCT01602328 (phase 2) and ISRCTN12345678; NCT01602328") == ["NCT01602328", "ISRCTN12345678"]


def test_a_route_word_naming_a_tissue_is_not_a_route():
    lexicon = cues.load_lexicon()
    text = "MSCs from subcutaneous fat were injected subcutaneously; cells from subcutaneous adipose tissue, i.v."
    assert [name for name, *_ in cues.route_matches(text, lexicon)] == ["subcutaneous", "intravenous"]


def test_the_place_of_a_finding_is_not_a_route():
    lexicon = cues.load_lexicon()
    text = (
        "Cells injected into the subcapsular space caused subcapsular haematomas and intrarenal thrombosis; "
        "venous blood was sampled in mice bearing subcutaneous Lewis lung carcinoma tumors, and intrarenal injection "
        "was well tolerated."
    )
    assert [name for name, *_ in cues.route_matches(text, lexicon)] == ["subcapsular", "intrarenal"]


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a delay before the event, in words or digits, with "post-" or "on day"
        ("One hour after reperfusion, MSCs (cAD-MSCs; 1 x 10^7 cells) or saline were injected.", ["1 h after injury"]),
        ("Eight hours after the start of bacteraemia, MSCs were infused.", ["8 h after injury"]),
        ("MSCs were given i.v. 24 h post-CLP.", ["24 h after injury"]),
        ("MVs were injected on day 3 after glycerol.", ["3 d after injury"]),
        ("Twenty-four hours later, mice were assigned to receive MSCs or PBS.", ["24 h after injury"]),
        # a list of days: "and" is one arm given twice, "or" two arms
        ("On days 3 and 6 after the first gentamicin dose, dogs received MSCs.", ["3 d after injury", "repeated"]),
        ("MSCs were given on day 1 or 3 after cisplatin.", ["1 d after injury", "3 d after injury"]),
        # "later" counts from the injury named before it; two delays joined by "and" are one arm given twice
        ("Rats received glycerol and, 2 h later, ADSCs via the femoral vein.", ["2 h after injury"]),
        ("Mice received FA followed 24 h later by a tail-vein injection of exosomes.", ["24 h after injury"]),
        ("Rats received cisplatin and, 24 h and 72 h later, MVs by injection.", ["24 h after injury", "repeated"]),
        ("Patients received BM-MSCs at kidney reperfusion and 2 weeks later.", ["at injury", "repeated"]),
        # two delays joined by "or" are two arms
        ("CM was injected at 1 h (early) or 12 h (late) after CLP.", ["1 h after injury", "12 h after injury"]),
        ("EVs were infused at the onset of CPB (early group) or 6 h after CPB.", ["at injury", "6 h after injury"]),
        # "within 24 h of diagnosis" is after injury; a delay after the therapy is follow-up
        ("Patients were randomized, within 24 h of AKI diagnosis, to an infusion of MSCs.", ["after injury"]),
        ("Two mice died within 1 h of injection after they received MSCs.", []),
        ("One cat died 6 h after its first infusion of MSCs.", []),
        ("Serum creatinine 24 h after reperfusion was lower in MSC-treated rats.", []),
        # a bare "after <injury>" only beside the verb that gives the therapy
        ("MSCs given after AKI reduced fibrosis.", ["after injury"]),
        ("BM-MSCs, but not CM, improved renal function after cisplatin.", []),
        ("Transplanted MSCs in the injured kidney limit cell survival after ischemia-reperfusion.", []),
        ("Two studies gave the vesicles before the endotoxin challenge.", ["before injury"]),
        # repeats of the therapy, not of the injury
        ("Dogs were randomized to MSCs or vehicle, given intravenously on days 1 and 3.", ["repeated"]),
        ("Cats were randomized to three intravenous infusions, 2 weeks apart, of MSCs.", ["repeated"]),
        ("MSCs were infused on the day of transplantation and on day 7.", ["at injury", "repeated"]),
        ("Rats received gentamicin daily for 7 days and were treated with MSCs.", []),
        ("Ki-67-positive cells were twice as frequent in MSC-treated kidneys.", []),
        ("Hypoxia-preconditioned MSCs were injected.", []),
        ("EVs were infused 30 min before each cisplatin cycle.", ["before injury", "repeated"]),
        ("MSCs were infused into the graft immediately before vascular unclamping.", ["at injury"]),
    ],
)
def test_timing_relative_to_the_injury(text: str, expected: list[str]) -> None:
    lexicon = cues.load_lexicon()
    assert list(dict.fromkeys(value for _, value in timing.find(text, lexicon.timing))) == expected


def test_the_timing_phrase_ends_at_the_event() -> None:
    lexicon = cues.load_lexicon()
    assert timing.find("exosomes given 72 h after cisplatin failed to lower BUN", lexicon.timing) == [
        ("72 h after cisplatin", "72 h after injury")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In this trial, 134 adult patients who developed AKI were randomized to MSCs or placebo.", [134]),
        ("A total of 1,156 patients were enrolled.", [1156]),
        ("In this pilot study, 24 cats with CKD were randomized to three infusions.", [24]),
        ("AKI occurred in 11 of 73 patients in the MSC group.", []),
        ("Hypoxaemia occurred in 7 patients in the MSC arm.", []),
        ("Fever was more frequent with MSCs (4 vs 1 patients), and all patients received the full dose.", []),
        ("Of 300 patients screened, 42 adults with stage 3 AKI were randomised.", [42]),
        ("We reviewed 12 patients.", []),
    ],
)
def test_patients_enrolled_not_counts_of_events(text: str, expected: list[int]) -> None:
    assert cues.patient_counts(text, cues.load_lexicon()) == expected


def test_routes_under_the_capsule_and_vascular_words_before_a_tissue_name():
    lexicon = cues.load_lexicon()
    text = (
        "Subcapsular versus intravenous adipose-derived MSCs: cells injected under the capsule of the left kidney, "
        "cells from subcutaneous adipose tissue, and MSCs infused into the graft renal artery"
    )
    assert [name for name, *_ in cues.route_matches(text, lexicon)] == [
        "subcapsular",
        "intravenous",
        "subcapsular",
        "intra-arterial",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mice received 200 µL of AD-MSC-CM through the tail vein.", [("200 µL", 200.0, "ul")]),
        ("Rats received 0.5 mL of concentrated conditioned medium.", [("0.5 mL", 0.5, "ml")]),
        ("Cells were exposed to MenSC-CM or HI-CM (both at 50% v/v).", [("50% v/v", 50.0, "% v/v")]),
        (
            "HK-2 cells were treated with UC-MSC-CM at 5%, 10% or 25% for 24 h.",
            [("5%", 5.0, "% v/v"), ("10%", 10.0, "% v/v"), ("25%", 25.0, "% v/v")],
        ),
        # a result or the vehicle's volume is no dose
        ("CM reduced apoptosis by 46% and 39%.", []),
        ("Rats received 50% glycerol (8 mL/kg) and 150 μL PBS.", []),
    ],
)
def test_doses_of_conditioned_medium(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert cues.parsed_doses(text) == expected


def test_an_aortic_catheter_and_intrarenal_injection_are_routes():
    lexicon = cues.load_lexicon()
    found = cues.route_matches("through a suprarenal aortic catheter, or intrarenally injected MSCs", lexicon)
    assert [name for name, _, _ in found] == ["intra-arterial", "intrarenal"]


def test_intranasal_and_cell_sheet_routes():
    lexicon = cues.load_lexicon()
    assert [r for r, _, _ in cues.route_matches("EVs were given intranasally for 3 days.", lexicon)] == ["intranasal"]
    assert [r for r, _, _ in cues.route_matches("MSC sheets were applied to the kidney surface.", lexicon)] == [
        "topical"
    ]
