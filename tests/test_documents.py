from pathlib import Path

from pipeline.documents import INPUT_SUFFIXES, Section, detect_sections, iter_input_files, read_document, read_documents

REVIEW = Path(__file__).resolve().parent.parent / "corpus" / "bianchi2014_wjsc_review.txt"


def test_review_sections():
    text = REVIEW.read_text(encoding="utf-8")
    sections = detect_sections(text)
    assert [(s.name, s.kind) for s in sections] == [
        ("core tip", "heading"),
        ("core tip", "content"),
        ("body", "front_matter"),
        ("body", "content"),
        ("therapeutic potential of mesenchymal stem cells", "heading"),
        ("therapeutic potential of mesenchymal stem cells", "content"),
    ]
    authors = sections[2]
    assert text[authors.start : authors.end] == "Bianchi F, Sala E, Donadei C, Capelli I, La Manna G."
    assert text[sections[5].start :].startswith("Mesenchymal stem cells are undifferentiated")


def test_structured_abstract_sections():
    text = "Title of a study\n\nBackground: AKI is common. Methods: We gave MSCs.\nRESULTS: It worked.\n"
    b, m, r = text.index("Background"), text.index("Methods"), text.index("RESULTS")
    assert detect_sections(text) == [
        Section("title", 0, 16),
        Section("background", b, b + 12, "heading"),
        Section("background", b + 12, m),
        Section("methods", m, m + 9, "heading"),
        Section("methods", m + 9, r),
        Section("results", r, r + 9, "heading"),
        Section("results", r + 9, len(text)),
    ]


def test_bad_inputs_are_reported_and_the_rest_read(tmp_path):
    (tmp_path / "good.txt").write_text("MSCs protected rats from cisplatin.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 10)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 cells".encode("latin-1"))
    (tmp_path / "big.txt").write_text("a" * 2000, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.txt").write_text("Duplicate id.", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x,y", encoding="utf-8")
    docs, failures = read_documents([tmp_path, tmp_path / "notes.csv"], max_bytes=1000)
    assert [d.doc_id for d in docs] == ["good"]
    problems = {Path(f.path).relative_to(tmp_path).as_posix(): f.problem for f in failures}
    assert problems == {
        "big.txt": "file too large: 0.0 MB exceeds the limit of 0.0 MB",
        "binary.txt": "binary file (contains NUL bytes), not a UTF-8 text document",
        "empty.txt": "empty document (no text)",
        "latin1.txt": "invalid UTF-8 at byte 3 (0xe9); save the file as UTF-8",
        "sub/good.txt": f"duplicate doc id 'good' (already read from {tmp_path / 'good.txt'})",
        "notes.csv": f"unsupported file type '.csv'; expected one of {', '.join(INPUT_SUFFIXES)}",
    }


def test_missing_file_is_a_failure(tmp_path):
    docs, failures = read_documents([tmp_path / "gone.txt"])
    assert docs == []
    assert failures[0].problem.startswith("unsupported") is False
    assert failures[0].problem == "file not found (it may have been removed during the run)"


def test_folders_yield_every_input_format_but_not_other_archives(tmp_path):
    assert INPUT_SUFFIXES == (".txt", ".text", ".md", ".xml", ".nxml", ".json", ".pubtator", ".gz")
    for name in ("a.txt", "b.md", "c.xml", "d.nxml", "e.json", "f.pubtator", "g.xml.gz", "h.gz", "i.tar.gz", "j.csv"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "k.xml").write_bytes(b"x")
    assert [p.name for p in iter_input_files([tmp_path])] == [
        "a.txt",
        "b.md",
        "c.xml",
        "d.nxml",
        "e.json",
        "f.pubtator",
        "g.xml.gz",
        "h.gz",
    ]


def test_text_with_a_byte_order_mark_is_read(tmp_path):
    text = "MSCs in AKI\n\nBackground: Cisplatin injures the kidney.\n"
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))  # with its byte-order mark
    (tmp_path / "utf8bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    for name in ("utf16.txt", "utf8bom.txt"):
        document = read_document(tmp_path / name)
        assert document.text == text
        assert document.sections == detect_sections(text)
        assert document.metadata == {"format": "text", "title": "MSCs in AKI"}
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00broken")  # starts like a UTF-16 mark, is not UTF-16
    assert read_documents([tmp_path / "binary.txt"])[1][0].problem == (
        "binary file (contains NUL bytes), not a UTF-8 text document"
    )


def test_an_abbreviation_that_opens_a_paragraph_is_no_glued_heading():
    text = "Title line\n\nCXCR4-MSCs accumulated in the kidney.\n\nSTEM CELLSMesenchymal stem cells reduce AKI.\n"
    sections = [(s.name, s.kind, text[s.start : s.end].strip()) for s in detect_sections(text)]
    assert sections == [
        ("title", "content", "Title line"),
        ("abstract", "content", "CXCR4-MSCs accumulated in the kidney."),
        ("stem cells", "heading", "STEM CELLS"),
        ("stem cells", "content", "Mesenchymal stem cells reduce AKI."),
    ]


def test_a_label_alone_on_its_line_is_a_heading():
    text = "MSC therapy for AKI\n\nBackground\nAKI is common.\nRESULTS\nMSCs reduced creatinine.\n"
    sections = [(s.name, s.kind, text[s.start : s.end].strip()) for s in detect_sections(text)]
    assert sections == [
        ("title", "content", "MSC therapy for AKI"),
        ("background", "heading", "Background"),
        ("background", "content", "AKI is common."),
        ("results", "heading", "RESULTS"),
        ("results", "content", "MSCs reduced creatinine."),
    ]
