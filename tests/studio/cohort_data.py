"""Known stored sessions for the cohort tests (written straight into a store)."""

from __future__ import annotations

from typing import Any

from hotseat.store import NewSession, NewTurn, Store


def grade(empathy: int, empowerment: int, *anti: str) -> dict[str, Any]:
    return {
        "empathy": empathy,
        "empowerment": empowerment,
        "anti_patterns": [{"name": a, "quote": "..."} for a in anti],
        "techniques": [],
        "reason": "r",
        "suggestion": "s",
        "evaluator": "test",
    }


# trainee, scenario, end state, grades of the agent replies
SESSIONS = [
    ("Ana", "double-charge", "resolved", [grade(4, 4), grade(2, 2)]),
    ("Ana", "card-fraud", "hangs_up", [grade(0, 0, "transfer", "policy_wall")]),
    (
        "Ben",
        "double-charge",
        "demands_supervisor",
        [grade(1, 0, "transfer"), grade(1, 1, "transfer")],
    ),
    ("Ben", "card-fraud", None, []),  # no graded reply: not a cohort row
]


def fill(store: Store, only: str | None = None) -> None:
    """Write SESSIONS (or only the trainee `only`'s) into `store`."""
    h = store.save_version("persona", "x@standard", "card text")
    p = store.save_version("prompt", "customer", "prompt text")
    for name, scenario, end, grades in SESSIONS:
        if only is not None and name != only:
            continue
        trainee = store.get_or_create_trainee(name)
        rec = store.create_session(
            NewSession(
                trainee_id=trainee.id,
                persona_id=scenario,
                difficulty="standard",
                seed=0,
                persona_hash=h,
                prompt_hash=p,
                provider="test",
                models={},
            )
        )
        store.add_turn(rec.id, NewTurn(role="customer", text="opening"))
        for g in grades:
            store.add_turn(rec.id, NewTurn(role="agent", text="reply", grade=g))
            store.add_turn(rec.id, NewTurn(role="customer", text="answer"))
        if end:
            store.update_session(rec.id, end_state=end)
