"""The studio's code editor: line numbers, YAML highlighting, validation as you type.

A Streamlit custom component (components v2) made of the three small files next to this
one, passed inline, so there is no build step and nothing is fetched: it works offline.
The browser sends the text back once typing pauses (DEBOUNCE_MS); the page validates it
and sends back the problem lines to mark, and a "go to line" request when a problem is
clicked. Where the component cannot be made, `code_editor` says so and returns None: the
page then shows the plain text box.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

ASSETS = Path(__file__).parent
NAME = "hotseat_code_editor"
DEBOUNCE_MS = 400  # idle time before the text goes to Python: one check per pause, not per key
LANGUAGES = {".yaml": "yaml", ".yml": "yaml"}  # anything else: plain text, still numbered


def language_of(file_name: str) -> str:
    return LANGUAGES.get(Path(file_name).suffix.lower(), "text")


@functools.cache
def _mount() -> Callable[..., Any]:
    """Register the component once per process (registering per run would warn)."""
    return st.components.v2.component(
        NAME,
        html=(ASSETS / "editor.html").read_text(encoding="utf-8"),
        css=(ASSETS / "editor.css").read_text(encoding="utf-8"),
        js=(ASSETS / "editor.js").read_text(encoding="utf-8"),
    )


def goto_key(key: str) -> str:
    return f"{key}-goto"


def request_goto(key: str, line: int) -> None:
    """Ask the editor `key` to move its caret to `line` on the next run (a button's
    on_click); the counter makes a second click on the same line a new request."""
    last = st.session_state.get(goto_key(key)) or {"seq": 0}
    st.session_state[goto_key(key)] = {"line": int(line), "seq": int(last["seq"]) + 1}


def current_text(key: str) -> str | None:
    """What the editor `key` last sent (None before it sent anything): read before the
    editor is drawn, so the page can check the text and mark its lines in the same run."""
    state = st.session_state.get(key)
    value = state.get("text") if isinstance(state, Mapping) else None
    return value if isinstance(value, str) else None


def code_editor(
    key: str,
    text: str,
    *,
    label: str,
    language: str,
    error_lines: list[int],
    height: int = 420,
) -> str | None:
    """The editor's current text (`text` until the trainer types), or None when the
    component cannot be made here (then draw the plain text box instead). `text` is what
    the editor shows when it is first drawn: pass `current_text(key)` when there is one."""
    try:
        mount = _mount()
        result = mount(
            key=key,
            data={
                "doc": key,
                "text": text,
                "label": label,
                "language": language,
                "errors": sorted(set(error_lines)),
                "goto": st.session_state.get(goto_key(key)),
                "debounceMs": DEBOUNCE_MS,
                "height": height,
            },
            default={"text": text},
            on_text_change=lambda: None,
        )
    except (OSError, AttributeError, StreamlitAPIException):
        return None
    value = getattr(result, "text", None)
    return value if isinstance(value, str) else text
