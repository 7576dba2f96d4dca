"""When a therapy was given, relative to the injury, read from one sentence.

The vocabulary is data (``models/cues/study_context.json``, ``timing``); this module assembles it into patterns and
reads a sentence into (phrase as written, normalized value) pairs. The values are the documented vocabulary:
``before injury``, ``at injury``, ``<N> <unit> after injury`` (unit ``min``, ``h``, ``d``, ``wk``), ``after
injury`` when no delay is given, and ``repeated`` in addition when the therapy is given more than once.

What counts, in short:

- a delay before a relation word and an event: "24 h after reperfusion", "One hour after the start of bacteraemia",
  "24 h post-CLP", "on day 3 after glycerol"; a delay "later" ("and, 2 h later, ADSCs") counts from the injury
  named before it;
- several delays: "at 1 h (early) or 12 h (late) after CLP" are two arms (two values); "24 h and 72 h later" is
  one arm given twice (the first delay and ``repeated``);
- a delay after the therapy itself ("6 h after its second infusion", "3 days after MSC injection") is follow-up,
  not a treatment time, and a delay "within 24 h of AKI diagnosis" is ``after injury``;
- a bare "after cisplatin" / "before ischemia" counts only beside a verb that gives the therapy ("MSCs given after
  AKI"), not in "improved renal function after cisplatin";
- a repeat cue ("daily", "on days 1 and 3", "two infusions, 48 h apart", "again on day 4") counts unless the
  injury agent is what is repeated ("gentamicin daily for 7 days").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.cues import phrases_re

BEFORE = "before injury"
AT = "at injury"
AFTER = "after injury"
REPEATED = "repeated"

# A second time named after a first: "on the day of transplantation and on day 7".
SECOND_DAY = re.compile(r"\b(?:and|then)\s+(?:again\s+)?(?:on|at)\s+days?\s+\d+", re.IGNORECASE)
# A frequency ("daily", "on days 1 and 3") may describe the injury's schedule ("gentamicin daily for 7 days").
FREQUENCY = re.compile(r"\b(?:daily|weekly|every|twice|on\s+days?)\b", re.IGNORECASE)

# Words that end the event after "after": the event is a short noun phrase ("the first gentamicin dose").
_EVENT_STOP = (
    r"(?:and|or|was|were|is|are|had|has|in|with|by|to|via|through|into|at|on|for|from|but|whereas|while|than"
    r"|compared|when|who|which|that|using)"
)
_EVENT = rf"(?P<event>(?:\s*(?!{_EVENT_STOP}\b)[\w/'’-]+){{0,6}})"


@dataclass(frozen=True)
class TimingVocab:
    delays: re.Pattern[str]  # "<delay>[, or/and <delay>] after|before|later <event>"
    time: re.Pattern[str]  # one delay, for splitting a list
    within: re.Pattern[str]  # "within 24 h of"
    day: re.Pattern[str]  # "on day 3 after glycerol"
    numbers: dict[str, float]
    units: dict[str, re.Pattern[str]]
    at_injury: list[re.Pattern[str]]
    before_injury: list[re.Pattern[str]]
    after_injury: list[re.Pattern[str]]
    bare: re.Pattern[str]  # "after|before <event>" with no delay
    repeated: list[re.Pattern[str]]
    therapy_event: re.Pattern[str]
    injury_event: re.Pattern[str]
    administration: re.Pattern[str]
    before_words: frozenset[str]
    blockers: re.Pattern[str]  # result words: "limits", "reduced" between a verb and a bare "after <event>"


def _words(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def build_vocab(data: dict, blockers: Sequence[str] = ()) -> TimingVocab:
    """Compile the ``timing`` section of ``study_context.json``; ``blockers`` are the direction cues."""
    numbers = {k.lower(): float(v) for k, v in data["number_words"].items()}
    number = rf"(?:\d+(?:\.\d+)?(?:\s*[-–]\s*\d+(?:\.\d+)?)?|{_words(numbers)})"
    unit = "|".join(data["units"].values())
    time = rf"{number}\s*-?\s*(?:{unit})(?![\w])"
    item = rf"{time}(?:\s*\([^()]{{0,40}}\))?"
    delay_list = (
        rf"(?P<list>{item}(?:\s*(?:,\s*(?:and|or)?|and|or)\s+(?:either\s+)?(?:at\s+)?{item})*)"
        r"(?:\s+or\s+(?:more|longer|later))?"
    )
    after = _words([w for w in data["after_words"] if not w.endswith("-")])
    before = _words(data["before_words"])
    relation = rf"(?P<rel>later\b|(?:{after})\b|post-|(?:{before})\b)"
    flags = re.IGNORECASE
    return TimingVocab(
        delays=re.compile(rf"(?<![\w.]){delay_list}\s*{relation}{_EVENT}", flags),
        time=re.compile(rf"(?P<n>{number})\s*-?\s*(?P<u>{unit})(?![\w])", flags),
        within=re.compile(rf"\bwithin\s+(?:the\s+first\s+)?{time}\s+(?:of|after|following)\b{_EVENT}", flags),
        day=re.compile(
            rf"\b(?:on|at|by)\s+days?\s+(?P<d>\d+)(?P<more>(?:\s*(?:,\s*(?:and|or)?|and|or)\s*\d+)*)\s*"
            rf"(?:(?:{after})\b|post-){_EVENT}",
            flags,
        ),
        numbers=numbers,
        units={name: re.compile(rf"(?:{pattern})", flags) for name, pattern in data["units"].items()},
        at_injury=[re.compile(p, flags) for p in data["at_injury"]],
        before_injury=[re.compile(p, flags) for p in data["before_injury"]],
        after_injury=[re.compile(p, flags) for p in data["after_injury"]],
        bare=re.compile(rf"\b(?P<rel>(?:{after})|(?:{before}))\s+(?:the\s+)?(?:induction\s+of\s+)?{_EVENT}", flags),
        repeated=[re.compile(p, flags) for p in data["repeated"]],
        therapy_event=phrases_re(data["therapy_events"]),
        injury_event=phrases_re(data["injury_events"]),
        administration=phrases_re(data["administration"]),
        before_words=frozenset(w.lower() for w in data["before_words"]),
        blockers=phrases_re([*blockers, *data.get("blockers", [])]),
    )


def _delay_value(number: str, unit: str, vocab: TimingVocab) -> str:
    number = number.strip().lower()
    first = re.split(r"\s*[-–]\s*", number)[0] if number[:1].isdigit() else number  # "1-2 h", "twenty-four"
    value = vocab.numbers.get(first)
    if value is None:
        value = float(first)
    name = next(n for n, pattern in vocab.units.items() if pattern.fullmatch(unit))
    text = str(int(value)) if value.is_integer() else str(value)
    return f"{text} {name} after injury"


def _overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _is_therapy_event(text: str, start: int, end: int, vocab: TimingVocab, injury_spans) -> bool:
    """The event after "after" is the therapy itself ("its second infusion", "MSC injection"), unless it names
    the injury agent ("the first gentamicin dose", "LPS injection")."""
    event = text[start:end]
    if not vocab.therapy_event.search(event):
        return False
    return not (_overlaps(injury_spans, start, end) or vocab.injury_event.search(event))


def _phrase_end(text: str, start: int, end: int, vocab: TimingVocab, injury_spans) -> int:
    """Where the phrase as written ends: at its last injury word ("72 h after cisplatin", not "... cisplatin
    failed"), or after four words past the relation word."""
    last = max((m.end() for m in vocab.injury_event.finditer(text, start, end)), default=0)
    last = max([last, *(e for s, e in injury_spans if start <= s < end)])
    if last:
        return min(last, end)
    words = list(re.finditer(r"\S+", text[start:end]))
    return start + words[min(len(words), 6) - 1].end() if words else end


DEPTH = {"(": 1, "[": 1, ")": -1, "]": -1}


def _parts(text: str) -> list[tuple[int, int]]:
    """The stretches of the sentence between semicolons outside parentheses ("MSCs (MSCs; 2 x 10^6 cells/kg)
    were infused" is one part)."""
    if ";" not in text:
        return [(0, len(text))]
    bounds, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += DEPTH.get(char, 0)
        if char == ";" and depth <= 0:
            bounds.append((start, i))
            start = i + 1
    bounds.append((start, len(text)))
    return bounds


def _clause_start(text: str, position: int) -> int:
    return max(text.rfind(c, 0, position) for c in ",;(") + 1


def find(text: str, vocab: TimingVocab, injury_spans: Sequence[tuple[int, int]] = ()) -> list[tuple[str, str]]:
    """(phrase as written, lower-case; normalized value) for each timing statement of ``text``, in text order,
    with the repeat cue last. ``injury_spans`` are the character spans of injury-model mentions."""
    found: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: str) -> None:
        taken.append((start, end))
        end = _phrase_end(text, start, end, vocab, injury_spans)
        found.append((start, re.sub(r"\s+", " ", text[start:end].strip().lower()), value))

    repeated = ""
    later_after_and: list[re.Match[str]] = []

    def add_delays(m: re.Match[str]) -> None:
        nonlocal repeated
        times = list(vocab.time.finditer(m.group("list")))
        if len(times) > 1 and not re.search(r"\bor\b", m.group("list"), re.I):
            times = times[:1]  # one arm given at several times ("24 h and 72 h later"): the first, and repeated
            repeated = repeated or m.group("list").strip().lower()
        for t in times:
            add(m.start(), m.end(), _delay_value(t.group("n"), t.group("u"), vocab))

    given = [g.start() for g in vocab.administration.finditer(text)]
    given_parts = [(s, e) for s, e in _parts(text) if any(s <= g < e for g in given)]

    def beside_administration(position: int) -> bool:
        """A verb or noun that gives the therapy in the same part of the sentence: "MSCs given 24 h after
        reperfusion", not "creatinine 24 h after reperfusion was lower"."""
        return any(s <= position < e for s, e in given_parts)

    def given_just_before(position: int) -> bool:
        """The therapy given shortly before, in the same clause, with no result between: "MSCs given after AKI",
        not "transplanted MSCs ... limits cell survival after ischemia"."""
        if found and re.search(r"\b(?:or|and)\s*$", text[:position], re.I):
            return True  # "given 24 h after reperfusion, or before ischemia": coordinated with a timing
        clause = _clause_start(text, position)
        return any(
            max(clause, position - 80) <= g < position and not vocab.blockers.search(text, g, position) for g in given
        )

    for m in vocab.within.finditer(text):
        if not _is_therapy_event(text, m.start("event"), m.end("event"), vocab, injury_spans):
            add(m.start(), m.end(), AFTER)  # "within 24 h of AKI diagnosis"; not "died within 1 h of injection"
    for m in vocab.day.finditer(text):
        if not _overlaps(taken, m.start(), m.end()) and beside_administration(m.start()):
            if not _is_therapy_event(text, m.start("event"), m.end("event"), vocab, injury_spans):
                add(m.start(), m.end(), f"{int(m.group('d'))} d after injury")
                more = re.findall(r"\d+", m.group("more"))
                if more and re.search(r"\bor\b", m.group("more"), re.I):  # arms given on one day or another
                    for day in more:
                        add(m.start(), m.end(), f"{int(day)} d after injury")
                elif more:  # "on days 3 and 6 after ...": one arm given twice
                    repeated = repeated or text[m.start() : m.end("more")].strip().lower()
    for m in vocab.delays.finditer(text):
        if _overlaps(taken, m.start(), m.end()) or not beside_administration(m.start()):
            continue
        rel = re.sub(r"\s+", " ", m.group("rel").lower())
        if rel != "later" and _is_therapy_event(text, m.start("event"), m.end("event"), vocab, injury_spans):
            continue  # follow-up after the therapy, not when it was given
        if rel == "later" and re.search(r"\band\b[\s,]*$", text[max(0, m.start() - 12) : m.start()], re.I):
            later_after_and.append(m)  # decided below: "at reperfusion and 2 weeks later" is a second dose
        elif rel in vocab.before_words:
            add(m.start(), m.end(), BEFORE)
        else:
            add_delays(m)
    for patterns, value in ((vocab.at_injury, AT), (vocab.before_injury, BEFORE), (vocab.after_injury, AFTER)):
        for pattern in patterns:
            for m in pattern.finditer(text):
                if not _overlaps(taken, m.start(), m.end()) and beside_administration(m.start()):
                    add(m.start(), m.end(), value)
    for m in vocab.bare.finditer(text):
        if _overlaps(taken, m.start(), m.end()) or not given_just_before(m.start()):
            continue
        if re.search(r"\bthe\s*$", text[max(0, m.start() - 5) : m.start()], re.I):
            continue  # "the following markers"
        start, end = m.start("event"), m.end("event")
        event = text[start:end]
        if not event.strip() or event.strip()[0].isdigit():
            continue  # "after 7 days": a delay of follow-up
        if not (_overlaps(injury_spans, start, end) or vocab.injury_event.search(event)):
            continue
        if _is_therapy_event(text, start, end, vocab, injury_spans):
            continue
        add(m.start(), m.end(), BEFORE if re.sub(r"\s+", " ", m.group("rel").lower()) in vocab.before_words else AFTER)
    for m in SECOND_DAY.finditer(text):  # "on the day of transplantation and on day 7": given twice
        if any(start < m.start() for start, _, _ in found):
            repeated = repeated or m.group(0).strip().lower()
    for m in later_after_and:
        if any(start < m.start() for start, _, _ in found):
            repeated = repeated or text[m.start() : m.end()].strip().lower()
        else:  # "received cisplatin and, 2 h later, ADSCs": the delay after the injury
            add_delays(m)
    if not repeated:
        for pattern in vocab.repeated:
            for m in pattern.finditer(text):
                if FREQUENCY.search(m.group(0)):
                    near = max(_clause_start(text, m.start()), m.start() - 30)
                    if _overlaps(injury_spans, near, m.start()) or vocab.injury_event.search(text, near, m.start()):
                        continue  # "gentamicin daily for 7 days": the injury is what is repeated
                repeated = m.group(0).strip().lower()
                break
            if repeated:
                break
    found.sort(key=lambda x: x[0])
    pairs = [(phrase, value) for _, phrase, value in found]
    if repeated:
        pairs.append((re.sub(r"\s+", " ", repeated), REPEATED))
    return pairs
