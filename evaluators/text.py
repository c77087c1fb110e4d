"""Text helpers shared by the detectors: normalising quotes and splitting sentences."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": " - ",
        "\u00a0": " ",
    }
)
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
    window = sentence[lo : lo + MAX_QUOTE]
    return ("…" if lo else "") + window.strip() + ("…" if lo + MAX_QUOTE < len(sentence) else "")


# A clause ends at , ; : or a dash between words; quotes and features work clause by
# clause so a quote shows the words that carry its technique, not a whole long sentence.
_CLAUSE_END = re.compile(r"(?<=\w)[,;:](?=\s)|\s+-\s+|\s+\(|\)\s+")
MIN_CLAUSE_WORDS = 3


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each clause in `sentence`; short bits are joined to a neighbour."""
    cuts = [0]
    for m in _CLAUSE_END.finditer(sentence):
        cuts += [m.start(), m.end()]
    cuts.append(len(sentence))
    spans: list[tuple[int, int]] = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=True):
        if not sentence[a:b].strip(" ,;:-()"):
            continue
        # "Oh no," or "Dana" alone says little: join a short piece to its neighbour.
        if spans and (
            _words(sentence, *spans[-1]) < MIN_CLAUSE_WORDS
            or _words(sentence, a, b) < MIN_CLAUSE_WORDS
        ):
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    return spans or [(0, len(sentence))]


def _words(text: str, a: int, b: int) -> int:
    return len(text[a:b].split())


def _clean(text: str) -> str:
    return text.strip(" ,;:-(")


def clauses(sentence: str) -> list[str]:
    """The sentence cut at commas, semicolons, colons and dashes (exact substrings)."""
    return [_clean(sentence[a:b]) for a, b in clause_spans(sentence)]


def clause_quote(sentence: str, start: int, end: int) -> str:
    """The clause(s) holding sentence[start:end]: the words that show a technique."""
    spans = [(a, b) for a, b in clause_spans(sentence) if a < max(end, start + 1) and b > start]
    a, b = (spans[0][0], spans[-1][1]) if spans else (0, len(sentence))
    return quote(_clean(sentence[a:b]))


_WORD = re.compile(r"\w")


def units(text: str) -> list[str]:
    """The clauses of every sentence, in order: what the grader reads and quotes (a rule
    like "---" left by a screened block has no words and is no clause)."""
    return [c for s in sentences(text) for c in clauses(s) if _WORD.search(c)]
