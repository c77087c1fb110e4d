"""Store fixtures: every store test runs against a SQLite file and a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hotseat.store import SessionRecord, Store
from tests.fakes.postgres import postgres_server  # noqa: F401  (a fixture, used by name)
from tests.store.helpers import make_session


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to a fresh, empty database of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hotseat.db'}"
    return request.getfixturevalue("postgres_server").create_schema()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store(db_url)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def session(store: Store) -> SessionRecord:
    return make_session(store)
