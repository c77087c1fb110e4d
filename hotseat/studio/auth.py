"""Trainer sign-in: one shared password, compared in constant time, state per browser.

The password comes from the environment (HOTSEAT_TRAINER_PASSWORD) or Streamlit secrets
(`trainer_password`); it is never shown or logged, and the typed value is dropped once
it matched. With none configured the trainer pages stay locked and say how to set one.
"""

from __future__ import annotations

import hmac
import os
from typing import Any

import streamlit as st

PASSWORD_ENV = "HOTSEAT_TRAINER_PASSWORD"
SECRET_KEY = "trainer_password"
SIGNED_IN = "studio_trainer_signed_in"
TRAINER_ACCOUNT = "trainer"  # the one shared trainer password is one account


def configured_password(environ: dict[str, str] | None = None, secrets: Any = None) -> str | None:
    """The trainer password, or None when neither the environment nor secrets set one."""
    env = os.environ if environ is None else environ
    value = env.get(PASSWORD_ENV)
    if value:
        return value
    try:
        secret = (st.secrets if secrets is None else secrets).get(SECRET_KEY)
    except (FileNotFoundError, KeyError, AttributeError):
        # No secrets.toml at all is a normal setup, not an error.
        secret = None
    return str(secret) if secret else None


def password_matches(given: str, expected: str) -> bool:
    """Constant-time compare, so response time does not leak how much of it was right."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def is_signed_in() -> bool:
    return bool(st.session_state.get(SIGNED_IN))


def sign_out() -> None:
    st.session_state[SIGNED_IN] = False


def _client() -> str:
    """Who is trying, as far as the server can tell (shared by every tab of a browser)."""
    address = getattr(getattr(st, "context", None), "ip_address", None)
    return str(address or "unknown")


def _try_sign_in(given: str, expected: str) -> None:
    """Check the password unless failures from this account or client still owe a wait."""
    from hotseat.signin_limits import seconds_left
    from hotseat.store import logins
    from hotseat.store.types import utcnow
    from hotseat.ui.factory import get_engine

    store = get_engine().store
    keys = [f"account:{TRAINER_ACCOUNT}", f"client:{_client()}"]
    wait = seconds_left(logins.failures(store, keys), utcnow())
    if wait > 0:
        # Not even checked: a right guess during the wait would otherwise leak through.
        st.error(f"Too many wrong passwords. Try again in {wait:.0f} seconds.")
        return
    if password_matches(given, expected):
        logins.clear(store, keys)
        st.session_state[SIGNED_IN] = True
        st.session_state.pop("studio_password", None)
        st.rerun()
    logins.record_failure(store, keys)
    st.error("Wrong password. Ask the person who runs Hotseat for the trainer password.")


def require_trainer() -> None:
    """Guard for every trainer page: draws the sign-in form and stops for anyone else."""
    expected = configured_password()
    if expected is None:
        st.warning(
            "Trainer pages are locked: no trainer password is configured. Set the "
            f"environment variable {PASSWORD_ENV}, or `{SECRET_KEY}` in "
            ".streamlit/secrets.toml, then reload this page."
        )
        st.stop()
    if is_signed_in():
        with st.sidebar:
            st.button("Sign out", key="studio_sign_out", on_click=sign_out)
        return
    st.subheader("Trainer sign-in")
    with st.form("studio_sign_in"):
        given = st.text_input("Trainer password", type="password", key="studio_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        _try_sign_in(given or "", expected)
    st.info("These pages are for trainers. Trainees: use the Hotseat page to practise.")
    st.stop()
