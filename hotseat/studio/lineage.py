"""Sessions per named version of a card or customer prompt, for the studio's version tab.

Which version a session ran with is hotseat.store.lineage's rule; this only counts.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path
from typing import Any

from hotseat.store import SessionRecord, Store
from hotseat.store.lineage import Lineage, unnamed_id
from hotseat.store.named_versions import NamedVersion

OUTSIDE = "edited outside the studio"  # versions were saved, none gives this session's hash
UNVERSIONED = "no studio version saved"  # the file was never saved in the studio


def usage_rows(store: Store, kind: str, name: str, personas_dir: Path) -> list[dict[str, Any]]:
    """Per named version, newest first: how many sessions ran with it, by how many trainees.

    Sessions that match no named version come last, one row per text they ran with (its
    short hash, "unnamed"). For prompt files only the customer prompts are recorded with a
    session; other files give no rows.
    """
    lineage = Lineage(store, personas_dir)
    unnamed: dict[str, str] = {}  # session id -> the hash of the text it ran with
    if kind == "persona":
        sessions = [s for s in store.list_sessions() if s.persona_id == name]
        found = {s.id: lineage.card_version(s) for s in sessions}
        unnamed = {s.id: s.persona_hash for s in sessions}
    else:
        sessions = store.list_sessions()
        texts = {s.id: lineage.prompt_set(s.prompt_hash).get(name) for s in sessions}
        if not any(texts.values()):
            return []  # not a file the sessions record
        sessions = [s for s in sessions if isinstance(texts[s.id], str)]
        found = {s.id: lineage.prompt_version(s, name) for s in sessions}
        unnamed = {s.id: hashlib.sha256(texts[s.id].encode("utf-8")).hexdigest() for s in sessions}
    used: dict[int | str, list[SessionRecord]] = defaultdict(list)
    for s in sessions:
        version = found[s.id]
        used[version.number if version else unnamed[s.id]].append(s)
    versions = lineage.versions(kind, name)

    def row(v: NamedVersion | None, group: list[SessionRecord], digest: str = "") -> dict[str, Any]:
        last = max((s.created_at for s in group), default=None)
        return {
            "version": v.id if v else unnamed_id(digest),
            "state": "" if v is None else ("draft" if v.is_draft else "published"),
            "author": v.author if v else "",
            "saved": f"{v.created_at:%Y-%m-%d %H:%M}" if v else "",
            "note": v.note if v else (OUTSIDE if versions else UNVERSIONED),
            "sessions": len(group),
            "trainees": len({s.trainee_name for s in group}),
            "last session": f"{last:%Y-%m-%d %H:%M}" if last else "",
        }

    rows = [row(v.record, used.get(v.number, [])) for v in reversed(versions)]
    rows += [row(None, group, key) for key, group in used.items() if isinstance(key, str)]
    return rows
