"""Signs of work: nothing a trainee or trainer starts may leave the page silent.

Three tools, one owner each:
- `typing_bubble` + `stream_into`: the customer's bubble shows "is typing…" at once,
  before the model's first sentence, and the streamed text replaces it.
- `action_button` + `working`: a button that is drawn disabled while the work it started
  runs (so it cannot be submitted twice), with a spinner that counts the seconds.
- `notice` / `show_notice`: a result or error that outlives the rerun which re-enables the
  button (the work's run ends with `st.rerun()`, so its messages must be carried over).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Literal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from hotseat.ui.format import plain_markdown

TYPING = "The customer is typing…"
NoticeKind = Literal["success", "error", "info", "warning"]


def typing_bubble(slot: DeltaGenerator) -> None:
    """Show the typing indicator in `slot` (an `st.empty()` inside the customer's bubble).

    Drawn before any model call, so the browser has it while the call blocks."""
    slot.caption(f"✍️ {TYPING}")


def stream_into(slot: DeltaGenerator, chunks: Iterable[str]) -> str:
    """Replace the indicator in `slot` with the text as it streams; returns the text.

    The whole text so far is escaped each time (a model's line is shown as text, never
    Markdown or HTML), so a sentence boundary never splits an escape."""
    text = ""
    for chunk in chunks:
        text += chunk
        slot.markdown(plain_markdown(text))
    return text


def _busy(key: str) -> str:
    return f"{key}::busy"


def _mark_busy(key: str) -> None:
    st.session_state[_busy(key)] = True


def action_button(label: str, key: str, *, disabled: bool = False, **kwargs: object) -> bool:
    """A button whose click is handled in the same run that draws it disabled.

    The click sets a flag in a callback (callbacks run before the script), so this run
    draws the button disabled and returns True: the caller then does the work inside
    `working(key, ...)`, which clears the flag, and reruns to re-enable the button."""
    busy = bool(st.session_state.get(_busy(key)))
    st.button(
        label,
        key=key,
        disabled=disabled or busy,
        on_click=_mark_busy,
        args=(key,),
        **kwargs,  # type: ignore[arg-type]
    )
    return busy


@contextmanager
def working(key: str, label: str) -> Iterator[None]:
    """A spinner with elapsed seconds while the block runs; the button `key` is re-enabled
    afterwards even when the block fails or the run is interrupted."""
    try:
        with st.spinner(label, show_time=True):
            yield
    finally:
        st.session_state.pop(_busy(key), None)


def _notice_key(key: str) -> str:
    return f"{key}::notice"


def notice(key: str, kind: NoticeKind, text: str) -> None:
    """Keep a message for the next run of this page (shown by `show_notice(key)`).

    `text` must already be safe to render (built with `format` helpers)."""
    st.session_state[_notice_key(key)] = (kind, text)


def show_notice(key: str) -> None:
    found = st.session_state.pop(_notice_key(key), None)
    if found is not None:
        kind, text = found
        getattr(st, kind)(text)
