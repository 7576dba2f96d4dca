"""The sentence benchmark's alignment and scoring helpers (benchmarks/sentences.py), on small synthetic inputs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import spacy

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_sentences", REPO / "benchmarks" / "sentences.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_sentences"] = bench
_spec.loader.exec_module(bench)


def test_read_iob_groups_by_medline_marker():
    lines = ["###MEDLINE:1\n", "\n", "A\tO\n", ".\tO\n", "\n", "B\tO\n", "###MEDLINE:2\n", "\n", "C\tB-x\n"]
    assert bench.read_iob(lines) == [("1", [["A", "."], ["B"]]), ("2", [["C"]])]
    assert bench.read_iob(["A\tO\n", "\n", "B\tO\n"]) == [(None, [["A"], ["B"]])]


def test_sentence_starts_requires_the_same_characters():
    text = "Title here. First one (p<0.05).\nSecond."
    sentences = [["Title", "here", "."], ["First", "one", "(", "p<0.05", ")", "."], ["Second", "."]]
    assert bench.sentence_starts(text, sentences) == [0, 12, 32]
    assert bench.sentence_starts(text, [["Title", "here"], ["First", "one", "(", "p<0.05", ")", "."]]) is None
    assert bench.sentence_starts(text, [["Title", "here", "."], ["First", "one", "``", "."]]) is None


def test_group_by_content_ignores_document_order():
    texts = ["Doc one. It has two.", "Doc two alone."]
    sentences = [["Doc", "two", "alone", "."], ["Doc", "one", "."], ["It", "has", "two", "."], ["Stray", "."]]
    groups, orphans = bench.group_by_content(texts, sentences)
    assert groups == {1: [sentences[0]], 0: sentences[1:3]}
    assert orphans == 1


def test_counts_and_predicted_starts():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("One two. Three e.g. four. Five.")
    predicted = bench.predicted_starts(doc)
    assert predicted == {9, 26}  # the document's first sentence start is not a boundary
    counts = bench.Counts()
    counts.add(frozenset({9, 15}), predicted)
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 1)
    assert round(counts.f1, 4) == 0.5


def test_classify_error_types():
    text = "Title of it. Cells were given 5 mg i.v. Rats survived. see below"
    assert bench.classify(text, text.index("Cells"), title_end=text.index("Cells")) == "title | abstract"
    assert bench.classify(text, text.index("Rats"), title_end=13).startswith("after an abbreviation")
    assert bench.classify(text, text.index("see"), title_end=13) == "next word lower-case"
