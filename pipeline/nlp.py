"""Build the spaCy pipeline from ``models/nlp.cfg`` and run it over documents.

One ``nlp``: scispaCy's tokenizer (extended, :mod:`pipeline.tokenizer`), rule sentence splitting with section
boundaries, scispaCy's ``abbreviation_detector``, the knowledge-base ruler, and scispaCy's ``EntityLinker`` over
the project's KB. When scispaCy NER pipelines (``en_ner_*``, ``en_core_sci_*``) or the project's trained models
are installed, their NER components join the same ``nlp`` before the ruler; nothing requires them.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from pipeline import paths
from pipeline.documents import Document

#: scispaCy pipelines a user may have installed; used when the config says "auto".
KNOWN_SCISPACY_MODELS = (
    "en_ner_bc5cdr_md",
    "en_ner_bionlp13cg_md",
    "en_ner_jnlpba_md",
    "en_ner_craft_md",
    "en_core_sci_sm",
    "en_core_sci_md",
    "en_core_sci_lg",
    "en_core_sci_scibert",
)


# scispaCy's abbreviation detector calls an empty Matcher on documents without definitions (harmless W036).
warnings.filterwarnings("ignore", message=r"\[W036\]", category=UserWarning)


def _register() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import scispacy.abbreviation  # noqa: F401  (registers "abbreviation_detector")

        import pipeline.components  # noqa: F401
        import pipeline.tokenizer  # noqa: F401


def installed_scispacy_models() -> list[str]:
    return [name for name in KNOWN_SCISPACY_MODELS if importlib.util.find_spec(name) is not None]


def project_models(settings: dict) -> list[str]:
    """The project's trained NER pipelines named in the config that exist on disk."""
    found = []
    for name in settings.get("project_models", []):
        path = paths.MODELS_DIR / name
        if (path / "config.cfg").is_file():
            found.append(str(path))
    return found


def build_nlp(
    config_path: Path | None = None,
    scispacy_models: list[str] | str | None = None,
    use_project_models: bool = True,
) -> Language:
    """Build the pipeline.

    ``scispacy_models`` overrides the config's ``[evidence] scispacy_models``; ``use_project_models=False`` leaves
    out the project's trained NER models (the knowledge base alone).
    """
    _register()
    config = spacy.util.load_config(config_path or paths.NLP_CONFIG)
    settings = dict(config.pop("evidence", {}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    wanted = settings.get("scispacy_models", "auto") if scispacy_models is None else scispacy_models
    models = installed_scispacy_models() if wanted == "auto" else list(wanted or [])
    if use_project_models:
        models = project_models(settings) + models
    for model in models:
        add_ner_model(nlp, model)
    return nlp


@Language.component("evidence_collect_ner")
def collect_ner(doc: Doc) -> Doc:
    """Move entities an NER model just set into ``doc.spans["ner"]``, so several models and the ruler compose."""
    group = doc.spans.get("ner") or SpanGroup(doc, name="ner")
    group.extend(list(doc.ents))
    doc.spans["ner"] = group
    doc.ents = []
    return doc


def add_ner_model(nlp: Language, model: str) -> None:
    """Add the NER component of an installed/saved spaCy pipeline (package name or path) before the ruler."""
    source = spacy.load(model, exclude=["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"])
    if "ner" not in source.pipe_names:
        raise ValueError(f"{model}: the pipeline has no 'ner' component")
    ner_config = source.get_pipe_config("ner")
    if "tok2vec" in source.pipe_names and "listener" in str(ner_config.get("model", {}).get("tok2vec", {})).lower():
        source.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    name = f"ner_{Path(model).name}"
    nlp.add_pipe("ner", name=name, source=source, before="evidence_kb_ruler")
    nlp.add_pipe("evidence_collect_ner", name=f"collect_{Path(model).name}", after=name)
    rules = source.meta.get("evidence", {}).get("postprocess")
    if rules:
        # The rules the model's test figures include (abbreviation types, repeats) run right after its NER.
        from pipeline.components.ner_postprocess import RULES

        nlp.add_pipe(
            "evidence_ner_postprocess",
            name=f"postprocess_{Path(model).name}",
            after=name,
            config={"rules": list(RULES) if rules is True else list(rules)},
        )


def make_docs(nlp: Language, documents: Iterable[Document]) -> Iterator[Doc]:
    """Tokenize each document and attach its sections for the sentence splitter."""
    for document in documents:
        doc = nlp.make_doc(document.text)
        doc.user_data["sections"] = [(s.start, s.end, s.name, s.kind) for s in document.sections]
        yield doc


def process(nlp: Language, documents: list[Document], batch_size: int = 64) -> Iterator[tuple[Document, Doc]]:
    """Run the pipeline over documents, yielding each document with its annotated Doc, in order."""
    docs = nlp.pipe(make_docs(nlp, documents), batch_size=batch_size)
    yield from zip(documents, docs, strict=True)
