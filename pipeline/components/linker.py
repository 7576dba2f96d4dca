"""Normalization with scispaCy's ``EntityLinker`` over the project's knowledge base.

The stock ``EntityLinker`` (char 3-gram TF-IDF nearest neighbours; abbreviations resolved to their long forms)
runs with a ``CandidateGenerator`` over the project's own index (:func:`pipeline.kb.load_candidate_generator`).
Entities the KB ruler already resolved exactly keep their concept; an entity without one (an NER span, or a
short form whose long form is not a KB synonym) takes the linker's best candidate above ``threshold``, with
``evidence_method`` suffixed ``+linker`` and ``evidence_score`` the similarity. Unresolved NER spans are kept
with their NER label and no concept id; unresolved abbreviation spans are dropped (they were only candidates).
"""

from __future__ import annotations

import json
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline import paths
from pipeline.kb import KnowledgeBase, load_candidate_generator, load_kb


@Language.factory(
    "evidence_linker",
    default_config={"kb_dir": "", "threshold": 0.8, "k": 10, "label_map": "", "ner_threshold": 0.9},
)
def make_linker(
    nlp: Language, name: str, kb_dir: str, threshold: float, k: int, label_map: str, ner_threshold: float
) -> KBLinker:
    return KBLinker(
        load_kb(Path(kb_dir) if kb_dir else None),
        threshold=threshold,
        k=k,
        label_map=label_map,
        ner_threshold=ner_threshold,
    )


class KBLinker:
    def __init__(
        self, kb: KnowledgeBase, threshold: float = 0.8, k: int = 10, label_map: str = "", ner_threshold: float = 0.9
    ) -> None:
        from scispacy.linking import EntityLinker

        self.kb = kb
        self.ner_threshold = ner_threshold
        path = Path(label_map) if label_map else paths.MODELS_DIR / "ner" / "label_map.json"
        self.label_map: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))["labels"]
        self.linker = EntityLinker(
            candidate_generator=load_candidate_generator(kb),
            resolve_abbreviations=True,
            k=k,
            threshold=threshold,
            filter_for_definitions=False,
            max_entities_per_mention=3,
        )

    def _linkable(self, ent: Span) -> bool:
        """Model spans that cannot link are not sent to the linker: a single common word, or a label with no KB
        category (they stay in the mentions with their NER label)."""
        method = ent._.evidence_method
        if not method.startswith("ner:"):
            return True
        if len(ent) == 1 and ent.text.islower():
            return False
        return bool(self.label_map.get(method.split(":", 1)[1], True))

    def _compatible(self, method: str, concept_id: str) -> bool:
        """An NER span links only to concepts of the KB categories its label can name (label_map.json)."""
        if not method.startswith("ner:"):
            return True
        concept = self.kb.concepts[concept_id]
        if concept.requires_context:  # an organ is a cell source only where the KB ruler saw the context
            return False
        allowed = self.label_map.get(method.split(":", 1)[1])
        return allowed is None or concept.category in allowed

    def __call__(self, doc: Doc) -> Doc:
        to_link = [ent for ent in doc.ents if not ent.kb_id_ and self._linkable(ent)]
        if not to_link:
            return doc
        # The stock EntityLinker links doc.ents: give it only the entities that could still be linked.
        others = [ent for ent in doc.ents if ent.kb_id_ or not self._linkable(ent)]
        meta_of = {
            (e.start, e.end): (e._.evidence_concepts, e._.evidence_method, e._.evidence_origin, e._.evidence_score)
            for e in doc.ents
        }
        doc.ents = to_link
        self.linker(doc)
        doc.ents = sorted(others + list(doc.ents), key=lambda e: e.start)
        for ent in doc.ents:
            concepts, method, origin, score = meta_of[(ent.start, ent.end)]
            ent._.evidence_concepts, ent._.evidence_method = concepts, method
            ent._.evidence_origin, ent._.evidence_score = origin, score
        kept: list[Span] = []
        meta = []
        for ent in doc.ents:
            concepts, method, origin, score = (
                ent._.evidence_concepts,
                ent._.evidence_method,
                ent._.evidence_origin,
                ent._.evidence_score,
            )
            if ent.kb_id_:
                kept.append(ent)
                meta.append((concepts, method, origin, score))
                continue
            candidates = [c for c in ent._.kb_ents if self._compatible(method, c[0])]
            if method.startswith("ner:"):
                # Model spans link only on close matches, and a single common word ("tissue", "plasma") never:
                # the dictionary already matched every exact synonym, so what is left would be a partial match.
                single_word = len(ent) == 1 and ent.text.islower()
                candidates = [c for c in candidates if c[1] >= self.ner_threshold and not single_word]
            if candidates:
                concept_id, score = candidates[0]
                category = self.kb.concepts[concept_id].category
                kept.append(Span(doc, ent.start, ent.end, label=category, kb_id=concept_id))
                meta.append(((concept_id,), f"{method}+linker", origin, float(score)))
            elif method.startswith("ner:"):
                kept.append(ent)
                meta.append(((), method, origin, score))
        doc.ents = kept
        for ent, (concepts, method, origin, score) in zip(doc.ents, meta, strict=True):
            ent._.evidence_concepts = tuple(concepts)
            ent._.evidence_method = method
            ent._.evidence_origin = origin
            ent._.evidence_score = score
        return doc
