"""Whether the customer's last message calls for empathy at all.

A calm factual question ("Okay. What's the ticket number?") deserves a clear answer, not
a performance of feelings; grading must not punish a reply for skipping empathy there.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from evaluators.text import normalise, sentences


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
