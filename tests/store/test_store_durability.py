"""Crash safety and concurrency: a killed writer loses no committed turn; writers don't mix."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from hotseat.store import NewTurn, Store
from hotseat.store.migrations import MIGRATIONS
from tests.store._turn_writer import turn_text
from tests.store.helpers import make_session, spawn

ACKS_BEFORE_KILL = 25


def test_sqlite_file_is_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'h.db'}") as store, store._engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_killed_writer_loses_no_committed_turn_and_session_resumes(db_url: str) -> None:
    with Store(db_url) as store:
        session = make_session(store)
    child = spawn("_turn_writer.py", db_url, session.id)
    acked: list[int] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            acked.append(int(line))
            if len(acked) >= ACKS_BEFORE_KILL:
                break
        os.kill(child.pid, signal.SIGKILL)  # mid-stream: it is busy writing the next turns
    finally:
        child.wait(timeout=30)
    # Acks already in the pipe when the kill landed were committed too.
    acked += [int(line) for line in child.stdout.read().splitlines() if line.strip()]
    stderr = child.stderr.read() if child.stderr else ""
    assert len(acked) >= ACKS_BEFORE_KILL, f"writer died early:\n{stderr}"
    assert child.returncode == -signal.SIGKILL
    assert acked == list(range(len(acked)))

    with Store(db_url) as reopened:
        turns = reopened.list_turns(session.id)
        assert len(turns) >= len(acked)  # at most one more: committed, not yet acked
        assert [t.index for t in turns] == list(range(len(turns)))
        assert all(t.text == turn_text(t.index) for t in turns)
        assert reopened.get_session(session.id).id == session.id
        resumed = reopened.add_turn(session.id, NewTurn(role="agent", text="Sorry, go on."))
        assert resumed.index == len(turns)
        assert reopened.totals(session.id)["turns"] == len(turns) + 1


def run_threads(*targets: Callable[[], None]) -> None:
    """Start targets together; re-raise the first error any of them hit."""
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def wrap(target: Callable[[], None]) -> None:
        try:
            barrier.wait()
            target()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]


def writer(store: Store, session_id: str, tag: str, count: int) -> Callable[[], None]:
    def write() -> None:
        for i in range(count):
            store.add_turn(session_id, NewTurn(role="agent", text=f"{tag}-{i}", prompt_tokens=i))

    return write


@pytest.mark.parametrize("shared", [True, False], ids=["one-store", "store-per-thread"])
def test_two_threads_two_sessions_do_not_corrupt_each_other(db_url: str, shared: bool) -> None:
    count = 30
    with Store(db_url) as main_store:
        a, b = make_session(main_store), make_session(main_store)
        # store-per-thread: separate engines, like two processes on one file.
        other = main_store if shared else Store(db_url)
        try:
            run_threads(writer(main_store, a.id, "a", count), writer(other, b.id, "b", count))
        finally:
            if not shared:
                other.close()
        for session, tag in ((a, "a"), (b, "b")):
            turns = main_store.list_turns(session.id)
            assert [(t.index, t.text) for t in turns] == [(i, f"{tag}-{i}") for i in range(count)]
            assert main_store.totals(session.id)["prompt_tokens"] == sum(range(count))


def test_two_threads_on_one_session_get_unique_indexes(db_url: str) -> None:
    count = 25
    with Store(db_url) as store, Store(db_url) as second:
        session = make_session(store)
        run_threads(writer(store, session.id, "x", count), writer(second, session.id, "y", count))
        turns = store.list_turns(session.id)
    assert [t.index for t in turns] == list(range(2 * count))
    for tag in ("x", "y"):  # each writer's turns keep their own order
        assert [t.text for t in turns if t.text[0] == tag] == [f"{tag}-{i}" for i in range(count)]


def test_in_memory_store_is_safe_across_threads() -> None:
    with Store("sqlite://") as store:
        a, b = make_session(store), make_session(store)
        run_threads(writer(store, a.id, "a", 20), writer(store, b.id, "b", 20))
        assert [t.text for t in store.list_turns(a.id)] == [f"a-{i}" for i in range(20)]
        assert [t.text for t in store.list_turns(b.id)] == [f"b-{i}" for i in range(20)]


def open_at_once(url: str, count: int) -> list[list[int]]:
    """Open count Stores on url together; the migrations each one applied."""
    # Separate Store objects have separate engines and connections, as separate processes
    # would (threads spare the test the interpreter start-ups).
    results: list[list[int]] = []

    def open_store() -> None:
        with Store(url) as store:
            results.append(store.applied_migrations)

    run_threads(*[open_store] * count)
    return sorted(results)


def test_stores_opening_a_fresh_database_at_once_migrate_it_once(db_url: str) -> None:
    assert open_at_once(db_url, 3) == [[], [], [m.version for m in MIGRATIONS]]


def test_racing_openers_of_fresh_sqlite_files_all_succeed(tmp_path: Path) -> None:
    # Switching a new file to WAL can fail at once with "database is locked": SQLite skips
    # the busy handler there to avoid a deadlock. One race of three in 20 hit it, so race many.
    for attempt in range(30):
        url = f"sqlite:///{tmp_path / f'fresh-{attempt}.db'}"
        assert open_at_once(url, 5) == [[]] * 4 + [[m.version for m in MIGRATIONS]]
