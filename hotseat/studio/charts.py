"""Altair charts for the cohort page (rows in, chart out)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from hotseat.ui.charts import (  # shared with the progress page
    COUNT_AXIS,
    DAY_AXIS,
    averages,
    score_trend,
)

__all__ = ["anti_patterns", "averages", "trend"]


def trend(rows: list[dict[str, Any]]) -> alt.Chart:
    return score_trend(
        rows,
        alt.X("day:T", title="Day", axis=DAY_AXIS),
        "Cohort average (0-4)",
        ["day:T", "axis:N", "score:Q", "sessions:Q"],
    )


def anti_patterns(rows: list[dict[str, Any]]) -> alt.Chart:
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar(color="#d62728")
        .encode(
            x=alt.X("replies:Q", title="Replies showing it", axis=COUNT_AXIS),
            y=alt.Y("anti_pattern:N", title=None, sort="-x"),
            tooltip=["anti_pattern:N", "replies:Q", "trainees:Q"],
        )
        .properties(height=alt.Step(18))
    )
