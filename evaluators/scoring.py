"""The readable rule that turns detected evidence into two 0-4 scores.

Numbers live in data/weights.yaml so calibration can tune them without code changes.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evaluators.grade import ANTI_PATTERNS, TECHNIQUES
from hotseat.errors import ConfigError

KNOWN = set(TECHNIQUES) | set(ANTI_PATTERNS)


class AxisRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base: float = 0.0
    base_not_called_for: float | None = None
    points: dict[str, float] = Field(default_factory=dict)
    penalties: dict[str, float] = Field(default_factory=dict)
    caps: dict[str, int] = Field(default_factory=dict)
    # Rubric anchors as gates: a level needs its defining technique ("4 also explores").
    requires: dict[int, list[str]] = Field(default_factory=dict)

    def score(self, seen: set[str], called_for: bool = True) -> int:
        base = self.base if called_for or self.base_not_called_for is None \
            else self.base_not_called_for
        raw = base + sum(v for k, v in self.points.items() if k in seen) \
            - sum(v for k, v in self.penalties.items() if k in seen)
        cap = min([4, *(c for k, c in self.caps.items() if k in seen)])
        score = max(0, min(cap, math.floor(raw + 0.5)))
        for level in sorted(self.requires, reverse=True):
            if score >= level and not set(self.requires[level]) <= seen:
                score = level - 1
        return score

    def explain(self, seen: set[str]) -> list[str]:
        """The names that moved this axis, strongest first (for the one-line reason)."""
        moved = [(v, k) for k, v in self.points.items() if k in seen]
        moved += [(v, k) for k, v in self.penalties.items() if k in seen]
        return [k for _, k in sorted(moved, reverse=True)]


class Weights(BaseModel):
    model_config = ConfigDict(extra="forbid")

    empathy: AxisRule
    empowerment: AxisRule

    def check_names(self, source: str) -> Weights:
        for axis in (self.empathy, self.empowerment):
            gated = {n for names in axis.requires.values() for n in names}
            unknown = (set(axis.points) | set(axis.penalties) | set(axis.caps) | gated) - KNOWN
            if unknown:
                raise ConfigError(f"{source}: unknown ids {sorted(unknown)}.",
                                  hint="Use ids from evaluators/grade.py.")
        return self


def load_weights(path: Path | None = None) -> Weights:
    """Weights from `path`, or the shipped data/weights.yaml."""
    if path is None:
        source = "evaluators/data/weights.yaml"
        text = resources.files("evaluators.data").joinpath("weights.yaml").read_text("utf-8")
    else:
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"Cannot read weights file {path}: {exc}.",
                              hint="Check the path.") from exc
    try:
        return Weights.model_validate(yaml.safe_load(text)).check_names(source)
    except (ValidationError, yaml.YAMLError) as exc:
        raise ConfigError(f"{source} is not a valid weights file: {exc}",
                          hint="Compare it with evaluators/data/weights.yaml.") from exc


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    return load_weights()


def dump_weights(weights: Weights) -> str:
    header = ("# Offline scoring rule; see evaluators/scoring.py. Written by "
              "`hotseat calibrate --tune`.\n")
    return header + yaml.safe_dump(weights.model_dump(exclude_none=True), sort_keys=False)
