"""Prompt files in the studio page: validation at the line, versions, and the edited customer
prompt driving the preview chat and the realism check."""

from __future__ import annotations

import json
from pathlib import Path

from hotseat.store import Store
from hotseat.studio import realism
from hotseat.studio.versions import Doc, history
from tests.studio.conftest import shown_problems, type_into
from tests.studio.test_studio_page import report_in_page

CARD = "double-charge"
MARKER = "Mention the word PINEAPPLE once."


def _open(make_page, name: str):
    at = make_page("pages/4_Trainer_studio.py", signed_in=True)
    at.run()
    at.radio(key="studio_what").set_value("Prompt templates").run()
    at.selectbox(key="studio_doc").select(name).run()
    assert not at.exception
    return at


def _said_to_model(requests: list[dict]) -> str:
    return "\n".join(json.dumps(r.get("messages", [])) for r in requests)


def test_invalid_yaml_prompt_edit_keeps_the_previous_version(
    make_page, studio_env, tmp_path
) -> None:
    name = "customer_parts.yaml"
    path = studio_env["prompts"] / name
    original = path.read_text(encoding="utf-8")
    saved = original + "\n# tuned in the studio\n"
    at = _open(make_page, name)
    editor = f"code-prompt-{name}"
    type_into(at, editor, saved)
    at.button(key=f"save-prompt-{name}").click().run()
    at.button(key=f"publish-prompt-{name}").click().run()
    assert any("Published v2" in s.value for s in at.success)
    broken = saved.replace(
        "nothing_fired: nothing in particular", "nothing_fired: nothing: in particular"
    )
    line = broken[: broken.find("nothing_fired:")].count("\n") + 1
    type_into(at, editor, broken)
    assert not at.exception
    errors = shown_problems(at)
    assert f"line {line}: (yaml): not valid YAML" in errors
    assert at.button(key=f"save-prompt-{name}").disabled
    assert path.read_text(encoding="utf-8") == saved
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as s:
        kept = history(s, Doc("prompt", name, studio_env["prompts"]))
    assert [v.content for v in kept] == [saved, original]


def test_judge_template_is_editable_and_keeps_its_placeholders(make_page, studio_env) -> None:
    name = "judge_input.md"
    path = studio_env["prompts"] / name
    before = path.read_text(encoding="utf-8")
    at = _open(make_page, name)
    type_into(at, f"code-prompt-{name}", before.replace("$reply", "the reply"))
    errors = shown_problems(at)
    assert "$reply: placeholder missing" in errors
    assert at.button(key=f"save-prompt-{name}").disabled
    assert path.read_text(encoding="utf-8") == before
    assert [t.label for t in at.tabs] == ["Edit", "Versions & diff"]  # not a customer prompt


def test_preview_chat_uses_the_edited_customer_prompt(make_page, studio_env, app_env) -> None:
    name = "customer_turn.md"
    published = (studio_env["prompts"] / name).read_text(encoding="utf-8")
    at = _open(make_page, name)
    at.selectbox(key="studio_trial_card").select(CARD).run()
    type_into(at, f"code-prompt-{name}", published + MARKER + "\n")
    app_env.reset()
    at.chat_input(key=f"preview-reply-prompt-{name}").set_value(
        "I can hear how stressful this is. I will refund the duplicate charge now."
    ).run()
    assert not at.exception and not at.error
    said = [m.markdown[0].value for m in at.chat_message if m.markdown]
    assert len(said) >= 3  # opening, the reply, the customer's answer
    assert MARKER in _said_to_model(app_env.requests)  # the unsaved text drove the customer
    assert (studio_env["prompts"] / name).read_text(encoding="utf-8") == published


def test_realism_check_runs_the_edited_customer_prompt(make_page, studio_env, app_env) -> None:
    name = "customer_turn.md"
    published = (studio_env["prompts"] / name).read_text(encoding="utf-8")
    at = _open(make_page, name)
    at.selectbox(key="studio_trial_card").select(CARD).run()
    edited = published + MARKER + "\n"
    type_into(at, f"code-prompt-{name}", edited)
    app_env.reset()
    at.button(key=f"realism-run-prompt-{name}").click().run()
    assert not at.exception and not at.error
    assert MARKER in _said_to_model(app_env.requests)
    numbers = at.table[0].value
    expected = str(len(realism.DEFAULT_BOTS) * realism.DEFAULT_SEEDS)
    assert numbers[numbers["metric"] == "conversations"].iloc[0]["value"] == expected
    assert "<svg" in report_in_page(at)
    card_text = (studio_env["personas"] / f"{CARD}.yaml").read_text(encoding="utf-8")
    run = realism.load_run(studio_env["runs"], CARD, card_text, {name: edited})
    assert run is not None
    assert (Path(run.folder) / "prompts" / name).read_text(encoding="utf-8") == edited
    assert realism.load_run(studio_env["runs"], CARD, card_text) is None  # not the card's run
    assert (studio_env["prompts"] / name).read_text(encoding="utf-8") == published
