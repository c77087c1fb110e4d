"""Persistence of trainees, sessions, turns and persona/prompt versions (SQLite or any URL)."""

from hotseat.store.errors import SessionConflict, StoreError
from hotseat.store.records import (
    NewSession,
    NewTurn,
    SessionRecord,
    TraineeRecord,
    TurnRecord,
    VersionRecord,
)
from hotseat.store.store import Store

__all__ = [
    "NewSession",
    "NewTurn",
    "SessionConflict",
    "SessionRecord",
    "Store",
    "StoreError",
    "TraineeRecord",
    "TurnRecord",
    "VersionRecord",
]
