"""The ``evidence`` command: parses arguments and calls the flows. No logic of its own."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pipeline import __version__, paths
from pipeline.documents import DEFAULT_MAX_BYTES


def add_extract_options(p: argparse.ArgumentParser, out_help: str = "output folder (default: outputs/)") -> None:
    """The options of the extraction (``extract``, and ``run`` after its fetch)."""
    p.add_argument("--out", type=Path, default=paths.OUTPUTS_DIR, metavar="DIR", help=out_help)
    p.add_argument("--batch-size", type=int, default=128, help="documents per task (default: 128)")
    p.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="worker processes for the NLP (default: 2, or 1 on a one-core machine)",
    )
    p.add_argument(
        "--max-mb",
        type=float,
        default=DEFAULT_MAX_BYTES / 1e6,
        help="refuse files larger than this many MB (default: 10)",
    )
    p.add_argument("--no-cache", action="store_true", help="re-process documents even if unchanged")
    p.add_argument(
        "--no-models", action="store_true", help="knowledge base only: leave out the trained NER models in models/ner/"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--dask",
        action="store_true",
        help="run the batches on a local Dask cluster of --workers processes (prefect-dask's DaskTaskRunner)",
    )
    p.add_argument(
        "--dask-address", metavar="tcp://HOST:PORT", default=None, help="run the batches on this Dask cluster"
    )
    p.add_argument(
        "--tables-max-docs",
        type=int,
        default=None,
        metavar="N",
        help="write single-file tables (CSV, Parquet, JSONL) while the output holds at most N documents; above, "
        "the Parquet dataset in <out>/dataset/ only (default: 5000)",
    )


def tables_path(out: Path) -> Path:
    """Where the evidence table of an output folder is: the CSV, or the Parquet dataset of a large output."""
    csv = out / "evidence.csv"
    return csv if csv.exists() or not (out / "dataset" / "evidence").is_dir() else out / "dataset" / "evidence"


def run_extraction(args: argparse.Namespace, inputs: list[str]) -> dict:
    """Run the extract flow with the options of :func:`add_extract_options`."""
    from pipeline.extract import TABLES_MAX_DOCS
    from pipeline.flows import run_extract

    return run_extract(
        dask_address=args.dask_address,
        dask=args.dask,
        inputs=inputs,
        out_dir=str(args.out),
        batch_size=args.batch_size,
        max_bytes=int(args.max_mb * 1e6),
        use_cache=not args.no_cache,
        workers=args.workers,
        use_models=not args.no_models,
        progress=not args.no_progress and sys.stderr.isatty(),
        tables_max_docs=TABLES_MAX_DOCS if args.tables_max_docs is None else args.tables_max_docs,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evidence",
        description="Extract a checked evidence table on MSC / MSC-EV therapy for acute kidney injury from "
        "reviews and abstracts.",
    )
    parser.add_argument("--version", action="version", version=f"evidence {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "extract",
        help="extract the evidence table from documents",
        description="Extract claims from .txt/.md documents (files or folders, recursively) "
        "into evidence.csv/.parquet/.jsonl, mentions.csv and run_report.json.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[paths.CORPUS_DIR],
        help=f"files or folders of documents (default: {paths.CORPUS_DIR.name}/)",
    )
    add_extract_options(p)

    c = sub.add_parser(
        "check",
        help="compare an evidence table with a gold table",
        description="Per-field precision/recall/F1 at document and claim level; writes check.json and check.md.",
    )
    c.add_argument("--gold", type=Path, required=True, help="gold table (CSV, see docs/ANNOTATION.md)")
    c.add_argument(
        "--evidence",
        type=Path,
        default=paths.OUTPUTS_DIR / "evidence.csv",
        help="extracted table (default: outputs/evidence.csv)",
    )
    c.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write check.json/check.md (default: the evidence table's folder)",
    )
    t = sub.add_parser(
        "train",
        help="train an NER model from the public corpora",
        description="Train the NER model of a corpus (train + dev, steps chosen on dev) from "
        "../shared/corpora and evaluate it on the test split.",
    )
    t.add_argument("corpus", choices=("bc5cdr", "bionlp13cg", "jnlpba"), help="which corpus / model")
    t.add_argument("--out", type=Path, default=None, help="model folder (default: models/ner/<corpus>)")
    t.add_argument(
        "--corpora", type=Path, default=None, help="corpora root (default: ../shared/corpora or $EVIDENCE_CORPORA)"
    )
    t.add_argument("--train-only", action="store_true", help="train on the train split only (no dev)")
    t.add_argument("--max-steps", type=int, default=None, help="stop after this many steps (default: as chosen)")

    e = sub.add_parser(
        "evaluate",
        help="re-compute a model's test figures",
        description="Strict entity-level P/R/F1, overall and per type: by character offsets on the "
        "raw test documents and with spaCy's scorer on the IOB test file.",
    )
    e.add_argument("model", type=Path, help="model folder, e.g. models/ner/bc5cdr")
    e.add_argument("corpus", choices=("bc5cdr", "bionlp13cg", "jnlpba"), help="corpus to evaluate on")
    e.add_argument("--corpora", type=Path, default=None, help="corpora root (default: ../shared/corpora)")
    e.add_argument("--split", default="test", choices=("test", "dev"), help="split (default: test)")
    from pipeline import fetch

    fetch.add_subparsers(sub)  # "fetch" and "run" (fetch, then extract)
    from pipeline.export import add_export_arguments
    from pipeline.report import add_report_arguments

    add_export_arguments(sub.add_parser("export", help="write the tables to SQLite, DuckDB, PostgreSQL or Parquet"))
    add_report_arguments(sub.add_parser("report", help="write a self-contained HTML report of an output folder"))
    from pipeline.review.server import add_arguments as add_review_arguments

    add_review_arguments(
        sub.add_parser(
            "review",
            help="review the evidence table in a local web page",
            description="Accept, reject and edit evidence rows in a local web page (127.0.0.1); decisions are "
            "kept in <out>/review.sqlite and survive re-running the extraction. See docs/REVIEW.md.",
        )
    )
    return parser


def _corpora_error(exc: Exception) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "extract":
        missing = [str(p) for p in args.paths if not p.exists()]
        try:
            found = [str(p) for p in args.paths if p.exists()]
            report = run_extraction(args, found) if found else None
        except OSError as exc:  # the outputs could not be written (disk full, permissions): nothing was replaced
            print(f"error: {args.out}: cannot write the outputs: {exc}; earlier outputs are unchanged", file=sys.stderr)
            return 1
        for path in missing:
            print(f"error: {path}: no such file or folder", file=sys.stderr)
        if report is None:
            return 2
        counts = report["counts"]
        print(
            f"{counts['documents']} documents ({counts['processed']} processed, {counts['cached']} unchanged), "
            f"{counts.get('claims_in_table', 0)} claims in {tables_path(args.out)}; "
            f"{counts['failed']} failed"
        )
        for failure in report["failures"]:
            print(f"error: {failure['path']}: {failure['problem']}", file=sys.stderr)
        return 0 if report["ok"] and not missing else 1
    if args.command == "check":
        from pipeline.check import CheckError
        from pipeline.flows import check_flow

        out = args.out or args.evidence.parent
        try:
            result = check_flow(gold=str(args.gold), evidence=str(args.evidence), out_dir=str(out))
        except CheckError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        summary = {f: s["document"]["f1"] for f, s in result["fields"].items() if s["document"]}
        print(f"claims: {json.dumps(result['claims'])}")
        print(f"document-level F1: {json.dumps(summary)}")
        print(f"wrote {out / 'check.json'} and {out / 'check.md'}")
        return 0
    if args.command == "review":
        from pipeline.review.server import main as review_main

        return review_main(args)
    if args.command == "export":
        from pipeline.export import main_export

        return main_export(args)
    if args.command == "report":
        from pipeline.report import main_report

        return main_report(args)
    if args.command in ("fetch", "run"):
        from pipeline import fetch

        return fetch.main_run(args) if args.command == "run" else fetch.main_fetch(args)
    if args.command in ("train", "evaluate"):
        from pipeline.corpora import CorpusNotFoundError as CorpusError
        from pipeline.flows import evaluate_flow, train_flow

        corpora = str(args.corpora) if args.corpora else None
        try:
            if args.command == "train":
                result = train_flow(
                    corpus=args.corpus,
                    out_dir=str(args.out) if args.out else None,
                    corpora_dir=corpora,
                    include_dev=not args.train_only,
                    max_steps=args.max_steps,
                )
            else:
                if not args.model.is_dir():
                    return _corpora_error(FileNotFoundError(f"{args.model}: no such model folder"))
                result = evaluate_flow(model=str(args.model), corpus=args.corpus, corpora_dir=corpora, split=args.split)
        except CorpusError as exc:
            return _corpora_error(exc)
        print(json.dumps(result, indent=2))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
