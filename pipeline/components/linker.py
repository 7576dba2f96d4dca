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
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

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
    cache_size = 100_000  # mention texts whose candidates are kept

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
        self._cache: dict[str, list[tuple[str, float]]] = {}

    def _linkable(self, ent: Span) -> bool:
        """Model spans that cannot link are not sent to the linker: a single common word, an unknown upper-case short
        form, or a label with no KB category (they stay in the mentions with their NER label)."""
        method = ent._.evidence_method
        if not method.startswith("ner:"):
            return True
        if len(ent) == 1 and ent.text.islower():
            return False
        if len(ent) == 1 and len(ent.text) <= 6 and ent.text.isupper():
            # an unknown short form ("IRIS", "SDMA"): character n-grams would match another abbreviation ("IRI");
            # a short form the KB knows was already matched exactly by the ruler
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
        # (Span extensions live in doc.user_data by offsets, so they survive resetting doc.ents.)
        others = [ent for ent in doc.ents if ent.kb_id_ or not self._linkable(ent)]
        doc.ents = to_link
        self.linker(doc)
        doc.ents = sorted(others + list(doc.ents), key=lambda e: e.start)
        return self._resolve(doc)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Link a batch of documents with one query of the linker's candidate generator (scoring as
        ``EntityLinker``: best similarity per concept above ``threshold``, long forms for abbreviations)."""
        for batch in minibatch(docs, size=batch_size):
            work = [(doc, [e for e in doc.ents if not e.kb_id_ and self._linkable(e)]) for doc in batch]
            mentions = [ent for _, ents in work for ent in ents]
            if mentions:
                texts = [_mention_text(ent) for ent in mentions]
                for ent, text in zip(mentions, texts, strict=True):
                    ent._.kb_ents = self._candidates(text, texts)
            for doc, ents in work:
                yield self._resolve(doc) if ents else doc

    def _candidates(self, text: str, batch: list[str]) -> list[tuple[str, float]]:
        """The scored candidates of a mention text (best first, above ``threshold``). Texts repeat across
        documents ("cisplatin", "rats"), so results are kept per text (at most :attr:`cache_size`); a text not
        seen yet is looked up together with the other new texts of ``batch``, in one query."""
        if text not in self._cache:
            new = list(dict.fromkeys(t for t in batch if t not in self._cache))
            if len(self._cache) + len(new) > self.cache_size:
                self._cache.clear()
            found = self.linker.candidate_generator(new, self.linker.k)
            for key, candidates in zip(new, found, strict=True):
                scored = [(c.concept_id, max(c.similarities)) for c in candidates]
                scored = sorted((c for c in scored if c[1] > self.linker.threshold), key=lambda c: -c[1])
                self._cache[key] = scored[: self.linker.max_entities_per_mention]
        return list(self._cache[text])

    def _resolve(self, doc: Doc) -> Doc:
        """Give each entity the linker left without a concept its best compatible candidate, or drop it."""
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


def _mention_text(ent: Span) -> str:
    """What scispaCy's EntityLinker looks up: the long form of an abbreviation, else the text."""
    long_form = ent._.long_form if Span.has_extension("long_form") else None
    if isinstance(long_form, Span):
        return long_form.text
    if isinstance(long_form, str):
        return long_form
    return ent.text
