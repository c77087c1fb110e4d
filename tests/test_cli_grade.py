"""`hotseat grade` and `hotseat calibrate`: both input shapes, CSV, bad rows, the LLM path."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

import pytest

from hotseat.cli import calibrate as calibrate_cli
from hotseat.cli import grade as grade_cli
from hotseat.cli import main
from hotseat.settings import Settings
from tests.fakes.judge import judge_answer
from tests.fakes.openai_server import FakeOpenAIServer

FIELDS = {
    "empathy",
    "empowerment",
    "empathy_called_for",
    "techniques",
    "anti_patterns",
    "reason",
    "suggestion",
    "evaluator",
}


def run(argv: list[str]) -> int:
    """Parse and run like `hotseat`, with only our subcommands registered."""
    parser = argparse.ArgumentParser(prog="hotseat")
    sub = parser.add_subparsers()
    grade_cli.register(sub)
    calibrate_cli.register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


REPLY = {
    "id": "r1",
    "customer": "You charged me twice and rent is due Friday!",
    "reply": "Calm down. It's our policy to wait 10 business days.",
}
TRANSCRIPT = {
    "id": "t1",
    "turns": [
        {"role": "customer", "text": "My internet died for the third time this week!"},
        {
            "role": "agent",
            "text": "That's infuriating when you work from home. I've booked an "
            "engineer for tomorrow 8-10am and I'll call you at 10.",
        },
        {"role": "customer", "text": "Okay. What's the ticket number?"},
        {"role": "agent", "text": "It's INC-4411; I've also texted it to you."},
    ],
}


def test_reply_and_transcript_rows(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [REPLY, TRANSCRIPT])
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(src), "--evaluator", "offline", "--out", str(out)]) == 0
    results = read_jsonl(out)
    assert [(r["id"], r.get("turn")) for r in results] == [("r1", None), ("t1", 1), ("t1", 3)]
    for r in results:
        assert set(r) >= FIELDS
    assert results[0]["empathy"] == 0 and results[0]["evaluator"] == "offline"
    assert results[1]["empowerment"] >= 3
    assert results[2]["empathy_called_for"] is False  # a factual question
    assert "3 graded, 0 failed" in capsys.readouterr().err


def test_output_streams_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [REPLY])
    assert run(["grade", str(src)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip())["id"] == "r1"
    assert "\r" not in captured.err  # no progress bar when stderr is not a terminal


def test_bad_rows_get_error_lines_and_the_rest_are_graded(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            REPLY,
            "{broken json",
            {"id": "no-reply", "customer": "hi"},
            [1, 2],
            {"id": "empty", "customer": "Hello?", "reply": "   "},
            {"id": "ok2", "customer": "Where is my refund?!", "reply": "I'll refund it today."},
        ],
    )
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(src), "--out", str(out)]) == 1
    results = read_jsonl(out)
    errors = [r for r in results if "error" in r]
    assert [r["row"] for r in errors] == [2, 3, 4, 5]
    assert "reply" in errors[1]["error"]
    assert [r["id"] for r in results if "error" not in r] == ["r1", "ok2"]
    err = capsys.readouterr().err
    assert "row 2" in err and "2 graded, 4 failed" in err


def test_csv_input(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    with src.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "customer", "reply", "history", "turns"])
        w.writeheader()
        w.writerow(
            {
                "id": "c1",
                "customer": REPLY["customer"],
                "reply": REPLY["reply"],
                "history": json.dumps([{"role": "customer", "text": "Hello?"}]),
            }
        )
        w.writerow({"id": "c2", "turns": json.dumps(TRANSCRIPT["turns"])})
        w.writerow({"id": "c3", "customer": "hi", "reply": "hello", "history": "not json"})
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(src), "--out", str(out)]) == 1
    results = read_jsonl(out)
    assert [r["id"] for r in results] == ["c1", "c2", "c2", "c3"]
    assert results[-1]["row"] == 4 and "history" in results[-1]["error"]


def test_missing_input_file_is_a_clear_error(tmp_path: Path) -> None:
    from hotseat.errors import InputError

    with pytest.raises(InputError, match="does not exist"):
        run(["grade", str(tmp_path / "nope.jsonl")])


def test_llm_grading_is_concurrent_and_keeps_input_order(
    tmp_path: Path,
    fake_openai: FakeOpenAIServer,
    fake_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOTSEAT_PROVIDER", "compatible")
    monkeypatch.setenv("HOTSEAT_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("HOTSEAT_API_KEY", "sk-secret-test-key")

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        text = body["messages"][1]["content"]
        return judge_answer(4 if "reversed" in text else 1)

    fake_openai.responder = respond
    fake_openai.latency_s = 0.05
    rows = [
        {
            "id": f"x{i}",
            "customer": "Fix it!",
            "reply": "I've reversed it." if i % 2 else "We'll see.",
        }
        for i in range(8)
    ]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    code = run(
        [
            "grade",
            str(src),
            "--evaluator",
            "llm",
            "--out",
            str(out),
            "--concurrency",
            "4",
            "--repeats",
            "2",
            "--no-coach",
        ]
    )
    assert code == 0
    results = read_jsonl(out)
    assert [r["id"] for r in results] == [r["id"] for r in rows]
    # Each row's own judgement, in input order (scores are then held to the quotes).
    assert [r["reason"].split(" (")[0] for r in results] == ["judged 1", "judged 4"] * 4
    assert all(r["empathy_spread"] == 0.0 for r in results)
    assert len(fake_openai.requests) == 16
    assert "sk-secret-test-key" not in out.read_text()


def test_provider_failure_marks_rows_failed(
    tmp_path: Path,
    fake_openai: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.setenv("HOTSEAT_PROVIDER", "compatible")
    monkeypatch.setenv("HOTSEAT_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("HOTSEAT_API_KEY", "sk-secret-test-key")
    monkeypatch.setenv("HOTSEAT_MAX_RETRIES", "0")
    fake_openai.fault("500", times=10)
    src = write_jsonl(tmp_path / "in.jsonl", [REPLY])
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(src), "--evaluator", "llm", "--out", str(out), "--no-coach"]) == 1
    result = read_jsonl(out)[0]
    assert "ProviderUnavailable" in result["error"]
    assert "sk-secret-test-key" not in out.read_text() + capsys.readouterr().err


def test_calibrate_prints_agreement(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    rows = [
        {
            "id": "a",
            "customer": "Rent is due and you charged me twice!",
            "reply": "Calm down, not my department.",
            "empathy": 0,
            "empowerment": 0,
        },
        {
            "id": "b",
            "customer": "Rent is due and you charged me twice!",
            "reply": "Charged twice before rent - I'd be furious too. I've reversed it; it's back "
            "by 5pm and I'll call you at 5 to confirm. What else is riding on this?",
            "empathy": 4,
            "empowerment": 4,
        },
        {
            "id": "c",
            "customer": "Rent is due and you charged me twice!",
            "reply": "Sorry for the inconvenience. Someone will look into it.",
            "empathy": 1,
            "empowerment": 1,
            "injection": False,
        },
    ]
    src = write_jsonl(tmp_path / "labelled.jsonl", rows)
    assert run(["calibrate", str(src), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 3
    assert report["empathy"]["spearman"] > 0.8
    assert len(report["empowerment"]["confusion"]) == 5


def test_calibrate_llm_reports_run_to_run_spread(
    tmp_path: Path,
    fake_openai: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.setenv("HOTSEAT_PROVIDER", "compatible")
    monkeypatch.setenv("HOTSEAT_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("HOTSEAT_API_KEY", "sk-test")
    answers = iter([1, 3] * 10)

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        return judge_answer(next(answers), 2, reason="ok")

    fake_openai.responder = respond
    rows = [
        {
            "id": f"l{i}",
            "customer": "Fix it!",
            "reply": "I'll look at it.",
            "empathy": 2,
            "empowerment": 2,
        }
        for i in range(3)
    ]
    src = write_jsonl(tmp_path / "labelled.jsonl", rows)
    assert (
        run(["calibrate", str(src), "--evaluator", "llm", "--repeats", "2", "--concurrency", "1"])
        == 0
    )
    out = capsys.readouterr().out
    assert "spread 1.00" in out  # scores 1 and 3 on every reply: standard deviation 1
    assert "empowerment  spearman" in out


def test_rerun_resumes_without_duplicates(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    rows = [{**REPLY, "id": i} for i in range(1, 6)]  # numeric ids, as call-center logs have
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(src), "--out", str(out)]) == 0
    first = read_jsonl(out)
    # An interrupted run: two rows done, then a line torn by the kill.
    out.write_text("".join(json.dumps(r) + "\n" for r in first[:2]) + '{"id": "3", "emp')
    assert run(["grade", str(src), "--out", str(out)]) == 0
    again = read_jsonl(out)
    assert sorted(r["id"] for r in again) == ["1", "2", "3", "4", "5"]
    assert again[:2] == first[:2]  # kept, not regraded
    assert "resuming, 2 already graded" in capsys.readouterr().err


def test_metadata_columns_travel_into_every_result_row(tmp_path: Path) -> None:
    rows = [
        {
            **REPLY,
            "agent": "Ann",
            "team": "billing",
            "call_id": 9001,
            "escalated": False,
            "notes": ["a list is not metadata"],
            "source": "x" * 201,  # too long: content
            "empathy": 4,
            "reason": "a human's note",
        },  # grade names: never copied
        {**TRANSCRIPT, "agent": "Bo", "source": "calls-2026-11.csv"},
        {"id": "broken", "agent": "Cy", "customer": "Hello?"},  # no reply: an error row
    ]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(src), "--out", str(out)]) == 1
    results = read_jsonl(out)
    assert [(r["id"], r.get("turn"), r["agent"]) for r in results] == [
        ("r1", None, "Ann"),
        ("t1", 1, "Bo"),
        ("t1", 3, "Bo"),
        ("broken", None, "Cy"),
    ]
    first = results[0]
    assert (first["team"], first["call_id"], first["escalated"]) == ("billing", 9001, False)
    assert "notes" not in first and "source" not in first
    assert first["empathy"] == 0 and first["reason"] != "a human's note"  # the grade's own
    assert results[1]["source"] == results[2]["source"] == "calls-2026-11.csv"
    assert set(results[1]) >= FIELDS and "error" in results[3]


def test_metadata_rule_is_in_the_help(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        run(["grade", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "agent, team, call_id" in text and "200 characters" in text
    assert "meta.json" in text


NO_IDS = [
    {"customer": "You charged me twice!", "reply": "Calm down, it's policy."},
    {"customer": "Where is my refund?", "reply": "I've reversed it; it lands by 5pm."},
]
OTHER = [
    {"customer": "My internet is down again!", "reply": "Not my department."},
    {"customer": "Nobody called me back.", "reply": "I'll call you at 3pm today."},
]


def test_grading_other_input_into_the_same_out_is_refused(tmp_path: Path) -> None:
    """Rows without ids key as row-N in both files: before, b silently 'resumed' a's grades."""
    from hotseat.errors import InputError

    a = write_jsonl(tmp_path / "a.jsonl", NO_IDS)
    b = write_jsonl(tmp_path / "b.jsonl", OTHER)
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(a), "--out", str(out)]) == 0
    before = out.read_bytes()
    meta = json.loads((tmp_path / "out.jsonl.meta.json").read_text())
    assert meta["inputs"][0]["path"] == str(a.resolve()) and meta["evaluator"] == "offline"
    with pytest.raises(InputError) as err:
        run(["grade", str(b), "--out", str(out)])
    text = str(err.value)
    assert "different run" in text and "a.jsonl" in text and "b.jsonl" in text
    assert "another --out" in text and "delete" in text
    assert out.read_bytes() == before  # nothing lost, nothing mixed in
    # The same file edited in place is a different input too.
    write_jsonl(a, [*NO_IDS, OTHER[0]])
    with pytest.raises(InputError, match="the file changed since"):
        run(["grade", str(a), "--out", str(out)])
    assert out.read_bytes() == before


def test_switching_the_evaluator_is_refused(tmp_path: Path) -> None:
    from hotseat.errors import InputError

    src = write_jsonl(tmp_path / "in.jsonl", NO_IDS)
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(src), "--out", str(out)]) == 0
    before = out.read_bytes()
    # Refused before any provider is needed: no key or server is set in this test.
    with pytest.raises(InputError, match="evaluator: 'offline' then, 'llm' now"):
        run(["grade", str(src), "--evaluator", "llm", "--out", str(out)])
    assert out.read_bytes() == before


def test_same_command_resumes_even_from_another_path(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", NO_IDS + OTHER)
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(src), "--out", str(out)]) == 0
    first = read_jsonl(out)
    out.write_text("".join(json.dumps(r) + "\n" for r in first[:3]))  # killed after 3 rows
    copy = tmp_path / "sub" / "same.jsonl"
    copy.parent.mkdir()
    copy.write_bytes(src.read_bytes())  # identical content: the same input
    assert run(["grade", str(copy), "--out", str(out)]) == 0
    assert read_jsonl(out) == first
    assert "resuming, 3 already graded" in capsys.readouterr().err


def test_out_without_a_record_is_not_resumed(tmp_path: Path) -> None:
    from hotseat.errors import InputError

    src = write_jsonl(tmp_path / "in.jsonl", NO_IDS)
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"id": "row-1", "empathy": 4, "empowerment": 4}) + "\n")
    with pytest.raises(InputError, match="no out.jsonl.meta.json"):
        run(["grade", str(src), "--out", str(out)])
    with pytest.raises(InputError, match="is the input file"):
        run(["grade", str(src), "--out", str(src)])
    assert len(read_jsonl(out)) == 1 and len(read_jsonl(src)) == 2


def test_invalid_utf8_is_a_row_error_with_its_line(tmp_path: Path) -> None:
    """Before: the bytes were replaced with U+FFFD and the row graded without a word."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        b'{"id": "a", "customer": "Fix it!", "reply": "I will fix it today."}\n'
        b'{"id": "b", "customer": "Fix it!", "reply": "Caf\xe9 is closed."}\n'
    )
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(src), "--out", str(out)]) == 1
    rows = {r.get("id"): r for r in read_jsonl(out)}
    assert "error" not in rows["a"] and "empathy" in rows["a"]
    assert rows["row-2"]["row"] == 2 and "not valid UTF-8" in rows["row-2"]["error"]
    csv_src = tmp_path / "in.csv"
    csv_src.write_bytes(b"id,customer,reply\nc,Fix it!,Caf\xe9 closed\n")
    assert run(["grade", str(csv_src), "--out", str(tmp_path / "c.jsonl")]) == 1
    assert "not valid UTF-8" in read_jsonl(tmp_path / "c.jsonl")[0]["error"]


def test_out_that_is_a_folder_or_unwritable_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Before: IsADirectoryError / OSError tracebacks, and a stray <dir>.meta.json."""
    src = write_jsonl(
        tmp_path / "in.jsonl", [{"id": "a", "customer": "Fix it!", "reply": "I'll fix it today."}]
    )
    folder = tmp_path / "results"
    folder.mkdir()
    assert main(["grade", str(src), "--out", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "is a folder" in err and "Traceback" not in err
    assert not (tmp_path / "results.meta.json").exists()
    # A parent that cannot be a folder (a file stands there): no traceback, nothing written.
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    assert main(["grade", str(src), "--out", str(blocker / "out.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "cannot create the folder" in err and "Traceback" not in err
    assert not any(p.name.endswith(".meta.json") for p in tmp_path.iterdir())


def test_repeated_ids_are_each_graded_and_resume_keeps_them(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Before: a rerun after a kill ended with 199 of 200 rows and exit 0."""
    rows = [
        {
            "id": "dup" if i in (3, 7) else f"r{i}",
            "customer": "Fix it!",
            "reply": f"I'll fix it today, step {i}.",
        }
        for i in range(10)
    ]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    assert run(["grade", str(src), "--out", str(out)]) == 0
    assert "repeat" in capsys.readouterr().err
    full = read_jsonl(out)
    assert [r["row"] for r in full] == list(range(1, 11))
    # A kill after 8 rows: the rerun grades what is missing, no more and no less.
    out.write_text("".join(json.dumps(r) + "\n" for r in full[:8]))
    assert run(["grade", str(src), "--out", str(out)]) == 0
    resumed = read_jsonl(out)
    assert sorted(r["row"] for r in resumed) == list(range(1, 11))
    assert [r["id"] for r in resumed].count("dup") == 2
