"""The store's error: a session, trainee or version that is not there, or a database failure."""

from __future__ import annotations

from hotseat.errors import HotseatError


class StoreError(HotseatError):
    """The session store cannot do what was asked; the message names the id or the setting."""


class SessionConflict(StoreError):
    """Another writer added a turn to the session after the caller read it."""
