"""What the minimal reference pages of bench/pages.py share: the small offline map, built the way the dashboard
builds its maps (country shapes from the GeoJSON served as a static file, a URL, not inline; a few arcs and
circles; no base map provider), and the filter pages' figures. Imported by the reference scripts, which
Streamlit runs with their folder on the path."""
import pydeck as pdk

FIGURES = {"AZE": [98757, 36016, 17076], "KAZ": [3732073, 1990268, 2558907], "KGZ": [199999, 17076, 591025],
           "TUR": [6052652, 6580295, 1837282], "UZB": [1162175, 689957, 1146175]}


def offline_map(arcs: list[dict], places: list[dict]) -> pdk.Deck:
    """Arcs ({"from", "to"}) and circles ({"at"}) over the shipped outlines."""
    return pdk.Deck(
        layers=[pdk.Layer("GeoJsonLayer", "/app/static/countries.geojson", filled=True, stroked=True,
                          get_fill_color=[240, 240, 238], get_line_color=[180, 186, 190],
                          line_width_min_pixels=0.5),
                pdk.Layer("ArcLayer", arcs, get_source_position="from", get_target_position="to", get_width=4,
                          get_source_color=[230, 159, 0], get_target_color=[0, 114, 178], get_tilt=90),
                pdk.Layer("ScatterplotLayer", places, get_position="at", get_radius=8, radius_units="'pixels'",
                          get_fill_color=[0, 104, 139])],
        initial_view_state=pdk.ViewState(latitude=47, longitude=47, zoom=1.55), map_provider=None)
