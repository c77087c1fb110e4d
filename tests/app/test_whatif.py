"""What-if page: branch from a past reply, continue the branch, compare it with its original."""

from __future__ import annotations

import re

from hotseat.ui.whatif_page import BRANCH_BUTTON, picked_key
from tests.app.conftest import (
    BAD_REPLY,
    GOOD_REPLY,
    all_text,
    follow,
    open_page,
    page_links,
    reply,
    start_session,
)

WHAT_IF = "pages/3_What_if.py"
LATER_REPLY = "I have refunded it; the confirmation email is on its way to you now."


def _played(make_app, app_env, name: str = "Sam") -> str:
    app_env.responder = lambda body: "Fine. What happens next?"
    at = start_session(make_app(), name=name)
    reply(at, BAD_REPLY)
    return at.query_params["session"]


def _branch(page, text: str = GOOD_REPLY):
    page.text_area(key="whatif_text").input(text)
    next(b for b in page.button if b.label == "Branch from here").click()
    return page.run()


def test_branch_and_compare(make_app, app_env) -> None:
    sid = _played(make_app, app_env)
    page = _branch(open_page(make_app, WHAT_IF, session=sid, trainee="Sam"))
    assert not page.exception and not page.error
    table = page.dataframe[0].value
    assert table["branch"].tolist() == ["original", "what if"]
    orig, alt = table.to_dict("records")
    assert alt["empowerment"] > orig["empowerment"]
    assert alt["anger"] < orig["anger"]
    text = all_text(page)  # both transcripts, side by side, with their grades
    assert "Original" in text and "What if" in text
    assert BAD_REPLY in text and GOOD_REPLY in text
    assert text.count("A better reply") == 2


def test_continue_a_branch_then_reopen_compares_with_the_parent(make_app, app_env) -> None:
    sid = _played(make_app, app_env)
    page = _branch(open_page(make_app, WHAT_IF, session=sid, trainee="Sam"))
    # Continue: a page link (not a plain URL) that carries the branch's session id.
    _, params = page_links(page)["Continue the what-if conversation"]
    assert params["session"] != sid and params["trainee"] == "Sam"
    chat = follow(make_app, page, "Continue the what-if conversation")
    assert GOOD_REPLY in all_text(chat) and BAD_REPLY not in all_text(chat)
    reply(chat, LATER_REPLY)
    assert not chat.exception
    # Later, from the branch's own conversation, the comparison is one link away.
    again = follow(make_app, chat, "Compare with the original")
    assert not again.exception and not again.error
    assert again.query_params["session"] == params["session"]
    assert [h.value for h in again.subheader][0] == "This what-if vs the original, from turn 1"
    rows = again.dataframe[0].value.to_dict("records")
    assert [(r["branch"], r["turn"]) for r in rows] == [
        ("original", 1),
        ("what if", 1),
        ("what if", 3),
    ]
    assert LATER_REPLY in all_text(again)


def test_branches_are_kept_per_session_and_survive_a_reload(make_app, app_env) -> None:
    first = _played(make_app, app_env)
    second = _played(make_app, app_env)
    page = _branch(open_page(make_app, WHAT_IF, session=first, trainee="Sam"))
    assert len(page.dataframe) == 1
    # Same browser tab, another session: none of the first session's branches show.
    page.query_params["session"] = second
    page.run()
    assert not page.exception and len(page.dataframe) == 0
    assert GOOD_REPLY not in all_text(page)
    _branch(page, LATER_REPLY)
    assert LATER_REPLY in all_text(page) and GOOD_REPLY not in all_text(page)
    # A fresh tab (nothing in session state) on the first session finds its branch.
    fresh = open_page(make_app, WHAT_IF, session=first, trainee="Sam")
    text = all_text(fresh)
    assert GOOD_REPLY in text and LATER_REPLY not in text
    assert fresh.dataframe[0].value["branch"].tolist() == ["original", "what if"]


def test_branch_rejects_empty_reply(make_app, app_env) -> None:
    sid = _played(make_app, app_env)
    page = _branch(open_page(make_app, WHAT_IF, session=sid), text="")
    assert "Your reply is empty" in page.error[0].value


def test_branches_are_listed_by_time_and_first_words(make_app, app_env) -> None:
    sid = _played(make_app, app_env)
    page = _branch(open_page(make_app, WHAT_IF, session=sid, trainee="Sam"))
    page = _branch(page, LATER_REPLY)
    assert not page.exception and not page.error
    labels = page.selectbox(key=picked_key(sid)).options
    assert len(labels) == 2
    assert any("turn 1 · “I have refunded it; the confirmation email is…”" in x for x in labels)
    assert any("“I can hear how stressful a double charge…”" in x for x in labels)
    assert all(re.search(r"\d\d \w{3} \d\d:\d\d UTC", x) for x in labels)
    # The work is done: the button is enabled again for the next branch.
    assert not page.button(key=BRANCH_BUTTON).disabled
