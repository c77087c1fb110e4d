"""Coaching, one owner: who writes the suggested better reply for a finished grade.

The LLM coach when one is attached and answers; otherwise (or when it fails) the offline
coach, from the trainee's own words, what the grade found missing and the card's needs.
Every evaluator path calls this after its scores and caps are final.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from evaluators.coach_offline import suggest
from evaluators.grade import Grade, GradeRequest
from evaluators.injection import screen
from hotseat.errors import ProviderError

if TYPE_CHECKING:
    from evaluators.coach_llm import LLMCoach
    from evaluators.usage import UsageMeter


def better_reply(
    request: GradeRequest,
    grade: Grade,
    coach: LLMCoach | None = None,
    meter: UsageMeter | None = None,
) -> str:
    if coach is not None:
        with suppress(ProviderError):  # a coaching failure never loses the grade
            return coach.suggest(request, grade, meter)
    return suggest(
        request,
        screen(request.reply).customer_text,
        grade.techniques,
        grade.anti_patterns,
        grade.empathy_called_for,
    )
