"""Engine fixtures: a real SQLite store and an engine talking to the loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hotseat.engine import Engine
from hotseat.settings import Settings
from hotseat.store import Store
from tests.engine.helpers import ScriptedEvaluator


@pytest.fixture
def store(fake_settings: Settings) -> Iterator[Store]:
    with Store(fake_settings.db_url) as s:
        yield s


@pytest.fixture
def evaluator() -> ScriptedEvaluator:
    return ScriptedEvaluator()


@pytest.fixture
def engine(fake_settings: Settings, store: Store, evaluator: ScriptedEvaluator) -> Engine:
    return Engine(fake_settings, store, evaluator)


@pytest.fixture
def db_path(fake_settings: Settings) -> Path:
    return Path(fake_settings.db_url.removeprefix("sqlite:///"))
