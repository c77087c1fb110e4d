"""Streamlit parts of the trainer studio: editor, preview chat, versions, realism, A/B.

Drawing only; validation, versions and runs live in the other studio modules. A persona
card is tried as itself; a customer prompt or phrase bank is tried with a published card
the trainer picks (`card_id`), the edited text replacing the published file.
"""

from __future__ import annotations

import base64
from pathlib import Path

import streamlit as st

from evaluators.grade import Grade
from hotseat.access import Viewer
from hotseat.engine import Engine
from hotseat.errors import HotseatError
from hotseat.settings import Settings
from hotseat.store import Store
from hotseat.studio import code_editor, config, realism
from hotseat.studio.lineage import usage_rows
from hotseat.studio.preview import PREVIEW_TRAINEE, preview_engine
from hotseat.studio.problems import Problem, excerpt
from hotseat.studio.trial import Trial
from hotseat.studio.versions import (
    Doc,
    history,
    publish,
    published,
    save_draft,
    side_by_side_html,
    unified_diff,
    version_label,
)
from hotseat.ui import waiting
from hotseat.ui.format import error_text, escape_markdown, mood_levels, plain_markdown

PUBLISHED = "published file"
EDITING = "text in the editor"
MAX_EXCERPTS = 3  # numbered excerpts under the error list; the list names every problem
REPORT_HEIGHT = 720  # px; the report scrolls inside its frame


def slug(doc: Doc) -> str:
    return f"{doc.kind}-{doc.name}"


def author(viewer: Viewer) -> str:
    """Who a saved version is by: the account, or (one shared password) a typed name."""
    if viewer.name:
        return viewer.display_name or viewer.name
    typed = st.sidebar.text_input("Your name, for version history", key="studio_author")
    return typed.strip() or "trainer"


def show_problems(problems: list[Problem], text: str | None = None) -> None:
    st.error(
        "Not valid, so it cannot be saved:\n\n"
        + "\n".join(f"- {escape_markdown(str(p))}" for p in problems)
    )
    if text is None:
        return
    for p in problems[:MAX_EXCERPTS]:
        shown = excerpt(text, p.line)
        if shown:  # plain text in a code block: the card's words are never rendered
            st.code(shown, language=None)


PLAIN_EDITOR = "studio_plain_editor"  # session key: the plain text box instead of the editor


def show_problem_links(key: str, problems: list[Problem]) -> None:
    """The problems as links: a click puts the editor's caret on that line."""
    with st.container(border=True, key=f"problems-{key}"):
        st.error("Not valid, so it cannot be saved. Click a problem to go to its line.")
        for i, p in enumerate(problems):
            st.button(
                escape_markdown(str(p)),
                key=f"{key}-problem-{i}",
                type="tertiary",
                icon=":material/arrow_forward:",
                on_click=code_editor.request_goto,
                args=(key, p.line),
            )


def _text(doc: Doc) -> tuple[str, list[Problem], bool]:
    """The text being edited, its problems, and whether it came from the code editor (else
    the plain text box: chosen by the trainer, or the editor could not load)."""
    plain = st.toggle(
        "Plain text box",
        key=PLAIN_EDITOR,
        help="Use the browser's plain text box: no line numbers or highlighting; "
        "the text is checked when you press Ctrl+Enter or leave the box.",
    )
    if not plain:
        key = f"code-{slug(doc)}"
        sent = code_editor.current_text(key)
        text = doc.read() if sent is None else sent
        problems = doc.problems(text)  # checked before drawing: the editor marks the lines
        shown = code_editor.code_editor(
            key,
            text,
            label=doc.path.name,
            language=code_editor.language_of(doc.path.name),
            error_lines=[p.line for p in problems],
        )
        if shown is not None:
            return shown, problems if shown == text else doc.problems(shown), True
        st.caption("The code editor could not load here; this is the plain text box.")
    key = f"text-{slug(doc)}"
    text = st.text_area(f"{doc.path.name}", value=doc.read(), key=key, height=420)
    return text, doc.problems(text), False


def edit(store: Store, doc: Doc, author: str) -> str:
    """The editor with live validation, "Save draft" and "Publish"; returns the text."""
    text, problems, coded = _text(doc)
    if coded and problems:
        show_problem_links(f"code-{slug(doc)}", problems)
    elif problems:
        show_problems(problems, text)
    else:
        st.success("Valid.")
    note = st.text_input(
        "Change note", key=f"note-{slug(doc)}", placeholder="What changed, and why"
    )
    if st.button("Save draft", key=f"save-{slug(doc)}", disabled=bool(problems), type="primary"):
        result = save_draft(store, doc, text, author, note)
        if result.ok and result.version is not None:
            if result.changed:
                st.success(
                    f"Saved as draft {result.version.id}. Only the studio uses it until you "
                    "publish it below; trainees keep the published version."
                )
            else:
                st.info(f"Same text as {result.version.id}: nothing new to save.")
        else:
            show_problems(result.problems)
    publish_box(store, doc)
    return text


def publish_box(store: Store, doc: Doc) -> None:
    """Which version trainees get, and a button to publish another one."""
    versions = history(store, doc)
    live = published(store, doc)
    st.caption(
        f"Trainees get {live.id} (published {live.published_at:%Y-%m-%d %H:%M} UTC)."
        if live is not None and live.published_at is not None
        else "Trainees get the file as shipped (no studio version published yet)."
    )
    others = [v for v in versions if live is None or v.number != live.number]
    if not others:
        return
    labels = {v.number: version_label(v) for v in others}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    number = left.selectbox(
        "Version to publish", list(labels), format_func=labels.__getitem__, key=f"pick-{slug(doc)}"
    )
    if right.button(f"Publish v{number}", key=f"publish-{slug(doc)}"):
        result = publish(store, doc, number)
        if result.ok and result.version is not None:
            st.success(f"Published {result.version.id}: trainees get it from their next session.")
        else:
            show_problems(result.problems)


def version_choices(store: Store, doc: Doc, text: str) -> dict[str, str]:
    """Label -> text of every version a trainer can pick (editor, file, saved history)."""
    out = {EDITING: text, PUBLISHED: doc.read()}
    for v in history(store, doc):
        out[version_label(v)] = v.content
    return out


def personas_dir_for(doc: Doc) -> Path:
    return doc.folder if doc.kind == "persona" else config.personas_dir()


def trial(doc: Doc, text: str, card_id: str | None = None) -> Trial:
    """What a preview or realism check of `text` runs (see the module docstring)."""
    if doc.kind == "persona":
        return Trial(doc.name, text)
    if card_id is None:
        raise ValueError("a prompt file is tried with a card: pass card_id")
    card = Doc("persona", card_id, config.personas_dir())
    return Trial(card_id, card.read(), {doc.name: text})


def versions(store: Store, doc: Doc, text: str) -> None:
    usage = usage_rows(store, doc.kind, doc.name, personas_dir_for(doc))
    if usage:
        st.markdown("**Sessions per version**")
        st.dataframe(usage, hide_index=True, key=f"usage-{slug(doc)}")
    choices = version_choices(store, doc, text)
    labels = list(choices)
    st.caption(f"{len(labels) - 2} saved version(s) of {doc.path.name}; newest first.")
    left, right = st.columns(2)
    # Default: the version before the newest saved one (or the file) against the editor.
    a = left.selectbox(
        "Version A", labels, index=3 if len(labels) > 3 else 1, key=f"diff-a-{slug(doc)}"
    )
    b = right.selectbox("Version B", labels, index=0, key=f"diff-b-{slug(doc)}")
    diff = unified_diff(choices[a], choices[b], a, b)
    st.code(diff, language="diff")
    with st.expander("Side by side"):
        st.html(side_by_side_html(choices[a], choices[b], a, b))


def _engine(doc: Doc, t: Trial, settings: Settings) -> Engine:
    slot = f"preview-engine-{slug(doc)}"
    cached = st.session_state.get(slot)
    if cached is not None and cached[0] == t.digest:
        return cached[1]
    engine = preview_engine(
        t.card_id,
        t.card_text,
        settings,
        config.runs_dir(),
        personas_dir_for(doc),
        config.prompts_dir(),
        t.prompt_edits,
    )
    st.session_state[slot] = (t.digest, engine)
    st.session_state.pop(f"preview-session-{slug(doc)}", None)  # new text: new chat
    return engine


def preview(doc: Doc, text: str, settings: Settings, card_id: str | None = None) -> None:
    """A chat against the text as it is in the editor (not yet published)."""
    if doc.problems(text):
        st.info(
            f"Fix the {'card' if doc.kind == 'persona' else 'prompt'}'s problems to preview it."
        )
        return
    t = trial(doc, text, card_id)
    engine = _engine(doc, t, settings)
    sid_key = f"preview-session-{slug(doc)}"
    difficulty = st.selectbox(
        "Difficulty", ["easy", "standard", "hard"], index=1, key=f"preview-difficulty-{slug(doc)}"
    )
    if (
        st.button("Start a new preview", key=f"preview-start-{slug(doc)}")
        or sid_key not in st.session_state
    ):
        st.session_state[sid_key] = engine.start(PREVIEW_TRAINEE, t.card_id, difficulty).session_id
    sid = st.session_state[sid_key]
    view = engine.view(sid)
    for turn in view.transcript:
        _preview_turn(turn.role, turn.text, turn.grade)
    new_turns = st.container()  # a reply sent below lands here, above the input
    levels = " · ".join(f"{k} {v:g}" for k, v in mood_levels(view.mood).items())
    st.caption(f"Mood: {levels}" + (f" · ended: {view.end_state}" if view.end_state else ""))
    # A chat input clears itself once sent and sits under the conversation, like the
    # trainee's; "disable" greys it while the customer answers.
    reply = st.chat_input(
        "Your reply",
        key=f"preview-reply-{slug(doc)}",
        disabled=view.awaiting != "agent",
        submit_mode="disable",
    )
    if reply is not None and reply.strip():
        with new_turns:
            _preview_answer(engine, sid, reply, sid_key)
        st.rerun()
    waiting.show_notice(sid_key)


def _preview_turn(role: str, text: str, grade: Grade | None = None) -> None:
    with st.chat_message("assistant" if role == "customer" else "user"):
        st.markdown(plain_markdown(text))
        if grade is not None:
            st.caption(f"empathy {grade.empathy}/4 · empowerment {grade.empowerment}/4")


def _preview_answer(engine: Engine, sid: str, reply: str, notice_key: str) -> None:
    """The reply at once, then the customer typing, then its streamed line."""
    _preview_turn("agent", reply)
    with st.chat_message("assistant"):
        slot = st.empty()
        waiting.typing_bubble(slot)
        try:
            engine.submit(sid, reply)
            if engine.view(sid).awaiting == "customer":
                waiting.stream_into(slot, engine.stream_customer(sid))
        except HotseatError as exc:
            waiting.notice(notice_key, "error", error_text(exc))


def report_src(html: str) -> str:
    """The report as a data: URL. In a frame of its own its page-wide styles (body, table)
    stay out of the app, and a data: URL has an opaque origin, so the page cannot reach
    the app even if a transcript line slipped past the report's escaping."""
    return "data:text/html;base64," + base64.b64encode(html.encode("utf-8")).decode("ascii")


def _show_run(run: realism.RealismRun) -> None:
    st.table([{"metric": k, "value": v} for k, v in realism.key_numbers(run.summary).items()])
    if run.report_html.is_file():
        html = realism.for_browser(run.report_html.read_text(encoding="utf-8"))
        st.iframe(report_src(html), height=REPORT_HEIGHT, alt="Realism check report")
        st.download_button(
            "Download the full report (HTML)",
            html.encode("utf-8"),
            file_name=f"{run.card_id}-{run.content_hash}-report.html",
            mime="text/html",
            key=f"report-{run.content_hash}",
        )


def realism_panel(
    store: Store, doc: Doc, text: str, settings: Settings, card_id: str | None = None
) -> None:
    choices = version_choices(store, doc, text)
    label = st.selectbox("Version to check", list(choices), key=f"realism-v-{slug(doc)}")
    t = trial(doc, choices[label], card_id)
    st.caption(
        f"{len(realism.DEFAULT_BOTS)} scripted bots ({', '.join(realism.DEFAULT_BOTS)})"
        f" × {realism.DEFAULT_SEEDS} seeds, at most {realism.DEFAULT_TURNS} replies, "
        "offline grader" + (f", card {t.card_id}." if doc.kind == "prompt" else ".")
    )
    run = realism.load_run(config.runs_dir(), t.card_id, t.card_text, t.prompt_edits)
    key = f"realism-run-{slug(doc)}"
    if waiting.action_button("Run realism check", key):
        planned = len(realism.DEFAULT_BOTS) * realism.DEFAULT_SEEDS
        with waiting.working(key, f"Simulating {planned} conversations…"):
            bar = st.progress(0.0, text=f"0 of {planned} conversations done")

            def done(n: int, total: int) -> None:
                bar.progress(n / total, text=f"{n} of {total} conversations done")

            try:
                realism.realism_check(
                    t.card_id,
                    t.card_text,
                    settings,
                    config.runs_dir(),
                    personas_dir_for(doc),
                    prompts_dir=config.prompts_dir(),
                    prompt_edits=t.prompt_edits,
                    on_progress=done,
                )
            except HotseatError as exc:
                waiting.notice(key, "error", error_text(exc))
        st.rerun()  # re-enables the button; the finished run is read back from its folder
    waiting.show_notice(key)
    if run is not None:
        _show_run(run)
    elif choices[label]:
        st.caption("No realism check for this version yet.")
