"""AppTest fixtures: the app's environment points at the loopback fake server and a temp DB."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.openai_server import FakeOpenAIServer

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120  # the first run loads the grader's embedding model; no speed is asserted here
GOOD_REPLY = ("I can hear how stressful a double charge is with rent due. "
              "I will refund the duplicate charge now and email you the confirmation by 5pm.")
BAD_REPLY = "Calm down. That is our policy, I will transfer you to billing."


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, fake_openai: FakeOpenAIServer,
            tmp_path: Path) -> FakeOpenAIServer:
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
    parts = [e.value for kind in ("markdown", "caption", "error", "warning", "success", "info")
             for e in getattr(at, kind)]
    return unescape("\n".join(str(p) for p in parts))


def start_session(at: AppTest, persona: str = "double-charge", name: str = "Sam") -> AppTest:
    at.run()
    at.text_input(key="trainee_name").input(name)
    at.button(key=f"start-{persona}").click().run()
    return at


def reply(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text).run()
    return at
