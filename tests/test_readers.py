"""pipeline.readers: publication formats recognized by content, their sections and metadata, and unsafe input.

Fixtures in tests/fixtures/formats/ are written for the project (fictional PMIDs 990000xx, DOIs 10.5555/...);
README.md there says how the binary ones were made.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cues import citations
from pipeline.documents import Document, Section, detect_sections, read_document, read_documents
from pipeline.readers import MAX_XML_DEPTH, parse_xml, read_data, read_path, sniff_format
from pipeline.references import parse_references
from pipeline.schema import DOC_METADATA, EVIDENCE, STUDIES, validate

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
CDR_TEST = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "bc5cdr" / "CDR_TestSet.PubTator.txt"


def names_and_kinds(document: Document) -> list[tuple[str, str]]:
    return [(s.name, s.kind) for s in document.sections]


def assert_offsets_match(document: Document) -> None:
    for annotation in document.metadata["annotations"]:
        assert 0 <= annotation["start"] < annotation["end"] <= len(document.text), annotation
        assert document.text[annotation["start"] : annotation["end"]] == annotation["text"], annotation


# ---------------------------------------------------------------------------------------------- PubMed XML

PUBMED_1_TEXT = (
    "Intravenous bone marrow mesenchymal stem cells attenuate ischemia-reperfusion acute kidney injury in rats.\n"
    "\n"
    "BACKGROUND: Acute kidney injury (AKI) after renal ischemia-reperfusion has no specific therapy.\n"
    "METHODS: Male Sprague-Dawley rats underwent 45 min of bilateral renal ischemia and received 1 x 10^6 bone "
    "marrow-derived mesenchymal stem cells (BM-MSCs) or saline via the tail vein at reperfusion.\n"
    "RESULTS: BM-MSCs reduced serum creatinine and tubular apoptosis at 48 h (p < 0.01) but did not change "
    "proteinuria.\n"
    "CONCLUSIONS: BM-MSCs limit ischemic AKI in rats."
)


def test_pubmed_set_one_document_per_article_with_labelled_sections():
    first, second = read_path(FORMATS / "pubmed_set.xml")
    assert first.doc_id == "99000001" and first.source == str(FORMATS / "pubmed_set.xml")
    assert first.text == PUBMED_1_TEXT
    assert first.sections == [
        Section("title", 0, 106),
        Section("background", 108, 120, "heading"),
        Section("background", 120, 203),
        Section("methods", 204, 213, "heading"),
        Section("methods", 213, 401),
        Section("results", 402, 411, "heading"),
        Section("results", 411, 516),
        Section("conclusions", 517, 530, "heading"),
        Section("conclusions", 530, 565),
    ]
    # the same names and kinds the plain-text reader gives the same text
    assert names_and_kinds(first) == [(s.name, s.kind) for s in detect_sections(first.text)]
    assert first.metadata == {
        "pmid": "99000001",
        "pmcid": "PMC9900001",
        "doi": "10.5555/jexpnephrol.2021.0201",
        "title": "Intravenous bone marrow mesenchymal stem cells attenuate ischemia-reperfusion acute kidney injury "
        "in rats.",
        "journal": "Journal of Experimental Nephrology",
        "year": "2021",
        "authors": "Rossi M;Okafor CN;Lindqvist E",
        "publication_types": "Journal Article",
        "format": "pubmed-xml",
    }
    assert second.doc_id == "99000002"
    assert second.text == (
        "Umbilical cord stem cell vesicles in vivo \u2013 a cisplatin study\n\n"
        "Extracellular vesicles released by human umbilical cord mesenchymal stem cells were given "
        "intraperitoneally to mice with cisplatin-induced acute kidney injury.\n"
        "The vesicles lowered blood urea nitrogen and improved survival."
    )
    assert names_and_kinds(second) == [("title", "content"), ("abstract", "content"), ("abstract", "content")]
    assert second.metadata == {
        "pmid": "99000002",
        "doi": "10.5555/ctk.2019.0007",
        "title": "Umbilical cord stem cell vesicles in vivo \u2013 a cisplatin study",
        "journal": "Cell Ther Kidney",
        "year": "2019",
        "authors": "Haddad S;MSC-AKI Study Group",
        "publication_types": "Journal Article",
        "format": "pubmed-xml",
    }


def test_pubmed_label_not_known_to_claim_typing_takes_its_nlm_category():
    xml = (
        b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99000031</PMID><Article>"
        b"<ArticleTitle>MSCs in AKI.</ArticleTitle><Abstract>"
        b'<AbstractText Label="ANIMALS AND PROCEDURES" NlmCategory="METHODS">Rats received MSCs.</AbstractText>'
        b'<AbstractText Label="MAIN FINDINGS" NlmCategory="UNASSIGNED">Creatinine fell.</AbstractText>'
        b"</Abstract></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )
    (document,) = read_data(xml, "x.xml", "x", ".xml")
    assert document.text == (
        "MSCs in AKI.\n\nANIMALS AND PROCEDURES: Rats received MSCs.\nMAIN FINDINGS: Creatinine fell."
    )
    assert names_and_kinds(document) == [
        ("title", "content"),
        ("methods", "heading"),
        ("methods", "content"),
        ("main findings", "heading"),
        ("main findings", "content"),
    ]


# ---------------------------------------------------------------------------------------------- JATS

JATS_TEXT = (
    "Adipose mesenchymal stem cells reduce cisplatin nephrotoxicity in mice\n\n"
    "Background: Cisplatin causes acute kidney injury in many patients.\n"
    "Methods: C57BL/6 mice received cisplatin (20 mg/kg, i.p.) and adipose-derived MSCs (5 x 10^5 cells) "
    "intravenously 24 h later.\n"
    "Results: MSCs lowered serum creatinine and tubular necrosis.\n\n"
    "1 Introduction\n\n"
    "Acute kidney injury (AKI) is frequent in hospitalised patients [1]. Mesenchymal stem cells (MSCs) protect the "
    "injured kidney [2,3] and act in a paracrine way [2\u20134], as described by Lindqvist et al. [3]\n\n"
    "2 Materials and methods\n\n"
    "2.1 Animals and injury model\n\n"
    "Male C57BL/6 mice received a single intraperitoneal dose of cisplatin.\n\n"
    "3 Results\n\n"
    "MSCs reduced serum creatinine at 72 h [4] (Table 1).\n\n"
    "Table 1. Renal function 72 h after cisplatin.\n\n"
    "Group | Serum creatinine (mg/dL)\n"
    "Saline | 1.9 \u00b1 0.3\n"
    "AD-MSCs | 0.8 \u00b1 0.2\n\n"
    "Mean \u00b1 SD, n = 8 per group.\n\n"
    "Figure 1. Tubular injury score. AD-MSCs reduced tubular necrosis.\n\n"
    "References\n"
    "1 Hartmann K, Osei A. Epidemiology of acute kidney injury. Kidney Rev 2015; 12: 101-110 "
    "[PMID: 99000101 DOI: 10.5555/kr.2015.101]\n"
    "2 Moreau C et al. Stromal cells in renal repair. Stem Cells Kidney 2017; 3: 9-18\n"
    "3 Lindqvist E, Rossi M. Paracrine actions of stromal cells in the kidney. Cell Ther Rep 2018; 4: 55-61 "
    "[DOI: 10.5555/ctr.2018.55]\n"
    "4 Renal Cell Therapy Consortium. Dosing of mesenchymal stem cells in kidney injury. Nephron Res 2020; 21: "
    "300-307 [PMID: 99000104]"
)


def test_jats_article_sections_tables_figures_citations_and_references():
    (document,) = read_path(FORMATS / "jats_article.nxml")
    assert document.doc_id == "99000010"
    assert document.text == JATS_TEXT
    assert names_and_kinds(document) == [
        ("title", "content"),
        ("background", "heading"),
        ("background", "content"),
        ("methods", "heading"),
        ("methods", "content"),
        ("results", "heading"),
        ("results", "content"),
        ("introduction", "heading"),
        ("introduction", "content"),
        ("materials and methods", "heading"),
        ("animals and injury model", "heading"),
        ("animals and injury model", "content"),
        ("results", "heading"),
        ("results", "content"),
        ("table 1", "content"),
        ("table 1", "content"),
        ("table 1", "content"),
        ("table 1", "content"),
        ("table 1", "content"),
        ("figure 1", "content"),
        ("references", "heading"),
        ("references", "references"),
    ]
    rows = [document.text[s.start : s.end] for s in document.sections if s.name == "table 1"]
    assert rows[1:4] == ["Group | Serum creatinine (mg/dL)", "Saline | 1.9 \u00b1 0.3", "AD-MSCs | 0.8 \u00b1 0.2"]
    assert document.metadata == {
        "pmid": "99000010",
        "pmcid": "PMC9900010",
        "doi": "10.5555/sckr.2022.0042",
        "title": "Adipose mesenchymal stem cells reduce cisplatin nephrotoxicity in mice",
        "journal": "Stem Cell and Kidney Research",
        "year": "2022",
        "authors": "Novak J;Abara TK",
        "article_type": "research-article",
        "format": "jats-xml",
    }
    intro = next(s for s in document.sections if s.name == "introduction" and s.kind == "content")
    assert citations(document.text[intro.start : intro.end]) == [1, 2, 3, 4]
    # the existing reference parser reads the list, with the PMIDs and DOIs of <pub-id>
    entries = parse_references(document.text)
    assert [(e["number"], e["authors"], e["year"], e["pmid"], e["doi"]) for e in entries] == [
        (1, "Hartmann K, Osei A", 2015, "99000101", "10.5555/kr.2015.101"),
        (2, "Moreau C et al", 2017, "", ""),
        (3, "Lindqvist E, Rossi M", 2018, "", "10.5555/ctr.2018.55"),
        (4, "", 2020, "99000104", ""),
    ]
    assert entries[0]["title"] == "Epidemiology of acute kidney injury" and entries[0]["journal"] == "Kidney Rev"


def test_jats_citation_forms_and_html_entities_under_an_external_dtd():
    xml = (
        b'<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.3//EN" "JATS.dtd">'
        b"<article><front><article-meta><title-group><article-title>MSCs&nbsp;in AKI</article-title></title-group>"
        b"</article-meta></front><body><p>Shown before<sup>"
        b'<xref ref-type="bibr" rid="r1">1</xref>,<xref ref-type="bibr" rid="r2">2</xref></sup>; '
        b'reviewed (<xref ref-type="bibr" rid="r1 r2">1&#8211;2</xref>) and by '
        b'<xref ref-type="bibr" rid="r2">Osei, 2016</xref>; see <xref ref-type="fig" rid="f1">Fig. 1</xref>.</p>'
        b'</body><back><ref-list><ref id="r1"><mixed-citation>Hartmann K. A title. J Kid 2015.</mixed-citation></ref>'
        b'<ref id="r2"><mixed-citation>Osei A. Another. J Kid 2016.</mixed-citation></ref></ref-list></back></article>'
    )
    (document,) = read_data(xml, "a.nxml", "a", ".nxml")
    assert document.doc_id == "a"
    assert document.text == (
        "MSCs in AKI\n\n"  # &nbsp; read as U+00A0, then whitespace is normalized
        "Shown before [1,2]; reviewed [1\u20132] and by Osei, 2016 [2]; see Fig. 1.\n\n"
        "References\n"
        "1 Hartmann K. A title. J Kid 2015.\n"
        "2 Osei A. Another. J Kid 2016."
    )


# ---------------------------------------------------------------------------------------------- BioC


def test_bioc_xml_collection_one_document_each_with_annotations_at_their_offsets():
    first, second = read_path(FORMATS / "bioc_collection.xml")
    assert (first.doc_id, second.doc_id) == ("99000007", "99000008")
    assert first.text == (
        "Adipose stem cells limit sepsis-associated acute kidney injury.\n"
        "In septic mice, adipose-derived mesenchymal stem cells reduced interleukin-6 and serum creatinine."
    )
    assert first.sections == [Section("title", 0, 63), Section("abstract", 64, 162)]
    assert first.metadata == {
        "pmid": "99000007",
        "title": "Adipose stem cells limit sepsis-associated acute kidney injury.",
        "annotations": [
            {"start": 43, "end": 62, "text": "acute kidney injury", "type": "Disease", "id": "MESH:D058186"},
            {"start": 127, "end": 140, "text": "interleukin-6", "type": "Gene", "id": "16193"},
            {"start": 151, "end": 161, "text": "creatinine", "type": "Chemical", "id": "MESH:D003404"},
        ],
        "format": "bioc-xml",
    }
    assert_offsets_match(first)
    assert_offsets_match(second)
    assert second.metadata["annotations"] == [
        {"start": 24, "end": 38, "text": "renal ischemia", "type": "Disease", "id": "MESH:D007511"}
    ]


def test_bioc_json_full_text_sections_metadata_and_references():
    (document,) = read_path(FORMATS / "bioc_pmc.json")
    assert document.doc_id == "99000009"
    assert names_and_kinds(document) == [
        ("title", "content"),
        ("abstract", "content"),
        ("introduction", "heading"),
        ("introduction", "content"),
        ("results", "heading"),
        ("results", "content"),
        ("table 1", "content"),
        ("references", "heading"),
        ("references", "references"),
    ]
    assert {k: v for k, v in document.metadata.items() if k != "annotations"} == {
        "pmid": "99000009",
        "pmcid": "PMC9900009",
        "doi": "10.5555/pmc.2023.0009",
        "title": "Human umbilical cord MSC extracellular vesicles in ischemic acute kidney injury",
        "journal": "Renal Regeneration",
        "year": "2023",
        "authors": "Tanaka Y;Mensah KA",
        "format": "bioc-json",
    }
    # passages sit at their BioC offsets, so the annotations' offsets are unchanged
    assert [(a["start"], a["text"]) for a in document.metadata["annotations"]] == [
        (60, "acute kidney injury"),
        (166, "creatinine"),
        (281, "acute kidney injury"),
        (351, "creatinine"),
    ]
    assert_offsets_match(document)
    assert document.text.endswith(
        "Table 1. Serum creatinine 24 h after reperfusion.\n\n"
        "References\n"
        "1 Hartmann K. Ischemic acute kidney injury in the clinic. Kidney Rev 2016; 13: 1-8 [PMID: 99000201]\n"
        "2 Moreau C, Rossi M. Vesicles from stromal cells protect tubules. Cell Ther Rep 2019; 5: 10-19 "
        "[DOI: 10.5555/ctr.2019.10]"
    )
    entries = parse_references(document.text)
    assert [(e["number"], e["authors"], e["pmid"], e["doi"]) for e in entries] == [
        (1, "Hartmann K", "99000201", ""),
        (2, "Moreau C, Rossi M", "", "10.5555/ctr.2019.10"),
    ]


def test_bioc_json_errors_are_clear():
    with pytest.raises(Exception, match="unsupported JSON: not a BioC collection"):
        read_data(b'{"rows": 1, "cols": 2}', "t.json", "t", ".json")
    with pytest.raises(Exception, match=r"malformed JSON: Expecting value at line 1, column 15"):
        read_data(b'{"documents": }', "t.json", "t", ".json")
    with pytest.raises(Exception, match="JSON nested too deeply"):
        read_data(b"[" * 200_000, "t.json", "t", ".json")


# ---------------------------------------------------------------------------------------------- PubTator


def test_pubtator_one_document_per_pmid_with_annotations_and_relations():
    first, second = read_path(FORMATS / "msc_aki.pubtator")
    assert (first.doc_id, second.doc_id) == ("99000005", "99000006")
    assert first.text == (
        "Mesenchymal stem cells protect against cisplatin nephrotoxicity in rats.\n"
        "Rats given cisplatin developed acute kidney injury with raised serum creatinine. Intravenous bone marrow "
        "mesenchymal stem cells reduced tubular necrosis and serum creatinine."
    )
    assert first.sections == [Section("title", 0, 72), Section("abstract", 73, 247)]
    assert len(first.metadata["annotations"]) == 7
    assert first.metadata["annotations"][3] == {
        "start": 104,
        "end": 123,
        "text": "acute kidney injury",
        "type": "Disease",
        "id": "MESH:D058186",
    }
    assert first.metadata["relations"] == [{"type": "CID", "arg1": "MESH:D002945", "arg2": "MESH:D058186"}]
    assert first.metadata["pmid"] == "99000005" and first.metadata["format"] == "pubtator"
    assert_offsets_match(first)
    assert_offsets_match(second)
    # a structured abstract's labels make sections, as in plain text
    assert names_and_kinds(second) == [
        ("title", "content"),
        ("background", "heading"),
        ("background", "content"),
        ("results", "heading"),
        ("results", "content"),
    ]


def test_pubtator_annotation_outside_the_text_is_an_error():
    bad = b"99000040|t|MSCs in AKI.\n99000040|a|Creatinine fell.\n99000040\t10\t99\tx\tChemical\tD1\n"
    with pytest.raises(Exception, match=r"PubTator annotation at line 3 \(10-99\) lies outside the text of document"):
        read_data(bad, "p.pubtator", "p", ".pubtator")


@pytest.mark.skipif(not CDR_TEST.is_file(), reason="BC5CDR corpus not in ../shared/corpora")
def test_real_bc5cdr_test_set_is_read_in_place():
    from pipeline.corpora import read_pubtator

    documents, failures = read_documents([CDR_TEST])
    assert failures == []
    assert len(documents) == 500
    assert documents[0].doc_id == "8701013" and documents[-1].doc_id == "24055495"
    assert documents[0].metadata["annotations"][0] == {
        "start": 0,
        "end": 10,
        "text": "Famotidine",
        "type": "Chemical",
        "id": "D015738",
    }
    assert sum(len(d.metadata["annotations"]) for d in documents) == 9809
    assert sum(len(d.metadata["relations"]) for d in documents) == 1066
    for document in documents:
        assert_offsets_match(document)
    # the same texts as the corpus reader's, the title/abstract separator aside
    corpus = read_pubtator(CDR_TEST)
    assert [d.doc_id for d in documents] == [c.doc_id for c in corpus]
    title_end = documents[0].sections[0].end
    assert documents[0].text[:title_end] + " " + documents[0].text[title_end + 1 :] == corpus[0].text


# ---------------------------------------------------------------------------------------------- gzip, sniffing


def test_gzip_is_recognized_by_its_magic_bytes(tmp_path):
    (document,) = read_path(FORMATS / "pubmed_single.xml.gz")
    assert document.doc_id == "99000013"
    assert document.metadata["authors"] == "Silva AP" and document.metadata["year"] == "2017"
    # a gzip file without .gz, and a PubTator file compressed
    shutil.copy(FORMATS / "pubmed_single.xml.gz", tmp_path / "renamed.xml")
    assert [d.doc_id for d in read_path(tmp_path / "renamed.xml")] == ["99000013"]
    (tmp_path / "ann.pubtator.gz").write_bytes(gzip.compress((FORMATS / "msc_aki.pubtator").read_bytes()))
    assert [d.doc_id for d in read_path(tmp_path / "ann.pubtator.gz")] == ["99000005", "99000006"]


def test_bad_gzip_files_are_refused(tmp_path):
    (tmp_path / "corrupt.xml.gz").write_bytes(gzip.compress(b"<PubmedArticleSet/>" * 50)[:40])
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 5000))
    (tmp_path / "plain.gz").write_bytes(b"MSCs protect the kidney.")
    (tmp_path / "sheet.csv.gz").write_bytes(gzip.compress(b"a,b"))
    documents, failures = read_documents([tmp_path], max_bytes=1000)
    assert documents == []
    problems = {Path(f.path).name: f.problem for f in failures}
    assert problems == {
        "bomb.txt.gz": "file too large: more than 0.0 MB once decompressed (the limit)",
        "corrupt.xml.gz": "corrupt gzip file: Compressed file ended before the end-of-stream marker was reached",
        "plain.gz": "not a gzip file (no gzip magic bytes) although named .gz",
    }
    assert read_documents([tmp_path / "sheet.csv.gz"])[1][0].problem == (
        "unsupported file type '.csv' inside the gzip file"
    )


@pytest.mark.parametrize(
    ("data", "suffix", "kind"),
    [
        (b'<?xml version="1.0"?><PubmedArticleSet/>', ".xml", "xml"),
        (b"\n  <article/>", ".txt", "xml"),
        (b"<!-- notes -->\nMSCs protect.", ".md", "text"),
        (b"<b>bold</b> claim", ".txt", "text"),
        (b"<b>bold</b> claim", ".xml", "xml"),
        (b'{"documents": []}', ".txt", "json"),
        (b"[1] MSCs protect the kidney.", ".txt", "text"),
        (b"[]", ".json", "json"),
        (b"\n99000005|t|MSCs in AKI\n", ".txt", "pubtator"),
        (b"99000005|a|Abstract first\n", ".xml", "pubtator"),
        (b"Two words|t|not PubTator: an id has no space", ".txt", "text"),
        ('\ufeff<?xml version="1.0" encoding="UTF-16"?><collection/>'.encode("utf-16-le"), ".xml", "xml"),
    ],
)
def test_sniff_format(data, suffix, kind):
    assert sniff_format(data, suffix) == kind


def test_content_decides_not_the_extension(tmp_path):
    shutil.copy(FORMATS / "msc_aki.pubtator", tmp_path / "annotated.txt")
    shutil.copy(FORMATS / "pubmed_set.xml", tmp_path / "efetch_result.txt")
    shutil.copy(FORMATS / "bioc_collection.xml", tmp_path / "collection.json")
    shutil.copy(FORMATS / "bioc_pmc.json", tmp_path / "passages.xml")
    (tmp_path / "notes.md").write_text("MSCs in AKI\n\nBackground: Cisplatin injures the kidney.\n", encoding="utf-8")
    (tmp_path / "fake.xml").write_text("MSCs protect the kidney.", encoding="utf-8")
    documents, failures = read_documents([tmp_path])
    assert [(d.doc_id, Path(d.source).name, d.metadata["format"]) for d in documents] == [
        ("99000005", "annotated.txt", "pubtator"),
        ("99000006", "annotated.txt", "pubtator"),
        ("99000007", "collection.json", "bioc-xml"),
        ("99000008", "collection.json", "bioc-xml"),
        ("99000001", "efetch_result.txt", "pubmed-xml"),
        ("99000002", "efetch_result.txt", "pubmed-xml"),
        ("notes", "notes.md", "text"),
        ("99000009", "passages.xml", "bioc-json"),
    ]
    assert [(Path(f.path).name, f.problem) for f in failures] == [
        ("fake.xml", "not XML: the .xml file does not start with '<'")
    ]


def test_one_file_many_documents_ids_duplicates_and_empty_records(tmp_path):
    shutil.copy(FORMATS / "pubmed_set.xml", tmp_path / "a.xml")
    shutil.copy(FORMATS / "pubmed_set.xml", tmp_path / "b.xml")
    (tmp_path / "c.xml").write_text(
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99000030</PMID><Article><ArticleTitle/>"
        "</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>",
        encoding="utf-8",
    )
    (tmp_path / "d.xml").write_text(
        "<collection><document><passage><offset>0</offset><text>MSCs help.</text></passage></document>"
        "<document><passage><offset>0</offset><text>EVs help.</text></passage></document></collection>",
        encoding="utf-8",
    )
    documents, failures = read_documents([tmp_path])
    assert [d.doc_id for d in documents] == ["99000001", "99000002", "d-1", "d-2"]
    assert [(Path(f.path).name, f.doc_id, f.problem) for f in failures] == [
        ("b.xml", "99000001", f"duplicate doc id '99000001' (already read from {tmp_path / 'a.xml'})"),
        ("b.xml", "99000002", f"duplicate doc id '99000002' (already read from {tmp_path / 'a.xml'})"),
        ("c.xml", "99000030", "document '99000030' has no text"),
    ]
    with pytest.raises(Exception, match="2 documents in one file; read it with read_documents"):
        read_document(tmp_path / "a.xml")


# ---------------------------------------------------------------------------------------------- safety, encodings


def test_unsafe_and_broken_files_fail_while_the_others_are_read(tmp_path):
    for name in (
        "xxe.xml",
        "billion_laughs.xml",
        "malformed.xml",
        "pubmed_latin1_undeclared.xml",
        "pubmed_single.xml.gz",
    ):
        shutil.copy(FORMATS / name, tmp_path / name)
    (tmp_path / "deep.xml").write_text("<collection>" + "<a>" * 600 + "</a>" * 600 + "</collection>")
    (tmp_path / "entity.xml").write_text("<article><body><p>MSCs&nbsp;work</p></body></article>")
    (tmp_path / "unknown.xml").write_bytes(b'<?xml version="1.0" encoding="klingon"?><article/>')
    (tmp_path / "html.xml").write_text("<html><body>MSCs</body></html>")
    documents, failures = read_documents([tmp_path])
    assert [d.doc_id for d in documents] == ["99000013"]
    problems = {Path(f.path).name: f.problem for f in failures}
    assert problems == {
        "xxe.xml": "unsafe XML refused: the DOCTYPE declares the external entity 'xxe' (XXE: it would read a file "
        "or URL); entity declarations are not accepted",
        "billion_laughs.xml": "unsafe XML refused: the DOCTYPE declares the entity 'lol' (entity expansion, "
        "'billion laughs'); entity declarations are not accepted",
        "malformed.xml": "malformed XML: mismatched tag at line 7, column 57",
        "pubmed_latin1_undeclared.xml": "invalid UTF-8 at byte 525 (0xe9); XML without an encoding declaration must "
        'be UTF-8; save the file as UTF-8 or declare its encoding (<?xml version="1.0" encoding="ISO-8859-1"?>)',
        "deep.xml": f"XML nested deeper than {MAX_XML_DEPTH} elements (line 1); not a publication",
        "entity.xml": "malformed XML: undefined entity &nbsp; at line 1, column 23",
        "unknown.xml": "unknown encoding 'klingon' in the XML declaration",
        "html.xml": "unsupported XML: root element <html>; expected <PubmedArticleSet> (PubMed), <article> or "
        "<pmc-articleset> (PMC/JATS) or <collection> (BioC)",
    }
    assert {f.doc_id for f in failures} >= {"xxe", "billion_laughs", "deep"}


def test_parse_xml_accepts_the_depth_limit_and_never_reads_external_files(tmp_path):
    nested = "<a>" * MAX_XML_DEPTH + "x" + "</a>" * MAX_XML_DEPTH
    assert "".join(parse_xml(nested).itertext()) == "x"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    # an external DTD named by the DOCTYPE is never loaded: its entity stays undefined
    (tmp_path / "evil.dtd").write_text('<!ENTITY leak SYSTEM "file://' + str(secret) + '">')
    text = f'<!DOCTYPE a SYSTEM "file://{tmp_path / "evil.dtd"}"><a>&leak;</a>'
    with pytest.raises(Exception, match=r"malformed XML: undefined entity &leak; \(line 1\)"):
        parse_xml(text)


def test_latin1_and_utf16_xml_are_decoded():
    (latin,) = read_path(FORMATS / "pubmed_latin1.xml")
    assert latin.metadata["title"] == (
        "Cellules souches m\u00e9senchymateuses et insuffisance r\u00e9nale aigu\u00eb chez le rat."
    )
    assert latin.metadata["journal"] == "Revue de N\u00e9phrologie Exp\u00e9rimentale"
    assert latin.metadata["authors"] == "M\u00fcller Z"
    assert "(2 \u00d7 10^6, i.v.)" in latin.text and "40 % \u00b1 5 %" in latin.text
    (utf16,) = read_path(FORMATS / "pubmed_utf16_bom.xml")
    assert utf16.doc_id == "99000012"
    assert utf16.metadata["authors"] == "\u00d8ster \u00c5"
    assert utf16.text.endswith("renal fibrosis fell by 30 % at day 14 (\u0394 \u221230 %).")


# ---------------------------------------------------------------------------------------------- tables


def test_metadata_columns_are_declared_and_filled_when_absent():
    assert list(DOC_METADATA) == [
        "doc_pmid",
        "doc_pmcid",
        "doc_doi",
        "doc_title",
        "doc_journal",
        "doc_year",
        "doc_authors",
    ]
    for table in (EVIDENCE, STUDIES):
        assert table.names[-7:] == list(DOC_METADATA)
    empty = validate(pd.DataFrame({n: [] for n in EVIDENCE.names if n not in DOC_METADATA}), EVIDENCE)
    assert list(empty.columns) == EVIDENCE.names


def test_extract_flow_carries_pubmed_metadata_into_the_tables(prefect_harness, tmp_path):
    from pipeline.flows import extract_flow
    from pipeline.outputs import read_table

    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(FORMATS / "pubmed_set.xml", inputs / "pubmed_set.xml")
    out = tmp_path / "out"
    report = extract_flow(inputs=[str(inputs)], out_dir=str(out), workers=1, use_models=False)
    assert report["ok"] is True and report["counts"]["documents"] == 2
    assert [i["doc_id"] for i in report["inputs"]] == ["99000001", "99000002"]
    evidence = validate(read_table(out, EVIDENCE), EVIDENCE)
    first = evidence[evidence["doc_id"] == "99000001"]
    assert first["section"].tolist() == ["title", "background", "methods", "results", "conclusions"]
    assert first[list(DOC_METADATA)].drop_duplicates().to_dict("records") == [
        {
            "doc_pmid": "99000001",
            "doc_pmcid": "PMC9900001",
            "doc_doi": "10.5555/jexpnephrol.2021.0201",
            "doc_title": "Intravenous bone marrow mesenchymal stem cells attenuate ischemia-reperfusion acute kidney "
            "injury in rats.",
            "doc_journal": "Journal of Experimental Nephrology",
            "doc_year": "2021",
            "doc_authors": "Rossi M;Okafor CN;Lindqvist E",
        }
    ]
    second = evidence[evidence["doc_id"] == "99000002"]
    assert len(second) > 0
    assert set(second["doc_pmcid"]) == {""} and set(second["doc_year"]) == {"2019"}
    csv = pd.read_csv(out / "evidence.csv", dtype=str, keep_default_na=False)
    assert list(csv.columns) == EVIDENCE.names
    assert set(csv.loc[csv["doc_id"] == "99000001", "doc_doi"]) == {"10.5555/jexpnephrol.2021.0201"}
    studies = read_table(out, STUDIES)
    assert set(studies.loc[studies["doc_id"] == "99000001", "doc_journal"]) == {"Journal of Experimental Nephrology"}
    # a re-run takes the results from the cache and still writes the metadata
    again = extract_flow(inputs=[str(inputs)], out_dir=str(out), workers=1, use_models=False)
    assert again["counts"]["cached"] == 2
    rerun = read_table(out, EVIDENCE)
    assert set(rerun.loc[rerun["doc_id"] == "99000001", "doc_year"]) == {"2021"}
