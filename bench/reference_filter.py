"""Reference page for bench/pages.py's filter changes: a selectbox that redraws one small plotly chart, the
least a rerun after a filter change can cost."""
import plotly.graph_objects as go
import streamlit as st

FIGURES = {"AZE": [98757, 36016, 17076], "KAZ": [3732073, 1990268, 2558907], "KGZ": [199999, 17076, 591025],
           "TUR": [6052652, 6580295, 1837282], "UZB": [1162175, 689957, 1146175]}

st.set_page_config(page_title="Reference: a filter and one chart", layout="wide")
st.title("Reference: a filter that redraws one plotly chart")
country = st.selectbox("Country", list(FIGURES), key="url_country")
figure = go.Figure(go.Bar(x=["1990", "2020", "2024"], y=FIGURES[country]))
figure.update_layout(height=340, margin={"t": 30, "b": 30, "l": 10, "r": 10})
st.plotly_chart(figure, width="stretch")
