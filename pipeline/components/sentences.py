"""Rule-based sentence segmentation for scientific text, with section boundaries.

scispaCy's ``pysbd_sentencizer`` is accurate on scientific text but slow (about 21k words/s on a tokenizer-only
pipeline, see offline-notes.md). This component implements the same decisions as token rules, at tokenizer
speed:

* a sentence ends at ``.``, ``!``, ``?`` (optionally followed by closing quotes/brackets) when the next token
  starts a sentence: an upper-case letter, a digit, an opening bracket, or a lower-case gene-like token
  (``p53``, ``miR-21``);
* never after abbreviations such as ``et al.``, ``Fig.``, ``e.g.``, ``i.e.``, ``vs.``, single initials
  (``E. coli``), nor inside open parentheses (``(p < 0.05).`` ends only after the ``)``);
* a blank line ends a sentence (a title on its own line is a section of its own, see :mod:`pipeline.documents`);
* section boundaries (headings, labels, author lists; see :mod:`pipeline.documents`) always start a sentence,
  splitting a token that straddles one (``STEM CELLSMesenchymal``).

Section spans come from ``doc.user_data["sections"]``: a list of ``(start_char, end_char, name, kind)``.
"""

from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Token

NO_BREAK_AFTER = {
    "al.",
    "Fig.",
    "Figs.",
    "fig.",
    "figs.",
    "e.g.",
    "i.e.",
    "vs.",
    "cf.",
    "ca.",
    "approx.",
    "Dr.",
    "No.",
    "no.",
    "Eq.",
    "Eqs.",
    "Ref.",
    "Refs.",
    "ref.",
    "refs.",
    "resp.",
    "Suppl.",
    "Tab.",
    "sp.",
    "spp.",
    "St.",
    "Mr.",
    "Ms.",
    "Inc.",
    "Ltd.",
    "Co.",
    "Jr.",
}
# Abbreviations before which "." would not be split off; they can still end a sentence.
CAN_END = {"i.v.", "i.p.", "i.m.", "s.c.", "i.a.", "p.o.", "b.w."}
CLOSERS = {")", "]", '"', "'", "”", "’", "»"}
OPENERS = {"(", "["}
ENDERS = {".", "!", "?"}


@Language.factory("evidence_sentences")
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter()


class SentenceSplitter:
    """Sets ``Token.is_sent_start`` for every token (see module docstring for the rules)."""

    #: An opening bracket not closed within this many tokens no longer blocks sentence ends.
    max_bracket_span = 60

    def __call__(self, doc: Doc) -> Doc:
        sections = doc.user_data.get("sections") or []
        if sections:
            _split_straddling_tokens(doc, [s[0] for s in sections])
        forced = _forced_starts(doc, {s[0] for s in sections})
        open_at: list[int] = []
        prev = -1  # index of the previous non-space token
        # One array write at the end: setting Token.is_sent_start one by one rescans the Doc each time.
        flags = numpy.full((len(doc), 1), -1, dtype="int64")
        for i, token in enumerate(doc):
            if token.is_space:
                if i == 0:
                    flags[0, 0] = 1
                continue
            if prev < 0:
                start = True
            else:
                blank = sum(t.text.count("\n") for t in doc[prev + 1 : i]) >= 2
                while open_at and i - open_at[-1] > self.max_bracket_span:
                    open_at.pop()
                start = i in forced or blank or (not open_at and _ends_sentence(doc, prev, i))
            if start:
                flags[i, 0] = 1
                open_at.clear()
            # Brackets glued to other characters count too ("8)", "):", "(n"): spaCy keeps some as one token.
            for char in token.text:
                if char in "([":
                    open_at.append(i)
                elif char in ")]" and open_at:
                    open_at.pop()
            prev = i
        if len(doc):
            flags[0, 0] = 1
            doc.from_array([SENT_START], flags.astype("uint64"))  # spaCy stores -1 as its uint64 wrap-around
        return doc


def _ends_sentence(doc: Doc, prev: int, i: int) -> bool:
    """Does a sentence end between the non-space token ``prev`` and token ``i``?"""
    j = prev
    while j > 0 and doc[j].text in CLOSERS:
        j -= 1
    end = doc[j]
    nxt = doc[i]
    if nxt.text in CLOSERS and not doc[prev].whitespace_:
        return False  # a quote or bracket glued to the end ('mouth."') closes this sentence
    if end.text in ENDERS:
        before = doc[j - 1] if j > 0 else None
        if end.text == "." and before is not None and not before.whitespace_:
            if before.text in NO_BREAK_AFTER or _is_initial(before):
                return False
        if end.text == "." and not end.whitespace_ and i == j + 1 and not _glued_sentence_start(nxt):
            return False  # a period inside a word: "protein.DNA", "p.Val204Asp"
    elif end.text in CAN_END:
        # "i.v." ends a sentence only before an ordinary capitalised word ("i.v. Anaesthesia was"), not before
        # "(+)-cibenzoline", "133Xe" or "MP".
        if not _glued_sentence_start(nxt):
            return False
    elif end.text.endswith(".") and len(end.text) > 1 and end.text not in NO_BREAK_AFTER:
        # Tokens that keep their period: an end only before a capitalised word, a real word if glued ("p.Val").
        if not doc[i].text[:1].isupper() or (not end.whitespace_ and i == j + 1 and not _glued_sentence_start(nxt)):
            return False
    else:
        return False
    return _starts_sentence(doc[i])


def _glued_sentence_start(token: Token) -> bool:
    """A capitalised word that can start a sentence: "Bianchi", "Moreover" (not "DNA", "Val204Asp")."""
    text = token.text
    return len(text) >= 2 and text[0].isupper() and text[1:].isalpha() and text[1:].islower()


def _is_initial(token: Token) -> bool:
    """A single capital letter before '.' ("E. coli", "La Manna G."), unless it closes an acronym."""
    return len(token.text) == 1 and token.text.isupper()


def _starts_sentence(token: Token) -> bool:
    text = token.text
    if token.is_space:
        return True
    first = text[:1]
    if first.isupper() or first.isdigit() or first in OPENERS or first in "\"“'‘":
        return True
    # Lower-case gene / RNA names can start a sentence: p53, miR-21, mRNA, siRNA.
    return first.islower() and (any(c.isdigit() for c in text) or any(c.isupper() for c in text[1:]))


def _forced_starts(doc: Doc, starts: set[int]) -> set[int]:
    """Indices of the first non-space token at or after each section start."""
    forced: set[int] = set()
    ordered = sorted(starts)
    k = 0
    for token in doc:
        if k >= len(ordered):
            break
        if token.is_space:
            continue
        while k < len(ordered) and ordered[k] <= token.idx:
            forced.add(token.i)
            k += 1
    return forced


def _split_straddling_tokens(doc: Doc, starts: list[int]) -> None:
    """Split tokens that contain a section start (e.g. a heading glued to the next word)."""
    splits = []
    for start in starts:
        for token in doc:
            if token.idx < start < token.idx + len(token.text):
                splits.append((token, start - token.idx))
                break
            if token.idx >= start:
                break
    if not splits:
        return
    with doc.retokenize() as retokenizer:
        for token, offset in splits:
            orths = [token.text[:offset], token.text[offset:]]
            retokenizer.split(token, orths, heads=[(token, 1), (token, 1)])
