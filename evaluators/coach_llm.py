"""LLM coaching: a better reply that keeps the trainee's facts and adds what was missing."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field

from evaluators.grade import TECHNIQUES, Grade, GradeRequest
from evaluators.injection import screen
from evaluators.prompts import fill, load, quoted
from evaluators.usage import UsageMeter, model_name


class CoachOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suggestion: str = Field(min_length=1, max_length=1500)


class LLMCoach:
    def __init__(self, model: BaseChatModel, *, malformed_retries: int = 2) -> None:
        from evaluators.llm_judge import bind_json

        self._bound = bind_json(model, CoachOutput, "coaching")
        self._model_name = model_name(model)
        self.malformed_retries = malformed_retries

    def suggest(self, request: GradeRequest, grade: Grade, meter: UsageMeter | None = None) -> str:
        from evaluators.llm_judge import invoke_validated

        missing = [t for t in TECHNIQUES if t not in grade.technique_names()]
        if not grade.empathy_called_for:
            missing = [t for t in missing if t in ("ownership", "concrete_action", "time_frame")]
        user = fill(
            "coach_input.md",
            scenario=quoted(request.scenario or "not given"),
            customer=quoted(request.customer),
            # Coach from what the customer heard: grader-addressed text is dropped.
            reply=quoted(screen(request.reply).customer_text),
            missing=", ".join(missing) or "nothing",
            remove=", ".join(sorted(grade.anti_pattern_names())) or "nothing",
        )
        out = invoke_validated(
            self._bound,
            [SystemMessage(content=load("coach.md")), HumanMessage(content=user)],
            CoachOutput,
            self.malformed_retries,
            "coach",
            meter,
            self._model_name,
        )
        return out.suggestion
