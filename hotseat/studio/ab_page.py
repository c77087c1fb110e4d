"""The studio's A/B tab: two versions, the same seeds and bots, one button, side by side.

Drawing only: runs are the realism check's, pairing and statistics are `ab`'s.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import streamlit as st

from hotseat.bots import BOT_NAMES
from hotseat.errors import HotseatError
from hotseat.settings import Settings
from hotseat.store import Store
from hotseat.studio import ab, config, editor, realism
from hotseat.studio.trial import Trial
from hotseat.studio.versions import Doc
from hotseat.ui import waiting
from hotseat.ui.format import error_text, plain_markdown

MAX_SEEDS = 25
DEFAULT_SEEDS = 3


def _defaults(labels: list[str], choices: dict[str, str]) -> tuple[int, int]:
    """The question a trainer most likely has. A draft not yet published: is it better
    than what trainees get (A published, B the newest draft)? Else, was the last publish
    better than the version before it? Else, the editor's text against the file."""
    live = choices[editor.PUBLISHED]
    saved = [i for i, label in enumerate(labels) if label not in (editor.EDITING, editor.PUBLISHED)]
    published = labels.index(editor.PUBLISHED)
    if saved and choices[labels[saved[0]]] != live:
        return published, saved[0]
    older = [i for i in saved if choices[labels[i]] != live]
    if older:
        return older[0], published
    return published, labels.index(editor.EDITING)


def _run(
    t: Trial,
    doc: Doc,
    settings: Settings,
    bots: list[str],
    seeds: int,
    done: Callable[[int, int], None],
) -> None:
    realism.realism_check(
        t.card_id,
        t.card_text,
        settings,
        config.runs_dir(),
        editor.personas_dir_for(doc),
        prompts_dir=config.prompts_dir(),
        prompt_edits=t.prompt_edits,
        bots=tuple(bots),
        seeds=seeds,
        on_progress=done,
    )


def ab_compare(
    store: Store, doc: Doc, text: str, settings: Settings, card_id: str | None = None
) -> None:
    slug = editor.slug(doc)
    choices = editor.version_choices(store, doc, text)
    labels = list(choices)
    default_a, default_b = _defaults(labels, choices)
    left, right = st.columns(2)
    # Keyed by the versions and their states: a new draft or a publish asks a new
    # question, so the sides go back to their defaults instead of keeping an old pick.
    asked = zlib.crc32("\n".join(labels).encode("utf-8"))
    a = left.selectbox("A", labels, index=default_a, key=f"ab-a-{slug}-{asked}")
    b = right.selectbox("B", labels, index=default_b, key=f"ab-b-{slug}-{asked}")
    left, right = st.columns([3, 1])
    bots = left.multiselect(
        "Trainee bots", list(BOT_NAMES), default=list(realism.DEFAULT_BOTS), key=f"ab-bots-{slug}"
    )
    seeds = int(
        right.number_input(
            "Seeds", 1, MAX_SEEDS, DEFAULT_SEEDS, key=f"ab-seeds-{slug}", help="per bot"
        )
    )
    problems = [label for label in (a, b) if doc.problems(choices[label])]
    if problems:
        st.info(f"Not a valid version, so it cannot run: {', '.join(problems)}.")
    trials = {
        side: editor.trial(doc, choices[label], card_id) for side, label in (("A", a), ("B", b))
    }
    key = f"ab-run-{slug}"
    if waiting.action_button(
        f"Run A and B on the same {seeds} seed(s) × {len(bots)} bot(s)",
        key,
        type="primary",
        disabled=bool(problems) or not bots,
    ):
        total = 2 * len(bots) * seeds
        with waiting.working(key, f"Simulating {total} conversations (A, then B)…"):
            bar = st.progress(0.0, text=f"0 of {total} conversations done")
            try:
                for offset, side in enumerate(("A", "B")):

                    def done(n: int, planned: int, offset: int = offset, side: str = side) -> None:
                        finished = offset * planned + n
                        bar.progress(finished / total, text=f"{side}: {finished} of {total} done")

                    _run(trials[side], doc, settings, bots, seeds, done)
            except HotseatError as exc:
                waiting.notice(key, "error", error_text(exc))
        st.rerun()  # re-enables the button; the results are read back from the run folders
    waiting.show_notice(key)
    found = {
        side: ab.conversations(
            realism.run_folder(config.runs_dir(), t.card_id, t.card_text, t.prompt_edits),
            bots,
            seeds,
        )
        for side, t in trials.items()
    }
    wanted = len(bots) * seeds
    if any(len(found[side]) < wanted for side in found):
        # Half a comparison (an earlier, smaller run) would mislead: run the rest first.
        st.caption("Press the button: both versions run on the same seeds and bots.")
        return
    _results((a, b), found, bots, slug)


def _results(
    labels: tuple[str, str],
    found: dict[str, dict[tuple[str, int], ab.Row]],
    bots: list[str],
    slug: str,
) -> None:
    rows_a, rows_b = list(found["A"].values()), list(found["B"].values())
    warning = ab.sample_warning(min(len(rows_a), len(rows_b)))
    if warning:
        st.warning(warning)
    rates = ab.rate_rows(rows_a, rows_b, bots)
    st.markdown(f"**End states** — A: {plain_markdown(labels[0])} · B: {plain_markdown(labels[1])}")
    st.dataframe(rates, hide_index=True, key=f"ab-rates-{slug}")
    paired = ab.pairs(found["A"], found["B"])
    left, right = st.columns(2)
    left.download_button(
        "Download comparison (JSON)",
        ab.export_json(labels, paired, rates),
        file_name="ab-compare.json",
        mime="application/json",
        key=f"ab-json-{slug}",
    )
    right.download_button(
        "Download conversations (CSV)",
        ab.export_csv(labels, paired),
        file_name="ab-compare.csv",
        mime="text/csv",
        key=f"ab-csv-{slug}",
    )
    st.markdown("**Per seed, side by side** (lines that differ are highlighted)")
    for p in paired:
        mark = " · ended differently" if p.differs else ""
        with st.expander(
            f"{p.bot} · seed {p.seed}: A {ab.outcome(p.a)} · B {ab.outcome(p.b)}{mark}",
            expanded=p.differs,
        ):
            cols = st.columns(2)
            for col, side, row, other in ((cols[0], "A", p.a, p.b), (cols[1], "B", p.b, p.a)):
                with col:
                    _transcript(side, row, other)


def _transcript(side: str, row: ab.Row | None, other: ab.Row | None) -> None:
    st.markdown(f"**{side}** · {ab.outcome(row)}")
    if row is None:
        return
    st.caption(f"Mood: {ab.mood_trace(row)}")
    theirs = {t["index"]: t["text"] for t in (other or {}).get("turns", [])}
    for turn in row["turns"]:
        with st.chat_message("assistant" if turn["role"] == "customer" else "user"):
            text = plain_markdown(turn["text"])
            # Escaped text cannot close the highlight's brackets.
            differs = theirs.get(turn["index"]) != turn["text"]
            st.markdown(f":orange-background[{text}]" if differs else text)
            chip = ab.grade_chip(turn)
            if chip:
                st.caption(chip)
