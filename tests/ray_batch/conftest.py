"""One real Ray cluster per test session (two CPUs, token authentication), and helpers.

The head runs in its own process (tests/fakes/ray_head.py) so that the CLI under test is
a separate Ray driver that joins it by address, as on a real cluster, and so that a test
can kill that cluster's worker processes. Its workers get a marker in their environment,
which is how a test finds them (and never another Ray's processes on this machine).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import _LEAKY_ENV, ROOT

MARKER = "HOTSEAT_TEST_RAY_HEAD"
TOKEN = secrets.token_hex(16)
# Ray reads its auth settings from the environment once, when this process first imports
# it (a test module may, at collection): so they are set here, before any test module.
os.environ["RAY_AUTH_MODE"] = "token"
os.environ["RAY_AUTH_TOKEN"] = TOKEN


@dataclass(frozen=True)
class RayCluster:
    address: str
    token: str
    folder: Path  # the head's short temp folder; also its workers' marker

    def env(self) -> dict[str, str]:
        """What a driver needs to join (the token authenticates it)."""
        return {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": self.token}

    def worker_pids(self, actor_class: str) -> list[int]:
        """Live worker processes of this cluster running an actor of `actor_class`."""
        pids = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                cmdline = (proc / "cmdline").read_bytes()
                environ = (proc / "environ").read_bytes()
            except OSError:
                continue  # gone, or not ours to read
            if cmdline.startswith(f"ray::{actor_class}".encode()) and (
                f"{MARKER}={self.folder}".encode() in environ.split(b"\0")
            ):
                pids.append(int(proc.name))
        return pids


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[RayCluster]:
    folder = Path(tempfile.mkdtemp(prefix="hsray", dir="/tmp"))  # unix sockets: keep it short
    (folder / "empty.toml").write_text("")
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY_ENV and not k.startswith("RAY_")}
    env.update(
        HOTSEAT_CONFIG=str(folder / "empty.toml"),
        RAY_AUTH_MODE="token",
        RAY_AUTH_TOKEN=TOKEN,
        **{MARKER: str(folder)},
    )
    head = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.ray_head", str(folder / "r")],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert head.stdin is not None and head.stdout is not None
    address = head.stdout.readline().strip()
    try:
        assert address, f"the Ray head did not start (exit {head.poll()})"
        yield RayCluster(address, TOKEN, folder)
    finally:
        head.stdin.close()  # the head stops its own cluster
        try:
            head.wait(timeout=120)
        except subprocess.TimeoutExpired:
            head.kill()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def on_cluster(ray_cluster: RayCluster, monkeypatch: pytest.MonkeyPatch) -> RayCluster:
    """The in-process CLI joins the session's cluster (as a new driver each run)."""
    for name, value in ray_cluster.env().items():
        monkeypatch.setenv(name, value)  # as set at import; a test may have changed them
    monkeypatch.delenv("HOTSEAT_RAY_ADDRESS", raising=False)
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    return ray_cluster


class Gauge:
    """Wraps a fake-server responder; counts the calls open at once, across all workers."""

    def __init__(self, respond: Callable[[dict[str, Any]], Any], hold_s: float) -> None:
        self.respond, self.hold_s = respond, hold_s
        self.now = self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> Any:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(self.hold_s)  # the call stays open, as a slow provider's does
        with self._lock:
            self.now -= 1
        return self.respond(body)
