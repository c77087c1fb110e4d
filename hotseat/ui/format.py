"""Short texts the pages show: grade chips, mood levels, end-state banners, sidebar facts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from evaluators.grade import Evidence, Grade
from evaluators.rubric import rubric
from hotseat.engine import Mood, SessionView
from hotseat.settings import Settings

ARCHETYPE_ICONS = {"angry": "😠", "fearful": "😟", "escalated": "🔥"}
MOOD_AXES = ("anger", "fear", "trust")


@dataclass(frozen=True)
class EndBanner:
    kind: str  # "success" | "warning" | "error" | "info": which st.* call draws it
    text: str


END_BANNERS: dict[str, EndBanner] = {
    "resolved": EndBanner("success", "Resolved — the customer is satisfied. Well done."),
    "demands_supervisor": EndBanner(
        "warning", "The customer demanded a supervisor — the call left your hands."
    ),
    "hangs_up": EndBanner("error", "The customer hung up."),
    "turn_limit": EndBanner("info", "Turn limit reached — the call ended unresolved."),
}


def end_banner(end_state: str | None) -> EndBanner | None:
    if end_state is None:
        return None
    return END_BANNERS.get(end_state, EndBanner("info", f"The call ended: {end_state}."))


def chips(grade: Grade) -> str:
    """One compact line: the two scores, so the chat is not flooded with feedback."""
    empathy = "n/a" if grade.counted_empathy is None else f"{grade.empathy}/4"
    return f"Empathy {empathy} · Empowerment {grade.empowerment}/4"


def percent(value: float | None) -> str:
    """A rate as every page and export shows it: "50%" (never 0.5), "–" when unknown."""
    return "–" if value is None else f"{value:.0%}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 trainee", "2 trainees" (`many` for irregular words)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def label(name: str) -> str:
    return rubric().label(name)


def evidence_lines(items: list[Evidence]) -> list[str]:
    """'named the feeling: "I can hear how…"' — the quote shows why the grader said so."""
    return [f'{label(e.name)}: "{e.quote}"' for e in items]


def mood_levels(mood: Mood | dict[str, float]) -> dict[str, float]:
    # Duck-typed: a module reload can leave a cached engine returning an older Mood class.
    data = mood if isinstance(mood, dict) else mood.model_dump()
    return {axis: float(data.get(axis, 0.0)) for axis in MOOD_AXES}


def mood_deltas(before: dict[str, float] | None, after: dict[str, float]) -> dict[str, float]:
    if before is None:
        return dict.fromkeys(MOOD_AXES, 0.0)
    return {axis: round(after[axis] - before.get(axis, 0.0), 2) for axis in MOOD_AXES}


def previous_mood(view: SessionView) -> dict[str, float] | None:
    """The mood before the latest graded reply, to show how that reply moved it."""
    snapshots = [
        t.mood_after
        for t in view.transcript
        if t.mood_after and (t.role == "agent" or t.index == 0)
    ]
    return mood_levels(snapshots[-2]) if len(snapshots) >= 2 else None


def sidebar_facts(settings: Settings, totals: dict[str, Any] | None) -> dict[str, str]:
    """What the sidebar lists: provider, models, online/offline, tokens and cost."""
    info = settings.describe()
    offline = info["provider"] == "local"
    facts = {
        "Provider": info["provider"],
        "Customer model": info["models"]["customer"],
        "Grader": "offline rubric scorer (no LLM)",
        "Network": "offline" if offline else "online",
    }
    if totals:
        tokens = int(totals.get("prompt_tokens", 0)) + int(totals.get("completion_tokens", 0))
        facts["Tokens so far"] = f"{tokens:,}"
        facts["Cost so far"] = f"${float(totals.get('cost_usd', 0.0)):.4f}"
    return facts


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


def plain_markdown(text: str) -> str:
    """Markdown that renders `text` literally: trainee words are never markup or HTML.

    CommonMark lets any ASCII punctuation be backslash-escaped, so `<script>` shows as
    the characters typed; line breaks are kept as hard breaks.
    """
    escaped = escape_markdown(text)
    return "  \n".join(escaped.splitlines()) if escaped else escaped


def escape_markdown(text: str) -> str:
    """Backslash-escape Markdown and HTML punctuation (newlines untouched, for streams)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


# What a visitor may read of an error: no URLs, no file paths, no database locations.
_INTERNALS = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://\S+)"  # URLs and SQLAlchemy database URLs
    r"|(?:(?<![\w.])(?:~|\.{1,2})?/[^\s'\"()]+)",  # absolute or relative file paths
    re.IGNORECASE,
)


def public_message(text: str) -> str:
    """Error text for a page: internals masked, then escaped so nothing renders as
    Markdown or HTML (a link or image smuggled in through the URL stays plain text)."""
    return plain_markdown(_INTERNALS.sub("…", text))


def error_text(exc: Exception, lead: str = "") -> str:
    """An error as a page shows it: `lead`, then its text (a HotseatError's str() is its
    message and hint), internals masked and escaped."""
    return public_message(f"{lead}{exc}")
