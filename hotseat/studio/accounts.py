"""Drawing for the Accounts page: trainers list accounts and invite trainees.

An invite creates the trainee's account (if new) and a one-time link to choose a
password; the link is shown once, as text, and the database keeps only its hash.
Trainer accounts are made on the server with `hotseat users add NAME --role trainer`.
"""

from __future__ import annotations

import streamlit as st

from hotseat.errors import HotseatError
from hotseat.store import Store
from hotseat.store import users as accounts
from hotseat.ui.format import error_text
from hotseat.ui.signin import INVITE_PARAM

LINK = "accounts_last_invite"  # session_state: (name, link path) of the invite just made


def table(store: Store) -> None:
    rows = [
        {"name": a.name, "role": a.role, "password": "set" if a.has_password else "not set"}
        for a in accounts.list_users(store)
    ]
    st.dataframe(rows, hide_index=True, key="accounts_table")


def invite_form(store: Store) -> None:
    st.markdown("**Invite a trainee**")
    with st.form("accounts_invite", clear_on_submit=True):
        name = st.text_input("Trainee's sign-in name", key="accounts_invite_name")
        submitted = st.form_submit_button("Create invite link")
    if submitted:
        try:
            account, token = accounts.create_invite(store, name or "", "trainee")
        except HotseatError as exc:
            st.error(error_text(exc))
        else:
            st.session_state[LINK] = (account.name, f"/?{INVITE_PARAM}={token}")
    if LINK in st.session_state:
        who, link = st.session_state[LINK]
        st.caption(
            f"One-time link for {who!r}, valid {accounts.INVITE_DAYS} days: prefix it with "
            "this app's address and send it to them."
        )
        st.code(link, language=None)  # shown as text, never as a live link
