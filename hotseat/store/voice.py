"""Voice practice, stored: each trainee's voice settings, and each spoken reply's delivery.

Only stores: the delivery is computed in hotseat.speech.delivery and kept here as JSON,
keyed by the session and the turn index of the reply it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hotseat.store.checks import check_name
from hotseat.store.models import VoicePrefsRow, VoiceReplyRow
from hotseat.store.store import Store
from hotseat.store.types import utcnow

MAX_NAME = 200


@dataclass(frozen=True)
class VoicePrefs:
    voice_on: bool = False  # off until the trainee turns it on: the text path is the default
    muted: bool = False


def get_prefs(store: Store, trainee: str) -> VoicePrefs:
    name = check_name(trainee, "trainee name", max_len=MAX_NAME)
    with store._tx("reading voice settings") as s:  # noqa: SLF001 (same package)
        row = s.get(VoicePrefsRow, name)
        return VoicePrefs(row.voice_on, row.muted) if row is not None else VoicePrefs()


def set_prefs(store: Store, trainee: str, prefs: VoicePrefs) -> None:
    name = check_name(trainee, "trainee name", max_len=MAX_NAME)
    with store._tx("saving voice settings") as s:  # noqa: SLF001
        row = s.get(VoicePrefsRow, name, with_for_update=True)
        if row is None:
            row = VoicePrefsRow(trainee=name)
            s.add(row)
        row.voice_on, row.muted, row.updated_at = prefs.voice_on, prefs.muted, utcnow()


def save_reply(
    store: Store, session_id: str, turn_index: int, heard: str, delivery: dict[str, Any]
) -> None:
    """Keep a spoken reply's delivery (a second save for the same turn replaces the first)."""
    with store._tx("saving a spoken reply") as s:  # noqa: SLF001
        store._session_row(s, session_id)  # noqa: SLF001 (a clear error for an unknown id)
        row = s.scalars(
            select(VoiceReplyRow).where(
                VoiceReplyRow.session_id == session_id, VoiceReplyRow.turn_index == turn_index
            )
        ).first()
        if row is None:
            row = VoiceReplyRow(session_id=session_id, turn_index=turn_index)
            s.add(row)
        row.heard, row.delivery, row.created_at = heard, delivery, utcnow()


def replies(store: Store, session_id: str) -> dict[int, tuple[str, dict[str, Any]]]:
    """Turn index -> (what was heard, delivery) for a session's spoken replies."""
    with store._tx("reading spoken replies") as s:  # noqa: SLF001
        rows = s.scalars(
            select(VoiceReplyRow)
            .where(VoiceReplyRow.session_id == session_id)
            .order_by(VoiceReplyRow.turn_index)
        )
        return {r.turn_index: (r.heard, dict(r.delivery)) for r in rows}
