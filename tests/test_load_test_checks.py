"""The load test's own checks (bench/load_test.py): a lost, duplicated or reordered turn
in a real database is counted, and each fake-LLM call is put down to its turn."""

from __future__ import annotations

from pathlib import Path

from bench.load_test import Trainee, check_turns, customer_line, llm_calls_per_turn, reply_text
from hotseat.store import NewTurn, Store
from tests.e2e.conftest import CUSTOMER_LINES
from tests.fakes.openai_server import FakeOpenAIServer
from tests.store.helpers import make_session


def _session(store: Store, name: str, agent_texts: list[str]) -> str:
    session = make_session(store, name)
    store.add_turn(session.id, NewTurn(role="customer", text="You charged me twice."))
    for text in agent_texts:
        store.add_turn(session.id, NewTurn(role="agent", text=text))
        store.add_turn(session.id, NewTurn(role="customer", text="And when is it back?"))
    return session.id


def test_check_turns_counts_what_the_database_lost_doubled_or_reordered(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'load.db'}"
    sent = [[reply_text(i, turn) for turn in (1, 2, 3)] for i in range(4)]
    with Store(url) as store:
        stored = [
            sent[0],  # as sent
            sent[1][:2],  # the third reply lost
            [sent[2][0], sent[2][0], *sent[2][1:]],  # the first reply stored twice
            [sent[3][1], sent[3][0], sent[3][2]],  # two replies swapped
        ]
        ids = [_session(store, f"t{i}", texts) for i, texts in enumerate(stored)]
    trainees = [Trainee(i, 0, session_id=ids[i], sent=sent[i]) for i in range(4)]
    assert check_turns(url, trainees[:1]) == {
        "lost_turns": 0,
        "duplicated_turns": 0,
        "sessions_out_of_order": 0,
        "replies_without_answer": 0,
    }
    assert check_turns(url, trainees) == {
        "lost_turns": 1,
        "duplicated_turns": 1,
        "sessions_out_of_order": 1,
        "replies_without_answer": 0,
    }


def test_each_llm_call_is_put_down_to_the_turn_it_answers() -> None:
    first = {"messages": [{"role": "user", "content": reply_text(7, 1)}]}
    second = {"messages": [{"role": "user", "content": reply_text(7, 1) + reply_text(7, 2)}]}
    with FakeOpenAIServer() as server:
        server.requests.extend([first, second, second])  # the second turn needed a repair
        assert llm_calls_per_turn(server) == {(7, 1): 1, (7, 2): 2}
    assert customer_line(first) == CUSTOMER_LINES[0]
    assert customer_line(second) == CUSTOMER_LINES[1]
