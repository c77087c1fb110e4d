"""Result files that survive a kill: one writer for `hotseat grade` and `hotseat simulate`.

- The record of what a run was made from (its spec) is replaced atomically: written to a
  temporary file, fsynced, renamed over the old one, and the folder fsynced, so a kill
  leaves the old record or the new one, never half of either.
- Result rows are appended one write per line, flushed and fsynced, under a lock (rows
  come from several worker threads); a kill tears at most the last line.
- On reopening, a torn last line is cut off, so that row is simply done again.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hotseat.errors import InputError

CHUNK = 4096


def replace_atomically(path: Path, text: str) -> None:
    """`path` holds exactly `text` afterwards, or (after a kill) what it held before."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def repair_torn_tail(path: Path) -> int:
    """Cut a partial last line (a kill mid-write); returns the bytes removed."""
    if not path.exists():
        return 0
    with path.open("rb+") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        if size == 0:
            return 0
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return 0
        # Walk back to the previous newline; everything after it is the torn line.
        pos, keep = size - 1, 0
        while pos > 0:
            start = max(0, pos - CHUNK)
            fh.seek(start)
            data = fh.read(pos - start)
            nl = data.rfind(b"\n")
            if nl >= 0:
                keep = start + nl + 1
                break
            pos = start
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
        return size - keep


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every complete JSON object in `path`; a torn or broken line is skipped."""
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict):
                rows.append(row)
    return rows


class AppendLog:
    """Durable, thread-safe appends of JSON rows to one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.repaired_bytes = repair_torn_tail(path)
        self._lock = threading.Lock()

    def append(self, row: dict[str, Any]) -> None:
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(line)  # one write per line: a kill tears at most the last one
            fh.flush()
            os.fsync(fh.fileno())


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """`name: old then, new now` for each setting that differs."""
    return [
        f"{k}: {old.get(k)!r} then, {v!r} now" for k, v in new.items() if k in old and old[k] != v
    ]


def claim(
    results: Path,
    spec_path: Path,
    spec: dict[str, Any],
    differences: Callable[[dict[str, Any], dict[str, Any]], list[str]] = changed_fields,
) -> None:
    """The one resume rule of grade and simulate, checked before anything is written.

    Results with rows must come with a spec equal to `spec` (else resuming would mix two
    runs, and it is refused with what differs); with no rows yet, `spec` is (re)recorded.
    """
    fix = (
        f"Use the same settings to resume, or another --out; or delete {results} "
        f"and {spec_path.name} to start over."
    )
    if not (results.is_file() and results.stat().st_size > 0):
        replace_atomically(spec_path, json.dumps(spec, indent=2, sort_keys=True) + "\n")
        return
    if not spec_path.is_file():
        raise InputError(
            f"{results} already holds results but has no {spec_path.name} saying "
            "what they were made from, so resuming could mix two runs.",
            hint=fix,
        )
    try:
        old = json.loads(spec_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{spec_path} is not valid JSON ({exc.msg}, line {exc.lineno}).", hint=fix
        ) from None
    changed = differences(old, spec) if isinstance(old, dict) else ["the record is not a table"]
    if changed:
        raise InputError(
            f"{results} holds results from a different run, made with different settings "
            f"({'; '.join(changed)}); resuming would mix them.",
            hint=fix,
        )
