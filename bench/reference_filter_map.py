"""Reference page for bench/pages.py's filter changes on pages with a map: a selectbox that redraws one small
plotly chart and a small offline pydeck map (the map of `reference_map.py`, its arcs those of the country
chosen), the least a rerun after a filter change can cost where the view holds a map."""
import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

FIGURES = {"AZE": [98757, 36016, 17076], "KAZ": [3732073, 1990268, 2558907], "KGZ": [199999, 17076, 591025],
           "TUR": [6052652, 6580295, 1837282], "UZB": [1162175, 689957, 1146175]}
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
deck = pdk.Deck(
    layers=[pdk.Layer("GeoJsonLayer", "/app/static/countries.geojson", filled=True, stroked=True,
                      get_fill_color=[240, 240, 238], get_line_color=[180, 186, 190], line_width_min_pixels=0.5),
            pdk.Layer("ArcLayer", arcs, get_source_position="from", get_target_position="to", get_width=4,
                      get_source_color=[230, 159, 0], get_target_color=[0, 114, 178], get_tilt=90),
            pdk.Layer("ScatterplotLayer", places, get_position="at", get_radius=8, radius_units="'pixels'",
                      get_fill_color=[0, 104, 139])],
    initial_view_state=pdk.ViewState(latitude=47, longitude=47, zoom=1.55), map_provider=None)
st.pydeck_chart(deck, height=520)
