"""The voice switch in the chat page (AppTest): off changes nothing, on records and speaks,
and the trainee's choice is kept; the debrief shows delivery only for spoken replies."""

from __future__ import annotations

from hotseat.speech.delivery import assess
from hotseat.speech.transcribe import Transcript, Word
from hotseat.store import voice as voice_store
from tests.app.conftest import GOOD_REPLY, all_text, reply, start_session
from tests.app.test_conversation import CUSTOMER_LINE

SWITCH = "voice-prefs::Sam::on"
SAID = "Um, I will refund it now and, uh, email you today."


def _delivery() -> dict:
    words = [
        Word(text=w, start=0.5 + 0.3 * i, end=0.7 + 0.3 * i)
        for i, w in enumerate(SAID.replace(",", "").rstrip(".").split(" "))
    ]
    return assess(
        Transcript(
            text=SAID,
            duration=4.0,
            words=words,
            engine="test",
        )
    ).model_dump()


def test_with_voice_off_the_chat_is_the_text_chat(make_app, app_env) -> None:
    app_env.responder = lambda body: CUSTOMER_LINE
    at = start_session(make_app())
    assert not at.exception
    assert at.toggle(key=SWITCH).value is False
    assert at.get("audio_input") == [] and at.get("audio") == []
    reply(at, GOOD_REPLY)
    assert at.get("audio_input") == [] and at.get("audio") == [] and len(at.chat_input) == 1


def test_voice_on_offers_a_recorder_speaks_the_customer_and_is_remembered(
    make_app, app_env
) -> None:
    from hotseat.ui.factory import get_engine

    app_env.responder = lambda body: CUSTOMER_LINE
    at = start_session(make_app())
    at.toggle(key=SWITCH).set_value(True).run()
    assert not at.exception
    assert len(at.get("audio_input")) == 1  # record a reply
    assert len(at.get("audio")) == 1  # the customer's opening line, spoken (eSpeak NG)
    assert len(at.chat_input) == 1  # typing still works
    assert voice_store.get_prefs(get_engine().store, "Sam").voice_on
    at.toggle(key="voice-prefs::Sam::muted").set_value(True).run()
    assert at.get("audio") == [] and len(at.get("audio_input")) == 1

    again = start_session(make_app())  # a new browser session, the same trainee
    assert again.toggle(key=SWITCH).value is True
    assert again.toggle(key="voice-prefs::Sam::muted").value is True


def test_debrief_shows_delivery_beside_the_grade_for_spoken_replies_only(make_app, app_env) -> None:
    from hotseat.ui.factory import get_engine

    app_env.responder = lambda body: CUSTOMER_LINE
    at = start_session(make_app())
    reply(at, GOOD_REPLY)
    sid = at.query_params["session"]
    page = make_app("pages/1_Debrief.py")
    page.query_params["session"] = sid
    page.run()
    assert "Delivery of your spoken replies" not in all_text(page)  # typed: nothing new

    turn = get_engine().view(sid).transcript[1].index
    voice_store.save_reply(get_engine().store, sid, turn, GOOD_REPLY, _delivery())
    page.run()
    assert "Delivery of your spoken replies" in all_text(page)
    table = page.dataframe[0].value
    row = table.iloc[0].to_dict()
    assert row["reply"] == 1 and "Empathy" in row["grade"] and row["fillers"] == 2
    assert "Filler words" in row["advice"]


def test_voice_settings_belong_to_the_signed_in_person() -> None:
    from hotseat.access import Viewer
    from hotseat.ui.voice import voice_owner

    class _View:
        trainee_name = "sam"

    assert voice_owner(Viewer.open_access(), _View()) == "sam"  # sign-in off: the trainee
    assert voice_owner(Viewer(name="sam"), _View()) == "sam"
    assert voice_owner(Viewer(name="tina", role="trainer"), _View()) == "tina"
