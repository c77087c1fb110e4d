"""Failed sign-ins, counted in the database so every app replica applies the same limit.

Keys are "account:<name>" and "client:<address>"; a success clears both. The rule that
turns counts into waits lives in hotseat.signin_limits; this module only stores.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from hotseat.store.models import LoginFailureRow
from hotseat.store.store import Store
from hotseat.store.types import utcnow

MAX_KEY = 200


def _key(key: str) -> str:
    return key[:MAX_KEY]


def failures(store: Store, keys: list[str]) -> dict[str, tuple[int, datetime]]:
    """Per key that has failed: (consecutive failures, when the last one was)."""
    wanted = [_key(k) for k in keys]
    with store._tx("reading sign-in failures") as s:  # noqa: SLF001 (same package)
        rows = s.scalars(select(LoginFailureRow).where(LoginFailureRow.key.in_(wanted)))
        return {r.key: (r.failures, r.last_failed_at) for r in rows}


def record_failure(store: Store, keys: list[str]) -> None:
    now = utcnow()
    with store._tx("recording a failed sign-in") as s:  # noqa: SLF001
        for key in (_key(k) for k in keys):
            row = s.get(LoginFailureRow, key, with_for_update=True)
            if row is None:
                s.add(LoginFailureRow(key=key, failures=1, last_failed_at=now))
            else:
                row.failures += 1
                row.last_failed_at = now


def clear(store: Store, keys: list[str]) -> None:
    with store._tx("clearing sign-in failures") as s:  # noqa: SLF001
        s.execute(delete(LoginFailureRow).where(LoginFailureRow.key.in_([_key(k) for k in keys])))
