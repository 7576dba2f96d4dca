"""The output store (pipeline/store.py): Parquet parts per batch, the manifest, supersession and recovery."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pyarrow.dataset as pads
import pytest

from pipeline.schema import EVIDENCE, MENTIONS, SchemaError, validate
from pipeline.store import DATASET, Store, arrow_schema

TABLES = (EVIDENCE, MENTIONS)
VERSION = "v1"


def claim(doc_id: str, i: int, sentence: str = "MSCs reduced creatinine.") -> dict:
    return {
        "claim_id": f"{doc_id}-{i}",
        "doc_id": doc_id,
        "section": "abstract",
        "sentence_index": i,
        "char_start": 0,
        "char_end": len(sentence),
        "sentence": sentence,
        "claim_type": "finding",
        "citations": [],
        "study_type": "in_vivo",
        "effect_direction": "beneficial",
        "negated": False,
        "hedged": False,
        "confidence": 0.5,
    }


def evidence(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    for col in EVIDENCE.columns:
        if col.name not in frame.columns:
            if col.kind.startswith("list"):
                frame[col.name] = [[] for _ in range(len(frame))]
            else:
                frame[col.name] = [col.default if col.default is not None else "" for _ in range(len(frame))]
    return validate(frame, EVIDENCE)


def frames(*rows: dict) -> dict[str, pd.DataFrame]:
    return {"evidence": evidence(*rows), "mentions": validate(pd.DataFrame(columns=MENTIONS.names), MENTIONS)}


def files(out) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))


def test_batches_become_parts_and_read_back_in_input_order(tmp_path):
    store = Store(tmp_path, VERSION, TABLES)
    store.assign_order(["a", "b", "c"])  # input positions are given when the batches are formed
    second = store.commit("run1", {"c": "kc"}, frames(claim("c", 0)))  # completes first
    first = store.commit("run1", {"a": "ka", "b": "kb"}, frames(claim("a", 0), claim("a", 1), claim("b", 0)))
    assert first.startswith("000000000-") and second.startswith("000000002-")
    # empty tables write no file
    assert files(tmp_path) == [f"{DATASET}/evidence/{first}.parquet", f"{DATASET}/evidence/{second}.parquet"]
    table = store.read_table("evidence")
    assert table["claim_id"].tolist() == ["a-0", "a-1", "b-0", "c-0"]
    assert table["citations"].tolist() == [[]] * 4 and table["negated"].tolist() == [False] * 4
    validate(table, EVIDENCE)
    assert store.count_rows("evidence") == 4 and store.count_docs() == 3
    assert store.is_done("a", "ka") and not store.is_done("a", "other") and not store.is_done("x", "kx")
    # the folder is a dataset others can read, with one schema across parts
    assert pads.dataset(tmp_path / DATASET / "evidence").to_table().num_rows == 4
    assert pads.dataset(tmp_path / DATASET / "evidence").schema.equals(arrow_schema(EVIDENCE), check_metadata=False)


def test_part_names_depend_on_the_batch_and_version_only(tmp_path):
    one = Store(tmp_path / "one", VERSION, TABLES)
    two = Store(tmp_path / "two", VERSION, TABLES)
    for store in (one, two):
        store.assign_order(["a", "b"])
    assert one.commit("r1", {"a": "k"}, frames(claim("a", 0))) == two.commit("r2", {"a": "k"}, frames(claim("a", 0)))
    assert Store(tmp_path / "three", "v2", TABLES).part_name(["a"]) != one.part_name(["a"])


def test_a_document_processed_again_moves_and_its_old_part_is_kept_under_runs(tmp_path):
    store = Store(tmp_path, VERSION, TABLES)
    store.assign_order(["a", "b"])
    old = store.commit("run1", {"a": "k1", "b": "k1"}, frames(claim("a", 0), claim("b", 0)))
    # "a" changed: its new rows replace the old ones; "b" stays in the old part, rewritten without "a"
    new = store.commit("run2", {"a": "k2"}, frames(claim("a", 0, "MSCs worsened injury."), claim("a", 1)))
    table = store.read_table("evidence")
    assert table["claim_id"].tolist() == ["a-0", "a-1", "b-0"]  # "a" keeps its input position
    assert table.loc[0, "sentence"] == "MSCs worsened injury."
    assert store.read_part("evidence", old)["doc_id"].tolist() == ["b"]
    # "b" changed too: the old part has no document left and goes to its run's superseded folder
    store.commit("run3", {"b": "k2"}, frames(claim("b", 0)))
    assert f"runs/run1/superseded/evidence/{old}.parquet" in files(tmp_path)
    assert f"{DATASET}/evidence/{old}.parquet" not in files(tmp_path)
    assert store.live_parts("run2") == [new]
    assert store.read_table("evidence")["doc_id"].tolist() == ["a", "a", "b"]


def test_row_counts_come_from_the_manifest_and_follow_rewrites(tmp_path):
    store = Store(tmp_path, VERSION, TABLES)
    store.assign_order(["a", "b"])
    old = store.commit("run1", {"a": "k1", "b": "k1"}, frames(claim("a", 0), claim("a", 1), claim("b", 0)))
    assert (store.count_rows("evidence"), store.count_rows("mentions")) == (3, 0)
    store.commit("run2", {"a": "k2"}, frames(claim("a", 0)))  # the old part is rewritten with b's row only
    assert store.count_rows("evidence") == 2
    # counted without reading the parts: a count the manifest holds is what is reported
    with store.con:
        store.con.execute("UPDATE part_rows SET n = n + 10 WHERE part=? AND tbl='evidence'", (old,))
    assert store.count_rows("evidence") == 12
    # a part committed before the counts were recorded is counted from its Parquet footer
    with store.con:
        store.con.execute("DELETE FROM part_rows WHERE part=?", (old,))
    assert store.count_rows("evidence") == 2


def test_start_up_removes_parts_no_run_committed_and_finishes_interrupted_moves(tmp_path):
    store = Store(tmp_path, VERSION, TABLES)
    store.assign_order(["a", "b"])
    part = store.commit("run1", {"a": "k"}, frames(claim("a", 0)))
    store.close()
    # a run killed after writing a part file, before the manifest recorded it
    orphan = tmp_path / DATASET / "evidence" / "000000001-deadbeef0000.parquet"
    orphan.write_bytes((tmp_path / DATASET / "evidence" / f"{part}.parquet").read_bytes())
    # and one killed after the manifest moved "a" to a new part, before the old part was retired
    con = sqlite3.connect(tmp_path / "cache.sqlite")
    with con:
        con.execute("INSERT INTO parts VALUES ('000000000-newer0000000', 'run2', ?, 'now', 1)", (json.dumps(["a"]),))
        con.execute("UPDATE docs SET part='000000000-newer0000000' WHERE doc_id='a'")
    con.close()
    store = Store(tmp_path, VERSION, TABLES)
    assert files(tmp_path) == [f"runs/run1/superseded/evidence/{part}.parquet"]
    assert store.read_table("evidence").empty and not store.is_done("b", "k")


def test_single_file_tables_are_stale_until_written_after_a_change(tmp_path):
    store = Store(tmp_path, VERSION, TABLES)
    assert store.tables_stale()
    store.mark_tables_written()
    assert not store.tables_stale()
    store.commit("run1", {"a": "k"}, frames(claim("a", 0)))
    assert store.tables_stale()
    store.mark_tables_written()
    assert not Store(tmp_path, VERSION, TABLES).tables_stale()  # kept in the manifest across runs


def test_unchanged_files_are_vouched_for_only_while_their_documents_are_done(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("MSCs reduced creatinine.")
    store = Store(tmp_path / "out", VERSION, TABLES)
    store.record_file(source, source.stat(), [("in", "k", "hash")])
    assert store.unchanged_file(source) is None  # not processed yet
    store.commit("run1", {"in": "k"}, frames(claim("in", 0)))
    assert store.unchanged_file(source) == [("in", "hash")]
    assert Store(tmp_path / "out", "v2", TABLES).unchanged_file(source) is None  # a new pipeline version
    source.write_text("MSCs reduced creatinine in rats.")
    assert store.unchanged_file(source) is None


def test_a_part_with_values_its_schema_cannot_hold_is_refused_and_nothing_is_written(tmp_path):
    store = Store(tmp_path, VERSION, TABLES)
    bad = frames(claim("a", 0))
    bad["evidence"]["citations"] = [["nine"]]
    with pytest.raises((TypeError, ValueError, SchemaError)):
        store.commit("run1", {"a": "k"}, bad)
    assert files(tmp_path) == [] and not store.is_done("a", "k")
