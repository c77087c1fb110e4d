"""Which studio version of a card or customer prompt each session ran with.

A session stores the hash of its *effective* card (the YAML with the difficulty overlay
applied, as canonical JSON) and of the whole customer prompt set; the studio keeps the
*source* files. A saved card version matches a session when the engine's own functions
(load the card, apply the overlay, `card_hash`) turn it into the session's hash; a
prompt version matches when it is the file's text inside the session's prompt set.
Each (card version, difficulty, overlays) is worked out once per process.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotseat.errors import HotseatError
from hotseat.personas import card_hash, get_card
from hotseat.personas.catalog import overlay_files
from hotseat.store import SessionRecord, Store, named_versions
from hotseat.store.named_versions import NamedVersion
from hotseat.studio.cards import write_card_dir

OUTSIDE = "edited outside the studio"  # versions were saved, none gives this session's hash
UNVERSIONED = "no studio version saved"  # the file was never saved in the studio

_effective: dict[tuple[str, str, str, str], str | None] = {}
_effective_lock = threading.Lock()


@dataclass(frozen=True)
class SourceVersion:
    number: int  # 1 is the oldest saved version of the file
    record: NamedVersion

    @property
    def label(self) -> str:
        """The version's one id ("v3"): the studio, cohort and exports all show this."""
        return self.record.id


def numbered(store: Store, kind: str, name: str) -> list[SourceVersion]:
    """The studio's saved versions of a card (`kind` persona) or prompt file, oldest first,
    drafts included."""
    return [SourceVersion(v.number, v) for v in named_versions.list_versions(store, kind, name)]


def overlays_digest(personas_dir: Path) -> str:
    h = hashlib.sha256()
    for path in overlay_files(personas_dir):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def effective_hash(
    card_id: str, version: NamedVersion, difficulty: str, personas_dir: Path, overlays: str
) -> str | None:
    """The persona_hash a session at `difficulty` gets from this card text; None if the
    text does not load as a card there (an overlay changed since, or a difficulty went)."""
    key = (card_id, version.content_hash, difficulty, overlays)
    with _effective_lock:
        if key in _effective:
            return _effective[key]
    with tempfile.TemporaryDirectory(prefix="hotseat-lineage-") as tmp:
        folder = write_card_dir(Path(tmp), card_id, version.content, personas_dir)
        try:
            value: str | None = card_hash(get_card(card_id, difficulty, folder))
        except (HotseatError, ValueError):
            value = None
    with _effective_lock:
        _effective[key] = value
    return value


def _pick(matches: list[SourceVersion], started: Any) -> SourceVersion | None:
    # Only published versions reach sessions (a draft is the studio's alone). Several can
    # give the same effective card (a comment changed): the one in force is the one
    # published last before the session. A version on disk before the studio is dated by
    # the file, so it is in force for the sessions that ran on it; else the oldest.
    live = [v for v in matches if v.record.published_at is not None]
    if not live:
        return None
    before = [v for v in live if (v.record.published_at or started) <= started]
    if before:
        return max(before, key=lambda v: v.record.published_at or v.record.created_at)
    return live[0]


class Lineage:
    """Matches sessions to studio versions; build one per page run (it caches lookups)."""

    def __init__(self, store: Store, personas_dir: Path) -> None:
        self.store = store
        self.personas_dir = Path(personas_dir)
        self._overlays = overlays_digest(self.personas_dir)
        self._versions: dict[tuple[str, str], list[SourceVersion]] = {}
        self._prompt_sets: dict[str, dict[str, str]] = {}

    def versions(self, kind: str, name: str) -> list[SourceVersion]:
        if (kind, name) not in self._versions:
            self._versions[(kind, name)] = numbered(self.store, kind, name)
        return self._versions[(kind, name)]

    def card_version(self, session: SessionRecord) -> SourceVersion | None:
        matches = [
            v
            for v in self.versions("persona", session.persona_id)
            if effective_hash(
                session.persona_id, v.record, session.difficulty, self.personas_dir, self._overlays
            )
            == session.persona_hash
        ]
        return _pick(matches, session.created_at)

    def card_label(self, session: SessionRecord) -> str:
        found = self.card_version(session)
        if found is not None:
            return found.label
        return OUTSIDE if self.versions("persona", session.persona_id) else UNVERSIONED

    def prompt_set(self, prompt_hash: str) -> dict[str, str]:
        """The customer prompt files (name -> text) a session ran with."""
        if prompt_hash not in self._prompt_sets:
            try:
                texts = json.loads(self.store.get_version(prompt_hash).content)
            except (HotseatError, ValueError):
                texts = {}
            self._prompt_sets[prompt_hash] = texts if isinstance(texts, dict) else {}
        return self._prompt_sets[prompt_hash]

    def prompt_version(self, session: SessionRecord, name: str) -> SourceVersion | None:
        """The saved version of customer prompt file `name` inside the session's prompt set."""
        text = self.prompt_set(session.prompt_hash).get(name)
        if not isinstance(text, str):
            return None
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        matches = [v for v in self.versions("prompt", name) if v.record.content_hash == digest]
        return _pick(matches, session.created_at)


def usage_rows(store: Store, kind: str, name: str, personas_dir: Path) -> list[dict[str, Any]]:
    """Per saved version, newest first: how many sessions ran with it, by how many trainees.

    Sessions that match no saved version come last, as one row. For prompt files only the
    customer prompts are recorded with a session; other files give no rows.
    """
    lineage = Lineage(store, personas_dir)
    if kind == "persona":
        sessions = [s for s in store.list_sessions() if s.persona_id == name]
        found = {s.id: lineage.card_version(s) for s in sessions}
    else:
        sessions = store.list_sessions()
        found = {s.id: lineage.prompt_version(s, name) for s in sessions}
        if not any(lineage.prompt_set(s.prompt_hash).get(name) for s in sessions):
            return []  # not a file the sessions record
    used: dict[int | None, list[SessionRecord]] = defaultdict(list)
    for s in sessions:
        version = found[s.id]
        used[version.number if version else None].append(s)

    def row(v: NamedVersion | None, group: list[SessionRecord]) -> dict[str, Any]:
        last = max((s.created_at for s in group), default=None)
        return {
            "version": v.id if v else (OUTSIDE if versions else UNVERSIONED),
            "state": "" if v is None else ("draft" if v.is_draft else "published"),
            "author": v.author if v else "",
            "saved": f"{v.created_at:%Y-%m-%d %H:%M}" if v else "",
            "note": v.note if v else "",
            "sessions": len(group),
            "trainees": len({s.trainee_name for s in group}),
            "last session": f"{last:%Y-%m-%d %H:%M}" if last else "",
        }

    versions = lineage.versions(kind, name)
    rows = [row(v.record, used.get(v.number, [])) for v in reversed(versions)]
    if used.get(None):
        rows.append(row(None, used[None]))
    return rows
