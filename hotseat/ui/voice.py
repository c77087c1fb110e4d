"""Practise by voice in the chat page: record a reply, check its transcript, hear the customer.

Off unless the trainee turns it on (remembered per trainee in the store); with voice off
nothing here draws except the switch, and the text path is untouched. The recording is
transcribed once (a spinner counts the seconds), shown for a quick edit, and the edited
text is what is sent and graded; how it was said (pace, pauses, fillers) is kept for the
debrief. The customer's new line is spoken after its text has streamed, once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import streamlit as st

from hotseat.access import Viewer
from hotseat.engine import Engine, SessionView, TurnOutcome
from hotseat.errors import HotseatError
from hotseat.settings import Settings, load_settings
from hotseat.speech import speaker, transcriber
from hotseat.speech.delivery import assess
from hotseat.speech.speak import Speaker, voice_style
from hotseat.speech.transcribe import Transcriber
from hotseat.store import voice as voice_store
from hotseat.ui.factory import settings_key
from hotseat.ui.format import error_text, plain_markdown

HEARD = "voice_heard"  # session id -> {"audio": hash, "heard": text, "delivery": dict}
SPOKEN = "voice_spoken"  # (session id, turn index) -> audio bytes already made
PLAYED = "voice_played"  # (session id, turn index) of lines already played aloud
TRANSCRIBING = "Transcribing your reply…"
VOICING = "The customer is speaking…"


@st.cache_resource(show_spinner=False)
def _transcriber(key: str) -> Transcriber:
    return transcriber(load_settings())


@st.cache_resource(show_spinner=False)
def _speaker(key: str) -> Speaker:
    return speaker(load_settings())


def voice_owner(viewer: Viewer, view: SessionView) -> str:
    """Whose voice settings these are: the signed-in person (a trainer opening a trainee's
    call keeps their own), or with sign-in off the session's trainee."""
    return view.trainee_name if viewer.anyone or not viewer.name else viewer.name


def controls(engine: Engine, viewer: Viewer, view: SessionView) -> voice_store.VoicePrefs:
    """The sidebar switches; their state belongs to a person, kept in the store."""
    owner = voice_owner(viewer, view)
    saved = voice_store.get_prefs(engine.store, owner)
    key = f"voice-prefs::{owner}"
    on = st.toggle(":material/mic: Practise by voice", value=saved.voice_on, key=f"{key}::on")
    muted = saved.muted
    if on:
        muted = st.toggle(
            ":material/volume_off: Mute the customer", value=saved.muted, key=f"{key}::muted"
        )
    prefs = voice_store.VoicePrefs(voice_on=on, muted=muted)
    if prefs != saved:
        voice_store.set_prefs(engine.store, owner, prefs)
    return prefs


@dataclass(frozen=True)
class SpokenReply:
    """A recorded reply the trainee has checked and sent."""

    text: str  # as sent (edited), the text that is graded
    heard: str  # as transcribed
    delivery: dict[str, Any]

    def keep(self, engine: Engine, outcome: TurnOutcome) -> None:
        """Store how it was said beside the reply's turn (for the debrief)."""
        st.session_state.get(HEARD, {}).pop(outcome.session_id, None)
        voice_store.save_reply(
            engine.store, outcome.session_id, outcome.turn_index, self.heard, self.delivery
        )


def recorder(engine: Engine, view: SessionView) -> SpokenReply | None:
    """Record, transcribe (once per recording), edit; the reply once Send is pressed."""
    if view.awaiting != "agent":
        return None
    turn = len(view.transcript)
    audio = st.audio_input("Record your reply", key=f"voice-rec-{view.session_id}-{turn}")
    if audio is None:
        return None
    data = audio.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    heard: dict[str, dict[str, Any]] = st.session_state.setdefault(HEARD, {})
    current = heard.get(view.session_id)
    if current is None or current["audio"] != digest:
        try:
            with st.spinner(TRANSCRIBING, show_time=True):
                transcript = _transcriber(settings_key(engine.settings)).transcribe(data)
        except HotseatError as exc:
            st.error(error_text(exc, "Your recording could not be transcribed: "))
            return None
        current = heard[view.session_id] = {
            "audio": digest,
            "heard": transcript.text,
            "delivery": assess(transcript).model_dump(),
        }
    text = st.text_area(
        "What you said (edit before sending; the grade is on this text)",
        value=current["heard"],
        key=f"voice-edit-{view.session_id}-{turn}-{digest[:8]}",
    )
    if not st.button("Send spoken reply", type="primary", key=f"voice-send-{turn}"):
        return None
    return SpokenReply(text=text, heard=current["heard"], delivery=current["delivery"])


def speak_last_line(settings: Settings, view: SessionView) -> None:
    """Play the customer's newest line once (after its text streamed); later runs keep a
    player for it without autoplay, so a reload does not shout it again."""
    last = view.transcript[-1] if view.transcript else None
    if last is None or last.role != "customer":
        return
    key = (view.session_id, last.index)
    spoken: dict[tuple[str, int], bytes] = st.session_state.setdefault(SPOKEN, {})
    played: set[tuple[str, int]] = st.session_state.setdefault(PLAYED, set())
    if key not in spoken:
        try:
            with st.spinner(VOICING, show_time=True):  # OpenAI's voice can take seconds
                line = _speaker(settings_key(settings)).speak(last.text, voice_style(view.mood))
        except HotseatError as exc:
            st.warning(error_text(exc, "The customer's line could not be spoken: "))
            return
        spoken.clear()  # only the newest line is kept: audio is large
        spoken[key] = line.audio
    st.caption(f":material/volume_up: {plain_markdown(view.persona.name)}")
    st.audio(spoken[key], format="audio/wav", autoplay=key not in played)
    played.add(key)
