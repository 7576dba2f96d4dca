"""Sentence-segmentation benchmark: boundary precision / recall / F1 against gold sentences, and words/s.

Gold sentences come from two corpora under ``../shared/corpora`` (read in place):

* **BC5CDR** (1,500 abstracts): the MTL IOB files ``bc5cdr/iob/{train,devel,test}.tsv.gz`` (``token<TAB>tag``, a
  blank line between sentences, no document boundaries) aligned to the PubTator abstracts of the same split,
  text = ``title + " " + abstract`` (PubTator's offset convention). The IOB files do not list the documents in
  the PubTator order, so IOB sentences are assigned to documents by content: a document starts at the first
  IOB sentence whose characters begin its text and takes the following sentences while they match. The
  segmentation is that of the MTL conversion (automatic, not documented as hand-checked): a silver standard.
* **JNLPBA** test (404 abstracts): ``jnlpba/iob/Genia4EReval2.iob2.gz`` (``###MEDLINE:<id>`` document markers)
  aligned to ``jnlpba_standoff.tar.gz``'s ``test/<id>.txt`` (title, newline, abstract; a repeated id's second
  document is ``<id>-2``). GENIA's sentences were annotated by hand.

A document is used only when it aligns cleanly: the characters of its IOB tokens equal the raw text's non-space
characters, in order. A boundary is the character offset where a sentence starts, the first sentence of each
document excluded; predicted and gold boundary sets are compared per document and micro-averaged. The title is
its own sentence in both corpora, so the title/abstract boundary counts (and is also reported on its own).

Splitters, each after the project's tokenizer (:func:`pipeline.tokenizer.build_tokenizer`) on ``spacy.blank("en")``:

* ``project``: the project's ``evidence_sentences`` component, with no section spans;
* ``pysbd``: scispaCy's ``pysbd_sentencizer``;
* ``sentencizer``: spaCy's rule ``sentencizer`` (default punctuation), as a floor.

Speed: words (whitespace-split words of the texts) per second of ``nlp.pipe`` over all documents (tokenizer +
splitter; best of ``--repeats`` runs after a warm-up), of the splitter alone on pre-tokenized Docs, and of the
tokenizer alone for reference. One process.

Prints a table, writes the figures as JSON and a Markdown summary with the most frequent error types of each
splitter and real examples (``‖`` marks the boundary).

    .venv/bin/python benchmarks/sentences.py              # all aligned documents
    .venv/bin/python benchmarks/sentences.py --limit 100  # at most 100 documents per corpus
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shlex
import sys
import tarfile
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script without the package installed
    sys.path.insert(0, str(REPO))

from pipeline.nlp import _register  # noqa: E402
from pipeline.tokenizer import build_tokenizer  # noqa: E402

DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
DEFAULT_JSON = REPO / "benchmarks" / "results" / "sentences.json"
DEFAULT_MARKDOWN = REPO / "benchmarks" / "results" / "sentences.md"
BC5CDR_SPLITS = (
    ("train", "CDR_TrainingSet.PubTator.txt"),
    ("devel", "CDR_DevelopmentSet.PubTator.txt"),
    ("test", "CDR_TestSet.PubTator.txt"),
)
JNLPBA_IOB = Path("jnlpba") / "iob" / "Genia4EReval2.iob2.gz"
JNLPBA_ARCHIVE = Path("jnlpba") / "jnlpba_standoff.tar.gz"

#: Splitter name -> spaCy component added after the tokenizer (None: tokenizer only, for speed reference).
SPLITTERS: dict[str, str | None] = {
    "project": "evidence_sentences",
    "pysbd": "pysbd_sentencizer",
    "sentencizer": "sentencizer",
}
TOKENIZER_ONLY = "tokenizer only"

#: Words ending in "." that are abbreviations (for classifying errors only; independent of the splitters' lists).
ABBREVIATIONS = {
    "al.", "fig.", "figs.", "vs.", "cf.", "ca.", "approx.", "dr.", "no.", "nos.", "eq.", "ref.", "refs.", "resp.",
    "suppl.", "tab.", "sp.", "spp.", "st.", "mr.", "ms.", "inc.", "ltd.", "co.", "jr.", "prof.", "vol.", "pp.",
    "var.", "subsp.", "viz.", "etc.", "univ.", "dept.", "mol.", "wt.", "conc.",
}  # fmt: skip
DOTTED_ABBREVIATION = re.compile(r"^(?:[A-Za-z]\.){2,}$")  # e.g. i.v. U.S.A.
INITIAL = re.compile(r"^[A-Za-z]\.$")
CLOSERS = ")]}\"'”’»"
OPENERS = "([{"
ENDERS = ".!?"


# ---------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class GoldDoc:
    """One document with gold sentence starts (character offsets, the first sentence's start excluded)."""

    corpus: str
    doc_id: str
    text: str
    starts: frozenset[int]
    #: Offset of the abstract's first character (the title/abstract boundary), -1 when unknown.
    title_end: int


@dataclass
class Alignment:
    """How many documents of a corpus aligned cleanly with the IOB sentences, and why the others did not."""

    corpus: str
    gold_source: str
    documents: int = 0
    aligned: int = 0
    iob_sentences: int = 0
    iob_sentences_used: int = 0
    notes: list[str] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Counts:
    """Boundary counts, micro-averaged."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[int] | frozenset[int], predicted: set[int]) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class BoundaryError:
    """A missed gold boundary or a spurious predicted one, with its error type and context."""

    kind: str  # "missed" or "spurious"
    category: str
    corpus: str
    doc_id: str
    offset: int
    context: str


# ---------------------------------------------------------------------------------------------- alignment


def read_iob(lines: Iterable[str]) -> list[tuple[str | None, list[list[str]]]]:
    """Sentences (lists of tokens) of an IOB file, grouped under ``###MEDLINE:<id>`` markers (one group, id None,
    when the file has none)."""
    groups: list[tuple[str | None, list[list[str]]]] = [(None, [])]
    sentence: list[str] = []
    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("###MEDLINE:") or not line.strip():
            if sentence:
                groups[-1][1].append(sentence)
                sentence = []
            if line.startswith("###MEDLINE:"):
                groups.append((line.split(":", 1)[1].strip(), []))
            continue
        sentence.append(line.split("\t")[0])
    if sentence:
        groups[-1][1].append(sentence)
    return [g for g in groups if g[0] is not None or g[1]]


def non_space(text: str) -> str:
    return "".join(c for c in text if not c.isspace())


def sentence_starts(text: str, sentences: Sequence[Sequence[str]]) -> list[int] | None:
    """Offsets in ``text`` where each sentence starts, or None unless the sentences' token characters equal the
    text's non-space characters, in order."""
    positions = [i for i, c in enumerate(text) if not c.isspace()]
    chars = "".join(text[i] for i in positions)
    starts: list[int] = []
    k = 0
    for sentence in sentences:
        piece = non_space("".join(sentence))
        if not piece:
            continue
        if chars[k : k + len(piece)] != piece:
            return None
        starts.append(positions[k])
        k += len(piece)
    return starts if k == len(chars) and starts else None


def first_difference(text: str, sentences: Sequence[Sequence[str]]) -> str:
    """Where the raw text and the IOB tokens first differ (for the alignment report)."""
    raw = non_space(text)
    iob = non_space("".join("".join(s) for s in sentences))
    k = next((i for i, (a, b) in enumerate(zip(raw, iob, strict=False)) if a != b), min(len(raw), len(iob)))
    return f"raw …{raw[max(0, k - 25) : k + 15]}… vs IOB …{iob[max(0, k - 25) : k + 15]}…"


def group_by_content(texts: Sequence[str], sentences: Sequence[list[str]]) -> tuple[dict[int, list[list[str]]], int]:
    """Assign IOB sentences (no document boundaries, any document order) to documents by content.

    A document starts at an IOB sentence whose characters begin its text (first unused match) and takes the next
    sentences while their characters continue it. Returns the sentences of each document matched to its end and
    the number of IOB sentences left over.
    """
    chars = [non_space(t) for t in texts]
    unused = set(range(len(texts)))
    groups: dict[int, list[list[str]]] = {}
    current: int | None = None
    taken: list[list[str]] = []
    pos = 0
    orphans = 0
    for sentence in sentences:
        piece = non_space("".join(sentence))
        if current is not None and chars[current][pos : pos + len(piece)] == piece:
            taken.append(sentence)
            pos += len(piece)
        else:
            current = next((i for i in sorted(unused) if chars[i].startswith(piece)), None) if piece else None
            if current is None:
                orphans += 1
                continue
            unused.discard(current)
            taken, pos = [sentence], len(piece)
        if pos == len(chars[current]):
            groups[current] = taken
            current = None
    return groups, orphans


def read_pubtator(path: Path) -> list[tuple[str, str, str]]:
    """``(pmid, title, abstract)`` of each document of a PubTator file, in file order."""
    titles: dict[str, str] = {}
    abstracts: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            match = re.match(r"^(\d+)\|([ta])\|(.*)$", line.rstrip("\n"))
            if match:
                (titles if match.group(2) == "t" else abstracts)[match.group(1)] = match.group(3)
    return [(pmid, title, abstracts.get(pmid, "")) for pmid, title in titles.items()]


def load_bc5cdr(corpora: Path, title_sep: str) -> tuple[list[GoldDoc], Alignment]:
    report = Alignment("BC5CDR", "MTL IOB (bc5cdr/iob/*.tsv.gz), automatic segmentation: silver")
    docs: list[GoldDoc] = []
    out_of_order = 0
    for split, filename in BC5CDR_SPLITS:
        records = read_pubtator(corpora / "bc5cdr" / filename)
        with gzip.open(corpora / "bc5cdr" / "iob" / f"{split}.tsv.gz", "rt", encoding="utf-8") as handle:
            sentences = [s for _, group in read_iob(handle) for s in group]
        texts = [f"{title} {abstract}" for _, title, abstract in records]
        groups, orphans = group_by_content(texts, sentences)
        report.documents += len(records)
        report.iob_sentences += len(sentences)
        order = list(groups)
        out_of_order += sum(1 for a, b in zip(order, order[1:], strict=False) if b != a + 1)
        if orphans:
            report.notes.append(f"{split}: {orphans} IOB sentences matched no document")
        for index, (pmid, title, _) in enumerate(records):
            starts = sentence_starts(texts[index], groups[index]) if index in groups else None
            if starts is None:
                report.failures.append({"doc_id": pmid, "split": split, "why": "no IOB sentences match its text"})
                continue
            report.aligned += 1
            report.iob_sentences_used += len(groups[index])
            text = texts[index]
            title_end = len(title) + 1
            if title_sep != "as-is":
                text = text[: len(title)] + ("\n" if title_sep == "newline" else " ") + text[title_end:]
            docs.append(GoldDoc("BC5CDR", pmid, text, frozenset(starts[1:]), title_end))
    report.notes.append(
        f"IOB document order differs from the PubTator file order ({out_of_order} jumps); documents were "
        "matched by content"
    )
    return docs, report


def load_jnlpba(corpora: Path, title_sep: str) -> tuple[list[GoldDoc], Alignment]:
    report = Alignment("JNLPBA", "GENIA sentences (Genia4EReval2.iob2), hand-annotated: gold")
    with gzip.open(corpora / JNLPBA_IOB, "rt", encoding="utf-8") as handle:
        groups = read_iob(handle)
    texts: dict[str, str] = {}
    with tarfile.open(corpora / JNLPBA_ARCHIVE) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith("jnlpba_standoff/test/") and member.name.endswith(".txt"):
                handle = archive.extractfile(member)
                if handle is not None:
                    texts[Path(member.name).stem] = handle.read().decode("utf-8")
    seen: Counter[str] = Counter()
    docs: list[GoldDoc] = []
    reasons: Counter[str] = Counter()
    for medline_id, sentences in groups:
        if medline_id is None:
            continue
        seen[medline_id] += 1
        doc_id = medline_id if seen[medline_id] == 1 else f"{medline_id}-{seen[medline_id]}"
        report.documents += 1
        report.iob_sentences += len(sentences)
        text = texts.get(doc_id)
        starts = sentence_starts(text, sentences) if text is not None else None
        if text is None or starts is None:
            why = "no test/.txt file" if text is None else first_difference(text, sentences)
            report.failures.append({"doc_id": doc_id, "why": why})
            reasons[_jnlpba_failure_reason(text, sentences)] += 1
            continue
        report.aligned += 1
        report.iob_sentences_used += len(sentences)
        newline = text.find("\n")
        title_end = newline + 1 if newline >= 0 else -1
        if title_sep != "as-is" and newline >= 0:
            text = text[:newline] + (" " if title_sep == "space" else "\n") + text[newline + 1 :]
        docs.append(GoldDoc("JNLPBA", doc_id, text, frozenset(starts[1:]), title_end))
    report.notes.extend(f"{n} documents not aligned: {why}" for why, n in reasons.most_common())
    return docs, report


def _jnlpba_failure_reason(text: str | None, sentences: Sequence[Sequence[str]]) -> str:
    if text is None:
        return "no text file"
    raw, iob = non_space(text), non_space("".join("".join(s) for s in sentences))
    if "``" in iob or "''" in iob:
        return "IOB quotes are `` '' where the text has \""
    if len(raw) == len(iob) + 1 and raw.endswith(".") and raw[:-1] == iob:
        return "the text's final period is missing from the IOB"
    if len(raw) > len(iob):
        return "the text has characters the IOB lacks (e.g. '.' after a bracketed title)"
    return "other character differences"


# ---------------------------------------------------------------------------------------------- splitters


def build_nlp(component: str | None) -> Language:
    """``spacy.blank("en")`` with the project's tokenizer and one sentence component (or none)."""
    _register()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import scispacy.custom_sentence_segmenter  # noqa: F401  (registers "pysbd_sentencizer")

        nlp = spacy.blank("en")
        nlp.tokenizer = build_tokenizer(nlp)
    if component is not None:
        nlp.add_pipe(component)
    return nlp


def time_pipeline(nlp: Language, texts: list[str], repeats: int) -> tuple[float, list[Doc]]:
    """Best wall time of ``nlp.pipe`` over the texts (after a warm-up) and the Docs of the last run."""
    list(nlp.pipe(texts[:20]))
    best = float("inf")
    docs: list[Doc] = []
    for _ in range(repeats):
        docs = []  # free the previous run's Docs before timing the next
        start = time.perf_counter()
        docs = list(nlp.pipe(texts))
        best = min(best, time.perf_counter() - start)
    return best, docs


def time_component(nlp: Language, name: str, texts: list[str], repeats: int) -> float:
    """Best wall time of the sentence component alone over Docs tokenized beforehand (fresh ones each run)."""
    component = nlp.get_pipe(name)
    best = float("inf")
    for _ in range(repeats):
        docs = [nlp.make_doc(text) for text in texts]
        start = time.perf_counter()
        for doc in docs:
            component(doc)
        best = min(best, time.perf_counter() - start)
    return best


def predicted_starts(doc: Doc) -> set[int]:
    """Offsets of each sentence's first non-space token, the document's first sentence excluded."""
    starts: set[int] = set()
    for sentence in doc.sents:
        token = next((t for t in sentence if not t.is_space), None)
        if token is not None:
            starts.add(token.idx)
    first = next((i for i, c in enumerate(doc.text) if not c.isspace()), 0)
    starts.discard(first)
    return starts


# ---------------------------------------------------------------------------------------------- errors


def glued_bracket(doc: Doc, offset: int, window: int = 60) -> bool:
    """Is an opening-bracket token in the ``window`` tokens before ``offset`` left without a ``)``/``]`` token,
    although the text closes it (inside a glued token such as ``8)`` or ``):``)?"""
    i = next((t.i for t in doc if t.idx >= offset), len(doc))
    stack: list[int] = []
    for token in doc[max(0, i - window) : i]:
        if token.text in ("(", "["):
            stack.append(token.idx)
        elif token.text in (")", "]") and stack:
            stack.pop()
    if not stack:
        return False
    segment = doc.text[stack[0] : offset]
    return segment.count("(") + segment.count("[") <= segment.count(")") + segment.count("]")


def classify(text: str, offset: int, title_end: int, doc: Doc | None = None) -> str:
    """A coarse error type for a boundary at ``offset`` (missed or spurious), from the characters around it
    (and, for a missed boundary, from the tokens before it when ``doc`` is given)."""
    before = text[:offset].rstrip()
    words_before = before[-80:].split()
    prev_word = words_before[-1] if words_before else ""
    next_word = (text[offset : offset + 80].split() or [""])[0]
    last = before[-1:]
    first = next_word[:1]
    core = prev_word.rstrip(CLOSERS)
    if doc is not None and glued_bracket(doc, offset):
        return "a '(' earlier in the sentence is closed inside a glued token ('8)', '):')"
    if offset == title_end:
        ends = core[-1:] in ENDERS or last in ENDERS
        return "title | abstract" if ends else "title | abstract, title without final punctuation"
    if core.endswith(".") and (core.lower() in ABBREVIATIONS or DOTTED_ABBREVIATION.match(core) or INITIAL.match(core)):
        return "after an abbreviation or initial (al. Fig. i.v. E.)"
    if last in ":;":
        return "after ':' or ';'"
    if last not in ENDERS and last not in CLOSERS:
        return "no sentence-final punctuation before"
    if last in CLOSERS and core[-1:] not in ENDERS:
        return "after a closing bracket/quote with no period"
    if first.islower():
        return "next word lower-case"
    if offset > 0 and not text[offset - 1].isspace():
        return "no space at the boundary"
    if first in OPENERS:
        return "next word opens a bracket"
    if first.isdigit():
        return "next word starts with a digit"
    if re.fullmatch(r"\(?[0-9]+[a-z]?\.", core) or re.fullmatch(r"[ivxIVX]+\.", core):
        return "after a number or numeral + '.'"
    return "'.' '?' '!' then a capitalised word"


def context(text: str, offset: int, width: int = 70) -> str:
    left = text[max(0, offset - width) : offset]
    right = text[offset : offset + width - 20]
    clip = ("…" if offset > width else "") + left + " ‖ " + right + ("…" if offset + width - 20 < len(text) else "")
    return clip.replace("\n", "⏎")


def collect_errors(gold: GoldDoc, doc: Doc, predicted: set[int]) -> list[BoundaryError]:
    errors: list[BoundaryError] = []
    for kind, offsets in (("missed", gold.starts - predicted), ("spurious", predicted - gold.starts)):
        for offset in sorted(offsets):
            category = classify(gold.text, offset, gold.title_end, doc if kind == "missed" else None)
            errors.append(BoundaryError(kind, category, gold.corpus, gold.doc_id, offset, context(gold.text, offset)))
    return errors


def spread(items: Sequence[BoundaryError], n: int) -> list[BoundaryError]:
    """n examples spread evenly over the list, from different documents where possible (deterministic)."""
    seen: set[tuple[str, str]] = set()
    firsts = []  # the first error of each document
    for item in items:
        if (item.corpus, item.doc_id) not in seen:
            seen.add((item.corpus, item.doc_id))
            firsts.append(item)
    pool = firsts if len(firsts) >= n else list(items)
    if len(pool) <= n:
        return list(pool)
    return [pool[(i * len(pool)) // n] for i in range(n)]


# ---------------------------------------------------------------------------------------------- evaluation


def evaluate(docs: list[GoldDoc], parsed: list[Doc]) -> tuple[dict[str, Any], list[BoundaryError]]:
    """Micro-averaged boundary counts overall, per corpus, for the title boundary, and in the abstract body."""
    overall = Counts()
    per_corpus: dict[str, Counts] = {}
    body = Counts()
    title_gold = title_found = 0
    errors: list[BoundaryError] = []
    for gold, doc in zip(docs, parsed, strict=True):
        if doc.text != gold.text:
            raise ValueError(f"{gold.doc_id}: the Doc text differs from the document text")
        predicted = predicted_starts(doc)
        overall.add(gold.starts, predicted)
        per_corpus.setdefault(gold.corpus, Counts()).add(gold.starts, predicted)
        body.add({o for o in gold.starts if o > gold.title_end}, {o for o in predicted if o > gold.title_end})
        if gold.title_end in gold.starts:
            title_gold += 1
            title_found += gold.title_end in predicted
        errors.extend(collect_errors(gold, doc, predicted))
    result = {
        "overall": overall.as_dict(),
        "per_corpus": {name: counts.as_dict() for name, counts in per_corpus.items()},
        "abstract_body": body.as_dict(),
        "title_boundary": {
            "gold": title_gold,
            "found": title_found,
            "recall": round(title_found / title_gold, 4) if title_gold else 0.0,
        },
    }
    return result, errors


def error_summary(errors: list[BoundaryError], examples: int) -> list[dict[str, Any]]:
    by_type: dict[tuple[str, str], list[BoundaryError]] = {}
    for error in errors:
        by_type.setdefault((error.kind, error.category), []).append(error)
    ranked = sorted(by_type.items(), key=lambda item: (-len(item[1]), item[0]))
    return [
        {
            "kind": kind,
            "category": category,
            "count": len(items),
            "examples": [
                {k: v for k, v in asdict(e).items() if k not in ("kind", "category")} for e in spread(items, examples)
            ],
        }
        for (kind, category), items in ranked
    ]


# ---------------------------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    meminfo = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        meminfo = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    versions = {}
    for package in ("spacy", "scispacy", "pysbd"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    memory = f"{int(meminfo.split()[1]) / 1024**2:.1f} GiB" if meminfo else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
    }


def table(results: dict[str, Any], corpora: list[str]) -> str:
    header = ["splitter", "P", "R", "F1"] + [f"F1 {c}" for c in corpora]
    header += ["title R", "body F1", "words/s pipeline", "words/s splitter only"]
    rows = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for name, result in results.items():
        speed = result["speed"]
        if "accuracy" not in result:
            cells = [name, "", "", ""] + [""] * len(corpora) + ["", "", f"{speed['words_per_s']:,.0f}", ""]
        else:
            acc = result["accuracy"]
            cells = [name] + [f"{acc['overall'][k] * 100:.1f}" for k in ("precision", "recall", "f1")]
            cells += [f"{acc['per_corpus'].get(c, {}).get('f1', 0) * 100:.1f}" for c in corpora]
            cells += [f"{acc['title_boundary']['recall'] * 100:.1f}", f"{acc['abstract_body']['f1'] * 100:.1f}"]
            cells += [f"{speed['words_per_s']:,.0f}", f"{speed['splitter_only_words_per_s']:,.0f}"]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def markdown(report: dict[str, Any], examples: int, top: int) -> str:
    meta = report["meta"]
    m = meta["machine"]
    lines = [
        "# Sentence segmentation benchmark",
        "",
        f"- Date: {meta['date']}",
        f"- Command: `{meta['command']}`",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, {m['platform']}, Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"- Documents: {report['documents']:,} ({report['words']:,} words, {report['gold_boundaries']:,} gold "
        f"boundaries); title separator: {meta['title_sep']}; timing: best of {meta['repeats']} runs, one process",
        "",
        "## Gold",
        "",
        "| corpus | gold sentences from | documents | aligned cleanly (used) | IOB sentences used |",
        "|---|---|---:|---:|---:|",
    ]
    for a in report["alignment"]:
        lines.append(
            f"| {a['corpus']} | {a['gold_source']} | {a['documents']} | {a['aligned']} | {a['iob_sentences_used']} |"
        )
    lines.append("")
    for a in report["alignment"]:
        lines.extend(f"- {a['corpus']}: {note}" for note in a["notes"])
    lines += [
        "",
        "A boundary is the offset where a sentence starts (the first of each document excluded); sets compared per "
        "document, micro-averaged. *title R*: recall of the title/abstract boundary; *body F1*: boundaries after "
        "it. Words/s: whitespace-split words; *pipeline* = project tokenizer + splitter via `nlp.pipe`.",
        "",
        "## Results",
        "",
        table(report["results"], report["corpora"]),
        "",
        "## Most frequent errors",
        "",
        "`‖` marks the boundary (missed: gold starts a sentence there and the splitter does not; spurious: the "
        "splitter starts one and gold does not); `⏎` is a line break. Error types are a coarse heuristic on the "
        "characters around the boundary.",
        "",
        "BC5CDR's boundaries come from an automatic splitter, and some of the errors counted here are its errors: "
        "sentences glued in the raw text stay together in its IOB (`to confirm this.Aminoglycoside antibiotics`), "
        "`Group A. Response …` is not split, while `St. Luke's Hospital` and `200 mg./kg. i.p.` are. JNLPBA's "
        "(GENIA) boundaries were annotated by hand.",
    ]
    for name, result in report["results"].items():
        if "errors" not in result:
            continue
        acc = result["accuracy"]["overall"]
        lines += ["", f"### {name} ({acc['fn']:,} missed, {acc['fp']:,} spurious)", ""]
        for entry in result["errors"][:top]:
            lines.append(f"- **{entry['kind']}: {entry['category']}** ({entry['count']:,})")
            for example in entry["examples"][:examples]:
                lines.append(f"  - {example['corpus']} {example['doc_id']}: `{example['context']}`")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder holding bc5cdr/ and jnlpba/")
    parser.add_argument("--limit", type=int, default=None, help="at most N aligned documents per corpus")
    parser.add_argument("--repeats", type=int, default=3, help="timing runs per splitter (best is kept)")
    parser.add_argument(
        "--title-sep",
        choices=("as-is", "space", "newline"),
        default="as-is",
        help="character between title and abstract (as-is: BC5CDR space, JNLPBA newline)",
    )
    parser.add_argument("--splitters", nargs="+", choices=list(SPLITTERS), default=list(SPLITTERS))
    parser.add_argument("--examples", type=int, default=3, help="examples per error type in the Markdown")
    parser.add_argument("--top", type=int, default=4, help="error types per splitter in the Markdown")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--markdown", type=Path, default=DEFAULT_MARKDOWN)
    args = parser.parse_args(argv)

    docs: list[GoldDoc] = []
    alignments: list[Alignment] = []
    for loader in (load_bc5cdr, load_jnlpba):
        corpus_docs, alignment = loader(args.corpora, args.title_sep)
        docs.extend(corpus_docs[: args.limit] if args.limit is not None else corpus_docs)
        alignments.append(alignment)
        print(
            f"{alignment.corpus}: {alignment.aligned}/{alignment.documents} documents align cleanly "
            f"({alignment.iob_sentences_used}/{alignment.iob_sentences} IOB sentences)",
            file=sys.stderr,
        )
    texts = [d.text for d in docs]
    words = sum(len(t.split()) for t in texts)
    corpora = list(dict.fromkeys(d.corpus for d in docs))

    results: dict[str, Any] = {}
    seconds, _ = time_pipeline(build_nlp(None), texts, args.repeats)
    results[TOKENIZER_ONLY] = {"speed": {"seconds": round(seconds, 3), "words_per_s": round(words / seconds)}}
    for name in args.splitters:
        component = SPLITTERS[name]
        nlp = build_nlp(component)
        seconds, parsed = time_pipeline(nlp, texts, args.repeats)
        accuracy, errors = evaluate(docs, parsed)
        del parsed
        only = time_component(nlp, component, texts, args.repeats) if component else seconds
        results[name] = {
            "component": component,
            "accuracy": accuracy,
            "speed": {
                "seconds": round(seconds, 3),
                "words_per_s": round(words / seconds),
                "splitter_only_seconds": round(only, 3),
                "splitter_only_words_per_s": round(words / only),
            },
            "errors": error_summary(errors, examples=5),
        }
        print(f"{name}: F1 {accuracy['overall']['f1']:.4f}, {words / seconds:,.0f} words/s", file=sys.stderr)

    report = {
        "meta": {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": shlex.join([".venv/bin/python", "benchmarks/sentences.py", *(argv or sys.argv[1:])]),
            "machine": machine(),
            "repeats": args.repeats,
            "limit": args.limit,
            "title_sep": args.title_sep,
        },
        "documents": len(docs),
        "words": words,
        "gold_boundaries": sum(len(d.starts) for d in docs),
        "corpora": corpora,
        "alignment": [asdict(a) for a in alignments],
        "results": results,
    }
    print(table(results, corpora))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    args.markdown.write_text(markdown(report, args.examples, args.top), encoding="utf-8")
    print(f"wrote {args.json} and {args.markdown}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
