"""Persona and prompt versions: validation at the line, publish only valid, history kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotseat.errors import InputError
from hotseat.store import Store
from hotseat.studio.cards import card_problems
from hotseat.studio.problems import excerpt
from hotseat.studio.prompt_files import prompt_problems
from hotseat.studio.versions import (
    BASELINE_AUTHOR,
    Doc,
    history,
    publish,
    published,
    save_draft,
    save_new_version,
    side_by_side_html,
    unified_diff,
)


def _card(dirs: dict[str, Path], card_id: str = "double-charge") -> Doc:
    return Doc("persona", card_id, dirs["personas"])


def test_valid_card_has_no_problems(dirs: dict[str, Path]) -> None:
    doc = _card(dirs)
    assert card_problems(doc.name, doc.read(), dirs["personas"]) == []


@pytest.mark.parametrize(
    ("edit", "line", "field"),
    [
        (lambda t: t.replace("  intensity: 4", "  intensity: 9"), 16, "voice.intensity"),
        (lambda t: t.replace("archetype: angry", "archetype: angry: oops"), 5, "(yaml)"),
        (lambda t: t.replace("name: Dana Whitfield", "nmae: Dana Whitfield"), 4, "nmae"),
        (lambda t: t.replace("id: double-charge", "id: other"), 3, "id"),
    ],
)
def test_invalid_edit_names_the_line(dirs: dict[str, Path], edit, line: int, field: str) -> None:
    doc = _card(dirs)
    problems = card_problems(doc.name, edit(doc.read()), dirs["personas"])
    assert problems, "the edit should be refused"
    hit = [p for p in problems if (p.line, p.field) == (line, field)]
    assert hit, [str(p) for p in problems]
    assert str(hit[0]).startswith(f"line {line}: {field}: ")


def test_invalid_save_keeps_last_good_version(dirs: dict[str, Path], store: Store) -> None:
    doc = _card(dirs)
    before = doc.read()
    result = save_new_version(store, doc, before.replace("  intensity: 4", "  intensity: 9"))
    assert not result.ok and result.problems[0].line == 16
    assert doc.read() == before
    assert history(store, doc) == []


def test_valid_save_publishes_and_keeps_old(dirs: dict[str, Path], store: Store) -> None:
    doc = _card(dirs)
    old = doc.read()
    new = old.replace("  intensity: 4", "  intensity: 5")
    result = save_new_version(store, doc, new)
    assert result.ok and result.changed
    assert doc.read() == new
    assert [v.content for v in history(store, doc)] == [new, old]  # newest first
    # Saving the same text again adds no version and leaves the file alone.
    again = save_new_version(store, doc, new)
    assert again.ok and not again.changed and len(history(store, doc)) == 2
    # The engine's own records of effective cards are not mixed into this history.
    assert [v.id for v in history(store, doc)] == ["v2", "v1"]


def test_diff_shows_changed_lines_escaped() -> None:
    diff = unified_diff("a: 1\nb: 2\n", "a: 1\nb: 3\n", "v1", "v2")
    assert "-b: 2" in diff and "+b: 3" in diff
    table = side_by_side_html("x: <script>\n", "x: <b>\n", "v1", "v2<")
    assert "<script>" not in table and "&lt;script&gt;" in table and "v2&lt;" in table
    # Long lines wrap inside a full-width table; difflib's n/t link columns are hidden.
    assert "table-layout:fixed;width:100%" in table and "overflow-wrap:anywhere" in table
    assert "td.diff_next,table.diff th.diff_next{display:none}" in table


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (1, "> 1 | a: 1\n  2 | b: 2\n  3 | c: 3"),
        (3, "  1 | a: 1\n  2 | b: 2\n> 3 | c: 3\n  4 | d: 4"),
        (9, ""),  # a line past the end: no excerpt rather than a wrong one
    ],
)
def test_error_excerpt_numbers_the_lines(line: int, expected: str) -> None:
    assert excerpt("a: 1\nb: 2\nc: 3\nd: 4\n", line) == expected


def test_prompt_template_unknown_placeholder(dirs: dict[str, Path], store: Store) -> None:
    doc = Doc("prompt", "customer_turn.md", dirs["prompts"])
    before = doc.read()
    bad = before + "\nAlso mention $nonsense here.\n"
    problems = prompt_problems(doc.name, bad, dirs["prompts"])
    assert problems[0].field == "$nonsense"
    assert problems[0].line == bad.count("\n", 0, bad.find("$nonsense")) + 1
    assert not save_new_version(store, doc, bad).ok and doc.read() == before
    good = before + "\nStay in character.\n"
    assert save_new_version(store, doc, good).ok
    assert doc.read() == good and [v.content for v in history(store, doc)] == [good, before]


def test_prompt_yaml_error_has_line(dirs: dict[str, Path]) -> None:
    text = (dirs["prompts"] / "customer_parts.yaml").read_text(encoding="utf-8")
    problems = prompt_problems("customer_parts.yaml", text + "\nbroken: [\n", dirs["prompts"])
    assert problems and problems[0].field == "(yaml)" and problems[0].line > 1


def test_invalid_hand_edit_on_disk_is_kept_before_publishing(
    dirs: dict[str, Path], store: Store
) -> None:
    doc = _card(dirs)
    good = doc.read()
    broken = good.replace("archetype: angry", "archetype: angry: oops")
    doc.path.write_text(broken, encoding="utf-8")  # someone edited the file by hand
    assert save_new_version(store, doc, good).ok
    kept = store.list_versions(doc.kind, f"{doc.key}#invalid")
    assert [v.content for v in kept] == [broken]


def test_a_draft_is_not_published_until_publish(dirs: dict[str, Path], store: Store) -> None:
    doc = _card(dirs)
    shipped = doc.read()
    calmer = shipped.replace("  intensity: 4", "  intensity: 3")
    draft = save_draft(store, doc, calmer, "Tina", "  calmer opening  ")
    assert draft.ok and draft.changed and draft.version is not None
    v1, v2 = reversed(history(store, doc))
    assert (v2.id, v2.is_draft, v2.author, v2.note) == ("v2", True, "Tina", "calmer opening")
    # The shipped file became v1, published as of the file's own time, not the save's.
    assert (v1.author, v1.is_draft, v1.content) == (BASELINE_AUTHOR, False, shipped)
    assert v1.published_at is not None and v1.published_at < v2.created_at
    assert doc.read() == shipped and published(store, doc) == v1  # trainees: unchanged
    done = publish(store, doc, 2)
    assert done.ok and done.changed and doc.read() == calmer
    assert published(store, doc).id == "v2"
    # Putting v1 back is a publish too; nothing is lost, the numbers stay.
    assert publish(store, doc, 1).ok and doc.read() == shipped
    assert published(store, doc).id == "v1" and len(history(store, doc)) == 2


def test_a_bad_version_number_is_refused_and_changes_nothing(
    dirs: dict[str, Path], store: Store
) -> None:
    doc = _card(dirs)
    before = doc.read()
    with pytest.raises(InputError, match="no version v7"):
        publish(store, doc, 7)
    assert doc.read() == before and history(store, doc) == []
