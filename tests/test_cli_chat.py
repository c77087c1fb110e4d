"""`hotseat chat` and `hotseat personas` as a user runs them: a subprocess fed by a pipe."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hotseat.store import Store

PERSONAS_DIR = Path(__file__).resolve().parents[1] / "personas"

ROOT = Path(__file__).resolve().parent.parent
GOOD = (
    "I'm so sorry, being charged twice with rent due Friday is awful and you did nothing "
    "wrong. I will reverse the duplicate today and email you the reference by 3pm."
)


def _hotseat(
    args: list[str],
    stdin: str = "",
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotseat", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.fixture
def chat_env(fake_openai, tmp_path) -> dict[str, str]:
    return {
        "HOTSEAT_PROVIDER": "compatible",
        "HOTSEAT_BASE_URL": fake_openai.base_url,
        "HOTSEAT_API_KEY": "test-key",
        "HOTSEAT_DB_URL": f"sqlite:///{tmp_path / 'h.db'}",
        "HOTSEAT_MAX_RETRIES": "0",
    }


def _session_id(stdout: str) -> str:
    return re.search(r"# session (\S+);", stdout).group(1)


def test_chat_from_a_pipe_streams_lines_and_shows_grade_mood_end(fake_openai, chat_env) -> None:
    fake_openai.script("Then do it. Today.", "And the overdraft fee?")
    result = _hotseat(
        ["chat", "--persona", "double-charge"], f"{GOOD}\n\nJust calm down.\n", chat_env
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Customer (Dana Whitfield): You took twelve hundred" in out
    assert "Customer (Dana Whitfield): Then do it. Today." in out
    assert "Customer (Dana Whitfield): And the overdraft fee?" in out
    assert out.count("  grade: empathy ") == 2 and out.count("  mood: anger ") == 2
    assert out.count("  end state: ") == 2
    assert "Your reply is empty" in result.stderr  # the blank line: a message, no crash
    with Store(chat_env["HOTSEAT_DB_URL"]) as store:
        turns = store.list_turns(_session_id(out))
    assert [t.role for t in turns] == ["customer", "agent", "customer", "agent", "customer"]
    assert turns[1].text == GOOD and turns[3].grade is not None


def test_chat_stops_when_the_customer_walks_away(fake_openai, chat_env) -> None:
    deflect = "That is not my department, I will transfer you to billing.\n" * 8
    result = _hotseat(
        ["chat", "--persona", "double-charge", "--difficulty", "hard"], deflect, chat_env
    )
    assert result.returncode == 0, result.stderr
    ends = re.findall(r"  end state: (.+)", result.stdout)
    assert ends[-1] in ("demands supervisor", "hangs up")
    assert len(ends) < 8  # the conversation ended before the input ran out
    assert re.search(r"# end: (demands supervisor|hangs up);", result.stdout)


def test_chat_resumes_a_stored_session(fake_openai, chat_env) -> None:
    first = _hotseat(["chat", "--persona", "double-charge", "--seed", "1"], f"{GOOD}\n", chat_env)
    session = _session_id(first.stdout)
    fake_openai.script("Fine. Reference number?")
    again = _hotseat(["chat", "--session", session], "The reference is PMT-1.\n", chat_env)
    assert again.returncode == 0, again.stderr
    assert f"You: {GOOD}" in again.stdout  # the stored transcript is shown first
    with Store(chat_env["HOTSEAT_DB_URL"]) as store:
        assert len(store.list_turns(session)) == 5


def test_chat_provider_failure_keeps_the_reply_and_says_how_to_resume(
    fake_openai, chat_env
) -> None:
    fake_openai.fault("500", times=10)
    result = _hotseat(["chat", "--persona", "double-charge"], f"{GOOD}\n", chat_env)
    assert result.returncode == 1
    session = _session_id(result.stdout)
    assert f"hotseat chat --session {session}" in result.stderr
    with Store(chat_env["HOTSEAT_DB_URL"]) as store:
        assert [t.role for t in store.list_turns(session)] == ["customer", "agent"]


def test_chat_unknown_persona_names_the_known_ones(chat_env) -> None:
    result = _hotseat(["chat", "--persona", "nobody"], "", chat_env)
    assert result.returncode == 1
    assert "double-charge" in result.stderr and "Traceback" not in result.stderr


def test_personas_list_tab_separated_and_json() -> None:
    result = _hotseat(["personas", "list"])
    assert result.returncode == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert ["double-charge", "angry", "Dana Whitfield"] in rows
    assert all(len(r) == 3 for r in rows) and len(rows) >= 8
    listed = json.loads(_hotseat(["personas", "list", "--json"]).stdout)
    assert {"id": "tier2-transfers", "archetype": "escalated"}.items() <= next(
        p for p in listed if p["id"] == "tier2-transfers"
    ).items()
    assert all({"id", "archetype", "name"} <= set(p) for p in listed)


def test_personas_validate_all_and_broken(tmp_path) -> None:
    assert _hotseat(["personas", "validate"]).returncode == 0
    broken = tmp_path / "double-charge.yaml"
    text = (PERSONAS_DIR / "double-charge.yaml").read_text()
    broken.write_text(text.replace("  patience: 3", "  patience: lots"))
    line = next(i for i, t in enumerate(broken.read_text().splitlines(), 1) if "lots" in t)
    good = PERSONAS_DIR / "card-fraud.yaml"
    result = _hotseat(["personas", "validate", str(good), str(broken)])
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{broken}:{line}: end_conditions.patience: "
        "Input should be a valid integer, unable to parse string as an integer"
    ]
