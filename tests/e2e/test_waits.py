"""No silent waits, in a real browser: while the fake model holds its answer, the page
already shows a sign of work (typing bubble, spinner) and the button that started it
is disabled. The fake server's answers wait on a gate the test opens, so every check
runs while the model is provably still "thinking"; no timing is asserted."""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator

from hotseat.ui.waiting import TYPING
from tests.e2e.conftest import ROOT, STARTUP_S, streamlit_app
from tests.e2e.test_browser import REPLIES, WAIT_MS, settled, start

pytestmark = pytest.mark.browser

PASSWORD = "studio e2e password"
LINE = "Fine. But when exactly will the money be back in my account?"


class Gate:
    """The fake model's answers wait here while the test holds the gate."""

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self.answered = 0

    def hold(self) -> int:
        self._open.clear()
        return self.answered

    def release(self) -> None:
        self._open.set()

    def responder(self, body: dict[str, Any]) -> str:
        # A limit for a hung test only: the test releases the gate long before.
        self._open.wait(STARTUP_S)
        with self._lock:
            self.answered += 1
        return LINE


@pytest.fixture(scope="module")
def slow_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Gate]]:
    tmp = tmp_path_factory.mktemp("waits")
    for name in ("personas", "prompts"):  # the studio writes only into copies
        shutil.copytree(ROOT / name, tmp / name)
    env = {
        "HOTSEAT_TRAINER_PASSWORD": PASSWORD,
        "HOTSEAT_PERSONAS_DIR": str(tmp / "personas"),
        "HOTSEAT_PROMPTS_DIR": str(tmp / "prompts"),
        "HOTSEAT_STUDIO_RUNS": str(tmp / "runs"),
    }
    gate = Gate()
    with streamlit_app(tmp, env) as (url, server):
        server.responder = gate.responder
        try:
            yield url, gate
        finally:
            gate.release()


def _typing(page):
    return page.locator("[data-testid=stChatMessage]", has_text=TYPING)


def test_customer_typing_shows_before_the_model_answers(browser, slow_app) -> None:
    url, gate = slow_app
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)  # a hang limit on a loaded machine, not a speed test
    start(page, url, "Wren")
    settled(page, 1)
    answered = gate.hold()
    box = page.get_by_placeholder("Your reply to the customer")
    box.fill(REPLIES[0])
    box.press("Enter")
    _typing(page).wait_for(timeout=WAIT_MS)
    # Shown while the model has not answered; the reply is on screen, the box is locked.
    assert gate.answered == answered
    assert page.get_by_text("I can hear how stressful a double charge").count() >= 1
    assert box.is_disabled()
    gate.release()
    page.get_by_text("when exactly will the money be back").first.wait_for(timeout=WAIT_MS)
    settled(page, 3)
    assert _typing(page).count() == 0
    page.close()


def test_branch_shows_a_spinner_and_disables_its_button(browser, slow_app) -> None:
    url, gate = slow_app
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)  # a hang limit on a loaded machine, not a speed test
    start(page, url, "Quinn")
    box = page.get_by_placeholder("Your reply to the customer")
    box.fill(REPLIES[0])
    box.press("Enter")
    settled(page, 3)
    session = re.search(r"session=([^&]+)", page.url).group(1)
    page.goto(f"{url}/What_if?session={session}&trainee=Quinn")
    text = page.get_by_label("Your new reply")
    text.fill("Branch marker: I will refund it today and call you at 4pm.")
    text.press("Control+Enter")
    answered = gate.hold()
    button = page.get_by_role("button", name="Branch from here")
    button.click()
    page.get_by_text("Branching:").wait_for(timeout=WAIT_MS)
    assert gate.answered == answered
    assert button.is_disabled()
    gate.release()
    page.get_by_role("link", name=re.compile("Continue the what-if")).wait_for(timeout=WAIT_MS)
    page.get_by_text("Branching:").wait_for(state="detached", timeout=WAIT_MS)
    assert button.is_enabled()
    page.close()


def _studio(page, url: str) -> None:
    page.goto(f"{url}/Trainer_studio")
    page.get_by_label("Trainer password").fill(PASSWORD)
    page.get_by_label("Trainer password").press("Enter")
    page.get_by_role("tab", name="Preview chat").wait_for(timeout=WAIT_MS)


def _boxes(*locators: Locator) -> list[dict[str, float]]:
    """Each element's box, measured together once all are drawn: a rerun that redraws the
    tab leaves them detached for a moment, so an empty measure is taken again."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        for locator in locators:
            locator.wait_for(state="visible", timeout=WAIT_MS)
        boxes = [locator.bounding_box() for locator in locators]
        if all(b is not None for b in boxes):
            return boxes  # type: ignore[return-value]
        assert time.monotonic() < deadline, "the elements never stayed drawn"
        time.sleep(0.1)


def test_studio_preview_and_realism_show_their_work(browser, slow_app, artifacts: Path) -> None:
    url, gate = slow_app
    page = browser.new_page(viewport={"width": 1300, "height": 1400})
    page.set_default_timeout(WAIT_MS)  # a hang limit on a loaded machine, not a speed test
    _studio(page, url)
    page.get_by_role("tab", name="Preview chat").click()
    panel = page.get_by_role("tabpanel", name="Preview chat")
    box = panel.get_by_placeholder("Your reply")
    box.wait_for(timeout=WAIT_MS)
    answered = gate.hold()
    box.fill("Preview marker: I will refund the duplicate charge now.")
    box.press("Enter")
    _typing(panel).wait_for(timeout=WAIT_MS)
    assert gate.answered == answered
    gate.release()
    panel.get_by_text("when exactly will the money be back").first.wait_for(timeout=WAIT_MS)
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=WAIT_MS
    )
    # The input cleared itself and sits under the conversation. (Both are measured once
    # visible: a rerun that redraws the tab leaves them without a box for a moment.)
    assert box.input_value() == ""
    last, below = _boxes(panel.locator("[data-testid=stChatMessage]").last, box)
    assert below["y"] > last["y"]

    page.get_by_role("tab", name="Realism check").click()
    realism = page.get_by_role("tabpanel", name="Realism check")
    answered = gate.hold()
    run = realism.get_by_role("button", name="Run realism check")
    run.click()
    realism.get_by_text("conversations done").first.wait_for(timeout=WAIT_MS)
    assert gate.answered == answered
    assert run.is_disabled()
    page.screenshot(path=str(artifacts / "studio-realism-running.png"), full_page=True)
    gate.release()
    realism.get_by_text("realism checks passed").wait_for(timeout=WAIT_MS)
    assert run.is_enabled()
    page.close()
