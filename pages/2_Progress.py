"""Progress: a trainee's sessions over time, averages per scenario and the trend."""

import streamlit as st

from hotseat.errors import HotseatError
from hotseat.ui import charts, signin, widgets
from hotseat.ui.factory import get_engine
from hotseat.ui.format import error_text
from hotseat.ui.progress import scenario_rows, session_rows, trend_rows

st.set_page_config(page_title="Hotseat · Progress", page_icon="📈")
st.title("📈 Progress")
name = widgets.progress_trainee(signin.viewer())
if not name:
    st.info("Type your name to see your sessions.")
    st.stop()
try:
    rows = session_rows(get_engine(), name)
except HotseatError as exc:  # e.g. a name over the length limit, from a hand-made link
    st.error(error_text(exc))
    st.stop()
if not rows:
    st.info("No graded sessions yet for this name.")
    st.stop()
st.markdown("**Trend over sessions**")
st.altair_chart(charts.progress_trend(trend_rows(rows)), width="stretch")
st.markdown("**Average per scenario**")
st.altair_chart(charts.averages(scenario_rows(rows), "scenario"), width="stretch")
st.dataframe(rows, hide_index=True)
