"""Coaching that fits: the trainee's own words, what was missing, the card's needs; no
scenario pasted from another domain, no second apology or offer, short."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from evaluators.coaching import better_reply
from evaluators.grade import GradeRequest
from evaluators.offline import OfflineEvaluator
from hotseat.errors import ProviderError
from hotseat.personas import get_card

PERSONAS = Path(__file__).resolve().parents[2] / "personas"
OTHER_DOMAINS = re.compile(
    r"\b(rent|landlord|insulin|pharmacy|terminal|router|flight|"
    r"wedding|fraud|deck)\b",
    re.IGNORECASE,
)


def persona_ids() -> list[str]:
    ids = [yaml.safe_load(p.read_text("utf-8"))["id"] for p in sorted(PERSONAS.glob("*.yaml"))]
    assert len(ids) >= 8
    return ids


@pytest.fixture(scope="module")
def offline() -> OfflineEvaluator:
    return OfflineEvaluator()


def _request(persona_id: str, reply: str) -> GradeRequest:
    card = get_card(persona_id, "standard")
    return GradeRequest(
        customer=card.lines.opening[0],
        reply=reply,
        persona_id=card.id,
        scenario=card.summary,
        needs=list(card.scenario.resolution_needs),
    )


@pytest.mark.parametrize("persona_id", persona_ids())
def test_the_missing_step_comes_from_this_card(offline: OfflineEvaluator, persona_id: str) -> None:
    request = _request(persona_id, "Okay, I see.")
    suggestion = offline.grade(request).suggestion
    assert request.needs[0].rstrip(". ") in suggestion
    own = {
        w.lower()
        for w in OTHER_DOMAINS.findall(
            " ".join([request.customer, request.scenario or "", *request.needs])
        )
    }
    pasted = {w.lower() for w in OTHER_DOMAINS.findall(suggestion)} - own
    assert not pasted, (persona_id, pasted, suggestion)


def test_without_a_card_nothing_is_invented(offline: OfflineEvaluator) -> None:
    g = offline.grade(GradeRequest(customer="My parcel never came and I'm fuming.", reply="Okay."))
    assert not OTHER_DOMAINS.search(g.suggestion)
    assert "[" in g.suggestion  # a slot the trainee fills, not a made-up promise


def test_no_second_apology_or_offer(offline: OfflineEvaluator) -> None:
    reply = (
        "I'm so sorry you were charged twice. I can reverse it now or I can send "
        "you a letter for your bank, whichever you prefer."
    )
    suggestion = offline.grade(_request("double-charge", reply)).suggestion
    assert len(re.findall(r"\bsorry\b", suggestion, re.IGNORECASE)) == 1
    assert len(re.findall(r"\bor I can\b", suggestion)) == 1


def test_suggestions_stay_short(offline: OfflineEvaluator) -> None:
    long_reply = " ".join(["I hear you and I understand the situation completely."] * 6)
    suggestion = offline.grade(_request("internet-outage", long_reply)).suggestion
    assert len(suggestion.split()) <= 90
    assert suggestion.count("I hear you") <= 1  # repeated sentences are not kept twice


def test_a_good_reply_is_left_alone(offline: OfflineEvaluator) -> None:
    reply = (
        "That's frightening, and it makes sense you're shaken. I've frozen the card "
        "and I'm sending a new one today; I'll call you at 5pm to confirm the claim. "
        "What worries you most right now?"
    )
    g = offline.grade(_request("card-fraud", reply))
    assert g.suggestion.startswith("That's frightening")
    assert len(g.suggestion) <= len(reply) + 80


class _BrokenCoach:
    def suggest(self, *args: object) -> str:
        raise ProviderError("the coach is down")


def test_one_owner_falls_back_to_the_offline_coach(offline: OfflineEvaluator) -> None:
    request = _request("double-charge", "Okay.")
    grade = offline.grade(request)
    assert better_reply(request, grade, _BrokenCoach()) == grade.suggestion  # type: ignore[arg-type]
