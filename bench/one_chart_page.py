"""The baseline page for the browser benchmark: Streamlit with one Plotly chart and nothing else.

Run by ``bench/browser_bench.py`` as ``streamlit run bench/one_chart_page.py``;
it sets the page up as the Overview does (wide layout, ``theme=None``), so the
difference between the two is what the Overview itself costs.
"""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="one chart", layout="wide")
figure = go.Figure(
    go.Bar(x=["一季度", "二季度", "三季度", "四季度"], y=[12, 9, 7, 6], marker_color="#B3261E"),
    layout=go.Layout(template="plotly_white", title="会议数量", height=380),
)
st.plotly_chart(figure, theme=None, key="chart.one")
