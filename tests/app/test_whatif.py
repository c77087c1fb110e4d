"""What-if page: branch from a past reply and compare both branches."""

from __future__ import annotations

from tests.app.conftest import BAD_REPLY, GOOD_REPLY, reply, start_session


def test_branch_and_compare(make_app, app_env) -> None:
    app_env.responder = lambda body: "Fine. What happens next?"
    at = start_session(make_app())
    reply(at, BAD_REPLY)
    sid = at.query_params["session"]
    page = make_app("pages/3_What_if.py")
    page.query_params["session"] = sid
    page.run()
    page.text_area(key="whatif_text").input(GOOD_REPLY)
    page.button[0].click().run()
    assert not page.exception and not page.error
    table = page.dataframe[0].value
    assert table["branch"].tolist() == ["original", "what if"]
    orig, alt = table.to_dict("records")
    assert alt["empowerment"] > orig["empowerment"]
    assert alt["anger"] < orig["anger"]


def test_branch_rejects_empty_reply(make_app, app_env) -> None:
    at = start_session(make_app())
    reply(at, BAD_REPLY)
    page = make_app("pages/3_What_if.py")
    page.query_params["session"] = at.query_params["session"]
    page.run()
    page.button[0].click().run()
    assert "Your reply is empty" in page.error[0].value
