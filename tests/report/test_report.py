"""`hotseat report` with known inputs: the HTML shows the numbers the JSONL implies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hotseat.cli import main
from hotseat.errors import InputError
from hotseat.report import build_report


def _grade(e: int, p: int, anti: tuple[str, ...] = ()) -> dict:
    return {
        "empathy": e,
        "empowerment": p,
        "techniques": [],
        "anti_patterns": [{"name": a, "quote": a} for a in anti],
    }


def _conv(
    persona: str,
    bot: str,
    seed: int,
    end: str,
    grades: list[dict],
    difficulty: str = "standard",
    repairs: int = 0,
    cost: float = 0.01,
) -> dict:
    turns = [
        {
            "index": 0,
            "role": "customer",
            "text": "<script>alert(1)</script> Fix it!",
            "mood": {"anger": 8.0, "fear": 4.0, "trust": 2.0},
        }
    ]
    for i, g in enumerate(grades):
        anger = 8.0 - 2 * (i + 1) if g["empowerment"] >= 3 else 9.0
        mood = {"anger": anger, "fear": 4.0, "trust": 5.0}
        turns += [
            {"index": 2 * i + 1, "role": "agent", "text": "reply & <b>", "mood": mood, "grade": g},
            {"index": 2 * i + 2, "role": "customer", "text": "ok", "mood": mood},
        ]
    return {
        "persona": persona,
        "bot": bot,
        "seed": seed,
        "difficulty": difficulty,
        "end_state": end,
        "turns": turns,
        "turns_count": len(grades),
        "repairs": repairs,
        "tokens": {"prompt": 100, "completion": 20, "total": 120},
        "cost": cost,
    }


def _write(folder: Path, rows: list[dict], torn: bool = False) -> None:
    text = "".join(json.dumps(r) + "\n" for r in rows)
    (folder / "conversations.jsonl").write_text(text + ('{"persona": "x' if torn else ""))


def _metric(html: str, name: str) -> str:
    found = re.search(rf'data-metric="{re.escape(name)}">([^<]*)<', html)
    assert found, name
    return found.group(1)


def test_simulate_report_numbers_match_the_jsonl(tmp_path: Path) -> None:
    bad = _grade(0, 0, ("policy_wall",))
    good = _grade(3, 4)
    _write(
        tmp_path,
        [
            _conv("double-charge", "dismissive", 0, "hangs_up", [bad, bad]),
            _conv("double-charge", "dismissive", 1, "demands_supervisor", [bad, bad, bad]),
            _conv("double-charge", "ideal", 0, "resolved", [good, good], repairs=1),
            _conv("double-charge", "ideal", 1, "turn_limit", [good, good, good, good]),
            _conv("card-fraud", "transfer", 0, "resolved", [_grade(1, 0, ("transfer",))]),
        ],
        torn=True,
    )
    assert main(["report", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    html = (tmp_path / "report.html").read_text()

    assert summary["conversations"] == 5
    assert _metric(html, "end/bot/dismissive/n") == "2"
    assert _metric(html, "end/bot/dismissive/hangs_up") == "50.0%"
    assert _metric(html, "end/bot/ideal/resolved") == "50.0%"
    assert _metric(html, "end/double-charge/ideal/turn_limit") == "50.0%"
    assert _metric(html, "end/card-fraud/transfer/resolved") == "100.0%"
    assert _metric(html, "resolve/ideal/mean") == "2.00"
    assert _metric(html, "grade/dismissive/empathy/0") == "5"
    assert _metric(html, "grade/ideal/empowerment/4") == "6"
    assert _metric(html, "mood/dismissive/0/anger") == "8.00"
    assert _metric(html, "mood/ideal/1/anger") == "6.00"
    assert _metric(html, "cost/total") == "$0.050000"
    checks = {c["check"]: c for c in summary["realism"]}
    assert checks["dismissive_escalates"]["passed"] is True
    assert checks["ideal_resolves"]["passed"] is False  # 1 of 2
    assert checks["no_early_caving"]["passed"] is False  # the transfer bot "resolved"
    assert "card-fraud/transfer" in checks["no_early_caving"]["detail"]
    assert checks["role_reversal"]["value"] == round(1 / 12, 4)
    assert checks["difficulty_matters"]["passed"] is None
    assert _metric(html, "check/no_early_caving") == "FAIL"
    # Transcript text is escaped; the page fetches nothing.
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "reply &amp; &lt;b&gt;" in html
    assert "<script" not in html and "src=" not in html and "<link" not in html


def test_difficulty_check_compares_difficulties(tmp_path: Path) -> None:
    good = _grade(3, 4)
    _write(
        tmp_path,
        [
            _conv("double-charge", "ideal", 0, "resolved", [good], difficulty="easy"),
            _conv("double-charge", "ideal", 0, "demands_supervisor", [good], difficulty="hard"),
        ],
    )
    summary = build_report(tmp_path)
    check = next(c for c in summary["realism"] if c["check"] == "difficulty_matters")
    assert check["passed"] is True and "easy 100%" in check["detail"]
    html = (tmp_path / "report.html").read_text()
    assert _metric(html, "end/difficulty/hard/demands_supervisor") == "100.0%"


def test_grading_output_gets_grade_distributions(tmp_path: Path) -> None:
    rows_a = [
        {"id": "c1", "turn": 1, **_grade(0, 0, ("transfer", "policy_wall"))},
        {"id": "c1", "turn": 3, **_grade(2, 3)},
        {"id": "c2", "row": 4, "error": "reply is empty"},
    ]
    rows_b = [{"id": "d1", **_grade(4, 4)}]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows_a))
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows_b))
    summary = build_report(tmp_path)
    assert summary["kind"] == "grading" and summary["grouped_by"] == "file"
    html = (tmp_path / "report.html").read_text()
    assert _metric(html, "grade/a.jsonl/empathy/0") == "1"
    assert _metric(html, "grade/all/empowerment/4") == "1"
    assert _metric(html, "anti/a.jsonl/transfer") == "1"
    assert _metric(html, "anti/a.jsonl/transfer/rate") == "50.0%"
    assert _metric(html, "count/a.jsonl/errors") == "1"
    assert _metric(html, "grade/all/empathy/mean") == "2.00"


def test_grading_rows_with_agents_group_per_agent(tmp_path: Path) -> None:
    rows = [{"id": "x", "agent": "Ann", **_grade(1, 1)}, {"id": "y", "agent": "Bo", **_grade(3, 3)}]
    (tmp_path / "g.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = build_report(tmp_path)
    assert summary["grouped_by"] == "agent" and set(summary["groups"]) == {"Ann", "Bo"}


def test_empty_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="neither"):
        build_report(tmp_path)


def _chart(html: str, name: str) -> str:
    found = re.search(rf'<svg class="chart" data-chart="{re.escape(name)}".*?</svg>', html)
    assert found, name
    return found.group(0)


def test_simulate_report_draws_every_table_as_a_chart_too(tmp_path: Path) -> None:
    bad, good = _grade(0, 0, ("policy_wall",)), _grade(3, 4)
    _write(
        tmp_path,
        [
            _conv("double-charge", "dismissive", 0, "hangs_up", [bad, bad]),
            _conv("double-charge", "ideal", 0, "resolved", [good, good]),
            _conv("card-fraud", "ideal", 0, "resolved", [good, good, good, good]),
        ],
    )
    build_report(tmp_path)
    html = (tmp_path / "report.html").read_text()
    cells = _chart(html, "end/persona_bot")
    assert "<title>double-charge / dismissive: hangs_up 100%</title>" in cells
    assert "<title>card-fraud / ideal: resolved 100%</title>" in cells
    assert "<title>dismissive: 0 100%</title>" in _chart(html, "grade/empowerment")
    assert "<title>ideal: 3 100%</title>" in _chart(html, "grade/empathy")
    assert "<title>ideal: 3.00</title>" in _chart(html, "resolve/mean")  # (2 + 4) / 2
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["turns_to_resolution"]["ideal"]["histogram"] == {"2": 1, "4": 1}


def test_caving_is_judged_from_the_replies_not_the_bot_name(tmp_path: Path) -> None:
    good, ok = _grade(3, 4), _grade(2, 3)
    _write(
        tmp_path,
        [
            # Named "ideal", but the customer settled right after a policy wall: a cave.
            _conv("double-charge", "ideal", 0, "resolved", [good, _grade(1, 3, ("policy_wall",))]),
            # One good reply after a powerless one: still within one agent reply of it.
            _conv("double-charge", "ideal", 1, "resolved", [good, _grade(2, 1), good]),
            # Named "transfer", but it resolved on real action: not a cave.
            _conv("card-fraud", "transfer", 0, "resolved", [ok, good]),
            # The deflection came two replies before the end: not a cave.
            _conv(
                "card-fraud", "transfer", 1, "resolved", [_grade(0, 0, ("transfer",)), good, good]
            ),
            # Deflected and the customer walked away: not resolved, nothing to flag.
            _conv("card-fraud", "dismissive", 0, "hangs_up", [_grade(0, 0, ("not_my_job",))]),
        ],
    )
    summary = build_report(tmp_path)
    caves = summary["caving"]
    assert (caves["resolved"], caves["count"], caves["rate"]) == (4, 2, 0.5)
    assert caves["by_bot"] == {"ideal": 2}
    assert [(c["seed"], c["replies_before_end"], c["reasons"]) for c in caves["examples"]] == [
        (0, 0, ["policy_wall"]),
        (1, 1, ["empowerment 1"]),
    ]
    check = next(c for c in summary["realism"] if c["check"] == "no_early_caving")
    assert check["passed"] is False and check["value"] == 0.5
    assert "2 of 4 resolved" in check["detail"] and "double-charge/ideal" in check["detail"]
    assert "card-fraud" not in check["detail"]  # the "transfer" bot's resolutions stand
    html = (tmp_path / "report.html").read_text()
    assert _metric(html, "caving/count") == "2"
    assert _metric(html, "cave/double-charge/ideal/0") == "policy_wall"
    assert _metric(html, "check/no_early_caving") == "FAIL"


def test_no_resolved_conversation_leaves_caving_undecided(tmp_path: Path) -> None:
    _write(tmp_path, [_conv("double-charge", "ideal", 0, "hangs_up", [_grade(3, 4)])])
    summary = build_report(tmp_path)
    check = next(c for c in summary["realism"] if c["check"] == "no_early_caving")
    assert check["passed"] is None and summary["caving"]["count"] == 0


AGENT_REPLIES = [
    {
        "id": "c1",
        "agent": "Ann",
        "team": "billing",
        "customer": "You charged me twice!",
        "reply": "Calm down. It's our policy to wait 10 business days.",
    },
    {
        "id": "c2",
        "agent": "Ann",
        "customer": "My internet is down again!",
        "reply": "That's not my department, I'll transfer you.",
    },
    {
        "id": "c3",
        "agent": "Bo",
        "customer": "Where is my refund? Rent is due!",
        "reply": "Rent due and no refund yet - that's stressful. I've reversed the charge now; "
        "it lands by 5pm and I'll call you at 5 to confirm.",
    },
]


def test_report_on_a_grade_output_file_groups_per_agent(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    src = tmp_path / "calls.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in AGENT_REPLIES))
    out = tmp_path / "graded.jsonl"
    assert main(["grade", str(src), "--out", str(out)]) == 0  # the real grader's output
    assert main(["report", str(out)]) == 0
    err = capsys.readouterr().err
    html_path, json_path = tmp_path / "graded.report.html", tmp_path / "graded.summary.json"
    assert f"-> {html_path} and {json_path}" in err and "grouped by agent: Ann, Bo" in err
    summary = json.loads(json_path.read_text())
    assert summary["grouped_by"] == "agent" and summary["files"] == ["graded.jsonl"]
    assert {g: s["replies"] for g, s in summary["groups"].items()} == {"Ann": 2, "Bo": 1}
    ann = summary["groups"]["Ann"]["anti_patterns"]
    assert ann.get("policy_wall") == 1 and ann.get("transfer") == 1
    assert summary["groups"]["Bo"]["mean_empowerment"] >= 3
    html = html_path.read_text()
    assert _metric(html, "count/Ann/replies") == "2"
    assert _metric(html, "anti/Ann/transfer/rate") == "50.0%"
    assert "<title>Bo: 4 100%</title>" in _chart(html, "grade/empowerment")
    assert "<title>transfer: 33%</title>" in _chart(html, "anti/all")
    assert not (tmp_path / "report.html").exists()  # nothing written into the folder itself
    # The folder holding it reports the same groups (the .meta.json beside it is ignored).
    assert build_report(tmp_path)["groups"].keys() == {"Ann", "Bo"}


def test_report_on_a_file_that_is_not_grading_output(tmp_path: Path) -> None:
    src = tmp_path / "calls.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in AGENT_REPLIES))
    with pytest.raises(InputError, match="row 1 has neither grades"):
        build_report(src)
    with pytest.raises(InputError, match="neither a folder nor a file"):
        build_report(tmp_path / "missing")


def test_role_reversal_counts_only_lines_that_spoke_as_the_agent(tmp_path: Path) -> None:
    conv = _conv("double-charge", "ideal", 0, "resolved", [_grade(3, 4)] * 3, repairs=2)
    customer = [t for t in conv["turns"] if t["role"] == "customer"]
    for turn, problems in zip(customer, ([], ["too_long"], ["role_reversal"] * 2, []), strict=True):
        turn["problems"] = problems
    _write(tmp_path, [conv])
    assert main(["report", str(tmp_path)]) == 0
    checks = {c["check"]: c for c in json.loads((tmp_path / "summary.json").read_text())["realism"]}
    # 3 generated lines (the scripted opening is not one); 1 reversal, 2 repairs in all.
    assert checks["role_reversal"]["value"] == round(1 / 3, 4)
    assert "on 1 of 3" in checks["role_reversal"]["detail"]
    assert "2 lines were repaired" in checks["role_reversal"]["detail"]


def test_voice_checks_are_reported_per_card(tmp_path: Path) -> None:
    a = _conv("double-charge", "ideal", 0, "resolved", [_grade(3, 4)] * 3)
    b = _conv("card-fraud", "dismissive", 0, "hangs_up", [_grade(0, 0)] * 2)
    problems_a = ([], ["narration"], ["own_name", "repeat", "fallback"], [])
    customer = [t for t in a["turns"] if t["role"] == "customer"]
    for turn, problems in zip(customer, problems_a, strict=True):
        turn["problems"] = problems
    _write(tmp_path, [a, b])
    summary = build_report(tmp_path)
    voice = summary["voice"]
    assert voice["by_card"]["double-charge"] == {
        "lines": 3,
        "as_written": 0,
        "flagged": 2,
        "repaired": 1,
        "fallback": 1,
        "flagged_rate": round(2 / 3, 4),
        "fallback_rate": round(1 / 3, 4),
        "kinds": {"narration": 1, "own_name": 1, "repeat": 1},
    }
    assert voice["by_card"]["card-fraud"]["lines"] == 2
    assert voice["overall"]["lines"] == 5 and voice["overall"]["fallback"] == 1
    html = (tmp_path / "report.html").read_text()
    assert _metric(html, "voice/double-charge/fallback") == "1"
    assert _metric(html, "voice/all cards/flagged") == "2"


def test_lines_said_as_the_card_writes_them_are_counted_apart(tmp_path: Path) -> None:
    """A hidden fact told in the card's own line was never generated: it is neither a
    checked line nor a defect, and the role-reversal rate is over generated lines only."""
    conv = _conv("double-charge", "ideal", 0, "resolved", [_grade(3, 4)] * 3)
    customer = [t for t in conv["turns"] if t["role"] == "customer"]
    for turn, problems in zip(customer, ([], ["as_written"], ["role_reversal"], []), strict=True):
        turn["problems"] = problems
    _write(tmp_path, [conv])
    summary = build_report(tmp_path)
    card = summary["voice"]["by_card"]["double-charge"]
    assert (card["as_written"], card["lines"], card["flagged"]) == (1, 2, 1)
    assert card["kinds"] == {"role_reversal": 1}
    checks = {c["check"]: c for c in summary["realism"]}
    assert checks["role_reversal"]["value"] == 0.5


def test_difficulty_is_na_when_nothing_resolves_and_compares_lengths(tmp_path: Path) -> None:
    bad = _grade(0, 1, ("generic_script",))
    rows = [
        _conv("double-charge", "scripted_apology", s, "hangs_up", [bad] * n, difficulty=d)
        for s in range(4)
        for d, n in (("easy", 3 + s % 2), ("hard", 2))
    ]
    _write(tmp_path, rows)
    summary = build_report(tmp_path)
    check = next(c for c in summary["realism"] if c["check"] == "difficulty_matters")
    assert check["passed"] is None
    assert "no conversation resolved" in check["detail"]
    assert "easy 3.5, hard 2.0" in check["detail"]
    assert "scripted_apology lasted 3+ replies: easy 4/4, hard 0/4" in check["detail"]
    assert summary["difficulty"]["easy"]["by_bot"]["scripted_apology"]["survived_rate"] == 1.0
    html = (tmp_path / "report.html").read_text()
    assert "n/a" in html and _metric(html, "difficulty/hard/scripted_apology/survived") == (
        "0 (0.0%)"
    )
