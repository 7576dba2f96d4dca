"""Alignment, scoring, post-processing rules and a smoke training run (20 steps on 20 documents)."""

import json
from collections import Counter

import pytest
import spacy
from spacy.tokens import Span

from pipeline import corpora
from pipeline.components.ner_postprocess import postprocess_doc
from pipeline.corpora import CorpusDoc
from pipeline.train import (
    align_doc,
    blank_nlp,
    evaluate_model,
    make_docbin,
    score_char_spans,
    train_final,
    train_model,
)

HAVE_CORPORA = corpora.paths.SHARED_CORPORA.is_dir()
needs_corpora = pytest.mark.skipif(not HAVE_CORPORA, reason="shared corpora not available")


@pytest.fixture(scope="module")
def nlp():
    return blank_nlp()


def test_alignment_expands_and_keeps_the_longest_of_overlaps(nlp):
    text = "Cisplatin-induced AKI in IL-2-treated rats (TNF-alpha/beta)."
    spans = [(0, 9, "Chemical"), (18, 21, "Disease"), (25, 27, "Gene"), (25, 29, "Gene"), (44, 47, "Gene")]
    stats = Counter()
    doc = align_doc(nlp, CorpusDoc("x", text, spans), stats)
    assert [(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents] == [
        ("Cisplatin", "Chemical", 0, 9),
        ("AKI", "Disease", 18, 21),
        ("IL-2", "Gene", 25, 29),
        ("TNF-alpha", "Gene", 44, 53),
    ]
    assert stats == Counter({"gold": 5, "kept": 4, "misaligned": 2, "overlap_dropped": 1})


@needs_corpora
def test_make_docbin_bc5cdr_train_alignment_counts(nlp):
    docbin, stats = make_docbin("bc5cdr", "train", nlp)
    assert len(docbin) == 500
    assert stats == {
        "docs": 500,
        "gold": 9385,
        "kept": 9375,
        "misaligned": 148,
        "overlap_dropped": 10,
        "unalignable": 0,
    }


def test_score_char_spans_is_strict():
    gold = [{(0, 9, "Chemical"), (18, 21, "Disease")}, {(5, 10, "Disease")}]
    pred = [{(0, 9, "Chemical"), (18, 21, "Chemical")}, {(5, 11, "Disease")}]
    scores = score_char_spans(gold, pred, ("Chemical", "Disease"))
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 2, 2)
    assert (scores["p"], scores["r"], scores["f"]) == (33.33, 33.33, 33.33)
    assert scores["per_type"]["Chemical"] == {"p": 50.0, "r": 100.0, "f": 66.67, "tp": 1, "fp": 1, "fn": 0}
    assert scores["per_type"]["Disease"] == {"p": 0.0, "r": 0.0, "f": 0.0, "tp": 0, "fp": 1, "fn": 2}


def test_postprocess_abbreviation_type_and_repeats(nlp):
    doc = nlp("Acute kidney injury (AKI) after cisplatin. AKI was severe; cisplatin dose and AKI rate.")
    doc.ents = [Span(doc, 0, 3, label="Disease"), Span(doc, 7, 8, label="Chemical")]
    doc.ents = [*doc.ents, Span(doc, 9, 10, label="Chemical")]  # the model typed one AKI wrongly
    postprocess_doc(doc)
    assert [(e.text, e.label_, e.start_char) for e in doc.ents] == [
        ("Acute kidney injury", "Disease", 0),
        ("AKI", "Disease", 21),
        ("cisplatin", "Chemical", 32),
        ("AKI", "Disease", 43),
        ("cisplatin", "Chemical", 59),
        ("AKI", "Disease", 78),
    ]


def test_postprocess_leaves_short_forms_of_unpredicted_long_forms(nlp):
    doc = nlp("Glomerular filtration rate (GFR) fell; GFR was low.")
    postprocess_doc(doc)
    assert list(doc.ents) == []
    with pytest.raises(ValueError, match="unknown post-processing rules"):
        postprocess_doc(doc, ["spelling"])


@needs_corpora
def test_smoke_train_save_reload_evaluate(tmp_path):
    model_path = train_model("bc5cdr", tmp_path / "run", max_steps=20, limit_docs=20, eval_frequency=10)
    assert model_path == tmp_path / "run" / "model-best"
    assert json.loads((tmp_path / "run" / "alignment.json").read_text())["train"]["docs"] == 20
    size = sum(f.stat().st_size for f in model_path.rglob("*") if f.is_file())
    assert size < 25 * 2**20
    loaded = spacy.load(model_path)  # pipeline.tokenizer was imported by pipeline.train
    assert loaded.pipe_names == ["tok2vec", "ner"]
    assert sorted(loaded.get_pipe("ner").labels) == ["Chemical", "Disease"]
    text = "Cisplatin-induced AKI in IL-2-treated rats."
    assert [t.text for t in loaded.make_doc(text)] == [t.text for t in blank_nlp().make_doc(text)]
    assert loaded.meta["evidence"]["max_steps"] == 20
    result = evaluate_model(model_path, "bc5cdr", limit_docs=20)
    char = result["char_offsets"]
    assert char["tp"] + char["fn"] == 357  # gold mentions in the first 20 test documents
    assert set(char["per_type"]) == {"Chemical", "Disease"}
    assert result["iob"]["sentences"] == 200
    assert result["speed"]["words"] > 4000
    json.dumps(result)


@needs_corpora
def test_the_final_recipe_writes_only_the_pipeline(tmp_path):
    """`evidence train` and `python -m pipeline.train train` share one recipe: the shipped model's settings
    (train + dev for bc5cdr), training files in the work folder, the pipeline alone in the model folder."""
    out = train_final("bc5cdr", tmp_path / "model", work_dir=tmp_path / "work", max_steps=4, limit_docs=5)
    assert out == tmp_path / "model"
    assert sorted(p.name for p in out.iterdir()) == ["config.cfg", "meta.json", "ner", "tok2vec", "tokenizer", "vocab"]
    assert (tmp_path / "work" / "model-last").is_dir()
    meta = json.loads((out / "meta.json").read_text())["evidence"]
    assert (meta["include_dev"], meta["max_steps"], meta["postprocess"]) == (True, 4, True)
    assert spacy.load(out).pipe_names == ["tok2vec", "ner"]


@needs_corpora
def test_pretrained_tok2vec_weights_are_loaded(tmp_path):
    """spaCy ignores init_tok2vec when [pretraining] is empty: the training config must fill it."""
    from spacy.training.initialize import init_nlp

    from pipeline.train import make_config, pretrain_tok2vec

    weights = pretrain_tok2vec(tmp_path / "pt", max_epochs=1, limit_docs=20)
    assert weights == tmp_path / "pt" / "model0.bin"
    config = make_config("bc5cdr", init_tok2vec=weights)
    assert config["pretraining"]["component"] == "tok2vec"
    docbin, _ = make_docbin("bc5cdr", "train", limit_docs=5)
    docbin.to_disk(tmp_path / "train.spacy")
    config["paths"]["train"] = config["paths"]["dev"] = str(tmp_path / "train.spacy")
    nlp = init_nlp(spacy.util.load_config_from_str(config.to_str(), interpolate=False))
    assert nlp.get_pipe("tok2vec").model.to_bytes() == weights.read_bytes()


@needs_corpora
def test_pretraining_with_the_vectors_objective(tmp_path):
    from pipeline.paths import MODELS_DIR
    from pipeline.train import pretrain_tok2vec

    vectors = MODELS_DIR / "ner" / "bionlp13cg"  # a pipeline whose vocab carries the floret table
    weights = pretrain_tok2vec(tmp_path / "pt", max_epochs=1, limit_docs=5, vectors=vectors)
    config = spacy.util.load_config(tmp_path / "pt" / "pretrain.cfg", interpolate=False)
    assert config["pretraining"]["objective"]["@architectures"] == "spacy.PretrainVectors.v1"
    assert config["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] is True
    assert weights.is_file() and weights.stat().st_size > 100_000


@needs_corpora
def test_cli_train_exports_a_loadable_pipeline(tmp_path):
    from pipeline.train import main

    out = tmp_path / "models" / "tiny"
    assert (
        main(
            [
                "train",
                "bc5cdr",
                "--out",
                str(out),
                "--work-dir",
                str(tmp_path / "w"),
                "--train-only",
                "--max-steps",
                "5",
                "--limit-docs",
                "5",
            ]
        )
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == ["config.cfg", "meta.json", "ner", "tok2vec", "tokenizer", "vocab"]
    config = spacy.util.load_config(out / "config.cfg", interpolate=False)
    assert (
        config["paths"]["train"] is None
        and config["nlp"]["tokenizer"]["@tokenizers"] == "evidence.scispacy_tokenizer.v1"
    )
    assert spacy.load(out).meta["evidence"]["postprocess"] is True  # bc5cdr's final settings


@needs_corpora
def test_floret_vectors_train_and_feed_the_ner(tmp_path):
    """Floret vectors from the corpora's unlabelled text (never test text) become the tok2vec's static vectors."""
    from pipeline.train import _shingles, build_vectors, vector_texts

    texts, stats = vector_texts()
    test_shingles = set()
    for name in corpora.CORPORA:
        for doc in corpora.read_corpus(name, "test"):
            test_shingles |= _shingles(doc.text)
    assert not any(_shingles(text) & test_shingles for text in texts[:300])
    assert stats["bc5cdr/train"]["docs"] == 500 and stats["bc5cdr/train"]["kept"] < 500
    vectors = build_vectors(tmp_path / "vec", dim=8, bucket=1000, epochs=1, min_count=1, limit_docs=30)
    info = json.loads((tmp_path / "vec" / "vectors.json").read_text())
    assert info["docs"] == 30 and info["dim"] == 8
    loaded = spacy.load(vectors)
    assert loaded.vocab.vectors.mode == "floret" and loaded.vocab.vectors.shape == (1000, 8)
    # subword hashing: a word never seen in training still gets a (non-zero) vector
    assert loaded.vocab["zorbicillinase"].has_vector
    model = train_model("bionlp13cg", tmp_path / "run", max_steps=4, limit_docs=5, eval_frequency=2, vectors=vectors)
    trained = spacy.load(model)
    assert trained.vocab.vectors.shape == (1000, 8)
    assert trained.get_pipe_config("tok2vec")["model"]["embed"]["include_static_vectors"] is True


@needs_corpora
def test_anatem_documents_keep_anatomy_and_mask_other_types():
    from pipeline.paths import MODELS_DIR
    from pipeline.train import anatem_docs

    docs, stats = anatem_docs(MODELS_DIR / "ner" / "bionlp13cg", limit_docs=10)
    assert stats["docs"] + stats.get("dropped_test_overlap", 0) == 10
    # gold anatomy unchanged
    aligned = {d.text: align_doc(blank_nlp(), d) for d in corpora.read_anatem("train")[:10]}
    for doc in docs:
        assert [(e.start, e.end, e.label_) for e in doc.ents] == [
            (e.start, e.end, e.label_) for e in aligned[doc.text].ents
        ]
    # the model's genes/chemicals/organisms become missing (unknown), never outside and never over gold anatomy
    missing = [t for doc in docs for t in doc if t.ent_iob_ == ""]
    assert stats["masked"] > 0 and len(missing) >= stats["masked"]
    assert all(t.ent_type_ == "" for t in missing)
    assert sum(1 for doc in docs for t in doc if t.ent_iob_ == "O") > 0
