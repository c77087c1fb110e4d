"""The combined evaluator: offline evidence feeds the LLM judge and catches its failures.

Paths, named in `Grade.evaluator`:
- combined:llm               the judge answered; offline evidence was in its prompt, and
                             a reply that addressed the grader is capped at the offline grade
- combined:llm+capped        as above, and offline deflection evidence (transfer, not my
                             job, policy wall, call back later) capped empowerment; the
                             reason says which
- combined:offline-fallback  the provider failed (ProviderError), or no LLM is configured
                             (ConfigError/WeightsError when building); the offline grade
                             stands and the reason says why
"""

from __future__ import annotations

import json

from evaluators.coach_llm import LLMCoach
from evaluators.grade import Grade, GradeRequest
from evaluators.llm_judge import LLMJudge, to_grade
from evaluators.offline import OfflineEvaluator
from evaluators.usage import UsageMeter
from hotseat.errors import HotseatError, ProviderError
from hotseat.redact import mask_url


def _fallback(grade: Grade, why: str) -> Grade:
    return grade.model_copy(
        update={
            "evaluator": "combined:offline-fallback",
            "reason": f"{grade.reason.rstrip('.')} ({why}; offline grade used).",
        }
    )


class CombinedEvaluator:
    name = "combined"

    def __init__(
        self,
        judge: LLMJudge,
        offline: OfflineEvaluator | None = None,
        coach: LLMCoach | None = None,
    ) -> None:
        self.judge = judge
        self.offline = offline or OfflineEvaluator()
        self.coach = coach

    def grade(self, request: GradeRequest) -> Grade:
        baseline = self.offline.grade(request)
        hints = json.dumps(
            {
                "techniques": [e.model_dump() for e in baseline.techniques],
                "anti_patterns": [e.model_dump() for e in baseline.anti_patterns],
                "addresses_grader": baseline.injection_flagged,
                "empathy_called_for": baseline.empathy_called_for,
            },
            ensure_ascii=False,
        ).replace("<", "\\u003c")
        meter = UsageMeter()
        try:
            outputs = self.judge.judge(request, evidence=hints, meter=meter)
        except ProviderError as exc:
            # MalformedResponse is a ProviderError too: an unusable judge answer falls back.
            fallen = _fallback(baseline, f"LLM judge unavailable: {type(exc).__name__}")
            return fallen.model_copy(update={"usage": meter.total})
        grade = to_grade(
            outputs, request, f"{self.name}:llm", self.coach, baseline=baseline, meter=meter
        )
        return grade.model_copy(update={"usage": meter.total})


class OfflineFallback:
    """`combined` when no LLM can be built: every grade is the offline one, labelled so.

    The reason names the setting problem (never a secret: ConfigError/WeightsError
    messages name settings, and any URL in them is masked).
    """

    name = "combined"

    def __init__(self, error: HotseatError, offline: OfflineEvaluator | None = None) -> None:
        self.offline = offline or OfflineEvaluator()
        message = " ".join(mask_url(word) for word in error.message.split())
        self.why = "LLM judge not configured: " + message.rstrip(".")

    def grade(self, request: GradeRequest) -> Grade:
        return _fallback(self.offline.grade(request), self.why)
