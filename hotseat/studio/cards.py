"""Validate an edited persona card's text with the personas package, without publishing it.

The text is written to a scratch folder next to copies of the difficulty overlays, so the
same loader the engine uses reports the problems (line, field, message) and every
difficulty is checked, not only the card as written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import ValidationError

from hotseat.personas import CardInvalid, get_card, validate_path, write_card_dir
from hotseat.personas.catalog import overlay_files
from hotseat.personas.problems import field_path
from hotseat.studio.problems import Problem


def card_problems(card_id: str, text: str, personas_dir: Path) -> list[Problem]:
    """Every problem of `text` as the card `card_id`; empty when it can be published."""
    with tempfile.TemporaryDirectory(prefix="hotseat-card-") as tmp:
        folder = write_card_dir(Path(tmp), card_id, text, personas_dir)
        found = validate_path(folder / f"{card_id}.yaml")
        if found:
            return [Problem(p.line, p.field, p.message) for p in found]
        # The card as written is valid; each difficulty must still give a valid card.
        out: list[Problem] = []
        for overlay in overlay_files(folder):
            try:
                get_card(card_id, overlay.stem, folder)
            except CardInvalid as exc:
                out += [
                    Problem(p.line, p.field, f"at difficulty {overlay.stem}: {p.message}")
                    for p in exc.problems
                ]
            except ValidationError as exc:
                # An overlay pushed a value out of range: no line to point at but the id.
                out += [
                    Problem(
                        1, field_path(tuple(e["loc"])), f"at difficulty {overlay.stem}: {e['msg']}"
                    )
                    for e in exc.errors()
                ]
        return out
