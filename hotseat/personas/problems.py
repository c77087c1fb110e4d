"""Turn YAML and pydantic errors into `file:line: field: message` problems.

Trainers fix cards in an editor, so every problem names the line. pydantic reports a
location as a path of keys (`emotion.triggers.calm`); the YAML node tree still knows
where each key and value started, so the path is walked through the nodes to find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hotseat.errors import InputError


@dataclass(frozen=True)
class CardProblem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class CardInvalid(InputError):
    """A persona card or overlay file failed to parse or validate; `.problems` lists why."""

    def __init__(self, problems: list[CardProblem]) -> None:
        self.problems = problems
        text = "; ".join(str(p) for p in problems)
        super().__init__(text, hint="Fix the file(s) named above; see personas/double-charge.yaml.")


def field_path(loc: tuple[Any, ...]) -> str:
    """('scenario', 'hidden_facts', 1, 'cues') -> 'scenario.hidden_facts[1].cues'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(card)"


def node_line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """1-based line of the deepest node along `loc`; a missing key points at its parent."""
    node = root
    line = (root.start_mark.line + 1) if root is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(
                (
                    (k, v)
                    for k, v in node.value
                    if isinstance(k, yaml.ScalarNode) and k.value == str(part)
                ),
                None,
            )
            if match is None:
                return line
            key, node = match
            # The key's line: for a block mapping that is where the trainer reads the field.
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def from_validation(path: Path, root: yaml.Node | None, exc: ValidationError) -> list[CardProblem]:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see personas/double-charge.yaml)"
        elif err["type"] == "missing":
            message = "required field is missing"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(CardProblem(str(path), node_line(root, loc), field_path(loc), message))
    return problems


def from_yaml_error(path: Path, exc: yaml.YAMLError) -> CardProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None) or str(exc)
    return CardProblem(str(path), line, "(yaml)", f"not valid YAML: {problem}")


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse a file into (data, node tree); raise CardInvalid naming the line on bad YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CardInvalid([CardProblem(str(path), 1, "(file)", f"cannot read: {exc}")]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CardInvalid([from_yaml_error(path, exc)]) from None
    if not isinstance(data, dict):
        raise CardInvalid(
            [CardProblem(str(path), 1, "(card)", "the file must hold a mapping of fields")]
        )
    return data, root
