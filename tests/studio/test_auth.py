"""Trainer pages are closed to anyone not signed in; the password unlocks them."""

from __future__ import annotations

import pytest

from hotseat.studio.auth import configured_password, password_matches
from tests.studio.conftest import PASSWORD, page_text

PAGES = ("pages/4_Trainer_studio.py", "pages/5_Cohort.py")


def _submit(at, password: str):
    at.text_input(key="studio_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_unauthenticated_user_sees_only_the_sign_in(make_page, page: str) -> None:
    at = make_page(page)
    at.run()
    assert not at.exception
    assert "Trainer sign-in" in [h.value for h in at.subheader]
    assert len(at.text_area) == 0 and len(at.dataframe) == 0 and len(at.tabs) == 0
    assert len(at.get("vega_lite_chart")) == 0 and len(at.selectbox) == 0


@pytest.mark.parametrize("page", PAGES)
def test_wrong_password_is_refused(make_page, page: str) -> None:
    at = _submit(make_page(page).run(), "let me in")
    assert not at.exception
    assert any("Wrong password" in e.value for e in at.error)
    assert len(at.text_area) == 0 and len(at.selectbox) == 0
    assert PASSWORD not in page_text(at)


def test_right_password_unlocks_the_studio(make_page) -> None:
    at = _submit(make_page("pages/4_Trainer_studio.py").run(), PASSWORD)
    assert not at.exception and not at.error
    assert at.session_state["code-persona-card-fraud"]["text"]  # first card, editor shown
    assert "studio_password" not in at.session_state  # the typed password is not kept


def test_no_password_configured_keeps_pages_locked(make_page, monkeypatch) -> None:
    monkeypatch.delenv("HOTSEAT_TRAINER_PASSWORD")
    at = make_page("pages/4_Trainer_studio.py")
    at.run()
    assert any("HOTSEAT_TRAINER_PASSWORD" in w.value for w in at.warning)
    assert len(at.text_input) == 0 and len(at.text_area) == 0


def test_password_sources_and_compare() -> None:
    assert configured_password({"HOTSEAT_TRAINER_PASSWORD": "a"}, {}) == "a"
    assert configured_password({}, {"trainer_password": "b"}) == "b"
    assert configured_password({}, {}) is None
    assert password_matches("sesame", "sesame") and not password_matches("sesam", "sesame")
    assert password_matches("žluť", "žluť")


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        (0, 0.0),
        (2, 0.0),
        (3, 2.0),
        (4, 4.0),
        (6, 16.0),
        (9, 60.0),
        (10, 900.0),
        (30, 900.0),
    ],
)
def test_waits_grow_then_lock(failures: int, wait: float) -> None:
    from hotseat.signin_limits import wait_after

    assert wait_after(failures) == wait


def test_ten_wrong_passwords_lock_even_the_right_one_across_replicas(make_page, tmp_path) -> None:
    """Before: 30 wrong passwords in 13 s, no delay, then the right one worked at once.
    The count lives in the database, so a second app process (a replica) sees it too."""
    import os
    from datetime import timedelta

    from hotseat.store import Store, logins

    at = make_page("pages/4_Trainer_studio.py").run()
    store = Store(os.environ["HOTSEAT_DB_URL"])  # another process's view of the database
    for n in range(1, 11):
        # Each wait is spent (moved into the past) so every guess is really checked.
        counts = logins.failures(store, ["account:trainer"])
        if counts:
            with store._tx("test: spend the wait") as s:  # noqa: SLF001
                from hotseat.store.models import LoginFailureRow

                for row in s.query(LoginFailureRow):
                    row.last_failed_at -= timedelta(seconds=120)
        at = _submit(at, f"guess {n}")
        assert any("Wrong password" in e.value for e in at.error), n
    assert logins.failures(store, ["account:trainer"])["account:trainer"][0] == 10
    at = _submit(make_page("pages/4_Trainer_studio.py").run(), PASSWORD)  # a fresh browser
    assert any("Too many wrong passwords" in e.value for e in at.error)
    assert len(at.text_area) == 0  # locked out: the studio stays closed
    store.close()


def test_a_wait_is_enforced_before_the_password_is_checked(make_page) -> None:
    at = make_page("pages/5_Cohort.py").run()
    for n in range(4):  # three free failures, then the wait starts
        at = _submit(at, f"guess {n}")
    at = _submit(at, PASSWORD)
    assert any("Try again in" in e.value for e in at.error)
