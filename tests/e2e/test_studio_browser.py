"""The trainer studio in a real browser: save a draft with a change note, publish it,
then A/B compare on the same seed with both transcripts side by side. Takes the README
screenshot: test-artifacts/studio.png (copy it to docs/studio.png to refresh the README;
a test run never rewrites a tracked file)."""

from __future__ import annotations

import pytest

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
    editor = page.locator(f".st-key-text-persona-{CARD} textarea")
    editor.wait_for(timeout=WAIT_MS)
    page.wait_for_function(
        f"() => document.querySelector('.st-key-text-persona-{CARD} textarea')"
        f".value.includes('id: {CARD}')",
        timeout=WAIT_MS,
    )
    text = editor.input_value()
    editor.fill(text.replace("  intensity: 4", "  intensity: 3"))
    editor.press("Control+Enter")
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
