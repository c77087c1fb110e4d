"""The voice checker: why one sentence of a generated customer line cannot be shown.

Every check is about the customer's voice, not the wording we expect: speaking as the
agent, narrating about "the agent", naming themselves or a name nobody gave, echoing the
agent or the engine's own instruction, repeating an earlier line, listing emotions,
breaking the fiction, saying the opposite of the intent, inventing an amount, not
answering a direct question, and drifting away from what the card's lines for the move say
(a meaning check on sentence vectors: a small model's worst lines are fluent nonsense no
pattern sees). Patterns, word lists and the similarity floor live in
prompts/customer_checks.yaml; this module only applies them. Releasing a stream sentence
by sentence is release.py's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from hotseat.errors import ConfigError
from hotseat.personas.card import INTENTS, Card

_WORD = re.compile(r"[a-z0-9']+")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
# Words the customer quotes back ('"I understand your frustration." You're the fifth...')
# are someone else's: they are not the customer speaking as the agent.
# The closing quote may be missing: sentence splitting keeps it with the space after.
_QUOTED = re.compile(r"\"[^\"]+(\"|$)|“[^”]+(”|$)|(?<![\w])'[^']{6,}('(?![\w])|$)")
ECHO_WORDS = 6  # this many words in a row taken from the agent's reply is an echo
LEAK_WORDS = 7  # this many words in a row from the engine's instruction is a leak
NEAR_DUPLICATE = 0.75  # word-set overlap with an earlier customer sentence that repeats it
MIN_REPEAT_WORDS = 4  # "I want my money." may fairly be said twice
REF_WORDS = 4  # a move line's sentence this long stands for the move on its own

Encoder = Callable[[list[str]], np.ndarray]  # sentences -> unit vectors, one row each


@dataclass(frozen=True)
class LineRules:
    """The checks for one card; `for_turn` adds what one turn's line is checked against."""

    max_sentences: int
    max_chars: int
    agent_phrases: tuple[str, ...]
    out_of_character: tuple[str, ...]
    cooperative_phrases: tuple[str, ...]
    upset_intents: frozenset[str]
    strip_prefixes: tuple[str, ...]
    agent_patterns: tuple[re.Pattern[str], ...] = ()
    narration_patterns: tuple[re.Pattern[str], ...] = ()
    own_name_allowed: tuple[re.Pattern[str], ...] = ()
    own_names: tuple[str, ...] = ()
    interjections: frozenset[str] = frozenset()
    emotion_words: frozenset[str] = frozenset()
    contradiction_patterns: tuple[re.Pattern[str], ...] = ()
    escalation_phrases: tuple[str, ...] = ()
    calm_intents: frozenset[str] = frozenset()
    walk_away_intents: frozenset[str] = frozenset()
    walk_away_patterns: tuple[re.Pattern[str], ...] = ()
    answer_intents: frozenset[str] = frozenset()
    answer_markers: tuple[re.Pattern[str], ...] = ()
    stopwords: frozenset[str] = frozenset()
    card_words: frozenset[str] = frozenset()
    card_numbers: frozenset[str] = frozenset()
    repairs: dict[str, str] = field(default_factory=dict)  # defect kind -> instruction
    no_repair: frozenset[str] = frozenset()  # kinds that go straight to the card's line
    said_as_written: frozenset[str] = frozenset()  # moves said in the card's line, no model
    # Per turn (for_turn): word runs of the agent's last reply and of the instruction,
    # earlier customer sentences, names and numbers the agent gave, the question asked.
    echo_of: frozenset[tuple[str, ...]] = field(default_factory=frozenset)
    leak_of: frozenset[tuple[str, ...]] = field(default_factory=frozenset)
    earlier: tuple[frozenset[str], ...] = ()
    earlier_runs: frozenset[tuple[str, ...]] = field(default_factory=frozenset)
    heard_words: frozenset[str] = frozenset()
    heard_numbers: frozenset[str] = frozenset()
    asked: bool = False  # the agent's last reply asked a question
    asked_closed: bool = False  # ... one that yes or no answers ("Is it blocked?")
    yes_no: re.Pattern[str] | None = None  # a sentence opening with yes or no
    closed_question: re.Pattern[str] | None = None
    question_words: frozenset[str] = frozenset()  # its content words (first five letters)
    reply_to_thanks: tuple[str, ...] = ()
    agent_thanked: bool = False
    action_stems: tuple[str, ...] = ()
    agent_acting: str = ""  # regex: the agent saying they do it; {stem} is the action
    denial: str = ""  # regex: the customer saying it is not being done
    agent_did: tuple[str, ...] = ()  # per turn: the action stems the agent said they do
    move_similarity: float = 0.0  # a sentence this far (cosine) from every move line is off
    encode: Encoder | None = None  # None: no meaning check (pattern checks only)
    move_vectors: np.ndarray | None = None  # per turn: the card's lines for the move

    def for_turn(
        self,
        agent_reply: str,
        earlier_customer: Iterable[str] = (),
        agent_history: Iterable[str] = (),
        instruction: str = "",
        move_lines: Sequence[str] = (),
    ) -> LineRules:
        """These rules with what this turn's line is checked against. move_lines: the
        card's written lines for the customer's move (whole, and split into sentences,
        so a line that says one of them in part is close to it)."""
        earlier, earlier_runs = _earlier_index(earlier_customer)
        # Sentences of a few words ("Once.", "Sorry, sorry.") would vouch for any short line.
        parts = [s for x in move_lines for s in _sentences(x) if len(_words(s)) >= REF_WORDS]
        refs = list(dict.fromkeys([*move_lines, *parts]))
        agent_all = [*agent_history, agent_reply]
        return replace(
            self,
            echo_of=frozenset(_runs(agent_reply, ECHO_WORDS)),
            leak_of=frozenset(_runs(instruction, LEAK_WORDS)),
            earlier=earlier,
            earlier_runs=earlier_runs,
            heard_words=frozenset(w for text in agent_all for w in _words(text)),
            heard_numbers=frozenset(n for text in agent_all for n in _numbers(text)),
            asked=any(s.rstrip().endswith("?") for s in _sentences(agent_reply)),
            asked_closed=self.closed_question is not None
            and any(
                self.closed_question.search(_normalise(s))
                for s in _sentences(agent_reply)
                if s.rstrip().endswith("?")
            ),
            question_words=self._question_words(agent_reply),
            agent_thanked=bool(re.search(r"\bthank", _normalise(agent_reply))),
            agent_did=self._actions(agent_reply),
            move_vectors=self.encode(refs) if self.encode and refs else None,
        )

    def _actions(self, agent_reply: str) -> tuple[str, ...]:
        low = _normalise(agent_reply)
        return tuple(
            stem
            for stem in self.action_stems
            if re.search(self.agent_acting.format(stem=re.escape(stem)), low)
        )

    def _question_words(self, agent_reply: str) -> frozenset[str]:
        """Content words of the agent's questions that address the customer ("you")."""
        questions = [s for s in _sentences(agent_reply) if s.rstrip().endswith("?")]
        words = {
            w[:5]
            for q in questions
            if re.search(r"\byou(r|rs)?\b", _normalise(q))
            for w in _words(q)
            if len(w) >= 4 and w not in self.stopwords
        }
        return frozenset(words)

    @classmethod
    def from_data(
        cls, data: dict[str, Any], card: Card, encode: Encoder | None = None
    ) -> LineRules:
        """encode: sentence vectors, for the embedded model's meaning check (None: off)."""
        first = card.name.split()[0]
        prefixes = tuple(
            p.replace("$name", card.name).replace("$first_name", first).lower()
            for p in data.get("strip_prefixes", [])
        )
        card_text = card.model_dump_json()
        # The embedded model's extra rules apply when its encoder is given (line_rules).
        embedded = _embedded_rules(data)
        if encode is None:
            embedded = {}
        return cls(
            max_sentences=int(data["max_sentences"]),
            max_chars=int(data["max_chars"]),
            agent_phrases=_lower(data["agent_phrases"]),
            out_of_character=_lower(data["out_of_character"]),
            cooperative_phrases=_lower(data["cooperative_phrases"]),
            upset_intents=frozenset(data["upset_intents"]),
            strip_prefixes=prefixes,
            agent_patterns=_patterns(data, "agent_patterns"),
            narration_patterns=_patterns(data, "narration_patterns"),
            own_name_allowed=_patterns(data, "own_name_allowed"),
            own_names=tuple({card.name.lower(), first.lower()}),
            interjections=frozenset(_lower(data.get("interjections") or [])),
            emotion_words=frozenset(_lower(data.get("emotion_words") or [])),
            contradiction_patterns=_patterns(data, "contradiction_patterns"),
            escalation_phrases=_lower(data.get("escalation_phrases") or []),
            calm_intents=frozenset(data.get("calm_intents") or []),
            walk_away_intents=frozenset(data.get("walk_away_intents") or []),
            walk_away_patterns=_patterns(data, "walk_away_patterns"),
            answer_intents=frozenset(data.get("answer_intents") or []),
            answer_markers=_patterns(data, "answer_markers"),
            yes_no=_one_pattern(data, "yes_no"),
            closed_question=_one_pattern(data, "closed_question"),
            stopwords=frozenset(_lower(data.get("question_stopwords") or [])),
            reply_to_thanks=_lower(data.get("reply_to_thanks") or []),
            action_stems=_lower(data.get("action_stems") or []),
            agent_acting=str(data.get("agent_acting", "")),
            denial=str(data.get("denial", "")),
            card_words=frozenset(_words(card_text)),
            card_numbers=frozenset(_numbers(card_text)),
            repairs={str(k): " ".join(str(v).split()) for k, v in _mapping(data, "repair")},
            no_repair=frozenset(embedded.get("no_repair") or []),
            said_as_written=frozenset(embedded.get("said_as_written") or []),
            move_similarity=embedded.get("move_similarity", 0.0),
            encode=encode,
        )

    def repair_for(self, problem: str) -> str:
        return self.repairs.get(problem, self.repairs.get("empty", ""))


def _embedded_rules(data: dict[str, Any]) -> dict[str, Any]:
    """The `embedded_model` section, checked whichever model runs (the studio validates it)."""
    section = data.get("embedded_model") or {}
    if not isinstance(section, dict):
        raise ConfigError(
            "customer_checks.yaml: embedded_model must be a mapping.",
            hint="See the shipped file for its keys.",
        )
    similarity = section.get("move_similarity", 0.0)
    if isinstance(similarity, bool) or not isinstance(similarity, int | float):
        similarity = -1.0
    if not 0.0 <= similarity <= 1.0:
        raise ConfigError(
            "customer_checks.yaml: embedded_model.move_similarity must be a number from 0 to 1"
            f" (got {section.get('move_similarity')!r}).",
            hint="0 turns the meaning check off; the shipped value is 0.55.",
        )
    moves = section.get("said_as_written") or []
    unknown = [m for m in moves if m not in INTENTS] if isinstance(moves, list) else [moves]
    if unknown:
        raise ConfigError(
            f"customer_checks.yaml: embedded_model.said_as_written has {unknown!r}, "
            "which is not a list of moves.",
            hint=f"Use moves from {list(INTENTS)}.",
        )
    return {**section, "move_similarity": float(similarity)}


def _mapping(data: dict[str, Any], key: str) -> Iterable[tuple[Any, Any]]:
    return (data.get(key) or {}).items()


def _lower(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(p).lower() for p in items)


def _patterns(data: dict[str, Any], key: str) -> tuple[re.Pattern[str], ...]:
    return tuple(_compile(key, p) for p in data.get(key) or [])


def _one_pattern(data: dict[str, Any], key: str) -> re.Pattern[str] | None:
    return _compile(key, data[key]) if data.get(key) else None


def _compile(key: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(
            f"customer_checks.yaml: {key} entry {pattern!r} is not a valid "
            f"regular expression ({exc}).",
            hint="Fix the pattern; in single-quoted YAML write an apostrophe as ''.",
        ) from None


def _normalise(text: str) -> str:
    # Curly apostrophes from models would otherwise slip past "i'll look into that".
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def _words(text: str) -> list[str]:
    return _WORD.findall(_normalise(text))


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip("0").rstrip(".") or "0" for n in _NUMBER.findall(text)}


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?…])\s+", text.strip()) if s]


def _runs(text: str, size: int) -> Iterator[tuple[str, ...]]:
    words = _words(text)
    for i in range(len(words) - size + 1):
        yield tuple(words[i : i + size])


def _has(low: str, phrases: Iterable[str]) -> bool:
    return any(phrase in low for phrase in phrases)


def _matches(text: str, patterns: Iterable[re.Pattern[str]]) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def sentence_problem(
    sentence: str, intent: str, rules: LineRules, *, first: bool = False
) -> str | None:
    """The kind of defect that keeps this sentence from being said, or None when fine.

    first: the line's opening sentence, which is where a direct question gets answered.
    """
    low = _normalise(sentence)
    checks = (
        _agent_voice(low, sentence, rules),
        _narration(low, rules),
        _names(sentence, low, rules),
        _repeats(low, sentence, rules),
        _emotions(low, rules),
        _off_intent(low, intent, rules),
        _denies(low, rules),
        _invented_amount(sentence, rules),
        _unanswered(low, intent, rules) if first else None,
        _unasked_yes_no(low, intent, rules) if first else None,
    )
    problem = next((problem for problem in checks if problem is not None), None)
    # The meaning check embeds the sentence: only for a sentence every pattern passed.
    return problem if problem is not None else _off_line(sentence, rules)


def _agent_voice(low: str, sentence: str, rules: LineRules) -> str | None:
    low = _QUOTED.sub(" ", low)
    if rules.echo_of and any(run in rules.echo_of for run in _runs(sentence, ECHO_WORDS)):
        return "echo"
    if _has(low, rules.agent_phrases) or _matches(low, rules.agent_patterns):
        return "role_reversal"
    if not rules.agent_thanked and _has(low, rules.reply_to_thanks):
        return "role_reversal"
    if _has(low, rules.out_of_character):
        return "out_of_character"
    if rules.leak_of and any(run in rules.leak_of for run in _runs(sentence, LEAK_WORDS)):
        return "leak"
    return None


def _narration(low: str, rules: LineRules) -> str | None:
    return "narration" if _matches(low, rules.narration_patterns) else None


def _names(sentence: str, low: str, rules: LineRules) -> str | None:
    for name in rules.own_names:
        if re.search(rf"\b{re.escape(name)}\b", low) and not _matches(low, rules.own_name_allowed):
            return "own_name"
    # A capitalised word addressed to someone ("Thank you, Tom.", "Grace, listen") that
    # neither the card nor the agent ever used is a name the agent never gave.
    for match in _CAPITALISED.finditer(sentence):
        word = match.group().lower()
        if word in rules.interjections or word in rules.card_words or word in rules.heard_words:
            continue
        before = sentence[: match.start()].rstrip()
        after = sentence[match.end() :].lstrip()
        vocative_end = before.endswith(",") and (not after or after[0] in ".!?,")
        vocative_start = not before and after.startswith(",")
        if vocative_end or vocative_start:
            return "invented_name"
    return None


def _repeats(low: str, sentence: str, rules: LineRules) -> str | None:
    return "repeat" if _is_repeat(sentence, rules.earlier, rules.earlier_runs) else None


def _is_repeat(
    sentence: str,
    earlier: Iterable[frozenset[str]],
    earlier_runs: frozenset[tuple[str, ...]],
) -> bool:
    if earlier_runs and any(r in earlier_runs for r in _runs(sentence, ECHO_WORDS)):
        return True
    words = frozenset(_words(sentence))
    if len(words) >= MIN_REPEAT_WORDS:
        return any(len(words & e) / len(words | e) >= NEAR_DUPLICATE for e in earlier)
    return False


def said_before(line: str, earlier_lines: Iterable[str]) -> bool:
    """Whether any sentence of `line` says an earlier line's sentence again, word for word
    or nearly (the repeat check's rule, for choosing a card line nobody has heard yet)."""
    earlier, runs = _earlier_index(earlier_lines)
    return any(_is_repeat(s, earlier, runs) for s in _sentences(line))


def _earlier_index(
    lines: Iterable[str],
) -> tuple[tuple[frozenset[str], ...], frozenset[tuple[str, ...]]]:
    """Earlier customer sentences as word sets (those long enough to count as a repeat)
    and as runs of ECHO_WORDS words."""
    sentences = [s for line in lines for s in _sentences(line)]
    sets = tuple(frozenset(words) for s in sentences if len(words := _words(s)) >= MIN_REPEAT_WORDS)
    return sets, frozenset(r for s in sentences for r in _runs(s, ECHO_WORDS))


def _emotions(low: str, rules: LineRules) -> str | None:
    if _matches(low, rules.contradiction_patterns):
        return "contradiction"
    named = {w for w in _words(low) if w in rules.emotion_words}
    return "emotion_list" if len(named) >= 3 else None


def _off_intent(low: str, intent: str, rules: LineRules) -> str | None:
    if intent in rules.upset_intents and _has(low, rules.cooperative_phrases):
        return "too_cooperative"
    if intent in rules.walk_away_intents and _matches(low, rules.walk_away_patterns):
        return "wrong_intent"
    if intent in rules.calm_intents and _has(low, rules.escalation_phrases):
        return "wrong_intent"
    return None


def _denies(low: str, rules: LineRules) -> str | None:
    """ "Why aren't you refunding it?" right after "I'm refunding it now": the line ignores
    the reply it answers."""
    said = _QUOTED.sub(" ", low)
    for stem in rules.agent_did:
        if re.search(rules.denial.format(stem=re.escape(stem)), said):
            return "denies_action"
    return None


def _invented_amount(sentence: str, rules: LineRules) -> str | None:
    # Only money: "$1,240" or "1240 dollars" that neither the card nor the agent said.
    amounts = re.findall(
        r"[$£€]\s?(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*(?:\.\d+)?)\s*(?:dollars|pounds|euros|bucks)\b",
        sentence,
        re.IGNORECASE,
    )
    for pair in amounts:
        number = next(iter(_numbers("".join(pair))), None)
        if number and number not in rules.card_numbers and number not in rules.heard_numbers:
            return "fact_conflict"
    return None


def _unanswered(low: str, intent: str, rules: LineRules) -> str | None:
    if not rules.asked or intent not in rules.answer_intents:
        return None
    if _matches(low, rules.answer_markers):
        return None
    if any(w[:5] in rules.question_words for w in _words(low) if len(w) >= 4):
        return None
    return "unanswered"


def _unasked_yes_no(low: str, intent: str, rules: LineRules) -> str | None:
    """ "Yes, my card is blocked." after "What worries you most?": the small model answering
    its own line's question, or one nobody asked. A flat "No." while walking away is fine."""
    if rules.yes_no is None or rules.asked_closed or intent in rules.walk_away_intents:
        return None
    if not rules.yes_no.search(low):
        return None
    return "unasked_yes_no"


def _off_line(sentence: str, rules: LineRules) -> str | None:
    """Far in meaning from every line the card has for this move: "Sure, I can do that."
    or "No, I didn't have that machine." where the customer should be pushing back."""
    if rules.encode is None or rules.move_vectors is None:
        return None
    vector = rules.encode([sentence])[0]
    return (
        "off_line" if float((rules.move_vectors @ vector).max()) < rules.move_similarity else None
    )
