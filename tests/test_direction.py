"""Direction per outcome from cue phrases, statistics and lists (pipeline.direction), on sentences written for
the test with exact expected readings."""

import pytest

from pipeline import cues
from pipeline.direction import Target, _clause, directions, non_significant

LEXICON = cues.load_lexicon()
# outcome -> the direction that is good for it
GOOD = {
    "safe": "safe",
    "GFR": "up",
    "creatinine": "down",
    "NGAL": "down",
    "cystatin C": "down",
    "survival": "up",
    "BUN": "down",
    "mortality": "down",
    "no tumors": "absent",
    "infusion reactions": "absent",
}


def read(text: str, arms: int = 1, injury: tuple[str, ...] = ()) -> tuple[dict[str, str], str]:
    """Each outcome of GOOD found in ``text`` with its direction, and the summary; ``injury`` names the injury
    mentions of the sentence."""
    targets = []
    for name, good in GOOD.items():
        start = text.lower().find(name.lower())
        if start >= 0:
            targets.append(Target(start, start + len(name), name, good, True))
    spans = tuple((text.find(i), text.find(i) + len(i)) for i in injury)
    per_target, summary = directions(text, targets, True, bool(injury), LEXICON, spans, arms=arms)
    return {t.name: d for t, d in per_target}, summary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a non-significant comparison overrides the change verb
        ("GFR fell by 28% with vehicle and by 25% with MSCs (p = 0.61).", ({"GFR": "no_effect"}, "no_effect")),
        ("MSCs lowered creatinine (P>0.05).", ({"creatinine": "no_effect"}, "no_effect")),
        # a significant one does not
        ("MSCs lowered creatinine (p < 0.01).", ({"creatinine": "beneficial"}, "beneficial")),
        ("MSCs lowered creatinine (p = 0.003).", ({"creatinine": "beneficial"}, "beneficial")),
        # a semicolon inside parentheses does not end the clause
        (
            "Survival was 60% with MSCs and 55% with placebo (HR 0.86, 95% CI 0.55-1.34; p = 0.49).",
            ({"survival": "no_effect"}, "no_effect"),
        ),
        # a list shares the predicate after it
        (
            "Serum creatinine, urinary NGAL and cystatin C rose similarly in both groups.",
            ({"creatinine": "no_effect", "NGAL": "no_effect", "cystatin C": "no_effect"}, "no_effect"),
        ),
        (
            "In treated rats BUN and creatinine were reduced.",
            ({"BUN": "beneficial", "creatinine": "beneficial"}, "beneficial"),
        ),
        # a list does not reach across a clause
        (
            "MSCs reduced creatinine, whereas survival was similar in both groups.",
            ({"creatinine": "beneficial", "survival": "no_effect"}, "mixed"),
        ),
        ("The difference was not significant (p = 0.2).", ({}, "no_effect")),
        # "safe" states that there were no adverse events; denied, it is harmful
        ("Intra-arterial MSCs were safe.", ({"safe": "no_effect"}, "no_effect")),
        ("High doses were not safe.", ({"safe": "harmful"}, "harmful")),
        ("MSCs were not only safe but also effective.", ({"safe": "no_effect"}, "beneficial")),
        # a relative clause or modal between an outcome and a later cue does not predicate it
        ("Creatinine clearance that may allow a reduction in dosing was measured.", ({}, "unclear")),
        # an infinitive of purpose states an aim, "able to" a result
        ("Intravenous MSCs to reduce creatinine: a randomised trial", ({}, "unclear")),
        ("MSCs were able to reduce creatinine.", ({"creatinine": "beneficial"}, "beneficial")),
        # the predicate of one outcome is not a cue before the next
        ("Creatinine fell and GFR was restored.", ({"creatinine": "beneficial", "GFR": "beneficial"}, "beneficial")),
        # harmful when reported, unless the mention itself or a cue near it denies it
        ("No tumors were detected.", ({"no tumors": "no_effect"}, "no_effect")),
        ("MSCs caused infusion reactions.", ({"infusion reactions": "harmful"}, "harmful")),
        # a verb right after an outcome is its predicate, whatever verb came earlier in the sentence
        (
            "MSCs reduced BUN at 24 h, and survival rose from 30% to 60%.",
            ({"BUN": "beneficial", "survival": "beneficial"}, "beneficial"),
        ),
        # a ratio whose confidence interval includes 1 is no effect; a comparison of two treated arms is not
        ("Survival was similar (hazard ratio 1.26, 95% CI 0.81–1.96).", ({"survival": "no_effect"}, "no_effect")),
        (
            "EVs lowered BUN, with no significant difference between early and late EVs (p = 0.38).",
            ({"BUN": "beneficial"}, "beneficial"),
        ),
        ("BUN did not differ between MSC and vehicle groups (p = 0.4).", ({"BUN": "no_effect"}, "no_effect")),
        # a benefit with a limit is mixed; a statement about the control arms is not about the therapy
        ("MSCs lowered BUN only when given early.", ({"BUN": "mixed"}, "mixed")),  # another arm did not
        (
            "Survival fell with high-dose MSCs, whereas no deaths occurred in the other groups.",
            ({"survival": "harmful"}, "harmful"),
        ),
        ("The lack of benefit on BUN limits its use.", ({"BUN": "no_effect"}, "no_effect")),
        # rates given per arm, against the control arm
        (
            "Survival was 40% with vehicle, 70% with MSCs and 90% with IGF-1-MSCs.",
            ({"survival": "beneficial"}, "beneficial"),
        ),
        (
            "Survival was 67% in the late-passage group and 100% in the other groups.",
            ({"survival": "harmful"}, "harmful"),
        ),
        ("Survival was 60% with MSCs and 40% with EVs.", ({}, "unclear")),
        # a concessive phrase refers back to an earlier finding
        (
            "Despite this early protection, creatinine was similar in both groups.",
            ({"creatinine": "no_effect"}, "no_effect"),
        ),
        # the longest cue wins over a change verb inside it
        ("Subcapsular MSCs had a more pronounced effect on BUN (p < 0.01).", ({"BUN": "beneficial"}, "beneficial")),
    ],
)
def test_directions(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    ("text", "arms", "expected"),
    [
        # two arms, and a cue no outcome took goes the other way: each outcome differs by arm
        ("BUN was lower with MSCs and EVs, whereas CM did not reduce either marker.", 3, ({"BUN": "mixed"}, "mixed")),
        ("Creatinine was reduced by EVs but not by MSCs.", 2, ({"creatinine": "mixed"}, "mixed")),
        # counted as one arm, the clause "but not by MSCs" still names the other: mixed
        ("Creatinine was reduced by EVs but not by MSCs.", 1, ({"creatinine": "mixed"}, "mixed")),
        # one arm: the outcome keeps its own direction
        ("Creatinine was reduced by EVs but not at 24 h.", 1, ({"creatinine": "beneficial"}, "mixed")),
        # two arms that agree
        ("MSCs and EVs both lowered creatinine.", 2, ({"creatinine": "beneficial"}, "beneficial")),
        # an arm named by its route implies another one, even when the sentence names one arm
        ("NGAL and BUN were reduced only in the intravenous group.", 1, ({"NGAL": "mixed", "BUN": "mixed"}, "mixed")),
        # a statement about the other groups is about the controls; a comparison with them is not
        (
            "Three of 12 rats given MSCs died, whereas no mortality occurred in the other groups.",
            1,
            ({}, "harmful"),
        ),
        (
            "NGAL and BUN were comparable to those of vehicle-treated animals.",
            1,
            ({"NGAL": "no_effect", "BUN": "no_effect"}, "no_effect"),
        ),
        # rates on both sides of the control arm differ by arm
        ("Survival was 25% with PBS, 58% with MSCs and 25% with CM.", 2, ({"survival": "mixed"}, "mixed")),
        # the injury's course in a time clause; a degree of a change named before
        ("When creatinine had risen twofold, mice were randomized to EVs or PBS.", 1, ({}, "unclear")),
        (
            "Both schedules reduced BUN, although the reduction was greater after early injection.",
            2,
            ({"BUN": "beneficial"}, "beneficial"),
        ),
        # a concession that names a change is read; a feared harm is no finding
        (
            "MSCs failed to improve GFR despite lowering NGAL.",
            1,
            ({"GFR": "no_effect", "NGAL": "beneficial"}, "mixed"),
        ),
        (
            "MSCs lowered BUN, but concerns that they might cause no tumors remain.",
            1,
            ({"BUN": "beneficial"}, "beneficial"),
        ),
        # a change named before the outcome and its abbreviation, read through "was smaller" after a time
        (
            "The decline in GFR (eGFR) at 3 months was smaller with MSCs.",
            1,
            ({"GFR": "beneficial"}, "beneficial"),
        ),
        # a later target's predicate is not read for an earlier one
        (
            "MSCs decreased NGAL, and renal GFR was higher in this group.",
            1,
            ({"NGAL": "beneficial", "GFR": "beneficial"}, "beneficial"),
        ),
        (
            "NGAL and BUN were reduced only in the treated group.",
            1,
            ({"NGAL": "beneficial", "BUN": "beneficial"}, "beneficial"),
        ),
        # a manipulation that enhances the therapy's effect on the outcomes
        (
            "Preconditioning enhanced the effect of MSCs on GFR but did not improve survival.",
            1,
            ({"GFR": "beneficial", "survival": "no_effect"}, "mixed"),
        ),
    ],
)
def test_outcomes_differ_by_arm(text, arms, expected):
    assert read(text, arms) == expected


def test_non_significant_values():
    text = "p = 0.049; p = 0.05; P > 0.05; p < 0.05; p = .32; n.s."
    assert [text[e.start : e.end] for e in non_significant(text)] == ["p = 0.05", "P > 0.05", "p = .32", "n.s."]


def test_clause_ignores_breaks_in_parentheses():
    text = "A rose (x; y) but B fell."
    assert _clause(text, 0) == (0, text.index(" but") + 1)


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        (" was 45% vs 80% in saline-treated and exosome-treated mice (p = 0.01).", "up"),
        (" on day 2: 3.2 ± 0.4 vs 1.7 ± 0.3 mg/dL (vehicle vs BM-MSC; p < 0.01).", "down"),
        (" reached 2.8 ± 0.5 (PBS) and 1.2 ± 0.4 (EVs) on day 3.", "down"),
        (" was 0.9 ± 0.1 vs 1.9 ± 0.3 mg/dL in MSC-treated and control rats.", "down"),
        # two treated arms, no control: no direction from the numbers
        (" was 1.1 vs 1.6 mg/dL in EV-treated and MSC-treated rats.", ""),
        # arms not named with the values ("in the same groups"): nothing to read
        (" was 2.1 and 1.2 mg/dL in the same groups.", ""),
        (" rose 2.5-fold after injury.", ""),
    ],
)
def test_paired_values_read_against_the_control_arm(clause, expected):
    from pipeline.direction import _paired_values

    assert _paired_values(clause) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a cue on a named change reads through it: a smaller rise is a fall, a prevented decline a rise
        ("The peak rise in creatinine was smaller with MSCs (P = 0.02).", ({"creatinine": "beneficial"}, "beneficial")),
        ("MSCs attenuated the early rise in creatinine.", ({"creatinine": "beneficial"}, "beneficial")),
        ("MSCs prevented the decline in GFR.", ({"GFR": "beneficial"}, "beneficial")),
        ("The reduction in creatinine was larger with early EVs.", ({"creatinine": "beneficial"}, "beneficial")),
        # with no cue on it, the change itself is the reading
        ("MSC-treated rats had a 40% reduction in BUN.", ({"BUN": "beneficial"}, "beneficial")),
        # a significant and a non-significant comparison of one outcome: the arms differ
        (
            "Creatinine was 1.9 mg/dL with MSCs versus 2.8 mg/dL with vehicle (P < 0.01), and 2.5 mg/dL with mock "
            "cells (P = 0.18 versus vehicle).",
            ({"creatinine": "mixed"}, "mixed"),
        ),
        # a p-value belongs to the outcome before it, not to an earlier one
        (
            "MSCs increased survival (P = 0.04) and reduced creatinine (P = 0.3).",
            ({"survival": "beneficial", "creatinine": "no_effect"}, "mixed"),
        ),
        # a ratio whose confidence interval lies below 1: fewer deaths
        ("The hazard ratio for mortality was 0.45 (95% CI 0.22-0.91).", ({"mortality": "beneficial"}, "beneficial")),
        ("The hazard ratio for mortality was 0.93 (95% CI 0.51-1.70).", ({"mortality": "no_effect"}, "no_effect")),
        # one value for every arm
        ("Mortality was 2.5% in both arms.", ({"mortality": "no_effect"}, "no_effect")),
        # "only" one arm of several: the outcome differs by arm
        (
            "Both products reduced BUN, but only MSCs reduced NGAL.",
            ({"BUN": "beneficial", "NGAL": "mixed"}, "mixed"),
        ),
        ("MSCs lowered creatinine in some studies but not in others.", ({"creatinine": "mixed"}, "mixed")),
        # said of the outcome just before it, not of the earlier ones
        (
            "Exosomes reduced NGAL, but improved survival in some studies [15,16] and not in others [17].",
            ({"NGAL": "beneficial", "survival": "mixed"}, "mixed"),
        ),
        # another arm did not do the same
        ("KL-MSCs, unlike naive cells, lowered NGAL.", ({"NGAL": "mixed"}, "mixed")),
        # ... not a comparison with other studies or with the controls
        ("Unlike previous studies, we found that MSCs lowered NGAL.", ({"NGAL": "beneficial"}, "beneficial")),
        ("Unlike vehicle-treated cells, MSC-treated cells had lower NGAL.", ({"NGAL": "beneficial"}, "beneficial")),
        ("The reductions in NGAL were not observed with EVs from silenced MSCs.", ({"NGAL": "mixed"}, "mixed")),
        # "without" over a hyphenated word; "not been reproduced"
        ("MSCs gave an early benefit without long-term protection.", ({}, "mixed")),
        (
            "MSCs lowered NGAL in rodents, but this has not been reproduced in large animals.",
            ({"NGAL": "beneficial"}, "mixed"),
        ),
        # a statement about the controls
        (
            "Two of eight sheep in the high-dose group died, whereas no deaths occurred in the other groups.",
            ({}, "harmful"),
        ),
        # a marker then the outcome it marks is one item of the list
        (
            "Renal NGAL and BUN mRNA and ED-1-positive creatinine fell with MSCs.",
            ({"NGAL": "beneficial", "BUN": "beneficial", "creatinine": "beneficial"}, "beneficial"),
        ),
        # a change noun read through a time qualifier, and for every item of its list
        (
            "The peak rise in creatinine within 72 h was smaller with MSCs.",
            ({"creatinine": "beneficial"}, "beneficial"),
        ),
        (
            "Exosomes blunted the rise in BUN and urinary NGAL.",
            ({"BUN": "beneficial", "NGAL": "beneficial"}, "beneficial"),
        ),
        # a comparison of two treated arms that both protect
        ("MSCs outperform their EVs in protecting mice from AKI.", ({}, "beneficial")),
        # one negation over verbs joined by "or", across a parenthesis
        (
            "MSCs failed to lower creatinine (1.39 mg/dL; P = 0.52 vs saline) or improve survival (50%).",
            ({"creatinine": "no_effect", "survival": "no_effect"}, "no_effect"),
        ),
        ("MSCs did not significantly shorten dialysis or improve GFR.", ({"GFR": "no_effect"}, "no_effect")),
        ("Neither EVs nor their miRNA content affected GFR.", ({"GFR": "no_effect"}, "no_effect")),
        (
            "Creatinine and BUN were modestly lower with EVs, but the differences failed to reach significance "
            "(P = 0.08 and P = 0.11).",
            ({"creatinine": "no_effect", "BUN": "no_effect"}, "no_effect"),
        ),
        # a later clause judges the compared rates
        (
            "Survival was 90% with MSCs, 80% with EVs and 60% with PBS, but the differences were not significant "
            "(P = 0.21).",
            ({"survival": "no_effect"}, "no_effect"),
        ),
        # "not only" denies nothing
        (
            "MSCs not only reduced NGAL but also lowered BUN.",
            ({"NGAL": "beneficial", "BUN": "beneficial"}, "beneficial"),
        ),
    ],
)
def test_changes_statistics_and_arms(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    ("text", "arms", "injury", "expected"),
    [
        # rates compared across several arms, and "only" one of them differed from control
        (
            "Survival was 75% with MSCs, 58% with EVs and 42% with saline; only the MSC group differed from saline.",
            3,
            (),
            ({"survival": "mixed"}, "mixed"),
        ),
        # values with units and spreads, each with its arm: read against the control arm
        (
            "Creatinine was 1.9 ± 0.3 mg/dL in ADSC-treated rats and 1.3 ± 0.2 mg/dL in saline controls (p = 0.004).",
            1,
            (),
            ({"creatinine": "harmful"}, "harmful"),
        ),
        (
            "Creatinine was 2.1 mg/dL after MSC injection and 3.4 mg/dL after saline (P = 0.01).",
            1,
            (),
            ({"creatinine": "beneficial"}, "beneficial"),
        ),
        # a negation with an aside, and "neither" several words before its verb
        ("MVs did not, however, restore GFR.", 1, (), ({"GFR": "no_effect"}, "no_effect")),
        ("Neither route of administration lowered creatinine.", 1, (), ({"creatinine": "no_effect"}, "no_effect")),
        (
            "Thus, neither MSCs nor their EVs or CM lowered creatinine.",
            1,
            (),
            ({"creatinine": "no_effect"}, "no_effect"),
        ),
        # a non-significant trend: the cue it overrides is not a second reading
        (
            "Treated rats showed a trend towards better survival (80% vs 55%, p = 0.09).",
            1,
            (),
            ({"survival": "no_effect"}, "no_effect"),
        ),
        # one cue around the outcome ("improved survival"), and "without a measurable effect on"
        (
            "MSCs improved survival and BUN, without a measurable effect on NGAL.",
            1,
            (),
            ({"survival": "beneficial", "BUN": "beneficial", "NGAL": "no_effect"}, "mixed"),
        ),
        # "more effectively than", "more than": a degree, not a second change
        (
            "Hypo-Exo reduced creatinine and BUN more effectively than normoxic exosomes.",
            2,
            (),
            ({"creatinine": "beneficial", "BUN": "beneficial"}, "beneficial"),
        ),
        (
            "IGF-1-MSCs reduced creatinine more than unmodified cells.",
            1,
            (),
            ({"creatinine": "beneficial"}, "beneficial"),
        ),
        # "reported to protect" states a finding of others, not a purpose
        ("MSCs have been reported to protect the kidney.", 1, (), ({}, "beneficial")),
        # a mechanism sentence: the effect exists, and depends on what was removed
        ("RNase-treated MVs lost their anti-apoptotic activity.", 1, (), ({}, "beneficial")),
        # what was looked for and not found is no adverse finding
        ("After MSCs, infusion reactions were not seen.", 1, (), ({"infusion reactions": "no_effect"}, "no_effect")),
        # a benefit at one dose only
        ("MSCs lowered creatinine only at the higher dose.", 1, (), ({"creatinine": "mixed"}, "mixed")),
        ("MSCs attenuated AKI only at 2 x 10^6 cells, and lowered NGAL.", 1, (), ({"NGAL": "beneficial"}, "mixed")),
        # another arm did not do it: "only by the high dose", "by control cells only" (two arms named)
        ("NGAL was restored only by the high dose.", 2, (), ({"NGAL": "mixed"}, "mixed")),
        ("NGAL was reduced by control cells only.", 2, (), ({"NGAL": "mixed"}, "mixed")),
        # "control cells" (or a route, a dose level, a time) names an arm by how it differs from another
        ("NGAL was reduced by control cells only.", 1, (), ({"NGAL": "mixed"}, "mixed")),
        ("NGAL was reduced by these cells only.", 1, (), ({"NGAL": "beneficial"}, "beneficial")),
        # "dampened" lowers; a cue with no outcome of the lexicon still counts in the summary
        ("MSCs dampened NGAL but failed to improve GFR.", 1, (), ({"NGAL": "beneficial", "GFR": "no_effect"}, "mixed")),
        (
            "Although EVs were cytoprotective in vitro, they did not improve GFR.",
            1,
            (),
            ({"GFR": "no_effect"}, "mixed"),
        ),
        # an injury inside a phrase ("at the onset of CPB") is not the subject of the verb after it ...
        ("EVs given at the onset of CPB reduced NGAL.", 1, ("CPB",), ({"NGAL": "beneficial"}, "beneficial")),
        # ... but an injury that is the subject describes the model
        ("Cisplatin increased BUN.", 1, ("Cisplatin",), ({}, "unclear")),
    ],
)
def test_arms_cues_and_injury_subjects(text, arms, injury, expected):
    assert read(text, arms, injury) == expected


def test_limits_an_outcome_but_not_its_use():
    assert read("Conditioned medium may limit NGAL.") == ({"NGAL": "beneficial"}, "beneficial")
    assert read("The lack of benefit on BUN limits its use.") == ({"BUN": "no_effect"}, "no_effect")


def test_verdicts_between_treated_arms_and_neither_after_whereas():
    # the verdict compares two treated arms, not the therapy with its control
    assert read(
        "Both reduced creatinine versus PBS (P < 0.001), but the difference between the two MSC groups was not "
        "significant (P = 0.42).",
        arms=2,
    ) == ({"creatinine": "beneficial"}, "beneficial")
    assert read(
        "Survival was 58% after i.v. exosomes and 25% after PBS (P = 0.04), whereas neither i.p. regimen improved "
        "mortality.",
        arms=2,
    ) == ({"survival": "beneficial", "mortality": "no_effect"}, "mixed")


def test_sized_changes_and_effects_that_depend_on_the_arm():
    # "46% smaller" is a change; "smaller" alone is not read
    assert read("Creatinine was 46% smaller after MSCs (P < 0.001).") == ({"creatinine": "beneficial"}, "beneficial")
    assert read("NGAL was 2.1-fold larger after EVs than after vehicle.") == ({"NGAL": "harmful"}, "harmful")
    assert read("Creatinine was measured in smaller kidneys.") == ({}, "unclear")
    # a title saying that the route decides the effect: the arms differ
    assert read("Route of delivery determines the renoprotective efficacy of MSCs in rats") == ({}, "mixed")
    # what differs needs no change verb
    assert read("MSCs and EVs: comparable protection but divergent effects on NGAL") == ({"NGAL": "mixed"}, "mixed")
    assert read("MSCs from two sources differ in their capacity to restore GFR") == ({"GFR": "mixed"}, "mixed")
    # a reference back to changes of another arm: none with this one
    assert read("No such changes occurred after MSC infusion.") == ({}, "no_effect")
    assert read("EVs did not appear to limit NGAL at either dose.") == ({"NGAL": "no_effect"}, "no_effect")
    # a marker rising alike in all arms is the injury's course; a reduction "to a similar extent" compares arms
    assert read("Urinary KIM-1 and NGAL rose to a similar extent.") == ({"NGAL": "no_effect"}, "no_effect")
    assert read("MSCs and EVs reduced NGAL to a similar extent.", arms=2) == ({"NGAL": "beneficial"}, "beneficial")


def test_rates_compared_in_words_parenthetical_however_and_changes_of_the_injury():
    # "compared with" ends the first arm's label
    assert read("Survival was 25% after MSC infusion compared with 55% with PBS (P = 0.01).") == (
        {"survival": "harmful"},
        "harmful",
    )
    # a parenthetical "however" does not part the outcome from its verb
    assert read("Creatinine, however, was higher in the EV group than in saline-treated rats (P = 0.01).") == (
        {"creatinine": "harmful"},
        "harmful",
    )
    # a change of the injury itself; the model's own induction is no result
    assert read("MSCs reduced DGF but did not improve GFR.", injury=("DGF",)) == ({"GFR": "no_effect"}, "mixed")
    assert read("MSCs increased the incidence of AKI.", injury=("AKI",)) == ({}, "harmful")
    assert read("Glycerol induced AKI in all rats given MSCs.", injury=("AKI",)) == ({}, "unclear")
    # one significant and one non-significant comparison of two arms with the control: the arms differ
    assert read("DGF occurred in 16% and 31% (P = 0.03 for high dose vs control; P = 0.42 for low dose).", arms=2) == (
        {},
        "mixed",
    )
    # "excess mortality" is a rise in deaths
    assert read("MSCs caused excess mortality at the high dose.") == ({"mortality": "harmful"}, "harmful")
    # a product that alone changed an outcome implies another treated arm
    assert read("The rise in NGAL was blunted only by MSCs.") == ({"NGAL": "mixed"}, "mixed")
    # rates compared across arms, judged non-significant at the end of the clause
    assert read(
        "At 90 days, mortality or a 25% decline in GFR had occurred in 12.9% of MSC-treated and 11.4% of "
        "placebo-treated patients (P = 0.80)."
    ) == ({"mortality": "no_effect", "GFR": "no_effect"}, "no_effect")
    # a comparison of the treated arms with each other is no finding of no effect
    assert read("Creatinine and NGAL were reduced in both treated groups, with no difference between them.", 2) == (
        {"creatinine": "beneficial", "NGAL": "beneficial"},
        "beneficial",
    )


def test_arm_labels_none_of_these_and_events_not_attributed():
    # "only in the two higher-dose cohorts", "only in pre-MSC rats": another arm did not
    assert read("BUN fell in all cohorts, whereas NGAL declined only in the two higher-dose cohorts.") == (
        {"BUN": "beneficial", "NGAL": "mixed"},
        "mixed",
    )
    assert read("NGAL was reduced only in pre-MSC rats.") == ({"NGAL": "mixed"}, "mixed")
    # "none of these markers changed" with the other arm: the arms differ
    assert read("Early CM decreased NGAL and BUN, whereas none of these markers changed with delayed CM.", 2) == (
        {"NGAL": "mixed", "BUN": "mixed"},
        "mixed",
    )
    # "the lower intra-arterial dose" names an arm; "fell dose-dependently" is still a fall
    assert read("No mortality occurred after intravenous MSCs or the lower intra-arterial dose.", 3) == (
        {"mortality": "no_effect"},
        "no_effect",
    )
    assert read("Creatinine fell dose-dependently.") == ({"creatinine": "beneficial"}, "beneficial")
    # events that happened, but were not judged due to the therapy
    assert read("Mortality rose to 28% by day 28; no death was judged related to the study product.") == (
        {"mortality": "no_effect"},
        "no_effect",
    )
    assert read("MSCs offered no advantage over saline for GFR.") == ({"GFR": "no_effect"}, "no_effect")
    # a negation before another verb is that verb's; "indistinguishable from" the controls is no effect
    assert read("MSCs did not improve GFR and increased infusion reactions.") == (
        {"GFR": "no_effect", "infusion reactions": "harmful"},
        "mixed",
    )
    assert read("Creatinine after either dose was indistinguishable from that in PBS-treated rats.") == (
        {"creatinine": "no_effect"},
        "no_effect",
    )
    # "were reduced in both groups": by the treatments; "remained elevated": no change; "fell in all groups": the course
    assert read("Creatinine and NGAL were also reduced in both groups, whereas BUN remained elevated.", 2) == (
        {"creatinine": "beneficial", "NGAL": "beneficial", "BUN": "no_effect"},
        "mixed",
    )
    assert read("Serum creatinine fell in all groups.") == ({"creatinine": "no_effect"}, "no_effect")
    # a harm that the therapy prevented or made rarer
    assert read("Heparin prevented infusion reactions and restored survival.") == (
        {"infusion reactions": "beneficial", "survival": "beneficial"},
        "beneficial",
    )
    assert read("MSCs did not prevent infusion reactions.") == ({"infusion reactions": "no_effect"}, "no_effect")
    # two treated arms compared with each other, with their own p-value: no finding of no effect
    assert read(
        "Creatinine was reduced from 2.6 mg/dL with PBS to 1.5 mg/dL with MSCs and 1.7 mg/dL with EVs (both P < 0.01), "
        "with no difference between the two treatment groups (P = 0.29).",
        2,
    ) == ({"creatinine": "beneficial"}, "beneficial")
    # the arms' changes compared: a smaller rise or fall than with vehicle
    assert read("Creatinine increased by 0.21 mg/dL in MV-treated rats versus 0.58 mg/dL in vehicle-treated rats.") == (
        {"creatinine": "beneficial"},
        "beneficial",
    )
    assert read("GFR fell by 31% with vehicle and by 18% with MSCs (P = 0.04).") == (
        {"GFR": "beneficial"},
        "beneficial",
    )
    assert read("GFR fell by 18% with MSCs.") == ({"GFR": "harmful"}, "harmful")
    # values compared with a p-value compare arms, even beside an injury named without the therapy
    assert read(
        "GFR at 3 months was 52 ± 14 vs 49 ± 17 mL/min/1.73 m² (P = 0.44), and acute rejection occurred in 2 and 3 "
        "patients.",
        injury=("acute rejection",),
    ) == ({"GFR": "no_effect"}, "no_effect")
    # "reduced both": the verb's object points back at the outcomes; a protection "lost when" delayed is one arm's
    assert read("High-dose EVs failed to lower NGAL or BUN, whereas the low dose reduced both (P < 0.05).", 2) == (
        {"NGAL": "mixed", "BUN": "mixed"},
        "mixed",
    )
    assert read("MVs given at reperfusion improved GFR, but this protection is lost when they are delayed.") == (
        {"GFR": "beneficial"},
        "mixed",
    )
    assert read("Early functional benefit without effect on late NGAL.") == ({"NGAL": "no_effect"}, "mixed")


def test_exceptions_listed_changes_and_another_arm_that_changed():
    # "Apart from ...": the exception does not make the safety finding mixed; not when the main clause is a benefit
    assert read("Apart from transient fever in one patient, no infusion reactions occurred.") == (
        {"infusion reactions": "no_effect"},
        "no_effect",
    )
    assert read("Apart from a transient rise in creatinine, MSCs improved survival.") == (
        {"creatinine": "harmful", "survival": "beneficial"},
        "mixed",
    )
    # a change noun listed after a target is the object of that target's verb, negated or not
    assert read("MSCs offered no advantage over saline in preventing mortality or the decline in GFR.") == (
        {"mortality": "no_effect", "GFR": "no_effect"},
        "no_effect",
    )
    assert read("MSCs did not reduce mortality or the rise in creatinine.") == (
        {"mortality": "no_effect", "creatinine": "no_effect"},
        "no_effect",
    )
    assert read("MSCs prevented mortality and the decline in GFR.") == (
        {"mortality": "beneficial", "GFR": "beneficial"},
        "beneficial",
    )
    # ... unless the change has its own predicate
    assert read("MSCs reduced mortality, and the decline in GFR was larger than in controls.") == (
        {"mortality": "beneficial", "GFR": "harmful"},
        "mixed",
    )
    # no effect with one arm, a change with another product: mixed; a change in the controls is not another arm
    assert read("NGAL was comparable between the naive MSC and PBS groups but lower with KL-MSCs (P < 0.01).") == (
        {"NGAL": "mixed"},
        "mixed",
    )
    assert read("NGAL did not differ between MSC-treated rats, whereas it rose in vehicle-treated rats.") == (
        {"NGAL": "no_effect"},
        "no_effect",
    )
    # a harm absent in another arm, or found with one arm "but not" another: the arms differ
    assert read("Infusion reactions occurred in 4 rats, which were absent from EV-treated rats.") == (
        {"infusion reactions": "mixed"},
        "mixed",
    )
    assert read("Subcapsular but not intravenous MSCs caused infusion reactions.") == (
        {"infusion reactions": "mixed"},
        "mixed",
    )


def test_negation_scope_change_nouns_and_products_that_alone_acted():
    # a verbal negation ends at ", and": the harm reported after it is found; a denied list stays denied
    assert read("MSCs did not prevent AKI, and infusion reactions were observed.") == (
        {"infusion reactions": "harmful"},
        "mixed",  # no effect on the injury, a harm
    )
    assert read("No mortality, infusion reactions, and no tumors were recorded.")[0] == {
        "mortality": "no_effect",
        "infusion reactions": "no_effect",
        "no tumors": "no_effect",
    }
    # a change noun with a no-effect predicate further on
    assert read("The decline in GFR over three cycles did not differ among arms.") == (
        {"GFR": "no_effect"},
        "no_effect",
    )
    # "Only hUC-MSCs reduced ...": another treated arm did not; "only in MSC-treated rats" is the therapy arm
    assert read("Only hUC-MSCs reduced NGAL.") == ({"NGAL": "mixed"}, "mixed")
    assert read("NGAL was reduced only in MSC-treated rats.") == ({"NGAL": "beneficial"}, "beneficial")


def test_little_effect_neither_arm_and_rates_that_continue():
    # "little effect" / "limited efficacy" beside a benefit: the arms or settings differ
    assert read("MSCs lowered creatinine when given early but had little effect once injury was established.") == (
        {"creatinine": "beneficial"},
        "mixed",
    )
    # an outcome "neither" arm changed is no effect, whatever the arms did otherwise
    assert read("UC-MSCs protected better than BM-MSCs, but neither prevented mortality.", 2) == (
        {"mortality": "no_effect"},
        "mixed",
    )
    # a clause of rates alone continues the comparison: one dose better than vehicle, another worse
    assert read(
        "Survival was 60% with 2 x 10^9 particles compared with 35% with vehicle (P = 0.04), but only 15% with "
        "2 x 10^10 particles."
    ) == ({"survival": "mixed"}, "mixed")


def test_other_arms_that_failed_or_lost_the_effect_and_denied_claims():
    assert read("NGAL was reduced by MSCs only.") == ({"NGAL": "mixed"}, "mixed")
    # another arm named by its cells failed; the controls are no other arm
    assert read(
        "Creatinine was lower with MSCs than with vehicle (P < 0.01), whereas neither HSCs nor BM-MNCs had a "
        "significant effect."
    ) == ({"creatinine": "mixed"}, "mixed")
    assert read("GFR rose with MSCs, whereas it did not change in vehicle-treated rats.") == (
        {"GFR": "beneficial"},
        "beneficial",
    )
    # "these effects were lost with" a modified product: the arms differ
    assert read("MSCs restored GFR and reduced NGAL, and these effects were lost with Miro1kd-MSCs.") == (
        {"GFR": "mixed", "NGAL": "mixed"},
        "mixed",
    )
    # "does not show that", "no evidence that": the claim is denied
    assert read("Current clinical evidence does not show that MSCs improve survival or GFR.") == (
        {"survival": "no_effect", "GFR": "no_effect"},
        "no_effect",
    )
    # a verdict after a clause about the placebo arm; "and not significantly"
    assert read(
        "NGAL decreased modestly in the MSC group but not in the placebo group, although the between-group "
        "difference was not significant (P = 0.09)."
    ) == ({"NGAL": "no_effect"}, "no_effect")
    assert read("Creatinine was reduced only modestly and not significantly by early EVs.") == (
        {"creatinine": "no_effect"},
        "no_effect",
    )


def test_restricted_effects_routes_and_injury_rates_compared():
    # a benefit "only after intracardiac delivery" implies another route; an effect "only when given early" with no
    # outcome of the lexicon is still an effect of one arm
    assert read("Creatinine was lower than in vehicle-treated mice only after intracardiac delivery.") == (
        {"creatinine": "mixed"},
        "mixed",
    )
    assert read("EVs enhance tubular autophagy only when given early.") == ({}, "mixed")
    # the injury's own rate compared between arms, with a p-value
    assert read(
        "DGF occurred in 4 of 18 patients (22%), compared with 31% in a registry cohort (P = 0.41).", 1, ("DGF",)
    ) == (
        {},
        "no_effect",
    )
    assert read("The incidence of AKI was 9/10, 8/10 and 6/10, respectively (P = 0.30).", 1, ("AKI",)) == (
        {},
        "no_effect",
    )


def test_a_capacity_other_cells_lack_and_two_findings_joined_by_and():
    # "an antifibrotic capacity that naive cells lack": another arm lacks it
    assert read("KL-MSCs lowered NGAL, a capacity that naive cells lack.") == ({"NGAL": "mixed"}, "mixed")
    # "reduced by iMSC-Exos only": exosomes named "Exos" are a product too
    assert read("NGAL was reduced by iMSC-Exos only.") == ({"NGAL": "mixed"}, "mixed")
    # "renoprotection and procoagulant toxicity": the benefit does not lower the harm named after "and"
    assert read("Renoprotection and infusion reactions of EVs in mice") == ({"infusion reactions": "harmful"}, "mixed")


def test_a_list_after_a_preventing_verb_and_control_cells():
    # "prevented deaths and pulmonary emboli": both fewer
    assert read("Heparin prevented mortality and infusion reactions.") == (
        {"mortality": "beneficial", "infusion reactions": "beneficial"},
        "beneficial",
    )
    # EVs of fibroblasts are the control, not another therapy arm
    assert read("EVs of MSCs reduced NGAL, whereas EVs from fibroblasts were ineffective.")[0] == {"NGAL": "beneficial"}


def test_lost_effects_corrections_abbreviations_and_harms_not_found():
    # a nominal result that did not survive correction; an effect lost with ageing (not a blockade)
    assert read("A nominal reduction in NGAL (P = 0.03) did not survive correction for multiple comparisons.") == (
        {"NGAL": "no_effect"},
        "no_effect",
    )
    assert read("The renoprotective effect of EVs seen in young mice was lost with ageing.") == ({}, "mixed")
    assert read("Only spheroid-cultured MSCs attenuate AKI in rats.") == ({}, "mixed")
    # the abbreviation in parentheses is the same outcome: the verdict after it counts
    text = "The annual decline in glomerular filtration rate (GFR) was 1.1 with MSCs and 2.4 in controls (P = 0.09)."
    long_form, short = text.index("glomerular"), text.index("GFR")
    targets = [Target(long_form, long_form + 26, "GFR", "up", True), Target(short, short + 3, "GFR", "up", True)]
    assert [d for _, d in directions(text, targets, True, False, LEXICON)[0]] == ["no_effect", "no_effect"]
    # a harm looked for and not found needs no therapy named; a harm that is part of the model is no finding
    for text, expected in (
        ("No bleeding or tumours were found.", ["no_effect"]),
        ("Shock with tumours was induced by controlled bleeding.", []),
    ):
        start = text.index("bleeding")
        tumours = (text.index("tumours"), text.index("tumours") + 7)
        targets = [Target(start, start + 8, "adverse events", "absent", True)]
        assert [d for _, d in directions(text, targets, False, True, LEXICON, (tumours,))[0]] == expected
    assert read("Median mortality was 8% in every arm.") == ({"mortality": "no_effect"}, "no_effect")


def test_one_arm_p_value_and_a_pbs_comparison_beside_the_injury():
    # a p-value for one of two treated arms: the other is not shown to differ
    assert read("Survival was 80% with MSCs, 45% with CM and 40% with vehicle (P = 0.02 for MSCs vs vehicle).") == (
        {"survival": "mixed"},
        "mixed",
    )
    assert read("Survival was 80% with MSCs, 75% with CM and 40% with vehicle (both P < 0.01 vs vehicle).") == (
        {"survival": "beneficial"},
        "beneficial",
    )
    # compared with the PBS arm, a sentence naming the injury is about the therapy
    text = "NGAL was markedly reduced, but creatinine did not differ from that in CLP mice receiving PBS."
    targets = [
        Target(0, 4, "NGAL", "down", True),
        Target(text.index("creatinine"), text.index("creatinine") + 10, "creatinine", "down", True),
    ]
    clp = (text.index("CLP"), text.index("CLP") + 3)
    assert [d for _, d in directions(text, targets, False, True, LEXICON, (clp,))[0]] == ["beneficial", "no_effect"]


def test_a_benefit_not_reproduced_and_a_negation_about_the_controls():
    # "did not reproduce the large renoprotective effect": no effect, not mixed; "but not the survival benefit" stays
    assert read("Under rigorous conditions, MSCs did not reproduce the large renoprotective effect.") == (
        {},
        "no_effect",
    )
    # "compared with none of the PBS-treated rats": the controls had none, the treated rats had the harm
    text = "4 of 12 rats given MSCs died, compared with none of the PBS-treated rats, and cell aggregates were found."
    start = text.index("cell aggregates")
    targets = [Target(start, start + 15, "adverse events", "absent", True)]
    assert [d for _, d in directions(text, targets, True, False, LEXICON)[0]] == ["harmful"]


def test_no_signal_of_protection_and_and_before_a_new_verb():
    assert read("EVs were safe but showed no signal of renal protection.") == ({"safe": "no_effect"}, "no_effect")
    assert read("MSCs did not increase GFR and were followed by infusion reactions in some patients.") == (
        {"GFR": "no_effect", "infusion reactions": "harmful"},
        "mixed",
    )


def test_benefits_not_sustained_or_only_early_and_rates_like_a_registry():
    assert read("Timing of MSC administration determines early but not long-term protection in rats.") == ({}, "mixed")
    assert read("EVs lowered NGAL early, but the benefit is not sustained.")[1] == "mixed"
    assert read("MSCs may improve GFR, but there is no evidence that they prevent AKI in other settings.") == (
        {"GFR": "beneficial"},
        "mixed",
    )
    assert (
        read("Mortality was 28% (5 of 18), rates similar to those in a contemporaneous registry cohort.")[1]
        == "no_effect"
    )


def test_ratios_in_the_plural_and_effects_in_some_subgroups_only():
    # "hazard ratios" (plural) and a bracketed interval after the first ratio: one arm's CI includes 1
    assert read(
        "Survival was 86% with MSCs and 79% with EVs versus 50% with saline (hazard ratios 0.24, 95% CI 0.06-0.93, "
        "and 0.36 [0.11-1.18])."
    ) == ({"survival": "mixed"}, "mixed")
    assert read(
        "Mortality was 20% and 18% in the two MSC groups (odds ratios 0.67, 95% CI 0.28-1.60, and 0.60, "
        "95% CI 0.25-1.45)."
    ) == ({"mortality": "no_effect"}, "no_effect")
    # an effect stated for some subgroups and none for another: mixed
    assert read(
        "The reduction in creatinine was largest after intra-arterial delivery (SMD -2.38) and not significant "
        "after intraperitoneal injection (SMD -0.46, 95% CI -1.1 to 0.2)."
    ) == ({"creatinine": "mixed"}, "mixed")
    assert read(
        "Benefit was consistent across cisplatin and glycerol models, but no significant effect was found in the "
        "three sepsis studies.",
        injury=("cisplatin",),
    ) == ({}, "mixed")
    # not an outcome the effect clause leaves out: survival is the other outcome, not another subgroup
    assert (
        read("The effect on creatinine was similar with both doses, whereas neither dose improved survival.")[0][
            "survival"
        ]
        == "no_effect"
    )


def test_not_different_between_groups_and_significance_in_one_arm_only():
    assert read("Serum creatinine, measured at 48 h, was not different between groups.") == (
        {"creatinine": "no_effect"},
        "no_effect",
    )
    # one arm's smaller reduction was significant only early; the benefit was restricted to one of two models
    assert (
        read(
            "Subcapsular MSCs lowered creatinine on day 2 and day 7, whereas intravenous cells produced a smaller "
            "reduction that was significant only on day 2."
        )[1]
        == "mixed"
    )
    assert read("In both models, EVs reduced BUN, but only in glycerol-injured kidneys.")[1] == "mixed"


def test_source_labelled_arms_highest_of_doses_arms_like_controls_and_none_after_a_route():
    assert read("Creatinine and BUN were lower only in the hUC-MSC group.") == (
        {"creatinine": "mixed", "BUN": "mixed"},
        "mixed",
    )
    assert read("Creatinine was lower only in BM-MSC-treated kidneys.") == ({"creatinine": "beneficial"}, "beneficial")
    assert read("MSCs reduce creatinine in rats only at the highest of three doses.")[1] == "mixed"
    assert read("MSCs lowered creatinine, whereas MV-treated rats showed values similar to controls.") == (
        {"creatinine": "mixed"},
        "mixed",
    )
    assert read("Infusion reactions were found in 4 of 12 IA rats but in none after IV injection.") == (
        {"infusion reactions": "mixed"},
        "mixed",
    )


def test_non_significant_changes_interpretations_same_dose_and_in_fact():
    # "a non-significant improvement" is no effect
    assert read("EVs caused no infusion reactions and a non-significant improvement in GFR.") == (
        {"infusion reactions": "no_effect", "GFR": "no_effect"},
        "no_effect",
    )
    # the authors' reading after ", which suggests that" adds no result to the row
    assert read(
        "MSCs did not alter creatinine, which suggests that rodent data may overestimate the benefit of MSCs."
    ) == ({"creatinine": "no_effect"}, "no_effect")
    # without that clause, the benefit named is a result of its own
    assert read("MSCs did not alter creatinine but conferred a survival benefit.")[1] == "mixed"
    # another arm with "the same dose" failed, also before a citation
    assert read("Intravenous MSCs improved GFR, but the same dose given intraperitoneally did not [9].") == (
        {"GFR": "mixed"},
        "mixed",
    )
    # "was in fact greater" is the predicate of the outcome before it
    assert read("MSCs had no effect on survival, and mortality was in fact greater in treated animals [5].") == (
        {"survival": "no_effect", "mortality": "harmful"},
        "mixed",
    )
    # a benefit within a narrow dose range or above a threshold dose implies doses that did not help
    assert read("MSC exosomes lowered creatinine within a narrow dose range.")[1] == "mixed"
    assert read("MSC exosomes protect against AKI only above a threshold dose.")[1] == "mixed"
    # "without reducing creatinine" governs what follows it, not the outcome before it
    assert read("MSCs improved GFR without reducing creatinine.") == (
        {"GFR": "beneficial", "creatinine": "no_effect"},
        "mixed",
    )
    assert read("MSCs lowered NGAL without any reduction in creatinine.") == (
        {"NGAL": "beneficial", "creatinine": "no_effect"},
        "mixed",
    )


def test_benefits_that_wane_weaker_arms_condition_groups_and_questions():
    # a benefit that wanes, depends on the timing or is absent in a model: some arms or models had none
    assert read("MSCs lowered creatinine, but the benefit wanes with delayed administration.")[1] == "mixed"
    assert read("MSCs lowered creatinine; the benefit depends on timing and route.")[1] == "mixed"
    # (not a mechanism it depends on)
    assert read("MSCs lowered creatinine, and the effect depended on IGF-1.")[1] == "beneficial"
    assert read("EVs lowered creatinine, whereas conditioned medium was less effective.")[1] == "mixed"
    # a change in animals with a condition, compared with those without it, is the condition's
    assert read("Creatinine was higher in aged mice and was not modified by MSCs.") == (
        {"creatinine": "no_effect"},
        "no_effect",
    )
    # a harm named in a question is no finding
    assert read("Whether infused cells persist or form no tumors is unknown.") == ({}, "unclear")
    # an outcome's own harmful name is no second reading of it
    assert read("No tumors were found after MSC infusion.") == ({"no tumors": "no_effect"}, "no_effect")
    # fewer rejections: the therapy changed the injury itself
    assert (
        read(
            "MSCs did not change creatinine (P = 0.41) but were associated with fewer biopsy-proven acute rejections.",
            injury=("acute rejections",),
        )[1]
        == "mixed"
    )


def test_a_harm_in_one_treated_arm_and_none_in_another():
    assert read(
        "Infusion reactions occurred in 6 of 24 high-dose patients and in none of the low-dose patients (P = 0.02)."
    ) == ({"infusion reactions": "mixed"}, "mixed")
    assert (
        read(
            "Infusion reactions were seen in 7 of 8 allogeneic rats, whereas none was detected in the syngeneic group."
        )[1]
        == "mixed"
    )
    # none among the controls: the harm is the therapy's
    assert (
        read(
            "Infusion reactions occurred in 6 of 24 MSC-treated patients and in none of the placebo-treated patients."
        )[1]
        == "harmful"
    )


def test_abilities_countered_changes_and_degrees_of_a_reduction():
    # "their ability to reduce" is a result, not an aim ("to reduce")
    assert read("Hypoxic preconditioning enhanced their ability to reduce creatinine in rats.") == (
        {"creatinine": "beneficial"},
        "beneficial",
    )
    assert read("We aimed to reduce creatinine.") == ({}, "unclear")
    # the verb acts on the change named after the outcome
    assert read("EV therapy attenuates the creatinine rise in a dose-dependent manner.") == (
        {"creatinine": "beneficial"},
        "beneficial",
    )
    # a reduction smaller in some studies is still a reduction
    assert read("Reductions in creatinine were 58% smaller in blinded studies.") == (
        {"creatinine": "beneficial"},
        "beneficial",
    )
    assert read("The reduction in creatinine was smaller in blinded than in unblinded studies.")[1] == "beneficial"


def test_a_harm_that_followed_a_benefit_and_a_verb_between_listed_outcomes():
    assert read("MSCs had a transient benefit followed by infusion reactions and higher creatinine.") == (
        {"infusion reactions": "harmful", "creatinine": "harmful"},
        "mixed",
    )
    # the change noun of a list does not reach past a verb of the next item's own
    assert read("MSCs caused a loss of GFR and increased NGAL.") == ({"GFR": "harmful", "NGAL": "harmful"}, "harmful")


def test_a_cue_that_begins_with_the_outcome():
    assert read("hUC-MSCs lowered creatinine and accelerated the recovery of GFR.") == (
        {"creatinine": "beneficial", "GFR": "beneficial"},
        "beneficial",
    )


def test_a_list_whose_items_carry_their_values():
    # the values in parentheses after each item do not end the list: the verdict after it is every item's
    assert read(
        "The rise in peak creatinine (0.38 vs 0.41 mg/dL), peak BUN (31 vs 33 mg/dL) and mortality (0 vs 1 death) "
        "did not differ between groups."
    ) == ({"creatinine": "no_effect", "BUN": "no_effect", "mortality": "no_effect"}, "no_effect")
    # an item's own p-value stays its own
    assert read(
        "The highest dose was no better than vehicle for creatinine (0.98 mg/dL, P = 0.27) or NGAL, and it reduced "
        "BUN less than the middle dose did (P = 0.02)."
    )[0] == {"creatinine": "no_effect", "NGAL": "no_effect", "BUN": "beneficial"}


def test_the_same_in_every_arm_effects_absent_with_another_arm_and_verdicts_on_named_effects():
    # a count stated for each group is the same in every arm; "in both groups given cells" names the treated arms
    assert read("Creatinine in each group rose after surgery.") == ({"creatinine": "no_effect"}, "no_effect")
    assert read("Creatinine decreased in both groups given cells, but survival did not differ among the groups.") == (
        {"creatinine": "beneficial", "survival": "no_effect"},
        "mixed",
    )
    # an effect absent with another arm, or unchanged at another dose
    assert read("Young-donor MSCs lowered creatinine and BUN, effects that were absent with aged-donor MSCs.") == (
        {"creatinine": "mixed", "BUN": "mixed"},
        "mixed",
    )
    assert read(
        "The middle dose lowered NGAL and creatinine, none of which changed significantly at the highest dose."
    ) == (
        {"NGAL": "mixed", "creatinine": "mixed"},
        "mixed",
    )
    # "without evident effects on" denies the change
    assert read("Antibodies developed in 3 patients given MSCs, without evident effects on GFR.") == (
        {"GFR": "no_effect"},
        "no_effect",
    )
    # a verdict on effects the sentence names ("their renal effects") is not the verdict on an earlier outcome
    assert read("EVs improved survival, but their renal effects did not go beyond non-significant trends.") == (
        {"survival": "beneficial"},
        "mixed",
    )
    assert read("Creatinine fell with MSCs, but the difference was not significant.") == (
        {"creatinine": "no_effect"},
        "no_effect",
    )


def test_effects_that_need_a_factor_or_that_a_factor_limits():
    assert read("IL-1b priming is required for MSCs to improve survival in septic mice.") == (
        {"survival": "mixed"},
        "mixed",
    )
    assert read("We used MSCs to improve survival.") == ({}, "unclear")
    assert read("Donor age limits the renoprotective efficacy of MSCs in rats.") == ({}, "mixed")
    assert read("Exosomes, not the exosome-depleted fraction, account for the protection.")[1] == "mixed"
    assert read("MSCs, not only their exosomes, improved survival.") == ({"survival": "beneficial"}, "beneficial")


def test_arms_that_changed_none_of_these_measures_and_effects_that_converged():
    assert read("The secretome lowered creatinine (P = 0.04) but changed neither BUN nor NGAL.") == (
        {"creatinine": "beneficial", "BUN": "no_effect", "NGAL": "no_effect"},
        "mixed",
    )
    # "but neither reduced ...": the negated verb is the outcome's own, not a spare cue
    assert read("MSCs and CM lowered creatinine, but neither reduced NGAL (P > 0.2).") == (
        {"creatinine": "beneficial", "NGAL": "no_effect"},
        "mixed",
    )
    # another arm had no effect on the same outcomes, named back as "these end points"
    assert read(
        "The higher dose reduced creatinine and BUN, whereas the lower dose had no measurable effect on any of these "
        "end points."
    ) == ({"creatinine": "mixed", "BUN": "mixed"}, "mixed")
    # an effect at one time, gone by another
    assert read("Creatinine was lower on day 1 (P < 0.01), but by day 7 the values had converged (P = 0.42).") == (
        {"creatinine": "mixed"},
        "mixed",
    )


def test_lists_with_abbreviations_values_and_comparisons_between_treated_arms():
    # an item's abbreviation in parentheses does not end the list
    assert read("Urinary kidney injury molecule-1 (NGAL) and creatinine were reduced by both EV types.")[0] == {
        "NGAL": "beneficial",
        "creatinine": "beneficial",
    }
    # the verb of a list reaches an item after another item's values
    assert read(
        "Both preparations lowered creatinine at 48 h (0.61 and 0.58 vs 1.34 mg/dL, both P < 0.001) and BUN, with no "
        "difference between them (P = 0.74)."
    ) == ({"creatinine": "beneficial", "BUN": "beneficial"}, "beneficial")
    # a change noun read with the first item is not the second item's verb
    assert read("Intra-arterial MVs blunted the rise in creatinine (0.71 vs 1.36 mg/dL, P < 0.001) and cystatin C.")[
        0
    ] == {"creatinine": "beneficial", "cystatin C": "beneficial"}
    # another arm's failure named back ("either marker"), with its values in parentheses
    assert read(
        "Intra-arterial MVs blunted the rise in creatinine (0.71 vs 1.36 mg/dL, P < 0.001) and cystatin C, whereas "
        "intravenous MVs had no significant effect on either marker (creatinine 1.22 mg/dL, P = 0.21).",
        arms=2,
    )[0] == {"creatinine": "mixed", "cystatin C": "mixed"}
    # a time qualifier listing several times sits between the outcomes and their verb
    assert read("Urinary NGAL and cystatin C at 6, 24 and 48 h did not differ with either regimen.")[0] == {
        "NGAL": "no_effect",
        "cystatin C": "no_effect",
    }


def test_denied_lists_another_arms_lesser_change_and_harms_after_a_denial():
    # a change noun listed after the first object of a denied verb is denied too
    assert read("EVs reduced BUN (P = 0.02) but had not prevented myofibroblast accumulation or the decline in GFR.")[
        0
    ] == {"BUN": "beneficial", "GFR": "no_effect"}
    assert read("MSCs prevented tubular atrophy and the decline in GFR.") == ({"GFR": "beneficial"}, "beneficial")
    # another arm's lesser, non-significant change
    assert read("Creatinine and BUN fell by 58% and 49% with young cells but by only 21% (P = 0.12) with aged cells.")[
        0
    ] == {"creatinine": "mixed", "BUN": "mixed"}
    # a negation ends before a new verb ("and contained"), and the denied verb is read with its outcome
    assert read(
        "EV-treated kidneys were not protected from NGAL rise and contained infusion reactions in 3 of 10 mice."
    ) == ({"NGAL": "no_effect", "infusion reactions": "harmful"}, "mixed")
    # as much as in the controls is no effect
    assert read("MSCs lowered creatinine, but mortality was as high as in controls.") == (
        {"creatinine": "beneficial", "mortality": "no_effect"},
        "mixed",
    )


def test_rates_whose_comparisons_are_all_non_significant():
    assert read(
        "Survival at day 28 was 77.7%, 79.6% and 78.0%, and mortality at day 90 was 25.8%, 29.6% and 26.0%, "
        "respectively (P = 0.70 and P = 0.46)."
    )[0] == {"survival": "no_effect", "mortality": "no_effect"}


def test_fewer_harms_said_after_them_and_dose_response_shapes():
    assert read("Infusion reactions were less frequent with MSCs (10% vs 25%, P = 0.03).") == (
        {"infusion reactions": "beneficial"},
        "beneficial",
    )
    assert read("Infusion reactions were reported with MSCs.") == ({"infusion reactions": "harmful"}, "harmful")
    assert read("Bell-shaped dose-response of MSC exosomes in renal ischemia in mice") == ({}, "mixed")
    # the shape is the row's: each outcome keeps its own reading
    assert read("MSCs lowered creatinine along a bell-shaped dose-response curve.") == (
        {"creatinine": "beneficial"},
        "mixed",
    )


def test_similar_outcomes_between_arms():
    # "similar" right before an outcome compares the arms: no effect (not "a similar survival benefit")
    assert read("Histology showed similar NGAL staining, although creatinine was lower with MSCs (P = 0.03).") == (
        {"NGAL": "no_effect", "creatinine": "beneficial"},
        "mixed",
    )
    assert read("MSCs and EVs gave a similar survival benefit.") == ({"survival": "beneficial"}, "beneficial")


def test_harms_counted_alike_in_both_arms_present_tense_verbs_and_double_negation():
    # a harm counted about as often in the controls is no effect of the therapy; far more often, a harm
    assert read("Infusion reactions occurred in 3 of 12 treated patients and 2 of 12 controls.") == (
        {"infusion reactions": "no_effect"},
        "no_effect",
    )
    assert read("Infusion reactions occurred in 6 of 24 treated patients and 1 of 24 controls.") == (
        {"infusion reactions": "harmful"},
        "harmful",
    )
    # present-tense verbs of the change
    assert read("Conditioned medium lowers creatinine but not NGAL in rabbits.") == (
        {"creatinine": "beneficial", "NGAL": "no_effect"},
        "mixed",
    )
    # "not without risk" affirms the harm
    assert read("Local delivery was not without risk: infusion reactions occurred in four of 15 mice.") == (
        {"infusion reactions": "harmful"},
        "harmful",
    )


def test_arms_set_apart_in_the_subject_other_routes_and_no_difference_among_formats():
    assert read("Fresh but not thawed MSCs reduced NGAL and creatinine, whereas BUN was lowered by all preparations.")[
        0
    ] == {"NGAL": "mixed", "creatinine": "mixed", "BUN": "beneficial"}
    assert read("Creatinine was 46% lower after IV EVs (P = 0.008) but was unchanged by the other routes.") == (
        {"creatinine": "mixed"},
        "mixed",
    )
    assert read("CM from MSCs, but not from BM-MNCs, lowered creatinine in rats.") == ({"creatinine": "mixed"}, "mixed")
    assert read(
        "Creatinine was lower in all three cell-treated groups than in controls (P < 0.01 for each), with no "
        "difference among formats (P = 0.71)."
    ) == ({"creatinine": "beneficial"}, "beneficial")


def test_an_effect_in_one_subgroup_but_not_in_another():
    assert read("NGAL was reduced in non-diabetic but not in diabetic kidneys.") == ({"NGAL": "mixed"}, "mixed")


def test_an_injury_changed_by_the_therapy_in_the_passive():
    assert (
        read("Glycerol-induced kidney injury was markedly reduced by EVs.", injury=("kidney injury",))[1]
        == "beneficial"
    )
    assert read("Sepsis was induced by infusion of live bacteria.", injury=("Sepsis",))[1] == "unclear"


def test_left_unchanged_is_no_effect():
    assert read("SIRT3-Exos reduced NGAL but left creatinine unchanged.") == (
        {"NGAL": "beneficial", "creatinine": "no_effect"},
        "mixed",
    )
