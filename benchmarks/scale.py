"""Scale benchmark (issue 7): words/s, documents/s and peak memory on 1k, 10k and 50k documents with the default
task runner (one process), the process pool (2 worker processes) and a 2-worker local Dask cluster, all in one
run; then the cost of a re-run over the unchanged corpus and of adding 10 documents, as ratios of the first run.

The corpora are built from the real abstracts of ../shared/corpora (BC5CDR, JNLPBA, BioNLP13CG: 4,304 distinct
abstracts), repeated under new ids, one text file per document in folders of 1,000, in a scratch folder (never
in the project). Each run is a fresh ``evidence extract`` process into an empty output folder; memory is sampled
every 0.2 s with psutil: the main process's RSS, and the whole process tree's PSS (workers, Dask scheduler and
nannies, Prefect's temporary API server; PSS counts the pages forked workers share with the parent once).
``words/s`` counts whitespace-split words of the processed documents over the flow's streaming time
(``process_s``: read + NLP + store); ``wall`` is the whole command, start-up included.

    .venv/bin/python benchmarks/scale.py                          # 1k, 10k, 50k; KB-only pipeline
    .venv/bin/python benchmarks/scale.py --sizes 1000 --models    # with the trained NER models
    .venv/bin/python benchmarks/scale.py --sizes 1000 50000 --runners dask_external --rerun-sizes \
        --json benchmarks/results/scale_dask_external.json      # a scheduler in its own process
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import machine_info  # noqa: E402

from pipeline import corpora  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_JSON = REPO / "benchmarks" / "results" / "scale.json"
RUNNERS = {
    "default": ["--workers", "1"],
    "process_pool": ["--workers", "2"],
    "dask": ["--dask", "--workers", "2"],
    # a scheduler and 2 workers started as their own processes (`dask scheduler`, `dask worker --nworkers 2`)
    "dask_external": ["--dask-address"],
}
SOURCES = (
    ("bc5cdr", ("train", "dev", "test")),
    ("jnlpba", ("train", "test")),
    ("bionlp13cg", ("train", "dev", "test")),
)
#: Targets: 2 processes / 1 process words/s; 50k / 1k peak memory; re-run / first run time.
TARGET_SPEEDUP = 1.6
TARGET_MEMORY_GROWTH = 1.2
TARGET_RERUN = 0.05


def source_texts() -> list[tuple[str, str]]:
    """Each distinct abstract once (JNLPBA repeats a few PMIDs across its splits)."""
    texts: dict[str, str] = {}
    for corpus, splits in SOURCES:
        for split in splits:
            for doc in corpora.read_corpus(corpus, split):
                texts.setdefault(f"{corpus[:2]}{doc.doc_id}", doc.text)
    return list(texts.items())


def build_corpus(folder: Path, n: int, texts: list[tuple[str, str]]) -> int:
    """``n`` documents, one file each, in folders of 1,000; returns the words written."""
    words = 0
    for i in range(n):
        doc_id, text = texts[i % len(texts)]
        path = folder / f"{i // 1000:03d}" / f"r{i // len(texts)}_{doc_id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        words += len(text.split())
    return words


def _pss(proc: psutil.Process) -> int:
    """Proportional set size: forked workers share the parent's pages, and PSS counts a shared page once in all."""
    try:
        return proc.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return proc.memory_info().rss


class Sampler(threading.Thread):
    """Peak RSS of a process and peak PSS of its whole tree, sampled every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.interval = interval
        self.main_peak = self.tree_peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                main = self.process.memory_info().rss
                tree = 0
                for proc in [self.process, *self.process.children(recursive=True)]:
                    try:
                        tree += _pss(proc)
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.main_peak, self.tree_peak = max(self.main_peak, main), max(self.tree_peak, tree)
            self.done.wait(self.interval)


class ExternalCluster:
    """``dask scheduler`` and ``dask worker --nworkers 2 --nthreads 1`` on 127.0.0.1, as their own processes."""

    def __init__(self, folder: Path) -> None:
        dask = str(REPO / ".venv" / "bin" / "dask")
        info = folder / "scheduler.json"
        info.unlink(missing_ok=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.procs = [
            subprocess.Popen(
                [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(info)]
                + ["--dashboard-address", ":0"],
                **quiet,
            )
        ]
        while not info.exists() or not info.stat().st_size:
            time.sleep(0.2)
        self.address = json.loads(info.read_text())["address"]
        self.procs.append(
            subprocess.Popen(
                [dask, "worker", "--scheduler-file", str(info), "--nworkers", "2", "--nthreads", "1"], **quiet
            )
        )
        time.sleep(5)  # workers registered

    def close(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
            proc.wait()


def extract(corpus: Path, out: Path, runner: str, models: bool) -> dict[str, Any]:
    command = [str(REPO / ".venv" / "bin" / "evidence"), "extract", str(corpus), "--out", str(out), "--no-progress"]
    command += [] if models else ["--no-models"]
    cluster = ExternalCluster(out.parent) if runner == "dask_external" else None
    command += RUNNERS[runner] + ([cluster.address] if cluster else [])
    try:
        return _extract(command, out, runner)
    finally:
        if cluster:
            cluster.close()


def _extract(command: list[str], out: Path, runner: str) -> dict[str, Any]:
    env = os.environ | {"PREFECT_LOGGING_LEVEL": "WARNING"}
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = Sampler(proc.pid)
    sampler.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{stderr.decode()[-3000:]}")
    report = json.loads((out / "run_report.json").read_text())
    counts, timings = report["counts"], report["timings"]
    words = counts["words_processed"]
    return {
        "runner": runner,
        "documents": counts["documents"],
        "processed": counts["processed"],
        "cached": counts["cached"],
        "words": words,
        "claims_in_table": counts["claims_in_table"],
        "wall_s": round(wall, 2),
        "flow_total_s": timings["total_s"],
        "process_s": timings["process_s"],
        "words_per_s": round(words / timings["process_s"]) if timings["process_s"] else None,
        "docs_per_s": round(counts["processed"] / timings["process_s"], 1) if timings["process_s"] else None,
        "peak_main_mb": round(sampler.main_peak / 2**20),
        "peak_tree_mb": round(sampler.tree_peak / 2**20),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="evidence-scale-"))
    texts = source_texts()
    result: dict[str, Any] = {"machine": machine_info(sys.argv[1:]), "models": args.models, "runs": [], "rerun": []}
    result["distinct_abstracts"] = len(texts)
    for n in args.sizes:
        corpus = scratch / f"corpus_{n}"
        shutil.rmtree(corpus, ignore_errors=True)
        build_corpus(corpus, n, texts)
        for runner in args.runners:
            out = scratch / f"out_{n}_{runner}"
            shutil.rmtree(out, ignore_errors=True)
            row = extract(corpus, out, runner, args.models)
            result["runs"].append(row)
            print(json.dumps(row), flush=True)
            if runner == "default" and n in args.rerun_sizes:
                again = extract(corpus, out, runner, args.models)
                added = corpus / "added"
                added.mkdir()
                for i in range(10):
                    (added / f"added{i}.txt").write_text(texts[i][1] + f"\nAdded document {i}.", encoding="utf-8")
                more = extract(corpus, out, runner, args.models)
                shutil.rmtree(added)
                rerun = {
                    "documents": n,
                    "first_wall_s": row["wall_s"],
                    "first_flow_s": row["flow_total_s"],
                    "rerun": again,
                    "added_10": more,
                    "rerun_wall_ratio": round(again["wall_s"] / row["wall_s"], 4),
                    "rerun_flow_ratio": round(again["flow_total_s"] / row["flow_total_s"], 4),
                    "added_10_wall_ratio": round(more["wall_s"] / row["wall_s"], 4),
                    "added_10_flow_ratio": round(more["flow_total_s"] / row["flow_total_s"], 4),
                }
                result["rerun"].append(rerun)
                print(json.dumps({k: v for k, v in rerun.items() if k not in ("rerun", "added_10")}), flush=True)
            shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(corpus, ignore_errors=True)
    result["summary"] = summarize(result)
    if not args.scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    runs = result["runs"]

    def find(n: int, runner: str) -> dict | None:
        return next((r for r in runs if r["documents"] == n and r["runner"] == runner), None)

    sizes = sorted({r["documents"] for r in runs})
    summary: dict[str, Any] = {"speedup_2_processes": {}, "speedup_dask_2_workers": {}, "memory_growth": {}}
    for n in sizes:
        one, pool, dask = find(n, "default"), find(n, "process_pool"), find(n, "dask")
        if one and pool:
            summary["speedup_2_processes"][n] = round(pool["words_per_s"] / one["words_per_s"], 2)
        if one and dask:
            summary["speedup_dask_2_workers"][n] = round(dask["words_per_s"] / one["words_per_s"], 2)
    if len(sizes) > 1:
        for runner in RUNNERS:
            small, large = find(sizes[0], runner), find(sizes[-1], runner)
            if small and large:
                summary["memory_growth"][runner] = {
                    "main": round(large["peak_main_mb"] / small["peak_main_mb"], 3),
                    "tree": round(large["peak_tree_mb"] / small["peak_tree_mb"], 3),
                }
    speedups = list(summary["speedup_2_processes"].values())
    growth = [g["tree"] for g in summary["memory_growth"].values()] + [
        g["main"] for g in summary["memory_growth"].values()
    ]
    reruns = [r["rerun_flow_ratio"] for r in result["rerun"]]
    summary["targets"] = {
        "speedup_2_processes": {"target": f">= {TARGET_SPEEDUP}", "value": min(speedups, default=None)},
        "memory_growth_1k_to_largest": {"target": f"<= {TARGET_MEMORY_GROWTH}", "value": max(growth, default=None)},
        "rerun_flow_ratio": {"target": f"< {TARGET_RERUN}", "value": max(reruns, default=None)},
        "rerun_wall_ratio": {
            "target": f"< {TARGET_RERUN} (informational: includes Python and Prefect start-up)",
            "value": max((r["rerun_wall_ratio"] for r in result["rerun"]), default=None),
        },
    }
    for key, target in (
        ("speedup_2_processes", lambda v: v >= TARGET_SPEEDUP),
        ("memory_growth_1k_to_largest", lambda v: v <= TARGET_MEMORY_GROWTH),
        ("rerun_flow_ratio", lambda v: v < TARGET_RERUN),
        ("rerun_wall_ratio", lambda v: v < TARGET_RERUN),
    ):
        value = summary["targets"][key]["value"]
        summary["targets"][key]["met"] = None if value is None else target(value)
    return summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    p.add_argument("--runners", nargs="+", choices=list(RUNNERS), default=["default", "process_pool", "dask"])
    p.add_argument("--rerun-sizes", type=int, nargs="*", default=[10000, 50000], help="sizes to time re-runs on")
    p.add_argument("--models", action="store_true", help="with the trained NER models (default: KB only)")
    p.add_argument("--scratch", type=Path, default=None, help="scratch folder (default: a temporary one, removed)")
    p.add_argument("--json", type=Path, default=None, help=f"write the figures here (default: {DEFAULT_JSON})")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = run(args)
    path = args.json or (DEFAULT_JSON if not args.models else DEFAULT_JSON.with_name("scale_models.json"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["summary"], indent=2))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
