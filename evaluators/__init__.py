"""The grading chain: one interface (Evaluator), one result (Grade), several backends."""

from evaluators.grade import (
    ANTI_PATTERNS,
    RUBRIC_VERSION,
    TECHNIQUES,
    Evaluator,
    Evidence,
    Grade,
    GradeRequest,
    Turn,
    Usage,
)

__all__ = [
    "ANTI_PATTERNS",
    "RUBRIC_VERSION",
    "TECHNIQUES",
    "Evaluator",
    "Evidence",
    "Grade",
    "GradeRequest",
    "Turn",
    "Usage",
]
