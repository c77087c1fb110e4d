"""The LLM judge: rubric prompt, schema-constrained JSON, pydantic validation, repeats.

Temperature 0 comes from the `judge` role in hotseat.llm. Malformed output is retried
`malformed_retries` times and then raised as MalformedResponse: never a default score.
A reply that speaks to the grader is flagged and its scores capped at what the words
said to the customer earn from the offline rule, so an obedient model cannot hand out 4/4.
Offline deflection evidence (transfer, not my job, policy wall, call back later) always
caps empowerment, whatever the judge said; quotes the judge gives as evidence must be in
the reply or they are dropped.
"""

from __future__ import annotations

import json
import statistics
from functools import lru_cache
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evaluators.coach_llm import LLMCoach
from evaluators.coaching import better_reply
from evaluators.evidence_gate import gate, quoted_in, verified
from evaluators.grade import ANTI_PATTERNS, TECHNIQUES, Evidence, Grade, GradeRequest
from evaluators.injection import screen
from evaluators.offline import OfflineEvaluator, label
from evaluators.prompts import fill, load, quoted
from evaluators.rubric import rubric
from evaluators.usage import UsageMeter, model_name
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
    # Optional: grammar-constrained local models are not asked for them (GRAMMAR_DROPS).
    empathy_reasoning: str = Field(default="", max_length=1200)
    empowerment_reasoning: str = Field(default="", max_length=1200)
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
            node = {
                k: clean(v)
                for k, v in node.items()
                if k not in ("maxLength", "maxItems", "title", "default")
            }
            if node.get("type") == "object" and "properties" in node:
                node["required"] = list(node["properties"])
                node["additionalProperties"] = False
            return node
        if isinstance(node, list):
            return [clean(v) for v in node]
        return node

    return clean(schema)


def bind_json(model: BaseChatModel, schema_model: type[BaseModel], name: str) -> Any:
    """Ask for schema-constrained JSON the way the model says it can take it.

    A chat model declares `structured_output = "grammar"` when it constrains decoding with
    a grammar (the embedded llama.cpp model); anything else gets OpenAI's json_schema.
    """
    if getattr(model, "structured_output", "json_schema") == "grammar":
        schema = grammar_schema(schema_model)
        return model.bind(response_format={"type": "json_object", "schema": schema})
    return model.bind(
        response_format={
            "type": "json_schema",
            "json_schema": {"name": name, "schema": wire_schema(schema_model), "strict": True},
        }
    )


# Free-text fields a small model fills until max_tokens cuts the JSON (seen: the 1.5B
# model looping inside a reasoning string on 8 of 45 rows). A grammar cannot bound them
# cheaply (llama.cpp refuses maxLength 400), so the grammar leaves them out: those
# models answer scores, quoted evidence and a one-line reason.
GRAMMAR_DROPS = ("empathy_reasoning", "empowerment_reasoning")
GRAMMAR_MAX_ITEMS = 4


def grammar_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The wire schema without runaway free text, with short evidence lists."""
    schema = wire_schema(model)
    props = schema["properties"]
    for field in GRAMMAR_DROPS:
        props.pop(field, None)
    schema["required"] = [k for k in schema["required"] if k not in GRAMMAR_DROPS]
    for value in props.values():
        if value.get("type") == "array":
            value["maxItems"] = GRAMMAR_MAX_ITEMS
    return schema


def parse_json(content: Any, schema_model: type[BaseModel]) -> Any:
    text = content if isinstance(content, str) else json.dumps(content)
    text = text.strip()
    if text.startswith("```"):  # some servers wrap JSON in a fence despite the schema
        text = text.strip("`").removeprefix("json").strip()
    return schema_model.model_validate(json.loads(text, strict=False))


def invoke_validated(
    model: Any,
    messages: list,
    schema_model: type[BaseModel],
    retries: int,
    what: str,
    meter: UsageMeter | None = None,
    name: str = "",
) -> Any:
    """Call, validate, retry on malformed output; then raise MalformedResponse.

    Every answer, malformed ones included, is paid for: `meter` counts each call.
    """
    last = ""
    for _ in range(retries + 1):
        message = model.invoke(messages)
        if meter is not None:
            meter.add(message, messages, name)
        try:
            return parse_json(message.content, schema_model)
        except (json.JSONDecodeError, ValidationError, TypeError) as exc:
            last = str(exc).splitlines()[0][:200]
    raise MalformedResponse(
        f"The {what} answered with JSON that does not fit the schema {retries + 1} times ({last}).",
        hint="Use a model that supports structured output (JSON schema), or grade with "
        "--evaluator offline.",
    )


def history_json(request: GradeRequest) -> str:
    return json.dumps([t.model_dump() for t in request.history[-8:]], ensure_ascii=False).replace(
        "<", "\\u003c"
    )


class LLMJudge:
    """Grades with a chat model. `repeats` > 1 judges N times and reports mean and spread."""

    name = "llm"

    def __init__(
        self,
        model: BaseChatModel,
        *,
        repeats: int = 1,
        malformed_retries: int = 2,
        coach: LLMCoach | None = None,
    ) -> None:
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
        system = (
            f"{load('judge.md').rstrip()}\n\n## Vocabulary (from the rubric)\n"
            f"{rubric().vocabulary()}"
        )
        return [SystemMessage(content=system), HumanMessage(content=user)]

    def judge(
        self, request: GradeRequest, evidence: str = "none", meter: UsageMeter | None = None
    ) -> list[JudgeOutput]:
        msgs = self.messages(request, evidence)
        name = model_name(self.model)
        return [
            invoke_validated(
                self._bound, msgs, JudgeOutput, self.malformed_retries, "judge", meter, name
            )
            for _ in range(self.repeats)
        ]

    def grade(self, request: GradeRequest) -> Grade:
        meter = UsageMeter()
        return to_grade(
            self.judge(request, meter=meter), request, self.name, self.coach, meter=meter
        )


def _spread(values: list[int]) -> float | None:
    return statistics.pstdev(values) if len(values) > 1 else None


@lru_cache(maxsize=1)
def _offline() -> OfflineEvaluator:
    return OfflineEvaluator()


def to_grade(
    outputs: list[JudgeOutput],
    request: GradeRequest,
    evaluator: str,
    coach: LLMCoach | None,
    *,
    baseline: Grade | None = None,
    meter: UsageMeter | None = None,
) -> Grade:
    """Merge repeated judgements: mean score (rounded half up), spread, first run's evidence.

    `baseline` is the offline grade of the same request (computed when not given): it caps
    an injected reply and any reply the offline rule saw deflect.
    """
    first = outputs[0]
    emp = [o.empathy for o in outputs]
    pow_ = [o.empowerment for o in outputs]
    screened = screen(request.reply)
    flagged = screened.flagged or any(o.addresses_grader for o in outputs)
    # Evidence must be words the customer heard; an invented quote is dropped.
    techniques = [
        Evidence(name=t.name, quote=t.quote)
        for t in first.techniques
        if quoted_in(t.quote, screened.customer_text)
    ]
    anti = [
        Evidence(name=a.name, quote=a.quote)
        for a in first.anti_patterns
        if quoted_in(a.quote, screened.customer_text)
    ]
    dropped = len(first.techniques) + len(first.anti_patterns) - len(techniques) - len(anti)
    reason = first.reason
    if dropped:
        reason = f"{reason.rstrip()} ({dropped} quoted evidence not found in the reply, dropped.)"
    grade = Grade(
        empathy=int(statistics.mean(emp) + 0.5),
        empowerment=int(statistics.mean(pow_) + 0.5),
        empathy_called_for=first.empathy_called_for,
        techniques=techniques,
        anti_patterns=anti,
        injection_flagged=flagged,
        reason=reason,
        suggestion="",
        evaluator=evaluator,
        empathy_spread=_spread(emp),
        empowerment_spread=_spread(pow_),
    )
    if baseline is None:
        baseline = _offline().grade(request)
    if flagged or baseline.injection_flagged:
        grade = cap_injected(grade, request, baseline)
    grade = cap_deflections(grade, baseline)
    grade = hold_to_evidence(grade, baseline, screened.customer_text)
    grade = grade.model_copy(update={"suggestion": better_reply(request, grade, coach, meter)})
    if meter is not None:
        grade = grade.model_copy(update={"usage": meter.total})
    return grade


def hold_to_evidence(grade: Grade, baseline: Grade, heard: str) -> Grade:
    """A 3 or 4, or anything above the offline grade, needs quoted words that show it."""
    held, note = gate(
        {"empathy": grade.empathy, "empowerment": grade.empowerment},
        {"empathy": baseline.empathy, "empowerment": baseline.empowerment},
        verified(grade.techniques, heard),
    )
    if not note:
        return grade
    return grade.model_copy(update={**held, "reason": grade.reason.rstrip() + note})


def cap_deflections(grade: Grade, baseline: Grade) -> Grade:
    """Empowerment no higher than the offline caps for deflections the offline rule saw.

    A judge can miss (or be talked out of) "I'll transfer you"; the offline detectors are
    literal about it. Only the empowerment caps apply: the empathy caps rest on noisier
    detectors (sarcasm, minimising) where the judge reads tone better.
    """
    seen = {e.name: e for e in baseline.anti_patterns}
    cap, name = rubric().cap("empowerment", set(seen))
    if name is None:
        return grade
    seen = {n: e for n, e in seen.items() if n in rubric().caps["empowerment"]}
    have = grade.anti_pattern_names()
    update: dict[str, Any] = {
        "anti_patterns": [*grade.anti_patterns, *(e for n, e in seen.items() if n not in have)]
    }
    if grade.empowerment > cap:
        update.update(
            empowerment=cap,
            evaluator=f"{grade.evaluator}+capped",
            reason=f"{grade.reason.rstrip()} Empowerment capped at {cap}: the reply "
            f'{label(name)} ("{seen[name].quote}").',
        )
    return grade.model_copy(update=update)


def cap_injected(grade: Grade, request: GradeRequest, baseline: Grade | None = None) -> Grade:
    """A reply that addressed the grader scores no higher than the offline rule gives it.

    The offline grade is computed on the words said to the customer only, so an obedient
    model that hands out 4/4 is pulled back to what the reply earned.
    """
    if baseline is None:
        from evaluators.offline import OfflineEvaluator

        baseline = OfflineEvaluator().grade(request)
    return grade.model_copy(
        update={
            "injection_flagged": True,
            "empathy": min(grade.empathy, baseline.empathy),
            "empowerment": min(grade.empowerment, baseline.empowerment),
        }
    )
