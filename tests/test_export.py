"""pipeline.export: SQLite, DuckDB, PostgreSQL (a real throwaway server) and Parquet, on a hand-made output folder."""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline import export as ex
from pipeline.outputs import write_json, write_table
from pipeline.schema import EVIDENCE, MENTIONS, REFERENCES, STUDIES, validate

PIPELINE_VERSION = "0.1.0+abcdef0123456789"

# ------------------------------------------------------------------------------------------------ a small output folder


def claim(claim_id: str, doc_id: str, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "claim_id": claim_id,
        "doc_id": doc_id,
        "section": "abstract",
        "sentence_index": 1,
        "char_start": 10,
        "char_end": 80,
        "sentence": f"MSCs reduced serum creatinine ({claim_id}) [1].",
        "claim_type": "finding",
        "citations": [1],
        "study_type": "in_vivo",
        "species": ["rat"],
        "species_ids": ["NCBITaxon:10116"],
        "cell_source": ["bone marrow"],
        "cell_source_ids": ["UBERON:0002371"],
        "cell_origin": ["allogeneic"],
        "cell_product": ["msc"],
        "cell_product_ids": ["CL:0000134"],
        "injury_model": ["cisplatin"],
        "injury_model_ids": ["MESH:D002945"],
        "mediators": [],
        "mediators_ids": [],
        "outcomes": ["serum creatinine", "apoptosis"],
        "outcomes_ids": ["", ""],
        "effect_direction": "beneficial",
        "negated": False,
        "hedged": True,
        "outcome_effects": ["serum creatinine:beneficial", "apoptosis:beneficial"],
        "inherited": [],
        "dose": ["2 x 10^6 cells"],
        "dose_value": [2000000.0],
        "dose_unit": ["cells"],
        "route": ["intravenous", "intraperitoneal"],
        "timing": ["24 h after injury"],
        "timing_text": ["24 h after cisplatin"],
        "trial_id": [],
        "trial_phase": [],
        "n_patients": [],
        "cell_line": [],
        "cited_references": ["1: Smith 2010"],
        "confidence": 0.9,
        "doc_pmid": "",
        "doc_pmcid": "",
        "doc_doi": "",
        "doc_title": f"Title of {doc_id}",
        "doc_journal": "",
        "doc_year": "2012",
        "doc_authors": "Smith J;Doe A",
    }
    row.update(kw)
    return row


def mention(doc_id: str, claim_id: str, start: int, concept: str, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "doc_id": doc_id,
        "sentence_index": 1,
        "claim_id": claim_id,
        "char_start": start,
        "char_end": start + 4,
        "text": "MSCs",
        "category": concept.split(":")[0],
        "concept_id": concept,
        "canonical_name": concept.split(":")[-1],
        "ontology_id": "",
        "method": "dictionary",
        "score": 1.0,
    }
    row.update(kw)
    return row


def arm(arm_id: str, doc_id: str, claim_ids: list[str], **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "arm_id": arm_id,
        "doc_id": doc_id,
        "study_type": "in_vivo",
        "species": ["rat"],
        "injury_model": ["cisplatin"],
        "cell_product": "msc",
        "cell_source": ["bone marrow"],
        "cell_origin": ["allogeneic"],
        "dose": ["2 x 10^6 cells"],
        "route": ["intravenous"],
        "timing": ["24 h after injury"],
        "outcome_effects": ["serum creatinine:beneficial"],
        "effect_direction": "beneficial",
        "trial_id": [],
        "trial_phase": [],
        "n_patients": [],
        "cell_line": [],
        "claim_ids": claim_ids,
        "doc_pmid": "",
        "doc_pmcid": "",
        "doc_doi": "",
        "doc_title": f"Title of {doc_id}",
        "doc_journal": "",
        "doc_year": "2012",
        "doc_authors": "",
    }
    row.update(kw)
    return row


def reference(doc_id: str, number: int, cited_by: list[str]) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "number": number,
        "authors": "Smith J",
        "year": 2010,
        "title": "A study",
        "journal": "Kidney Int",
        "pmid": str(1000 + number),
        "doi": "",
        "text": f"{number}. Smith J. A study. Kidney Int 2010.",
        "cited_by": cited_by,
    }


def base_tables() -> dict[str, list[dict[str, Any]]]:
    """Two documents: d1 (3 claims, 4 mentions, 1 arm, 2 references) and d2 (2 claims, 2 mentions, 1 arm)."""
    return {
        "evidence": [
            claim("c1", "d1"),
            claim("c2", "d1", effect_direction="no_effect", outcome_effects=["serum creatinine:no_effect"]),
            claim("c3", "d1", claim_type="background", study_type="review_statement"),
            claim("c4", "d2", species=["mouse"], cell_source=["umbilical cord"], doc_year=""),
            claim("c5", "d2", injury_model=["ischemia-reperfusion"], effect_direction="harmful"),
        ],
        "mentions": [
            mention("d1", "c1", 10, "cell_product:msc"),
            mention("d1", "c2", 100, "outcome:serum creatinine"),
            mention("d1", "c3", 200, "cell_product:msc"),
            mention("d1", "", 300, "species:rat"),  # a sentence that made no claim
            mention("d2", "c4", 10, "species:mouse"),
            mention("d2", "c5", 100, ""),  # a mention without a concept
        ],
        "studies": [arm("a1", "d1", ["c1", "c2"]), arm("a2", "d2", ["c4", "c5"], species=["mouse"])],
        "references": [reference("d1", 1, ["c1", "c2"]), reference("d1", 2, [])],
    }


TABLES = {"evidence": EVIDENCE, "mentions": MENTIONS, "studies": STUDIES, "references": REFERENCES}


def write_outputs(
    folder: Path, tables: dict[str, list[dict[str, Any]]], run_id: str = "20260101T000000Z-aaaaaa"
) -> Path:
    """Write the tables as `evidence extract` does (CSV and JSONL, validated by pipeline.schema) and a run report."""
    for name, rows in tables.items():
        frame = validate(pd.DataFrame(rows, columns=TABLES[name].names), TABLES[name])
        write_table(frame, TABLES[name], folder, formats=("csv", "jsonl"))
    doc_ids = sorted({r["doc_id"] for rows in tables.values() for r in rows})
    release, code = PIPELINE_VERSION.split("+")
    write_json(
        folder / "run_report.json",
        {
            "run_id": run_id,
            "inputs": [{"path": f"{d}.txt", "doc_id": d, "content_hash": "x"} for d in doc_ids],
            "versions": {"pipeline": release, "pipeline_version": code},
        },
    )
    return folder


DECISIONS_DDL = """
CREATE TABLE decisions (claim_id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('accepted','rejected','edited')),
  edits TEXT NOT NULL DEFAULT '{}', comment TEXT NOT NULL DEFAULT '', reviewer TEXT NOT NULL DEFAULT '',
  decided_at TEXT NOT NULL);
CREATE TABLE decision_log (id INTEGER PRIMARY KEY AUTOINCREMENT, claim_id TEXT NOT NULL, status TEXT NOT NULL,
  edits TEXT NOT NULL, comment TEXT NOT NULL, reviewer TEXT NOT NULL, decided_at TEXT NOT NULL, previous TEXT);
"""


def write_decisions(path: Path, decisions: list[tuple[str, str, dict[str, Any], str]]) -> Path:
    """A review database with the review page's contract: (claim_id, status, edits, decided_at) per decision."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(DECISIONS_DDL)
    for claim_id, status, edits, decided_at in decisions:
        conn.execute(
            "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?)",
            (claim_id, status, json.dumps(edits), f"note on {claim_id}", "rev", decided_at),
        )
        conn.execute(
            "INSERT INTO decision_log (claim_id, status, edits, comment, reviewer, decided_at, previous) "
            "VALUES (?, ?, ?, ?, ?, ?, NULL)",
            (claim_id, status, json.dumps(edits), f"note on {claim_id}", "rev", decided_at),
        )
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    return write_outputs(tmp_path / "outputs", base_tables())


# ------------------------------------------------------------------------------------------------ PostgreSQL server


def _pg_bindir() -> Path | None:
    for bindir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (initdb + pg_ctl); yields its URL without a database name.

    Skipped when the server binaries are absent (Debian: apt-get install -y postgresql). As root, the server runs
    as the `postgres` user (initdb refuses root).
    """
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server: /usr/lib/postgresql/*/bin/initdb not found (apt-get install -y postgresql)")
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]')")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="evidence-pg-"))
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` user to run the server as")
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("running as root and `runuser` is missing")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_user = [runuser, "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()
    options = f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    try:
        subprocess.run(
            [
                *as_user,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60"]
            + ["-o", options, "start"],
            check=True,
            capture_output=True,
            timeout=90,
        )
    except subprocess.CalledProcessError as exc:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')}\n{log}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str, request: pytest.FixtureRequest) -> str:
    """A fresh database on the throwaway server."""
    import psycopg

    name = "t_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name.lower())[:50]
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{pg_server}/{name}"


# ------------------------------------------------------------------------------------------------ helpers per backend


class Db:
    """Query an exported database the same way whatever the engine."""

    def __init__(self, kind: str, url: str) -> None:
        self.kind, self.url = kind, url

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.kind == "sqlite":
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
                return conn.execute(sql).fetchall()
        if self.kind == "duckdb":
            import duckdb

            conn = duckdb.connect(self.url.removeprefix("duckdb:///"), read_only=True)
            try:
                return conn.execute(sql).fetchall()
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.url) as conn:
            return conn.execute(sql).fetchall()

    def count(self, table: str) -> int:
        return int(self.query(f'SELECT COUNT(*) FROM "{table}"')[0][0])

    def column(self, sql: str) -> list[Any]:
        return [r[0] for r in self.query(sql)]

    def foreign_keys(self, table: str) -> set[tuple[str, str, str]]:
        """(column, referenced table, referenced column) of the table's foreign keys, from the catalog."""
        if self.kind == "sqlite":
            return {(r[3], r[2], r[4]) for r in self.query(f"PRAGMA foreign_key_list('{table}')")}
        if self.kind == "duckdb":
            rows = self.query(
                "SELECT constraint_column_names, referenced_table, referenced_column_names FROM duckdb_constraints() "
                f"WHERE constraint_type = 'FOREIGN KEY' AND table_name = '{table}'"
            )
            return {(c[0], t, r[0]) for c, t, r in rows}
        rows = self.query(
            "SELECT kcu.column_name, ccu.table_name, ccu.column_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name "
            "JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = ccu.constraint_name "
            f"WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = '{table}'"
        )
        return {tuple(r) for r in rows}  # type: ignore[misc]

    def primary_key(self, table: str) -> list[str]:
        if self.kind == "sqlite":
            rows = self.query(f"PRAGMA table_info('{table}')")
            return [r[1] for r in sorted((r for r in rows if r[5]), key=lambda r: r[5])]
        if self.kind == "duckdb":
            rows = self.query(
                "SELECT constraint_column_names FROM duckdb_constraints() "
                f"WHERE constraint_type = 'PRIMARY KEY' AND table_name = '{table}'"
            )
            return list(rows[0][0])
        return self.column(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            f"AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '\"{table}\"'::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey, a.attnum)"
        )

    def indexes(self, table: str) -> set[str]:
        if self.kind == "sqlite":
            return {r[1] for r in self.query(f"PRAGMA index_list('{table}')") if r[3] == "c"}
        if self.kind == "duckdb":
            return set(self.column(f"SELECT index_name FROM duckdb_indexes() WHERE table_name = '{table}'"))
        return set(self.column(f"SELECT indexname FROM pg_indexes WHERE tablename = '{table}'")) - {f"{table}_pkey"}


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'db' / 'evidence.sqlite'}"


def _duckdb_url(tmp_path: Path) -> str:
    pytest.importorskip("duckdb", reason="duckdb is not installed")
    return f"duckdb:///{tmp_path / 'db' / 'evidence.duckdb'}"


# ------------------------------------------------------------------------------------------------ the cycle, any SQL


def run_cycle(db: Db, outputs: Path) -> None:
    """Export, check rows/keys/catalog; re-export unchanged; re-extract one document; decisions kept throughout."""
    review = write_decisions(
        outputs / "review.sqlite",
        [
            ("c1", "accepted", {}, "2026-01-02T10:00:00Z"),
            ("c3", "edited", {"effect_direction": "unclear"}, "2026-01-02T10:05:00Z"),
        ],
    )
    first = ex.export(db.url, outputs, run_id="run-1", exported_at="2026-01-03T00:00:00Z")
    assert first.documents_written == ["d1", "d2"]
    counts = {t: db.count(t) for t in ("evidence", "mentions", "studies", "references", "documents", "runs")}
    assert counts == {"evidence": 5, "mentions": 6, "studies": 2, "references": 2, "documents": 2, "runs": 1}
    assert db.count("decisions") == 2 and db.count("decision_log") == 2

    # keys
    assert db.column("SELECT claim_id FROM evidence ORDER BY claim_id") == ["c1", "c2", "c3", "c4", "c5"]
    expected_ids = sorted(
        ex.mention_id(m["doc_id"], m["char_start"], m["char_end"], m["concept_id"]) for m in base_tables()["mentions"]
    )
    assert db.column("SELECT mention_id FROM mentions ORDER BY mention_id") == expected_ids
    assert db.query('SELECT doc_id, "number" FROM "references" ORDER BY "number"') == [("d1", 1), ("d1", 2)]
    assert db.column("SELECT arm_id FROM studies ORDER BY arm_id") == ["a1", "a2"]
    for table in ex.EXPORT_TABLES:
        assert db.primary_key(table.name) == list(table.key), table.name

    # values: lists joined by ';', NULL claim of a mention without claim, run columns
    row = db.query(
        "SELECT route, dose_value, citations, hedged, confidence, run_id, pipeline_version, exported_at "
        "FROM evidence WHERE claim_id = 'c1'"
    )[0]
    assert row[:3] == ("intravenous;intraperitoneal", "2000000.0", "1")
    assert bool(row[3]) is True and row[4] == pytest.approx(0.9)
    assert row[5:] == ("run-1", PIPELINE_VERSION, "2026-01-03T00:00:00Z")
    assert db.column("SELECT doc_id FROM mentions WHERE claim_id IS NULL") == ["d1"]
    assert db.query("SELECT run_id, source_run_id, pipeline_version, documents_written FROM runs") == [
        ("run-1", "20260101T000000Z-aaaaaa", PIPELINE_VERSION, 2)
    ]

    # catalog: foreign keys and indexes
    assert ("claim_id", "evidence", "claim_id") in db.foreign_keys("mentions")
    assert ("run_id", "runs", "run_id") in db.foreign_keys("evidence")
    assert all(ref != "evidence" for _, ref, _ in db.foreign_keys("decisions"))  # decisions outlive claims
    assert {"evidence_doc_id_idx", "evidence_effect_direction_idx", "evidence_study_type_idx"} <= db.indexes("evidence")
    assert {"mentions_doc_id_idx", "mentions_claim_id_idx"} <= db.indexes("mentions")
    assert {"studies_doc_id_idx", "studies_study_type_idx"} <= db.indexes("studies")

    # unchanged re-export: nothing rewritten, rows keep their run
    second = ex.export(db.url, outputs, run_id="run-2", exported_at="2026-01-04T00:00:00Z")
    assert second.documents_written == [] and second.documents_unchanged == 2
    assert db.count("runs") == 2 and db.count("evidence") == 5 and db.count("mentions") == 6
    assert set(db.column("SELECT DISTINCT run_id FROM evidence")) == {"run-1"}

    # d1 re-extracted: c1 changes direction (upsert), c3 is gone, c6 is new; d2 is not touched
    tables = base_tables()
    tables["evidence"][0]["effect_direction"] = "mixed"
    tables["evidence"] = [r for r in tables["evidence"] if r["claim_id"] != "c3"] + [
        claim("c6", "d1", sentence_index=9)
    ]
    tables["mentions"] = [m for m in tables["mentions"] if m["claim_id"] != "c3"] + [
        mention("d1", "c6", 900, "outcome:apoptosis")
    ]
    write_outputs(outputs, tables, run_id="20260105T000000Z-bbbbbb")
    # the review page lost c1's decision but has a newer one for c3 and an older one for nothing else
    write_decisions(review, [("c3", "rejected", {}, "2026-01-06T09:00:00Z")])
    third = ex.export(db.url, outputs, run_id="run-3", exported_at="2026-01-06T12:00:00Z")
    assert third.documents_written == ["d1"]
    assert db.column("SELECT claim_id FROM evidence ORDER BY claim_id") == ["c1", "c2", "c4", "c5", "c6"]
    assert db.query("SELECT effect_direction, run_id FROM evidence WHERE claim_id = 'c1'") == [("mixed", "run-3")]
    assert db.query("SELECT DISTINCT run_id, exported_at FROM evidence WHERE doc_id = 'd2'") == [
        ("run-1", "2026-01-03T00:00:00Z")
    ]
    assert db.count("mentions") == 6
    assert db.column("SELECT claim_id FROM mentions WHERE char_start = 900") == ["c6"]
    assert db.query("SELECT claim_id, status, run_id FROM decisions ORDER BY claim_id") == [
        ("c1", "accepted", "run-1"),  # not in the new review database: kept
        ("c3", "rejected", "run-3"),  # newer decision replaces; its claim is gone but the decision stays
    ]
    assert db.column("SELECT claim_id FROM orphaned_decisions") == ["c3"]
    assert db.count("decision_log") == 3

    # an older decision never replaces a newer one
    write_decisions(review, [("c3", "accepted", {}, "2026-01-01T00:00:00Z")])
    ex.export(db.url, outputs, run_id="run-4", exported_at="2026-01-07T00:00:00Z")
    assert db.query("SELECT status FROM decisions WHERE claim_id = 'c3'") == [("rejected",)]
    assert db.count("decision_log") == 4  # the log keeps every entry it was given


def test_sqlite_export_cycle(outputs: Path, tmp_path: Path) -> None:
    run_cycle(Db("sqlite", _sqlite_url(tmp_path)), outputs)


def test_duckdb_export_cycle(outputs: Path, tmp_path: Path) -> None:
    run_cycle(Db("duckdb", _duckdb_url(tmp_path)), outputs)


def test_postgresql_export_cycle(outputs: Path, pg_url: str) -> None:
    run_cycle(Db("postgresql", pg_url), outputs)


def test_sqlite_enforces_the_mention_foreign_key(outputs: Path, tmp_path: Path) -> None:
    url = _sqlite_url(tmp_path)
    ex.export(url, outputs)
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    conn.execute("PRAGMA foreign_keys = ON")
    row = conn.execute("SELECT * FROM mentions LIMIT 1").fetchone()
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(f"INSERT INTO mentions VALUES ({', '.join('?' * len(row))})", ("m-x", *row[1:3], "nope", *row[4:]))
    conn.close()


def test_a_failed_export_changes_nothing(outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = _sqlite_url(tmp_path)
    ex.export(url, outputs, run_id="run-1")
    tables = base_tables()
    tables["evidence"][0]["effect_direction"] = "harmful"
    write_outputs(outputs, tables)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ex.SqliteTarget, "insert_ignore", broken)
    with pytest.raises(ex.TargetError, match="disk full"):
        ex.export(url, outputs, run_id="run-2")
    db = Db("sqlite", url)
    assert db.query("SELECT effect_direction FROM evidence WHERE claim_id = 'c1'") == [("beneficial",)]
    assert db.count("runs") == 1


def test_an_incompatible_database_is_refused(outputs: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE evidence (claim_id TEXT PRIMARY KEY, sentence TEXT)")
    with pytest.raises(ex.ExportError, match="table evidence has columns"):
        ex.export(f"sqlite:///{path}", outputs)


def test_the_review_pages_extra_columns_are_exported(outputs: Path, tmp_path: Path) -> None:
    """The review page also records the claim's doc_id and sentence: they say what an orphaned decision was about."""
    review = write_decisions(outputs / "review.sqlite", [("gone", "rejected", {"species": "mouse"}, "2026-01-02")])
    with sqlite3.connect(review) as conn:
        conn.execute("ALTER TABLE decisions ADD COLUMN sentence TEXT NOT NULL DEFAULT ''")
        conn.execute("ALTER TABLE decisions ADD COLUMN doc_id TEXT NOT NULL DEFAULT ''")
        conn.execute("ALTER TABLE decisions ADD COLUMN extracted TEXT NOT NULL DEFAULT '{}'")
        conn.execute("UPDATE decisions SET sentence = 'An old sentence.', doc_id = 'd1'")
    url = _sqlite_url(tmp_path)
    ex.export(url, outputs)
    db = Db("sqlite", url)
    assert db.query("SELECT claim_id, doc_id, sentence, edits FROM orphaned_decisions") == [
        ("gone", "d1", "An old sentence.", '{"species": "mouse"}')
    ]


# ------------------------------------------------------------------------------------------------ Parquet


def test_parquet_export_keeps_lists_and_is_idempotent(outputs: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pq"
    write_decisions(outputs / "review.sqlite", [("c1", "accepted", {}, "2026-01-02T10:00:00Z")])
    ex.export(f"parquet:{folder}", outputs, run_id="run-1")
    evidence = pd.read_parquet(folder / "evidence.parquet")
    assert evidence["claim_id"].tolist() == ["c1", "c2", "c3", "c4", "c5"]
    assert list(evidence.loc[0, "route"]) == ["intravenous", "intraperitoneal"]
    assert list(evidence.loc[0, "dose_value"]) == [2000000.0]
    mentions = pd.read_parquet(folder / "mentions.parquet")
    assert len(mentions) == 6 and mentions["claim_id"].isna().sum() == 1
    assert {p.name for p in folder.iterdir()} == {f"{t.name}.parquet" for t in ex.EXPORT_TABLES}

    again = ex.export(f"parquet:{folder}", outputs, run_id="run-2")
    assert again.documents_written == []
    assert len(pd.read_parquet(folder / "runs.parquet")) == 2
    assert set(pd.read_parquet(folder / "evidence.parquet")["run_id"]) == {"run-1"}

    tables = base_tables()
    tables["evidence"][3]["effect_direction"] = "mixed"  # c4 of d2
    write_outputs(outputs, tables)
    write_decisions(outputs / "review.sqlite", [])
    third = ex.export(f"parquet:{folder}", outputs, run_id="run-3")
    assert third.documents_written == ["d2"]
    evidence = pd.read_parquet(folder / "evidence.parquet").set_index("claim_id")
    assert evidence.loc["c4", "effect_direction"] == "mixed" and evidence.loc["c4", "run_id"] == "run-3"
    assert evidence.loc["c1", "run_id"] == "run-1"
    assert pd.read_parquet(folder / "decisions.parquet")["claim_id"].tolist() == ["c1"]


# ------------------------------------------------------------------------------------------------ input forms


def test_a_folder_with_csv_only_exports_the_same_rows(outputs: Path, tmp_path: Path) -> None:
    for path in outputs.glob("*.jsonl"):
        path.unlink()
    url = _sqlite_url(tmp_path)
    ex.export(url, outputs)
    db = Db("sqlite", url)
    assert [db.count(t) for t in ("evidence", "mentions", "studies", "references")] == [5, 6, 2, 2]
    assert db.query("SELECT route, negated, hedged FROM evidence WHERE claim_id = 'c1'") == [
        ("intravenous;intraperitoneal", 0, 1)
    ]


# ------------------------------------------------------------------------------------------------ schema files


def test_schema_files_are_up_to_date() -> None:
    assert ex.SQL_FILE.read_text(encoding="utf-8") == ex.ddl_text(), "run: python -m pipeline.export --write-schema"
    assert ex.JSON_SCHEMA_FILE.read_text(encoding="utf-8") == ex.json_schema_text(), (
        "run: python -m pipeline.export --write-schema"
    )


def test_the_sql_file_builds_the_schema_on_its_own(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "x.sqlite") as conn:
        conn.executescript(ex.SQL_FILE.read_text(encoding="utf-8"))
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert names >= {t.name for t in ex.EXPORT_TABLES} | {"orphaned_decisions"}
    duckdb = pytest.importorskip("duckdb")
    conn = duckdb.connect(str(tmp_path / "x.duckdb"))
    conn.execute(ex.SQL_FILE.read_text(encoding="utf-8"))
    assert {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()} == {
        t.name for t in ex.EXPORT_TABLES
    }
    conn.close()


def test_json_schema_validates_output_and_exported_rows(outputs: Path, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(ex.JSON_SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)

    def validator(table: str) -> Any:
        return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{table}", "$defs": schema["$defs"]})

    for name in ("evidence", "mentions", "studies", "references"):  # the pipeline's own JSONL rows
        for line in (outputs / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            validator(name).validate(json.loads(line))
    folder = tmp_path / "pq"
    write_decisions(outputs / "review.sqlite", [("c1", "accepted", {}, "2026-01-02T10:00:00Z")])
    ex.export(f"parquet:{folder}", outputs)
    for table in ex.EXPORT_TABLES:
        frame = pd.read_parquet(folder / f"{table.name}.parquet")
        rows = json.loads(frame.to_json(orient="records"))
        assert rows, table.name
        for row in rows:
            validator(table.name).validate(row)
    bad = claim("c9", "d1", route=["oral"])
    with pytest.raises(jsonschema.ValidationError):
        validator("evidence").validate(bad)


def test_every_schema_column_is_exported() -> None:
    tables = {t.name: t for t in ex.EXPORT_TABLES}
    for name, table in TABLES.items():
        assert [c for c in tables[name].names if c in table.names] == table.names
    assert tables["mentions"].column("claim_id").nullable


# ------------------------------------------------------------------------------------------------ the command


def run_cli(*argv: str) -> int:
    parser = ex.add_export_arguments(argparse.ArgumentParser(prog="evidence export"))
    return ex.main_export(parser.parse_args(list(argv)))


def test_cli_exports_and_reports(outputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = _sqlite_url(tmp_path)
    assert run_cli("--to", url, "--from", str(outputs)) == 0
    assert "exported 2 documents" in capsys.readouterr().out
    decisions = write_decisions(tmp_path / "elsewhere.sqlite", [("c2", "rejected", {}, "2026-01-02T00:00:00Z")])
    assert run_cli("--to", url, "--from", str(outputs), "--decisions", str(decisions)) == 0
    assert Db("sqlite", url).column("SELECT claim_id FROM decisions") == ["c2"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--to", "mysql://x/y"], "unknown target"),
        (["--to", "sqlite:///"], "no file path"),
        (["--to", "sqlite:///{tmp}/a.sqlite", "--from", "{tmp}/nowhere"], "no such output folder"),
        (["--to", "sqlite:///{tmp}/a.sqlite", "--decisions", "{tmp}/none.sqlite"], "no such decisions database"),
    ],
)
def test_cli_usage_errors_exit_2(
    argv: list[str], message: str, outputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.format(tmp=tmp_path) for a in argv]
    if "--from" not in argv:
        argv += ["--from", str(outputs)]
    assert run_cli(*argv) == 2
    assert message in capsys.readouterr().err


def test_cli_unreachable_postgresql_exits_1(outputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql://nobody:secret@127.0.0.1:{_free_port()}/none"
    assert run_cli("--to", url, "--from", str(outputs)) == 1
    err = capsys.readouterr().err
    assert "cannot connect" in err and "secret" not in err
