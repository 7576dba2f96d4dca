"""Time the claims step alone (``pipeline.claims.extract``) on the 1,500 BC5CDR abstracts, one process.

The NLP runs first (knowledge base only) and is not timed; then every document's claims are built and timed.
To compare two versions, run it from a git worktree of each, one after the other on the same machine:

    git worktree add /tmp/old cbe81b4 && cp benchmarks/claims_step.py /tmp/old/benchmarks/
    (cd /tmp/old && PYTHONPATH=/tmp/old /path/to/.venv/bin/python benchmarks/claims_step.py)
    .venv/bin/python benchmarks/claims_step.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline import claims, corpora, cues  # noqa: E402
from pipeline.documents import read_document  # noqa: E402
from pipeline.extract import get_nlp  # noqa: E402
from pipeline.kb import load_kb  # noqa: E402
from pipeline.nlp import process  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the median is reported")
    args = parser.parse_args(argv)
    abstracts = [d for split in ("train", "dev", "test") for d in corpora.read_corpus("bc5cdr", split)]
    with tempfile.TemporaryDirectory() as tmp:
        documents = []
        for abstract in abstracts:
            path = Path(tmp) / f"{abstract.doc_id}.txt"
            path.write_text(abstract.text, encoding="utf-8")
            documents.append(read_document(path))
        nlp, kb, lexicon = get_nlp(use_models=False), load_kb(), cues.load_lexicon()
        pairs = list(process(nlp, documents))
    times, rows = [], 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        rows = sum(len(claims.extract(document, doc, kb, lexicon).claims) for document, doc in pairs)
        times.append(time.perf_counter() - started)
    median = sorted(times)[len(times) // 2]
    print(f"{len(pairs)} documents, {rows} claims: claims step {median:.2f} s (median of {args.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
