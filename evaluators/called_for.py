"""Whether the customer's last message calls for empathy at all.

A calm factual question ("Okay. What's the ticket number?") deserves a clear answer, not
a performance of feelings; grading must not punish a reply for skipping empathy there.

Two layers: a rule (data/called_for.yaml) that says "called for" unless the message is
only calm questions and acknowledgements, and a learned model that reads the message's
meaning (its sentence embedding, the customer cues and the rule's verdict). The rule alone
says "called for" to nine in ten statements in a clinic or at a booking desk, where people
judged two in five to carry a feeling ("Yes, about three days"); the learned model, fitted
by `hotseat calibrate --train` on the labelled files, is stored beside the heads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import yaml

from evaluators.logistic import fit_logistic
from evaluators.text import normalise, sentences

# Picked from 10 / 100 / 1000 by called-for agreement on left-out sources (these verdicts,
# never the empathy or empowerment labels); 100 and 1000 were within 0.02.
L2 = 100.0
THRESHOLD = 0.5


@lru_cache(maxsize=1)
def _rules() -> dict:
    raw = yaml.safe_load(
        resources.files("evaluators.data").joinpath("called_for.yaml").read_text("utf-8")
    )
    return {
        "ack": re.compile(raw["acknowledgements"], re.IGNORECASE),
        "emotion": re.compile(raw["emotion"], re.IGNORECASE),
        "caps": re.compile(raw["caps_word"]),
        "caps_allowed": set(raw.get("caps_allowed", [])),
    }


def empathy_called_for(customer: str) -> bool:
    """False only for a calm message made of questions and acknowledgements."""
    rules = _rules()
    text = normalise(customer).strip()
    if not text:
        return False  # nothing was said: there is no feeling to answer
    if "!" in text or rules["emotion"].search(text):
        return True
    if any(w not in rules["caps_allowed"] for w in rules["caps"].findall(text)):
        return True
    return not all(s.endswith("?") or rules["ack"].match(s) for s in sentences(text))


@dataclass(frozen=True)
class CalledForModel:
    """Logistic regression over standardised inputs (see `evaluators.features`)."""

    weights: np.ndarray  # (d,)
    bias: float
    mean: np.ndarray  # (d,)
    scale: np.ndarray  # (d,)

    def probability(self, inputs: np.ndarray) -> np.ndarray:
        """(n,) probability that each message calls for empathy, for (n, d) inputs."""
        z = (np.atleast_2d(inputs).astype(np.float64) - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(z @ self.weights + self.bias)))


def train_called_for(inputs: np.ndarray, labels: np.ndarray) -> CalledForModel:
    """Fit on (n, d) inputs and (n,) human verdicts (true: empathy was called for)."""
    x = inputs.astype(np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    y = labels.astype(float)
    w, b = fit_logistic((x - mean) / scale, y, L2, np.ones(len(y)), steps=30)
    f32 = np.float32
    return CalledForModel(w.astype(f32), b, mean.astype(f32), scale.astype(f32))
