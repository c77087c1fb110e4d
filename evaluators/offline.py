"""The offline grader: deterministic, explainable, no LLM.

Pipeline: screen out words aimed at the grader -> cut the customer-facing text into
clauses -> evidence (regex detectors and paraphrase similarity, each with its quote) and
features (sentence-embedding meaning, evidence, structure) -> the learned head
(data/head.npz, trained by `hotseat calibrate --train` on replies from many writers) ->
the rubric's caps and level evidence -> reason and coaching.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from evaluators.coach_offline import suggest
from evaluators.features import Reading, read
from evaluators.grade import Grade, GradeRequest
from evaluators.head import Head, load, shipped
from evaluators.rubric import AXES, Axis, rubric


def label(name: str) -> str:
    """What the trainee reads for a technique or anti-pattern id."""
    return rubric().label(name)


# The learned head decides levels 1-3 from meaning; a 4 still needs its quoted evidence.
# (Gating level 3 on the detectors too pulled held-out agreement down on other writers'
# words: a concrete answer at an information desk names no "action" a regex knows.)
# A reply that spoke to the grader loses the benefit of the doubt: from 2, evidence only.
GATED_FROM = 4
GATED_FROM_WHEN_FLAGGED = 2


def bound(axis: Axis, score: int, reading: Reading) -> int:
    """The rubric's limits on a score: the floor its quoted techniques guarantee, caps for
    deflections a regex saw word for word, and the evidence each level needs."""
    cap, _ = rubric().cap(axis, set(reading.literal))
    shown = {e.name for e in reading.techniques}
    start = GATED_FROM_WHEN_FLAGGED if reading.injection_flagged else GATED_FROM
    score = max(score, rubric().floor(axis, shown))
    return rubric().gate(axis, min(score, cap), shown, from_level=start)


class OfflineEvaluator:
    """Grades a reply with evidence and a learned head; same input, same grade."""

    name = "offline"

    def __init__(self, head: Head | Path | None = None) -> None:
        if isinstance(head, Path):
            head = load(head)
        self.head = head or shipped()

    def evidence(self, request: GradeRequest) -> Reading:
        return self.head.settle(read(request))

    def scores(self, reading: Reading, request: GradeRequest | None = None) -> tuple[int, int]:
        """The head's scores, then the rubric's bounds. A reply that spoke to the grader
        scores no higher than the words before it did: what follows an address to the
        grader may be more of the same in words no screen knows."""
        raw = self.head.predict(reading.features)[0]
        empathy, empowerment = (bound(axis, int(raw[i]), reading) for i, axis in enumerate(AXES))
        if (
            request is not None
            and reading.injection_flagged
            and reading.before != reading.customer_text
        ):
            prefix = self.evidence(request.model_copy(update={"reply": reading.before}))
            e2, p2 = self.scores(replace(prefix, injection_flagged=True))
            empathy, empowerment = min(empathy, e2), min(empowerment, p2)
        return empathy, empowerment

    def grade(self, request: GradeRequest) -> Grade:
        reading = self.evidence(request)
        empathy, empowerment = self.scores(reading, request)
        return Grade(
            empathy=empathy,
            empowerment=empowerment,
            empathy_called_for=reading.called_for,
            techniques=reading.techniques,
            anti_patterns=reading.anti_patterns,
            injection_flagged=reading.injection_flagged,
            reason=reason(empathy, empowerment, reading),
            suggestion=suggest(
                request,
                reading.customer_text,
                reading.techniques,
                reading.anti_patterns,
                reading.called_for,
            ),
            evaluator=self.name,
        )


def reason(empathy: int, empowerment: int, reading: Reading) -> str:
    """One sentence naming what moved each axis."""
    items = rubric()

    def axis(name: Axis, title: str, score: int) -> str:
        seen = [e.name for e in reading.techniques if items.techniques[e.name].axis == name]
        seen += [e.name for e in reading.anti_patterns if items.anti_patterns[e.name].axis == name]
        said = ", ".join(label(n) for n in seen[:3]) or "nothing that counts"
        return f"{title} {score}/4: {said}"

    emp = axis("empathy", "Empathy", empathy)
    if not reading.called_for:
        emp = "Empathy n/a (a calm factual question; " + emp.split(": ", 1)[1] + ")"
    act = axis("empowerment", "empowerment", empowerment)
    note = "; words aimed at the grader were ignored" if reading.injection_flagged else ""
    return f"{emp}; {act}{note}."
