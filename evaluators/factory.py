"""Build an evaluator by name: offline, llm or combined."""

from __future__ import annotations

from typing import Literal

from evaluators.grade import Evaluator
from hotseat.errors import ConfigError, WeightsError
from hotseat.settings import Settings

EvaluatorName = Literal["offline", "llm", "combined"]
NAMES: tuple[str, ...] = ("offline", "llm", "combined")


def make_evaluator(
    name: str, settings: Settings | None = None, *, repeats: int = 1, coach: bool = True
) -> Evaluator:
    """`coach=False` skips the LLM coaching call (the offline suggestion is used instead).

    `llm` fails here when no model can be built; `combined` falls back to the offline
    grader instead, and every grade says so (evaluator "combined:offline-fallback").
    """
    if name == "offline":
        from evaluators.offline import OfflineEvaluator

        return OfflineEvaluator()
    if name not in NAMES:
        raise ConfigError(f"Unknown evaluator {name!r}.", hint=f"Use one of {list(NAMES)}.")
    if settings is None:
        raise ConfigError(
            f"Evaluator {name!r} needs provider settings.",
            hint="Pass settings from hotseat.settings.load_settings().",
        )
    from evaluators.coach_llm import LLMCoach
    from evaluators.llm_judge import LLMJudge
    from hotseat.llm import chat_model

    try:
        llm_coach = LLMCoach(chat_model("coach", settings)) if coach else None
        # The judge's room to reason is its row in hotseat.settings.ROLE_DEFAULTS.
        judge = LLMJudge(chat_model("judge", settings), repeats=repeats, coach=llm_coach)
    except (ConfigError, WeightsError) as exc:
        if name != "combined":
            raise
        from evaluators.combined import OfflineFallback

        return OfflineFallback(exc)
    if name == "llm":
        return judge
    from evaluators.combined import CombinedEvaluator

    judge.coach = None  # the combined path coaches once, after capping
    return CombinedEvaluator(judge, coach=llm_coach)
