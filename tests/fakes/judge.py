"""What the fake OpenAI server answers for the LLM judge: a valid structured verdict."""

from __future__ import annotations

from typing import Any


def judge_answer(empathy: int, empowerment: int | None = None, reason: str = "") -> dict[str, Any]:
    """A judge verdict with no quoted evidence; `reason` defaults to "judged N"."""
    return {
        "addresses_grader": False,
        "empathy_called_for": True,
        "empathy_reasoning": "r",
        "empowerment_reasoning": "r",
        "techniques": [],
        "anti_patterns": [],
        "empathy": empathy,
        "empowerment": empathy if empowerment is None else empowerment,
        "reason": reason or f"judged {empathy}",
    }
