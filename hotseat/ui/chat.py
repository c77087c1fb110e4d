"""The main page's two screens: pick a scenario, then hold the conversation.

The session id lives in the URL, so a reload or a shared link resumes from the store;
Exam mode rides in the URL too (see `exam`); `st.session_state` keeps only UI state
(the last input error, a failed stream waiting for Retry).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import streamlit as st

from hotseat.access import Viewer
from hotseat.engine import Engine, SessionView, TurnOutcome
from hotseat.errors import HotseatError, InputError, ProviderError
from hotseat.store import SessionConflict
from hotseat.store.voice import VoicePrefs
from hotseat.ui import exam, voice, waiting, widgets
from hotseat.ui.factory import card_problems, difficulties, scenario_cards
from hotseat.ui.format import ARCHETYPE_ICONS, error_text, plain_markdown, public_message

FAILED = "stream_failed"  # session id -> the provider error shown with a Retry button
INPUT_ERROR = "input_error"
# Session id -> how many turns this tab last drew. A reply is sent "after" that many
# turns: if another tab or app replica answered first, the engine refuses it.
SEEN = "seen_turns"


def trainee_name(viewer: Viewer) -> str:
    """Whose session a start makes: the signed-in account, or (sign-in off) the typed name."""
    if not viewer.anyone:
        return viewer.name or ""
    return str(st.session_state.get("trainee_name") or st.query_params.get("trainee") or "")


def start_screen(engine: Engine, viewer: Viewer) -> None:
    st.title("🔥 Hotseat")
    st.write("Pick a customer, choose how hard they are, and talk them down.")
    if viewer.anyone:  # with sign-in on, the account is the name: nothing to type
        if "trainee_name" not in st.session_state:
            st.session_state["trainee_name"] = st.query_params.get("trainee", "")
        st.text_input("Your name", key="trainee_name", placeholder="e.g. Sam")
    difficulty = st.radio("Difficulty", difficulties(), index=1, horizontal=True, key="difficulty")
    exam.start_switch()
    cards = scenario_cards()
    problems = card_problems()
    if problems:
        st.warning(
            f"{len(problems)} scenario card problem(s); those cards are hidden. "
            "A trainer can fix them in the Trainer studio:\n\n"
            + "\n".join(f"- `{p}`" for p in problems[:5])
        )
    cols = st.columns(2)
    for i, card in enumerate(cards):
        with cols[i % 2].container(border=True):
            st.markdown(f"**{ARCHETYPE_ICONS.get(card.archetype, '')} {card.name}**")
            st.caption(f"{card.archetype} · {difficulty}")
            st.write(card.summary)
            if st.button("Start", key=f"start-{card.id}"):
                _start(engine, trainee_name(viewer).strip(), card.id, difficulty)


def _start(engine: Engine, name: str, persona_id: str, difficulty: str) -> None:
    if not name:
        st.warning("Type your name first, so the session is yours.")
        return
    try:
        view = engine.start(
            name,
            persona_id,
            difficulty,
            seed=secrets.randbelow(1_000_000),
            exam=bool(st.session_state.get(exam.START_KEY)),
        )
    except HotseatError as exc:
        st.error(error_text(exc))
        return
    st.query_params["session"] = view.session_id
    st.query_params["trainee"] = name
    if st.session_state.get(exam.START_KEY):
        st.query_params[exam.PARAM] = exam.ON
    elif exam.PARAM in st.query_params:
        del st.query_params[exam.PARAM]
    st.rerun()


def conversation(engine: Engine, view: SessionView, prefs: VoicePrefs | None = None) -> None:
    widgets.remember_trainee(view.trainee_name)
    widgets.remember_session(view.session_id)
    seen_map: dict[str, int] = st.session_state.setdefault(SEEN, {})
    # What the trainee saw when they typed is the last drawing, not this run's fresh read.
    seen = seen_map.get(view.session_id, len(view.transcript))
    seen_map[view.session_id] = len(view.transcript)
    # Drawn first (it is pinned to the bottom anyway) so that while the customer's line
    # streams the box is already disabled: a reply typed then cannot race the rerun.
    # "disable" also greys it in the browser the moment a reply is sent.
    # But a tab whose session moved on elsewhere keeps the box enabled for this run: Streamlit
    # drops a value sent to a widget that is disabled when the run draws it, and the reply
    # typed against the older drawing must reach _submit to get the conflict message.
    stale = seen != len(view.transcript)
    text = st.chat_input(
        "Your reply to the customer",
        disabled=view.awaiting != "agent" and not stale,
        submit_mode="disable",
    )
    widgets.header(view)
    widgets.mood_meter(view)
    hidden = exam.hides_grades(view)
    over = view.awaiting == "nobody"
    widgets.transcript(view, show_grades=not hidden)
    voice_on = prefs is not None and prefs.voice_on
    if voice_on and not prefs.muted and view.awaiting != "customer":
        voice.speak_last_line(engine.settings, view)
    spoken = voice.recorder(engine, view) if voice_on and text is None else None
    if text is not None:
        _submit(engine, view, text, seen)  # ends in a rerun
    elif spoken is not None:
        _submit(engine, view, spoken.text, seen, lambda outcome: spoken.keep(engine, outcome))
    if hidden:
        st.caption(exam.HIDDEN_NOTE)
    widgets.branch_note(view, exam_on=exam.from_url())
    if view.awaiting == "customer":
        _customer_turn(engine, view)
    widgets.end_state(view)
    if over:
        widgets.links(view, exam_on=exam.from_url())
        if st.button("Start a new session"):
            on = exam.from_url()
            st.query_params.clear()
            st.query_params["trainee"] = view.trainee_name
            st.query_params.update(exam.url_params(on))  # the next call keeps the choice
            st.rerun()
    error = st.session_state.pop(INPUT_ERROR, None)
    if error:
        st.error(error)


def _submit(
    engine: Engine,
    view: SessionView,
    text: str,
    seen: int,
    after: Callable[[TurnOutcome], None] | None = None,
) -> None:
    # The reply and the customer's typing bubble show at once: grading can take seconds
    # (an LLM judge, the first load of the embedding model) before the customer answers.
    with st.chat_message("user", avatar=widgets.AVATARS["agent"]):
        st.markdown(plain_markdown(text))
    with st.chat_message("assistant", avatar=widgets.AVATARS["customer"]):
        waiting.typing_bubble(st.empty())
    try:
        outcome = engine.submit(view.session_id, text, seen_turns=seen)
        _drew(view.session_id, outcome.turn_index + 1)  # this run showed the reply
        if after is not None:  # a spoken reply: keep how it was said
            after(outcome)
    except SessionConflict:
        st.session_state[INPUT_ERROR] = conflict_message(text)
    except InputError as exc:
        st.session_state[INPUT_ERROR] = error_text(exc)
    except HotseatError as exc:  # e.g. an LLM grader or the database failed
        st.session_state[INPUT_ERROR] = (
            error_text(exc, "Your reply was not sent: ") + " Copy it and send it again."
        )
    st.rerun()


def _customer_turn(engine: Engine, view: SessionView) -> None:
    failed: dict[str, str] = st.session_state.setdefault(FAILED, {})
    if view.session_id in failed:
        st.error(
            public_message(
                f"The customer could not answer: {failed[view.session_id]} "
                "Your reply is saved; press Retry to ask again."
            )
        )
        st.button("Retry", on_click=failed.pop, args=(view.session_id, None), type="primary")
        return
    with st.chat_message("assistant", avatar=widgets.AVATARS["customer"]):
        slot = st.empty()
        waiting.typing_bubble(slot)  # before the first sentence: the model may take a while
        try:
            seen = len(view.transcript)
            waiting.stream_into(slot, engine.stream_customer(view.session_id, seen_turns=seen))
            _drew(view.session_id, seen + 1)  # the line streamed into this tab
        except SessionConflict:
            pass  # another tab or replica stored the customer's line first: show theirs
        except (ProviderError, InputError) as exc:  # InputError: context too long, locally
            failed[view.session_id] = str(exc)
    st.rerun()


def _drew(session_id: str, turns: int) -> None:
    # Without this, the run after the tab's own step would take the tab for a stale one
    # (and leave its box enabled while the customer is still due).
    st.session_state.setdefault(SEEN, {})[session_id] = turns


def conflict_message(text: str) -> str:
    """What the losing tab says when another tab or replica answered the same turn."""
    return public_message(
        "Another tab or window answered this turn first, so your reply was not added "
        "(the conversation above is the latest; nothing saved was lost). "
        f"Your reply was: “{text}”"
    )
