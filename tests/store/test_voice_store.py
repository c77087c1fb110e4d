"""Voice settings per trainee and spoken replies' delivery, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from hotseat.store import SessionRecord, Store, StoreError
from hotseat.store import voice as voice_store
from hotseat.store.voice import VoicePrefs


def test_voice_is_off_until_a_trainee_turns_it_on_and_stays_theirs(store: Store) -> None:
    assert voice_store.get_prefs(store, "ana") == VoicePrefs(voice_on=False, muted=False)
    voice_store.set_prefs(store, "ana", VoicePrefs(voice_on=True, muted=False))
    voice_store.set_prefs(store, "ana", VoicePrefs(voice_on=True, muted=True))
    assert voice_store.get_prefs(store, "ana") == VoicePrefs(voice_on=True, muted=True)
    assert voice_store.get_prefs(store, "ben") == VoicePrefs()  # nobody else's


def test_a_blank_trainee_name_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="trainee name is empty"):
        voice_store.set_prefs(store, "  ", VoicePrefs(voice_on=True))


def test_spoken_replies_are_kept_per_turn_and_a_resend_replaces(
    store: Store, session: SessionRecord
) -> None:
    assert voice_store.replies(store, session.id) == {}
    voice_store.save_reply(store, session.id, 1, "I will refund it.", {"words": 4})
    voice_store.save_reply(store, session.id, 3, "Um, done.", {"words": 2})
    voice_store.save_reply(store, session.id, 1, "I will refund it now.", {"words": 5})
    assert voice_store.replies(store, session.id) == {
        1: ("I will refund it now.", {"words": 5}),
        3: ("Um, done.", {"words": 2}),
    }


def test_a_reply_for_an_unknown_session_is_a_clear_error(store: Store) -> None:
    with pytest.raises(StoreError, match="No session with id 'nope'"):
        voice_store.save_reply(store, "nope", 1, "x", {})
