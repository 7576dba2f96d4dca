"""Score two commits of the pipeline on documents that neither was tuned on.

A new batch of development documents is written and annotated after the rules of a commit; before anyone tunes
on it, this script runs the extract flow of each given commit (checked out into temporary git worktrees, with
this checkout's virtual environment) on those documents and scores them with ``evidence check`` against their
gold rows. It is how the README's "fresh documents" figures were measured:

    .venv/bin/python benchmarks/fresh_check.py cbe81b4 9ca959b --docs 'corpus/dev/tune/tune6[3-9]_*' \
        'corpus/dev/tune/tune70_*' --json benchmarks/results/fresh_check.json

(Knowledge base only, ``--no-models``, as the tuning checks; the models leave these tables unchanged.)
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "corpus" / "gold" / "dev_tune.csv"


def _run(args: list[str], cwd: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed in {cwd}:\n{result.stderr[-2000:]}")


def score(commit: str, docs: Path, gold: Path, work: Path) -> dict:
    tree = work / f"tree_{commit}"
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), commit], cwd=REPO, check=True)
    try:
        out = work / f"out_{commit}"
        cli = [sys.executable, "-m", "pipeline.cli"]
        _run([*cli, "extract", str(docs), "--out", str(out), "--no-models", "--no-progress"], tree)
        _run([*cli, "check", "--gold", str(gold), "--evidence", str(out / "evidence.csv")], tree)
        check = json.loads((out / "check.json").read_text())
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=REPO, check=False)
    fields = check["fields"]
    return {
        "claims_f1": check["claims"]["f1"],
        "doc_f1": {k: v["document"]["f1"] for k, v in fields.items() if v.get("document")},
        "claim_f1": {k: v["claim"]["f1"] for k, v in fields.items() if v.get("claim")},
        "tuples_f1": {k: v["f1"] for k, v in check["tuples"].items()},
        "non_beneficial_recall": check["non_beneficial_recall"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commits", nargs="+", help="commits to compare, oldest first")
    parser.add_argument("--docs", nargs="+", required=True, help="glob patterns of the documents (repo-relative)")
    parser.add_argument("--gold", type=Path, default=GOLD, help="gold table holding their rows")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    files = sorted({f for pattern in args.docs for f in glob.glob(str(REPO / pattern))})
    if not files:
        sys.exit(f"no documents match {args.docs}")
    ids = {Path(f).stem for f in files}
    with tempfile.TemporaryDirectory(prefix="evidence-fresh-") as tmp:
        work = Path(tmp)
        docs = work / "docs"
        docs.mkdir()
        for f in files:
            shutil.copy(f, docs)
        gold = work / "gold.csv"
        with args.gold.open(newline="", encoding="utf-8") as src, gold.open("w", newline="", encoding="utf-8") as dst:
            reader = csv.DictReader(src)
            writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
            writer.writeheader()
            writer.writerows(row for row in reader if row["doc_id"] in ids)
        results = {commit: score(commit, docs, gold, work) for commit in args.commits}
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/fresh_check.py " + " ".join(args.commits) + " --docs " + " ".join(args.docs),
        "documents": sorted(ids),
        "results": results,
    }
    rows = [
        ("finding tuples", lambda r: r["tuples_f1"]["finding"]),
        ("design tuples", lambda r: r["tuples_f1"]["design"]),
        ("outcome_effects tuples", lambda r: r["tuples_f1"]["outcome_effects"]),
        ("non-beneficial recall (same direction)", lambda r: r["non_beneficial_recall"]["same_direction"]),
        ("effect_direction, claim F1", lambda r: r["claim_f1"]["effect_direction"]),
        ("timing, doc F1", lambda r: r["doc_f1"]["timing"]),
        ("dose, doc F1", lambda r: r["doc_f1"]["dose"]),
        ("study_type, doc F1", lambda r: r["doc_f1"]["study_type"]),
        ("n_patients, doc F1", lambda r: r["doc_f1"]["n_patients"]),
    ]
    print("| measure | " + " | ".join(args.commits) + " |")
    print("|---|" + "---:|" * len(args.commits))
    for name, get in rows:
        # (a field no gold row of these documents fills, e.g. n_patients without a trial, has no figure)
        cells = [get(results[c]) for c in args.commits]
        print(f"| {name} | " + " | ".join("–" if v is None else f"{v:.2f}" for v in cells) + " |")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
