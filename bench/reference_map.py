"""Reference page for bench/pages.py: one small plotly chart and a small offline pydeck map, the least a
page with a map can cost. The map is built the way the dashboard builds its maps: country shapes from the
GeoJSON served as a static file, a few arcs and circles, no base map provider (reference_parts.py)."""
import plotly.graph_objects as go
import streamlit as st

from reference_parts import offline_map

st.set_page_config(page_title="Reference: chart and map", layout="wide")
st.title("Reference: one plotly chart and a pydeck map")
figure = go.Figure(go.Bar(x=["AZE", "KAZ", "KGZ", "TUR", "UZB"], y=[98757, 36016, 17076, 52397, 332659]))
figure.update_layout(height=340, margin={"t": 30, "b": 30, "l": 10, "r": 10})
st.plotly_chart(figure, width="stretch")
arcs = [{"from": [68.7, 49.1], "to": [44.7, 58.2], "persons": 2558907},
        {"from": [64.0, 41.7], "to": [44.7, 58.2], "persons": 1146175},
        {"from": [74.6, 41.5], "to": [44.7, 58.2], "persons": 591025},
        {"from": [34.5, 39.3], "to": [9.7, 51.0], "persons": 1837282},
        {"from": [47.2, 40.4], "to": [44.7, 58.2], "persons": 766918}]
places = [{"at": a["from"]} for a in arcs] + [{"at": [44.7, 58.2]}, {"at": [9.7, 51.0]}]
st.pydeck_chart(offline_map(arcs, places), height=520)
