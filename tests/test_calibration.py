"""Calibration maths on tiny cases worked out by hand."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from hotseat.calibration import (
    agreement,
    confusion,
    exact_rate,
    qwk,
    ranks,
    spearman,
    within_one_rate,
)
from hotseat.errors import InputError


def test_ranks_share_ties() -> None:
    assert ranks([10, 20, 20, 30]).tolist() == [1.0, 2.5, 2.5, 4.0]


def test_spearman_known_values() -> None:
    assert spearman([1, 2, 3, 4], [1, 2, 3, 4]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # d = (0, 0, 1, -1): rho = 1 - 6*2 / (4*15) = 0.8
    assert spearman([1, 2, 3, 4], [1, 2, 4, 3]) == pytest.approx(0.8)
    assert spearman([1, 2, 3], [2, 2, 2]) == 0.0  # a constant grader carries no ranking


def test_qwk_known_values() -> None:
    assert qwk([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]) == pytest.approx(1.0)
    # Hand-worked: human [0,0,4,4], model [0,4,4,0]. Observed disagreement 2*(16/16) = 2;
    # expected: each cell 1 under independence -> 2*1*1 = 2 -> kappa 1 - 2/2 = 0.
    assert qwk([0, 0, 4, 4], [0, 4, 4, 0]) == pytest.approx(0.0)
    # human [0,1,2], model [1,2,3]: observed (1+1+1)/16; expected sum over i,j (i-j)^2/16 / 3.
    expected = sum((i - j) ** 2 for i in (0, 1, 2) for j in (1, 2, 3)) / 16 / 3
    assert qwk([0, 1, 2], [1, 2, 3]) == pytest.approx(1 - (3 / 16) / expected)


def test_rates_and_confusion() -> None:
    human, model = [0, 1, 2, 3], [0, 2, 4, 3]
    assert exact_rate(human, model) == 0.5
    assert within_one_rate(human, model) == 0.75
    m = confusion(human, model)
    assert m[2, 4] == 1 and m[0, 0] == 1 and m.sum() == 4


def test_agreement_reports_mean_spread_only_when_present() -> None:
    a = agreement([0, 1], [0, 1], [0.5, None])
    assert a.mean_spread == 0.5 and a.n == 2
    assert agreement([0, 1], [0, 1]).mean_spread is None


def test_bad_inputs_raise_clear_errors() -> None:
    with pytest.raises(InputError, match="equal-length"):
        spearman([1, 2], [1])
    with pytest.raises(InputError, match="No scores"):
        qwk([], [])
    with pytest.raises(InputError, match="out of range"):
        confusion([5], [0])


def test_calibrate_accepts_numeric_ids(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """`hotseat grade` takes numeric ids; calibrate used to reject them as not strings."""

    from hotseat.cli.calibrate import load_labelled, run

    path = tmp_path / "labelled.jsonl"
    rows = [
        {
            "id": 7,
            "customer": "You charged me twice!",
            "reply": "Not my department.",
            "empathy": 0,
            "empowerment": 0,
        },
        {
            "id": 8.5,
            "customer": "You charged me twice!",
            "empathy": 3,
            "empowerment": 4,
            "reply": "That's so stressful. I've reversed it; it's back by 5pm today.",
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert [r.id for r in load_labelled([path])] == ["7", "8.5"]

    args = argparse.Namespace(
        labelled=[path],
        tune=None,
        repeats=None,
        evaluator="offline",
        split="all",
        concurrency=1,
        json=True,
        loso=False,
        train=None,
        by_source=False,
    )
    assert run(args) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 2
