"""What the customer just asked, as topics a bot answers in its own style.

Upset customers ask in statements as often as questions ("Give me a date."), so a
sentence counts when it ends in "?" or opens with a demand.
"""

from __future__ import annotations

import re

from hotseat.personas.card import Card

# Checked in order; the first topics found are answered first.
TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("supervisor", r"\b(supervisor|manager|someone (else|who can)|somebody who can)\b"),
        (
            "reference",
            r"\b(reference|confirmation|ticket|claim|case|record locator|trace)"
            r"( number)?\b",
        ),
        ("when", r"\b(when|what date|a date|how long|how soon|by when|what time|timeline)\b"),
        ("who", r"\b(who|your name|a name|call if|contact if)\b"),
        (
            "action",
            r"\b(what (are|will|do|can) you|going to do|actually do|fix (it|this)|"
            r"do something|what now|what happens now)\b",
        ),
        ("why", r"\b(why|explain|how (did|could|does|can) (this|that|it|you))\b"),
    )
)
_DEMAND = re.compile(r"^\s*(give|tell|explain|get|put|show|fix|find)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def asked(text: str, limit: int = 2) -> list[str]:
    """Topics of the questions or demands in `text`, in TOPICS order, at most `limit`."""
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    asks = " ".join(s for s in sentences if s.rstrip().endswith("?") or _DEMAND.match(s))
    return [name for name, pattern in TOPICS if pattern.search(asks)][:limit]


def heard_fact(card: Card, text: str) -> str:
    """The cue of the hidden fact the customer just told (not asked about), or ""."""
    told = [s for s in _SENTENCE.split(text) if s.strip() and not s.rstrip().endswith("?")]
    lower = " ".join(told).lower()
    for fact in card.scenario.hidden_facts:
        for cue in fact.cues:
            if len(cue.split()) <= 2 and re.search(rf"\b{re.escape(cue)}", lower):
                return cue
    return ""
