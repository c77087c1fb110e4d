"""Trainer studio: edit persona cards and customer prompts, preview, version, compare."""

import streamlit as st

from hotseat.settings import load_settings
from hotseat.studio import config, editor
from hotseat.studio.auth import require_trainer
from hotseat.studio.versions import persona_docs, prompt_docs
from hotseat.ui.factory import get_engine

st.set_page_config(page_title="Hotseat · Trainer studio", page_icon="🛠️", layout="wide")
st.title("🛠️ Trainer studio")
require_trainer()

store = get_engine().store
settings = load_settings()
what = st.radio("Edit", ["Persona cards", "Prompt templates"], horizontal=True,
                key="studio_what")
folder = config.personas_dir() if what == "Persona cards" else config.prompts_dir()
docs = persona_docs(folder) if what == "Persona cards" else prompt_docs(folder)
if not docs:
    st.warning(f"Nothing to edit in {folder}: set HOTSEAT_PERSONAS_DIR / HOTSEAT_PROMPTS_DIR.")
    st.stop()
doc = {d.name: d for d in docs}[st.selectbox("File", [d.name for d in docs], key="studio_doc")]

if doc.kind == "persona":
    tab_edit, tab_preview, tab_versions, tab_realism, tab_ab = st.tabs(
        ["Edit", "Preview chat", "Versions & diff", "Realism check", "A/B compare"])
else:
    tab_edit, tab_versions = st.tabs(["Edit", "Versions & diff"])
with tab_edit:
    text = editor.edit(store, doc)
with tab_versions:
    editor.versions(store, doc, text)
if doc.kind == "persona":
    with tab_preview:
        editor.preview(doc, text, settings)
    with tab_realism:
        editor.realism_panel(store, doc, text, settings)
    with tab_ab:
        editor.ab_compare(store, doc, text)
