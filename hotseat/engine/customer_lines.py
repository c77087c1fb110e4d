"""What a customer line is held to, and the card's line behind it: the voice checks for the
next line of a conversation (on the embedded model also a meaning check against the card's
lines for the move, cached sentence vectors, and the moves said as the card writes them),
and the card's line for the move, which the model voices and which is said when the
model's line fails."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from evaluators.embedder import shared_model
from hotseat.engine.checks import LineRules, said_before
from hotseat.engine.mood import Mood, band
from hotseat.engine.prompts import CustomerPrompts, instruction_texts
from hotseat.engine.state import Pending
from hotseat.personas import Card
from hotseat.store import TurnRecord


def line_rules(
    prompts: CustomerPrompts,
    card: Card,
    intent: str,
    agent: list[str],
    customer: list[str],
    *,
    embedded: bool,
) -> LineRules:
    """The voice checks for the next customer line, which voices `intent` after the agent
    replies `agent` (oldest first) and the customer's own earlier lines `customer`. For
    the embedded model (`embedded`) its meaning is also held to the card's lines for that
    move, in either mood band."""
    move_lines = [
        *card.lines.for_intent(intent, "heated"),
        *card.lines.for_intent(intent, "calmer"),
    ]
    encode = _encode if embedded else None
    return LineRules.from_data(prompts.checks, card, encode).for_turn(
        agent[-1] if agent else "",
        earlier_customer=customer,
        agent_history=agent[:-1],
        instruction=instruction_texts(prompts),
        move_lines=list(dict.fromkeys(move_lines)),
    )


@lru_cache(maxsize=4096)
def _vector(sentence: str) -> np.ndarray:
    return shared_model().encode([sentence])[0]


def _encode(sentences: list[str]) -> np.ndarray:
    # Cached per sentence: a card's lines for a move are checked against on every turn.
    return np.vstack([_vector(s) for s in sentences])


# Once every line for a move has been said (a warm but powerless rep can draw ten push-backs
# in one call), the nearest move's lines keep the customer from repeating themselves.
RELATED_MOVE = {"push_back": "vent", "vent": "push_back"}


def card_line(card: Card, pending: Pending, mood: Mood, seed: int, turns: list[TurnRecord]) -> str:
    """The card's written line for the intent and mood band: what the model is asked to
    say (in its own words or as it is) and what is said when its line fails the checks.
    Never one already said in this conversation, word for word or nearly, while another is
    left (a customer repeating a line is a defect the checker rejects in the model's lines
    too)."""
    lines = card.lines.for_intent(pending.intent, band(mood))
    if pending.intent == "reveal" and pending.fact_id:
        # Reveal lines are written in the order of the hidden facts they voice.
        ids = [f.id for f in card.scenario.hidden_facts]
        return lines[ids.index(pending.fact_id) % len(lines)]
    said = [t.text for t in turns if t.role == "customer"]
    other = "heated" if band(mood) == "calmer" else "calmer"
    start = (seed + len(turns)) % len(lines)
    candidates = lines[start:] + lines[:start] + card.lines.for_intent(pending.intent, other)
    related = RELATED_MOVE.get(pending.intent)
    if related:
        candidates += card.lines.for_intent(related, band(mood))
        candidates += card.lines.for_intent(related, other)
    # Not said, nor said nearly: the model may have voiced this very line in its own words.
    return next((c for c in candidates if not said_before(c, said)), candidates[0])
