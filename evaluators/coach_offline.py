"""Offline coaching: rebuild the trainee's reply with what was missing, no LLM.

The trainee's own sentences (their facts) are kept, apart from sentences that carried an
anti-pattern; missing techniques are added from templates in data/coach.yaml chosen by
the persona id (or a scenario field holding one), else by keywords.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from evaluators.grade import Evidence
from evaluators.text import normalise, sentences


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    raw = yaml.safe_load(
        resources.files("evaluators.data").joinpath("coach.yaml").read_text("utf-8"))
    raw["_fear"] = re.compile(raw["fear_words"], re.IGNORECASE)
    raw["_anger"] = re.compile(raw["anger_words"], re.IGNORECASE)
    for sc in raw["scenarios"]:
        sc["_re"] = re.compile(sc["keywords"], re.IGNORECASE)
    return raw


def _scenario(context: str, ids: set[str]) -> dict[str, str]:
    scenarios = _data()["scenarios"]
    by_id = next((sc for sc in scenarios if ids & set(sc.get("personas") or [])), None)
    return by_id or next(sc for sc in scenarios if sc["_re"].search(context))


def covered_personas() -> set[str]:
    """Persona ids with their own coaching entry."""
    return {p for sc in _data()["scenarios"] for p in sc.get("personas") or []}


def _feeling(customer: str) -> str:
    data = _data()
    if data["_fear"].search(customer):
        return data["feelings"]["fear"]
    if data["_anger"].search(customer):
        return data["feelings"]["anger"]
    return data["feelings"]["default"]


def suggest(
    reply: str,
    customer: str,
    scenario: str | None,
    techniques: list[Evidence],
    anti_patterns: list[Evidence],
    called_for: bool,
    persona_id: str | None = None,
) -> str:
    """A better reply: empathy first, the trainee's kept facts, then the missing action."""
    data = _data()
    ids = {i.strip() for i in (persona_id, scenario) if i}
    sc = _scenario(" ".join(filter(None, [scenario, customer, reply])), ids)
    values = {
        "feeling": _feeling(customer),
        "problem": sc["problem"],
        "action": sc["action"],
        "when": sc["when"],
        "option_sentence": sc["option"][:1].upper() + sc["option"][1:],
    }
    seen = {e.name for e in techniques}
    bad_quotes = {normalise(e.quote).strip("…") for e in anti_patterns}
    kept = [s for s in sentences(reply)
            if not any(q and (q in s or s in q) for q in bad_quotes)]

    def add(order: list[str]) -> list[str]:
        return [data["templates"][name].format(**values) for name in order if name not in seen]

    # At most two additions per axis: a suggestion the trainee can read and remember.
    opening = add(data["empathy_order"])[:2] if called_for else []
    action = add(data["empowerment_order"])[:3]
    closing = add(data["closing_order"]) if called_for else []
    return " ".join([*opening, *kept, *action, *closing]).strip()
