"""An NER pipeline (as scispaCy's en_ner_* packages are) joins the same nlp as the KB ruler and linker.

The model here is a real spaCy NER component trained for a few steps on two sentences, saved to disk and
loaded by path, exactly as an installed package would be loaded by name.
"""

import random

import numpy
import pytest
import spacy
from spacy.training import Example

from pipeline.documents import Document, detect_sections
from pipeline.nlp import build_nlp, process

TRAIN = [
    ("Rats were treated with zorbicillin before surgery.", [(23, 34, "Chemical")]),
    ("Mice received cisplatin and zorbicillin daily.", [(14, 23, "Chemical"), (28, 39, "Chemical")]),
]


@pytest.fixture(scope="module")
def ner_model(tmp_path_factory):
    random.seed(0)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    ner.add_label("Chemical")
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": e}) for t, e in TRAIN]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(40):
        nlp.update(examples, sgd=optimizer, drop=0.0)
    path = tmp_path_factory.mktemp("model") / "toy_ner"
    nlp.to_disk(path)
    return path


def test_ner_spans_are_linked_or_kept_with_their_label(ner_model):
    nlp = build_nlp(scispacy_models=[str(ner_model)], use_project_models=False)
    assert nlp.pipe_names == [
        "evidence_sentences",
        "abbreviation_detector",
        "ner_toy_ner",
        "collect_toy_ner",
        "evidence_kb_ruler",
        "evidence_linker",
    ]
    text = "Mice received cisplatin and zorbicillin daily."
    _, doc = next(process(nlp, [Document("t", text, sections=detect_sections(text))]))
    found = [(e.text, e.label_, e.kb_id_, e._.evidence_method) for e in doc.ents]
    assert found == [
        ("Mice", "species", "species:mouse", "dictionary"),
        ("cisplatin", "injury_model", "injury_model:cisplatin", "dictionary"),
        # Unknown to the KB: kept with the NER label and no concept id (not dropped, not invented).
        ("zorbicillin", "Chemical", "", "ner:Chemical"),
    ]


def test_no_models_requested_means_none_used():
    assert "ner" not in " ".join(build_nlp(scispacy_models=[], use_project_models=False).pipe_names)


def _vector_model(path, label: str, vectors: dict[str, list[float]]):
    """A toy NER pipeline whose tok2vec concatenates static vectors (as scispaCy's *_md models and the project's
    floret models do)."""
    random.seed(0)
    nlp = spacy.blank("en")
    for word, vector in vectors.items():
        nlp.vocab.set_vector(word, numpy.asarray(vector, dtype="float32"))
    width = 16
    tok2vec = {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": width,
            "attrs": ["NORM", "SHAPE"],
            "rows": [500, 500],
            "include_static_vectors": True,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": width,
            "depth": 1,
            "window_size": 1,
            "maxout_pieces": 2,
        },
    }
    model = {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": 16,
        "maxout_pieces": 2,
        "use_upper": True,
        "tok2vec": tok2vec,
    }
    ner = nlp.add_pipe("ner", config={"model": model})
    ner.add_label(label)
    examples = [
        Example.from_dict(nlp.make_doc(t), {"entities": [(s, e, label) for s, e, _ in ents]}) for t, ents in TRAIN
    ]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(80):
        nlp.update(examples, sgd=optimizer, drop=0.0)
    nlp.to_disk(path)
    return path


def test_models_with_different_static_vectors_each_see_their_own(tmp_path):
    first = _vector_model(
        tmp_path / "vec_a", "Chemical", {"zorbicillin": [1.0, 0.0, 0.0], "cisplatin": [0.0, 1.0, 0.0]}
    )
    second = _vector_model(tmp_path / "vec_b", "Drug", {"zorbicillin": [0.0, 0.0, 5.0], "mice": [2.0, 2.0, 0.0]})
    nlp = build_nlp(scispacy_models=[str(first), str(second)], use_project_models=False)
    # the first vector model lends its table to the pipeline; the second runs in its own vocab
    assert nlp.get_pipe_config("ner_vec_a")["factory"] == "ner"
    assert nlp.get_pipe_config("ner_vec_b")["factory"] == "evidence_foreign_ner"
    assert nlp.vocab["cisplatin"].vector.tolist() == [0.0, 1.0, 0.0]
    text = "Mice received cisplatin and zorbicillin daily. Rats were treated with zorbicillin before surgery."
    _, doc = next(process(nlp, [Document("t", text, sections=detect_sections(text))]))
    combined = sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["ner"])
    alone = sorted(
        (e.start_char, e.end_char, e.label_) for path in (first, second) for e in spacy.load(path)(text).ents
    )
    assert combined == alone
    assert {label for *_, label in combined} == {"Chemical", "Drug"}


def test_cached_floret_vectors_are_the_same_vectors():
    from pipeline.nlp import CachedFloretVectors, cache_floret_vectors
    from pipeline.paths import MODELS_DIR

    nlp = spacy.load(MODELS_DIR / "ner" / "bionlp13cg")
    plain = nlp.vocab.vectors
    assert plain.mode == "floret"
    words = ["cisplatin", "MSCs", "zorbicillinase", "cisplatin", "kidney", "the"]
    keys = [nlp.vocab.strings.add(w.lower()) for w in words]
    expected = plain.get_batch(keys)
    cache_floret_vectors(nlp)
    cached = nlp.vocab.vectors
    assert isinstance(cached, CachedFloretVectors)
    assert numpy.allclose(cached.get_batch(keys), expected)
    assert len(cached._cache) == 5  # distinct words
    assert numpy.allclose(cached.get_batch(list(reversed(keys))), expected[::-1])
    CachedFloretVectors.max_entries, saved = 3, CachedFloretVectors.max_entries
    try:
        cached.get_batch([nlp.vocab.strings.add(w) for w in ("a1", "b2", "c3")])
        assert len(cached._cache) == 3  # full: started again
    finally:
        CachedFloretVectors.max_entries = saved
    text = "Bone marrow MSCs reduced KIM-1 in cisplatin-treated rats."
    fresh = spacy.load(MODELS_DIR / "ner" / "bionlp13cg")
    assert [(e.text, e.label_) for e in nlp(text).ents] == [(e.text, e.label_) for e in fresh(text).ents]
