"""Debrief page and its helpers: charts data, best/worst, lesson, exports."""

from __future__ import annotations

import json

from tests.app.conftest import BAD_REPLY, GOOD_REPLY, all_text, reply, start_session
from tests.app.test_conversation import CUSTOMER_LINE


def _played(make_app, app_env):
    app_env.responder = lambda body: CUSTOMER_LINE
    at = start_session(make_app())
    reply(at, BAD_REPLY)
    reply(at, GOOD_REPLY)
    return at.query_params["session"]


def test_debrief_page_shows_charts_best_worst_lesson_downloads(make_app, app_env) -> None:
    sid = _played(make_app, app_env)
    page = make_app("pages/1_Debrief.py")
    page.query_params["session"] = sid
    page.run()
    assert not page.exception
    text = all_text(page)
    assert "Best reply" in text and "Worst reply" in text
    assert "Lesson:" in text and "fear" in text.lower()
    assert "Habits to drop" in text
    assert len(page.get("vega_lite_chart")) == 2
    labels = [b.proto.label for b in page.get("download_button")]
    assert labels == ["Transcript (Markdown)", "Transcript (JSON)"]


def test_debrief_without_session_explains(make_app) -> None:
    page = make_app("pages/1_Debrief.py")
    page.run()
    assert "Open a debrief" in page.info[0].value


def test_helpers_on_a_played_session(make_app, app_env) -> None:
    from hotseat.ui import debrief
    from hotseat.ui.export import transcript_json, transcript_markdown
    from hotseat.ui.factory import get_engine

    sid = _played(make_app, app_env)
    view = get_engine().view(sid)
    d = debrief.build(view)
    assert d.worst is not None and d.best is not None
    assert d.worst.text == BAD_REPLY and d.best.text == GOOD_REPLY
    assert {name for name, _, _ in d.anti_patterns} & set(debrief.FEAR_OF_OBLIGATION)
    rows = debrief.score_rows(view)
    graded = debrief.graded_turns(view)
    # One empowerment point per reply; empathy only where it was called for ("n/a" is a gap).
    assert [r["axis"] for r in rows].count("empowerment") == len(graded) == 2
    assert [r["axis"] for r in rows].count("empathy") == sum(
        t.grade.counted_empathy is not None for t in graded
    )
    assert len(debrief.mood_rows(view)) == 9  # opening + two replies, three moods each
    md = transcript_markdown(view)
    assert GOOD_REPLY in md and "Better reply" in md
    data = json.loads(transcript_json(view))
    assert data["session_id"] == sid and len(data["transcript"]) == 5


def _turn(empathy: int, empowerment: int):
    from evaluators.grade import Grade
    from hotseat.engine import TurnView

    grade = Grade(
        empathy=empathy, empowerment=empowerment, reason="r", suggestion="s", evaluator="test"
    )
    return TurnView(index=1, role="agent", text="t", grade=grade)


def test_lesson_table() -> None:
    from collections import Counter

    from hotseat.ui.debrief import lesson

    cases = [
        (Counter(), [], "No replies"),
        (Counter(), [_turn(3, 3)], "No avoidance"),
        (Counter({"minimising": 2}), [_turn(1, 3)], "Fear of anger"),
        (Counter({"transfer": 1}), [_turn(3, 1)], "Fear of obligation"),
        (Counter({"transfer": 1, "generic_script": 1}), [_turn(1, 1)], "Both fears"),
    ]
    for anti, graded, expected in cases:
        assert lesson(anti, graded).startswith(expected), (anti, expected)


def test_debrief_from_the_sidebar_opens_this_tabs_call(make_app, app_env) -> None:
    """The sidebar's page link carries no session: the tab's last call is shown, and the
    URL then names it (so the link can be kept or shared)."""
    app_env.responder = lambda body: "Fine. What happens next?"
    at = reply(start_session(make_app(), name="Pat"), GOOD_REPLY)
    sid = at.query_params["session"]
    at.switch_page("pages/1_Debrief.py")
    at.query_params.clear()
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["📋 Debrief"]
    assert at.query_params["session"] == sid
    assert not [i for i in at.info if "Open a debrief" in i.value]


def test_debrief_with_no_call_in_this_tab_says_how_to_open_one(make_app) -> None:
    at = make_app("app.py")
    at.run()
    at.switch_page("pages/1_Debrief.py")
    at.query_params.clear()
    at.run()
    assert not at.exception
    assert any("Open a debrief" in i.value for i in at.info)
