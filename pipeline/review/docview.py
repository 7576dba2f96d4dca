"""The document view: the whole text with every mention highlighted by category and the claims marked.

Rendered on the server: every piece of document text goes through :func:`html.escape`, so markup inside a
document (``<script>`` in an abstract) is shown as text. When the source text cannot be rebuilt (no run report
names the file, the file moved or changed), the document's claim sentences from the evidence table are shown in
order instead, and the page says so.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from pipeline.kb import CATEGORIES
from pipeline.review.data import OutputFolder, ReviewData
from pipeline.review.decisions import Decision


def category_class(category: str) -> str:
    """CSS class of a mention category: the KB categories have their own colour, NER labels share one."""
    return f"cat-{category}" if category in CATEGORIES else "cat-other"


def _segments(length: int, spans: list[tuple[int, int, int]]) -> list[tuple[int, int, list[int]]]:
    """Cut ``[0, length)`` at every span boundary: (start, end, indexes of the spans covering the piece)."""
    cuts = {0, length}
    for start, end, _ in spans:
        cuts.update((max(0, min(start, length)), max(0, min(end, length))))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:], strict=False):
        covering = [i for start, end, i in spans if start <= a and end >= b]
        out.append((a, b, covering))
    return out


def _highlighted(text: str, offset: int, mentions: list[dict]) -> str:
    """``text`` (starting at ``offset`` in the document) as escaped HTML with the mentions marked."""
    spans = []
    for i, m in enumerate(mentions):
        start, end = m["char_start"] - offset, m["char_end"] - offset
        if 0 <= start < end <= len(text):
            spans.append((start, end, i))
    parts = []
    for a, b, covering in _segments(len(text), spans):
        piece = escape(text[a:b])
        if not covering:
            parts.append(piece)
            continue
        # The narrowest mention decides the colour; the tooltip lists them all.
        chosen = sorted(covering, key=lambda i: (mentions[i]["char_end"] - mentions[i]["char_start"], i))
        categories = list(dict.fromkeys(mentions[i]["category"] for i in chosen))
        title = "; ".join(
            f"{mentions[i]['category']}: {mentions[i]['canonical_name'] or mentions[i]['text']}"
            + (f" ({mentions[i]['ontology_id']})" if mentions[i]["ontology_id"] else "")
            for i in chosen
        )
        parts.append(
            f'<mark class="m {category_class(categories[0])}" data-categories="{escape(" ".join(categories))}" '
            f'title="{escape(title)}">{piece}</mark>'
        )
    return "".join(parts)


def _claim_open(row: dict, decision: Decision | None) -> str:
    status = decision.status if decision else "undecided"
    title = f"claim {row['claim_id']} · {row['claim_type']} · {status} · confidence {row['confidence']:.2f}"
    return f'<span class="claim status-{escape(status)}" id="claim-{escape(row["claim_id"])}" title="{escape(title)}">'


def _legend(mentions: list[dict]) -> str:
    categories = sorted({m["category"] for m in mentions}, key=lambda c: (c not in CATEGORIES, c))
    return "".join(f'<span class="m {category_class(c)}">{escape(c)}</span> ' for c in categories)


def render_document(folder: OutputFolder, data: ReviewData, doc_id: str, decisions: dict[str, Decision]) -> str | None:
    """The HTML page of one document, or None when the evidence table has no claim of it."""
    claims = data.doc_rows(doc_id)
    if not claims:
        return None
    mentions = sorted(data.mentions_by_doc.get(doc_id, []), key=lambda m: (m["char_start"], m["char_end"]))
    text, note = folder.document_text(doc_id, claims)
    first = claims[0]
    meta = [
        (label, first.get(key, ""))
        for label, key in (
            ("title", "doc_title"),
            ("authors", "doc_authors"),
            ("journal", "doc_journal"),
            ("year", "doc_year"),
            ("PMID", "doc_pmid"),
            ("PMCID", "doc_pmcid"),
            ("DOI", "doc_doi"),
        )
        if first.get(key)
    ]
    body = []
    if text is not None:
        body.append(f'<p class="note">The whole document text ({escape(note)}), {len(claims)} claims marked.</p>')
        body.append('<div class="doctext">')
        pos = 0
        for row in claims:
            start, end = row["char_start"], row["char_end"]
            if start < pos:  # overlapping claims cannot happen; never lose text if they did
                continue
            body.append(_highlighted(text[pos:start], pos, [m for m in mentions if pos <= m["char_start"] < start]))
            body.append(_claim_open(row, decisions.get(row["claim_id"])))
            body.append(_highlighted(row["sentence"], start, [m for m in mentions if start <= m["char_start"] < end]))
            body.append("</span>")
            pos = end
        body.append(_highlighted(text[pos:], pos, [m for m in mentions if m["char_start"] >= pos]))
        body.append("</div>")
    else:
        body.append(
            f'<p class="note warning">The source text of this document is not available ({escape(note)}). '
            f"Showing its {len(claims)} claim sentences from the evidence table, in order; sentences that made no "
            "claim are not shown.</p>"
        )
        body.append('<ol class="sentences">')
        for row in claims:
            start, end = row["char_start"], row["char_end"]
            sentence_mentions = [m for m in mentions if start <= m["char_start"] and m["char_end"] <= end]
            body.append(
                f'<li value="{row["sentence_index"] + 1}"><span class="section">{escape(row["section"])}</span> '
                + _claim_open(row, decisions.get(row["claim_id"]))
                + _highlighted(row["sentence"], start, sentence_mentions)
                + "</span></li>"
            )
        body.append("</ol>")
    meta_html = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in meta)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(doc_id)} · evidence review</title>"
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/review.css"></head>'
        '<body class="docview">'
        f'<header><a href="/">← evidence review</a><h1 id="doc-id">{escape(doc_id)}</h1></header>'
        f'<dl class="docmeta">{meta_html}</dl>'
        f'<p class="legend">Mentions: {_legend(mentions)}</p>' + "".join(body) + "</body></html>\n"
    )


def document_href(doc_id: str, claim_id: str = "") -> str:
    return f"/doc?id={quote(doc_id, safe='')}" + (f"#claim-{quote(claim_id, safe='')}" if claim_id else "")
