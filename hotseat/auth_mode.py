"""Which sign-in mode the app runs in: a pure rule over the setting and the listen address.

`none` means whoever has the URL acts as anyone. That is fine on a personal machine (the
server listens on loopback only) and dangerous on a shared one, so `none` is the default
only on loopback; on any other address the operator must choose, and choosing `none`
there explicitly still runs, with a warning the app shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from hotseat.errors import ConfigError
from hotseat.settings import AuthMode

AUTH_ENV = "HOTSEAT_AUTH"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


@dataclass(frozen=True)
class AuthDecision:
    mode: AuthMode
    warning: str | None = None  # shown to every visitor when set


def is_loopback(address: str | None) -> bool:
    """Streamlit's server.address. Unset is NOT local: Streamlit then listens on every
    interface (the shipped .streamlit/config.toml sets 127.0.0.1)."""
    text = (address or "").strip().lower()
    return text in LOOPBACK or text.startswith("127.")


def decide(setting: AuthMode | None, server_address: str | None) -> AuthDecision:
    """The mode to run in, or ConfigError naming the setting to change."""
    if setting in ("password", "oidc"):
        return AuthDecision(setting)
    local = is_loopback(server_address)
    if setting is None and not local:
        where = server_address or "every network interface (no server.address is set)"
        raise ConfigError(
            f"This server listens on {where} and no sign-in is configured, so "
            "anyone who can reach it could read and write every trainee's sessions.",
            hint=f"Set {AUTH_ENV}=password (local accounts) or {AUTH_ENV}=oidc (single "
            f"sign-on), or {AUTH_ENV}=none to accept open access on this address.",
        )
    if not local:
        return AuthDecision(
            "none",
            f"{AUTH_ENV}=none on a shared address: anyone who can open this page can act "
            "as any trainee. Use password or oidc sign-in for a team.",
        )
    return AuthDecision("none")
