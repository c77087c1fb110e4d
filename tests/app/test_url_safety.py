"""What a URL can make the pages do: nothing from it renders as Markdown or HTML, errors
name no paths or database URLs, and reading a page writes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hotseat.ui.format import public_message
from tests.app.conftest import open_page, unescape

HOSTILE = [
    "![x](http://127.0.0.1:9/steal)",
    "[Session expired - sign in again](http://evil.example/login)",
    "<img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("session", HOSTILE)
def test_markdown_in_the_session_link_stays_text(make_app, app_env, session: str) -> None:
    at = make_app()
    at.query_params["session"] = session
    at.run()
    assert not at.exception
    shown = at.error[0].value
    # Every Markdown/HTML character is escaped: no image, no link, no tag is rendered.
    for ch in "![]()<>":
        assert all(shown[i - 1] == "\\" for i, c in enumerate(shown) if c == ch), shown
    assert "://" not in unescape(shown)  # a URL is masked, never a live autolink
    assert "app.db" not in shown and "sqlite" not in shown


def test_error_text_names_no_paths_or_urls() -> None:
    text = public_message(
        "Database sqlite:////srv/hotseat/app.db is locked; see "
        "/home/alice/hotseat/hotseat.toml or https://internal.example/x."
    )
    assert "srv" not in text and "alice" not in text and "internal.example" not in text


def _trainees(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("select count(*) from trainees").fetchone()[0]


def test_reading_progress_writes_nothing_and_long_names_get_a_message(
    make_app, app_env, tmp_path: Path
) -> None:
    db = tmp_path / "app.db"
    page = open_page(make_app, "pages/2_Progress.py", trainee="Nobody")
    assert not page.exception and "No graded sessions" in page.info[0].value
    before = _trainees(db)
    open_page(make_app, "pages/2_Progress.py", trainee="Someone Else")
    assert _trainees(db) == before  # before: every name opened created a trainee row
    page = open_page(make_app, "pages/2_Progress.py", trainee="x" * 300)
    assert not page.exception
    message = page.error[0].value
    assert "limit" in unescape(message) and "/" not in unescape(message).replace("…", "")
