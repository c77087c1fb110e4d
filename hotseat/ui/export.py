"""The transcript as Markdown (to read or paste) and JSON (to process)."""

from __future__ import annotations

import json

from hotseat.engine import SessionView
from hotseat.ui.format import chips, end_banner, evidence_lines


def transcript_json(view: SessionView) -> str:
    return json.dumps(view.model_dump(mode="json"), indent=2, ensure_ascii=False)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines() or [""])


def transcript_markdown(view: SessionView) -> str:
    p = view.persona
    out = [
        f"# Hotseat session: {p.name} ({p.archetype}, {p.difficulty})",
        "",
        f"- Trainee: {view.trainee_name}",
        f"- Scenario: {p.summary}",
        f"- Session: `{view.session_id}`",
    ]
    banner = end_banner(view.end_state)
    out.append(f"- Outcome: {banner.text if banner else 'in progress'}")
    out.append("")
    for turn in view.transcript:
        who = "Customer" if turn.role == "customer" else "Trainee"
        out += [f"## {turn.index}. {who}", "", _quote(turn.text), ""]
        if turn.grade is not None:
            g = turn.grade
            out += [f"**{chips(g)}** — {g.reason}", ""]
            out += [f"- technique — {line}" for line in evidence_lines(g.techniques)]
            out += [f"- anti-pattern — {line}" for line in evidence_lines(g.anti_patterns)]
            out += ["", f"*Better reply:* {g.suggestion}", ""]
        if turn.mood_after and turn.role == "agent":
            m = turn.mood_after
            out += [
                f"Mood after: anger {m['anger']:.1f}, fear {m['fear']:.1f}, trust {m['trust']:.1f}",
                "",
            ]
    return "\n".join(out).rstrip() + "\n"
