"""Facts a scripted bot can say, taken from the persona card and fixed by the seed.

The phrase banks are templates; these slots make a reply about *this* customer's
problem (their name, their deadline, what a resolution needs) instead of one canned line.
"""

from __future__ import annotations

import random
import re

from hotseat.personas.card import Card

FEELING = {"angry": "frustrated", "fearful": "worried", "escalated": "fed up"}
AGENT_NAMES = ("Sam", "Alex", "Jordan", "Priya", "Marcus", "Elena", "Tom", "Grace")
DEPARTMENTS = (
    "billing",
    "our specialist team",
    "the escalations desk",
    "technical support",
    "customer relations",
)
_TIME = re.compile(
    r"\b(today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"\d{1,2}(?::\d\d)? ?[ap]m)\b",
    re.IGNORECASE,
)
# Card prose is third person ("her son's refill"); the bot speaks to the customer.
_PRONOUNS = (
    (r"\bshe is\b|\bhe is\b", "you are"),
    (r"\bshe has\b|\bhe has\b", "you have"),
    (r"\bshe was\b|\bhe was\b", "you were"),
    (r"\bher\b|\bhis\b", "your"),
    (r"\bshe\b|\bhe\b|\bhim\b", "you"),
    (r"\bherself\b|\bhimself\b", "yourself"),
)


def second_person(text: str) -> str:
    for pattern, repl in _PRONOUNS:
        text = re.sub(pattern, repl, text, flags=re.IGNORECASE)
    return " ".join(text.split())


def deadline(card: Card) -> str:
    """When the customer needs it by, as a phrase: "before Friday", "before 2 pm", "today"."""
    # Not what_happened: its clock times are when things went wrong, not deadlines.
    for text in (*card.scenario.resolution_needs, card.summary):
        found = _TIME.search(text)
        if found:
            word = found.group(1).lower()
            return word if word in ("today", "tomorrow") else f"before {found.group(1)}"
    return "today"


def problem(card: Card) -> str:
    """The summary's first clause in the second person, lower-cased: "charged twice ..."."""
    first = re.split(r"[;:]", card.summary, maxsplit=1)[0].strip().rstrip(".")
    first = second_person(first)
    return first[0].lower() + first[1:] if first else card.summary


# Needs about who follows up are said by the follow-up line; spoken as an action they
# read as a hand-off ("... with no transfer") and would be graded as one.
_PERSON_NEED = re.compile(
    r"\b(transfer|the rep|named person|one person|named technician|"
    r"direct number|rep's name)",
    re.IGNORECASE,
)


def action_needs(card: Card) -> list[str]:
    needs = [n for n in card.scenario.resolution_needs if not _PERSON_NEED.search(n)]
    return needs or list(card.scenario.resolution_needs)


def slots(card: Card, seed: int, turn: int) -> dict[str, str]:
    """Template values for one reply; the same (card, seed, turn) gives the same values."""
    rng = random.Random(f"{card.id}/{seed}")  # per-conversation facts stay fixed across turns
    needs = action_needs(card)
    initials = "".join(w[0] for w in card.id.split("-")).upper()
    return {
        "first_name": card.name.split()[0],
        "feeling": FEELING.get(card.archetype, "upset"),
        "problem": problem(card),
        "need": second_person(needs[turn % len(needs)]),
        "deadline": deadline(card),
        "ref": f"{initials}-{rng.randint(10000, 99999)}",
        "agent": rng.choice(AGENT_NAMES),
        "ext": str(rng.randint(2000, 8999)),
        "department": rng.choice(DEPARTMENTS),
        "policy_days": rng.choice(("7 to 10", "5 to 7", "10 to 14")),
        "heard": "",
    }
