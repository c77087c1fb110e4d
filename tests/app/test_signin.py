"""auth=password in the app: sign-in, who sees which session, invites, trainer pages.

Each AppTest is one browser session; a second one is a second person.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hotseat import passwords
from hotseat.store import Store
from hotseat.store import users as accounts
from tests.app.conftest import GOOD_REPLY, all_text, reply

PASSWORDS = {"Alice": "alice-password", "Bob": "bob-password", "Tina": "tina-password"}


@pytest.fixture
def signin_env(app_env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("HOTSEAT_AUTH", "password")
    # The studio's preview databases go here, not into a folder other checkouts share.
    monkeypatch.setenv("HOTSEAT_STUDIO_RUNS", str(tmp_path / "runs"))
    app_env.responder = lambda body: "Fine. What happens next?"
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as store:
        for name, secret in PASSWORDS.items():
            role = "trainer" if name == "Tina" else "trainee"
            accounts.add_user(store, name, role, passwords.hash_password(secret))
    return app_env


def sign_in(at: AppTest, name: str, password: str | None = None) -> AppTest:
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password or PASSWORDS[name])
    next(b for b in at.button if b.label == "Sign in").click().run()
    return at


def signed_in(make_app, name: str) -> AppTest:
    at = sign_in(make_app("app.py").run(), name)
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def go(at: AppTest, page: str, **params: str) -> AppTest:
    """Open another page in the same browser session (sign-in kept), with `params`."""
    at.switch_page(page)
    at.query_params.clear()
    at.query_params.update(params)
    return at.run()


def alices_session(make_app) -> str:
    at = signed_in(make_app, "Alice")
    at.button(key="start-double-charge").click().run()
    reply(at, GOOD_REPLY)
    return str(at.query_params["session"])


def counts(db: Path) -> tuple[int, ...]:
    with sqlite3.connect(db) as con:
        return tuple(
            con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("trainees", "sessions", "turns", "users", "invites")
        )


def test_nobody_signed_in_sees_only_the_sign_in(make_app, signin_env) -> None:
    at = make_app("app.py").run()
    assert not at.exception
    assert [h.value for h in at.subheader] == ["Sign in"]
    assert not [b for b in at.button if b.label == "Start"]
    assert "Your name" not in [t.label for t in at.text_input]


def test_the_session_belongs_to_the_signed_in_account(make_app, signin_env) -> None:
    at = signed_in(make_app, "Alice")
    assert "Your name" not in [t.label for t in at.text_input]  # not typed: the account
    assert "Signed in as" in all_text(at)
    at.button(key="start-double-charge").click().run()
    assert not at.exception
    assert at.query_params["trainee"] == "Alice"


def test_a_wrong_password_is_refused_without_saying_which_part(make_app, signin_env) -> None:
    for name in ("Alice", "Nobody"):
        at = sign_in(make_app("app.py").run(), name, "not-the-password")
        assert [e.value for e in at.error] == ["Wrong name or password."]
        assert [h.value for h in at.subheader] == ["Sign in"]


def test_another_trainee_gets_not_found_everywhere(make_app, signin_env, tmp_path) -> None:
    sid = alices_session(make_app)
    bob = signed_in(make_app, "Bob")
    before = counts(tmp_path / "app.db")

    def not_found(at: AppTest) -> str:
        assert not at.exception
        assert "Alice" not in all_text(at) and GOOD_REPLY[:30] not in all_text(at)
        return all_text(at)

    go(bob, "app.py", session=sid)
    shown = not_found(bob)
    assert "Session not found" in shown
    assert len(bob.chat_input) == 0  # nothing to send a reply with
    go(bob, "app.py", session="no-such-session-id-at-all")
    assert all_text(bob).replace("no-such-session-id-at-all", sid) == shown  # same words
    go(bob, "pages/1_Debrief.py", session=sid)
    assert "Session not found" in not_found(bob)
    assert len(bob.get("download_button")) == 0
    go(bob, "pages/3_What_if.py", session=sid)
    assert "Session not found" in not_found(bob)
    go(bob, "pages/2_Progress.py", trainee="Alice")
    assert "Your sessions, Bob" in not_found(bob)
    assert len(bob.dataframe) == 0
    assert counts(tmp_path / "app.db") == before  # reading pages wrote nothing


def test_the_owner_and_a_trainer_see_it(make_app, signin_env) -> None:
    sid = alices_session(make_app)
    for name in ("Alice", "Tina"):
        at = signed_in(make_app, name)
        go(at, "app.py", session=sid)
        assert GOOD_REPLY[:30] in all_text(at) and len(at.chat_input) == 1, name
        go(at, "pages/1_Debrief.py", session=sid)
        assert not at.error and len(at.get("download_button")) == 2, name
        go(at, "pages/2_Progress.py", trainee="Alice")
        assert at.dataframe[0].value["session"].tolist() == [sid], name


def test_trainer_pages_need_the_trainer_role(make_app, signin_env) -> None:
    bob = signed_in(make_app, "Bob")
    go(bob, "pages/5_Cohort.py")
    assert "for trainers" in all_text(bob) and len(bob.dataframe) == 0
    tina = signed_in(make_app, "Tina")
    go(tina, "pages/4_Trainer_studio.py")
    assert not tina.exception  # the editor, no shared password:
    assert tina.session_state["code-persona-card-fraud"]["text"].startswith("# ")


def test_an_invite_link_sets_a_password_once(make_app, signin_env, tmp_path) -> None:
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as store:
        _, token = accounts.create_invite(store, "Dee")
    at = make_app("app.py")
    at.query_params["invite"] = token
    at.run()
    assert [h.value for h in at.subheader] == ["Choose your password"]
    at.text_input(key="invite_password").input("dee-password")
    at.text_input(key="invite_password_again").input("dee-password")
    next(b for b in at.button if b.label == "Set password").click().run()
    assert not at.exception and not at.error
    assert "invite" not in at.query_params
    assert any(b.label == "Start" for b in at.button)  # signed in as Dee
    again = make_app("app.py")
    again.query_params["invite"] = token
    again.run()
    assert "not valid" in all_text(again)
    later = sign_in(make_app("app.py").run(), "Dee", "dee-password")  # the new password
    assert not later.error and any(b.label == "Start" for b in later.button)


def test_ten_wrong_passwords_lock_the_account_even_for_the_right_one(make_app, signin_env) -> None:
    """Counted in the database per account: a fresh browser (another client) is locked too."""
    from datetime import timedelta

    from hotseat.store import logins
    from hotseat.store.models import LoginFailureRow
    from hotseat.ui.factory import get_engine

    store = get_engine().store
    at = make_app("app.py").run()
    for n in range(1, 11):
        with store._tx("test: spend the wait") as s:  # noqa: SLF001
            for row in s.query(LoginFailureRow):
                row.last_failed_at -= timedelta(seconds=120)  # so each guess is checked
        at = sign_in(at, "Alice", f"guess {n}")
        assert [e.value for e in at.error] == ["Wrong name or password."], n
    assert logins.failures(store, ["user:Alice"])["user:Alice"][0] == 10
    # Another client (its own failures cleared) still meets the account's lockout.
    logins.clear(store, ["client:unknown"])
    fresh = sign_in(make_app("app.py").run(), "Alice")
    assert any("Too many wrong passwords" in e.value for e in fresh.error)
    assert not any(b.label == "Start" for b in fresh.button)
    # Other accounts are not locked by Alice's failures once the client's count is clear.
    assert not sign_in(make_app("app.py").run(), "Bob").error


def test_sign_in_off_says_so_in_the_sidebar(make_app, app_env) -> None:
    at = make_app("app.py").run()
    assert not at.exception
    assert any(
        "anyone who can open this address acts as anyone" in c.value for c in at.sidebar.caption
    )
    assert "Your name" in [t.label for t in at.text_input]  # today's behaviour


@pytest.fixture
def shared_address():
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def test_open_access_on_a_shared_address_is_refused(make_app, app_env, shared_address) -> None:
    at = make_app("app.py").run()
    assert not at.exception
    assert "HOTSEAT\\_AUTH=password" in at.error[0].value  # names the setting to change
    assert not [b for b in at.button if b.label == "Start"]


def test_open_access_chosen_explicitly_runs_with_a_warning(
    make_app, app_env, shared_address, monkeypatch
) -> None:
    monkeypatch.setenv("HOTSEAT_AUTH", "none")
    at = make_app("app.py").run()
    assert not at.exception and not at.error
    assert "HOTSEAT_AUTH=none" in at.sidebar.warning[0].value
    assert [b for b in at.button if b.label == "Start"]


def test_a_trainer_invites_a_trainee_from_the_accounts_page(make_app, signin_env, tmp_path):
    bob = go(signed_in(make_app, "Bob"), "pages/6_Accounts.py")
    assert "for trainers" in all_text(bob) and len(bob.dataframe) == 0
    tina = go(signed_in(make_app, "Tina"), "pages/6_Accounts.py")
    assert tina.dataframe[0].value["name"].tolist() == ["Alice", "Bob", "Tina"]
    tina.text_input(key="accounts_invite_name").input("Eve")
    next(b for b in tina.button if b.label == "Create invite link").click().run()
    assert not tina.exception and not tina.error
    link = tina.code[0].value
    assert link.startswith("/?invite=")
    with Store(f"sqlite:///{tmp_path / 'app.db'}") as store:
        invited = accounts.invited_account(store, link.removeprefix("/?invite="))
    assert invited == accounts.Account("Eve", "trainee", False)


def test_the_accounts_page_with_sign_in_off_explains(make_app, app_env) -> None:
    at = make_app("app.py").run()
    at.switch_page("pages/6_Accounts.py")
    at.run()
    assert not at.exception and "HOTSEAT_AUTH=password" in all_text(at)
    assert len(at.dataframe) == 0
