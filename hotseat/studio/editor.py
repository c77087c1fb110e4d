"""Streamlit parts of the trainer studio: editor, preview chat, versions, realism, A/B.

Drawing only; validation, versions and runs live in the other studio modules.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from hotseat.engine import Engine
from hotseat.errors import HotseatError
from hotseat.settings import Settings
from hotseat.store import Store
from hotseat.studio import config, realism
from hotseat.studio.preview import PREVIEW_TRAINEE, preview_engine
from hotseat.studio.problems import Problem
from hotseat.studio.versions import (
    Doc,
    history,
    save_new_version,
    side_by_side_html,
    unified_diff,
    version_label,
)
from hotseat.ui.format import escape_markdown, mood_levels

PUBLISHED = "published file"
EDITING = "text in the editor"


def _slug(doc: Doc) -> str:
    return f"{doc.kind}-{doc.name}"


def show_problems(problems: list[Problem]) -> None:
    st.error("Not valid, so it cannot be saved:\n\n"
             + "\n".join(f"- {escape_markdown(str(p))}" for p in problems))


def edit(store: Store, doc: Doc) -> str:
    """The text area with live validation and the save button; returns the edited text."""
    key = f"text-{_slug(doc)}"
    text = st.text_area(f"{doc.path.name}", value=doc.read(), key=key, height=420)
    problems = doc.problems(text)
    if problems:
        show_problems(problems)
    else:
        st.success("Valid.")
    if st.button("Save as new version", key=f"save-{_slug(doc)}", disabled=bool(problems),
                 type="primary"):
        result = save_new_version(store, doc, text)
        if result.ok and result.content_hash:
            what = "Published" if result.changed else "Already the published text; kept"
            st.success(f"{what} as version {result.content_hash[:10]}. "
                       "Earlier versions are kept under Versions.")
        else:
            show_problems(result.problems)
    return text


def _choices(store: Store, doc: Doc, text: str) -> dict[str, str]:
    """Label -> text of every version a trainer can pick (editor, file, saved history)."""
    out = {EDITING: text, PUBLISHED: doc.read()}
    for rec in history(store, doc):
        out[version_label(rec)] = rec.content
    return out


def versions(store: Store, doc: Doc, text: str) -> None:
    choices = _choices(store, doc, text)
    labels = list(choices)
    st.caption(f"{len(labels) - 2} saved version(s) of {doc.path.name}; newest first.")
    left, right = st.columns(2)
    # Default: the version before the newest saved one (or the file) against the editor.
    a = left.selectbox("Version A", labels, index=3 if len(labels) > 3 else 1,
                       key=f"diff-a-{_slug(doc)}")
    b = right.selectbox("Version B", labels, index=0, key=f"diff-b-{_slug(doc)}")
    diff = unified_diff(choices[a], choices[b], a, b)
    st.code(diff, language="diff")
    with st.expander("Side by side"):
        st.html(side_by_side_html(choices[a], choices[b], a, b))


def _engine(doc: Doc, text: str, settings: Settings) -> Engine:
    slot = f"preview-engine-{_slug(doc)}"
    cached = st.session_state.get(slot)
    if cached is not None and cached[0] == text:
        return cached[1]
    engine = preview_engine(doc.name, text, settings, config.runs_dir(), doc.folder,
                            config.prompts_dir())
    st.session_state[slot] = (text, engine)
    st.session_state.pop(f"preview-session-{_slug(doc)}", None)  # new text: new chat
    return engine


def preview(doc: Doc, text: str, settings: Settings) -> None:
    """A chat against the edited card as it is in the editor (not yet published)."""
    if doc.problems(text):
        st.info("Fix the card's problems to preview it.")
        return
    engine = _engine(doc, text, settings)
    sid_key = f"preview-session-{_slug(doc)}"
    difficulty = st.selectbox("Difficulty", ["easy", "standard", "hard"], index=1,
                              key=f"preview-difficulty-{_slug(doc)}")
    if st.button("Start a new preview", key=f"preview-start-{_slug(doc)}") \
            or sid_key not in st.session_state:
        st.session_state[sid_key] = engine.start(PREVIEW_TRAINEE, doc.name, difficulty).session_id
    sid = st.session_state[sid_key]
    reply = st.text_input("Your reply", key=f"preview-reply-{_slug(doc)}")
    if st.button("Send", key=f"preview-send-{_slug(doc)}") and reply.strip():
        try:
            engine.submit(sid, reply)
            if engine.view(sid).awaiting == "customer":
                engine.say_customer(sid)
        except HotseatError as exc:
            st.error(f"{exc.message} {exc.hint}".strip())
    view = engine.view(sid)
    for turn in view.transcript:
        with st.chat_message("assistant" if turn.role == "customer" else "user"):
            st.markdown(escape_markdown(turn.text))
            if turn.grade is not None:
                st.caption(f"empathy {turn.grade.empathy}/4 · "
                           f"empowerment {turn.grade.empowerment}/4")
    levels = " · ".join(f"{k} {v:g}" for k, v in mood_levels(view.mood).items())
    st.caption(f"Mood: {levels}" + (f" · ended: {view.end_state}" if view.end_state else ""))


def _show_run(run: realism.RealismRun) -> None:
    st.table([{"metric": k, "value": v} for k, v in realism.key_numbers(run.summary).items()])
    if run.report_html.is_file():
        st.download_button("Download the full report (HTML)", run.report_html.read_bytes(),
                           file_name=f"{run.card_id}-{run.content_hash}-report.html",
                           mime="text/html", key=f"report-{run.content_hash}")


def realism_panel(store: Store, doc: Doc, text: str, settings: Settings) -> None:
    choices = _choices(store, doc, text)
    label = st.selectbox("Version to check", list(choices), key=f"realism-v-{_slug(doc)}")
    chosen = choices[label]
    st.caption(f"{len(realism.DEFAULT_BOTS)} scripted bots ({', '.join(realism.DEFAULT_BOTS)})"
               f" × {realism.DEFAULT_SEEDS} seeds, at most {realism.DEFAULT_TURNS} replies, "
               "offline grader.")
    run = realism.load_run(config.runs_dir(), doc.name, chosen)
    if st.button("Run realism check", key=f"realism-run-{_slug(doc)}"):
        try:
            with st.spinner("Simulating conversations…"):
                run = realism.realism_check(doc.name, chosen, settings, config.runs_dir(),
                                            doc.folder, prompts_dir=config.prompts_dir())
        except HotseatError as exc:
            st.error(f"{exc.message} {exc.hint}".strip())
    if run is not None:
        _show_run(run)
    elif chosen:
        st.caption("No realism check for this version yet.")


def ab_compare(store: Store, doc: Doc, text: str) -> None:
    """Side by side numbers of two versions that have a realism check."""
    checked: dict[str, dict[str, Any]] = {}
    for label, content in _choices(store, doc, text).items():
        run = realism.load_run(config.runs_dir(), doc.name, content)
        if run is not None and run.content_hash not in {c["hash"] for c in checked.values()}:
            checked[label] = {"hash": run.content_hash, "summary": run.summary}
    if len(checked) < 2:
        st.info("Run the realism check on two versions to compare them here.")
        return
    labels = list(checked)
    left, right = st.columns(2)
    a = left.selectbox("A", labels, index=1, key=f"ab-a-{_slug(doc)}")
    b = right.selectbox("B", labels, index=0, key=f"ab-b-{_slug(doc)}")
    rows = realism.compare(checked[a]["summary"], checked[b]["summary"])
    st.table([{"metric": r["metric"], f"A · {a}": r["A"], f"B · {b}": r["B"]} for r in rows])
