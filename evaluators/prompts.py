"""Load prompt templates from prompts/ and fill them with quoted data.

Every piece of trainee or customer text enters a prompt as a JSON string literal, so
quotes, newlines and fake closing tags stay inside the data block.
"""

from __future__ import annotations

import json
from functools import cache
from string import Template

from hotseat.errors import ConfigError
from hotseat.paths import prompts_dir

PROMPTS_DIR = prompts_dir()  # HOTSEAT_PROMPTS_DIR, else the shipped prompts/ (hotseat.paths)


@cache
def load(name: str) -> str:
    path = PROMPTS_DIR / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Prompt file {path} cannot be read: {exc}.",
                          hint="Restore it from the repository.") from exc


def quoted(text: str) -> str:
    """A JSON string literal; '<' is escaped so the text cannot close our tags."""
    return json.dumps(text, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def fill(name: str, **values: str) -> str:
    """Fill a $placeholder template; a missing value is a bug in our code, not user input."""
    try:
        return Template(load(name)).substitute(**values)
    except KeyError as exc:
        raise ConfigError(f"Prompt {name} needs a value for {exc}.",
                          hint="Add it where the prompt is filled.") from exc
