"""A scripted evaluator and grade builders: the engine's tests must not depend on a grader."""

from __future__ import annotations

from collections import deque

from evaluators.grade import Evidence, Grade, GradeRequest


def make_grade(
    empathy: int, empowerment: int, anti: tuple[str, ...] = (), tech: tuple[str, ...] = ()
) -> Grade:
    return Grade(
        empathy=empathy,
        empowerment=empowerment,
        anti_patterns=[Evidence(name=a, quote=a) for a in anti],
        techniques=[Evidence(name=t, quote=t) for t in tech],
        reason="scripted",
        suggestion="scripted",
        evaluator="scripted",
    )


GOOD = make_grade(3, 3)
GREAT = make_grade(4, 4, tech=("naming_feeling", "concrete_action", "time_frame"))
VAGUE = make_grade(1, 1, anti=("false_promise",))
CALM_DOWN = make_grade(0, 0, anti=("minimising",))
TRANSFER = make_grade(1, 0, anti=("transfer",))
NEUTRAL = make_grade(2, 1)

# Reply text -> grade, by marker, for tests that drive the engine with plain sentences.
KEYWORDS: tuple[tuple[str, Grade], ...] = (
    ("calm down", CALM_DOWN),
    ("transfer", TRANSFER),
    ("look into it", VAGUE),
    ("i will", GOOD),
)


class ScriptedEvaluator:
    """Returns queued grades in order, else grades by keyword; records every request."""

    name = "scripted"

    def __init__(self, *grades: Grade) -> None:
        self.queue: deque[Grade] = deque(grades)
        self.requests: list[GradeRequest] = []

    def grade(self, request: GradeRequest) -> Grade:
        self.requests.append(request)
        if self.queue:
            return self.queue.popleft()
        text = request.reply.lower()
        return next((g for marker, g in KEYWORDS if marker in text), NEUTRAL)
