"""Persona cards and overlays: the shipped ones load; broken ones say file:line:field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hotseat.errors import InputError
from hotseat.personas import (
    CardInvalid,
    get_card,
    load_card,
    load_catalog,
    validate_path,
)

PERSONAS_DIR = Path(__file__).resolve().parents[2] / "personas"

SCENARIOS = (
    "double-charge",
    "internet-outage",
    "card-fraud",
    "insulin-refill",
    "terminal-down",
    "tier2-transfers",
    "lost-files",
    "flight-cancelled",
)
REFERENCE = PERSONAS_DIR / "double-charge.yaml"


def test_shipped_cards_and_overlays_are_valid() -> None:
    catalog = load_catalog()
    assert catalog.problems == []
    assert set(SCENARIOS) <= set(catalog.cards)
    assert {c.archetype for c in catalog.cards.values()} == {"angry", "fearful", "escalated"}
    for path in sorted((PERSONAS_DIR / "overlays").glob("*.yaml")):
        assert validate_path(path) == []


def test_each_card_has_its_own_voice_and_hidden_facts() -> None:
    cards = load_catalog().cards.values()
    assert len({c.voice.style for c in cards}) == len(cards)
    assert len({c.scenario.hidden_facts[0].fact for c in cards}) == len(cards)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "personas"
    shutil.copytree(PERSONAS_DIR, folder)
    path = folder / "double-charge.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    "old,new,field,needle,message",
    [
        (
            "  patience: 3",
            "  patience: lots",
            "end_conditions.patience",
            "patience: lots",
            "valid integer",
        ),
        ("  style: >-", "  styel: >-", "voice.styel", "styel:", "unknown field"),
        ("    minimising: 2.5", "    calm_down: 2.5", "emotion.triggers", "triggers:", "calm_down"),
        ("archetype: angry", "archetype: grumpy", "archetype", "archetype: grumpy", "angry"),
        (
            "  start: {anger: 8,",
            "  start: {anger: 18,",
            "emotion.start.anger",
            "start: {anger: 18",
            "less than or equal to 10",
        ),
    ],
)
def test_broken_card_reports_file_line_field(tmp_path, old, new, field, needle, message) -> None:
    path = _broken(tmp_path, old, new)
    problems = validate_path(path)
    match = [p for p in problems if p.field == field]
    assert match, problems
    assert match[0].file == str(path) and match[0].line == _line_of(path, needle)
    assert message in match[0].message
    assert str(match[0]).startswith(f"{path}:{match[0].line}: {field}: ")


def test_missing_field_points_at_its_parent(tmp_path) -> None:
    path = _broken(tmp_path, "  max_turns: 14\n", "")
    [problem] = validate_path(path)
    assert problem.field == "end_conditions.max_turns" and "missing" in problem.message
    assert problem.line == _line_of(path, "end_conditions:")


def test_bad_yaml_reports_the_line(tmp_path) -> None:
    path = _broken(tmp_path, "name: Dana Whitfield", "name: [Dana Whitfield")
    [problem] = validate_path(path)
    assert problem.field == "(yaml)" and problem.line >= _line_of(path, "[Dana")


def test_escalated_card_without_history_names_history(tmp_path) -> None:
    path = _broken(tmp_path, "archetype: angry", "archetype: escalated")
    [problem] = validate_path(path)
    assert problem.field == "history" and problem.line == _line_of(path, "history:")


def test_id_must_match_the_file_name(tmp_path) -> None:
    path = _broken(tmp_path, "id: double-charge", "id: double-charged")
    [problem] = validate_path(path)
    assert problem.field == "id" and problem.line == 3


def test_other_cards_still_load_when_one_is_broken(tmp_path) -> None:
    path = _broken(tmp_path, "  patience: 3", "  patience: lots")
    catalog = load_catalog(path.parent)
    assert "double-charge" not in catalog.cards
    assert set(SCENARIOS) - {"double-charge"} <= set(catalog.cards)
    assert [p.field for p in catalog.problems] == ["end_conditions.patience"]
    with pytest.raises(CardInvalid, match="end_conditions.patience") as info:
        load_card(path)
    assert isinstance(info.value, InputError)


def test_overlays_change_behaviour_not_just_a_label() -> None:
    easy, std, hard = (get_card("double-charge", d) for d in ("easy", "standard", "hard"))
    assert easy.difficulty == "easy" and hard.difficulty == "hard"
    assert (
        easy.emotion.sensitivity.empathy
        > std.emotion.sensitivity.empathy
        > hard.emotion.sensitivity.empathy
    )
    assert easy.emotion.triggers["transfer"] < hard.emotion.triggers["transfer"]
    assert easy.end_conditions.patience > hard.end_conditions.patience
    assert hard.end_conditions.resolve.trust_min > easy.end_conditions.resolve.trust_min
    assert hard.voice.intensity >= std.voice.intensity >= easy.voice.intensity
    assert hard.voice.style != std.voice.style


def test_broken_overlay_is_reported(tmp_path) -> None:
    folder = tmp_path / "personas" / "overlays"
    folder.mkdir(parents=True)
    (folder / "hard.yaml").write_text("id: hard\ndescription: x\ntrigger_scale: -2\n")
    [problem] = validate_path(folder / "hard.yaml")
    assert (problem.line, problem.field) == (3, "trigger_scale")


def test_default_folders_are_read_when_called_not_at_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: some modules fixed the folder at import, so a later setting was ignored."""
    from hotseat.engine.prompts import load_prompts

    folder = tmp_path / "cards"
    shutil.copytree(PERSONAS_DIR, folder)
    (folder / "card-fraud.yaml").unlink()
    monkeypatch.setenv("HOTSEAT_PERSONAS_DIR", str(folder))
    assert "card-fraud" not in load_catalog().cards
    prompts = tmp_path / "prompts"
    shutil.copytree(PERSONAS_DIR.parent / "prompts", prompts)
    (prompts / "customer_system.md").write_text("Changed $name.", encoding="utf-8")
    monkeypatch.setenv("HOTSEAT_PROMPTS_DIR", str(prompts))
    assert "Changed" in load_prompts().content
