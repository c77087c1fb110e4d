"""Sign-in in a real browser: auth=password and auth=oidc (st.login against a loopback
OpenID Connect provider). A second trainee cannot open a first trainee's session by any
URL; a trainer can."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotseat import passwords
from hotseat.store import Store
from hotseat.store import users as accounts
from tests.e2e.conftest import db_url, streamlit_app
from tests.e2e.test_browser import REPLIES, WAIT_MS, say
from tests.fakes.oidc_provider import CLIENT_ID, CLIENT_SECRET, FakeOIDCProvider

pytestmark = pytest.mark.browser

PASSWORDS = {"Alice": "alice-password", "Bob": "bob-password", "Tina": "tina-password"}
NOT_FOUND = "Session not found"


@pytest.fixture(scope="module")
def password_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("signin")
    with Store(db_url(tmp)) as store:
        for name, secret in PASSWORDS.items():
            role = "trainer" if name == "Tina" else "trainee"
            accounts.add_user(store, name, role, passwords.hash_password(secret))
    with streamlit_app(tmp, {"HOTSEAT_AUTH": "password"}) as (url, _server):
        yield url, tmp / "e2e.db"


def open_signed_in(page, url: str, name: str, password: str | None = None) -> None:
    """Open `url` in a fresh Streamlit session and sign in there (the sign-in belongs to
    that browser session, so every new page load asks again)."""
    page.goto(url)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password or PASSWORDS[name])
    page.get_by_role("button", name="Sign in").click()


def wait_signed_in(page) -> None:
    page.get_by_text("Signed in as").wait_for(timeout=WAIT_MS)


def start_and_reply(page) -> str:
    page.locator(".st-key-start-double-charge button").click()
    page.wait_for_url(re.compile(r"session="), timeout=WAIT_MS)
    say(page, REPLIES[0], 1)
    return re.search(r"session=([^&]+)", page.url).group(1)


def turns(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("select count(*) from turns").fetchone()[0]


@pytest.fixture(scope="module")
def alices_session(browser, password_app) -> str:
    url, _db = password_app
    ctx = browser.new_context()
    page = ctx.new_page()
    open_signed_in(page, url, "Alice")
    wait_signed_in(page)
    assert page.get_by_label("Your name").count() == 0  # the account is the name
    sid = start_and_reply(page)
    ctx.close()
    return sid


@pytest.mark.parametrize(
    "path", ["/?session={sid}", "/Debrief?session={sid}", "/What_if?session={sid}"]
)
def test_another_trainee_gets_not_found(browser, password_app, alices_session, path) -> None:
    url, db = password_app
    before = turns(db)
    ctx = browser.new_context()
    page = ctx.new_page()
    open_signed_in(page, url + path.format(sid=alices_session), "Bob")
    wait_signed_in(page)
    page.get_by_text(NOT_FOUND).wait_for(timeout=WAIT_MS)
    assert page.get_by_text(REPLIES[0][:40]).count() == 0
    assert page.get_by_placeholder("Your reply to the customer").count() == 0  # no reply box
    assert page.get_by_role("button", name="Transcript (Markdown)").count() == 0
    assert turns(db) == before
    ctx.close()


def test_not_found_reads_the_same_as_a_missing_session(browser, password_app, alices_session):
    url, _db = password_app
    ctx = browser.new_context()
    page = ctx.new_page()
    shown = []
    for sid in (alices_session, "x" * len(alices_session)):
        open_signed_in(page, f"{url}/?session={sid}", "Bob")
        box = page.locator("[data-testid=stAlert]").filter(has_text=NOT_FOUND)
        box.wait_for(timeout=WAIT_MS)
        shown.append(box.inner_text().replace(sid, "<id>"))
    assert shown[0] == shown[1]
    ctx.close()


def test_progress_shows_only_your_own(browser, password_app, alices_session) -> None:
    url, _db = password_app
    ctx = browser.new_context()
    page = ctx.new_page()
    open_signed_in(page, f"{url}/Progress?trainee=Alice", "Bob")
    page.get_by_text("Your sessions, Bob").wait_for(timeout=WAIT_MS)
    page.get_by_text("No graded sessions yet").wait_for(timeout=WAIT_MS)
    assert page.locator("[data-testid=stDataFrame]").count() == 0
    ctx.close()


def test_a_trainer_sees_alices_session(browser, password_app, alices_session) -> None:
    url, _db = password_app
    ctx = browser.new_context()
    page = ctx.new_page()
    open_signed_in(page, f"{url}/?session={alices_session}", "Tina")
    page.get_by_text(REPLIES[0][:40]).first.wait_for(timeout=WAIT_MS)
    assert page.get_by_text(NOT_FOUND).count() == 0
    open_signed_in(page, f"{url}/Progress?trainee=Alice", "Tina")
    page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=WAIT_MS)
    ctx.close()


def test_ten_wrong_passwords_lock_the_account(browser, password_app, alices_session) -> None:
    """Last in this module: it locks the loopback client too."""
    url, db = password_app
    ctx = browser.new_context()
    page = ctx.new_page()
    for n in range(1, 11):
        # A fresh page each time: the error on screen is then this guess's, not the last's.
        page.goto(url)
        with sqlite3.connect(db) as con:  # spend any wait, so each guess is really checked
            con.execute(
                "update login_failures"
                " set last_failed_at = datetime(last_failed_at, '-120 seconds')"
            )
        page.get_by_label("Name", exact=True).fill("Bob")
        page.get_by_label("Password", exact=True).fill(f"guess {n}")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Wrong name or password.").wait_for(timeout=WAIT_MS)
    with sqlite3.connect(db) as con:
        count = con.execute("select failures from login_failures where key = 'user:Bob'")
        assert count.fetchone()[0] == 10  # every guess was checked and counted
    open_signed_in(page, url, "Bob")  # the right password, in a fresh session
    page.get_by_text("Too many wrong passwords").wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Signed in as").count() == 0
    ctx.close()


# -- auth=oidc ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FakeOIDCProvider]]:
    tmp = tmp_path_factory.mktemp("oidc")
    provider = FakeOIDCProvider().start()
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-enough-length-0123456789"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )
    with Store(db_url(tmp)) as store:
        accounts.add_user(store, "tina@example.com", "trainer")
    try:
        with streamlit_app(tmp, {"HOTSEAT_AUTH": "oidc"}, ["--secrets.files", str(secrets)]) as (
            url,
            _server,
        ):
            yield url, provider
    finally:
        provider.stop()


def oidc_sign_in(browser, url: str, provider: FakeOIDCProvider, claims: dict[str, str]):
    provider.user = claims
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(url)
    page.get_by_role("button", name="Sign in with single sign-on").click()
    page.get_by_text("Signed in as").wait_for(timeout=WAIT_MS)
    return ctx, page


ALICE = {"sub": "u-1", "email": "alice@example.com", "name": "Alice Example"}
BOB = {"sub": "u-2", "email": "bob@example.com", "name": "Bob Example"}
TINA = {"sub": "u-3", "email": "Tina@Example.com", "name": "Tina Trainer"}


def test_oidc_sign_in_and_ownership(browser, oidc_app) -> None:
    url, provider = oidc_app
    ctx, page = oidc_sign_in(browser, url, provider, ALICE)
    page.locator("[data-testid=stSidebar]").get_by_text("Alice Example").wait_for()
    assert "(trainee)" in page.locator("[data-testid=stSidebar]").inner_text()
    assert provider.token_requests >= 1  # the code really went through /token
    sid = start_and_reply(page)
    ctx.close()

    ctx, page = oidc_sign_in(browser, url, provider, BOB)
    page.locator("[data-testid=stSidebar]").get_by_text("Bob Example").wait_for()
    page.goto(f"{url}/?session={sid}")  # the sign-in cookie carries over to a new load
    page.get_by_text(NOT_FOUND).wait_for(timeout=WAIT_MS)
    assert page.get_by_text(REPLIES[0][:40]).count() == 0
    page.goto(f"{url}/Debrief?session={sid}")
    page.get_by_text(NOT_FOUND).wait_for(timeout=WAIT_MS)
    ctx.close()

    ctx, page = oidc_sign_in(browser, url, provider, TINA)  # listed as a trainer by e-mail
    assert "(trainer)" in page.locator("[data-testid=stSidebar]").inner_text()
    page.goto(f"{url}/?session={sid}")
    page.get_by_text(REPLIES[0][:40]).first.wait_for(timeout=WAIT_MS)
    ctx.close()
