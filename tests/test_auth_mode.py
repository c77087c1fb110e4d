"""Which sign-in mode runs: `none` is the default only on loopback, explicit elsewhere."""

from __future__ import annotations

import pytest

from hotseat.auth_mode import decide
from hotseat.errors import ConfigError
from hotseat.settings import load_settings


@pytest.mark.parametrize(
    ("setting", "address", "mode", "warns"),
    [
        (None, "127.0.0.1", "none", False),
        (None, "localhost", "none", False),
        (None, "::1", "none", False),
        ("none", "127.0.0.1", "none", False),
        ("none", "0.0.0.0", "none", True),  # explicit: allowed, with a warning
        ("none", "10.1.2.3", "none", True),
        ("password", "0.0.0.0", "password", False),
        ("oidc", "10.1.2.3", "oidc", False),
        ("password", None, "password", False),
    ],
)
def test_mode_table(setting, address, mode: str, warns: bool) -> None:
    decision = decide(setting, address)
    assert decision.mode == mode
    assert (decision.warning is not None) == warns
    if warns:
        assert "HOTSEAT_AUTH=none" in decision.warning


@pytest.mark.parametrize("address", ["0.0.0.0", "10.1.2.3", "hotseat.example.com", "", None])
def test_unset_on_a_shared_address_is_refused_naming_the_setting(address: str | None) -> None:
    # No address at all is shared too: Streamlit then listens on every interface.
    with pytest.raises(ConfigError) as info:
        decide(None, address)
    text = str(info.value)
    assert (address or "every network interface") in text
    assert "HOTSEAT_AUTH=password" in text and "HOTSEAT_AUTH=oidc" in text


def test_setting_comes_from_the_environment() -> None:
    assert load_settings(environ={}).auth is None
    assert load_settings(environ={"HOTSEAT_AUTH": "password"}).auth == "password"


def test_an_unknown_mode_names_the_variable() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"HOTSEAT_AUTH": "ldap"})
    assert "HOTSEAT_AUTH" in str(info.value)
    assert "'none', 'password' or 'oidc'" in str(info.value)


def test_the_shipped_streamlit_config_listens_on_loopback() -> None:
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parent.parent / ".streamlit/config.toml").read_text())
    assert decide(None, config["server"]["address"]).mode == "none"
