"""What a preview chat or realism check runs: one card's text with the published prompts,
some prompt files replaced by a trainer's edits (unpublished text or a saved version)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field


def trial_digest(card_text: str, prompt_edits: Mapping[str, str] | None = None) -> str:
    """sha256 of the card text and the edits; with no edits, of the card text alone."""
    keyed = card_text
    if prompt_edits:
        keyed += "\0" + json.dumps(dict(prompt_edits), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(keyed.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Trial:
    card_id: str
    card_text: str
    prompt_edits: dict[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return trial_digest(self.card_text, self.prompt_edits)
