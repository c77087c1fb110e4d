"""Load prompt templates from prompts/ and fill them with quoted data.

Every piece of trainee or customer text enters a prompt as a JSON string literal, so
quotes, newlines and fake closing tags stay inside the data block.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from string import Template

from hotseat.errors import ConfigError
from hotseat.paths import prompts_dir


def load(name: str) -> str:
    """The prompt file as it is now: a judge or coach prompt the trainer studio publishes
    takes effect at the next grade, without a restart (the cache is keyed on mtime)."""
    path = prompts_dir() / name  # HOTSEAT_PROMPTS_DIR, else the shipped prompts/
    try:
        return _read(path, path.stat().st_mtime_ns)
    except OSError as exc:
        raise ConfigError(
            f"Prompt file {path} cannot be read: {exc}.", hint="Restore it from the repository."
        ) from exc


@lru_cache(maxsize=64)
def _read(path: Path, _mtime_ns: int) -> str:
    return path.read_text(encoding="utf-8")


def quoted(text: str) -> str:
    """A JSON string literal; '<' is escaped so the text cannot close our tags."""
    return json.dumps(text, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def fill(name: str, **values: str) -> str:
    """Fill a $placeholder template; a missing value is a bug in our code, not user input."""
    try:
        return Template(load(name)).substitute(**values)
    except KeyError as exc:
        raise ConfigError(
            f"Prompt {name} needs a value for {exc}.", hint="Add it where the prompt is filled."
        ) from exc
