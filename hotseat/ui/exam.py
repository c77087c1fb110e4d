"""Exam mode: grades stay hidden until the call ends.

The choice is made on the start screen and stored with the session by the engine
(`SessionView.exam`), so no reload, link or second tab shows grades early. It also rides
in the URL (`?session=…&exam=1`) so the next session's start screen keeps the choice,
and a trainee may switch it on mid-call. While a call in exam mode runs the switch is
locked on.
"""

from __future__ import annotations

import streamlit as st

from hotseat.analytics import exam_running
from hotseat.engine import SessionView

PARAM = "exam"
ON = "1"
START_KEY = "exam_start"  # the start screen's switch
SIDEBAR_KEY = "exam_mode"  # the switch shown during a call
LOCKED_NOTE = "Exam mode is locked on until the call ends; grades show then."
HIDDEN_NOTE = "Exam mode: grades are hidden until the call ends."


def from_url() -> bool:
    return st.query_params.get(PARAM, "").strip().lower() in {ON, "true", "on", "yes"}


def url_params(on: bool) -> dict[str, str]:
    """The query parameter to carry in links to this session's pages (none when off)."""
    return {PARAM: ON} if on else {}


def locked(view: SessionView, on: bool) -> bool:
    return exam_running(on, ended=view.awaiting == "nobody")


def is_on(view: SessionView) -> bool:
    """Exam mode for this view: started as an exam, or switched on in this tab's URL."""
    return view.exam or from_url()


def hides_grades(view: SessionView) -> bool:
    """True while this session runs in exam mode."""
    return locked(view, is_on(view))


def start_switch() -> bool:
    """The start screen's choice; a link that already says exam=1 preselects it."""
    if START_KEY not in st.session_state:
        st.session_state[START_KEY] = from_url()
    return st.toggle(
        "Exam mode",
        key=START_KEY,
        help="Hide grades until the call ends. It cannot be switched off during the call.",
    )


def _changed(is_locked: bool) -> None:
    # A callback, so the URL is updated before the page draws; a locked switch
    # (disabled in the browser, but a crafted request could still send a change) is
    # put back on.
    if is_locked:
        return
    if st.session_state.get(SIDEBAR_KEY):
        st.query_params[PARAM] = ON
    elif PARAM in st.query_params:
        del st.query_params[PARAM]


def sidebar_switch(view: SessionView) -> None:
    """The switch during a call: shows the URL's choice; locked on while the call runs."""
    on = is_on(view)
    is_locked = locked(view, on)
    st.session_state[SIDEBAR_KEY] = on  # the URL decides, never a stale widget value
    st.toggle(
        "Exam mode",
        key=SIDEBAR_KEY,
        disabled=is_locked,
        on_change=_changed,
        args=(is_locked,),
        help="Hide grades until the call ends.",
    )
    if is_locked:
        st.caption(LOCKED_NOTE)
