"""Readers for the NER corpora in ``../shared/corpora``, read in place (plain files, gzip and tar archives).

Every standoff reader returns :class:`CorpusDoc` records: ``(doc_id, text, spans)`` where ``spans`` is a list of
``(start, end, label)`` character offsets into ``text`` exactly as the corpus gives them. The IOB reader returns
sentences of ``(token, tag)`` pairs. The corpora root is :data:`pipeline.paths.SHARED_CORPORA` (environment
variable ``EVIDENCE_CORPORA``) unless a ``corpora_dir`` is passed; a missing folder or file raises
:class:`CorpusNotFoundError` naming the path.

Splits: ``train``, ``dev`` and ``test`` for every corpus. BC5CDR and BioNLP13CG have their own development sets;
JNLPBA's ``dev`` is the 200 training abstracts listed in ``jnlpba/mtl_devel_doc_ids.txt`` (MTL's and scispaCy's
development set) and its ``train`` is the other 1,800.
"""

from __future__ import annotations

import gzip
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from pipeline import paths

CORPORA = ("bc5cdr", "bionlp13cg", "jnlpba")
SPLITS = ("train", "dev", "test")

#: The entity labels of scispaCy's en_ner_* models, per corpus.
LABELS: dict[str, tuple[str, ...]] = {
    "bc5cdr": ("Chemical", "Disease"),
    "bionlp13cg": (
        "Amino_acid",
        "Anatomical_system",
        "Cancer",
        "Cell",
        "Cellular_component",
        "Developing_anatomical_structure",
        "Gene_or_gene_product",
        "Immaterial_anatomical_entity",
        "Multi-tissue_structure",
        "Organ",
        "Organism",
        "Organism_subdivision",
        "Organism_substance",
        "Pathological_formation",
        "Simple_chemical",
        "Tissue",
    ),
    "jnlpba": ("DNA", "RNA", "cell_line", "cell_type", "protein"),
}

_BC5CDR_FILES = {
    "train": "CDR_TrainingSet.PubTator.txt",
    "dev": "CDR_DevelopmentSet.PubTator.txt",
    "test": "CDR_TestSet.PubTator.txt",
}
_BIONLP_DIRS = {"train": "train", "dev": "devel", "test": "test"}
_IOB_FILES = {
    "bc5cdr": {"train": "iob/train.tsv.gz", "dev": "iob/devel.tsv.gz", "test": "iob/test.tsv.gz"},
    "bionlp13cg": {"train": "iob/train.tsv.gz", "dev": "iob/devel.tsv.gz", "test": "iob/test.tsv.gz"},
    "jnlpba": {"dev": "iob/mtl_devel.tsv.gz", "test": "iob/Genia4EReval2.iob2.gz"},
}


class CorpusNotFoundError(FileNotFoundError):
    """A corpus folder or file is missing; the message names the path that was looked for."""

    def __init__(self, path: Path, what: str = "corpus file"):
        self.path = Path(path)
        super().__init__(
            f"{what} not found: {self.path} (set EVIDENCE_CORPORA or pass corpora_dir to point at the corpora folder)"
        )


class CorpusDoc(NamedTuple):
    doc_id: str
    text: str
    spans: list[tuple[int, int, str]]


def corpora_root(corpora_dir: str | Path | None = None) -> Path:
    root = Path(corpora_dir) if corpora_dir is not None else paths.SHARED_CORPORA
    if not root.is_dir():
        raise CorpusNotFoundError(root, "corpora folder")
    return root


def _existing(path: Path) -> Path:
    if not path.exists():
        raise CorpusNotFoundError(path)
    return path


def _check(corpus: str, split: str) -> None:
    if corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}; expected one of {CORPORA}")
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")


# --- BC5CDR (PubTator) -------------------------------------------------------------------------------------------


def read_pubtator(path: Path) -> list[CorpusDoc]:
    """PubTator documents; the text is ``title + " " + abstract`` (what the offsets refer to)."""
    docs: list[CorpusDoc] = []
    title = abstract = None
    pmid = None
    spans: list[tuple[int, int, str]] = []

    def flush() -> None:
        if pmid is not None:
            text = f"{title} {abstract}"
            for start, end, _label in spans:
                if not 0 <= start < end <= len(text):
                    raise ValueError(f"{path}: offsets {start}-{end} outside document {pmid}")
            docs.append(CorpusDoc(pmid, text, spans))

    with _existing(path).open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line:
                flush()
                pmid, title, abstract, spans = None, None, None, []
                continue
            if "|t|" in line[:20]:
                pmid, title = line.split("|t|", 1)
            elif "|a|" in line[:20]:
                abstract = line.split("|a|", 1)[1]
            else:
                fields = line.split("\t")
                if len(fields) >= 5 and fields[1] != "CID":
                    spans.append((int(fields[1]), int(fields[2]), fields[4]))
    flush()
    return docs


def read_bc5cdr(split: str, corpora_dir: str | Path | None = None) -> list[CorpusDoc]:
    _check("bc5cdr", split)
    return read_pubtator(corpora_root(corpora_dir) / "bc5cdr" / _BC5CDR_FILES[split])


# --- BioNLP13CG and JNLPBA (brat standoff in tar.gz) ------------------------------------------------------------


def _standoff_from_tar(archive: Path, folder: str, ann_suffix: str) -> list[CorpusDoc]:
    """Documents ``<folder>/<id>.txt`` with entities (``T`` lines) from ``<folder>/<id><ann_suffix>``."""
    texts: dict[str, str] = {}
    anns: dict[str, str] = {}
    with tarfile.open(_existing(archive), "r:gz") as tar:
        for member in tar:
            if not member.isfile():
                continue
            parent, _, name = member.name.rpartition("/")
            if not parent.endswith("/" + folder):
                continue
            if name.endswith(".txt"):
                texts[name[:-4]] = tar.extractfile(member).read().decode("utf-8")
            elif name.endswith(ann_suffix):
                anns[name[: -len(ann_suffix)]] = tar.extractfile(member).read().decode("utf-8")
    if not texts:
        raise CorpusNotFoundError(archive / folder, "split folder in archive")
    docs = []
    for doc_id in sorted(texts):
        text = texts[doc_id]
        spans = []
        for line in anns.get(doc_id, "").splitlines():
            if not line.startswith("T"):
                continue
            _tid, info, mention = line.split("\t")
            label, offsets = info.split(" ", 1)
            start, end = (int(x) for x in offsets.split(" "))  # no discontinuous spans in these corpora
            if text[start:end] != mention:
                raise ValueError(f"{archive}:{doc_id}: span {start}-{end} is {text[start:end]!r}, not {mention!r}")
            spans.append((start, end, label))
        docs.append(CorpusDoc(doc_id, text, sorted(spans)))
    return docs


def read_bionlp13cg(split: str, corpora_dir: str | Path | None = None) -> list[CorpusDoc]:
    """BioNLP-ST 2013 CG physical entities (``.a1``); the 16 types are scispaCy's labels unchanged."""
    _check("bionlp13cg", split)
    archive = corpora_root(corpora_dir) / "bionlp13cg" / "bionlp13cg_standoff.tar.gz"
    docs = _standoff_from_tar(archive, _BIONLP_DIRS[split], ".a1")
    unknown = {label for doc in docs for _, _, label in doc.spans} - set(LABELS["bionlp13cg"])
    if unknown:
        raise ValueError(f"unexpected BioNLP13CG entity types: {sorted(unknown)}")
    return docs


def jnlpba_dev_ids(corpora_dir: str | Path | None = None) -> list[str]:
    path = _existing(corpora_root(corpora_dir) / "jnlpba" / "mtl_devel_doc_ids.txt")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_jnlpba(split: str, corpora_dir: str | Path | None = None) -> list[CorpusDoc]:
    """JNLPBA standoff; ``dev`` = the 200 MTL development abstracts, ``train`` = the other 1,800 training ones."""
    _check("jnlpba", split)
    archive = corpora_root(corpora_dir) / "jnlpba" / "jnlpba_standoff.tar.gz"
    if split == "test":
        return _standoff_from_tar(archive, "test", ".ann")
    docs = _standoff_from_tar(archive, "train", ".ann")
    dev_ids = jnlpba_dev_ids(corpora_dir)
    by_id = {doc.doc_id: doc for doc in docs}
    missing = [d for d in dev_ids if d not in by_id]
    if missing:
        raise ValueError(f"JNLPBA dev ids not in the training archive: {missing[:5]}")
    if split == "dev":
        return [by_id[d] for d in dev_ids]
    held_out = set(dev_ids)
    return [doc for doc in docs if doc.doc_id not in held_out]


#: AnatEM's 12 types are BioNLP13CG's anatomical types (same group, same guidelines).
ANATOMY_TYPES = (
    "Anatomical_system",
    "Cancer",
    "Cell",
    "Cellular_component",
    "Developing_anatomical_structure",
    "Immaterial_anatomical_entity",
    "Multi-tissue_structure",
    "Organ",
    "Organism_subdivision",
    "Organism_substance",
    "Pathological_formation",
    "Tissue",
)


def read_anatem(split: str, corpora_dir: str | Path | None = None) -> list[CorpusDoc]:
    """AnatEM standoff (``train``, ``dev`` = devel, ``test``): anatomical entities only."""
    _check("bionlp13cg", split)
    archive = corpora_root(corpora_dir) / "anatem" / "anatem_standoff.tar.gz"
    docs = _standoff_from_tar(archive, _BIONLP_DIRS[split], ".ann")
    unknown = {label for doc in docs for _, _, label in doc.spans} - set(ANATOMY_TYPES)
    if unknown:
        raise ValueError(f"unexpected AnatEM entity types: {sorted(unknown)}")
    return docs


READERS = {"bc5cdr": read_bc5cdr, "bionlp13cg": read_bionlp13cg, "jnlpba": read_jnlpba}


def read_corpus(corpus: str, split: str, corpora_dir: str | Path | None = None) -> list[CorpusDoc]:
    _check(corpus, split)
    return READERS[corpus](split, corpora_dir)


# --- IOB ----------------------------------------------------------------------------------------------------------


def read_iob(path: str | Path) -> list[list[tuple[str, str]]]:
    """Sentences of ``(token, tag)`` from a ``token<TAB>tag`` file (gzip if it ends in .gz).

    Blank lines end sentences; ``-DOCSTART-`` and ``###MEDLINE:`` document markers are skipped. Extra columns
    between token and tag are ignored (the tag is the last column).
    """
    path = _existing(Path(path))
    opener = gzip.open if path.suffix == ".gz" else open
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("###MEDLINE:") or line.startswith("-DOCSTART-"):
                if current:
                    sentences.append(current)
                    current = []
                continue
            fields = line.split("\t")
            if len(fields) < 2:
                raise ValueError(f"{path}: malformed IOB line {line!r}")
            current.append((fields[0], fields[-1]))
    if current:
        sentences.append(current)
    return sentences


def iob_path(corpus: str, split: str, corpora_dir: str | Path | None = None) -> Path:
    _check(corpus, split)
    name = _IOB_FILES[corpus].get(split)
    if name is None:
        raise ValueError(f"{corpus} has no IOB file for split {split!r}")
    return _existing(corpora_root(corpora_dir) / corpus / name)


def iob_entities(sentence: list[tuple[str, str]]) -> Iterator[tuple[int, int, str]]:
    """Token-index spans ``(start, end, label)`` of an IOB/IOB2 sentence (an ``I-`` after ``O`` starts one)."""
    start, label = None, None
    for i, (_tok, tag) in enumerate([*sentence, ("", "O")]):
        prefix, _, typ = tag.partition("-")
        if start is not None and (prefix != "I" or typ != label):
            yield start, i, label
            start, label = None, None
        if prefix == "B" or (prefix == "I" and start is None):
            start, label = i, typ


def read_craft_paragraphs(corpora_dir: str | Path | None = None, min_chars: int = 200) -> list[str]:
    """Paragraphs (lines of at least ``min_chars``) of the 97 CRAFT full-text articles: unlabelled text only."""
    archive = _existing(corpora_root(corpora_dir) / "craft" / "craft_articles_txt.tar.gz")
    paragraphs = []
    with tarfile.open(archive, "r:gz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if member.isfile() and member.name.endswith(".txt"):
                text = tar.extractfile(member).read().decode("utf-8")
                paragraphs.extend(line.strip() for line in text.splitlines() if len(line.strip()) >= min_chars)
    return paragraphs


# --- unlabelled text (for static vectors) -------------------------------------------------------------------------


def _texts_from_tar(archive: Path, folders: tuple[str, ...]) -> list[str]:
    """The ``.txt`` files of the named split folders of a standoff archive (annotations not read)."""
    texts = []
    with tarfile.open(_existing(archive), "r:gz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            parent, _, name = member.name.rpartition("/")
            if member.isfile() and name.endswith(".txt") and parent.rsplit("/", 1)[-1] in folders:
                texts.append(tar.extractfile(member).read().decode("utf-8"))
    return texts


def read_extra_texts(corpora_dir: str | Path | None = None) -> dict[str, list[str]]:
    """Train and development text of the corpora that have no model here (BioRED, NCBI-disease, AnatEM), plus
    CRAFT's article paragraphs: unlabelled text only, keyed by corpus. Missing corpora are skipped."""
    root = corpora_root(corpora_dir)
    sources: dict[str, list[str]] = {}
    pubtator = {
        "biored": ("biored/Train.PubTator", "biored/Dev.PubTator"),
        "ncbi_disease": ("ncbi_disease/NCBItrainset_corpus.txt", "ncbi_disease/NCBIdevelopset_corpus.txt"),
    }
    for name, files in pubtator.items():
        if all((root / f).exists() for f in files):
            sources[name] = [_pubtator_text(root / f) for f in files]
            sources[name] = [text for texts in sources[name] for text in texts]
    if (root / "anatem" / "anatem_standoff.tar.gz").exists():
        sources["anatem"] = _texts_from_tar(root / "anatem" / "anatem_standoff.tar.gz", ("train", "devel"))
    if (root / "craft" / "craft_articles_txt.tar.gz").exists():
        sources["craft"] = read_craft_paragraphs(corpora_dir)
    return sources


def _pubtator_text(path: Path) -> list[str]:
    """Title + abstract of each PubTator document (annotation lines skipped; NCBI-disease puts them in too)."""
    texts: list[str] = []
    title = None
    with _existing(path).open(encoding="utf-8") as handle:
        for line in handle:
            head = line[:20]
            if "|t|" in head:
                title = line.rstrip("\n").split("|t|", 1)[1]
            elif "|a|" in head:
                texts.append(f"{title} {line.rstrip(chr(10)).split('|a|', 1)[1]}")
    return texts
