"""Cohort: graded sessions, averages, trend, anti-patterns, card versions used, CSV."""

import streamlit as st

from hotseat.studio import charts, cohort
from hotseat.studio.auth import require_trainer
from hotseat.ui.factory import get_engine
from hotseat.ui.format import plural

st.set_page_config(page_title="Hotseat · Cohort", page_icon="👥", layout="wide")
st.title("👥 Cohort")
require_trainer()

rows = cohort.session_rows(get_engine().store)
if not rows:
    st.info("No graded sessions yet: they appear here once trainees answer a customer.")
    st.stop()
trainees = len({r["trainee"] for r in rows})
branches = sum(bool(r["branch_of"]) for r in rows)
st.caption(
    f"{plural(len(rows), 'graded session')} by {plural(trainees, 'trainee')}."
    + (
        f" {branches} of them are what-if branches, counted from their branch point."
        if branches
        else ""
    )
)
st.download_button(
    "Download sessions (CSV)",
    cohort.to_csv(rows),
    file_name="cohort.csv",
    mime="text/csv",
    key="cohort_csv",
)

by_scenario = cohort.averages_by(rows, "scenario")
by_trainee = cohort.averages_by(rows, "trainee")
left, right = st.columns(2)
with left:
    st.markdown("**Average per scenario**")
    st.altair_chart(
        charts.averages(cohort.long_form(by_scenario, "scenario"), "scenario"), width="stretch"
    )
    st.dataframe(by_scenario, hide_index=True, key="cohort_by_scenario")
with right:
    st.markdown("**Average per trainee**")
    st.altair_chart(
        charts.averages(cohort.long_form(by_trainee, "trainee"), "trainee"), width="stretch"
    )
    st.dataframe(by_trainee, hide_index=True, key="cohort_by_trainee")
st.markdown("**Trend (cohort average per day)**")
st.altair_chart(charts.trend(cohort.trend_rows(rows)), width="stretch")
top = cohort.top_anti_patterns(rows)
st.markdown("**Most frequent anti-patterns**")
if top:
    st.altair_chart(charts.anti_patterns(top), width="stretch")
    st.dataframe(top, hide_index=True, key="cohort_anti")
else:
    st.caption("No anti-patterns detected in any graded reply.")
st.markdown("**Per card version** (the ids the trainer studio lists: v1, v2 …)")
st.dataframe(cohort.version_averages(rows), hide_index=True, key="cohort_versions")
st.markdown("**All sessions** (open a transcript from its row)")
st.dataframe(
    [
        {"transcript": cohort.transcript_link(r["session"])}
        | {k: v for k, v in r.items() if k != "anti_patterns"}
        for r in rows
    ],
    hide_index=True,
    key="cohort_sessions",
    column_config={"transcript": st.column_config.LinkColumn("transcript", display_text="Open")},
)
