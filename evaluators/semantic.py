"""Paraphrase evidence: reply sentences compared with exemplar phrases by embedding.

The lexical detectors miss wordings nobody wrote a regex for; exemplars in
data/exemplars.yaml catch them. Exemplar vectors are computed once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import yaml

from evaluators.detectors import detector
from evaluators.embedder import shared_model
from evaluators.grade import ANTI_PATTERNS, TECHNIQUES, Evidence
from evaluators.text import quote
from hotseat.errors import ConfigError


@dataclass(frozen=True)
class ExemplarSet:
    names: tuple[str, ...]  # one per exemplar row
    thresholds: np.ndarray  # one per exemplar row
    vectors: np.ndarray  # (n_exemplars, dim)


@lru_cache(maxsize=1)
def exemplars() -> ExemplarSet:
    raw = yaml.safe_load(
        resources.files("evaluators.data").joinpath("exemplars.yaml").read_text(encoding="utf-8")
    )
    default = float(raw.get("default_threshold", 0.62))
    names: list[str] = []
    thresholds: list[float] = []
    texts: list[str] = []
    for section, known in (("techniques", TECHNIQUES), ("anti_patterns", ANTI_PATTERNS)):
        for name, spec in (raw.get(section) or {}).items():
            if name not in known:
                raise ConfigError(
                    f"evaluators/data/exemplars.yaml: unknown {section} id {name!r}.",
                    hint=f"Use one of {list(known)}.",
                )
            for text in spec["examples"]:
                names.append(name)
                thresholds.append(float(spec.get("threshold", default)))
                texts.append(text)
    return ExemplarSet(tuple(names), np.array(thresholds, dtype=np.float32),
                       shared_model().encode(texts))


def similar(sents: list[str], vectors: np.ndarray | None = None) -> list[Evidence]:
    """Evidence for each name whose exemplar a sentence resembles closely enough.

    Negation vetoes carry over from the lexical detector: "I won't transfer you" is close
    to "I'll transfer you" in embedding space but says the opposite.
    """
    if not sents:
        return []
    ex = exemplars()
    vecs = shared_model().encode(sents) if vectors is None else vectors
    sims = vecs @ ex.vectors.T  # (n_sentences, n_exemplars)
    found: dict[str, tuple[float, Evidence]] = {}
    for i, j in zip(*np.nonzero(sims >= ex.thresholds[None, :]), strict=True):
        name, sent, score = ex.names[j], sents[i], float(sims[i, j])
        if detector(name).vetoed(sent):
            continue
        if name not in found or score > found[name][0]:
            found[name] = (score, Evidence(name=name, quote=quote(sent)))
    return [ev for _, ev in found.values()]
