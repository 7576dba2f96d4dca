"""Documents: the record every reader produces, reader dispatch, and section detection for plain text.

A :class:`Document` keeps the original text untouched (offsets in every output refer to it) plus a list of
:class:`Section` spans and its metadata. Reading never raises for one bad file: :func:`read_documents` returns the
documents it could read and a :class:`InputFailure` per file (or record) it could not, each naming the file and
the problem. The publication formats (PubMed XML, JATS, BioC, PubTator, gzip) are read by
:mod:`pipeline.readers`, which recognizes them by content.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.references import find_reference_list

#: Plain-text extensions (a .txt file may also hold PubTator or XML: the content decides).
TEXT_SUFFIXES = (".txt", ".text", ".md")
#: Extensions picked up when walking a folder. An explicitly named file of another type is an error.
INPUT_SUFFIXES = (*TEXT_SUFFIXES, ".xml", ".nxml", ".json", ".pubtator", ".gz")
DEFAULT_MAX_BYTES = 10_000_000
#: Document metadata every reader fills when the format gives it (strings; '' or absent when unknown).
METADATA_KEYS = ("pmid", "pmcid", "doi", "title", "journal", "year", "authors")


@dataclass(frozen=True)
class Section:
    """A character span of the document: ``kind`` is ``content``, ``heading`` or ``front_matter``."""

    name: str
    start: int
    end: int
    kind: str = "content"


@dataclass
class Document:
    """One input document: original text, sections, and metadata.

    ``metadata`` holds the :data:`METADATA_KEYS` the format gives (``authors`` ``;``-joined as ``Surname
    Initials``), ``format`` (the reader used) and, for pre-annotated formats (PubTator, BioC), ``annotations``:
    a list of ``{"start", "end", "text", "type", "id"}`` with offsets into :attr:`text`.
    """

    doc_id: str
    text: str
    source: str = ""
    sections: list[Section] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class InputFailure:
    """A file that could not be used, and why. ``path`` is always the file as the user named it."""

    path: str
    problem: str
    doc_id: str = ""

    def message(self) -> str:
        return f"{self.path}: {self.problem}"


class InputError(ValueError):
    """Raised by a reader for a file it cannot read; carries a message fit for the user."""


# ---------------------------------------------------------------------------------------------- discovery


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield files named directly, and document files under folders (sorted, recursive; symbolic links to folders
    are not followed, so a link loop is harmless). A symbolic link with a document name that leads nowhere (broken,
    or a loop of links) is yielded too, so reading it reports the problem instead of skipping it silently."""
    for path in paths:
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _walk(folder: Path) -> Iterator[Path]:
    """Input files under ``folder``, depth first, each folder's entries in name order, listed one folder at a
    time (memory does not grow with the number of files). Hidden entries are skipped; links to folders are not
    followed (no loops)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif is_input_name(entry.name) and _file_or_broken_link(entry):
            yield Path(entry.path)


def _file_or_broken_link(entry: os.DirEntry) -> bool:
    """A file, or a link that does not lead to a folder (a dangling link, a loop: reading it names the problem)."""
    try:
        return entry.is_file() or (entry.is_symlink() and not entry.is_dir())
    except OSError:  # a loop of links
        return True


def is_input_name(name: str) -> bool:
    """A document file by its name: an input suffix; ``.gz`` only around one (or none): ``x.xml.gz``, not
    ``x.tar.gz``."""
    suffix = Path(name).suffix.lower()
    if suffix == ".gz":
        inner = Path(name[:-3]).suffix.lower()
        return not inner or inner in INPUT_SUFFIXES and inner != ".gz"
    return suffix in INPUT_SUFFIXES


# ---------------------------------------------------------------------------------------------- reading


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, refusing a missing, unreadable, too large or empty file (with a message saying why).

    Never reads more than ``max_bytes + 1`` bytes (a file that grows after its size was checked is still refused);
    a pipe or device is refused before it is opened (reading it could block or never end).
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file (a folder, pipe or device)")
        if info.st_size > max_bytes:
            raise InputError(
                f"file too large: {info.st_size / 1e6:.1f} MB exceeds the limit of {max_bytes / 1e6:.1f} MB"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        if path.is_symlink():
            raise InputError("broken symbolic link: its target does not exist") from None
        raise InputError("file not found (it may have been removed during the run)") from None
    except OSError as exc:  # permission denied, a symbolic link loop, ...
        raise InputError(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(f"file too large: it grew past the limit of {max_bytes / 1e6:.1f} MB while being read")
    if not data.strip():
        raise InputError("empty document (no text)")
    return data


#: Byte-order marks, longest first (a UTF-32 LE mark starts like a UTF-16 LE one).
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_text(data: bytes) -> str:
    """Decode a text document: UTF-8, or UTF-8/16/32 with a byte-order mark; refuse binary data.

    Bytes that start like a byte-order mark but do not decode in its encoding are judged as if it were absent
    (binary data may start with ``FF FE``).
    """
    text = None
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                pass
            break
    if text is None:
        if b"\x00" in data:  # anywhere: a NUL byte is never text (the same file is refused wherever it is)
            raise InputError("binary file (contains NUL bytes), not a UTF-8 text document")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"invalid UTF-8 at byte {exc.start} (0x{data[exc.start]:02x}); save the file as UTF-8"
            ) from None
    if not text.strip():
        raise InputError("empty document (no text)")
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(10, len(text[:20000]) // 100):
        raise InputError("binary file (mostly control characters), not a text document")
    return text


def read_text_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a text file (UTF-8, or with a byte-order mark), refusing what is not a text document."""
    return decode_text(read_bytes(path, max_bytes))


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """All documents of one file, its format recognized by content (see :mod:`pipeline.readers`)."""
    from pipeline import readers  # readers build on this module's records

    return readers.read_path(path, max_bytes)


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a file that holds one document (a text file: doc_id = file stem)."""
    documents = read_file(path, max_bytes)
    if len(documents) != 1:
        raise InputError(f"{len(documents)} documents in one file; read it with read_documents")
    return documents[0]


@dataclass(frozen=True)
class SkippedFile:
    """A file left unread because the caller already has its documents (``known``, see :func:`iter_documents`):
    ``documents`` holds ``(doc_id, content_hash)`` of each."""

    path: str
    documents: list[tuple[str, str]]


def iter_documents(
    paths: Iterable[Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    known: Callable[[Path], list[tuple[str, str]] | None] | None = None,
    on_file: Callable[[Path, os.stat_result, list[Document], bool], None] | None = None,
) -> Iterator[Document | InputFailure | SkippedFile]:
    """Read every input lazily, one file at a time: memory holds one file's documents, however many files.

    Yields each :class:`Document`, an :class:`InputFailure` for each bad file or record (never an exception), and
    a :class:`SkippedFile` for each file ``known(path)`` vouches for (an unchanged file whose results the caller
    has). One file may hold several documents (a PubMed set, a BioC collection, a PubTator file). A doc id seen
    before (in a read or a skipped file) is a failure of the later file. ``on_file(path, stat, documents,
    complete)`` is called after each file is read, with its state before reading and whether every record of it
    was usable.
    """
    seen: dict[str, str] = {}

    def duplicate(doc_id: str, path: Path) -> InputFailure | None:
        if doc_id in seen:
            return InputFailure(str(path), f"duplicate doc id '{doc_id}' (already read from {seen[doc_id]})", doc_id)
        seen[doc_id] = str(path)
        return None

    # A folder is listed before its files are read: a file removed after that is a failure, not silently skipped.
    for path in iter_input_files(Path(p) for p in paths):
        if known is not None and (held := known(path)) is not None:
            if not any(doc_id in seen for doc_id, _ in held):
                for doc_id, _ in held:
                    seen[doc_id] = str(path)
                yield SkippedFile(str(path), held)
                continue
        try:
            info: os.stat_result | None = os.stat(path)
        except OSError:
            info = None  # reading it says what is wrong
        try:
            docs = read_file(path, max_bytes)
        except InputError as exc:
            yield InputFailure(str(path), str(exc), path.stem)
            continue
        except Exception as exc:  # a reader bug must cost one file, not the run
            problem = f"unexpected error while reading (a bug in the reader): {type(exc).__name__}: {exc}"
            yield InputFailure(str(path), problem, path.stem)
            continue
        good: list[Document] = []
        bad: list[InputFailure] = []
        for doc in docs:
            if not doc.text.strip():
                bad.append(InputFailure(str(path), f"document '{doc.doc_id}' has no text", doc.doc_id))
            elif (failure := duplicate(doc.doc_id, path)) is not None:
                bad.append(failure)
            else:
                good.append(doc)
        if on_file is not None and info is not None:
            on_file(path, info, good, not bad)
        yield from bad
        yield from good


def read_documents(
    paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[Document], list[InputFailure]]:
    """Every document of the inputs and a :class:`InputFailure` per file (or record) that could not be used (see
    :func:`iter_documents`, which reads them one file at a time)."""
    documents: list[Document] = []
    failures: list[InputFailure] = []
    for item in iter_documents(paths, max_bytes):
        (documents if isinstance(item, Document) else failures).append(item)  # type: ignore[arg-type]
    return documents, failures


# ---------------------------------------------------------------------------------------------- sections

_LABELS = (
    "abstract|background|introduction|objectives?|aims?|purpose|rationale|methods?|materials and methods|"
    "design|setting|patients|participants|interventions?|measurements|main outcome measures?|results?|"
    "findings|discussion|conclusions?|interpretation|significance|core tip|summary|highlights|limitations"
)
_LABEL_RE = re.compile(rf"^[ \t]*({_LABELS})[ \t]*[:.][ \t]*", re.IGNORECASE)
# A label alone on its line, with no colon: "Results\n...".
_BARE_LABEL_RE = re.compile(rf"^[ \t]*((?i:{_LABELS}))[ \t]*(?:\n|$)", re.MULTILINE)
# A label inside a paragraph, after a sentence end ("... was induced. Results: ..."); must be capitalised.
_INLINE_LABEL_RE = re.compile(rf"(?:^|(?<=[.!?])[ \t]+)((?i:{_LABELS}))[ \t]*:[ \t]*", re.MULTILINE)
# An upper-case heading on its own line, or glued to the first sentence ("STEM CELLSMesenchymal stem cells").
# The glued word must be a word ("Mesenchymal"), not the end of an abbreviation ("CXCR4-MSCs" is no heading).
_HEADING_RE = re.compile(r"^[ \t]*([A-Z][A-Z0-9 ,;'’&()/\-]{3,}?[A-Z0-9)])(?=[A-Z][a-z]{2,}|[ \t]*$)", re.MULTILINE)
# A run of author names "Surname I, Surname I, ... Surname I." (Vancouver style).
_NAME = r"[A-Z][A-Za-z'’\-]+(?: [A-Z][A-Za-z'’\-]+)? [A-Z]{1,3}"
_AUTHORS_RE = re.compile(rf"(?<![A-Za-z])(?:{_NAME}, ){{2,}}{_NAME}\.(?=\s|[a-z]|$)")
_PARAGRAPH_RE = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]+)*")


def detect_sections(text: str) -> list[Section]:
    """Find sections in plain text: a title line, labelled paragraphs, upper-case headings, author lists.

    Content between markers belongs to the last section named; text before any marker is ``abstract`` for a
    short document and ``body`` otherwise. Headings and author lists become non-content spans.
    """
    markers: list[tuple[int, int, str, str]] = []  # (start, end, kind, name); content starts at end
    paragraphs = [m for m in _PARAGRAPH_RE.finditer(text) if m.group().strip()]
    if len(paragraphs) > 1:
        first = paragraphs[0]
        line = first.group()
        if "\n" not in line.strip() and len(line) < 400 and not _LABEL_RE.match(line) and not _is_heading(line):
            markers.append((first.start(), first.start(), "title", "title"))
            markers.append((first.end(), first.end(), "content", ""))
    elif paragraphs:
        # "Title\nAbstract..." with a single line break: a short first line with no final punctuation.
        first_line = re.match(r"[^\n]+", text[paragraphs[0].start() :])
        rest = text[paragraphs[0].start() + first_line.end() :].lstrip("\n")
        line = first_line.group().strip()
        if line and rest[:1].isupper() and len(line) < 300 and line[-1] not in ".!?:;," and not _LABEL_RE.match(line):
            end = paragraphs[0].start() + first_line.end()
            markers.append((paragraphs[0].start(), paragraphs[0].start(), "title", "title"))
            markers.append((end, end, "content", ""))
    for para in paragraphs:
        label = _LABEL_RE.match(para.group())
        if label:
            markers.append((para.start(), para.start() + label.end(), "heading", label.group(1).lower()))
    for label in _BARE_LABEL_RE.finditer(text):  # "Results" or "RESULTS" alone on its line, as web pages show it
        if not any(m[0] <= label.start(1) < max(m[1], m[0] + 1) for m in markers):
            markers.append((label.start(1), label.end(), "heading", label.group(1).lower()))
    for label in _INLINE_LABEL_RE.finditer(text):
        if label.group(1)[0].isupper() and not any(m[0] <= label.start(1) < max(m[1], m[0] + 1) for m in markers):
            markers.append((label.start(1), label.end(), "heading", label.group(1).lower()))
    for heading in _HEADING_RE.finditer(text):
        words = heading.group(1).split()
        if len(words) >= 2 or len(heading.group(1)) >= 8:
            markers.append((heading.start(1), heading.end(1), "heading", heading.group(1).strip().lower()))
    for authors in _AUTHORS_RE.finditer(text):
        markers.append((authors.start(), authors.end(), "front_matter", "body"))
    reference_list = find_reference_list(text)
    if reference_list is not None:
        # The list itself is not claims: everything after the heading is one "references" span.
        markers = [m for m in markers if m[0] < reference_list[0]]
        heading_start = text.rfind("\n", 0, reference_list[0] - 1) + 1
        markers.append((heading_start, reference_list[0], "heading", "references"))
        markers.append((reference_list[0], reference_list[1], "references", "references"))
    markers.sort()

    default = "abstract" if len(text) < 6000 else "body"
    sections: list[Section] = []
    pos, name = 0, default
    for start, end, kind, marker_name in markers:
        if start < pos:
            continue
        if kind == "title":
            pos, name = start, "title"
            continue
        if start > pos:
            sections.append(Section(name, pos, start))
        if kind == "content":
            name = default
            pos = end
            continue
        if end > start:
            sections.append(Section(marker_name, start, end, "heading" if kind == "heading" else kind))
        name, pos = marker_name, end
        if kind == "references":
            break
    if pos < len(text):
        sections.append(Section(name, pos, len(text)))
    return [s for s in sections if text[s.start : s.end].strip()]


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    return stripped.isupper() and len(stripped.split()) <= 12
