"""scispaCy's rule tokenizer, extended so entities inside hyphenated and slashed words are reachable.

scispaCy's ``combined_rule_tokenizer`` keeps ``cisplatin-induced``, ``X/Y`` and ``MSC-derived`` whole, so a
matcher or NER model can never find ``cisplatin`` there (about 10% of BC5CDR's entities lie inside such tokens;
see ../shared/docs/offline-notes.md). We prepend infix rules that split:

* a hyphen between a word and a following lower-case word of 3+ letters (``cisplatin-induced``,
  ``bone-marrow``, ``MSC-derived``), except before Greek letter names (``TNF-alpha`` stays whole);
* a hyphen after a digit or ``)`` before a participle-like modifier (``IL-2-induced``, ``(CYP)-induced``), and
  the parentheses of a short form there (``(FA)-induced`` is ``(``, ``FA``, ``)``, ``-``, ``induced``);
* a slash between two non-space characters (``IGF-1/HGF``, ``I/R``), but not inside ``-/-``;
* a period glued to a following capitalised word (``[8] .There``).

Names whose hyphen is part of the name (``IL-2``, ``miR-199a-3p``, ``NF-kB``, ``BM-MSCs``) stay one token;
abbreviation compounds like ``BM-MSCs`` are decomposed by the knowledge-base ruler instead, which keeps
scispaCy's abbreviation detector working on ``(BM-MSCs)``.
"""

from __future__ import annotations

import warnings

import spacy
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex

GREEK_NAMES = "alpha|beta|gamma|delta|epsilon|kappa|lambda|sigma|omega"
MODIFIERS = (
    "induced|mediated|treated|derived|dependent|related|associated|expressing|overexpressing|"
    "positive|negative|deficient|loaded|primed|modified|knockout|null|like|specific|based|free"
)

EXTRA_INFIXES = [
    rf"(?<=[^\W\d_])-(?!(?:{GREEK_NAMES})\b)(?=[a-z]{{3}})",
    rf"(?<=[0-9\)])-(?=(?:{MODIFIERS})\b)",
    r"(?<=[^\s/\-])/(?=[^\s/\-])",
    # "(FA)-induced": the closing parenthesis of a short form before a modifier
    rf"(?<=[^\s(])\)(?=-(?:{MODIFIERS})\b)",
]
# ... and its opening one, so that "(FA)" is "(", "FA", ")" as everywhere else (the abbreviation detector needs it)
EXTRA_PREFIXES = [r"\.(?=[A-Z][a-z])", rf"\((?=[^\s()]+\)-(?:{MODIFIERS})\b)"]
# Latin and lab abbreviations that keep their final period (sentence splitting decides about them).
SPECIAL_CASES = [
    "i.v.",
    "i.p.",
    "i.m.",
    "s.c.",
    "i.a.",
    "p.o.",
    "b.w.",
    "e.g.",
    "i.e.",
    "vs.",
    "approx.",
    "ca.",
    "cf.",
    "resp.",
    "et al.",
    "Dr.",
    "Ref.",
    "Refs.",
    "ref.",
    "refs.",
    "Suppl.",
    "Tab.",
    "Tabs.",
]


def build_tokenizer(nlp: Language) -> Tokenizer:
    """Return scispaCy's combined rule tokenizer with the project's extra infix and prefix rules."""
    with warnings.catch_warnings():
        # scispaCy's regexes trigger a harmless FutureWarning ("Possible nested set").
        warnings.simplefilter("ignore", FutureWarning)
        from scispacy.custom_tokenizer import combined_rule_prefixes, combined_rule_tokenizer

        if not hasattr(nlp, "tokenizer"):
            # Built from a config, the Language has no tokenizer yet; scispaCy reads the default one's token_match.
            nlp.tokenizer = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        tokenizer = combined_rule_tokenizer(nlp)
        infixes = EXTRA_INFIXES + [tokenizer.infix_finditer.__self__.pattern]
        tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
        prefixes = EXTRA_PREFIXES + combined_rule_prefixes()
        tokenizer.prefix_search = compile_prefix_regex(prefixes).search
        for case in SPECIAL_CASES:
            if " " not in case:
                tokenizer.add_special_case(case, [{ORTH: case}])
    return tokenizer


@spacy.registry.tokenizers("evidence.scispacy_tokenizer.v1")
def create_tokenizer():
    """Registered factory so ``models/nlp.cfg`` can name the tokenizer."""

    def make(nlp: Language) -> Tokenizer:
        return build_tokenizer(nlp)

    return make


def split_check(text: str) -> list[str]:
    """Tokenize ``text`` with a blank English pipeline (used by tests and the docs)."""
    nlp = spacy.blank("en")
    nlp.tokenizer = build_tokenizer(nlp)
    return [t.text for t in nlp(text)]
