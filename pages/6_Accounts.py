"""Accounts: trainers see who can sign in and invite trainees (auth=password)."""

import streamlit as st

from hotseat.studio import accounts
from hotseat.studio.auth import require_trainer
from hotseat.ui import signin
from hotseat.ui.factory import get_engine

st.set_page_config(page_title="Hotseat · Accounts", page_icon="🔑")
st.title("🔑 Accounts")
if signin.mode().mode == "none":
    st.info("Sign-in is off, so there are no accounts. Set HOTSEAT_AUTH=password or oidc.")
    st.stop()
require_trainer()
store = get_engine().store
accounts.table(store)
if signin.mode().mode == "password":
    accounts.invite_form(store)
else:
    st.caption(
        "Single sign-on: people sign in with the provider; list trainers by e-mail "
        "with `hotseat users add EMAIL --role trainer --no-password`."
    )
