"""Document-level rules applied after a trained NER model (chosen on the development sets, see models/ner/README.md).

* ``abbreviations``: scispaCy's abbreviation detector (Schwartz & Hearst) pairs a short form with its long form;
  when the model predicted an entity for the long form, every occurrence of the short form gets that entity's
  type (added where missing, relabelled where the model gave another type).
* ``repeats``: a later occurrence (same tokens, same case) of a string the model predicted as an entity earlier in
  the same document gets the same type, unless it overlaps a predicted entity.

``postprocess_doc(doc, rules)`` works on any Doc with ``doc.ents``; the ``evidence_ner_postprocess`` factory wraps
it as a pipeline component.
"""

from __future__ import annotations

import warnings
from collections import Counter

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

RULES = ("abbreviations", "repeats")
MIN_REPEAT_CHARS = 2

_DETECTORS: dict[int, object] = {}


def _detector(doc: Doc):
    key = id(doc.vocab)
    if key not in _DETECTORS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            from scispacy.abbreviation import AbbreviationDetector

        _DETECTORS[key] = AbbreviationDetector(_VocabHolder(doc.vocab))
    return _DETECTORS[key]


class _VocabHolder:
    """AbbreviationDetector only reads ``nlp.vocab``."""

    def __init__(self, vocab):
        self.vocab = vocab


def _abbreviation_pairs(doc: Doc, reuse: bool = False) -> list[tuple[Span, Span]]:
    """(long form, short form) pairs; with ``reuse``, the ones the pipeline's ``abbreviation_detector`` already
    stored in ``doc._.abbreviations`` (the same algorithm, run once per document instead of once per model)."""
    if reuse:
        return [(short._.long_form, short) for short in doc._.abbreviations if isinstance(short._.long_form, Span)]
    detector = _detector(doc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # W036: empty global matcher
        matches = detector.matcher(doc)
        candidates = [(m, s + 1, e - 1) for m, s, e in matches]
        from scispacy.abbreviation import filter_matches

        occurrences = detector.find_matches_for(filter_matches(candidates, doc), doc)
    return [(long_form, short) for long_form, shorts in occurrences for short in shorts]


def _set_ents(doc: Doc, spans: list[Span]) -> None:
    doc.ents = sorted(filter_spans(spans), key=lambda s: s.start)


def propagate_abbreviations(doc: Doc, reuse_detector: bool = False) -> Doc:
    ents = list(doc.ents)
    by_end = {}
    for ent in ents:
        by_end.setdefault(ent.end, []).append(ent)
    short_labels: dict[str, str] = {}
    pairs = _abbreviation_pairs(doc, reuse_detector)
    for long_form, short in pairs:
        # an entity predicted for the long form: ends where it ends and lies inside it
        for ent in by_end.get(long_form.end, []):
            if ent.start >= long_form.start:
                short_labels.setdefault(short.text, ent.label_)
    if not short_labels:
        return doc
    new = []
    for _long, short in pairs:
        label = short_labels.get(short.text)
        if label:
            new.append(Span(doc, short.start, short.end, label=label))
    covered = {(s.start, s.end) for s in new}
    kept = [e for e in ents if (e.start, e.end) not in covered]
    # the abbreviation wins over a predicted entity it overlaps
    new_tokens = {i for s in new for i in range(s.start, s.end)}
    kept = [e for e in kept if not any(i in new_tokens for i in range(e.start, e.end))]
    _set_ents(doc, kept + new)
    return doc


def label_repeats(doc: Doc) -> Doc:
    ents = list(doc.ents)
    if not ents:
        return doc
    orths = doc.to_array(ORTH).tolist()
    labels: dict[str, Counter] = {}
    first: dict[str, int] = {}
    keys: dict[str, tuple[int, ...]] = {}
    for ent in ents:
        text = ent.text
        if len(text) < MIN_REPEAT_CHARS:
            continue
        labels.setdefault(text, Counter())[ent.label_] += 1
        first.setdefault(text, ent.start)
        keys.setdefault(text, tuple(orths[ent.start : ent.end]))
    by_first: dict[int, list[tuple[str, tuple[int, ...]]]] = {}
    for text, key in keys.items():
        by_first.setdefault(key[0], []).append((text, key))
    # every occurrence of each entity's token sequence, in (start, end) order (what a PhraseMatcher on ORTH finds)
    matches = []
    for i, orth in enumerate(orths):
        for text, key in by_first.get(orth, ()):
            if tuple(orths[i : i + len(key)]) == key:
                matches.append((i, i + len(key), text))
    matches.sort(key=lambda m: (m[0], m[1]))
    taken = {i for e in ents for i in range(e.start, e.end)}
    new = []
    for start, end, text in matches:
        if start <= first[text] or any(i in taken for i in range(start, end)):
            continue
        new.append(Span(doc, start, end, label=labels[text].most_common(1)[0][0]))
        taken.update(range(start, end))
    if new:
        _set_ents(doc, ents + new)
    return doc


def postprocess_doc(
    doc: Doc, rules: bool | list[str] | tuple[str, ...] = True, reuse_abbreviations: bool = False
) -> Doc:
    """Apply the rules (``True``: all of :data:`RULES`, in that order) to ``doc.ents`` in place.

    ``reuse_abbreviations``: take the abbreviation pairs from ``doc._.abbreviations`` (set by scispaCy's
    ``abbreviation_detector`` earlier in the pipeline) instead of detecting them again."""
    selected = RULES if rules is True else tuple(rules or ())
    unknown = set(selected) - set(RULES)
    if unknown:
        raise ValueError(f"unknown post-processing rules: {sorted(unknown)}")
    if "abbreviations" in selected:
        propagate_abbreviations(doc, reuse_abbreviations)
    if "repeats" in selected:
        label_repeats(doc)
    return doc


@Language.factory("evidence_ner_postprocess", default_config={"rules": list(RULES), "reuse_abbreviations": False})
def make_ner_postprocess(nlp: Language, name: str, rules: list[str], reuse_abbreviations: bool):
    """``reuse_abbreviations``: an ``abbreviation_detector`` (not serializable mode) runs earlier in ``nlp``."""

    def component(doc: Doc) -> Doc:
        return postprocess_doc(doc, rules, reuse_abbreviations)

    return component
