"""Load persona cards and difficulty overlays from a folder.

One broken card must not hide the others: `load_catalog` collects problems next to the
cards that did load. Single lookups (`get_card`) raise with every problem of that file.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from hotseat.errors import InputError
from hotseat.paths import personas_dir as configured_personas
from hotseat.personas.card import Card
from hotseat.personas.overlay import DIFFICULTIES, Overlay, apply_overlay
from hotseat.personas.problems import (
    CardInvalid,
    CardProblem,
    from_validation,
    node_line,
    read_yaml,
)

# HOTSEAT_PERSONAS_DIR, else the checkout's or the installed personas/ (hotseat.paths);
# callers pass another folder to use their own cards.
OVERLAY_DIR = "overlays"
M = TypeVar("M", bound=BaseModel)


def _load_model(path: Path, model: type[M]) -> M:
    data, root = read_yaml(path)
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        raise CardInvalid(from_validation(path, root, exc)) from None
    obj_id = getattr(obj, "id", None)
    if obj_id != path.stem:
        line = node_line(root, ("id",))
        raise CardInvalid(
            [
                CardProblem(
                    str(path), line, "id", f"id {obj_id!r} must equal the file name {path.stem!r}"
                )
            ]
        )
    return obj


def load_card(path: Path) -> Card:
    """Load one card file (no overlay applied); raise CardInvalid naming file:line:field."""
    return _load_model(Path(path), Card)


def load_overlay(path: Path) -> Overlay:
    return _load_model(Path(path), Overlay)


def validate_path(path: Path) -> list[CardProblem]:
    """Problems of one card or overlay file (overlay when it sits in an `overlays` folder)."""
    path = Path(path)
    try:
        if path.parent.name == OVERLAY_DIR:
            load_overlay(path)
        else:
            load_card(path)
    except CardInvalid as exc:
        return exc.problems
    return []


def card_files(personas_dir: Path) -> list[Path]:
    return sorted(p for p in Path(personas_dir).glob("*.yaml") if p.is_file())


def overlay_files(personas_dir: Path) -> list[Path]:
    return sorted(p for p in (Path(personas_dir) / OVERLAY_DIR).glob("*.yaml") if p.is_file())


def write_card_dir(folder: Path, card_id: str, text: str, personas_dir: Path) -> Path:
    """A personas folder holding this one card text and the overlays of `personas_dir`:
    what `get_card` and an engine can load, to check or try a card that is not on disk."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / OVERLAY_DIR).mkdir(exist_ok=True)
    for overlay in overlay_files(personas_dir):
        shutil.copyfile(overlay, folder / OVERLAY_DIR / overlay.name)
    (folder / f"{card_id}.yaml").write_text(text, encoding="utf-8")
    return folder


@dataclass
class Catalog:
    cards: dict[str, Card] = field(default_factory=dict)
    problems: list[CardProblem] = field(default_factory=list)


def load_catalog(folder: Path | None = None) -> Catalog:
    """Every valid card by id, plus the problems of the files that did not load (in
    `folder`, else HOTSEAT_PERSONAS_DIR or the shipped personas/, read at call time)."""
    personas_dir = folder or configured_personas()
    catalog = Catalog()
    for path in card_files(personas_dir):
        try:
            card = load_card(path)
        except CardInvalid as exc:
            catalog.problems.extend(exc.problems)
            continue
        catalog.cards[card.id] = card
    return catalog


def get_overlay(difficulty: str, personas_dir: Path | None = None) -> Overlay:
    personas_dir = personas_dir or configured_personas()
    path = Path(personas_dir) / OVERLAY_DIR / f"{difficulty}.yaml"
    if not path.is_file():
        known = [p.stem for p in overlay_files(personas_dir)] or list(DIFFICULTIES)
        raise InputError(f"Unknown difficulty {difficulty!r}.", hint=f"Use one of {known}.")
    return load_overlay(path)


def get_card(
    persona_id: str, difficulty: str = "standard", personas_dir: Path | None = None
) -> Card:
    """The card for `persona_id` with the difficulty overlay applied."""
    personas_dir = personas_dir or configured_personas()
    path = Path(personas_dir) / f"{persona_id}.yaml"
    if not path.is_file():
        known = [p.stem for p in card_files(personas_dir)]
        raise InputError(
            f"No persona {persona_id!r} in {personas_dir}.",
            hint=f"Use one of {known} (see `hotseat personas list`).",
        )
    return apply_overlay(load_card(path), get_overlay(difficulty, personas_dir))


def card_content(card: Card) -> str:
    """Canonical text of the effective card: what a session ran with, hashed for audit."""
    return json.dumps(card.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)


def card_hash(card: Card) -> str:
    return hashlib.sha256(card_content(card).encode("utf-8")).hexdigest()
