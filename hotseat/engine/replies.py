"""What the trainee may send: one rule, used by the engine and by every page that takes a
reply (empty and over-long replies are refused with what to change)."""

from __future__ import annotations

from hotseat.errors import InputError

MAX_REPLY_CHARS = 4000


def check_reply(text: str) -> str:
    """The trainee's reply, stripped; InputError (saying what to change) when unusable."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(
            "Your reply is empty.", hint="Type what you would say to the customer, then send it."
        )
    text = text.strip()
    if len(text) > MAX_REPLY_CHARS:
        raise InputError(
            f"Your reply is {len(text):,} characters long; the limit is {MAX_REPLY_CHARS:,}.",
            hint="Shorten it to what you would really say in one chat message.",
        )
    return text
