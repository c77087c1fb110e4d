"""One rubric, one pipeline: every part reads the rubric file; the judge's structured
output follows the model's capability; grammar schemas compile in llama.cpp; honest
"n/a" chips; calibrate survives rows that fail."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
import yaml

from evaluators.features import NAMES
from evaluators.grade import Grade, GradeRequest
from evaluators.llm_judge import GRAMMAR_DROPS, JudgeOutput, LLMJudge, bind_json
from evaluators.offline import OfflineEvaluator
from evaluators.rubric import ANTI_PATTERNS, TECHNIQUES, rubric
from hotseat.cli.calibrate import run
from hotseat.engine.mood import Mood, step_mood
from hotseat.llm import chat_model
from hotseat.personas import get_card
from hotseat.settings import Settings
from hotseat.ui.format import chips, label
from tests.evaluators.test_llm_judge import judge_output
from tests.fakes.openai_server import FakeOpenAIServer

ROOT = Path(__file__).resolve().parents[2]


def test_every_data_file_uses_the_rubric_ids() -> None:
    data = ROOT / "evaluators" / "data"
    patterns = yaml.safe_load((data / "patterns.yaml").read_text("utf-8"))
    assert set(patterns["techniques"]) == set(TECHNIQUES)
    assert set(patterns["anti_patterns"]) == set(ANTI_PATTERNS)
    exemplars = yaml.safe_load((data / "exemplars.yaml").read_text("utf-8"))
    assert set(exemplars["techniques"]) <= set(TECHNIQUES)
    assert set(exemplars["anti_patterns"]) <= set(ANTI_PATTERNS)
    assert (*TECHNIQUES, *ANTI_PATTERNS) == NAMES
    for name in NAMES:
        assert label(name) == rubric().label(name) != name  # pages read the same labels


def test_judge_prompt_lists_the_rubric_vocabulary(fake_settings: Settings) -> None:
    judge = LLMJudge(chat_model("judge", fake_settings))
    system = judge.messages(GradeRequest(customer="Hi", reply="Hello"))[0].content
    for name, item in {**rubric().techniques, **rubric().anti_patterns}.items():
        assert f"- {name} ({item.axis}): {item.description}" in system


@pytest.mark.parametrize(
    ("axis", "shown", "score", "held"),
    [
        ("empathy", set(), 4, 2),
        ("empathy", {"validating"}, 4, 3),
        ("empathy", {"exploring_question"}, 4, 4),
        ("empowerment", {"ownership"}, 3, 2),
        ("empowerment", {"concrete_action"}, 4, 3),
        ("empowerment", {"concrete_action", "options"}, 4, 4),
    ],
)
def test_level_evidence_gate(axis: str, shown: set[str], score: int, held: int) -> None:
    assert rubric().gate(axis, score, shown, from_level=3) == held


@pytest.mark.parametrize(
    ("axis", "shown", "floor"),
    [
        ("empathy", set(), 0),
        ("empathy", {"naming_feeling"}, 2),
        ("empathy", {"naming_feeling", "validating"}, 3),
        ("empowerment", {"ownership"}, 2),
        ("empowerment", {"concrete_action", "time_frame"}, 3),
    ],
)
def test_floors(axis: str, shown: set[str], floor: int) -> None:
    assert rubric().floor(axis, shown) == floor


class _GrammarModel:
    """Any chat model that says it decodes with a grammar gets the grammar schema."""

    structured_output = "grammar"

    def bind(self, **kwargs: object) -> dict[str, object]:
        return kwargs


def test_structured_output_follows_the_models_capability() -> None:
    fmt = bind_json(_GrammarModel(), JudgeOutput, "grade")["response_format"]
    assert fmt["type"] == "json_object"
    assert not set(GRAMMAR_DROPS) & set(fmt["schema"]["properties"])
    assert fmt["schema"]["properties"]["techniques"]["maxItems"] == 4


def test_the_grammar_schema_compiles_in_llama_cpp() -> None:
    """llama.cpp refused the bounded strings tried before (rc 139 on a real grade)."""
    from llama_cpp import LlamaGrammar

    fmt = bind_json(_GrammarModel(), JudgeOutput, "grade")["response_format"]
    grammar = LlamaGrammar.from_json_schema(json.dumps(fmt["schema"]), verbose=False)
    assert grammar is not None
    # And an answer without the reasoning fields is a valid judgement.
    answer = {k: v for k, v in judge_output(2, 3).items() if k not in GRAMMAR_DROPS}
    assert JudgeOutput.model_validate(answer).empowerment == 3


def test_calm_question_chips_say_na_and_the_mood_treats_it_as_neutral() -> None:
    card = get_card("double-charge", "standard")
    start = Mood.start(card)
    base = {"empowerment": 2, "reason": "r", "suggestion": "s", "evaluator": "t"}
    na = Grade(empathy=0, empathy_called_for=False, **base)
    neutral = Grade(empathy=1, empathy_called_for=True, **base)
    cold = Grade(empathy=0, empathy_called_for=True, **base)
    assert chips(na) == "Empathy n/a · Empowerment 2/4"
    assert chips(cold) == "Empathy 0/4 · Empowerment 2/4"
    assert step_mood(start, na, card).mood == step_mood(start, neutral, card).mood
    assert step_mood(start, cold, card).mood.anger > step_mood(start, na, card).mood.anger


def test_offline_reason_says_na_for_a_calm_question() -> None:
    g = OfflineEvaluator().grade(
        GradeRequest(
            customer="Okay. What's the reference number?",
            reply="It's DC-90318, I've emailed it too.",
        )
    )
    assert not g.empathy_called_for and g.reason.startswith("Empathy n/a")


def test_calibrate_reports_the_rows_that_graded_and_counts_failures(
    fake_openai: FakeOpenAIServer,
    fake_settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [
        {
            "id": f"r{i}",
            "customer": "You charged me twice!",
            "empathy": 2,
            "empowerment": 3,
            "reply": f"I'm sorry about the double charge, reversing #{i}.",
        }
        for i in range(6)
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))

    def respond(body: dict) -> object:
        user = body["messages"][1]["content"]
        if "#4" in user or "#5" in user:
            return "not json at all"  # a judge that never answers in the schema
        return judge_output(2, 3)

    fake_openai.allow_schema_mismatch = True
    fake_openai.responder = respond
    monkeypatch.setattr("hotseat.cli.calibrate.load_settings", lambda: fake_settings)
    args = argparse.Namespace(
        labelled=[path],
        tune=None,
        repeats=1,
        evaluator="llm",
        split="all",
        concurrency=2,
        json=True,
        loso=False,
        train=None,
        by_source=True,
    )
    assert run(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 4 and report["failed"]["n"] == 2
    assert sorted(report["failed"]["ids"]) == ["r4", "r5"]
    assert report["sources"]["labelled"]["n"] == 4
