"""``evidence report``: one self-contained HTML page summarizing an output folder.

Inline CSS and inline SVG only: no script, no font, no image, no network (a Content-Security-Policy forbids any
fetch). Every value from the tables is HTML-escaped. Sections: counts of claims by cell source x injury model
(heatmap), effect directions per outcome (stacked bars), studies per publication year and per species, and the
table of study arms.
"""

from __future__ import annotations

import argparse
import html
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipeline import __version__, paths
from pipeline.export import ExportError, load_outputs
from pipeline.outputs import write_text
from pipeline.schema import DIRECTIONS

NOT_STATED = "not stated"
UNKNOWN_YEAR = "unknown"
#: Colour of each effect direction (colour-blind-safe enough with the legend's labels).
DIRECTION_COLOURS = {
    "beneficial": "#1a9850",
    "no_effect": "#9e9e9e",
    "harmful": "#d73027",
    "mixed": "#f28e2b",
    "unclear": "#7b68ae",
}
HEAT_LOW, HEAT_HIGH = (239, 243, 255), (8, 48, 107)
BAR_COLOUR = "#3a6ea5"
CHAR_W = 7.4  # approximate width of one 12px sans-serif character, for label margins
MAX_LABEL = 38

CSS = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 24px auto;
  max-width: 1180px; padding: 0 16px; color: #1d2733; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #d8dee6; padding-bottom: 4px; }
p.meta, p.note { color: #55606e; margin: 4px 0 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #d8dee6; border-radius: 6px; padding: 8px 14px; min-width: 110px; background: #f7f9fb; }
.card b { display: block; font-size: 22px; }
.row { display: flex; flex-wrap: wrap; gap: 24px; }
.row > div { flex: 1 1 460px; }
svg { max-width: 100%; height: auto; }
svg text { font-family: system-ui, "DejaVu Sans", sans-serif; font-size: 12px; fill: #1d2733; }
svg text.in { fill: #fff; }
svg text.in.dark { fill: #1d2733; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #e3e8ee; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eef2f6; position: sticky; top: 0; }
tr:nth-child(even) td { background: #fafbfc; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; color: #fff; font-size: 12px; }
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _label_width(labels: Iterable[str]) -> float:
    return max((len(_short(x)) for x in labels), default=4) * CHAR_W + 12


def _mix(t: float) -> str:
    r, g, b = (round(lo + (hi - lo) * t) for lo, hi in zip(HEAT_LOW, HEAT_HIGH, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _top(counter: Counter[str], n: int, keep_last: Sequence[str] = ()) -> list[str]:
    """The n most frequent keys (ties by name), with ``keep_last`` keys moved to the end when present."""
    ranked = sorted((k for k in counter if k not in keep_last), key=lambda k: (-counter[k], k))[:n]
    return ranked + [k for k in keep_last if k in counter]


# ------------------------------------------------------------------------------------------------ data


def heatmap_counts(evidence: pd.DataFrame) -> tuple[Counter[tuple[str, str]], int]:
    """Claims per (cell source, injury model); a claim counts once per pair. Claims with neither are left out."""
    pairs: Counter[tuple[str, str]] = Counter()
    left_out = 0
    for sources, models in zip(evidence["cell_source"], evidence["injury_model"], strict=True):
        if not sources and not models:
            left_out += 1
            continue
        for pair in {(s, m) for s in (sources or [NOT_STATED]) for m in (models or [NOT_STATED])}:
            pairs[pair] += 1
    return pairs, left_out


def outcome_direction_counts(evidence: pd.DataFrame) -> dict[str, Counter[str]]:
    """Claims per outcome and direction, from ``outcome_effects`` (``outcome:direction``).

    A claim without outcome_effects (tables written before the column existed) gives each of its outcomes the
    claim's effect_direction.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    rows = zip(evidence["outcome_effects"], evidence["outcomes"], evidence["effect_direction"], strict=True)
    for effects, outcomes, direction in rows:
        items = effects or [f"{o}:{direction}" for o in outcomes]
        for item in dict.fromkeys(items):
            outcome, _, direction = item.rpartition(":")
            if outcome and direction in DIRECTION_COLOURS:
                counts[outcome][direction] += 1
    return counts


def study_documents(evidence: pd.DataFrame, studies: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """One row per study document (doc_id, year, species), from the study arms, else from the claims."""
    if len(studies):
        source, frame = "study arms (studies table)", studies
    else:
        source, frame = "claims (the studies table is empty)", evidence
    rows: dict[str, dict[str, object]] = {}
    for doc_id, year, species in zip(frame["doc_id"], frame["doc_year"], frame["species"], strict=True):
        row = rows.setdefault(doc_id, {"doc_id": doc_id, "year": "", "species": set()})
        row["year"] = row["year"] or str(year).strip()
        row["species"].update(species)  # type: ignore[union-attr]
    docs = pd.DataFrame(list(rows.values()), columns=["doc_id", "year", "species"])
    return docs, source


# ------------------------------------------------------------------------------------------------ SVG


def svg_heatmap(pairs: Counter[tuple[str, str]], max_rows: int = 14, max_cols: int = 12) -> str:
    by_source: Counter[str] = Counter()
    by_model: Counter[str] = Counter()
    for (s, m), n in pairs.items():
        by_source[s] += n
        by_model[m] += n
    rows = _top(by_source, max_rows, keep_last=(NOT_STATED,))
    cols = _top(by_model, max_cols, keep_last=(NOT_STATED,))
    cell = 44
    left = _label_width(rows)
    top = min(_label_width(cols), 200) * 0.72 + 16
    width, height = left + cell * len(cols) + top, top + cell * len(rows) + 10  # room for the last rotated label
    peak = max((pairs[(s, m)] for s in rows for m in cols), default=1) or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" aria-label="claims by cell source and injury model">'
    ]
    for j, model in enumerate(cols):
        x, y = left + j * cell + cell / 2, top - 6
        out.append(
            f'<text transform="translate({x:.1f},{y:.1f}) rotate(-45)" text-anchor="start">'
            f"<title>{esc(model)}</title>{esc(_short(model))}</text>"
        )
    for i, source in enumerate(rows):
        y = top + i * cell
        out.append(
            f'<text x="{left - 8:.1f}" y="{y + cell / 2 + 4:.1f}" text-anchor="end">'
            f"<title>{esc(source)}</title>{esc(_short(source))}</text>"
        )
        for j, model in enumerate(cols):
            n = pairs.get((source, model), 0)
            x = left + j * cell
            fill = _mix(n / peak) if n else "#f6f7f9"
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell - 2}" height="{cell - 2}" fill="{fill}" rx="3">'
                f"<title>{esc(source)} × {esc(model)}: {n} claims</title></rect>"
            )
            if n:
                dark = " dark" if n / peak < 0.5 else ""
                out.append(
                    f'<text class="in{dark}" x="{x + cell / 2 - 1:.1f}" y="{y + cell / 2 + 4:.1f}" '
                    f'text-anchor="middle">{n}</text>'
                )
    out.append("</svg>")
    return "".join(out)


def svg_stacked_bars(counts: dict[str, Counter[str]], max_rows: int = 16) -> str:
    totals = Counter({k: sum(v.values()) for k, v in counts.items()})
    outcomes = _top(totals, max_rows)
    left, bar_h, gap, span = _label_width(outcomes), 20, 8, 520
    peak = max((totals[o] for o in outcomes), default=1) or 1
    width, height = left + span + 50, 30 + len(outcomes) * (bar_h + gap)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" aria-label="effect directions per outcome">'
    ]
    for i, outcome in enumerate(outcomes):
        y = 10 + i * (bar_h + gap)
        out.append(
            f'<text x="{left - 8:.1f}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="end">'
            f"<title>{esc(outcome)}</title>{esc(_short(outcome))}</text>"
        )
        x = left
        for direction in DIRECTIONS:
            n = counts[outcome].get(direction, 0)
            if not n:
                continue
            w = span * n / peak
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{DIRECTION_COLOURS[direction]}">'
                f"<title>{esc(outcome)}: {n} {esc(direction)}</title></rect>"
            )
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + bar_h / 2 + 4:.1f}">{totals[outcome]}</text>')
    out.append("</svg>")
    return "".join(out)


def svg_columns(counts: Sequence[tuple[str, int]], label: str) -> str:
    """Vertical bars (one per category, in the given order)."""
    bar_w, gap, chart_h = 34, 10, 180
    width = max(60 + len(counts) * (bar_w + gap), 200)
    height = chart_h + 70
    peak = max((n for _, n in counts), default=1) or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{esc(label)}">',
        f'<line x1="20" y1="{chart_h + 20}" x2="{width - 10}" y2="{chart_h + 20}" stroke="#9aa5b1"/>',
    ]
    for i, (name, n) in enumerate(counts):
        x = 30 + i * (bar_w + gap)
        h = chart_h * n / peak
        y = chart_h + 20 - h
        fill = "#b8c2cc" if name == UNKNOWN_YEAR else BAR_COLOUR
        out.append(
            f'<rect x="{x}" y="{y:.1f}" width="{bar_w}" height="{h:.1f}" fill="{fill}">'
            f"<title>{esc(name)}: {n}</title></rect>"
            f'<text x="{x + bar_w / 2}" y="{y - 4:.1f}" text-anchor="middle">{n}</text>'
            f'<text transform="translate({x + bar_w / 2},{chart_h + 34}) rotate(-40)" text-anchor="end">'
            f"{esc(_short(name))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def svg_bars(counts: Sequence[tuple[str, int]], label: str) -> str:
    """Horizontal bars (one per category, in the given order)."""
    left, bar_h, gap, span = _label_width(n for n, _ in counts), 18, 6, 360
    peak = max((n for _, n in counts), default=1) or 1
    width, height = left + span + 50, 20 + len(counts) * (bar_h + gap)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" aria-label="{esc(label)}">'
    ]
    for i, (name, n) in enumerate(counts):
        y = 10 + i * (bar_h + gap)
        w = span * n / peak
        out.append(
            f'<text x="{left - 8:.1f}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="end">'
            f"<title>{esc(name)}</title>{esc(_short(name))}</text>"
            f'<rect x="{left:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BAR_COLOUR}">'
            f"<title>{esc(name)}: {n}</title></rect>"
            f'<text x="{left + w + 6:.1f}" y="{y + bar_h / 2 + 4:.1f}">{n}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def legend() -> str:
    items = "".join(
        f'<span><i style="background:{colour}"></i>{esc(name)}</span>' for name, colour in DIRECTION_COLOURS.items()
    )
    return f'<p class="legend">{items}</p>'


# ------------------------------------------------------------------------------------------------ page


def _cards(items: Sequence[tuple[str, int]]) -> str:
    return '<div class="cards">' + "".join(f'<div class="card"><b>{n}</b>{esc(k)}</div>' for k, n in items) + "</div>"


def _join(values: Iterable[object]) -> str:
    return esc("; ".join(str(v) for v in values))


def studies_table(studies: pd.DataFrame) -> str:
    if not len(studies):
        return '<p class="note">No study arms in this folder (the studies table is empty or absent).</p>'
    frame = studies.assign(_year=studies["doc_year"].map(lambda y: str(y) or "")).sort_values(
        ["_year", "doc_id", "arm_id"], ascending=[False, True, True]
    )
    head = (
        "<tr><th>document</th><th>year</th><th>study type</th><th>species</th><th>injury model</th>"
        "<th>product</th><th>cell source</th><th>dose</th><th>route</th><th>timing</th><th>direction</th>"
        "<th>claims</th></tr>"
    )
    body = []
    for row in frame.to_dict("records"):
        title = row["doc_title"] or row["doc_id"]
        colour = DIRECTION_COLOURS.get(row["effect_direction"], "#777")
        body.append(
            "<tr>"
            f'<td title="{esc(row["doc_id"])}">{esc(title)}</td>'
            f"<td>{esc(row['doc_year'] or UNKNOWN_YEAR)}</td>"
            f"<td>{esc(row['study_type'])}</td>"
            f"<td>{_join(row['species'])}</td>"
            f"<td>{_join(row['injury_model'])}</td>"
            f"<td>{esc(row['cell_product'])}</td>"
            f"<td>{_join(row['cell_source'])}</td>"
            f"<td>{_join(row['dose'])}</td>"
            f"<td>{_join(row['route'])}</td>"
            f"<td>{_join(row['timing'])}</td>"
            f'<td><span class="badge" style="background:{colour}">{esc(row["effect_direction"])}</span></td>'
            f"<td>{len(row['claim_ids'])}</td>"
            "</tr>"
        )
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def build_report(out_dir: Path, generated_at: str | None = None) -> str:
    """The report's HTML for the output folder ``out_dir``."""
    tables = load_outputs(out_dir)
    evidence, studies = tables["evidence"], tables["studies"]
    generated_at = generated_at or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    documents = sorted(set(evidence["doc_id"]) | set(studies["doc_id"]))
    findings = int((evidence["claim_type"] == "finding").sum()) if len(evidence) else 0

    pairs, left_out = heatmap_counts(evidence)
    heat = svg_heatmap(pairs) if pairs else '<p class="note">No claim names a cell source or an injury model.</p>'
    outcomes = outcome_direction_counts(evidence)
    bars = svg_stacked_bars(outcomes) if outcomes else '<p class="note">No claim states a direction per outcome.</p>'

    docs, docs_source = study_documents(evidence, studies)
    years = Counter(y if y else UNKNOWN_YEAR for y in docs["year"])
    year_order = sorted((y for y in years if y != UNKNOWN_YEAR), key=lambda y: (not y.isdigit(), y))
    year_counts = [(y, years[y]) for y in year_order] + (
        [(UNKNOWN_YEAR, years[UNKNOWN_YEAR])] if years[UNKNOWN_YEAR] else []
    )
    if not len(docs):
        year_note = "No documents."
    elif not year_order:
        year_note = "Year unknown for every document: the inputs gave no publication year (doc_year is empty)."
    elif years[UNKNOWN_YEAR]:
        year_note = f"Year unknown for {years[UNKNOWN_YEAR]} of {len(docs)} documents (the input gave none)."
    else:
        year_note = f"Publication year from doc_year, for all {len(docs)} documents."
    species = Counter(s for row in docs["species"] for s in (row or {NOT_STATED}))
    species_counts = [(s, species[s]) for s in _top(species, 20, keep_last=(NOT_STATED,))]

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>MSC-AKI evidence report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>MSC therapy for acute kidney injury: evidence report</h1>",
        f'<p class="meta">Output folder <code>{esc(out_dir)}</code> · generated {esc(generated_at)} · '
        f"evidence pipeline {esc(__version__)}</p>",
        _cards(
            [
                ("documents", len(documents)),
                ("claims", len(evidence)),
                ("findings", findings),
                ("study arms", len(studies)),
                ("mentions", len(tables["mentions"])),
                ("references", len(tables["references"])),
            ]
        ),
        "<h2>Claims by cell source and injury model</h2>",
        f'<p class="note">Number of claims naming each pair; a claim counts once per pair. "{NOT_STATED}" when the '
        f"claim names one but not the other; {left_out} claims name neither and are left out.</p>",
        heat,
        "<h2>Effect directions per outcome</h2>",
        '<p class="note">Claims per outcome (the 16 most frequent), by the direction stated for that outcome '
        "(outcome_effects; the claim's effect_direction when a claim has none).</p>",
        legend(),
        bars,
        '<div class="row"><div>',
        "<h2>Studies per year</h2>",
        f'<p class="note">Documents with {esc(docs_source)}, by publication year. {esc(year_note)}</p>',
        svg_columns(year_counts, "studies per year") if year_counts else "",
        "</div><div>",
        "<h2>Studies per species</h2>",
        f'<p class="note">Documents with {esc(docs_source)} per species studied (a document may count under '
        "several).</p>",
        svg_bars(species_counts, "studies per species") if species_counts else "",
        "</div></div>",
        f"<h2>Study arms ({len(studies)})</h2>",
        studies_table(studies),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_report(out_dir: Path, out_path: Path | None = None) -> Path:
    out_path = out_path or out_dir / "report.html"
    write_text(out_path, build_report(out_dir))
    return out_path


# ------------------------------------------------------------------------------------------------ CLI


def add_report_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.description = (
        "Write one self-contained HTML page (inline CSS and SVG, no network) summarizing an output folder: "
        "claims by cell source x injury model, effect directions per outcome, studies per year and species, and "
        "the table of study arms."
    )
    parser.add_argument(
        "--from",
        dest="from_dir",
        type=Path,
        default=paths.OUTPUTS_DIR,
        metavar="OUTPUT_DIR",
        help="output folder of `evidence extract` (default: outputs/)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="the HTML file (default: OUTPUT_DIR/report.html)"
    )
    return parser


def main_report(args: argparse.Namespace) -> int:
    """Run ``evidence report``: 0 on success, 2 when the output folder has no evidence table."""
    try:
        path = write_report(Path(args.from_dir), args.out)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main_report(add_report_arguments(argparse.ArgumentParser(prog="evidence report")).parse_args()))
