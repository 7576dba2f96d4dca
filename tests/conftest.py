"""Shared fixtures: one real pipeline per test session (building it loads the KB and linker index)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import spacy

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def nlp():
    from pipeline.extract import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def kb_nlp():
    """The pipeline without the trained NER models: the knowledge-base components alone."""
    from pipeline.extract import get_nlp

    return get_nlp(use_models=False)


@pytest.fixture(scope="session")
def kb():
    from pipeline.kb import load_kb

    return load_kb()


@pytest.fixture(scope="session")
def splitter_nlp():
    """Tokenizer + sentence splitter only (no KB), for segmentation tests."""
    from pipeline.nlp import _register
    from pipeline.tokenizer import build_tokenizer

    _register()
    nlp = spacy.blank("en")
    nlp.tokenizer = build_tokenizer(nlp)
    nlp.add_pipe("evidence_sentences")
    return nlp


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
