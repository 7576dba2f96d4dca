"""The corpus readers, on the real files in ../shared/corpora (read in place); counts as in each SOURCE.md."""

from collections import Counter

import pytest

from pipeline import corpora
from pipeline.corpora import CorpusNotFoundError, iob_entities, iob_path, read_corpus, read_iob

ROOT = corpora.paths.SHARED_CORPORA
pytestmark = pytest.mark.skipif(not ROOT.is_dir(), reason=f"shared corpora not at {ROOT}")


def counts(corpus, split):
    docs = read_corpus(corpus, split)
    return len(docs), Counter(label for doc in docs for _, _, label in doc.spans)


@pytest.mark.parametrize(
    ("split", "docs", "chemical", "disease"),
    [("train", 500, 5203, 4182), ("dev", 500, 5347, 4244), ("test", 500, 5385, 4424)],
)
def test_bc5cdr_counts(split, docs, chemical, disease):
    assert counts("bc5cdr", split) == (docs, Counter({"Chemical": chemical, "Disease": disease}))


def test_bc5cdr_offsets_index_title_space_abstract():
    doc = read_corpus("bc5cdr", "test")[0]
    assert doc.doc_id == "8701013"
    assert doc.text.startswith("Famotidine-associated delirium. A series of six cases. Famotidine is a histamine")
    assert doc.spans[:4] == [(0, 10, "Chemical"), (22, 30, "Disease"), (55, 65, "Chemical"), (156, 162, "Disease")]
    assert [doc.text[s:e] for s, e, _ in doc.spans[:4]] == ["Famotidine", "delirium", "Famotidine", "ulcers"]


@pytest.mark.parametrize(
    ("split", "docs", "total", "genes", "cells", "developing"),
    [("train", 300, 10935, 4028, 1978, 13), ("dev", 100, 3634, 1360, 546, 5), ("test", 200, 6955, 2520, 1054, 17)],
)
def test_bionlp13cg_counts(split, docs, total, genes, cells, developing):
    n, c = counts("bionlp13cg", split)
    assert (n, sum(c.values())) == (docs, total)
    assert (c["Gene_or_gene_product"], c["Cell"], c["Developing_anatomical_structure"]) == (genes, cells, developing)
    assert set(c) == set(corpora.LABELS["bionlp13cg"])


def test_bionlp13cg_known_mention():
    doc = read_corpus("bionlp13cg", "train")[0]
    assert doc.doc_id == "PMID-10214859"
    assert doc.spans[:2] == [(4, 29, "Gene_or_gene_product"), (33, 57, "Cancer")]
    assert doc.text[4:29] == "TGF-beta type II receptor"


@pytest.mark.parametrize(
    ("split", "docs", "total", "protein", "rna"),
    [("train", 1800, 46750, 27803, 844), ("dev", 200, 4551, 2466, 107), ("test", 404, 8662, 5067, 118)],
)
def test_jnlpba_counts_dev_is_held_out_of_train(split, docs, total, protein, rna):
    n, c = counts("jnlpba", split)
    assert (n, sum(c.values()), c["protein"], c["RNA"]) == (docs, total, protein, rna)


def test_jnlpba_dev_ids_and_known_mention():
    train_ids = {d.doc_id for d in read_corpus("jnlpba", "train")}
    dev = read_corpus("jnlpba", "dev")
    assert [d.doc_id for d in dev[:2]] == ["91075236", "91125342"]
    assert not train_ids & {d.doc_id for d in dev}
    assert "97218353-2" in train_ids
    assert dev[0].spans[0] == (18, 33, "DNA") and dev[0].text[18:33] == "human SCL locus"


@pytest.mark.parametrize(
    ("corpus", "split", "sentences", "tokens", "entities"),
    [
        ("bc5cdr", "test", 4797, 124750, 9809),
        ("bc5cdr", "dev", 4581, 117453, 9593),
        ("bionlp13cg", "test", 1906, 52771, 6881),
        ("jnlpba", "test", 3856, 101039, 8662),
        ("jnlpba", "dev", 1739, 47461, 4551),
    ],
)
def test_iob_files(corpus, split, sentences, tokens, entities):
    sents = read_iob(iob_path(corpus, split))
    assert len(sents) == sentences
    assert sum(map(len, sents)) == tokens
    assert sum(1 for s in sents for _ in iob_entities(s)) == entities


def test_iob_entities_spans():
    sentence = [
        ("glucocorticoid", "B-protein"),
        ("receptors", "I-protein"),
        ("in", "O"),
        ("T", "I-cell_type"),
        ("cells", "I-cell_type"),
        ("X", "B-DNA"),
        ("Y", "B-DNA"),
    ]
    assert list(iob_entities(sentence)) == [(0, 2, "protein"), (3, 5, "cell_type"), (5, 6, "DNA"), (6, 7, "DNA")]


def test_missing_corpora_folder_names_the_path(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(CorpusNotFoundError, match="nowhere"):
        read_corpus("bc5cdr", "train", corpora_dir=missing)


def test_missing_file_names_the_path(tmp_path):
    (tmp_path / "bc5cdr").mkdir()
    with pytest.raises(CorpusNotFoundError, match="CDR_TrainingSet.PubTator.txt") as err:
        read_corpus("bc5cdr", "train", corpora_dir=tmp_path)
    assert err.value.path == tmp_path / "bc5cdr" / "CDR_TrainingSet.PubTator.txt"
    with pytest.raises(CorpusNotFoundError, match="jnlpba_standoff.tar.gz"):
        read_corpus("jnlpba", "test", corpora_dir=tmp_path)


def test_env_variable_sets_the_default_root(monkeypatch, tmp_path):
    monkeypatch.setattr(corpora.paths, "SHARED_CORPORA", tmp_path / "elsewhere")
    with pytest.raises(CorpusNotFoundError, match="elsewhere"):
        read_corpus("bionlp13cg", "dev")


def test_unknown_split_or_corpus():
    with pytest.raises(ValueError, match="unknown split"):
        read_corpus("bc5cdr", "validation")
    with pytest.raises(ValueError, match="unknown corpus"):
        read_corpus("conll", "train")
