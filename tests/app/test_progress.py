"""Progress page: a trainee's sessions, per-scenario averages and trend."""

from __future__ import annotations

from tests.app.conftest import BAD_REPLY, GOOD_REPLY, reply, start_session


def test_progress_lists_sessions_and_charts(make_app, app_env) -> None:
    app_env.responder = lambda body: "Fine. What happens next?"
    reply(start_session(make_app(), name="Pat"), GOOD_REPLY)
    reply(start_session(make_app(), name="Pat"), BAD_REPLY)
    start_session(make_app(), persona="card-fraud", name="Pat")  # no reply: not listed
    other = start_session(make_app(), name="Quinn")
    reply(other, GOOD_REPLY)
    page = make_app("pages/2_Progress.py")
    page.query_params["trainee"] = "Pat"
    page.run()
    assert not page.exception
    assert len(page.get("vega_lite_chart")) == 2
    table = page.dataframe[0].value
    assert table["scenario"].tolist() == ["double-charge", "double-charge"]  # not Quinn's
    assert table["empowerment"].tolist()[0] > table["empowerment"].tolist()[1]


def test_a_branch_counts_only_its_own_replies(make_app, app_env) -> None:
    from hotseat.ui.factory import get_engine
    from hotseat.ui.progress import scenario_rows, session_rows

    app_env.responder = lambda body: "Fine. What happens next?"
    at = start_session(make_app(), name="Pat")
    reply(at, GOOD_REPLY)
    reply(at, GOOD_REPLY)
    sid = at.query_params["session"]
    engine = get_engine()
    child = engine.branch(sid, 3, BAD_REPLY)  # keeps turn 1 (a copy), rewrites turn 3
    rows = {r["session"]: r for r in session_rows(engine, "Pat")}
    assert set(rows) == {sid, child}
    branch = rows[child]
    assert rows[sid]["replies"] == 2 and branch["replies"] == 1
    assert rows[sid]["branch_of"] == "" and branch["branch_of"] == sid
    bad = engine.view(child).transcript[3].grade
    assert (branch["empathy"], branch["empowerment"]) == (bad.counted_empathy, bad.empowerment)
    # The copied good reply no longer lifts the branch's (and so the scenario's) average.
    averages = {r["axis"]: r["score"] for r in scenario_rows(list(rows.values()))}
    assert averages["empowerment"] == round((rows[sid]["empowerment"] + bad.empowerment) / 2, 2)


def test_progress_from_the_sidebar_knows_the_name(make_app, app_env) -> None:
    """The sidebar's page link carries no URL parameters: the tab still knows who it is."""
    app_env.responder = lambda body: "Fine. What happens next?"
    at = reply(start_session(make_app(), name="Pat"), GOOD_REPLY)
    at.switch_page("pages/2_Progress.py")
    at.query_params.clear()
    at.run()
    assert not at.exception
    assert at.text_input[0].value == "Pat"
    assert at.dataframe[0].value["scenario"].tolist() == ["double-charge"]
