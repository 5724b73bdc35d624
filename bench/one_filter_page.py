"""The baseline for a filter change: Streamlit with the Overview's list of units in its sidebar and one Plotly chart
that follows the choice, nothing else.

Run by ``bench/browser_bench.py`` as ``streamlit run bench/one_filter_page.py`` with the scale folder's unit names in
the file ``BENCH_UNIT_NAMES`` names (JSON). The same press on a unit times, on the same machine in the same run, what
Streamlit itself needs for a rerun and a redrawn chart: the filter change's 0.5 s (issue 15) is an absolute time, and
this machine's speed moves it by half (docs/PERFORMANCE.md, 3 Dec 2026, fourth); the ratio says what is the product's.
"""

import json
import os
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="one filter", layout="wide")
names = json.loads(Path(os.environ["BENCH_UNIT_NAMES"]).read_text(encoding="utf-8"))
with st.sidebar:
    chosen = st.multiselect("单位", names, key="units")
shown = chosen or names[:4]
figure = go.Figure(
    go.Bar(y=shown, x=[len(name) for name in shown], orientation="h", marker_color="#B3261E"),
    layout=go.Layout(template="plotly_white", title="会议数量", height=380),
)
st.plotly_chart(figure, theme=None, key="chart.one")
