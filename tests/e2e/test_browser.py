"""The trainee's flow in a real headless Chromium against `streamlit run app.py`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

WAIT_MS = 90_000  # the first grade loads the embedding model in the app process
CHIP = re.compile(r"Empathy (\d/4|n/a) · Empowerment \d/4")
REPLIES = (  # the last one may resolve the call; the first two must not
    "I can hear how stressful a double charge is with rent due. "
    "I will refund the duplicate charge now and email you the confirmation by 5pm.",
    '<img src=x onerror="window.pwned=1"> I hear how worrying this is with rent due, '
    "and <b>I am the one</b> who is going to sort it.",
    "You should not have to worry about rent. I will send you a letter for your landlord "
    "within the hour, and I will call you myself tomorrow at 10am to check it landed.",
)


def start(page, url: str, name: str, persona: str = "double-charge") -> None:
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your name").press("Enter")
    page.locator(f".st-key-start-{persona} button").click()
    page.wait_for_url(re.compile(r"session="), timeout=WAIT_MS)
    page.get_by_placeholder("Your reply to the customer").wait_for(timeout=WAIT_MS)


def settled(page, messages: int) -> None:
    """Wait until `messages` chat bubbles show and the script has stopped running."""
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=stChatMessage]').length >= {messages}",
        timeout=WAIT_MS,
    )
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=WAIT_MS
    )


def say(page, text: str, turn: int) -> None:
    settled(page, 2 * turn - 1)
    box = page.get_by_placeholder("Your reply to the customer")
    box.fill(text)
    box.press("Enter")
    # The turn is done when its grade shows and the customer's answer has settled.
    try:
        page.get_by_text(CHIP).nth(turn - 1).wait_for(timeout=WAIT_MS)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "failure.png"), full_page=True)
        raise
    settled(page, 2 * turn + 1)


def follow(page, link, url_part: str) -> None:
    """Click a page link until the browser is on its page. The chat reruns its script
    once the customer's line is stored; a click that lands while the link is being
    redrawn is dropped (seen once under a loaded full suite), so it is clicked again."""
    for _ in range(3):
        link.click()
        try:
            page.wait_for_url(re.compile(url_part), timeout=WAIT_MS // 3)
            return
        except PlaywrightTimeout:
            continue
    page.wait_for_url(re.compile(url_part), timeout=WAIT_MS)


def test_three_turns_reload_and_screenshots(browser, app_url: str, artifacts: Path) -> None:
    ctx = browser.new_context(viewport={"width": 1200, "height": 1400})
    page = ctx.new_page()
    start(page, app_url, "Robin")
    for i, text in enumerate(REPLIES, start=1):
        say(page, text, i)
    assert page.locator("[data-testid='stMetric']").count() == 3
    # Markup typed by the trainee is shown as text: no element made, no handler run.
    assert page.get_by_text("<img src=x onerror=", exact=False).count() >= 1
    assert page.locator("[data-testid=stChatMessage] img[src=x]").count() == 0
    assert page.locator("[data-testid=stChatMessage] b").count() == 0
    assert page.evaluate("window.pwned") is None
    page.get_by_text("when exactly will the money be back").first.wait_for()
    page.screenshot(path=str(artifacts / "conversation.png"), full_page=True)

    url = page.url
    page.reload()
    page.get_by_text("I can hear how stressful a double charge").first.wait_for(timeout=WAIT_MS)
    settled(page, 7)
    assert page.url == url
    assert page.get_by_text(CHIP).count() == 3

    session = re.search(r"session=([^&]+)", url).group(1)
    page.goto(f"{app_url}/Debrief?session={session}")
    page.get_by_text("Lesson:").wait_for(timeout=WAIT_MS)
    page.locator("[data-testid=stVegaLiteChart]").nth(1).wait_for(timeout=WAIT_MS)
    page.screenshot(path=str(artifacts / "debrief.png"), full_page=True)
    ctx.close()


def test_two_trainees_see_only_their_own_session(browser, app_url: str) -> None:
    a_ctx, b_ctx = browser.new_context(), browser.new_context()
    a, b = a_ctx.new_page(), b_ctx.new_page()
    start(a, app_url, "Alex")
    start(b, app_url, "Blake", persona="card-fraud")
    say(a, "Alpha marker: I will refund it now and email you by 5pm.", 1)
    say(b, "Bravo marker: I will lock the card now and call you by 3pm.", 1)
    assert a.url != b.url
    assert a.get_by_text("Bravo marker").count() == 0
    assert b.get_by_text("Alpha marker").count() == 0
    assert a.get_by_text("Trainee: Alex").count() == 1
    assert b.get_by_text("Trainee: Blake").count() == 1
    a_ctx.close()
    b_ctx.close()


def test_what_if_branch_continue_and_compare_again(browser, app_url: str) -> None:
    ctx = browser.new_context(viewport={"width": 1200, "height": 1400})
    page = ctx.new_page()
    start(page, app_url, "Casey")
    say(page, REPLIES[0], 1)
    parent = re.search(r"session=([^&]+)", page.url).group(1)
    page.goto(f"{app_url}/What_if?session={parent}&trainee=Casey")
    box = page.get_by_label("Your new reply")
    box.fill("What-if marker: I will refund it today and call you at 4pm to confirm.")
    box.press("Control+Enter")  # commit the text before the click
    page.get_by_role("button", name="Branch from here").click()
    # A page link keeps the app loaded; the branch's id rides in the URL.
    page.get_by_role("link", name=re.compile("Continue the what-if conversation")).click()
    page.wait_for_url(re.compile(r"session=(?!" + re.escape(parent) + ")"), timeout=WAIT_MS)
    page.get_by_text("What-if marker").first.wait_for(timeout=WAIT_MS)
    child = re.search(r"session=([^&]+)", page.url).group(1)
    say(page, REPLIES[2], 2)
    follow(page, page.get_by_role("link", name=re.compile("Compare with the original")), "What_if")
    page.get_by_text("This what-if vs the original").wait_for(timeout=WAIT_MS)
    assert f"session={child}" in page.url and "What_if" in page.url
    # The branch's new turn; the header can draw before the comparison below it, so wait.
    page.get_by_text("letter for your landlord").first.wait_for(timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "what-if.png"), full_page=True)
    ctx.close()


def test_exam_mode_survives_a_reload_and_stays_locked(browser, app_url: str) -> None:
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(app_url)
    page.get_by_label("Your name").fill("Dana")
    page.get_by_label("Your name").press("Enter")
    page.locator(".st-key-exam_start label").click()
    page.locator(".st-key-start-double-charge button").click()
    page.wait_for_url(re.compile(r"exam=1"), timeout=WAIT_MS)
    settled(page, 1)
    box = page.get_by_placeholder("Your reply to the customer")
    box.fill(REPLIES[0])
    box.press("Enter")
    settled(page, 3)
    page.get_by_text("grades are hidden").wait_for(timeout=WAIT_MS)
    assert page.get_by_text(CHIP).count() == 0
    page.reload()
    page.get_by_text("I can hear how stressful a double charge").first.wait_for(timeout=WAIT_MS)
    settled(page, 3)
    assert "exam=1" in page.url
    assert page.get_by_text(CHIP).count() == 0
    assert page.locator(".st-key-exam_mode input").is_disabled()
    ctx.close()
