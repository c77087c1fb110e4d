"""Debrief: how the call went, what to keep, what to drop, and the transcript to take away."""

import streamlit as st

from hotseat.ui import debrief_page, exam, signin, widgets
from hotseat.ui.factory import get_engine

st.set_page_config(page_title="Hotseat · Debrief", page_icon="📋")
engine = get_engine()
view = widgets.session_from_url(engine, signin.viewer(), remembered=True)
if view is None:
    st.info("Open a debrief from a finished conversation (the link carries the session).")
    st.stop()
if exam.hides_grades(view):
    st.title("📋 Debrief")
    widgets.header(view)
    st.info("Exam mode: the debrief opens when the call ends (it shows grades).")
    st.stop()
debrief_page.draw(engine, view)
