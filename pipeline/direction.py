"""Direction of a therapy's effect, per outcome and for the sentence.

Cue phrases (``models/cues/direction.json``) are found as events in the sentence: ``beneficial``, ``no_effect``,
``harmful``, and change verbs ``up`` / ``down``. A negated cue ("did not enhance", "failed to reduce") is a
``no_effect`` event. Each outcome (and mediator with a known polarity) takes the nearest event before it in the
same clause ("reduced apoptosis"), else the nearest after it ("creatinine was reduced"); a change verb is read
against the target's polarity: "reduced creatinine" is beneficial, "reduced survival" harmful. The sentence's
summary is the set of target directions plus any cue no target used ("..., whereas CM had no effect"): one
direction, ``mixed`` when they differ, ``unclear`` when there is none. A sentence about the injury that names no
therapy ("AKI increases mortality") states no direction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import cues

THERAPY_WORDS = re.compile(
    r"\b(treat\w*|therap\w*|administ\w*|infus\w*|inject\w*|transplant\w*|they|these cells|cells|cell types?|"
    r"co-?cultur\w*|groups?|arms?|placebo|vehicle|PBS|saline|controls?|doses?|dosing|strateg\w*|approach\w*|"
    r"interventions?)\b",
    re.I,
)
NEGATED_BEFORE = re.compile(
    r"\b(not(?!\s+only\b)|no|never|failed to|fail to|fails to|without|neither|nor|lack of|absence of|"
    r"none\s+of\s+(?:these|the|those|them)(?:\s+[\w-]+)?)"  # "none of these markers changed"
    # "did not, however, restore", "without long-term protection", "did not appear to limit"
    r"(?:\s*,\s*(?:however|though|therefore|thus|in fact|moreover)\s*,)?\s+(?:(?:appear|seem)\s+to\s+)?([\w-]+\s+)?$",
    re.I,
)
# "more effectively", "more than unmodified cells": a comparative of degree after a change verb
DEGREE_WORDS = re.compile(r"more|less|greater|smaller|larger", re.I)
CHANGE_WAS_BEFORE = re.compile(
    r"\b(?:reductions?|decreases?|increases?|improvements?|effects?|benefits?|protection|changes?|differences?)\s+"
    r"(?:(?:in|of|on)\s+(?:[\w-]+\s+){1,3}?)?"  # "Reductions in creatinine were 58% smaller"
    r"(?:was|were|is|are)\s+(?:\w+ly\s+|\d+(?:\.\d+)?\s?%\s+)?$",
    re.I,
)
DEGREE_AFTER = re.compile(r"\s+(?:effective(?:ly)?|efficient(?:ly)?|potent(?:ly)?|strongly|markedly|than\b)", re.I)
# "Neither X nor Y improved", "Thus, neither MSCs nor their EVs improved": "neither" opens the clause of the cue
NEITHER_BEFORE = re.compile(r"(?:^|[,;:]\s*|\b(?:whereas|while|but|and)\s+)neither\b[^,;]{0,150}$", re.I)
# "no deaths occurred in the other groups", "as in the controls": a statement about the comparison arms (matched at
# a position: no "^", which would only match at the start of the text)
ABOUT_CONTROLS = re.compile(
    # not a comparison with them: "comparable to those of vehicle-treated animals"
    r"(?:(?!\b(?:to|with|than|versus|vs|from|between|among|differ\w*)\b)[^,;.]){0,40}?\b(?:in|among|of|for)\s+(?:the\s+)?"
    # ("in the other groups", not "in other settings" or "in other organs")
    r"(?:other\s+(?:groups?|arms?|cohorts?|animals|rats|mice|patients)|control|vehicle|placebo|untreated|sham|PBS)\b",
    re.I,
)
# what blocks a mediator of the therapy ("lost after HGF knockdown", "abolished by a neutralizing antibody")
BLOCKADE_WORDS = (
    r"inhibit\w*|block\w*|knock\w*|silenc\w*|siRNA|shRNA|antibod\w*|antagonist\w*|RNase|ribonuclease|"
    r"heat[- ]inactivation|proteinase\s+K"
)
# "protects ... only when given early", "the effect is confined to the early peak": a benefit with a limit
# "only at the higher dose", "attenuated AKI only at 2 x 10^6 cells": a benefit of one dose
_ONLY_AT_DOSE = (
    r"\bonly\s+(?:at|with|in|by)\s+the\s+(?:higher|highest|lower|lowest|high|low|larger|largest|top)"
    r"(?:\s+of\s+(?:the\s+)?(?:two|three|four|five|\d))?[\s-]+doses?\b|"  # "only at the highest of three doses"
    r"\bonly\s+(?:at|with)\s+(?:a\s+dose\s+of\s+)?\d"
)
RESTRICTED = re.compile(
    r"\bonly (?:when|within|in the early|at early|if|during|after early)\b|\b(?:confined|restricted) to\b|"
    # "but this protection is lost when administration is delayed by 24 h"
    r"\b(?:protection|benefit|effect|efficacy)\s+(?:is|was|were|are)\s+lost\s+(?:when|if|once)\b|"
    # "The renoprotective effect seen in young mice was lost with ageing" (not a blockade: "lost after HGF
    # knockdown")
    r"\b(?:protection|benefit|effect|efficacy)\s+(?:[\w-]+\s+){0,6}?(?:is|was|were|are)\s+lost\s+(?:with|in)\s+"
    rf"(?![^.;]{{0,60}}\b(?:{BLOCKADE_WORDS}))|"
    rf"\bonly (?:early|transient(?:ly)?|short-term)\b|{_ONLY_AT_DOSE}|"
    # "a smaller reduction that was significant only on day 2"; "reduced TUNEL-positive cells only in
    # glycerol-injured kidneys" (one of the study's models)
    r"\bsignificant(?:ly)?\s+only\b|\bonly\s+in\s+(?:the\s+)?[\w-]+-(?:injured|induced)\s+(?:kidneys|mice|rats|animals)\b|"
    # "protect ... within a narrow dose range", "a narrow therapeutic window", "only above a threshold dose"
    r"\bnarrow\s+(?:(?:dose|therapeutic|concentration|time|early)\s+)?(?:range|window)\b|"
    r"\babove\s+(?:a|the)\s+(?:threshold|minimum|critical)\s+dose\b|"
    # "but the benefit wanes with delayed administration", "the benefit depends on timing and route", "the effect
    # of the single dose had disappeared by week 4"
    r"\b(?:benefit|effect|protection|efficacy)\s+(?:of\s+(?:the\s+)?[\w-]+\s+(?:[\w-]+\s+)?)?(?:wanes?|waned|"
    r"(?:had\s+|has\s+)?disappeared|disappears|(?:depends?|depended)\s+on\s+(?:the\s+)?(?:timing|time|route|dose|"
    r"source|donor|age|model|species|delay)|(?:is|was|were|are)\s+(?:absent|not\s+evident|"
    r"not\s+seen|not\s+observed))\b|"
    # "..., whereas conditioned medium is less effective", "whereas evidence for CM is weaker"
    r"\b(?:whereas|while|but)\s+[^.;]{0,60}?\b(?:is|was|were|are)\s+(?:much\s+|far\s+|considerably\s+)?(?:less\s+"
    r"(?:effective|potent|protective)|weaker)\b",
    re.I,
)
# a benefit restricted to one arm: the outcome differs by arm ("only when given early", "restricted to exosomes
# given at reperfusion"); not a benefit limited in time ("only transiently")
ARM_RESTRICTED = re.compile(
    rf"\bonly (?:when|if)\b|{_ONLY_AT_DOSE}|"
    r"\b(?:restricted|confined|limited)\s+to\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:[\w-]*(?:SCs?|EVs?|exosomes?|cells|CM|MVs?)|doses?|groups?|arms?|route)\b",
    re.I,
)
# "Donor-specific antibodies were not detected", "teratomas were absent": what was looked for was not there
NOT_FOUND_AFTER = re.compile(
    r"^[^;]{0,60}?\b(?:(?:was|were|is|are|been)\s+(?:not|never)\s+(?:detected|observed|found|seen|recorded|"
    r"reported|noted|detectable)|absent|undetectable)\b",
    re.I,
)
BOTH = re.compile(r"\b(?:both|either)\b", re.I)
# "46% smaller", "2.1-fold larger": a sized change (a bare "smaller" or "larger" may describe a study or a group)
SIZED_CHANGE = re.compile(r"(?:\d\s?%|\d-?fold)\s+(?:(smaller|narrower)|(larger|wider|greater))\b", re.I)
# "Route of delivery determines the renoprotective efficacy", "WJ- and BM-MSCs differ in their capacity to limit
# fibrosis", "divergent effects on tubular apoptosis": the effect depends on the arm (mixed)
DEPENDS_ON_ARM = re.compile(
    r"\b(?:route|timing|time|dose|tissue source|source|site|mode|origin)\s+(?:of\s+(?:[\w-]+\s+){0,2}?)?"
    r"(?:determines?|dictates?|governs?)\s+(?:the\s+)?(?:[\w-]+\s+)?(?:efficacy|effects?|benefit|outcome)\b|"
    r"\b(?:divergent|opposing|opposite)\s+effects\b|"
    r"\bdiffer(?:s|ed)?\s+in\s+(?:their\s+)?(?:capacity|ability|efficacy|potency)\b|"
    # "Donor age limits the renoprotective efficacy of MSCs", "IL-1b priming is required for MSCs to improve
    # survival": the effect holds in one arm, not in the other
    r"\b(?:limits?|limited|impairs?|impaired|blunts?|blunted|diminish(?:es|ed)?|compromis(?:es|ed))\s+the\s+"
    r"(?:renoprotective|protective|therapeutic|reparative)\s+(?:efficacy|potency|effects?|capacity)\s+of\b|"
    r"\b(?:is|are|was|were)\s+(?:required|necessary|needed|essential|indispensable)\s+for\b(?=[^.;]{0,80}?\bto\s)",
    re.I,
)
# "Bell-shaped dose-response of exosomes": the effect differs between doses (the row, not each outcome)
DOSE_SHAPE = re.compile(
    r"\b(?:bell-shaped|U-shaped|inverted[- ]U(?:-shaped)?|biphasic)\s+"
    r"(?:dose[- ])?(?:responses?|relationships?|effects?)\b",
    re.I,
)
# pooled or grouped results that hold in some subgroups and not in another: "The reduction in creatinine was
# largest after intra-arterial delivery (SMD -2.38) ... and not significant after intraperitoneal injection",
# "Benefit was consistent across ischaemic and toxic models, but no significant effect was found in the three
# contrast studies", "gave comparable reductions in creatinine, whereas intraperitoneal injection was ineffective"
SUBGROUP_EFFECT = re.compile(
    r"\b(?:effects?|benefits?|reductions?|improvements?|protection)\b[^.;]{0,60}?\b(?:was|were)\s+(?:\w+ly\s+)?"
    r"(?:largest|greatest|strongest|larger|greater|consistent|similar|comparable)\b|"
    r"\b(?:comparable|similar|consistent)\s+(?:reductions?|improvements?|effects?|benefits?)\b",
    re.I,
)
SUBGROUP_NULL = re.compile(
    r"\b(?:whereas|but|while|and)\b[^.;]*?(?:\bnot\s+(?:statistically\s+)?significant\b|\bineffective\b|"
    r"\bno\s+(?:significant\s+)?(?:effect|benefit|reduction)\b|\bdid\s+not\s+(?:significantly\s+)?(?:reduce|lower|"
    r"improve|affect|change)\b)",
    re.I,
)
# (not a parenthetical ", however,": "Urinary protein excretion, however, was higher")
CLAUSE_BREAK = re.compile(r";|\b(?:whereas|but|while|although)\b|(?<!,\s)\bhowever\b(?!,)", re.I)
# "..., whereas normoxic ADSCs did not (40%)": an elliptical negation is a no-effect cue of its own.
ELLIPTICAL_NEGATION = re.compile(r"\b(?:did|does|do|was|were|had|has|have|could)\s+not\b(?=\s*(?:[\[(,.;]|$))", re.I)
# "improves survival but not renal function": "not" right before a target.
NOT_BEFORE_TARGET = re.compile(
    r"\b(?:not(?!\s+only\b)|nor|no)\s+(?:[\w-]+\s+){0,3}$|"
    r"\bneither\s+(?:the\s+|its\s+|their\s+)?$|"  # "changed neither creatinine nor ..."
    # the last items of a denied list: "No thrombotic events, infusion reactions or deaths occurred"
    r"(?:^|[,;:]\s*|\band\s+)no\s+(?![^.;]*\b(?:was|were|is|are|had|has|did|occurred|observed)\b)"
    r"[^.;()]{0,80}?(?:,\s*(?:or\s+|and\s+)?|\s+(?:or|and)\s+)(?:[\w-]+\s+){0,2}$",
    re.I,
)
# An infinitive of purpose ("cells to prevent AKI", "in order to reduce"), not "were able to reduce".
PURPOSE_BEFORE = re.compile(
    r"(?<!\bable )(?<!\bshown )(?<!\bfound )(?<!\bproved )(?<!\bappeared )(?<!\bappears )(?<!\bappear )"
    r"(?<!\bseemed )(?<!\bseems )(?<!\bseem )(?<!\btended )(?<!\btends )(?<!\bfailed )(?<!\bfail )"
    r"(?<!\bfails )(?<!\bled )(?<!\blead )(?<!\bleads )(?<!\bhelp )(?<!\bhelps )(?<!\bhelped )"
    r"(?<!\bsufficient )(?<!\benough )(?<!\bcontinued )(?<!\breported )(?<!\bknown )(?<!\bdemonstrated )"
    r"(?<!\bsuggested )(?<!\bthought )(?<!\bbelieved )(?<!\bsaid )(?<!\bproposed )(?<!\blikely )"
    r"(?<!\bability )(?<!\bcapacity )\bto\s+$",  # "enhanced their ability to reduce apoptosis": a result
    re.I,
)
REQUIRED_FOR = re.compile(r"\b(?:required|necessary|needed|essential|indispensable)\s+for\s+[^,;.]*$", re.I)
MODAL = re.compile(r"\b(?:may|might|could|would|can)\b", re.I)
CONCESSIVE_BEFORE = re.compile(r"\b(?:despite|notwithstanding|in spite of)\s+(?:[\w-]+\s+){0,3}$", re.I)
BUT_NOT = re.compile(
    # "Exosomes, not the exosome-depleted fraction, account for the protection": the arm set apart had no effect
    r"\bbut not\b|"
    r"(?<=,)\s*not\s+(?!only\b|significantly\b|all\b)(?=(?:the\s+|their\s+|its\s+)?[\w-]+(?:\s+[\w-]+){0,4},)",
    re.I,
)
# "screened for tumours": what was looked for (shared with the claims' tumour check)
LOOKED_FOR = r"\b(?:screened|examined|assessed|monitored|searched|checked|inspected|evaluated)\s+for\s+"
# "concerns that they might promote tumour growth", "the possibility of maldifferentiation": feared, not found
FEARED_BEFORE = re.compile(
    r"\b(?:concerns?|fears?|worr(?:y|ies)|possibility|theoretical)\b[^.;]{0,50}$|"
    r"(?:^|[,;]\s*)(?:the|a|any)\s+(?:potential\s+)?risks?\s+of\s+$|"  # "The risk of microembolism should be ..."
    # "screened for tumours and ectopic tissue": looked for, a method
    rf"{LOOKED_FOR}(?:[\w-]+\s+){{0,4}}$",
    re.I,
)
# "whereas in controls they remained unchanged": a statement about the comparison arm
CONTROLS_BEFORE = re.compile(
    r"\b(?:in|among|for)\s+(?:the\s+)?(?:controls|control\s+(?:groups?|arms?|animals|patients|mice|rats)|placebo\s+"
    r"(?:groups?|arms?|recipients|patients)|vehicle(?:-treated)?\s+(?:groups?|arms?|animals|mice|rats)|untreated\s+\w+)"
    r"\b(?![^.;,]*\b(?:whereas|while|but)\b)[^.;,]{0,40}$",
    re.I,
)
IN_ALL_GROUPS_AFTER = re.compile(
    r"\s+in\s+(?:all|both|every|each)\s+(?:(?:the|three|four|study)\s+)?(?:groups?|arms?)\b"
    r"(?!\s+(?:given|treated|receiving|injected|infused)\b)",
    re.I,
)  # not "in all ADMSC groups" or "in both groups given cells": the treated arms
# "One macaque in each group died": the same count in every arm
IN_ALL_GROUPS_BEFORE = re.compile(
    r"\b(?:in|of)\s+(?:each|both|every)\s+(?:(?:study|treatment)\s+)?(?:groups?|arms?)\s+(?:\w+\s+)?$", re.I
)
COMPARING_CUE_END = re.compile(r"\b(?:from|to|with|than)$", re.I)  # "indistinguishable from that in PBS-treated rats"
DOSE_LABEL_AFTER = re.compile(r"[\s-]+(?:[\w-]+\s+)?(?:doses?|dosages?|concentrations?)\b(?!-)", re.I)
# "no death was judged related to the study product": the events happened, but not because of the therapy
NOT_ATTRIBUTED = re.compile(
    r"\b(?:no|none\s+of\s+the)\s+(?:[\w-]+\s+)?(?:deaths?|events?)\s+(?:was|were)\s+(?:(?:judged|considered|deemed|"
    r"thought|assessed\s+as)\s+)?(?:to\s+be\s+)?(?:related|attributable|attributed)\s+to\b",
    re.I,
)
COMPARED_VALUES = re.compile(
    r"\d\s*(?:%|[a-zA-Zμµ/.²]+)?\)?,?\s+(?:vs\.?|versus|compared\s+(?:with|to))\s+\d(?:[^.;]|\.\d){0,80}\bP\s*[=<>]|"
    # "was 9/10, 8/10 and 6/10, respectively (P = 0.30)", "in 3 and 8 patients, respectively (P = 0.18)"
    r"\d(?:\s+[a-z]+)?,?\s+respectively\s*\(\s*P\s*[=<>]",
    re.I,
)
BACK_OBJECT = re.compile(r"\s+(?:both|them|these|each|all\s+(?:three|of\s+them))\b", re.I)
CHANGE_BY = re.compile(r"\s+by\s+(?:a\s+(?:mean|median)\s+(?:of\s+)?)?\d", re.I)  # "increased by 0.21 mg/dL"
# "prevented glomerular thrombosis", "reduced the incidence of infusion reactions"
LOWERED_GAP = re.compile(
    # (not across a conjunction: "renoprotection and procoagulant toxicity" are two findings)
    # (a list after the verb, "prevented deaths and pulmonary emboli", but not a second finding after a noun:
    # "renoprotection and procoagulant toxicity")
    r"(?!\s+(?:and|or|but)\b)\s+(?:the\s+)?(?:(?:incidence|rate|risk|number|frequency)\s+of\s+)?(?:[\w-]+\s+){0,2}?",
    re.I,
)
# "NGAL was also reduced in both groups": something reduced it, the treatments (not the injury's own course)
TREATED_PASSIVE = re.compile(
    r"\b(?:was|were)\s+(?:also\s+|similarly\s+|significantly\s+)?(?:reduced|decreased|lowered|attenuated|improved)$",
    re.I,
)
# "urinary KIM-1 and NGAL rose to a similar extent": an injury marker rising alike with and without the therapy
ROSE = {"rose", "rise", "rises", "risen"}
SIMILAR_EXTENT_AFTER = re.compile(r"\s+to\s+(?:a\s+)?(?:similar|comparable|the\s+same)\s+(?:extent|degree)\b", re.I)
LIMITS_USE_AFTER = re.compile(
    r"\s+(?:its|their|the)\s+(?:use|usefulness|applications?|applicability|translation|value|interpretation|"
    r"generali[sz]ability|utility|clinical)\b",
    re.I,
)
ARM_LABEL_AFTER = re.compile(r"\s+(?:group|arm|cohort|protocol|regimen)s?\b", re.I)
WHETHER_BEFORE = re.compile(r"\bwhether\b[^,;]*$", re.I)
# "At 72 h, when serum creatinine had risen ...", "once AKI had developed": a time clause on the state of the injury
DISEASE_STATE_BEFORE = re.compile(r"\b(?:when|once|until|by the time)\s+[^,;]{0,60}?\bhad\s+(?:\w+ly\s+)?$", re.I)
# a word naming a treated arm by its product: "BM-MSCs", "EVs", "naive cells", "AF-CM"
# MSCs, DPSCs, ADSCs, iMSC-Exos, BM-MNCs, ...
PRODUCT_NOUN = r"[\w-]*(?:SCs?|EVs?|exosomes?|Exos?|cells|CM|MVs?|MNCs?|secretome)"
_CONTROL_WORD = r"(?:vehicle|PBS|saline|controls?|untreated|sham|placebo)"  # the arm the therapy is compared with
# a clause not about the controls (EVs of fibroblasts are a control too)
# (but an arm "similar to controls" is an arm that failed)
_NOT_ABOUT_CONTROLS = (
    rf"(?![^.;]*(?<!similar to )(?<!comparable to )(?<!those of )\b(?:{_CONTROL_WORD}|fibroblasts?)\b)"
)
# "KL-MSCs, unlike naive cells, limit fibrosis", "effects not seen with UC-MSCs": another arm did not do the same
ARM_CONTRAST = re.compile(
    r"\bunlike\s+(?!(?:the\s+)?(?:vehicle|placebo|saline|PBS|sham|controls?|untreated)\b)(?:the\s+)?(?:[\w-]+\s+){0,2}?"
    rf"(?:{PRODUCT_NOUN}|counterparts?)\b|\bbut not (?:when|if|once)\b|"
    # "conditioned medium from IL-1b-MSCs, but not from naive MSCs, suppressed TNF-a"
    rf"\bbut\s+not\s+(?:from|of|by)\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}?{PRODUCT_NOUN}\b|"
    r"\b(?:were|was)?\s*not\s+(?:seen|observed|found|reproduced)\s+(?:with|in|after|by)\s+"
    rf"(?:the\s+)?(?:[\w-]+\s+){{0,2}}?(?:{PRODUCT_NOUN}|groups?)\b",
    re.I,
)
# "Fresh but not thawed MSCs reduced KIM-1": the subject sets one arm apart; what its verb changed differs by arm
SUBJECT_BUT_NOT = re.compile(
    rf"\b[\w-]+\s+(but\s+not)\s+[\w-]+\s+(?:[\w-]+\s+)?{PRODUCT_NOUN}\s+(?:[\w-]+ly\s+)?(?!cells\b)[a-z]+ed\b",
    re.I,
)
NEGATION_WORD = re.compile(r"\b(?:no|not|neither|nor|never|without|none)\b", re.I)
# A reported p-value: "(p = 0.61)", "P>0.05", "p = .49". At or above 0.05 the comparison it qualifies found no effect.
P_VALUE = re.compile(r"\b[pP]\s*(=|>|≥|>=|<|≤|<=)\s*(0?\.\d+|1(?:\.0+)?)\b")
RATIO_WORD = re.compile(
    r"\b(?:(?:risk|odds|hazard|rate) ratios?|relative risks?|RRs?|ORs?|HRs?|aORs?|aHRs?)\b"  # "hazard ratios 0.24 ..."
)
# "odds ratio 0.70, 95% CI 0.35-1.39", "HR 0.45 (95% CI 0.22-0.91)", and after a first ratio a bare "0.93 (95% CI
# 0.51-1.70)" or "0.44 [0.20-0.96]"; a negative value (a mean difference) is not a ratio
RATIO_VALUE_CI = re.compile(
    r"(?<![\w.−-])(?P<value>\d+(?:\.\d+)?)\s*"
    r"(?:(?:,\s*|;\s*|[(\[]\s*)(?:95\s*%\s*)?(?:CI|confidence interval)[:,\s]*|"
    r"[(\[](?=[\d.]+\s*(?:[-–—]|to)\s*[\d.]+\s*[)\]]))"
    r"(?P<low>\d+(?:\.\d+)?)\s*(?:[-–—]|to)\s*(?P<high>\d+(?:\.\d+)?)",
    re.I,
)
# "no significant difference between early- and late-passage cells (p = 0.38)": two treated arms compared
ARM_COMPARISON = re.compile(
    r"\b(?:no (?:significant |statistically significant )?differences?|did not (?:significantly )?differ|similar|"
    r"comparable)\s+between\s+(?![^.;]*\b(?:vehicle|placebo|controls?|PBS|saline|untreated|sham|sham-operated)\b)"
    # not "between arms, and eGFR ...": the arms of the trial, and another clause
    r"(?!(?:the\s+)?(?:two\s+|three\s+|treatment\s+|study\s+)?(?:arms|groups|cohorts)\b)"
    r"[^.;,]*?\band\b[^.;]*?(?:\([^()]*\))?(?=[,.;]|$)|"
    # "with no difference between the two treatments"
    r"\b(?:no (?:significant )?differences?|did not (?:significantly )?differ|similar|comparable)\s+between\s+"
    r"(?:the\s+)?(?:two|three|four|both)\s+(?:treatments|products|preparations|regimens|routes|doses|cell types|"
    r"sources|treated groups|schedules)\b|"
    # "but the difference between the two MSC groups was not significant (P = 0.42)"
    r"\b(?:no\s+(?:significant\s+)?)?differences?\s+between\s+(?:the\s+)?(?:two|three|both)\s+(?:[\w-]+\s+)?(?:groups|arms|"
    r"treatments|products|preparations|doses|regimens)\b(?:[^.;]|\.\d)*|"
    # "reduced in both treated groups, with no difference between them", "did not differ from each other"
    r"\b(?:no (?:significant )?differences?|did not (?:significantly )?differ|similar|comparable)\s+"
    r"(?:between|among)\s+(?:them|themselves)\b|"
    r"\bdid not (?:significantly )?differ\s+from\s+(?:each other|one another)\b(?:\s*\([^()]*\))?",
    re.I,
)
# "40% with vehicle", "67% in the late-passage group": a rate and the arm it belongs to
# "1.9 ± 0.3 mg/dL in ADSC-treated rats", "2.1 mg/dL after cAD-MSC injection": a value with a unit or spread
RATE_IN_GROUP = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)(?:\s*(?:±|\+/-|\+/−)\s*\d+(?:\.\d+)?)?\s*"
    r"(?:%|(?!(?:with|in|for|among|of|after|and|vs|versus)\b)[a-zA-Zμµ]{1,6}(?:/[a-zA-Z0-9.²]{1,6}){0,2}(?:\s*m²)?)"
    r"\s+(?:with|in|for|among|of|after)\s+((?:the\s+)?[^,;()]+?)(?=\s*(?:,|;|\)|\band\b|\bvs\b|"
    r"\bversus\b|\bcompared\s+(?:with|to)\b|\(|$))",
    re.I,
)
CONTROL_GROUP = re.compile(
    r"\b(?:vehicle|placebo|saline|PBS|controls?|untreated|sham|other groups|other arms|standard care|usual care)\b",
    re.I,
)
# "the rise in serum creatinine", "the decline of GFR": the target names a change; a cue on the change ("smaller",
# "attenuated", "was larger") reads through it, turned round for a fall ("prevented the loss of capillaries")
CHANGE_NOUN = re.compile(
    r"\b(?:(?P<up>rises?|increases?|elevations?)|(?P<down>declines?|decreases?|reductions?|falls?|drops?|loss))\s+"
    r"(?:in|of)\s+(?:the\s+)?(?:[\w-]+\s+)?$",
    re.I,
)
# what may stand between a cue and the change it modifies: "attenuated the early rise", "a smaller rise"
MODIFIER_GAP = re.compile(r"\s*(?:(?:the|a|an|its|their|this)\s+)?(?:[\w-]+\s+)?", re.I)
# "improved only in the primed group", "but only AF-MSCs decreased ...": another arm did not do the same
# "restored only by the high dose", "reduced by control cells only"
_ARM_NOUN = rf"(?:groups?|arms?|cohorts?|doses?|dosing|delivery|administration|injection|infusion|{PRODUCT_NOUN})"
ONLY_ARM = re.compile(
    rf"(?<!not )\bonly\s+(?:(?:in|with|by|after)\s+)?(?:the\s+)?(?:[\w-]+\s+){{0,4}}?{_ARM_NOUN}\b|"
    rf"\b(?:in|with|by|after)\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}?{_ARM_NOUN}\s+only\b",
    re.I,
)
# "blunted only by MSCs", "Only hUC-MSCs reduced ...": a product that alone did it implies another treated arm
# (controls do nothing "by"; "only MSC-treated rats" is the therapy arm against its controls)
ONLY_BY_PRODUCT = re.compile(
    rf"only\s+(?:by\s+)?(?:the\s+)?(?:[\w-]+\s+){{0,2}}?{PRODUCT_NOUN}(?![\w-])"
    r"(?!\s+(?:groups?|arms?|recipients|cohorts?)\b)|"
    # "reduced by MSCs only" (not "by these cells only": the cells of the study)
    rf"by\s+(?!these\b|those\b|such\b)(?:the\s+)?(?:[\w-]+\s+){{0,2}}?{PRODUCT_NOUN}\s+only\b",
    re.I,
)
# "only in the intravenous group", "by control cells only": an arm named by how it differs implies another arm
IMPLIED_ARM = re.compile(
    r"\b(?:intravenous|intraperitoneal|intra-?arterial|intrarenal|subcapsular|intracardiac|intramuscular|"
    r"subcutaneous|retro-?orbital|intratracheal|intranasal|systemic|local|IV|IP|IA|high|higher|"
    r"highest|low|lower|lowest|early|late|delayed|naive|unmodified|primed|preconditioned|pretreatment|pre-treatment|"
    r"pre-[\w-]+|post-[\w-]+|"  # "only in pre-hAMSC rats": an arm named by its time implies another
    r"rescue|prophylactic|single|repeated|control\s+(?:cells|MSCs?|"
    r"EVs?))\b",
    re.I,
)
# "only in the hUC-MSC group": a product named by its source implies another source (not "only in BM-MSC-treated
# kidneys": the treated arm against its controls)
SOURCE_LABELLED = re.compile(r"\b[A-Za-z]+-(?:MSCs?|SCs?|EVs?|Exos?|exosomes?)$")
# "..., whereas N-MSCs reduced only TNF-a", "but vector-BMSCs reduced TNF-a only": the other arm changed some of
# the outcomes named before, not the rest
OTHER_ARM_ONLY = re.compile(r"\b(?:whereas|while|but)\b(?![^.;]*\bnot\b)[^.;]*?\bonly\b[^.;]*", re.I)
# "reduced fibrosis in some studies but not in others", "in some studies [15] and not in others": they disagree
SOME_NOT_OTHERS = re.compile(
    r"\bin some\b[^.;]{0,60}?\bnot\b(?:\s+in)?\s+(?:others|all)\b|"
    # "was reduced in non-diabetic but not in diabetic kidneys": in one subgroup only
    r"\bin\s+(?:the\s+)?[\w-]+\s+(?:[\w-]+\s+)?but\s+not\s+in\s+(?:the\s+)?[\w-]+\s+(?:kidneys|mice|rats|animals|"
    r"patients|pigs|dogs|sheep|cells|groups?|models?|studies|subgroups?)\b",
    re.I,
)
# "Mortality was 2.5% in both arms", "2 of 8 in each group": one value for all arms
SAME_IN_ALL_ARMS = re.compile(
    r"\b(?:in|for|among)\s+(?:both|each|all|every)\s+(?:(?:study|treatment)\s+)?(?:arms?|groups?)\b", re.I
)
PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
OR_VERB_BEFORE = re.compile(r"\b(?:or|nor)\s+(?:\w+ly\s+)?$", re.I)
# a clause that judges the comparison of the clause before it
BACK_VERDICT = re.compile(
    r"[,;]?\s*(?:(?:but|although|though|however|yet|and)\s*,?\s*)?(?:the\s+|this\s+|these\s+|that\s+)?"
    r"(?:between-groups?\s+)?(?:differences?|changes?|effects?|trends?|reductions?|improvements?|increases?|decreases?)\s+"
    r"(?:was|were|did|remained|failed)\b[^.;]{0,30}?(?:not\s+(?:statistically\s+)?significant|(?:not|to)\s+reach\w*\s+"
    r"(?:statistical\s+)?significance|non-?significant)",
    re.I,
)
# "Both preparations lowered creatinine ..., with no difference between them (P = 0.74)": treated arms compared
# with each other, not with the controls
BETWEEN_TREATED = re.compile(
    r"\b(?:no|without(?:\s+any)?)\s+(?:significant\s+|statistical\s+)?differences?\s+(?:between|among)\s+(?:them|these|"
    r"the\s+two|both|(?:the\s+)?(?:two\s+|three\s+)?(?:[\w-]+\s+)?(?:preparations|products|types|regimens|doses|routes|"
    r"treatments|formats|sources))\b(?:\s*\([^()]*\))?",
    re.I,
)
QUALIFIED_BEFORE = re.compile(r"\b(?:their|its|the|these)\s+(?!between)[\w-]+\s*$", re.I)
NOT_SIGNIFICANT = re.compile(
    r"(?<!\w)n\.s\.(?!\w)|\b(?:non-?significant|not statistically significant|not significant)\b|"
    # "was reduced only modestly and not significantly by early exosomes" (not "not significantly different from
    # sham": back to normal)
    r"\b(?:and|but)\s+not\s+significantly\b(?!\s+different)"
)
# Targets in a list share the predicate that follows the list: "creatinine, urinary NGAL and cystatin C rose ...".
LIST_GAP = re.compile(
    # "TNF-a and IL-6 mRNA and ED-1-positive macrophage infiltration": a measure noun may close an item
    r"\s*(?:(?:mRNA|levels?|expression|activity|protein|concentrations?|scores?|staining)\s*)?"
    r"(?:,\s*(?:and|or)?|and|or|as well as|,? and)\s+(?:[\w-]+\s+){0,2}"
    # "cast scores and renal expression of KIM-1"
    r"(?:(?:expression|levels?|concentrations?|activity|content|numbers?)\s+of\s+)?",
    re.I,
)
# the values an item of a list carries before the next item: "creatinine (0.38 vs 0.41 mg/dL), dialysis (...)"
ITEM_VALUES = re.compile(
    r"(?:(?:\s+[\w-]+|\s+(?:at|on|by|after|within)\s+(?:day\s+)?\d+(?:\s*[a-z]+)?)?\s*\([^()]*\d[^()]*\))?"
)
# one item named twice: "ED-1-positive macrophage infiltration" (a marker, then the outcome it marks)
SAME_ITEM = re.compile(r"-[\w-]*\s+(?:[\w-]+\s+)?")
# A relative clause or modal between an outcome and a later cue: "immunomodulatory properties that may allow a
# reduction in ..." does not predicate the outcome.
CLAUSE_OPENER = re.compile(r"\b(?:that|which|who|whose|may|might|could|would|to)\b", re.I)
IMMEDIATE_GAP = re.compile(
    r"\s*(?:\([^()]{1,20}\)\s*)?(?:levels?\s+|values?\s+|concentrations?\s+|activity\s+|scores?\s+)?"
    # a time qualifier: "the peak rise in creatinine within 72 h was smaller", "(eGFR) at 3 months"
    # ("at 6, 24 and 48 h")
    r"(?:(?:within|at|on|by|after|over)\s+(?:the\s+first\s+)?(?:days?\s+)?\d+(?:(?:\s*,\s*|\s+(?:and|or)\s+)\d+)*"
    r"(?:\s*(?:h|hours?|days?|weeks?|months?|years?|d))?\s+)?"
    r"(?:(?:significantly|markedly|also|further|slightly|rapidly|then|substantially)\s+)?",
    re.I,
)
NOUN_OF_NEXT = re.compile(r"\s(?:in|of)$", re.I)  # "decline in", "reduction of": the change of the noun after it
# "was 46% smaller"; not across a new clause's subject: "increased collagen I, and this effect was prevented"
PASSIVE_GAP = re.compile(
    r"^(?:(?!,\s*(?:and|but)\s+(?:this|these|the|that|its|their)\b)[^;])*\b(?:was|were|is|are|been|being)\s+"
    r"(?:[\w.%-]+\s+|in\s+fact\s+)?$",  # "was markedly reduced", "was in fact greater"
    re.I,
)
# "Apart from transient fever in one patient, no adverse events occurred": the exception does not make the safety
# finding mixed
EXCEPTION_OPENER = re.compile(
    r"^\s*(?:apart|aside)\s+from\b[^,;]{3,120},|^\s*(?:except\s+for|other\s+than|with\s+the\s+exception\s+of)\b"
    r"[^,;]{3,120},",
    re.I,
)
# "comparable between the naive MSC and PBS groups but lower with KL-MSCs": another arm changed it
OTHER_ARM_CHANGED = re.compile(
    rf"\b(?:but|whereas|while)\b{_NOT_ABOUT_CONTROLS}(?=[^.;]*\b{PRODUCT_NOUN}\b)[^.;]*",
    re.I,
)
# "adipocytes ..., which were absent from KMSC-treated kidneys": absent in another arm only
ABSENT_IN_ARM = re.compile(rf"\s*(?:from|in)\s+(?:the\s+)?(?:[\w-]+\s+)?{PRODUCT_NOUN}", re.I)
# "Teratomas developed in all mice injected with iPSCs but in none of those given iPSC-MSC-Exos"
NONE_IN_ARM = re.compile(
    r"[^.;]{0,80}?\bbut\s+(?:in\s+)?none\s+of\s+(?:those|the\s+\w+)\s+(?:given|treated\s+with|receiving|injected\s+with)\b|"
    # "in 4 of 12 IA kidneys but in none after IV injection"
    r"[^.;]{0,80}?\bbut\s+(?:in\s+)?none\s+(?:after|with|in)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"
    rf"(?:injection|infusion|delivery|administration|groups?|{PRODUCT_NOUN})\b|"
    # "in 6 of 24 high-dose patients and in none of the low-dose patients", "whereas none was detected in the
    # syngeneic group" (another treated arm, not the controls)
    rf"[^.;]{{0,80}}?\b(?:and|but|whereas|while)\s+(?:(?:in\s+)?none\s+of\s+the|none\s+(?:was|were)\s+"
    rf"(?:detected|found|seen|observed)\s+in\s+the)\s+(?!(?:[\w-]+\s+){{0,2}}?{_CONTROL_WORD})(?:[\w-]+\s+){{1,2}}?"
    r"(?:patients|rats|mice|animals|kidneys|groups?|recipients)\b",
    re.I,
)
# "Subcapsular but not intravenous MSCs form ectopic bone": the negation names an arm, not the target
BUT_NOT_ARM = re.compile(rf"\bbut\s+not\s+(?:[\w-]+\s+){{0,6}}?{PRODUCT_NOUN}\b", re.I)
# "..., whereas neither Lin-/Sca-1+ cells nor BM-MNCs had a significant effect": another arm failed
OTHER_ARM_FAILED = re.compile(
    rf"\b(?:whereas|while|but)\s+(?:(?:the\s+)?other\b|neither\b|(?:[\w-]+\s+){{0,2}}?{PRODUCT_NOUN}\b|"
    # "but the same dose given intraperitoneally did not"
    rf"(?:the\s+)?(?:same|equivalent|equal|identical)\s+(?:dose|number|regimen)\b|"
    rf"(?:[\w/+-]+\s+){{0,2}}?cells\b|"
    # "fell by 58% with young-donor cells but by only 21% (P = 0.12) with aged-donor cells"
    r"(?:by\s+)?only\s+\d|"
    # "whereas 1 x 10^7 ABs had no measurable effect on any of these end points": the same outcomes, another arm
    r"(?=[^.;]*?\b(?:on|in|of)\s+(?:any\s+of\s+)?(?:these|those|either|them)\b)|"
    # "46% lower after IV EVs (P = 0.008) but was unchanged by the other routes"
    r"(?=[^.;]*?\b(?:by|with|in|after)\s+the\s+other\s+(?:routes?|doses?|regimens?|preparations?|products?|"
    r"formats?|arms?|schedules?)\b))"
    rf"{_NOT_ABOUT_CONTROLS}[^.;]*",
    re.I,
)
# "..., and these effects were lost with Miro1kd-MSCs": a modified product (another arm) did not do it
EFFECT_LOST_WITH_ARM = re.compile(
    # ("effects that were absent with aged-donor MSCs")
    rf"\b(?:effects?|protection|benefits?)\s+(?:(?:that|which)\s+)?(?:was|were)\s+(?:\w+ly\s+)?"
    rf"(?:lost|absent|abolished|not\s+seen)\s+(?:with|in|after)\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}?{PRODUCT_NOUN}\b|"
    # "lower on day 1 and day 3, but by day 7 the values had converged": an effect at one time, not at another
    r"\b(?:but|whereas|while|although)\s+(?:by|at|on|after)\s+(?:day|week|month)\s*\d+[^.;]{0,60}?\b(?:(?:had\s+)?"
    r"converged|no\s+longer|(?:were|was)\s+(?:similar|comparable)|did\s+not\s+differ)\b|"
    # "also reduced TNF-a and apoptosis, none of which changed significantly at the highest dose"
    r",\s*(?:none|neither)\s+of\s+which\s+[^.;]*?\b(?:at|with|after|in)\s+the\s+(?:[\w-]+\s+){0,2}?"
    r"(?:doses?|concentrations?|groups?|arms?|regimens?)\b|"
    # "confers on UC-MSCs an antifibrotic capacity that naive cells lack"
    rf"\b(?:that|which)\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}?{PRODUCT_NOUN}\s+lack(?:s|ed)?\b",
    re.I,
)
# "does not show that MSCs improve kidney recovery", "no evidence that": the claim is denied
NOT_SHOWN_BEFORE = re.compile(
    r"\b(?:(?:does|do|did)\s+not|failed\s+to)\s+(?:show|demonstrate|support|prove|establish|confirm)\s+that\b[^.;]*$|"
    r"\bno\s+(?:convincing\s+|clear\s+|consistent\s+)?evidence\s+that\b[^.;]*$",
    re.I,
)
# "(P = 0.02 for BM-MSCs vs vehicle)": a p-value for one arm only
ONE_ARM_P = re.compile(
    rf"\bP\s*[=<]\s*0?\.\d+\s+for\s+[^,;()]+?\s+(?:vs\.?|versus)\s+(?:the\s+)?{_CONTROL_WORD}\b",
    re.I,
)
CONTROLS_NEGATED = re.compile(
    rf"\s+(?:of|in|among)\s+(?:the\s+)?{_CONTROL_WORD}[\w-]*"
    r"(?:\s+(?:groups?|arms?|rats|mice|animals|patients|controls))?\b",
    re.I,
)
# "early but not long-term protection", "the functional but not the survival benefit"
BENEFIT_CONTRAST = re.compile(
    r"\b[\w-]+\s+but\s+not\s+(?:the\s+)?[\w-]+\s+(?:protection|benefits?|efficacy|renoprotection)\b", re.I
)
RATE_CONTINUES = re.compile(r"\s*(?:but|whereas|while)\s+(?:only\s+|just\s+)?(?=\d+(?:\.\d+)?\s*%)", re.I)
# "preventing fibrosis or the decline in kidney function": a change noun listed after a target is the object of
# that target's verb
LISTED_CHANGE = re.compile(r"\s*,?\s*(?:and|or|as\s+well\s+as)\s+(?:the\s+|a\s+|an\s+)?", re.I)


@dataclass
class Event:
    start: int
    end: int
    kind: str  # beneficial, no_effect, harmful, up, down
    used: bool = False


@dataclass(frozen=True)
class Target:
    """An outcome or mediator in the sentence: character span (sentence-relative), name, the good direction."""

    start: int
    end: int
    name: str
    good: str  # "up", "down", "absent" (harmful whenever reported: maldifferentiation, tumors), "safe" ("was safe")
    is_outcome: bool


# the gap between a verb and a change noun listed after its first object: "prevented myofibroblast accumulation or
# the decline in ..."
LISTED_OBJECT = re.compile(r"\s+(?:the\s+|a\s+|an\s+)?(?:[\w+-]+\s+){1,4}(?:or|and)\s+(?:the\s+|a\s+|an\s+)?", re.I)
LEFT_UNCHANGED = re.compile(r"\bleft\s+(?:[\w-]+\s+){1,5}?(?:unchanged|unaffected|unaltered|intact)\b", re.I)
AS_MUCH_AS_CONTROLS = re.compile(
    r"\b(?:[\w-]+\s+)?as\s+(?:much|many|high|low|severe|often|frequently)\s+(?:[\w-]+\s+){0,3}?as\s+(?:in\s+|the\s+|did\s+)*"
    rf"(?:[\w-]+\s+)?{_CONTROL_WORD}\b",
    re.I,
)
RATES_GIVEN = re.compile(r"[^.;,]{0,40}?\b(?:in|was|were|of)\s+\d+(?:\.\d+)?\s*%", re.I)
FEWER_AFTER = re.compile(r"\s+(?:was|were|is|are)\s+(?:\w+ly\s+)?", re.I)  # "infections were less frequent"
SIMILAR_BEFORE = re.compile(
    r"\b(?:similar|comparable|equivalent|identical)\s+(?:(?:renal|urinary|serum|plasma|mean|median|peak|tubular)\s+)?$",
    re.I,
)
_EFFECT_WORD = r"(?:benefits?|improvements?|gains?|reductions?|protection|advantages?|effects?)\b"
EFFECT_NOUN_AFTER = re.compile(rf"\s+{_EFFECT_WORD}", re.I)  # "a similar survival benefit"
EFFECT_NOUN = re.compile(rf"\b{_EFFECT_WORD}", re.I)  # a target that names its effect: "functional benefit"
DOUBLE_NEGATION = re.compile(r"\bnot\s+without\b", re.I)
# a change named by a noun after its outcome: "the creatinine rise", "the GFR decline"
COUNTERED_NOUN = re.compile(r"(?:rise|rises|increase|increases|elevation|decline|fall|loss|reduction|decrease)", re.I)
# "higher in aged mice", "lower in diabetic rats": animals with a condition compared with those without it
CONDITION_GROUP_AFTER = re.compile(
    r"\s+in\s+(?:the\s+)?(?:aged|old|older|elderly|diabetic|uraemic|uremic|obese|hypertensive|senescent)\s+"
    r"(?:[\w-]+\s+)?(?:mice|rats|animals|kidneys|donors|patients|pigs|dogs|than\b)",
    re.I,
)
# "a non-significant improvement in eGFR", "a statistically insignificant reduction": no effect
NON_SIGNIFICANT_BEFORE = re.compile(
    r"\b(?:(?:statistically\s+)?(?:non-?significant|insignificant)|not\s+significant)\s+$", re.I
)
# ", which suggests that rodent data may overestimate the benefit": the authors' reading of the result, no result
INTERPRETATION_TAIL = re.compile(
    r",\s*(?:(?:which|this|these\s+data)\s+(?:suggests?|indicates?|implies|implying|means)|"
    r"(?:suggesting|indicating|implying))\s+that\b",
    re.I,
)


def events(text: str, lexicon: cues.Lexicon, comparisons: list[tuple[int, int]] | None = None) -> list[Event]:
    found = [Event(m.start(), m.end(), "no_effect") for m in lexicon.no_effect.finditer(text)]
    # "lost as much body weight as PBS-treated mice": as the controls did; "left viability unchanged"
    found += [Event(m.start(), m.end(), "no_effect") for m in AS_MUCH_AS_CONTROLS.finditer(text)]
    found += [Event(m.start(), m.end(), "no_effect") for m in LEFT_UNCHANGED.finditer(text)]
    found += [
        Event(m.start(), m.end(), "no_effect")
        for m in ELLIPTICAL_NEGATION.finditer(text)
        if not any(e.start <= m.start() < e.end for e in found)
    ]
    blocked = [(e.start, e.end) for e in found]

    def add(match: re.Match, kind: str) -> None:
        if any(s <= match.start() < e for s, e in blocked):
            return
        last = match.group(0).split()[-1]  # "smaller", "was smaller"
        if DEGREE_WORDS.fullmatch(last) and (
            # ("the decline in GFR was larger than in controls" is a change: "smaller"/"larger" are degrees only
            # of a change named before them)
            (DEGREE_AFTER.match(text, match.end()) and last.lower() not in ("smaller", "larger"))
            or any(CHANGE_WAS_BEFORE.search(text, 0, at) for at in {match.end() - len(last), match.start()})
        ):
            # "reduced apoptosis more than unmodified cells", "more effectively than", "the reduction was greater
            # after early injection": a degree, not a change
            return
        if (
            kind != "harmful"
            and PURPOSE_BEFORE.search(text[max(0, match.start() - 30) : match.start()])
            and not MODAL.search(text[: match.start()])
            # "is required for MSCs to improve survival": a result, not an aim
            and not REQUIRED_FOR.search(text, max(0, match.start() - 90), match.start())
        ):
            return  # "MSCs to prevent contrast AKI: a randomised trial" states an aim ("might help to prevent": a hope)
        if kind in ("up", "down", "harmful") and (
            (IN_ALL_GROUPS_AFTER.match(text, match.end()) and not TREATED_PASSIVE.search(text, 0, match.end()))
            or IN_ALL_GROUPS_BEFORE.search(text, max(0, match.start() - 40), match.start())
            or (match.group(0).lower() in ROSE and SIMILAR_EXTENT_AFTER.match(text, match.end()))
        ):
            # "proteinuria rose in all groups": the course of the injury, the same with and without the therapy
            found.append(Event(match.start(), match.end(), "no_effect"))
            return
        if kind in ("up", "down") and CONDITION_GROUP_AFTER.match(text, match.end()):
            return  # "senescence markers were higher in aged mice": the condition's change, not the therapy's
        if kind in ("up", "down") and DOSE_LABEL_AFTER.match(text, match.end()):
            return  # "the lower intra-arterial dose", "higher-dose cohorts": the name of an arm
        if kind == "down" and LIMITS_USE_AFTER.match(text, match.end()):
            return  # "The lack of benefit limits its use": no change in an outcome
        if kind == "beneficial" and ARM_LABEL_AFTER.match(text, match.end()):
            return  # "2 h after it (rescue group)": the name of an arm
        if WHETHER_BEFORE.search(text, max(0, match.start() - 120), match.start()):
            return  # "may determine whether it promotes tissue repair": a question
        if DISEASE_STATE_BEFORE.search(text[max(0, match.start() - 80) : match.start()]):
            return  # "when serum creatinine had risen more than twofold, mice were randomized": the injury's course
        if CONCESSIVE_BEFORE.search(text[max(0, match.start() - 40) : match.start()]) and not match.group(0).endswith(
            "ing"
        ):
            return  # "Despite this early protection, fibrosis did not differ": refers back to an earlier finding
        negated = (
            NEGATED_BEFORE.search(text[max(0, match.start() - 36) : match.start()])
            or NEITHER_BEFORE.search(text, 0, match.start())
            or NON_SIGNIFICANT_BEFORE.search(text, max(0, match.start() - 40), match.start())
        )
        found.append(Event(match.start(), match.end(), "no_effect" if negated else kind))

    for pattern, kind in (
        (lexicon.harmful, "harmful"),
        (lexicon.beneficial, "beneficial"),
        (lexicon.up, "up"),
        (lexicon.down, "down"),
    ):
        for match in pattern.finditer(text):
            add(match, kind)
    for match in SIZED_CHANGE.finditer(text):
        word = 1 if match.group(1) else 2
        if CHANGE_WAS_BEFORE.search(text, 0, match.start(word)):
            continue  # "Reductions in creatinine were 58% smaller in blinded studies": a degree, not a change
        if not any(e.start <= match.start(word) < e.end for e in found):
            found.append(Event(match.start(word), match.end(word), "down" if word == 1 else "up"))
    # Neutral change verbs ("affect", "alter") state a direction only when negated: "did not affect fibrosis".
    for match in lexicon.neutral.finditer(text):
        if not any(e.start <= match.start() < e.end for e in found) and (
            NEGATED_BEFORE.search(text[max(0, match.start() - 24) : match.start()])
            or NEITHER_BEFORE.search(text, 0, match.start())  # "Neither EVs nor their miRNA affected ..."
        ):
            found.append(Event(match.start(), match.end(), "no_effect"))
    # "MSCs, but not their conditioned medium, ameliorate AKI": the excluded arm had no effect.
    found += [Event(m.start(), m.end(), "no_effect") for m in BUT_NOT.finditer(text)]
    comparisons = arm_comparisons(text) if comparisons is None else comparisons
    found = [e for e in found if not _inside(e, comparisons)]
    found = [
        e
        for e in found
        if not (
            e.kind == "no_effect"
            and (
                (ABOUT_CONTROLS.match(text, e.end) and not COMPARING_CUE_END.search(text, e.start, e.end))
                or CONTROLS_BEFORE.search(text, max(0, e.start - 80), e.start)
            )
        )
    ]
    # The longest cue wins: "more pronounced effect on" is beneficial, not the change verb "more" inside it.
    found = [
        e
        for e in found
        if not any(
            o is not e and o.start <= e.start and e.end <= o.end and o.end - o.start > e.end - e.start for o in found
        )
    ]
    found = sorted(found, key=lambda e: e.start)
    # "did not significantly shorten dialysis or improve eGFR": one negation over verbs joined by "or"
    for before, event in zip(found, found[1:], strict=False):
        if before.kind != "no_effect" or event.kind not in ("beneficial", "harmful", "up", "down"):
            continue
        gap = PARENTHESES.sub("", text[before.end : event.start])  # "(P = 0.52 vs saline)" is no clause
        if len(gap) <= 60 and OR_VERB_BEFORE.search(gap) and not CLAUSE_BREAK.search(gap):
            event.kind = "no_effect"
    return found


def non_significant(
    text: str, comparisons: list[tuple[int, int]] | None = None, ratio_events: list[Event] | None = None
) -> list[Event]:
    """``no_effect`` events at p-values of 0.05 or more ("p = 0.61", "p > 0.05") and at "n.s." / "not
    significant"."""
    found = []
    for m in P_VALUE.finditer(text):
        op, value = m.group(1), float(m.group(2))
        if op in ("=", ">", "≥", ">=") and value >= 0.05:
            found.append(Event(m.start(), m.end(), "no_effect"))
    found += [Event(m.start(), m.end(), "no_effect") for m in NOT_SIGNIFICANT.finditer(text)]
    # "(risk ratio 1.09, 95% CI 0.80-1.49)": a ratio whose confidence interval includes 1
    found += [e for e in (ratios(text) if ratio_events is None else ratio_events) if e.kind == "no_effect"]
    comparisons = arm_comparisons(text) if comparisons is None else comparisons
    return [e for e in found if not _inside(e, comparisons)]


def significant(text: str, ratio_events: list[Event] | None = None) -> list[tuple[int, int]]:
    """Spans of significant results: p-values below 0.05 ("P < 0.01", "p = 0.003") and ratios whose confidence
    interval excludes 1."""
    found = []
    for m in P_VALUE.finditer(text):
        op, value = m.group(1), float(m.group(2))
        if (op in ("<", "≤", "<=") and value <= 0.05) or (op == "=" and value < 0.05):
            found.append((m.start(), m.end()))
    ratio_events = ratios(text) if ratio_events is None else ratio_events
    return found + [(e.start, e.end) for e in ratio_events if e.kind != "no_effect"]


def ratios(text: str) -> list[Event]:
    """Each ratio with its confidence interval after a ratio's name: ``no_effect`` when the interval includes 1,
    else ``down`` (below 1: fewer events with the therapy) or ``up``."""
    named = RATIO_WORD.search(text)
    if named is None:
        return []
    found = []
    for m in RATIO_VALUE_CI.finditer(text, named.start()):
        low, high = float(m.group("low")), float(m.group("high"))
        if low < 1 < high:
            found.append(Event(m.start(), m.end(), "no_effect"))
        elif high < 1 or low > 1:
            found.append(Event(m.start(), m.end(), "down" if high < 1 else "up"))
    return found


def arm_comparisons(text: str) -> list[tuple[int, int]]:
    """Spans comparing two treated arms with each other ("no significant difference between early- and
    late-passage cells (p = 0.38)"): not a comparison with a control, so not a finding of no effect."""
    return [(m.start(), m.end()) for m in ARM_COMPARISON.finditer(text)]


def _inside(event: Event, spans: list[tuple[int, int]]) -> bool:
    return any(start <= event.start < end for start, end in spans)


def _compared_rates(clause: str) -> str:
    """ "up" or "down" when the clause gives an outcome's rate for the therapy arms and for the control arm ("was 40%
    with vehicle, 70% with UCB-MSCs and 90% with IGF-1-MSCs"; "67% in the late-passage group and 100% in the
    other groups") and every therapy arm lies on the same side of the control; else ""."""
    rates = RATE_IN_GROUP.findall(clause[:200])
    if len(rates) < 2:
        return ""
    control = [float(v) for v, group in rates if CONTROL_GROUP.search(group)]
    treated = [float(v) for v, group in rates if not CONTROL_GROUP.search(group)]
    if not control or not treated:
        return ""
    reference = sum(control) / len(control)
    if all(v > reference for v in treated):
        return "up"
    if all(v < reference for v in treated):
        return "down"
    if any(v != reference for v in treated):
        return "mixed"  # "25% with PBS, 58% with ADMSCs and 25% with CM": the arms differ
    return ""


COUNTS_IN_ARM = re.compile(
    r"\b(\d+)\s+(?:of|/|out\s+of)\s+(\d+)\s+((?:[\w-]+\s+){0,3}?[\w-]+)(?=\s*(?:,|;|\)|\(|\band\b|\bvs\b|\.|$))",
    re.I,
)


def _similar_counts(clause: str) -> bool:
    """The clause counts a harm in a treated arm and in the controls, at rates within a factor of two of each
    other ("in 3 of 12 treated patients and 2 of 12 controls")."""
    counts = [(int(k), int(n), group) for k, n, group in COUNTS_IN_ARM.findall(clause[:200]) if int(n) > 0]
    control = [k / n for k, n, group in counts if CONTROL_GROUP.search(group)]
    treated = [k / n for k, n, group in counts if not CONTROL_GROUP.search(group)]
    if len(control) != 1 or not treated or not all(k <= n for k, n, _ in counts):
        return False
    return all(v > 0 and control[0] > 0 and 0.5 <= v / control[0] <= 2 for v in treated)


# "112 ± 9 vs 64 ± 7 mg/dL", "67% vs 100%", "3.1 ± 0.4 (vehicle) and 1.6 ± 0.5 (UCB-MSC)": two values of an outcome,
# each with an optional spread and unit, and an optional arm label in parentheses
_VALUE = r"(\d+(?:\.\d+)?)(?:\s*(?:±|\+/-|\+/−)\s*\d+(?:\.\d+)?)?(?:\s*%|\s*[a-zA-Zμµ]+(?:/[a-zA-Z]+)*)?"
PAIRED_VALUES = re.compile(
    rf"(?<![\w.]){_VALUE}\s*(?:\(([^()]{{1,40}})\)\s*)?(?:vs\.?|versus|and|compared with)\s+{_VALUE}"
    rf"(?:\s*\(([^();]{{1,40}})\))?",
    re.I,
)
# the arms the two values belong to, in the same order: "in vehicle-treated and UCB-MSC-treated rats",
# "(vehicle vs UCB-MSC; p < 0.001)"
PAIRED_GROUPS = re.compile(
    r"(?:\(|\b(?:in|with|for|among|of)\s+(?:the\s+)?)([^,;()]{1,50}?)\s+(?:vs\.?|versus|and)\s+([^,;()]{1,50}?)"
    r"(?=\s*[;,).]|\s+(?:rats|mice|pigs|dogs|animals|groups?|arms?|patients|kidneys)\b|\s*$)",
    re.I,
)


def _paired_values(clause: str) -> str:
    """ "up" or "down" when the clause gives an outcome's value in a control arm and in a therapy arm, paired ("was
    67% vs 100% in vehicle-treated and MSC-treated rats", "112 ± 9 vs 64 ± 7 mg/dL (vehicle vs MSC)", "3.1
    (vehicle) and 1.6 (MSC)"); else "". Exactly one of the two arms must be a control."""
    pair = PAIRED_VALUES.search(clause[:200])
    if pair is None:
        return ""
    first, label1, second, label2 = float(pair.group(1)), pair.group(2), float(pair.group(3)), pair.group(4)
    if not (label1 and label2):
        groups = PAIRED_GROUPS.search(clause[pair.end() : pair.end() + 120])
        if groups is None:
            return ""
        label1, label2 = groups.group(1), groups.group(2)
    control1, control2 = bool(CONTROL_GROUP.search(label1)), bool(CONTROL_GROUP.search(label2))
    if control1 == control2 or first == second:
        return ""
    treated, control = (second, first) if control1 else (first, second)
    return "up" if treated > control else "down"


def _arms_compared(clause: str) -> str:
    """The therapy arms' values against the control's, as rates ("40% with vehicle, 70% with MSCs") or as a pair
    ("112 vs 64 mg/dL (vehicle vs MSC)"): "up", "down", "mixed" or ""."""
    return _compared_rates(clause) or _paired_values(clause)


def _chain_end(text: str, targets: list[Target], index: int) -> int:
    """End of the list of targets that ``targets[index]`` starts or continues ("A, B and C")."""
    end = targets[index].end
    name = targets[index].name
    for nxt in targets[index + 1 :]:
        if nxt.start < end:
            continue
        gap = text[end : nxt.start]
        if nxt.name == name and re.fullmatch(r"\s*\(\s*", gap):
            # "kidney injury molecule-1 (KIM-1) and NGAL": the item's abbreviation, with its parenthesis
            closing = re.match(r"\s*\)", text[nxt.end :])
            end = nxt.end + (closing.end() if closing else 0)
            continue
        name = nxt.name
        # "peak creatinine (0.38 vs 0.41 mg/dL), dialysis (1 vs 2 patients) and mortality ... did not differ"
        gap = gap[ITEM_VALUES.match(gap).end() :]
        if not (LIST_GAP.fullmatch(gap) or SAME_ITEM.fullmatch(gap)):
            break
        end = nxt.end
    return end


def _in_parentheses(text: str, position: int) -> bool:
    depth = 0
    for char in text[:position]:
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
    return depth > 0


def _disagree_after(text: str, target: Target, later: list[Target]) -> bool:
    """ "lowered creatinine in some studies but not in others": said of this target, not of an earlier one
    ("reduced TNF-a, but improved survival in some studies and not in others")."""
    m = SOME_NOT_OTHERS.search(text, target.end)
    return bool(m) and not any(target.end <= t.start < m.start() for t in later)


def _clause(text: str, position: int) -> tuple[int, int]:
    """The clause around ``position``; a break inside parentheses ("(HR 0.86; p = 0.49)") does not count."""
    start, end = 0, len(text)
    for m in CLAUSE_BREAK.finditer(text):
        if _in_parentheses(text, m.start()):
            continue
        if m.end() <= position:
            start = m.end()
        elif m.start() >= position:
            end = m.start()
            break
    return start, end


# "reduced DGF", "lowered the incidence of AKI", "increased the risk of AKI" (not "induced AKI": the model)
INJURY_AFTER_DOWN = re.compile(
    r"\s+(?:the\s+)?(?:(?:incidence|rate|risk|occurrence|severity|frequency|development|onset)\s+of\s+)?"
    r"(?:(?:biopsy-proven|biopsy-proved|clinical|postoperative|episodes\s+of)\s+)?",  # "fewer biopsy-proven rejections"
    re.I,
)
INJURY_PASSIVE_GAP = re.compile(r"\s+(?:in\s+(?:[\w-]+\s+){1,2})?(?:was|were|is|are)\s+(?:\w+ly\s+)?", re.I)
INJURY_PASSIVE_AGENT = re.compile(r"\s+(?:by|with|after|following)\s", re.I)
MODEL_MADE = re.compile(r"induc|caus|produc|trigger|elicit|creat|generat|establish|initiat", re.I)  # "was induced by"
INJURY_AFTER_UP = re.compile(r"\s+(?:the\s+)?(?:incidence|rate|risk|occurrence|severity|frequency)\s+of\s+", re.I)
# "given at the onset of CPB reduced ...": an injury named inside a phrase is not the subject of the verb after it
INJURY_IN_PHRASE = re.compile(
    r"\b(?:of|after|before|at|following|during|from|by|with|in|to|upon|post|within)\s+(?:the\s+)?(?:[\w-]+\s+)?$", re.I
)


TREATED_BEFORE = re.compile(r"(?:\b|-)(?:treated|receiving|given)\s+$", re.I)


def _injury_changed_in_passive(event: Event, text: str, injury_spans: tuple[tuple[int, int], ...]) -> bool:
    """An injury that is the subject of a passive change verb with an agent: "Glycerol-induced kidney injury was
    markedly reduced by EVs" (not "Sepsis was induced by ...": how the model was made)."""
    return bool(
        INJURY_PASSIVE_AGENT.match(text, event.end)
        and not MODEL_MADE.match(text, event.start)
        and any(INJURY_PASSIVE_GAP.fullmatch(text[end : event.start]) for _, end in injury_spans)
    )


def _caused_by_injury(event: Event, text: str, injury_spans: tuple[tuple[int, int], ...]) -> bool:
    """A change verb right after an injury that is its subject ("Gentamicin increased serum creatinine")
    describes the model, not the therapy."""
    if event.kind not in ("up", "down"):
        return False
    by = re.match(r"\s+by\s+(?:the\s+)?", text[event.end :])
    if by and any(start == event.end + by.end() for start, _ in injury_spans):
        return True  # "apoptosis induced by cisplatin": the injury's doing
    if _injury_changed_in_passive(event, text, injury_spans):
        return False  # "Glycerol-induced kidney injury was reduced by EVs": the injury changed by the therapy
    return any(
        0 <= event.start - end <= 25
        and re.fullmatch(r"[\s\w-]*", text[end : event.start])
        and not INJURY_IN_PHRASE.search(text, max(0, start - 30), start)
        and not TREATED_BEFORE.search(text, max(0, start - 30), start)  # "EV-treated CKD rats showed a higher ..."
        for start, end in injury_spans
    )


def _through_change(
    text: str,
    noun: re.Match,
    noun_start: int,
    before: list[Event],
    predicate: Event | None,
    governing: Event | None = None,
) -> Event:
    """The reading of a target that names a change ("the rise in creatinine"): a cue right before the change
    ("attenuated the early rise", "a smaller rise") or its predicate ("the reduction in creatinine was larger"),
    or the verb of the list it ends ("prevented fibrosis and the decline in GFR"), turned round for a fall; else
    the change itself."""
    modifier = next((e for e in reversed(before) if MODIFIER_GAP.fullmatch(text[e.end : noun_start])), None)
    cue = modifier or predicate or governing
    if cue is None:
        return Event(noun_start, noun_start, "up" if noun.group("up") else "down")
    if noun.group("down") and cue.kind in ("up", "down"):
        return Event(cue.start, cue.end, "down" if cue.kind == "up" else "up")
    return cue


def _other_arm_only(text: str, per_target: list[tuple[Target, str]]) -> list[tuple[Target, str]]:
    """ "H-MSCs lowered KIM-1, NGAL and TNF-a, whereas N-MSCs reduced only TNF-a": the outcomes before the clause
    that the other arm did not change differ by arm (mixed)."""
    for m in OTHER_ARM_ONLY.finditer(text):
        named = {
            t.name
            for t, _ in per_target
            if m.start() <= t.start < m.end()
            and (
                re.match(r"\s+only\b(?!\s+(?:in|at|with|when|after|by|if|during|on)\b)", text[t.end :])
                or re.search(r"\bonly\s+(?:(?:the|its|their|renal|serum|urinary)\s+)?$", text[m.start() : t.start])
            )
        }
        if named:
            per_target = [
                (t, "mixed" if t.end <= m.start() and t.name not in named and d in ("beneficial", "harmful") else d)
                for t, d in per_target
            ]
    return per_target


def _subgroup_contrast(text: str) -> tuple[int, int] | None:
    """Where an effect stated for some subgroups ("was largest after intra-arterial delivery", "Benefit was
    consistent across ...") and none in another ("and not significant after intraperitoneal injection") begin;
    ``None`` when the sentence does not read so."""
    effect = SUBGROUP_EFFECT.search(text)
    null = effect and SUBGROUP_NULL.search(text, effect.end())
    return (effect.start(), null.start()) if null else None


def _subgroups_differ(
    per_target: list[tuple[Target, str]], effect_start: int, null_start: int
) -> list[tuple[Target, str]]:
    """The outcomes found without effect beside a subgroup contrast are ``mixed``: those the effect clause also
    names, or all when it names none (not another outcome: "The effect on creatinine was similar with both doses,
    whereas neither improved survival")."""
    in_effect = {t.name for t, _ in per_target if effect_start <= t.start < null_start}
    return [(t, "mixed" if d == "no_effect" and (not in_effect or t.name in in_effect) else d) for t, d in per_target]


def _after_verbal_negation(text: str, near: int, start: int) -> int:
    """Where the scope of a negation before a reported harm at ``start`` ends: "did not prevent AKI, and
    dose-related infusion toxicity was observed" reports the toxicity; a denied list ("No deaths, infusion
    reactions, and thrombotic events occurred") stays denied."""
    # (also "did not increase dialysis independence and were followed by clotting": "and" before a new verb)
    cut = [
        m.end()
        for m in re.finditer(
            r",\s*and\s+|\s+and\s+(?=(?:was|were|is|are|had|has|caused|led|resulted|produced|contained|showed|developed|"
            r"exhibited|displayed|formed)\b)",
            text[near:start],
        )
    ]
    if not cut:
        return near
    end = near + cut[-1]
    negations = [m.group(0).lower() for m in NEGATION_WORD.finditer(text, near, end)]
    if negations and set(negations) == {"not"} and not NEGATION_WORD.search(text, end, start):
        return end
    return near


def _use(found: list[Event], start: int, end: int) -> list[Event]:
    """Mark the cues that start in [start, end) as read (they give no direction of their own); return them."""
    read = [e for e in found if start <= e.start < end]
    for e in read:
        e.used = True
    return read


def _reading(event: Event, target: Target) -> str:
    if event.kind == "mixed":
        return "mixed"
    if event.kind in ("up", "down"):
        return "beneficial" if event.kind == target.good else "harmful"
    return event.kind


def directions(
    text: str,
    targets: list[Target],
    therapy_named: bool,
    injury_named: bool,
    lexicon: cues.Lexicon,
    injury_spans: tuple[tuple[int, int], ...] = (),
    arms: int = 1,
    named_arms: int | None = None,
) -> tuple[list[tuple[Target, str]], str]:
    """(each target with its direction, the sentence's summary direction).

    ``injury_spans`` (sentence-relative) are the injury-model mentions: a change verb right after one
    ("Gentamicin increased serum creatinine") describes the model, not the therapy, and is not read.
    ``arms``: how many study arms the sentence names (products, dose or route groups). When it compares two or
    more and a cue no outcome took gives another direction ("creatinine was lower with MSCs and EVs, whereas CM
    did not reduce either marker"; "reduced by EVs but not by MSCs"), the outcomes differ by arm: ``mixed``.
    """
    # (a sentence comparing values with a p-value compares arms: "eGFR was 52 vs 49 mL/min (P = 0.44), and acute
    # rejection occurred in 2 and 3 patients")
    # (a harm looked for and not found needs no therapy named: "No nodules, tumours or ectopic tissue were found")
    contrast = _subgroup_contrast(text)
    if (
        injury_named
        and not (therapy_named or THERAPY_WORDS.search(text) or COMPARED_VALUES.search(text))
        # "The effect on creatinine was largest in ischaemia-reperfusion ... and not significant in the sepsis studies"
        and contrast is None
        and not any(t.good == "absent" and NEGATION_WORD.search(text, max(0, t.start - 60), t.start) for t in targets)
    ):
        return [], "unclear"
    named = arms if named_arms is None else named_arms
    comparisons = arm_comparisons(text)
    found = [e for e in events(text, lexicon, comparisons) if not _caused_by_injury(e, text, injury_spans)]
    # "hazard ratio for death 0.45 (95% CI 0.22-0.91)": fewer deaths with the therapy
    ratio_events = ratios(text)
    found = sorted(
        found + [e for e in ratio_events if e.kind != "no_effect" and not _inside(e, comparisons)],
        key=lambda e: e.start,
    )
    for e in found:  # "reduced DGF", "lowered the incidence of AKI": the therapy changed the injury itself
        if e.kind in ("down", "up") and (
            any(
                (INJURY_AFTER_DOWN if e.kind == "down" else INJURY_AFTER_UP).fullmatch(text[e.end : start])
                for start, _ in injury_spans
            )
            or _injury_changed_in_passive(e, text, injury_spans)  # "kidney injury was markedly reduced by EVs"
        ):
            e.kind = "beneficial" if e.kind == "down" else "harmful"
    for e in found:  # "did not reproduce the large renoprotective effect": the benefit is what was not reproduced
        if (
            e.kind in ("beneficial", "harmful")
            and any(
                f.kind == "no_effect"
                and not text[f.start : f.end].lower().startswith("but")  # "the functional but not the survival benefit"
                and f.end <= e.start
                and re.fullmatch(
                    r"\s+(?:(?:the|a|an|any|its|their)\s+)?(?:[\w-]+\s+){0,2}", text[f.end : e.start], re.I
                )
                for f in found
            )
        ):
            e.used = True
    stats = non_significant(text, comparisons, ratio_events)
    wins = significant(text, ratio_events)
    contrasts = list(SUBJECT_BUT_NOT.finditer(text))
    subject_contrasts = [m.span() for m in contrasts]
    # (its "but not" sets an arm apart: no denial of an outcome)
    found = [e for e in found if not (e.kind == "no_effect" and _inside(e, [m.span(1) for m in contrasts]))]
    between = [m.span() for m in BETWEEN_TREATED.finditer(text)]
    if between:
        found = [e for e in found if not _inside(e, between)]
        stats = [e for e in stats if not _inside(e, between)]
    targets = sorted(targets, key=lambda t: t.start)
    exception = EXCEPTION_OPENER.match(text)
    if exception and any(t.start >= exception.end() and t.good in ("absent", "safe") for t in targets):
        _use(found, 0, exception.end())  # "Apart from transient fever in one patient, no adverse events occurred"
        targets = [t for t in targets if t.start >= exception.end()]
    per_target: list[tuple[Target, str]] = []
    previous_cue: Event | None = None  # what the previous target was read from, for a change noun listed after it
    passive_used: set[int] = set()  # events already read as the predicate of an earlier target
    nouns_read: set[int] = set()  # change nouns read with an earlier target ("blunted the rise in creatinine")
    listed_noun: tuple[re.Match, int] | None = None  # the change noun of the previous target of a list
    for index, target in enumerate(targets):
        lo, hi = _clause(text, target.start)
        if (
            per_target
            and per_target[-1][0] is targets[index - 1]
            and targets[index - 1].name == target.name
            and re.fullmatch(r"\s*\(\s*", text[targets[index - 1].end : target.start])
        ):
            per_target.append((target, per_target[-1][1]))  # "glomerular filtration rate (eGFR)": one outcome
            continue
        if target.good == "safe":  # "MSCs were safe": no adverse events, unless denied ("not safe")
            denied = re.search(r"\b(?:no|not|never|neither|nor)\b(?!\s+only)", text[lo : target.start], re.I)
            per_target.append((target, "harmful" if denied else "no_effect"))
            continue
        cue_of_previous, previous_cue = previous_cue, None
        arm_not = BUT_NOT_ARM.search(text, max(0, lo - 8), target.start)  # (the clause begins after "but")
        if target.good == "absent" and arm_not and target.start - arm_not.end() <= 40:
            _use(found, arm_not.start(), arm_not.end())
            per_target.append((target, "mixed"))  # "Subcapsular but not intravenous MSCs form ectopic bone"
            continue
        shown = NOT_SHOWN_BEFORE.search(text, 0, target.start)
        if shown:
            _use(found, shown.start(), target.start)  # "improve" in "does not show that MSCs improve ..." is denied
            per_target.append((target, "no_effect"))
            previous_cue = Event(target.start, target.start, "no_effect")
            continue
        denial = NOT_BEFORE_TARGET.search(text[lo : target.start])
        if denial and any(start <= lo + denial.start() < end for start, end in subject_contrasts):
            denial = None  # "Fresh but not thawed MSCs reduced ...": an arm set apart, not a denied outcome
        denied_from = lo + denial.start() if denial else None
        if (
            denial is None
            and not EFFECT_NOUN_AFTER.match(text, target.end)
            and not EFFECT_NOUN.search(text, target.start, target.end)  # "comparable functional benefit"
        ):
            # "showed similar tubular injury scores" (not "a similar survival benefit")
            similar = SIMILAR_BEFORE.search(text, lo, target.start)
            denied_from = similar.start() if similar else None
        if denied_from is not None:
            if not ABOUT_CONTROLS.match(text, target.end):  # "no deaths occurred in the other groups": the controls
                _use(found, denied_from, target.start)  # "were not protected from fibrosis": read here
                per_target.append((target, "no_effect"))
                previous_cue = Event(target.start, target.start, "no_effect")
            continue
        tail = _chain_end(text, targets, index)
        # the target's own stretch of the clause: up to the next target that is not in its list
        # ("estimated glomerular filtration rate (eGFR) was ... (P = 0.09)": the abbreviation is the same outcome)
        own = min(
            [hi]
            + [
                t.start
                for t in targets[index + 1 :]
                if t.start >= tail
                and not (t.name == target.name and re.fullmatch(r"\s*\(\s*", text[target.end : t.start]))
            ]
        )
        if (
            index + 1 < len(targets)
            and targets[index + 1].start < tail
            and "(" in ITEM_VALUES.match(text, target.end)[0]
        ):
            own = min(own, targets[index + 1].start)  # "creatinine (0.98 mg/dL, P = 0.27) or KIM-1": its own values
        # "GFR fell by 28% with vehicle and by 25% with MSCs (p = 0.61)": a non-significant comparison after the
        # target overrides the change verbs; beside a significant one ("1.9 vs 2.8 mg/dL (P < 0.01), and 2.5 after
        # mock-MSCs (P = 0.18)") the arms differ: mixed.
        verdict = next((e for e in stats if target.end <= e.start < own), None)
        later = BACK_VERDICT.match(text, hi) if verdict is None and own == hi else None
        if verdict is None and own == hi and later is None:
            # "... decreased in the aMSC group but not in the placebo group, although the between-group difference
            # was not significant": a verdict after a clause that names no other outcome
            later = next(
                (
                    m
                    for m in BACK_VERDICT.finditer(text, hi)
                    if not any(hi <= t.start < m.start() for t in targets)
                    # not a verdict on named effects: "but their renal effects did not go beyond non-significant
                    # trends"
                    and not QUALIFIED_BEFORE.search(text, max(0, m.start() - 40), m.start())
                ),
                None,
            )
        if later and re.search(r"\bbetween\s", later.group(0)) and not CONTROL_GROUP.search(later.group(0)):
            later = None  # "but the difference between the two MSC groups was not significant": treated arms
        if later:  # "90% with MSCs and 60% with PBS, but the differences were not significant (P = 0.21)"
            end = _clause(text, later.end())[1]  # with its p-values: "failed to reach significance (P = 0.08)"
            verdict = next((e for e in stats if later.start() <= e.start < end), None)
        if verdict is not None:
            verdict.used = True
            previous_end = max([lo] + [t.end for t in targets[:index]])
            mixed = any(target.end <= start < own for start, _ in wins)
            # "a trend towards better survival (p = 0.09)": the cue the verdict overrides; "neither reduced
            # apoptosis or ROS (P > 0.2)": the negated verb it agrees with
            # (not from a value in parentheses: "no significant effect on either marker (creatinine 1.22 mg/dL)")
            agrees = not mixed and not _in_parentheses(text, target.start)
            kinds = ("beneficial", "harmful", "up", "down") + (("no_effect",) if agrees else ())
            for e in found:
                if previous_end <= e.start < own and e.kind in kinds:
                    e.used = True
            per_target.append((target, "mixed" if mixed else "no_effect"))
            continue
        if target.good == "absent" and (
            FEARED_BEFORE.search(text[lo : target.start])
            or WHETHER_BEFORE.search(text, max(0, target.start - 120), target.start)
        ):
            _use(found, lo, target.end)  # "the risk of": its cue words too
            continue  # "concerns that they might promote tumour growth": a fear, not a finding
        if target.good == "absent":  # reported at all is harmful, unless the clause denies it or finds no change
            # denied by a negation or no-effect cue near it ("no tumours", "maldifferentiation was not observed"),
            # not by one about another outcome earlier in the clause ("did not improve GFR, and ... infusion
            # reactions")
            near = max(lo, target.start - 60)
            # "do not improve renal function and increase microthrombosis": a negation before another verb that
            # reports the target ("increase") is that verb's
            near = max(
                [near] + [e.end for e in found if near <= e.start < target.start and e.kind in ("up", "harmful")]
            )
            near = _after_verbal_negation(text, near, target.start)
            denied = next(
                (
                    m
                    for m in NEGATION_WORD.finditer(text[near : target.start + 3])
                    # "compared with none of the PBS-treated rats": a statement about the controls
                    if not CONTROLS_NEGATED.match(text, near + m.end())
                    # "Local delivery was not without risk: four of 15 mice developed haemorrhage"
                    and not DOUBLE_NEGATION.search(text, max(0, near + m.start() - 4), near + m.end() + 8)
                ),
                None,
            )
            if NONE_IN_ARM.match(text, target.end):
                per_target.append((target, "mixed"))  # found with one arm, in none of another's
                continue
            not_found = NOT_FOUND_AFTER.search(text[target.end : hi])
            if not denied and not_found and ABSENT_IN_ARM.match(text, target.end + not_found.end()):
                per_target.append((target, "mixed"))  # "which were absent from KMSC-treated kidneys"
                continue
            denied = denied or not_found
            denied = (
                denied
                or any(
                    e.kind == "no_effect"
                    and (
                        # (not across a new clause: "TGF-b1 remained elevated ..., and anti-EV antibodies were
                        # detectable")
                        (near <= e.start < target.start and not re.search(r",\s*and\b", text[e.end : target.start]))
                        or (
                            target.end <= e.start < min(hi, target.end + 60)
                            # not a second predicate: "caused haematomas in 4 rats and did not attenuate ..."
                            and not re.search(r"\band\b|,", text[target.end : e.start])
                            # "caused more reactions without additional benefit": another reading
                            and not re.search(r"\bwithout\s+(?:[\w-]+\s+)?$", text[max(0, e.start - 30) : e.start])
                        )
                    )
                    for e in found
                )
            )
            lowered = (
                None
                if denied
                else next(
                    (
                        e
                        for e in found
                        if e.kind in ("beneficial", "down")
                        and lo <= e.start
                        and e.end <= target.start
                        and LOWERED_GAP.fullmatch(text[e.end : target.start])
                        # "a transient benefit followed by maldifferentiation": what came after, not what it lowered
                        and not re.search(r"\bfollowed\b", text[e.end : target.start], re.I)
                    ),
                    None,
                )
            )
            if lowered is None and not denied:
                # "Opportunistic infections were less frequent with MSCs": fewer of them, said after
                lowered = next(
                    (
                        e
                        for e in found
                        if e.kind in ("down", "beneficial")
                        and target.end <= e.start < hi
                        and FEWER_AFTER.fullmatch(text[target.end : e.start])
                    ),
                    None,
                )
            if lowered is not None:  # "heparin prevented glomerular thrombosis": fewer of them
                lowered.used = True
                per_target.append((target, "beneficial"))
                continue
            if not denied and not wins and _similar_counts(text[target.end : hi]):
                denied = True  # "occurred in 3 of 12 treated patients and 2 of 12 controls": as often without it
            per_target.append((target, "no_effect" if denied else "harmful"))
            continue
        noun = CHANGE_NOUN.search(text[lo : target.start])
        noun_start = lo + noun.start() if noun else target.start
        if (
            noun is None
            and listed_noun
            and LIST_GAP.fullmatch(text[targets[index - 1].end : target.start])
            # (not past a verb of its own: "caused loss of E-cadherin and increased vimentin")
            and not any(targets[index - 1].end <= e.start < target.start for e in found)
        ):
            noun, noun_start = listed_noun  # "blunted the rise in BUN and urinary NGAL": NGAL's rise too
        listed_noun = (noun, noun_start) if noun else None
        # (the verb of a list whose items carry values: "lowered creatinine at 48 h (0.61 vs 1.34 mg/dL, P < 0.001)
        # and BUN")
        in_list = (
            index > 0
            and cue_of_previous is not None
            and target.start - cue_of_previous.end > 100
            and _chain_end(text, targets, index - 1) >= target.end
        )
        before = [
            e
            for e in found
            if lo <= e.start
            and e.end <= noun_start
            and (target.start - e.end <= 100 or (in_list and e is cue_of_previous))
            and id(e) not in passive_used
            # (the verb of the list, not the change noun the previous item was read with: "blunted the rise in
            # creatinine (...) and cystatin C")
            and id(e) not in nouns_read
        ]
        # (not a change noun of what follows: "mortality or a 25% decline in GFR")
        # (not "without reducing creatinine" after "improved GFR": that cue governs what follows it)
        after = [
            e
            for e in found
            if tail <= e.start < hi
            and e.start - tail <= 80
            and not NOUN_OF_NEXT.search(text, e.start, e.end)
            and not text.startswith("without", e.start)
        ]
        # "... decreased the Bax/Bcl-2 ratio, and renal HGF protein was higher": the predicate of a later target
        passive = (
            after
            and PASSIVE_GAP.search(text[tail : after[0].start])
            and not any(
                tail <= t.start < after[0].start and t.name != target.name and not _in_parentheses(text, t.start)
                for t in targets[index + 1 :]
            )
        )
        # A cue after the target (or after the list it ends) reads it only as its predicate: passive ("creatinine
        # was reduced") or close ("creatinine fell"), not across a clause ("... in dogs, and these increases were
        # blunted").
        gap = text[tail : after[0].start] if after else ""
        close = after and re.fullmatch(r"[^,;]{0,30}", gap) and not CLAUSE_OPENER.search(gap)
        # "... tubular injury at 24 h, and 7-day survival rose": a verb right after the outcome is its predicate
        immediate = after and IMMEDIATE_GAP.fullmatch(gap)
        chosen = after[0] if passive or immediate else (before[-1] if before else (after[0] if close else None))
        if passive and tail > target.end and before and MODIFIER_GAP.fullmatch(text[before[-1].end : target.start]):
            chosen = before[-1]  # "MSCs decreased NGAL, and GFR was higher": the verb right before it, not the list's
        around = next(
            (
                e
                for e in found
                if e.start < target.start < e.end and e.kind in ("beneficial", "harmful", "no_effect") and not e.used
            ),
            None,
        )
        if around is not None:
            chosen = around  # "accelerated the recovery of renal function": the cue that begins with the outcome
        own_cue = next(
            (e for e in found if e.start <= target.start and target.end <= e.end and e.kind != "no_effect"), None
        )
        if own_cue is not None and own_cue.start == target.start:
            chosen = own_cue  # a name that states its direction: "the antifibrotic effect", "profibrotic"
        if chosen is None:  # "improved survival" matched as one cue around the outcome
            chosen = next((e for e in found if e.start < target.end and target.start < e.end and not e.used), None)
        if noun:
            governing = (
                cue_of_previous
                if cue_of_previous is not None and LISTED_CHANGE.fullmatch(text[targets[index - 1].end : noun_start])
                else None
            )
            if governing is None and before and LISTED_OBJECT.fullmatch(text[before[-1].end : noun_start]):
                governing = before[-1]  # "had not prevented myofibroblast accumulation or the decline in GFR"
            # "The decline in eGFR over three cycles did not differ among arms": a no-effect predicate further on
            predicate = after[0] if passive or immediate else next((e for e in after if e.kind == "no_effect"), None)
            chosen = _through_change(text, noun, noun_start, before, predicate, governing)
            denied = next((e for e in found if e.kind == "no_effect" and e.start < noun_start < e.end), None)
            if denied is not None:
                chosen = denied  # "without any reduction in creatinine": the change noun inside a denial
            # the change noun itself ("rise", "reduction in"), read here
            nouns_read |= {id(e) for e in _use(found, noun_start, target.start)}
        if chosen is None:
            # "60% with 2.2 x 10^9 particles compared with 35% with vehicle (P = 0.04), but only 15% with 2.2 x 10^10
            # particles": a clause of rates alone continues the comparison
            more = RATE_CONTINUES.match(text, hi)
            compared = _arms_compared(text[target.end : _clause(text, more.end())[1] if more else hi])
            if compared:  # "Survival was 40% with vehicle and 70% with MSCs", "BUN 112 vs 64 mg/dL (vehicle vs MSC)"
                reading = _reading(Event(target.end, target.end, compared), target)
                treated = [g for _, g in RATE_IN_GROUP.findall(text[target.end : hi]) if not CONTROL_GROUP.search(g)]
                if (
                    reading in ("beneficial", "harmful")
                    and len(treated) >= 2
                    and ONE_ARM_P.search(text)
                    and len(P_VALUE.findall(text)) == 1
                ):
                    # "80% with BM-MSCs, 45% with CM and 40% with vehicle (P = 0.02 for BM-MSCs vs vehicle)"
                    reading = "mixed"
                if any(target.end <= e.start < hi for e in stats) and not any(target.end <= w < hi for w, _ in wins):
                    reading = "no_effect"  # "in 12.9% of MSC-treated and 11.4% of placebo-treated patients (P = 0.80)"
                if reading in ("beneficial", "harmful") and arms >= 2 and ONLY_ARM.search(text, target.end):
                    reading = "mixed"  # "75% with MSCs, 58% with EVs ...; only the MSC group differed"
                per_target.append((target, reading))
            elif SAME_IN_ALL_ARMS.search(text, target.end, own):  # "Mortality was 2.5% in both arms"
                per_target.append((target, "no_effect"))
            elif (
                any(P_VALUE.match(text, e.start) for e in stats)
                and not wins
                and RATES_GIVEN.match(text, target.end)
                and not any(e.kind in ("beneficial", "harmful", "up", "down") and not e.used for e in found)
            ):
                # "Dialysis was required in 7.7%, 9.6% and 8.0% of patients, and mortality was 5.8%, 9.6% and 6.0%
                # (P = 0.70 and P = 0.46)": rates whose comparisons are all non-significant
                per_target.append((target, "no_effect"))
            continue
        if after and chosen is after[0]:  # a predicate after this target is not a cue before the next one
            passive_used.add(id(chosen))
        chosen.used = True
        previous_cue = chosen
        reading = _reading(chosen, target)
        if (
            after
            and chosen is after[0]
            and before
            and COUNTERED_NOUN.fullmatch(text, chosen.start, chosen.end)
            and before[-1].kind in ("beneficial", "down", "no_effect")
            and re.fullmatch(r"\s+(?:the\s+|a\s+|an\s+|any\s+)?", text[before[-1].end : target.start])
        ):
            # "attenuated the creatinine rise", "did not prevent the GFR decline": the verb acts on the change
            countered = before[-1]
            countered.used = True
            reading = (
                "no_effect"
                if countered.kind == "no_effect"
                else {"harmful": "beneficial", "beneficial": "harmful"}.get(reading, reading)
            )
        if chosen.kind in ("up", "down") and CHANGE_BY.match(text, chosen.end):
            # "increased by 0.21 mg/dL in MV-treated rats versus 0.58 mg/dL in vehicle-treated rats": the arms'
            # changes compared, not the change itself
            compared = _arms_compared(text[chosen.end : hi])
            if compared in ("up", "down"):  # a smaller fall is a rise relative to the control
                relative = compared if chosen.kind == "up" else ("down" if compared == "up" else "up")
                reading = _reading(Event(chosen.end, chosen.end, relative), target)
        restricted = ARM_RESTRICTED.search(text, lo, hi)
        if restricted and re.search(
            r",\s*and\b", text[min(restricted.end(), target.end) : max(restricted.start(), target.start)]
        ):
            restricted = None  # "attenuated AKI only at 2 x 10^6 cells, and lowered NGAL": another predicate
        if reading in ("beneficial", "harmful") and (
            restricted
            or (
                (only := ONLY_ARM.search(text, lo, hi))
                and (
                    arms >= 2
                    or BOTH.search(text)
                    or IMPLIED_ARM.search(only.group(0))
                    or (SOURCE_LABELLED.search(only.group(0)) and not text.startswith("-", only.end()))
                    or ONLY_BY_PRODUCT.match(text, only.start())
                )
            )
            or _disagree_after(text, target, targets[index + 1 :])
            or ARM_CONTRAST.search(text)
            or any(start < hi and end > lo for start, end in subject_contrasts)
        ):
            # "both reduced TNF-a, but only AF-MSCs decreased neutrophil infiltration"; "in some studies but not
            # in others"
            reading = "mixed"
        per_target.append((target, reading))
    per_target = _other_arm_only(text, per_target)
    if len({t.name for t, _ in per_target}) == 1 and per_target[0][1] == "no_effect":
        clause = next((m for m in OTHER_ARM_CHANGED.finditer(text) if m.start() > per_target[-1][0].end), None)
        moved = clause and not any(clause.start() <= t.start < clause.end() for t in targets)
        moved = moved and [
            e for e in found if clause.start() <= e.start < clause.end() and not e.used and e.kind in ("up", "down")
        ]
        if moved:
            moved[0].used = True
            per_target = [(t, "mixed") for t, _ in per_target]
    failed: tuple[int, list[Event]] | None = None  # where another arm's failure is stated, and its cue
    for m in OTHER_ARM_FAILED.finditer(text):
        clause_end = _clause(text, m.end() - 1)[1]  # (past "i.p." and the like)
        # (not its values in parentheses: "had no significant effect on either marker (creatinine 1.22 mg/dL)")
        if any(m.start() <= t.start < clause_end and not _in_parentheses(text, t.start) for t in targets):
            continue  # the other arm's own outcome: "whereas neither i.p. regimen improved mortality"
        cues_in = [
            e for e in found + stats if m.start() <= e.start < clause_end and not e.used and e.kind == "no_effect"
        ]
        if cues_in or re.match(r"\w+\s+neither\b", m.group(0), re.I):
            failed = (m.start(), cues_in)
            break
    lost = EFFECT_LOST_WITH_ARM.search(text)
    if failed or lost:
        cut = min(failed[0] if failed else len(text), lost.start() if lost else len(text))
        flipped = [(t, "mixed" if d in ("beneficial", "harmful") and t.end <= cut else d) for t, d in per_target]
        if failed and failed[1] and flipped != per_target:
            failed[1][0].used = True  # read as the other arm's outcome
        per_target = flipped
    if NOT_ATTRIBUTED.search(text):
        per_target = [
            (t, "no_effect" if t.good in ("down", "absent") and d in ("harmful", "mixed") else d) for t, d in per_target
        ]
        for e in found:
            if e.kind == "harmful":
                e.used = True
    depends = DEPENDS_ON_ARM.search(text)
    if depends:
        per_target = [
            (t, "mixed" if t.start >= depends.start() and d in ("beneficial", "harmful") else d) for t, d in per_target
        ]
        read = {id(t) for t, _ in per_target}
        per_target += [  # "divergent effects on tubular apoptosis": what differs needs no change verb
            (t, "mixed") for t in targets if id(t) not in read and t.start >= depends.end() and t.good in ("up", "down")
        ]
    if contrast:
        per_target = _subgroups_differ(per_target, *contrast)
    spare = {e.kind for e in found + stats if not e.used and e.kind in ("beneficial", "no_effect", "harmful")}
    if named >= 2:
        # (arms the sentence names: "delayed EVs failed to lower creatinine, although they increased Ki-67" is
        # about one arm, though "delayed" implies another)
        # "TGF-b1 was increased by MSCs and decreased by their exosomes": an unused change verb read against
        # each outcome
        # (only with a single outcome: with several, an unused verb may belong to another one)
        # (or a verb whose object points back at them: "whereas the low dose reduced both")
        moves = [
            e
            for e in found
            if not e.used and e.kind in ("up", "down") and (len(per_target) == 1 or BACK_OBJECT.match(text, e.end))
        ]
        # (not an outcome every arm shares: "... protect better than BM-MSCs, but neither prevents late fibrosis")
        per_target = [
            (
                t,
                "mixed"
                if d in ("beneficial", "no_effect", "harmful")
                and not NEITHER_BEFORE.search(text, 0, t.start)
                and ((spare - {d}) or any(_reading(e, t) != d for e in moves))
                else d,
            )
            for t, d in per_target
        ]
    # "safe and effective" is a beneficial finding: the absence of adverse events alone makes no "mixed"
    labels = {d for t, d in per_target if not (t.good == "safe" and d == "no_effect")}
    interpretation = INTERPRETATION_TAIL.search(text) if per_target else None
    labels |= {
        e.kind
        for e in found + stats
        if not e.used
        and e.kind in ("beneficial", "no_effect", "harmful")
        and not (
            interpretation
            and e.start >= interpretation.end()
            and all(t.start < interpretation.start() for t, _ in per_target)
        )
        # the name of an outcome read from another cue ("Maldifferentiated cells were absent"): no result of its own
        and not any(t.good == "absent" and t.start <= e.start and e.end <= t.end for t, _ in per_target)
    }
    if not labels and per_target:
        labels = {d for _, d in per_target}
    if BENEFIT_CONTRAST.search(text):
        labels |= {"beneficial", "no_effect"}  # "determines early but not long-term protection": one, not the other
    if labels == {"beneficial"} and (
        RESTRICTED.search(text) or ARM_CONTRAST.search(text) or re.match(r"\s*only\b", text, re.I)
    ):  # "Only spheroid-cultured MSCs attenuate AKI": another arm did not
        labels = {"mixed"}
    if (
        not per_target
        and wins
        and any(not e.used for e in stats)
        and named >= 2
        and labels <= {"no_effect", "beneficial", "harmful"}
    ):
        labels = {"mixed"}  # "P = 0.03 for high dose vs standard care; P = 0.42 for low dose": the arms differ
    if contrast and labels <= {"beneficial", "no_effect", "mixed"}:
        labels = {"mixed"}  # an effect in some subgroups, none in another
    if (depends or DOSE_SHAPE.search(text)) and labels <= {"beneficial", "harmful", "mixed"}:
        labels = {"mixed"}  # the title's "Route of delivery determines the efficacy" states that arms differ
    if not labels and not per_target and therapy_named and found and ARM_RESTRICTED.search(text):
        labels = {"mixed"}  # "EVs enhance tubular autophagy ... only when given early": an effect of one arm
    if not labels:
        return per_target, "unclear"
    return per_target, labels.pop() if len(labels) == 1 else "mixed"
