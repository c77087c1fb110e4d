"""Cohort numbers on known stored sessions, the CSV export, and the page drawing them."""

from __future__ import annotations

import csv
import io
import json

from evaluators.offline import OfflineEvaluator
from hotseat.engine import Engine
from hotseat.settings import load_settings
from hotseat.store import NewSession, NewTurn, Store
from hotseat.studio import cohort
from tests.app.conftest import BAD_REPLY, GOOD_REPLY
from tests.studio.cohort_data import fill, grade


def test_session_rows_and_averages(store: Store) -> None:
    fill(store)
    rows = cohort.session_rows(store)
    assert [(r["trainee"], r["scenario"], r["empathy"], r["empowerment"]) for r in rows] == [
        ("Ana", "double-charge", 3.0, 3.0),
        ("Ana", "card-fraud", 0.0, 0.0),
        ("Ben", "double-charge", 1.0, 0.5),
    ]
    assert rows[2]["anti_patterns"] == {"transfer": 2}
    by_scenario = {r["scenario"]: r for r in cohort.averages_by(rows, "scenario")}
    assert by_scenario["double-charge"] == {
        "scenario": "double-charge",
        "sessions": 2,
        "empathy": 2.0,
        "empowerment": 1.75,
        "resolved": "50%",  # a rate reads the same here as in the reports
    }
    assert by_scenario["card-fraud"]["sessions"] == 1
    by_trainee = {r["trainee"]: r for r in cohort.averages_by(rows, "trainee")}
    assert (by_trainee["Ana"]["empathy"], by_trainee["Ben"]["empowerment"]) == (1.5, 0.5)
    assert cohort.top_anti_patterns(rows) == [
        {"anti_pattern": "transfer", "replies": 3, "trainees": 2},
        {"anti_pattern": "policy_wall", "replies": 1, "trainees": 1},
    ]
    trend = cohort.trend_rows(rows)
    assert {t["axis"] for t in trend} == {"empathy", "empowerment"}
    assert sum(t["sessions"] for t in trend if t["axis"] == "empathy") == 3


def test_csv_export(store: Store) -> None:
    fill(store)
    text = cohort.to_csv(cohort.session_rows(store))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(cohort.CSV_COLUMNS)
    assert [(r["trainee"], r["empowerment"], r["anti_patterns"]) for r in rows] == [
        ("Ana", "3.0", ""),
        ("Ana", "0.0", "policy_wall:1;transfer:1"),
        ("Ben", "0.5", "transfer:2"),
    ]
    assert rows[1]["outcome"] == "hangs_up" and rows[0]["replies"] == "2"


def test_cohort_page_renders_the_numbers(make_page, tmp_path) -> None:
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as s:  # the app's database (app_env)
        fill(s)
    at = make_page("pages/5_Cohort.py", signed_in=True)
    at.run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 4
    by_scenario = at.dataframe[0].value
    assert by_scenario["empowerment"].tolist() == [0.0, 1.75]  # card-fraud, double-charge
    anti = at.dataframe[2].value
    assert anti["anti_pattern"].tolist()[0] == "transfer"
    assert "3 graded sessions by 2 trainees" in "\n".join(c.value for c in at.caption)
    # Counts on a whole-number axis; days named on the time axis (no ".174" ticks).
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    anti_x = next(s["encoding"]["x"] for s in specs if s["encoding"]["x"]["field"] == "replies")
    assert anti_x["axis"]["format"] == "d" and anti_x["axis"]["tickMinStep"] == 1
    day_x = next(s["encoding"]["x"] for s in specs if s["encoding"]["x"]["field"] == "day")
    assert day_x["axis"]["format"] == "%d %b"


def test_cohort_page_says_one_trainee_not_one_trainees(make_page, tmp_path) -> None:
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as s:
        fill(s, only="Ben")
    at = make_page("pages/5_Cohort.py", signed_in=True)
    at.run()
    assert "1 graded session by 1 trainee." in "\n".join(c.value for c in at.caption)
    assert at.dataframe[0].value["resolved"].tolist() == ["0%"]


def _copy_turns(store: Store, parent_id: str, child_id: str, before: int) -> None:
    for t in store.list_turns(parent_id):
        if t.index < before:
            store.add_turn(child_id, NewTurn(**t.model_dump(include=set(NewTurn.model_fields))))


def test_branch_counts_only_from_its_branch_point(store: Store) -> None:
    fill(store)
    parent = next(
        r
        for r in store.list_sessions()
        if r.trainee_name == "Ana" and r.persona_id == "double-charge"
    )  # graded 4/4 (turn 1), 2/2 (turn 3)
    branch = store.create_session(
        NewSession(
            trainee_id=parent.trainee_id,
            persona_id=parent.persona_id,
            difficulty="standard",
            seed=0,
            persona_hash=parent.persona_hash,
            prompt_hash=parent.prompt_hash,
            provider="test",
            models={},
            parent_session_id=parent.id,
            branch_turn=3,
        )
    )
    _copy_turns(store, parent.id, branch.id, 3)  # turns 0-2, with the 4/4 reply
    store.add_turn(
        branch.id, NewTurn(role="agent", text="other reply", grade=grade(0, 1, "policy_wall"))
    )
    rows = cohort.session_rows(store)
    row = next(r for r in rows if r["session"] == branch.id)
    assert (row["replies"], row["empathy"], row["empowerment"]) == (1, 0.0, 1.0)
    assert row["branch_of"] == parent.id and row["anti_patterns"] == {"policy_wall": 1}
    by_scenario = {r["scenario"]: r for r in cohort.averages_by(rows, "scenario")}
    # (3 + 1 + 0) / 3, not (3 + 1 + 2) / 3 as when the copied 4/4 counted again.
    assert by_scenario["double-charge"]["empathy"] == 1.33
    assert cohort.top_anti_patterns(rows)[1] == {
        "anti_pattern": "policy_wall",
        "replies": 2,
        "trainees": 1,
    }
    # A branch whose own reply has no grade yet is not a graded session.
    empty = store.create_session(
        NewSession(
            trainee_id=parent.trainee_id,
            persona_id=parent.persona_id,
            difficulty="standard",
            seed=0,
            persona_hash=parent.persona_hash,
            prompt_hash=parent.prompt_hash,
            provider="test",
            models={},
            parent_session_id=parent.id,
            branch_turn=3,
        )
    )
    _copy_turns(store, parent.id, empty.id, 3)
    assert empty.id not in {r["session"] for r in cohort.session_rows(store)}


def test_engine_branch_is_counted_from_its_branch_point(studio_env, store: Store) -> None:
    engine = Engine(
        load_settings(),
        store,
        OfflineEvaluator(),
        personas_dir=studio_env["personas"],
        prompts_dir=studio_env["prompts"],
    )
    sid = engine.start("Ana", "double-charge").session_id
    for reply in (GOOD_REPLY, BAD_REPLY):
        engine.submit(sid, reply)
        engine.say_customer(sid)
    second = [t.index for t in store.list_turns(sid) if t.role == "agent"][1]
    child = engine.branch(sid, second, GOOD_REPLY)
    own = [t.grade for t in store.list_turns(child) if t.role == "agent" and t.index >= second]
    rows = {r["session"]: r for r in cohort.session_rows(store, studio_env["personas"])}
    assert rows[sid]["replies"] == 2 and rows[child]["replies"] == 1
    assert rows[child]["empathy"] == float(own[0]["empathy"])
    assert rows[child]["branch_of"] == sid


def test_cohort_page_says_how_branches_count(make_page, tmp_path) -> None:
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as s:
        fill(s)
        parent = next(
            r
            for r in s.list_sessions()
            if r.trainee_name == "Ben" and r.persona_id == "double-charge"
        )
        branch = s.create_session(
            NewSession(
                trainee_id=parent.trainee_id,
                persona_id=parent.persona_id,
                difficulty="standard",
                seed=0,
                persona_hash=parent.persona_hash,
                prompt_hash=parent.prompt_hash,
                provider="test",
                models={},
                parent_session_id=parent.id,
                branch_turn=3,
            )
        )
        _copy_turns(s, parent.id, branch.id, 3)  # with Ben's graded 1/0 reply
        s.add_turn(branch.id, NewTurn(role="agent", text="better", grade=grade(4, 4)))
    at = make_page("pages/5_Cohort.py", signed_in=True)
    at.run()
    assert not at.exception
    captions = "\n".join(c.value for c in at.caption)
    assert "4 graded sessions by 2 trainees. 1 of them are what-if branches" in captions
    by_trainee = at.dataframe[1].value
    # Ana; Ben: 1.0 and the branch's own 4.0 (1.75 when the copied 1/0 reply counted again)
    assert by_trainee["empathy"].tolist() == [1.5, 2.5]


def test_cohort_and_progress_share_the_exam_rule(studio_env, store: Store) -> None:
    """Before: Progress hid an exam still running, Cohort showed its grades."""
    engine = Engine(load_settings(), store, OfflineEvaluator())
    view = engine.start("Eve", "double-charge", exam=True)
    engine.submit(view.session_id, GOOD_REPLY)
    assert engine.view(view.session_id).grades_hidden
    assert view.session_id not in {r["session"] for r in cohort.session_rows(store)}
    store.update_session(view.session_id, end_state="resolved")
    assert view.session_id in {r["session"] for r in cohort.session_rows(store)}
