"""Child process for the kill test: add turns to a session forever, acking each on stdout.

An index is printed only after add_turn returned, i.e. after its commit.
Usage: python _turn_writer.py DB_URL SESSION_ID
"""

from __future__ import annotations

import sys

from hotseat.store import NewTurn, Store


def turn_text(index: int) -> str:
    return f"turn {index}: " + "I was charged twice and my rent is due. " * 50


def main(url: str, session_id: str) -> None:
    store = Store(url)
    for i in range(100_000):  # bounded so a lost parent cannot leave it running forever
        role = "customer" if i % 2 == 0 else "agent"
        turn = store.add_turn(
            session_id,
            NewTurn(role=role, text=turn_text(i), prompt_tokens=i, mood_after={"anger": 5.0}),
        )
        print(turn.index, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
