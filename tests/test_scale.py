"""Scale (issue 7): a run killed mid-way resumes to the same tables, re-runs read only what changed, a large
output is a Parquet dataset only, and the extract flow gives the same tables on a 2-worker local Dask cluster."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from pipeline.store import DATASET

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted((REPO / "corpus").rglob("*.txt"))  # the project's own abstracts and review
TABLES = ("evidence", "mentions", "studies", "references")


def make_corpus(folder: Path, n: int) -> list[Path]:
    """``n`` documents: the project's texts repeated under new ids (one file each)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(n):
        source = SOURCES[i % len(SOURCES)]
        path = folder / f"c{i // len(SOURCES)}_{source.stem}.txt"
        path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        made.append(path)
    return made


def parts(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): pq.read_table(p) for p in sorted((out / DATASET).rglob("*.parquet"))}


def tables(out: Path) -> dict[str, bytes]:
    return {f"{t}.{fmt}": (out / f"{t}.{fmt}").read_bytes() for t in TABLES for fmt in ("csv", "jsonl")}


def test_a_killed_run_resumes_where_it_stopped_and_gives_the_same_tables(prefect_harness, tmp_path):
    from pipeline.flows import extract_flow

    docs = make_corpus(tmp_path / "in", 2 * len(SOURCES))
    out = tmp_path / "resumed"
    command = [
        sys.executable,
        "-c",
        "from pipeline.cli import main; raise SystemExit(main())",
        "extract",
        str(tmp_path / "in"),
        "--out",
        str(out),
        "--no-models",
        "--workers",
        "2",
        "--batch-size",
        "2",
        "--no-progress",
    ]
    env = os.environ | {"PREFECT_LOGGING_LEVEL": "WARNING"}
    proc = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    try:
        while len(list((out / DATASET / "mentions").glob("*.parquet"))) < 5:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no batch was stored in time"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its worker processes and Prefect server
        proc.wait()
    stored = len(list((out / DATASET / "mentions").glob("*.parquet")))
    assert 5 <= stored < len(docs) // 2, "killed mid-way"
    assert not (out / "evidence.csv").exists()

    resumed = extract_flow(inputs=[str(tmp_path / "in")], out_dir=str(out), workers=2, batch_size=2, use_models=False)
    whole = tmp_path / "whole"
    uninterrupted = extract_flow(
        inputs=[str(tmp_path / "in")], out_dir=str(whole), workers=2, batch_size=2, use_models=False
    )
    assert uninterrupted["counts"]["processed"] == len(docs)
    counts = resumed["counts"]
    assert counts["cached"] >= 2 * stored - 2 and counts["processed"] + counts["cached"] == len(docs)
    assert resumed["ok"] and counts["claims_in_table"] == uninterrupted["counts"]["claims_in_table"]
    assert tables(out) == tables(whole)
    resumed_parts, whole_parts = parts(out), parts(whole)
    assert resumed_parts.keys() == whole_parts.keys()
    assert all(resumed_parts[name].equals(whole_parts[name]) for name in whole_parts)


def test_a_rerun_reads_only_new_or_changed_files(prefect_harness, tmp_path, monkeypatch):
    from pipeline import readers
    from pipeline.flows import extract_flow

    make_corpus(tmp_path / "in", 20)
    out = tmp_path / "out"
    first = extract_flow(inputs=[str(tmp_path / "in")], out_dir=str(out), workers=1, use_models=False)
    assert first["counts"]["processed"] == 20
    before = tables(out)

    read: list[str] = []
    real_read_path = readers.read_path
    monkeypatch.setattr(readers, "read_path", lambda path, *a, **k: read.append(path.name) or real_read_path(path, *a))
    again = extract_flow(inputs=[str(tmp_path / "in")], out_dir=str(out), workers=1, use_models=False)
    assert (again["counts"]["processed"], again["counts"]["cached"], read) == (0, 20, [])
    assert tables(out) == before  # nothing rewritten but the report

    # ten documents added, one changed: only those are read and processed
    added = [tmp_path / "in" / f"new{i}.txt" for i in range(10)]
    for i, path in enumerate(added):
        path.write_text(f"Exosomes from adipose MSCs reduced serum creatinine in rats, experiment {i}.")
    changed = sorted((tmp_path / "in").glob("c0_*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nMSCs worsened fibrosis in mice.", encoding="utf-8")
    third = extract_flow(inputs=[str(tmp_path / "in")], out_dir=str(out), workers=1, use_models=False)
    assert (third["counts"]["processed"], third["counts"]["cached"]) == (11, 19)
    assert sorted(read) == sorted([p.name for p in added] + [changed.name])
    evidence = pd.read_csv(out / "evidence.csv", dtype=str, keep_default_na=False)
    assert evidence["doc_id"].nunique() == 30
    assert evidence[evidence["doc_id"] == changed.stem]["sentence"].iloc[-1] == "MSCs worsened fibrosis in mice."
    # the changed document's rows are in the dataset once; its earlier rows are kept under runs/
    dataset = pads.dataset(out / DATASET / "evidence").to_table().to_pandas()
    assert len(dataset) == len(evidence) and set(dataset["claim_id"]) == set(evidence["claim_id"])


def test_a_large_output_is_the_parquet_dataset_only(prefect_harness, tmp_path):
    from pipeline.flows import extract_flow

    make_corpus(tmp_path / "in", 12)
    out = tmp_path / "out"
    small = extract_flow(inputs=[str(tmp_path / "in")], out_dir=str(out), use_models=False, tables_max_docs=12)
    assert (out / "evidence.csv").is_file()
    make_corpus(tmp_path / "in", 14)
    large = extract_flow(
        inputs=[str(tmp_path / "in")], out_dir=str(out), use_models=False, tables_max_docs=12, batch_size=4
    )
    assert large["counts"]["documents_in_store"] == 14 and large["counts"]["processed"] == 2
    assert not any((out / f"{t}.{fmt}").exists() for t in TABLES for fmt in ("csv", "jsonl", "parquet"))
    dataset = pads.dataset(out / DATASET / "evidence").to_table()
    assert dataset.num_rows == large["counts"]["claims_in_table"] > small["counts"]["claims_in_table"]
    assert len(set(dataset.column("doc_id").to_pylist())) == 14
    # the export reads the dataset
    from pipeline import export

    export.export(f"sqlite:///{tmp_path / 'db.sqlite'}", out)
    with sqlite3.connect(tmp_path / "db.sqlite") as con:
        assert con.execute("SELECT COUNT(*) FROM evidence").fetchone()[0] == dataset.num_rows
        assert con.execute("SELECT COUNT(DISTINCT doc_id) FROM evidence").fetchone()[0] == 14


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning")
def test_the_flow_on_a_two_worker_local_dask_cluster_gives_the_same_tables(prefect_harness, tmp_path):
    from pipeline.flows import extract_flow, run_extract

    make_corpus(tmp_path / "in", 30)
    on_dask = run_extract(
        dask=True, inputs=[str(tmp_path / "in")], out_dir=str(tmp_path / "dask"), workers=2, batch_size=4,
        use_models=False,
    )  # fmt: skip
    default = extract_flow(inputs=[str(tmp_path / "in")], out_dir=str(tmp_path / "default"), use_models=False)
    assert on_dask["ok"] and on_dask["settings"]["dask_workers"] == 2
    assert on_dask["counts"]["processed"] == default["counts"]["processed"] == 30
    assert tables(tmp_path / "dask") == tables(tmp_path / "default")


def test_batches_in_threads_of_one_process_never_share_a_memory_zone(tmp_path, monkeypatch):
    # Prefect's thread task runner (or a Dask worker with several threads) runs two batches of one process at
    # once; a batch's memory zone frees the strings it added when it ends, so the zones must never overlap.
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import contextmanager

    from pipeline import extract as ex
    from pipeline.documents import iter_documents

    nlp = ex.get_nlp(False)
    zone = nlp.memory_zone
    active, most = [0], [0]

    @contextmanager
    def counted_zone(*args, **kwargs):
        active[0] += 1
        most[0] = max(most[0], active[0])
        try:
            with zone(*args, **kwargs) as mem:
                time.sleep(0.05)  # long enough for the other thread to try to enter
                yield mem
        finally:
            active[0] -= 1

    monkeypatch.setattr(nlp, "memory_zone", counted_zone)
    documents = list(iter_documents(make_corpus(tmp_path / "in", 24), 10**6))
    batches = [documents[i : i + 4] for i in range(0, len(documents), 4)]
    alone = [ex.process_batch(b, False) for b in batches]
    with ThreadPoolExecutor(max_workers=3) as pool:
        together = list(pool.map(lambda b: ex.process_batch(b, False), batches))
    assert most[0] == 1
    assert [[r.claims for r in batch] for batch in together] == [[r.claims for r in batch] for batch in alone]
