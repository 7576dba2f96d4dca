#!/usr/bin/env python3
"""Verify the ontology identifiers of the knowledge base against annotated corpora.

Reads the shared corpora in place (no copies) and, for every concept in
models/kb/concepts.jsonl with a non-empty ``ontology_id``, checks that the id
occurs in the corpus annotations:

* BC5CDR PubTator (MeSH ids for chemicals and diseases)      -> ``MESH:Dxxxxxx``
* BioRED PubTator (NCBI Gene, MeSH, NCBITaxon, Cellosaurus)  -> ``NCBIGene:n``,
  ``MESH:Dxxxxxx``, ``NCBITaxon:n``
* NCBI Disease corpus (MeSH / OMIM ids)                      -> ``MESH:Dxxxxxx``
* CRAFT Knowtator XML (CL, UBERON, CHEBI, PR, NCBITaxon, GO)
  and Knowtator-2 XML (MONDO)                                -> ``CL:...`` etc.

For each id it prints: id, canonical name, found (yes/no), count, and the most
frequent annotated surface forms.  Exit status 1 if an id is found in no corpus
and is not in the CERTAIN allow-list below.

Usage:  python scripts/verify_kb_ids.py [--corpora PATH] [--kb PATH] [--top N]
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
from collections import Counter, defaultdict
from pathlib import Path
from xml.etree import ElementTree as ET

REPO_ROOT = Path(__file__).resolve().parent.parent

# Identifiers listed as certain in ../shared/docs/domain.md ("Identifiers for
# normalization").  They are accepted even when no corpus annotates them.
CERTAIN = {
    # NCBI Taxonomy
    "NCBITaxon:9606",
    "NCBITaxon:10090",
    "NCBITaxon:10116",
    "NCBITaxon:9823",
    "NCBITaxon:9940",
    "NCBITaxon:9615",
    "NCBITaxon:9544",
    # MeSH
    "MESH:D058186",
    "MESH:D015427",
    "MESH:D002945",
    "MESH:D005990",
    "MESH:D012206",
    "MESH:D018805",
    "MESH:D059630",
    "MESH:D003404",
    "MESH:D017209",
    # UBERON
    "UBERON:0002371",
    "UBERON:0001013",
    "UBERON:0002331",
    "UBERON:0002113",
    "UBERON:0001987",
    "UBERON:0000173",
    "UBERON:0000074",
    # Cell Ontology
    "CL:0000134",
}

_MESH_RE = re.compile(r"^(?:MESH:)?([CD]\d{6,9})$")


def _norm_ids(raw: str, kind: str) -> list[str]:
    """Turn a PubTator id column into prefixed ids.

    kind: 'mesh' (BC5CDR / NCBI disease) or the BioRED entity type."""
    out = []
    for part in re.split(r"[|,;+]", raw.strip()):
        part = part.strip()
        if not part or part == "-1" or part == "-":
            continue
        m = _MESH_RE.match(part)
        if m:
            out.append("MESH:" + m.group(1))
            continue
        if part.startswith("OMIM:"):
            out.append(part)
            continue
        if kind == "GeneOrGeneProduct" and part.isdigit():
            out.append("NCBIGene:" + part)
        elif kind == "OrganismTaxon" and part.isdigit():
            out.append("NCBITaxon:" + part)
        elif kind == "CellLine" and part.startswith("CVCL"):
            out.append("Cellosaurus:" + part)
        elif kind == "SequenceVariant":
            continue
        elif part.isdigit():
            out.append("OMIM:" + part)
        else:
            out.append(part)
    return out


def _read_pubtator(path: Path, corpus: str, index: dict) -> None:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 6 or not cols[1].isdigit():
                continue  # title/abstract/relation lines
            surface, etype, raw = cols[3], cols[4], cols[5]
            kind = etype if corpus == "BioRED" else "mesh"
            for cid in _norm_ids(raw, kind):
                index[cid][corpus][surface] += 1


def _read_craft(craft_dir: Path, index: dict) -> None:
    for arch in sorted(craft_dir.glob("craft_*_knowtator*.tar.gz")):
        with tarfile.open(arch) as tar:
            for member in tar.getmembers():
                if not member.isfile() or not member.name.endswith(".xml"):
                    continue
                root = ET.fromstring(tar.extractfile(member).read())
                if root.tag == "knowtator-project":  # Knowtator-2 (MONDO)
                    for ann in root.iter("annotation"):
                        cls = ann.find("class")
                        if cls is None:
                            continue
                        cid = cls.get("id", "")
                        cid = cid.rsplit("/", 1)[-1].replace("_", ":", 1)
                        text = " ".join(s.text or "" for s in ann.findall("span"))
                        index[cid]["CRAFT"][text] += 1
                    continue
                mention_text = {}
                for ann in root.iter("annotation"):
                    mention = ann.find("mention")
                    st = ann.find("spannedText")
                    if mention is not None and st is not None:
                        mention_text[mention.get("id")] = st.text or ""
                for cm in root.iter("classMention"):
                    mc = cm.find("mentionClass")
                    if mc is None:
                        continue
                    cid = mc.get("id", "")
                    index[cid]["CRAFT"][mention_text.get(cm.get("id"), "")] += 1


def build_index(corpora: Path) -> dict:
    """id -> corpus -> Counter(surface form)."""
    index: dict = defaultdict(lambda: defaultdict(Counter))
    for p in sorted((corpora / "bc5cdr").glob("CDR_*.PubTator.txt")):
        _read_pubtator(p, "BC5CDR", index)
    for p in sorted((corpora / "biored").glob("*.PubTator")):
        _read_pubtator(p, "BioRED", index)
    for p in sorted((corpora / "ncbi_disease").glob("NCBI*_corpus.txt")):
        _read_pubtator(p, "NCBI-disease", index)
    if (corpora / "craft").is_dir():
        _read_craft(corpora / "craft", index)
    return index


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--corpora",
        default=str(REPO_ROOT.parent / "shared" / "corpora"),
        help="folder of the shared corpora (default: ../shared/corpora from the repo root)",
    )
    ap.add_argument("--kb", default=str(REPO_ROOT / "models" / "kb" / "concepts.jsonl"))
    ap.add_argument("--top", type=int, default=6, help="surface forms to show per id")
    args = ap.parse_args(argv)

    corpora = Path(args.corpora)
    if not corpora.is_absolute():
        corpora = (REPO_ROOT / corpora).resolve()
    if not corpora.is_dir():
        print(f"corpora folder not found: {corpora}", file=sys.stderr)
        return 2
    index = build_index(corpora)

    concepts = [json.loads(line) for line in open(args.kb, encoding="utf-8") if line.strip()]
    failures = []
    n_checked = n_found = n_certain = 0
    print("ontology_id\tcanonical_name\tfound\tcount\ttop surface forms")
    for c in concepts:
        oid = c.get("ontology_id", "")
        if not oid:
            continue
        n_checked += 1
        per_corpus = index.get(oid, {})
        total = Counter()
        for cnt in per_corpus.values():
            total.update(cnt)
        count = sum(total.values())
        found = count > 0
        if found:
            n_found += 1
            where = ",".join(f"{k}:{sum(v.values())}" for k, v in sorted(per_corpus.items()))
            forms = "; ".join(f"{s!r}x{n}" for s, n in total.most_common(args.top))
            status = "yes"
        else:
            where, forms = "", ""
            if oid in CERTAIN:
                n_certain += 1
                status = "no (certain: domain.md)"
            else:
                status = "no"
                failures.append((oid, c["canonical_name"]))
        print(f"{oid}\t{c['canonical_name']}\t{status}\t{count}\t[{where}] {forms}")

    print(
        f"\n{n_checked} ids checked: {n_found} found in corpora, "
        f"{n_certain} accepted from the domain.md allow-list, {len(failures)} unverified"
    )
    for oid, name in failures:
        print(f"UNVERIFIED: {oid} ({name})", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
