"""The learned head: from a reply's features to two 0-4 scores.

Two stages, both small and deterministic, trained in seconds by
`hotseat calibrate --train` from the labelled files in calibration/:

1. Ranking: per axis, a ridge regression fitted *within* each source (features and labels
   centred per source), so it learns what separates a better reply from a worse one in
   the same setting, not which setting a reply comes from. Sentence-embedding means enter
   with the directions that separate the training sources projected out, for the same
   reason: a head that learned "therapy talk scores high" fails on a help desk.
2. Level: per axis, four L2-regularised logistic regressions answer "is the score at
   least k?" from the rubric features and the ranking scores; the expected score (the
   sum of the four probabilities) is rounded. The ranking scores it learns from are
   out-of-fold (each source scored by a ranker that never saw it).

Before both, the called-for model (evaluators/called_for.py) is fitted; the need columns
the head learns from carry its out-of-source probabilities, as the ranking scores do.

The head ships in data/head.npz (well under 2 MB), beside the injection screen.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from evaluators.called_for import CalledForModel, train_called_for
from evaluators.features import FEATURE_NAMES, Reading, settle, with_called_for
from evaluators.logistic import fit_logistic
from evaluators.rubric import AXES
from evaluators.screen_model import Screen, screen_arrays
from hotseat.errors import ConfigError

LEVELS = 4  # thresholds "score >= 1" .. "score >= 4"
# Penalties fixed before any held-out figure was read, not tuned on scored rows.
RIDGE_L2 = 30.0  # rubric features in the ranker
EMBED_L2 = 10_000.0  # embedding dimensions in the ranker: a nudge, not the verdict
LEVEL_L2 = 20.0
CARE_SOURCES = ("own", "team", "abcd")  # customer-care replies among the labelled sources
CARE_WEIGHT = 3.0
NEWTON_STEPS = 25
EMBED = tuple(i for i, n in enumerate(FEATURE_NAMES) if n.startswith("mean_"))
# Pooled maxima are mostly topic; the ranker and level model leave them out.
RUBRIC = np.array([i for i, n in enumerate(FEATURE_NAMES) if not n.startswith(("mean_", "max_"))])


def schema_hash() -> str:
    """Changes whenever the feature layout does: an old head is then refused, not misread."""
    layout = [*FEATURE_NAMES, "called_for_model"]
    return hashlib.sha256("\n".join(layout).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Head:
    domain: np.ndarray  # (k, embed) directions projected out of the embedding mean
    mean: np.ndarray  # (d,) over [rubric features, projected embedding]
    scale: np.ndarray  # (d,)
    ranker: np.ndarray  # (axes, d)
    level_w: np.ndarray  # (axes, LEVELS, r + axes)
    level_b: np.ndarray  # (axes, LEVELS)
    called_for: CalledForModel

    def settle(self, reading: Reading) -> Reading:
        """The reading with this head's called-for probability in its need columns."""
        return settle(reading, float(self.called_for.probability(reading.called_for_inputs)[0]))

    def design(self, features: np.ndarray) -> np.ndarray:
        """Standardised [rubric features, embedding mean with source directions removed]."""
        x = np.atleast_2d(features).astype(np.float64)
        emb = x[:, EMBED]
        z = np.hstack([x[:, RUBRIC], emb - (emb @ self.domain.T) @ self.domain])
        return (z - self.mean) / self.scale

    def expected(self, features: np.ndarray) -> np.ndarray:
        """(n, axes) expected scores for (n, all features) rows."""
        z = self.design(features)
        level_in = np.hstack([z[:, : len(RUBRIC)], z @ self.ranker.T])
        logits = np.einsum("nd,ald->nal", level_in, self.level_w) + self.level_b[None]
        return (1.0 / (1.0 + np.exp(-logits))).sum(axis=2)

    def predict(self, features: np.ndarray) -> np.ndarray:
        """(n, axes) integer scores 0-4."""
        return np.clip(np.floor(self.expected(features) + 0.5), 0, LEVELS).astype(int)


def _domain_directions(emb: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Orthonormal directions spanned by the sources' mean embeddings (around their mean)."""
    names = sorted(set(groups))
    if len(names) < 2:
        return np.zeros((0, emb.shape[1]))
    means = np.stack([emb[groups == g].mean(axis=0) for g in names])
    means -= means.mean(axis=0)
    _, s, vt = np.linalg.svd(means, full_matrices=False)
    return vt[s > 1e-8]


def _ridge(z: np.ndarray, y: np.ndarray, groups: np.ndarray, penalty: np.ndarray) -> np.ndarray:
    """(axes, d) ridge weights fitted on features and labels centred within each group."""
    zc, yc = z.copy(), y.astype(float).copy()
    for g in set(groups):
        m = groups == g
        zc[m] -= zc[m].mean(axis=0)
        yc[m] -= yc[m].mean(axis=0)
    return np.linalg.solve(zc.T @ zc + np.diag(penalty), zc.T @ yc).T


def _out_of_source(inputs: np.ndarray, called_for: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Each row's called-for probability from a model that never saw its source."""
    names = set(g)
    if len(names) < 2:
        return train_called_for(inputs, called_for).probability(inputs)
    out = np.zeros(len(g))
    for name in names:
        held = g == name
        out[held] = train_called_for(inputs[~held], called_for[~held]).probability(inputs[held])
    return out


def train(
    features: np.ndarray,
    labels: np.ndarray,
    groups: Sequence[str],
    called_for_inputs: np.ndarray,
    called_for: np.ndarray,
) -> Head:
    """`features` (n, all features); `labels` (n, axes) integer scores; `groups` the
    source of each row (rankers learn within sources, and score each out of fold);
    `called_for_inputs` (n, d) and `called_for` (n,) the human verdicts for that model."""
    g = np.asarray(groups)
    x = with_called_for(features, _out_of_source(called_for_inputs, called_for, g))
    x = x.astype(np.float64)
    emb = x[:, EMBED]
    domain = _domain_directions(emb, g)
    z = np.hstack([x[:, RUBRIC], emb - (emb @ domain.T) @ domain])
    mean, scale = z.mean(axis=0), z.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = (z - mean) / scale
    penalty = np.full(z.shape[1], RIDGE_L2)
    penalty[len(RUBRIC) :] = EMBED_L2
    ranker = _ridge(z, labels, g, penalty)
    # Out-of-fold ranking scores, so the level model does not learn to over-trust them.
    oof = np.zeros((len(z), len(AXES)))
    for name in set(g):
        held = g == name
        if held.all():
            oof = z @ ranker.T
            break
        oof[held] = z[held] @ _ridge(z[~held], labels[~held], g[~held], penalty).T
    level_in = np.hstack([z[:, : len(RUBRIC)], oof])
    # Levels are set for the product's own setting: a customer-care source counts more
    # (a neutral statement to an angry customer is not the "2" it is at a booking desk).
    weight = np.where(np.isin(g, CARE_SOURCES), CARE_WEIGHT, 1.0)
    weight *= len(weight) / weight.sum()
    level_w = np.zeros((len(AXES), LEVELS, level_in.shape[1]))
    level_b = np.zeros((len(AXES), LEVELS))
    for a in range(len(AXES)):
        for k in range(LEVELS):
            y = (labels[:, a] >= k + 1).astype(float)
            if y.min() == y.max():  # no row on one side: a constant answer
                level_b[a, k] = 12.0 if y[0] else -12.0
                continue
            level_w[a, k], level_b[a, k] = fit_logistic(
                level_in, y, LEVEL_L2, weight, steps=NEWTON_STEPS
            )
    f32 = np.float32
    return Head(
        domain.astype(f32),
        mean.astype(f32),
        scale.astype(f32),
        ranker.astype(f32),
        level_w.astype(f32),
        level_b.astype(f32),
        train_called_for(called_for_inputs, called_for),
    )


FIELDS = ("domain", "mean", "scale", "ranker", "level_w", "level_b")
CALLED_FOR_FIELDS = ("weights", "bias", "mean", "scale")


def save(head: Head, path: Path, screen: Screen | None = None) -> None:
    arrays: dict[str, np.ndarray] = {"schema": np.array(schema_hash())}
    if screen is not None:
        arrays.update(screen_arrays(screen))
    for field in FIELDS:
        arrays[f"head.{field}"] = getattr(head, field)
    for field in CALLED_FOR_FIELDS:
        arrays[f"called_for.{field}"] = np.asarray(getattr(head.called_for, field))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    path.write_bytes(buffer.getvalue())


def load(source: Path | bytes) -> Head:
    data = np.load(io.BytesIO(source if isinstance(source, bytes) else source.read_bytes()))
    if str(data["schema"]) != schema_hash():
        raise ConfigError(
            "The grader's head was trained on another feature layout.",
            hint="Rebuild it: hotseat calibrate --train calibration/*.jsonl",
        )
    weights, bias, mean, scale = (data[f"called_for.{f}"] for f in CALLED_FOR_FIELDS)
    model = CalledForModel(weights, float(bias), mean, scale)
    return Head(*(data[f"head.{f}"] for f in FIELDS), model)


@lru_cache(maxsize=1)
def shipped() -> Head:
    """The head in evaluators/data/head.npz."""
    blob = resources.files("evaluators.data").joinpath("head.npz")
    if not blob.is_file():
        raise ConfigError(
            "evaluators/data/head.npz is missing.",
            hint="Rebuild it: hotseat calibrate --train calibration/*.jsonl",
        )
    return load(blob.read_bytes())
