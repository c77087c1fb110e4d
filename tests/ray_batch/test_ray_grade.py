"""`hotseat grade --ray` on a real two-CPU Ray cluster: the rows of a local run, the
concurrency cap across workers, a worker or the driver killed mid-run, clear errors."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hotseat.cli import main
from tests.conftest import ROOT
from tests.fakes.judge import judge_answer
from tests.fakes.openai_server import FakeOpenAIServer
from tests.ray_batch.conftest import Gauge, RayCluster

TRANSCRIPT = {
    "id": "t1",
    "agent": "ana",
    "turns": [
        {"role": "customer", "text": "My internet died for the third time this week!"},
        {"role": "agent", "text": "That's infuriating. I've booked an engineer for 8-10am."},
        {"role": "customer", "text": "What's the ticket number?"},
        {"role": "agent", "text": "It's INC-4411; I've also texted it to you."},
    ],
}


def _replies(n: int) -> list[dict[str, Any]]:
    """Labelled replies from many writers (calibration/), with a metadata column."""
    lines = (ROOT / "calibration" / "team.jsonl").read_text("utf-8").splitlines()[:n]
    rows = [json.loads(line) for line in lines]
    return [
        {"id": r["id"], "customer": r["customer"], "reply": r["reply"], "team": "t"} for r in rows
    ]


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def _sorted_lines(path: Path) -> list[str]:
    return sorted(path.read_text("utf-8").splitlines())


def _keys(path: Path) -> list[tuple[int, int | None]]:
    return [(r["row"], r.get("turn")) for r in map(json.loads, path.read_text().splitlines())]


def test_offline_rows_are_a_local_runs_rows(on_cluster: RayCluster, tmp_path: Path) -> None:
    rows = [*_replies(40), TRANSCRIPT, "{broken json", {"id": "e", "customer": "Hi", "reply": " "}]
    src = _write(tmp_path / "in.jsonl", rows)
    local, on_ray = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    assert main(["grade", str(src), "--out", str(local)]) == 1  # two bad rows
    assert main(["grade", str(src), "--out", str(on_ray), "--ray", on_cluster.address]) == 1
    assert _sorted_lines(on_ray) == _sorted_lines(local)
    assert len(_sorted_lines(local)) == 40 + 2 + 2


def _judge_by_reply(body: dict[str, Any]) -> dict[str, Any]:
    return judge_answer(3 if "today" in body["messages"][1]["content"] else 1)


def _llm_env(monkeypatch: pytest.MonkeyPatch, server: FakeOpenAIServer) -> None:
    monkeypatch.setenv("HOTSEAT_PROVIDER", "compatible")
    monkeypatch.setenv("HOTSEAT_BASE_URL", server.base_url)
    monkeypatch.setenv("HOTSEAT_API_KEY", "sk-secret-ray-key")


def _llm_rows(n: int) -> list[dict[str, Any]]:
    return [
        {"id": f"x{i}", "customer": "Fix it!", "reply": "I fix it today." if i % 2 else "Wait."}
        for i in range(n)
    ]


def test_llm_rows_match_and_the_cap_holds_across_workers(
    on_cluster: RayCluster,
    fake_openai: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    _llm_env(monkeypatch, fake_openai)
    src = _write(tmp_path / "in.jsonl", _llm_rows(12))
    args = ["grade", str(src), "--evaluator", "llm", "--no-coach", "--concurrency", "3"]
    fake_openai.responder = _judge_by_reply
    assert main([*args, "--out", str(tmp_path / "local.jsonl")]) == 0
    # Two workers taking two calls each could open four; the run's cap is three.
    gauge = Gauge(_judge_by_reply, hold_s=0.2)
    fake_openai.responder = gauge
    assert main([*args, "--out", str(tmp_path / "ray.jsonl"), "--ray", on_cluster.address]) == 0
    assert 2 <= gauge.peak <= 3
    assert _sorted_lines(tmp_path / "ray.jsonl") == _sorted_lines(tmp_path / "local.jsonl")
    assert "sk-secret-ray-key" not in (tmp_path / "ray.jsonl").read_text()


def _cli(cluster: RayCluster, server: FakeOpenAIServer, src: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "hotseat",
        "grade",
        str(src),
        "--evaluator",
        "llm",
        "--no-coach",
        "--concurrency",
        "2",
        "--out",
        str(out),
        "--ray",
        cluster.address,
    ]


def _driver_env(cluster: RayCluster, server: FakeOpenAIServer) -> dict[str, str]:
    return {
        **os.environ,
        **cluster.env(),
        "HOTSEAT_PROVIDER": "compatible",
        "HOTSEAT_BASE_URL": server.base_url,
        "HOTSEAT_API_KEY": "test-key",
    }


class Stall:
    """Answers at once, except the `nth` call, which waits until `release` is set."""

    def __init__(self, nth: int) -> None:
        self.nth, self.calls = nth, 0
        self.stalled, self.release = threading.Event(), threading.Event()
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.calls += 1
            mine = self.calls == self.nth
        if mine:
            self.stalled.set()
            self.release.wait(120)
        return judge_answer(2)


def _expected(
    tmp_path: Path, src: Path, server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The same input graded locally, for comparison."""
    _llm_env(monkeypatch, server)
    server.responder = lambda body: judge_answer(2)
    local = tmp_path / "local.jsonl"
    assert main(["grade", str(src), "--evaluator", "llm", "--no-coach", "--out", str(local)]) == 0
    return local


@dataclass
class StalledRun:
    """A `--ray` grade of 10 replies run as a separate driver, whose `nth` LLM call hangs
    until `stall.release` is set; `local` is the same input graded locally."""

    cli: list[str]
    env: dict[str, str]
    local: Path
    out: Path
    stall: Stall
    driver: subprocess.Popen

    def rerun(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.cli, cwd=ROOT, env=self.env, capture_output=True, text=True)

    def assert_complete(self) -> None:
        assert len(_keys(self.out)) == len(set(_keys(self.out))) == 10
        assert _sorted_lines(self.out) == _sorted_lines(self.local)


def _stalled_run(
    ray_cluster: RayCluster,
    server: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    nth: int,
) -> StalledRun:
    src = _write(tmp_path / "in.jsonl", _llm_rows(10))
    env = _driver_env(ray_cluster, server)
    local = _expected(tmp_path, src, server, monkeypatch)
    stall = Stall(nth=nth)
    server.responder = stall
    out = tmp_path / "ray.jsonl"
    cli = _cli(ray_cluster, server, src, out)
    driver = subprocess.Popen(cli, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    if not stall.stalled.wait(180):
        stall.release.set()
        driver.kill()
        pytest.fail(f"call {nth} never came")
    return StalledRun(cli, env, local, out, stall, driver)


def test_worker_killed_mid_call_loses_and_repeats_nothing(
    ray_cluster: RayCluster,
    fake_openai: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    run = _stalled_run(ray_cluster, fake_openai, monkeypatch, tmp_path, nth=4)
    try:
        victims = ray_cluster.worker_pids("GradeWorker")
        assert victims, "no GradeWorker process found"
        for pid in victims:  # one of them holds the stalled call
            os.kill(pid, signal.SIGKILL)
    finally:
        run.stall.release.set()
    _, err = run.driver.communicate(timeout=300)
    assert not any(Path(f"/proc/{pid}").exists() for pid in victims)
    # Ray restarted the workers and retried the killed call: the run itself finished.
    assert run.driver.returncode == 0, err
    assert "10 graded, 0 failed" in err
    rerun = run.rerun()
    assert rerun.returncode == 0, rerun.stderr
    assert "resuming, 10 already graded" in rerun.stderr
    run.assert_complete()


def test_driver_killed_mid_run_resumes_without_duplicates(
    ray_cluster: RayCluster,
    fake_openai: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    run = _stalled_run(ray_cluster, fake_openai, monkeypatch, tmp_path, nth=5)
    try:
        deadline = time.monotonic() + 120
        while len(_keys(run.out) if run.out.exists() else []) < 2:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)  # rows of calls that finished reach the file
        run.driver.send_signal(signal.SIGKILL)
        run.driver.communicate()
    finally:
        run.stall.release.set()
    before = len(_keys(run.out))
    assert 2 <= before < 10
    rerun = run.rerun()
    assert rerun.returncode == 0, rerun.stderr
    assert f"resuming, {before} already graded" in rerun.stderr
    run.assert_complete()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_address_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _write(tmp_path / "in.jsonl", _replies(2))
    address = f"127.0.0.1:{_free_port()}"
    assert main(["grade", str(src), "--ray", address]) == 1
    err = capsys.readouterr().err
    assert f"Cannot reach the Ray cluster at {address}" in err and "HOST:PORT" in err
    assert "Traceback" not in err
    # HOTSEAT_RAY_ADDRESS alone sends the run to Ray as well.
    monkeypatch.setenv("HOTSEAT_RAY_ADDRESS", address)
    assert main(["grade", str(src), "--out", str(tmp_path / "out.jsonl")]) == 1
    assert f"Cannot reach the Ray cluster at {address}" in capsys.readouterr().err
    assert main(["grade", str(src), "--ray", "nowhere"]) == 1
    assert "'nowhere' is not a cluster address" in capsys.readouterr().err


def test_ray_not_installed_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _write(tmp_path / "in.jsonl", _replies(1))
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if absent
    assert main(["grade", str(src), "--ray"]) == 1
    assert "pip install 'hotseat[ray]'" in capsys.readouterr().err
    sim = ["simulate", "--persona", "double-charge", "--bot", "ideal", "--seeds", "1"]
    assert main([*sim, "--out", str(tmp_path / "sim"), "--ray"]) == 1
    err = capsys.readouterr().err
    assert "pip install 'hotseat[ray]'" in err and "Traceback" not in err


def test_no_address_starts_a_local_cluster_and_stops_it(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", [*_replies(3), TRANSCRIPT])
    local, on_ray = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    assert main(["grade", str(src), "--out", str(local)]) == 0
    # A process of its own, as a user's run is (this one has joined the test cluster).
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env["RAY_TMPDIR"] = tempfile.mkdtemp(prefix="hsray", dir="/tmp")  # short, and ours
    code = "import sys, ray; from hotseat.cli import main; r = main(sys.argv[1:]); "
    code += "sys.exit(r or ray.is_initialized())"
    try:
        run = subprocess.run(
            [sys.executable, "-c", code, "grade", str(src), "--out", str(on_ray), "--ray"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    finally:
        shutil.rmtree(env["RAY_TMPDIR"], ignore_errors=True)
    assert run.returncode == 0, run.stderr  # graded, and disconnected afterwards
    assert "grading on a local Ray cluster" in run.stderr
    assert _sorted_lines(on_ray) == _sorted_lines(local)
