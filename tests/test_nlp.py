"""The real pipeline on short texts: entities, concepts, how they were found."""

from pipeline.documents import Document, detect_sections
from pipeline.nlp import process


def ents(pipeline_nlp, text):
    document = Document("t", text, sections=detect_sections(text))
    _, doc = next(process(pipeline_nlp, [document]))
    return [(e.text, e._.evidence_concepts, e._.evidence_method) for e in doc.ents]


def test_pipeline_components(nlp):
    kb_pipes = [p for p in nlp.pipe_names if not p.startswith(("ner_", "collect_", "postprocess_"))]
    assert kb_pipes == ["evidence_sentences", "abbreviation_detector", "evidence_kb_ruler", "evidence_linker"]
    ner_pipes = [p for p in nlp.pipe_names if p.startswith("ner_")]
    ruler = nlp.pipe_names.index("evidence_kb_ruler")
    assert all(nlp.pipe_names.index(p) < ruler for p in ner_pipes)  # model spans reach the ruler and linker


def test_abbreviation_takes_concepts_of_its_long_form(kb_nlp):
    text = (
        "Bone marrow-derived mesenchymal stem cells (BM-MSCs) were given to Sprague-Dawley rats with "
        "cisplatin-induced AKI. BM-MSCs reduced serum creatinine and BUN."
    )
    bm_msc = ("cell_product:msc", "cell_source:bone marrow")
    assert ents(kb_nlp, text) == [
        ("Bone marrow-derived mesenchymal stem cells", bm_msc, "dictionary"),
        ("BM-MSCs", bm_msc, "abbreviation"),
        ("Sprague-Dawley rats", ("species:rat",), "dictionary"),
        ("cisplatin-induced AKI", ("injury_model:cisplatin", "injury_model:acute kidney injury"), "dictionary"),
        ("BM-MSCs", bm_msc, "abbreviation"),
        ("serum creatinine", ("outcome:serum creatinine",), "dictionary"),
        ("BUN", ("outcome:blood urea nitrogen",), "dictionary"),
    ]


def test_compounds_and_slashed_names(kb_nlp):
    assert ents(kb_nlp, "Gl-MSC-MVs protected mice from I/R injury via IGF-1/HGF.") == [
        ("Gl-MSC-MVs", ("cell_product:microvesicles", "cell_source:kidney", "cell_product:msc"), "compound"),
        ("mice", ("species:mouse",), "dictionary"),
        ("I/R injury", ("injury_model:ischemia-reperfusion injury",), "dictionary"),
        ("IGF-1", ("mediator:igf-1",), "dictionary"),
        ("HGF", ("mediator:hgf",), "dictionary"),
    ]


def test_linker_normalizes_an_unknown_long_form(kb_nlp):
    found = ents(kb_nlp, "We used mesenchymal stem-cells (MESC) from rats. MESC reduced apoptosis.")
    assert found == [
        ("MESC", ("cell_product:msc",), "abbreviation+linker"),
        ("rats", ("species:rat",), "dictionary"),
        ("MESC", ("cell_product:msc",), "abbreviation+linker"),
        ("apoptosis", ("outcome:apoptosis",), "dictionary"),
    ]


def test_linker_looks_up_each_mention_text_once(kb_nlp):
    """A mention text seen before is resolved from the linker's cache: same entities, no new index query."""
    linker = kb_nlp.get_pipe("evidence_linker")
    generator = linker.linker.candidate_generator
    queried: list[list[str]] = []

    def counting(texts, k):
        queried.append(list(texts))
        return generator(texts, k)

    linker._cache.clear()
    linker.linker.candidate_generator = counting
    try:
        texts = ["We used mesenchymal stem-cells (MESC) from rats. MESC reduced apoptosis."] * 2
        first, second = ([(e.text, e.kb_id_) for e in doc.ents] for doc in kb_nlp.pipe(texts, batch_size=1))
    finally:
        linker.linker.candidate_generator = generator
    assert (
        first
        == second
        == [
            ("MESC", "cell_product:msc"),
            ("rats", "species:rat"),
            ("MESC", "cell_product:msc"),
            ("apoptosis", "outcome:apoptosis"),
        ]
    )
    assert queried == [["mesenchymal stem-cells"]]  # one query, one distinct text, first document only


def test_organ_is_a_cell_source_only_as_origin_of_cells(kb_nlp):
    text = "Other organs have niches of MSC-like cells, such as the kidney. MSCs homed to the injured kidney."
    assert ents(kb_nlp, text) == [
        ("MSC-like cells", ("cell_product:msc",), "dictionary"),
        ("kidney", ("cell_source:kidney",), "dictionary"),
        ("MSCs", ("cell_product:msc",), "dictionary"),
    ]


def test_trained_models_join_the_pipeline(nlp):
    """With the models of models/ner: an NER span the KB knows is linked, one it does not know stays unresolved."""
    if not any(p.startswith("ner_") for p in nlp.pipe_names):
        import pytest

        pytest.skip("no trained NER model in models/ner")
    found = ents(nlp, "Zorbitol increased IL-33 in rats given bone marrow stromal cells and amikacin.")
    assert ("IL-33", (), "ner:Gene_or_gene_product") in found
    assert ("bone marrow stromal cells", ("cell_product:msc", "cell_source:bone marrow"), "dictionary") in found
    assert ("amikacin", ("injury_model:amikacin",), "dictionary") in found
    # an unknown upper-case short form found by a model is never fuzzily linked to a KB abbreviation ("IRI")
    iris = ents(nlp, "Cats with IRIS stage 2 CKD received MSCs.")
    assert not any(concepts for text, concepts, _ in iris if text == "IRIS")
    # the bionlp13cg model's floret vectors are the pipeline's, cached per word
    from pipeline.nlp import CachedFloretVectors

    assert isinstance(nlp.vocab.vectors, CachedFloretVectors) and nlp.vocab.vectors.shape == (40000, 100)


def test_a_defined_short_form_in_the_other_number(kb_nlp):
    text = (
        "Menstrual blood-derived mesenchymal stem cells (MenSCs) were given to mice. "
        "MenSC-treated mice recovered faster than mice given MenSCs late."
    )
    found = [(t, c, m) for t, c, m in ents(kb_nlp, text) if t.startswith("MenSC")]
    msc = ("cell_product:msc",)
    assert found == [("MenSCs", msc, "abbreviation"), ("MenSC", msc, "abbreviation"), ("MenSCs", msc, "abbreviation")]


def test_a_short_form_defined_with_details_in_its_parentheses(nlp):
    """scispaCy's detector reads "long form (SF)"; "long form (SF; dose)" is read by the KB ruler."""
    # (a short form that does not decompose into known parts: "MenSC-Exo" now does, MenSC being a part)
    doc = nlp(
        "Cells were exposed to exosomes isolated from menstrual blood-derived mesenchymal stem cells "
        "(MenBMSCs-Exo; 10 μg/mL). Mice then received MenBMSCs-Exo through the tail vein."
    )
    found = [(e.text, e._.evidence_concepts[0], e._.evidence_method) for e in doc.ents if e.text == "MenBMSCs-Exo"]
    assert found == [
        ("MenBMSCs-Exo", "cell_product:exosomes", "abbreviation"),
        ("MenBMSCs-Exo", "cell_product:exosomes", "abbreviation"),
    ]


def test_small_ev_compounds(nlp):
    doc = nlp("Rats received UC-MSC-sEVs after cisplatin.")
    assert [(e.text, e._.evidence_concepts[:2]) for e in doc.ents if e.text == "UC-MSC-sEVs"] == [
        ("UC-MSC-sEVs", ("cell_product:extracellular vesicles", "cell_source:umbilical cord"))
    ]
