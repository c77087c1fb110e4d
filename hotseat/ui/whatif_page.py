"""Drawing for the what-if page: a branch next to its original, from the branch point on."""

from __future__ import annotations

import streamlit as st

from hotseat.access import Viewer, can_see
from hotseat.engine import Engine, SessionView
from hotseat.errors import HotseatError
from hotseat.store import SessionRecord
from hotseat.ui import waiting, widgets
from hotseat.ui.format import error_text
from hotseat.ui.whatif import (
    branch_label,
    branches,
    comparison_rows,
    context_turn,
    from_turn,
)

MAIN_PAGE = "app.py"
BRANCH_BUTTON = "whatif_branch"


def compare(original: SessionView, branch: SessionView) -> None:
    """Both transcripts side by side from the branch point, with grades, then the table."""
    start = branch.branch_turn or 0
    before = context_turn(original, start)
    if before is not None:
        st.caption(f"Both answer turn {before.index}:")
        widgets.turn(before, show_grades=False)
    left, right = st.columns(2)
    for col, title, view in ((left, "Original", original), (right, "What if", branch)):
        with col:
            st.markdown(f"**{title}**")
            for t in from_turn(view, start):
                widgets.turn(t, show_grades=True)
    st.markdown("**Grades and mood, original vs what if**")
    st.dataframe(comparison_rows(original, branch), hide_index=True)


def continue_link(view: SessionView, label: str) -> None:
    # A page link, not a plain URL: the app stays loaded and the session rides in the URL,
    # so the conversation's "Compare with the original" link leads back here.
    if view.awaiting != "nobody":
        st.page_link(MAIN_PAGE, label=label, icon="▶️", query_params=widgets.session_params(view))


def against_parent(engine: Engine, viewer: Viewer, view: SessionView) -> None:
    """When the page is opened on a branch: compare it with the session it came from."""
    if view.parent_session_id is None:
        return
    parent = widgets.visible_session(engine, viewer, view.parent_session_id)
    if parent is None:
        st.error("Could not open the original session: not found.")
        return
    st.subheader(f"This what-if vs the original, from turn {view.branch_turn}")
    compare(parent, view)
    continue_link(view, "Continue this what-if conversation")


def branch_form(engine: Engine, view: SessionView, agent_turns: dict[int, str]) -> None:
    st.subheader("Rewrite one of your replies")
    turn = st.selectbox(
        "Reply to rewrite",
        list(agent_turns),
        format_func=lambda i: f"Turn {i}: {agent_turns[i][:70]}",
    )
    new_text = st.text_area("Your new reply", key="whatif_text")
    if waiting.action_button("Branch from here", BRANCH_BUTTON, type="primary"):
        with waiting.working(
            BRANCH_BUTTON, "Branching: grading your new reply, then the customer answers it…"
        ):
            try:
                child = engine.branch(view.session_id, turn, new_text)
                st.session_state[picked_key(view.session_id)] = child
                if engine.view(child).awaiting == "customer":
                    engine.say_customer(child)
            except HotseatError as exc:
                waiting.notice(BRANCH_BUTTON, "error", error_text(exc))
        st.rerun()  # draws the button enabled again and the new branch below
    waiting.show_notice(BRANCH_BUTTON)


def picked_key(session_id: str) -> str:
    """Which branch of this session is shown: keyed by the parent, so a later session in
    the same browser never compares against another session's branch."""
    return f"whatif_branch_{session_id}"


def own_branches(engine: Engine, viewer: Viewer, view: SessionView) -> None:
    """The branches made from this session (the newest, or the one picked) vs this one."""
    found: list[SessionRecord] = [
        b for b in branches(engine.store, view.session_id) if can_see(viewer, b.trainee_name)
    ]
    if not found:
        return
    ids = [b.id for b in found]
    key = picked_key(view.session_id)
    if st.session_state.get(key) not in ids:
        st.session_state[key] = ids[0]
    if len(ids) > 1:
        labels = {b.id: branch_label(engine.store, b) for b in found}
        st.selectbox("Compare with", ids, key=key, format_func=labels.__getitem__)
    child = engine.view(st.session_state[key])
    st.subheader(f"Original vs what if, from turn {child.branch_turn}")
    compare(view, child)
    continue_link(child, "Continue the what-if conversation")
