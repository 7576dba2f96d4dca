"""The output store: every batch's rows as Parquet parts, and a manifest of which document lives where.

Layout under the output folder::

    dataset/<table>/<part>.parquet   one file per table per batch (a Hive-style dataset: read the folder)
    cache.sqlite                     the manifest: documents, parts, files seen (SQLite)

A batch is committed in two steps: its part files are written (each atomically), then one SQLite transaction
records the part and points its documents at it. A run killed between the two leaves part files the manifest does
not know; the next run deletes them (their documents are not recorded as done, so they are processed again). A
document processed again (changed text or metadata, a new pipeline version) moves to its new part; its old part
is rewritten without it, or, when none of its documents is left, moved to ``runs/<run_id>/superseded/`` of the
run that wrote it, so a re-run never destroys earlier results. Every step is idempotent and re-done at start-up,
so the dataset always holds each document's rows exactly once.

Part names are ``<order>-<hash>``: the input position of the batch's first document (assigned when a document is
first seen, and kept) and a hash of the pipeline version and the batch's documents. A run that is killed and
started again forms the same batches as an uninterrupted one, so it writes the same parts.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.outputs import from_arrow, transaction
from pipeline.schema import Table, empty_frame

ARROW_TYPES = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "list[str]": pa.list_(pa.string()),
    "list[int]": pa.list_(pa.int64()),
    "list[float]": pa.list_(pa.float64()),
}
DATASET = "dataset"
MANIFEST = "cache.sqlite"


def arrow_schema(table: Table) -> pa.Schema:
    """The table's Arrow schema: every part has the same types, even where a part's list columns are all empty."""
    return pa.schema([(c.name, ARROW_TYPES[c.kind]) for c in table.columns])


def to_arrow(frame: pd.DataFrame, table: Table) -> pa.Table:
    """Column by column with the declared types (no inference, no casts)."""
    schema = arrow_schema(table)
    return pa.Table.from_arrays([pa.array(frame[f.name].tolist(), type=f.type) for f in schema], schema=schema)


def write_parquet(frame: pd.DataFrame, table: Table, path: Path) -> None:
    pq.write_table(to_arrow(frame, table), path)


class Store:
    """The dataset and its manifest in ``out_dir`` for one pipeline ``version``. Use from one thread."""

    def __init__(self, out_dir: Path, version: str, tables: Iterable[Table]) -> None:
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.version = version
        self.tables = {t.name: t for t in tables}
        self.con = sqlite3.connect(self.out / MANIFEST, timeout=30)
        # A killed process never leaves a half transaction (the rollback journal is on disk); not waiting for the
        # disk at each commit only risks the last batches' records on a power cut, and those are redone.
        self.con.execute("PRAGMA synchronous=OFF")
        with self.con:
            self.con.executescript(
                """
                DROP TABLE IF EXISTS results_v2;
                CREATE TABLE IF NOT EXISTS docs (doc_id TEXT PRIMARY KEY, ord INTEGER NOT NULL, key TEXT,
                    version TEXT, part TEXT);
                CREATE INDEX IF NOT EXISTS docs_part ON docs (part);
                CREATE TABLE IF NOT EXISTS parts (name TEXT PRIMARY KEY, run_id TEXT NOT NULL,
                    doc_ids TEXT NOT NULL, created TEXT NOT NULL, live INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
                    docs TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS part_rows (part TEXT NOT NULL, tbl TEXT NOT NULL, n INTEGER NOT NULL,
                    PRIMARY KEY (part, tbl));
                INSERT OR IGNORE INTO meta VALUES ('generation', 0), ('tables_generation', -1);
                """
            )
        self._files: list[tuple[str, int, int, str]] = []
        self.next_ord = self.con.execute("SELECT COALESCE(MAX(ord) + 1, 0) FROM docs").fetchone()[0]
        self.reconcile()

    def close(self) -> None:
        with self.con:
            self._save_files()
        self.con.close()

    # ------------------------------------------------------------------------------------------ documents

    def is_done(self, doc_id: str, key: str) -> bool:
        row = self.con.execute(
            "SELECT 1 FROM docs WHERE doc_id=? AND key=? AND version=? AND part IS NOT NULL",
            (doc_id, key, self.version),
        ).fetchone()
        return row is not None

    def unchanged_file(self, path: Path) -> list[tuple[str, str]] | None:
        """``(doc_id, content_hash)`` of every document of ``path`` when the file is as it was when last read and
        all its documents are done with this pipeline version; else None (the file must be read)."""
        row = self.con.execute("SELECT size, mtime_ns, docs FROM files WHERE path=?", (str(path),)).fetchone()
        if row is None:
            return None
        try:
            info = path.stat()
        except OSError:
            return None
        if (info.st_size, info.st_mtime_ns) != (row[0], row[1]):
            return None
        docs = json.loads(row[2])
        if not all(self.is_done(doc_id, key) for doc_id, key, _ in docs):
            return None
        return [(doc_id, content_hash) for doc_id, _, content_hash in docs]

    def record_file(self, path: Path, info: os.stat_result, docs: list[tuple[str, str, str]]) -> None:
        """Remember what ``path`` held (``(doc_id, key, content_hash)``) when it had this size and mtime (saved
        with the next batch's positions, or at :meth:`close`: one transaction, not one per file)."""
        self._files.append((str(path), info.st_size, info.st_mtime_ns, json.dumps(docs)))

    def _save_files(self) -> None:
        if self._files:
            self.con.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", self._files)
            self._files = []

    def assign_order(self, doc_ids: Iterable[str]) -> None:
        """Give documents seen for the first time the next input positions (kept for good, so a resumed run and
        an uninterrupted one order their rows the same way)."""
        with self.con:
            self._save_files()
            for doc_id in doc_ids:
                cur = self.con.execute(
                    "INSERT OR IGNORE INTO docs (doc_id, ord) VALUES (?, ?)", (doc_id, self.next_ord)
                )
                self.next_ord += cur.rowcount

    def order(self) -> dict[str, int]:
        return dict(self.con.execute("SELECT doc_id, ord FROM docs WHERE part IS NOT NULL"))

    def count_docs(self) -> int:
        return self.con.execute("SELECT COUNT(*) FROM docs WHERE part IS NOT NULL").fetchone()[0]

    # ------------------------------------------------------------------------------------------ parts

    def part_path(self, table: str, name: str) -> Path:
        return self.out / DATASET / table / f"{name}.parquet"

    def part_name(self, doc_ids: list[str]) -> str:
        first = self.con.execute(
            f"SELECT MIN(ord) FROM docs WHERE doc_id IN ({','.join('?' * len(doc_ids))})", doc_ids
        ).fetchone()[0]
        digest = hashlib.sha256("\n".join([self.version, *doc_ids]).encode()).hexdigest()[:12]
        return f"{first or 0:09d}-{digest}"

    def commit(self, run_id: str, keys: dict[str, str], frames: dict[str, pd.DataFrame]) -> str | None:
        """Store one batch: ``keys`` maps each processed document to its key, ``frames`` holds the batch's validated
        rows per table. Returns the part's name (None for an empty batch)."""
        doc_ids = list(keys)
        if not doc_ids:
            return None
        self.assign_order(doc_ids)
        name = self.part_name(doc_ids)
        with transaction() as staged:
            for table_name, frame in frames.items():
                table = self.tables[table_name]
                path = self.part_path(table_name, name)
                if len(frame):
                    staged.write(path, lambda p, f=frame, t=table: write_parquet(f, t, p))
                elif path.exists():
                    path.unlink()
        placeholders = ",".join("?" * len(doc_ids))
        with self.con:
            old = [
                r[0]
                for r in self.con.execute(
                    f"SELECT DISTINCT part FROM docs WHERE doc_id IN ({placeholders}) AND part IS NOT NULL "
                    "AND part != ?",
                    [*doc_ids, name],
                )
            ]
            self.con.execute(
                "INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, 1)",
                (name, run_id, json.dumps(doc_ids), datetime.now(UTC).isoformat()),
            )
            self.con.executemany(
                "UPDATE docs SET key=?, version=?, part=? WHERE doc_id=?",
                [(keys[d], self.version, name, d) for d in doc_ids],
            )
            self._set_rows(name, {t: len(f) for t, f in frames.items()})
        self._bump()
        self.reconcile(old)
        return name

    def reconcile(self, names: Iterable[str] | None = None) -> None:
        """Make the dataset match the manifest: parts whose documents all moved on go to their run's
        ``superseded/`` folder, parts that lost some are rewritten without them, files of uncommitted parts are
        deleted. ``names=None`` checks every part (at start-up, after a killed run)."""
        if names is None:
            live = {r[0] for r in self.con.execute("SELECT name FROM parts WHERE live=1")}
            for folder in (self.out / DATASET).glob("*"):
                for path in folder.glob("*.parquet"):
                    if path.stem not in live:
                        self._retire_file(path)
            names = live
        for name in names:
            row = self.con.execute("SELECT run_id, doc_ids FROM parts WHERE name=? AND live=1", (name,)).fetchone()
            if row is None:
                continue
            run_id, held = row[0], json.loads(row[1])
            kept = [r[0] for r in self.con.execute("SELECT doc_id FROM docs WHERE part=?", (name,))]
            if len(kept) == len(held):
                continue
            if not kept:
                for table in self.tables:
                    path = self.part_path(table, name)
                    if path.exists():
                        self._retire_file(path, run_id)
                with self.con:
                    self.con.execute("UPDATE parts SET live=0 WHERE name=?", (name,))
            else:
                keep = set(kept)
                rows = {}
                with transaction() as staged:
                    for table_name, table in self.tables.items():
                        path = self.part_path(table_name, name)
                        if path.exists():
                            frame = self.read_part(table_name, name)
                            frame = frame[frame["doc_id"].isin(keep)]
                            rows[table_name] = len(frame)
                            staged.write(path, lambda p, f=frame, t=table: write_parquet(f, t, p))
                with self.con:
                    self.con.execute("UPDATE parts SET doc_ids=? WHERE name=?", (json.dumps(kept), name))
                    self._set_rows(name, rows)
            self._bump()

    def _bump(self) -> None:
        with self.con:
            self.con.execute("UPDATE meta SET v = v + 1 WHERE k='generation'")

    def _meta(self, key: str) -> int:
        return self.con.execute("SELECT v FROM meta WHERE k=?", (key,)).fetchone()[0]

    def tables_stale(self) -> bool:
        """True when the dataset changed since the single-file tables were last written from it."""
        return self._meta("generation") != self._meta("tables_generation")

    def mark_tables_written(self) -> None:
        with self.con:
            self.con.execute("UPDATE meta SET v=? WHERE k='tables_generation'", (self._meta("generation"),))

    def _set_rows(self, name: str, rows: dict[str, int]) -> None:
        """Record each table's row count in part ``name`` (inside the caller's transaction)."""
        self.con.execute("DELETE FROM part_rows WHERE part=?", (name,))
        self.con.executemany("INSERT INTO part_rows VALUES (?, ?, ?)", [(name, t, n) for t, n in rows.items()])

    def count_rows(self, table: str) -> int:
        """Rows of ``table`` in the dataset: the counts recorded at commit; a part committed by a version that did
        not record them is counted from its Parquet footer."""
        total = 0
        query = (
            "SELECT parts.name, part_rows.n FROM parts LEFT JOIN part_rows "
            "ON part_rows.part = parts.name AND part_rows.tbl = ? WHERE parts.live = 1"
        )
        for name, n in self.con.execute(query, (table,)).fetchall():
            if n is not None:
                total += n
                continue
            counted = self.con.execute("SELECT 1 FROM part_rows WHERE part=? LIMIT 1", (name,)).fetchone()
            path = self.part_path(table, name)
            if counted is None and path.exists():
                total += pq.ParquetFile(path).metadata.num_rows
        return total

    def _retire_file(self, path: Path, run_id: str | None = None) -> None:
        """Move a part file out of the dataset: to ``runs/<run_id>/superseded/`` for a committed part, away for
        a part no run committed (its documents are processed again)."""
        if run_id is None:
            row = self.con.execute("SELECT run_id FROM parts WHERE name=?", (path.stem,)).fetchone()
            if row is None:
                path.unlink(missing_ok=True)
                return
            run_id = row[0]
        dest = self.out / "runs" / run_id / "superseded" / path.parent.name / path.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, dest)

    def live_parts(self, run_id: str | None = None) -> list[str]:
        query = "SELECT name FROM parts WHERE live=1" + (" AND run_id=?" if run_id else "") + " ORDER BY name"
        return [r[0] for r in self.con.execute(query, (run_id,) if run_id else ())]

    def run_doc_ids(self, run_id: str) -> set[str]:
        """The documents whose live rows ``run_id`` wrote."""
        return {
            r[0]
            for r in self.con.execute(
                "SELECT docs.doc_id FROM docs JOIN parts ON docs.part = parts.name "
                "WHERE parts.run_id=? AND parts.live=1",
                (run_id,),
            )
        }

    def read_part(self, table: str, name: str) -> pd.DataFrame:
        path = self.part_path(table, name)
        if not path.exists():
            return empty_frame(self.tables[table])
        return from_arrow(pq.read_table(path), self.tables[table])

    def read_table(self, table: str, run_id: str | None = None) -> pd.DataFrame:
        """All live rows of ``table`` (or only those of parts ``run_id`` wrote), ordered by the documents' input
        positions, each document's rows in the order they were extracted."""
        frames = [self.read_part(table, name) for name in self.live_parts(run_id)]
        frames = [f for f in frames if len(f)]
        if not frames:
            return empty_frame(self.tables[table])
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        order = self.order()
        position = frame["doc_id"].map(order)
        return frame.iloc[position.argsort(kind="stable")].reset_index(drop=True)
