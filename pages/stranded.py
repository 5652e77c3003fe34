"""Page: citizens stranded abroad and brought home in 2020, by nationality and country of stay."""
import streamlit as st

from app import countries, ui, url_state
from app.cached import figure, load
from app.charts import common as texts
from app.charts import stranded as charts
from app.i18n import N_, _, fmt_date
from app.queries import common, measures
from app.queries import stranded as queries

ALL = "all"
st.title(_("Citizens stranded abroad and brought home, 2020"))
st.caption(_("Figures reported by IOM, governments and news agencies during the pandemic. Each is a count "
             "at a date, often “at least” or “about”: it is shown as reported, with its date and a link to "
             "its source, and figures are never added up, because later counts include earlier ones."))

# --- the world, as IOM counted it
world = load(queries.global_stranded_figures)
for column, row in zip(st.columns(max(len(world), 1)), world.itertuples()):
    with column.container(border=True):
        st.markdown(f"**{texts.md_escape(texts.figure_text(row.value, row.qualifier, row.unit_base))}**")
        st.caption(texts.md_escape(texts.indicator_label(row.indicator)))
        st.caption(texts.md_link(texts.date_text(row.period_start, row.period_end, row.source_date),
                                 row.source_url) + " · " + texts.md_escape(row.source_publisher))

# --- filters, kept in the link
values = load(queries.stranded_filter_values)
if values.empty:
    ui.empty(_("No figures on stranded or repatriated citizens have been reported yet. Member states can add them "
               "on the “Submit figures” page."))
    st.stop()
left, middle, right = st.columns([1, 1, 2])
nationality = url_state.select(
    _("Nationality"), [ALL, *dict.fromkeys([*countries.OTS_STATES, *values["nationality_iso3"]])], key="nationality",
    format_func=lambda c: _("All nationalities") if c == ALL else countries.name(c), container=left)
stays = sorted(set(values["location_iso3"]) - {queries.SEVERAL_COUNTRIES} - set(countries.OTS_STATES),
               key=countries.name)
location = url_state.select(
    _("Country of stay"), [ALL, *countries.OTS_STATES, *stays, queries.SEVERAL_COUNTRIES], key="stay", container=middle,
    format_func=lambda c: {ALL: _("All countries"), queries.SEVERAL_COUNTRIES: _("Several or unnamed countries")}
    .get(c) or countries.name(c))
present = [g for g in texts.GROUP_ORDER if g in set(values["indicator_group"])]
groups = url_state.multiselect(_("Kind of figure"), present, key="kind", default=present,
                               format_func=texts.group_label, container=right)
dates = sorted(values["as_of"].dropna().dt.date.unique())
left, middle, _spacer = st.columns([1, 1, 2])
date_from = url_state.select(_("Dated from"), dates, key="from", default=dates[0] if dates else None,
                             format_func=fmt_date, container=left)
date_to = url_state.select(_("Dated until"), [d for d in dates if d >= date_from], key="until",
                           default=dates[-1], format_func=fmt_date, container=middle) if dates else None

with st.expander(_("Stranded, registered, repatriated, returned: what each kind counts"), expanded=False):
    st.markdown("\n".join(f"- **{texts.group_label(g)}**: {texts.group_explanation(g)}" for g in present))

args = (None if nationality == ALL else nationality, None if location == ALL else location, tuple(groups),
        date_from, date_to)
figures = load(queries.stranded_figures, *args)
latest = load(queries.latest_stranded_figures, *args)
meetings = load(measures.meetings)
sources = load(common.source_of, "reported_figures")
filters = ((_("Nationality"), countries.name(nationality) if nationality != ALL else _("All nationalities")),
           (_("Country of stay"), _("All countries") if location == ALL else
            _("Several or unnamed countries") if location == queries.SEVERAL_COUNTRIES else countries.name(location)),
           (_("Kind of figure"), ", ".join(texts.group_label(g) for g in groups)),
           (_("Dates"), f"{fmt_date(date_from)} – {fmt_date(date_to)}"))
period = f"{fmt_date(date_from)} – {fmt_date(date_to)}"

if figures.empty:
    if nationality != ALL and nationality not in set(values["nationality_iso3"]):
        ui.empty(_("No figures on citizens of {country} stranded abroad or brought home have been reported. A "
                   "member state can add them on the “Submit figures” page.").format(
            country=countries.name(nationality)))
    else:
        ui.empty(_("No reported figure matches these filters. Choose “All nationalities”, “All countries” or "
                   "more kinds of figure, or widen the dates."))
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
                    texts.chart_meta(sources, _("Citizens stranded and brought home: latest figure per country pair"),
                                     "stranded-map", filters, data_date=period, caveat=_(
                                         "Arcs run from the country of stay to the home country; circles mark figures "
                                         "for several countries at once. Width shows the latest figure of each kind "
                                         "for the pair: a size, not a sum.")),
                    key="stranded_map", height=520,
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
                 texts.chart_meta(sources, _("Latest reported figure per nationality and country of stay, by kind"),
                                  "stranded-ranking", filters, data_date=period, caveat=_(
                                      "Each panel ranks one kind of figure only, and only the latest figure for each "
                                      "pair: earlier figures are included in later ones. Bars of different panels are "
                                      "not comparable, and none may be added.")), key="stranded_ranking")


def timeline_section() -> None:
    """Every dated figure over 2020, per nationality, with the group's meetings."""
    st.subheader(_("Every dated figure, per nationality"))
    dated = figures.dropna(subset=["as_of"])
    if dated.empty:
        ui.empty(_("None of the figures chosen has a date. Choose more kinds of figure or all nationalities."))
    else:
        ui.chart(figure(charts.stranded_timeline, dated, meetings, countries.name),
                 charts.figures_table(dated, countries.name),
                 texts.chart_meta(sources, _("Reported figures on stranded and repatriated citizens over 2020"),
                                  "stranded-timeline", filters, data_date=period, caveat=_(
                                      "A dot is a figure at the date it refers to; a line before it shows the "
                                      "period it counts. Dotted lines mark the group's meetings. The scale is "
                                      "logarithmic.")),
                 key="stranded_timeline")


def table_section() -> None:
    """The figures themselves with their sources, dated or not."""
    st.subheader(_("The figures and their sources"))
    table = charts.figures_table(figures, countries.name)
    undated = int(figures["as_of"].isna().sum())
    if undated:
        st.caption(_("{count} figure(s) without a date are listed here whatever the dates chosen; they are not on "
                     "the map, the ranking or the timeline.").format(count=undated))
    links = {_("Link"): st.column_config.LinkColumn(_("Link"), display_text=r"https?://(?:www\.)?([^/?#]+)")}
    st.dataframe(table.drop(columns=[_("Value"), _("Qualifier")]), hide_index=True, width="stretch", height=460,
                 column_config=links)
    meta = texts.chart_meta(sources, _("Reported figures on stranded and repatriated citizens"), "stranded-figures",
                            filters, data_date=period)
    ui.export_buttons(meta, table, None, key="stranded_table")


SECTIONS = {
    "map": (N_("Map"), map_section),
    "ranking": (N_("Latest figures"), ranking_section),
    "timeline": (N_("Timeline"), timeline_section),
    "table": (N_("Figures and sources"), table_section),
}
ui.one_section_at_a_time(SECTIONS)
