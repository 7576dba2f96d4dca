"""The project's spaCy components. Importing this package registers their factories."""

from pipeline.components import kb_ruler, linker, ner_postprocess, sentences  # noqa: F401
