"""Altair charts for the debrief, progress and what-if pages (data in, chart out)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

# Time axes name days and minutes: with one point Vega would otherwise tick milliseconds
# (a label such as ".174").
DAY_AXIS = alt.Axis(format="%d %b", tickCount={"interval": "day", "step": 1}, labelAngle=0)
MINUTE_AXIS = alt.Axis(format="%d %b %H:%M", tickCount={"interval": "minute", "step": 1})
# Counts are whole numbers: no 0.05 steps on a count axis.
COUNT_AXIS = alt.Axis(format="d", tickMinStep=1)


def score_trajectory(rows: list[dict[str, object]]) -> alt.Chart:
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("reply:O", title="Reply"),
            y=alt.Y("score:Q", title="Score (0-4)", scale=alt.Scale(domain=[0, 4])),
            color=alt.Color("axis:N", title=None),
        )
        .properties(height=240)
    )


def mood_trace(rows: list[dict[str, object]]) -> alt.Chart:
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("reply:O", title="After reply (0 = opening)"),
            y=alt.Y("level:Q", title="Level (0-10)", scale=alt.Scale(domain=[0, 10])),
            color=alt.Color(
                "mood:N",
                title=None,
                scale=alt.Scale(
                    domain=["anger", "fear", "trust"], range=["#d62728", "#9467bd", "#2ca02c"]
                ),
            ),
        )
        .properties(height=240)
    )


def score_trend(
    rows: list[dict[str, Any]], x: alt.X, y_title: str, tooltip: list[str]
) -> alt.Chart:
    """Empathy and empowerment averages (0-4) over time, one line per axis."""
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("score:Q", title=y_title, scale=alt.Scale(domain=[0, 4])),
            color=alt.Color("axis:N", title=None),
            tooltip=tooltip,
        )
        .properties(height=240)
    )


def progress_trend(rows: list[dict[str, object]]) -> alt.Chart:
    return score_trend(
        rows,
        alt.X("started:T", title="Session", axis=MINUTE_AXIS),
        "Average score (0-4)",
        ["scenario:N", "difficulty:N", "axis:N", "score:Q"],
    )


def averages(rows: list[dict[str, object]], column: str) -> alt.Chart:
    """Average score per `column` value (scenario, trainee), one bar per axis."""
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            x=alt.X("score:Q", title="Average score (0-4)", scale=alt.Scale(domain=[0, 4])),
            y=alt.Y(f"{column}:N", title=None),
            color=alt.Color("axis:N", title=None),
            yOffset="axis:N",
            tooltip=[f"{column}:N", "axis:N", "score:Q"],
        )
        .properties(height=alt.Step(14))
    )
