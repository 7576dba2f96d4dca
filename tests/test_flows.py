"""End to end: the real Prefect flows on the bundled corpus and on bad input, and the CLI around them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import cli
from pipeline.check import run_check
from pipeline.outputs import read_table
from pipeline.schema import EVIDENCE, validate

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
REVIEW_ID = "bianchi2014_wjsc_review"


@pytest.fixture(scope="module")
def corpus_run(prefect_harness, tmp_path_factory):
    from pipeline.flows import extract_flow

    out = tmp_path_factory.mktemp("out")
    report = extract_flow(inputs=[str(CORPUS)], out_dir=str(out))
    return out, report


def test_extract_flow_writes_every_output(corpus_run):
    out, report = corpus_run
    n_docs = len(list(CORPUS.rglob("*.txt")))
    assert report["ok"] is True
    assert report["counts"]["documents"] == n_docs
    assert report["counts"]["processed"] == n_docs
    for name in (
        "evidence.csv",
        "evidence.parquet",
        "evidence.jsonl",
        "mentions.csv",
        "studies.csv",
        "studies.parquet",
        "references.csv",
        "run_report.json",
    ):
        assert (out / name).is_file(), name
    evidence = validate(read_table(out, EVIDENCE), EVIDENCE)
    assert sorted(set(evidence["doc_id"])) == sorted(p.stem for p in CORPUS.rglob("*.txt"))
    csv = pd.read_csv(out / "evidence.csv", dtype=str, keep_default_na=False)
    assert list(csv.columns) == EVIDENCE.names
    assert len(csv) == len(evidence) == report["counts"]["claims"]
    saved = json.loads((out / "run_report.json").read_text())
    assert saved["run_id"] == report["run_id"]
    assert saved["versions"]["spacy"] == "3.8.18" and saved["versions"]["scispacy"] == "0.6.2"
    assert (out / "runs" / report["run_id"] / "evidence.jsonl").is_file()


def test_review_checks_against_gold(corpus_run):
    out, _ = corpus_run
    result = run_check(CORPUS / "gold" / "review.csv", out / "evidence.csv", out / "check")
    doc_f1 = {f: s["document"]["f1"] for f, s in result["fields"].items() if s["document"]}
    for field in ("cell_source", "injury_model", "mediators", "outcomes"):
        assert doc_f1[field] >= 0.9, (field, doc_f1[field])
    evidence = read_table(out, EVIDENCE)
    review = evidence[evidence["doc_id"] == REVIEW_ID]
    assert sorted({v for vs in review["cell_source"] for v in vs}) == ["adipose tissue", "bone marrow", "kidney"]
    assert set(review["study_type"]) == {"review_statement"}
    cited = review[review["sentence"].str.startswith("There is evidence from both in vitro")]
    assert cited["citations"].tolist() == [[9, 10, 11]]
    assert (out / "check" / "check.md").is_file()


def test_rerun_skips_unchanged_documents_and_keeps_earlier_results(corpus_run, prefect_harness, tmp_path):
    from pipeline.flows import extract_flow

    out, first = corpus_run
    n_docs = first["counts"]["documents"]
    again = extract_flow(inputs=[str(CORPUS)], out_dir=str(out))
    assert (again["counts"]["processed"], again["counts"]["cached"]) == (0, n_docs)
    assert (
        read_table(out, EVIDENCE)["claim_id"].tolist()
        == pd.read_json(out / "runs" / first["run_id"] / "evidence.jsonl", lines=True)["claim_id"].tolist()
    )
    # A changed document is processed again; the other documents' rows stay in the table.
    changed = tmp_path / f"{REVIEW_ID}.txt"
    changed.write_text((CORPUS / f"{REVIEW_ID}.txt").read_text() + "\nMSCs reduced serum creatinine in rats.")
    third = extract_flow(inputs=[str(changed)], out_dir=str(out))
    assert (third["counts"]["processed"], third["counts"]["cached"]) == (1, 0)
    table = read_table(out, EVIDENCE)
    assert sorted(set(table["doc_id"])) == sorted(p.stem for p in CORPUS.rglob("*.txt"))
    assert table[table["doc_id"] == REVIEW_ID]["sentence"].iloc[-1] == "MSCs reduced serum creatinine in rats."
    assert {p.name for p in (out / "runs").iterdir()} >= {first["run_id"], again["run_id"], third["run_id"]}


def test_bad_inputs_are_reported_and_the_rest_processed(prefect_harness, tmp_path):
    from pipeline.flows import extract_flow

    docs = tmp_path / "docs"
    (docs / "many").mkdir(parents=True)
    (docs / "good.txt").write_text("Bone marrow MSCs reduced serum creatinine in rats with cisplatin AKI.")
    (docs / "empty.txt").write_text("")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (docs / "latin1.txt").write_bytes("MSCs r\xe9duisent la cr\xe9atinine.".encode("latin-1"))
    (docs / "big.txt").write_text("MSCs protect kidneys. " * 1_000_000)  # 22 MB
    (docs / "zdup").mkdir()
    (docs / "zdup" / "good.txt").write_text("Adipose MSCs protected mice from ischemia-reperfusion injury.")
    for i in range(1500):
        (docs / "many" / f"a{i:04d}.txt").write_text(f"Exosomes reduced apoptosis in experiment {i}.")
    out = tmp_path / "out"
    report = extract_flow(inputs=[str(docs)], out_dir=str(out), batch_size=256)
    problems = {Path(f["path"]).relative_to(docs).as_posix(): f["problem"] for f in report["failures"]}
    assert problems == {
        "big.txt": "file too large: 22.0 MB exceeds the limit of 10.0 MB",
        "binary.txt": "binary file (contains NUL bytes), not a UTF-8 text document",
        "zdup/good.txt": f"duplicate doc id 'good' (already read from {docs / 'good.txt'})",
        "empty.txt": "empty document (no text)",
        "latin1.txt": "invalid UTF-8 at byte 6 (0xe9); save the file as UTF-8",
    }
    assert report["ok"] is False
    assert report["counts"]["documents"] == 1501
    evidence = read_table(out, EVIDENCE)
    assert evidence["doc_id"].nunique() == 1501
    good = evidence[evidence["doc_id"] == "good"].iloc[0]
    assert (good["cell_source"], good["injury_model"], good["outcomes"]) == (
        ["bone marrow"],
        ["cisplatin", "acute kidney injury"],
        ["serum creatinine"],
    )
    saved = json.loads((out / "run_report.json").read_text())
    assert len(saved["failures"]) == 5


def test_cli_exit_status_and_messages(prefect_harness, tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("Human umbilical cord MSCs improved survival of septic mice.")
    assert cli.main(["extract", str(good), "--out", str(tmp_path / "o1"), "--no-progress"]) == 0
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00broken")
    assert cli.main(["extract", str(good), str(bad), "--out", str(tmp_path / "o2"), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"error: {bad}: binary file (contains NUL bytes), not a UTF-8 text document" in err
    assert cli.main(["extract", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o3")]) == 2
    assert f"error: {tmp_path / 'missing.txt'}: no such file or folder" in capsys.readouterr().err
    gold = tmp_path / "gold.csv"
    shutil.copy(REPO / "corpus" / "gold" / "review.csv", gold)
    assert cli.main(["check", "--gold", str(gold), "--evidence", str(tmp_path / "o1" / "evidence.csv")]) == 0
    assert (tmp_path / "o1" / "check.json").is_file()
    assert cli.main(["check", "--gold", str(tmp_path / "nope.csv")]) == 2
    # outputs that cannot be written: a clear error, not a traceback
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the output folder should be")
    assert cli.main(["extract", str(good), "--out", str(blocker), "--no-progress"]) == 1
    assert f"error: {blocker}: cannot write the outputs" in capsys.readouterr().err
    assert blocker.read_text() == "a file where the output folder should be"


@pytest.mark.parametrize(
    "command", [[], ["extract"], ["check"], ["fetch"], ["run"], ["export"], ["report"], ["review"], ["train"]]
)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: evidence" in capsys.readouterr().out
