"""Who is looking at the page: sign-in for the three modes, drawn the same on every page.

`viewer()` is the one entry: it decides the mode (hotseat.auth_mode), draws the sign-in
and stops the page until someone is signed in, and returns a `Viewer` for the access
rule in hotseat.access. Sign-in state lives in `st.session_state` (Streamlit's own
session, one per browser tab connection); OIDC state in Streamlit's signed `st.user`
cookie. Throttling reuses hotseat.signin_limits, counted per account and per client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from hotseat import passwords
from hotseat.access import Viewer
from hotseat.auth_mode import AUTH_ENV, AuthDecision, decide
from hotseat.errors import HotseatError
from hotseat.settings import load_settings
from hotseat.store import users as accounts
from hotseat.ui.factory import get_engine
from hotseat.ui.format import error_text, plain_markdown

SIGNED_IN = "signed_in_account"  # session_state: the account name after a good password
INVITE_PARAM = "invite"
OPEN_NOTE = (
    "Sign-in is off: anyone who can open this address acts as anyone. Fine on your own "
    f"machine; for a team set {AUTH_ENV}=password or {AUTH_ENV}=oidc."
)


@dataclass(frozen=True)
class Attempt:
    ok: bool
    wait_s: float = 0.0  # > 0: refused unchecked, failures still owe this many seconds


def client() -> str:
    """Who is trying, as far as the server can tell (shared by every tab of a browser)."""
    address = getattr(getattr(st, "context", None), "ip_address", None)
    return str(address or "unknown")


def throttled(keys: list[str], check: Callable[[], bool]) -> Attempt:
    """Run `check` unless failures of any key still owe a wait; count the outcome."""
    from hotseat.signin_limits import seconds_left
    from hotseat.store import logins
    from hotseat.store.types import utcnow

    store = get_engine().store
    wait = seconds_left(logins.failures(store, keys), utcnow())
    if wait > 0:
        # Not even checked: a right guess during the wait would otherwise leak through.
        return Attempt(False, wait)
    if check():
        logins.clear(store, keys)
        return Attempt(True)
    logins.record_failure(store, keys)
    return Attempt(False)


def mode() -> AuthDecision:
    """The configured mode; a refused configuration stops every page with its reason."""
    try:
        return decide(load_settings().auth, st.get_option("server.address"))
    except HotseatError as exc:
        st.error(error_text(exc))
        st.stop()


def viewer() -> Viewer:
    """The signed-in viewer; draws the sign-in and stops the page for anyone else."""
    decision = mode()
    if decision.mode == "none":
        with st.sidebar:
            if decision.warning:
                st.warning(decision.warning)
            st.caption(OPEN_NOTE)
        return Viewer.open_access()
    who = _oidc_viewer() if decision.mode == "oidc" else _password_viewer()
    with st.sidebar:
        shown = who.display_name or who.name or ""
        st.markdown(f"**Signed in as** {plain_markdown(shown)} ({who.role})")
        st.button("Sign out", key="sign_out", on_click=_sign_out, args=(decision.mode,))
    return who


def _sign_out(auth: str) -> None:
    st.session_state.pop(SIGNED_IN, None)
    if auth == "oidc":
        st.logout()


# -- auth=oidc ----------------------------------------------------------------------------


def _oidc_viewer() -> Viewer:
    if not st.user.is_logged_in:
        st.subheader("Sign in")
        st.write("Hotseat uses your organisation's single sign-on.")
        st.button("Sign in with single sign-on", key="oidc_sign_in", on_click=st.login)
        st.stop()
    # The e-mail the provider vouches for is the account (trainers are listed by it);
    # `sub` when the provider shares no e-mail. A name claim is only for greeting: two
    # people may share a name, never an address.
    claim = str(st.user.get("email") or st.user.get("sub") or "")
    try:
        name = accounts.account_name(claim)
        account = accounts.find_user(get_engine().store, name)
    except HotseatError as exc:
        st.error(error_text(exc, "Your sign-in could not be used: "))
        st.stop()
    role = account.role if account is not None else "trainee"  # unknown people train
    display = str(st.user.get("name") or name)
    return Viewer(name=name, role=role, display_name=display)


# -- auth=password ------------------------------------------------------------------------


def _password_viewer() -> Viewer:
    store = get_engine().store
    name = st.session_state.get(SIGNED_IN)
    account = accounts.find_user(store, name) if name else None
    if account is not None:
        return Viewer(name=account.name, role=account.role)
    st.session_state.pop(SIGNED_IN, None)  # signed in once, but the account is gone
    token = st.query_params.get(INVITE_PARAM)
    if token:
        _invite_form(token)
    else:
        _sign_in_form()
    st.stop()


def _sign_in_form() -> None:
    st.subheader("Sign in")
    with st.form("sign_in"):
        typed = st.text_input("Name", key="sign_in_name")
        secret = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in")
    st.caption("No account yet? Ask your trainer for an invite link.")
    if not submitted:
        return
    try:
        name = accounts.account_name(typed or "")
    except HotseatError as exc:
        st.error(error_text(exc))
        return
    store = get_engine().store
    attempt = throttled(
        [f"user:{name}", f"client:{client()}"],
        lambda: passwords.verify(accounts.password_hash(store, name), secret or ""),
    )
    if attempt.wait_s > 0:
        st.error(f"Too many wrong passwords. Try again in {attempt.wait_s:.0f} seconds.")
    elif attempt.ok:
        _signed_in(name)
    else:
        # The same words whether the name or the password was wrong: no list of accounts.
        st.error("Wrong name or password.")


def _invite_form(token: str) -> None:
    store = get_engine().store
    account = accounts.invited_account(store, token)
    if account is None:
        st.error(
            "This invite link is not valid: it was used already, has expired, or is "
            "mistyped. Ask your trainer for a new one."
        )
        return
    st.subheader("Choose your password")
    st.write(f"Welcome, {plain_markdown(account.name)}. Choose a password to sign in with.")
    with st.form("invite"):
        first = st.text_input("New password", type="password", key="invite_password")
        again = st.text_input("Repeat it", type="password", key="invite_password_again")
        submitted = st.form_submit_button("Set password")
    if not submitted:
        return
    if first != again:
        st.error("The two passwords differ.")
        return
    try:
        accounts.redeem_invite(store, token, passwords.hash_password(first or ""))
    except HotseatError as exc:
        st.error(error_text(exc))
        return
    del st.query_params[INVITE_PARAM]  # spent: the link should not linger in the bar
    _signed_in(account.name)


def _signed_in(name: str) -> None:
    st.session_state[SIGNED_IN] = name
    for key in ("sign_in_password", "invite_password", "invite_password_again"):
        st.session_state.pop(key, None)  # typed secrets are not kept
    st.rerun()
