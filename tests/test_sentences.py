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


def test_glued_closing_brackets_keep_sentence_ends(splitter_nlp):
    # spaCy keeps "8)" and "):" as one token; the bracket must still close (BC5CDR-style text).
    text = "Rats were divided into groups (n = 8). Sham-operated rats served as controls. Tissue was obtained."
    assert sentences(splitter_nlp, text, sections=False) == [
        "Rats were divided into groups (n = 8).",
        "Sham-operated rats served as controls.",
        "Tissue was obtained.",
    ]
    text = "Antibiotic-induced mania (antibiomania): a review of reports. The authors reviewed cases."
    assert sentences(splitter_nlp, text, sections=False) == [
        "Antibiotic-induced mania (antibiomania): a review of reports.",
        "The authors reviewed cases.",
    ]


def test_quotes_periods_in_words_and_route_abbreviations(splitter_nlp):
    assert sentences(splitter_nlp, 'It is called "meth mouth." Although rare, it occurs.', sections=False) == [
        'It is called "meth mouth."',
        "Although rare, it occurs.",
    ]
    assert sentences(splitter_nlp, "The p.Val204Asp variant binds protein.DNA complexes.", sections=False) == [
        "The p.Val204Asp variant binds protein.DNA complexes."
    ]
    assert sentences(
        splitter_nlp, "Rats got 5 mg/kg i.v. (+)-cibenzoline or 125 mg i.v. MP daily.", sections=False
    ) == ["Rats got 5 mg/kg i.v. (+)-cibenzoline or 125 mg i.v. MP daily."]
    assert sentences(splitter_nlp, "It was given i.v. Anaesthesia was maintained.", sections=False) == [
        "It was given i.v.",
        "Anaesthesia was maintained.",
    ]


def test_title_on_its_own_line(splitter_nlp):
    assert sentences(splitter_nlp, "Stem cells in kidney repair\nMSCs were given to rats. They survived.") == [
        "Stem cells in kidney repair",
        "MSCs were given to rats.",
        "They survived.",
    ]
