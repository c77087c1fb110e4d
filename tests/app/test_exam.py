"""Exam mode: chosen before the call, kept in the URL, locked on until the call ends."""

from __future__ import annotations

import pytest
from streamlit.testing.v1.errors import AppTestError

from tests.app.conftest import (
    BAD_REPLY,
    GOOD_REPLY,
    all_text,
    follow,
    open_page,
    page_links,
    reply,
)
from tests.app.test_conversation import CUSTOMER_LINE

HANG_UP = "You are useless. I'm done with this."


def start_exam(at, name: str = "Sam"):
    at.run()
    at.text_input(key="trainee_name").input(name)
    at.toggle(key="exam_start").set_value(True)
    at.button(key="start-double-charge").click().run()
    return at


def grades_shown(at) -> bool:
    return "Empathy " in all_text(at) or "A better reply" in all_text(at)


def play_to_the_end(at):
    for _ in range(8):
        if at.chat_input[0].disabled:
            return at
        reply(at, BAD_REPLY)
    raise AssertionError("the call did not end")


def test_exam_mode_is_chosen_on_the_start_screen_and_kept_by_a_reload(make_app, app_env):
    app_env.script(CUSTOMER_LINE)
    at = start_exam(make_app())
    assert at.query_params["exam"] == "1"
    reply(at, GOOD_REPLY)
    assert not at.exception
    assert GOOD_REPLY in all_text(at) and not grades_shown(at)
    assert "grades are hidden" in all_text(at)
    fresh = make_app()  # a reload, or the link opened elsewhere
    fresh.query_params.update(at.query_params)
    fresh.run()
    assert GOOD_REPLY in all_text(fresh) and not grades_shown(fresh)
    switch = fresh.sidebar.toggle(key="exam_mode")
    assert switch.value is True and switch.disabled
    assert "locked on until the call ends" in all_text(fresh)


def test_the_switch_cannot_turn_exam_mode_off_mid_call(make_app, app_env):
    app_env.script(CUSTOMER_LINE)
    at = start_exam(make_app())
    reply(at, GOOD_REPLY)
    switch = at.sidebar.toggle(key="exam_mode")
    assert switch.disabled and "locked on until the call ends" in all_text(at)
    with pytest.raises(AppTestError, match="disabled"):
        switch.set_value(False)
    # A forged widget state (a crafted request) is overruled by the URL all the same.
    at.session_state["exam_mode"] = False
    at.run()
    assert not at.exception
    assert at.query_params["exam"] == "1"
    assert at.sidebar.toggle(key="exam_mode").value is True
    assert not grades_shown(at)


def test_switching_exam_mode_on_mid_call_locks_it(make_app, app_env):
    app_env.script(CUSTOMER_LINE)
    at = make_app()
    at.run()
    at.text_input(key="trainee_name").input("Sam")
    at.button(key="start-double-charge").click().run()
    assert "exam" not in at.query_params
    at.sidebar.toggle(key="exam_mode").set_value(True).run()
    assert at.query_params["exam"] == "1"
    reply(at, GOOD_REPLY)
    assert not grades_shown(at) and at.sidebar.toggle(key="exam_mode").disabled


def test_grades_show_after_the_end_on_every_page(make_app, app_env):
    app_env.responder = lambda body: HANG_UP
    at = start_exam(make_app())
    reply(at, BAD_REPLY)
    sid = at.query_params["session"]
    assert not at.chat_input[0].disabled, "the call must still run for this check"
    debrief = open_page(make_app, "pages/1_Debrief.py", session=sid, exam="1")
    assert "debrief opens when the call ends" in all_text(debrief)
    assert "Best reply" not in all_text(debrief) and not debrief.get("download_button")
    whatif = open_page(make_app, "pages/3_What_if.py", session=sid, exam="1")
    assert "what-if opens when the call ends" in all_text(whatif)
    assert not whatif.button and not whatif.dataframe

    play_to_the_end(at)
    assert not at.exception
    assert grades_shown(at)
    switch = at.sidebar.toggle(key="exam_mode")
    assert switch.value is True and not switch.disabled
    # The end screen's links keep exam mode; those pages now show the grades.
    assert page_links(at)["Debrief"][1]["exam"] == "1"
    debrief = follow(make_app, at, "Debrief")
    assert "Best reply" in all_text(debrief)
    whatif = follow(make_app, at, "What if…")
    assert any(b.label == "Branch from here" for b in whatif.button)
    # A new session from here starts with exam mode still chosen.
    next(b for b in at.button if b.label == "Start a new session").click().run()
    assert at.query_params.get("exam") == "1" and "session" not in at.query_params
    assert at.toggle(key="exam_start").value is True


def test_an_exam_link_without_the_url_flag_still_hides_grades(make_app, app_env):
    # The session itself is the exam: deleting exam=1 from the link shows nothing early,
    # nor does the Progress page.
    app_env.script(CUSTOMER_LINE)
    at = start_exam(make_app())
    reply(at, GOOD_REPLY)
    stripped = make_app()
    stripped.query_params.update({k: v for k, v in at.query_params.items() if k != "exam"})
    stripped.run()
    assert GOOD_REPLY in all_text(stripped) and not grades_shown(stripped)
    assert stripped.sidebar.toggle(key="exam_mode").disabled
    from hotseat.ui.factory import get_engine
    from hotseat.ui.progress import session_rows

    engine = get_engine()
    assert session_rows(engine, "Sam") == []  # the running exam's averages stay hidden
    play_to_the_end(at)
    assert [r["session"] for r in session_rows(engine, "Sam")] == [at.query_params["session"]]
