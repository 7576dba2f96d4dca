"""Reference lists of reviews: find the list in the text, parse its entries, and join them to citations.

Entries are numbered (``1 Bonventre JV, Yang L. Title. J Clin Invest 2011; 121: 4210-4221 [PMID: 22045571
DOI: 10.1172/JCI45161]``, ``[1] ...``, ``1. ...``). Each gives number, authors, year, title, journal, PMID and
DOI where present; a field that cannot be read is left empty rather than guessed.
"""

from __future__ import annotations

import re

HEADING = re.compile(r"^[ \t]*(?:REFERENCES|References|Bibliography|Literature cited)[ \t]*:?[ \t]*$", re.MULTILINE)
ENTRY = re.compile(r"^[ \t]*\[?(\d{1,4})[\].)]?[ \t]+(?=[A-Z])", re.MULTILINE)
PMID = re.compile(r"PMID:?\s*(\d{4,9})", re.I)
DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\]\[;,]+)", re.I)
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
AUTHORS = re.compile(
    r"^((?:[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)*\s[A-Z]{1,3},\s)*[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)*"
    r"\s[A-Z]{1,3}(?:,?\s+et al)?)\.\s"
)


def find_reference_list(text: str) -> tuple[int, int] | None:
    """Character span of the reference list (after a References heading), or None."""
    heading = None
    for m in HEADING.finditer(text):
        heading = m  # the last such heading: a references section ends the document
    if heading is None:
        return None
    return heading.end(), len(text)


def parse_references(text: str) -> list[dict]:
    """Entries of the reference list of ``text`` (empty when the document has none)."""
    span = find_reference_list(text)
    if span is None:
        return []
    body = text[span[0] : span[1]]
    starts = list(ENTRY.finditer(body))
    entries = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        raw = " ".join(body[m.end() : end].split())
        entries.append(parse_entry(int(m.group(1)), raw))
    return entries


def parse_entry(number: int, raw: str) -> dict:
    """One reference: authors, title, journal, year, PMID, DOI (empty where not present)."""
    pmid = PMID.search(raw)
    doi = DOI.search(raw)
    core = re.sub(r"\[(?:PMID|DOI)[^\]]*\]", "", raw).strip()
    authors = title = journal = ""
    m = AUTHORS.match(core)
    rest = core
    if m:
        authors = m.group(1)
        rest = core[m.end() :]
    parts = re.split(r"(?<=[a-z0-9)\]?])\.\s+(?=[A-Z])", rest, maxsplit=1)
    if len(parts) == 2:
        title, after = parts[0].strip(), parts[1].strip()
        year = YEAR.search(after)
        journal = after[: year.start()].strip(" ,.;") if year else after.split(";")[0].strip(" .")
    year = YEAR.search(rest) or YEAR.search(core)
    return {
        "number": number,
        "authors": authors,
        "year": int(year.group(1)) if year else 0,
        "title": title,
        "journal": journal,
        "pmid": pmid.group(1) if pmid else "",
        "doi": doi.group(1).rstrip(".") if doi else "",
        "text": raw,
    }


def label(entry: dict) -> str:
    """Short form shown beside a citing claim: ``9: Bruno 2009``."""
    first = entry["authors"].split(",")[0].split(" ")[0] if entry["authors"] else ""
    year = str(entry["year"]) if entry["year"] else ""
    return f"{entry['number']}: {' '.join(x for x in (first, year) if x)}".rstrip(": ")
