"""Keyword baseline for the evidence table (issue 4), scored by the same ``evidence check`` on the same gold sets.

The baseline is deliberately simple: per field, a short hand-written list of regular expressions, each mapped to
the canonical value of ``docs/ANNOTATION.md`` (built from common surface forms, independent of the project's
knowledge base and cue lexicons). The lists are applied to the whole document; every sentence (the text split at
line breaks and at ". ") that contains a keyword of a claim field (cell source, cell product, injury model,
mediator, outcome: the gold's definition of a claim) becomes a row, and every row carries all values the
document has for species, cell source, cell product, injury model, mediators, outcomes, route and study type.
The direction is the sentence's own (its direction keywords; a negation keyword overrides a beneficial one,
beneficial plus harmful is ``mixed``); rows with a direction are ``finding``, the others ``method``. So the
baseline's tuples are the cross-product of what it finds per document.

The script runs the baseline and the real extract flow over ``corpus/``, checks both against
``corpus/gold/{review,dev_tune,dev_test}.csv`` and prints a Markdown table: per split, document-level F1 per
field, tuple F1 (finding, design, outcome_effects) and recall of non-beneficial findings, pipeline beside
baseline.

    .venv/bin/python benchmarks/baseline.py [--json benchmarks/results/baseline.json] [--baseline-only]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import platform
import re
import sys
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# ------------------------------------------------------------------------------------------ keyword lists
# Patterns are case-insensitive; (?-i:...) marks a case-sensitive abbreviation.

KEYWORDS: dict[str, list[tuple[str, str]]] = {
    "species": [
        (r"\brats?\b|sprague|wistar", "rat"),
        (r"\bmice\b|\bmouse\b|murine", "mouse"),
        (r"\bpatients?\b|\bhumans\b|\bvolunteers\b", "human"),
        (r"\bpigs?\b|porcine|swine", "pig"),
        (r"\bsheep\b|\bovine\b", "sheep"),
        (r"\bdogs?\b|canine|beagle", "dog"),
        (r"rhesus|macaque|monkeys?", "rhesus macaque"),
        (r"\brabbits?\b", "rabbit"),
        (r"\bcats?\b|feline", "cat"),
        (r"\bhorses?\b|equine", "horse"),
    ],
    "cell_source": [
        (r"bone[- ]marrow|(?-i:\bBM-?MSC)", "bone marrow"),
        (r"adipose|(?-i:\bAD-?SCs?\b|\bAD-?MSCs?\b|\bASCs?\b)", "adipose tissue"),
        (r"umbilical cord(?! blood)|(?-i:\bh?UC-?MSCs?\b)", "umbilical cord"),
        (r"wharton", "wharton's jelly"),
        (r"cord blood|(?-i:\bh?UCB-?MSCs?\b)", "umbilical cord blood"),
        (r"placenta", "placenta"),
        (r"amniotic fluid|(?-i:\bAF-?(MSC|SC)s?\b)", "amniotic fluid"),
        (r"amniotic membrane", "amniotic membrane"),
        (r"dental pulp", "dental pulp"),
        (r"menstrual", "menstrual blood"),
        (r"(kidney|renal)[- ](derived|resident)|glomerul\w* mesenchymal", "kidney"),
        (r"induced pluripotent|(?-i:\biPSC)", "induced pluripotent stem cells"),
    ],
    "cell_product": [
        (r"mesenchymal (stem|stromal)|(?-i:MSCs?\b|\bAD-?SCs?\b)", "msc"),
        (r"extracellular vesicles?|(?-i:\bEVs?\b|-EVs?\b)", "extracellular vesicles"),
        (r"micro-?vesicles?|(?-i:\bMVs?\b|-MVs?\b)", "microvesicles"),
        (r"exosom", "exosomes"),
        (r"conditioned medi(um|a)|(?-i:\bCM\b)", "conditioned medium"),
        (r"secretome", "secretome"),
        (r"apoptotic bodies", "apoptotic bodies"),
        (r"mononuclear cells", "mononuclear cells"),
        (r"endothelial progenitor", "endothelial progenitor cells"),
        (r"hematopoietic stem", "hematopoietic stem cells"),
        (r"renal progenitor", "renal progenitor cells"),
        (r"(?<!mesenchymal )(?<!derived )stem cells?", "stem cells"),
        (r"cell[- ](based )?therap", "cell therapy"),
    ],
    "injury_model": [
        (r"acute (kidney|renal) (injury|failure)|(?-i:\bAKI\b|\bARF\b)", "acute kidney injury"),
        (r"ischa?emi\w*[-/ ]+reperfusion|(?-i:\bI/R\b|\bIRI\b)", "ischemia-reperfusion injury"),
        (r"cis-?platin", "cisplatin"),
        (r"glycerol", "glycerol"),
        (r"rhabdomyoly", "rhabdomyolysis"),
        (r"gentamicin", "gentamicin"),
        (r"aminoglycoside", "aminoglycosides"),
        (r"folic acid", "folic acid"),
        (r"\bseps\w*|septic", "sepsis"),
        (r"ca?ecal ligation|(?-i:\bCLP\b)", "cecal ligation and puncture"),
        (r"lipopolysaccharide|endotoxin|(?-i:\bLPS\b)", "lipopolysaccharide"),
        (r"contrast[- ](medi|agent|induced)|radiocontrast", "contrast media"),
        (r"cardiac surgery|heart surgery", "cardiac surgery"),
        (r"(kidney|renal) transplant", "kidney transplantation"),
        (r"delayed graft function", "delayed graft function"),
        (r"nephrectom|(?-i:\bNx\b)", "nephrectomy"),
        (r"ureteral obstruction|(?-i:\bUUO\b)", "ureteral obstruction"),
        (r"doxorubicin|adriamycin", "doxorubicin"),
        (r"diabetic nephropathy|diabetic kidney", "diabetic nephropathy"),
        (r"glomerulonephritis", "glomerulonephritis"),
        (r"chronic (kidney|renal) (disease|failure)|(?-i:\bCKD\b)", "chronic kidney disease"),
        (r"cancer|tumou?rs?\b|carcinoma", "cancer"),
    ],
    "mediators": [
        (r"(?-i:\bIGF-?1\b)|insulin-like growth factor", "igf-1"),
        (r"(?-i:\bHGF\b)|hepatocyte growth factor", "hgf"),
        (r"(?-i:\bVEGF)|vascular endothelial growth factor", "vegf"),
        (r"(?-i:\bEGF\b)|epidermal growth factor", "egf"),
        (r"(?-i:\bb?FGF-?2?\b)|fibroblast growth factor", "fgf2"),
        (r"(?-i:\bIL-?10\b)|interleukin-10", "il-10"),
        (r"(?-i:\bTSG-?6\b)", "tsg-6"),
        (r"(?-i:\bPGE-?2\b)|prostaglandin e2", "pge2"),
        (r"(?-i:\bSDF-?1|CXCL12)", "sdf-1"),
        (r"(?-i:\bCXCR-?4\b)", "cxcr4"),
        (r"(?-i:\bNrf-?2\b)", "nrf2"),
        (r"(?-i:\bHO-?1\b)|heme oxygenase", "ho-1"),
        (r"(?-i:\bBcl-?2\b)", "bcl-2"),
        (r"(?-i:\bBax\b)", "bax"),
        (r"caspase-?3", "caspase-3"),
        (r"(?-i:\bTGF-?(β|beta))", "tgf-beta"),
        (r"micro-?rnas?|(?-i:\bmiRNAs?\b)", "mirna"),
        (r"(?-i:\bmiR-?30)", "mir-30"),
        (r"(?-i:\bmiR-?21\b)", "mir-21"),
        (r"klotho", "klotho"),
        (r"paracrine", "paracrine"),
        (r"anti-?apoptotic", "anti-apoptotic"),
        (r"anti-?inflammatory", "anti-inflammatory"),
        (r"anti-?oxidant", "antioxidant"),
        (r"angiogen", "angiogenesis"),
        (r"immunomodulat", "immunomodulation"),
        (r"trans-?differentiat", "trans-differentiation"),
        (r"engraft", "engraftment"),
        (r"\bhoming\b", "homing"),
        (r"autophag", "autophagy"),
        (r"regulatory t cells|(?-i:\bTregs?\b)", "regulatory t cells"),
    ],
    "outcomes": [
        (r"(renal|kidney) function", "renal function"),
        (r"creatinine(?! clearance)|(?-i:\bSCr\b)", "serum creatinine"),
        (r"blood urea nitrogen|(?-i:\bBUN\b)", "blood urea nitrogen"),
        (r"glomerular filtration|(?-i:\be?GFR\b)", "glomerular filtration rate"),
        (r"creatinine clearance", "creatinine clearance"),
        (r"(renal|kidney) recovery", "kidney recovery"),
        (r"dialysis|renal replacement", "dialysis"),
        (r"tubular (injury|damage)", "tubular injury"),
        (r"tubular necrosis|(?-i:\bATN\b)", "tubular necrosis"),
        (r"(?-i:\bKIM-?1\b)|kidney injury molecule", "kim-1"),
        (r"(?-i:\bNGAL\b)|lipocalin", "ngal"),
        (r"cystatin", "cystatin c"),
        (r"proteinuria|albuminuria", "proteinuria"),
        (r"apoptosis|(?-i:\bTUNEL)", "apoptosis"),
        (r"proliferat", "cell proliferation"),
        (r"(?<!anti-)inflammation", "inflammation"),
        (r"(?-i:\bTNF)|tumou?r necrosis factor", "tnf-alpha"),
        (r"(?-i:\bIL-?6\b)|interleukin-6", "il-6"),
        (r"(?-i:\bIL-?1(β|beta|b)\b)", "il-1beta"),
        (r"macrophage", "macrophage infiltration"),
        (r"neutrophil", "neutrophil infiltration"),
        (r"oxidative stress", "oxidative stress"),
        (r"malondialdehyde|(?-i:\bMDA\b)", "malondialdehyde"),
        (r"superoxide dismutase|(?-i:\bSOD\b)", "superoxide dismutase"),
        (r"fibros", "fibrosis"),
        (r"\bsurviv", "survival"),
        (r"mortality", "mortality"),
        (r"adverse events?", "adverse events"),
        (r"maldifferentiat", "maldifferentiation"),
        (r"tumorigen", "tumorigenicity"),
        (r"regenerat", "regeneration"),
        (r"end-stage (kidney|renal)|(?-i:\bES[RK]D\b)", "end-stage kidney disease"),
    ],
    "route": [
        (r"intravenous|tail vein|jugular vein|\bi\.v\.", "intravenous"),
        (r"intra-?arterial|renal artery|intra-?aortic|intracardiac", "intra-arterial"),
        (r"intraperitoneal|\bi\.p\.", "intraperitoneal"),
        (r"subcapsular", "subcapsular"),
        (r"intra-?renal|intraparenchymal", "intrarenal"),
        (r"intramuscular", "intramuscular"),
        (r"subcutaneous", "subcutaneous"),
        (r"topical", "topical"),
    ],
    "effect_direction": [
        (r"did not|no significant|not significantly|failed to|no (difference|effect)|comparable|similar", "no_effect"),
        (r"worsen|aggravat|exacerbat|detrimental|harmful|increased mortality", "harmful"),
        (
            r"improv|attenuat|ameliorat|reduc|decreas|protect|prevent|restor|alleviat|accelerat|enhanc|lower",
            "beneficial",
        ),
    ],
    # Document level, first match in this order wins.
    "study_type": [
        (r"this review|we review|we summari[sz]e", "review_statement"),
        (r"\brats?\b|\bmice\b|\bpigs?\b|\bsheep\b|\bdogs?\b|monkeys?|rhesus|animal|in vivo", "in_vivo"),
        (r"\bpatients\b|\btrial\b|(?-i:NCT\d)", "clinical"),
        (r"in vitro|cultured|co-culture", "in_vitro"),
    ],
}
CLAIM_FIELDS = ("cell_source", "cell_product", "injury_model", "mediators", "outcomes")
DOC_LIST_FIELDS = ("species", "cell_source", "cell_product", "injury_model", "mediators", "outcomes", "route")
COMPILED = {field: [(re.compile(p, re.I), v) for p, v in pats] for field, pats in KEYWORDS.items()}
#: The evidence-table CSV layout (README "Output schema") plus ``outcome_effects`` (ANNOTATION.md, version 2).
COLUMNS = (
    "claim_id doc_id section sentence_index char_start char_end sentence claim_type citations study_type species "
    "species_ids cell_source cell_source_ids cell_origin cell_product cell_product_ids injury_model injury_model_ids "
    "mediators mediators_ids outcomes outcomes_ids effect_direction negated hedged dose route timing trial_id "
    "confidence outcome_effects"
).split()


def find(field: str, text: str) -> list[str]:
    """Canonical values of ``field`` whose keywords occur in ``text``, in list order."""
    return [value for pattern, value in COMPILED[field] if pattern.search(text)]


def sentences(text: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, sentence): the text split at line breaks and after ". " (the period stays)."""
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for part in re.split(r"(?<=\.) ", line.group()):
            stripped = part.strip()
            if stripped:
                begin = start + part.index(stripped)
                yield begin, begin + len(stripped), stripped
            start += len(part) + 1


def direction(sentence: str) -> str:
    found = set(find("effect_direction", sentence))
    if "no_effect" in found:  # "did not reduce": the negation wins over the change verb
        found.discard("beneficial")
    return found.pop() if len(found) == 1 else ("mixed" if found else "unclear")


def baseline_rows(doc_id: str, text: str) -> list[dict]:
    """The baseline's evidence rows for one document (list fields as Python lists)."""
    values = {field: find(field, text) for field in DOC_LIST_FIELDS}
    study_type = (find("study_type", text) or ["unknown"])[0]
    rows = []
    for index, (start, end, sentence) in enumerate(sentences(text)):
        if not any(find(field, sentence) for field in CLAIM_FIELDS):
            continue
        effect = direction(sentence)
        finding = effect != "unclear"
        rows.append(
            {
                "claim_id": hashlib.sha1(f"{doc_id}\n{index}\n{sentence}".encode()).hexdigest()[:16],
                "doc_id": doc_id,
                "section": "",
                "sentence_index": index,
                "char_start": start,
                "char_end": end,
                "sentence": sentence,
                "claim_type": "finding" if finding else "method",
                "study_type": study_type,
                **values,
                "effect_direction": effect,
                "negated": False,
                "hedged": False,
                "confidence": 0.5,
                "outcome_effects": [f"{o}:{effect}" for o in values["outcomes"]] if finding else [],
            }
        )
    return rows


# ------------------------------------------------------------------------------------------ table and scoring


def _cell(value) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(rows: list[dict], path: Path) -> Path:
    """Write rows in the evidence-table CSV layout (missing columns empty, lists ``;``-joined)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_cell(row.get(c, "")) for c in COLUMNS])
    return path


def run_baseline(inputs: list[Path]) -> list[dict]:
    """Baseline rows for every .txt/.text/.md file under ``inputs`` (doc_id = file stem)."""
    rows: list[dict] = []
    for root in inputs:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if path.suffix in (".txt", ".text", ".md"):
                rows += baseline_rows(path.stem, path.read_text(encoding="utf-8"))
    return rows


SPLITS = {"review": "review.csv", "dev tune": "dev_tune.csv", "dev test (held out)": "dev_test.csv"}
REPORT_FIELDS = (
    "species",
    "cell_source",
    "cell_product",
    "injury_model",
    "mediators",
    "outcomes",
    "route",
    "study_type",
    "effect_direction",
)


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def summarize(result: dict) -> dict:
    """The figures of one check result that the comparison reports."""
    return {
        "claims": result["claims"],
        "document_fields": {f: result["fields"][f]["document"] for f in REPORT_FIELDS},
        "tuples": result["tuples"],
        "non_beneficial_recall": result["non_beneficial_recall"],
    }


def markdown(results: dict[str, dict[str, dict]]) -> str:
    """Per split, pipeline beside baseline: doc F1 per field, tuple F1, non-beneficial recall."""
    systems = ("pipeline", "baseline")
    names = list(results)
    header = "| measure | " + " | ".join(f"{n}: {s}" for n in names for s in systems if s in results[n]) + " |"
    lines = [header, "|---|" + "---|" * (header.count("|") - 2)]

    def row(label: str, get) -> None:
        cells = [_f(get(results[n][s])) for n in names for s in systems if s in results[n]]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    for field in REPORT_FIELDS:
        row(f"doc F1: {field}", lambda r, f=field: (r["document_fields"][f] or {}).get("f1"))
    row("claims found F1 (sentence match)", lambda r: r["claims"]["f1"])
    for kind in ("finding", "design", "outcome_effects"):
        row(f"tuple F1: {kind}", lambda r, k=kind: r["tuples"][k]["f1"])
    row("non-beneficial recall: same direction", lambda r: r["non_beneficial_recall"]["same_direction"])
    row("non-beneficial recall: any non-beneficial", lambda r: r["non_beneficial_recall"]["any_non_beneficial"])
    gold = [str(results[n][systems[0] if systems[0] in results[n] else systems[1]]["claims"]["gold"]) for n in names]
    nb = [str(results[n]["baseline"]["non_beneficial_recall"]["gold_findings"]) for n in names]
    lines.append("")
    lines.append("Gold claims per split: " + ", ".join(f"{n} {g}" for n, g in zip(names, gold, strict=True)) + ".")
    lines.append("Non-beneficial gold findings: " + ", ".join(f"{n} {c}" for n, c in zip(names, nb, strict=True)) + ".")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" / "baseline.json")
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--baseline-only", action="store_true", help="score the baseline only (no extract flow)")
    args = parser.parse_args(argv)
    from pipeline.check import run_check
    from pipeline.kb import load_kb

    kb = load_kb()
    results: dict[str, dict[str, dict]] = {name: {} for name in SPLITS}
    versions: dict = {"python": platform.python_version()}
    with tempfile.TemporaryDirectory(prefix="evidence-baseline-") as tmp:
        out = Path(tmp)
        table = write_csv(run_baseline([args.corpus]), out / "baseline" / "evidence.csv")
        tables = {"baseline": table}
        if not args.baseline_only:
            from pipeline.flows import extract_flow

            report = extract_flow(inputs=[str(args.corpus)], out_dir=str(out / "pipeline"), use_cache=False)
            versions = report["versions"]
            tables["pipeline"] = out / "pipeline" / "evidence.jsonl"
        for system, path in sorted(tables.items(), reverse=True):
            for name, gold in SPLITS.items():
                check = run_check(args.corpus / "gold" / gold, path, out / system / "check" / gold, kb)
                results[name][system] = summarize(check)
        baseline_claims = sum(1 for _ in csv.reader(table.open(encoding="utf-8"))) - 1
    table_md = markdown(results)
    print(table_md)
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/baseline.py" + (" --baseline-only" if args.baseline_only else ""),
        "versions": versions,
        "baseline": {
            "description": __doc__.split("\n\n")[1].replace("\n", " "),
            "rows": baseline_claims,
            "keywords": {field: len(patterns) for field, patterns in KEYWORDS.items()},
        },
        "splits": results,
        "markdown": table_md,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
