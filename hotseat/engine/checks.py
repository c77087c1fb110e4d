"""Checks on a generated customer line, and sentence-by-sentence release of a stream.

The stream is released one checked sentence at a time, so whatever the trainee sees is
exactly what gets stored: a sentence that speaks as the agent is never shown. If the
first sentence fails, nothing has been shown yet and the line can be regenerated; if a
later one fails, the line is cut before it (a repair).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from hotseat.errors import ConfigError
from hotseat.personas.card import Card

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")
_WORD = re.compile(r"[a-z0-9']+")
ECHO_WORDS = 6  # this many words in a row taken from the agent's reply is an echo


@dataclass(frozen=True)
class LineRules:
    max_sentences: int
    max_chars: int
    agent_phrases: tuple[str, ...]
    out_of_character: tuple[str, ...]
    cooperative_phrases: tuple[str, ...]
    upset_intents: frozenset[str]
    strip_prefixes: tuple[str, ...]
    agent_patterns: tuple[re.Pattern[str], ...] = ()
    # Word runs of the agent's last reply: small models often repeat the agent's
    # commitment as if it were theirs ("I'm booking an engineer for 8am...").
    echo_of: frozenset[tuple[str, ...]] = field(default_factory=frozenset)

    def with_echo(self, agent_reply: str) -> LineRules:
        return replace(self, echo_of=frozenset(_runs(agent_reply)))

    @classmethod
    def from_data(cls, data: dict[str, Any], card: Card) -> LineRules:
        first = card.name.split()[0]
        prefixes = tuple(
            p.replace("$name", card.name).replace("$first_name", first).lower()
            for p in data.get("strip_prefixes", [])
        )
        return cls(
            max_sentences=int(data["max_sentences"]),
            max_chars=int(data["max_chars"]),
            agent_phrases=tuple(p.lower() for p in data["agent_phrases"]),
            out_of_character=tuple(p.lower() for p in data["out_of_character"]),
            cooperative_phrases=tuple(p.lower() for p in data["cooperative_phrases"]),
            upset_intents=frozenset(data["upset_intents"]),
            strip_prefixes=prefixes,
            agent_patterns=tuple(_compile(p) for p in data.get("agent_patterns") or []),
        )


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(
            f"customer_checks.yaml: agent_patterns entry {pattern!r} is not a valid "
            f"regular expression ({exc}).",
            hint="Fix the pattern; in single-quoted YAML write an apostrophe as ''.",
        ) from None


def _normalise(text: str) -> str:
    # Curly apostrophes from models would otherwise slip past "i'll look into that".
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def _runs(text: str) -> Iterator[tuple[str, ...]]:
    words = _WORD.findall(_normalise(text))
    for i in range(len(words) - ECHO_WORDS + 1):
        yield tuple(words[i : i + ECHO_WORDS])


def sentence_problem(sentence: str, intent: str, rules: LineRules) -> str | None:
    """Why this sentence cannot be said by the customer, or None when it is fine."""
    low = _normalise(sentence)
    if rules.echo_of and any(run in rules.echo_of for run in _runs(sentence)):
        return "role_reversal"
    for phrase in rules.agent_phrases:
        if phrase in low:
            return "role_reversal"
    if any(pattern.search(low) for pattern in rules.agent_patterns):
        return "role_reversal"
    for phrase in rules.out_of_character:
        if phrase in low:
            return "out_of_character"
    if intent in rules.upset_intents:
        for phrase in rules.cooperative_phrases:
            if phrase in low:
                return "too_cooperative"
    return None


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
        problem = sentence_problem(sentence, intent, rules)
        too_long = len(result.text) + len(sentence) + 1 > rules.max_chars
        if problem is None and too_long:
            problem = "too_long"
        if problem is None and count >= rules.max_sentences:
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
