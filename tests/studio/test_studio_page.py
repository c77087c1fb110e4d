"""The trainer studio page: live validation, save as a new version, diff, preview, A/B."""

from __future__ import annotations

import base64

from hotseat.store import Store
from hotseat.studio import realism
from hotseat.studio.editor import PLAIN_EDITOR
from hotseat.studio.versions import Doc, history
from hotseat.ui import waiting
from tests.app.conftest import unescape
from tests.studio.conftest import editor_data, page_text, shown_problems, type_into

CARD = "double-charge"
EDITOR = f"code-persona-{CARD}"  # the code editor
PLAIN = f"text-persona-{CARD}"  # the plain text box


def _open(make_page):
    at = make_page("pages/4_Trainer_studio.py", signed_in=True)
    at.run()
    at.selectbox(key="studio_doc").select(CARD).run()
    assert not at.exception
    return at


def test_invalid_edit_in_the_plain_box_shows_line_and_keeps_the_file(
    make_page, studio_env, tmp_path
) -> None:
    path = studio_env["personas"] / f"{CARD}.yaml"
    before = path.read_text(encoding="utf-8")
    at = _open(make_page)
    at.toggle(key=PLAIN_EDITOR).set_value(True).run()  # the fallback: a plain text box
    at.text_area(key=PLAIN).input(before.replace("  intensity: 4", "  intensity: 9")).run()
    errors = unescape("\n".join(e.value for e in at.error))
    assert "line 16: voice.intensity:" in errors
    # The plain box has no line numbers: the error shows its line, numbered and marked.
    shown = [c.value for c in at.code if c.value.startswith(" ") or c.value.startswith(">")]
    assert any("> 16 |   intensity: 9" in c for c in shown)
    assert at.button(key=f"save-persona-{CARD}").disabled
    assert path.read_text(encoding="utf-8") == before
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as s:
        assert history(s, Doc("persona", CARD, studio_env["personas"])) == []


def test_valid_edit_saves_a_new_version_and_keeps_the_old(make_page, studio_env, tmp_path) -> None:
    path = studio_env["personas"] / f"{CARD}.yaml"
    before = path.read_text(encoding="utf-8")
    after = before.replace("  intensity: 4", "  intensity: 5")
    at = _open(make_page)
    type_into(at, EDITOR, after)
    assert any(s.value == "Valid." for s in at.success)
    at.text_input(key=f"note-persona-{CARD}").input("calmer voice")
    at.button(key=f"save-persona-{CARD}").click().run()
    assert not at.exception
    assert any("Saved as draft v2" in s.value for s in at.success)
    assert path.read_text(encoding="utf-8") == before  # a draft: trainees keep v1
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as s:
        versions = history(s, Doc("persona", CARD, studio_env["personas"]))
    assert [v.content for v in versions] == [after, before]
    assert (versions[0].note, versions[0].is_draft) == ("calmer voice", True)
    at.button(key=f"publish-persona-{CARD}").click().run()
    assert any("Published v2" in s.value for s in at.success)
    assert path.read_text(encoding="utf-8") == after
    # The diff tab compares two saved versions (newest first after the editor and file).
    choice_a = at.selectbox(key=f"diff-a-persona-{CARD}")
    assert len(choice_a.options) == 4
    choice_a.select(choice_a.options[3])
    choice_b = at.selectbox(key=f"diff-b-persona-{CARD}")
    choice_b.select(choice_b.options[2]).run()
    diff = at.code[0].value
    assert "-  intensity: 4" in diff and "+  intensity: 5" in diff


def test_invalid_edit_in_the_code_editor_marks_and_links_its_line(make_page, studio_env) -> None:
    path = studio_env["personas"] / f"{CARD}.yaml"
    before = path.read_text(encoding="utf-8")
    at = _open(make_page)
    assert not at.toggle(key=PLAIN_EDITOR).value and len(at.text_area) == 0
    type_into(at, EDITOR, before.replace("  intensity: 4", "  intensity: 9"))
    assert not at.exception
    assert editor_data(at, EDITOR)["errors"] == [16]  # marked in the gutter, same run
    link = at.button(key=f"{EDITOR}-problem-0")
    assert unescape(link.label).startswith("line 16: voice.intensity:")
    assert at.button(key=f"save-persona-{CARD}").disabled
    assert editor_data(at, EDITOR)["goto"] is None
    link.click().run()
    assert editor_data(at, EDITOR)["goto"] == {"line": 16, "seq": 1}
    at.button(key=f"{EDITOR}-problem-0").click().run()  # again: a new request, same line
    assert editor_data(at, EDITOR)["goto"] == {"line": 16, "seq": 2}
    type_into(at, EDITOR, before)
    assert any(s.value == "Valid." for s in at.success)
    assert not at.button(key=f"save-persona-{CARD}").disabled
    assert editor_data(at, EDITOR)["errors"] == []
    assert path.read_text(encoding="utf-8") == before


def test_the_plain_box_stands_in_when_the_editor_cannot_load(
    make_page, studio_env, monkeypatch
) -> None:
    from streamlit.errors import StreamlitAPIException

    from hotseat.studio import code_editor

    def broken():
        raise StreamlitAPIException("no custom components here")

    monkeypatch.setattr(code_editor, "_mount", broken)
    at = _open(make_page)
    assert "could not load" in page_text(at)
    before = at.text_area(key=PLAIN).value
    at.text_area(key=PLAIN).input(before.replace("  intensity: 4", "  intensity: 9")).run()
    assert "line 16: voice.intensity:" in unescape("\n".join(e.value for e in at.error))
    assert at.button(key=f"save-persona-{CARD}").disabled


def test_preview_chat_against_the_edited_card(make_page, studio_env) -> None:
    at = _open(make_page)
    text = at.session_state[EDITOR]["text"]
    type_into(at, EDITOR, text.replace("Dana Whitfield", "Dana Preview"))
    at.chat_input(key=f"preview-reply-persona-{CARD}").set_value(
        "I can hear how stressful this is. I will refund the duplicate charge now."
    ).run()
    assert not at.exception and not at.error
    said = [unescape(m.markdown[0].value) for m in at.chat_message if m.markdown]
    assert len(said) == 3  # opening, the reply, the customer's answer: each once
    assert said[1].startswith("I can hear how stressful this is.")
    assert "Mood:" in page_text(at)
    # The input cleared itself once sent; the indicator gave way to the answer.
    assert at.chat_input(key=f"preview-reply-persona-{CARD}").value is None
    assert waiting.TYPING not in page_text(at)
    assert "Dana Preview" not in (studio_env["personas"] / f"{CARD}.yaml").read_text()


def test_run_realism_check_from_the_page(make_page, studio_env) -> None:
    at = _open(make_page)
    at.button(key=f"realism-run-persona-{CARD}").click().run()
    assert not at.exception and not at.error
    numbers = at.table[0].value
    row = numbers[numbers["metric"] == "conversations"].iloc[0]
    expected = len(realism.DEFAULT_BOTS) * realism.DEFAULT_SEEDS
    assert row["value"] == str(expected)
    assert "realism checks passed" in numbers["metric"].tolist()
    # The report itself is on the page, charts included, and can still be downloaded.
    html = report_in_page(at)
    assert "<svg" in html and 'data-metric="check/ideal_resolves">' in html
    run = realism.load_run(
        studio_env["runs"],
        CARD,
        (studio_env["personas"] / f"{CARD}.yaml").read_text(encoding="utf-8"),
    )
    assert run is not None
    assert html == realism.for_browser(run.report_html.read_text(encoding="utf-8"))
    # No command-line advice for a browser user.
    assert "--bot" not in html and "still to rerun" not in html
    assert [b.key for b in at.get("download_button")] == [f"report-{run.content_hash}"]


def report_in_page(at) -> str:
    frames = at.get("iframe")
    assert len(frames) == 1
    src = frames[0].proto.src
    assert src.startswith("data:text/html;base64,")
    return base64.b64decode(src.removeprefix("data:text/html;base64,")).decode("utf-8")


def test_invalid_yaml_card_edit_keeps_the_previous_version(make_page, studio_env, tmp_path) -> None:
    path = studio_env["personas"] / f"{CARD}.yaml"
    original = path.read_text(encoding="utf-8")
    saved = original.replace("  intensity: 4", "  intensity: 5")
    at = _open(make_page)
    type_into(at, EDITOR, saved)
    at.button(key=f"save-persona-{CARD}").click().run()
    at.button(key=f"publish-persona-{CARD}").click().run()
    assert any("Published v2" in s.value for s in at.success)
    broken = saved.replace("archetype: angry", "archetype: angry: oops")
    type_into(at, EDITOR, broken)
    assert not at.exception
    errors = shown_problems(at)
    assert "line 5: (yaml): not valid YAML" in errors
    assert at.button(key=f"save-persona-{CARD}").disabled
    assert path.read_text(encoding="utf-8") == saved
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as s:
        kept = history(s, Doc("persona", CARD, studio_env["personas"]))
    assert [v.content for v in kept] == [saved, original]
