"""Page: labour migration and remittances — money sent home, who sends it, and the reported labour figures."""
import streamlit as st

from app import countries, editions, ui, url_state
from app.cached import figure, load
from app.charts import common as texts
from app.charts import labour as charts
from app.i18n import N_, _
from app.queries import common, measures
from app.queries import labour as queries
from app.views import labour as view

STATES = countries.OTS_STATES
name = countries.name
st.title(_("Labour migration and remittances"))
st.caption(_("What labour migrants send home, as a share of the economy and in dollars; where the money "
             "comes from; and the figures governments report on migrant workers. Dotted lines mark the "
             "group's meetings, so figures and decisions share one time axis."))
meetings = load(measures.meetings)
# One choice for both data sets: the latest WDI vintage and remittance matrix, or the previous ones.
which = editions.choose((common.WDI, common.REMITTANCE_MATRIX), container=st.columns([2, 1])[0])
WDI_EDITION = editions.of(common.WDI, which)
MATRIX_EDITION = editions.of(common.REMITTANCE_MATRIX, which)
MATRIX_YEAR = editions.years_text(MATRIX_EDITION).split("–")[-1]

# --- where each state stands now
years = load(queries.remittance_years, WDI_EDITION)
years = [int(y) for y in years.loc[years["economies_with_share"] > 0, "year"]]
st.caption(_("Personal remittances received, as a share of GDP ({source})").format(
    source=editions.source_line(WDI_EDITION)))
view.show_remittances_now(load(queries.latest_remittances, STATES, WDI_EDITION).set_index("iso3"), years[-1])


# --- one section at a time: each chart costs the reader's browser about as much as a small page; the
# section is kept in the URL (?section=) so a link opens the same view.
def remittances_section() -> None:
    """Remittances received over time by the chosen countries."""
    st.subheader(_("Remittances received, {years}").format(years=editions.years_text(WDI_EDITION)))
    left, right = st.columns([1, 2])
    measure = url_state.radio(_("Show"), charts.MEASURES, key="measure", horizontal=True, container=left,
                              format_func=view.measure_label)
    chosen = url_state.multiselect(_("Countries"), countries.choices(include_groups=False), key="countries",
                                   default=STATES, format_func=name, container=right)
    series = load(queries.remittances_over_time, tuple(chosen), WDI_EDITION)
    if not chosen:
        ui.empty(_("Choose at least one country to see its remittances."))
    else:
        missing = [name(c) for c, rows in series.groupby("iso3") if rows["remittances_received_usd"].isna().all()]
        ui.chart(figure(charts.remittance_lines, series, measure, meetings, name),
                 charts.remittance_table(series, name), view.remittances_meta(WDI_EDITION, measure, chosen),
                 key="remittance_lines")
        if missing:
            st.caption(_("Not reported at all: {countries}.").format(countries=", ".join(missing)))


def dependence_section() -> None:
    """The economies most dependent on remittances in one year, and the OTS states."""
    st.subheader(_("The most remittance-dependent economies"))
    year = url_state.slider(_("Year"), years, key="year", default=years[-1], container=st.columns([1, 2])[0])
    ranked = load(queries.most_dependent_economies, year, 10, STATES, WDI_EDITION)
    ui.chart(figure(charts.dependence_bars, ranked, STATES, name), charts.dependence_table(ranked, name),
             view.dependence_meta(WDI_EDITION, year, ranked), key="dependence")


def corridors_section() -> None:
    """The World Bank/KNOMAD estimates of who sends the money, in the chosen matrix."""
    year = MATRIX_YEAR
    st.subheader(_("Where the money comes from: estimated corridors, {year}").format(year=year))
    flows = load(queries.corridors_into, STATES, 5, MATRIX_EDITION)
    ui.chart(figure(charts.corridor_sankey, flows, name, year), charts.corridor_flow_table(flows, name, year),
             view.sankey_meta(MATRIX_EDITION, year), key="sankey")
    left, right = st.columns([1, 1])
    state = url_state.select(_("Country"), STATES, key="corridor", format_func=name, container=left)
    direction = url_state.radio(_("Direction"), ("received", "sent"), key="direction", horizontal=True, container=right,
                                format_func=view.direction_label)
    corridors = load(queries.remittance_corridors, state, direction, MATRIX_EDITION)
    if corridors.empty:
        ui.empty(_("The {year} estimates hold no corridor for {country} in this direction.").format(
            year=year, country=name(state)))
    else:
        ui.chart(figure(charts.corridor_bars, corridors, state, direction, name),
                 charts.corridor_table(corridors, state, direction, name),
                 view.corridors_meta(MATRIX_EDITION, state, direction, year), key="corridor_bars")


def labour_section() -> None:
    """The labour-migration figures governments report."""
    st.subheader(_("Labour migration as reported"))
    kinds = set(load(queries.labour_groups)["indicator_group"])
    present = [g for g in charts.LABOUR_ORDER if g in kinds] + sorted(kinds - set(charts.LABOUR_ORDER))
    group = url_state.radio(_("Kind of figure"), present, key="kind", horizontal=True,
                            format_func=texts.group_label) if present else None
    figures = load(queries.labour_figures, (group,)) if group else None
    if figures is None or figures.empty:
        ui.empty(_("No labour-migration figures have been reported yet. Member states can add them on the "
                   "“Submit figures” page."))
    else:
        ui.chart(figure(charts.labour_bars, figures, name), charts.labour_table(figures, name),
                 view.labour_meta(load(common.source_of, "reported_figures"), group), key="labour_bars")
        st.dataframe(charts.labour_table(figures, name).drop(columns=[_("Value"), _("Unit"), _("Qualifier")]),
                     hide_index=True, width="stretch", column_config=ui.source_links())


SECTIONS = {
    "remittances": (N_("Remittances over time"), remittances_section),
    "dependence": (N_("Most dependent economies"), dependence_section),
    "corridors": (N_("Remittance corridors"), corridors_section),
    "labour": (N_("Labour migration as reported"), labour_section),
}
ui.one_section_at_a_time(SECTIONS)
