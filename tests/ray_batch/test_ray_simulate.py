"""`hotseat simulate --ray` on a real two-CPU Ray cluster: the conversations of a local
run, written by the driver, the concurrency cap across workers, and a resumed run that
plays only what is missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hotseat.cli import main
from tests.fakes.openai_server import FakeOpenAIServer
from tests.ray_batch.conftest import Gauge, RayCluster
from tests.simulate.conftest import customer_responder

# Differ between any two runs, local ones too: the store's new id and the time taken.
PER_RUN = ("session_id", "elapsed_s")


def _simulate(out: Path, *extra: str) -> int:
    return main(
        [
            "simulate",
            "--persona",
            "double-charge",
            "internet-outage",
            "--bot",
            "dismissive",
            "ideal",
            "--seeds",
            "2",
            "--concurrency",
            "3",
            "--out",
            str(out),
            *extra,
        ]
    )


def _rows(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "conversations.jsonl").read_text().splitlines()]


def _comparable(out: Path) -> list[str]:
    rows = [{k: v for k, v in r.items() if k not in PER_RUN} for r in _rows(out)]
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def test_conversations_are_a_local_runs_and_resume(
    on_cluster: RayCluster,
    fake_openai: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.setenv("HOTSEAT_PROVIDER", "compatible")
    monkeypatch.setenv("HOTSEAT_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("HOTSEAT_API_KEY", "test-key")
    fake_openai.responder = customer_responder
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert _simulate(local) == 0
    calls = len(fake_openai.requests)
    # Two workers taking two conversations each could hold four calls; the cap is three.
    gauge = Gauge(customer_responder, hold_s=0.05)
    fake_openai.responder = gauge
    assert _simulate(on_ray, "--ray", on_cluster.address) == 0
    assert len(fake_openai.requests) == 2 * calls  # the workers called the provider
    assert 2 <= gauge.peak <= 3
    assert _comparable(on_ray) == _comparable(local)
    assert len(_rows(on_ray)) == 2 * 2 * 2
    assert not (on_ray / "errors.jsonl").exists() or not (on_ray / "errors.jsonl").read_text()

    # Half the results lost (as if killed mid-run): the rerun plays only those.
    kept = (on_ray / "conversations.jsonl").read_text().splitlines()[:4]
    (on_ray / "conversations.jsonl").write_text("".join(f"{line}\n" for line in kept))
    capsys.readouterr()
    assert _simulate(on_ray, "--ray", on_cluster.address) == 0
    assert "4 finished, 4 already done, 0 failed" in capsys.readouterr().err
    assert _comparable(on_ray) == _comparable(local)
