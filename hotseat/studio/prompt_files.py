"""Validate an edited prompt file before it is published, the way its reader uses it.

- Templates (`string.Template`, `$name`) are filled by code: every placeholder the shipped
  file uses must still be there (a dropped `$reply` would grade nothing), and no other
  name may appear (it would reach the model as literal `$text`). The names the shipped
  or published file already uses are the ones the code fills.
- YAML must parse and then load through the same function its reader calls: the
  customer set through the engine's `load_prompts` and its render functions (every
  published card, difficulty, intent and end state), the scripted bots' phrase banks
  through `load_banks`. Placeholders inside YAML strings follow the template rule (a
  field the code fills keeps its placeholders; list items may drop theirs).
- Plain instructions (judge.md, coach.md, trainee_<bot>.md) are sent as they are, so a
  `$` is just a dollar sign there; they must not be empty.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any, Literal

import yaml

from hotseat.bots.base import BOT_NAMES
from hotseat.bots.scripted import BANK_FILE, load_banks
from hotseat.engine.checks import LineRules
from hotseat.engine.intent import END_INTENT, IntentChoice
from hotseat.engine.mood import Mood
from hotseat.engine.prompts import (
    PROMPT_FILES,
    PromptTurn,
    build_messages,
    instruction,
    load_prompts,
    render_system,
    render_turn,
)
from hotseat.errors import HotseatError
from hotseat.paths import shipped_dir
from hotseat.personas import INTENTS, Card, apply_overlay, load_catalog, load_overlay
from hotseat.personas.catalog import card_files, overlay_files
from hotseat.personas.problems import field_path, node_line
from hotseat.studio.config import personas_dir as configured_personas
from hotseat.studio.problems import Problem

Rule = Literal["template", "text", "yaml"]
RULES: dict[str, Rule] = {
    "customer_system.md": "template",
    "customer_turn.md": "template",
    "customer_parts.yaml": "yaml",
    "customer_checks.yaml": "yaml",
    "judge.md": "text",
    "judge_input.md": "template",
    "coach.md": "text",
    "coach_input.md": "template",
    "trainee_common.md": "template",
    BANK_FILE: "yaml",
    **{f"trainee_{bot}.md": "text" for bot in BOT_NAMES},
}
EDITABLE = tuple(RULES)
# Files the preview chat reads (the engine's customer prompts) ...
CUSTOMER_FILES = PROMPT_FILES
# ... and the files that change a realism check (customer prompts and the scripted bots).
SIMULATED_FILES = (*PROMPT_FILES, BANK_FILE)
# What the engine's render code raises on data of the wrong shape (a missing key, a list
# where a mapping belongs, a mood band list that does not reach 0).
_RENDER_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, StopIteration)


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _dollar_problem(text: str) -> Problem | None:
    """A lone `$` not followed by a name; `$$` writes a literal dollar sign."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not Template(line).is_valid():
            return Problem(
                number,
                "(template)",
                "a `$` that is not a placeholder; write `$$` for a dollar sign",
            )
    return None


def _names(text: str) -> set[str]:
    tpl = Template(text)
    return set(tpl.get_identifiers()) if tpl.is_valid() else set()


# -- YAML leaves: placeholders live in string values ------------------------------------


def _leaves(data: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, (*loc, i))
    elif isinstance(data, str):
        yield loc, data


def _yaml_names(text: str) -> dict[tuple[Any, ...], set[str]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return {loc: _names(value) for loc, value in _leaves(data)}


# -- the shipped/published file: what the code fills ------------------------------------


def _reference_texts(name: str, prompts_dir: Path) -> list[str]:
    out = []
    # The shipped file first (not the configured folder, which an override may replace).
    for folder in (shipped_dir("prompts"), prompts_dir):
        path = Path(folder) / name
        if path.is_file():
            out.append(path.read_text(encoding="utf-8"))
    return out


def _template_problems(name: str, text: str, prompts_dir: Path) -> list[Problem]:
    bad = _dollar_problem(text)
    if bad:
        return [bad]
    refs = _reference_texts(name, prompts_dir)
    known = set().union(*(_names(r) for r in refs))
    required = _names(refs[0]) if refs else set()  # the shipped file when there is one
    used = _names(text)
    out = [
        Problem(
            _line_of(text, f"${ident}"),
            f"${ident}",
            f"unknown placeholder; use one of {sorted(known)}",
        )
        for ident in Template(text).get_identifiers()
        if ident not in known
    ]
    out += [
        Problem(
            1,
            f"${ident}",
            f"placeholder missing: the code fills it and the prompt needs it; put `${ident}` back",
        )
        for ident in sorted(required - used)
    ]
    return out


def _yaml_placeholder_problems(
    name: str, data: Any, root: yaml.Node | None, prompts_dir: Path
) -> list[Problem]:
    refs = [_yaml_names(r) for r in _reference_texts(name, prompts_dir)]
    known = set().union(*(names for ref in refs for names in ref.values()))
    # Fixed fields (no list in their path) must keep their placeholders; list items are
    # alternatives a trainer may reorder, so only unknown names are checked there.
    required = {
        loc: names
        for loc, names in (refs[0] if refs else {}).items()
        if names and not any(isinstance(p, int) for p in loc)
    }
    out: list[Problem] = []
    for loc, value in _leaves(data):
        where = (node_line(root, loc), field_path(loc))
        if not Template(value).is_valid():
            # Only fields the code fills read `$`; elsewhere a dollar sign is just text.
            if loc in required:
                out.append(
                    Problem(*where, "a `$` that is not a placeholder; write `$$` for a dollar sign")
                )
            continue
        names = _names(value)
        out += [
            Problem(*where, f"unknown placeholder ${ident}; use one of {sorted(known)}")
            for ident in sorted(names - known)
        ]
        out += [
            Problem(*where, f"placeholder missing: the code fills ${ident}; put it back")
            for ident in sorted(required.get(loc, set()) - names)
        ]
    return out


def _parse_yaml(text: str) -> tuple[Any, yaml.Node | None, Problem | None]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return (
            None,
            None,
            Problem(line, "(yaml)", f"not valid YAML: {getattr(exc, 'problem', None) or exc}"),
        )
    if not isinstance(data, dict):
        return None, root, Problem(1, "(yaml)", "the file must hold a mapping of fields")
    return data, root, None


# -- loading through the readers ---------------------------------------------------------


def write_prompt_dir(folder: Path, prompts_dir: Path, edits: Mapping[str, str]) -> Path:
    """A prompts folder holding the published files with `edits` (name -> text) applied."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in EDITABLE:
        if (Path(prompts_dir) / name).is_file():
            shutil.copyfile(Path(prompts_dir) / name, folder / name)
    for name, text in edits.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _fingerprint(personas_dir: Path) -> tuple[tuple[str, int, int], ...]:
    files = [*card_files(personas_dir), *overlay_files(personas_dir)]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


@lru_cache(maxsize=4)
def _cards_at(personas_dir: Path, _fingerprint: tuple[tuple[str, int, int], ...]) -> list[Card]:
    # Parsing every card takes about a second; the page validates on every rerun.
    overlays = [load_overlay(p) for p in overlay_files(personas_dir)]
    out = []
    for card in load_catalog(personas_dir).cards.values():
        for overlay in overlays:
            try:
                out.append(apply_overlay(card, overlay))
            except ValueError:
                continue  # a broken card is the card editor's problem, not this prompt's
    return out


def _sample_cards(personas_dir: Path) -> list[Card]:
    """Every published card at every difficulty: each intensity word and history gets used."""
    return _cards_at(Path(personas_dir), _fingerprint(Path(personas_dir)))


def render_customer_prompts(folder: Path, personas_dir: Path) -> None:
    """Build every kind of customer prompt the engine builds, from the files in `folder`."""
    prompts = load_prompts(folder)
    for card in _sample_cards(personas_dir):
        LineRules.from_data(prompts.checks, card)
        facts = [f.id for f in card.scenario.hidden_facts]
        moods = (
            Mood.start(card),
            Mood(anger=0, fear=0, trust=0),
            Mood(anger=10, fear=10, trust=10),
        )
        for intent in INTENTS:
            choice = IntentChoice(
                intent=intent, fact_id=facts[0] if intent == "reveal" and facts else None
            )
            for mood in moods:
                render_turn(prompts, card, mood, choice, None, "reply", "line")
        for end_state, intent in END_INTENT.items():
            instruction(prompts, card, IntentChoice(intent=intent), end_state)
        # A budget of 1 token drops every older turn: the summary line gets rendered too.
        older = [
            PromptTurn("agent", "first"),
            PromptTurn("customer", "still"),
            PromptTurn("agent", "second"),
        ]
        build_messages(
            prompts,
            card,
            moods[0],
            IntentChoice(intent="vent"),
            None,
            older,
            [],
            "any-model",
            line="line",
            budget=1,
        )
        render_system(prompts, card, "")


def _explain(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing key {exc}"
    if isinstance(exc, StopIteration):
        return "a value falls in no band: does each mood band list end at 0?"
    return f"{type(exc).__name__}: {exc}"


def _reader_problems(name: str, text: str, prompts_dir: Path, personas_dir: Path) -> list[Problem]:
    if name not in SIMULATED_FILES:
        return []
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    with tempfile.TemporaryDirectory(prefix="hotseat-prompts-") as tmp:
        # Named by content: the bots' loader caches by path, so a path never changes text.
        folder = write_prompt_dir(Path(tmp) / digest, prompts_dir, {name: text})
        try:
            if name == BANK_FILE:
                load_banks(folder)
            else:
                render_customer_prompts(folder, personas_dir)
        except HotseatError as exc:
            message = exc.message.replace(f"{folder.resolve()}/", "").replace(f"{folder}/", "")
            return [Problem(1, "(file)", message)]
        except _RENDER_ERRORS as exc:
            detail = _explain(exc)
            return [
                Problem(
                    1,
                    "(file)",
                    "the engine cannot build a customer prompt from "
                    f"this version ({detail}); compare with the "
                    "shipped file",
                )
            ]
    return []


def prompt_problems(
    name: str, text: str, prompts_dir: Path, personas_dir: Path | None = None
) -> list[Problem]:
    """Every problem of `text` as prompt file `name`; empty when it can be published."""
    rule = RULES.get(name)
    if rule is None:
        return [Problem(1, "(file)", f"not an editable prompt; use one of {list(EDITABLE)}")]
    if rule == "text":
        return [] if text.strip() else [Problem(1, "(file)", "the prompt is empty")]
    if rule == "template":
        found = _template_problems(name, text, prompts_dir)
    else:
        data, root, bad = _parse_yaml(text)
        found = [bad] if bad else _yaml_placeholder_problems(name, data, root, prompts_dir)
    if found:
        return found
    return _reader_problems(name, text, prompts_dir, personas_dir or configured_personas())
