"""From an annotated spaCy Doc to claim rows and mention rows.

A claim is a sentence that names at least one cell source, cell product, injury model, mediator or outcome.
Its row gathers the normalized entities of the sentence and the context the sentence states: direction of
effect, negation, hedging, role (finding, background, aim, hypothesis, method), study type, species, donor
origin, dose, route, timing, citations and trial ids. Each value can be traced to the sentence's offsets, and
each entity to a mention row.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from spacy.tokens import Doc, Span

from pipeline import cues
from pipeline import direction as direction_of
from pipeline import timing as timing_of
from pipeline.documents import Document
from pipeline.kb import KnowledgeBase
from pipeline.references import label, parse_references
from pipeline.schema import ENTITY_FIELDS

CLAIM_CATEGORIES = {"cell_source", "cell_product", "injury_model", "mediator", "outcome"}
FIELD_OF_CATEGORY = {
    "species": "species",
    "cell_source": "cell_source",
    "cell_product": "cell_product",
    "injury_model": "injury_model",
    "mediator": "mediators",
    "outcome": "outcomes",
}
#: Surface forms of a "harmful when present" outcome that name the topic, not an event ("safety", "safety profile").
NEUTRAL_SURFACES = {"safety", "safety profile"}
#: Surface forms that state the absence of adverse events ("was safe", "well tolerated").
SAFE_SURFACES = {"safe", "safely", "well tolerated", "well-tolerated"}
METHOD_CONFIDENCE = {"dictionary": 1.0, "compound": 0.95, "abbreviation": 0.95}
OPEN_QUESTION = re.compile(r"\s*whether\b", re.I)  # a sentence that opens with "Whether"
META_ANALYSIS = re.compile(
    r"\bmeta-?analys[ie]s\b|\bsystematic review\b|\bstandardi[sz]ed mean difference\b|\bpooled (?:effect|analysis|"
    r"estimate|SMD|data)\b",
    re.I,
)
# an experiment that blocks a mediator and removes the therapy's effect
BLOCKED_EFFECT = re.compile(
    r"\b(?:inhibitors?|inhibition|blockade|blocking|antagonists?|knock-?down|knock-?out|silenc\w*|neutrali[sz]\w*|"
    r"pretreatment\s+with|RNase|"
    r"-deficient|deficiency|siRNA|shRNA|deletion|depletion|-?depleted)\b[^.;]{0,120}?\b(?:abolish\w*|abrogat\w*|revers\w*|negat\w*|lost|"
    r"eliminat\w*|diminish\w*|attenuat\w*|blunt\w*|prevent\w*|cancel\w*)\s+"
    r"(?:the|these|this|its|their|much of|both|all|most)\b|"
    # "reduced apoptosis by 38%, an effect lost after immunodepletion of HGF"
    # "The reductions in creatinine and necrosis afforded by high-dose sEVs were lost after RNase treatment"
    r"\b(?:reductions?\s+in\s+[^.;]{0,80}?\s+(?:afforded|conferred|produced|achieved)\s+by\s+[^.;]{0,40}?|effects?|"
    # ("..., and this was prevented by an antibody against tissue factor", "which was prevented by co-administration
    # of heparin")
    r"protection|benefits?|responses?|(?<=,\s)which|(?<=and\s)this)\s+(?:that\s+was\s+|was\s+|were\s+)?"
    r"(?:largely\s+|partly\s+|completely\s+)?"
    r"(?:lost|abolished|abrogated|reversed|blocked|prevented|eliminated)\s+(?:after|by|with|upon|following|when)\s+"
    rf"(?:[\w-]+\s+){{0,8}}?(?:{direction_of.BLOCKADE_WORDS}|neutrali[sz]\w*|immunodepletion|depletion|deletion|"
    r"co-?administration)",
    re.I,
)
# "..., but whether their products protect tubular cells is unknown", "which of its components protects ... is unclear"
WHETHER_UNKNOWN = re.compile(
    r"\b(?:whether|which of|how)\b[^.;]{0,160}\b(?:is|are|remains?|was|were)\s+(?:still\s+|as\s+yet\s+)?"
    r"(?:unknown|unclear|uncertain|untested|not known|not clear|debated|controversial|unresolved)\b",
    re.I,
)
# a hedge on the mechanism only ("ameliorated AKI, possibly through NF-kB") leaves the result a finding
MODAL_HEDGES = re.compile(
    r"\b(?:may|might|could|potential(?:ly)?|promising|possible)\b|"
    r"\b(?:possibly|perhaps)\b(?!,?\s+(?:through|via|by|due to|owing to|because|in part|partly|mediated|involving))",
    re.I,
)
SUGGEST_CONCLUSION = re.compile(
    r"\b(?:results|findings|data|observations|experiments|studies|study|these|they|we)\b[^.;]{0,40}?"
    r"\b(?:suggest|suggests|indicate that \w+ (?:may|might|could))\b",
    re.I,
)
HEDGED_CONCLUSION = re.compile(
    r"\b(?:thus|therefore|hence|taken together|collectively|in conclusion|together, these)\b[^.;]{0,80}?"
    # (not a hedge on the mechanism: "thus lowered creatinine, probably through HGF")
    r"\b(?:appears?|appeared|seems?|seemed|probably|likely)\b(?!\s+(?:through|via|by|due\s+to|owing\s+to|because))|"
    r"\b(?:appears?|seems?)\b[^.;]{0,40}?\b(?:thus|therefore|hence)\b",
    re.I,
)
# "The primary endpoint was time to recovery; secondary endpoints included dialysis": what was measured, no result
ENDPOINT_DEFINITION = re.compile(
    r"\b(?:primary|secondary|main|co-primary|exploratory)\s+(?:efficacy\s+|safety\s+)?(?:end-?points?|outcomes?)\s+"
    r"(?:was|were|included|include|comprised|consisted|is|are)\b(?![^.;]{0,80}\b(?:met|reached|achieved|"
    r"significant\w*|differ\w*|improved|reduced|lower|higher|occurred)\b)",
    re.I,
)
GIVEN = re.compile(r"\b(administ\w*|inject\w*|infus\w*|given|gave|receiv\w*|treat\w*|deliver\w*|transplant\w*)\b", re.I)
# "(p < 0.05)", "65% vs. 25%": a sentence reporting results is a finding even without a direction cue.
RESULT_NUMBERS = re.compile(r"\bp\s*[<=>≤]\s*0?\.\d+|\d\s*%\s*(?:vs\.?|versus)|\bvs\.?\s*\d", re.I)
INJURY_ROUTE_GAP = re.compile(r"\s*\([^()]*|\s*(?:\([^()]*\)\s*)?[^,;()]{0,20}")  # "folic acid (250 mg/kg) i.p."
# Words that name a study arm: two or more in a sentence compare arms ("the IA group ..., whereas the IV group").
ARM_WORDS = re.compile(r"\b(?:groups?|arms?|cohorts?)\b", re.I)
NUMBERED_ARMS = re.compile(r"\b(two|three|four|five|six|[2-6])\s+(?:[\w-]+\s+)?(?:groups|arms|cohorts)\b", re.I)
# dose levels named as arms: "the low dose ... whereas the high dose", "high-dose, but not low-dose, MSCs"
DOSE_LEVELS = re.compile(r"\b(low|lower|lowest|high|higher|highest|middle|intermediate|medium)[- ]doses?\b", re.I)
# dosing schemes named as arms: "a single, but not a repeated, infusion", "single and repeated doses"
DOSING_SCHEME = re.compile(
    r"\b(single|repeated|multiple)\b(?=,?\s+(?:but not\s+)?(?:an?\s+)?(?:[\w-]+\s+)?"
    r"(?:doses?|infusions?|injections?|administrations?|dosing|regimens?)\b|,\s+but\s+not)",
    re.I,
)
# a time of giving named as an arm: "early MVs ..., whereas late MVs", "lower after early MVs only"
TIMING_ARM = re.compile(
    r"\b(early|late|delayed|immediate)[- ](?:[\w-]*(?:SCs?|EVs?|MVs?|exosomes?|Exos?|cells|CM|secretome)|"
    r"treatment|administration|injection|infusion|group)\b",
    re.I,
)
ARM_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, **{str(n): n for n in range(2, 7)}}
TIME_REFERENCE = re.compile(r"\b(after|before|following|prior to|post)\b", re.I)
SPECIES_OF_CELLS = re.compile(
    r"(?:\s+[\w-]+){0,3}?\s+(?:cells|cell line|fibroblasts|podocytes|epithelium|monolayers?)\b", re.I
)
STUDY_PRIORITY = ("clinical", "in_vitro", "in_vivo")
# "BUN followed the same pattern", "Similar results were obtained for NGAL": the outcome moved as the one before it
SAME_AS_BEFORE = re.compile(
    r"\b(?:followed|showed|displayed|exhibited|had|mirrored|paralleled)\s+(?:the\s+|a\s+)?(?:same|similar|"
    r"identical|parallel)\s+(?:pattern|trend|course|profile|changes?|time[- ]course|direction|ranking|order)\b|"
    r"\b(?:changed|moved|behaved|responded)\s+(?:in parallel|similarly|likewise|in the same (?:way|direction))\b|"
    r"^\s*(?:similar|the same|comparable)\s+(?:results|changes|effects|findings|trends|patterns)\s+(?:were|was)\s+"
    r"(?:observed|seen|found|obtained|noted|recorded)\b|"
    r"\b(?:paralleled|mirrored)\s+(?:these|those|this|the)\s+(?:changes|results|findings|effects?)\b",
    re.I,
)


@dataclass
class Extraction:
    claims: list[dict]
    mentions: list[dict]
    references: list[dict] = dataclass_field(default_factory=list)


def claim_id(doc_id: str, sentence: str, occurrence: int) -> str:
    """Stable across re-runs of the same text: depends on the document, the sentence and its occurrence."""
    normalized = " ".join(sentence.split())
    return hashlib.sha1(f"{doc_id}\x1f{normalized}\x1f{occurrence}".encode()).hexdigest()[:16]


def is_review(text: str, lexicon: cues.Lexicon, metadata: dict | None = None) -> bool:
    """The publisher's article type decides when the input states it (JATS ``article-type``, PubMed publication
    types); otherwise a review is a text that cites numbered references throughout, or says it is one. (A
    research article's full text cites references too.)"""
    metadata = metadata or {}
    article_type = str(metadata.get("article_type") or "").lower()
    types = metadata.get("publication_types") or []
    publication_types = [t.strip().lower() for t in (types.split(";") if isinstance(types, str) else types) if t]
    if article_type:
        return "review" in article_type
    if publication_types:
        return any("review" in t for t in publication_types)
    return len(re.findall(r"\[\d+(?:[-–,]\s*\d+)*\]", text)) >= 3 or bool(lexicon.review_markers.search(text))


def extract(document: Document, doc: Doc, kb: KnowledgeBase, lexicon: cues.Lexicon | None = None) -> Extraction:
    """Build the claim rows and mention rows of one document."""
    lexicon = lexicon or cues.load_lexicon()
    starts = [s.start for s in document.sections]
    review = is_review(document.text, lexicon, getattr(document, "metadata", None))
    claims: list[dict] = []
    own_types: list[str] = []
    mentions: list[dict] = []
    occurrences: Counter[str] = Counter()
    for index, sent in enumerate(doc.sents):
        section = _section_at(document, starts, sent.start_char)
        start, end = _trim(sent)
        if end <= start:
            continue
        text = document.text[start:end]  # Doc.text is rebuilt from tokens on each access
        ents = list(sent.ents)
        flat = [m for ent in ents for m in _mention_rows(document.doc_id, index, ent, kb)]
        in_content = section is None or section.kind == "content"
        if in_content and any(m["category"] in CLAIM_CATEGORIES and m["concept_id"] for m in flat):
            row = _claim_row(document, section.name if section else "", index, start, end, text, ents, kb, lexicon)
            occurrences[text] += 1
            row["claim_id"] = claim_id(document.doc_id, text, occurrences[text])
            species = row["species"] or (claims[0]["species"] if claims and claims[0]["section"] == "title" else [])
            strong, weak = _study_type_cues(text, lexicon, bool(row["cell_line"]), species, bool(row["route"]))
            own_types.append(strong if strong != "unknown" or row["claim_type"] not in ("finding", "method") else weak)
            claims.append(row)
            for m in flat:
                m["claim_id"] = row["claim_id"]
        mentions.extend(flat)
    _same_as_before(claims)
    if review:
        if META_ANALYSIS.search(document.text):
            # a systematic review with pooled figures states its set-up (species, models, products) once, as a
            # study does; a narrative review's sentences each rest on other studies and carry no context. Its
            # findings do not change that set-up: "84 studies were included, mostly using ischaemia-reperfusion"
            # describes the evidence, and the pooled results after it are about all of it.
            apply_context(
                claims, own_types, kb.wider(), sets_context=("aim", "method"), describes_evidence=INCLUDED_STUDIES
            )
        for row in claims:
            row["study_type"] = "review_statement"
    else:
        for row in claims:  # a study's title that states no result names what the study is about
            if row["section"] == "title" and row["claim_type"] == "background":
                row["claim_type"] = "aim"
        _opening_is_background(claims)
        apply_context(claims, own_types, kb.wider())
    entries = parse_references(document.text)
    by_number = {e["number"]: e for e in entries}
    for entry in entries:
        entry["doc_id"] = document.doc_id
        entry["cited_by"] = []
    for row in claims:
        row["cited_references"] = [label(by_number[n]) for n in row["citations"] if n in by_number]
        for n in row["citations"]:
            if n in by_number:
                by_number[n]["cited_by"].append(row["claim_id"])
    return Extraction(claims, mentions, entries)


#: Fields a finding or method row takes from the study set-up stated earlier in the document.
CONTEXT_FIELDS = (
    "species",
    "cell_source",
    "cell_origin",
    "cell_product",
    "injury_model",
    "dose",
    "route",
    "timing",
    "study_type",
)
# "all three treatments", "each of the treated groups", "both preparations", "did not differ among the groups":
# every arm of the set-up (the controls among "all groups" are no product)
ALL_ARMS = re.compile(
    r"\b(?:(?:all(?:\s+(?:three|four|five))?|each(?:\s+of\s+the)?|every)\s+(?:(?:treatments?|products?|"
    r"preparations?|therapies|interventions|regimens)|(?:treated|treatment|active)\s+(?:groups?|arms?))|"
    r"(?:among|between)\s+(?:the\s+)?(?:three\s+|four\s+|five\s+)?groups|"
    r"(?:in|across)\s+all\s+(?:three\s+|four\s+|five\s+)?groups)\b",
    re.I,
)
# "Neither treatment altered MPO", "either product", "both preparations": the two products of a two-product set-up
BOTH_ARMS = re.compile(
    r"\b(?:(?:neither|either)\s+(?:treatment|product|preparation|therapy|intervention)|both\s+(?:treatments|products|"
    r"preparations|therapies|interventions|regimens|(?:treated|treatment|active)\s+(?:groups|arms)))\b",
    re.I,
)
ARM_FIELDS = ("dose", "dose_value", "dose_unit", "route", "timing", "timing_text")
# A sentence that names the study's endpoints ("The primary endpoint was AKI within 7 days") names conditions as
# outcomes: they do not change the set-up that later sentences inherit.
ENDPOINTS = re.compile(r"\b(?:end-?points?|outcome measures?)\b", re.I)
SETS_CONTEXT = ("aim", "method", "finding")


def _same_as_before(rows: list[dict]) -> None:
    """A sentence that says its outcomes moved as in the finding before it ("Blood urea nitrogen followed the same
    pattern") is a finding with that finding's direction ("similar" is no comparison of arms here)."""
    previous: dict | None = None
    for row in rows:
        same = previous is not None and row["outcomes"] and SAME_AS_BEFORE.search(row["sentence"])
        if (
            same
            and row["effect_direction"] in ("unclear", "no_effect")
            and not direction_of.non_significant(row["sentence"])
        ):
            effect = previous["effect_direction"]
            row["claim_type"] = "finding"
            row["effect_direction"] = effect
            row["outcome_effects"] = [f"{name}:{effect}" for name in row["outcomes"]]
        elif same and row["claim_type"] == "finding":
            # "BUN followed the same pattern, and KIM-1 fell": the outcome without a reading of its own
            read = {e.rpartition(":")[0] for e in row["outcome_effects"]}
            effect = previous["effect_direction"]
            added = [f"{name}:{effect}" for name in row["outcomes"] if name not in read]
            if added:
                row["outcome_effects"] = added + row["outcome_effects"]
                directions = {e.rpartition(":")[2] for e in row["outcome_effects"]}
                row["effect_direction"] = directions.pop() if len(directions) == 1 else "mixed"
        if row["claim_type"] == "finding" and row["effect_direction"] != "unclear":
            previous = row


def _opening_is_background(rows: list[dict]) -> None:
    """A hedged sentence that opens a study's abstract, before its aim, methods or results ("Exosomes ... may
    mediate the renoprotective effects of the parent cells"), states the field's background, not this study's
    hypothesis."""
    for row in rows:
        if row["section"] == "title":
            continue
        if (
            row["claim_type"] == "finding"
            and row["section"] == "abstract"
            and not row["citations"]
            and OPENING_PRESENT.search(row["sentence"])
            and not OPENING_RESULT.search(row["sentence"])
        ):
            # "EVs released by MSCs attenuate nephrotoxic AKI in several rodent studies": what the field knows,
            # stated in the present before the study's aim or methods (a past-tense result stays a finding)
            row["claim_type"] = "background"
            continue
        if row["claim_type"] in ("aim", "method", "finding"):
            return
        if row["claim_type"] == "hypothesis":
            row["claim_type"] = "background"


# an opening sentence stating the field's knowledge in the present ("MSCs protect", "have been reported to")
OPENING_PRESENT = re.compile(
    r"\b(?:attenuate|protect|reduce|improve|ameliorate|prevent|promote|limit|mitigate|alleviate|confer|exert|"
    r"accelerate|enhance|decrease|increase|reproduce|have|has|is|are|remains?|indicate|show)\b",
    re.I,
)
# ... but not this study's result: a past-tense change or verdict, numbers, "we", "here"
OPENING_RESULT = re.compile(
    r"\b(?:did|was|were|we|our|here|herein|this study|the present study)\b|\b(?:reduced|improved|attenuated|"
    r"protected|ameliorated|prevented|decreased|increased|restored|lost|lowered|failed|abolished|raised|"
    r"accelerated|enhanced|worsened|aggravated)\b(?!\s+by\b)|\d\s*%|\bp\s*[<=>]",
    re.I,
)


# "Eighty-four studies were included, mostly using ischaemia-reperfusion": what a review's evidence is made of
INCLUDED_STUDIES = re.compile(r"\b(?:studies|experiments|trials|articles|reports)\b[^.;]{0,40}\bincluded\b", re.I)


def apply_context(
    rows: list[dict],
    own_types: list[str],
    wider: dict[str, frozenset[str]] | None = None,
    sets_context: tuple[str, ...] = SETS_CONTEXT,
    describes_evidence: re.Pattern[str] | None = None,
) -> None:
    """Carry the study set-up into the findings that do not restate it (``inherited`` names what was carried).

    Abstracts state the set-up once ("SCID mice with glycerol-induced AKI received human BM-MSC MVs i.v.") and
    the findings later ("MVs improved survival"). The context is what aim, method and finding sentences stated
    so far (injury models add up: "cisplatin" then "AKI"; an aim adds only its specific models: "cisplatin-induced
    AKI" in an aim is cisplatin); a sentence naming another injury model or species
    starts a new context. An in-vitro part (a cell line, "in vitro") has a context of its own and does not
    replace the animal or clinical one. The title sets no context and takes none, but a finding or method left
    without a species takes the title's one species; background, aims and hypotheses take none. ``wider`` (the
    knowledge base's ``broader`` relation) tells a restatement from another model: "septic AKI" after CLP, or CLP
    after "sepsis", is the same set-up.
    """
    wider = wider or {}
    contexts: dict[str, dict[str, tuple[list, list]]] = {"main": {}, "in_vitro": {}}
    for row, own_type in zip(rows, own_types, strict=True):
        row["study_type"] = own_type
        if row["section"] == "title":
            continue
        # An in-vitro finding or method has its own context; an aim describes the whole study.
        part = "in_vitro" if own_type == "in_vitro" and row["claim_type"] in ("finding", "method") else "main"
        if (
            part == "main"
            and own_type == "unknown"
            and row["claim_type"] == "finding"
            and not contexts["main"]
            and contexts["in_vitro"]
        ):
            part = "in_vitro"  # a study on cells alone: "EVs at 50 ug/mL reduced apoptosis" after the H/R set-up
        context = contexts[part]
        stated = {f: row[f] for f in CONTEXT_FIELDS if row[f] and row[f] != "unknown"}
        own = dict(stated)
        if ENDPOINTS.search(row["sentence"]):
            stated.pop("injury_model", None)  # "secondary endpoints included DGF": an outcome, not the set-up
        if _new_setup(stated, context, row["claim_type"], wider):
            context = contexts[part] = {}
        if row["claim_type"] in ("finding", "method"):
            if "injury_model" in own and "injury_model" in context:
                held = context["injury_model"][0]
                mine = own["injury_model"]
                # another model of the set-up that is neither wider nor narrower than this row's: two arms of
                # injury ("glycerol" vs "cisplatin"), and the row names its own
                sibling = any(
                    all(c not in wider.get(m, ()) and m not in wider.get(c, ()) for m in mine)
                    for c in held
                    if c not in mine
                )
                if set(mine) < set(held) and not sibling:
                    # a model restated inside the context's ("kidney injury" under cisplatin): the context's models
                    own.pop("injury_model")
                    stated.pop("injury_model", None)
            _inherit(row, own, context)  # an endpoint sentence keeps the conditions it names
        if row["claim_type"] == "aim" and len(stated.get("injury_model", [])) > 1:
            # "We examined exosomes in cisplatin-induced AKI": the aim's wider name adds nothing to the set-up
            named = stated["injury_model"]
            keep = [i for i, m in enumerate(named) if not any(m in wider.get(o, ()) for o in named)]
            if keep and len(keep) < len(named):
                stated["injury_model"] = [named[i] for i in keep]
                # (a copy: the aim row itself keeps every model it names; the context takes the kept ids)
                row = {**row, "injury_model_ids": [row["injury_model_ids"][i] for i in keep]}
        if row["claim_type"] in sets_context and not (
            describes_evidence and describes_evidence.search(row["sentence"])
        ):
            for field, value in stated.items():
                if (
                    field in ARM_FIELDS
                    and row["claim_type"] == "finding"
                    and field in context
                    and set(value) < set(context[field][0])
                ):
                    continue  # a finding about one arm ("lower only after IA delivery") keeps the others
                if field == "injury_model" and field in context:
                    merged = list(dict.fromkeys(context[field][0] + value))
                    # the more specific name stands for the wider one: "sepsis" then "CLP" is CLP
                    merged = [m for m in merged if not any(m in wider.get(o, ()) for o in merged if o != m)] or merged
                    ids = dict(zip(context[field][0] + value, context[field][1] + row["injury_model_ids"], strict=True))
                    context[field] = (merged, [ids[v] for v in merged])
                elif field in ENTITY_FIELDS:
                    context[field] = (value, row[f"{field}_ids"])
                    if field == "cell_product":
                        # every product of the set-up: a finding about some arms ("ADMSCs, but not EVs") does
                        # not make the doses and routes of the others another arm's
                        arms, arm_ids = context.get("arm_products", ([], []))
                        known = dict(zip(arms + value, list(arm_ids) + row["cell_product_ids"], strict=True))
                        context["arm_products"] = (list(known), list(known.values()))
                elif field == "dose":
                    context[field] = (value, (row["dose_value"], row["dose_unit"]))
                elif field == "timing":
                    context[field] = (value, row["timing_text"])
                else:
                    context[field] = (value, ())
    # The title names the study's species ("... in rat kidneys"): a finding or method of the main part that no
    # sentence gave a species takes it, when the title names exactly one.
    title = next((r for r in rows if r["section"] == "title"), None)
    if title is not None and len(title["species"]) == 1:
        for row in rows:
            if row["claim_type"] in ("finding", "method") and not row["species"] and row["study_type"] != "in_vitro":
                row["species"], row["species_ids"] = list(title["species"]), list(title["species_ids"])
                row["inherited"] = [*row.get("inherited", []), "species"]
    # The title, aims and conclusions are about the study as a whole: they take its main kind of evidence.
    kinds = Counter(
        r["study_type"]
        for r in rows
        if r["claim_type"] in ("finding", "method") and r["study_type"] not in ("unknown", "in_vitro")
    )
    in_vitro_only = not kinds and any(
        r["study_type"] == "in_vitro" for r in rows if r["claim_type"] in ("finding", "method")
    )
    if kinds or in_vitro_only:  # a study done on cells alone is in vitro as a whole
        main_kind = kinds.most_common(1)[0][0] if kinds else "in_vitro"
        for row in rows:
            if row["study_type"] == "unknown" and row["claim_type"] in ("finding", "method", "aim", "hypothesis"):
                row["study_type"] = main_kind


def _inherit(row: dict, stated: dict, context: dict) -> None:
    inherited = []
    same_arm = not row["cell_product"] or set(row["cell_product"]) <= set(context.get("arm_products", ([],))[0])
    for field in CONTEXT_FIELDS:
        if field in stated or field not in context or (field in ARM_FIELDS and not same_arm):
            continue
        values, extra = context[field]
        if field == "cell_product" and "arm_products" in context:
            arms = context["arm_products"]
            if ALL_ARMS.search(row["sentence"]) or (len(arms[0]) == 2 and BOTH_ARMS.search(row["sentence"])):
                values, extra = arms  # "lowered by all three treatments": every product given
        row[field] = values if field == "study_type" else list(values)
        if field in ENTITY_FIELDS:
            row[f"{field}_ids"] = list(extra)
        elif field == "dose":
            row["dose_value"], row["dose_unit"] = list(extra[0]), list(extra[1])
        elif field == "timing":
            row["timing_text"] = list(extra)
        if field != "study_type":  # every row has a study type; only entity and arm fields are listed
            inherited.append(field)
    row["inherited"] = inherited


SETUP_FIELDS = ("species", "cell_source", "cell_product", "dose", "route")


def _new_setup(
    stated: dict, context: dict, claim_type: str = "method", wider: dict[str, frozenset[str]] | None = None
) -> bool:
    """Another injury model, species or kind of study than the current context: a new set-up begins. A finding
    that only names another condition ("The incidence of DGF did not differ", in a transplant trial) reports an
    outcome of the same set-up unless it also states a set-up of its own (species, cells, dose, route). Naming the
    context's models more widely ("septic AKI" after CLP) or more narrowly (CLP after "sepsis") is no new one."""
    if "species" in stated and "species" in context and not set(stated["species"]) & set(context["species"][0]):
        return True
    if (
        "injury_model" in stated
        and "injury_model" in context
        and not set(stated["injury_model"]) & set(context["injury_model"][0])
        # ... unless it states a set-up of its own: cells, dose or route the context does not have
        and (
            claim_type != "finding"
            or any(f in stated and set(stated[f]) - set(context.get(f, ([],))[0]) for f in SETUP_FIELDS)
        )
        and not _restated(stated["injury_model"], context["injury_model"][0], wider or {})
    ):
        return True
    kind = stated.get("study_type")
    return bool(kind and "study_type" in context and kind != context["study_type"][0])


def _restated(models: list[str], context: list[str], wider: dict[str, frozenset[str]]) -> bool:
    """Every named model is one of the context's or wider than one of them, or every model of the context is
    wider than one named."""
    around = set(context).union(*(wider.get(m, ()) for m in context))
    if set(models) <= around:
        return True
    narrower = set(models).union(*(wider.get(m, ()) for m in models))
    return set(context) <= narrower


# ---------------------------------------------------------------------------------------------- pieces


def _section_at(document: Document, starts: list[int], char: int):
    i = bisect.bisect_right(starts, char) - 1
    return document.sections[i] if i >= 0 else None


def _trim(sent: Span) -> tuple[int, int]:
    tokens = [t for t in sent if not t.is_space]
    if not tokens:
        return sent.start_char, sent.start_char
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _mention_rows(doc_id: str, index: int, ent: Span, kb: KnowledgeBase) -> list[dict]:
    base = {
        "doc_id": doc_id,
        "sentence_index": index,
        "claim_id": "",
        "char_start": ent.start_char,
        "char_end": ent.end_char,
        "text": ent.text,
        "method": ent._.evidence_method or "dictionary",
        "score": float(ent._.evidence_score),
    }
    concepts = _concepts(ent)
    if not concepts:
        return [{**base, "category": ent.label_, "concept_id": "", "canonical_name": "", "ontology_id": ""}]
    rows = []
    for concept_id in concepts:
        concept = kb.concepts[concept_id]
        rows.append(
            {
                **base,
                "category": concept.category,
                "concept_id": concept_id,
                "canonical_name": concept.canonical_name,
                "ontology_id": concept.ontology_id,
            }
        )
    return rows


def _claim_row(
    document: Document,
    section: str,
    index: int,
    start: int,
    end: int,
    text: str,
    ents: list[Span],
    kb: KnowledgeBase,
    lexicon: cues.Lexicon,
) -> dict:
    values: dict[str, list[str]] = {f: [] for f in ENTITY_FIELDS}
    ids: dict[str, list[str]] = {f: [] for f in ENTITY_FIELDS}
    origins: list[str] = []
    scores: list[float] = []
    targets: list[direction_of.Target] = []  # outcomes and mediators whose change has a known good direction
    for k, ent in enumerate(ents):
        concepts = _concepts(ent)
        if ent._.evidence_origin and ent._.evidence_origin not in origins:
            origins.append(ent._.evidence_origin)
        for concept_id in concepts:
            concept = kb.concepts[concept_id]
            if concept.category == "species" and NOT_A_SPECIES.search(
                text[max(0, ent.start_char - start - 9) : ent.start_char - start]
            ):
                continue  # "a first-in-human trial"
            if concept.category == "cell_origin" or (concept.category == "species" and _qualifies_cells(ents, k, kb)):
                if concept.canonical_name not in origins:
                    origins.append(concept.canonical_name)
                continue
            field = FIELD_OF_CATEGORY.get(concept.category)
            if field is None or (concept.generic and _next_to_specific(ents, k, concept.category, kb)):
                continue
            if concept.category == "cell_product" and not concept.cell_free and _parent_of_product(ents, k, kb):
                continue
            if concept.canonical_name in ("conditioned medium", "secretome") and SOURCE_MEDIUM_BEFORE.search(
                text, 0, max(0, ent.start_char - start)
            ):
                continue  # "EVs isolated from hUC-MSC culture supernatants": the medium the EVs came from
            if concept.category == "injury_model" and NON_PREFIX.search(text, 0, ent.start_char - start):
                continue  # "In non-CKD rats": the animals without the condition
            if concept.category == "injury_model" and (
                IMMUNOSUPPRESSION_AFTER.match(text, ent.end_char - start)
                or IMMUNOSUPPRESSION_BEFORE.search(text, max(0, ent.start_char - start - 60), ent.start_char - start)
            ):
                continue  # "tacrolimus-based maintenance immunosuppression": the transplant's drugs, not the injury
            if (
                concept.canonical_name in IMMUNOSUPPRESSANTS
                and TRANSPLANT_WORDS.search(text)
                and DOSED_COTHERAPY.search(text, max(0, ent.start_char - start - 20), ent.start_char - start)
                # (not "tacrolimus nephrotoxicity in kidney transplant recipients": the drug's injury)
                and not DRUG_INJURY_AFTER.match(text, ent.end_char - start)
                and not DRUG_INJURY_BEFORE.search(text, max(0, ent.start_char - start - 40), ent.start_char - start)
            ):
                continue  # "MSCs plus standard-dose tacrolimus" in kidney recipients: their drugs, not their injury
            if concept.canonical_name == "cancer" and _tumour_as_outcome(
                text, ent.start_char - start, ent.end_char - start
            ):
                continue  # "screened for tumours", "no tumours or ectopic tissue were found": a safety outcome
            if concept.category in ("outcome", "mediator") and (
                STIMULUS_AFTER.match(text, ent.end_char - start)
                or STIMULUS_BEFORE.search(text, max(0, ent.start_char - start - 40), ent.start_char - start)
            ):
                continue  # "IFN-γ priming enhances ...", "TNF-α-induced apoptosis": a stimulus, not an outcome
            if concept.canonical_name not in values[field]:
                values[field].append(concept.canonical_name)
                ids[field].append(concept.ontology_id)
            good = _good_direction(concept.category, concept.canonical_name, lexicon)
            if good in ("up", "down") and ent.text.lower() in lexicon.inverse_surfaces:
                good = "down" if good == "up" else "up"  # "increased cell viability": less cell death
            if good == "absent" and ent.text.lower() in NEUTRAL_SURFACES:
                good = "down"  # "the safety of high doses is unknown" reports no adverse event
            elif good == "absent" and ent.text.lower() in SAFE_SURFACES:
                good = "safe"  # "the infusion was safe": no adverse events (unless denied)
            if (
                good
                and RATIO_DENOMINATOR.match(text, ent.end_char - start)
                and text[: ent.start_char - start].endswith("/")
            ):
                good = ""  # "decreased the Bax/Bcl-2 ratio": the ratio moves with its numerator
            mediator = concept.category == "mediator"
            if good and mediator and _manipulated(text, ent.start_char - start, ent.end_char - start):
                good = ""  # "silencing of Nrf2 abolished their protective effect": the experiment, not the therapy
            if good:
                targets.append(
                    direction_of.Target(
                        ent.start_char - start,
                        ent.end_char - start,
                        concept.canonical_name,
                        good,
                        concept.category == "outcome",
                    )
                )
        scores.append(_mention_confidence(ent))
    antibodies = ANTIBODIES_TO_PRODUCT.search(text)
    sensitization = kb.concepts.get("outcome:adverse events") if antibodies else None
    if sensitization is not None and sensitization.canonical_name not in values["outcomes"]:
        # "Antibodies against hUCB-MSCs were detected in all treated mice": the host's immune response to the
        # product, an adverse event (the knowledge base has the fixed forms: "anti-donor antibodies")
        values["outcomes"].append(sensitization.canonical_name)
        ids["outcomes"].append(sensitization.ontology_id)
        targets.append(
            direction_of.Target(antibodies.start(), antibodies.end(), sensitization.canonical_name, "absent", True)
        )

    negated = _negated(text, lexicon)
    hedged = bool(lexicon.hedge.search(NOT_A_HEDGE.sub("", text)))
    injury_spans = tuple(
        (e.start_char - start, e.end_char - start)
        for e in ents
        if any(kb.concepts[c].category == "injury_model" for c in _concepts(e))
    )
    parsed = cues.parsed_doses(text)  # (dose as written, value, unit)
    # arms: products, or the sources of one product ("iPSC-MSCs, but not BM-MSCs"), groups, doses
    numbered = [ARM_NUMBERS.get(n.lower(), 0) for n in NUMBERED_ARMS.findall(text)]  # "all three treated groups"
    routes = _therapy_routes(text, start, ents, kb, lexicon)
    levels = {m.lower().removesuffix("er").removesuffix("est") for m in DOSE_LEVELS.findall(text)}
    # one product under two labels is two arms: "reduced only by IL-10-BMSCs, whereas vector-BMSCs ..."
    labelled = {
        ent.text.removesuffix("s")
        for ent in ents
        if "-" in ent.text and any(c.startswith("cell_product:") for c in _concepts(ent))
    }
    schemes = {m.lower() for m in DOSING_SCHEME.findall(text)}  # "a single, but not a repeated, infusion"
    # "Pretreatment and treatment at reperfusion lowered ..., whereas MSCs given 24 h after reperfusion ...": two times
    when_given = timing_of.find(text, lexicon.timing, injury_spans)
    given_at = {value for _, value in when_given} - {"repeated"}
    timings = {m.group(1).lower() for m in TIMING_ARM.finditer(text)}
    named = max(
        len(labelled),
        len(values["cell_product"]),
        len(values["cell_source"]),
        len(ARM_WORDS.findall(text)),
        len(parsed),
        len(routes),  # "subcapsular, but not intraperitoneal, MSCs"
        len(levels),
        len(timings),
        len(schemes),
        len(given_at),
        *numbered,
    )
    arms = max(
        named,
        2 if levels else 0,  # a "high dose" implies another: "reduced only in the high-dose group"
        2 if timings else 0,  # so does an "early" or "late" arm
    )
    per_target, direction = direction_of.directions(
        text,
        targets,
        bool(values["cell_product"]),
        bool(values["injury_model"]),
        lexicon,
        injury_spans,
        arms,
        named_arms=named,
    )
    blocked = BLOCKED_EFFECT.search(text)
    if blocked:
        # "the HO-1 inhibitor abolished the reduction in creatinine afforded by the CM": the therapy's effect exists
        # and depends on what was blocked; the outcome's direction is the therapy's, not the blockade's. A harm
        # stated before the blockade ("also increased a-SMA, and this effect was prevented by an inhibitor") is the
        # therapy's own.
        per_target = [
            (
                t,
                "beneficial"
                if d == "harmful"
                and not (t.end <= blocked.start() and re.search(r"[,;]", text[t.end : blocked.start()]))
                # "this profibrotic response was prevented by an inhibitor": the harm is what was blocked
                and not (t.end <= blocked.start() and blocked.group(0).lower().startswith("response"))
                else d,
            )
            for t, d in per_target
        ]
        read = {d for _, d in per_target}
        if direction == "harmful" or (direction == "mixed" and read == {"beneficial"}):
            direction = "beneficial"
        elif direction == "mixed" and read == {"harmful"}:
            direction = "harmful"  # the blockade's own verb ("was prevented by") is no benefit of the therapy
    if not values["cell_product"] and NO_TREATMENT.search(text):
        direction, per_target = "unclear", []  # "no pharmacological therapy has proven effective" is no result
    main = _concession_removed(text)  # "..., although a causal relation with the cells remains uncertain"
    if OPEN_QUESTION.match(text) or lexicon.open_question.search(main) or WHETHER_UNKNOWN.search(main):
        # "Whether X protects ... has not been established": a question, not a finding
        direction, per_target = "unclear", []
        claim_type = "hypothesis" if hedged and section not in BACKGROUND_SECTIONS else "background"
    else:
        claim_type = _claim_type(text, direction, hedged, lexicon, section)
    if claim_type in ("aim", "method") or (claim_type == "hypothesis" and _is_advice(text)):
        # an aim, an endpoint's definition or advice reports no direction
        direction, per_target = "unclear", []
    # one direction per outcome: the same outcome read two ways in one sentence ("failed to reduce fibrosis,
    # whereas early-passage MSCs decreased collagen deposition") is mixed
    effects: dict[str, str] = {}
    for target, effect in per_target:
        if target.is_outcome:
            effects[target.name] = effect if effects.get(target.name, effect) == effect else "mixed"
    outcome_effects = [f"{name}:{effect}" for name, effect in effects.items()]
    if "mixed" in effects.values():
        direction = "mixed"  # the summary agrees with its outcomes: one that differs by arm makes the row mixed
    confidence = (sum(scores) / len(scores)) if scores else 0.5
    if hedged:
        confidence *= 0.85
    if claim_type != "finding":
        confidence *= 0.9
    lines = cues.cell_lines(text, lexicon)
    if lines and not values["species"]:
        for _, species in lines:  # a named cell line tells the species of an in-vitro part
            concept = kb.concepts.get(f"species:{species}")
            if concept and concept.canonical_name not in values["species"]:
                values["species"].append(concept.canonical_name)
                ids["species"].append(concept.ontology_id)
    therapy = bool(values["cell_product"]) or bool(GIVEN.search(text))
    # when the therapy was given, as stated in a finding, a method or a review's background; an aim or a
    # hypothesis ("may require repeated doses") states no design
    stated = therapy and claim_type not in ("aim", "hypothesis")
    timings = when_given if stated else []
    timing_text = list(dict.fromkeys(phrase for phrase, _ in timings))
    timing = list(dict.fromkeys(value for _, value in timings))
    row: dict = {
        "claim_id": "",
        "doc_id": document.doc_id,
        "section": section,
        "sentence_index": index,
        "char_start": start,
        "char_end": end,
        "sentence": text,
        "claim_type": claim_type,
        "citations": cues.citations(text),
        "study_type": "unknown",
    }
    for field in ENTITY_FIELDS:
        row[field] = values[field]
        row[f"{field}_ids"] = ids[field]
        if field == "cell_source":
            row["cell_origin"] = origins
    row.update(
        {
            "effect_direction": direction,
            "negated": negated,
            "hedged": hedged,
            "outcome_effects": outcome_effects,
            "inherited": [],
            "dose": [p[0] for p in parsed],
            "dose_value": [p[1] for p in parsed],
            "dose_unit": [p[2] for p in parsed],
            "route": routes,
            "timing": timing,
            "timing_text": timing_text,
            "trial_id": cues.trial_ids(text),
            "trial_phase": cues.trial_phases(text),
            "n_patients": cues.patient_counts(text, lexicon),
            "cell_line": [name for name, _ in lines],
            "cited_references": [],
            "confidence": round(confidence, 3),
        }
    )
    return row


# "human cells were detected", "human-specific mRNAs", "rat Alu sequences": the species of the cells (tracking).
CELL_WORDS_AFTER = re.compile(
    r"^\s*-?\s*(?:specific\s+)?(?:cells?|[\w-]*SCs?\b|nuclei|nuclear|mitochondrial|mrnas?|dna|alu|sry|"
    r"y[- ]chromosome|chromosomes?|genes?|sequences?|origin|donors?|markers?|antigens?)\b",
    re.I,
)
SOURCE_MEDIUM_BEFORE = re.compile(
    r"\b(?:EVs?|exosomes?|Exos?|microvesicles?|MVs?|vesicles?|sEVs?)\b[^.;]{0,40}?\b(?:isolated|purified|collected|"
    r"obtained|derived|harvested|separated|prepared|enriched)\s+(?:by\s+[\w-]+\s+)?from\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$",
    re.I,
)
# "human bone marrow-, adipose- or umbilical cord-derived MSCs": sources with a suspended hyphen
SUSPENDED_SOURCE = re.compile(r"^\s*(?:[\w]+\s+){0,2}[\w]+-\s*(?:,|or\b|and\b)")
NOT_A_SPECIES = re.compile(r"first[- ]in[- ]$", re.I)


def _qualifies_cells(ents: list[Span], k: int, kb: KnowledgeBase) -> bool:
    """A species word right before a cell source/product ("human bone marrow MSCs") or a word for cells or their
    traces ("human cells", "human-specific mRNAs") is the donor, not the host."""
    ent = ents[k]
    doc = ent.doc  # (Doc.text rebuilds the whole text on each access: read the next tokens only)
    after = doc[ent.end : min(len(doc), ent.end + 8)].text
    if CELL_WORDS_AFTER.match(after) or SUSPENDED_SOURCE.match(after):
        return True
    if k + 1 >= len(ents):
        return False
    nxt = ents[k + 1]
    gap = ent.doc[ent.end : nxt.start]
    if len(gap) > 2 or any(t.lower_ not in ("-", "derived") for t in gap):
        return False
    categories = {kb.concepts[c].category for c in _concepts(nxt)}
    return bool(categories & {"cell_source", "cell_product"})


def _therapy_routes(text: str, offset: int, ents: list[Span], kb: KnowledgeBase, lexicon: cues.Lexicon) -> list[str]:
    """Routes of the therapy: a route phrase counts unless an injury agent (a substance, ``Concept.agent``) is
    closer to it than any cell product ("cisplatin (6 mg/kg, i.p.)" is the route of cisplatin)."""
    anchors = []
    for ent in ents:
        # only a substance given to cause the injury has a route: "renal artery of the remnant kidney" is the MSCs'
        categories = {
            kb.concepts[c].category
            for c in _concepts(ent)
            if kb.concepts[c].category == "cell_product" or kb.concepts[c].agent
        }
        for category in categories & {"cell_product", "injury_model"}:
            anchors.append((ent.start_char - offset, ent.end_char - offset, category))
    found: list[str] = []
    for name, start, end in cues.route_matches(text, lexicon):
        owner = None
        best = None
        for a_start, a_end, category in anchors:
            between = text[a_end:start] if a_end <= start else text[end:a_start]
            if category == "injury_model" and (
                TIME_REFERENCE.search(between) or not INJURY_ROUTE_GAP.fullmatch(between)
            ):
                # "via the tail vein 1 h after cisplatin": a time reference; an agent owns only a route attached
                # to it: "cisplatin (6 mg/kg, i.p.)", "intraperitoneal injection of cisplatin"
                continue
            distance = len(between)
            if best is None or distance < best:
                best, owner = distance, category
        if owner in (None, "cell_product") and name not in found:
            found.append(name)
    return found


def _next_to_specific(ents: list[Span], k: int, category: str, kb: KnowledgeBase) -> bool:
    """A generic concept right beside a specific one of its category names the same thing
    ("cisplatin nephrotoxicity", "nephrotoxicity of gentamicin"): keep only the specific one."""
    ent = ents[k]
    for j in (k - 1, k, k + 1):
        if 0 <= j < len(ents):
            other = ents[j]
            gap = other.start - ent.end if j > k else (ent.start - other.end if j < k else 0)
            concepts = _concepts(other)
            if gap <= 3 and any(kb.concepts[c].category == category and not kb.concepts[c].generic for c in concepts):
                return True
    return False


def _mention_confidence(ent: Span) -> float:
    method = ent._.evidence_method or "dictionary"
    if method.endswith("+linker"):
        return 0.9 * float(ent._.evidence_score)
    if method.startswith("ner:"):
        return 0.7
    return METHOD_CONFIDENCE.get(method, 0.9)


def _negated(text: str, lexicon: cues.Lexicon) -> bool:
    cleaned = re.sub(r"\bnot only\b", "", text, flags=re.I)
    return bool(lexicon.negation.search(cleaned))


# antibodies the host made against the cells or vesicles given (not an antibody used to block a mediator)
ANTIBODIES_TO_PRODUCT = re.compile(
    r"\b(?:(?:IgG|IgM)\s+)?antibod(?:y|ies)\s+(?:against|binding|to|directed\s+against|reactive\s+(?:with|to))\s+"
    rf"(?:the\s+)?(?:infused\s+|injected\s+|donor\s+|allogeneic\s+)?{direction_of.PRODUCT_NOUN}|"
    r"\banti-(?:EVs?|MSCs?|exosomes?|[\w-]*MSCs?|donor)\s+(?:(?:IgG|IgM)\s+)?antibod(?:y|ies)\b",
    re.I,
)


def _good_direction(category: str, name: str, lexicon: cues.Lexicon) -> str | None:
    if category == "outcome" and name in lexicon.harmful_when_present:
        return "absent"
    if category == "outcome":
        return "up" if name in lexicon.polarity_up else "down"
    if category == "mediator":
        return lexicon.mediator_polarity.get(name)
    return None


# A mediator the experimenters switched off ("silencing of Nrf2", "IDO inhibition", "miR-146b-knockdown EVs")
MANIPULATED_BEFORE = re.compile(
    r"\b(?:silencing|knockdown|knock-down|inhibition|blockade|neutrali[sz]ation|depletion|deletion|inhibitors?|"
    r"antagonists?|siRNA|shRNA|antibod(?:y|ies)|overexpression|transfection)\s+(?:of\s+|against\s+|to\s+)?"
    r"(?:the\s+)?(?:[\w-]+\s+)?$",
    re.I,
)
NON_PREFIX = re.compile(r"\bnon-?\s*$", re.I)
IMMUNOSUPPRESSION_AFTER = re.compile(
    r"(?:-|\s+)?(?:based\s+)?(?:(?:and|or|plus)\s+[\w-]+\s+)?(?:maintenance\s+|triple\s+)?immunosuppress", re.I
)
IMMUNOSUPPRESSANTS = {"tacrolimus", "cyclosporine", "cyclosporin a", "mycophenolate", "sirolimus", "everolimus"}
TRANSPLANT_WORDS = re.compile(
    r"\b(?:transplant\w*|recipients?|allografts?|grafts?|rejection|DGF|delayed\s+graft|basiliximab|induction\s+therapy)\b",
    re.I,
)
DRUG_INJURY_AFTER = re.compile(
    r"(?:-|\s+)?(?:(?:induced|associated|related|mediated)\s+)?(?:acute\s+|chronic\s+)?(?:nephrotoxicity|toxicity|"
    r"nephropathy|kidney\s+injury|renal\s+injury|AKI|injury|damage)\b",
    re.I,
)
DRUG_INJURY_BEFORE = re.compile(r"\b(?:nephrotoxicity|toxicity|injury|damage)\s+(?:of|from|by|due\s+to)\s+$", re.I)
# (not "treated with cyclosporine": how a toxic injury is given)
DOSED_COTHERAPY = re.compile(r"\b(?:(?:standard|reduced|low|full|high)[- ]dose|plus)\s+$", re.I)
IMMUNOSUPPRESSION_BEFORE = re.compile(r"\bimmunosuppress\w*\s+(?:\w+\s+){0,3}?(?:with|by|of|using)\s+$", re.I)
# "MSCs primed with interferon-γ", "stimulated with TNF-α": the stimulus of the cells, not an outcome
STIMULUS_BEFORE = re.compile(
    r"\b(?:primed|preconditioned|pretreated|pre-treated|stimulated|pre-stimulated|licensed|activated)\s+(?:with|by)\s+"
    r"(?:[\w-]+\s+)?$",
    re.I,
)
STIMULUS_AFTER = re.compile(
    r"(?:-|\s+)(?:primed|priming|pretreated|pre-treated|pretreatment|preconditioned|preconditioning)\b|"
    r"-(?:stimulated|induced|challenged|exposed)\b",  # "TNF-α-induced apoptosis", not "apoptosis induced by"
    re.I,
)
MANIPULATED_AFTER = re.compile(
    r"^(?:-|\s+)(?:(?:receptors?|pathway|signall?ing)\s+)?(?:silenced|silencing|knockdown|knock-down|knocked\s+down|deficient|depleted|knockout|null|inhibition|"
    r"blockade|neutrali[sz]ation|inhibitors?|antagonists?|siRNA|shRNA|overexpressing|over-?expression|"
    r"transfection|transduction|gene\s+transfer)\b|"
    r"^[^.;]{0,30}?\bhad\s+been\s+(?:knocked\s+down|silenced|deleted|depleted)",
    re.I,
)


# A tumour looked for in the animals or patients given the cells (tumorigenicity), not the cancer of the patients
TUMOUR_LOOKED_FOR_BEFORE = re.compile(
    rf"{direction_of.LOOKED_FOR}(?:[\w-]+\s+){{0,2}}$|"
    r"\bno\s+(?:[\w-]+\s+){0,3}$|\b(?:produced|formed|developed|induced|caused)\s+(?:[\w-]+\s+){0,2}$",
    re.I,
)
TUMOUR_LOOKED_FOR_AFTER = re.compile(
    r"s?\s+(?:(?:or|and)\s+[\w-]+\s+(?:[\w-]+\s+)?)?(?:were|was)\s+(?:not\s+|never\s+)?(?:found|detected|observed|seen)\b|"
    r"s?\s+(?:formation|developed|formed|grew)\b",
    re.I,
)


# "Malignancies were diagnosed in 2 MSC-treated patients (basal cell carcinoma ...)", "not associated with excess
# malignancy": cancers counted among the treated, an outcome of the sentence, not the patients' disease
CANCERS_COUNTED = re.compile(
    r"\b(?:malignanc\w+|tumou?rs?|cancers?|neoplasms?|carcinomas?)\s+(?:were|was)\s+(?:diagnosed|reported|recorded)\b|"
    r"\b(?:excess|incident|de\s+novo)\s+(?:malignanc\w+|cancers?|tumou?rs?|neoplasms?)\b",
    re.I,
)


def _tumour_as_outcome(text: str, start: int, end: int) -> bool:
    """A tumour mention at [start, end) that is what was looked for or counted among the treated, not the cancer
    of the animals or patients."""
    return bool(
        TUMOUR_LOOKED_FOR_BEFORE.search(text, max(0, start - 40), start)
        or TUMOUR_LOOKED_FOR_AFTER.match(text, end)
        or CANCERS_COUNTED.search(text)
    )


def _manipulated(text: str, start: int, end: int) -> bool:
    return bool(MANIPULATED_BEFORE.search(text, max(0, start - 40), start) or MANIPULATED_AFTER.search(text[end:]))


def _concepts(ent: Span) -> tuple[str, ...]:
    return ent._.evidence_concepts or ((ent.kb_id_,) if ent.kb_id_ else ())


# the cells a product came from, changed to test what the product carries: "knockdown of miR-21 in the parent
# MSCs", "Transfection of the parent MSCs with an inhibitor"
PARENT_MANIPULATED = re.compile(
    r"\b(?:in|(?:transfection|knockdown|silencing|inhibition|transduction|pretreatment|preconditioning)\s+of)\s+"
    r"(?:the\s+|their\s+)?parent(?:al)?\s+$",
    re.I,
)
PARENT_GAP = {"-", "derived", "secreted", "released", "isolated", "conditioned", "'s", "’s"}
CHILD_GAP = {"of", "from", "derived", "secreted", "released", "produced", "shed", "by", "the", "-", ")"}
MAKER_WORDS = {
    "from",
    "of",
    "derived",
    "secreted",
    "released",
    "produced",
    "isolated",
    "shed",
    "purified",
    "obtained",
    "collected",
    "harvested",
    "generated",
    "prepared",
    "extracted",
}
COORDINATION = {"and", "or", "versus", "vs", "vs.", ",", "than", "compared", "with", "but"}


def _parent_of_product(ents: list[Span], k: int, kb: KnowledgeBase) -> bool:
    """Cells named as the maker of a cell-free product ("MSC-derived exosomes", "hucMSC-Ex") are not a product
    given: the product is the vesicles or medium."""
    ent = ents[k]
    if any(kb.concepts[c].cell_free for c in _concepts(ent)):
        return True
    if PARENT_MANIPULATED.search(ent.doc[max(0, ent.start - 6) : ent.start].text_with_ws):
        return True  # "silenced in the parent iMSCs" of the exosomes (not "the benefits of the parent MSCs")
    if k + 1 < len(ents):
        nxt = ents[k + 1]
        gap = [t.lower_ for t in ent.doc[ent.end : nxt.start]]
        if (
            len(gap) <= 3
            and all(t in PARENT_GAP for t in gap)
            and any(kb.concepts[c].cell_free for c in _concepts(nxt))
        ):
            return True
    if k > 0:  # "EVs from mesenchymal stem cells (MSCs)": the short form is what its long form is
        prev = ents[k - 1]
        gap = [t.lower_ for t in ent.doc[prev.end : ent.start]]
        if gap == ["("] and set(_concepts(prev)) == set(_concepts(ent)):
            return _parent_of_product(ents, k - 1, kb)
    if _coordinated_parent(ents, k, kb) or _contrasted_maker(ents, k, kb):
        return True
    for j in range(k - 1, max(-1, k - 4), -1):  # "secretome of dental pulp MSCs", "MVs purified from human MSCs"
        prev = ents[j]
        gap = [t.lower_ for t in ent.doc[prev.end : ent.start]]
        if not any(kb.concepts[c].cell_free for c in _concepts(prev)):
            if any(kb.concepts[c].category == "cell_product" for c in _concepts(prev)):
                break  # another product in between: "EVs and MSCs"
            continue
        if len(gap) <= 3 and all(t in CHILD_GAP for t in gap):
            return True
        return len(gap) <= 10 and bool(set(gap) & MAKER_WORDS) and not set(gap) & COORDINATION - _modifiers(gap)
    return False


def _modifiers(gap: list[str]) -> set[str]:
    """The conjunction of two modifiers of one maker: "medium from labelled and unlabelled MSCs" (not of two
    makers: "EVs from fibroblasts and MSCs")."""
    if len(gap) >= 4 and gap[-2] in ("and", "or") and gap[-4] in MAKER_WORDS and not gap[-3].endswith("s"):
        return {gap[-2]}
    return set()


def _contrasted_maker(ents: list[Span], k: int, kb: KnowledgeBase) -> bool:
    """ "medium from IL-1b-MSCs, but not from naive MSCs": the cells after "but not from" make the product too."""
    ent = ents[k]
    if k == 0:
        return False
    gap = [t.lower_ for t in ent.doc[ents[k - 1].end : ent.start]]
    last = max((i for i, t in enumerate(gap) if t in ("from", "of")), default=-1)
    if last < 1 or last < len(gap) - 2 or not {"not", "versus", "vs", "vs.", "than"} & set(gap[:last]):
        return False
    if any(kb.concepts[c].cell_free for c in _concepts(ents[k - 1])):
        # "conditioned medium from IL-1b-primed cells, but not from naive MSCs"
        return len(gap) <= 12 and gap[0] in MAKER_WORDS and gap[last - 1] in ("not", "than", "versus", "vs", "vs.")
    return len(gap) <= 6 and set(gap[:last]) <= CONTRAST_GAP and _parent_of_product(ents, k - 1, kb)


CONTRAST_GAP = {",", "but", "not", "and", "or", "versus", "vs", "vs.", "than", "rather"}


PARENT_LIST_GAP = {"and", "or", ",", "human", "rat", "murine", "mouse", "porcine", "canine", "equine"}


def _products(concepts: tuple[str, ...], kb: KnowledgeBase) -> set[str]:
    return {c for c in concepts if kb.concepts[c].category == "cell_product"}


def _coordinated_parent(ents: list[Span], k: int, kb: KnowledgeBase) -> bool:
    """The second of two makers listed together is a maker too: "isolated from human iMSCs (iMSC-Exos) and human
    BM-MSCs (BM-Exos)", "exosomes from bone marrow MSCs or adipose MSCs" (what stands in brackets between them, and
    the sources and origins named with them, are left out)."""
    ent = ents[k]
    skipped: set[int] = set()
    for j in range(k - 1, max(-1, k - 5), -1):
        prev = ents[j]
        concepts = _concepts(prev)
        products = _products(concepts, kb)
        if not products or any(kb.concepts[c].cell_free for c in concepts):
            skipped.update(range(prev.start, prev.end))  # "(iMSC-Exos)", "adipose"
            continue
        if products != _products(_concepts(ent), kb):
            return False
        gap, depth = [], 0
        for token in ent.doc[prev.end : ent.start]:
            depth += token.text == "("
            if depth == 0 and token.i not in skipped:
                gap.append(token.lower_)
            depth -= token.text == ")" and depth > 0
        return (
            0 < len(gap) <= 3
            and set(gap) <= PARENT_LIST_GAP
            and bool(set(gap) & {"and", "or", ","})
            and _parent_of_product(ents, j, kb)
        )
    return False


RATIO_DENOMINATOR = re.compile(r"\s*(?:mRNA\s+|protein\s+|expression\s+)?ratios?\b", re.I)
# "mitochondrial membrane potential": a measured quantity, not a hedge
NOT_A_HEDGE = re.compile(
    r"\b(?:membrane|mitochondrial|action|zeta|redox|electrical|transmembrane)\s+potentials?\b|"
    r"\bpotential\s+(?:differences?|gradients?)\b",
    re.I,
)
TRAILING_READING = re.compile(
    r",\s*(?:suggesting|indicating|implying|which (?:suggests|indicates|implies))\b|;|"
    # "did not reduce AKI, although it may preserve kidney function": a hedged concession
    r",\s*(?:although|though|but|while|whereas|and)\b(?=(?:\s+[\w-]+){0,3}\s+(?:may|might|could|should)\b)|"
    # "caused fatal embolism, so pulmonary entrapment should be considered": advice drawn from the result
    r",\s*(?:so|and)\b(?=(?:\s+[\w-]+){0,8}\s+should\b)|"
    r",\s*(?:although|though|while|whereas)\b(?=[^.;]{0,100}\b(?:may|might|could)\b)|"
    # "... may promote fibrosis in the long term, a risk that should be assessed in longer studies": an appositive
    r",\s*(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:that|which)\s+(?:should|must|needs?|warrants?|requires?)\b",
    re.I,
)
# "no pharmacological therapy has proven effective", "treatment options remain limited": the field's need
NO_TREATMENT = re.compile(
    r"\b(?:no|few|lack of|absence of)\s+(?:(?:effective|specific|approved|proven|pharmacological|definitive|curative|"
    r"targeted|available|established)\s+){0,2}(?:therap(?:y|ies)|treatments?|drugs?|interventions?|options?|agents?)\s+"
    r"(?:has|have|is|are|exists?|were|was|to)\b|\b(?:therapeutic|treatment) options\s+(?:are|remain)\s+limited\b|"
    r"\bthere (?:is|are|remains?) no\s+(?:[\w-]+\s+){0,2}(?:therap(?:y|ies)|treatments?|cure)\b",
    re.I,
)
SHOULD = re.compile(r"\bshould\b", re.I)
RECOMMENDATION = re.compile(
    r"\bmust\s+(?:not\s+|therefore\s+|first\s+|now\s+|also\s+|only\s+|always\s+|carefully\s+)?be\b|"
    r"\b(?:calls?|argues?|argued)\s+for\b|\bcaution\b|"
    r"\b(?:are|is)\s+(?:still\s+|now\s+|urgently\s+|therefore\s+)?(?:needed|required|warranted)(?:\s+(?:before|to)\b|"
    r"\s*[.;]?\s*$)",
    re.I,
)
FIELD_BELIEF = re.compile(
    r"\b(?:is|are)\s+(?:now\s+|generally\s+|widely\s+|commonly\s+)?(?:thought|believed|considered|assumed)\s+to\b|"
    r"\b(?:has|have)\s+been\s+(?:widely\s+)?(?:proposed|suggested|advocated|regarded)\s+as\b",  # "has been proposed as"
    re.I,
)
# aim cues that also open a method sentence ("In this study, ...", "To explore the mechanism, ...")
PURPOSE_ONLY = re.compile(
    r"(?:this|the present|the current) study|to (?:investigate|evaluate|assess|examine|explore)", re.I
)
# "We therefore examined whether", "we then assessed": an adverb between "we" and the verb of an aim
WE_ADVERB = re.compile(
    r"\bwe\s+(?:therefore|thus|hence|here|now|then|further|also|first|next|additionally|specifically)\s+", re.I
)
#: Labelled sections of structured abstracts (lower-case labels, pipeline.documents) and the role they give.
BACKGROUND_SECTIONS = {"background", "introduction", "rationale"}
AIM_SECTIONS = {"objective", "objectives", "aim", "aims", "purpose"}
RESULT_SECTIONS = {"result", "results", "findings"}
METHOD_SECTIONS = {
    "method",
    "methods",
    "materials and methods",
    "design",
    "setting",
    "patients",
    "participants",
    "intervention",
    "interventions",
    "measurements",
    "main outcome measure",
    "main outcome measures",
}


def _is_advice(text: str) -> bool:
    return bool(SHOULD.search(_main_clause(text))) and not RESULT_NUMBERS.search(text)


TRAILING_CONCESSION = re.compile(r"[,;]\s*(?:although|though|but|while|whereas)\b", re.I)


def _concession_removed(text: str) -> str:
    """The sentence before a trailing concession when the part before it reports a result: an open question there
    ("..., although a causal relation with the cells remains uncertain") leaves the result a finding."""
    m = TRAILING_CONCESSION.search(text)
    return text[: m.start()] if m and m.start() >= 20 and RESULT_NUMBERS.search(text, 0, m.start()) else text


def _main_clause(text: str) -> str:
    """The sentence before a trailing reading of it ("..., suggesting that the window may be narrow") or a second
    clause after a semicolon: a hedge there leaves the result a finding."""
    m = TRAILING_READING.search(text)
    return text[: m.start()] if m and m.start() >= 20 else text


# "..., but it was not powered to assess efficacy": a limit of a study whose result the sentence gives, no aim
NOT_DESIGNED_TO = re.compile(
    r"\b(?:not|neither|nor|under)\s*-?\s*(?:\w+\s+)?(?:designed|powered|intended|large enough|sized)\s+to\s+"
    r"(?:assess|evaluate|detect|examine|investigate|determine|test)\b",
    re.I,
)


def _claim_type(text: str, direction: str, hedged: bool, lexicon: cues.Lexicon, section: str = "") -> str:
    """finding, method, aim, hypothesis or background. A structured abstract's label decides first: Background
    states what is known (or an aim / hypothesis), Objective an aim, Methods a method unless the sentence reports
    a direction, Results a finding (or a hypothesis); otherwise cues decide."""
    aim = lexicon.aim.search(NOT_DESIGNED_TO.sub("", WE_ADVERB.sub("we ", text)))
    if aim and PURPOSE_ONLY.fullmatch(aim.group(0)) and lexicon.method.search(text):
        aim = None  # "In this study, rats received cisplatin", "To explore the mechanism, cells were exposed to ..."
    if aim or text.rstrip().endswith("?"):
        return "aim"  # a question ("Do exosomes protect against AKI?") asks what the study tests
    if section in AIM_SECTIONS:  # "Aims: MVs protect the kidney in several models. We examined whether ..."
        return "background" if direction != "unclear" else "aim"
    plain = NOT_A_HEDGE.sub("", text)  # without "membrane potential" and the like
    if section in BACKGROUND_SECTIONS:
        return "hypothesis" if hedged and MODAL_HEDGES.search(plain) else "background"
    if FIELD_BELIEF.search(text):  # "MSCs are thought to protect the kidney through ...": what the field holds
        return "background"
    if _is_advice(text):
        return "hypothesis"  # "Procoagulant activity should be tested before ...": advice, whatever it names
    if SUGGEST_CONCLUSION.search(text):  # "These results suggest that EVs protect ...": the authors' reading
        return "hypothesis"
    if HEDGED_CONCLUSION.search(text):  # "Klotho overexpression thus appears to enhance ...": a hedged conclusion
        return "hypothesis"
    if section in METHOD_SECTIONS and direction == "unclear":
        return "method"
    if ENDPOINT_DEFINITION.search(text) and not RESULT_NUMBERS.search(text):
        return "method"
    if section in RESULT_SECTIONS:
        return "hypothesis" if hedged and MODAL_HEDGES.search(plain) else "finding"
    if direction != "unclear":
        if hedged and MODAL_HEDGES.search(_main_clause(plain)):
            return "hypothesis"
        return "finding"
    if lexicon.finding.search(text) or RESULT_NUMBERS.search(text):
        return "finding"
    if hedged or SHOULD.search(text) or RECOMMENDATION.search(text):  # "Efficacy should be considered": advice
        return "hypothesis"
    if lexicon.method.search(text):
        return "method"
    return "background"


def _study_type_cues(
    text: str, lexicon: cues.Lexicon, cell_line: bool, species: list[str] | None = None, given_by_route: bool = False
) -> tuple[str, str]:
    """(strong, weak) study-type cue of a sentence: trial ids, "in vitro", cell lines are strong; species words
    and "patients" are weak (they only type findings and methods, not background statements). ``species``: the
    sentence's (or else the title's) species; ``given_by_route``: the sentence names how the therapy was given."""
    strong = weak = "unknown"
    if cues.trial_ids(text):
        strong = "clinical"
    elif cell_line:  # "In rat NRK-49F fibroblasts, ...": an experiment on a cell line
        strong = "in_vitro"
    for kind in STUDY_PRIORITY:
        if strong == "unknown" and lexicon.study_type[kind].search(text):
            strong = kind
        if weak == "unknown" and lexicon.study_type_weak[kind].search(text):
            weak = kind
    # "protects rat tubular epithelial cells": the species of cells in culture, not of an animal
    if weak == "in_vivo" and all(
        SPECIES_OF_CELLS.match(text, m.end()) for m in lexicon.study_type_weak["in_vivo"].finditer(text)
    ):
        weak = "unknown"
    # "ADSCs cultured under hypoxia were given through the jugular vein of rats": cells prepared in culture and
    # then given to animals are an animal experiment
    if weak == "in_vitro" and (lexicon.study_type_weak["in_vivo"].search(text) or given_by_route):
        # "Culture-expanded ADSCs attenuate AKI in mice", "ADSCs cultured under hypoxia were given through the
        # jugular vein": cells cultured, then given to animals
        weak = "in_vivo"
    if weak == "clinical" and species and "human" not in species:
        weak = "in_vivo"  # "Female Lewis recipients" in a study of rats: animals that received a graft
    return strong, weak
