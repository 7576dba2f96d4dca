"""Claims -> study arms: the view a meta-analyst wants, one row per arm per document.

An arm is a product given in one set-up (study type, species, injury model) of a document. Its row gathers
what the document's finding and method claims say about it: source, donor origin, dose, route, timing, outcomes
with their directions, trial id, phase, patients, cell lines, and the claim ids it was built from. Review
statements describe other people's studies and make no arms.
"""

from __future__ import annotations

import hashlib

ARM_LIST_FIELDS = (
    "cell_source",
    "cell_origin",
    "dose",
    "route",
    "timing",
    "trial_id",
    "trial_phase",
    "n_patients",
    "cell_line",
)
DIRECTION_ORDER = ("beneficial", "no_effect", "harmful", "mixed")


def arm_id(doc_id: str, key: tuple) -> str:
    return hashlib.sha1(f"{doc_id}\x1f{key!r}".encode()).hexdigest()[:16]


def build_arms(claims: list[dict]) -> list[dict]:
    """One row per (document, study type, species, injury model, product) found in finding and method claims."""
    arms: dict[tuple, dict] = {}
    for claim in claims:
        if claim["claim_type"] not in ("finding", "method") or claim["study_type"] == "review_statement":
            continue
        setup = (claim["study_type"], tuple(sorted(claim["species"])), tuple(sorted(claim["injury_model"])))
        for product in claim["cell_product"]:
            key = (claim["doc_id"], *setup, product)
            arm = arms.get(key)
            if arm is None:
                arm = arms[key] = {
                    "arm_id": arm_id(claim["doc_id"], key[1:]),
                    "doc_id": claim["doc_id"],
                    "study_type": claim["study_type"],
                    "species": list(setup[1]),
                    "injury_model": list(setup[2]),
                    "cell_product": product,
                    **{f: [] for f in ARM_LIST_FIELDS},
                    "outcome_effects": [],
                    "effect_direction": "unclear",
                    "claim_ids": [],
                }
            for field in ARM_LIST_FIELDS:
                for value in claim[field]:
                    if value not in arm[field]:
                        arm[field].append(value)
            arm["claim_ids"].append(claim["claim_id"])
            if len(claim["cell_product"]) == 1:  # a claim about several arms does not say which outcome is whose
                _merge_effects(arm, claim)
    for arm in arms.values():
        arm["effect_direction"] = _summary(arm)
    return list(arms.values())


def _merge_effects(arm: dict, claim: dict) -> None:
    effects = dict(pair.rsplit(":", 1) for pair in arm["outcome_effects"])
    for pair in claim["outcome_effects"]:
        outcome, direction = pair.rsplit(":", 1)
        effects[outcome] = direction if effects.get(outcome, direction) == direction else "mixed"
    arm["outcome_effects"] = [f"{o}:{d}" for o, d in effects.items()]
    if not claim["outcome_effects"] and claim["effect_direction"] != "unclear" and claim["claim_type"] == "finding":
        arm.setdefault("_directions", set()).add(claim["effect_direction"])


def _summary(arm: dict) -> str:
    directions = {pair.rsplit(":", 1)[1] for pair in arm["outcome_effects"]} | arm.pop("_directions", set())
    if not directions:
        return "unclear"
    return directions.pop() if len(directions) == 1 else "mixed"
