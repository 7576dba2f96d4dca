"""Hostile and broken input through the real extract flow (issue 5).

Every bad file gets a failure naming the file and the problem; the good documents beside it are processed and
their rows are in evidence.csv; no temporary or half-written output is left; a later run never destroys earlier
outputs. The inputs are written at test time (exact bytes: line endings, encodings, control characters, links).
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import documents as documents_module
from pipeline.documents import read_document, read_documents
from pipeline.outputs import read_table
from pipeline.readers import MAX_XML_DEPTH
from pipeline.schema import EVIDENCE, MENTIONS

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
TOP_LEVEL = (
    "evidence.csv",
    "evidence.parquet",
    "evidence.jsonl",
    "mentions.csv",
    "mentions.jsonl",
    "studies.csv",
    "studies.parquet",
    "studies.jsonl",
    "references.csv",
    "references.jsonl",
    "run_report.json",
)

GOOD_TEXT = "Bone marrow MSCs reduced serum creatinine in rats with cisplatin AKI."
MIXED_ENDINGS = (
    b"MSCs in cisplatin AKI\r\n\r\n"
    b"Bone marrow MSCs reduced serum creatinine in rats.\r"
    b"Adipose MSCs reduced tubular apoptosis in mice.\n"
    b"Exosomes lowered BUN in rats with ischemia-reperfusion injury.\r\n"
    b"Umbilical cord MSCs\r\nimproved survival of septic mice.\n"
)
#: Control characters inside sentences (an ANSI colour code "\x1b[1m" would also open a bracket, which keeps the
#: sentence splitter from ending a sentence for up to 60 tokens: by design, see components/sentences.py).
CONTROLS = (
    b"Bone marrow MSCs\x1b reduced serum creatinine\x07 in rats with cisplatin AKI.\n"
    b"Umbilical cord MSCs\x07 improved survival of septic mice.\x1b"
)
UTF16_TEXT = "Bone marrow MSCs reduced TNF-\u03b1 and serum creatinine in rats with cisplatin AKI."
UNICODE_SENTENCES = [
    "TNF-\u03b1 and IFN-\u03b3 were reduced by bone marrow MSCs in rats with cisplatin-induced AKI [9\u201311].",
    "MSCs (1 \u00d7 10\u2076 cells) reduced serum creatinine in rats with cisplatin-induced AKI.",
    "Umbilical cord MSC-derived exosomes (10 \u00b5g) reduced \u03b21-integrin expression in mice with "
    "ischemia-reperfusion injury.",
    "Exosomes (10 \u03bcg) lowered blood urea nitrogen in rats with ischemia-reperfusion injury.",
    "MSCs (2\u00d710^6 cells/kg) reduced serum creatinine in mice with glycerol-induced AKI (p < 0.05, n = 10\u00b2).",
]
BIG_BYTES = 50_000_000
#: Nesting the readers accept: article > body > 497 sec > p is 500 elements deep.
DEEP_SECTIONS = MAX_XML_DEPTH - 3


def write_big(path: Path) -> Path:
    """A 50 MB text document (the same abstract line, repeated)."""
    line = b"Bone marrow MSCs reduced serum creatinine in rats with cisplatin-induced AKI (p < 0.05).\n"
    with path.open("wb") as handle:
        for _ in range(BIG_BYTES // len(line)):
            handle.write(line)
        handle.write(b"x" * (BIG_BYTES % len(line)))
    assert path.stat().st_size == BIG_BYTES
    return path


def write_inputs(docs: Path, big: Path) -> dict[str, str]:
    """The hostile folder: good documents mixed with every kind of bad file. Returns the expected failures."""
    docs.mkdir(parents=True)
    # good documents, some of them odd
    (docs / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (docs / "mixed_endings.txt").write_bytes(MIXED_ENDINGS)
    (docs / "controls.txt").write_bytes(CONTROLS)
    (docs / "utf16_bom.txt").write_bytes(b"\xff\xfe" + UTF16_TEXT.encode("utf-16-le"))
    (docs / "unicode.txt").write_text("\n".join(UNICODE_SENTENCES) + "\n", encoding="utf-8")
    shutil.copy(FORMATS / "pubmed_latin1.xml", docs / "pubmed_latin1.xml")  # declared ISO-8859-1: read
    shutil.copy(FORMATS / "pubmed_utf16_bom.xml", docs / "pubmed_utf16_bom.xml")  # UTF-16 with a BOM: read
    deep_ok = "<sec><title>Results</title><p>Bone marrow MSCs reduced serum creatinine in rats.</p>" * DEEP_SECTIONS
    (docs / "deep_ok.nxml").write_text(f"<article><body>{deep_ok}{'</sec>' * DEEP_SECTIONS}</body></article>")
    # bad files
    shutil.copy(FORMATS / "malformed.xml", docs / "malformed.xml")
    shutil.copy(FORMATS / "pubmed_latin1_undeclared.xml", docs / "pubmed_latin1_undeclared.xml")
    (docs / "latin1.txt").write_bytes("MSCs r\xe9duisent la cr\xe9atinine.".encode("latin-1"))
    (docs / "utf16_no_bom.txt").write_bytes(UTF16_TEXT.encode("utf-16-le"))
    (docs / "nul.txt").write_bytes(b"Bone marrow MSCs\x00 reduced serum creatinine in rats.")
    (docs / "nul_late.txt").write_bytes(GOOD_TEXT.encode() * 200 + b"\x00" + GOOD_TEXT.encode())
    (docs / "controls_only.txt").write_bytes(bytes(range(1, 32)) * 50)
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "blank.md").write_bytes(b" \r\n\t\n")
    (docs / "deep.xml").write_text("<collection>" + "<a>" * 600 + "</a>" * 600 + "</collection>")
    (docs / "not_gzip.txt.gz").write_bytes(b"MSCs protect the kidney.")
    (docs / "truncated.xml.gz").write_bytes(gzip.compress((FORMATS / "pubmed_set.xml").read_bytes(), mtime=0)[:60])
    (docs / "rot13.xml").write_bytes(b'<?xml version="1.0" encoding="rot13"?><article/>')
    (docs / "bioc_types.json").write_text('{"passages": "MSCs protect the kidney."}')
    (docs / "pubtator_superscript.pubtator").write_text("1|t|MSCs in AKI\n1\t\u00b2\t3\tM\tChemical\tD1\n")
    os.symlink(big, docs / "big.txt")
    # links: a folder loop (not followed), a loop of file links and a dangling link (both reported)
    os.symlink(docs, docs / "loop")
    os.symlink(docs / "cycle_b.txt", docs / "cycle_a.txt")
    os.symlink(docs / "cycle_a.txt", docs / "cycle_b.txt")
    os.symlink(docs / "nowhere.txt", docs / "dangling.txt")
    return {
        "malformed.xml": "malformed XML: mismatched tag at line 7, column 57",
        "pubmed_latin1_undeclared.xml": "invalid UTF-8 at byte 525 (0xe9); XML without an encoding declaration must "
        'be UTF-8; save the file as UTF-8 or declare its encoding (<?xml version="1.0" encoding="ISO-8859-1"?>)',
        "latin1.txt": "invalid UTF-8 at byte 6 (0xe9); save the file as UTF-8",
        "utf16_no_bom.txt": "binary file (contains NUL bytes), not a UTF-8 text document",
        "nul.txt": "binary file (contains NUL bytes), not a UTF-8 text document",
        "nul_late.txt": "binary file (contains NUL bytes), not a UTF-8 text document",
        "controls_only.txt": "binary file (mostly control characters), not a text document",
        "binary.txt": "binary file (contains NUL bytes), not a UTF-8 text document",
        "empty.txt": "empty document (no text)",
        "blank.md": "empty document (no text)",
        "deep.xml": f"XML nested deeper than {MAX_XML_DEPTH} elements (line 1); not a publication",
        "not_gzip.txt.gz": "not a gzip file (no gzip magic bytes) although named .gz",
        "truncated.xml.gz": "corrupt gzip file: Compressed file ended before the end-of-stream marker was reached",
        "rot13.xml": "unsupported encoding 'rot13' in the XML declaration (not a text encoding)",
        "bioc_types.json": "BioC passages must be a list, not str",
        "pubtator_superscript.pubtator": "not PubTator: line 2 is neither 'PMID|t|', 'PMID|a|' nor an annotation",
        "big.txt": "file too large: 50.0 MB exceeds the limit of 10.0 MB",
        "cycle_a.txt": "cannot read file: Too many levels of symbolic links",
        "cycle_b.txt": "cannot read file: Too many levels of symbolic links",
        "dangling.txt": "broken symbolic link: its target does not exist",
    }


GOOD_IDS = {
    "good",
    "mixed_endings",
    "controls",
    "utf16_bom",
    "unicode",
    "99000011",  # pubmed_latin1.xml
    "99000012",  # pubmed_utf16_bom.xml
    "deep_ok",
}


def leftovers(out: Path) -> list[str]:
    """Temporary files (``.name.XXXX.tmp``) or anything hidden left in the output folder."""
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp")


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    return write_big(tmp_path_factory.mktemp("big") / "big.txt")


@pytest.fixture(scope="module")
def hostile_run(prefect_harness, tmp_path_factory, big_file):
    from pipeline.flows import extract_flow

    root = tmp_path_factory.mktemp("hostile")
    docs, out = root / "docs", root / "out"
    expected = write_inputs(docs, big_file)
    report = extract_flow(inputs=[str(docs)], out_dir=str(out))
    return docs, out, report, expected


# ---------------------------------------------------------------------------------------------- one mixed folder


def test_every_bad_file_is_named_with_its_problem(hostile_run):
    docs, out, report, expected = hostile_run
    problems = {Path(f["path"]).relative_to(docs).as_posix(): f["problem"] for f in report["failures"]}
    assert problems == expected
    assert report["ok"] is False
    assert report["counts"]["failed"] == len(expected)
    assert report["counts"]["inputs"] == len(expected) + len(GOOD_IDS)
    assert report["counts"]["documents"] == report["counts"]["processed"] == len(GOOD_IDS)
    saved = pd.read_json(out / "run_report.json", typ="series")
    assert [(Path(f["path"]).name, f["problem"]) for f in saved["failures"]] == [
        (Path(f["path"]).name, f["problem"]) for f in report["failures"]
    ]


def test_the_good_documents_are_processed_and_nothing_is_half_written(hostile_run):
    docs, out, report, _ = hostile_run
    evidence = read_csv(out / "evidence.csv")
    assert set(evidence["doc_id"]) == GOOD_IDS
    assert {Path(i["path"]).name for i in report["inputs"]} == {
        "good.txt",
        "mixed_endings.txt",
        "controls.txt",
        "utf16_bom.txt",
        "unicode.txt",
        "pubmed_latin1.xml",
        "pubmed_utf16_bom.xml",
        "deep_ok.nxml",
    }  # the folder loop is not followed: nothing is read twice (through docs/loop/...)
    good = evidence[evidence["doc_id"] == "good"]
    assert good[["sentence", "cell_source", "injury_model", "outcomes"]].values.tolist() == [
        [GOOD_TEXT, "bone marrow", "cisplatin;acute kidney injury", "serum creatinine"]
    ]
    assert (evidence["doc_id"] == "deep_ok").sum() == DEEP_SECTIONS
    for name in TOP_LEVEL:
        assert (out / name).is_file(), name
    assert leftovers(out) == []
    # every format holds the same rows
    table = read_table(out, EVIDENCE)
    assert table["claim_id"].tolist() == evidence["claim_id"].tolist()
    assert pd.read_parquet(out / "evidence.parquet")["claim_id"].tolist() == evidence["claim_id"].tolist()
    assert read_table(out / "runs" / report["run_id"], EVIDENCE)["claim_id"].tolist() == table["claim_id"].tolist()


def test_utf16_with_a_byte_order_mark_is_read(hostile_run):
    docs, out, _, _ = hostile_run
    assert read_document(docs / "utf16_bom.txt").text == UTF16_TEXT
    evidence = read_table(out, EVIDENCE)
    row = evidence[evidence["doc_id"] == "utf16_bom"].iloc[0]
    assert (row["char_start"], row["char_end"], row["sentence"]) == (0, len(UTF16_TEXT), UTF16_TEXT)
    assert row["outcomes"] == ["tnf-alpha", "serum creatinine"]


def check_offsets(out: Path, doc_id: str, text: str) -> pd.DataFrame:
    """Every claim and mention of ``doc_id``, in every table format, indexes ``text`` exactly."""
    evidence = read_table(out, EVIDENCE)
    rows = evidence[evidence["doc_id"] == doc_id]
    csv = read_csv(out / "evidence.csv")
    assert csv[csv["doc_id"] == doc_id]["sentence"].tolist() == rows["sentence"].tolist()
    for row in rows.itertuples():
        assert text[row.char_start : row.char_end] == row.sentence
    mentions = read_table(out, MENTIONS)
    doc_mentions = mentions[mentions["doc_id"] == doc_id]
    assert len(doc_mentions)
    for mention in doc_mentions.itertuples():
        assert text[mention.char_start : mention.char_end] == mention.text
    return rows


def test_mixed_line_endings_keep_true_offsets(hostile_run):
    docs, out, _, _ = hostile_run
    text = read_document(docs / "mixed_endings.txt").text
    assert text == MIXED_ENDINGS.decode()  # line endings are not rewritten
    rows = check_offsets(out, "mixed_endings", text)
    assert rows[["char_start", "char_end", "sentence"]].values.tolist() == [
        [0, 21, "MSCs in cisplatin AKI"],
        [25, 75, "Bone marrow MSCs reduced serum creatinine in rats."],
        [76, 123, "Adipose MSCs reduced tubular apoptosis in mice."],
        [124, 186, "Exosomes lowered BUN in rats with ischemia-reperfusion injury."],
        [188, 242, "Umbilical cord MSCs\r\nimproved survival of septic mice."],
    ]


def test_control_characters_are_kept_and_refused_only_as_binary(hostile_run):
    docs, out, _, _ = hostile_run
    text = read_document(docs / "controls.txt").text
    assert text == CONTROLS.decode()
    rows = check_offsets(out, "controls", text)
    assert rows["sentence"].tolist() == [
        "Bone marrow MSCs\x1b reduced serum creatinine\x07 in rats with cisplatin AKI.",
        "Umbilical cord MSCs\x07 improved survival of septic mice.\x1b",
    ]
    assert rows["cell_source"].tolist() == [["bone marrow"], ["umbilical cord"]]
    csv = read_csv(out / "evidence.csv")
    assert csv[csv["doc_id"] == "controls"]["sentence"].tolist() == rows["sentence"].tolist()


def test_unicode_survives_end_to_end(hostile_run):
    docs, out, _, _ = hostile_run
    text = (docs / "unicode.txt").read_text(encoding="utf-8")
    rows = check_offsets(out, "unicode", text)
    assert rows["sentence"].tolist() == UNICODE_SENTENCES
    assert rows[["citations", "dose", "dose_value", "dose_unit"]].values.tolist() == [
        [[9, 10, 11], [], [], []],
        [[], ["1 \u00d7 10\u2076 cells"], [1_000_000.0], ["cells"]],
        [[], ["10 \u00b5g"], [10.0], ["ug"]],
        [[], ["10 \u03bcg"], [10.0], ["ug"]],
        [[], ["2\u00d710^6 cells/kg"], [2_000_000.0], ["cells/kg"]],
    ]
    assert rows["outcomes"].tolist()[0] == ["tnf-alpha", "ifn-gamma"]
    assert rows["mediators"].tolist()[2] == ["beta1-integrin"]
    # the CSV keeps the characters too
    csv = read_csv(out / "evidence.csv")
    csv = csv[csv["doc_id"] == "unicode"]
    assert csv["sentence"].tolist() == UNICODE_SENTENCES
    assert csv["citations"].tolist() == ["9;10;11", "", "", "", ""]
    assert csv["dose"].tolist() == ["", "1 \u00d7 10\u2076 cells", "10 \u00b5g", "10 \u03bcg", "2\u00d710^6 cells/kg"]
    # mentions as written, with their offsets
    mentions = read_csv(out / "mentions.csv")
    mentions = mentions[(mentions["doc_id"] == "unicode") & (mentions["method"] == "dictionary")]
    found = {(m.text, m.canonical_name, int(m.char_start)) for m in mentions.itertuples()}
    beta = text.index("\u03b21-integrin")
    assert {
        ("TNF-\u03b1", "tnf-alpha", 0),
        ("IFN-\u03b3", "ifn-gamma", 10),
        ("\u03b21-integrin", "beta1-integrin", beta),
    } <= found


def test_a_50_mb_file_is_refused_by_default_and_read_with_a_larger_limit(hostile_run, big_file):
    _, _, report, _ = hostile_run
    assert [f["problem"] for f in report["failures"] if Path(f["path"]).name == "big.txt"] == [
        "file too large: 50.0 MB exceeds the limit of 10.0 MB"
    ]
    documents, failures = read_documents([big_file], max_bytes=60_000_000)
    assert failures == []
    (document,) = documents
    assert (document.doc_id, len(document.text)) == ("big", BIG_BYTES)
    assert document.text.startswith("Bone marrow MSCs reduced serum creatinine in rats")
    assert all(0 <= s.start <= s.end <= BIG_BYTES for s in document.sections)


def test_cli_prints_each_failure_and_exits_1(prefect_harness, tmp_path, capsys):
    from pipeline import cli

    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "bad.xml").write_text("<article><p>MSCs</article>", encoding="utf-8")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # a named pipe would block a reader forever
    code = cli.main(["extract", str(tmp_path), str(fifo), "--out", str(tmp_path / "out"), "--no-progress"])
    assert code == 1
    err = capsys.readouterr().err
    assert f"error: {tmp_path / 'bad.xml'}: malformed XML: mismatched tag at line 1, column 19" in err
    assert f"error: {fifo}: not a regular file (a folder, pipe or device)" in err
    assert set(read_csv(tmp_path / "out" / "evidence.csv")["doc_id"]) == {"good"}


# ---------------------------------------------------------------------------------------------- during the run


def test_a_file_removed_during_the_run_is_a_failure_and_the_rest_processed(prefect_harness, tmp_path, monkeypatch):
    from pipeline.flows import extract_flow

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a_first.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (docs / "b_vanishes.txt").write_text("Adipose MSCs protected mice from ischemia-reperfusion injury.")
    (docs / "c_last.txt").write_text("Exosomes reduced apoptosis in rats with cisplatin AKI.", encoding="utf-8")
    real_read_file = documents_module.read_file
    read = []

    def read_file(path, max_bytes):  # the folder is listed; the first file read removes the next one
        read.append(path.name)
        if path.name == "a_first.txt":
            (docs / "b_vanishes.txt").unlink()
        return real_read_file(path, max_bytes)

    monkeypatch.setattr(documents_module, "read_file", read_file)
    report = extract_flow(inputs=[str(docs)], out_dir=str(tmp_path / "out"))
    assert read == ["a_first.txt", "b_vanishes.txt", "c_last.txt"]
    assert [(Path(f["path"]).name, f["problem"]) for f in report["failures"]] == [
        ("b_vanishes.txt", "file not found (it may have been removed during the run)")
    ]
    assert set(read_csv(tmp_path / "out" / "evidence.csv")["doc_id"]) == {"a_first", "c_last"}
    assert leftovers(tmp_path / "out") == []


def test_reruns_after_failures_keep_earlier_outputs(prefect_harness, tmp_path, monkeypatch):
    from pipeline.flows import extract_flow

    out = tmp_path / "out"
    first_doc = tmp_path / "first.txt"
    first_doc.write_text(GOOD_TEXT, encoding="utf-8")
    first = extract_flow(inputs=[str(first_doc)], out_dir=str(out))
    assert first["ok"] is True
    first_rows = read_csv(out / "evidence.csv")
    assert first_rows["doc_id"].tolist() == ["first"]

    # a run where every input fails: reported, and the earlier rows stay
    bad = tmp_path / "bad"
    bad.mkdir()
    shutil.copy(FORMATS / "malformed.xml", bad / "malformed.xml")
    (bad / "empty.txt").write_bytes(b"")
    second = extract_flow(inputs=[str(bad)], out_dir=str(out))
    assert [(Path(f["path"]).name, f["problem"]) for f in second["failures"]] == [
        ("empty.txt", "empty document (no text)"),
        ("malformed.xml", "malformed XML: mismatched tag at line 7, column 57"),
    ]
    pd.testing.assert_frame_equal(read_csv(out / "evidence.csv"), first_rows)
    assert read_table(out, EVIDENCE)["claim_id"].tolist() == first_rows["claim_id"].tolist()
    assert (out / "runs" / first["run_id"] / "evidence.jsonl").is_file()
    assert leftovers(out) == []

    # a run whose writing fails half-way (the disk fills while the Parquet file is written): no file changes
    before = snapshot(out)
    second_doc = tmp_path / "second.txt"
    second_doc.write_text("Adipose MSCs protected mice from ischemia-reperfusion injury.", encoding="utf-8")

    def disk_full(self, path, **kwargs):
        Path(path).write_bytes(b"PAR1 partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)
    with pytest.raises(OSError, match="No space left on device"):
        extract_flow(inputs=[str(second_doc)], out_dir=str(out))
    monkeypatch.undo()
    after = snapshot(out)

    def tables(files: dict) -> dict:  # the store (manifest, dataset parts) keeps the batch it committed
        return {k: v for k, v in files.items() if k != "cache.sqlite" and not k.startswith("dataset/")}

    assert tables(after) == tables(before)
    assert len([k for k in after if k.startswith("dataset/evidence/")]) == 2
    assert leftovers(out) == []

    # the next run writes both documents' rows
    third = extract_flow(inputs=[str(second_doc)], out_dir=str(out))
    assert third["ok"] is True
    assert read_csv(out / "evidence.csv")["doc_id"].tolist() == ["first", "second"]
    assert {p.name for p in (out / "runs").iterdir()} == {first["run_id"], second["run_id"], third["run_id"]}
