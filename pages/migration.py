"""Page: migrant stocks (UN DESA) and estimated flows (Abel-Cohen) as corridors on a map, ranked, among OTS
states, and over time for one corridor."""
import streamlit as st

from app import countries, editions, ui, url_state
from app.cached import figure, load
from app.charts import migration as charts
from app.charts import stock_types
from app.i18n import _
from app.queries import common
from app.queries import migration as queries
from app.views import migration as view
from app.views import revisions

st.title(_("Migration: stocks and flows"))
st.caption(_("Where people from the member and observer states live, and where they come from: the United "
             "Nations' counts of migrants (stocks) or model estimates of moves over five years (flows)."))

# --- controls, all kept in the link
labels = view.labels_of
shown_view = url_state.radio(_("View"), view.VIEWS, key="view", horizontal=True, label_visibility="collapsed",
                             format_func=labels(view.VIEWS, view.view_label))
if shown_view == view.REVISIONS:
    revisions.draw()
    st.stop()
row1 = st.columns([1.1, 1.6, 0.9, 0.8])
measure = url_state.select(_("Data"), queries.MEASURES, key="data", container=row1[0],
                           format_func=labels(queries.MEASURES, view.measure_label))
is_flow = measure == queries.FLOW
row2 = st.columns([1.1, 1.6, 1.7, 1.6])
# The stocks' edition (latest by default); flows have one, computed from the 2020 edition's stocks.
which = editions.choose((common.STOCK,), container=row2[3]) if not is_flow else editions.LATEST
edition = editions.of(common.STOCK, which) if not is_flow else editions.of(common.FLOWS)
times = load(queries.periods, measure, edition)
when = url_state.slider(_("Period") if is_flow else _("Year"), list(times["time"]),
                        key="period" if is_flow else "year",
                        format_func=view.time_formatter(times, is_flow), container=row1[1])
sex = url_state.select(_("Sex"), queries.SEXES, key="sex", container=row1[2],
                       format_func=labels(queries.SEXES, view.sex_label))
top = url_state.select(_("Corridors shown"), view.TOP_CHOICES, key="top", default=15, container=row1[3])
direction = url_state.select(_("Show"), queries.DIRECTIONS, key="dir", container=row2[0],
                             format_func=labels(queries.DIRECTIONS, view.direction_label))
choices = countries.choices()
focus = url_state.select(_("Country or group"), choices, key="focus", default=countries.GROUP_MEMBERS,
                         format_func=labels(choices, countries.name), container=row2[1])
scope = url_state.select(_("Partners"), view.SCOPES, key="partners", default=view.ALL, container=row2[2],
                         format_func=labels(view.SCOPES, view.scope_label))

selection = view.Selection(measure, when, sex, focus, direction, top, scope, times, edition)
corridors = load(queries.corridors, measure, when, sex, countries.members_of(focus), direction,
                 view.partner_codes(scope), view.kept_apart(scope), edition)
if corridors.empty:
    view.explain_empty(selection, load(queries.times_with_corridors, measure, sex, countries.members_of(focus),
                                       direction, edition))
    st.stop()

shown, nodes = view.map_data(corridors, top)
sources = load(queries.source, measure, edition)
# For a year both editions cover, the previous edition's figures beside the latest: what the UN revised. Only for
# the OTS states as focus: the previous edition's copy holds their corridors, not every other country's.
before = view.previous_of(selection)
if before and when in set(load(queries.periods, measure, before)["time"]) and all(
        code in countries.OTS_STATES for code in countries.members_of(focus)):
    shown = view.with_previous(shown, load(queries.corridors, measure, when, sex, countries.members_of(focus),
                                           direction, view.partner_codes(scope), view.kept_apart(scope), before))

# --- the map, and beside it one of: the ranked corridors, the Sankey among OTS states, one corridor's series
st.subheader(selection.heading())
left, right = st.columns([3, 2], gap="medium")
with left:
    view.draw_map(shown, nodes, selection, sources)
with right:
    beside = url_state.radio(_("Beside the map"), view.BESIDE, key="beside", horizontal=True,
                             format_func=labels(view.BESIDE, view.beside_label))
    if beside == view.RANKED:
        ui.chart(figure(charts.ranked_corridors, shown, "origin" if direction == queries.FROM else "destination",
                        view.value_title(selection),
                        editions.row(before)["title"] if "previous_persons" in shown else ""),
                 view.corridor_table(shown, selection),
                 view.meta(selection, sources, _("Largest corridors"), "largest-corridors",
                           " ".join(t for t in (view.caveat(selection), stock_types.footnote(shown)) if t)),
                 key="ranked")
    elif beside == view.AMONG_OTS:
        links = load(queries.corridors_among, measure, when, sex, countries.OTS_STATES, edition)
        if links.empty:
            ui.empty(_("No corridor between member and observer states has people in it for this year and sex. "
                       "Choose another year or “Both sexes”."))
        else:
            ui.chart(figure(charts.ots_sankey, links, countries.name, view.value_title(selection)),
                     view.links_table(links, selection),
                     view.meta(selection, sources, _("Among member and observer states"), "ots-sankey",
                               view.caveat(selection), focus_filters=False),
                     key="sankey")
    else:
        pairs = view.corridor_choices(shown)
        if not pairs:
            ui.empty(_("The corridors shown all lead to grouped regions. Choose “All countries” as partners to "
                       "follow one corridor over time."))
        else:
            pair = url_state.select(_("Corridor"), pairs, key="corridor",
                                    format_func=labels(pairs, view.pair_label))
            origin, destination = pair.split(">")
            series = load(queries.corridor_series, measure, origin, destination, edition)
            # Beside the latest stocks, the previous edition's figures for the same corridor: what the UN revised.
            before = (editions.of(common.STOCK, editions.PREVIOUS)
                      if not is_flow and editions.is_latest(edition) else None)
            previous = load(queries.corridor_series, measure, origin, destination, before) if before else None
            before_name = editions.row(before)["title"] if before else ""
            ui.chart(figure(charts.corridor_series_chart, series, view.sex_names(), view.value_title(selection),
                            is_flow, previous, before_name),
                     view.series_table(series, origin, destination, is_flow, edition, previous, before_name),
                     view.meta(selection, sources, view.pair_label(pair), "corridor-series",
                               view.series_caveat(selection), focus_filters=False, whole_series=True),
                     key="series")
