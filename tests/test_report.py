"""pipeline.report: the HTML page's content, its escaping, and how headless Chromium renders it."""

from __future__ import annotations

import argparse
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_export import arm, claim, mention, reference, write_outputs

from pipeline import report as rp

EVIL = "<script>alert('x')</script> & \"co\""


def report_tables() -> dict[str, list[dict[str, Any]]]:
    """Three documents (2012, 2015, no year), three species, every direction, and text that must be escaped."""
    return {
        "evidence": [
            claim("c1", "d1"),
            claim(
                "c2",
                "d1",
                cell_source=["<b>evil</b> marrow"],
                outcome_effects=["serum creatinine:harmful", "apoptosis:mixed"],
                effect_direction="mixed",
            ),
            claim("c3", "d2", species=["mouse"], doc_year="2015", injury_model=["ischemia-reperfusion"]),
            claim(
                "c4",
                "d3",
                species=["human"],
                study_type="clinical",
                doc_year="",
                doc_title=EVIL,
                cell_source=[],
                injury_model=[],
                outcome_effects=["mortality:no_effect", "dialysis:unclear"],
                outcomes=["mortality", "dialysis"],
                outcomes_ids=["", ""],
            ),
        ],
        "mentions": [mention("d1", "c1", 10, "cell_product:msc")],
        "studies": [
            arm("a1", "d1", ["c1", "c2"], cell_source=["<b>evil</b> marrow"]),
            arm("a2", "d2", ["c3"], species=["mouse"], doc_year="2015", effect_direction="no_effect"),
            arm("a3", "d3", ["c4"], species=["human"], doc_year="", doc_title=EVIL, effect_direction="harmful"),
        ],
        "references": [reference("d1", 1, ["c1"])],
    }


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    return write_outputs(tmp_path / "outputs", report_tables())


# ------------------------------------------------------------------------------------------------ content


def test_counts_behind_the_charts(outputs: Path) -> None:
    from pipeline.export import load_outputs

    tables = load_outputs(outputs)
    pairs, left_out = rp.heatmap_counts(tables["evidence"])
    assert pairs == {
        ("bone marrow", "cisplatin"): 1,
        ("<b>evil</b> marrow", "cisplatin"): 1,
        ("bone marrow", "ischemia-reperfusion"): 1,
    }
    assert left_out == 1
    outcomes = rp.outcome_direction_counts(tables["evidence"])
    assert outcomes["serum creatinine"] == {"beneficial": 2, "harmful": 1}
    assert outcomes["mortality"] == {"no_effect": 1}
    docs, source = rp.study_documents(tables["evidence"], tables["studies"])
    assert source.startswith("study arms")
    assert dict(zip(docs["doc_id"], docs["year"], strict=True)) == {"d1": "2012", "d2": "2015", "d3": ""}


def test_outcomes_without_outcome_effects_take_the_claim_direction() -> None:
    frame = pd.DataFrame(
        {"outcome_effects": [[], ["a:harmful"]], "outcomes": [["a", "b"], ["a"]], "effect_direction": ["mixed", "x"]}
    )
    assert rp.outcome_direction_counts(frame) == {"a": {"mixed": 1, "harmful": 1}, "b": {"mixed": 1}}


def test_page_is_self_contained_and_escaped(outputs: Path) -> None:
    page = rp.build_report(outputs, generated_at="2026-01-01 00:00 UTC")
    assert page.startswith("<!DOCTYPE html>")
    # no script, no external resource of any kind
    assert "<script" not in page.lower()
    assert not re.search(r"<(link|img|iframe|object|embed)\b|@import|url\(|src=", page, re.IGNORECASE)
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}
    assert "default-src 'none'" in page
    # every value escaped
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;co&quot;" in page
    assert "<b>evil</b>" not in page and "&lt;b&gt;evil&lt;/b&gt; marrow" in page
    # the sections and their numbers
    for heading in (
        "Claims by cell source and injury model",
        "Effect directions per outcome",
        "Studies per year",
        "Studies per species",
        "Study arms (3)",
    ):
        assert heading in page
    assert page.count("<svg") == 4
    assert "<title>bone marrow × cisplatin: 1 claims</title>" in page
    assert "<title>serum creatinine: 2 beneficial</title>" in page
    assert "<title>2012: 1</title>" in page and "<title>2015: 1</title>" in page and "<title>unknown: 1</title>" in page
    assert "Year unknown for 1 of 3 documents" in page
    assert "<title>mouse: 1</title>" in page
    assert page.count("<tr>") == 4  # header + 3 arms


def test_unknown_years_are_said_unknown(tmp_path: Path) -> None:
    tables = report_tables()
    for rows in (tables["evidence"], tables["studies"]):
        for row in rows:
            row["doc_year"] = ""
    page = rp.build_report(write_outputs(tmp_path / "o", tables))
    assert "Year unknown for every document" in page
    assert "<title>unknown: 3</title>" in page


def test_cli(outputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = rp.add_report_arguments(argparse.ArgumentParser(prog="evidence report"))
    assert rp.main_report(parser.parse_args(["--from", str(outputs)])) == 0
    assert (outputs / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    out = tmp_path / "elsewhere" / "r.html"
    assert rp.main_report(parser.parse_args(["--from", str(outputs), "--out", str(out)])) == 0
    assert out.exists() and f"wrote {out}" in capsys.readouterr().out
    assert rp.main_report(parser.parse_args(["--from", str(tmp_path / "none")])) == 2
    assert "no such output folder" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------ rendering


def decode_png(data: bytes) -> tuple[int, int, list[bytes], int]:
    """Width, height, unfiltered rows and bytes per pixel of an 8-bit RGB/RGBA non-interlaced PNG (zlib only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, (depth, colour_type, interlace)
    bpp = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(b"".join(idat)), width * bpp
    prev, rows = bytearray(stride), []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev, strict=True))
        elif kind == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif kind == 4:
            for i in range(stride):
                a, b = (line[i - bpp] if i >= bpp else 0), prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows, bpp


def _chromium() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _near(colours: Counter[tuple[int, ...]], hex_colour: str, tolerance: int = 6) -> int:
    target = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(n for c, n in colours.items() if all(abs(a - b) <= tolerance for a, b in zip(c, target, strict=True)))


def test_headless_chromium_renders_the_report(outputs: Path, tmp_path: Path) -> None:
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no headless Chromium (/usr/bin/chromium; Debian: apt-get install -y chromium)")
    page = rp.write_report(outputs, tmp_path / "report.html")
    png = tmp_path / "shot.png"
    width, height = 1200, 1500
    result = subprocess.run(
        [
            chromium,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--window-size={width},{height}",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert png.exists(), f"no screenshot: exit {result.returncode}\n{result.stderr[-2000:]}"
    w, h, rows, bpp = decode_png(png.read_bytes())
    assert (w, h) == (width, height)
    colours: Counter[tuple[int, ...]] = Counter()
    for row in rows:
        colours.update(tuple(row[i : i + 3]) for i in range(0, len(row), bpp))
    assert len(colours) > 50, f"only {len(colours)} colours: blank page?"
    white = colours[(255, 255, 255)]
    assert white < 0.97 * w * h, "the page is almost all white"
    # the charts were drawn: direction colours of the stacked bars, the bar colour, the heatmap's darkest cell
    for colour in (rp.DIRECTION_COLOURS["beneficial"], rp.DIRECTION_COLOURS["harmful"], rp.BAR_COLOUR):
        assert _near(colours, colour) > 100, f"{colour} not on the page"
    assert _near(colours, "#{:02x}{:02x}{:02x}".format(*rp.HEAT_HIGH)) > 100
