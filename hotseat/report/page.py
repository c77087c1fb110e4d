"""The HTML report: one self-contained page, numbers as tables, charts as inline SVG.

Nothing is fetched (no CDN): the page opens offline. Every value from a transcript or a
file goes through `escape`; cells carry `data-metric` so tests can read exact numbers.
"""

from __future__ import annotations

from html import escape
from typing import Any

from hotseat.report import svg
from hotseat.report.summary import END_STATES

STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:right;font-size:13px}th{background:#f3f3f3}td.l,th.l{text-align:left}
.pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}.na{color:#777}
.turn{margin:.2em 0;font-size:13px}.agent{color:#1565c0}h2{margin-top:1.6em}"""


def _pct(v: float) -> str:
    return f"{v * 100:.1f}%"


def _mean(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def _cell(metric: str, text: str) -> str:
    return f'<td data-metric="{escape(metric)}">{escape(text)}</td>'


def _table(head: list[str], rows: list[str]) -> str:
    ths = "".join(
        f'<th class="{"l" if i == 0 else ""}">{escape(h)}</th>' for i, h in enumerate(head)
    )
    return f"<table><tr>{ths}</tr>{''.join(rows)}</table>"


def _page(title: str, body: list[str]) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>{''.join(body)}</body></html>\n"
    )


def _end_state_rows(prefix: str, groups: dict[str, dict[str, Any]], label: str = "") -> list[str]:
    rows = []
    for name, stats in groups.items():
        cells = "".join(_cell(f"{prefix}/{name}/{s}", _pct(stats["rates"][s])) for s in END_STATES)
        n = _cell(f"{prefix}/{name}/n", str(stats["n"]))
        rows.append(f'<tr><td class="l">{escape(label + name)}</td>{n}{cells}</tr>')
    return rows


def _score_shares(groups: dict[str, dict[str, Any]], axis: str) -> list[tuple[str, list[float]]]:
    """Per group, the share of replies at each score 0..4 (for a stacked bar)."""
    rows = []
    for name, g in groups.items():
        total = sum(g[axis].values())
        if total:
            rows.append((name, [v / total for v in g[axis].values()]))
    return rows


def _score_charts(groups: dict[str, dict[str, Any]], prefix: str) -> list[str]:
    out = []
    for axis in ("empathy", "empowerment"):
        rows = _score_shares(groups, axis)
        if rows:
            out.append(f"<p>{axis.capitalize()}: share of replies at each score</p>")
            out.append(
                svg.stacked_bars(
                    rows,
                    ["0", "1", "2", "3", "4"],
                    colors=svg.SCORE_COLORS,
                    name=f"{prefix}/{axis}",
                )
            )
    return out


def _caving(summary: dict[str, Any]) -> list[str]:
    caves = summary.get("caving")
    if not caves:
        return []
    body = [
        "<h2>Caving too early</h2>",
        f'<p><span data-metric="caving/count">{caves["count"]}</span> of '
        f'<span data-metric="caving/resolved">{caves["resolved"]}</span> resolved '
        "conversations ended within one agent reply of a deflecting or powerless reply "
        "(judged from the replies' grades, whatever the bot is called).</p>",
    ]
    rows = [
        f'<tr><td class="l">{escape(c["persona"])} / {escape(c["bot"])}, seed {c["seed"]}'
        f", {escape(c['difficulty'])}</td>"
        + _cell(f"cave/{c['persona']}/{c['bot']}/{c['seed']}", ", ".join(c["reasons"]))
        + f'<td>{c["replies_before_end"]}</td><td class="l">{escape(c["text"])}</td></tr>'
        for c in caves["examples"]
    ]
    if rows:
        body.append(_table(["conversation", "why", "replies before the end", "reply"], rows))
    return body


def _voice(voice: dict[str, Any]) -> list[str]:
    """Per card: generated customer lines, how many failed a check, how many were repaired
    (regenerated or cut) and how many were replaced by the card's written line."""
    rows = []
    for card, v in [("all cards", voice["overall"]), *voice["by_card"].items()]:
        kinds = ", ".join(f"{k} {n}" for k, n in v["kinds"].items()) or "none"
        rows.append(
            f'<tr><td class="l">{escape(card)}</td><td>{v.get("as_written", 0)}</td>'
            + f"<td>{v['lines']}</td>"
            + _cell(f"voice/{card}/flagged", str(v["flagged"]))
            + _cell(f"voice/{card}/repaired", str(v["repaired"]))
            + _cell(f"voice/{card}/fallback", str(v["fallback"]))
            + f'<td class="l">{escape(kinds)}</td></tr>'
        )
    return [
        "<h2>Customer voice checks per card</h2><p>Customer lines after the scripted "
        "opening: said as the card writes them by design (telling a hidden fact), or "
        "generated; a generated line that failed a check was regenerated once with a repair "
        "note, cut before the failing sentence, or replaced by the card's written line. "
        "The trainee only ever saw checked lines.</p>",
        _table(
            [
                "card",
                "said as written",
                "generated",
                "failed a check",
                "repaired",
                "card's line",
                "defects",
            ],
            rows,
        ),
    ]


def _difficulty(summary: dict[str, Any]) -> list[str]:
    rows = [
        f'<tr><td class="l">{escape(d)}</td><td class="l">{escape(bot)}</td><td>{b["n"]}</td>'
        + _cell(f"difficulty/{d}/{bot}/mean_replies", f"{b['mean_replies']:.1f}")
        + _cell(f"difficulty/{d}/{bot}/survived", f"{b['survived']} ({_pct(b['survived_rate'])})")
        + "</tr>"
        for d, s in summary.items()
        for bot, b in s["by_bot"].items()
    ]
    return [
        "<h2>Difficulty per bot</h2><p>Mean agent replies before the call ended, and how "
        "many calls lasted at least three replies (on easy a generic script should; on "
        "hard it should not).</p>",
        _table(["difficulty", "bot", "n", "mean replies", "lasted 3+ replies"], rows),
    ]


def _versions(versions: dict[str, dict[str, int]]) -> list[str]:
    """Which named version of each card the conversations ran on (the studio's v1, v2 ...)."""
    if not versions:
        return []
    rows = [
        f'<tr><td class="l">{escape(persona)}</td>'
        f'<td class="l" data-metric="version/{escape(persona)}">'
        f"{escape(', '.join(named))}</td>"
        + _cell(f"version/{persona}/n", str(sum(named.values())))
        + "</tr>"
        for persona, named in versions.items()
    ]
    return ["<h2>Persona versions</h2>", _table(["persona", "version", "n"], rows)]


def simulate_page(summary: dict[str, Any], examples: dict[str, dict[str, Any]]) -> str:
    es = summary["end_states"]
    body = [
        f"<p>{summary['conversations']} conversations; "
        f"{summary['unresolved_errors']} failed conversations still to rerun.</p>"
    ]
    body += _versions(summary.get("persona_versions") or {})
    body.append("<h2>Realism checks</h2>")
    rows = []
    for c in summary["realism"]:
        state = {True: ("pass", "pass"), False: ("fail", "FAIL"), None: ("na", "n/a")}
        cls, word = state[c["passed"]]
        value = "" if c["value"] is None else _pct(c["value"])
        rows.append(
            f'<tr><td class="l">{escape(c["check"])}</td>'
            f'<td class="{cls}" data-metric="check/{escape(c["check"])}">{word}</td>'
            + _cell(f"check/{c['check']}/value", value)
            + f'<td class="l">{escape(c["detail"])}</td></tr>'
        )
    body.append(_table(["check", "result", "value", "detail"], rows))
    body += _voice(summary["voice"])
    body += _difficulty(summary["difficulty"])

    head = ["", "n", *END_STATES]
    body.append("<h2>End states per bot</h2>")
    body.append(
        svg.stacked_bars(
            [(b, [s["rates"][k] for k in END_STATES]) for b, s in es["by_bot"].items()],
            list(END_STATES),
        )
    )
    body.append(_table(["bot", *head[1:]], _end_state_rows("end/bot", es["by_bot"])))
    body.append("<h2>End states per persona &times; bot</h2>")
    body.append(
        svg.stacked_bars(
            [
                (f"{p} / {b}", [s["rates"][k] for k in END_STATES])
                for p, bots in es["by_persona_bot"].items()
                for b, s in bots.items()
            ],
            list(END_STATES),
            width=760,
            label_w=290,
            name="end/persona_bot",
        )
    )
    rows = []
    for persona, bots in es["by_persona_bot"].items():
        rows += _end_state_rows(f"end/{persona}", bots, f"{persona} / ")
    body.append(_table(["persona / bot", *head[1:]], rows))
    if len(es["by_difficulty"]) > 1:
        body.append("<h2>End states per difficulty</h2>")
        body.append(
            _table(
                ["difficulty", *head[1:]], _end_state_rows("end/difficulty", es["by_difficulty"])
            )
        )

    body.append(
        "<h2>Mood trajectories per bot</h2><p>Mean level after each agent reply "
        "(0 = the opening); conversations drop out as they end.</p>"
    )
    for level in ("anger", "fear", "trust"):
        series = {b: [p["mean"] for p in t[level]] for b, t in summary["mood_trajectories"].items()}
        body.append(svg.lines(series, title=level))
    rows = []
    for bot, traj in summary["mood_trajectories"].items():
        for p in traj["anger"]:
            i = p["reply"]
            vals = {
                lv: next((q["mean"] for q in traj[lv] if q["reply"] == i), None)
                for lv in ("anger", "fear", "trust")
            }
            rows.append(
                f'<tr><td class="l">{escape(bot)}</td><td>{i}</td>'
                + "".join(
                    _cell(f"mood/{bot}/{i}/{lv}", f"{v:.2f}")
                    for lv, v in vals.items()
                    if v is not None
                )
                + f"<td>{p['n']}</td></tr>"
            )
    body.append(_table(["bot", "reply", "anger", "fear", "trust", "n"], rows))

    body.append("<h2>Grade distributions per bot</h2>")
    body += _score_charts(summary["grades"], "grade")
    rows = []
    for bot, g in summary["grades"].items():
        for axis in ("empathy", "empowerment"):
            rows.append(
                f'<tr><td class="l">{escape(bot)} {axis}</td>'
                + "".join(_cell(f"grade/{bot}/{axis}/{k}", str(v)) for k, v in g[axis].items())
                + "</tr>"
            )
    body.append(_table(["bot / axis", "0", "1", "2", "3", "4"], rows))
    rows = [
        f'<tr><td class="l">{escape(bot)}</td><td class="l">'
        + escape(", ".join(f"{k} {v}" for k, v in g["anti_patterns"].items()) or "none")
        + "</td></tr>"
        for bot, g in summary["grades"].items()
    ]
    body.append(_table(["bot", "anti-patterns seen (replies)"], rows))

    body.append(
        "<h2>Turns to resolution</h2><p>Mean agent replies before the customer "
        "settled, over resolved conversations only.</p>"
    )
    means = {
        b: float(t["mean"])
        for b, t in summary["turns_to_resolution"].items()
        if t["mean"] is not None
    }
    if means:
        body.append(svg.hbars(means, "{:.2f}", name="resolve/mean"))
    rows = [
        f'<tr><td class="l">{escape(bot)}</td>'
        + _cell(f"resolve/{bot}/resolved", str(t["resolved"]))
        + _cell(f"resolve/{bot}/mean", "-" if t["mean"] is None else f"{t['mean']:.2f}")
        + _cell(f"resolve/{bot}/median", "-" if t["median"] is None else f"{t['median']:g}")
        + "</tr>"
        for bot, t in summary["turns_to_resolution"].items()
    ]
    body.append(_table(["bot", "resolved", "mean replies", "median replies"], rows))

    body += _caving(summary)

    cost = summary["cost"]
    body.append("<h2>Cost</h2>")
    total = _cell("cost/total", f"${cost['total_usd']:.6f}")
    tokens = _cell("cost/tokens", str(cost["total_tokens"]))
    per = _cell("cost/per_conversation", f"${cost['per_conversation_usd']:.6f}")
    rows = [
        f'<tr><td class="l">total</td>{total}{tokens}</tr>',
        f'<tr><td class="l">per conversation</td>{per}<td></td></tr>',
    ]
    rows += [
        f'<tr><td class="l">{escape(b)}</td>'
        + _cell(f"cost/bot/{b}", f"${v:.6f}")
        + "<td></td></tr>"
        for b, v in cost["by_bot_usd"].items()
    ]
    body.append(_table(["", "USD (estimate)", "tokens"], rows))

    body.append("<h2>Example conversations</h2>")
    for bot, row in examples.items():
        body.append(
            f"<h3>{escape(bot)}: {escape(row['persona'])}, seed {row['seed']} "
            f"&rarr; {escape(row['end_state'])}</h3>"
        )
        for t in row.get("turns", []):
            grade = t.get("grade")
            note = (
                (
                    f" <small>[empathy {grade['empathy']}, empowerment "
                    f"{grade['empowerment']}]</small>"
                )
                if grade
                else ""
            )
            body.append(
                f'<p class="turn {escape(t["role"])}"><b>{escape(t["role"])}:</b> '
                f"{escape(t['text'])}{note}</p>"
            )
    return _page("Hotseat simulation report", body)


def grading_page(summary: dict[str, Any]) -> str:
    by = summary["grouped_by"]
    body = [f"<p>Files: {escape(', '.join(summary['files']))}. Grouped by {escape(by)}.</p>"]
    groups = {"all": summary["overall"], **summary["groups"]}
    body.append("<h2>Grade distributions</h2>")
    rows = []
    for name, g in groups.items():
        for axis in ("empathy", "empowerment"):
            rows.append(
                f'<tr><td class="l">{escape(name)} {axis}</td>'
                + "".join(_cell(f"grade/{name}/{axis}/{k}", str(v)) for k, v in g[axis].items())
                + _cell(f"grade/{name}/{axis}/mean", _mean(g[f"mean_{axis}"]))
                + "</tr>"
            )
    body.append(_table([f"{by} / axis", "0", "1", "2", "3", "4", "mean"], rows))
    body += _score_charts(groups, "grade")
    body.append("<h2>Anti-pattern frequency</h2>")
    rates = summary["overall"]["anti_pattern_rates"]
    if rates:
        body.append("<p>Share of all graded replies showing each anti-pattern</p>")
        body.append(svg.hbars({k: float(v) for k, v in rates.items()}, "{:.0%}", name="anti/all"))
    rows = []
    for name, g in groups.items():
        for anti, count in g["anti_patterns"].items():
            rate = _pct(g["anti_pattern_rates"][anti])
            rows.append(
                f'<tr><td class="l">{escape(name)}</td><td class="l">{escape(anti)}</td>'
                + _cell(f"anti/{name}/{anti}", str(count))
                + _cell(f"anti/{name}/{anti}/rate", rate)
                + "</tr>"
            )
    body.append(_table([by, "anti-pattern", "replies", "share of replies"], rows))
    rows = [
        f'<tr><td class="l">{escape(n)}</td>'
        + _cell(f"count/{n}/replies", str(g["replies"]))
        + _cell(f"count/{n}/errors", str(g["errors"]))
        + "</tr>"
        for n, g in groups.items()
    ]
    body.append(_table([by, "graded", "errors"], rows))
    return _page("Hotseat grading report", body)
