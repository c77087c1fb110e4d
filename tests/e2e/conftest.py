"""End-to-end fixtures: the fake OpenAI server, `streamlit run app.py`, headless Chromium."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import _LEAKY_ENV
from tests.fakes.openai_server import FakeOpenAIServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
STARTUP_S = 120  # a cold start on a shared 2-core machine; a limit for hanging, not a speed test
CUSTOMER_LINES = (
    "Fine. But when exactly will the money be back in my account?",
    "And what do I tell my landlord in the meantime?",
    "Okay. I want that email today, not next week.",
    "Right. I am still not happy about any of this.",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"streamlit did not come up:\n{log.read_text()[-3000:]}")


def scripted_server() -> FakeOpenAIServer:
    """A started fake LLM that answers with CUSTOMER_LINES in turn."""
    server = FakeOpenAIServer().start()
    counter = itertools.count()
    server.responder = lambda body: CUSTOMER_LINES[next(counter) % len(CUSTOMER_LINES)]
    return server


@contextmanager
def streamlit_app(
    tmp: Path,
    extra_env: dict[str, str] | None = None,
    extra_args: list[str] | None = None,
    *,
    server: FakeOpenAIServer | None = None,
    database: str | None = None,
) -> Iterator[tuple[str, FakeOpenAIServer]]:
    """`streamlit run app.py` on a free loopback port with the fake LLM and a fresh
    database in `tmp`; yields its URL and the fake server.

    Replicas: pass the same started `server` (left running here) and the same
    `database` URL to several of these, each with its own `tmp`."""
    own_server = server is None
    server = scripted_server() if server is None else server
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY_ENV}
    env.update(
        HOTSEAT_PROVIDER="compatible",
        HOTSEAT_BASE_URL=server.base_url,
        HOTSEAT_API_KEY="test",
        HOTSEAT_DB_URL=database or db_url(tmp),
        HOTSEAT_MAX_RETRIES="0",
        NO_PROXY="127.0.0.1,localhost",
        HF_HUB_OFFLINE="1",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    env.update(extra_env or {})
    log = tmp / "streamlit.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                *(extra_args or []),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url, server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if own_server:
            server.stop()


def db_url(tmp: Path) -> str:
    return f"sqlite:///{tmp / 'e2e.db'}"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_app(tmp_path_factory.mktemp("e2e")) as (url, _server):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
