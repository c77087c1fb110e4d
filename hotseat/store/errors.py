"""The store's error: a session, trainee or version that is not there, or a database failure."""

from __future__ import annotations

from hotseat.errors import HotseatError


class StoreError(HotseatError):
    """The session store cannot do what was asked; the message names the id or the setting."""


class SessionConflict(StoreError):
    """Another writer added a turn to the session after the caller read it."""


def session_moved_on(session_id: str, turns: int, expected: int) -> SessionConflict:
    """The conflict for a step prepared against `expected` turns when there are `turns`:
    the store's race check and the engine's stale-tab check say it the same way."""
    return SessionConflict(
        f"Session {session_id!r} changed while this turn was being prepared: "
        f"it now has {turns} turns, not {expected}.",
        hint="Another window or process answered first; reload the "
        "conversation to see the latest turn.",
    )
