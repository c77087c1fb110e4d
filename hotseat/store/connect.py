"""Create the SQLAlchemy engine for a store URL, with SQLite set up for crash-safe sharing."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import NoSuchModuleError
from sqlalchemy.pool import StaticPool

from hotseat.errors import ConfigError
from hotseat.store.urls import mask_url

# Seconds a writer waits for another writer (thread or process) before "database is locked".
SQLITE_BUSY_TIMEOUT_S = 30.0


def is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_store_engine(url: URL) -> Engine:
    """An engine for url; SQLite files get WAL, foreign keys, a busy timeout and full sync."""
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        # The store hands each call its own session, so a connection may move between
        # threads between calls (never during one).
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
        if is_memory_sqlite(url):
            # One shared connection, or every pooled connection would see its own empty DB.
            kwargs["poolclass"] = StaticPool
        else:
            Path(str(url.database)).expanduser().parent.mkdir(parents=True, exist_ok=True)
    else:
        # A team server may restart under a long-running app; test connections before use.
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise ConfigError(
            f"No database driver for {mask_url(url)!r} ({type(exc).__name__}: {exc}).",
            hint="Install the driver (PostgreSQL: pip install 'hotseat[postgres]') or use "
            "sqlite:///hotseat.db.",
        ) from None
    if url.get_backend_name() == "sqlite":
        _setup_sqlite(engine, memory=is_memory_sqlite(url))
    return engine


def _setup_sqlite(engine: Engine, *, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module (it skips BEGIN before DDL,
        # which would make migrations non-transactional); _on_begin emits our own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not memory:
                # WAL: readers never block the writer, and a killed process loses nothing
                # committed. synchronous=NORMAL keeps that guarantee (only an OS crash or
                # power loss can drop the last commits) without an fsync on every turn,
                # which measured as most of the engine's per-turn overhead.
                _switch_to_wal(cursor)
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front. A deferred transaction that reads and
        # then writes (add_turn reads the next index) can fail at once with SQLITE_BUSY
        # when another writer got in between, without waiting for the busy timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _switch_to_wal(cursor: Any) -> None:
    """Set WAL, waiting out other connections doing the same on a fresh file.

    Changing the journal mode needs an exclusive lock, and SQLite answers "database is
    locked" at once instead of calling the busy handler: three processes opening a new
    database together failed about 1 time in 20. So retry here, up to the busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    delay = 0.005
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
