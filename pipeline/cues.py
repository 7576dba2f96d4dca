"""Cue lexicons and pattern extractors for the context of a claim (data in ``models/cues/``).

Everything a sentence says besides its entities: direction of effect, negation, hedging, the role of the
sentence, study type, dose, route, timing, citations and trial ids. The vocabularies are data; this module only
compiles and applies them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import paths

if TYPE_CHECKING:
    from pipeline.timing import TimingVocab


def phrases_re(phrases: list[str]) -> re.Pattern[str]:
    """One regex matching any phrase on word boundaries (longest first), case-insensitive."""
    ordered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!)")  # no phrases: matches nothing
    body = "|".join(re.escape(p) for p in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.IGNORECASE)


@dataclass(frozen=True)
class Lexicon:
    beneficial: re.Pattern[str]
    no_effect: re.Pattern[str]
    harmful: re.Pattern[str]
    up: re.Pattern[str]
    neutral: re.Pattern[str]
    down: re.Pattern[str]
    negation: re.Pattern[str]
    hedge: re.Pattern[str]
    aim: re.Pattern[str]
    finding: re.Pattern[str]
    method: re.Pattern[str]
    review_markers: re.Pattern[str]
    open_question: re.Pattern[str]
    study_type: dict[str, re.Pattern[str]]
    study_type_weak: dict[str, re.Pattern[str]]
    routes: list[tuple[str, re.Pattern[str]]]
    timing: TimingVocab
    polarity_up: frozenset[str]
    inverse_surfaces: frozenset[str]
    harmful_when_present: frozenset[str]
    cell_lines: list[tuple[str, str, re.Pattern[str]]]
    any_cell_line: re.Pattern[str]
    mediator_polarity: dict[str, str]
    enrolled: re.Pattern[str]
    enrolment_verbs: re.Pattern[str]


@lru_cache(maxsize=2)
def load_lexicon(cues_dir: str = "") -> Lexicon:
    from pipeline.timing import build_vocab  # timing's vocabulary is compiled with this module's phrases_re

    directory = Path(cues_dir) if cues_dir else paths.CUES_DIR
    direction = json.loads((directory / "direction.json").read_text(encoding="utf-8"))
    epistemics = json.loads((directory / "epistemics.json").read_text(encoding="utf-8"))
    context = json.loads((directory / "study_context.json").read_text(encoding="utf-8"))
    polarity = json.loads((directory / "outcome_polarity.json").read_text(encoding="utf-8"))
    lines = json.loads((directory / "cell_lines.json").read_text(encoding="utf-8"))["cell_lines"]
    return Lexicon(
        beneficial=phrases_re(direction["beneficial"]),
        no_effect=phrases_re(direction["no_effect"]),
        harmful=phrases_re(direction["harmful"]),
        up=phrases_re(direction["up"]),
        neutral=phrases_re(direction.get("neutral", [])),
        down=phrases_re(direction["down"]),
        negation=phrases_re(epistemics["negation"]),
        hedge=phrases_re(epistemics["hedge"]),
        aim=phrases_re(epistemics["aim"]),
        finding=phrases_re(epistemics["finding"]),
        method=phrases_re(epistemics["method"]),
        review_markers=phrases_re(epistemics["review_markers"]),
        open_question=phrases_re(epistemics.get("open_question", [])),
        study_type={k: phrases_re(v) for k, v in context["study_type"]["strong"].items()},
        study_type_weak={k: phrases_re(v) for k, v in context["study_type"]["weak"].items()},
        routes=[(name, phrases_re(v)) for name, v in context["routes"].items()],
        timing=build_vocab(
            context["timing"],
            [p for key in ("beneficial", "no_effect", "harmful", "up", "down") for p in direction[key]],
        ),
        polarity_up=frozenset(polarity["up"]),
        inverse_surfaces=frozenset(w.lower() for w in polarity.get("inverse_surfaces", [])),
        harmful_when_present=frozenset(polarity.get("harmful_when_present", [])),
        cell_lines=[(name, entry["species"], phrases_re(entry["forms"])) for name, entry in lines.items()],
        any_cell_line=phrases_re([form for entry in lines.values() for form in entry["forms"]]),
        enrolled=re.compile(
            r"(?<![\w.,])(?:n\s*=\s*)?(\d{1,3}(?:,\d{3})+|\d{1,6})\s+(?:(?!(?:vs|versus|of|and|or|to)\b)[^\W\d][\w-]*\s+){0,2}?(?:"
            + "|".join(re.escape(w) for w in context["enrolment"]["people"])
            + r")\b",
            re.IGNORECASE,
        ),
        enrolment_verbs=phrases_re(context["enrolment"]["verbs"]),
        mediator_polarity={
            **{m: "up" for m in polarity["mediators_up"]},
            **{m: "down" for m in polarity["mediators_down"]},
        },
    )


# ---------------------------------------------------------------------------------------------- citations

_CITATION_RE = re.compile(r"\[(\s*\d+(?:\s*[-–—,;]\s*\d+)*\s*)\]")


def citations(text: str) -> list[int]:
    """Reference numbers cited in bracket style: ``[9][10][11]`` and ``[9-11]`` both give 9, 10, 11."""
    numbers: list[int] = []
    for match in _CITATION_RE.finditer(text):
        for part in re.split(r"\s*[,;]\s*", match.group(1).strip()):
            bounds = re.split(r"\s*[-–—]\s*", part)
            if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
                lo, hi = int(bounds[0]), int(bounds[1])
                if lo <= hi and hi - lo <= 50:
                    numbers.extend(range(lo, hi + 1))
                    continue
            numbers.extend(int(b) for b in bounds if b.isdigit())
    seen: set[int] = set()
    return [n for n in numbers if not (n in seen or seen.add(n))]


# ---------------------------------------------------------------------------------------------- trial ids

_TRIAL_RE = re.compile(
    r"\b(NCT\d{8}|ISRCTN\d{8}|ChiCTR-?[A-Z]{0,4}-?\d{6,12}|EudraCT\s?\d{4}-\d{6}-\d{2}|"
    r"ACTRN\d{14}|JPRN-[A-Za-z]+\d+|IRCT\d+N\d+|CTRI/\d{4}/\d{2,3}/\d{6})\b"
)


def trial_ids(text: str) -> list[str]:
    found: list[str] = []
    for m in _TRIAL_RE.finditer(text):
        if m.group(1) not in found:
            found.append(m.group(1))
    return found


# ---------------------------------------------------------------------------------------------- doses

_NUM = r"\d+(?:[.,]\d+)?"
_POWER = (
    r"(?:\s*(?:x|×|\*|X)\s*10\s*(?:\^\s*-?\d+|\(\s*-?\d+\s*\)|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+|e\s*-?\d+|-?\d{1,2})|"
    r"\s*[eE]\s*\d+)"
)
_UNIT = (
    r"(?:cells?|particles?|EVs?|MVs?|exosomes?|microvesicles?|vesicles?|μg|µg|ug|mcg|mg|ng|g|ml|mL|μl|µl|ul|"
    r"units?|U)(?:\s*(?:/|per)\s*(?:kg|g|mouse|rat|animal|kidney|ml|mL|body weight|day|d))?"
)
_BARE_POWER = r"10\s*(?:\^\s*\d+|\(\s*\d+\s*\)|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"  # "10^6 cells": a power of ten alone
_DOSE_RE = re.compile(
    rf"(?<![\w.\-±])(?:{_NUM}(?:\s*(?:-|–|to)\s*{_NUM})?(?:{_POWER})?\s*(?:million|billion)?\s*{_UNIT}|"
    rf"{_NUM}{_POWER}(?:\s*{_UNIT})?|{_BARE_POWER}\s*{_UNIT})(?![\w-])"
)
# A measured value, not a dose: "38 ± 6 ng/mL", "12.1 ± 2.3 μg"; a cytokine concentration: "50 ng/mL IFN-γ".
_MEASURED_BEFORE = re.compile(r"(?:±|\+/-|\+\s*/\s*-)\s*$")
_CONCENTRATION = re.compile(r"ng\s*/\s*m[lL]$")
# What the number counts when no unit is written: "1 x 10^6 MSCs", "5 x 10^5 BM-MSCs", "2 x 10^9 exosomes".
_COUNTED_CELLS = re.compile(
    r"\s*(?:(?:[\w-]+\s+){0,4}?[A-Za-z-]*(?:MSCs?|SCs?)\b|(?:[\w-]+\s+){0,3}?(?:stem|stromal)?\s*cells\b)"
)
_COUNTED_VESICLES = re.compile(r"\s*[A-Za-z-]*(?:EVs?|MVs?|[Ee]xos(?:omes)?|vesicles|microvesicles)\b")


def dose_matches(text: str) -> list[re.Match[str]]:
    """The dose expressions of ``text`` (``1 x 10^6 cells``, ``2x10(6) cells/kg``, ``30 ug``, ``2.2 x 10^8
    particles``), without doses of the injuring drug or reagents (mg/kg, ml, U), measured values ("± 6 ng/mL")
    or cytokine concentrations (ng/mL)."""
    found: list[re.Match[str]] = []
    for m in _DOSE_RE.finditer(text):
        value = m.group(0).strip()
        if re.search(r"(?:^|[\d\s])(?:mg|g|ml|mL|U|units?)(?:\s*(?:/|per)\s*\w+(?: \w+)?)?$", value):
            continue  # mg/kg, ml/kg, g, U: doses of the injuring drug or reagents, not of cells or vesicles
        if _MEASURED_BEFORE.search(text, 0, m.start()) or _CONCENTRATION.search(value):
            continue
        found.append(m)
    return found


# Conditioned medium is dosed by volume or by its share of the culture medium: "200 µL of AD-MSC-CM", "MenSC-CM
# (50% v/v)", "CM at 5%, 10%, 25% or 50%". A volume counts only before the medium it measures; a percentage only
# with "v/v" or as the concentration the medium was given at.
_MEDIUM = r"(?:[\w-]*CM|conditioned medi(?:um|a)|secretome|supernatants?)"
_MEDIUM_VOLUME = re.compile(
    rf"(?<![\w.])(\d+(?:\.\d+)?\s*(?:μl|µl|ul|ml|mL|μL|µL))\s+of\s+(?:[\w-]+\s+){{0,3}}?{_MEDIUM}\b"
)
_VV_SHARE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?\s*%\s*(?:\(v/v\)|v/v))", re.I)
_MEDIUM_SHARES = re.compile(
    rf"\b{_MEDIUM}[^.;]{{0,40}}?\b(?:at|with|containing)\s+"
    r"((?:\d+(?:\.\d+)?\s*%\s*(?:,\s*(?:or\s+|and\s+)?|\s+(?:or|and)\s+))*\d+(?:\.\d+)?\s*%)"
    r"(?!\s*(?:of|reduction|decrease|increase|lower|higher))",
    re.I,
)


def medium_doses(text: str) -> list[tuple[str, float, str]]:
    """Doses of conditioned medium as (written, value, unit): volumes ("200 µL") and shares ("50% v/v")."""
    written = [m.group(1) for m in _MEDIUM_VOLUME.finditer(text)] + [m.group(1) for m in _VV_SHARE.finditer(text)]
    for m in _MEDIUM_SHARES.finditer(text):
        written += [
            s.group(0)
            for s in re.finditer(r"\d+(?:\.\d+)?\s*%", m.group(1))
            if not any(s.group(0) in w for w in written)
        ]
    parsed = [(dose, *dose_value(dose)) for dose in written]
    return [(dose, value, unit) for dose, value, unit in parsed if value is not None]


def doses(text: str) -> list[str]:
    """Dose expressions as written, once each: ``1 x 10^6 cells``, ``2x10(6) cells/kg``, ``30 ug``."""
    return list(dict.fromkeys(m.group(0).strip() for m in dose_matches(text)))


def parsed_doses(text: str) -> list[tuple[str, float, str]]:
    """(dose as written, value, unit) of each dose in ``text``; a count with no unit takes what it counts from
    the words after it: "1 x 10^6 MSCs" -> cells, "2 x 10^9 exosomes" -> EVs."""
    found: dict[str, tuple[str, float, str]] = {}
    for m in dose_matches(text):
        written = m.group(0).strip()
        value, unit = dose_value(written)
        if value is None or written in found:
            continue
        if not unit:
            after = text[m.end() : m.end() + 60]
            if _COUNTED_VESICLES.match(after):
                unit = "EVs"
            elif _COUNTED_CELLS.match(after):
                unit = "cells"
            if unit and re.match(r"\s*\S+\s*(?:/|per)\s*kg\b", after):
                unit += "/kg"
        found[written] = (written, value, unit)
    for dose in medium_doses(text):
        found.setdefault(dose[0], dose)
    return list(found.values())


# ---------------------------------------------------------------------------------------------- routes


# "subcutaneous fat", "intraperitoneal adipose tissue": a place the cells came from, not a route.
ANATOMICAL_AFTER = re.compile(r"\s+(?:white\s+|visceral\s+)?(?:fat|adipose|tissues?|depots?)\b", re.I)


# Routes whose words never name a place in the body a tissue comes from ("intravenous adipose-derived MSCs").
VASCULAR_ROUTES = {"intravenous", "intra-arterial"}


# "subcapsular haematomas", "intrarenal thrombosis", "venous blood", "intrarenal oxygenation", "subcutaneous LLC
# tumors": a place in the body where something was found, measured or grown, not how the therapy was given
FINDING_PLACE_AFTER = re.compile(
    r"\s+(?:haematomas?|hematomas?|ha?emorrhages?|bleeding|thrombosis|thrombi|fibrosis|inflammation|infarcts?|"
    r"infarction|oxygenation|hypoxia|pressure|blood|flow|perfusion|scars?|adhesions?|abscess(?:es)?|congestion|"
    r"return|outflow|haematuria|hematuria|vasculature|microvasculature|resistance|"
    r"(?:[\w-]+\s+){0,3}(?:tumou?rs?|xenografts?|carcinomas?))\b",  # "subcutaneous Lewis lung carcinoma tumors"
    re.I,
)


def route_matches(text: str, lexicon: Lexicon) -> list[tuple[str, int, int]]:
    """Every route phrase in ``text`` as (canonical route, start, end), in text order; a route word that names a
    tissue ("subcutaneous fat") or the place of a finding ("subcapsular haematomas") is not a route."""
    found = [
        (name, m.start(), m.end())
        for name, pattern in lexicon.routes
        for m in pattern.finditer(text)
        if (name in VASCULAR_ROUTES or not ANATOMICAL_AFTER.match(text, m.end()))
        and not FINDING_PLACE_AFTER.match(text, m.end())
    ]
    return sorted(found, key=lambda x: x[1])


# ---------------------------------------------------------------------------------------------- dose values

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_UNIT_NAMES = (
    ("cells/kg", r"cells?\s*(?:/|per)\s*kg"),
    ("cells", r"cells?"),
    ("particles", r"particles?"),
    ("ug/kg", r"(?:μg|µg|ug|mcg)\s*(?:/|per)\s*kg"),
    ("ug", r"μg|µg|ug|mcg"),
    ("ng", r"ng"),
    ("EVs", r"EVs?|vesicles?|exosomes?|microvesicles?|MVs?"),
    ("ul", r"μl|µl|ul|μL|µL|uL"),
    ("ml", r"m[lL]"),
    ("% v/v", r"%"),  # a share of conditioned medium in the culture medium
)


def dose_value(dose: str) -> tuple[float | None, str]:
    """(value, unit) of a dose as written: ``2x10(6) cells/kg`` -> (2000000.0, "cells/kg"), ``30 ug`` -> (30, "ug")."""
    text = dose.translate(_SUPERSCRIPT).replace(",", ".")
    if re.match(rf"\s*{_BARE_POWER}", dose):
        text = f"1 x {text}"  # "10^6 cells", "10⁶ cells": one times a power of ten
    m = re.match(r"\s*(\d+(?:\.\d+)?)", text)
    if not m:
        return None, ""
    value = float(m.group(1))
    rest = text[m.end() :]
    power = re.match(r"\s*(?:(?:-|–|to)\s*\d+(?:\.\d+)?\s*)?(?:x|×|\*|X)?\s*10\s*(?:\^\s*|\(\s*|e)?(-?\d+)\)?", rest)
    if power and re.search(r"[x×*X^(]|10\s*-?\d", rest[: power.end()]):
        value *= 10 ** int(power.group(1))
        rest = rest[power.end() :]
    elif re.match(r"\s*[eE]\s*(\d+)", rest):
        e = re.match(r"\s*[eE]\s*(\d+)", rest)
        value *= 10 ** int(e.group(1))
        rest = rest[e.end() :]
    if re.match(r"\s*million", rest):
        value *= 1e6
    elif re.match(r"\s*billion", rest):
        value *= 1e9
    unit = next((name for name, pattern in _UNIT_NAMES if re.search(rf"(?<![\w])(?:{pattern})(?![\w])", rest)), "")
    if unit and not unit.endswith("/kg") and re.search(r"(?:/|per)\s*kg\b", rest):
        unit += "/kg"  # "5 x 10^9 particles/kg"
    return float(f"{value:.6g}"), unit


# ---------------------------------------------------------------------------------------------- study details


def cell_lines(text: str, lexicon: Lexicon) -> list[tuple[str, str]]:
    """(cell line, species of origin) named in the text."""
    if not lexicon.any_cell_line.search(text):  # one pass for the common case: no cell line at all
        return []
    return [(name, species) for name, species, pattern in lexicon.cell_lines if pattern.search(text)]


_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


def trial_phases(text: str) -> list[str]:
    """Trial phases stated: ``phase 2``, ``phase II``, ``phase I/II`` -> ``2``, ``2``, ``1/2``."""
    found: list[str] = []
    for m in re.finditer(r"\bphase\s*(i{1,3}v?|[1-4])(?:\s*[/-]\s*(i{1,3}v?|[1-4]))?\b", text, re.I):
        parts = [_ROMAN.get(g.lower(), g) for g in m.groups() if g]
        value = "/".join(parts)
        if value not in found:
            found.append(value)
    return found


def patient_counts(text: str, lexicon: Lexicon) -> list[int]:
    """Numbers of patients enrolled: ``156 patients were randomized``, ``42 adults with stage 3 AKI were
    enrolled``, ``n = 18 participants received``. A count of events ("AKI occurred in 11 of 73 patients", "in 7
    patients", "4 vs 1 patients") or a sentence that enrols no one gives none."""
    if not lexicon.enrolment_verbs.search(text):
        return []
    found: list[int] = []
    for m in lexicon.enrolled.finditer(text):
        before = text[max(0, m.start() - 14) : m.start()]
        after = text[m.end() : m.end() + 40]
        if re.search(r"\b(?:in|of|vs\.?|versus)\s*$", before, re.I) and not re.search(
            r"\btotal\s+of\s*$", before, re.I
        ):
            continue  # "in 7 patients", "11 of 73 patients", "4 vs 1 patients": events
        if re.match(r"[^.;]*?\b(?:screened|assessed|excluded|eligible|declined)\b", after, re.I):
            continue  # "1,200 patients were screened"
        number = int(m.group(1).replace(",", ""))
        if number not in found:
            found.append(number)
    return found
