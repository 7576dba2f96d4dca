"""The reviewed evidence table: accepted and edited claims, with the reviewer's values applied.

``reviewed.csv`` and ``reviewed.parquet`` have the evidence table's columns (same types and CSV conventions; ids
realigned with edited knowledge-base fields, dose values re-parsed from edited doses) followed by the review
columns below. Rejected and undecided claims are left out, and so are orphaned decisions (their claim is not in the
evidence table any more). Both files are written atomically.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.kb import KnowledgeBase, load_kb
from pipeline.outputs import write_table
from pipeline.review.data import OutputFolder, apply_edits
from pipeline.review.decisions import DecisionStore
from pipeline.schema import EVIDENCE, Column, Table

REVIEW_COLUMNS = (
    Column("review_status", "str", "the reviewer's decision", ("accepted", "edited")),
    Column("review_edited_fields", "list[str]", "fields whose value the reviewer changed"),
    Column("review_comment", "str", "the reviewer's comment", required=False),
    Column("reviewer", "str", "who decided", required=False),
    Column("reviewed_at", "str", "when (ISO 8601, UTC)"),
)
REVIEWED = Table("reviewed", (*EVIDENCE.columns, *REVIEW_COLUMNS), key=("claim_id",))
FORMATS = ("csv", "parquet")


def reviewed_frame(out_dir: Path, db_path: Path, kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """The reviewed rows (accepted and edited), in document and sentence order."""
    kb = kb or load_kb()
    data = OutputFolder(Path(out_dir)).load()
    decisions = DecisionStore(db_path).all()
    rows = []
    for row in sorted(data.rows, key=lambda r: (r["doc_id"], r["sentence_index"], r["claim_id"])):
        decision = decisions.get(row["claim_id"])
        if decision is None or decision.status not in ("accepted", "edited"):
            continue
        reviewed = apply_edits(row, decision.edits, kb)
        reviewed.update(
            review_status=decision.status,
            review_edited_fields=sorted(decision.edits),
            review_comment=decision.comment,
            reviewer=decision.reviewer,
            reviewed_at=decision.decided_at,
        )
        rows.append(reviewed)
    if not rows:
        return pd.DataFrame({name: pd.Series(dtype="object") for name in REVIEWED.names})
    return pd.DataFrame(rows, columns=REVIEWED.names)


def export_reviewed(out_dir: Path, db_path: Path, dest_dir: Path, kb: KnowledgeBase | None = None) -> list[Path]:
    """Write ``reviewed.csv`` and ``reviewed.parquet`` into ``dest_dir`` (atomically); return their paths."""
    frame = reviewed_frame(Path(out_dir), Path(db_path), kb)
    return write_table(frame, REVIEWED, Path(dest_dir), formats=FORMATS)
