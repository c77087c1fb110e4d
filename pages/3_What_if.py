"""What if: rewrite one of your past replies, continue from there, compare the branches."""

from urllib.parse import urlencode

import streamlit as st

from hotseat.errors import HotseatError
from hotseat.ui import widgets
from hotseat.ui.factory import get_engine
from hotseat.ui.whatif import comparison_rows

st.set_page_config(page_title="Hotseat · What if", page_icon="🔀")
st.title("🔀 What if…")
engine = get_engine()
view = widgets.session_from_url(engine)
if view is None:
    st.info("Open this page from a conversation (the link carries the session).")
    st.stop()
agent_turns = {t.index: t.text for t in view.transcript if t.role == "agent"}
if not agent_turns:
    st.info("Reply to the customer first; then you can rewrite any of your replies here.")
    st.stop()
turn = st.selectbox("Reply to rewrite", list(agent_turns),
                    format_func=lambda i: f"Turn {i}: {agent_turns[i][:70]}")
new_text = st.text_area("Your new reply", key="whatif_text")
if st.button("Branch from here", type="primary"):
    try:
        child = engine.branch(view.session_id, turn, new_text)
        if engine.view(child).awaiting == "customer":
            engine.say_customer(child)
        st.session_state["whatif_child"] = child
    except HotseatError as exc:
        st.error(f"{exc.message} {exc.hint}".strip())
child_id = st.session_state.get("whatif_child")
if child_id:
    child = engine.view(child_id)
    st.markdown("**Grades and mood, original vs what if**")
    st.dataframe(comparison_rows(view, child), hide_index=True)
    # A plain link: the main page reads the session from the URL like any shared link.
    query = urlencode({"session": child_id, "trainee": view.trainee_name})
    st.markdown(f"[▶️ Continue the what-if conversation](./?{query})")
