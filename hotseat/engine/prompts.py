"""Customer prompt files: loading, rendering, and keeping inside a token budget.

The text lives in `prompts/customer_*.{md,yaml}`; this module only fills placeholders
(`string.Template`, `$name`) and decides which older turns fit. Older turns that do not
fit are replaced by a deterministic one-line summary, so prompt tokens per turn stay
flat however long the conversation runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

import yaml
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from hotseat.engine.intent import IntentChoice
from hotseat.engine.mood import Mood
from hotseat.errors import ConfigError
from hotseat.paths import prompts_dir as configured_prompts
from hotseat.personas.card import Card
from hotseat.tokens import count_tokens

PROMPT_FILES = (
    "customer_system.md",
    "customer_turn.md",
    "customer_parts.yaml",
    "customer_checks.yaml",
)
DEFAULT_BUDGET = 1400  # tokens for the whole customer prompt; a 4k-context local model fits


@dataclass(frozen=True)
class CustomerPrompts:
    system: Template
    turn: Template
    parts: dict[str, Any]
    checks: dict[str, Any]
    content: str  # every file as JSON by name: what gets hashed and stored

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()


def load_prompts(folder: Path | None = None) -> CustomerPrompts:
    """The customer prompt files in `folder`, else HOTSEAT_PROMPTS_DIR or the shipped
    prompts/ (read at call time, so a changed setting is never served stale)."""
    prompts_dir = folder or configured_prompts()
    texts: dict[str, str] = {}
    for name in PROMPT_FILES:
        path = Path(prompts_dir) / name
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"Customer prompt file {path} cannot be read ({exc.strerror}).",
                hint="Restore it from the repository or point prompts_dir at a full copy.",
            ) from None
    return _from_texts(texts, str(prompts_dir))


def prompts_from_content(content: str) -> CustomerPrompts:
    """Rebuild the exact prompts a session ran with from their stored, hashed content."""
    try:
        texts = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"Stored customer prompt version is not valid JSON: {exc}.",
            hint="The database row was edited by hand; restore it.",
        ) from None
    return _from_texts(texts, "the stored prompt version")


def _from_texts(texts: dict[str, str], where: str) -> CustomerPrompts:
    missing = [n for n in PROMPT_FILES if n not in texts]
    if missing:
        raise ConfigError(
            f"Customer prompt files {missing} are missing from {where}.",
            hint="Restore them from the repository.",
        )
    try:
        parts = yaml.safe_load(texts["customer_parts.yaml"])
        checks = yaml.safe_load(texts["customer_checks.yaml"])
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"A customer prompt YAML file in {where} is invalid: {exc}", hint="Fix the YAML."
        ) from None
    # JSON of every file by name: hashable for audit and loadable back, byte for byte.
    content = json.dumps({n: texts[n] for n in PROMPT_FILES}, sort_keys=True, ensure_ascii=False)
    return CustomerPrompts(
        Template(texts["customer_system.md"]),
        Template(texts["customer_turn.md"]),
        parts,
        checks,
        content,
    )


def _fill(template: str | Template, **values: Any) -> str:
    tpl = template if isinstance(template, Template) else Template(template)
    try:
        return tpl.substitute(**values)
    except (KeyError, ValueError) as exc:
        raise ConfigError(
            f"Customer prompt template uses an unknown placeholder: {exc}.",
            hint="Use only placeholders that hotseat/engine/prompts.py fills.",
        ) from None


def mood_words(mood: Mood, parts: dict[str, Any]) -> str:
    words = []
    for level in ("anger", "fear", "trust"):
        value = getattr(mood, level)
        bands = parts["mood_bands"][level]
        words.append(next(word for low, word in bands if value >= low))
    return ", ".join(words)


def instruction(
    prompts: CustomerPrompts, card: Card, choice: IntentChoice, end_state: str | None
) -> str:
    fact = ""
    if choice.fact_id:
        fact = next(f.fact for f in card.scenario.hidden_facts if f.id == choice.fact_id)
    text = _fill(prompts.parts["intents"][choice.intent], fact=fact)
    if end_state:
        text = f"{text} {prompts.parts['end_states'][end_state]}"
    return " ".join(text.split())


def instruction_texts(prompts: CustomerPrompts) -> str:
    """Every instruction the engine can send, without placeholders: words a customer line
    must not repeat (the voice checker's leak check)."""
    parts = prompts.parts
    texts = [*parts["intents"].values(), *parts["end_states"].values()]
    return " ".join(str(t).replace("$fact", " ") for t in texts)


def _history(prompts: CustomerPrompts, card: Card) -> str:
    if not card.history:
        return ""
    p = prompts.parts
    lines = [p["history_header"].rstrip("\n")]
    for c in card.history:
        transfer = _fill(p["history_transfer"], to=c.transferred_to) if c.transferred_to else ""
        lines.append(
            _fill(p["history_item"], when=c.when, who=c.who, said=c.said, transfer=transfer)
        )
    return "\n".join(lines) + "\n"


def render_system(prompts: CustomerPrompts, card: Card, earlier: str) -> str:
    # Only what stays the same from turn to turn lives here, so a local model reuses the
    # processed system prompt and past turns (llama.cpp's prefix cache); the mood, the move
    # and the card's line for it go in the final message (render_turn).
    p = prompts.parts
    return _fill(
        prompts.system,
        name=card.name,
        summary=card.summary,
        voice_style=" ".join(card.voice.style.split()),
        quirks="; ".join(card.voice.quirks) or "none in particular",
        intensity=card.voice.intensity,
        intensity_words=p["intensity_words"][card.voice.intensity],
        what_happened=" ".join(card.scenario.what_happened.split()),
        customer_knows="\n".join(f"- {k}" for k in card.scenario.customer_knows),
        history=_history(prompts, card),
        earlier=earlier,
    )


def render_turn(
    prompts: CustomerPrompts,
    card: Card,
    mood: Mood,
    choice: IntentChoice,
    end_state: str | None,
    reply: str,
    line: str,
) -> str:
    """The final message: the mood, the agent's reply, the move and the card's line for it
    (the small model says that line in its own words or as it is; the voice checker holds
    its sentences to the card's lines for the move)."""
    return _fill(
        prompts.turn,
        mood_words=mood_words(mood, prompts.parts),
        anger=f"{mood.anger:.1f}",
        fear=f"{mood.fear:.1f}",
        trust=f"{mood.trust:.1f}",
        line=line,
        reply=reply,
        instruction=instruction(prompts, card, choice, end_state),
        name=card.name,
        archetype=card.archetype,
    )


@dataclass(frozen=True)
class PromptTurn:
    role: str  # "customer" or "agent"
    text: str


def build_messages(
    prompts: CustomerPrompts,
    card: Card,
    mood: Mood,
    choice: IntentChoice,
    end_state: str | None,
    transcript: list[PromptTurn],
    fired: list[str],
    model: str,
    *,
    line: str,
    budget: int = DEFAULT_BUDGET,
) -> list[BaseMessage]:
    """System prompt + as many recent turns as fit + the wrapped latest agent reply, with
    `line`, the card's line for the move (customer_lines.card_line)."""
    if not transcript or transcript[-1].role != "agent":
        raise ValueError("the transcript must end with the agent reply to answer")
    *older, last = transcript
    final = HumanMessage(render_turn(prompts, card, mood, choice, end_state, last.text, line))
    past = [_as_message(prompts, t) for t in older]

    def summary(dropped: int) -> str:
        if dropped == 0:
            return ""
        agent_turns = sum(1 for t in older[:dropped] if t.role == "agent")
        fired_text = ", ".join(sorted(set(fired))) or prompts.parts["nothing_fired"]
        text = _fill(
            prompts.parts["earlier"], dropped=dropped, agent_turns=agent_turns, fired=fired_text
        )
        return " ".join(text.split()) + "\n"

    # Reserve room for the longest summary, then keep the newest turns that fit.
    system_max = SystemMessage(render_system(prompts, card, summary(len(older))))
    room = budget - count_tokens([system_max, final], model)
    kept = 0
    for msg in reversed(past):
        cost = count_tokens([msg], model)
        if cost > room:
            break
        room -= cost
        kept += 1
    dropped = len(past) - kept
    system = SystemMessage(render_system(prompts, card, summary(dropped)))
    return [system, *past[dropped:], final]


def _as_message(prompts: CustomerPrompts, turn: PromptTurn) -> BaseMessage:
    if turn.role == "customer":
        return AIMessage(turn.text)
    return HumanMessage(_fill(prompts.parts["past_agent_turn"], reply=turn.text))
