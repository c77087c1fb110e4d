"""Sentence-by-sentence release of a streamed customer line through the voice checker.

The stream is released one checked sentence at a time, so whatever the trainee sees is
exactly what gets stored: a sentence that fails a check is never shown. If the first
sentence fails, nothing has been shown yet and the line can be regenerated; if a later
one fails, the line is cut before it (a repair).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hotseat.engine.checks import LineRules, sentence_problem

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")


def clean_start(text: str, rules: LineRules) -> str:
    """Drop a leading name label or wrapping quotes the model sometimes adds."""
    stripped = text.lstrip()
    low = stripped.lower()
    for prefix in rules.strip_prefixes:
        if low.startswith(prefix):
            stripped = stripped[len(prefix) :].lstrip()
            break
    return stripped.lstrip("\"'“")


def split_sentences(chunks: Iterable[str]) -> Iterator[str]:
    """Re-chunk a token stream into whole sentences (the last may lack an end mark)."""
    buffer = ""
    for chunk in chunks:
        buffer += chunk
        while True:
            match = _SENTENCE_END.search(buffer)
            if match is None:
                break
            sentence, buffer = buffer[: match.start()], buffer[match.end() :]
            if sentence.strip():
                yield sentence.strip()
    if buffer.strip():
        yield buffer.strip()


@dataclass
class Release:
    """The outcome of releasing one generated line."""

    text: str = ""
    problem: str | None = None  # why the line was cut or rejected
    rejected: bool = False  # nothing usable: the first sentence already failed


def release(chunks: Iterable[str], intent: str, rules: LineRules, result: Release) -> Iterator[str]:
    """Yield the checked sentences of a stream (with separating spaces); fill `result`."""
    count = 0
    for raw in split_sentences(chunks):
        sentence = clean_start(raw, rules) if count == 0 else raw
        sentence = sentence.rstrip('"”') if sentence.count('"') % 2 else sentence
        problem = sentence_problem(sentence, intent, rules, first=count == 0)
        too_long = len(result.text) + len(sentence) + 1 > rules.max_chars
        if problem is None and (too_long or count >= rules.max_sentences):
            problem = "too_long"
        if problem is not None:
            result.problem = problem
            result.rejected = count == 0
            return
        piece = sentence if count == 0 else " " + sentence
        result.text += piece
        count += 1
        yield piece
    if count == 0:
        result.problem = "empty"
        result.rejected = True
