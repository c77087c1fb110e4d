"""Studio fixtures: copies of personas/ and prompts/, a trainer password, the fake server.

The studio publishes into whatever HOTSEAT_PERSONAS_DIR / HOTSEAT_PROMPTS_DIR name, so
every test points them at copies: the repository's cards are never written.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from hotseat.store import Store
from hotseat.studio.auth import SIGNED_IN
from tests.app.conftest import ROOT, TIMEOUT, app_env, unescape  # noqa: F401  (fixture re-export)
from tests.fakes.openai_server import FakeOpenAIServer

PASSWORD = "correct horse battery staple"
CUSTOMER_LINES = (
    "When do I get my money back? Give me a date.",
    "What's the reference number?",
    "I'm still not happy about any of this.",
)


def customer_responder(body: dict[str, Any]) -> str:
    return CUSTOMER_LINES[len(body.get("messages", [])) % len(CUSTOMER_LINES)]


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    personas = tmp_path / "personas"
    prompts = tmp_path / "prompts"
    shutil.copytree(ROOT / "personas", personas)
    shutil.copytree(ROOT / "prompts", prompts)
    runs = tmp_path / "runs"
    monkeypatch.setenv("HOTSEAT_PERSONAS_DIR", str(personas))
    monkeypatch.setenv("HOTSEAT_PROMPTS_DIR", str(prompts))
    monkeypatch.setenv("HOTSEAT_STUDIO_RUNS", str(runs))
    return {"personas": personas, "prompts": prompts, "runs": runs}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'studio.db'}") as s:
        yield s


@pytest.fixture
def studio_env(
    app_env: FakeOpenAIServer,  # noqa: F811
    dirs: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, Path]:
    monkeypatch.setenv("HOTSEAT_TRAINER_PASSWORD", PASSWORD)
    app_env.responder = customer_responder
    return dirs


@pytest.fixture
def make_page(studio_env: dict[str, Path]) -> Callable[..., AppTest]:
    def make(script: str, signed_in: bool = False) -> AppTest:
        at = AppTest.from_file(str(ROOT / script), default_timeout=TIMEOUT)
        at.secrets["unused"] = "no real secrets.toml is read"
        if signed_in:
            at.session_state[SIGNED_IN] = True
        return at

    return make


def page_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "error", "warning", "success", "info")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def editor_data(at: AppTest, key: str) -> dict[str, Any]:
    """What the page sent the code editor `key` on the last run (text, marks, go-to)."""
    for e in at.main:
        if getattr(e.proto, "component_name", "") == "hotseat_code_editor" and key in e.proto.id:
            return json.loads(e.proto.json)
    raise AssertionError(f"no code editor {key} on the page")


def type_into(at: AppTest, key: str, text: str) -> AppTest:
    """Type `text` into the studio's code editor `key` (its state, as the browser sends it
    after a pause) and run the page."""
    at.session_state[key] = {"text": text}
    return at.run()


def shown_problems(at: AppTest) -> str:
    """The problems a trainer reads: error boxes, and the code editor's problem links."""
    links = [b.label for b in at.button if b.key and "-problem-" in b.key]
    return unescape("\n".join([*(e.value for e in at.error), *links]))
