"""Helpers shared by the store tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hotseat.store import NewSession, SessionRecord, Store

REPO_ROOT = Path(__file__).resolve().parents[2]


def make_session(store: Store, trainee: str = "ana", **overrides: object) -> SessionRecord:
    """A session with stored persona and prompt versions, as the engine would create it."""
    trainee_id = store.get_or_create_trainee(trainee).id
    fields: dict[str, object] = {
        "trainee_id": trainee_id,
        "persona_id": "double-charge",
        "difficulty": "standard",
        "seed": 7,
        "persona_hash": store.save_version("persona", "double-charge", "id: double-charge\n"),
        "prompt_hash": store.save_version("prompt", "customer", "You are {{ name }}.\n"),
        "provider": "compatible",
        "models": {"customer": "fake-customer", "judge": "fake-judge"},
    }
    fields.update(overrides)
    return store.create_session(NewSession(**fields))  # type: ignore[arg-type]


def child_env() -> dict[str, str]:
    """Environment for a child Python that imports hotseat from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def spawn(script: str, *args: str) -> subprocess.Popen[str]:
    """Run tests/store/<script> in a child Python, stdout piped line by line."""
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name(script)), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
