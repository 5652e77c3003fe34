"""Page: citizens stranded abroad and brought home in 2020, by nationality and country of stay."""
import streamlit as st

from app import countries, ui, url_state
from app.cached import figure, load
from app.charts import common as texts
from app.charts import stranded as charts
from app.i18n import N_, _, fmt_date
from app.queries import common, measures
from app.queries import stranded as queries
from app.views import stranded as view

ALL = view.ALL
st.title(_("Citizens stranded abroad and brought home, 2020"))
st.caption(_("Figures reported by IOM, governments and news agencies during the pandemic. Each is a count "
             "at a date, often “at least” or “about”: it is shown as reported, with its date and a link to "
             "its source, and figures are never added up, because later counts include earlier ones."))

# --- the world, as IOM counted it
view.show_world(load(queries.global_stranded_figures))

# --- filters, kept in the link
values = load(queries.stranded_filter_values)
if values.empty:
    ui.empty(_("No figures on stranded or repatriated citizens have been reported yet. Member states can add them "
               "on the “Submit figures” page."))
    st.stop()
left, middle, right = st.columns([1, 1, 2])
nationality = url_state.select(
    _("Nationality"), [ALL, *dict.fromkeys([*countries.OTS_STATES, *values["nationality_iso3"]])], key="nationality",
    format_func=view.nationality_label, container=left)
location = url_state.select(_("Country of stay"), view.stays(values), key="stay", container=middle,
                            format_func=view.stay_label)
present = [g for g in texts.GROUP_ORDER if g in set(values["indicator_group"])]
groups = url_state.multiselect(_("Kind of figure"), present, key="kind", default=present,
                               format_func=texts.group_label, container=right)
dates = sorted(values["as_of"].dropna().dt.date.unique())
left, middle, _spacer = st.columns([1, 1, 2])
date_from = url_state.select(_("Dated from"), dates, key="from", default=dates[0] if dates else None,
                             format_func=fmt_date, container=left)
date_to = url_state.select(_("Dated until"), [d for d in dates if d >= date_from], key="until",
                           default=dates[-1], format_func=fmt_date, container=middle) if dates else None
view.explain_kinds(present)

args = (None if nationality == ALL else nationality, None if location == ALL else location, tuple(groups),
        date_from, date_to)
figures = load(queries.stranded_figures, *args)
latest = load(queries.latest_stranded_figures, *args)
meetings = load(measures.meetings)
sources = load(common.source_of, "reported_figures")
filters = view.filters(nationality, location, groups, date_from, date_to)
period = view.period_text(date_from, date_to)
if figures.empty:
    view.explain_empty(nationality, values)
    st.stop()


# --- one section at a time: the map and each chart cost the reader's browser about as much as a small page;
# the section is kept in the URL (?section=) so a link opens the same view.
def map_section() -> None:
    """Where the citizens were and where they belong: arcs and circles on the map."""
    st.subheader(_("Where they were, and where they belong"))
    on_map = charts.map_frame(latest, countries.name)
    if on_map.empty:
        ui.empty(_("None of the figures chosen can be placed on the map: context figures have no country pair, "
                   "and undated figures have no “latest”. The section “Figures and sources” lists them."))
    else:
        st.markdown(charts.legend_html(on_map["indicator_group"]), unsafe_allow_html=True)
        ui.deck_map(charts.stranded_deck(on_map), charts.map_table(on_map, countries.name),
                    view.meta("map", sources, filters, period), key="stranded_map", height=520,
                    static_figure=lambda: charts.stranded_static_map(on_map, countries.name))


def ranking_section() -> None:
    """The latest figure for each nationality and country of stay, one panel per kind."""
    st.subheader(_("Latest figure for each nationality and country of stay"))
    ranked = latest[latest["indicator_group"].isin(charts.RANKED_GROUPS)]
    if ranked.empty:
        ui.empty(_("There is no dated figure of these kinds to rank. Add “Stranded”, “Repatriated” or another "
                   "kind."))
    else:
        ui.chart(figure(charts.ranked_figures, ranked, countries.name), charts.figures_table(ranked, countries.name),
                 view.meta("ranking", sources, filters, period), key="stranded_ranking")


def timeline_section() -> None:
    """Every dated figure over 2020, per nationality, with the group's meetings."""
    st.subheader(_("Every dated figure, per nationality"))
    dated = figures.dropna(subset=["as_of"])
    if dated.empty:
        ui.empty(_("None of the figures chosen has a date. Choose more kinds of figure or all nationalities."))
    else:
        ui.chart(figure(charts.stranded_timeline, dated, meetings, countries.name),
                 charts.figures_table(dated, countries.name), view.meta("timeline", sources, filters, period),
                 key="stranded_timeline")


def table_section() -> None:
    """The figures themselves with their sources, dated or not."""
    st.subheader(_("The figures and their sources"))
    table = charts.figures_table(figures, countries.name)
    undated = int(figures["as_of"].isna().sum())
    if undated:
        st.caption(_("{count} figure(s) without a date are listed here whatever the dates chosen; they are not on "
                     "the map, the ranking or the timeline.").format(count=undated))
    st.dataframe(table.drop(columns=[_("Value"), _("Qualifier")]), hide_index=True, width="stretch", height=460,
                 column_config=ui.source_links())
    ui.export_buttons(view.meta("table", sources, filters, period), table, None, key="stranded_table")


SECTIONS = {
    "map": (N_("Map"), map_section),
    "ranking": (N_("Latest figures"), ranking_section),
    "timeline": (N_("Timeline"), timeline_section),
    "table": (N_("Figures and sources"), table_section),
}
ui.one_section_at_a_time(SECTIONS)
