"""Writing tables and reports atomically.

Every file is written to a temporary file in the same folder and moved into place with ``os.replace``, so a
reader never sees a half-written file and a crash leaves the previous version intact. Files that belong together
(the tables and report of one run) are written in a :func:`transaction`: every temporary file first, then all are
moved into place, so an error while writing any of them (a full disk, a value a format cannot store) leaves every
earlier file as it was and no temporary file behind. Each run also keeps its own copy under
``<out>/runs/<run_id>/``, so a re-run never destroys earlier results.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path

import pandas as pd

from pipeline.schema import Table, empty_frame, validate


class Staged:
    """Files written to temporary files, moved into place together by :meth:`commit` (or removed by :meth:`discard`,
    with the folders staging created)."""

    def __init__(self) -> None:
        self.files: list[tuple[Path, Path]] = []  # (temporary file, destination)
        self.created: list[Path] = []  # folders made for them, outermost first

    def write(self, path: Path, write: Callable[[Path], None]) -> None:
        """Call ``write(tmp_path)`` on a new temporary file beside ``path``."""
        missing = [d for d in (path.parent, *path.parent.parents) if not d.exists()]
        path.parent.mkdir(parents=True, exist_ok=True)
        self.created += [d for d in reversed(missing) if d not in self.created]
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        self.files.append((Path(tmp), path))
        write(Path(tmp))

    def commit(self) -> None:
        try:
            while self.files:
                tmp, path = self.files[0]
                os.replace(tmp, path)
                self.files.pop(0)
        except BaseException:
            self.discard()
            raise
        self.created = []

    def discard(self) -> None:
        for tmp, _ in self.files:
            tmp.unlink(missing_ok=True)
        self.files = []
        for folder in reversed(self.created):  # innermost first; only if nothing else was put there
            try:
                folder.rmdir()
            except OSError:
                pass
        self.created = []


@contextmanager
def transaction() -> Iterator[Staged]:
    """Stage files with ``staged.write(path, writer)`` (or ``write_table(..., staged=staged)``); they replace their
    destinations together when the block ends, and none does if it raises."""
    staged = Staged()
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise
    staged.commit()


def atomic_write(path: Path, write: Callable[[Path], None], staged: Staged | None = None) -> None:
    """Call ``write(tmp_path)`` then move the temporary file onto ``path`` (when ``staged`` is given: when that
    transaction commits)."""
    if staged is not None:
        staged.write(path, write)
        return
    with transaction() as own:
        own.write(path, write)


def write_text(path: Path, text: str, staged: Staged | None = None) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"), staged)


def write_json(path: Path, data, staged: Staged | None = None) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", staged)


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
    frame: pd.DataFrame,
    table: Table,
    out_dir: Path,
    formats=("csv", "parquet", "jsonl"),
    validated: bool = False,
    staged: Staged | None = None,
) -> list[Path]:
    """Validate ``frame`` against ``table`` (unless the caller just did) and write it in each format: all formats
    or none (in the caller's transaction ``staged`` when given)."""
    if not validated:
        frame = validate(frame, table)
    unknown = [fmt for fmt in formats if fmt not in ("csv", "parquet", "jsonl")]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]}")
    written = []
    with transaction() if staged is None else nullcontext(staged) as files:
        for fmt in formats:
            path = out_dir / f"{table.name}.{fmt}"
            if fmt == "csv":
                files.write(path, partial(to_csv_frame(frame, table).to_csv, index=False))
            elif fmt == "parquet":
                files.write(path, partial(frame.to_parquet, index=False))
            else:
                files.write(path, partial(frame.to_json, orient="records", lines=True, force_ascii=False))
            written.append(path)
    return written


def from_arrow(data, table: Table) -> pd.DataFrame:
    """An Arrow table back in the in-memory form the program validates: Python lists, ints, floats, bools."""
    if not data.num_rows:
        return empty_frame(table)
    frame = data.select(table.names).to_pandas()
    for col in table.columns:
        if col.kind.startswith("list"):  # numpy arrays -> Python lists of Python values
            frame[col.name] = [values.tolist() for values in frame[col.name]]
    return frame


def read_dataset(folder: Path, table: Table) -> pd.DataFrame:
    """All rows of a table's Parquet dataset folder (``<out>/dataset/<table>/``), parts in name order."""
    import pyarrow.parquet as pq

    frames = [from_arrow(pq.read_table(path), table) for path in sorted(folder.glob("*.parquet"))]
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_frame(table)
    return pd.concat(frames, ignore_index=True)


def read_table(out_dir: Path, table: Table) -> pd.DataFrame:
    """Read a table written by :func:`write_table` (JSONL keeps the list and bool types); for an output folder
    kept as a Parquet dataset only (``dataset/<table>/``), the dataset; else an empty table."""
    path = out_dir / f"{table.name}.jsonl"
    dataset = out_dir / "dataset" / table.name
    if not path.exists() and dataset.is_dir():
        return read_dataset(dataset, table)
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
