"""The project's knowledge base: concepts from ``models/kb/``, and the scispaCy linker index built over them.

Concepts (``concepts.jsonl``) carry a canonical name, category, synonyms (matched case-insensitively),
abbreviations (case-sensitive) and a verified ontology id or none. ``compounds.jsonl`` lists surface forms that
name several concepts at once (``BM-MSC`` = bone marrow + MSC); ``compound_parts.json`` lists the parts from
which unlisted compounds (``hUC-MSC-EVs``) are decomposed.

The linker index follows scispaCy's ``create_tfidf_ann_index`` (char 3-gram TF-IDF vectors in an nmslib HNSW
index) but stores float32 vectors, which current scipy requires (the stock builder refuses to run on
scipy >= 1.11; see offline-notes.md). It is cached under ``models/.cache/linker-<kb hash>/`` in the layout that
``scispacy.candidate_generation.LinkerPaths.from_directory`` reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline import paths

CATEGORIES = ("species", "cell_source", "cell_product", "cell_origin", "injury_model", "mediator", "outcome")


@dataclass(frozen=True)
class Concept:
    concept_id: str
    canonical_name: str
    category: str
    synonyms: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    ontology_id: str = ""
    id_source: str = ""
    requires_context: bool = False
    generic: bool = False  # e.g. "nephrotoxicity": dropped beside a specific model of its category
    cell_free: bool = False  # a product made by cells (EVs, conditioned medium): "MSC-EVs" gives EVs, not MSCs
    agent: bool = False  # an injury model given as a substance (cisplatin, glycerol): it can have a route
    broader: tuple[str, ...] = ()  # concept ids of wider conditions: CLP -> sepsis -> acute kidney injury
    # a name split by its details: ("hypoxia", "reoxygenation") in "hypoxia (1% O2) for 24 h followed by reoxygenation"
    split_forms: tuple[tuple[str, str], ...] = ()
    definition: str = ""


@dataclass(frozen=True)
class Compound:
    term: str
    concepts: tuple[str, ...]
    case_sensitive: bool = True
    origin: str = ""


@dataclass
class KnowledgeBase:
    """All concepts, compounds and compound parts, plus the content hash that versions them."""

    concepts: dict[str, Concept]
    compounds: list[Compound]
    parts: dict[str, dict] = field(default_factory=dict)
    content_hash: str = ""
    spellings: tuple[tuple[str, str], ...] = ()  # (British, American) word stems

    def spelling_variants(self, term: str) -> set[str]:
        """``term`` in both spellings of each stem it contains ("tumour necrosis factor" <-> "tumor ...")."""
        forms = {term}
        for stem, other in self._spelling_rules():
            forms |= {stem.sub(other, f) for f in forms}
        return forms

    @lru_cache(maxsize=1)  # noqa: B019 - one KB object per process, cached for its lifetime
    def _spelling_rules(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        """Each stem at the start of a word, compiled once, with the stem of the other spelling."""
        pairs = [p for british, american in self.spellings for p in ((british, american), (american, british))]
        return tuple((re.compile(rf"(?<![a-z]){re.escape(old)}"), new) for old, new in pairs)

    @lru_cache(maxsize=1)  # noqa: B019 - one KB object per process, cached for its lifetime
    def wider(self) -> dict[str, frozenset[str]]:
        """Canonical name -> the canonical names of every wider condition, transitively (``broader``)."""
        by_id = self.concepts
        closure: dict[str, frozenset[str]] = {}
        for concept in by_id.values():
            seen: set[str] = set()
            todo = list(concept.broader)
            while todo:
                cid = todo.pop()
                if cid not in seen:
                    seen.add(cid)
                    todo.extend(by_id[cid].broader)
            if seen:
                closure[concept.canonical_name] = frozenset(by_id[c].canonical_name for c in seen)
        return closure

    def by_category(self, category: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.category == category]

    def canonical_names(self, category: str) -> list[str]:
        return sorted(c.canonical_name for c in self.by_category(category))

    def lookup(self, category: str, value: str) -> Concept | None:
        """Find a concept of ``category`` by canonical name, synonym or abbreviation (for gold tables)."""
        return self._value_index().get((category, value.strip().lower()))

    @lru_cache(maxsize=1)  # noqa: B019 - one KB object per process, cached for its lifetime
    def _value_index(self) -> dict[tuple[str, str], Concept]:
        index: dict[tuple[str, str], Concept] = {}
        for concept in self.concepts.values():
            for form in (*concept.abbreviations, *concept.synonyms, concept.canonical_name):
                index[(concept.category, form.lower())] = concept
        return index

    def __hash__(self) -> int:
        return hash(self.content_hash)


class KnowledgeBaseError(ValueError):
    """The knowledge-base files are missing or malformed (message names the file and line)."""


def load_kb(kb_dir: Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base from ``kb_dir`` (default ``models/kb``)."""
    return _load_kb(str(kb_dir or paths.KB_DIR))


@lru_cache(maxsize=4)
def _load_kb(kb_dir: str) -> KnowledgeBase:
    directory = Path(kb_dir)
    hasher = hashlib.sha256()
    concepts: dict[str, Concept] = {}
    concepts_path = directory / "concepts.jsonl"
    for lineno, record in _read_jsonl(concepts_path, hasher):
        if not isinstance(record, dict):
            raise KnowledgeBaseError(f"{concepts_path}:{lineno}: expected a JSON object")
        try:
            concept = Concept(
                concept_id=record["concept_id"],
                canonical_name=record["canonical_name"],
                category=record["category"],
                synonyms=tuple(record.get("synonyms", ())),
                abbreviations=tuple(record.get("abbreviations", ())),
                ontology_id=record.get("ontology_id", "") or "",
                id_source=record.get("id_source", "") or "",
                requires_context=bool(record.get("requires_context", False)),
                generic=bool(record.get("generic", False)),
                cell_free=bool(record.get("cell_free", False)),
                agent=bool(record.get("agent", False)),
                broader=tuple(record.get("broader", ())),
                split_forms=tuple((str(a), str(b)) for a, b in record.get("split_forms", ())),
                definition=record.get("definition", "") or "",
            )
        except KeyError as exc:
            raise KnowledgeBaseError(f"{concepts_path}:{lineno}: missing field {exc}") from None
        if concept.category not in CATEGORIES:
            raise KnowledgeBaseError(f"{concepts_path}:{lineno}: unknown category '{concept.category}'")
        if concept.concept_id in concepts:
            raise KnowledgeBaseError(f"{concepts_path}:{lineno}: duplicate concept_id '{concept.concept_id}'")
        concepts[concept.concept_id] = concept
    for concept in concepts.values():
        unknown = [c for c in concept.broader if c not in concepts]
        if unknown:
            raise KnowledgeBaseError(
                f"{concepts_path}: '{concept.concept_id}' has unknown broader concept(s) {unknown}"
            )
    compounds: list[Compound] = []
    compounds_path = directory / "compounds.jsonl"
    if compounds_path.exists():
        for lineno, record in _read_jsonl(compounds_path, hasher):
            if not isinstance(record, dict) or not record.get("term") or not record.get("concepts"):
                raise KnowledgeBaseError(f"{compounds_path}:{lineno}: expected an object with 'term' and 'concepts'")
            missing = [c for c in record["concepts"] if c not in concepts]
            if missing:
                raise KnowledgeBaseError(f"{compounds_path}:{lineno}: unknown concept(s) {missing}")
            compounds.append(
                Compound(
                    term=record["term"],
                    concepts=tuple(record["concepts"]),
                    case_sensitive=bool(record.get("case_sensitive", True)),
                    origin=record.get("origin", "") or "",
                )
            )
    parts: dict[str, dict] = {}
    parts_path = directory / "compound_parts.json"
    if parts_path.exists():
        raw = parts_path.read_bytes()
        hasher.update(raw)
        try:
            parts = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise KnowledgeBaseError(f"{parts_path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
        if not isinstance(parts, dict) or not all(isinstance(v, dict) for v in parts.values()):
            raise KnowledgeBaseError(f"{parts_path}: expected an object of part -> {{'concepts': [...]}}")
        for part, entry in parts.items():
            for concept_id in entry.get("concepts", []):
                if concept_id not in concepts:
                    raise KnowledgeBaseError(f"{parts_path}: part '{part}' names unknown concept '{concept_id}'")
    spellings: tuple[tuple[str, str], ...] = ()
    spellings_path = directory / "spellings.json"
    if spellings_path.exists():
        raw = spellings_path.read_bytes()
        hasher.update(raw)
        try:
            pairs = json.loads(raw)["pairs"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise KnowledgeBaseError(f"{spellings_path}: expected an object with 'pairs' ({exc})") from None
        if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) and x for x in p) for p in pairs):
            raise KnowledgeBaseError(f"{spellings_path}: each pair must be [British, American], two non-empty strings")
        spellings = tuple((b.lower(), a.lower()) for b, a in pairs)
    return KnowledgeBase(concepts, compounds, parts, hasher.hexdigest()[:16], spellings)


def _read_jsonl(path: Path, hasher: hashlib._Hash):
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KnowledgeBaseError(f"{path}: knowledge-base file not found") from None
    hasher.update(raw)
    for lineno, line in enumerate(raw.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield lineno, json.loads(line)
        except json.JSONDecodeError as exc:
            raise KnowledgeBaseError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None


# ---------------------------------------------------------------------------------------------- linker


def plural_forms(term: str) -> list[str]:
    """The term and its regular plural (``cell`` -> ``cells``, ``MSC`` -> ``MSCs``, ``patch`` -> ``patches``)."""
    if not term or not term[-1].isalpha() or term[-1] in "sS":
        return [term]
    if term.endswith(("sh", "ch", "x")):
        return [term, term + "es"]
    return [term, term + "s"]


def scispacy_entities(kb: KnowledgeBase):
    """The KB as scispaCy ``Entity`` records (aliases = synonyms + abbreviations)."""
    from scispacy.linking_utils import Entity

    for concept in kb.concepts.values():
        forms = {f for term in (*concept.synonyms, *concept.abbreviations) for f in plural_forms(term)}
        aliases = sorted(forms - {concept.canonical_name})
        yield Entity(
            concept_id=concept.concept_id,
            canonical_name=concept.canonical_name,
            aliases=aliases,
            types=[concept.category],
            definition=concept.definition or None,
        )


#: Bump when the index is built differently, so caches built by older code are not reused.
INDEX_VERSION = "2"


def linker_index_dir(kb: KnowledgeBase) -> Path:
    return paths.CACHE_DIR / f"linker-v{INDEX_VERSION}-{kb.content_hash}"


def build_linker_index(kb: KnowledgeBase, out_dir: Path | None = None) -> Path:
    """Build (or reuse) the TF-IDF + nmslib index for ``kb``; return its directory.

    Written to a temporary folder and renamed into place, so an interrupted build never leaves a half index.
    """
    import joblib
    import nmslib
    import numpy
    import scipy.sparse
    from scispacy.candidate_generation import LinkerPaths
    from scispacy.linking_utils import KnowledgeBase as SciKB
    from sklearn.feature_extraction.text import TfidfVectorizer

    out_dir = out_dir or linker_index_dir(kb)
    if out_dir.is_dir():
        if LinkerPaths.from_directory(out_dir).is_locally_cached():
            return out_dir
        shutil.rmtree(out_dir, ignore_errors=True)  # an incomplete index from an older or broken build
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out_dir.name + ".", dir=out_dir.parent))
    scikb = SciKB(list(scispacy_entities(kb)))
    aliases = sorted(scikb.alias_to_cuis)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), min_df=1, dtype=numpy.float32)
    vectors = vectorizer.fit_transform(aliases)
    keep = numpy.asarray(vectors.sum(axis=1)).reshape(-1) != 0  # nmslib crashes on all-zero rows
    aliases = [a for a, k in zip(aliases, keep, strict=True) if k]
    vectors = vectors[keep]
    target = LinkerPaths.from_directory(tmp)
    joblib.dump(vectorizer, target.tfidf_vectorizer)
    with open(target.concept_aliases_list, "w", encoding="utf-8") as fh:
        json.dump(aliases, fh)
    scipy.sparse.save_npz(target.tfidf_vectors, vectors.astype(numpy.float32))
    index = nmslib.init(method="hnsw", space="cosinesimil_sparse", data_type=nmslib.DataType.SPARSE_VECTOR)
    index.addDataPointBatch(vectors)
    index.createIndex({"M": 30, "efConstruction": 200, "post": 0, "indexThreadQty": 1}, print_progress=False)
    index.saveIndex(target.ann_index)
    try:
        os.replace(tmp, out_dir)
    except OSError:  # another process finished first: keep theirs if it is complete
        shutil.rmtree(tmp, ignore_errors=True)
        if not LinkerPaths.from_directory(out_dir).is_locally_cached():
            raise KnowledgeBaseError(f"{out_dir}: could not write the linker index") from None
    return out_dir


def load_candidate_generator(kb: KnowledgeBase, ef_search: int = 200):
    """scispaCy's stock ``CandidateGenerator`` over the cached index of ``kb`` (built on first use)."""
    from scispacy.candidate_generation import CandidateGenerator, LinkerPaths
    from scispacy.linking_utils import KnowledgeBase as SciKB

    directory = build_linker_index(kb)
    aliases, vectorizer, index = LinkerPaths.from_directory(directory).load(ef_search=ef_search)
    return CandidateGenerator(index, vectorizer, aliases, SciKB(list(scispacy_entities(kb))))
