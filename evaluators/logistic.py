"""Weighted, L2-penalised logistic regression by Newton's method: the one fitter the
grader's level model and the learned injection screen share (small d, exact, no deps)."""

from __future__ import annotations

import numpy as np


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    l2: float,
    weight: np.ndarray,
    *,
    steps: int = 25,
    tol: float = 1e-6,
) -> tuple[np.ndarray, float]:
    """(weights, bias) minimising the weighted log loss plus l2 * |w|^2 / 2 (bias free)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (weight * (p - y)) + penalty * w
        hess = (xb * (weight * p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-6)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < tol:
            break
    return w[:-1], float(w[-1])
