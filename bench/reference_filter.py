"""Reference page for bench/pages.py's filter changes: a selectbox that redraws one small plotly chart, the
least a rerun after a filter change can cost."""
import plotly.graph_objects as go
import streamlit as st

from reference_parts import FIGURES

st.set_page_config(page_title="Reference: a filter and one chart", layout="wide")
st.title("Reference: a filter that redraws one plotly chart")
country = st.selectbox("Country", list(FIGURES), key="url_country")
figure = go.Figure(go.Bar(x=["1990", "2020", "2024"], y=FIGURES[country]))
figure.update_layout(height=340, margin={"t": 30, "b": 30, "l": 10, "r": 10})
st.plotly_chart(figure, width="stretch")
