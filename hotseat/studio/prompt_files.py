"""Validate an edited customer prompt file before it is published.

Templates use `string.Template` placeholders; a placeholder the engine does not fill
would reach the model as literal `$text`, so only the names the published template
already uses (or the shipped one) are accepted. YAML parts must parse, and the whole
set must still load the way the engine loads it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from string import Template

import yaml

from hotseat.engine.prompts import DEFAULT_PROMPTS_DIR, PROMPT_FILES, load_prompts
from hotseat.errors import HotseatError
from hotseat.studio.problems import Problem

EDITABLE = PROMPT_FILES  # the customer_* templates and parts


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _known_names(name: str, prompts_dir: Path) -> set[str]:
    names: set[str] = set()
    for folder in (prompts_dir, DEFAULT_PROMPTS_DIR):
        path = folder / name
        if path.is_file():
            names |= set(Template(path.read_text(encoding="utf-8")).get_identifiers())
    return names


def _template_problems(name: str, text: str, prompts_dir: Path) -> list[Problem]:
    tpl = Template(text)
    if not tpl.is_valid():
        # A lone `$` not followed by a name; `$$` writes a literal dollar sign.
        for number, line in enumerate(text.splitlines(), start=1):
            if not Template(line).is_valid():
                return [Problem(number, "(template)",
                                "a `$` that is not a placeholder; write `$$` for a dollar sign")]
    known = _known_names(name, prompts_dir)
    return [Problem(_line_of(text, f"${ident}"), f"${ident}",
                    f"unknown placeholder; use one of {sorted(known)}")
            for ident in tpl.get_identifiers() if ident not in known]


def prompt_problems(name: str, text: str, prompts_dir: Path) -> list[Problem]:
    """Every problem of `text` as prompt file `name`; empty when it can be published."""
    if name not in EDITABLE:
        return [Problem(1, "(file)", f"not an editable prompt; use one of {list(EDITABLE)}")]
    if name.endswith(".yaml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            return [Problem(line, "(yaml)", f"not valid YAML: {getattr(exc, 'problem', exc)}")]
        if not isinstance(data, dict):
            return [Problem(1, "(yaml)", "the file must hold a mapping of fields")]
    else:
        found = _template_problems(name, text, prompts_dir)
        if found:
            return found
    with tempfile.TemporaryDirectory(prefix="hotseat-prompts-") as tmp:
        folder = Path(tmp)
        for other in PROMPT_FILES:
            if (prompts_dir / other).is_file():
                shutil.copyfile(prompts_dir / other, folder / other)
        (folder / name).write_text(text, encoding="utf-8")
        try:
            load_prompts(folder)
        except HotseatError as exc:
            return [Problem(1, "(prompts)", exc.message)]
    return []
