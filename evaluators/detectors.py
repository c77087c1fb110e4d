"""Lexical detectors: regexes from data/patterns.yaml, applied sentence by sentence.

Each hit becomes `Evidence(name, quote)` where the quote is the clause that showed it.
A hit is cancelled when an `unless` regex matches the same sentence (negation, or the
trainee promising *not* to do the bad thing: "I won't transfer you").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from evaluators.grade import ANTI_PATTERNS, TECHNIQUES, Evidence
from evaluators.text import clause_quote
from hotseat.errors import ConfigError


@dataclass(frozen=True)
class Detector:
    name: str
    kind: str  # "technique" or "anti_pattern"
    match: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]

    def find(self, sentence: str) -> Evidence | None:
        """Evidence from one sentence, or None when this detector does not fire on it."""
        for rule in self.match:
            hit = rule.search(sentence)
            if hit:
                if any(u.search(sentence) for u in self.unless):
                    return None
                return Evidence(
                    name=self.name, quote=clause_quote(sentence, hit.start(), hit.end())
                )
        return None

    def vetoed(self, sentence: str) -> bool:
        """True when the sentence negates this detector (used to veto semantic hits too)."""
        return any(u.search(sentence) for u in self.unless)


def _compile(name: str, spec: dict, kind: str) -> Detector:
    try:
        match = [re.compile(r, re.IGNORECASE) for r in spec.get("match", [])]
        match += [re.compile(r) for r in spec.get("match_case", [])]
        unless = [re.compile(r, re.IGNORECASE) for r in spec.get("unless", [])]
    except re.error as exc:
        raise ConfigError(
            f"evaluators/data/patterns.yaml: {kind} {name!r} has a bad regex: {exc}.",
            hint="Fix the pattern; test it with python -c 'import re; re.compile(...)'.",
        ) from exc
    return Detector(name, kind, tuple(match), tuple(unless))


@lru_cache(maxsize=1)
def detectors() -> tuple[Detector, ...]:
    raw = yaml.safe_load(
        resources.files("evaluators.data").joinpath("patterns.yaml").read_text(encoding="utf-8")
    )
    found: list[Detector] = []
    for section, kind, names in (
        ("techniques", "technique", TECHNIQUES),
        ("anti_patterns", "anti_pattern", ANTI_PATTERNS),
    ):
        specs = raw.get(section, {})
        missing = set(names) - set(specs)
        unknown = set(specs) - set(names)
        if missing or unknown:
            raise ConfigError(
                f"evaluators/data/patterns.yaml: {section} must cover exactly {list(names)}; "
                f"missing {sorted(missing)}, unknown {sorted(unknown)}.",
                hint="Ids are fixed in evaluators/grade.py; rename the entries to match.",
            )
        found += [_compile(name, specs[name], kind) for name in names]
    return tuple(found)


def terms(name: str, text: str) -> set[str]:
    """Every span the named detector matches in `text`, lower-cased."""
    found: set[str] = set()
    for rule in detector(name).match:
        found.update(m.group(0).lower() for m in rule.finditer(text))
    return found


def detector(name: str) -> Detector:
    for d in detectors():
        if d.name == name:
            return d
    raise ConfigError(f"No detector named {name!r}.", hint="Use an id from evaluators/grade.py.")


def detect(sents: list[str]) -> tuple[list[Evidence], list[Evidence], set[int]]:
    """(techniques, anti_patterns, indices of sentences with any hit).

    The first quote per name wins. Sentences without any hit are the ones worth a
    paraphrase check.
    """
    techniques: dict[str, Evidence] = {}
    anti: dict[str, Evidence] = {}
    hit: set[int] = set()
    for d in detectors():
        bucket = techniques if d.kind == "technique" else anti
        for i, sent in enumerate(sents):
            ev = d.find(sent)
            if ev is not None:
                hit.add(i)
                bucket.setdefault(d.name, ev)
    return list(techniques.values()), list(anti.values()), hit
