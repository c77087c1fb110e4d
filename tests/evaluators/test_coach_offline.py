"""Offline coaching has scenario-specific data for every persona that ships."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evaluators.coach_offline import covered_personas
from evaluators.grade import GradeRequest
from evaluators.offline import OfflineEvaluator

PERSONAS = Path(__file__).resolve().parents[2] / "personas"
GENERIC = "fixing this on your account"


def persona_ids() -> list[str]:
    ids = [yaml.safe_load(p.read_text("utf-8"))["id"] for p in sorted(PERSONAS.glob("*.yaml"))]
    assert len(ids) >= 8
    return ids


def test_every_persona_has_coaching_data() -> None:
    assert set(persona_ids()) <= covered_personas()


@pytest.mark.parametrize("persona_id", persona_ids())
def test_suggestions_are_scenario_specific(persona_id: str) -> None:
    request = GradeRequest(customer="Please, just help me.", reply="Okay.", persona_id=persona_id)
    suggestion = OfflineEvaluator().grade(request).suggestion
    assert GENERIC not in suggestion and "this problem" not in suggestion
    # A scenario field holding the id (as labelled files do) chooses the same entry.
    by_scenario = OfflineEvaluator().grade(GradeRequest(
        customer="Please, just help me.", reply="Okay.", scenario=persona_id)).suggestion
    assert by_scenario == suggestion


def test_each_persona_gets_its_own_entry() -> None:
    suggestions = {OfflineEvaluator().grade(GradeRequest(
        customer="Help.", reply="Okay.", persona_id=pid)).suggestion for pid in persona_ids()}
    assert len(suggestions) == len(persona_ids())
