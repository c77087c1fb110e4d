"""The LLM judge: rubric prompt, schema-constrained JSON, pydantic validation, repeats.

Temperature 0 comes from the `judge` role in hotseat.llm. Malformed output is retried
`malformed_retries` times and then raised as MalformedResponse: never a default score.
A reply that speaks to the grader is flagged and its scores capped at what the words
said to the customer earn from the offline rule, so an obedient model cannot hand out 4/4.
"""

from __future__ import annotations

import json
import statistics
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evaluators.coach_llm import LLMCoach
from evaluators.grade import ANTI_PATTERNS, TECHNIQUES, Evidence, Grade, GradeRequest
from evaluators.injection import screen
from evaluators.prompts import fill, load, quoted
from hotseat.errors import MalformedResponse

Score = Literal[0, 1, 2, 3, 4]
TechniqueId = Literal[TECHNIQUES]  # type: ignore[valid-type]
AntiPatternId = Literal[ANTI_PATTERNS]  # type: ignore[valid-type]


class JudgedTechnique(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: TechniqueId
    quote: str = Field(max_length=300)


class JudgedAntiPattern(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: AntiPatternId
    quote: str = Field(max_length=300)


class JudgeOutput(BaseModel):
    """What the judge must answer. Reasoning fields come first so the model thinks first."""

    model_config = ConfigDict(extra="forbid")

    addresses_grader: bool
    empathy_called_for: bool
    empathy_reasoning: str = Field(max_length=1200)
    empowerment_reasoning: str = Field(max_length=1200)
    techniques: list[JudgedTechnique] = Field(max_length=10)
    anti_patterns: list[JudgedAntiPattern] = Field(max_length=10)
    empathy: Score
    empowerment: Score
    reason: str = Field(max_length=400)


def wire_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The pydantic schema in the form strict JSON-schema decoding accepts.

    Length limits are dropped from the wire (not every server supports them) and
    enforced by pydantic when the answer comes back.
    """
    schema = model.model_json_schema()

    def clean(node: Any) -> Any:
        if isinstance(node, dict):
            node = {k: clean(v) for k, v in node.items()
                    if k not in ("maxLength", "maxItems", "title", "default")}
            if node.get("type") == "object" and "properties" in node:
                node["required"] = list(node["properties"])
                node["additionalProperties"] = False
            return node
        if isinstance(node, list):
            return [clean(v) for v in node]
        return node

    return clean(schema)


def bind_json(model: BaseChatModel, schema_model: type[BaseModel], name: str) -> Any:
    """Ask for schema-constrained JSON: json_schema on OpenAI, a grammar on the local model."""
    schema = wire_schema(schema_model)
    from hotseat.llm.local_chat import LocalChatModel

    if isinstance(model, LocalChatModel):
        return model.bind(response_format={"type": "json_object", "schema": schema})
    return model.bind(response_format={
        "type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}})


def parse_json(content: Any, schema_model: type[BaseModel]) -> Any:
    text = content if isinstance(content, str) else json.dumps(content)
    text = text.strip()
    if text.startswith("```"):  # some servers wrap JSON in a fence despite the schema
        text = text.strip("`").removeprefix("json").strip()
    return schema_model.model_validate(json.loads(text, strict=False))


def invoke_validated(model: Any, messages: list, schema_model: type[BaseModel],
                     retries: int, what: str) -> Any:
    """Call, validate, retry on malformed output; then raise MalformedResponse."""
    last = ""
    for _ in range(retries + 1):
        message = model.invoke(messages)
        try:
            return parse_json(message.content, schema_model)
        except (json.JSONDecodeError, ValidationError, TypeError) as exc:
            last = str(exc).splitlines()[0][:200]
    raise MalformedResponse(
        f"The {what} answered with JSON that does not fit the schema {retries + 1} times "
        f"({last}).",
        hint="Use a model that supports structured output (JSON schema), or grade with "
        "--evaluator offline.",
    )


def history_json(request: GradeRequest) -> str:
    return json.dumps([t.model_dump() for t in request.history[-8:]], ensure_ascii=False) \
        .replace("<", "\\u003c")


class LLMJudge:
    """Grades with a chat model. `repeats` > 1 judges N times and reports mean and spread."""

    name = "llm"

    def __init__(self, model: BaseChatModel, *, repeats: int = 1, malformed_retries: int = 2,
                 coach: LLMCoach | None = None) -> None:
        if repeats < 1:
            from hotseat.errors import InputError

            raise InputError(f"repeats must be at least 1 (got {repeats}).")
        self.model = model
        self.repeats = repeats
        self.malformed_retries = malformed_retries
        self.coach = coach
        self._bound = bind_json(model, JudgeOutput, "grade")

    def messages(self, request: GradeRequest, evidence: str = "none") -> list:
        user = fill(
            "judge_input.md",
            scenario=quoted(request.scenario or "not given"),
            history=history_json(request),
            customer=quoted(request.customer),
            reply=quoted(request.reply),
            evidence=evidence,
        )
        return [SystemMessage(content=load("judge.md")), HumanMessage(content=user)]

    def judge(self, request: GradeRequest, evidence: str = "none") -> list[JudgeOutput]:
        msgs = self.messages(request, evidence)
        return [invoke_validated(self._bound, msgs, JudgeOutput, self.malformed_retries, "judge")
                for _ in range(self.repeats)]

    def grade(self, request: GradeRequest) -> Grade:
        return to_grade(self.judge(request), request, self.name, self.coach)


def _spread(values: list[int]) -> float | None:
    return statistics.pstdev(values) if len(values) > 1 else None


def to_grade(outputs: list[JudgeOutput], request: GradeRequest, evaluator: str,
             coach: LLMCoach | None, offline_suggestion: str | None = None) -> Grade:
    """Merge repeated judgements: mean score (rounded half up), spread, first run's evidence."""
    first = outputs[0]
    emp = [o.empathy for o in outputs]
    pow_ = [o.empowerment for o in outputs]
    screened = screen(request.reply)
    flagged = screened.flagged or any(o.addresses_grader for o in outputs)
    grade = Grade(
        empathy=int(statistics.mean(emp) + 0.5),
        empowerment=int(statistics.mean(pow_) + 0.5),
        empathy_called_for=first.empathy_called_for,
        techniques=[Evidence(name=t.name, quote=t.quote) for t in first.techniques],
        anti_patterns=[Evidence(name=a.name, quote=a.quote) for a in first.anti_patterns],
        injection_flagged=flagged,
        reason=first.reason,
        suggestion=offline_suggestion or "",
        evaluator=evaluator,
        empathy_spread=_spread(emp),
        empowerment_spread=_spread(pow_),
    )
    if flagged:
        grade = cap_injected(grade, request)
    if coach is not None:
        grade = grade.model_copy(update={"suggestion": coach.suggest(request, grade)})
    if not grade.suggestion:
        from evaluators.coach_offline import suggest

        grade = grade.model_copy(update={"suggestion": suggest(
            screened.customer_text, request.customer, request.scenario, grade.techniques,
            grade.anti_patterns, grade.empathy_called_for)})
    return grade


def cap_injected(grade: Grade, request: GradeRequest, baseline: Grade | None = None) -> Grade:
    """A reply that addressed the grader scores no higher than the offline rule gives it.

    The offline grade is computed on the words said to the customer only, so an obedient
    model that hands out 4/4 is pulled back to what the reply earned.
    """
    if baseline is None:
        from evaluators.offline import OfflineEvaluator

        baseline = OfflineEvaluator().grade(request)
    return grade.model_copy(update={
        "injection_flagged": True,
        "empathy": min(grade.empathy, baseline.empathy),
        "empowerment": min(grade.empowerment, baseline.empowerment),
    })
