"""Tune the offline scoring weights on labelled rows (coordinate search, small steps).

Evidence is detected once per row; only the cheap scoring rule is re-run while the
numbers move. Tune on the train split and report the held-out split: the rule has ~35
numbers and the data a few hundred rows, so a held-out check is the guard against
overfitting.
"""

from __future__ import annotations

from collections.abc import Sequence

from evaluators.scoring import AxisRule, Weights
from hotseat.calibration import qwk, spearman

STEPS = (-0.5, -0.25, 0.25, 0.5)
LIMIT = 3.0  # no single weight may exceed this: keeps the rule readable


def _objective(rule: AxisRule, seen: Sequence[set[str]], called: Sequence[bool],
               human: Sequence[int]) -> float:
    pred = [rule.score(s, c) for s, c in zip(seen, called, strict=True)]
    return qwk(human, pred) + 0.5 * spearman(human, pred)


def tune_axis(rule: AxisRule, seen: Sequence[set[str]], called: Sequence[bool],
              human: Sequence[int], rounds: int = 4) -> AxisRule:
    best = rule.model_copy(deep=True)
    best_score = _objective(best, seen, called, human)
    for _ in range(rounds):
        improved = False
        for table in ("points", "penalties", "base", "base_not_called_for"):
            keys = list(getattr(best, table)) if table in ("points", "penalties") else [None]
            for key in keys:
                for step in STEPS:
                    trial = best.model_copy(deep=True)
                    if key is None:
                        value = getattr(trial, table)
                        if value is None:
                            continue
                        setattr(trial, table, round(min(LIMIT, max(-1.0, value + step)), 2))
                    else:
                        d = getattr(trial, table)
                        d[key] = round(min(LIMIT, max(0.0, d[key] + step)), 2)
                    score = _objective(trial, seen, called, human)
                    if score > best_score + 1e-9:
                        best, best_score, improved = trial, score, True
        if not improved:
            break
    return best


def tune(weights: Weights, seen: Sequence[set[str]], called: Sequence[bool],
         empathy: Sequence[int], empowerment: Sequence[int]) -> Weights:
    return Weights(
        empathy=tune_axis(weights.empathy, seen, called, empathy),
        empowerment=tune_axis(weights.empowerment, seen, [True] * len(seen), empowerment),
    )
