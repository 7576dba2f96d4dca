"""Entity recognition from the knowledge base: dictionary, compounds, and the document's own abbreviations.

A spaCy component (``evidence_kb_ruler``) that writes ``doc.ents``. Each entity carries, as extensions:

* ``evidence_concepts``: the KB concept ids it names (two or more for compounds such as ``BM-MSCs``);
* ``evidence_method``: how it was found: ``dictionary`` (synonym or abbreviation in the KB), ``compound``
  (decomposed from parts, e.g. ``hUC-MSC-EVs``), ``abbreviation`` (a short form the document defines, given
  the concepts of its long form, as scispaCy's abbreviation detector resolved it), ``ner:<LABEL>`` (a span from
  an NER model, normalized later by the linker);
* ``evidence_origin``: donor species implied by the surface form (``hMSC`` -> human).

Matching: synonyms case-insensitively (spaCy ``PhraseMatcher`` on ``LOWER``), abbreviations and compounds
case-sensitively (on ``ORTH``), both with plural forms. Overlaps keep the longest span; an abbreviation the
document defines overrides the KB's reading of the same short form. Concepts marked ``requires_context`` (an
organ as a cell source, e.g. ``kidney``) are kept only in a sentence that names a source of cells.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline import paths
from pipeline.kb import KnowledgeBase, load_kb, plural_forms

for _name, _default in (
    ("evidence_concepts", ()),
    ("evidence_method", ""),
    ("evidence_origin", ""),
    ("evidence_score", 1.0),
):
    Span.set_extension(_name, default=_default, force=True)

_SPLIT_COMPOUND = re.compile(r"[-/]")
_CLAUSE_END = re.compile(r"[.;]\s|[.;]$")
# unknown short labels before a known product ("H-MSCs" hypoxic, "KL-MSCs" klotho-overexpressing, "IL-10-BMSCs",
# "vector-BMSCs"); not a negating prefix ("non-MSCs")
_MODIFIER_LABEL = re.compile(r"(?!(?:non|anti|pre|post)$)[A-Za-z0-9]{1,6}", re.I)


@Language.factory("evidence_kb_ruler", default_config={"kb_dir": "", "source_cues": ""})
def make_kb_ruler(nlp: Language, name: str, kb_dir: str, source_cues: str) -> KBRuler:
    return KBRuler(nlp, load_kb(Path(kb_dir) if kb_dir else None), source_cues)


class KBRuler:
    def __init__(self, nlp: Language, kb: KnowledgeBase, source_cues: str = "") -> None:
        self.kb = kb
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.keys: dict[str, tuple[tuple[str, ...], str]] = {}
        lower_terms: dict[str, set[str]] = {}
        exact_terms: dict[str, set[str]] = {}
        for concept in kb.concepts.values():
            for syn in (concept.canonical_name, *concept.synonyms):
                for spelling in kb.spelling_variants(syn.lower()):
                    lower_terms.setdefault(concept.concept_id, set()).update(plural_forms(spelling))
            for abbr in concept.abbreviations:
                for form in plural_forms(abbr):
                    exact_terms.setdefault(concept.concept_id, set()).add(form)
            self.keys[concept.concept_id] = ((concept.concept_id,), "")
        for i, compound in enumerate(kb.compounds):
            key = f"compound:{i}"
            self.keys[key] = (_head_first(compound.concepts), compound.origin)
            target = exact_terms if compound.case_sensitive else lower_terms
            for form in plural_forms(compound.term):
                target.setdefault(key, set()).add(form if compound.case_sensitive else form.lower())
        for key, terms in lower_terms.items():
            variants = {v for term in terms for v in _hyphen_case_variants(term)}
            self.lower.add(key, list(nlp.tokenizer.pipe(sorted(variants))))
        for key, terms in exact_terms.items():
            self.exact.add(key, list(nlp.tokenizer.pipe(sorted(terms))))
        cues_path = Path(source_cues) if source_cues else paths.CUES_DIR / "cell_source_context.json"
        self.source_cues = tuple(json.loads(cues_path.read_text(encoding="utf-8"))["cues"])
        self.parts = kb.parts
        self.vocab = nlp.vocab
        # first word -> (second word, concept): "hypoxia ... followed by reoxygenation" names hypoxia/reoxygenation
        self.split_forms = {
            first.lower(): (second.lower(), concept.concept_id)
            for concept in kb.concepts.values()
            for first, second in concept.split_forms
        }

    # ------------------------------------------------------------------------------------------ matching

    def __call__(self, doc: Doc) -> Doc:
        candidates: list[tuple[Span, tuple[str, ...], str, str]] = []  # span, concepts, method, origin
        for matcher in (self.lower, self.exact):
            for match_id, start, end in matcher(doc):
                concepts, origin = self.keys[self.vocab.strings[match_id]]
                candidates.append((doc[start:end], concepts, "dictionary", origin))
        covered = {t for span, *_ in candidates for t in range(span.start, span.end)}
        for token in doc:
            if token.i not in covered and ("-" in token.text or "/" in token.text):
                found = self._decompose(token.text)
                if found:
                    candidates.append((doc[token.i : token.i + 1], found[0], "compound", found[1]))
        candidates += self._split_forms(doc)
        for span in doc.spans.get("ner", []):
            candidates.append((span, (), f"ner:{span.label_}", ""))
        candidates = self._with_abbreviations(doc, candidates)
        products = [c[0] for c in candidates if any(x.startswith("cell_product:") for x in c[1])]
        candidates = [c for c in candidates if self._context_ok(c[0], c[1], products)]

        best: dict[tuple[int, int], tuple[Span, tuple[str, ...], str, str]] = {}
        for cand in candidates:
            key = (cand[0].start, cand[0].end)
            prev = best.get(key)
            if (
                prev is None
                or _priority(cand) > _priority(prev)
                or (_priority(cand) == _priority(prev) and len(cand[1]) > len(prev[1]))
            ):
                best[key] = cand
        spans = []
        for span, concepts, method, origin in best.values():
            primary = self.kb.concepts[concepts[0]] if concepts else None
            label = primary.category if primary else method.split(":", 1)[-1]
            ent = Span(doc, span.start, span.end, label=label, kb_id=primary.concept_id if primary else "")
            spans.append((ent, concepts, method, origin))
        # KB matches first (longest wins among them); model spans only where no KB match overlaps them.
        kept = filter_spans([s[0] for s in spans if not s[2].startswith("ner:")])
        taken = {t for ent in kept for t in range(ent.start, ent.end)}
        for ent in filter_spans([s[0] for s in spans if s[2].startswith("ner:")]):
            if not any(t in taken for t in range(ent.start, ent.end)):
                kept.append(ent)
        kept.sort(key=lambda e: e.start)
        info = {(s[0].start, s[0].end): s for s in spans}
        doc.ents = kept
        for ent in doc.ents:
            _, concepts, method, origin = info[(ent.start, ent.end)]
            ent._.evidence_concepts = tuple(concepts)
            ent._.evidence_method = method
            ent._.evidence_origin = origin
        return doc

    def _split_forms(self, doc: Doc) -> list[tuple[Span, tuple[str, ...], str, str]]:
        """The first word of a split name, when its second word follows in the same sentence and clause ("24 h of
        hypoxia (1% O2) followed by 6 h of reoxygenation"); not a word inside a compound ("hypoxia-inducible")."""
        found = []
        for token in doc:
            entry = self.split_forms.get(token.lower_)
            if entry is None or (token.i + 1 < len(doc) and doc[token.i + 1].text in "-/"):
                continue
            window = doc.text[token.idx + len(token.text) : token.idx + len(token.text) + 100]
            stop = _CLAUSE_END.search(window)
            if re.search(rf"\b{re.escape(entry[0])}\b", window[: stop.start() if stop else None], re.I):
                found.append((doc[token.i : token.i + 1], (entry[1],), "dictionary", ""))
        return found

    def _decompose(self, text: str) -> tuple[tuple[str, ...], str] | None:
        """``hUC-MSC-EVs`` -> (umbilical cord, extracellular vesicles, msc), origin human; None if unknown."""
        concepts: list[str] = []
        origin = ""
        has_product = modified = False
        for raw in _SPLIT_COMPOUND.split(text):
            if not raw:
                return None
            entry = self.parts.get(raw) or self.parts.get(raw[:-1] if raw.endswith("s") else raw)
            if entry is None and len(raw) > 2 and raw[0] in "hrm" and raw[1].isupper():
                entry = self.parts.get(raw[1:]) or self.parts.get(raw[1:-1] if raw.endswith("s") else raw[1:])
                if entry is not None:
                    origin = {"h": "human", "r": "rat", "m": "mouse"}[raw[0]]
            if entry is None and not concepts and _MODIFIER_LABEL.fullmatch(raw):
                modified = True  # "H-MSCs", "KL-MSCs", "N-MSCs": a label for how the cells were treated
                continue
            if entry is None:
                return None
            for concept_id in entry.get("concepts", []):
                if concept_id not in concepts:
                    concepts.append(concept_id)
                has_product = has_product or concept_id.startswith("cell_product:")
        if not has_product or len(concepts) < (1 if modified else 2):
            return None
        return _head_first(tuple(concepts)), origin

    def _with_abbreviations(self, doc: Doc, candidates: list) -> list:
        """Give each short form the concepts found in its long form (scispaCy's abbreviation detector)."""
        if not Doc.has_extension("abbreviations"):
            return candidates
        by_long: dict[tuple[int, int], tuple[tuple[str, ...], str]] = {}
        variants: dict[str, tuple[tuple[str, ...], str]] = {}
        for short in doc._.abbreviations:
            long_form = short._.long_form
            if not isinstance(long_form, Span):
                continue
            # the detector's long form can reach back over a sentence end ("... AKI has not been tested.
            # Conditioned medium was collected from human AD-MSCs (AD-MSC-CM)"): only the sentence it ends in counts
            start = long_form.start
            if doc.has_annotation("SENT_START") and len(long_form):
                start = max(start, long_form[-1].sent.start)
            key = (start, long_form.end)
            if key not in by_long:
                concepts, origin = self._long_form(candidates, start, long_form.end)
                by_long[key] = (_head_first(tuple(concepts)), origin)
            concepts, origin = by_long[key]
            if concepts:
                candidates.append((short, concepts, "abbreviation", origin))
                if len(short) == 1:
                    variants[_number_variant(short.text)] = (concepts, origin)
            else:
                # Unknown long form: let the linker try it (it resolves the short form via its long form).
                candidates.append((short, (), "abbreviation", ""))
        defined = self._defined_with_details(doc, candidates)
        for short_text, found in defined.items():
            variants.setdefault(_number_variant(short_text), found)
        # The other grammatical number of a defined short form ("MenSCs" defined, "MenSC-treated mice" later).
        variants.pop("", None)
        if defined or variants:
            for token in doc:
                for table in (defined, variants):
                    if token.text in table:
                        concepts, origin = table[token.text]
                        candidates.append((doc[token.i : token.i + 1], concepts, "abbreviation", origin))
        return candidates

    def _long_form(self, candidates: list, start: int, end: int) -> tuple[list[str], str]:
        """The concepts (in text order) and the donor origin named by the KB mentions inside tokens [start, end).
        Only maximal matches count: "mesenchymal stem cells" names msc, not also "stem cells" inside it. Beside
        cells, a species is their donor, not a host ("human bone marrow MSCs (hBM-MSCs)")."""
        inside = [c for c in candidates if c[0].start >= start and c[0].end <= end and c[1]]
        inside = [
            c
            for c in inside
            if not any(o[0].start <= c[0].start and c[0].end <= o[0].end and len(o[0]) > len(c[0]) for o in inside)
        ]
        concepts: list[str] = []
        origin = ""
        for cand in sorted(inside, key=lambda c: c[0].start):
            concepts.extend(c for c in cand[1] if c not in concepts)
            origin = origin or cand[3]
        if any(c.startswith(("cell_product:", "cell_source:")) for c in concepts):
            for concept_id in [c for c in concepts if c.startswith("species:")]:
                concepts.remove(concept_id)
                origin = origin or self.kb.concepts[concept_id].canonical_name
        return concepts, origin

    def _defined_with_details(self, doc: Doc, candidates: list) -> dict[str, tuple[tuple[str, ...], str]]:
        """Short forms defined with details in their parentheses, which scispaCy's detector does not read:
        "exosomes from menstrual blood-derived MSCs (MenSC-Exo; 10 ug/mL)", "BM-MSCs (hBM-MSCs, 2 x 10^6)". The
        long form is the run of KB mentions that ends right before the parenthesis (up to 10 tokens back, same
        sentence); a cell-free product in it is the product the short form names."""
        known = {a.text for a in doc._.abbreviations} if Doc.has_extension("abbreviations") else set()
        found: dict[str, tuple[tuple[str, ...], str]] = {}
        for token in doc[1:-2]:
            if token.text != "(":
                continue
            short, after = doc[token.i + 1], doc[token.i + 2]
            if after.text not in (";", ",") or short.text in known or not DEFINED_SHORT.fullmatch(short.text):
                continue
            if any(c[1] and c[0].start <= short.i < c[0].end for c in candidates):
                continue  # already known: "hucMSC-Ex" decomposes into its parts
            start = max(token.sent.start, token.i - 10)
            if not any(c[1] and c[0].start >= start and c[0].end == token.i for c in candidates):
                continue  # the long form must end at the parenthesis
            concepts, origin = self._long_form(candidates, start, token.i)
            products = [c for c in concepts if c.startswith("cell_product:")]
            if not products:
                continue
            free = [c for c in products if self.kb.concepts[c].cell_free]
            primary = free[0] if free else products[-1]
            found.setdefault(short.text, ((primary, *[c for c in concepts if c != primary]), origin))
        return found

    def _context_ok(self, span: Span, concepts: tuple[str, ...], products: list[Span]) -> bool:
        """An organ is a cell source only next to cells ("glomerular MSCs", "kidney-derived") or after a source
        cue within a few words ("niches of MSC-like cells, such as the kidney")."""
        if len(concepts) != 1:
            return True
        concept = self.kb.concepts[concepts[0]]
        if not concept.requires_context:
            return True
        doc = span.doc
        if any(0 <= p.start - span.end <= 1 for p in products):
            return True
        window = doc[max(span.sent.start if doc.has_annotation("SENT_START") else 0, span.start - 8) : span.end + 2]
        text = window.text.lower()
        return any(cue in text for cue in self.source_cues)


# A short form: letters, digits and hyphens, with at least two capitals ("MenSC-Exo", "hBM-MSCs", "AD-MSC-EVs").
DEFINED_SHORT = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z][A-Za-z0-9-]{1,19}")


def _head_first(concepts: tuple[str, ...]) -> tuple[str, ...]:
    """The product named last is the product given (MSC-EVs are EVs): make it the primary concept."""
    products = [c for c in concepts if c.startswith("cell_product:")]
    if not products:
        return tuple(concepts)
    return (products[-1], *[c for c in concepts if c != products[-1]])


def _hyphen_case_variants(term: str) -> list[str]:
    """Lower-case synonyms tokenize like lower-case text ("sprague - dawley"); text often has a capital after the
    hyphen ("Sprague-Dawley", one token). Matching is on LOWER, so a variant with capitals after hyphens covers it."""
    if "-" not in term:
        return [term]
    return [term, re.sub(r"-([a-z])", lambda m: "-" + m.group(1).upper(), term)]


def _priority(cand) -> int:
    method = cand[2]
    if method == "abbreviation" and cand[1]:
        return 3
    if method in ("dictionary", "compound"):
        return 2
    return 1 if cand[1] else 0


def _number_variant(short: str) -> str:
    """ "MSCs" -> "MSC", "MSC" -> "MSCs"; "" when there is none (one letter, or not ending in an upper-case letter
    or "s")."""
    if len(short) > 2 and short.endswith("s") and short[-2].isupper():
        return short[:-1]
    if len(short) > 1 and short[-1].isupper():
        return short + "s"
    return ""
