"""Reference page for bench/pages.py: the least a page with one small plotly chart can cost."""
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Reference: one chart", layout="wide")
st.title("Reference: one plotly chart")
figure = go.Figure(go.Bar(x=["AZE", "KAZ", "KGZ", "TUR", "UZB"], y=[98757, 36016, 17076, 52397, 332659]))
figure.update_layout(height=340, margin={"t": 30, "b": 30, "l": 10, "r": 10})
st.plotly_chart(figure, width="stretch")
