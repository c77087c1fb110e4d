"""Hotseat trainee app: pick a scenario, talk to the customer, see each reply graded.

Run: streamlit run app.py. Drawing only; the engine in `hotseat` does the work.
"""

import streamlit as st

from hotseat.settings import load_settings
from hotseat.ui import chat, exam, signin, voice, widgets
from hotseat.ui.factory import get_engine

st.set_page_config(page_title="Hotseat", page_icon="🔥", layout="centered")

settings = load_settings()
viewer = signin.viewer()
engine = get_engine()
view = widgets.session_from_url(engine, viewer)
widgets.sidebar(settings, view, view.trainee_name if view else chat.trainee_name(viewer))

if view is None:
    chat.start_screen(engine, viewer)  # exam mode is chosen here, before the call
else:
    with st.sidebar:
        exam.sidebar_switch(view)
        prefs = voice.controls(engine, viewer, view)
    chat.conversation(engine, view, prefs)
