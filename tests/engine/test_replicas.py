"""Two app replicas on one database: each engine has its own Store (its own connection
pool) and its own locks, as two `streamlit run` processes would. A tab's reply or
customer line prepared against an older drawing of the session is refused, never
stored as a second answer to the same turn."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from evaluators.grade import Grade, GradeRequest
from hotseat.engine import Engine
from hotseat.settings import Settings
from hotseat.store import SessionConflict, Store
from tests.engine.helpers import ScriptedEvaluator
from tests.fakes.postgres import postgres_server  # noqa: F401  (a fixture, used by name)

REPLICAS = 4


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    return request.getfixturevalue("postgres_server").create_schema()


@pytest.fixture
def replicas(fake_settings: Settings, shared_url: str) -> Iterator[list[Engine]]:
    stores = [Store(shared_url) for _ in range(REPLICAS)]
    try:
        yield [Engine(fake_settings, s, ScriptedEvaluator()) for s in stores]
    finally:
        for s in stores:
            s.close()


def _roles_and_texts(engine: Engine, session_id: str) -> list[tuple[str, str]]:
    return [(t.role, t.text) for t in engine.store.list_turns(session_id)]


def test_a_reply_to_a_turn_another_replica_answered_is_refused(replicas) -> None:
    a, b = replicas[:2]
    session_id = a.start("ann", "double-charge").session_id
    seen = len(b.view(session_id).transcript)  # both tabs drew the opening line
    a.submit(session_id, "I will refund it now (tab A).", seen_turns=seen)
    with pytest.raises(SessionConflict, match="answered first"):
        b.submit(session_id, "I will refund it today (tab B).", seen_turns=seen)
    a.say_customer(session_id)  # even once the customer has answered A, B's reply is stale
    with pytest.raises(SessionConflict):
        b.submit(session_id, "I will refund it today (tab B).", seen_turns=seen)
    turns = _roles_and_texts(b, session_id)
    assert [role for role, _ in turns] == ["customer", "agent", "customer"]
    assert turns[1] == ("agent", "I will refund it now (tab A).")
    # A tab that drew the latest turns goes on as usual, on either replica.
    b.submit(session_id, "I will call you tomorrow (tab B).", seen_turns=3)
    assert _roles_and_texts(a, session_id)[3] == ("agent", "I will call you tomorrow (tab B).")


class _Gate(ScriptedEvaluator):
    """Grades only once every replica has read the session: all are past the stale-tab
    check, so only the store's own check can keep the second writer out."""

    def __init__(self, barrier: threading.Barrier) -> None:
        super().__init__()
        self.barrier = barrier

    def grade(self, request: GradeRequest) -> Grade:
        self.barrier.wait()
        return super().grade(request)


def test_replicas_answering_the_same_turn_at_once_store_one_reply(replicas) -> None:
    session_id = replicas[0].start("ann", "double-charge").session_id
    barrier = threading.Barrier(REPLICAS)
    results: dict[int, str] = {}

    def send(i: int) -> None:
        replicas[i].evaluator = _Gate(barrier)
        try:
            replicas[i].submit(session_id, f"I will refund it now ({i}).", seen_turns=1)
            results[i] = "stored"
        except SessionConflict:
            results[i] = "conflict"

    threads = [threading.Thread(target=send, args=(i,)) for i in range(REPLICAS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == ["conflict"] * (REPLICAS - 1) + ["stored"]
    winner = next(i for i, r in results.items() if r == "stored")
    turns = _roles_and_texts(replicas[0], session_id)
    assert turns[1:] == [("agent", f"I will refund it now ({winner}).")]
    assert replicas[winner].view(session_id).awaiting == "customer"


def test_a_customer_line_streamed_twice_is_stored_once(replicas, fake_openai) -> None:
    a, b = replicas[:2]
    fake_openai.script("Fine, refund it today then.", "I said today, not tomorrow.")
    session_id = a.start("ann", "double-charge").session_id
    a.submit(session_id, "I will refund it now.", seen_turns=1)
    late = b.stream_customer(session_id, seen_turns=2)  # B read the session first ...
    next(late)
    first = a.say_customer(session_id)  # ... A stored its line before B finished
    with pytest.raises(SessionConflict):
        list(late)
    with pytest.raises(SessionConflict):  # a tab still showing two turns cannot stream again
        next(b.stream_customer(session_id, seen_turns=2))
    turns = _roles_and_texts(b, session_id)
    assert turns[2:] == [("customer", first)]
    assert b.view(session_id).awaiting == "agent"
