"""Versions of persona cards and prompt files: history in the store, publish only when valid.

Every text a trainer saves is kept in the store (content-addressed, so saving the same
text twice keeps one version); the file on disk is the published version. Publishing
first records what was on disk, so the version before the first studio edit is kept too.
An invalid edit is refused: the file and the history stay as they were.
"""

from __future__ import annotations

import difflib
import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from hotseat.errors import InputError
from hotseat.personas.catalog import card_files
from hotseat.store import Store, VersionRecord
from hotseat.studio.cards import card_problems
from hotseat.studio.problems import Problem
from hotseat.studio.prompt_files import EDITABLE, prompt_problems

DocKind = Literal["persona", "prompt"]
# The engine stores effective cards under "<id>@<difficulty>"; sources get their own keys.
SOURCE_PREFIX = "source:"


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
    content_hash: str | None = None
    changed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def persona_docs(personas_dir: Path) -> list[Doc]:
    return [Doc("persona", p.stem, personas_dir) for p in card_files(personas_dir)]


def prompt_docs(prompts_dir: Path) -> list[Doc]:
    return [Doc("prompt", name, prompts_dir) for name in EDITABLE if (prompts_dir / name).is_file()]


def history(store: Store, doc: Doc) -> list[VersionRecord]:
    """Saved versions, newest first."""
    return list(reversed(store.list_versions(doc.kind, doc.key)))


def _write_atomic(path: Path, text: str) -> None:
    # A crash mid-write must not leave a half card that breaks the trainee app.
    tmp = path.with_name(f".{path.name}.studio-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def save_new_version(store: Store, doc: Doc, text: str) -> SaveResult:
    """Validate, keep the old and new versions, publish the new one to the file."""
    problems = doc.problems(text)
    if problems:
        return SaveResult(problems=problems)
    current = doc.read() if doc.path.is_file() else None
    if current is not None:
        # Kept even when invalid (a hand edit on disk): publishing must never lose text.
        key = doc.key if doc.problems(current) == [] else f"{doc.key}#invalid"
        store.save_version(doc.kind, key, current)  # no-op when already kept
    content_hash = store.save_version(doc.kind, doc.key, text)
    changed = text != current
    if changed:
        _write_atomic(doc.path, text)
    return SaveResult(content_hash=content_hash, changed=changed)


def version_label(record: VersionRecord) -> str:
    return f"{record.created_at:%Y-%m-%d %H:%M:%S} · {record.content_hash[:10]}"


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
    style = (
        "<style>table.diff{font-family:monospace;font-size:12px;border-collapse:collapse}"
        ".diff_add{background:#e6ffec}.diff_chg{background:#fff5b1}"
        ".diff_sub{background:#ffebe9}td{padding:0 4px;vertical-align:top}</style>"
    )
    return style + table
