"""AppTest fixtures: the app's environment points at the loopback fake server and a temp DB."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.openai_server import FakeOpenAIServer

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120  # the first run loads the grader's embedding model; no speed is asserted here
GOOD_REPLY = (
    "I can hear how stressful a double charge is with rent due. "
    "I will refund the duplicate charge now and email you the confirmation by 5pm."
)
BAD_REPLY = "Calm down. That is our policy, I will transfer you to billing."


@pytest.fixture
def app_env(
    monkeypatch: pytest.MonkeyPatch, fake_openai: FakeOpenAIServer, tmp_path: Path
) -> FakeOpenAIServer:
    monkeypatch.setenv("HOTSEAT_PROVIDER", "compatible")
    monkeypatch.setenv("HOTSEAT_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("HOTSEAT_API_KEY", "test-key")
    monkeypatch.setenv("HOTSEAT_MAX_RETRIES", "0")
    monkeypatch.setenv("HOTSEAT_TIMEOUT", "5")
    monkeypatch.setenv("HOTSEAT_DB_URL", f"sqlite:///{tmp_path / 'app.db'}")
    return fake_openai


@pytest.fixture
def make_app(app_env: FakeOpenAIServer) -> Callable[[str], AppTest]:
    def make(script: str = "app.py") -> AppTest:
        at = AppTest.from_file(str(ROOT / script), default_timeout=TIMEOUT)
        at.secrets["unused"] = "no real secrets.toml is read"  # explicit, so none leaks in
        return at

    return make


def unescape(text: str) -> str:
    """What the reader sees: the app backslash-escapes Markdown in untrusted text."""
    return re.sub(r"\\(.)", r"\1", text)


def all_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "error", "warning", "success", "info")
        for e in getattr(at, kind)
    ]
    return unescape("\n".join(str(p) for p in parts))


def start_session(at: AppTest, persona: str = "double-charge", name: str = "Sam") -> AppTest:
    at.run()
    at.text_input(key="trainee_name").input(name)
    at.button(key=f"start-{persona}").click().run()
    return at


def reply(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text).run()
    return at


def open_page(make_app: Callable[[str], AppTest], page: str, **params: str) -> AppTest:
    """A page of the multipage app, run the way a browser gets it: entry script app.py
    (so `st.page_link` targets resolve), then the page, with `params` in the URL."""
    at = make_app("app.py")
    at.run()
    at.switch_page(page)
    at.query_params.clear()
    at.query_params.update(params)
    return at.run()


def page_links(at: AppTest) -> dict[str, tuple[str, dict[str, str]]]:
    """Each page link on screen: label -> (target page, its query parameters)."""
    return {
        e.proto.label: (e.proto.page, dict(parse_qsl(e.proto.query_string)))
        for e in at.get("page_link")
    }


# A page link's target as Streamlit names it ('' is the entry page) -> its script.
PAGES = {
    "": "app.py",
    "Debrief": "pages/1_Debrief.py",
    "Progress": "pages/2_Progress.py",
    "What_if": "pages/3_What_if.py",
}


def follow(make_app: Callable[[str], AppTest], at: AppTest, label: str) -> AppTest:
    """Click a page link: open its page with its query parameters."""
    target, params = page_links(at)[label]
    if PAGES[target] == "app.py":
        at = make_app("app.py")
        at.query_params.update(params)
        return at.run()
    return open_page(make_app, PAGES[target], **params)
