"""Shared fixtures: the loopback fake OpenAI server and settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hotseat.settings import Settings, load_settings
from tests.fakes.openai_server import FakeOpenAIServer

ROOT = Path(__file__).resolve().parent.parent

# Variables a developer's shell may carry; tests must never see a real key or endpoint.
_LEAKY_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_ENDPOINT",
    "HOTSEAT_API_KEY",
    "HOTSEAT_BASE_URL",
    "HOTSEAT_PROVIDER",
    "HOTSEAT_CONFIG",
    "HOTSEAT_DB_URL",
    "HOTSEAT_LOCAL_MODEL",
    "HOTSEAT_TRAINER_PASSWORD",
    "HOTSEAT_PERSONAS_DIR",
    "HOTSEAT_PROMPTS_DIR",
    "HOTSEAT_SPEECH",
    # Either would send every batch test to some Ray cluster.
    "HOTSEAT_RAY_ADDRESS",
    "RAY_ADDRESS",
)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in _LEAKY_ENV:
        monkeypatch.delenv(name, raising=False)
    # A developer's ./hotseat.toml (maybe with a real key) must not reach any test, nor any
    # subprocess a test starts (they inherit this variable).
    empty = tmp_path / "hotseat-test-config.toml"
    empty.write_text("")
    monkeypatch.setenv("HOTSEAT_CONFIG", str(empty))
    # Fail fast if anything tries to reach the internet through a proxy-aware client.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def _fake_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def fake_openai(_fake_server: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    _fake_server.reset()
    yield _fake_server
    mismatches = list(_fake_server.schema_mismatches)
    allowed = _fake_server.allow_schema_mismatch
    _fake_server.reset()
    # OpenAI's strict mode never answers outside the schema: a test that scripts such a
    # reply tests something that cannot happen, unless it says it mimics a lax server.
    assert allowed or not mismatches, f"scripted replies break the request schema: {mismatches}"


@pytest.fixture
def fake_settings(fake_openai: FakeOpenAIServer, tmp_path: Path) -> Settings:
    return load_settings(
        overrides={
            "provider": "compatible",
            "base_url": fake_openai.base_url,
            "api_key": "test-key",
            "timeout_s": 5.0,
            "max_retries": 2,
            "db_url": f"sqlite:///{tmp_path / 'hotseat.db'}",
        },
        environ={},
    )
