"""Compare an extracted evidence table with a hand-curated gold table.

Two levels, per field: (1) the **document** level compares the set of normalized values each document has in
gold and in the extraction; (2) the **claim** level first matches gold claims to extracted claims by sentence
(same text, one inside the other, or word overlap >= 0.6) and compares values per matched pair; unmatched gold
claims count as misses and unmatched extracted claims as extras. Figures are micro-averaged precision, recall
and F1. Gold values are normalized through the knowledge base (a synonym counts as its canonical name).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.kb import KnowledgeBase, load_kb
from pipeline.outputs import write_json, write_text

LIST_FIELDS = (
    "species",
    "cell_source",
    "cell_origin",
    "cell_product",
    "injury_model",
    "mediators",
    "outcomes",
    "route",
    "trial_id",
    "citations",
    "dose",
    "timing",
    "outcome_effects",
    "cell_line",
    "trial_phase",
    "n_patients",
)
SCALAR_FIELDS = ("study_type", "effect_direction", "claim_type")
BOOL_FIELDS = ("negated", "hedged")
DOC_FIELDS = LIST_FIELDS + ("study_type", "effect_direction")
CLAIM_FIELDS = LIST_FIELDS + SCALAR_FIELDS + BOOL_FIELDS
KB_CATEGORY = {
    "species": "species",
    "cell_source": "cell_source",
    "cell_origin": "cell_origin",
    "cell_product": "cell_product",
    "injury_model": "injury_model",
    "mediators": "mediator",
    "outcomes": "outcome",
}


class CheckError(ValueError):
    pass


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        # F1 = 2tp / (2tp + fp + fn): 0 when one side is empty, undefined only when both are.
        total = 2 * self.tp + self.fp + self.fn
        f = 2 * self.tp / total if total else None
        return {
            "precision": _round(p),
            "recall": _round(r),
            "f1": _round(f),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def _round(x):
    return None if x is None else round(x, 4)


# ---------------------------------------------------------------------------------------------- loading


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _split(value) -> list[str]:
    if hasattr(value, "tolist"):  # numpy arrays from Parquet list columns
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if not _missing(v)]
    if _missing(value):
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


def load_table(path: Path, kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """Load a gold or evidence table (CSV or JSONL) into one normalized shape."""
    if not path.exists():
        raise CheckError(f"{path}: file not found")
    try:
        if path.suffix == ".jsonl":
            frame = pd.read_json(path, orient="records", lines=True, dtype=False)
        elif path.suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas raises many types for bad files
        raise CheckError(f"{path}: cannot read table ({exc})") from None
    for required in ("doc_id", "sentence"):
        if required not in frame.columns:
            raise CheckError(f"{path}: missing column '{required}'")
    out = pd.DataFrame({"doc_id": frame["doc_id"].astype(str), "sentence": frame["sentence"].astype(str)})
    for name in LIST_FIELDS:
        values = frame[name].map(_split) if name in frame.columns else [[] for _ in range(len(frame))]
        out[name] = [[_normalize(name, v, kb) for v in vs] for vs in values]
    for name in SCALAR_FIELDS:
        out[name] = frame[name].map(lambda v: "" if _missing(v) else str(v).strip()) if name in frame.columns else ""
    for name in BOOL_FIELDS:
        out[name] = (
            frame[name].map(lambda v: str(v).strip().lower() in ("true", "1", "yes"))
            if name in frame.columns
            else False
        )
    return out


def _normalize(field: str, value: str, kb: KnowledgeBase | None) -> str:
    value = value.strip()
    if field in ("dose", "timing"):
        return re.sub(r"\s+", "", value.lower())
    if field == "outcome_effects":
        outcome, _, direction = value.rpartition(":")
        return f"{_normalize('outcomes', outcome, kb)}:{direction.strip()}"
    if field in ("cell_line", "trial_phase"):
        return value.upper() if field == "cell_line" else value
    if field == "n_patients":
        return str(int(float(value))) if re.fullmatch(r"\d+(\.0)?", value) else value
    if field == "citations":
        return str(int(float(value))) if re.fullmatch(r"\d+(\.0)?", value) else value
    if field == "trial_id":
        return value.upper()
    if kb is not None and field in KB_CATEGORY:
        concept = kb.lookup(KB_CATEGORY[field], value)
        if concept is not None:
            return concept.canonical_name
    return value.lower()


# ---------------------------------------------------------------------------------------------- matching


def _norm_sentence(text: str) -> str:
    return " ".join(text.split()).lower()


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def match_claims(gold: pd.DataFrame, pred: pd.DataFrame) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of gold and predicted rows of one document by sentence."""
    pairs: list[tuple[float, int, int]] = []
    for gi, g in gold.iterrows():
        gs, gw = _norm_sentence(g["sentence"]), _words(g["sentence"])
        for pi, p in pred.iterrows():
            ps = _norm_sentence(p["sentence"])
            if gs == ps:
                score = 3.0
            elif gs in ps or ps in gs:
                score = 2.0 + min(len(gs), len(ps)) / max(len(gs), len(ps), 1)
            else:
                pw = _words(p["sentence"])
                jaccard = len(gw & pw) / len(gw | pw) if gw | pw else 0.0
                if jaccard < 0.6:
                    continue
                score = jaccard
            pairs.append((score, gi, pi))
    used_g: set[int] = set()
    used_p: set[int] = set()
    matched = []
    for _, gi, pi in sorted(pairs, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            matched.append((gi, pi))
    return matched


def _values(row, field: str) -> set[str]:
    value = row[field]
    if field in BOOL_FIELDS:
        return {"true"} if value else set()
    if field in SCALAR_FIELDS:
        return {value} if value else set()
    return set(value)


# ---------------------------------------------------------------------------------------------- scoring


NON_BENEFICIAL = ("no_effect", "harmful", "mixed")


def tuples(rows: pd.DataFrame) -> dict[str, set[tuple]]:
    """The combinations a reviewer needs, per document: findings (product, model, direction), designs
    (product, species, model, route) and outcome effects (outcome, direction)."""
    found: dict[str, set[tuple]] = {"finding": set(), "design": set(), "outcome_effects": set()}
    for _, row in rows.iterrows():
        kind = row.get("claim_type", "") or "finding"
        if kind == "finding" and row["effect_direction"] not in ("", "unclear"):
            for product in row["cell_product"]:
                for model in row["injury_model"]:
                    found["finding"].add((product, model, row["effect_direction"]))
        if kind in ("finding", "method"):
            for product in row["cell_product"]:
                for species in row["species"]:
                    for model in row["injury_model"]:
                        for route in row["route"] or [""]:
                            found["design"].add((product, species, model, route))
        if kind == "finding":
            for pair in row.get("outcome_effects", None) or []:
                outcome, _, direction = pair.rpartition(":")
                found["outcome_effects"].add((outcome, direction))
    # A design with no route is subsumed by the same design with a stated route in the document.
    routed = {t[:3] for t in found["design"] if t[3]}
    found["design"] = {t for t in found["design"] if t[3] or t[:3] not in routed}
    return found


def compare(gold: pd.DataFrame, pred: pd.DataFrame) -> dict:
    """Score ``pred`` against ``gold`` (both from :func:`load_table`), on the documents gold covers."""
    docs = sorted(set(gold["doc_id"]))
    pred = pred[pred["doc_id"].isin(docs)]
    doc_scores = {f: Score() for f in DOC_FIELDS}
    claim_scores = {f: Score() for f in CLAIM_FIELDS}
    detection = Score()
    missing: dict = defaultdict(dict)
    extra: dict = defaultdict(dict)
    tuple_scores = {k: Score() for k in ("finding", "design", "outcome_effects")}
    non_beneficial = {"gold": 0, "same_direction": 0, "any_non_beneficial": 0}
    for doc_id in docs:
        g = gold[gold["doc_id"] == doc_id].reset_index(drop=True)
        p = pred[pred["doc_id"] == doc_id].reset_index(drop=True)
        gt, pt = tuples(g), tuples(p)
        for kind, score in tuple_scores.items():
            score.add(gt[kind], pt[kind])
            if gt[kind] - pt[kind]:
                missing[doc_id][f"{kind} tuples"] = sorted(" | ".join(t) for t in gt[kind] - pt[kind])
            if pt[kind] - gt[kind]:
                extra[doc_id][f"{kind} tuples"] = sorted(" | ".join(t) for t in pt[kind] - gt[kind])
        for field in DOC_FIELDS:
            gv = set().union(*[_values(r, field) for _, r in g.iterrows()]) if len(g) else set()
            pv = set().union(*[_values(r, field) for _, r in p.iterrows()]) if len(p) else set()
            doc_scores[field].add(gv, pv)
            if gv - pv:
                missing[doc_id][field] = sorted(gv - pv)
            if pv - gv:
                extra[doc_id][field] = sorted(pv - gv)
        pairs = match_claims(g, p)
        matched_direction = {gi: p.loc[pi, "effect_direction"] for gi, pi in pairs}
        for gi, row in g.iterrows():
            if (row.get("claim_type", "") or "finding") == "finding" and row["effect_direction"] in NON_BENEFICIAL:
                non_beneficial["gold"] += 1
                predicted = matched_direction.get(gi, "")
                non_beneficial["same_direction"] += predicted == row["effect_direction"]
                non_beneficial["any_non_beneficial"] += predicted in NON_BENEFICIAL
        detection.add(set(range(len(g))), {gi for gi, _ in pairs})
        detection.fp += len(p) - len(pairs)
        matched_g = {gi for gi, _ in pairs}
        matched_p = {pi for _, pi in pairs}
        for field in CLAIM_FIELDS:
            for gi, pi in pairs:
                claim_scores[field].add(_values(g.loc[gi], field), _values(p.loc[pi], field))
            for gi in set(range(len(g))) - matched_g:
                claim_scores[field].fn += len(_values(g.loc[gi], field))
            for pi in set(range(len(p))) - matched_p:
                claim_scores[field].fp += len(_values(p.loc[pi], field))
    return {
        "documents": docs,
        "claims": {"gold": len(gold), "predicted": len(pred), **detection.as_dict()},
        "tuples": {kind: score.as_dict() for kind, score in tuple_scores.items()},
        "non_beneficial_recall": {
            "gold_findings": non_beneficial["gold"],
            "same_direction": _round(non_beneficial["same_direction"] / non_beneficial["gold"])
            if non_beneficial["gold"]
            else None,
            "any_non_beneficial": _round(non_beneficial["any_non_beneficial"] / non_beneficial["gold"])
            if non_beneficial["gold"]
            else None,
        },
        "fields": {
            f: {"document": doc_scores[f].as_dict() if f in doc_scores else None, "claim": claim_scores[f].as_dict()}
            for f in CLAIM_FIELDS
        },
        "missing": dict(missing),
        "extra": dict(extra),
    }


def render_markdown(result: dict, gold_path: str, evidence_path: str) -> str:
    lines = [
        f"# Check: `{evidence_path}` against `{gold_path}`",
        "",
        f"{len(result['documents'])} documents; {result['claims']['gold']} gold claims, "
        f"{result['claims']['predicted']} extracted.",
        "",
        "Claim detection (sentence matched): " + _fmt(result["claims"]),
        "",
        "| tuples per document | P | R | F1 |",
        "|---|---|---|---|",
        *[
            f"| {kind} | {_num(s['precision'])} | {_num(s['recall'])} | {_num(s['f1'])} |"
            for kind, s in result["tuples"].items()
        ],
        "",
        f"Recall of non-beneficial findings ({result['non_beneficial_recall']['gold_findings']} in gold): "
        f"{_num(result['non_beneficial_recall']['same_direction'])} with the same direction, "
        f"{_num(result['non_beneficial_recall']['any_non_beneficial'])} read as non-beneficial.",
        "",
        "| field | doc P | doc R | doc F1 | claim P | claim R | claim F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for field, scores in result["fields"].items():
        d = scores["document"] or {}
        c = scores["claim"]
        lines.append(
            f"| {field} | {_num(d.get('precision'))} | {_num(d.get('recall'))} | {_num(d.get('f1'))} "
            f"| {_num(c['precision'])} | {_num(c['recall'])} | {_num(c['f1'])} |"
        )
    for title, key in (
        ("Missing values (in gold, not extracted)", "missing"),
        ("Extra values (extracted, not in gold)", "extra"),
    ):
        lines += ["", f"## {title}", ""]
        if not result[key]:
            lines.append("None.")
        for doc_id, fields in result[key].items():
            lines.append(f"- **{doc_id}**: " + "; ".join(f"{f}: {', '.join(v)}" for f, v in fields.items()))
    return "\n".join(lines) + "\n"


def _num(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _fmt(score: dict) -> str:
    return f"P {_num(score['precision'])}, R {_num(score['recall'])}, F1 {_num(score['f1'])}"


def run_check(gold_path: Path, evidence_path: Path, out_dir: Path, kb: KnowledgeBase | None = None) -> dict:
    """Compare, then write ``check.json`` and ``check.md`` to ``out_dir``; return the result."""
    kb = kb or load_kb()
    gold = load_table(gold_path, kb)
    pred = load_table(evidence_path, kb)
    result = compare(gold, pred) | {"gold": str(gold_path), "evidence": str(evidence_path)}
    write_json(out_dir / "check.json", result)
    write_text(out_dir / "check.md", render_markdown(result, str(gold_path), str(evidence_path)))
    return result
