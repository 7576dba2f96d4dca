"""Readers of publication formats: PubMed XML, PMC/JATS XML, BioC XML and JSON, PubTator, plain text, gzip.

:func:`read_path` recognizes the format by content, not by extension: gzip by its magic bytes, XML by its root
element (``PubmedArticleSet``/``PubmedArticle``: PubMed; ``article``/``pmc-articleset``: JATS; ``collection``:
BioC), JSON with ``documents`` or ``passages`` (BioC), ``pmid|t|title`` lines (PubTator), anything else plain
text. Each reader returns :class:`~pipeline.documents.Document` records with sections and metadata
(:data:`~pipeline.documents.METADATA_KEYS`; ``format``; for PubTator and BioC the pre-annotated mentions in
``metadata["annotations"]``, offsets into the document's text; they are not fed to the NLP). The text of a
Document is built by the reader (title, blank line, abstract; labels as ``BACKGROUND: ...``; headings on their
own lines; in-text citations as ``[5]``; a ``References`` list the reference parser reads) and every Section is
a span of that text. Doc ids: PMID, else PMCID, else the file stem (``stem-N`` for the N-th record of a file).

XML is parsed with expat and nothing is ever loaded: no DTD, no external entity, no network. A DOCTYPE with an
internal subset (entity declarations: XXE, "billion laughs") is refused, as are nesting deeper than
:data:`MAX_XML_DEPTH`, undefined entities (HTML named entities under an external DTD are read as their
characters), and bytes that are not in the declared (or default UTF-8) encoding; each with an
:class:`~pipeline.documents.InputError` saying what is wrong and where.
"""

from __future__ import annotations

import codecs
import gzip
import html.entities
import io
import json
import re
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

from pipeline.documents import (
    BOMS,
    DEFAULT_MAX_BYTES,
    INPUT_SUFFIXES,
    TEXT_SUFFIXES,
    Document,
    InputError,
    Section,
    decode_text,
    detect_sections,
    read_bytes,
)

MAX_XML_DEPTH = 500
#: Largest gap between BioC sentences of a passage filled with spaces (so their offsets stay offsets of the text);
#: a larger one is refused (a few bytes of JSON must not become gigabytes of padding).
MAX_OFFSET_GAP = 1000
GZIP_MAGIC = b"\x1f\x8b"

# ---------------------------------------------------------------------------------------------- dispatch


def read_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """All documents of one file (gzip-compressed or not), its format recognized by content."""
    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        expected = ", ".join(INPUT_SUFFIXES)
        raise InputError(f"unsupported file type '{path.suffix or '(none)'}'; expected one of {expected}")
    data = read_bytes(path, max_bytes)
    name = path.name
    if data[:2] == GZIP_MAGIC:
        data = gunzip(data, max_bytes)
        name = name[:-3] if name.lower().endswith(".gz") else name
        inner = Path(name).suffix.lower()
        if (inner and inner not in INPUT_SUFFIXES) or inner == ".gz" or data[:2] == GZIP_MAGIC:
            raise InputError(f"unsupported file type '{inner or '.gz'}' inside the gzip file")
        if not data.strip():
            raise InputError("empty document (no text) inside the gzip file")
    elif suffix == ".gz":
        raise InputError("not a gzip file (no gzip magic bytes) although named .gz")
    return read_data(data, source=str(path), stem=Path(name).stem, suffix=Path(name).suffix.lower())


def gunzip(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Decompress gzip data, refusing corrupt data and output larger than ``max_bytes`` (a gzip bomb)."""
    out = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            while chunk := handle.read(1 << 20):
                out += chunk
                if len(out) > max_bytes:
                    raise InputError(
                        f"file too large: more than {max_bytes / 1e6:.1f} MB once decompressed (the limit)"
                    )
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"corrupt gzip file: {exc}") from None
    return bytes(out)


_XML_START = re.compile(
    r"<(?:\?xml[\s?]|!DOCTYPE\s|(?:PubmedArticleSet|PubmedArticle|pmc-articleset|article|collection)[\s>/])"
)
_PUBTATOR_LINE = re.compile(r"[^|\t\s]+\|[ta]\|")


def sniff_format(data: bytes, suffix: str = "") -> str:
    """``xml``, ``json``, ``pubtator`` or ``text``, from the first bytes (``suffix`` only breaks ties: a text
    file starting with ``<`` or ``{`` is XML or JSON only when it looks like it)."""
    head = _head_text(data)
    stripped = head.lstrip()
    if stripped.startswith("<"):
        if suffix in TEXT_SUFFIXES and not _XML_START.match(stripped):
            return "text"
        return "xml"
    if stripped.startswith(("{", "[")):
        if suffix not in TEXT_SUFFIXES or re.match(r"\{\s*\"", stripped):
            return "json"
    first = next((line for line in stripped.splitlines() if line.strip()), "")
    if _PUBTATOR_LINE.match(first):
        return "pubtator"
    return "text"


def _head_text(data: bytes, size: int = 4096) -> str:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom) : len(bom) + size].decode(encoding, errors="ignore")
    if data[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without a byte-order mark
        return data[:size].decode("utf-16-le" if data[0] == 0x3C else "utf-16-be", errors="ignore")
    return data[:size].decode("utf-8", errors="ignore")


def read_data(data: bytes, source: str = "", stem: str = "document", suffix: str = "") -> list[Document]:
    """The documents in ``data`` (already decompressed), by content."""
    kind = sniff_format(data, suffix)
    if kind == "xml":
        root = parse_xml(decode_xml(data))
        reader = _XML_READERS.get(root.tag)
        if reader is None:
            raise InputError(
                f"unsupported XML: root element <{root.tag}>; expected <PubmedArticleSet> (PubMed), <article> or "
                "<pmc-articleset> (PMC/JATS) or <collection> (BioC)"
            )
        return reader(root, source, stem)
    if kind == "json":
        return read_bioc_json(decode_text(data), source, stem)
    text = decode_text(data)
    if kind == "pubtator":
        return read_pubtator(text, source, stem)
    if suffix in (".xml", ".nxml"):
        raise InputError(f"not XML: the {suffix} file does not start with '<'")
    if suffix == ".json":
        raise InputError("not JSON: the .json file does not start with '{' or '['")
    if suffix == ".pubtator":
        raise InputError("not PubTator: the first line is not 'PMID|t|title'")
    return read_plain_text(text, source, stem)


# ---------------------------------------------------------------------------------------------- safe XML

_XML_DECL = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_ENTITY_DECL = re.compile(r"<!ENTITY\s+(%\s*)?([^\s>]+)\s+(SYSTEM|PUBLIC)?", re.IGNORECASE)


def decode_xml(data: bytes) -> str:
    """XML bytes to text: the byte-order mark, else the XML declaration's encoding, else UTF-8 (strict)."""
    declared = None
    bom, encoding = next(((b, e) for b, e in BOMS if data.startswith(b)), (b"", ""))
    skip = len(bom)
    data = data[skip:]
    if not encoding:
        if data[:2] in (b"<\x00", b"\x00<"):
            encoding = "utf-16-le" if data[0] == 0x3C else "utf-16-be"
        else:
            match = _XML_DECL.match(data.lstrip()[:300])
            declared = match.group(1).decode("ascii") if match else None
            encoding = declared or "utf-8"
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding '{encoding}' in the XML declaration") from None
    try:
        text = data.decode(codec.name)
    except UnicodeDecodeError as exc:
        where = f"at byte {exc.start + skip} (0x{data[exc.start]:02x})"
        if declared:
            hint = f'the XML declaration says encoding="{declared}"; save the file in that encoding or fix it'
        elif skip:
            hint = "the byte-order mark says so; save the file as UTF-8"
        else:
            hint = (
                "XML without an encoding declaration must be UTF-8; save the file as UTF-8 or declare its "
                'encoding (<?xml version="1.0" encoding="ISO-8859-1"?>)'
            )
        raise InputError(f"invalid {codec.name.upper()} {where}; {hint}") from None
    except (LookupError, UnicodeError):  # a codec that is not a text encoding: rot13, base64, zlib, undefined, ...
        raise InputError(f"unsupported encoding '{encoding}' in the XML declaration (not a text encoding)") from None
    return text


class _Refused(Exception):
    pass


def parse_xml(text: str, max_depth: int = MAX_XML_DEPTH) -> ET.Element:
    """Parse XML text into an ElementTree without loading anything: no DTD, no entities, no network.

    Tags and attribute names are kept as written (no namespace processing: ``mml:math``, ``xlink:href``).
    """
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    depth = 0

    def where() -> str:
        return f"line {parser.CurrentLineNumber}"

    def doctype(name, system_id, public_id, has_internal_subset) -> None:
        if has_internal_subset:
            entity = _ENTITY_DECL.search(text)
            if entity and entity.group(3):
                what = f"declares the external entity '{entity.group(2)}' (XXE: it would read a file or URL)"
            elif entity:
                what = f"declares the entity '{entity.group(2)}' (entity expansion, 'billion laughs')"
            else:
                what = "has an internal subset"
            raise _Refused(f"unsafe XML refused: the DOCTYPE {what}; entity declarations are not accepted")

    def refuse_entity(*args) -> None:
        raise _Refused(f"unsafe XML refused: entity declaration '{args[0]}' ({where()})")

    def external_ref(*args) -> int:
        raise _Refused(f"unsafe XML refused: external entity reference ({where()})")

    def start(tag: str, attrs: dict) -> None:
        nonlocal depth
        depth += 1
        if depth > max_depth:
            raise _Refused(f"XML nested deeper than {max_depth} elements ({where()}); not a publication")
        builder.start(tag, attrs)

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(tag)

    def skipped(name: str, is_parameter_entity: bool) -> None:
        char = html.entities.html5.get(f"{name};")
        if is_parameter_entity or char is None:
            raise _Refused(f"malformed XML: undefined entity &{name}; ({where()})")
        builder.data(char)

    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = external_ref
    parser.SkippedEntityHandler = skipped
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(text.lstrip("\ufeff"), True)
    except _Refused as exc:
        raise InputError(str(exc)) from None
    except expat.ExpatError as exc:
        problem = expat.ErrorString(exc.code)
        if exc.code == expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]:
            lines = text.splitlines()
            line = lines[exc.lineno - 1] if 0 < exc.lineno <= len(lines) else ""
            entity = re.match(r"&[^;\s<&]{1,40};", line[exc.offset :])
            problem += f" {entity.group()}" if entity else ""
        raise InputError(f"malformed XML: {problem} at line {exc.lineno}, column {exc.offset + 1}") from None
    return builder.close()


# ---------------------------------------------------------------------------------------------- text building


class _Builder:
    """Builds a Document's text piece by piece and records each piece as a Section."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.sections: list[Section] = []

    def _append(self, piece: str) -> None:
        self.parts.append(piece)
        self.length += len(piece)

    def _sep(self, sep: str) -> None:
        if self.length:
            self._append(sep)

    def block(self, text: str, name: str, kind: str = "content", sep: str = "\n\n") -> tuple[int, int] | None:
        text = text.strip()
        if not text:
            return None
        self._sep(sep)
        start = self.length
        self._append(text)
        self.sections.append(Section(name, start, self.length, kind))
        return start, self.length

    def labelled(self, label: str, text: str, name: str, sep: str = "\n") -> None:
        """``LABEL: text``: a heading span and a content span, as :func:`detect_sections` makes them."""
        text = text.strip()
        label = label.strip()
        if not label:
            self.detected(text, name, sep)
            return
        self._sep(sep)
        heading = label if label.endswith((":", ".")) else f"{label}:"
        heading += " " if text else ""
        start = self.length
        self._append(heading)
        self.sections.append(Section(name, start, self.length, "heading"))
        if text:
            self.block(text, name, sep="")

    def detected(self, text: str, default: str, sep: str = "\n") -> None:
        """A paragraph whose labels (``Background: ...``) are found by :func:`detect_sections`."""
        if text.strip():
            self.verbatim(text.strip(), default, sep=sep, detect=True)

    def verbatim(self, text: str, name: str, kind: str = "content", sep: str = "\n\n", detect: bool = False) -> int:
        """Append ``text`` unchanged (offsets into it stay valid), as one section or, with ``detect``, with the
        labels :func:`detect_sections` finds in it (other parts named ``name``); returns its start."""
        self._sep(sep)
        start = self.length
        self._append(text)
        if detect:
            for section in detect_sections(text):
                part = name if section.name in ("abstract", "body", "title") else section.name
                self.sections.append(Section(part, start + section.start, start + section.end, section.kind))
        elif text.strip():
            self.sections.append(Section(name, start, self.length, kind))
        return start

    def text(self) -> str:
        return "".join(self.parts)


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _doc_id(metadata: dict, stem: str, index: int, count: int) -> str:
    for key in ("pmid", "pmcid"):
        if metadata.get(key):
            return str(metadata[key])
    return stem if count == 1 else f"{stem}-{index}"


def _finish(documents: list[tuple[_Builder, dict]], source: str, stem: str, fmt: str) -> list[Document]:
    out = []
    for i, (builder, metadata) in enumerate(documents, 1):
        metadata = {k: v for k, v in metadata.items() if v not in ("", None, [])}
        metadata["format"] = fmt
        doc_id = _doc_id(metadata, stem, i, len(documents))
        out.append(Document(doc_id, builder.text(), source, builder.sections, metadata))
    return out


def _initials(given: str) -> str:
    given = given.strip()
    compact = given.replace(".", "").replace(" ", "")
    if re.fullmatch(r"[A-Z]{1,3}", compact):
        return compact
    return "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part)


def _year(text: str | None) -> str:
    match = re.search(r"\b(1[89]\d\d|20\d\d)\b", text or "")
    return match.group(1) if match else ""


def _first(*values: str | None) -> str:
    return next((_clean(v) for v in values if v and _clean(v)), "")


# ---------------------------------------------------------------------------------------------- inline XML text

#: Elements whose content is not running text (collected elsewhere or not text at all); their tails are kept.
_SKIP_INLINE = {"table-wrap", "table-wrap-group", "fig", "fig-group", "tex-math", "supplementary-material", "graphic"}
#: Block elements inside an element read as one text ("<caption><title>A.</title><p>B</p>"): spaced apart.
_BLOCK_INLINE = {"p", "title", "caption", "label", "list-item", "sec", "td", "th", "tr", "def-item", "disp-quote"}
_CITE_OPEN, _CITE_CLOSE = "\ue000", "\ue001"
_CITE_ITEM = f"{_CITE_OPEN}[^{_CITE_CLOSE}]*{_CITE_CLOSE}"
_CITE_GROUP = rf"{_CITE_ITEM}(?:\s*[,;\u2013\u2014-]\s*{_CITE_ITEM})*"
_CITE_RE = re.compile(rf"\[\s*({_CITE_GROUP})\s*\]|\(\s*({_CITE_GROUP})\s*\)|({_CITE_GROUP})")


def _inline(elem: ET.Element | None, cite: Callable[[ET.Element], str | None] | None = None) -> str:
    """The running text of an element, whitespace-normalized; bibliography cross-references become ``[5]``.

    Iterative (no recursion), so any depth the parser accepted is safe.
    """
    if elem is None:
        return ""
    parts: list[str] = []
    stack: list[ET.Element | str] = [elem]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        if item is not elem and item.tag in _SKIP_INLINE:
            continue
        replacement = cite(item) if cite is not None and item.tag == "xref" else None
        if replacement is not None:
            parts.append(replacement)
            continue
        block = item is not elem and item.tag in _BLOCK_INLINE
        parts.append(" " if block else "")
        parts.append(item.text or "")
        if block:
            stack.append(" ")
        for child in reversed(list(item)):
            stack.append(child.tail or "")
            stack.append(child)
    return _citations(_clean("".join(parts)))


def _citations(text: str) -> str:
    """Groups of citation markers, with their brackets or parentheses, become one ``[5, 6]`` / ``[5-7]``."""
    if _CITE_OPEN not in text:
        return text

    def group(match: re.Match) -> str:
        inner = next(g for g in match.groups() if g is not None)
        inner = inner.replace(_CITE_OPEN, "").replace(_CITE_CLOSE, "")
        glued = match.start() > 0 and not text[match.start() - 1].isspace() and text[match.start() - 1] not in "(["
        return f"{' ' if glued else ''}[{inner}]"  # "injury<sup>5</sup>" -> "injury [5]"

    return _CITE_RE.sub(group, text).replace(_CITE_OPEN, "").replace(_CITE_CLOSE, "")


# ---------------------------------------------------------------------------------------------- PubMed XML


def read_pubmed_xml(root: ET.Element, source: str = "", stem: str = "pubmed") -> list[Document]:
    """PubMed XML (efetch ``<PubmedArticleSet>``): one Document per ``PubmedArticle`` (and book article).

    Text: title, blank line, abstract; a structured abstract's ``<AbstractText Label="BACKGROUND">`` parts are
    ``BACKGROUND: ...`` lines with a heading and a content section named by the lower-cased label (the
    ``NlmCategory`` when the label is not one the claim typing knows). Metadata: pmid, pmcid, doi, title,
    journal, year, authors, publication_types.
    """
    records = [root] if root.tag in ("PubmedArticle", "PubmedBookArticle") else list(root)
    docs = []
    for record in records:
        if record.tag == "PubmedArticle":
            docs.append(_pubmed_article(record))
        elif record.tag == "PubmedBookArticle":
            docs.append(_pubmed_book(record))
    if not docs:
        raise InputError("no PubmedArticle in the PubMed XML")
    return _finish(docs, source, stem, "pubmed-xml")


def _pubmed_article(record: ET.Element) -> tuple[_Builder, dict]:
    citation = record.find("MedlineCitation")
    citation = citation if citation is not None else ET.Element("MedlineCitation")
    article = citation.find("Article")
    article = article if article is not None else ET.Element("Article")
    ids = {a.get("IdType"): _clean(a.text) for a in record.iterfind("PubmedData/ArticleIdList/ArticleId")}
    elocation = next((e.text for e in article.iterfind("ELocationID") if e.get("EIdType") == "doi"), None)
    title = _inline(article.find("ArticleTitle")) or _inline(article.find("VernacularTitle"))
    issue_date = article.find("Journal/JournalIssue/PubDate")
    year = ""
    if issue_date is not None:
        year = _year(issue_date.findtext("Year")) or _year(issue_date.findtext("MedlineDate"))
    year = year or _year(article.findtext("ArticleDate/Year"))
    metadata = {
        "pmid": _first(citation.findtext("PMID"), ids.get("pubmed")),
        "pmcid": ids.get("pmc", ""),
        "doi": _first(ids.get("doi"), elocation),
        "title": title,
        "journal": _first(
            article.findtext("Journal/Title"),
            article.findtext("Journal/ISOAbbreviation"),
            citation.findtext("MedlineJournalInfo/MedlineTA"),
        ),
        "year": year,
        "authors": _pubmed_authors(article.find("AuthorList")),
        "publication_types": ";".join(
            _clean(t.text) for t in article.iterfind("PublicationTypeList/PublicationType") if _clean(t.text)
        ),
    }
    abstract = article.find("Abstract")
    if abstract is None:
        abstract = citation.find("OtherAbstract")
    return _pubmed_text(title, abstract), metadata


def _pubmed_book(record: ET.Element) -> tuple[_Builder, dict]:
    book = record.find("BookDocument")
    book = book if book is not None else ET.Element("BookDocument")
    ids = {a.get("IdType"): _clean(a.text) for a in book.iterfind("ArticleIdList/ArticleId")}
    title = _inline(book.find("ArticleTitle")) or _inline(book.find("Book/BookTitle"))
    metadata = {
        "pmid": _clean(book.findtext("PMID")),
        "doi": ids.get("doi", ""),
        "title": title,
        "journal": "",
        "year": _year(book.findtext("Book/PubDate/Year")),
        "authors": _pubmed_authors(book.find("AuthorList")),
    }
    return _pubmed_text(title, book.find("Abstract")), metadata


def _pubmed_text(title: str, abstract: ET.Element | None) -> _Builder:
    builder = _Builder()
    builder.block(title, "title")
    first = True
    for part in abstract.iterfind("AbstractText") if abstract is not None else ():
        text = _inline(part)
        label = _clean(part.get("Label"))
        sep = "\n\n" if first else "\n"
        if label:
            builder.labelled(label, text, _label_name(label, part.get("NlmCategory")), sep)
        else:
            builder.detected(text, "abstract", sep)
        first = False
    return builder


_KNOWN_LABELS = re.compile(
    r"(abstract|background|introduction|objectives?|aims?|purpose|rationale|methods?|materials and methods|"
    r"design|setting|patients|participants|interventions?|measurements|main outcome measures?|results?|"
    r"findings|discussion|conclusions?|interpretation|significance|summary|limitations)"
)


def _label_name(label: str, category: str | None) -> str:
    name = _section_name(label)
    if not _KNOWN_LABELS.fullmatch(name) and category and category.upper() != "UNASSIGNED":
        return category.lower()
    return name


def _section_name(title: str) -> str:
    """A heading as a section name: lower case, without numbering ("2.3. ", "II. ") or a final colon."""
    name = _clean(title).lower()
    name = re.sub(r"^(?:\d+(?:\.\d+)*\.?|[ivx]+\.)\s+", "", name)
    return name.rstrip(" :.")


def _pubmed_authors(author_list: ET.Element | None) -> str:
    if author_list is None:
        return ""
    names = []
    for author in author_list.iterfind("Author"):
        if author.get("ValidYN", "Y") == "N":
            continue
        last = _clean(author.findtext("LastName"))
        if last:
            initials = _clean(author.findtext("Initials")) or _initials(author.findtext("ForeName") or "")
            names.append(f"{last} {initials}".strip())
        elif _clean(author.findtext("CollectiveName")):
            names.append(_inline(author.find("CollectiveName")))
    return ";".join(names)


# ---------------------------------------------------------------------------------------------- JATS


def read_jats_xml(root: ET.Element, source: str = "", stem: str = "article") -> list[Document]:
    """PMC / JATS full text (``<article>``, or several in a ``<pmc-articleset>``): one Document per article.

    Text: title; abstract (a structured one as ``Label: ...`` lines); each body ``<sec>`` as its ``<title>`` on a
    line of its own (a heading section) and its paragraphs (content sections named by the lower-cased title,
    numbering removed); tables (``table 1``: caption, then one line per row, cells ``|``-separated); figure
    captions (``figure 1``); then ``References`` and one numbered entry per ``<ref>``
    (``5 Surname I, Surname I. Title. Journal 2015; 3: 1-9 [PMID: ... DOI: ...]``), the format the reference
    parser reads. ``<xref ref-type="bibr">`` citations become ``[5]`` (groups and ranges ``[5, 6]``, ``[5-7]``).
    Metadata: pmid, pmcid, doi, title, journal, year, authors, article_type.
    """
    articles = [root] if root.tag == "article" else [a for a in root if a.tag == "article"]
    if not articles:
        raise InputError("no <article> in the JATS XML")
    return _finish([_jats_article(a) for a in articles], source, stem, "jats-xml")


def _jats_article(article: ET.Element) -> tuple[_Builder, dict]:
    front = article.find("front")
    meta = front.find("article-meta") if front is not None else None
    meta = meta if meta is not None else ET.Element("article-meta")
    journal_meta = front.find("journal-meta") if front is not None else None
    ids = {a.get("pub-id-type"): _clean(a.text) for a in meta.iterfind("article-id")}
    pmcid = ids.get("pmc") or ids.get("pmcid") or ""
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"

    back = article.find("back")
    refs = [r for r in back.iter("ref")] if back is not None else []
    numbers = _ref_numbers(refs)
    cite = _jats_citer(numbers)

    title = _inline(meta.find("title-group/article-title"), cite)
    subtitle = _inline(meta.find("title-group/subtitle"), cite)
    if subtitle:
        title = f"{title.rstrip(':')}: {subtitle}" if title else subtitle
    years = [_year(d.findtext("year")) for d in meta.iterfind("pub-date")]
    metadata = {
        "pmid": ids.get("pmid", ""),
        "pmcid": pmcid.upper() if pmcid.lower().startswith("pmc") else pmcid,
        "doi": ids.get("doi", ""),
        "title": title,
        "journal": _clean(journal_meta.findtext(".//journal-title")) if journal_meta is not None else "",
        "year": next((y for y in years if y), ""),
        "authors": ";".join(_jats_names(meta.iterfind("contrib-group/contrib"), contrib=True)),
        "article_type": article.get("article-type", ""),
    }

    builder = _Builder()
    builder.block(title, "title")
    abstracts = list(meta.iterfind("abstract"))
    main = [a for a in abstracts if not a.get("abstract-type")] or abstracts[:1]
    for abstract in main:
        _jats_abstract(builder, abstract, cite)
    body = article.find("body")
    if body is not None:
        _jats_blocks(builder, body, "body", cite)
    floats = [e for e in (body, back, article.find("floats-group")) if e is not None]
    tables = _unique(t for e in floats for t in e.iter("table-wrap"))
    figures = _unique(f for e in floats for f in e.iter("fig"))
    for i, table in enumerate(tables, 1):
        _jats_table(builder, table, i, cite)
    for i, figure in enumerate(figures, 1):
        label = _clean(figure.findtext("label"))
        builder.block(_caption(label, _inline(figure.find("caption"), cite)), _float_name("figure", label, i))
    if refs:
        _jats_references(builder, refs, numbers)
    return builder, metadata


def _unique(elements: Iterable[ET.Element]) -> list[ET.Element]:
    seen: set[int] = set()
    out = []
    for e in elements:
        if id(e) not in seen:
            seen.add(id(e))
            out.append(e)
    return out


def _ref_numbers(refs: list[ET.Element]) -> dict[str, int]:
    """Reference id -> the number it is cited by: its label when numeric, else its position."""
    numbers = {}
    for i, ref in enumerate(refs, 1):
        label = re.fullmatch(r"\[?(\d{1,4})[\].]?", _clean(ref.findtext("label")))
        numbers[ref.get("id", f"#{i}")] = int(label.group(1)) if label else i
    return numbers


def _jats_citer(numbers: dict[str, int]) -> Callable[[ET.Element], str | None]:
    def cite(xref: ET.Element) -> str | None:
        if xref.get("ref-type") != "bibr":
            return None
        shown = _clean("".join(xref.itertext()))
        if re.fullmatch(r"\[?\d{1,4}(?:\s*[,\u2013\u2014-]\s*\d{1,4})*\]?", shown):
            return f"{_CITE_OPEN}{shown.strip('[]')}{_CITE_CLOSE}"
        cited = [numbers[r] for r in (xref.get("rid") or "").split() if r in numbers]
        if not cited:
            return shown
        marker = f"{_CITE_OPEN}{', '.join(str(n) for n in cited)}{_CITE_CLOSE}"
        return f"{shown} {marker}" if shown else marker  # author-year: "Smith et al., 2010 [3]"

    return cite


def _jats_abstract(builder: _Builder, abstract: ET.Element, cite) -> None:
    first = True
    secs = [c for c in abstract if c.tag == "sec"]
    if secs:
        for sec in secs:
            label = _clean(sec.findtext("title"))
            name = _label_name(label, None) if label else "abstract"
            paragraphs = [_inline(p, cite) for p in sec.iter("p")]
            paragraphs = [p for p in paragraphs if p]
            for j, paragraph in enumerate(paragraphs):
                sep = "\n\n" if first else "\n"
                if j == 0 and label:
                    builder.labelled(label, paragraph, name, sep)
                else:
                    builder.block(paragraph, name, sep=sep)
                first = False
        return
    for paragraph in abstract.iter("p"):
        builder.detected(_inline(paragraph, cite), "abstract", "\n\n" if first else "\n")
        first = False


#: Elements that are not running text of the body (collected elsewhere, or back matter that is not claims).
_BLOCK_SKIP = _SKIP_INLINE | {"title", "label", "ref-list", "ack", "fn-group", "notes", "glossary", "sec-meta"}


def _jats_blocks(builder: _Builder, node: ET.Element, section: str, cite) -> None:
    """Headings and paragraphs of ``node`` in document order. One call per nesting level (bounded by the
    parser's depth limit)."""
    for child in node:
        if child.tag in _BLOCK_SKIP:
            continue
        if child.tag == "sec":
            heading = _inline(child.find("title"), cite)
            label = _clean(child.findtext("label"))
            name = _section_name(heading) if heading else section
            shown = " ".join(x for x in (label, heading) if x)
            if shown:
                builder.block(shown, name, "heading")
            _jats_blocks(builder, child, name, cite)
        elif child.tag == "p" or not any(e.tag in ("p", "sec") for e in child.iter() if e is not child):
            builder.block(_inline(child, cite), section)
        else:  # list, boxed-text, disp-quote, ...: their paragraphs and sections
            _jats_blocks(builder, child, section, cite)


def _caption(label: str, caption: str) -> str:
    """``Table 1. Caption``: the label ends with a period when a caption follows."""
    if label and caption and not label.endswith((".", ":")):
        label += "."
    return " ".join(x for x in (label, caption) if x)


def _float_name(kind: str, label: str | None, index: int) -> str:
    match = re.search(r"([A-Za-z]?\d+[A-Za-z]?)\s*\.?\s*$", _clean(label))
    return f"{kind} {match.group(1).lower() if match else index}"


def _jats_table(builder: _Builder, table: ET.Element, index: int, cite) -> None:
    label = _clean(table.findtext("label"))
    name = _float_name("table", label, index)
    builder.block(_caption(label, _inline(table.find("caption"), cite)) or name.capitalize(), name)
    first = True
    for row in table.iter("tr"):
        cells = [_inline(cell, cite) for cell in row if cell.tag in ("td", "th")]
        if any(cells):
            builder.block(" | ".join(cells), name, sep="\n\n" if first else "\n")
            first = False
    for foot in table.iterfind("table-wrap-foot"):
        builder.block(_inline(foot, cite), name)


def _jats_names(elements: Iterable[ET.Element], contrib: bool = False) -> list[str]:
    names = []
    for elem in elements:
        if contrib and elem.get("contrib-type", "author") != "author":
            continue
        if elem.tag == "etal":
            names.append("et al")
            continue
        name = elem.find("name") if elem.tag != "name" else elem
        if name is None and elem.find("name-alternatives/name") is not None:
            name = elem.find("name-alternatives/name")
        if name is not None:
            surname = _clean(name.findtext("surname"))
            given = name.findtext("given-names") or ""
            if surname:
                names.append(f"{surname} {_initials(given)}".strip())
        elif elem.tag == "collab" or elem.find("collab") is not None:
            names.append(_inline(elem if elem.tag == "collab" else elem.find("collab")))
        elif elem.tag == "string-name":
            names.append(_inline(elem))
    return [n for n in names if n]


def _jats_references(builder: _Builder, refs: list[ET.Element], numbers: dict[str, int]) -> None:
    heading = builder.block("References", "references", "heading")
    assert heading is not None
    lines = []
    for i, ref in enumerate(refs, 1):
        number = numbers.get(ref.get("id", f"#{i}"), i)
        lines.append(f"{number} {_reference_text(ref)}")
    builder.block("\n".join(lines), "references", "references", sep="\n")


def _reference_text(ref: ET.Element) -> str:
    """One reference in the Vancouver form the reference parser reads, with its PMID and DOI."""
    citation = next((c for c in ref.iter() if c.tag in ("element-citation", "mixed-citation", "nlm-citation")), ref)
    ids = {p.get("pub-id-type"): _clean(p.text) for p in citation.iter("pub-id")}
    people = citation.find("person-group")
    name_parent = people if people is not None else citation
    authors = _jats_names(c for c in name_parent if c.tag in ("name", "string-name", "collab", "etal"))
    title = _inline(citation.find("article-title")) or _inline(citation.find("chapter-title"))
    source = _inline(citation.find("source"))
    if authors or title or source:
        pages = "-".join(x for x in (_clean(citation.findtext("fpage")), _clean(citation.findtext("lpage"))) if x)
        pages = pages or _clean(citation.findtext("elocation-id"))
        year = _clean(citation.findtext("year"))
        volume = _clean(citation.findtext("volume"))
        where = " ".join(x for x in (source, year) if x)
        if volume:
            where += f"; {volume}" + (f": {pages}" if pages else "")
        elif pages:
            where += f": {pages}"
        author_text = ", ".join(authors).replace(", et al", " et al")
        text = ". ".join(x.rstrip(".") for x in (author_text, title, where) if x)
    else:
        text = _inline(citation, None)
    pmid, doi = ids.get("pmid", ""), ids.get("doi", "")
    id_parts = []
    if pmid and not re.search(rf"PMID:?\s*{re.escape(pmid)}", text):
        id_parts.append(f"PMID: {pmid}")
    if doi and doi.lower() not in text.lower():
        id_parts.append(f"DOI: {doi}")
    return f"{text} [{' '.join(id_parts)}]" if id_parts else text


# ---------------------------------------------------------------------------------------------- BioC

_BIOC_SECTIONS = {
    "TITLE": "title",
    "ABSTRACT": "abstract",
    "INTRO": "introduction",
    "METHODS": "methods",
    "RESULTS": "results",
    "DISCUSS": "discussion",
    "CONCL": "conclusions",
    "CASE": "case report",
    "REF": "references",
    "TABLE": "table",
    "FIG": "figure",
    "ACK_FUND": "acknowledgements",
    "SUPPL": "supplementary material",
    "COMP_INT": "competing interests",
    "AUTH_CONT": "author contributions",
    "ABBR": "abbreviations",
    "APPENDIX": "appendix",
    "REVIEW_INFO": "review information",
    "KEYWORD": "keywords",
}


def read_bioc_xml(root: ET.Element, source: str = "", stem: str = "bioc") -> list[Document]:
    """BioC XML (``<collection>`` of ``<document>`` of ``<passage>``): one Document per BioC document."""
    collection_source = _clean(root.findtext("source"))
    documents = []
    for document in root.iterfind("document"):
        passages = []
        for passage in document.iterfind("passage"):
            passages.append(
                {
                    "offset": passage.findtext("offset"),
                    "infons": _bioc_xml_infons(passage),
                    "text": passage.findtext("text"),
                    "sentences": [
                        {"offset": s.findtext("offset"), "text": s.findtext("text") or ""}
                        for s in passage.iterfind("sentence")
                    ],
                    "annotations": _bioc_xml_annotations(passage.iter("annotation")),
                }
            )
        documents.append(
            {
                "id": _clean(document.findtext("id")),
                "infons": _bioc_xml_infons(document),
                "passages": passages,
                "annotations": _bioc_xml_annotations(document.iterfind("annotation")),
            }
        )
    if not documents:
        raise InputError("no <document> in the BioC collection")
    return _bioc_documents(documents, collection_source, source, stem, "bioc-xml")


def _bioc_xml_infons(elem: ET.Element) -> dict[str, str]:
    return {i.get("key", ""): (i.text or "") for i in elem.iterfind("infon")}


def _bioc_xml_annotations(annotations: Iterable[ET.Element]) -> list[dict]:
    return [
        {
            "id": a.get("id", ""),
            "infons": _bioc_xml_infons(a),
            "text": a.findtext("text") or "",
            "locations": [{"offset": loc.get("offset"), "length": loc.get("length")} for loc in a.iterfind("location")],
        }
        for a in annotations
    ]


def read_bioc_json(text: str, source: str = "", stem: str = "bioc") -> list[Document]:
    """BioC JSON: a collection ``{"documents": [...]}``, a list of collections or documents, or PubTator3's
    ``{"PubTator3": [...]}``; one Document per BioC document."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise InputError("JSON nested too deeply; not a BioC collection") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    collection_source = ""
    if isinstance(data, dict) and "documents" in data:
        collection_source = str(data.get("source") or "")
        documents = data["documents"]
    elif isinstance(data, dict) and "passages" in data:
        documents = [data]
    elif isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        collection_source, documents = next(iter(data.items()))
    elif isinstance(data, list):
        documents = []
        for item in data:
            if isinstance(item, dict) and "documents" in item:
                collection_source = str(item.get("source") or collection_source)
                documents.extend(_items(item["documents"], "collection documents"))
            else:
                documents.append(item)
    else:
        raise InputError("unsupported JSON: not a BioC collection (no 'documents' or 'passages')")
    if not isinstance(documents, list) or not all(isinstance(d, dict) and "passages" in d for d in documents):
        raise InputError("unsupported JSON: BioC documents must be objects with 'passages'")
    if not documents:
        raise InputError("no documents in the BioC collection")
    return _bioc_documents(documents, collection_source, source, stem, "bioc-json")


def _int(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"BioC {what} is not an integer: {value!r}") from None


def _items(value: Any, what: str) -> list:
    """A JSON array of the BioC structure (absent: empty); anything else is an error naming the field."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"BioC {what} must be a list, not {type(value).__name__}")
    return value


def _fields(value: Any, what: str) -> dict:
    """A JSON object of the BioC structure (absent: empty); anything else is an error naming the field."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"BioC {what} must be an object, not {type(value).__name__}")
    return value


def _bioc_documents(documents: list[dict], collection_source: str, source: str, stem: str, fmt: str):
    built = [_bioc_document(d, collection_source) for d in documents]
    return _finish(built, source, stem, fmt)


def _bioc_document(document: dict, collection_source: str) -> tuple[_Builder, dict]:
    """Passages in order, each at its BioC offset when the offsets allow it (a gap of up to 10 characters is
    filled with newlines, so BioC offsets are offsets into the text); reference passages go last, as a numbered
    ``References`` list built from their infons."""
    builder = _Builder()
    spans: list[tuple[int, int, int]] = []  # (BioC offset, start in the text, length) of each passage placed
    references: list[dict] = []
    infons = {str(k): str(v) for k, v in _fields(document.get("infons"), "document infons").items()}
    title = ""
    passages = [_fields(p, "passage") for p in _items(document.get("passages"), "passages")]
    for passage in passages:
        p_infons = {str(k): str(v) for k, v in _fields(passage.get("infons"), "passage infons").items()}
        offset = _int(passage.get("offset") or 0, "passage offset")
        text = _passage_text(passage, offset)
        name, kind = _bioc_section(p_infons)
        if name == "references":
            if not re.fullmatch(r"title(?:_\d+)?|front", p_infons.get("type", "").lower()):
                references.append(p_infons | {"_text": text})  # an entry; the list's title is replaced below
            continue
        if name == "title" and not title:
            title = _clean(text)
            for key, value in p_infons.items():
                infons.setdefault(key, value)
        if not text.strip():
            continue
        gap = offset - builder.length
        sep = "" if not builder.length else "\n" * gap if 1 <= gap <= 10 else "\n\n"
        start = builder.verbatim(text, name, kind, sep, detect=name == "abstract" and kind == "content")
        spans.append((offset, start, len(text)))
    if references:
        builder.block("References", "references", "heading")
        lines = [f"{i} {_bioc_reference(r)}" for i, r in enumerate(references, 1)]
        builder.block("\n".join(lines), "references", "references", sep="\n")
    metadata = _bioc_metadata(document, infons, title, collection_source)
    annotations = [a for p in passages for a in _items(p.get("annotations"), "annotations")]
    annotations += _items(document.get("annotations"), "annotations")
    metadata["annotations"] = _bioc_annotations(annotations, spans, builder.text())
    return builder, metadata


def _passage_text(passage: dict, offset: int) -> str:
    text = passage.get("text")
    if text:
        return str(text)
    pieces: list[str] = []
    length = 0
    for sentence in _items(passage.get("sentences"), "sentences"):
        sentence = _fields(sentence, "sentence")
        s_offset = _int(sentence.get("offset", offset), "sentence offset") - offset
        s_text = str(sentence.get("text") or "")
        if s_offset - length > MAX_OFFSET_GAP:  # padding it would need gigabytes for one absurd offset
            raise InputError(
                f"BioC sentence offset {s_offset + offset} lies {s_offset - length} characters after the end of the "
                f"text before it (at most {MAX_OFFSET_GAP})"
            )
        if s_offset > length:
            pieces.append(" " * (s_offset - length))
            length = s_offset
        elif length:
            pieces.append(" ")
            length += 1
        pieces.append(s_text)
        length += len(s_text)
    return "".join(pieces)


def _bioc_section(infons: dict[str, str]) -> tuple[str, str]:
    ptype = infons.get("type", "").lower()
    stype = (infons.get("section_type") or infons.get("section") or "").strip()
    kind = "heading" if re.fullmatch(r"(?:abstract_)?title(?:_\d+)?", ptype) and ptype != "title" else "content"
    if stype:
        name = _BIOC_SECTIONS.get(stype.upper(), stype.lower())
    elif ptype in ("title", "front"):
        name = "title"
    elif ptype.startswith("abstract"):
        name = "abstract"
    elif ptype == "ref":
        name = "references"
    elif "table" in ptype:
        name = "table"
    elif "fig" in ptype:
        name = "figure"
    elif ptype in ("paragraph", ""):
        name = "body"
    else:
        name = ptype.replace("_", " ")
    if name in ("table", "figure"):
        number = re.search(r"\d+", infons.get("id", ""))
        if number:
            name = f"{name} {number.group()}"
    if ptype in ("title", "front") or name == "title":
        kind = "content"
    return name, kind


def _bioc_names(infons: dict[str, str]) -> list[str]:
    """``name_0: "surname:Rossi;given-names:Marco"``, ... as ``Rossi M``, ...."""
    names = []
    for key in sorted((k for k in infons if re.fullmatch(r"name_\d+", k)), key=lambda k: int(k.split("_")[1])):
        parts = dict(p.split(":", 1) for p in infons[key].split(";") if ":" in p)
        if parts.get("surname"):
            names.append(f"{parts['surname']} {_initials(parts.get('given-names', ''))}".strip())
    return names


def _bioc_reference(infons: dict[str, str]) -> str:
    names = _bioc_names(infons)
    title = _clean(infons.get("_text"))
    source = _clean(infons.get("source"))
    year = _clean(infons.get("year"))
    volume = _clean(infons.get("volume"))
    pages = "-".join(x for x in (_clean(infons.get("fpage")), _clean(infons.get("lpage"))) if x)
    where = " ".join(x for x in (source, year) if x)
    if volume:
        where += f"; {volume}" + (f": {pages}" if pages else "")
    text = ". ".join(x.rstrip(".") for x in (", ".join(names), title, where) if x)
    ids = [f"PMID: {infons['pub-id_pmid']}"] if infons.get("pub-id_pmid") else []
    ids += [f"DOI: {infons['pub-id_doi']}"] if infons.get("pub-id_doi") else []
    return f"{text} [{' '.join(ids)}]" if ids else text


def _bioc_metadata(document: dict, infons: dict[str, str], title: str, collection_source: str) -> dict:
    doc_id = _clean(str(document.get("id") or ""))
    pmid = _first(infons.get("article-id_pmid"), infons.get("pmid"))
    pmcid = _first(infons.get("article-id_pmc"), infons.get("pmcid"))
    if doc_id.upper().startswith("PMC"):
        pmcid = pmcid or doc_id
    elif doc_id.isdigit() and "PMC" in collection_source.upper():  # PMC's BioC: the id is the PMC number
        pmcid = pmcid or doc_id
    elif doc_id.isdigit():
        pmid = pmid or doc_id
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"
    authors = infons.get("authors", "")  # PubTator3: "Rossi M, Okafor CN"
    if authors:
        authors = ";".join(a.strip() for a in re.split(r"[,;]\s*", authors) if a.strip())
    else:
        authors = ";".join(_bioc_names(infons))
    return {
        "pmid": pmid,
        "pmcid": pmcid.upper() if pmcid else "",
        "doi": _first(infons.get("article-id_doi"), infons.get("doi")),
        "title": title,
        "journal": _first(infons.get("journal"), infons.get("source")),
        "year": _year(infons.get("year")),
        "authors": authors,
    }


def _bioc_annotations(annotations: list[dict], spans: list[tuple[int, int, int]], text: str) -> list[dict]:
    out = []
    for annotation in annotations:
        annotation = _fields(annotation, "annotation")
        a_infons = {str(k): str(v) for k, v in _fields(annotation.get("infons"), "annotation infons").items()}
        identifier = next(
            (a_infons[k] for k in ("identifier", "Identifier", "MESH", "NCBI Gene", "accession") if a_infons.get(k)),
            "",
        )
        for location in _items(annotation.get("locations"), "annotation locations"):
            location = _fields(location, "annotation location")
            offset = _int(location.get("offset"), "annotation offset")
            length = _int(location.get("length"), "annotation length")
            if length < 0:
                raise InputError(f"BioC annotation length is negative: {length} (at offset {offset})")
            for bioc_offset, start, size in spans:
                if bioc_offset <= offset and offset + length <= bioc_offset + size:
                    begin = start + offset - bioc_offset
                    out.append(
                        {
                            "start": begin,
                            "end": begin + length,
                            "text": str(annotation.get("text") or text[begin : begin + length]),
                            "type": a_infons.get("type", ""),
                            "id": identifier,
                        }
                    )
                    break
    return out


# ---------------------------------------------------------------------------------------------- PubTator


_DIGITS = re.compile(r"[0-9]+")


def read_pubtator(text: str, source: str = "", stem: str = "pubtator") -> list[Document]:
    """PubTator text: ``pmid|t|title``, ``pmid|a|abstract``, then annotation lines
    ``pmid<TAB>start<TAB>end<TAB>text<TAB>type<TAB>id`` (and relation lines ``pmid<TAB>type<TAB>id1<TAB>id2``);
    documents separated by blank lines. One Document per PMID; text = title, newline, abstract (so PubTator's
    offsets, which count one character between title and abstract, are offsets into the text); the annotations
    are kept in ``metadata["annotations"]`` and relations in ``metadata["relations"]``."""
    records: dict[str, dict] = {}
    order: list[str] = []

    def record(pmid: str) -> dict:
        if pmid not in records:
            records[pmid] = {"title": "", "abstract": "", "annotations": [], "relations": [], "line": 0}
            order.append(pmid)
        return records[pmid]

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        bar = re.match(r"([^|\t]+)\|([ta])\|(.*)$", line)
        if bar:
            entry = record(bar.group(1).strip())
            entry["title" if bar.group(2) == "t" else "abstract"] = bar.group(3)
            continue
        fields = line.split("\t")
        if len(fields) >= 6 and _DIGITS.fullmatch(fields[1]) and _DIGITS.fullmatch(fields[2]):
            entry = record(fields[0].strip())
            start, end = int(fields[1]), int(fields[2])
            annotation = {"start": start, "end": end, "text": fields[3], "type": fields[4], "id": fields[5]}
            if len(fields) > 6:
                annotation["extra"] = fields[6:]
            entry["annotations"].append((annotation, number))
        elif len(fields) == 4:
            record(fields[0].strip())["relations"].append({"type": fields[1], "arg1": fields[2], "arg2": fields[3]})
        else:
            raise InputError(f"not PubTator: line {number} is neither 'PMID|t|', 'PMID|a|' nor an annotation")
    docs = []
    for pmid in order:
        entry = records[pmid]
        title, abstract = entry["title"], entry["abstract"]
        builder = _Builder()
        builder.verbatim(title, "title", sep="")
        if abstract:
            builder._append("\n")
            builder.verbatim(abstract, "abstract", sep="", detect=True)
        full = builder.text()
        annotations = []
        for annotation, number in entry["annotations"]:
            if not 0 <= annotation["start"] < annotation["end"] <= len(full):
                raise InputError(
                    f"PubTator annotation at line {number} ({annotation['start']}-{annotation['end']}) lies outside "
                    f"the text of document {pmid} ({len(full)} characters)"
                )
            annotations.append(annotation)
        metadata = {
            "pmid": pmid,
            "title": _clean(title),
            "annotations": annotations,
            "relations": entry["relations"],
        }
        docs.append((builder, metadata))
    if not docs:
        raise InputError("no PubTator documents")
    return _finish(docs, source, stem, "pubtator")


# ---------------------------------------------------------------------------------------------- plain text


def read_plain_text(text: str, source: str = "", stem: str = "document") -> list[Document]:
    """Plain text or Markdown: one Document (doc_id = file stem), sections by :func:`detect_sections`; the title
    line, when there is one, is the title in the metadata."""
    sections = detect_sections(text)
    title = next((s for s in sections if s.name == "title" and s.kind == "content"), None)
    metadata = {"format": "text"}
    if title is not None:
        metadata["title"] = _clean(text[title.start : title.end])
    return [Document(stem, text, source, sections, metadata)]


_XML_READERS: dict[str, Callable[[ET.Element, str, str], list[Document]]] = {
    "PubmedArticleSet": read_pubmed_xml,
    "PubmedArticle": read_pubmed_xml,
    "PubmedBookArticle": read_pubmed_xml,
    "article": read_jats_xml,
    "pmc-articleset": read_jats_xml,
    "collection": read_bioc_xml,
}
