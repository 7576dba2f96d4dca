"""Injury-model extraction checked on real abstracts: the kidney-injury documents of BC5CDR.

The documents are those listed in ``../shared/corpora/bc5cdr/ids_kidney_injury.txt`` (read in place; text =
title + blank line + abstract, from the PubTator files of all three splits). BC5CDR annotates every Chemical and
Disease mention with MeSH ids. Let S be the MeSH ids of the knowledge base's ``injury_model`` concepts (those
whose ontology id starts with ``MESH:``). Per document:

* gold = the annotated MeSH ids that are in S (of any mention, Chemical or Disease);
* predicted = the document-level union of ``injury_model_ids`` in the evidence table that the real extract flow
  writes for the abstracts (each written as ``<pmid>.txt`` into a temporary folder).

Figures are micro-averaged over (document, id) pairs: precision, recall, tp/fp/fn, then a per-id breakdown with
example surface forms of the missed ids (from the annotations) and example sentences of the extra ids (from the
evidence table). Target: precision and recall both >= 0.9. As a diagnostic the same figures are computed from
``mentions.jsonl`` (the ontology ids of all mentions of category ``injury_model``), which shows how much is lost
between recognition and the claim rows.

    .venv/bin/python benchmarks/bc5cdr_injury.py [--json benchmarks/results/bc5cdr_injury.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CORPUS = REPO.parent / "shared" / "corpora" / "bc5cdr"
PUBTATOR = ("CDR_TrainingSet.PubTator.txt", "CDR_DevelopmentSet.PubTator.txt", "CDR_TestSet.PubTator.txt")
TARGET = 0.9


@dataclass
class Abstract:
    pmid: str
    title: str = ""
    abstract: str = ""
    #: (mention text, type, MeSH ids) per annotated mention
    mentions: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return f"{self.title}\n\n{self.abstract}"


def read_pubtator(path: Path) -> dict[str, Abstract]:
    """All documents of a PubTator file by PMID (relation lines are skipped)."""
    docs: dict[str, Abstract] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if "|t|" in line[:20] or "|a|" in line[:20]:
            pmid, kind, text = line.split("|", 2)
            doc = docs.setdefault(pmid, Abstract(pmid))
            if kind == "t":
                doc.title = text
            else:
                doc.abstract = text
            continue
        cols = line.split("\t")
        if len(cols) >= 6 and cols[1] != "CID":
            ids = [i for i in cols[5].split("|") if i and i != "-1"]
            docs.setdefault(cols[0], Abstract(cols[0])).mentions.append((cols[3], cols[4], ids))
    return docs


def read_ids(path: Path, splits: tuple[str, ...] = ("train", "dev", "test")) -> list[str]:
    """PMIDs of ``ids_kidney_injury.txt`` (``doc_id<TAB>pmid<TAB>split``) in the given corpus splits."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row[1] for row in rows if row[2].strip() in splits]


def injury_mesh_ids(kb) -> dict[str, str]:
    """S: MeSH id (without ``MESH:``) -> canonical name, for the KB's injury_model concepts.

    Generic concepts (``nephrotoxicity``, MeSH "Kidney Diseases", which BC5CDR puts on any nephropathy) are not
    injury models in the KB's sense: they are dropped beside the specific model they describe, so they are not in S.
    """
    return {
        c.ontology_id.removeprefix("MESH:"): c.canonical_name
        for c in kb.by_category("injury_model")
        if c.ontology_id.startswith("MESH:") and not c.generic
    }


def _mesh(ids) -> set[str]:
    return {i.removeprefix("MESH:") for i in ids if isinstance(i, str) and i.startswith("MESH:")}


def score(gold: dict[str, set[str]], pred: dict[str, set[str]]) -> dict:
    """Micro precision/recall/F1 over (document, id) pairs, and per id."""
    tp = fp = fn = 0
    per_id: dict[str, Counter] = defaultdict(Counter)
    for doc in gold:
        g, p = gold[doc], pred.get(doc, set())
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
        for i in g & p:
            per_id[i]["tp"] += 1
        for i in p - g:
            per_id[i]["fp"] += 1
        for i in g - p:
            per_id[i]["fn"] += 1
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    return {
        "precision": None if precision is None else round(precision, 4),
        "recall": None if recall is None else round(recall, 4),
        "f1": None if f1 is None else round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "meets_target": precision is not None and recall is not None and precision >= TARGET and recall >= TARGET,
        "per_id": {i: dict(c) for i, c in per_id.items()},
    }


def breakdown(
    result: dict,
    names: dict[str, str],
    gold: dict[str, set[str]],
    pred: dict[str, set[str]],
    docs: dict[str, Abstract],
    sentences: dict[tuple[str, str], list[str]],
    examples: int = 3,
) -> list[dict]:
    """Per id: counts, then surface forms of the annotations in missed documents and our sentences in extra ones."""
    rows = []
    for mesh_id, counts in result["per_id"].items():
        missed = [d for d in gold if mesh_id in gold[d] - pred.get(d, set())]
        extra = [d for d in gold if mesh_id in pred.get(d, set()) - gold[d]]
        forms = Counter(text for d in missed for text, _, ids in docs[d].mentions if mesh_id in ids)
        rows.append(
            {
                "mesh_id": mesh_id,
                "name": names.get(mesh_id, ""),
                "gold_docs": counts.get("tp", 0) + counts.get("fn", 0),
                "tp": counts.get("tp", 0),
                "fp": counts.get("fp", 0),
                "fn": counts.get("fn", 0),
                "missed_docs": missed,
                "missed_surface_forms": [f"{t} ({n})" for t, n in forms.most_common(8)],
                "extra_docs": extra,
                "extra_sentences": [
                    {"doc_id": d, "sentence": s} for d in extra[:examples] for s in sentences.get((d, mesh_id), [])[:1]
                ],
            }
        )
    return sorted(rows, key=lambda r: (-(r["fn"] + r["fp"]), -r["gold_docs"], r["mesh_id"]))


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def render(summary: dict) -> str:
    lines = [
        f"BC5CDR kidney-injury abstracts: {summary['documents']} documents, "
        f"{summary['documents_with_gold']} with a gold injury-model id; S = {len(summary['S'])} MeSH ids.",
        "",
        "| source | precision | recall | F1 | tp | fp | fn | target (both >= 0.9) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, key in (("evidence table", "evidence"), ("mentions.jsonl (diagnostic)", "mentions")):
        r = summary[key]
        lines.append(
            f"| {label} | {_fmt(r['precision'])} | {_fmt(r['recall'])} | {_fmt(r['f1'])} | {r['tp']} | {r['fp']} "
            f"| {r['fn']} | {'met' if r['meets_target'] else 'not met'} |"
        )
    excluded = summary["excluding_generic"]
    for label, key in (("evidence table", "evidence"), ("mentions.jsonl (diagnostic)", "mentions")):
        r = excluded[key]
        lines.append(
            f"| {label}, without generic {', '.join(excluded['excluded'])} | {_fmt(r['precision'])} "
            f"| {_fmt(r['recall'])} | {_fmt(r['f1'])} | {r['tp']} | {r['fp']} | {r['fn']} "
            f"| {'met' if r['meets_target'] else 'not met'} |"
        )
    lines += ["", "Per id (evidence table), most errors first:", ""]
    lines += ["| MeSH id | name | gold docs | tp | fp | fn | missed as (annotation forms) | extra, e.g. |"]
    lines += ["|---|---|---|---|---|---|---|---|"]
    for row in summary["evidence"]["breakdown"]:
        extra = row["extra_sentences"][0] if row["extra_sentences"] else None
        example = f"{extra['doc_id']}: {extra['sentence'][:110]}" if extra else ""
        lines.append(
            f"| {row['mesh_id']} | {row['name']} | {row['gold_docs']} | {row['tp']} | {row['fp']} | {row['fn']} "
            f"| {', '.join(row['missed_surface_forms'][:5])} | {example.replace('|', '/')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" / "bc5cdr_injury.json")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the bc5cdr folder of ../shared/corpora")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--splits",
        default="train,dev,test",
        help="BC5CDR splits whose kidney-injury abstracts to use (default: all; e.g. test)",
    )
    args = parser.parse_args(argv)
    from pipeline.flows import extract_flow
    from pipeline.kb import load_kb

    kb = load_kb()
    names = injury_mesh_ids(kb)
    s_ids = set(names)
    corpus: dict[str, Abstract] = {}
    for name in PUBTATOR:
        corpus.update(read_pubtator(args.corpus / name))
    pmids = read_ids(args.corpus / "ids_kidney_injury.txt", tuple(args.splits.split(",")))
    docs = {p: corpus[p] for p in pmids}
    gold = {p: {i for _, _, ids in d.mentions for i in ids if i in s_ids} for p, d in docs.items()}

    with tempfile.TemporaryDirectory(prefix="evidence-bc5cdr-") as tmp:
        text_dir, out = Path(tmp) / "abstracts", Path(tmp) / "out"
        text_dir.mkdir()
        for pmid, doc in docs.items():
            (text_dir / f"{pmid}.txt").write_text(doc.text, encoding="utf-8")
        report = extract_flow(inputs=[str(text_dir)], out_dir=str(out), use_cache=False, workers=args.workers)
        evidence = [json.loads(line) for line in (out / "evidence.jsonl").read_text(encoding="utf-8").splitlines()]
        mentions = [json.loads(line) for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]

    pred_ev: dict[str, set[str]] = defaultdict(set)
    sentences_ev: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in evidence:
        for i in _mesh(row.get("injury_model_ids") or []):
            pred_ev[str(row["doc_id"])].add(i)
            sentences_ev[(str(row["doc_id"]), i)].append(row["sentence"])
    pred_mn: dict[str, set[str]] = defaultdict(set)
    sentences_mn: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in mentions:
        if m.get("category") == "injury_model":
            for i in _mesh([m.get("ontology_id", "")]):
                pred_mn[str(m["doc_id"])].add(i)
                sentences_mn[(str(m["doc_id"]), i)].append(
                    f"'{m['text']}' ({m.get('method', '')}, sentence {m['sentence_index']})"
                )

    summary: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/bc5cdr_injury.py",
        "versions": report["versions"],
        "run_counts": report["counts"],
        "splits": args.splits,
        "documents": len(docs),
        "documents_with_gold": sum(1 for g in gold.values() if g),
        "documents_with_prediction": sum(1 for p in docs if pred_ev.get(p)),
        "S": {i: names[i] for i in sorted(s_ids)},
        "target": {"precision": TARGET, "recall": TARGET},
    }
    for key, pred, sentences in (("evidence", pred_ev, sentences_ev), ("mentions", pred_mn, sentences_mn)):
        pred = {doc: ids & s_ids for doc, ids in pred.items()}  # only ids that are injury models in S count
        result = score(gold, pred)
        result["breakdown"] = breakdown(result, names, gold, pred, docs, sentences)
        del result["per_id"]
        summary[key] = result
    # Diagnostic: without the KB's generic injury concepts (dropped beside a specific model by design).
    generic = {c.ontology_id.removeprefix("MESH:") for c in kb.by_category("injury_model") if c.generic} & s_ids
    specific = s_ids - generic
    summary["excluding_generic"] = {"excluded": {i: names[i] for i in sorted(generic)}}
    for key, pred in (("evidence", pred_ev), ("mentions", pred_mn)):
        result = score({d: g & specific for d, g in gold.items()}, {d: p & specific for d, p in pred.items()})
        del result["per_id"]
        summary["excluding_generic"][key] = result
    summary["per_document"] = {
        p: {"gold": sorted(g), "evidence": sorted(pred_ev.get(p, set())), "mentions": sorted(pred_mn.get(p, set()))}
        for p, g in gold.items()
    }
    text = render(summary)
    summary["markdown"] = text
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
