"""What if: rewrite one of your past replies, continue from there, compare the branches.

Works from the URL's session id alone: opened on a branch it compares the branch with its
original; opened on any session it lists the branches made from it (kept in the store).
"""

import streamlit as st

from hotseat.ui import exam, signin, whatif_page, widgets
from hotseat.ui.factory import get_engine

st.set_page_config(page_title="Hotseat · What if", page_icon="🔀")
st.title("🔀 What if…")
viewer = signin.viewer()
engine = get_engine()
view = widgets.session_from_url(engine, viewer, remembered=True)
if view is None:
    st.info("Open this page from a conversation (the link carries the session).")
    st.stop()
if exam.hides_grades(view):
    st.info("Exam mode: what-if opens when the call ends (it shows grades).")
    st.stop()
whatif_page.against_parent(engine, viewer, view)
agent_turns = {t.index: t.text for t in view.transcript if t.role == "agent"}
if not agent_turns:
    st.info("Reply to the customer first; then you can rewrite any of your replies here.")
    st.stop()
whatif_page.branch_form(engine, view, agent_turns)
whatif_page.own_branches(engine, viewer, view)
