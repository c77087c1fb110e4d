"""The combined evaluator: offline evidence feeds the LLM judge and catches its failures.

Paths, named in `Grade.evaluator`:
- combined:llm               the judge answered; offline evidence was in its prompt, and
                             a reply that addressed the grader is capped at the offline grade
- combined:offline-fallback  the provider failed (ProviderError); the offline grade stands
"""

from __future__ import annotations

import json
from contextlib import suppress

from evaluators.coach_llm import LLMCoach
from evaluators.grade import Grade, GradeRequest
from evaluators.llm_judge import LLMJudge, cap_injected, to_grade
from evaluators.offline import OfflineEvaluator
from hotseat.errors import ProviderError


class CombinedEvaluator:
    name = "combined"

    def __init__(self, judge: LLMJudge, offline: OfflineEvaluator | None = None,
                 coach: LLMCoach | None = None) -> None:
        self.judge = judge
        self.offline = offline or OfflineEvaluator()
        self.coach = coach

    def grade(self, request: GradeRequest) -> Grade:
        baseline = self.offline.grade(request)
        hints = json.dumps({
            "techniques": [e.model_dump() for e in baseline.techniques],
            "anti_patterns": [e.model_dump() for e in baseline.anti_patterns],
            "addresses_grader": baseline.injection_flagged,
            "empathy_called_for": baseline.empathy_called_for,
        }, ensure_ascii=False).replace("<", "\\u003c")
        try:
            outputs = self.judge.judge(request, evidence=hints)
        except ProviderError as exc:
            # MalformedResponse is a ProviderError too: an unusable judge answer falls back.
            note = f" (LLM judge unavailable: {type(exc).__name__}; offline grade used)"
            return baseline.model_copy(update={
                "evaluator": f"{self.name}:offline-fallback",
                "reason": baseline.reason.rstrip(".") + note + ".",
            })
        grade = to_grade(outputs, request, f"{self.name}:llm", None, baseline.suggestion)
        if grade.injection_flagged or baseline.injection_flagged:
            grade = cap_injected(grade, request, baseline)
        if self.coach is not None:
            # On a coaching failure the offline suggestion already in the grade stands.
            with suppress(ProviderError):
                grade = grade.model_copy(update={"suggestion": self.coach.suggest(request, grade)})
        return grade
