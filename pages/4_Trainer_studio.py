"""Trainer studio: edit persona cards and prompt files, preview, version, compare."""

import streamlit as st

from hotseat.settings import load_settings
from hotseat.studio import ab_page, config, editor
from hotseat.studio.auth import require_trainer
from hotseat.studio.prompt_files import CUSTOMER_FILES, SIMULATED_FILES
from hotseat.studio.versions import persona_docs, prompt_docs
from hotseat.ui.factory import get_engine

st.set_page_config(page_title="Hotseat · Trainer studio", page_icon="🛠️", layout="wide")
st.title("🛠️ Trainer studio")
viewer = require_trainer()

store = get_engine().store
settings = load_settings()
what = st.radio("Edit", ["Persona cards", "Prompt templates"], horizontal=True, key="studio_what")
folder = config.personas_dir() if what == "Persona cards" else config.prompts_dir()
docs = persona_docs(folder) if what == "Persona cards" else prompt_docs(folder)
if not docs:
    st.warning(f"Nothing to edit in {folder}: set HOTSEAT_PERSONAS_DIR / HOTSEAT_PROMPTS_DIR.")
    st.stop()
doc = {d.name: d for d in docs}[st.selectbox("File", [d.name for d in docs], key="studio_doc")]

card_id = None
if doc.kind == "prompt" and doc.name in SIMULATED_FILES:
    # A customer prompt or phrase bank is tried against one published card.
    cards = [d.name for d in persona_docs(config.personas_dir())]
    if cards:
        card_id = st.selectbox("Card to try it with", cards, key="studio_trial_card")
    else:
        st.caption(f"No persona cards in {config.personas_dir()} to try this prompt with.")
tryable = doc.kind == "persona" or card_id is not None
names = ["Edit"]
if tryable and (doc.kind == "persona" or doc.name in CUSTOMER_FILES):
    names.append("Preview chat")
names.append("Versions & diff")
if tryable:
    names += ["Realism check", "A/B compare"]
tabs = dict(zip(names, st.tabs(names), strict=True))

with tabs["Edit"]:
    text = editor.edit(store, doc, editor.author(viewer))
with tabs["Versions & diff"]:
    editor.versions(store, doc, text)
if "Preview chat" in tabs:
    with tabs["Preview chat"]:
        editor.preview(doc, text, settings, card_id)
if "Realism check" in tabs:
    with tabs["Realism check"]:
        editor.realism_panel(store, doc, text, settings, card_id)
    with tabs["A/B compare"]:
        ab_page.ab_compare(store, doc, text, settings, card_id)
