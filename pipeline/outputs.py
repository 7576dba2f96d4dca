"""Writing tables and reports atomically.

Every file is written to a temporary file in the same folder and moved into place with ``os.replace``, so a
reader never sees a half-written file and a crash leaves the previous version intact. Each run also keeps its
own copy under ``<out>/runs/<run_id>/``, so a re-run never destroys earlier results.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd

from pipeline.schema import Table, empty_frame, validate


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` then move the temporary file onto ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_json(path: Path, data) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def to_csv_frame(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Lists become ``;``-joined strings; booleans ``true``/``false``."""
    out = frame.copy()
    for name in table.list_columns():
        out[name] = out[name].map(lambda v: ";".join(str(x) for x in v))
    for col in table.columns:
        if col.kind == "bool":
            out[col.name] = out[col.name].map(lambda v: "true" if v else "false")
    return out


def write_table(
    frame: pd.DataFrame, table: Table, out_dir: Path, formats=("csv", "parquet", "jsonl"), validated: bool = False
) -> list[Path]:
    """Validate ``frame`` against ``table`` (unless the caller just did) and write it in each format."""
    if not validated:
        frame = validate(frame, table)
    written = []
    for fmt in formats:
        path = out_dir / f"{table.name}.{fmt}"
        if fmt == "csv":
            atomic_write(path, partial(to_csv_frame(frame, table).to_csv, index=False))
        elif fmt == "parquet":
            atomic_write(path, partial(frame.to_parquet, index=False))
        elif fmt == "jsonl":
            atomic_write(path, partial(frame.to_json, orient="records", lines=True, force_ascii=False))
        else:
            raise ValueError(f"unknown format {fmt}")
        written.append(path)
    return written


def read_table(out_dir: Path, table: Table) -> pd.DataFrame:
    """Read a table written by :func:`write_table` (JSONL keeps the list and bool types), or an empty one."""
    path = out_dir / f"{table.name}.jsonl"
    if not path.exists() or path.stat().st_size == 0:
        return empty_frame(table)
    frame = pd.read_json(path, orient="records", lines=True, dtype=False)
    for col in table.columns:
        if col.name not in frame.columns:
            frame[col.name] = [[] if col.kind.startswith("list") else "" for _ in range(len(frame))]
        elif col.kind.startswith("list"):
            frame[col.name] = frame[col.name].map(lambda v: list(v) if isinstance(v, list) else [])
        elif col.kind == "str":
            frame[col.name] = frame[col.name].map(lambda v: "" if v is None else str(v))
        elif col.kind == "bool":
            frame[col.name] = frame[col.name].map(bool)
        elif col.kind == "int":
            frame[col.name] = frame[col.name].map(int)
        elif col.kind == "float":
            frame[col.name] = frame[col.name].map(float)
    return frame[table.names]


def merge_with_previous(new: pd.DataFrame, previous: pd.DataFrame, doc_ids: set[str]) -> pd.DataFrame:
    """Rows of documents processed in this run replace their earlier rows; other documents' rows are kept."""
    kept = previous[~previous["doc_id"].isin(doc_ids)] if len(previous) else previous
    if not len(kept):
        return new.reset_index(drop=True)
    if not len(new):
        return kept.reset_index(drop=True)
    return pd.concat([kept, new], ignore_index=True)
