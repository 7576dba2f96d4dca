"""Throughput and memory benchmark of the extraction pipeline on the BC5CDR abstracts (1,500 PubMed abstracts).

In one process, on the same documents (title + blank line + abstract, doc_id = PMID):

(a) bare NLP: ``pipeline.nlp.process`` over :class:`pipeline.documents.Document` objects, after a warm-up pass;
(b) the whole ``pipeline.flows.extract_flow`` on the documents written as ``<pmid>.txt`` into a temporary folder
    (``use_cache=False``), after a warm-up flow run on a couple of documents, so that Prefect's temporary API
    start-up is reported separately from the steady-state figure (``process_s + write_s``: the flow streams, so
    ``process_s`` includes reading the files, which ``read_s`` reports on its own);
(c) peak resident memory (``ru_maxrss``) of this process after (a) and after everything;
(d) the ratio of (b) to (a) in words/s and pass/fail against the targets.

Words are whitespace-split words of the document text. Prints a table and writes the figures as JSON
(default ``benchmarks/results/throughput.json``).

    .venv/bin/python benchmarks/throughput.py                 # all 1,500 abstracts
    .venv/bin/python benchmarks/throughput.py --limit 100     # a quick run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline.documents import Document, detect_sections

REPO = Path(__file__).resolve().parent.parent


DEFAULT_CORPORA = REPO.parent / "shared" / "corpora" / "bc5cdr"
CORPUS_FILES = ("CDR_TrainingSet.PubTator.txt", "CDR_DevelopmentSet.PubTator.txt", "CDR_TestSet.PubTator.txt")
DEFAULT_JSON = REPO / "benchmarks" / "results" / "throughput.json"

#: Targets: (a) words/s; (b)/(a) ratio of words/s; peak resident memory in MiB (1.5 GiB).
TARGET_NLP_WORDS_PER_S = 20_000
TARGET_FLOW_RATIO = 0.80
TARGET_PEAK_MB = 1.5 * 1024


@dataclass(frozen=True)
class Abstract:
    """One PubTator record: PMID, title and abstract."""

    pmid: str
    title: str
    abstract: str

    @property
    def text(self) -> str:
        return f"{self.title}\n\n{self.abstract}"


# ---------------------------------------------------------------------------------------------- corpus


def read_pubtator(path: Path) -> list[Abstract]:
    """Parse a PubTator file (``pmid|t|title``, ``pmid|a|abstract``, annotation lines, blank line between)."""
    titles: dict[str, str] = {}
    abstracts: dict[str, str] = {}
    order: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            parts = line.split("|", 2)
            if len(parts) == 3 and parts[1] in ("t", "a") and parts[0].isdigit():
                pmid, kind, value = parts
                if pmid not in titles and pmid not in abstracts:
                    order.append(pmid)
                (titles if kind == "t" else abstracts)[pmid] = value
    return [Abstract(pmid, titles.get(pmid, ""), abstracts.get(pmid, "")) for pmid in order]


def load_corpus(folder: Path, limit: int | None = None) -> list[Abstract]:
    """All abstracts of the three BC5CDR PubTator files in ``folder`` (training, development, test order)."""
    missing = [name for name in CORPUS_FILES if not (folder / name).is_file()]
    if missing:
        raise SystemExit(
            f"error: BC5CDR PubTator file(s) not found in {folder}: {', '.join(missing)}\n"
            "       point --corpora at the folder that holds " + ", ".join(CORPUS_FILES)
        )
    records: list[Abstract] = []
    seen: set[str] = set()
    for name in CORPUS_FILES:
        for record in read_pubtator(folder / name):
            if record.pmid not in seen:
                seen.add(record.pmid)
                records.append(record)
    if not records:
        raise SystemExit(f"error: no abstracts found in the PubTator files in {folder}")
    return records[:limit] if limit else records


def to_documents(records: list[Abstract]) -> list[Document]:
    """One :class:`Document` per abstract, with sections detected as the plain-text reader does."""
    return [Document(doc_id=r.pmid, text=r.text, sections=detect_sections(r.text)) for r in records]


def count_words(documents: list[Document]) -> int:
    return sum(len(d.text.split()) for d in documents)


# ---------------------------------------------------------------------------------------------- measurements


def worker_peak_rss_mb() -> float:
    """Largest peak resident memory of a finished child process (the flow's workers), in MiB."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def children_rss_mb() -> float | None:
    """Current resident memory of this process's child processes (Prefect's temporary API server), if known."""
    try:
        import psutil
    except ImportError:
        return None
    total = 0
    for child in psutil.Process().children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            continue
    return round(total / 2**20, 1)


def rate(amount: float, seconds: float) -> float:
    return round(amount / seconds, 1) if seconds > 0 else float("nan")


def bench_nlp(documents: list[Document], warmup: int, use_models: bool = True) -> dict[str, Any]:
    """(a) ``pipeline.nlp.process`` over the documents, after a warm-up pass on the first ``warmup`` of them."""
    from pipeline.extract import get_nlp
    from pipeline.nlp import process

    t = time.perf_counter()
    nlp = get_nlp(use_models)  # the same cached pipeline the flow uses
    load_s = time.perf_counter() - t
    for _ in process(nlp, documents[:warmup]):
        pass

    words = count_words(documents)
    entities = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _, doc in process(nlp, documents):
        entities += len(doc.ents)
    wall_s, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "pipes": list(nlp.pipe_names),
        "load_pipeline_s": round(load_s, 3),
        "warmup_docs": min(warmup, len(documents)),
        "documents": len(documents),
        "words": words,
        "entities": entities,
        "wall_s": round(wall_s, 3),
        "cpu_s": round(cpu_s, 3),
        "words_per_s": rate(words, wall_s),
        "docs_per_s": rate(len(documents), wall_s),
    }


def write_texts(documents: list[Document], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for document in documents:
        (folder / f"{document.doc_id}.txt").write_text(document.text, encoding="utf-8")


def bench_flow(
    documents: list[Document], workdir: Path, warmup: int, workers: int, use_models: bool = True
) -> dict[str, Any]:
    """(b) ``extract_flow`` on the documents as .txt files, after a warm-up flow run on ``warmup`` documents."""
    from pipeline.flows import extract_flow

    warm_in, main_in = workdir / "warmup_in", workdir / "in"
    write_texts(documents[:warmup], warm_in)
    write_texts(documents, main_in)

    t = time.perf_counter()
    warm_report = extract_flow(
        inputs=[str(warm_in)],
        out_dir=str(workdir / "warmup_out"),
        use_cache=False,
        workers=workers,
        use_models=use_models,
    )
    warmup_s = time.perf_counter() - t

    words = count_words(documents)
    wall, cpu = time.perf_counter(), time.process_time()
    report = extract_flow(
        inputs=[str(main_in)], out_dir=str(workdir / "out"), use_cache=False, workers=workers, use_models=use_models
    )
    wall_s, cpu_s = time.perf_counter() - wall, time.process_time() - cpu

    timings, counts = report["timings"], report["counts"]
    steady_s = timings["process_s"] + timings["write_s"]
    if counts.get("processed") != len(documents) or counts.get("failed"):
        print(
            f"warning: the flow processed {counts.get('processed')} of {len(documents)} documents "
            f"({counts.get('failed')} failed)",
            file=sys.stderr,
        )
    return {
        "warmup_docs": warm_report["counts"]["documents"],
        "warmup_flow_s": round(warmup_s, 3),
        "warmup_timings": warm_report["timings"],
        "documents": len(documents),
        "words": words,
        "counts": counts,
        "pipeline_version": report.get("versions", {}).get("pipeline_version"),
        "timings": timings,
        "flow_wall_s": round(wall_s, 3),
        "flow_cpu_s": round(cpu_s, 3),
        "steady_s": round(steady_s, 3),
        "overhead_s": round(wall_s - steady_s, 3),
        "steady_words_per_s": rate(words, steady_s),
        "steady_docs_per_s": rate(len(documents), steady_s),
        "process_words_per_s": rate(words, timings["process_s"]),
        "flow_words_per_s": rate(words, wall_s),
        "flow_docs_per_s": rate(len(documents), wall_s),
        "cold_flow_words_per_s": rate(words, wall_s + warmup_s),
    }


# ---------------------------------------------------------------------------------------------- report


def machine_info(argv: list[str]) -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gb": _ram_gb(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": shlex.join([_shown_path(sys.executable), *argv]),
        "pipeline_source_sha256": source_digest(),
    }
    for package in ("spacy", "scispacy", "prefect", "msc-aki-evidence"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    return info


def source_digest() -> str:
    """SHA-256 (16 hex digits) of the pipeline's code, config, cues and KB: tells runs of different code apart."""
    digest = hashlib.sha256()
    models = REPO / "models"
    files = sorted((REPO / "pipeline").rglob("*.py")) + [models / "nlp.cfg"]
    files += sorted((models / "cues").glob("*")) + sorted((models / "kb").glob("*"))
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(REPO)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _shown_path(path: str) -> str:
    """``path`` relative to the working folder when it lies under it (``.venv/bin/python``), else as is."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def verdicts(nlp: dict[str, Any], flow: dict[str, Any], peak_mb: float) -> dict[str, Any]:
    ratio = flow["steady_words_per_s"] / nlp["words_per_s"] if nlp["words_per_s"] else float("nan")
    return {
        "ratio_flow_to_nlp": round(ratio, 3),
        "ratio_whole_flow_to_nlp": round(flow["flow_words_per_s"] / nlp["words_per_s"], 3),
        "targets": {
            "nlp_words_per_s": {
                "target": f">= {TARGET_NLP_WORDS_PER_S}",
                "value": nlp["words_per_s"],
                "met": nlp["words_per_s"] >= TARGET_NLP_WORDS_PER_S,
            },
            "flow_ratio": {
                "target": f">= {TARGET_FLOW_RATIO}",
                "value": round(ratio, 3),
                "met": ratio >= TARGET_FLOW_RATIO,
            },
            "peak_rss_mb": {"target": f"< {TARGET_PEAK_MB:.0f}", "value": peak_mb, "met": peak_mb < TARGET_PEAK_MB},
        },
    }


def print_table(result: dict[str, Any]) -> None:
    nlp, flow, mem, summary = result["nlp"], result["flow"], result["memory"], result["summary"]
    m = result["machine"]
    t = flow["timings"]
    rows = [
        ("machine", f"{m['cpu_model']}, {m['cpu_count']} CPUs, {m['ram_gb']} GiB RAM, Python {m['python']}"),
        ("documents / words", f"{nlp['documents']:,} / {nlp['words']:,}"),
        ("pipes", ", ".join(nlp["pipes"])),
        ("", ""),
        ("(a) bare NLP: load pipeline", f"{nlp['load_pipeline_s']:.2f} s"),
        ("(a) bare NLP: time (wall / CPU)", f"{nlp['wall_s']:.2f} s / {nlp['cpu_s']:.2f} s"),
        ("(a) bare NLP: words/s", f"{nlp['words_per_s']:,.0f}"),
        ("(a) bare NLP: docs/s", f"{nlp['docs_per_s']:,.1f}"),
        ("", ""),
        ("(b) flow warm-up (Prefect start-up)", f"{flow['warmup_flow_s']:.2f} s on {flow['warmup_docs']} docs"),
        (
            "(b) flow: process (incl. read) / read / write",
            f"{t['process_s']:.2f} / {t['read_s']:.2f} / {t['write_s']:.2f} s",
        ),
        ("(b) flow: steady-state time", f"{flow['steady_s']:.2f} s"),
        ("(b) flow: steady-state words/s", f"{flow['steady_words_per_s']:,.0f}"),
        ("(b) flow: steady-state docs/s", f"{flow['steady_docs_per_s']:,.1f}"),
        ("(b) flow: process_s only, words/s", f"{flow['process_words_per_s']:,.0f}"),
        ("(b) whole flow call (wall / CPU)", f"{flow['flow_wall_s']:.2f} s / {flow['flow_cpu_s']:.2f} s"),
        ("(b) whole flow call: words/s", f"{flow['flow_words_per_s']:,.0f}"),
        ("(b) whole flow call: docs/s", f"{flow['flow_docs_per_s']:,.1f}"),
        ("(b) incl. warm-up run: words/s", f"{flow['cold_flow_words_per_s']:,.0f}"),
        ("(b) claims / mentions", f"{flow['counts'].get('claims', '?'):,} / {flow['counts'].get('mentions', '?'):,}"),
        ("", ""),
        ("(c) peak RSS after (a)", f"{mem['peak_rss_after_nlp_mb']:,.0f} MiB"),
        ("(c) peak RSS after all", f"{mem['peak_rss_mb']:,.0f} MiB"),
        (
            "    Prefect server child RSS",
            "n/a" if mem["children_rss_mb"] is None else f"{mem['children_rss_mb']:,.0f} MiB",
        ),
        ("", ""),
        ("(d) ratio (b)/(a) words/s, steady", f"{summary['ratio_flow_to_nlp']:.2f}"),
        ("(d) ratio, whole flow call", f"{summary['ratio_whole_flow_to_nlp']:.2f}"),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    for label, value in rows:
        print(f"{label:<{width}}  {value}" if label else "")
    print()
    print("targets:")
    for name, target in summary["targets"].items():
        print(
            f"  {'PASS' if target['met'] else 'FAIL'}  {name:<16} {target['value']!s:>10}  (target {target['target']})"
        )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpora",
        type=Path,
        default=DEFAULT_CORPORA,
        help=f"folder of the BC5CDR PubTator files (default: {DEFAULT_CORPORA})",
    )
    parser.add_argument("--limit", type=int, default=None, help="use only the first N abstracts (default: all)")
    parser.add_argument("--warmup", type=int, default=5, help="documents in the NLP warm-up pass (default: 5)")
    parser.add_argument("--flow-warmup", type=int, default=2, help="documents in the warm-up flow run (default: 2)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"JSON output (default: {DEFAULT_JSON})")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the flow (default: 2)")
    parser.add_argument("--no-models", action="store_true", help="(a) and (b) without the trained NER models")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    machine = machine_info([str(Path(sys.argv[0])), *argv])  # before the run: the code hash of what is imported
    records = load_corpus(args.corpora, args.limit)
    documents = to_documents(records)
    print(f"{len(documents)} abstracts, {count_words(documents):,} words, from {args.corpora}", flush=True)

    print("(a) bare NLP, knowledge base only (no NER models) ...", flush=True)
    nlp_kb_only = bench_nlp(documents, args.warmup, use_models=False)
    print("(a) bare NLP, with the NER models of models/ner ...", flush=True)
    nlp = bench_nlp(documents, args.warmup, use_models=not args.no_models)
    peak_after_nlp = peak_rss_mb()

    print("(b) extract flow ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="evidence-bench-") as tmp:
        flow = bench_flow(documents, Path(tmp), args.flow_warmup, args.workers, use_models=not args.no_models)
        children = children_rss_mb()
    peak = peak_rss_mb()
    # Worker processes are forked from this one and share its pages copy-on-write; adding their peaks to ours
    # over-counts, so this total is an upper bound of the memory the run needed.
    worker_peak = worker_peak_rss_mb()
    peak_total = round(peak + args.workers * worker_peak, 1) if args.workers > 1 else peak

    result: dict[str, Any] = {
        "machine": machine,
        "corpora": str(args.corpora),
        "nlp": nlp,
        "nlp_kb_only": nlp_kb_only,
        "flow": flow,
        "memory": {
            "peak_rss_after_nlp_mb": peak_after_nlp,
            "peak_rss_mb": peak,
            "worker_peak_rss_mb": worker_peak,
            "peak_total_upper_bound_mb": peak_total,
            "children_rss_mb": children,
        },
        "workers": args.workers,
    }
    result["summary"] = verdicts(nlp, flow, peak_total)
    print_table(result)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
