from pipeline.documents import Document, detect_sections
from pipeline.nlp import make_docs


def sentences(nlp, text, sections=True):
    doc = next(make_docs(nlp, [Document("d", text, sections=detect_sections(text) if sections else [])]))
    doc = nlp.get_pipe("evidence_sentences")(doc)
    return [s.text.strip() for s in doc.sents if s.text.strip()]


def test_abbreviations_do_not_end_sentences(splitter_nlp):
    text = (
        "As shown by Bruno et al. in Fig. 2, MSCs (e.g. BM-MSCs) were given i.v. and improved function "
        "(p < 0.05). E. coli LPS was used. The end."
    )
    assert sentences(splitter_nlp, text) == [
        "As shown by Bruno et al. in Fig. 2, MSCs (e.g. BM-MSCs) were given i.v. and improved function (p < 0.05).",
        "E. coli LPS was used.",
        "The end.",
    ]


def test_route_abbreviation_can_end_a_sentence(splitter_nlp):
    assert sentences(splitter_nlp, "Cells were injected i.v. Twenty rats survived.") == [
        "Cells were injected i.v.",
        "Twenty rats survived.",
    ]


def test_citations_and_glued_sentences(splitter_nlp):
    text = "It is a major cause of AKI [1][2][3] . The kidney repairs [8] .There is evidence [9-11] ."
    assert sentences(splitter_nlp, text, sections=False) == [
        "It is a major cause of AKI [1][2][3] .",
        "The kidney repairs [8] .",
        "There is evidence [9-11] .",
    ]


def test_lowercase_gene_starts_sentence(splitter_nlp):
    assert sentences(splitter_nlp, "Cells were cultured. miR-21 was increased.", sections=False) == [
        "Cells were cultured.",
        "miR-21 was increased.",
    ]


def test_sections_force_boundaries(splitter_nlp):
    text = (
        "Human MSCs protect rats\n\nBackground: AKI is common. Methods: Rats received MSCs.\n"
        "THERAPEUTIC POTENTIAL OF MSCSMesenchymal stem cells are adult cells."
    )
    assert sentences(splitter_nlp, text) == [
        "Human MSCs protect rats",
        "Background:",
        "AKI is common.",
        "Methods:",
        "Rats received MSCs.",
        "THERAPEUTIC POTENTIAL OF MSCS",
        "Mesenchymal stem cells are adult cells.",
    ]
