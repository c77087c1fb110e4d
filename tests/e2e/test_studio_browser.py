"""The trainer studio in a real browser: the code editor checks as you type and jumps to
a problem's line; save a draft with a change note, publish it, then A/B compare on the
same seed with both transcripts side by side. Takes the README screenshots:
test-artifacts/studio.png and studio-editor.png (copy them to docs/ to refresh the README;
a test run never rewrites a tracked file)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_browser import WAIT_MS
from tests.e2e.test_waits import _studio, slow_app  # noqa: F401  (a fixture, used by name)

pytestmark = pytest.mark.browser

CARD = "double-charge"


def _idle(page) -> None:
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=WAIT_MS
    )


def test_draft_publish_and_ab_compare(browser, slow_app, artifacts) -> None:  # noqa: F811
    url, _gate = slow_app
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # Each edit reruns every tab (a new preview engine, versions, runs): on a loaded machine
    # that can outlast Playwright's 30 s default, with the inputs disabled meanwhile.
    page.set_default_timeout(WAIT_MS)
    try:
        _draft_publish_and_compare(page, url)
    except Exception:
        page.screenshot(path=str(artifacts / "studio-failure.png"), full_page=True)
        raise
    finally:
        page.close()


def _draft_publish_and_compare(page, url: str) -> None:
    _studio(page, url)
    choose = page.get_by_label("File")
    choose.click()
    page.get_by_role("option", name=CARD, exact=True).click()
    # The script state can read "not running" before the rerun starts: wait for the card's
    # own text, or the previous card's text would be edited into this one.
    editor = page.locator(f".st-key-code-persona-{CARD} textarea")
    expect(editor).to_have_value(re.compile(f"id: {CARD}"), timeout=WAIT_MS)
    text = editor.input_value()
    editor.fill(text.replace("  intensity: 4", "  intensity: 3"))
    editor.press("Control+Enter")  # sends at once instead of after the pause
    _idle(page)
    page.get_by_label("Change note").fill("Calmer voice: intensity 4 -> 3")
    page.get_by_label("Change note").press("Enter")
    _idle(page)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Saved as draft v2").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Publish v2").click()
    page.get_by_text("Published v2").wait_for(timeout=WAIT_MS)

    page.get_by_role("tab", name="A/B compare").click()
    panel = page.get_by_role("tabpanel", name="A/B compare")
    # Just published: the question is whether v2 beats the version before it.
    assert panel.get_by_text("End states — A: v1 ").count() == 0  # not run yet
    seeds = panel.get_by_label("Seeds", exact=True)
    seeds.fill("1")
    seeds.press("Enter")
    _idle(page)
    panel.get_by_role("button", name="Run A and B on the same 1 seed(s) × 2 bot(s)").click()
    pair = panel.locator("[data-testid=stExpander]", has_text="ideal · seed 0")
    pair.wait_for(timeout=WAIT_MS)
    _idle(page)
    if not pair.locator("[data-testid=stChatMessage]").first.is_visible():
        pair.locator("summary").click()  # collapsed when both ended the same way
    pair.locator("[data-testid=stChatMessage]").nth(3).wait_for(timeout=WAIT_MS)
    columns = pair.locator("[data-testid=stColumn]")
    assert columns.count() == 2
    for i, side in enumerate(("A", "B")):
        assert columns.nth(i).get_by_text(side, exact=True).count() == 1
        assert columns.nth(i).locator("[data-testid=stChatMessage]").count() >= 2
    panel.get_by_text("per version").first.wait_for(timeout=WAIT_MS)  # the sample warning
    assert panel.get_by_text("End states — A: v1 · published").count() == 1
    assert panel.get_by_text("B: published file").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "studio.png"), full_page=True)


EDITED = "card-fraud"  # the first card, open when the studio opens (the test above edits another)
BREAK = ": oops"  # after a value, a second colon: not valid YAML


def _caret_line(editor) -> int:
    """The 1-based line the textarea's caret (selectionStart) is on."""
    return editor.evaluate("el => el.value.slice(0, el.selectionStart).split('\\n').length")


def test_code_editor_checks_as_you_type_and_jumps_to_the_line(
    browser,
    slow_app,  # noqa: F811
    artifacts,
) -> None:
    url, _gate = slow_app
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    try:
        _type_break_jump_fix(page, url)
    except Exception:
        page.screenshot(path=str(artifacts / "studio-editor-failure.png"), full_page=True)
        raise
    finally:
        page.close()


def _type_break_jump_fix(page, url: str) -> None:
    _studio(page, url)
    box = page.locator(f".st-key-code-persona-{EDITED}")
    editor = box.locator("textarea")
    expect(editor).to_have_value(re.compile(f"id: {EDITED}"))
    text = editor.input_value()
    lines = text.split("\n")
    line = next(i for i, t in enumerate(lines, 1) if t.startswith("  patience:"))
    assert line > 40  # far enough down that going there has to scroll
    assert box.locator(".hs-numbers div").count() == len(lines)  # a number per line
    assert box.locator(".hs-key", has_text="patience").count() == 1  # highlighted as a key

    # Type at the end of that line, as a trainer would: real keys, no Ctrl+Enter, no blur.
    end = len("\n".join(lines[:line]))
    editor.focus()
    editor.evaluate(f"el => el.setSelectionRange({end}, {end})")
    page.keyboard.type(BREAK, delay=30)
    problem = page.get_by_role("button", name=re.compile(rf"^line {line}: \(yaml\)"))
    problem.wait_for()
    assert editor.evaluate("el => el.getRootNode().activeElement === el")  # never left it
    assert editor.input_value() == text.replace(lines[line - 1], lines[line - 1] + BREAK, 1)
    expect(box.locator(".hs-numbers .hs-error")).to_have_text([str(line)])
    expect(page.get_by_role("button", name="Save draft")).to_be_disabled()

    # Elsewhere, then a click on the problem: the caret goes to its line, scrolled into view.
    editor.evaluate("el => { el.setSelectionRange(0, 0); el.scrollTop = 0; }")
    assert _caret_line(editor) == 1
    problem.click()
    page.wait_for_function(
        "([el, line]) => el.value.slice(0, el.selectionStart).split('\\n').length === line",
        arg=[editor.element_handle(), line],
    )
    assert _caret_line(editor) == line
    assert editor.evaluate("el => el.getRootNode().activeElement === el")
    top, height, row = editor.evaluate(
        "el => [el.scrollTop, el.clientHeight, parseFloat(getComputedStyle(el).lineHeight)]"
    )
    assert top <= (line - 1) * row < top + height  # the line is on screen
    ARTIFACTS.mkdir(exist_ok=True)
    page.get_by_role("tabpanel", name="Edit").screenshot(path=str(ARTIFACTS / "studio-editor.png"))

    # Fix it where the caret is: the problem goes, Save comes back.
    page.keyboard.press("End")
    for _ in BREAK:
        page.keyboard.press("Backspace")
    expect(page.get_by_text("Valid.", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Save draft")).to_be_enabled()
    assert problem.count() == 0
    assert box.locator(".hs-numbers .hs-error").count() == 0
    assert editor.input_value() == text
