"""The curator's decisions: a SQLite database keyed by the stable ``claim_id``.

The two tables below are a contract (the export code of other tools reads them):

- ``decisions``: the current decision per claim (``accepted``, ``rejected`` or ``edited``), the reviewer's edits as
  a JSON object ``field -> new value`` (lists as ``;``-joined strings, booleans ``true``/``false``), a comment, the
  reviewer and the time (ISO 8601, UTC). Three extra columns keep what the claim looked like when it was decided:
  ``sentence`` and ``doc_id`` (so a decision whose claim disappears after a re-run can still be shown, as
  *orphaned*) and ``extracted`` (the extracted values of the editable fields, JSON, to flag a re-run that changed
  them).
- ``decision_log``: every change, appended, never rewritten: who, when, what, and the previous decision row as JSON
  (``NULL`` for a first decision).

Decisions are never deleted: a claim that comes back after a re-run keeps its decision, one that does not is listed
as orphaned.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

STATUSES = ("accepted", "rejected", "edited")

#: The contract: exactly these columns (other tools read them); the extra columns below are added to it.
DECISIONS_DDL = (
    "CREATE TABLE IF NOT EXISTS decisions ("
    "claim_id TEXT PRIMARY KEY, "
    "status TEXT NOT NULL CHECK (status IN ('accepted','rejected','edited')), "
    "edits TEXT NOT NULL DEFAULT '{}', "
    "comment TEXT NOT NULL DEFAULT '', "
    "reviewer TEXT NOT NULL DEFAULT '', "
    "decided_at TEXT NOT NULL)"
)
LOG_DDL = (
    "CREATE TABLE IF NOT EXISTS decision_log ("
    "id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "claim_id TEXT NOT NULL, "
    "status TEXT NOT NULL, "
    "edits TEXT NOT NULL, "
    "comment TEXT NOT NULL, "
    "reviewer TEXT NOT NULL, "
    "decided_at TEXT NOT NULL, "
    "previous TEXT)"
)
#: Columns this module adds to ``decisions`` (a database created from the bare contract gets them on open).
EXTRA_COLUMNS = {
    "sentence": "TEXT NOT NULL DEFAULT ''",
    "doc_id": "TEXT NOT NULL DEFAULT ''",
    "extracted": "TEXT NOT NULL DEFAULT '{}'",
}
CONTRACT_COLUMNS = ("claim_id", "status", "edits", "comment", "reviewer", "decided_at")


def utc_now() -> str:
    """The current time, ISO 8601 in UTC with milliseconds: ``2026-01-31T12:00:00.123+00:00``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Decision:
    claim_id: str
    status: str
    edits: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    reviewer: str = ""
    decided_at: str = ""
    sentence: str = ""
    doc_id: str = ""
    extracted: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Decision:
        return cls(
            claim_id=row["claim_id"],
            status=row["status"],
            edits=_json_object(row["edits"]),
            comment=row["comment"],
            reviewer=row["reviewer"],
            decided_at=row["decided_at"],
            sentence=row["sentence"] or "",
            doc_id=row["doc_id"] or "",
            extracted=_json_object(row["extracted"]),
        )

    def to_json(self) -> dict:
        return {
            "claim_id": self.claim_id,
            "status": self.status,
            "edits": dict(self.edits),
            "comment": self.comment,
            "reviewer": self.reviewer,
            "decided_at": self.decided_at,
            "sentence": self.sentence,
            "doc_id": self.doc_id,
        }


@dataclass(frozen=True)
class LogEntry:
    id: int
    claim_id: str
    status: str
    edits: dict[str, str]
    comment: str
    reviewer: str
    decided_at: str
    previous: dict | None


def _json_object(text: str | None) -> dict:
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


class DecisionStore:
    """Read and write decisions in one SQLite file (created with its tables on first use)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute(DECISIONS_DDL)
            conn.execute(LOG_DDL)
            conn.execute("CREATE INDEX IF NOT EXISTS decision_log_claim ON decision_log (claim_id)")
            have = {r["name"] for r in conn.execute("PRAGMA table_info(decisions)")}
            for name, ddl in EXTRA_COLUMNS.items():
                if name not in have:
                    conn.execute(f"ALTER TABLE decisions ADD COLUMN {name} {ddl}")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def get(self, claim_id: str) -> Decision | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM decisions WHERE claim_id = ?", (claim_id,)).fetchone()
        return Decision.from_row(row) if row else None

    def all(self) -> dict[str, Decision]:
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM decisions ORDER BY decided_at, claim_id").fetchall()
        return {row["claim_id"]: Decision.from_row(row) for row in rows}

    def decide(
        self,
        claim_id: str,
        status: str,
        edits: dict[str, str] | None = None,
        comment: str = "",
        reviewer: str = "",
        *,
        sentence: str = "",
        doc_id: str = "",
        extracted: dict[str, str] | None = None,
        decided_at: str | None = None,
    ) -> Decision:
        """Record (or replace) the decision on one claim and append the change to the log, in one transaction."""
        edits = dict(edits or {})
        if not claim_id:
            raise ValueError("claim_id is empty")
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        if any(not isinstance(k, str) or not isinstance(v, str) for k, v in edits.items()):
            raise ValueError("edits must map field names to strings")
        if status == "edited" and not edits:
            raise ValueError("an edited decision needs at least one edit")
        if status != "edited" and edits:
            raise ValueError(f"a decision '{status}' carries no edits")
        decided_at = decided_at or utc_now()
        edits_json = json.dumps(edits, ensure_ascii=False, sort_keys=True)
        extracted_json = json.dumps(extracted or {}, ensure_ascii=False, sort_keys=True)
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM decisions WHERE claim_id = ?", (claim_id,)).fetchone()
            previous = json.dumps(dict(row), ensure_ascii=False) if row else None
            if row is not None:
                # Keep what is known about the claim when the caller no longer has it (an orphan re-decided).
                sentence = sentence or row["sentence"] or ""
                doc_id = doc_id or row["doc_id"] or ""
                if extracted is None:
                    extracted_json = row["extracted"] or "{}"
            conn.execute(
                "INSERT INTO decisions (claim_id, status, edits, comment, reviewer, decided_at, sentence, doc_id, "
                "extracted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (claim_id) DO UPDATE SET "
                "status = excluded.status, edits = excluded.edits, comment = excluded.comment, "
                "reviewer = excluded.reviewer, decided_at = excluded.decided_at, sentence = excluded.sentence, "
                "doc_id = excluded.doc_id, extracted = excluded.extracted",
                (claim_id, status, edits_json, comment, reviewer, decided_at, sentence, doc_id, extracted_json),
            )
            conn.execute(
                "INSERT INTO decision_log (claim_id, status, edits, comment, reviewer, decided_at, previous) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (claim_id, status, edits_json, comment, reviewer, decided_at, previous),
            )
            new = conn.execute("SELECT * FROM decisions WHERE claim_id = ?", (claim_id,)).fetchone()
        return Decision.from_row(new)

    def log(self, claim_id: str | None = None) -> list[LogEntry]:
        """The change log, oldest first (of one claim, or of all)."""
        query = "SELECT * FROM decision_log"
        params: tuple = ()
        if claim_id is not None:
            query += " WHERE claim_id = ?"
            params = (claim_id,)
        with self._connect() as conn:
            rows = conn.execute(query + " ORDER BY id", params).fetchall()
        return [
            LogEntry(
                id=r["id"],
                claim_id=r["claim_id"],
                status=r["status"],
                edits=_json_object(r["edits"]),
                comment=r["comment"],
                reviewer=r["reviewer"],
                decided_at=r["decided_at"],
                previous=json.loads(r["previous"]) if r["previous"] else None,
            )
            for r in rows
        ]

    def orphans(self, current_claim_ids: Iterable[str]) -> list[Decision]:
        """Decisions on claims that are not in the evidence table any more (kept, never deleted)."""
        current = set(current_claim_ids)
        return [d for d in self.all().values() if d.claim_id not in current]
