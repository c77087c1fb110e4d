"""Offline coaching: the trainee's reply, improved where it fell short, no LLM.

The trainee's own sentences are kept (minus those that carried a bad habit or a stock
phrase); then at most one addition per axis names what was missing. The concrete step
comes from the card's resolution needs in the request, never from another scenario, and
nothing the trainee already did (an apology, a question, an offer) is added twice.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from evaluators.grade import Evidence, GradeRequest
from evaluators.text import normalise, sentences

# Sentences holding these are dropped from the suggestion: they are what to stop saying.
DROPPED = {
    "blame",
    "minimising",
    "policy_wall",
    "transfer",
    "not_my_job",
    "call_back_later",
    "generic_script",
    "sarcasm",
    "false_promise",
}


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    raw = yaml.safe_load(
        resources.files("evaluators.data").joinpath("coach.yaml").read_text("utf-8")
    )
    raw["_fear"] = re.compile(raw["fear_words"], re.IGNORECASE)
    raw["_anger"] = re.compile(raw["anger_words"], re.IGNORECASE)
    return raw


def _feeling(customer: str) -> str:
    data = _data()
    if data["_fear"].search(customer):
        return data["feelings"]["fear"]
    if data["_anger"].search(customer):
        return data["feelings"]["anger"]
    return data["feelings"]["default"]


def _kept(reply: str, anti_patterns: list[Evidence]) -> list[str]:
    bad = [normalise(e.quote).strip("…").strip() for e in anti_patterns if e.name in DROPPED]
    keep = [s for s in sentences(reply) if not any(q and q in s for q in bad)]
    return keep[: _data()["max_kept"]]


def _need(request: GradeRequest) -> str | None:
    return request.needs[0].rstrip(". ") if request.needs else None


def _empowerment(seen: set[str], request: GradeRequest) -> list[str]:
    add = _data()["additions"]
    if "concrete_action" not in seen:
        need = _need(request)
        step = add["action_with_need"].format(need=need) if need else add["action"]
        owner = [] if "ownership" in seen else [add["ownership"]]
        return [*owner, step][:2]
    if "time_frame" not in seen and "personal_follow_up" not in seen:
        return [add["follow_up"]]
    return []


def suggest(
    request: GradeRequest,
    reply: str,
    techniques: list[Evidence],
    anti_patterns: list[Evidence],
    called_for: bool,
) -> str:
    """A better reply, short: empathy first, the trainee's kept words, the missing step."""
    data, seen = _data(), {e.name for e in techniques}
    kept = _kept(reply, anti_patterns)
    opening: list[str] = []
    heard = seen & {"naming_feeling", "validating", "perspective", "specific_apology"}
    if called_for and not heard:
        opening.append(data["additions"]["empathy"].format(feeling=_feeling(request.customer)))
    closing: list[str] = []
    if called_for and "exploring_question" not in seen and "?" not in reply:
        closing.append(data["additions"]["question"])
    parts = [*opening, *kept, *_empowerment(seen, request), *closing]
    return " ".join(dict.fromkeys(_sentence(p) for p in parts if p.strip()))


def _sentence(text: str) -> str:
    """A kept piece of the trainee's reply ends like a sentence before the next is added."""
    text = text.strip()
    return text if text[-1] in ".!?…\"')]" else text + "."
