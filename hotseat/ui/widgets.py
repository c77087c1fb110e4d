"""Streamlit drawing shared by the pages: sidebar, transcript, grades, mood meter.

Only drawing and wiring to the engine; every decision (grades, mood, end state) is the
engine's. Text from the trainee or the grader goes through `plain_markdown`, never
`unsafe_allow_html`.
"""

from __future__ import annotations

import streamlit as st

from evaluators.grade import Grade
from hotseat.access import Viewer, can_see, progress_subject
from hotseat.engine import Engine, SessionView, TurnView
from hotseat.errors import HotseatError
from hotseat.settings import Settings
from hotseat.ui import exam
from hotseat.ui.format import (
    ARCHETYPE_ICONS,
    chips,
    end_banner,
    evidence_lines,
    mood_deltas,
    mood_levels,
    plain_markdown,
    previous_mood,
    public_message,
    sidebar_facts,
)

# Material icons ship with Streamlit; emoji avatars depend on the viewer's fonts.
AVATARS = {"customer": ":material/person:", "agent": ":material/support_agent:"}


def visible_session(engine: Engine, viewer: Viewer, session_id: str) -> SessionView | None:
    """The session if it exists and `viewer` may see it, else None: the two cases are
    indistinguishable to the caller, so no page can hint at what exists."""
    try:
        view = engine.view(session_id)
    except HotseatError:
        return None
    return view if can_see(viewer, view.trainee_name) else None


def session_from_url(
    engine: Engine, viewer: Viewer, remembered: bool = False
) -> SessionView | None:
    """The session named in the URL, or None (with a message when the link is stale or
    the session is someone else's: the same message, "not found", for both).

    remembered: a page about one call, opened from the sidebar (whose links carry no
    session), shows the call this tab was last in and puts it in the URL so the link can
    be kept. Not for the chat page, where no session means "start a new one"."""
    session_id = st.query_params.get("session")
    if not session_id:
        return _remembered(engine, viewer) if remembered else None
    view = visible_session(engine, viewer, session_id)
    if view is None:
        # Whatever the link holds, it is shown as text and nothing of the store is named.
        st.error(
            public_message(
                f"Session not found ({session_id[:40]!r}). The link may be mistyped, from "
                "another database, or not yours: start a new conversation below."
            )
        )
    return view


def _remembered(engine: Engine, viewer: Viewer) -> SessionView | None:
    """This tab's last call, now named in the URL; None when there is none to show."""
    session_id = st.session_state.get(REMEMBERED_SESSION)
    view = visible_session(engine, viewer, session_id) if session_id else None
    if view is not None:
        st.query_params["session"] = session_id
    return view


# Not a widget key: Streamlit drops a widget's state on pages that do not draw it, and the
# sidebar's page links carry no URL parameters, so this copy is what Progress reads.
REMEMBERED_TRAINEE = "remembered_trainee"


REMEMBERED_SESSION = "remembered_session"


def remember_trainee(name: str) -> None:
    """The name this browser tab is working as, for pages opened from the sidebar."""
    if name:
        st.session_state[REMEMBERED_TRAINEE] = name


def remember_session(session_id: str) -> None:
    """The call this browser tab is in, for Debrief and What if opened from the sidebar."""
    st.session_state[REMEMBERED_SESSION] = session_id


def progress_trainee(viewer: Viewer) -> str:
    """Whose progress to show: typed (sign-in off), else your own; a trainer may pick.
    The link's name comes first, then the name this tab last talked as."""
    requested = st.query_params.get("trainee", "") or st.session_state.get(REMEMBERED_TRAINEE, "")
    if viewer.anyone:
        return st.text_input("Trainee", value=requested).strip()
    if viewer.is_trainer:
        return st.text_input("Trainee", value=requested or viewer.name or "").strip()
    name = progress_subject(viewer, requested) or ""
    st.caption(f"Your sessions, {plain_markdown(name)}.")
    return name


def sidebar(settings: Settings, view: SessionView | None, trainee: str | None) -> None:
    with st.sidebar:
        st.markdown(f"**Trainee:** {plain_markdown(trainee or '—')}")
        for name, value in sidebar_facts(settings, view.totals if view else None).items():
            st.caption(f"{name}: {value}")


def session_params(view: SessionView, exam_on: bool = False) -> dict[str, str]:
    """What a link to one of this session's pages carries: the session, who, exam mode."""
    params = {"session": view.session_id, "trainee": view.trainee_name}
    return params | exam.url_params(exam_on)


def links(view: SessionView, exam_on: bool = False) -> None:
    params = session_params(view, exam_on)
    cols = st.columns(3)
    cols[0].page_link("pages/1_Debrief.py", label="Debrief", icon="📋", query_params=params)
    cols[1].page_link(
        "pages/2_Progress.py",
        label="Progress",
        icon="📈",
        query_params={"trainee": view.trainee_name},
    )
    cols[2].page_link("pages/3_What_if.py", label="What if…", icon="🔀", query_params=params)


def mood_meter(view: SessionView) -> None:
    now = mood_levels(view.mood)
    deltas = mood_deltas(previous_mood(view), now)
    cols = st.columns(3)
    for col, axis in zip(cols, ("anger", "fear", "trust"), strict=True):
        # Anger and fear going down is good news, so their deltas are coloured inversely.
        col.metric(
            axis.capitalize(),
            f"{now[axis]:.1f} / 10",
            delta=f"{deltas[axis]:+.1f}",
            delta_color="normal" if axis == "trust" else "inverse",
        )
        col.progress(min(1.0, max(0.0, now[axis] / 10)))


def grade_details(grade: Grade) -> None:
    st.caption(chips(grade))
    with st.expander("Why this grade"):
        st.markdown(plain_markdown(grade.reason))
        if grade.techniques:
            st.markdown("**Techniques you used**")
            for line in evidence_lines(grade.techniques):
                st.markdown("- " + plain_markdown(line))
        if grade.anti_patterns:
            st.markdown("**Habits to drop**")
            for line in evidence_lines(grade.anti_patterns):
                st.markdown("- " + plain_markdown(line))
        if grade.injection_flagged:
            st.warning("Part of this reply talked to the grader; it was graded on the rest.")
        st.markdown("**A better reply**")
        st.markdown(plain_markdown(grade.suggestion))


def turn(t: TurnView, show_grades: bool) -> None:
    role = "user" if t.role == "agent" else "assistant"
    with st.chat_message(role, avatar=AVATARS.get(t.role)):
        st.markdown(plain_markdown(t.text))
        if t.grade is not None and show_grades:
            grade_details(t.grade)


def transcript(view: SessionView, show_grades: bool) -> None:
    for t in view.transcript:
        turn(t, show_grades)


def header(view: SessionView) -> None:
    p = view.persona
    icon = ARCHETYPE_ICONS.get(p.archetype, "")
    st.subheader(f"{icon} {plain_markdown(p.name)}")
    st.caption(f"{p.archetype} · {p.difficulty} · {plain_markdown(p.summary)}")


def end_state(view: SessionView) -> None:
    banner = end_banner(view.end_state)
    if banner is not None:
        getattr(st, banner.kind)(banner.text)


def branch_note(view: SessionView, exam_on: bool = False) -> None:
    """On a what-if branch: where it came from, and a way back to the comparison."""
    if view.parent_session_id is None:
        return
    st.caption(f"A what-if branch: your reply at turn {view.branch_turn} was rewritten.")
    if exam.locked(view, exam_on):
        return  # the comparison shows grades; exam mode keeps them until the end
    st.page_link(
        "pages/3_What_if.py",
        label="Compare with the original",
        icon="🔀",
        query_params=session_params(view, exam_on),
    )
