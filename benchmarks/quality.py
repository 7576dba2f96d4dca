"""Extraction quality on the bundled gold tables: the review, and the development set's tune and test splits.

Runs the real extract flow over ``corpus/`` into a temporary folder, then ``evidence check`` against each gold
table, and prints per-field document-level and claim-level F1 as a Markdown table (the README's figures).
The test split (``corpus/gold/dev_test.csv``) was written before any tuning and is never tuned on.

    .venv/bin/python benchmarks/quality.py [--json benchmarks/results/quality.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pipeline.check import DOC_FIELDS, run_check

REPO = Path(__file__).resolve().parent.parent


SPLITS = {"review": "review.csv", "dev tune": "dev_tune.csv", "dev test (held out)": "dev_test.csv"}
FIELDS = DOC_FIELDS


def _f(x) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" / "quality.json")
    parser.add_argument("--no-models", action="store_true", help="knowledge base only (no trained NER models)")
    args = parser.parse_args(argv)
    from pipeline.flows import extract_flow

    results = {}
    with tempfile.TemporaryDirectory(prefix="evidence-quality-") as tmp:
        out = Path(tmp)
        report = extract_flow(
            inputs=[str(REPO / "corpus")], out_dir=str(out), use_cache=False, use_models=not args.no_models
        )
        for name, gold in SPLITS.items():
            results[name] = run_check(REPO / "corpus" / "gold" / gold, out / "evidence.jsonl", out / name)
    names = list(SPLITS)
    lines = [
        "| field | " + " | ".join(f"{n}: doc F1 | {n}: claim F1" for n in names) + " |",
        "|---|" + "---|---|" * len(names),
    ]
    for field in FIELDS:
        cells = []
        for n in names:
            scores = results[n]["fields"][field]
            cells += [_f((scores["document"] or {}).get("f1")), _f(scores["claim"]["f1"])]
        lines.append(f"| {field} | " + " | ".join(cells) + " |")
    for field in ("claim_type", "negated", "hedged"):
        cells = []
        for n in names:
            cells += ["", _f(results[n]["fields"][field]["claim"]["f1"])]
        lines.append(f"| {field} | " + " | ".join(cells) + " |")
    for kind in ("finding", "design", "outcome_effects"):
        cells = []
        for n in names:
            cells += [_f(results[n]["tuples"][kind]["f1"]), ""]
        lines.append(f"| {kind} tuples (F1, per document) | " + " | ".join(cells) + " |")
    cells = []
    for n in names:
        nb = results[n]["non_beneficial_recall"]
        cells += ["", f"{_f(nb['same_direction'])} ({nb['gold_findings']} gold)"]
    lines.append("| non-beneficial findings recalled with their direction | " + " | ".join(cells) + " |")
    lines.append(
        "| claims found (sentence match) | "
        + " | ".join(f" | {_f(results[n]['claims']['f1'])} ({results[n]['claims']['gold']} gold)" for n in names)
        + " |"
    )
    table = "\n".join(lines)
    print(table)
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/quality.py",
        "versions": report["versions"],
        "use_models": not args.no_models,
        "splits": {
            n: {k: r[k] for k in ("claims", "fields", "tuples", "non_beneficial_recall")} for n, r in results.items()
        },
        "markdown": table,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
