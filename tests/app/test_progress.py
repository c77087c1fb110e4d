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
