"""`hotseat simulate` end to end: real engine, real SQLite, the loopback fake provider."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hotseat.cli import main
from hotseat.resumable import repair_torn_tail
from hotseat.simulate.records import ResultFiles
from tests.conftest import ROOT
from tests.fakes.openai_server import FakeOpenAIServer
from tests.simulate.conftest import CUSTOMER_LINES, customer_responder


def _env(monkeypatch: pytest.MonkeyPatch, server: FakeOpenAIServer) -> None:
    monkeypatch.setenv("HOTSEAT_PROVIDER", "compatible")
    monkeypatch.setenv("HOTSEAT_BASE_URL", server.base_url)
    monkeypatch.setenv("HOTSEAT_API_KEY", "test-key")
    monkeypatch.setenv("HOTSEAT_MAX_RETRIES", "2")


def _rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "conversations.jsonl").read_text().splitlines()]


def _simulate(out: Path, *extra: str) -> int:
    return main(
        [
            "simulate",
            "--persona",
            "double-charge",
            "internet-outage",
            "--bot",
            "dismissive",
            "transfer",
            "ideal",
            "--seeds",
            "2",
            "--lexical",
            "--out",
            str(out),
            *extra,
        ]
    )


def test_end_states_per_bot_and_record_shape(customer, monkeypatch, tmp_path) -> None:
    _env(monkeypatch, customer)
    out = tmp_path / "run"
    assert _simulate(out, "--concurrency", "3") == 0
    rows = _rows(out)
    assert len(rows) == 2 * 3 * 2
    assert len({(r["persona"], r["bot"], r["seed"]) for r in rows}) == 12
    for r in rows:
        if r["bot"] in ("dismissive", "transfer"):
            assert r["end_state"] in ("demands_supervisor", "hangs_up"), r["persona"]
        else:
            assert r["end_state"] == "resolved", r["persona"]
        assert {
            "persona",
            "bot",
            "seed",
            "difficulty",
            "end_state",
            "turns",
            "tokens",
            "cost",
            "repairs",
            "turns_count",
        } <= set(r)
        agent = [t for t in r["turns"] if t["role"] == "agent"]
        assert len(agent) == r["turns_count"] and all(t["grade"] for t in agent)
        assert all(t["mood"] for t in r["turns"])
        assert r["tokens"]["total"] > 0 and r["cost"] > 0
    # The customer lines really came from the provider (the fake server).
    said = {t["text"] for r in rows for t in r["turns"] if t["role"] == "customer"}
    assert said & set(CUSTOMER_LINES)
    assert len(customer.requests) >= sum(r["turns_count"] for r in rows)


def test_rerun_skips_finished_conversations(customer, monkeypatch, tmp_path) -> None:
    _env(monkeypatch, customer)
    out = tmp_path / "run"
    assert _simulate(out) == 0
    calls = len(customer.requests)
    assert _simulate(out) == 0
    assert len(customer.requests) == calls  # nothing ran again
    assert len(_rows(out)) == 12


def test_failed_conversation_is_logged_and_retried(customer, monkeypatch, tmp_path) -> None:
    _env(monkeypatch, customer)
    monkeypatch.setenv("HOTSEAT_MAX_RETRIES", "0")
    customer.fault("500", times=50)  # the provider stays down for the first conversations
    out = tmp_path / "run"
    code = main(
        [
            "simulate",
            "--persona",
            "double-charge",
            "--bot",
            "ideal",
            "--seeds",
            "1",
            "--lexical",
            "--concurrency",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 1
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert errors and errors[0]["bot"] == "ideal"
    assert not (out / "conversations.jsonl").exists() or not _rows(out)
    customer.reset()
    customer.responder = lambda body: "When do I get my money back?"
    assert (
        main(
            [
                "simulate",
                "--persona",
                "double-charge",
                "--bot",
                "ideal",
                "--seeds",
                "1",
                "--lexical",
                "--concurrency",
                "1",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert len(_rows(out)) == 1


def test_torn_last_line_is_repaired(tmp_path) -> None:
    path = tmp_path / "conversations.jsonl"
    good = json.dumps(
        {
            "persona": "p",
            "bot": "ideal",
            "seed": 0,
            "difficulty": "standard",
            "end_state": "resolved",
        }
    )
    path.write_text(good + "\n" + '{"persona": "p", "bot": "tra')
    files = ResultFiles(tmp_path)
    assert files.repaired_bytes > 0
    assert path.read_text() == good + "\n"
    assert files.finished == {("p", "ideal", 0, "standard")}
    assert repair_torn_tail(path) == 0


def test_unknown_persona_is_refused_before_running(customer, monkeypatch, tmp_path, capsys) -> None:
    _env(monkeypatch, customer)
    assert (
        main(
            [
                "simulate",
                "--persona",
                "nobody",
                "--bot",
                "ideal",
                "--seeds",
                "1",
                "--out",
                str(tmp_path),
            ]
        )
        == 1
    )
    assert "Unknown persona" in capsys.readouterr().err
    assert customer.requests == []


def test_resume_after_kill_has_no_duplicates(customer, tmp_path) -> None:
    customer.latency_s = 0.05  # slow enough to kill it mid-run
    out = tmp_path / "run"
    env = {
        **os.environ,
        "HOTSEAT_PROVIDER": "compatible",
        "HOTSEAT_BASE_URL": customer.base_url,
        "HOTSEAT_API_KEY": "test-key",
    }
    cmd = [
        sys.executable,
        "-m",
        "hotseat",
        "simulate",
        "--persona",
        "all",
        "--bot",
        "dismissive",
        "ideal",
        "--seeds",
        "2",
        "--lexical",
        "--concurrency",
        "2",
        "--out",
        str(out),
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    path = out / "conversations.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if path.exists() and len(path.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "finished before it could be killed; raise the latency"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = len(_rows(out))
    assert 0 < before < 32
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = _rows(out)
    keys = [(r["persona"], r["bot"], r["seed"], r["difficulty"]) for r in rows]
    assert len(keys) == len(set(keys)) == 8 * 2 * 2
    assert f"{before} already done" in done.stderr


def test_llm_bots_play_the_rep_through_the_provider(customer, monkeypatch, tmp_path) -> None:
    """--bot-mode llm: the rep's replies come from the model, told its style by prompts/."""
    _env(monkeypatch, customer)
    transfer_style = (ROOT / "prompts" / "trainee_transfer.md").read_text().strip()
    rep_lines = {
        "ideal": "That double charge with rent due is frightening. I'm reversing the "
        "duplicate now and I'll call you at 3pm today to confirm it landed.",
        "transfer": "That's not my department, I'll transfer you to billing.",
    }

    def answer(body: dict) -> str:
        system = body["messages"][0]["content"]
        if "role-playing a customer-care agent" in system:  # a trainee-bot call
            return rep_lines["transfer" if transfer_style in system else "ideal"]
        return "Fine. When exactly?"

    customer.responder = answer
    out = tmp_path / "llm"
    assert (
        main(
            [
                "simulate",
                "--persona",
                "double-charge",
                "--bot",
                "ideal",
                "transfer",
                "--seeds",
                "1",
                "--lexical",
                "--bot-mode",
                "llm",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = {r["bot"]: r for r in _rows(out)}
    assert set(rows) == {"ideal", "transfer"}
    bot_calls = [
        b
        for b in customer.requests
        if "role-playing a customer-care agent" in b["messages"][0]["content"]
    ]
    assert bot_calls, "the bots never called the provider"
    for bot, row in rows.items():
        said = {t["text"] for t in row["turns"] if t["role"] == "agent"}
        assert said == {rep_lines[bot]}
    assert rows["ideal"]["end_state"] == "resolved"
    assert rows["transfer"]["end_state"] in ("demands_supervisor", "hangs_up")


def test_resuming_with_another_model_is_refused(customer, monkeypatch, tmp_path, capsys) -> None:
    _env(monkeypatch, customer)
    out = tmp_path / "run"
    assert (
        main(
            [
                "simulate",
                "--persona",
                "double-charge",
                "--bot",
                "ideal",
                "--seeds",
                "1",
                "--lexical",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    monkeypatch.setenv("HOTSEAT_MODEL_CUSTOMER", "gpt-5-mini")
    assert (
        main(
            [
                "simulate",
                "--persona",
                "double-charge",
                "--bot",
                "ideal",
                "--seeds",
                "2",
                "--lexical",
                "--out",
                str(out),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "different settings" in err and "gpt-5-mini" in err
    assert len(_rows(out)) == 1  # nothing mixed in


class _InFlight:
    """A responder that counts the requests inside the fake server at once.

    The first `together` requests wait for each other (a one-off barrier), so the test
    sees the allowed overlap for certain, then stay a while longer: a runner that let
    more conversations run would have their requests arrive meanwhile and show more.
    """

    def __init__(self, together: int) -> None:
        self.together = together
        self.inside = self.most = self.calls = 0
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(together)

    def __call__(self, body: dict) -> str:
        with self._lock:
            self.inside += 1
            self.calls += 1
            first = self.calls <= self.together
            self.most = max(self.most, self.inside)
        try:
            if first:
                with contextlib.suppress(threading.BrokenBarrierError):
                    self._barrier.wait(timeout=30)  # a deadlock guard, not a speed limit
                time.sleep(1.0)
            time.sleep(0.01)
        finally:
            with self._lock:
                self.inside -= 1
        return customer_responder(body)


@pytest.mark.parametrize("concurrency", [1, 3])
def test_concurrency_bounds_requests_in_flight(
    customer, monkeypatch, tmp_path, concurrency: int
) -> None:
    """Each conversation has at most one request out at a time, so requests inside the
    server bound the conversations in flight from above."""
    _env(monkeypatch, customer)
    probe = _InFlight(concurrency)
    customer.responder = probe
    out = tmp_path / "run"
    assert _simulate(out, "--concurrency", str(concurrency), "--turns", "3") == 0
    assert len(_rows(out)) == 12
    assert probe.calls >= 12  # every conversation asked the customer at least once
    assert probe.most == concurrency


def test_rate_limits_are_retried_and_every_conversation_finishes(
    customer, monkeypatch, tmp_path
) -> None:
    _env(monkeypatch, customer)
    monkeypatch.setenv("HOTSEAT_MAX_RETRIES", "3")
    answered = 0

    def respond(body: dict) -> str:
        nonlocal answered
        answered += 1  # the fake server calls this only for requests it did not fault
        return customer_responder(body)

    customer.responder = respond
    customer.fault("429", times=3, retry_after=0.01)
    out = tmp_path / "run"
    assert _simulate(out, "--concurrency", "2", "--turns", "2") == 0
    rows = _rows(out)
    assert len({(r["persona"], r["bot"], r["seed"]) for r in rows}) == len(rows) == 12
    assert len(customer.requests) - answered == 3  # all three 429s were met, and retried
    assert not (out / "errors.jsonl").exists() or not (out / "errors.jsonl").read_text()


def test_persistent_rate_limit_fails_that_conversation_clearly(
    customer, monkeypatch, tmp_path, capsys
) -> None:
    _env(monkeypatch, customer)
    monkeypatch.setenv("HOTSEAT_MAX_RETRIES", "1")
    # One worker: the first conversation makes the first request and meets both 429s
    # (the first try and its one retry); the next conversation meets none.
    customer.fault("429", times=2, retry_after=0.01)
    out = tmp_path / "run"
    argv = [
        "simulate",
        "--persona",
        "double-charge",
        "internet-outage",
        "--bot",
        "ideal",
        "--seeds",
        "1",
        "--lexical",
        "--concurrency",
        "1",
        "--turns",
        "2",
        "--out",
        str(out),
    ]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "double-charge/ideal/seed 0: RateLimited:" in err and "(429)" in err
    assert "1 finished, 0 already done, 1 failed (of 2)" in err
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert [(e["persona"], e["type"]) for e in errors] == [("double-charge", "RateLimited")]
    assert "kept rate-limiting (429) after 1 retries" in errors[0]["error"]
    assert [r["persona"] for r in _rows(out)] == ["internet-outage"]
    # Not dropped: the same command picks the failed conversation up again.
    assert main(argv) == 0
    assert sorted(r["persona"] for r in _rows(out)) == ["double-charge", "internet-outage"]


def test_repeated_list_options_keep_every_value() -> None:
    """Before: `--bot dismissive --bot ideal` silently kept only `ideal`."""
    from hotseat.cli import build_parser

    args = build_parser().parse_args(
        [
            "simulate",
            "--persona",
            "card-fraud",
            "--persona",
            "double-charge",
            "--bot",
            "dismissive",
            "--bot",
            "ideal",
            "transfer",
            "--seeds",
            "1",
            "--out",
            "x",
        ]
    )
    assert args.persona == ["card-fraud", "double-charge"]
    assert args.bot == ["dismissive", "ideal", "transfer"]


def test_runs_and_reports_name_the_persona_version(customer, monkeypatch, tmp_path, capsys) -> None:
    """The studio's id of the card each conversation ran on: in the records, the simulate
    output and the report; a card nobody named shows its short hash and "unnamed"."""
    import shutil

    from hotseat.store import Store
    from hotseat.store.lineage import unnamed_id
    from hotseat.studio.versions import Doc, save_new_version

    _env(monkeypatch, customer)
    personas = tmp_path / "personas"
    shutil.copytree(ROOT / "personas", personas)
    monkeypatch.setenv("HOTSEAT_PERSONAS_DIR", str(personas))
    app_db = tmp_path / "app.db"
    monkeypatch.setenv("HOTSEAT_DB_URL", f"sqlite:///{app_db}")
    argv = ["simulate", "--persona", "double-charge", "internet-outage", "--bot", "ideal"]
    argv += ["--seeds", "1", "--turns", "2", "--lexical", "--out"]

    assert main([*argv, str(tmp_path / "before")]) == 0
    assert not app_db.exists()  # no database yet: nothing named, and reading made none
    before = {r["persona"]: r for r in _rows(tmp_path / "before")}
    for r in before.values():
        assert r["persona_version"] == unnamed_id(r["persona_hash"])

    with Store(f"sqlite:///{app_db}") as store:
        doc = Doc("persona", "double-charge", personas)
        edited = doc.read().replace("  intensity: 4", "  intensity: 5")
        assert save_new_version(store, doc, edited, "Tina", "angrier").version.id == "v2"
    capsys.readouterr()
    assert main([*argv, str(tmp_path / "after")]) == 0
    after = {r["persona"]: r for r in _rows(tmp_path / "after")}
    assert after["double-charge"]["persona_version"] == "v2"
    outage = after["internet-outage"]
    assert outage["persona_version"] == unnamed_id(outage["persona_hash"])
    said = capsys.readouterr().err
    assert (
        f"persona versions: double-charge v2, internet-outage {unnamed_id(outage['persona_hash'])}"
        in said
    )

    assert main(["report", str(tmp_path / "after")]) == 0
    summary = json.loads((tmp_path / "after" / "summary.json").read_text())
    assert summary["persona_versions"]["double-charge"] == {"v2": 1}
    html = (tmp_path / "after" / "report.html").read_text()
    assert '<td class="l" data-metric="version/double-charge">v2</td>' in html
    assert "double-charge: persona version v2" in capsys.readouterr().err
