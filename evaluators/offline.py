"""The offline grader: deterministic, explainable, no LLM.

Pipeline: screen out words aimed at the grader -> split the customer-facing text into
sentences -> lexical detectors + paraphrase similarity -> the readable rule in
data/weights.yaml -> reason and an offline coaching suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from evaluators.called_for import empathy_called_for
from evaluators.coach_offline import suggest
from evaluators.detectors import detect, terms
from evaluators.grade import ANTI_PATTERNS, TECHNIQUES, Evidence, Grade, GradeRequest
from evaluators.injection import screen
from evaluators.scoring import Weights, default_weights, load_weights
from evaluators.text import sentences

LABELS = {
    "naming_feeling": "named the feeling", "validating": "validated it",
    "perspective": "took their perspective", "exploring_question": "asked what matters",
    "specific_apology": "apologised specifically", "ownership": "took ownership",
    "concrete_action": "took a concrete step", "time_frame": "gave a time",
    "options": "offered options", "personal_follow_up": "promised a personal follow-up",
    "blame": "blamed the customer", "minimising": "minimised their feelings",
    "policy_wall": "hid behind policy", "transfer": "handed them off",
    "not_my_job": "said it was not their job", "call_back_later": "pushed it to later",
    "generic_script": "used a scripted line", "sarcasm": "was sarcastic",
    "jargon": "used jargon", "false_promise": "promised what they cannot know",
}


SemanticMode = Literal["unexplained", "all", "off"]


@dataclass(frozen=True)
class Findings:
    """What the detectors saw in the words said to the customer."""

    techniques: list[Evidence]
    anti_patterns: list[Evidence]
    injection_flagged: bool
    customer_text: str  # the reply without the parts aimed at the grader

    def names(self) -> set[str]:
        return {e.name for e in self.techniques} | {e.name for e in self.anti_patterns}


def _drop_echoed_jargon(anti: list[Evidence], reply: str,
                        request: GradeRequest) -> list[Evidence]:
    """A term the customer used first ("prior authorisation") is their word, not jargon."""
    if not any(e.name == "jargon" for e in anti):
        return anti
    heard = " ".join([request.customer, *(t.text for t in request.history
                                          if t.role == "customer")])
    if terms("jargon", reply) <= terms("jargon", heard):
        return [e for e in anti if e.name != "jargon"]
    return anti


class OfflineEvaluator:
    """Grades a reply with detectors and a weighted rule; same input, same grade."""

    name = "offline"

    def __init__(self, weights: Weights | Path | None = None, *,
                 semantic: SemanticMode | bool = "unexplained") -> None:
        """`semantic`: which sentences get the paraphrase check.

        "unexplained" (default) embeds only sentences no regex explained: the wordings
        nobody wrote a pattern for, at a fraction of the cost. "all" embeds every
        sentence (slightly better empathy agreement, ~2x slower); "off" is regex only.
        True means "all" and False "off".
        """
        if isinstance(weights, Path):
            weights = load_weights(weights)
        self.weights = weights or default_weights()
        if semantic is True or semantic is False:  # tolerate a plain on/off flag
            semantic = "all" if semantic else "off"
        self.semantic = semantic

    def evidence(self, request: GradeRequest) -> Findings:
        screened = screen(request.reply)
        sents = sentences(screened.customer_text)
        techniques, anti, hit = detect(sents)
        anti = _drop_echoed_jargon(anti, screened.customer_text, request)
        if self.semantic == "unexplained":
            to_embed = [s for i, s in enumerate(sents) if i not in hit]
        else:
            to_embed = sents if self.semantic == "all" else []
        if to_embed:
            from evaluators.semantic import similar  # loads the embedding model lazily

            have = {e.name for e in techniques} | {e.name for e in anti}
            for ev in similar(to_embed):
                if ev.name in have:
                    continue
                (techniques if ev.name in TECHNIQUES else anti).append(ev)
        techniques.sort(key=lambda e: TECHNIQUES.index(e.name))
        anti.sort(key=lambda e: ANTI_PATTERNS.index(e.name))
        return Findings(techniques, anti, screened.flagged, screened.customer_text)

    def grade(self, request: GradeRequest) -> Grade:
        found = self.evidence(request)
        techniques, anti, flagged = found.techniques, found.anti_patterns, found.injection_flagged
        called_for = empathy_called_for(request.customer)
        seen = found.names()
        empathy = self.weights.empathy.score(seen, called_for)
        empowerment = self.weights.empowerment.score(seen)
        return Grade(
            empathy=empathy,
            empowerment=empowerment,
            empathy_called_for=called_for,
            techniques=techniques,
            anti_patterns=anti,
            injection_flagged=flagged,
            reason=self.reason(empathy, empowerment, seen, called_for, flagged),
            suggestion=suggest(found.customer_text, request.customer, request.scenario,
                               techniques, anti, called_for, request.persona_id),
            evaluator=self.name,
        )

    def reason(self, empathy: int, empowerment: int, seen: set[str], called_for: bool,
               flagged: bool) -> str:
        """One sentence naming what moved each axis."""
        def axis(label: str, score: int, names: list[str]) -> str:
            said = ", ".join(LABELS[n] for n in names[:3]) or "nothing that counts"
            return f"{label} {score}/4: {said}"

        emp = axis("Empathy", empathy, self.weights.empathy.explain(seen))
        if not called_for:
            emp += " (not called for: a factual question)"
        act = axis("empowerment", empowerment, self.weights.empowerment.explain(seen))
        note = "; words aimed at the grader were ignored" if flagged else ""
        return f"{emp}; {act}{note}."
