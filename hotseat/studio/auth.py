"""Trainer pages: the trainer role when sign-in is on, else one shared trainer password.

With auth=password or oidc, a trainer is an account with the trainer role (hotseat.ui.signin
signs people in; hotseat.access says what a role may see). With auth=none there are no
accounts, so one shared password still guards the trainer pages. It comes from the
environment (HOTSEAT_TRAINER_PASSWORD) or Streamlit secrets (`trainer_password`); it is
never shown or logged, and the typed value is dropped once it matched. With none
configured the trainer pages stay locked and say how to set one.
"""

from __future__ import annotations

import hmac
import os
from typing import Any

import streamlit as st

from hotseat.access import Viewer
from hotseat.ui import signin

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


def _try_sign_in(given: str, expected: str) -> None:
    """Check the password unless failures from this account or client still owe a wait."""
    keys = [f"account:{TRAINER_ACCOUNT}", f"client:{signin.client()}"]
    attempt = signin.throttled(keys, lambda: password_matches(given, expected))
    if attempt.wait_s > 0:
        st.error(f"Too many wrong passwords. Try again in {attempt.wait_s:.0f} seconds.")
        return
    if attempt.ok:
        st.session_state[SIGNED_IN] = True
        st.session_state.pop("studio_password", None)
        st.rerun()
    st.error("Wrong password. Ask the person who runs Hotseat for the trainer password.")


def require_trainer() -> Viewer:
    """Guard for every trainer page: draws the sign-in and stops for anyone else."""
    viewer = signin.viewer()
    if not viewer.anyone:
        if not viewer.is_trainer:
            st.info("These pages are for trainers. Use the Hotseat page to practise.")
            st.stop()
        return viewer
    _require_shared_password()
    return viewer


def _require_shared_password() -> None:
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
