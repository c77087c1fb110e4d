"""Which named version (v1, v2 ...) of a card or customer prompt a session ran with.

The one owner of a session's version id: the studio, the cohort, Debrief and the simulate
reports all ask here. A session stores the hash of its *effective* card (the YAML with the
difficulty overlay applied, as canonical JSON) and of the whole customer prompt set; the
named versions keep the *source* files. A card version matches a session when the
personas package's own functions (load the card, apply the overlay, `card_hash`) turn it
into the session's hash; a prompt version matches when it is the file's text inside the
session's prompt set. Each (card version, difficulty, overlays) is worked out once per
process. A session no named version gives shows as `unnamed_id`: its short hash.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hotseat.errors import HotseatError
from hotseat.personas import card_hash, get_card, write_card_dir
from hotseat.personas.catalog import overlay_files
from hotseat.store import named_versions
from hotseat.store.named_versions import NamedVersion
from hotseat.store.records import SessionRecord
from hotseat.store.store import Store
from hotseat.store.urls import parse_url

SHORT_HASH = 10  # characters of a hash shown where no name exists
_effective: dict[tuple[str, str, str, str], str | None] = {}
_effective_lock = threading.Lock()


def unnamed_id(content_hash: str) -> str:
    """How a version nobody named is shown: "9dcf72ea17 (unnamed)"."""
    return f"{content_hash[:SHORT_HASH]} (unnamed)"


@dataclass(frozen=True)
class SourceVersion:
    number: int  # 1 is the oldest saved version of the file
    record: NamedVersion

    @property
    def label(self) -> str:
        """The version's one id ("v3"): every page, export and report shows this."""
        return self.record.id


def numbered(store: Store, kind: str, name: str) -> list[SourceVersion]:
    """The named versions of a card (`kind` persona) or prompt file, oldest first, drafts
    included."""
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


def _pick(matches: list[SourceVersion], started: datetime) -> SourceVersion | None:
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
    """Matches sessions to named versions; build one per page run (it caches lookups).

    `store` holds the named versions; the sessions asked about may come from another
    database (a simulate run keeps its sessions in its own folder)."""

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

    def card_id(self, session: SessionRecord) -> str:
        """The session's card version id: "v3", or `unnamed_id` of its card's hash."""
        found = self.card_version(session)
        return found.label if found is not None else unnamed_id(session.persona_hash)

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
        """The named version of customer prompt file `name` inside the session's prompt set."""
        text = self.prompt_set(session.prompt_hash).get(name)
        if not isinstance(text, str):
            return None
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        matches = [v for v in self.versions("prompt", name) if v.record.content_hash == digest]
        return _pick(matches, session.created_at)


def card_version_id(store: Store, session: SessionRecord, personas_dir: Path) -> str:
    """One session's card version id ("v2", or the short hash and "unnamed")."""
    return Lineage(store, personas_dir).card_id(session)


def open_versions(url: str) -> Store | None:
    """The app's database, to read named versions from elsewhere (a simulate run); None
    for a SQLite file not created yet: nobody named a version there, and reading must not
    create a database."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if not db or db == ":memory:" or not Path(db).is_file():
            return None
    return Store(url)
