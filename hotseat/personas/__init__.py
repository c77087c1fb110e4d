"""Persona cards: the schema, loading with file:line:field errors, difficulty overlays."""

from hotseat.personas.card import INTENTS, Card, Intent
from hotseat.personas.catalog import (
    Catalog,
    card_content,
    card_hash,
    get_card,
    get_overlay,
    load_card,
    load_catalog,
    load_overlay,
    validate_path,
    write_card_dir,
)
from hotseat.personas.overlay import DIFFICULTIES, Overlay, apply_overlay
from hotseat.personas.problems import CardInvalid, CardProblem

__all__ = [
    "DIFFICULTIES",
    "INTENTS",
    "Card",
    "CardInvalid",
    "CardProblem",
    "Catalog",
    "Intent",
    "Overlay",
    "apply_overlay",
    "card_content",
    "card_hash",
    "get_card",
    "get_overlay",
    "load_card",
    "load_catalog",
    "load_overlay",
    "validate_path",
    "write_card_dir",
]
