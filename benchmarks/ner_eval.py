"""Re-compute the test figures of the shipped NER models (models/ner/<name>) into benchmarks/results/ner_eval.json.

    .venv/bin/python benchmarks/ner_eval.py [--split test] [--out benchmarks/results/ner_eval.json]

For each model: strict entity-level P/R/F1 by character offsets on the raw documents and with spaCy's Scorer on
the IOB file, words/s of the model alone, its size on disk, next to scispaCy's published F1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline import paths  # noqa: E402
from pipeline.train import evaluate_model  # noqa: E402

#: scispaCy's published test F1 (en_ner_*_md, scispaCy 0.5/0.6 model tables).
SCISPACY_F1 = {"bc5cdr": 84.28, "bionlp13cg": 77.84, "jnlpba": 72.06}
MODELS = {"bc5cdr": "bc5cdr", "bionlp13cg": "bionlp13cg", "jnlpba": "jnlpba"}


def model_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="test")
    parser.add_argument("--models-dir", type=Path, default=paths.MODELS_DIR / "ner")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "ner_eval.json")
    args = parser.parse_args(argv)
    results = {
        "split": args.split,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "threads": 1},
        "models": {},
    }
    for corpus, name in MODELS.items():
        path = args.models_dir / name
        if not (path / "meta.json").exists():
            print(f"skip {corpus}: no model at {path}", file=sys.stderr)
            continue
        result = evaluate_model(path, corpus, split=args.split)
        result["model"] = str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)
        result["size_mb"] = round(model_size(path) / 2**20, 2)
        result["scispacy_f1"] = SCISPACY_F1[corpus]
        result["gap_to_scispacy"] = round(result["char_offsets"]["f"] - SCISPACY_F1[corpus], 2)
        results["models"][corpus] = result
        print(
            f"{corpus}: strict F1 {result['char_offsets']['f']} (char offsets), "
            f"{result.get('iob', {}).get('f')} (IOB); scispaCy {SCISPACY_F1[corpus]}; "
            f"{result['speed']['words_per_s']} words/s; {result['size_mb']} MB"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
