"""The LLM judge's evidence gate: a 3 or 4 needs words from the reply that show it.

A judge can be talked into 4/4 by words no screen foresaw; it cannot make the reply
contain a span that shows validation or a concrete step. A quoted technique counts only
when the quote is in the words the customer heard and the offline reading of that quote
finds the same technique (a regex detector, or closeness to its exemplars a little below
the offline evidence threshold, so honest paraphrases pass). The rubric file names which
techniques each level needs (`level_evidence`).
"""

from __future__ import annotations

import re

from evaluators.detectors import detect
from evaluators.embedder import shared_model
from evaluators.grade import Evidence
from evaluators.rubric import AXES, Axis, rubric
from evaluators.semantic import exemplars
from evaluators.text import normalise, sentences, units

LENIENCY = 0.08  # below the offline evidence threshold: the judge's quote is checked,
# not discovered, so a paraphrase a little further from the exemplars still counts
JUDGE_GATED_FROM = 3
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.|\[\.\.\.\])\s*")


def _plain(text: str) -> str:
    """Lower case, straight quotes, single spaces: how quotes and replies are compared."""
    return _SPACE.sub(" ", normalise(text)).strip().lower()


def quoted_in(quote: str, reply: str) -> bool:
    """True when every part of `quote` (split at ellipses) appears in `reply`, in order."""
    text = _plain(reply)
    parts = [p.strip(" \"'") for p in _ELLIPSIS.split(_plain(quote))]
    parts = [p for p in parts if p]
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return bool(parts)


def shows(name: str, quote: str) -> bool:
    """Does the quoted span itself show technique `name`?"""
    techniques, _, _ = detect(sentences(quote))
    if any(e.name == name for e in techniques):
        return True
    ex = exemplars()
    cols = ex.columns.get(name)
    parts = units(quote)
    if cols is None or not parts:
        return False
    sims = shared_model().encode(parts) @ ex.vectors[cols].T
    return float(sims.max()) >= ex.threshold[name] - LENIENCY


def verified(techniques: list[Evidence], heard: str) -> list[Evidence]:
    """The judge's technique quotes that are in the reply and show what they claim."""
    return [e for e in techniques if quoted_in(e.quote, heard) and shows(e.name, e.quote)]


def supported(axis: Axis, shown: set[str]) -> int:
    """The highest level whose evidence the verified quotes show (0 when none)."""
    levels = rubric().level_evidence.get(axis, {})
    return max((lvl for lvl, names in levels.items() if set(names) & shown), default=0)


def gate(
    scores: dict[Axis, int], offline: dict[Axis, int], evidence: list[Evidence]
) -> tuple[dict[Axis, int], str]:
    """Scores held to what the verified quotes show; a note when any was lowered.

    A 3 or 4 needs its level's evidence. Above the offline grade, the judge gets only as
    far as its verified quotes carry it: words that show nothing (a request for 4/4 in a
    shape no screen knows) cannot lift a grade.
    """
    shown = {e.name for e in evidence}
    held: dict[Axis, int] = {}
    notes = []
    for axis in AXES:
        score = scores[axis]
        if score > offline[axis]:
            score = min(score, max(offline[axis], supported(axis, shown)))
        score = rubric().gate(axis, score, shown, from_level=JUDGE_GATED_FROM)
        if score < scores[axis]:
            notes.append(f"{axis} {scores[axis]} -> {score}")
        held[axis] = score
    note = f" (Lowered for want of quoted evidence: {', '.join(notes)}.)" if notes else ""
    return held, note
