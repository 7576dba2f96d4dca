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
from contextlib import contextmanager
from pathlib import Path

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.vectors import Vectors

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


def ner_models(
    settings: dict | None = None, scispacy_models: list[str] | str | None = None, use_project_models: bool = True
) -> list[str]:
    """The NER pipelines :func:`build_nlp` adds (paths of the project's models, names of installed scispaCy
    pipelines), known without loading any of them. ``settings``: the config's ``[evidence]`` section."""
    if settings is None:
        settings = dict(spacy.util.load_config(paths.NLP_CONFIG).get("evidence", {}))
    wanted = settings.get("scispacy_models", "auto") if scispacy_models is None else scispacy_models
    models = installed_scispacy_models() if wanted == "auto" else list(wanted or [])
    return (project_models(settings) if use_project_models else []) + models


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
    for model in ner_models(settings, scispacy_models, use_project_models):
        add_ner_model(nlp, model)
    cache_floret_vectors(nlp)
    return nlp


@Language.component("evidence_collect_ner")
def collect_ner(doc: Doc) -> Doc:
    """Move entities an NER model just set into ``doc.spans["ner"]``, so several models and the ruler compose."""
    group = doc.spans.get("ner") or SpanGroup(doc, name="ner")
    group.extend(list(doc.ents))
    doc.spans["ner"] = group
    doc.ents = []
    return doc


def _detector_runs_before(nlp: Language, name: str) -> bool:
    """True when a scispaCy abbreviation_detector that keeps Span long forms runs before component ``name``."""
    names = nlp.pipe_names
    for other in names[: names.index(name)]:
        if nlp.get_pipe_config(other).get("factory") == "abbreviation_detector":
            return not nlp.get_pipe_config(other).get("make_serializable", False)
    return False


_NER_EXCLUDE = ["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"]


def _load_ner_source(model: str) -> Language:
    source = spacy.load(model, exclude=_NER_EXCLUDE)
    if "ner" not in source.pipe_names:
        raise ValueError(f"{model}: the pipeline has no 'ner' component")
    ner_config = source.get_pipe_config("ner")
    if "tok2vec" in source.pipe_names and "listener" in str(ner_config.get("model", {}).get("tok2vec", {})).lower():
        source.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    return source


def _has_vectors(nlp: Language) -> bool:
    return nlp.vocab.vectors.shape[0] > 0


def _same_vectors(a: Language, b: Language) -> bool:
    va, vb = a.vocab.vectors, b.vocab.vectors
    return (
        va.shape == vb.shape
        and va.mode == vb.mode
        and va.to_bytes(exclude=["strings"]) == vb.to_bytes(exclude=["strings"])
    )


class ForeignNER:
    """Runs the NER of a pipeline whose static vectors differ from the main pipeline's, in its own vocab.

    A sourced component reads static vectors from the vocab of the Doc it is given, so a model trained with other
    vectors than the first vector model in ``nlp`` (e.g. an installed scispaCy ``*_md`` package beside the
    project's floret models) would see the wrong table. Its tokens are copied into a Doc of the model's own vocab
    (same tokenization), the model runs there, and the entities come back by token index.
    """

    def __init__(self, model: str):
        self.source = _load_ner_source(model)
        self.pipes = [(name, proc) for name, proc in self.source.pipeline if name in ("tok2vec", "ner")]

    def _copy(self, doc: Doc) -> Doc:
        return Doc(self.source.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for batch in spacy.util.minibatch(docs, batch_size):
            copies: Iterable[Doc] = [self._copy(doc) for doc in batch]
            for _name, proc in self.pipes:
                copies = list(proc.pipe(copies, batch_size=batch_size))
            for doc, copy in zip(batch, copies, strict=True):
                doc.ents = [Span(doc, e.start, e.end, label=e.label_) for e in copy.ents]
                yield doc

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    @contextmanager
    def memory_zone(self, mem=None) -> Iterator[None]:
        """Joins the main pipeline's ``memory_zone``: strings the model's own vocab learns are freed too."""
        with self.source.memory_zone():
            yield


@Language.factory("evidence_foreign_ner", default_config={"model": ""})
def make_foreign_ner(nlp: Language, name: str, model: str) -> ForeignNER:
    return ForeignNER(model)


class CachedFloretVectors(Vectors):
    """Floret vectors that remember each key's vector.

    spaCy's floret ``get_batch`` hashes every character n-gram of every distinct word of every batch, in Python;
    words repeat across batches, so a cache of the finished vectors (the table never changes at inference) makes
    the vector lookup of a model several times cheaper. Same vectors, same predictions. The cache holds at most
    ``max_entries`` words (then starts again).
    """

    max_entries = 200_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cache: dict[int, numpy.ndarray] = {}

    def get_batch(self, keys):
        keys = list(keys)
        if not keys:
            return Vectors.get_batch(self, keys)
        cache = self._cache
        missing = [key for key in dict.fromkeys(keys) if key not in cache]
        if missing:
            if len(cache) + len(missing) > self.max_entries:
                cache.clear()
            for key, vector in zip(missing, Vectors.get_batch(self, missing), strict=True):
                cache[key] = vector
        return numpy.ascontiguousarray(numpy.stack([cache[key] for key in keys]))


def cache_floret_vectors(nlp: Language) -> None:
    """Give ``nlp`` a :class:`CachedFloretVectors` copy of its floret table (no change for other tables)."""
    vectors = nlp.vocab.vectors
    if isinstance(vectors, CachedFloretVectors) or vectors.mode != "floret":
        return
    cached = CachedFloretVectors(strings=nlp.vocab.strings)
    cached.from_bytes(vectors.to_bytes())
    nlp.vocab.vectors = cached


def add_ner_model(nlp: Language, model: str) -> None:
    """Add the NER component of an installed/saved spaCy pipeline (package name or path) before the ruler.

    The first model with static vectors lends them to ``nlp`` (its vocab); a model whose vectors differ from those
    runs in its own vocab (:class:`ForeignNER`).
    """
    source = _load_ner_source(model)
    name = f"ner_{Path(model).name}"
    if _has_vectors(source) and not _has_vectors(nlp):
        nlp.vocab.vectors = source.vocab.vectors
    if _has_vectors(source) and not _same_vectors(nlp, source):
        nlp.add_pipe("evidence_foreign_ner", name=name, config={"model": model}, before="evidence_kb_ruler")
    else:
        with warnings.catch_warnings():
            # W113 (source vectors differ): a model without static vectors does not read them
            warnings.filterwarnings("ignore", message=r"\[W113\]")
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
            config={
                "rules": list(RULES) if rules is True else list(rules),
                "reuse_abbreviations": _detector_runs_before(nlp, name),
            },
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
