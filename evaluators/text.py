"""Text helpers shared by the detectors: normalising quotes and splitting sentences."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": " - ", "\u00a0": " "})
# A sentence ends at . ! ? (and runs of them) followed by space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
MAX_QUOTE = 160


def normalise(text: str) -> str:
    """NFKC plus straight quotes, so one apostrophe form is enough in every regex."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    # Zero-width and control characters can hide words from regexes.
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def sentences(text: str) -> list[str]:
    parts = (p.strip() for p in _SENTENCE_END.split(normalise(text)))
    return [p for p in parts if p]


def quote(sentence: str, start: int = 0, end: int | None = None) -> str:
    """The sentence, or a window around [start, end) when the sentence is long."""
    if len(sentence) <= MAX_QUOTE:
        return sentence
    end = start if end is None else end
    mid = (start + end) // 2
    lo = max(0, mid - MAX_QUOTE // 2)
    window = sentence[lo:lo + MAX_QUOTE]
    return ("…" if lo else "") + window.strip() + ("…" if lo + MAX_QUOTE < len(sentence) else "")
