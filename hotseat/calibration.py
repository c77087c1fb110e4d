"""Agreement between a grader and human labels: the maths, nothing else.

Pure numpy so it is easy to check by hand: Spearman's rho (average ranks for ties),
quadratic-weighted Cohen's kappa on the 0-4 scale, exact and within-one agreement, a
confusion matrix, and the run-to-run spread of repeated judgements.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel

from hotseat.errors import InputError

SCALE = 5  # scores 0..4


def _pair(human: Sequence[float], model: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    h, m = np.asarray(human, dtype=float), np.asarray(model, dtype=float)
    if h.shape != m.shape or h.ndim != 1:
        raise InputError(f"Need two equal-length lists of scores (got {h.shape} and {m.shape}).")
    if h.size == 0:
        raise InputError("No scores to compare.", hint="Give at least one labelled row.")
    return h, m


def ranks(values: Sequence[float]) -> np.ndarray:
    """1-based ranks, ties sharing the average of their positions."""
    v = np.asarray(values, dtype=float)
    order = np.argsort(v, kind="mergesort")
    r = np.empty(len(v), dtype=float)
    sorted_v = v[order]
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and sorted_v[j + 1] == sorted_v[i]:
            j += 1
        r[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(human: Sequence[float], model: Sequence[float]) -> float:
    """Pearson correlation of the ranks; 0.0 when either side is constant."""
    h, m = _pair(human, model)
    rh, rm = ranks(h), ranks(m)
    rh -= rh.mean()
    rm -= rm.mean()
    denom = float(np.sqrt((rh**2).sum() * (rm**2).sum()))
    return float((rh * rm).sum() / denom) if denom else 0.0


def confusion(human: Sequence[int], model: Sequence[int], k: int = SCALE) -> np.ndarray:
    """k x k counts; rows are the human score, columns the model score."""
    h, m = _pair(human, model)
    out = np.zeros((k, k), dtype=int)
    for a, b in zip(h.astype(int), m.astype(int), strict=True):
        if not (0 <= a < k and 0 <= b < k):
            raise InputError(f"Score out of range 0..{k - 1}: human {a}, model {b}.")
        out[a, b] += 1
    return out


def qwk(human: Sequence[int], model: Sequence[int], k: int = SCALE) -> float:
    """Quadratic-weighted kappa: 1 perfect, 0 chance, negative worse than chance."""
    observed = confusion(human, model, k).astype(float)
    n = observed.sum()
    idx = np.arange(k)
    weights = (idx[:, None] - idx[None, :]) ** 2 / (k - 1) ** 2
    expected = np.outer(observed.sum(1), observed.sum(0)) / n
    denom = float((weights * expected).sum())
    if denom == 0:
        return 1.0 if float((weights * observed).sum()) == 0 else 0.0
    return float(1 - (weights * observed).sum() / denom)


def exact_rate(human: Sequence[int], model: Sequence[int]) -> float:
    h, m = _pair(human, model)
    return float((h == m).mean())


def within_one_rate(human: Sequence[int], model: Sequence[int]) -> float:
    h, m = _pair(human, model)
    return float((np.abs(h - m) <= 1).mean())


class AxisAgreement(BaseModel):
    n: int
    spearman: float
    qwk: float
    exact: float
    within_one: float
    confusion: list[list[int]]
    mean_spread: float | None = None  # mean run-to-run standard deviation, when repeated


def agreement(
    human: Sequence[int], model: Sequence[int], spreads: Sequence[float | None] | None = None
) -> AxisAgreement:
    real = [s for s in (spreads or []) if s is not None]
    return AxisAgreement(
        n=len(human),
        spearman=spearman(human, model),
        qwk=qwk(human, model),
        exact=exact_rate(human, model),
        within_one=within_one_rate(human, model),
        confusion=confusion(human, model).tolist(),
        mean_spread=float(np.mean(real)) if real else None,
    )


def format_confusion(matrix: list[list[int]]) -> str:
    lines = ["human\\model " + " ".join(f"{c:>4}" for c in range(len(matrix)))]
    lines += [f"{r:>11} " + " ".join(f"{v:>4}" for v in row) for r, row in enumerate(matrix)]
    return "\n".join(lines)
