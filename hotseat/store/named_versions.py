"""Named versions of studio files: v1, v2 ... per card or prompt file, draft or published.

This module only stores. What may be saved (validation) and what publishing writes to
disk live in hotseat.studio.versions; which version a session ran with in
hotseat.store.lineage. The text is kept once in `blobs`, like every other version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from hotseat.errors import InputError
from hotseat.store.checks import check_name, check_text
from hotseat.store.convert import check_kind, insert_ignore
from hotseat.store.models import BlobRow, NamedVersionRow
from hotseat.store.store import Store
from hotseat.store.types import utcnow

MAX_NOTE = 2000


@dataclass(frozen=True)
class NamedVersion:
    kind: str
    name: str
    number: int
    content_hash: str
    content: str
    author: str
    note: str
    created_at: datetime
    published_at: datetime | None  # None: a draft, seen only in the studio

    @property
    def id(self) -> str:
        """The one name of this version on every page and export: "v3"."""
        return f"v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


def _record(row: NamedVersionRow, content: str) -> NamedVersion:
    return NamedVersion(
        kind=row.kind,
        name=row.name,
        number=row.number,
        content_hash=row.content_hash,
        content=content,
        author=row.author,
        note=row.note,
        created_at=row.created_at,
        published_at=row.published_at,
    )


def _query(kind: str, name: str):  # type: ignore[no-untyped-def]
    return (
        select(NamedVersionRow, BlobRow.content)
        .join(BlobRow, BlobRow.hash == NamedVersionRow.content_hash)
        .where(NamedVersionRow.kind == kind, NamedVersionRow.name == name)
    )


def add_version(
    store: Store,
    kind: str,
    name: str,
    content: str,
    author: str,
    note: str = "",
    *,
    created_at: datetime | None = None,
    published_at: datetime | None = None,
) -> NamedVersion:
    """Keep `content` as the next number of (kind, name); a draft unless `published_at`."""
    check_kind(kind)
    name = check_name(name, f"{kind} name")
    author = check_name(author or "unknown", "author")
    content = check_text(content, f"{kind} {name!r} content")
    note = check_text(note, "change note").strip()
    if len(note) > MAX_NOTE:
        raise InputError(
            f"The change note is {len(note)} characters long.",
            hint=f"Keep it under {MAX_NOTE} characters: say what changed and why.",
        )
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    with store._tx(f"saving a version of {name!r}") as s:  # noqa: SLF001 (same package)
        insert_ignore(s, BlobRow, {"hash": digest, "content": content})
        last = s.scalar(
            select(func.max(NamedVersionRow.number)).where(
                NamedVersionRow.kind == kind, NamedVersionRow.name == name
            )
        )
        row = NamedVersionRow(
            kind=kind,
            name=name,
            number=(last or 0) + 1,
            content_hash=digest,
            author=author,
            note=note,
            created_at=created_at or utcnow(),
            published_at=published_at,
        )
        s.add(row)
        s.flush()
        return _record(row, content)


def list_versions(store: Store, kind: str, name: str) -> list[NamedVersion]:
    """Every version of (kind, name), drafts included, oldest (v1) first."""
    check_kind(kind)
    with store._tx("listing versions") as s:  # noqa: SLF001
        rows = s.execute(_query(kind, name).order_by(NamedVersionRow.number))
        return [_record(row, content) for row, content in rows]


def mark_published(store: Store, kind: str, name: str, number: int) -> NamedVersion:
    """Stamp v`number` as published now (again, when an older version is put back)."""
    with store._tx(f"publishing v{number} of {name!r}") as s:  # noqa: SLF001
        found = s.execute(_query(kind, name).where(NamedVersionRow.number == number)).first()
        if found is None:
            raise InputError(
                f"{name} has no version v{number}.", hint="Pick a version from the list."
            )
        row, content = found
        row.published_at = utcnow()
        s.flush()
        return _record(row, content)
