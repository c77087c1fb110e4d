"""Difficulty overlays: small files that scale any card instead of copies of cards.

An overlay shifts the starting mood, scales how far empathy and empowerment move the
customer and how hard triggers hit, tightens or loosens what counts as resolved, and
changes patience and how raw the voice is. Applying one returns a new, validated card.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hotseat.personas.card import Card

DIFFICULTIES: tuple[str, ...] = ("easy", "standard", "hard")


class LevelShift(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    anger: float = Field(default=0, ge=-10, le=10)
    fear: float = Field(default=0, ge=-10, le=10)
    trust: float = Field(default=0, ge=-10, le=10)


class Overlay(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="equals the file name stem")
    description: str = Field(min_length=1)
    start: LevelShift = Field(default_factory=LevelShift, description="added to start mood")
    empathy_scale: float = Field(default=1.0, gt=0, le=5)
    empowerment_scale: float = Field(default=1.0, gt=0, le=5)
    trigger_scale: float = Field(default=1.0, ge=0, le=5)
    resolve_shift: LevelShift = Field(
        default_factory=LevelShift,
        description="added to resolve.anger_max / fear_max / trust_min",
    )
    patience: int = Field(default=0, ge=-9, le=9, description="added to patience (min 1)")
    max_turns: int = Field(default=0, ge=-50, le=50, description="added to max_turns (min 2)")
    patience_max: int | None = Field(
        default=None, ge=1, le=10, description="patience after the shift is at most this"
    )
    forgive: int = Field(
        default=0, ge=0, le=3, description="bad replies forgiven before patience counts them"
    )
    voice_intensity: int = Field(default=0, ge=-4, le=4, description="added, kept in 1..5")
    voice_note: str = Field(default="", description="appended to the voice style")


def _clamp(value: float, low: float, high: float) -> float:
    # Rounded so the card content (and its hash) does not carry float noise.
    return round(max(low, min(high, value)), 3)


def apply_overlay(card: Card, overlay: Overlay) -> Card:
    """Return `card` at this difficulty; the result is re-validated as a whole card."""
    data = card.model_dump()
    start = data["emotion"]["start"]
    for key in ("anger", "fear", "trust"):
        start[key] = _clamp(start[key] + getattr(overlay.start, key), 0, 10)
    sens = data["emotion"]["sensitivity"]
    sens["empathy"] = _clamp(sens["empathy"] * overlay.empathy_scale, 0, 5)
    sens["empowerment"] = _clamp(sens["empowerment"] * overlay.empowerment_scale, 0, 5)
    data["emotion"]["triggers"] = {
        k: _clamp(v * overlay.trigger_scale, 0, 5) for k, v in data["emotion"]["triggers"].items()
    }
    ends = data["end_conditions"]
    resolve = ends["resolve"]
    resolve["anger_max"] = _clamp(resolve["anger_max"] + overlay.resolve_shift.anger, 0, 10)
    resolve["fear_max"] = _clamp(resolve["fear_max"] + overlay.resolve_shift.fear, 0, 10)
    resolve["trust_min"] = _clamp(resolve["trust_min"] + overlay.resolve_shift.trust, 0, 10)
    ends["patience"] = int(_clamp(ends["patience"] + overlay.patience, 1, 10))
    ends["max_turns"] = int(_clamp(ends["max_turns"] + overlay.max_turns, 2, 100))
    if overlay.patience_max is not None:
        ends["patience"] = min(ends["patience"], overlay.patience_max)
    ends["forgive"] = int(_clamp(ends.get("forgive", 0) + overlay.forgive, 0, 3))
    voice = data["voice"]
    voice["intensity"] = int(_clamp(voice["intensity"] + overlay.voice_intensity, 1, 5))
    if overlay.voice_note:
        voice["style"] = f"{voice['style']} {overlay.voice_note}".strip()
    data["difficulty"] = overlay.id
    return Card.model_validate(data)
