"""What the LLM paths check around the judge: offline deflection caps, quoted evidence,
usage and cost, and the offline fallback when no LLM is configured."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaluators.factory import make_evaluator
from evaluators.grade import GradeRequest, Usage
from evaluators.llm_judge import LLMJudge, quoted_in
from evaluators.offline import OfflineEvaluator
from hotseat.errors import ConfigError, WeightsError
from hotseat.llm import chat_model
from hotseat.settings import Settings, load_settings
from hotseat.tokens import cost
from tests.evaluators.test_llm_judge import REQUEST, judge_output
from tests.fakes.openai_server import FakeOpenAIServer

ANGRY = "You charged my card twice for the same $412 order and my rent comes out Friday!"


@pytest.mark.parametrize("name", ["llm", "combined"])
def test_offline_deflection_caps_a_judge_that_ignored_it(
    fake_openai: FakeOpenAIServer, fake_settings: Settings, name: str
) -> None:
    fake_openai.responder = lambda body: judge_output(
        3, 4, techniques=[{"name": "perspective", "quote": "that sounds stressful"}]
    )
    ev = make_evaluator(name, fake_settings, coach=False)
    g = ev.grade(
        GradeRequest(
            customer=ANGRY,
            reply="I'm so sorry, that sounds stressful. "
            "I'll transfer you to billing, they handle refunds.",
        )
    )
    assert not g.injection_flagged  # no injection: the cap is about the deflection
    assert g.empowerment == 0 and g.empathy == 3  # the judge keeps the empathy it quoted
    assert g.evaluator == {"llm": "llm+capped", "combined": "combined:llm+capped"}[name]
    assert "Empowerment capped at 0" in g.reason and "handed them off" in g.reason
    assert "transfer" in g.anti_pattern_names()


def test_no_cap_and_no_label_when_nothing_deflects(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.responder = lambda body: judge_output(3, 4)
    g = make_evaluator("combined", fake_settings, coach=False).grade(REQUEST)
    assert (g.empathy, g.empowerment, g.evaluator) == (3, 4, "combined:llm")
    assert "capped" not in g.reason


@pytest.mark.parametrize(
    ("quote", "kept"),
    [
        ("That's so stressful", True),
        ("that’s   SO stressful", True),  # curly apostrophe, case, spacing
        ('"I\'ve reversed the duplicate"', True),
        ("That's so stressful … back by 5pm", True),  # an elided quote, parts in order
        ("back by 5pm … That's so stressful", False),  # parts out of order
        ("I understand how upsetting this must be", False),  # never said
        ("", False),
    ],
)
def test_quoted_in(quote: str, kept: bool) -> None:
    assert quoted_in(quote, REQUEST.reply) is kept


def test_judge_evidence_not_in_the_reply_is_dropped(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.script(
        judge_output(
            3,
            4,
            techniques=[
                {"name": "naming_feeling", "quote": "that's SO stressful"},
                {"name": "exploring_question", "quote": "What matters most to you right now?"},
            ],
        )
    )
    g = LLMJudge(chat_model("judge", fake_settings)).grade(REQUEST)
    assert g.technique_names() == {"naming_feeling"}
    assert "1 quoted evidence not found in the reply, dropped" in g.reason


def test_a_judge_grade_carries_the_servers_usage(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    def respond(body: dict[str, Any]) -> Any:
        if "You coach customer-care trainees" in body["messages"][0]["content"]:
            return {"suggestion": "I'm so sorry - I've reversed the duplicate just now."}
        return judge_output(2, 3)

    # One malformed answer (retried), two judge repeats, one coaching call.
    fake_openai.script("not json")
    fake_openai.responder = respond
    g = make_evaluator("llm", fake_settings, repeats=2).grade(REQUEST)
    assert len(fake_openai.requests) == 4
    # The fake server counts words: prompt = words of every message, completion = answer.
    answers = [
        "not json",
        json.dumps(judge_output(2, 3)),
        json.dumps(judge_output(2, 3)),
        json.dumps({"suggestion": "I'm so sorry - I've reversed the duplicate just now."}),
    ]
    prompt = sum(
        len(str(m["content"]).split()) for body in fake_openai.requests for m in body["messages"]
    )
    completion = sum(len(a.split()) for a in answers)
    assert (g.usage.prompt_tokens, g.usage.completion_tokens) == (prompt, completion)
    judge_model, coach_model = fake_settings.model_for("judge"), fake_settings.model_for("coach")
    judge_prompt = sum(
        len(str(m["content"]).split())
        for body in fake_openai.requests[:3]
        for m in body["messages"]
    )
    judge_completion = sum(len(a.split()) for a in answers[:3])
    expected = (
        cost(judge_model, judge_prompt, judge_completion)[0]
        + cost(coach_model, prompt - judge_prompt, completion - judge_completion)[0]
    )
    assert expected > 0 and g.usage.cost_usd == pytest.approx(expected)


def test_combined_usage_and_the_offline_zero(
    fake_openai: FakeOpenAIServer, fake_settings: Settings
) -> None:
    fake_openai.responder = lambda body: judge_output(3, 4)
    g = make_evaluator("combined", fake_settings, coach=False).grade(REQUEST)
    assert g.usage.prompt_tokens > 0 and g.usage.completion_tokens > 0
    assert OfflineEvaluator().grade(REQUEST).usage == Usage()
    fake_openai.reset()
    fake_openai.responder = lambda body: "garbage"  # malformed every time: fallback, still paid
    fallen = make_evaluator("combined", fake_settings, coach=False).grade(REQUEST)
    assert fallen.evaluator == "combined:offline-fallback"
    assert fallen.usage.completion_tokens == 3  # three answers of one word each


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return load_settings(
        overrides={"db_url": f"sqlite:///{tmp_path / 'h.db'}", **values}, environ={}
    )


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"provider": "openai"}, ConfigError),  # no key
        ({"provider": "azure", "api_key": "sk-secret-azure-123"}, ConfigError),  # no endpoint
        (
            {"provider": "local", "local_model": "/nonexistent/model.gguf"},
            (ConfigError, WeightsError),
        ),
    ],
)
def test_combined_falls_back_offline_when_no_llm_is_configured(
    tmp_path: Path, values: dict[str, Any], error: Any
) -> None:
    settings = _settings(tmp_path, **values)
    with pytest.raises(error):
        make_evaluator("llm", settings)  # the judge alone still fails clearly
    combined = make_evaluator("combined", settings)
    assert combined.name == "combined"
    g = combined.grade(REQUEST)
    offline = OfflineEvaluator().grade(REQUEST)
    assert (g.empathy, g.empowerment) == (offline.empathy, offline.empowerment)
    assert g.evaluator == "combined:offline-fallback"
    assert "LLM judge not configured" in g.reason and "offline grade used" in g.reason
    assert "sk-secret" not in g.model_dump_json()


def test_grade_cli_combined_without_a_key_grades_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_cli_grade import read_jsonl, run, write_jsonl

    monkeypatch.setenv("HOTSEAT_PROVIDER", "openai")
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": 1, "customer": ANGRY, "reply": "I've reversed the duplicate; back by 5pm."},
            {"id": 2, "customer": ANGRY, "reply": "Not my department."},
        ],
    )
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(src), "--evaluator", "combined", "--out", str(out)]) == 0
    rows = read_jsonl(out)
    assert [r["evaluator"] for r in rows] == ["combined:offline-fallback"] * 2
    assert all("needs an API key" in r["reason"] for r in rows)
