"""Train and evaluate spaCy NER pipelines on BC5CDR, BioNLP13CG and JNLPBA with the project's tokenizer.

Plain functions (a Prefect flow may wrap them):

* :func:`make_docbin` tokenizes a corpus split with the project's tokenizer and aligns the gold character spans;
* :func:`train_model` writes a spaCy config (CNN "efficiency" tok2vec, no vectors, CPU) and trains it;
* :func:`evaluate_model` scores a saved pipeline strictly, by character offsets on the raw documents and with
  spaCy's Scorer on the corpus's IOB file, and measures its speed.

Command line (the commands the model cards give)::

    python -m pipeline.train train bc5cdr --out models/ner/bc5cdr
    python -m pipeline.train evaluate models/ner/bc5cdr bc5cdr
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.util import filter_spans

import pipeline.tokenizer  # noqa: F401  (registers "evidence.scispacy_tokenizer.v1")
from pipeline import corpora, paths
from pipeline.tokenizer import build_tokenizer

log = logging.getLogger(__name__)

TOKENIZER_REF = {"@tokenizers": "evidence.scispacy_tokenizer.v1"}

#: Settings of the shipped models, chosen on the development sets (see models/ner/README.md).
#: ``max_steps`` is the step count used for the final train+dev model.
FINAL_SETTINGS: dict[str, dict] = {
    "bc5cdr": {"include_dev": True, "max_steps": 5000, "eval_frequency": 1000, "postprocess": True},
    # floret vectors of the corpora's unlabelled train+dev text (+1.1 dev F1, char offsets, over no vectors), and a
    # tok2vec pretrained for one epoch with the vectors objective on that text (+2.5 more)
    "bionlp13cg": {
        "include_dev": True,
        "max_steps": 5300,
        "eval_frequency": 1000,
        "postprocess": ["abbreviations"],
        "vectors": {"dim": 100, "bucket": 40000, "epochs": 10},
        "pretrain_epochs": 1,
    },
    # dev F1 still rose at 8,000 steps: a longer train-only run chose the step count (dev best at 10,400 of
    # 14,000); with the floret vectors: +0.9 dev F1 (char offsets). The final model trains on train + dev for
    # that count scaled to 11% more documents, as for the other two corpora. It uses the bionlp13cg model's
    # vector table: two models with one table share the pipeline's vocab (a table of its own cost the pipeline
    # 15% of its words/s and 190 MB)
    "jnlpba": {
        "include_dev": True,
        "max_steps": 11600,
        "patience": 2400,
        "eval_frequency": 2000,
        "postprocess": False,  # repeats: +0.22 dev F1 on the 8,000-step run, -0.08 on a later one; off
        "vectors": {"dim": 100, "bucket": 40000, "epochs": 10},
        "vectors_from": "bionlp13cg",
    },
}


def blank_nlp() -> Language:
    """``spacy.blank("en")`` with the project's tokenizer."""
    nlp = spacy.blank("en")
    nlp.tokenizer = build_tokenizer(nlp)
    return nlp


# --- data ---------------------------------------------------------------------------------------------------------


def align_doc(nlp: Language, document: corpora.CorpusDoc, stats: Counter | None = None) -> Doc:
    """Tokenize a corpus document and set its gold entities (token-aligned, non-overlapping) as ``doc.ents``.

    Spans whose edges fall inside a token are expanded to whole tokens (``misaligned``); of overlapping spans the
    longest is kept (``overlap_dropped``).
    """
    stats = stats if stats is not None else Counter()
    doc = nlp.make_doc(document.text)
    spans = []
    for start, end, label in document.spans:
        stats["gold"] += 1
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None:
            stats["unalignable"] += 1
            continue
        if span.start_char != start or span.end_char != end:
            stats["misaligned"] += 1
        spans.append(span)
    kept = filter_spans(spans)
    stats["overlap_dropped"] += len(spans) - len(kept)
    stats["kept"] += len(kept)
    doc.ents = kept
    return doc


def make_docbin(
    corpus: str,
    split: str | list[str],
    nlp: Language | None = None,
    *,
    corpora_dir: str | Path | None = None,
    limit_docs: int | None = None,
) -> tuple[DocBin, dict]:
    """A DocBin of one document per abstract, with gold entities aligned to the project's tokens.

    Returns the DocBin and alignment counts: ``docs``, ``gold``, ``kept``, ``misaligned`` (expanded to token
    edges), ``overlap_dropped`` (shorter of overlapping spans) and ``unalignable``.
    """
    nlp = nlp or blank_nlp()
    splits = [split] if isinstance(split, str) else list(split)
    stats: Counter = Counter()
    docbin = DocBin(store_user_data=False)
    for name in splits:
        documents = corpora.read_corpus(corpus, name, corpora_dir)
        if limit_docs is not None:
            documents = documents[:limit_docs]
        for document in documents:
            docbin.add(align_doc(nlp, document, stats))
            stats["docs"] += 1
    for key in ("docs", "gold", "kept", "misaligned", "overlap_dropped", "unalignable"):
        stats.setdefault(key, 0)
    return docbin, dict(stats)


def anatem_docs(
    mask_model: str | Path, *, corpora_dir: str | Path | None = None, limit_docs: int | None = None
) -> tuple[list[Doc], dict]:
    """AnatEM's training documents as extra BioNLP13CG training data ("corpora where labels agree").

    AnatEM annotates only CG's 12 anatomical types. Its gold anatomy spans are kept; where ``mask_model`` (a
    BioNLP13CG pipeline trained without test data) predicts one of the other four types (genes, chemicals,
    organisms, amino acids), the tokens are marked *missing*, so the model is not taught that they are outside any
    entity. A document sharing an 8-word run with a BioNLP13CG test document is left out.
    """
    nlp = blank_nlp()
    masker = load_model(mask_model)
    test: set[int] = set()
    for doc in corpora.read_corpus("bionlp13cg", "test", corpora_dir):
        test |= _shingles(doc.text)
    documents = corpora.read_anatem("train", corpora_dir)[:limit_docs]
    stats: Counter = Counter()
    docs = []
    for document in documents:
        if _shingles(document.text) & test:
            stats["dropped_test_overlap"] += 1
            continue
        gold = align_doc(nlp, document, stats)
        predicted = masker(document.text)
        gold_tokens = {i for ent in gold.ents for i in range(ent.start, ent.end)}
        missing = []
        for ent in predicted.ents:
            if ent.label_ in corpora.ANATOMY_TYPES:
                continue
            span = gold.char_span(ent.start_char, ent.end_char, alignment_mode="expand")
            if span is not None and not any(i in gold_tokens for i in range(span.start, span.end)):
                missing.append(span)
                stats["masked"] += 1
        gold.set_ents(list(gold.ents), missing=missing, default="outside")
        docs.append(gold)
        stats["docs"] += 1
    return docs, dict(stats)


# --- config and training ------------------------------------------------------------------------------------------


def make_config(
    corpus: str,
    *,
    max_steps: int = 20000,
    eval_frequency: int = 200,
    patience: int = 1600,
    seed: int = 0,
    width: int = 96,
    rows: tuple[int, int, int, int] = (5000, 1000, 2500, 2500),
    dropout: float = 0.1,
    init_tok2vec: str | Path | None = None,
    raw_text: str | Path | None = None,
    log_file: str | Path | None = None,
    vectors: str | Path | None = None,
):
    """The ``spacy init config -l en -p ner -o efficiency`` config (CPU), with the project's tokenizer."""
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False)
    config["nlp"]["tokenizer"] = dict(TOKENIZER_REF)
    training = config["training"]
    training.update(
        {"max_steps": max_steps, "eval_frequency": eval_frequency, "patience": patience, "dropout": dropout}
    )
    config["system"]["seed"] = seed
    config["components"]["tok2vec"]["model"]["encode"]["width"] = width
    config["components"]["tok2vec"]["model"]["embed"]["rows"] = list(rows)
    training["logger"] = {
        "@loggers": "spacy.ConsoleLogger.v3",
        "progress_bar": None,
        "console_output": True,
        "output_file": str(log_file) if log_file else None,
    }
    if init_tok2vec or raw_text:
        # spaCy silently ignores init_tok2vec when [pretraining] is empty: fill it (it names the tok2vec component).
        config["pretraining"] = init_config(lang="en", pipeline=["ner"], optimize="efficiency", pretraining=True)[
            "pretraining"
        ]
        config["paths"]["raw_text"] = str(raw_text) if raw_text else None
        config["corpora"]["pretrain"] = {
            "@readers": "spacy.JsonlCorpus.v1",
            "path": "${paths.raw_text}",
            "min_length": 5,
            "max_length": 2000,
            "limit": 0,
        }
    if init_tok2vec:
        config["paths"]["init_tok2vec"] = str(init_tok2vec)
    if vectors:
        # static vectors (floret: subword hashes, so unseen words get a vector too) concatenated to the embeddings
        config["paths"]["vectors"] = str(vectors)
        config["initialize"]["vectors"] = "${paths.vectors}"
        config["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] = True
    return config


def train_model(
    corpus: str,
    out_dir: str | Path,
    *,
    corpora_dir: str | Path | None = None,
    include_dev: bool = False,
    max_steps: int | None = None,
    seed: int = 0,
    limit_docs: int | None = None,
    eval_frequency: int = 200,
    patience: int = 1600,
    width: int = 96,
    rows: tuple[int, int, int, int] = (5000, 1000, 2500, 2500),
    dropout: float = 0.1,
    init_tok2vec: str | Path | None = None,
    postprocess: bool = False,
    vectors: str | Path | None = None,
    anatem_mask_model: str | Path | None = None,
) -> Path:
    """Train a NER pipeline; writes ``config.cfg``, ``alignment.json``, ``train_log.jsonl``, ``model-best`` and
    ``model-last`` under ``out_dir`` and returns the path of the model to use.

    Trained on the train split (selected on dev: ``model-best``) or, with ``include_dev``, on train + dev for
    exactly ``max_steps`` steps (``model-last``; the dev scores logged then are not held out).
    """
    from spacy.cli.train import train as spacy_train

    if corpus not in corpora.CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}; expected one of {corpora.CORPORA}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp = blank_nlp()
    train_splits = ["train", "dev"] if include_dev else ["train"]
    train_bin, train_stats = make_docbin(corpus, train_splits, nlp, corpora_dir=corpora_dir, limit_docs=limit_docs)
    dev_bin, dev_stats = make_docbin(corpus, "dev", nlp, corpora_dir=corpora_dir, limit_docs=limit_docs)
    if anatem_mask_model:
        if corpus != "bionlp13cg":
            raise ValueError("AnatEM augments only bionlp13cg (its types are CG's anatomical types)")
        extra, extra_stats = anatem_docs(anatem_mask_model, corpora_dir=corpora_dir, limit_docs=limit_docs)
        for doc in extra:
            train_bin.add(doc)
        train_stats["anatem"] = extra_stats
    data_dir = out_dir / "data"
    data_dir.mkdir(exist_ok=True)
    train_bin.to_disk(data_dir / "train.spacy")
    dev_bin.to_disk(data_dir / "dev.spacy")
    (out_dir / "alignment.json").write_text(json.dumps({"train": train_stats, "dev": dev_stats}, indent=2))
    log.info("%s alignment: train %s dev %s", corpus, train_stats, dev_stats)

    steps = max_steps if max_steps is not None else 20000
    config = make_config(
        corpus,
        max_steps=steps,
        eval_frequency=min(eval_frequency, steps),
        patience=0 if include_dev else patience,
        seed=seed,
        width=width,
        rows=rows,
        dropout=dropout,
        init_tok2vec=init_tok2vec,
        log_file=out_dir / "train_log.jsonl",
        vectors=vectors,
    )
    config["paths"]["train"] = str(data_dir / "train.spacy")
    config["paths"]["dev"] = str(data_dir / "dev.spacy")
    config_path = out_dir / "config.cfg"
    config.to_disk(config_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        spacy_train(config_path, out_dir, use_gpu=-1)
    model = out_dir / ("model-last" if include_dev else "model-best")
    settings = {
        "corpus": corpus,
        "include_dev": include_dev,
        "max_steps": steps,
        "seed": seed,
        "width": width,
        "rows": list(rows),
        "dropout": dropout,
        "postprocess": postprocess,
        "limit_docs": limit_docs,
        "pretrained_tok2vec": Path(init_tok2vec).name if init_tok2vec else None,
        "vectors": Path(vectors).name if vectors else None,
        "anatem": bool(anatem_mask_model),
    }
    for path in (out_dir / "model-best", out_dir / "model-last"):
        if path.exists():
            _set_meta(path, corpus, settings)
    return model


def _set_meta(model_path: Path, corpus: str, settings: dict) -> None:
    meta_path = model_path / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["name"] = f"ner_{corpus}"
    meta["evidence"] = settings
    meta_path.write_text(json.dumps(meta, indent=2))


def export_model(model_path: str | Path, dest: str | Path) -> Path:
    """Copy a trained pipeline to ``dest`` (replacing it), without training-only files."""
    model_path, dest = Path(model_path), Path(dest)
    if dest.exists():
        for child in dest.iterdir():  # keep a MODEL_CARD.md written beside the pipeline
            if child.name != "MODEL_CARD.md":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    dest.mkdir(parents=True, exist_ok=True)
    for child in model_path.iterdir():
        target = dest / child.name
        shutil.copytree(child, target) if child.is_dir() else shutil.copy2(child, target)
    # The saved config points at this machine's training data; the paths are not needed to load the model.
    config = spacy.util.load_config(dest / "config.cfg", interpolate=False)
    for key in ("train", "dev", "init_tok2vec", "raw_text", "vectors"):
        if key in config["paths"]:
            config["paths"][key] = None
    config["training"]["logger"]["output_file"] = None
    config.to_disk(dest / "config.cfg")
    return dest


def pretraining_texts(corpora_dir: str | Path | None = None, craft: bool = True) -> list[str]:
    """Raw text for ``spacy pretrain``: the train and dev documents of the three NER corpora (never test) and,
    with ``craft``, the paragraphs of CRAFT's 97 full-text articles (no labels used)."""
    texts = []
    for corpus in corpora.CORPORA:
        for split in ("train", "dev"):
            texts.extend(doc.text for doc in corpora.read_corpus(corpus, split, corpora_dir))
    if craft:
        texts.extend(corpora.read_craft_paragraphs(corpora_dir))
    return texts


def _shingles(text: str, n: int = 8) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    return {hash(tuple(words[i : i + n])) for i in range(max(len(words) - n + 1, 1))}


def vector_texts(corpora_dir: str | Path | None = None) -> tuple[list[str], dict]:
    """Unlabelled text for static vectors: the train and dev text of the three NER corpora, BioRED, NCBI-disease,
    AnatEM and CRAFT's articles. A document that shares any 8-word run with a test document of the three NER
    corpora is left out, so that no test text reaches the vectors."""
    test: set[int] = set()
    for corpus in corpora.CORPORA:
        for doc in corpora.read_corpus(corpus, "test", corpora_dir):
            test |= _shingles(doc.text)
    sources = {
        f"{c}/{s}": [d.text for d in corpora.read_corpus(c, s, corpora_dir)]
        for c in corpora.CORPORA
        for s in ("train", "dev")
    }
    sources.update(corpora.read_extra_texts(corpora_dir))
    texts, stats = [], {}
    for name, docs in sources.items():
        kept = [text for text in docs if not (_shingles(text) & test)]
        texts.extend(kept)
        stats[name] = {"docs": len(docs), "kept": len(kept), "words": sum(len(t.split()) for t in kept)}
    return texts, stats


def build_vectors(
    out_dir: str | Path,
    *,
    corpora_dir: str | Path | None = None,
    dim: int = 100,
    bucket: int = 50000,
    epochs: int = 10,
    min_count: int = 3,
    threads: int = 2,
    seed: int = 0,
    limit_docs: int | None = None,
) -> Path:
    """Train floret vectors (CBOW, character 4-5-grams, 2 hashes per entry, lower-cased tokens of the project's
    tokenizer) on :func:`vector_texts` and convert them to a spaCy pipeline at ``out_dir/vectors`` that a
    training config can name in ``[initialize] vectors``. Needs the ``floret`` package (training only)."""
    try:
        import floret
    except ImportError as exc:  # pragma: no cover - the lock file installs it
        raise RuntimeError("building vectors needs the 'floret' package (pip install floret)") from exc
    from spacy.training.initialize import convert_vectors

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    texts, stats = vector_texts(corpora_dir)
    texts = texts[:limit_docs]
    tokenizer = build_tokenizer(blank_nlp())
    raw = out_dir / "tokens.txt"
    words = 0
    with raw.open("w", encoding="utf-8") as handle:
        for doc in tokenizer.pipe(texts):
            tokens = [t.lower_ for t in doc if not t.is_space]
            words += len(tokens)
            handle.write(" ".join(tokens) + "\n")
    model = floret.train_unsupervised(
        str(raw),
        model="cbow",
        mode="floret",
        hashCount=2,
        bucket=bucket,
        minn=4,
        maxn=5,
        dim=dim,
        epoch=epochs,
        minCount=min_count,
        thread=threads,
        verbose=0,
    )
    floret_file = out_dir / "vectors.floret"
    model.save_floret_vectors(str(floret_file))
    nlp = blank_nlp()
    convert_vectors(nlp, floret_file, truncate=0, prune=-1, mode="floret", attr="LOWER")
    nlp.to_disk(out_dir / "vectors")
    floret_file.unlink()
    raw.unlink()
    info = {"words": words, "docs": len(texts), "dim": dim, "bucket": bucket, "epochs": epochs, "sources": stats}
    (out_dir / "vectors.json").write_text(json.dumps(info, indent=2))
    return out_dir / "vectors"


def pretrain_tok2vec(
    out_dir: str | Path,
    *,
    corpora_dir: str | Path | None = None,
    max_epochs: int = 5,
    limit_docs: int | None = None,
    seed: int = 0,
    width: int = 96,
    rows: tuple[int, int, int, int] = (5000, 1000, 2500, 2500),
    vectors: str | Path | None = None,
) -> Path:
    """``spacy pretrain`` of the NER tok2vec on the corpora's train+dev text: the characters objective, or with
    ``vectors`` the vectors objective (predict each word's static vector from its context; the tok2vec then also
    takes those vectors as input, as the models trained with them do).

    Returns the weights of the last epoch (``model<N>.bin``), for ``train_model(init_tok2vec=...)`` with the same
    ``width``, ``rows`` and ``vectors``.
    """
    from spacy.training.pretrain import pretrain

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = out_dir / "raw_text.jsonl"
    with raw.open("w", encoding="utf-8") as handle:
        for text in pretraining_texts(corpora_dir)[:limit_docs]:
            handle.write(json.dumps({"text": text}) + "\n")
    config = make_config("pretrain", seed=seed, width=width, rows=rows, raw_text=raw, vectors=vectors)
    config["pretraining"]["max_epochs"] = max_epochs
    if vectors:
        config["pretraining"]["objective"] = {
            "@architectures": "spacy.PretrainVectors.v1",
            "maxout_pieces": 3,
            "hidden_size": 300,
            "loss": "cosine",
        }
    config_path = out_dir / "pretrain.cfg"
    config.to_disk(config_path)
    config = spacy.util.load_config(config_path, interpolate=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        pretrain(config, out_dir, use_gpu=-1, silent=False)
    return out_dir / f"model{max_epochs - 1}.bin"


# --- evaluation ---------------------------------------------------------------------------------------------------


def load_model(model_path: str | Path) -> Language:
    """A saved pipeline, with floret vectors cached per word as in the extraction (same predictions, faster)."""
    from pipeline.nlp import cache_floret_vectors

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nlp = spacy.load(model_path)
    cache_floret_vectors(nlp)
    return nlp


def _postprocess_rules(nlp: Language) -> bool | list[str]:
    """The post-processing rules a model's meta asks for (``False``: none, ``True``: all)."""
    return nlp.meta.get("evidence", {}).get("postprocess") or False


def _apply_postprocess(docs: list[Doc], rules: bool | list[str]) -> list[Doc]:
    if not rules:
        return docs
    from pipeline.components.ner_postprocess import postprocess_doc

    return [postprocess_doc(doc, rules) for doc in docs]


def predict(nlp: Language, texts: list[str], postprocess: bool | list[str] | None = None) -> list[Doc]:
    """Run the model over raw texts; applies the model's post-processing rules if its meta asks for them."""
    docs = list(nlp.pipe(texts, batch_size=64))
    return _apply_postprocess(docs, _postprocess_rules(nlp) if postprocess is None else postprocess)


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(100 * p, 2), "r": round(100 * r, 2), "f": round(100 * f, 2), "tp": tp, "fp": fp, "fn": fn}


def score_char_spans(gold: list[set], pred: list[set], labels: tuple[str, ...]) -> dict:
    """Strict P/R/F1 (percent) of ``(start, end, label)`` sets, overall and per label."""
    counts = {label: Counter() for label in labels}
    for g, p in zip(gold, pred, strict=True):
        for start, end, label in p:
            counts.setdefault(label, Counter())["tp" if (start, end, label) in g else "fp"] += 1
        for start, end, label in g:
            if (start, end, label) not in p:
                counts.setdefault(label, Counter())["fn"] += 1
    total = sum(counts.values(), Counter())
    return {
        **prf(total["tp"], total["fp"], total["fn"]),
        "per_type": {label: prf(c["tp"], c["fp"], c["fn"]) for label, c in sorted(counts.items())},
    }


def evaluate_char_offsets(
    nlp: Language,
    documents: list[corpora.CorpusDoc],
    labels: tuple[str, ...],
    postprocess: bool | list[str] | None = None,
) -> dict:
    docs = predict(nlp, [d.text for d in documents], postprocess)
    gold = [set(d.spans) for d in documents]
    pred = [{(e.start_char, e.end_char, e.label_) for e in doc.ents} for doc in docs]
    return score_char_spans(gold, pred, labels)


def evaluate_iob(
    nlp: Language, sentences: list[list[tuple[str, str]]], postprocess: bool | list[str] | None = None
) -> dict:
    """spaCy's Scorer on docs built from the IOB tokens (one doc per sentence, as in the IOB file)."""
    from spacy.scorer import Scorer

    refs = []
    for sentence in sentences:
        words = [token for token, _ in sentence]
        ref = Doc(nlp.vocab, words=words)
        ref.ents = [Span(ref, s, e, label=label) for s, e, label in corpora.iob_entities(sentence)]
        refs.append(ref)
    preds = [Doc(nlp.vocab, words=[t.text for t in ref]) for ref in refs]
    for _name, proc in nlp.pipeline:
        preds = list(proc.pipe(preds, batch_size=64)) if hasattr(proc, "pipe") else [proc(d) for d in preds]
    preds = _apply_postprocess(preds, _postprocess_rules(nlp) if postprocess is None else postprocess)
    examples = [Example(pred, ref) for pred, ref in zip(preds, refs, strict=True)]
    scores = Scorer.score_spans(examples, "ents")
    per_type = {
        label: {k: round(100 * v, 2) for k, v in s.items()} for label, s in sorted(scores["ents_per_type"].items())
    }
    return {
        "p": round(100 * scores["ents_p"], 2),
        "r": round(100 * scores["ents_r"], 2),
        "f": round(100 * scores["ents_f"], 2),
        "per_type": per_type,
        "sentences": len(sentences),
    }


def words_per_second(nlp: Language, texts: list[str], repeats: int = 1) -> dict:
    """Speed of the model alone (tokenizer + NER, one process)."""
    list(nlp.pipe(texts[:20]))  # warm-up
    best = None
    words = 0
    for _ in range(repeats):
        start = time.perf_counter()
        words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return {"words": words, "seconds": round(best, 3), "words_per_s": round(words / best)}


def evaluate_model(
    model_path: str | Path,
    corpus: str,
    *,
    corpora_dir: str | Path | None = None,
    split: str = "test",
    postprocess: bool | list[str] | None = None,
    limit_docs: int | None = None,
) -> dict:
    """Strict entity-level P/R/F1 (percent), overall and per type, of a saved pipeline on a corpus split.

    ``char_offsets``: raw documents in, exact character span + label against the corpus's standoff/PubTator
    annotation. ``iob``: spaCy's Scorer on docs built from the IOB file's tokens (absent where the corpus has no
    IOB file for the split). ``speed``: words/s of the model alone on the split's raw documents.
    ``postprocess`` overrides the model's own setting (its ``meta.json`` ``evidence.postprocess``).
    """
    nlp = load_model(model_path)
    labels = corpora.LABELS[corpus]
    documents = corpora.read_corpus(corpus, split, corpora_dir)
    if limit_docs is not None:
        documents = documents[:limit_docs]
    applied = postprocess if postprocess is not None else _postprocess_rules(nlp)
    result = {
        "model": str(model_path),
        "corpus": corpus,
        "split": split,
        "postprocess": applied,
        "labels": sorted(nlp.get_pipe("ner").labels),
        "char_offsets": evaluate_char_offsets(nlp, documents, labels, applied),
    }
    try:
        sentences = corpora.read_iob(corpora.iob_path(corpus, split, corpora_dir))
    except ValueError:
        sentences = None
    if sentences is not None:
        if limit_docs is not None:
            sentences = sentences[: 10 * limit_docs]
        result["iob"] = evaluate_iob(nlp, sentences, applied)
    result["speed"] = words_per_second(nlp, [d.text for d in documents])
    return result


def train_final(
    corpus: str,
    out: str | Path,
    *,
    corpora_dir: str | Path | None = None,
    work_dir: str | Path | None = None,
    train_only: bool = False,
    include_dev: bool = False,
    max_steps: int | None = None,
    patience: int | None = None,
    eval_frequency: int | None = None,
    seed: int = 0,
    width: int = 96,
    rows: tuple[int, int, int, int] = (5000, 1000, 2500, 2500),
    dropout: float = 0.1,
    init_tok2vec: str | Path | None = None,
    pretrain: bool = True,
    postprocess: bool | list[str] | None = None,
    limit_docs: int | None = None,
    vectors: str | Path | None = None,
    use_vectors: bool = True,
    anatem_mask_model: str | Path | None = None,
) -> Path:
    """Train the model of ``corpus`` with the shipped model's settings (``FINAL_SETTINGS``: vectors, pretraining,
    train + dev, step count) unless told otherwise, and write the pipeline to ``out`` (training files go to
    ``work_dir``, a temporary folder by default). ``train_only`` trains on train and selects on dev instead."""
    final = FINAL_SETTINGS[corpus]
    use_dev = include_dev or (False if train_only else final["include_dev"])
    if max_steps is None and not train_only:
        max_steps = final["max_steps"]
    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix=f"ner_{corpus}_"))
    if vectors is None and use_vectors and final.get("vectors_from"):
        lender = paths.MODELS_DIR / "ner" / final["vectors_from"]
        if (lender / "vocab" / "vectors").exists():
            vectors = lender  # the table of an installed model: both models then share the pipeline's vocab
    if vectors is None and final.get("vectors") and use_vectors:
        vectors = build_vectors(work / "vectors", corpora_dir=corpora_dir, **final["vectors"])
    pretrain_epochs = final.get("pretrain_epochs", 0)
    if init_tok2vec is None and pretrain_epochs and pretrain:
        init_tok2vec = pretrain_tok2vec(
            work / "pretrain",
            corpora_dir=corpora_dir,
            max_epochs=pretrain_epochs,
            width=width,
            rows=rows,
            vectors=vectors,  # with vectors: the vectors objective
        )
    model = train_model(
        corpus,
        work,
        corpora_dir=corpora_dir,
        include_dev=use_dev,
        max_steps=max_steps,
        seed=seed,
        limit_docs=limit_docs,
        eval_frequency=eval_frequency or final.get("eval_frequency", 200),
        patience=patience if patience is not None else final.get("patience", 1600),
        width=width,
        rows=rows,
        dropout=dropout,
        init_tok2vec=init_tok2vec,
        postprocess=final["postprocess"] if postprocess is None else postprocess,
        vectors=vectors,
        anatem_mask_model=anatem_mask_model,
    )
    dest = export_model(model, out)
    if vectors is not None:  # what the vectors were trained on: beside a built table, or in the lending model
        for stats in (Path(vectors).parent / "vectors.json", Path(vectors) / "vectors_training.json"):
            if stats.exists() and stats.resolve() != (dest / "vectors_training.json").resolve():
                shutil.copy2(stats, dest / "vectors_training.json")
                break
    return dest


# --- command line -------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.train", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a NER pipeline (defaults: the shipped model's settings)")
    t.add_argument("corpus", choices=corpora.CORPORA)
    t.add_argument("--out", required=True, type=Path, help="where the final pipeline is written")
    t.add_argument("--corpora-dir", type=Path, default=None)
    t.add_argument("--work-dir", type=Path, default=None, help="training files (default: a temporary folder)")
    split = t.add_mutually_exclusive_group()
    split.add_argument("--train-only", action="store_true", help="train on train, select on dev (model-best)")
    split.add_argument(
        "--include-dev", action="store_true", help="train on train + dev for exactly --max-steps steps (model-last)"
    )
    t.add_argument("--max-steps", type=int, default=None)
    t.add_argument("--patience", type=int, default=None, help="default: the final settings' or 1600")
    t.add_argument("--eval-frequency", type=int, default=None, help="default: the final settings' or 200")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--width", type=int, default=96)
    t.add_argument("--rows", type=int, nargs=4, default=(5000, 1000, 2500, 2500))
    t.add_argument("--dropout", type=float, default=0.1)
    t.add_argument("--init-tok2vec", type=Path, default=None, help="pretrained tok2vec weights (spacy pretrain)")
    t.add_argument("--no-pretrain", action="store_true", help="skip the pretraining the final settings ask for")
    t.add_argument("--postprocess", choices=("yes", "no", "abbreviations", "repeats"), default=None)
    t.add_argument("--limit-docs", type=int, default=None)
    t.add_argument("--vectors", type=Path, default=None, help="static vectors (a pipeline from 'vectors')")
    t.add_argument("--no-vectors", action="store_true", help="skip the vectors the final settings ask for")
    t.add_argument("--anatem-mask-model", type=Path, default=None, help="bionlp13cg: add AnatEM train, masked")
    v = sub.add_parser("vectors", help="train floret vectors on the corpora's unlabelled train+dev text")
    v.add_argument("--out", required=True, type=Path)
    v.add_argument("--corpora-dir", type=Path, default=None)
    v.add_argument("--dim", type=int, default=100)
    v.add_argument("--bucket", type=int, default=50000)
    v.add_argument("--epochs", type=int, default=10)
    pt = sub.add_parser("pretrain", help="spacy pretrain the tok2vec on the corpora's train+dev text (+ CRAFT)")
    pt.add_argument("--out", required=True, type=Path)
    pt.add_argument("--max-epochs", type=int, default=5)
    pt.add_argument("--corpora-dir", type=Path, default=None)
    pt.add_argument("--width", type=int, default=96)
    pt.add_argument("--rows", type=int, nargs=4, default=(5000, 1000, 2500, 2500))
    pt.add_argument("--vectors", type=Path, default=None, help="vectors objective with these static vectors")
    e = sub.add_parser("evaluate", help="strict test P/R/F1 of a saved pipeline (JSON on stdout)")
    e.add_argument("model", type=Path)
    e.add_argument("corpus", choices=corpora.CORPORA)
    e.add_argument("--split", default="test", choices=corpora.SPLITS)
    e.add_argument("--corpora-dir", type=Path, default=None)
    e.add_argument(
        "--postprocess",
        choices=("yes", "no", "abbreviations", "repeats"),
        default=None,
        help="default: as the model's meta",
    )
    e.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    choice = getattr(args, "postprocess", None)
    postprocess = {None: None, "yes": True, "no": False}.get(choice, [choice])

    if args.command == "train":
        dest = train_final(
            args.corpus,
            args.out,
            corpora_dir=args.corpora_dir,
            work_dir=args.work_dir,
            train_only=args.train_only,
            include_dev=args.include_dev,
            max_steps=args.max_steps,
            patience=args.patience,
            eval_frequency=args.eval_frequency,
            seed=args.seed,
            width=args.width,
            rows=tuple(args.rows),
            dropout=args.dropout,
            init_tok2vec=args.init_tok2vec,
            pretrain=not args.no_pretrain,
            postprocess=postprocess,
            limit_docs=args.limit_docs,
            vectors=args.vectors,
            use_vectors=not args.no_vectors,
            anatem_mask_model=args.anatem_mask_model,
        )
        print(dest)
        return 0
    if args.command == "vectors":
        print(
            build_vectors(args.out, corpora_dir=args.corpora_dir, dim=args.dim, bucket=args.bucket, epochs=args.epochs)
        )
        return 0
    if args.command == "pretrain":
        weights = pretrain_tok2vec(
            args.out,
            corpora_dir=args.corpora_dir,
            max_epochs=args.max_epochs,
            width=args.width,
            rows=tuple(args.rows),
            vectors=args.vectors,
        )
        print(weights)
        return 0
    result = evaluate_model(
        args.model, args.corpus, corpora_dir=args.corpora_dir, split=args.split, postprocess=postprocess
    )
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
