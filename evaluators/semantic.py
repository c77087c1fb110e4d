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
    vectors: np.ndarray  # (n_exemplars, dim)
    columns: dict[str, np.ndarray]  # name -> its rows in `vectors`
    threshold: dict[str, float]  # name -> cosine that counts as evidence


@lru_cache(maxsize=1)
def exemplars() -> ExemplarSet:
    raw = yaml.safe_load(
        resources.files("evaluators.data").joinpath("exemplars.yaml").read_text(encoding="utf-8")
    )
    default = float(raw.get("default_threshold", 0.62))
    names: list[str] = []
    threshold: dict[str, float] = {}
    texts: list[str] = []
    for section, known in (("techniques", TECHNIQUES), ("anti_patterns", ANTI_PATTERNS)):
        for name, spec in (raw.get(section) or {}).items():
            if name not in known:
                raise ConfigError(
                    f"evaluators/data/exemplars.yaml: unknown {section} id {name!r}.",
                    hint=f"Use one of {list(known)}.",
                )
            threshold[name] = float(spec.get("threshold", default))
            for text in spec["examples"]:
                names.append(name)
                texts.append(text)
    columns = {n: np.array([i for i, m in enumerate(names) if m == n]) for n in threshold}
    return ExemplarSet(tuple(names), shared_model().encode(texts), columns, threshold)


def closest(
    parts: list[str], vectors: np.ndarray, names: tuple[str, ...]
) -> tuple[np.ndarray, list[Evidence]]:
    """Per name: the closest part's cosine to its exemplars, and evidence over threshold.

    Negation vetoes carry over from the lexical detector: "I won't transfer you" is close
    to "I'll transfer you" in embedding space but says the opposite.
    """
    ex = exemplars()
    best = np.zeros(len(names), dtype=np.float32)
    found: list[Evidence] = []
    if not parts:
        return best, found
    sims = vectors @ ex.vectors.T  # (parts, exemplars)
    for k, name in enumerate(names):
        cols = ex.columns.get(name)
        if cols is None:
            continue
        per_part = sims[:, cols].max(axis=1)
        i = int(per_part.argmax())
        best[k] = per_part[i]
        if per_part[i] >= ex.threshold[name] and not detector(name).vetoed(parts[i]):
            found.append(Evidence(name=name, quote=quote(parts[i])))
    return best, found


def similar(parts: list[str], vectors: np.ndarray | None = None) -> list[Evidence]:
    """Evidence for each name whose exemplars some part resembles closely enough."""
    vecs = shared_model().encode(parts) if vectors is None else vectors
    return closest(parts, vecs, (*TECHNIQUES, *ANTI_PATTERNS))[1]
