"""An NER pipeline (as scispaCy's en_ner_* packages are) joins the same nlp as the KB ruler and linker.

The model here is a real spaCy NER component trained for a few steps on two sentences, saved to disk and
loaded by path, exactly as an installed package would be loaded by name.
"""

import random

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
