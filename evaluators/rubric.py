"""The rubric as data: ids, labels, axes, level evidence and caps from data/rubric.yaml.

Every other module asks this one: the offline grader (which ids exist, which caps apply),
the LLM judge (its vocabulary, and which quoted evidence a score of 3 or 4 needs), the
coach, persona-card validation and the pages (labels).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hotseat.errors import ConfigError

Axis = Literal["empathy", "empowerment"]
AXES: tuple[Axis, ...] = ("empathy", "empowerment")


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    axis: Axis
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)


class Rubric(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    level_evidence: dict[Axis, dict[int, list[str]]]
    floors: dict[Axis, dict[int, list[list[str]]]]
    techniques: dict[str, Item]
    anti_patterns: dict[str, Item]
    caps: dict[Axis, dict[str, int]]

    @model_validator(mode="after")
    def _known_ids(self) -> Rubric:
        for axis, levels in self.level_evidence.items():
            for level, names in levels.items():
                unknown = set(names) - set(self.techniques)
                if unknown:
                    raise ValueError(
                        f"level_evidence.{axis}.{level}: unknown techniques {sorted(unknown)}"
                    )
        for axis, levels in self.floors.items():
            for level, groups in levels.items():
                unknown = {n for g in groups for n in g} - set(self.techniques)
                if unknown:
                    raise ValueError(f"floors.{axis}.{level}: unknown techniques {sorted(unknown)}")
        for axis, caps in self.caps.items():
            unknown = set(caps) - set(self.anti_patterns)
            if unknown:
                raise ValueError(f"caps.{axis}: unknown anti-patterns {sorted(unknown)}")
        both = set(self.techniques) & set(self.anti_patterns)
        if both:
            raise ValueError(f"ids both technique and anti-pattern: {sorted(both)}")
        return self

    def label(self, name: str) -> str:
        item = self.techniques.get(name) or self.anti_patterns.get(name)
        return item.label if item else name.replace("_", " ")

    def gate(self, axis: Axis, score: int, shown: set[str], from_level: int = 0) -> int:
        """The highest score up to `score` whose level evidence is among `shown` (levels
        below `from_level` are not checked)."""
        for level in sorted(self.level_evidence.get(axis, {}), reverse=True):
            if level < from_level:
                continue
            if score >= level and not set(self.level_evidence[axis][level]) & shown:
                score = level - 1
        return score

    def floor(self, axis: Axis, shown: set[str]) -> int:
        """The lowest score the quoted techniques `shown` guarantee on `axis`."""
        met = [
            level
            for level, groups in self.floors.get(axis, {}).items()
            if any(set(group) <= shown for group in groups)
        ]
        return max(met, default=0)

    def cap(self, axis: Axis, anti_patterns: set[str]) -> tuple[int, str | None]:
        """The lowest cap the seen anti-patterns put on `axis`, and the one that set it."""
        caps = {n: c for n, c in self.caps.get(axis, {}).items() if n in anti_patterns}
        if not caps:
            return 4, None
        name = min(caps, key=lambda n: caps[n])
        return caps[name], name

    def vocabulary(self) -> str:
        """The ids with what they mean, for a judge or coach prompt."""

        def lines(items: dict[str, Item]) -> str:
            return "\n".join(f"- {n} ({i.axis}): {i.description}" for n, i in items.items())

        return f"Techniques:\n{lines(self.techniques)}\nAnti-patterns:\n{lines(self.anti_patterns)}"


@lru_cache(maxsize=1)
def rubric() -> Rubric:
    text = resources.files("evaluators.data").joinpath("rubric.yaml").read_text("utf-8")
    try:
        return Rubric.model_validate(yaml.safe_load(text))
    except (ValidationError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"evaluators/data/rubric.yaml is not a valid rubric: {exc}",
            hint="Compare it with the repository's version.",
        ) from exc


TECHNIQUES: tuple[str, ...] = tuple(rubric().techniques)
ANTI_PATTERNS: tuple[str, ...] = tuple(rubric().anti_patterns)
RUBRIC_VERSION: str = rubric().version
