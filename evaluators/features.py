"""What the offline grader reads in a reply: evidence with quotes, and a feature vector.

A reply is cut into clauses (the words a quote can show). Each clause is embedded once
(all-MiniLM-L6-v2); the same vectors serve the paraphrase evidence (closeness to the
exemplars of each technique) and the learned head (pooled meaning of the whole reply).
Regex detectors add evidence for literal wordings and their negations.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from evaluators.called_for import empathy_called_for
from evaluators.detectors import detect, terms
from evaluators.embedder import shared_model
from evaluators.grade import Evidence, GradeRequest
from evaluators.injection import screen
from evaluators.rubric import ANTI_PATTERNS, TECHNIQUES
from evaluators.screen_model import Screen, shipped_screen
from evaluators.semantic import closest
from evaluators.text import sentences, units

NAMES: tuple[str, ...] = (*TECHNIQUES, *ANTI_PATTERNS)
EMBED_DIM = 384
_YOU = re.compile(r"\b(you|your|you're|you've|you'll|yours)\b", re.IGNORECASE)
_I_WILL = re.compile(r"\b(I'll|I will|I'm going to|let me|I've|I have|I am|I'm)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
STRUCTURE = (
    "log_words",
    "clauses",
    "questions",
    "exclaims",
    "digits",
    "you_rate",
    "i_act",
    "called_for",
    "empty",
    "ends_question",
)
EMPATHY_SIMS = (
    "naming_feeling",
    "validating",
    "perspective",
    "exploring_question",
    "specific_apology",
)
# The customer's side enters the head through regex cues; its embedding feeds only the
# called-for model (as head features it gained nothing on left-out sources: mixed, within
# 0.05 either way), whose verdict then weighs the need columns.
CUSTOMER = (
    "cust_rx_distress",
    "cust_rx_positive",
    "cust_log_words",
    "cust_exclaims",
    "cust_question",
)
# How the reply meets the customer's feeling: each empathy cue weighed by how much the
# customer's message asked to be heard (a linear head cannot multiply by itself).
MEETS = (
    *(f"meets_{n}" for n in EMPATHY_SIMS),
    "meets_sympathy",
    "meets_reassurance",
    "meets_nothing",
)


@lru_cache(maxsize=1)
def _cues() -> dict[str, Any]:
    raw = yaml.safe_load(
        resources.files("evaluators.data").joinpath("cues.yaml").read_text("utf-8")
    )
    flags = re.IGNORECASE | re.MULTILINE
    reply = {k: re.compile(v, flags) for k, v in raw["reply"].items()}
    customer = {k: re.compile(v, flags) for k, v in raw["customer"].items()}
    return {"reply": reply, "customer": customer}


def cue_names() -> tuple[str, ...]:
    raw = yaml.safe_load(
        resources.files("evaluators.data").joinpath("cues.yaml").read_text("utf-8")
    )
    return tuple(f"cue_{k}" for k in raw["reply"])


FEATURE_NAMES: tuple[str, ...] = (
    *(f"mean_{i}" for i in range(EMBED_DIM)),
    *(f"max_{i}" for i in range(EMBED_DIM)),
    *(f"sim_{n}" for n in NAMES),
    *(f"rx_{n}" for n in NAMES),
    *cue_names(),
    *STRUCTURE,
    *CUSTOMER,
    *MEETS,
)


@dataclass(frozen=True)
class Reading:
    """Everything the grader took from one reply."""

    techniques: list[Evidence]
    anti_patterns: list[Evidence]
    injection_flagged: bool
    customer_text: str  # the reply without the parts aimed at the grader
    called_for: bool
    features: np.ndarray  # (len(FEATURE_NAMES),) float32
    literal: frozenset[str]  # ids a regex detector found (precise; paraphrases are not)
    vectors: np.ndarray  # (clauses, embed) of the words graded
    before: str  # the words before the first sentence aimed at the grader (all when none)
    # What the learned called-for model reads: the customer message's embedding, its cues
    # and the rule's verdict (the need columns hold the rule's verdict until `settle` puts
    # the model's probability in; `called_for` always stays the rule's).
    called_for_inputs: np.ndarray

    def names(self) -> set[str]:
        return {e.name for e in self.techniques} | {e.name for e in self.anti_patterns}


def _drop_echoed_jargon(anti: list[Evidence], reply: str, request: GradeRequest) -> list[Evidence]:
    """A term the customer used first ("prior authorisation") is their word, not jargon."""
    if not any(e.name == "jargon" for e in anti):
        return anti
    heard = " ".join([request.customer, *(t.text for t in request.history if t.role == "customer")])
    if terms("jargon", reply) <= terms("jargon", heard):
        return [e for e in anti if e.name != "jargon"]
    return anti


def _structure(text: str, parts: list[str], called_for: bool) -> list[float]:
    words = text.split()
    n = max(len(words), 1)
    return [
        math.log1p(len(words)),
        min(len(parts), 12) / 4,
        min(text.count("?"), 4),
        min(text.count("!"), 4),
        float(bool(_DIGIT.search(text))),
        len(_YOU.findall(text)) / n * 10,
        min(len(_I_WILL.findall(text)), 4),
        float(called_for),
        float(not words),
        float(text.rstrip().endswith("?")),
    ]


def _count(rule: re.Pattern[str], text: str, cap: int = 3) -> float:
    return float(min(len(rule.findall(text)), cap))


def _customer(customer: str) -> list[float]:
    cues = _cues()["customer"]
    return [
        _count(cues["distress"], customer, 4),
        _count(cues["positive"], customer, 2),
        math.log1p(len(customer.split())),
        min(customer.count("!"), 3),
        float(customer.rstrip().endswith("?")),
    ]


_COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}
_HEARD = [
    *(_COLUMN[f"sim_{n}"] for n in EMPATHY_SIMS),
    _COLUMN["cue_sympathy"],
    _COLUMN["cue_reassurance"],
]
_HEARD_SCALE = np.array([1.0] * len(EMPATHY_SIMS) + [1 / 3, 1 / 3])
_MEETS = [_COLUMN[n] for n in MEETS]


def with_called_for(features: np.ndarray, called_for: np.ndarray) -> np.ndarray:
    """(n, features) rows rewritten for a called-for verdict or probability per row: the
    `called_for` column, and each empathy cue weighed by the customer's need to be heard
    (a linear head cannot multiply by itself)."""
    x = np.atleast_2d(features).astype(np.float32).copy()
    cf = np.asarray(called_for, dtype=np.float32).reshape(-1)
    # Need to be heard: the verdict, nudged by how distressed the message reads.
    need = 0.5 * cf + 0.5 * np.minimum(x[:, _COLUMN["cust_rx_distress"]], 2) / 2
    heard = x[:, _HEARD] * _HEARD_SCALE
    empathy = heard[:, : len(EMPATHY_SIMS)]
    x[:, _COLUMN["called_for"]] = cf
    x[:, _MEETS[:-1]] = need[:, None] * heard
    x[:, _MEETS[-1]] = need * (1.0 - np.maximum(empathy.max(axis=1), 0.0))
    return x


def settle(reading: Reading, probability: float) -> Reading:
    """The reading once the learned model has said how likely empathy was called for: its
    probability weighs the head's need columns. The verdict the trainee sees (the "n/a"
    chip, the mood's neutral turn) stays the rule's: on upset customer-care messages it
    never saw, the model says "not called for" to about one in ten ("I need my insulin.
    Whatever it takes."), and that mistake costs a trainee far more than the rule's."""
    features = with_called_for(reading.features, np.array([probability]))[0]
    return replace(reading, features=features)


def _drop_grader_talk(
    text: str, parts: list[str], vectors: np.ndarray, learned: Screen | None
) -> tuple[str, list[str], np.ndarray, str | None]:
    """Remove every sentence holding a clause the learned screen reads as talk to the
    grader (as the regex screen does: the rest of such a sentence is not for the customer).
    The last value is the text before the first such sentence, None when none was found."""
    if learned is None or not len(vectors):
        return text, parts, vectors, None
    drop = learned.flags(vectors)
    if not drop.any():
        return text, parts, vectors, None
    flagged = [p for p, d in zip(parts, drop, strict=True) if d]
    sents = sentences(text)
    hit = [any(p in s for p in flagged) for s in sents]
    kept = [s for s, h in zip(sents, hit, strict=True) if not h]
    keep = [i for i, p in enumerate(parts) if any(p in s for s in kept)]
    before = " ".join(sents[: hit.index(True)])
    return " ".join(kept), [parts[i] for i in keep], vectors[keep], before


def read(request: GradeRequest, learned_screen: bool | Screen = True) -> Reading:
    """Screen, cut into clauses, embed once, detect; the features the head scores.

    `learned_screen`: True uses the shipped screen, False none (to train one), or the
    Screen given.
    """
    screened = screen(request.reply)
    text = screened.customer_text
    parts = units(text)
    vectors = shared_model().encode(parts)
    flagged = screened.flagged
    chosen = shipped_screen() if learned_screen is True else learned_screen or None
    text, parts, vectors, before = _drop_grader_talk(text, parts, vectors, chosen)
    flagged = flagged or before is not None
    if screened.flagged or before is None:
        before = screened.before if screened.flagged else text
    techniques, anti, _ = detect(sentences(text))
    anti = _drop_echoed_jargon(anti, text, request)
    have = {e.name for e in techniques} | {e.name for e in anti}
    rx = np.array([float(n in have) for n in NAMES], dtype=np.float32)
    if len(vectors):
        sim, semantic = closest(parts, vectors, NAMES)
        pooled = np.concatenate([vectors.mean(axis=0), vectors.max(axis=0)])
    else:
        sim, semantic = np.zeros(len(NAMES), dtype=np.float32), []
        pooled = np.zeros(2 * EMBED_DIM, dtype=np.float32)
    for ev in semantic:
        if ev.name not in have:
            (techniques if ev.name in TECHNIQUES else anti).append(ev)
    techniques.sort(key=lambda e: TECHNIQUES.index(e.name))
    anti.sort(key=lambda e: ANTI_PATTERNS.index(e.name))
    called_for = empathy_called_for(request.customer)
    cue = {f"cue_{k}": _count(r, text) for k, r in _cues()["reply"].items()}
    customer = _customer(request.customer)
    meets = [0.0] * len(MEETS)  # filled by with_called_for below
    features = np.concatenate(
        [
            pooled,
            sim,
            rx,
            np.array(
                [*cue.values(), *_structure(text, parts, called_for), *customer, *meets],
                dtype=np.float32,
            ),
        ]
    ).astype(np.float32)
    features = with_called_for(features, np.array([float(called_for)]))[0]
    inputs = np.concatenate([_customer_vector(request.customer), customer, [float(called_for)]])
    return Reading(
        techniques,
        anti,
        flagged,
        text,
        called_for,
        features,
        frozenset(have),
        vectors,
        before,
        inputs.astype(np.float32),
    )


@lru_cache(maxsize=256)
def _customer_vector(customer: str) -> np.ndarray:
    """The customer message's meaning (its first 64 tokens, one embedding run); cached,
    as every reply to one message (retries, what-if branches, a batch's rows) shares it."""
    if not customer.strip():
        return np.zeros(EMBED_DIM, dtype=np.float32)
    return shared_model().encode([customer])[0]
