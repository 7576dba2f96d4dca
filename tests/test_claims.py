"""Claim rows built from a real abstract (tests/fixtures), with exact expected values."""

from pathlib import Path

import pytest

from pipeline import claims, cues
from pipeline.documents import read_document
from pipeline.nlp import process

FIXTURE = Path(__file__).parent / "fixtures" / "abstract_cisplatin.txt"
FIELDS = (
    "section",
    "claim_type",
    "study_type",
    "species",
    "cell_source",
    "cell_origin",
    "cell_product",
    "injury_model",
    "mediators",
    "outcomes",
    "effect_direction",
    "negated",
    "hedged",
    "dose",
    "route",
    "timing",
    "citations",
)


@pytest.fixture(scope="module")
def extraction(nlp, kb):
    document = read_document(FIXTURE)
    _, doc = next(process(nlp, [document]))
    return claims.extract(document, doc, kb)


def row(claim):
    return tuple(claim[f] for f in FIELDS)


def test_claim_rows(extraction):
    rows = {c["sentence_index"]: row(c) for c in extraction.claims}
    exo, setup = ["exosomes"], (["100 ug"], ["intravenous"], ["24 h after injury"])
    assert rows == {
        0: (
            "title",
            "finding",
            "in_vivo",
            ["rat"],
            ["umbilical cord"],
            ["human"],
            exo,
            ["cisplatin"],
            [],
            [],
            "beneficial",
            False,
            False,
            [],
            [],
            [],
            [],
        ),
        2: (
            "background",
            "background",
            "unknown",
            ["human"],
            [],
            [],
            [],
            ["cisplatin", "acute kidney injury"],
            [],
            [],
            "unclear",
            False,
            False,
            [],
            [],
            [],
            [1, 2],
        ),
        4: (
            "methods",
            "method",
            "in_vivo",
            ["rat"],
            ["umbilical cord"],
            ["human"],
            exo,
            ["cisplatin"],
            [],
            [],
            "unclear",
            False,
            False,
            *setup,
            [],
        ),
        # Findings carry the set-up of the Methods sentence (species, model, dose, route, timing).
        6: (
            "results",
            "finding",
            "in_vivo",
            ["rat"],
            ["umbilical cord"],
            ["human"],
            exo,
            ["cisplatin"],
            [],
            ["serum creatinine", "apoptosis", "survival"],
            "beneficial",
            False,
            False,
            *setup,
            [],
        ),
        7: (
            "results",
            "finding",
            "in_vivo",
            ["rat"],
            ["umbilical cord"],
            ["human"],
            exo,
            ["cisplatin"],
            [],
            ["fibrosis"],
            "no_effect",
            True,
            False,
            *setup,
            [],
        ),
        # An in-vitro part starts a new set-up: nothing inherited from the rats; HK-2 cells are human.
        8: (
            "results",
            "finding",
            "in_vitro",
            ["human"],
            [],
            [],
            exo,
            [],
            ["caspase-3"],
            [],
            "beneficial",
            False,
            False,
            [],
            [],
            [],
            [],
        ),
        # The conclusion is about the study as a whole: it takes the study's kind of evidence.
        10: (
            "conclusions",
            "hypothesis",
            "in_vivo",
            [],
            ["umbilical cord"],
            ["human"],
            exo,
            ["acute kidney injury"],
            [],
            [],
            "unclear",
            False,
            True,
            [],
            [],
            [],
            [],
        ),
    }


def test_direction_per_outcome_and_inherited_fields(extraction):
    by_index = {c["sentence_index"]: c for c in extraction.claims}
    assert by_index[6]["outcome_effects"] == [
        "serum creatinine:beneficial",
        "apoptosis:beneficial",
        "survival:beneficial",
    ]
    assert by_index[6]["inherited"] == ["species", "injury_model", "dose", "route", "timing"]
    assert by_index[7]["outcome_effects"] == ["fibrosis:no_effect"]
    assert by_index[7]["inherited"] == [
        "species",
        "cell_source",
        "cell_origin",
        "cell_product",
        "injury_model",
        "dose",
        "route",
        "timing",
    ]
    assert (by_index[4]["dose_value"], by_index[4]["dose_unit"], by_index[4]["timing_text"]) == (
        [100.0],
        ["ug"],
        ["24 h after cisplatin"],
    )
    assert by_index[8]["cell_line"] == ["HK-2"]
    assert by_index[0]["inherited"] == [] and by_index[2]["inherited"] == []


def test_ids_are_verified_ontology_ids_aligned_with_values(extraction):
    title = extraction.claims[0]
    assert title["species_ids"] == ["NCBITaxon:10116"]
    assert title["cell_source_ids"] == ["UBERON:0002331"]
    assert title["injury_model_ids"] == ["MESH:D002945"]
    assert title["cell_product_ids"] == [""]  # exosomes: no verified id in the sources we have
    results = extraction.claims[3]
    assert results["outcomes_ids"] == ["MESH:D003404", "MESH:D017209", ""]


def test_offsets_and_stable_ids(extraction):
    text = FIXTURE.read_text(encoding="utf-8")
    for claim in extraction.claims:
        assert text[claim["char_start"] : claim["char_end"]] == claim["sentence"]
    assert extraction.claims[0]["claim_id"] == claims.claim_id(
        "abstract_cisplatin", "Human umbilical cord MSC exosomes protect rats from cisplatin nephrotoxicity", 1
    )
    assert len({c["claim_id"] for c in extraction.claims}) == len(extraction.claims)


def test_mentions_trace_every_value(extraction):
    by_claim = {}
    for m in extraction.mentions:
        by_claim.setdefault(m["claim_id"], []).append((m["text"], m["canonical_name"], m["method"]))
    title_id = extraction.claims[0]["claim_id"]
    # Every mention is listed, also those the row reads differently: "Human" qualifies the cells (cell_origin),
    # the MSCs made the exosomes (not a product given), "nephrotoxicity" is the generic name of the cisplatin model.
    assert by_claim[title_id] == [
        ("Human", "human", "dictionary"),
        ("umbilical cord MSC", "msc", "dictionary"),
        ("umbilical cord MSC", "umbilical cord", "dictionary"),
        ("exosomes", "exosomes", "dictionary"),
        ("rats", "rat", "dictionary"),
        ("cisplatin nephrotoxicity", "cisplatin", "dictionary"),
        ("cisplatin nephrotoxicity", "nephrotoxicity", "dictionary"),
    ]


STRUCTURED = "\n".join(
    [
        "Bone marrow MSCs protect the remnant kidney in rats",
        "",
        "Background: MSCs protect against acute kidney injury. Their long-term fate may differ in chronic injury.",
        "Methods: Animals underwent 5/6 nephrectomy and received 2 x 10^6 BM-MSCs from subcutaneous fat "
        "by injection into the renal artery of the remnant kidney.",
        "Results: Human-specific mRNAs were detected in kidneys of MSC-treated animals. Proteinuria was "
        "lower with MSCs (p = 0.32).",
        "Conclusions: These data justify a first-in-human trial of MSCs.",
        "",
    ]
)


def _claims(nlp, kb, tmp_path, text: str) -> list[dict]:
    """The claim rows of ``text`` read as a document."""
    path = tmp_path / "document.txt"
    path.write_text(text)
    document = read_document(path)
    _, doc = next(process(nlp, [document]))
    return claims.extract(document, doc, kb).claims


def test_structured_abstract_roles_species_and_routes(nlp, kb, tmp_path):
    rows = _claims(nlp, kb, tmp_path, STRUCTURED)
    got = [
        (r["section"], r["claim_type"], r["species"], r["cell_origin"], r["route"], r["effect_direction"]) for r in rows
    ]
    assert got == [
        ("title", "finding", ["rat"], [], [], "beneficial"),
        # a Background label makes background, whatever the verbs; a hedged sentence that opens a study's
        # abstract, before its aim, methods or results, is the field's background, not this study's hypothesis
        ("background", "background", [], [], [], "beneficial"),
        ("background", "background", [], [], [], "unclear"),
        # a procedure owns no route; "subcutaneous fat" is a tissue; the species comes from the title
        ("methods", "method", ["rat"], [], ["intra-arterial"], "unclear"),
        # "human-specific mRNAs" trace the donor's cells: not the host species
        ("results", "finding", ["rat"], ["human"], ["intra-arterial"], "unclear"),
        # a non-significant difference is no effect (the cells' origin is now known context)
        ("results", "finding", ["rat"], ["human"], ["intra-arterial"], "no_effect"),
        # "first-in-human" names no species
        ("conclusions", "background", [], [], [], "unclear"),
    ]


def test_an_open_question_is_no_finding(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Adipose MSCs in cisplatin nephropathy\n\n"
        "Background: Whether adipose MSCs protect tubular cells directly has not been established.\n"
        "Results: Adipose MSCs reduced serum creatinine in rats with cisplatin-induced AKI.\n"
        "Conclusions: Whether adipose MSCs would benefit patients receiving cisplatin remains to be tested.\n",
    )
    got = [(r["section"], r["claim_type"], r["effect_direction"], r["outcome_effects"]) for r in rows]
    assert got == [
        ("title", "aim", "unclear", []),  # a study's title without a result names its topic
        ("background", "background", "unclear", []),
        ("results", "finding", "beneficial", ["serum creatinine:beneficial"]),
        ("conclusions", "hypothesis", "unclear", []),
    ]


def test_review_by_article_type_then_by_citations():
    lexicon = cues.load_lexicon()
    cited = "MSCs protect [1]. EVs too [2,3]. And CM [4-6]."
    assert claims.is_review(cited, lexicon)
    assert not claims.is_review(cited, lexicon, {"article_type": "research-article"})
    assert claims.is_review("No citations here.", lexicon, {"article_type": "review-article"})
    assert not claims.is_review(cited, lexicon, {"publication_types": "Journal Article;Randomized Controlled Trial"})
    assert claims.is_review("Plain.", lexicon, {"publication_types": "Journal Article;Review"})


IN_VITRO_ONLY = "\n".join(
    [
        "Umbilical cord MSC exosomes protect tubular cells from cisplatin",
        "",
        "Exosomes from MSCs may mediate the renoprotective effects of the parent cells.",
        "In rat NRK-49F fibroblasts, MSC exosomes reduced collagen I production.",
        "The exosomes also reduced apoptosis after cisplatin exposure.",
        "",
    ]
)


def test_a_study_on_cells_alone_is_in_vitro_and_its_opening_is_background(nlp, kb, tmp_path):
    rows = _claims(nlp, kb, tmp_path, IN_VITRO_ONLY)
    assert [(r["section"], r["claim_type"], r["study_type"], r["cell_line"]) for r in rows] == [
        ("title", "finding", "in_vitro", []),
        # hedged, but it opens the abstract: the field's background, with no study type of its own
        ("abstract", "background", "unknown", []),
        # a named cell line makes the experiment in vitro, and a study on cells alone is in vitro as a whole
        ("abstract", "finding", "in_vitro", ["NRK-49F"]),
        ("abstract", "finding", "in_vitro", []),
    ]


MAKERS = "\n".join(
    [
        "Vesicles in rats with cisplatin injury",
        "",
        "Microvesicles (MVs) shed by mesenchymal stem cells (MSCs) reduced apoptosis in rats with cisplatin injury.",
        "MVs purified by ultracentrifugation from human bone marrow MSCs (hBM-MSCs) were injected i.v. in rats.",
        "EVs and MSCs both reduced apoptosis in rats with cisplatin injury.",
        "",
    ]
)


def test_cells_that_make_the_vesicles_are_not_a_product_given(nlp, kb, tmp_path):
    rows = _claims(nlp, kb, tmp_path, MAKERS)
    assert [r["cell_product"] for r in rows if r["section"] != "title"] == [
        ["microvesicles"],  # "shed by MSCs (MSCs)": the long form and its short form make the vesicles
        ["microvesicles"],  # "purified by ultracentrifugation from human bone marrow MSCs"
        ["extracellular vesicles", "msc"],  # two products given side by side
    ]


def test_arms_of_one_product_from_two_sources_differ(nlp, kb, tmp_path):
    row = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in folic acid injury\n\n"
        "iPSC-MSCs, but not BM-MSCs, increased tubular cell proliferation in mice with folic acid injury.\n",
    )[-1]
    # one product (msc) from two sources: two arms, and "but not" the second one
    assert (row["cell_product"], row["outcome_effects"], row["effect_direction"]) == (
        ["msc"],
        ["cell proliferation:mixed"],
        "mixed",
    )


def test_an_endpoint_sentence_does_not_change_the_set_up(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in kidney transplantation\n\n"
        "In this trial, 18 kidney transplantation recipients received MSCs.\n"
        "The primary endpoint was safety; secondary endpoints included delayed graft function.\n"
        "MSCs were safe.\n",
    )
    # the endpoint sentence keeps what it names; the finding after it inherits the set-up, not the endpoint
    assert [r["injury_model"] for r in rows[1:]] == [
        ["kidney transplantation"],
        ["delayed graft function"],
        ["kidney transplantation"],
    ]


def test_a_number_of_groups_counts_the_arms(nlp, kb, tmp_path):
    row = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in ischemia-reperfusion injury\n\n"
        "In rats with ischemia-reperfusion injury, renal TNF-α was lower in all three treated groups, "
        "but only WJ-MSCs reduced macrophage infiltration.\n",
    )[-1]
    # three arms, and "only" one of them: the outcome differs by arm
    assert row["outcome_effects"] == ["tnf-alpha:beneficial", "macrophage infiltration:mixed"]


def test_the_row_summary_agrees_with_an_outcome_that_differs_by_arm(nlp, kb, tmp_path):
    row = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in kidney transplantation\n\n"
        "Intra-arterial MSCs up to 5×106 cells were safe in kidney transplantation, whereas 1×107 cells caused "
        "segmental infarction.\n",
    )[-1]
    assert (row["outcome_effects"], row["effect_direction"]) == (["adverse events:mixed"], "mixed")


def test_a_mediator_switched_off_by_the_experimenters_is_no_outcome_of_the_therapy(nlp, kb, tmp_path):
    row = _claims(
        nlp,
        kb,
        tmp_path,
        "EVs in gentamicin injury\n\n"
        "In rats with gentamicin injury, silencing of Nrf2 abolished the protective effect of ADSC-EVs.\n",
    )[-1]
    # the effect exists and depends on Nrf2: beneficial, not a harmful fall of Nrf2
    assert (row["mediators"], row["effect_direction"]) == (["nrf2"], "beneficial")


def test_a_question_is_an_aim_and_a_stimulus_is_no_outcome(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Exosomes in LPS injury\n\n"
        "Do exosomes from MSCs protect against lipopolysaccharide-induced acute kidney injury in rats?\n"
        "In rats with LPS injury, exosomes reduced TNF-α-induced apoptosis.\n"
        "In rats with LPS injury, apoptosis induced by LPS was reduced by exosomes.\n",
    )[1:]
    assert [(r["claim_type"], r["effect_direction"], r["outcomes"]) for r in rows] == [
        ("aim", "unclear", []),
        ("finding", "beneficial", ["apoptosis"]),  # TNF-α is the stimulus here, not an outcome
        ("finding", "beneficial", ["apoptosis"]),
    ]


def test_viability_is_the_inverse_of_cell_death(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "EVs in gentamicin injury\n\n"
        "In NRK-52E cells exposed to gentamicin, EVs increased cell viability.\n"
        "In NRK-52E cells exposed to gentamicin, a tenfold higher EV dose reduced cell viability.\n",
    )[1:]
    assert [r["outcome_effects"] for r in rows] == [["cell death:beneficial"], ["cell death:harmful"]]


def test_dose_levels_and_routes_are_arms(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in gentamicin injury\n\n"
        "In rats with gentamicin injury, urinary NGAL was reduced only in the high-dose MSC group.\n"
        "In rats with gentamicin injury, subcapsular, but not intraperitoneal, MSCs reduced urinary NGAL.\n"
        "In rats with gentamicin injury, intravenous MSCs reduced urinary NGAL.\n",
    )[1:]
    # another dose or another route did not do the same: mixed
    assert [r["outcome_effects"] for r in rows] == [["ngal:mixed"], ["ngal:mixed"], ["ngal:beneficial"]]


def test_a_long_form_stays_in_the_sentence_of_its_short_form(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Secretome in rhabdomyolysis\n\n"
        "Its effect on rhabdomyolysis-associated AKI has not been tested. Conditioned medium was collected from "
        "human AD-MSCs (AD-MSC-CM) after 48 h. Female mice were deprived of water and then injected with glycerol. "
        "At 48 h, AD-MSC-CM lowered serum creatinine.\n",
    )
    # the detector's long form reached back into the sentence before ("AKI has not been tested. Conditioned
    # medium ..."): the short form would name an injury, and "AD-MSC-CM lowered" would describe the model
    assert [(r["claim_type"], r["injury_model"], r["outcome_effects"]) for r in rows[-3:]] == [
        ("method", [], []),
        ("method", ["glycerol"], []),
        ("finding", ["glycerol"], ["serum creatinine:beneficial"]),
    ]


def test_british_spellings_match_the_knowledge_base(nlp, kb, tmp_path):
    row = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in cisplatin injury\n\nIn mice with cisplatin injury, MSCs lowered renal tumour necrosis factor-α.\n",
    )[-1]
    # not "tumour" (cancer) and "necrosis"
    assert (row["injury_model"], row["outcome_effects"]) == (["cisplatin"], ["tnf-alpha:beneficial"])


def test_a_label_before_a_product_and_a_tracer_clearance(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Hypoxic MSCs in sepsis\n\n"
        "When given 24 h after CLP, H-MSCs failed to lower serum creatinine.\n"
        "In dogs with gentamicin injury, GFR estimated by iohexol clearance did not differ between MSC and placebo "
        "groups.\n",
    )[1:]
    # "H-MSCs" (hypoxia-preconditioned) are MSCs; iohexol measures GFR here, it is no contrast injury
    assert [(r["cell_product"], r["injury_model"], r["outcome_effects"]) for r in rows] == [
        (["msc"], ["cecal ligation and puncture"], ["serum creatinine:no_effect"]),
        (["msc"], ["gentamicin"], ["glomerular filtration rate:no_effect"]),
    ]


def test_endpoint_definitions_mechanism_hedges_and_characterisation(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Exosomes in sepsis\n\n"
        "In this trial, 124 adults with AKI received MSCs.\n"
        "The primary endpoint was time to kidney recovery; secondary endpoints included dialysis or death by day 30 "
        "and adverse events.\n"
        "The primary endpoint was not met: kidney recovery did not differ.\n"
        "The exosomes had a mean diameter of 112 nm by nanoparticle tracking analysis.\n"
        "Exosomes ameliorated septic AKI, possibly through suppression of NF-κB signalling.\n"
        "Exosomes may possibly reduce serum creatinine.\n",
    )[1:]
    assert [(r["claim_type"], r["effect_direction"], r["species"]) for r in rows] == [
        ("method", "unclear", ["human"]),  # "adults" are people
        ("method", "unclear", ["human"]),  # what was measured, no adverse finding
        ("finding", "no_effect", ["human"]),
        ("method", "unclear", ["human"]),
        ("finding", "beneficial", ["human"]),  # the hedge is on the mechanism only
        ("hypothesis", "beneficial", []),
    ]


def test_a_wider_or_narrower_name_of_the_model_is_the_same_set_up(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Exosomes in sepsis\n\n"
        "We tested whether exosomes protect the kidney in sepsis.\n"
        "Mice were subjected to cecal ligation and puncture and given exosomes through the tail vein.\n"
        "Exosomes lowered serum creatinine.\n"
        "Thus, exosomes ameliorated septic AKI.\n"
        "In rats with cisplatin injury, exosomes given intraperitoneally lowered serum creatinine.\n",
    )[1:]
    # CLP after "sepsis" narrows the set-up (the findings inherit CLP, not sepsis too); "septic AKI" after it
    # widens it and keeps the route; cisplatin in rats is another set-up
    assert [(r["injury_model"], r["route"]) for r in rows] == [
        (["sepsis"], []),
        (["cecal ligation and puncture"], ["intravenous"]),
        (["cecal ligation and puncture"], ["intravenous"]),
        (["sepsis", "acute kidney injury"], ["intravenous"]),
        (["cisplatin"], ["intraperitoneal"]),
    ]


def test_an_untested_question_in_the_opening_is_background(nlp, kb, tmp_path):
    row = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in folic acid injury\n\n"
        "MSCs are generally regarded as safe, but the consequences of repeated dosing after kidney injury have "
        "received little attention.\n",
    )[-1]
    assert (row["claim_type"], row["effect_direction"], row["outcome_effects"]) == ("background", "unclear", [])


def test_the_authors_reading_is_a_hypothesis(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "EVs in contrast injury\n\n"
        "In HK-2 cells exposed to contrast media, EVs reduced apoptosis.\n"
        "These results suggest that EVs protect tubular cells from contrast toxicity through Nrf2.\n",
    )
    assert [(r["claim_type"], r["effect_direction"]) for r in rows] == [
        ("aim", "unclear"),
        ("finding", "beneficial"),
        ("hypothesis", "beneficial"),
    ]


def test_cells_of_a_species_an_unknown_question_and_a_menstrual_compound(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Conditioned medium from menstrual blood MSCs protects rat tubular epithelial cells against gentamicin\n\n"
        "MenSCs secrete growth factors, but whether their products protect tubular cells from gentamicin is unknown.\n"
        "Rat NRK-52E cells were exposed to gentamicin with MenSC-CM or control medium.\n"
        "MenSC-CM also decreased malondialdehyde.\n",
    )
    assert [(r["claim_type"], r["study_type"], r["cell_product"]) for r in rows] == [
        ("finding", "in_vitro", ["conditioned medium"]),  # rat cells in culture, not rats
        ("background", "unknown", ["stem cells"]),  # "MenSCs", as the knowledge base's compound
        ("method", "in_vitro", ["conditioned medium"]),
        ("finding", "in_vitro", ["conditioned medium"]),
    ]
    assert rows[-1]["cell_source"] == ["menstrual blood"]


def test_a_known_effect_in_the_aims_section_is_background(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MVs in ischaemia-reperfusion injury\n\n"
        "Aims: MVs released by MSCs protect the kidney in several models of acute kidney injury. We examined whether "
        "MVs protect rats with ischaemia-reperfusion injury.\n",
    )[1:]
    assert [(r["claim_type"], r["effect_direction"]) for r in rows] == [
        ("background", "beneficial"),
        ("aim", "unclear"),
    ]


def test_one_product_under_two_labels_is_two_arms_and_tumour_growth_is_harmful(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "BMSCs in LPS injury\n\n"
        "In rats with LPS injury, serum urea was reduced only by IL-10-BMSCs, whereas vector-BMSCs had no effect.\n"
        "In tumour-bearing mice with cisplatin injury, tumors grew faster in ADSC-treated mice than in PBS-treated "
        "mice (P < 0.01).\n"
        "In rats with LPS injury, non-MSCs reduced serum urea.\n",
    )[1:]
    assert [(r["cell_product"], r["outcome_effects"]) for r in rows] == [
        (["msc"], ["urea:mixed"]),
        (["msc"], ["tumorigenicity:harmful"]),
        ([], []),  # "non-MSCs" are no MSCs: no therapy is named
    ]


def test_a_denied_list_and_the_harms_of_cell_infusion(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in AKI\n\n"
        "In patients with AKI given MSCs, no thrombotic events, infusion reactions or deaths occurred.\n"
        "In rats given MSCs, no ectopic tissue was detected at 12 months.\n"
        "In mice given MSCs, necropsy revealed cell aggregates occluding pulmonary vessels.\n",
    )[1:]
    assert [r["outcome_effects"] for r in rows] == [
        ["adverse events:no_effect", "mortality:no_effect"],  # every item of the denied list
        ["maldifferentiation:no_effect"],  # ectopic tissue is maldifferentiation, not a tumour
        ["adverse events:harmful"],
    ]


def test_early_and_late_arms(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MVs in ischaemia-reperfusion injury\n\n"
        "In rats with ischaemia-reperfusion injury, renal TNF-α was lower after early MVs only.\n"
        "In rats with ischaemia-reperfusion injury, MVs improved survival when given at reperfusion, but not when "
        "delayed to 24 h.\n"
        "In rats with ischaemia-reperfusion injury, MVs lowered renal TNF-α.\n",
    )[1:]
    assert [r["outcome_effects"] for r in rows] == [["tnf-alpha:mixed"], ["survival:mixed"], ["tnf-alpha:beneficial"]]


def test_blocking_a_mediator_that_removes_the_effect(nlp, kb, tmp_path):
    row = _claims(
        nlp,
        kb,
        tmp_path,
        "CM in glycerol injury\n\n"
        "In mice with glycerol injury, the HO-1 inhibitor abolished the reduction in serum creatinine afforded by "
        "the conditioned medium.\n",
    )[-1]
    # the effect exists and depends on HO-1: beneficial, not a harmful rise of creatinine
    assert (row["effect_direction"], row["outcome_effects"]) == ("beneficial", ["serum creatinine:beneficial"])


def test_a_meta_analysis_states_its_set_up_once(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSC-EVs in rodent AKI: a systematic review and meta-analysis\n\n"
        "We searched three databases for controlled studies of MSC-EVs in rats or mice with acute kidney injury.\n"
        "MSC-EVs reduced serum creatinine (standardized mean difference -2.1, 95% CI -2.6 to -1.7).\n",
    )
    # pooled findings carry the review's set-up, as a study's findings do; every row is a review statement
    assert [(r["species"], r["injury_model"], r["study_type"]) for r in rows[1:]] == [
        (["rat", "mouse"], ["acute kidney injury"], "review_statement"),
        (["rat", "mouse"], ["acute kidney injury"], "review_statement"),
    ]


def test_a_name_that_states_its_direction(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "WJ-MSCs in ischaemia-reperfusion injury\n\n"
        "In rats with ischaemia-reperfusion injury, priming enhanced the antifibrotic effect of WJ-MSCs.\n"
        "In rats with ischaemia-reperfusion injury, the profibrotic effect of high-dose MSCs was marked.\n"
        "In dogs with ischaemia-reperfusion injury, MSCs gave an early functional benefit.\n",
    )[1:]
    assert [r["outcome_effects"] for r in rows] == [
        ["fibrosis:beneficial"],
        ["fibrosis:harmful"],
        ["renal function:beneficial"],
    ]


def test_an_outcome_that_moved_as_the_one_before(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in folic acid nephropathy\n\n"
        "Mice with folic acid nephropathy received UC-MSCs or BM-MSCs.\n"
        "On day 4 after folic acid, both cell types reduced blood urea nitrogen to a similar extent.\n"
        "Serum creatinine was lower with BM-MSCs than with vehicle, whereas UC-MSCs did not lower it.\n"
        "Urinary NGAL followed the same pattern.\n"
        "Similar results were obtained for urinary KIM-1.\n"
        "Proteinuria was similar in all groups (P = 0.41).\n",
    )[2:]
    assert [(r["claim_type"], r["effect_direction"], r["outcome_effects"]) for r in rows] == [
        ("finding", "beneficial", ["blood urea nitrogen:beneficial"]),
        ("finding", "mixed", ["serum creatinine:mixed"]),
        ("finding", "mixed", ["ngal:mixed"]),
        ("finding", "mixed", ["kim-1:mixed"]),
        ("finding", "no_effect", ["proteinuria:no_effect"]),
    ]


def test_another_arm_that_changed_only_some_outcomes(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Hypoxic MSCs in sepsis\n\n"
        "Rats with caecal ligation and puncture received hypoxic MSCs (H-MSCs) or normoxic MSCs (N-MSCs).\n"
        "H-MSCs lowered urinary NGAL, renal TNF-α and tubular apoptosis, whereas N-MSCs reduced only TNF-α.\n"
        "IL-10-MSCs lowered serum creatinine and renal IL-6, whereas vector-MSCs reduced serum creatinine only.\n"
        "Both products reduced BUN, but only H-MSCs reduced NGAL.\n",
    )[2:]
    assert [r["outcome_effects"] for r in rows] == [
        ["ngal:mixed", "tnf-alpha:beneficial", "apoptosis:mixed"],
        ["serum creatinine:beneficial", "il-6:mixed"],
        ["blood urea nitrogen:beneficial", "ngal:mixed"],
    ]


def test_split_names_ratios_trailing_readings_and_the_fields_need(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Exosomes in tubular cells\n\n"
        "Sepsis is the leading cause of acute kidney injury, and no pharmacological therapy has proven effective.\n"
        "We therefore examined whether exosomes protect tubular cells.\n"
        "Human HK-2 cells were subjected to 24 h of hypoxia (1% O2) followed by 6 h of reoxygenation and treated with "
        "exosomes.\n"
        "Exosomes preserved the mitochondrial membrane potential and decreased the Bax/Bcl-2 ratio.\n"
        "Exosomes did not reduce apoptosis, suggesting that a longer exposure may be needed.\n",
    )[1:]
    assert [(r["claim_type"], r["effect_direction"], r["hedged"]) for r in rows] == [
        ("background", "unclear", False),
        ("aim", "unclear", False),
        ("method", "unclear", False),
        ("finding", "beneficial", False),
        ("finding", "no_effect", True),
    ]
    assert rows[2]["injury_model"] == ["hypoxia/reoxygenation"]
    assert rows[3]["mediators"] == ["bax", "bcl-2"]


def test_a_finding_about_some_arms_keeps_the_set_up_of_the_others(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "ADMSCs, EVs and CM in sepsis\n\n"
        "Mice underwent caecal ligation and puncture and received via the tail vein ADMSCs (5 × 10^5 cells), EVs "
        "(1 × 10^9 particles) or conditioned medium (CM).\n"
        "ADMSCs, but not EVs, lowered plasma IL-6.\n"
        "Seven-day survival was 25% with PBS, 58% with ADMSCs, 50% with EVs and 25% with CM.\n"
        "MSCs did not reduce the incidence of AKI, although they may preserve kidney function.\n",
    )[1:]
    assert [(r["claim_type"], r["route"], r["outcome_effects"]) for r in rows[2:]] == [
        ("finding", ["intravenous"], ["survival:mixed"]),
        ("finding", ["intravenous"], ["renal function:beneficial"]),
    ]


def test_two_injury_models_recipients_and_recommendations(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "EVs in glycerol and cisplatin AKI in mice\n\n"
        "NOD/SCID mice received intramuscular glycerol or intraperitoneal cisplatin and then EVs intravenously.\n"
        "In glycerol-injured mice, EVs lowered blood urea nitrogen.\n"
        "After cisplatin, by contrast, serum creatinine did not differ between EV- and vehicle-treated mice.\n"
        "Female recipients underwent kidney transplantation and received EVs.\n"
        "Neither dose prevented AKI, and EVs may cause pulmonary embolism.\n"
        "Model-specific efficacy should be considered before EV therapy is translated to patients.\n",
    )[1:]
    assert [r["injury_model"] for r in rows[1:3]] == [["glycerol"], ["cisplatin"]]
    assert [(r["claim_type"], r["study_type"]) for r in rows[3:]] == [
        ("method", "in_vivo"),
        ("finding", "in_vivo"),
        ("hypothesis", "in_vivo"),
    ]


def test_purpose_openers_arm_labels_questions_and_blocked_effects(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MenSCs in contrast-induced AKI in rats\n\n"
        "In this study, male Sprague-Dawley rats received folic acid (250 mg/kg) i.p. on day 0.\n"
        "MenSCs were injected 24 h before iohexol (pretreatment group) or 2 h after it (rescue group).\n"
        "To explore the mechanism, rat NRK-52E cells were exposed to cisplatin with or without MenSCs.\n"
        "Knockdown of IGF-1 in MenSCs abolished both effects on apoptosis.\n"
        "The timing of MSC therapy may determine whether it promotes tissue repair.\n"
        "Kidneys were transplanted into bilaterally nephrectomized Lewis recipients.\n",
    )[1:]
    assert [(r["claim_type"], r["effect_direction"]) for r in rows] == [
        ("method", "unclear"),
        ("method", "unclear"),
        ("method", "unclear"),
        ("finding", "beneficial"),
        ("hypothesis", "unclear"),
        ("method", "unclear"),
    ]
    assert rows[0]["route"] == []  # the injury agent's route
    assert rows[5]["injury_model"] == ["nephrectomy"]


def test_a_trial_outcome_named_as_a_condition_arm_words_and_reversed_blockades(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "UC-MSCs in kidney transplantation\n\n"
        "In this phase 2 trial, 96 adults receiving a deceased-donor kidney transplant were randomized to two "
        "intravenous doses of UC-MSCs or placebo.\n"
        "DGF occurred in 17 of 48 UC-MSC recipients and 19 of 48 placebo recipients (P = 0.67).\n"
        "Among patients with DGF, dialysis did not differ between arms, and eGFR was similar (P = 0.45).\n"
        "Conditioned medium is rich in HGF, but which of its components protects the kidney is unclear.\n"
        "In TCMK-1 cells, conditioned medium reduced apoptosis by 38%, an effect lost after immunodepletion of HGF.\n",
    )[1:]
    assert rows[1]["route"] == ["intravenous"] and rows[1]["species"] == ["human"]
    assert [(r["claim_type"], r["effect_direction"]) for r in rows[2:]] == [
        ("finding", "no_effect"),
        ("hypothesis", "unclear"),  # an open question after the findings (background when it opens the abstract)
        ("finding", "beneficial"),
    ]


def test_field_beliefs_stimuli_course_of_injury_and_lost_markers(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in cisplatin AKI\n\n"
        "MSCs are thought to protect the injured kidney through immunomodulation.\n"
        "Rats with cisplatin AKI received MSCs primed with interferon-γ or vehicle.\n"
        "Primed MSCs lowered serum creatinine, but proteinuria rose in all groups.\n"
        "Urinary NGAL was reduced in all MSC groups.\n"
        "In co-culture, NRK-52E cells lost E-cadherin and acquired vimentin expression.\n",
    )[1:]
    assert rows[0]["claim_type"] == "background"
    assert rows[1]["outcomes"] == []  # interferon-γ primes the cells
    assert [r["outcome_effects"] for r in rows[2:]] == [
        ["serum creatinine:beneficial", "proteinuria:no_effect"],
        ["ngal:beneficial"],
        ["e-cadherin:harmful", "vimentin:harmful"],
    ]


def test_dosing_schemes_as_arms_needs_and_a_hedged_second_clause(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "BM-MSCs in sepsis\n\n"
        "A single, but not a repeated, infusion of BM-MSCs improved survival in mice with sepsis.\n"
        "Delayed BM-MSCs failed to lower serum creatinine, although they increased tubular proliferation.\n"
        "One dose of BM-MSCs improved survival, while a second dose offered no further protection and may have "
        "amplified inflammation.\n"
        "Dose-finding studies are needed before BM-MSCs can be considered for patients.\n",
    )[1:]
    assert [(r["claim_type"], r["outcome_effects"]) for r in rows] == [
        ("finding", ["survival:mixed"]),
        ("finding", ["serum creatinine:no_effect", "cell proliferation:beneficial"]),
        ("finding", ["survival:beneficial", "inflammation:harmful"]),
        ("hypothesis", []),
    ]


def test_controls_unchanged_routes_by_label_non_prefixed_models_and_treated_subjects(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in IRI in pigs\n\n"
        "We compared renal artery (IA) and peripheral venous (IV) infusion of MSCs in pigs with ischaemia-reperfusion "
        "injury.\n"
        "Pigs received MSCs into the renal artery (IA group) or intravenously (IV group).\n"
        "Tubular injury scores were lower only after IA delivery.\n"
        "Plasma IL-6 decreased in treated pigs, whereas in controls it remained unchanged.\n"
        "MSCs and CM reduced serum creatinine by 38% and 33%, with no difference between the two treatments.\n"
        "In non-CKD pigs, MSC-treated CKD pigs showed a higher urinary protein excretion than PBS-treated CKD pigs.\n"
        "The risk of microembolism should be addressed before this route is tested in patients.\n"
        "A randomized controlled trial of MSCs is warranted.\n",
    )[1:]
    assert rows[0]["claim_type"] == "aim"
    rows = rows[1:]
    assert [(r["route"], r["outcome_effects"]) for r in rows[1:3]] == [
        (["intra-arterial"], ["tubular injury:mixed"]),
        (["intra-arterial", "intravenous"], ["il-6:beneficial"]),
    ]
    assert rows[3]["outcome_effects"] == ["serum creatinine:beneficial"]
    assert rows[4]["injury_model"] == ["chronic kidney disease"] and rows[4]["outcome_effects"] == [
        "proteinuria:harmful"
    ]
    assert [(r["claim_type"], r["effect_direction"]) for r in rows[5:]] == [
        ("hypothesis", "unclear"),
        ("hypothesis", "unclear"),
    ]


def test_timing_arms_partial_anaphora_superlatives_and_second_predicates(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSC timing in IRI in mice\n\n"
        "Mice with renal ischemia-reperfusion injury received MSCs before ischemia, at reperfusion or 24 h after "
        "reperfusion.\n"
        "Pretreatment and treatment at reperfusion lowered serum creatinine (P < 0.001), whereas MSCs given 24 h "
        "after reperfusion did not.\n"
        "Blood urea nitrogen followed the same pattern, and urinary KIM-1 fell in all treated mice.\n"
        "Tubular necrosis was reduced only in the pretreatment and reperfusion groups.\n"
        "Pretreated mice had the lowest renal TNF-α levels.\n"
        "Subcapsular MSCs caused subcapsular hematomas in 4 mice and did not attenuate tubular necrosis.\n"
        "This narrow therapeutic window of MSCs should inform the design of clinical trials.\n",
    )[2:]
    assert [(r["claim_type"], r["outcome_effects"]) for r in rows] == [
        ("finding", ["serum creatinine:mixed"]),
        ("finding", ["blood urea nitrogen:mixed", "kim-1:beneficial"]),
        ("finding", ["tubular necrosis:mixed"]),
        ("finding", ["tnf-alpha:beneficial"]),
        ("finding", ["adverse events:harmful", "tubular necrosis:no_effect"]),
        ("hypothesis", []),
    ]


def test_advice_in_the_main_clause_and_harm_without_benefit(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "UC-MSCs in septic AKI\n\n"
        "Patients with septic AKI received low-dose or high-dose UC-MSCs.\n"
        "The higher dose caused more infusion-related reactions without additional benefit.\n"
        "Procoagulant activity of MSCs should be tested before MSC products are infused into septic patients.\n"
        "UC-MSCs lowered serum creatinine, and should be tested in a larger trial.\n",
    )[2:]
    assert [(r["claim_type"], r["outcome_effects"]) for r in rows] == [
        ("finding", ["adverse events:harmful"]),
        ("hypothesis", []),
        ("finding", ["serum creatinine:beneficial"]),
    ]


def test_suspended_hyphens_human_nuclei_and_cultured_cells_given_to_animals(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in sepsis in rats\n\n"
        "Rats received human bone marrow-, adipose- or umbilical cord-derived MSCs after caecal ligation and "
        "puncture.\n"
        "ADSCs cultured under hypoxia (1% O2) for 48 h were given through the jugular vein 3 h after CLP.\n"
        "Few human nuclei-positive cells were found in the kidney at day 14 after MSC infusion.\n",
    )[1:]
    assert rows[0]["species"] == ["rat"] and "human" in rows[0]["cell_origin"]
    assert rows[1]["study_type"] == "in_vivo"
    assert rows[2]["species"] == ["rat"]


def test_a_proposed_role_is_background_and_clamping_of_the_left_renal_artery(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "AD-MSCs in pigs\n\n"
        "The secretome of MSCs has been proposed as a cell-free alternative to MSC transplantation for AKI.\n"
        "Pigs underwent right nephrectomy and 60-min clamping of the left renal artery and then received AD-MSCs.\n",
    )[1:]
    assert rows[0]["claim_type"] == "background"
    assert rows[1]["injury_model"] == ["nephrectomy", "ischemia-reperfusion injury"]


def test_the_medium_vesicles_came_from_and_human_mitochondrial_dna(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "EVs in contrast AKI in rabbits\n\n"
        "EVs isolated from hUC-MSC culture supernatants were infused into the renal artery of rabbits with contrast "
        "media-induced AKI.\n"
        "Human mitochondrial DNA was detected in the rabbit kidneys for 3 days after EV injection.\n",
    )[1:]
    assert rows[0]["cell_product"] == ["extracellular vesicles"]
    assert rows[1]["species"] == ["rabbit"]


def test_transplant_drugs_trial_design_and_a_concession_after_a_result(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs around cardiac surgery\n\n"
        "We conducted a double-blind phase 2 trial in 140 adults with chronic kidney disease undergoing cardiac "
        "surgery. "
        "All patients received tacrolimus-based maintenance immunosuppression. "
        "Rats received tacrolimus for 28 days to induce nephrotoxicity and were then given MSCs. "
        "Postoperative atrial fibrillation was more frequent in the MSC group (41% vs 24%; P = 0.03), although a "
        "causal relation with the cells remains uncertain.\n",
    )[1:]
    assert [r["claim_type"] for r in rows] == ["method", "method", "method", "finding"]
    # the trial's drugs are no injury model; a tacrolimus injury is
    assert "tacrolimus" not in rows[1]["injury_model"]
    assert rows[2]["injury_model"] == ["tacrolimus", "nephrotoxicity"]
    assert (rows[3]["effect_direction"], rows[3]["outcome_effects"]) == ("harmful", ["adverse events:harmful"])


def test_all_treatments_take_every_product_of_the_set_up(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Cells, EVs and CM in cisplatin AKI\n\n"
        "Mice with cisplatin-induced AKI received ADSCs, their EVs or conditioned medium (CM) intravenously. "
        "The rise in TNF-α was blunted only by ADSCs. "
        "Kidney malondialdehyde was lowered by all three treatments (P < 0.05 for each). "
        "Serum creatinine returned to baseline in all groups.\n",
    )[1:]
    assert rows[1]["cell_product"] == ["msc"]
    assert rows[2]["cell_product"] == ["msc", "extracellular vesicles", "conditioned medium"]
    # "in all groups": every arm (and the controls, which are no product)
    assert rows[3]["cell_product"] == ["msc", "extracellular vesicles", "conditioned medium"]


def test_antibodies_against_the_donor_are_an_adverse_event(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Repeated MSCs in cisplatin AKI\n\n"
        "Repeated intravenous injections of allogeneic MSCs induced anti-donor antibodies in mice with cisplatin "
        "nephrotoxicity [14].\n",
    )[1:]
    assert (rows[0]["effect_direction"], rows[0]["outcome_effects"]) == ("harmful", ["adverse events:harmful"])


def test_an_aim_adds_its_specific_injury_model_to_the_set_up(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Exosomes in cisplatin nephrotoxicity\n\n"
        "We examined the effects of exosomes from human umbilical cord MSCs on cisplatin-induced AKI in rats. "
        "Exosomes were given intravenously 24 h after cisplatin. "
        "Exosomes lowered serum creatinine (P < 0.01). "
        "In a second set of rats, AKI was induced by glycerol and exosomes were injected intravenously. "
        "Exosomes lowered BUN (P < 0.05).\n",
    )[1:]
    assert rows[0]["injury_model"] == ["cisplatin", "acute kidney injury"]  # the aim row states both
    assert rows[2]["injury_model"] == ["cisplatin"]  # the finding takes the aim's specific model
    assert rows[4]["injury_model"] == ["acute kidney injury", "glycerol"]  # a method's wider name stays


def test_microthrombosis_is_an_adverse_event(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "PMSCs in glycerol AKI\n\n"
        "Intra-arterial delivery of human placenta-derived MSCs caused renal microthrombosis in rats with "
        "glycerol-induced AKI.\n",
    )[1:]
    assert (rows[0]["effect_direction"], rows[0]["outcome_effects"]) == ("harmful", ["adverse events:harmful"])
    assert rows[0]["route"] == ["intra-arterial"]  # "renal microthrombosis" is the place of a finding, not a route


def test_advice_drawn_from_a_result_leaves_it_a_finding(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MenSCs in colistin AKI\n\n"
        "Mice with colistin-induced AKI received MenSCs retro-orbitally. "
        "At the higher dose they caused fatal pulmonary embolism, so pulmonary entrapment should be considered "
        "before MenSCs are tested further. "
        "Pulmonary entrapment should be considered before MenSCs are tested further.\n",
    )[1:]
    assert [(r["claim_type"], r["effect_direction"]) for r in rows[1:]] == [
        ("finding", "harmful"),
        ("hypothesis", "unclear"),
    ]


def test_an_opening_statement_of_the_field_is_background(nlp, kb, tmp_path):
    text = (
        "EVs in cisplatin AKI\n\n"
        "{opening} We tested whether EVs protect mice against cisplatin-induced AKI. "
        "Mice received EVs intravenously. EVs lowered serum creatinine (P < 0.01).\n"
    )
    field = "Extracellular vesicles released by MSCs attenuate nephrotoxic AKI in several rodent studies."
    result = "In HK-2 cells exposed to cisplatin, EVs reduced caspase-3 activity."
    rows = _claims(nlp, kb, tmp_path, text.format(opening=field))[1:]
    assert [r["claim_type"] for r in rows] == ["background", "aim", "method", "finding"]
    rows = _claims(nlp, kb, tmp_path, text.format(opening=result))[1:]
    assert rows[0]["claim_type"] == "finding"  # a past-tense result of this study


def test_no_malignancies_diagnosed_is_no_tumorigenicity(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "UC-MSCs after transplantation\n\n"
        "Kidney transplant recipients received UC-MSCs or placebo intravenously. "
        "Transient fever occurred in 9 UC-MSC recipients; no malignancies were diagnosed during follow-up.\n",
    )[1:]
    assert (rows[1]["effect_direction"], rows[1]["outcome_effects"]) == (
        "mixed",
        ["adverse events:harmful", "tumorigenicity:no_effect"],
    )


def test_where_the_cells_went_is_a_finding(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Placental MSCs under the capsule\n\n"
        "Rats with renal ischemia-reperfusion injury received human placenta MSCs (hPMSCs) beneath the kidney capsule. "
        "Labelled hPMSCs remained confined to the subcapsular space and were not detected in tubules at any time.\n",
    )[1:]
    assert (rows[1]["claim_type"], rows[1]["study_type"], rows[1]["species"]) == ("finding", "in_vivo", ["rat"])


def test_a_harm_before_its_blockade_and_safety_findings_of_the_field(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "ADSC exosomes in NRK-52E cells\n\n"
        "NRK-52E cells were exposed to hypoxia/reoxygenation and treated with ADSC-Exos. "
        "At 100 µg/mL, ADSC-Exos also increased α-SMA and collagen I expression, and this effect was prevented by a "
        "TGF-β receptor inhibitor. "
        "HGF siRNA abolished the reduction in apoptosis afforded by ADSC-Exos.\n",
    )[1:]
    assert [(r["effect_direction"], r["outcome_effects"]) for r in rows[1:]] == [
        ("harmful", ["fibrosis:harmful", "extracellular matrix:harmful"]),
        ("beneficial", ["apoptosis:beneficial"]),
    ]
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Subcapsular MSCs in rats\n\n"
        "Rats with ischemia-reperfusion injury received BM-MSCs under the renal capsule. "
        "At 6 months, 5 of 17 kidneys contained nodules of adipocytes and osteoid-like tissue at the injection site. "
        "De novo anti-HLA antibodies were detected in 5 of 36 recipients. "
        "Apart from transient fever in one rat, no infusion-related adverse events occurred.\n",
    )[1:]
    assert [(r["effect_direction"], r["outcome_effects"]) for r in rows[1:]] == [
        ("harmful", ["maldifferentiation:harmful"]),
        ("harmful", ["adverse events:harmful"]),
        ("no_effect", ["adverse events:no_effect"]),
    ]


def test_an_appositive_advice_leaves_the_result_and_a_predisposition_is_a_harm(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "BM-MSCs after folic acid\n\n"
        "C57BL/6 mice with folic acid-induced AKI received BM-MSCs intravenously. "
        "BM-MSCs hastened early recovery but may promote fibrosis in the long term, a risk that should be assessed in "
        "studies with extended follow-up. "
        "The larger size of BM-MSCs may predispose them to embolic death after intravenous injection.\n",
    )[1:]
    assert [(r["effect_direction"], r["outcome_effects"], r["hedged"]) for r in rows[1:]] == [
        ("mixed", ["kidney recovery:beneficial", "fibrosis:harmful"], True),
        ("harmful", ["mortality:harmful"], True),
    ]


def test_dose_limiting_toxicities_are_adverse_events(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "WJ-MSCs in severe AKI\n\n"
        "Critically ill patients with severe AKI received 0.5, 1, 2 or 4 x 10^6 WJ-MSCs/kg intravenously. "
        "No DLTs occurred at the three lower doses. "
        "WJ-MSCs up to 2 x 10^6 cells/kg appear safe, whereas a higher dose caused dose-limiting respiratory "
        "toxicity.\n",
    )[1:]
    assert [(r["effect_direction"], r["outcome_effects"]) for r in rows[1:]] == [
        ("no_effect", ["adverse events:no_effect"]),
        ("mixed", ["adverse events:mixed"]),
    ]


def test_sensitization_sarcomas_and_a_harm_absent_with_another_product(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Safety of iPSC-MSC exosomes\n\n"
        "BALB/c mice with cisplatin-induced AKI received hUC-MSCs intravenously on days 1, 4 and 7. "
        "Mice given three infusions developed xenoreactive antibodies and transient hypotension. "
        "Late-passage MSCs injected intrarenally produced spindle-cell sarcomas in 4 of 15 mice. "
        "Teratomas developed in all 5 mice injected with iPSCs but in none of those given iPSC-MSC-Exos.\n",
    )[1:]
    assert [(r["effect_direction"], r["outcome_effects"]) for r in rows[1:]] == [
        ("harmful", ["adverse events:harmful"]),
        ("harmful", ["tumorigenicity:harmful"]),
        ("mixed", ["tumorigenicity:mixed"]),
    ]


def test_tumours_looked_for_are_no_cancer_model(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs after folic acid\n\n"
        "C57BL/6 mice with folic acid-induced AKI received BM-MSCs intravenously. "
        "Mice were followed for 12 months and screened for tumours and ectopic tissue by histology. "
        "No tumours or ectopic tissue were found after intravenous MSCs.\n",
    )[1:]
    assert [("cancer" in r["injury_model"], r["effect_direction"]) for r in rows[1:]] == [
        (False, "unclear"),
        (False, "no_effect"),
    ]
    assert rows[2]["injury_model"] == ["folic acid", "acute kidney injury"]


def test_cancers_counted_among_the_treated_are_no_cancer_model(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "UC-MSCs after kidney transplantation\n\n"
        "Kidney transplant recipients received UC-MSCs intravenously. "
        "Malignancies were diagnosed in 2 MSC-treated patients (basal cell carcinoma) and in 1 control patient. "
        "MSC therapy was not associated with excess malignancy over 3 years.\n",
    )
    assert [r["injury_model"] for r in rows[2:]] == [["kidney transplantation"], ["kidney transplantation"]]
    assert rows[3]["outcome_effects"] == ["tumorigenicity:no_effect"]


def test_makers_listed_together_parents_changed_and_arms_named_as_a_pair(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Exosomes of two MSC sources in renal ischemia\n\n"
        "Exosomes were isolated from human iMSCs (iMSC-Exos) and human BM-MSCs (BM-Exos). "
        "Rats with renal ischemia-reperfusion injury received 100 µg of iMSC-Exos or BM-Exos intravenously. "
        "Neither preparation lowered renal IL-6. "
        "Survival did not differ among the groups (P = 0.64). "
        "The effect on SOD was lost when Nrf2 was silenced in the parent iMSCs. "
        "EVs may not be a full substitute for the parent MSCs.\n",
    )
    # both makers of the listed exosomes are makers, not products given
    assert rows[1]["cell_product"] == ["exosomes"]
    # "neither preparation", "among the groups": the set-up's products (here one kind); the dose carries over
    assert [r["cell_product"] for r in rows[3:5]] == [["exosomes"], ["exosomes"]]
    # the parent cells changed to test the exosomes are no arm; the parent cells compared with EVs are one
    assert rows[5]["cell_product"] == ["exosomes"] and rows[5]["dose"] == ["100 µg"]
    assert rows[6]["cell_product"] == ["extracellular vesicles", "msc"]


def test_a_pair_of_products_takes_both_and_all_groups_every_product(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs and EVs in sepsis\n\n"
        "Mice with CLP-induced sepsis received BM-MSCs or their EVs intravenously. "
        "MSCs lowered creatinine. "
        "Neither treatment altered renal myeloperoxidase activity. "
        "Seven-day mortality was comparable in all groups (P = 0.74).\n",
    )[1:]
    assert [r["cell_product"] for r in rows] == [
        ["msc", "extracellular vesicles"],
        ["msc"],
        ["msc", "extracellular vesicles"],
        ["msc", "extracellular vesicles"],
    ]


def test_autotransplanted_kidneys_and_harms_blocked_after_the_fact(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSC-EVs in machine perfusion\n\n"
        "Pig kidneys were perfused with MSC-EVs and autotransplanted. "
        "At 100 µg/mL, EVs increased α-SMA expression 1.7-fold (P < 0.05), and this profibrotic response was "
        "prevented by a TGF-β receptor inhibitor.\n",
    )
    assert "kidney transplantation" in rows[1]["injury_model"]
    # a harm stated before the blockade stays harmful: the blockade's own verb is no benefit
    assert (rows[2]["outcome_effects"], rows[2]["effect_direction"]) == (["fibrosis:harmful"], "harmful")


def test_a_study_not_powered_to_assess_efficacy_still_reports_its_result(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in septic AKI: a review\n\n"
        "A phase 1 study of umbilical cord MSCs in septic shock reported no dose-limiting toxicity in 15 patients "
        "[13], but it was not powered to assess efficacy. "
        "We aimed to assess the efficacy of MSCs in septic AKI.\n",
    )
    assert [(r["claim_type"], r["effect_direction"], r["outcome_effects"]) for r in rows[1:]] == [
        ("finding", "no_effect", ["adverse events:no_effect"]),
        ("aim", "unclear", []),
    ]


def test_findings_of_a_study_on_cells_alone_take_the_in_vitro_set_up(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSC-EVs and tubular cells\n\n"
        "Rat NRK-52E cells were subjected to 24 h of hypoxia followed by 6 h of reoxygenation and treated with EVs. "
        "EVs at 50 µg/mL reduced the proportion of apoptotic cells (P < 0.01).\n",
    )
    assert rows[2]["injury_model"] == ["hypoxia/reoxygenation"] and "injury_model" in rows[2]["inherited"]


def test_antibodies_against_the_product_are_an_adverse_event(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Repeated MSCs in cisplatin AKI\n\n"
        "Mice with cisplatin-induced AKI received hUCB-MSCs intravenously. "
        "Antibodies against hUCB-MSCs were detected in the serum of all treated mice by day 14. "
        "A neutralizing antibody against HGF abolished the reduction in creatinine.\n",
    )
    assert [(r["outcome_effects"], r["effect_direction"]) for r in rows[2:]] == [
        (["adverse events:harmful"], "harmful"),
        # an antibody used to block a mediator is the experiment, not the host's response
        (["serum creatinine:beneficial"], "beneficial"),
    ]


def test_a_meta_analysis_keeps_its_set_up_through_descriptive_and_subgroup_findings(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Mesenchymal stem cells in rodent acute kidney injury: a systematic review and meta-analysis\n\n"
        "We searched MEDLINE and Embase for controlled studies of MSCs in rats or mice with AKI. "
        "Effects on serum creatinine were pooled as standardised mean differences (SMDs). "
        "Eighty-four studies were included, mostly using ischaemia-reperfusion injury or cisplatin. "
        "Overall, MSCs reduced serum creatinine (SMD −2.12, 95% CI −2.51 to −1.73).\n",
    )
    assert rows[3]["injury_model"] == ["ischemia-reperfusion injury", "cisplatin"]
    # the pooled result is about all included studies: the set-up of the methods, not the models listed before it
    assert rows[4]["injury_model"] == ["acute kidney injury"] and "injury_model" in rows[4]["inherited"]


def test_blockades_by_rnase_and_by_pretreatment_keep_the_therapy_direction(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "sEVs in cisplatin AKI\n\n"
        "Mice with cisplatin-induced AKI received sEVs intravenously. "
        "The reductions in serum creatinine and tubular necrosis afforded by high-dose sEVs were lost after RNase "
        "treatment. "
        "Pretreatment with chloroquine abolished the reduction in serum creatinine by early sEVs.\n",
    )
    assert [(r["outcome_effects"], r["effect_direction"]) for r in rows[2:]] == [
        (["serum creatinine:beneficial", "tubular necrosis:beneficial"], "beneficial"),
        (["serum creatinine:beneficial"], "beneficial"),
    ]


def test_blockades_by_depletion_and_harms_that_a_co_administered_drug_prevented(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "ABs in LPS-induced AKI\n\n"
        "Mice with LPS-induced AKI received apoptotic bodies (ABs) intravenously. "
        "Depletion of macrophages with clodronate liposomes abolished the fall in serum creatinine conferred by ABs. "
        "High-dose ABs caused fatal pulmonary thromboembolism, which was prevented by co-administration of heparin. "
        "ABs showed procoagulant activity in vitro, and this was prevented by an antibody against tissue factor.\n",
    )
    assert [(r["outcome_effects"], r["effect_direction"]) for r in rows[2:]] == [
        (["serum creatinine:beneficial"], "beneficial"),
        (["adverse events:harmful"], "harmful"),
        (["adverse events:harmful"], "harmful"),
    ]


def test_makers_with_two_modifiers_and_makers_set_apart(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "CM in LPS-stimulated macrophages\n\n"
        "Conditioned medium from labelled and unlabelled MSCs reduced apoptosis of NRK-52E cells. "
        "Conditioned medium from IL-1β-MSCs, but not from naive MSCs, suppressed TNF-α release. "
        "EVs from fibroblasts and MSCs reduced apoptosis.\n",
    )
    assert [(r["cell_product"], r["effect_direction"]) for r in rows[1:]] == [
        (["conditioned medium"], "beneficial"),  # one maker, two modifiers
        (["conditioned medium"], "mixed"),  # the cells set apart made the medium too, and it did nothing
        (["extracellular vesicles", "msc"], "beneficial"),  # two products named side by side
    ]


def test_tracking_sentences_are_methods_and_where_the_cells_went_is_a_finding(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSC tracking in renal IRI\n\n"
        "We tracked dual-labelled MSCs in a rat model of renal ischemia-reperfusion injury. "
        "Within 10 min, 82% of the MSCs were located in the lungs. "
        "Luciferase activity of the MSCs declined by more than 95% within 72 h.\n",
    )
    assert [(r["claim_type"], r["species"], r["inherited"]) for r in rows[1:]] == [
        ("method", ["rat"], []),
        ("finding", ["rat"], ["species", "injury_model"]),
        ("finding", ["rat"], ["species", "injury_model"]),
    ]


def test_a_fall_in_arterial_pressure_after_infusion_is_a_harm(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "CM in septic mice\n\n"
        "Mice with CLP-induced sepsis received MSC conditioned medium (CM) intravenously. "
        "Mice given CM showed a transient fall in mean arterial pressure within 15 min of injection.\n",
    )
    assert (rows[-1]["outcome_effects"], rows[-1]["effect_direction"]) == (["blood pressure:harmful"], "harmful")


def test_immunosuppressants_of_kidney_recipients_are_no_injury_model(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSCs in kidney transplantation\n\n"
        "Acute rejection occurred in 3 of 42 patients given MSCs with standard-dose tacrolimus. "
        "Tacrolimus nephrotoxicity in kidney transplant recipients was attenuated by MSCs.\n",
    )
    assert [r["injury_model"] for r in rows[1:]] == [
        ["kidney transplantation"],  # the recipients' drug
        ["tacrolimus", "kidney transplantation"],  # the drug's injury
    ]


def test_viability_and_malignancies_recorded_are_outcomes(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "CM in HK-2 cells\n\n"
        "In HK-2 cells exposed to iohexol, CM increased viability from 54% to 79% (P < 0.01). "
        "No infusion reactions or malignancies were recorded in the patients.\n",
    )
    assert [r["outcome_effects"] for r in rows[1:]] == [
        ["cell death:beneficial"],
        ["adverse events:no_effect", "tumorigenicity:no_effect"],
    ]


def test_a_hedged_conclusion_is_a_hypothesis(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "Klotho-MSCs in septic AKI\n\n"
        "Mice with CLP-induced sepsis received Klotho-overexpressing MSCs intravenously. "
        "Klotho-MSCs lowered serum creatinine (P < 0.01). "
        "Klotho overexpression thus appears to enhance the renoprotective effect of MSCs in septic AKI.\n",
    )
    assert [r["claim_type"] for r in rows[1:]] == ["method", "finding", "hypothesis"]
    # a hedge on the mechanism only leaves the result a finding
    text = "MSCs in septic AKI\n\nMSCs thus lowered serum creatinine, probably through HGF (P < 0.01).\n"
    rows = _claims(nlp, kb, tmp_path, text)
    assert rows[-1]["claim_type"] == "finding"


def test_methods_that_examine_and_results_that_persist(nlp, kb, tmp_path):
    rows = _claims(
        nlp,
        kb,
        tmp_path,
        "MSC sheets in rat renal IRI\n\n"
        "Rats with renal ischemia-reperfusion injury received MSC sheets on the kidney surface. "
        "Kidneys were examined on days 1, 3 and 7 for tubular necrosis. "
        "Sheet-derived MSCs persisted on the renal surface for 28 days.\n",
    )
    assert [r["claim_type"] for r in rows[1:]] == ["method", "method", "finding"]
