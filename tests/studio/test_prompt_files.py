"""Every prompt file is editable, each checked the way its reader uses it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hotseat.store import Store
from hotseat.studio.prompt_files import EDITABLE, prompt_problems
from hotseat.studio.versions import Doc, history, prompt_docs, save_new_version

Edit = Callable[[str], str]


def test_every_prompt_file_is_editable_and_valid_as_shipped(dirs: dict[str, Path]) -> None:
    shipped = sorted(p.name for p in dirs["prompts"].iterdir() if p.suffix in (".md", ".yaml"))
    assert sorted(d.name for d in prompt_docs(dirs["prompts"])) == shipped
    assert sorted(EDITABLE) == shipped
    for name in shipped:
        text = (dirs["prompts"] / name).read_text(encoding="utf-8")
        assert prompt_problems(name, text, dirs["prompts"], dirs["personas"]) == [], name


def _sub(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        assert old in text, f"the shipped file no longer has {old!r}"
        return text.replace(old, new, 1)

    return edit


# file, edit, expected field, a fragment of the message, expected line (None: any)
CASES = [
    (
        "judge_input.md",
        _sub("<reply_data>$reply</reply_data>", "<reply_data></reply_data>"),
        "$reply",
        "placeholder missing",
        None,
    ),
    (
        "judge_input.md",
        _sub("Scenario: $scenario", "Scenario: $scenario $persona"),
        "$persona",
        "unknown placeholder",
        1,
    ),
    (
        "coach_input.md",
        _sub("<missing>$missing</missing>", "<missing>$missin</missing>"),
        "$missin",
        "unknown placeholder",
        None,
    ),
    ("coach_input.md", _sub("Scenario: $scenario", "Costs 5$ now"), "(template)", "$$", 1),
    ("trainee_common.md", _sub("$style", "the style"), "$style", "placeholder missing", None),
    ("judge.md", lambda t: "  \n\n", "(file)", "empty", 1),
    ("trainee_ideal.md", lambda t: "", "(file)", "empty", 1),
    (
        "customer_parts.yaml",
        _sub("'The agent says: \"$reply\"'", "'The agent says.'"),
        "past_agent_turn",
        "the code fills $reply",
        4,
    ),
    (
        "customer_parts.yaml",
        _sub('transferred me to $to."', 'transferred me to $tos."'),
        "history_transfer",
        "unknown placeholder $tos",
        9,
    ),
    (
        "customer_parts.yaml",
        _sub('transferred me to $to."', 'transferred me to $to, 5$."'),
        "history_transfer",
        "write `$$`",
        9,
    ),
    ("customer_parts.yaml", _sub("\nintents:", "\nintent:"), "(file)", "missing key 'intents'", 1),
    ("customer_parts.yaml", _sub("[0, calm]", "[1, calm]"), "(file)", "mood band", 1),
    (
        "customer_parts.yaml",
        _sub("past_agent_turn:", "past_agent_turn: [\n"),
        "(yaml)",
        "not valid YAML",
        None,
    ),
    (
        "customer_checks.yaml",
        _sub("max_chars: 420", "max_chars: lots"),
        "(file)",
        "invalid literal for int()",
        1,
    ),
    (
        "customer_checks.yaml",
        _sub("max_sentences: 3", "max_sentence: 3"),
        "(file)",
        "missing key 'max_sentences'",
        1,
    ),
    (
        "trainee_bots.yaml",
        _sub("  ideal:", "  idea:"),
        "(file)",
        "trainee_bots.yaml lacks phrase banks for ['ideal']",
        1,
    ),
    (
        "trainee_bots.yaml",
        _sub('"Please calm down, $first_name."', '"Please calm down, $frist."'),
        "bots.dismissive.opener[1]",
        "unknown placeholder $frist",
        None,
    ),
    (
        "trainee_bots.yaml",
        _sub("order: [opener, answer, body]", "order: [opener, answer, bdy]"),
        "(file)",
        "lists section 'bdy'",
        1,
    ),
]


@pytest.mark.parametrize(
    ("name", "edit", "field", "message", "line"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)],
)
def test_invalid_prompt_edit_is_named(
    dirs: dict[str, Path], name: str, edit: Edit, field: str, message: str, line: int | None
) -> None:
    text = edit((dirs["prompts"] / name).read_text(encoding="utf-8"))
    problems = prompt_problems(name, text, dirs["prompts"], dirs["personas"])
    hits = [p for p in problems if p.field == field and message in p.message]
    assert hits, [str(p) for p in problems]
    if line is not None:
        assert hits[0].line == line, str(hits[0])
    assert str(dirs["prompts"]) not in str(hits[0])  # no scratch-folder path in the message


def test_text_sent_as_it_is_keeps_its_dollar_signs(dirs: dict[str, Path]) -> None:
    # judge.md and unfilled YAML fields are sent as they are: "$5" is money there.
    text = (dirs["prompts"] / "judge.md").read_text(encoding="utf-8") + "\nA $5 credit is fine.\n"
    assert prompt_problems("judge.md", text, dirs["prompts"], dirs["personas"]) == []
    parts = (dirs["prompts"] / "customer_parts.yaml").read_text(encoding="utf-8")
    parts = parts.replace('told_header: "You', 'told_header: "For 5$ you')
    assert prompt_problems("customer_parts.yaml", parts, dirs["prompts"], dirs["personas"]) == []


@pytest.mark.parametrize("name", ["judge_input.md", "trainee_bots.yaml", "coach.md"])
def test_prompt_edit_saves_a_version_only_when_valid(
    dirs: dict[str, Path], store: Store, name: str
) -> None:
    doc = Doc("prompt", name, dirs["prompts"])
    before = doc.read()
    broken = {
        "judge_input.md": before.replace("$reply", ""),
        "trainee_bots.yaml": before.replace("bots:", "bots: [", 1),
        "coach.md": "",
    }[name]
    assert not save_new_version(store, doc, broken).ok
    assert doc.read() == before and history(store, doc) == []
    good = before + "\n# edited in the studio\n" if name.endswith(".yaml") else before + "\nMore.\n"
    assert save_new_version(store, doc, good).ok
    assert doc.read() == good and [v.content for v in history(store, doc)] == [good, before]
