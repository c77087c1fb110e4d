"""Versions of persona cards and prompt files: v1, v2 ..., drafts, publish only when valid.

Saving keeps the text as the next numbered version, a draft with its author and change
note; only "Publish" writes it to the file on disk, which is what trainees get. Before
either, the text on disk is kept if no version holds it (the shipped file, a hand edit),
so nothing is lost. An invalid edit is refused: the file and the history stay as they were.
"""

from __future__ import annotations

import difflib
import html
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from hotseat.errors import InputError
from hotseat.personas.catalog import card_files
from hotseat.store import Store, named_versions
from hotseat.store.named_versions import NamedVersion
from hotseat.studio.cards import card_problems
from hotseat.studio.problems import Problem
from hotseat.studio.prompt_files import EDITABLE, prompt_problems

DocKind = Literal["persona", "prompt"]
# The engine stores effective cards under "<id>@<difficulty>"; sources get their own keys.
SOURCE_PREFIX = "source:"
BASELINE_AUTHOR = "published file"
BASELINE_NOTE = "the file as it was before its first studio save"
OUTSIDE_AUTHOR = "edited outside the studio"
OUTSIDE_NOTE = "found on disk, changed by hand"


@dataclass(frozen=True)
class Doc:
    """One editable file: a persona card (`name` = card id) or a prompt file (file name)."""

    kind: DocKind
    name: str
    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / (f"{self.name}.yaml" if self.kind == "persona" else self.name)

    @property
    def key(self) -> str:
        return f"{SOURCE_PREFIX}{self.name}"

    def read(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(
                f"Cannot read {self.path} ({exc.strerror}).",
                hint="Check HOTSEAT_PERSONAS_DIR / HOTSEAT_PROMPTS_DIR.",
            ) from None

    def problems(self, text: str) -> list[Problem]:
        if self.kind == "persona":
            return card_problems(self.name, text, self.folder)
        return prompt_problems(self.name, text, self.folder)


@dataclass
class SaveResult:
    problems: list[Problem] = field(default_factory=list)
    version: NamedVersion | None = None
    changed: bool = False  # a new draft was kept / the published file was rewritten

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def content_hash(self) -> str | None:
        return self.version.content_hash if self.version else None


def persona_docs(personas_dir: Path) -> list[Doc]:
    return [Doc("persona", p.stem, personas_dir) for p in card_files(personas_dir)]


def prompt_docs(prompts_dir: Path) -> list[Doc]:
    return [Doc("prompt", name, prompts_dir) for name in EDITABLE if (prompts_dir / name).is_file()]


def history(store: Store, doc: Doc) -> list[NamedVersion]:
    """Saved versions, drafts included, newest first."""
    return list(reversed(named_versions.list_versions(store, doc.kind, doc.name)))


def published(store: Store, doc: Doc) -> NamedVersion | None:
    """The version trainees get now: the one published last."""
    done = [v for v in history(store, doc) if v.published_at is not None]
    return max(done, key=lambda v: v.published_at or v.created_at, default=None)


def _write_atomic(path: Path, text: str) -> None:
    # A crash mid-write must not leave a half card that breaks the trainee app.
    tmp = path.with_name(f".{path.name}.studio-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _keep_disk(store: Store, doc: Doc) -> None:
    """Keep the file on disk as a published version when no version holds its text: the
    shipped file before the first studio save, or a hand edit since. Dated by the file's
    modification time, since sessions may have run on it long before the studio saw it."""
    if not doc.path.is_file():
        return
    current = doc.read()
    if any(v.content == current for v in history(store, doc)):
        return
    if doc.problems(current):
        # Kept even when invalid (a hand edit on disk): publishing must never lose text.
        store.save_version(doc.kind, f"{doc.key}#invalid", current)
        return
    when = datetime.fromtimestamp(doc.path.stat().st_mtime, UTC)
    first = not history(store, doc)
    named_versions.add_version(
        store,
        doc.kind,
        doc.name,
        current,
        BASELINE_AUTHOR if first else OUTSIDE_AUTHOR,
        BASELINE_NOTE if first else OUTSIDE_NOTE,
        created_at=when,
        published_at=when,
    )


def save_draft(store: Store, doc: Doc, text: str, author: str, note: str = "") -> SaveResult:
    """Validate and keep `text` as the next version, a draft: the file (what trainees get)
    is not touched until `publish`. Saving the newest version's text again adds nothing."""
    problems = doc.problems(text)
    if problems:
        return SaveResult(problems=problems)
    _keep_disk(store, doc)
    newest = next(iter(history(store, doc)), None)
    if newest is not None and newest.content == text:
        return SaveResult(version=newest)
    version = named_versions.add_version(store, doc.kind, doc.name, text, author, note)
    store.save_version(doc.kind, doc.key, text)  # the content-addressed copy, as before
    return SaveResult(version=version, changed=True)


def publish(store: Store, doc: Doc, number: int) -> SaveResult:
    """Write version `number` to the file trainees use (checked again first: an overlay
    may have changed since it was saved) and stamp it published."""
    found = {v.number: v for v in history(store, doc)}.get(number)
    if found is None:
        raise InputError(f"{doc.name} has no version v{number}.", hint="Pick one from the list.")
    problems = doc.problems(found.content)
    if problems:
        return SaveResult(problems=problems)
    _keep_disk(store, doc)
    changed = not doc.path.is_file() or doc.read() != found.content
    if changed:
        _write_atomic(doc.path, found.content)
    version = named_versions.mark_published(store, doc.kind, doc.name, number)
    return SaveResult(version=version, changed=changed)


def save_new_version(
    store: Store, doc: Doc, text: str, author: str = "studio", note: str = ""
) -> SaveResult:
    """Save and publish in one step (scripts and tests; the studio page does it in two)."""
    saved = save_draft(store, doc, text, author, note)
    if not saved.ok or saved.version is None:
        return saved
    done = publish(store, doc, saved.version.number)
    return SaveResult(done.problems, done.version, saved.changed or done.changed)


def version_label(version: NamedVersion) -> str:
    """How a version is listed: its id, state, author, time and note."""
    state = "draft" if version.is_draft else "published"
    note = f" · {version.note}" if version.note else ""
    return f"{version.id} · {state} · {version.author} · {version.created_at:%Y-%m-%d %H:%M}{note}"


def unified_diff(old: str, new: str, old_label: str = "A", new_label: str = "B") -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=old_label,
        tofile=new_label,
    )
    return "".join(lines) or "(no differences)"


def side_by_side_html(old: str, new: str, old_label: str = "A", new_label: str = "B") -> str:
    """A two-column diff table; difflib escapes the card text, labels are escaped here."""
    table = difflib.HtmlDiff(wrapcolumn=60).make_table(
        old.splitlines(),
        new.splitlines(),
        html.escape(old_label),
        html.escape(new_label),
        context=True,
        numlines=2,
    )
    # Fixed layout at full width with wrapping cells: a long line wraps instead of
    # pushing the right column out of view. difflib's "n"/"t" navigation links mean
    # nothing here, so their columns are hidden.
    style = (
        "<style>table.diff{font-family:monospace;font-size:12px;border-collapse:collapse;"
        "table-layout:fixed;width:100%}"
        "table.diff td{padding:0 4px;vertical-align:top;white-space:pre-wrap;"
        "overflow-wrap:anywhere}"
        "table.diff td.diff_next,table.diff th.diff_next{display:none}"
        "table.diff td.diff_header{width:3em;color:#888;text-align:right}"
        ".diff_add{background:#e6ffec}.diff_chg{background:#fff5b1}"
        ".diff_sub{background:#ffebe9}</style>"
    )
    return style + table
