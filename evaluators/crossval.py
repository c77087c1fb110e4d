"""Train the grader's heads and measure them without flattering ourselves.

Every figure here comes from rows the head was not trained on: leave-one-source-out
(train on every source but one, score the one left out) and a held-out split (every third
row of each source). Rows are read once (the embedding pass is the slow part); heads
train in a second. Rows marked `injection` are never trained on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from evaluators.called_for import THRESHOLD
from evaluators.embedder import shared_model
from evaluators.features import Reading, read
from evaluators.grade import GradeRequest
from evaluators.head import Head, train
from evaluators.offline import bound
from evaluators.rubric import AXES
from evaluators.screen_model import Screen, train_screen
from evaluators.text import units
from hotseat.calibration import agreement

# A source's labels "vary" on an axis when under this share of its rows share one score;
# where they barely vary, rank agreement means little and the confusion table is reported.
MODAL_SHARE_MAX = 0.85
MIN_ROWS = 100


@dataclass(frozen=True)
class Row:
    """One labelled reply (the fields the grader and its figures need)."""

    id: str
    source: str
    customer: str
    reply: str
    empathy: int
    empowerment: int
    injection: bool = False
    called_for: bool = True  # the labeller's verdict: did the message call for empathy?

    def label(self, axis: str) -> int:
        return int(getattr(self, axis))


def read_all(
    rows: Sequence[Row],
    threads: int = 2,
    progress: Callable[[int], None] | None = None,
    learned_screen: bool | Screen = True,
) -> list[Reading]:
    """Every row read once, in order."""

    def one(row: Row) -> Reading:
        reading = read(
            GradeRequest(customer=row.customer, reply=row.reply), learned_screen=learned_screen
        )
        if progress is not None:
            progress(1)
        return reading

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one, rows))


def fit(rows: Sequence[Row], readings: Sequence[Reading]) -> Head:
    """The head trained on the rows that are not injection tests."""
    keep = [i for i, r in enumerate(rows) if not r.injection]
    x = np.stack([readings[i].features for i in keep])
    y = np.array([[rows[i].label(a) for a in AXES] for i in keep])
    groups = [rows[i].source for i in keep]
    inputs = np.stack([readings[i].called_for_inputs for i in keep])
    called_for = np.array([rows[i].called_for for i in keep], dtype=float)
    return train(x, y, groups, inputs, called_for)


def scores(head: Head, readings: Sequence[Reading]) -> np.ndarray:
    """(n, axes) final scores: the head (with its called-for verdict), then the rubric's
    caps and level evidence."""
    readings = [head.settle(r) for r in readings]
    raw = head.predict(np.stack([r.features for r in readings]))
    return np.array(
        [
            [bound(axis, int(raw[n, a]), reading) for a, axis in enumerate(AXES)]
            for n, reading in enumerate(readings)
        ]
    )


def varies(labels: Sequence[int]) -> bool:
    return Counter(labels).most_common(1)[0][1] / len(labels) <= MODAL_SHARE_MAX


def agreement_report(rows: Sequence[Row], predicted: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(rows)}
    for a, axis in enumerate(AXES):
        human = [r.label(axis) for r in rows]
        out[axis] = agreement(human, predicted[:, a].tolist()).model_dump()
        out[axis]["varies"] = varies(human)
    return out


def by_source(rows: Sequence[Row]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if not r.injection:
            groups.setdefault(r.source, []).append(i)
    return groups


def leave_one_source_out(
    rows: Sequence[Row], readings: Sequence[Reading]
) -> dict[str, dict[str, Any]]:
    """Per source: trained on every other source, scored on this one."""
    out: dict[str, dict[str, Any]] = {}
    for source, idx in sorted(by_source(rows).items()):
        rest = [i for i, r in enumerate(rows) if r.source != source]
        head = fit([rows[i] for i in rest], [readings[i] for i in rest])
        picked, mine = [rows[i] for i in idx], [readings[i] for i in idx]
        out[source] = agreement_report(picked, scores(head, mine))
        out[source]["called_for"] = called_for_agreement(head, picked, mine)
    return out


def called_for_agreement(
    head: Head, rows: Sequence[Row], readings: Sequence[Reading]
) -> dict[str, float]:
    """Share of rows where "empathy was called for" is the labeller's verdict: by the rule
    (what the trainee sees) and by the head's learned model (what weighs its features)."""
    if not rows:
        return {"rule": 0.0, "model": 0.0}
    human = np.array([row.called_for for row in rows])
    rule = np.array([r.called_for for r in readings])
    inputs = np.stack([r.called_for_inputs for r in readings])
    model = head.called_for.probability(inputs) >= THRESHOLD
    return {"rule": float(np.mean(rule == human)), "model": float(np.mean(model == human))}


def held_out(rows: Sequence[Row], readings: Sequence[Reading]) -> dict[str, dict[str, Any]]:
    """Trained on two rows in three of every source, scored on the third: per source and
    overall ("all")."""
    test: list[int] = []
    for idx in by_source(rows).values():
        test += idx[2::3]
    chosen = set(test)
    train_idx = [i for i in range(len(rows)) if i not in chosen]
    head = fit([rows[i] for i in train_idx], [readings[i] for i in train_idx])
    picked, read_ = [rows[i] for i in test], [readings[i] for i in test]
    predicted = scores(head, read_)
    out = {"all": agreement_report(picked, predicted)}
    out["all"]["called_for"] = called_for_agreement(head, picked, read_)
    for source in sorted({rows[i].source for i in test}):
        mine = [k for k, i in enumerate(test) if rows[i].source == source]
        out[source] = agreement_report([picked[k] for k in mine], predicted[mine])
        out[source]["called_for"] = called_for_agreement(
            head, [picked[k] for k in mine], [read_[k] for k in mine]
        )
    return out


def fit_screen(
    rows: Sequence[Row], readings: Sequence[Reading], injections: Sequence[str]
) -> Screen:
    """The learned injection screen: our injection sentences against every clause of the
    honest replies (readings made without a learned screen)."""
    positives = shared_model().encode([u for line in injections for u in units(line)])
    honest = [
        r.vectors
        for r, row in zip(readings, rows, strict=True)
        if not row.injection and len(r.vectors)
    ]
    return train_screen(positives, np.vstack(honest))


def rescreen(rows: Sequence[Row], readings: list[Reading], screen: Screen) -> list[Reading]:
    """Readings as the new screen gives them (only rows it flags are read again)."""
    out = list(readings)
    for i, reading in enumerate(readings):
        if len(reading.vectors) and screen.flags(reading.vectors).any():
            out[i] = read(
                GradeRequest(customer=rows[i].customer, reply=rows[i].reply), learned_screen=screen
            )
    return out
