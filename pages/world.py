"""Page: the world map by indicator — migrants, net migration, remittances or refugees per country in one year,
with a sortable table of every country under it; a click opens the country's profile."""
import streamlit as st

from app import editions, ui, url_state
from app.cached import load
from app.i18n import _
from app.queries import world as queries
from app.views import world as view

st.title(_("World map"))
st.caption(_("One figure per country, for the whole world: where migrants live, where they come from, what they "
             "send home and where refugees have found asylum. Hover over a country for its figure; click it, or "
             "choose it under the map, to open its profile."))

# --- controls, all kept in the link
row = st.columns([1.6, 1.6, 2])
indicator = url_state.select(_("Indicator"), view.INDICATORS, key="indicator", container=row[0],
                             format_func=view.worded(view.INDICATORS, view.indicator_label))
which = editions.choose((view.dataset_of(indicator),), container=row[2])
edition = editions.of(view.dataset_of(indicator), which)
years = [int(y) for y in load(queries.indicator_years, indicator, edition)["year"]]
if not years:
    ui.empty(_("{edition} holds no figures for “{indicator}”. Choose the latest edition or another indicator.")
             .format(edition=editions.row(edition)["title"], indicator=view.indicator_label(indicator)))
    st.stop()
year = url_state.slider(_("Year"), years, key="year", default=years[-1], container=row[1])

figures = load(queries.indicator_by_country, indicator, year, edition)
if figures.empty:
    ui.empty(_("No country has a figure for “{indicator}” in {year}. Choose another year.").format(
        indicator=view.indicator_label(indicator), year=year))
    st.stop()
shown = view.map_rows(figures, load(queries.indicator_countries, indicator, edition), indicator, year, edition,
                      view.revised(indicator, year, edition))

# --- the map, and under it every country in a table (the map is as wide as the page: the world is wide)
st.subheader(view.heading(indicator, year))
st.caption(view.source_caption(indicator, edition))
view.draw_map(shown, indicator, year, edition, which)
view.draw_table(shown, indicator, which)
