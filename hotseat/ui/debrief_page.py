"""Drawing for the debrief page."""

from __future__ import annotations

import streamlit as st

from hotseat.engine import Engine, SessionView, TurnView
from hotseat.speech.delivery import Delivery, thresholds
from hotseat.store import Store
from hotseat.store import voice as voice_store
from hotseat.store.lineage import card_version_id
from hotseat.ui import charts, widgets
from hotseat.ui.debrief import build, delivery_rows, mood_rows, score_rows
from hotseat.ui.export import transcript_json, transcript_markdown
from hotseat.ui.format import chips, label, plain_markdown


def _reply(title: str, t: TurnView | None) -> None:
    if t is None or t.grade is None:
        return
    st.markdown(f"**{title}** — {chips(t.grade)}")
    st.markdown("> " + plain_markdown(t.text))
    st.caption(plain_markdown(t.grade.reason))


def version_caption(engine: Engine, view: SessionView) -> str:
    """Which named version of the persona card the trainee practised on."""
    session = engine.store.get_session(view.session_id)
    return f"Persona version {card_version_id(engine.store, session, engine.personas_dir)}"


def _delivery(view: SessionView, store: Store) -> None:
    """Only for calls with spoken replies: a text-only debrief draws nothing here."""
    spoken = {
        i: Delivery.model_validate(d)
        for i, (_, d) in voice_store.replies(store, view.session_id).items()
    }
    rows = delivery_rows(view, spoken)
    if not rows:
        return
    t = thresholds()
    low, high = t.comfortable
    st.markdown("**Delivery of your spoken replies**")
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption(
        f"Comfortable on the phone: {low:.0f}-{high:.0f} words a minute (over "
        f"{t.rushed_above:.0f} sounds rushed), no silence of {t.long_pause_seconds:.0f} s or "
        f"more, filler words under {t.max_filler_share:.1%} of what you say. Sources: README."
    )


def draw(engine: Engine, view: SessionView) -> None:
    st.title("📋 Debrief")
    widgets.header(view)
    st.caption(version_caption(engine, view))
    widgets.end_state(view)
    if view.awaiting != "nobody":
        st.info("This call is still running; the debrief covers the replies so far.")
    d = build(view)
    st.markdown(f"**Lesson:** {d.lesson}")
    if d.graded:
        left, right = st.columns(2)
        left.markdown("**Score trajectory**")
        left.altair_chart(charts.score_trajectory(score_rows(view)), width="stretch")
        right.markdown("**Mood trace**")
        right.altair_chart(charts.mood_trace(mood_rows(view)), width="stretch")
        _reply("Best reply", d.best)
        _reply("Worst reply", d.worst)
        st.markdown("**Techniques used:** " + (", ".join(label(n) for n in d.used) or "none"))
        st.markdown("**Techniques to try next:** " + ", ".join(label(n) for n in d.missed))
        st.markdown("**Habits to drop**")
        if not d.anti_patterns:
            st.caption("None seen — keep it that way.")
        for name, times, quote in d.anti_patterns:
            st.markdown(f"- {label(name)} ×{times}: “{plain_markdown(quote)}”")
        _delivery(view, engine.store)
    stem = f"hotseat-{view.session_id}"
    c1, c2 = st.columns(2)
    c1.download_button(
        "Transcript (Markdown)",
        transcript_markdown(view),
        file_name=f"{stem}.md",
        mime="text/markdown",
    )
    c2.download_button(
        "Transcript (JSON)",
        transcript_json(view),
        file_name=f"{stem}.json",
        mime="application/json",
    )
