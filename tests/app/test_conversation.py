"""The main page in Streamlit's AppTest, against the fake OpenAI server and a real SQLite."""

from __future__ import annotations

import os

from hotseat.store import Store
from tests.app.conftest import BAD_REPLY, GOOD_REPLY, all_text, reply, start_session, unescape

CUSTOMER_LINE = "Okay. So when exactly will I see that money back in my account?"


def test_start_screen_lists_scenarios(make_app) -> None:
    at = make_app()
    at.run()
    assert not at.exception
    text = all_text(at)
    assert "Hotseat" in at.title[0].value
    assert any(b.key and b.key.startswith("start-") for b in at.button)
    assert "angry" in text and "fearful" in text


def test_start_needs_a_name(make_app) -> None:
    at = make_app()
    at.run()
    at.button(key="start-double-charge").click().run()
    assert "Type your name" in all_text(at)
    assert "session" not in at.query_params


def test_reply_is_graded_mood_moves_customer_streams(make_app, app_env) -> None:
    app_env.script(CUSTOMER_LINE)
    at = start_session(make_app())
    assert not at.exception
    sid = at.query_params["session"]
    assert sid
    anger_before = at.metric[0].value
    reply(at, GOOD_REPLY)
    assert not at.exception
    text = all_text(at)
    assert "Empathy " in text and "/4 · Empowerment " in text
    assert "A better reply" in text
    assert CUSTOMER_LINE in text
    assert at.metric[0].value != anger_before
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "Provider: compatible" in sidebar and "Tokens so far" in sidebar


def test_bad_input_shows_message_and_saves_nothing(make_app, app_env) -> None:
    at = start_session(make_app())
    reply(at, "   ")
    assert "Your reply is empty" in all_text(at)
    reply(at, "x" * 5000)
    assert "the limit is 4,000" in all_text(at)
    with Store(os.environ["HOTSEAT_DB_URL"]) as store:
        turns = store.list_turns(at.query_params["session"])
    assert [t.role for t in turns] == ["customer"]


def test_html_is_shown_as_text(make_app, app_env) -> None:
    app_env.script("What is that supposed to mean?")
    at = start_session(make_app())
    evil = "<script>alert('x')</script> <b>bold</b> **stars**"
    reply(at, evil)
    raw = [m.value for m in at.markdown]
    assert any(r"\<script\>" in v for v in raw), raw
    assert all(not getattr(m.proto, "allow_html", False) for m in at.markdown)
    assert evil in all_text(at)


def test_provider_failure_shows_error_and_retry_works(make_app, app_env) -> None:
    app_env.fault("500", times=5)
    at = start_session(make_app())
    reply(at, GOOD_REPLY)
    assert not at.exception
    assert any("could not answer" in e.value for e in at.error)
    assert GOOD_REPLY in all_text(at)  # the trainee's reply stays in place
    app_env.reset()
    app_env.script(CUSTOMER_LINE)
    next(b for b in at.button if b.label == "Retry").click().run()
    assert not at.error
    assert CUSTOMER_LINE in all_text(at)


def test_reload_resumes_from_the_url(make_app, app_env) -> None:
    app_env.script(CUSTOMER_LINE)
    at = start_session(make_app())
    reply(at, GOOD_REPLY)
    sid = at.query_params["session"]
    fresh = make_app()
    fresh.query_params["session"] = sid
    fresh.run()
    text = all_text(fresh)
    assert GOOD_REPLY in text and CUSTOMER_LINE in text


def test_end_state_is_announced(make_app, app_env) -> None:
    app_env.responder = lambda body: "You are useless. I'm done with this."
    at = start_session(make_app())
    for _ in range(6):
        if at.chat_input[0].disabled if at.chat_input else True:
            break
        reply(at, BAD_REPLY)
    assert not at.exception
    banners = [e.value for e in (*at.error, *at.warning, *at.info, *at.success)]
    assert any(word in " ".join(banners) for word in ("hung up", "supervisor", "Turn limit"))
    assert at.chat_input[0].disabled


def test_a_broken_card_is_reported_not_silently_hidden(make_app, monkeypatch, tmp_path) -> None:
    import shutil

    from tests.app.conftest import ROOT

    personas = tmp_path / "personas"
    shutil.copytree(ROOT / "personas", personas)
    (personas / "card-fraud.yaml").write_text("id: card-fraud\nname: [unclosed\n")
    monkeypatch.setenv("HOTSEAT_PERSONAS_DIR", str(personas))
    at = make_app()
    at.run()
    assert not at.exception
    warning = "\n".join(w.value for w in at.warning)
    assert "card-fraud.yaml:" in warning and "not valid YAML" in warning
    keys = {b.key for b in at.button if b.key}
    assert "start-double-charge" in keys and "start-card-fraud" not in keys


def test_a_tab_answering_a_turn_another_tab_answered_gets_the_conflict_message(
    make_app, app_env
) -> None:
    app_env.script(CUSTOMER_LINE)
    first = start_session(make_app())
    second = make_app()
    second.query_params.update(dict(first.query_params))
    second.run()  # the second tab draws the opening line too
    reply(first, GOOD_REPLY)
    reply(second, "Tab two: I will refund it within the hour.")
    assert not second.exception
    errors = " ".join(e.value for e in second.error)
    assert "Another tab or window answered this turn first" in errors
    assert "Tab two: I will refund it within the hour" in all_text(second)  # not lost
    assert CUSTOMER_LINE in all_text(second)  # the latest turns are drawn
    with Store(os.environ["HOTSEAT_DB_URL"]) as store:
        turns = store.list_turns(first.query_params["session"])
    assert [(t.role, t.text) for t in turns[1:]] == [
        ("agent", GOOD_REPLY),
        ("customer", CUSTOMER_LINE),
    ]
    reply(second, "Tab two: I will call you by 5pm.")  # having seen the latest, it goes on
    assert not second.error


def test_a_reply_sent_while_the_other_tab_waits_for_the_customer_is_not_dropped(
    make_app, app_env
) -> None:
    # Streamlit drops a value sent to a box the run draws disabled; the box is disabled
    # while the customer is due, which the second tab has not seen yet.
    app_env.fault("500", times=5)  # the first tab's customer line fails: still due
    first = start_session(make_app())
    second = make_app()
    second.query_params.update(dict(first.query_params))
    second.run()
    reply(first, GOOD_REPLY)
    assert any("could not answer" in e.value for e in first.error)
    reply(second, "Tab two: I will refund it within the hour.")
    errors = unescape(" ".join(e.value for e in second.error))
    assert "Another tab or window answered this turn first" in errors
    assert "Tab two: I will refund it within the hour" in errors
