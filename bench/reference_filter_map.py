"""Reference page for bench/pages.py's filter changes on pages with a map: a selectbox that redraws one small
plotly chart and a small offline pydeck map (the map of `reference_map.py`, its arcs those of the country
chosen), the least a rerun after a filter change can cost where the view holds a map."""
import plotly.graph_objects as go
import streamlit as st

from reference_parts import FIGURES, offline_map

PLACES = {"AZE": [47.2, 40.4], "KAZ": [68.7, 49.1], "KGZ": [74.6, 41.5], "TUR": [34.5, 39.3], "UZB": [64.0, 41.7]}
PARTNERS = {"RUS": [44.7, 58.2], "DEU": [9.7, 51.0], "UKR": [31.2, 49.0]}

st.set_page_config(page_title="Reference: a filter, one chart and a map", layout="wide")
st.title("Reference: a filter that redraws one plotly chart and a pydeck map")
country = st.selectbox("Country", list(FIGURES), key="url_country")
figure = go.Figure(go.Bar(x=["1990", "2020", "2024"], y=FIGURES[country]))
figure.update_layout(height=340, margin={"t": 30, "b": 30, "l": 10, "r": 10})
st.plotly_chart(figure, width="stretch")
arcs = [{"from": PLACES[country], "to": place, "persons": persons}
        for place, persons in zip(PARTNERS.values(), FIGURES[country])]
places = [{"at": PLACES[country]}] + [{"at": place} for place in PARTNERS.values()]
st.pydeck_chart(offline_map(arcs, places), height=520)
