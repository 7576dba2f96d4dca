"""Where the project's data lives. Everything else asks this module, so a user can relocate it."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = Path(os.environ.get("EVIDENCE_MODELS_DIR", REPO_ROOT / "models"))
KB_DIR = MODELS_DIR / "kb"
CUES_DIR = MODELS_DIR / "cues"
NLP_CONFIG = MODELS_DIR / "nlp.cfg"
# Built artefacts (linker index) are cached by content hash, outside version control.
CACHE_DIR = Path(os.environ.get("EVIDENCE_CACHE_DIR", MODELS_DIR / ".cache"))
CORPUS_DIR = REPO_ROOT / "corpus"
OUTPUTS_DIR = REPO_ROOT / "outputs"
SHARED_CORPORA = Path(os.environ.get("EVIDENCE_CORPORA", REPO_ROOT.parent / "shared" / "corpora"))
