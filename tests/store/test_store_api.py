"""The Store API on SQLite and PostgreSQL: trainees, versions, sessions, turns, totals."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC

import pytest
from pydantic import ValidationError

from hotseat.errors import HotseatError
from hotseat.store import NewTurn, SessionRecord, Store, StoreError
from tests.store.helpers import make_session

GRADE = {
    "empathy": 3,
    "empowerment": 2,
    "techniques": ["names the feeling"],
    "anti_patterns": [],
    "reason": "Named the double charge and the rent worry.",
    "better_reply": "I can see the charge twice; I'm reversing it now.",
}


def agent_turn(text: str = "I see the double charge; I'm reversing it now.") -> NewTurn:
    return NewTurn(
        role="agent",
        text=text,
        grade=GRADE,
        mood_after={"anger": 5.5, "fear": 2.0, "trust": 4.25},
        prompt_tokens=120,
        completion_tokens=30,
        cost_usd=0.0012,
        latency_ms=850.5,
        model="fake-judge",
    )


def customer_turn(text: str = "You charged me twice and rent is due!") -> NewTurn:
    return NewTurn(role="customer", text=text, intent="vent", model="fake-customer", repaired=True)


# -- trainees ---------------------------------------------------------------------------------


def test_trainee_is_created_once_and_found_by_name(store: Store) -> None:
    first = store.get_or_create_trainee("Ana Lima")
    again = store.get_or_create_trainee("  Ana Lima ")
    other = store.get_or_create_trainee("Bo")
    assert again == first
    assert other.id != first.id
    assert first.created_at.tzinfo is not None
    assert store.get_trainee(first.id) == first
    assert [t.name for t in store.list_trainees()] == ["Ana Lima", "Bo"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_trainee_name_must_be_usable(store: Store, name: str) -> None:
    with pytest.raises(StoreError, match="trainee name"):
        store.get_or_create_trainee(name)


def test_unknown_trainee_raises_naming_it(store: Store) -> None:
    with pytest.raises(StoreError, match="No trainee with id 999"):
        store.get_trainee(999)
    with pytest.raises(StoreError, match="No trainee with id 999"):
        store.list_sessions(trainee_id=999)


# -- versions ---------------------------------------------------------------------------------


def test_save_version_returns_sha256_and_is_idempotent(store: Store) -> None:
    content = "id: fraud\nname: Mrs. Okafor\n"
    digest = store.save_version("persona", "fraud", content)
    assert digest == hashlib.sha256(content.encode()).hexdigest()
    assert store.save_version("persona", "fraud", content) == digest
    versions = store.list_versions("persona", "fraud")
    assert len(versions) == 1
    assert versions[0].content == content
    assert versions[0].kind == "persona"
    assert store.get_version(digest).content == content


def test_versions_are_listed_oldest_first_per_kind_and_key(store: Store) -> None:
    hashes = [store.save_version("prompt", "customer", f"template v{i}") for i in range(3)]
    store.save_version("prompt", "judge", "judge v0")
    store.save_version("persona", "customer", "a persona that shares the key")
    listed = store.list_versions("prompt", "customer")
    assert [v.content_hash for v in listed] == hashes
    assert [v.content for v in listed] == ["template v0", "template v1", "template v2"]
    assert store.list_versions("prompt", "nobody") == []


def test_same_content_under_two_keys_is_stored_once(store: Store) -> None:
    a = store.save_version("persona", "one", "same text")
    b = store.save_version("persona", "two", "same text")
    assert a == b
    assert store.get_version(a).key == "one"  # the first key it was saved under
    assert [v.key for v in store.list_versions("persona", "two")] == ["two"]


def test_unknown_kind_and_hash_raise(store: Store) -> None:
    with pytest.raises(StoreError, match="Unknown version kind 'template'.*persona, prompt"):
        store.save_version("template", "x", "y")
    with pytest.raises(StoreError, match="Unknown version kind"):
        store.list_versions("card", "x")
    with pytest.raises(StoreError, match="No persona or prompt version with hash 'abc'"):
        store.get_version("abc")


# -- sessions ---------------------------------------------------------------------------------


def test_create_session_records_everything(store: Store) -> None:
    created = make_session(store, seed=2**40)
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,}", created.id)
    assert created.trainee_name == "ana"
    assert created.seed == 2**40
    assert created.models == {"customer": "fake-customer", "judge": "fake-judge"}
    assert created.end_state is None and created.mood is None and created.state == {}
    assert created.parent_session_id is None and created.branch_turn is None
    assert created.created_at.tzinfo == UTC and created.updated_at == created.created_at
    assert store.get_session(created.id) == created
    assert store.get_version(created.persona_hash).key == "double-charge"


def test_session_ids_are_unique(store: Store) -> None:
    ids = {make_session(store).id for _ in range(20)}
    assert len(ids) == 20


def test_create_session_checks_references(store: Store, session: SessionRecord) -> None:
    with pytest.raises(StoreError, match="No trainee with id 4242"):
        make_session(store, trainee_id=4242)
    with pytest.raises(StoreError, match="persona_hash 'f00' is not a stored version"):
        make_session(store, persona_hash="f00")
    with pytest.raises(StoreError, match="prompt_hash 'f00'.*save_version"):
        make_session(store, prompt_hash="f00")
    with pytest.raises(StoreError, match="No session with id 'ghost'"):
        make_session(store, parent_session_id="ghost")
    with pytest.raises(StoreError, match="branch_turn is set but parent_session_id is not"):
        make_session(store, branch_turn=1)
    # Malformed fields are refused by the NewSession record itself, before the store.
    with pytest.raises(ValidationError, match="seed"):
        make_session(store, seed="seven")
    with pytest.raises(ValidationError, match="models"):
        make_session(store, models={"customer": 3})


def test_branch_from_a_parent_session(store: Store, session: SessionRecord) -> None:
    for _ in range(3):
        store.add_turn(session.id, customer_turn())
    child = make_session(store, parent_session_id=session.id, branch_turn=2)
    assert child.parent_session_id == session.id and child.branch_turn == 2
    assert store.list_turns(child.id) == []
    with pytest.raises(StoreError, match="branch_turn 4 is outside parent session.*3 turns"):
        make_session(store, parent_session_id=session.id, branch_turn=4)


def test_update_session_changes_only_what_is_given(store: Store, session: SessionRecord) -> None:
    mood = {"anger": 8.0, "fear": 3.5, "trust": 1.0}
    state = {"intent_history": ["vent", "push_back"], "revealed": {"rent_due": True}, "n": 2}
    updated = store.update_session(session.id, mood=mood, state=state)
    assert updated.mood == mood and updated.state == state and updated.end_state is None
    assert updated.updated_at >= session.updated_at
    ended = store.update_session(session.id, end_state="resolved")
    assert ended.end_state == "resolved" and ended.mood == mood and ended.state == state
    assert store.get_session(session.id) == ended


def test_update_session_rejects_non_json_state(store: Store, session: SessionRecord) -> None:
    with pytest.raises(StoreError, match="state cannot be stored as JSON"):
        store.update_session(session.id, state={"when": object()})
    with pytest.raises(StoreError, match="mood cannot be stored as JSON"):
        store.update_session(session.id, mood={"anger": float("nan")})
    with pytest.raises(StoreError, match="Invalid mood"):
        store.update_session(session.id, mood={"anger": "furious"})  # type: ignore[dict-item]
    assert store.get_session(session.id).state == {}


def test_list_sessions_newest_first_and_by_trainee(store: Store) -> None:
    a1 = make_session(store, "ana")
    b1 = make_session(store, "bo")
    a2 = make_session(store, "ana")
    assert [s.id for s in store.list_sessions()] == [a2.id, b1.id, a1.id]
    assert [s.id for s in store.list_sessions(a1.trainee_id)] == [a2.id, a1.id]
    assert [s.trainee_name for s in store.list_sessions(b1.trainee_id)] == ["bo"]


# -- turns ------------------------------------------------------------------------------------


def test_turns_get_the_next_index_and_round_trip(store: Store, session: SessionRecord) -> None:
    written = [
        store.add_turn(session.id, customer_turn()),
        store.add_turn(session.id, agent_turn()),
        store.add_turn(session.id, customer_turn("Fine. When will I see the money?")),
    ]
    assert [t.index for t in written] == [0, 1, 2]
    read = store.list_turns(session.id)
    assert read == written
    agent = read[1]
    assert agent.grade == GRADE
    assert agent.mood_after == {"anger": 5.5, "fear": 2.0, "trust": 4.25}
    assert (agent.prompt_tokens, agent.completion_tokens) == (120, 30)
    assert agent.cost_usd == pytest.approx(0.0012) and agent.latency_ms == 850.5
    assert read[0].repaired is True and read[0].intent == "vent" and read[0].grade is None
    assert all(t.session_id == session.id and t.created_at.tzinfo == UTC for t in read)


def test_turns_of_two_sessions_do_not_mix(store: Store) -> None:
    a, b = make_session(store), make_session(store)
    store.add_turn(a.id, customer_turn("a0"))
    store.add_turn(b.id, customer_turn("b0"))
    store.add_turn(a.id, customer_turn("a1"))
    assert [(t.index, t.text) for t in store.list_turns(a.id)] == [(0, "a0"), (1, "a1")]
    assert [(t.index, t.text) for t in store.list_turns(b.id)] == [(0, "b0")]


def test_adding_a_turn_touches_updated_at(store: Store, session: SessionRecord) -> None:
    turn = store.add_turn(session.id, agent_turn())
    assert store.get_session(session.id).updated_at == turn.created_at


def test_totals_sum_tokens_and_cost(store: Store, session: SessionRecord) -> None:
    assert store.totals(session.id) == {
        "turns": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "cost_usd": 0.0,
        "latency_ms": 0.0,
    }
    store.add_turn(session.id, customer_turn())
    store.add_turn(session.id, agent_turn())
    store.add_turn(session.id, agent_turn())
    totals = store.totals(session.id)
    assert totals["turns"] == 3
    assert (totals["prompt_tokens"], totals["completion_tokens"]) == (240, 60)
    assert totals["cost_usd"] == pytest.approx(0.0024)
    assert totals["latency_ms"] == pytest.approx(1701.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.get_session("no-such-session"),
        lambda s: s.list_turns("no-such-session"),
        lambda s: s.totals("no-such-session"),
        lambda s: s.update_session("no-such-session", end_state="resolved"),
        lambda s: s.add_turn("no-such-session", customer_turn()),
    ],
    ids=["get", "list_turns", "totals", "update", "add_turn"],
)
def test_unknown_session_raises_naming_it(store: Store, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match="No session with id 'no-such-session'") as caught:
        call(store)
    assert isinstance(caught.value, HotseatError)


def test_add_turn_accepts_a_plain_dict(store: Store, session: SessionRecord) -> None:
    turn = store.add_turn(session.id, {"role": "agent", "text": "ok"})  # type: ignore[arg-type]
    assert turn.role == "agent" and turn.prompt_tokens == 0
    with pytest.raises(StoreError, match="Invalid turn: role"):
        store.add_turn(session.id, {"role": "supervisor", "text": "x"})  # type: ignore[arg-type]


def test_a_stored_turn_can_be_copied_into_another_session(store: Store) -> None:
    source, target = make_session(store), make_session(store)
    store.add_turn(source.id, customer_turn())
    original = store.add_turn(source.id, agent_turn())
    copy = store.add_turn(target.id, original)  # a TurnRecord is a NewTurn plus ids
    assert (copy.session_id, copy.index) == (target.id, 0)
    assert copy.model_dump(include=set(NewTurn.model_fields)) == original.model_dump(
        include=set(NewTurn.model_fields)
    )


def test_new_turn_rejects_bad_values_at_the_edge() -> None:
    with pytest.raises(ValidationError, match="role"):
        NewTurn(role="supervisor", text="x")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="prompt_tokens"):
        NewTurn(role="agent", text="x", prompt_tokens=-1)
    with pytest.raises(ValidationError, match="mood_after"):
        NewTurn(role="agent", text="x", mood_after={"anger": float("nan")})
    with pytest.raises(ValidationError, match="extra"):
        NewTurn(role="agent", text="x", sentiment="bad")  # type: ignore[call-arg]


def test_records_are_frozen(store: Store, session: SessionRecord) -> None:
    turn = store.add_turn(session.id, customer_turn())
    with pytest.raises(ValidationError):
        turn.text = "rewritten"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        session.end_state = "resolved"  # type: ignore[misc]


def test_closed_store_says_so(db_url: str) -> None:
    store = Store(db_url)
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.list_sessions()


def test_in_memory_sqlite_works(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Store("sqlite://") as store:
        session = make_session(store)
        store.add_turn(session.id, customer_turn())
        assert len(store.list_turns(session.id)) == 1


def test_portable_insert_ignore_skips_an_existing_row(store: Store) -> None:
    # The savepoint path used on backends without ON CONFLICT, exercised on ours.
    from hotseat.store.convert import insert_ignore
    from hotseat.store.models import TraineeRow
    from hotseat.store.types import utcnow

    existing = store.get_or_create_trainee("ana")
    with store._tx("test") as s:
        insert_ignore(s, TraineeRow, {"name": "ana", "created_at": utcnow()}, portable=True)
        insert_ignore(s, TraineeRow, {"name": "bo", "created_at": utcnow()}, portable=True)
    assert [t.name for t in store.list_trainees()] == ["ana", "bo"]
    assert store.get_trainee(existing.id) == existing
