"""The Migration page's view "What the UN revised" (?view=revisions): the largest revisions of the UN's migrant
stocks that touch the member and observer states, as a table and a chart, with their exports.

The 2024 edition of International Migrant Stock re-estimated 1990-2020; readers who remember the 2020
edition's figures need to see what changed, by how much, and that it was the UN that changed it.
"""
from __future__ import annotations

import streamlit as st

from app import countries, editions, ui, url_state
from app.cached import figure, load
from app.charts import revisions as charts
from app.charts import stock_types
from app.i18n import N_, _
from app.queries import revisions as queries
from app.queries.common import STOCK

KINDS = {"corridors": N_("Corridors"), "immigrants": N_("Immigrants per country"),
         "emigrants": N_("Emigrants per country")}
STATUSES = {"revised": N_("revised"), "from zero": N_("zero in the previous edition"),
            "not estimated": N_("not estimated in the latest edition")}
TOP = (10, 20, 30, 50)


def status_label(status: str) -> str:
    return _(STATUSES[status]) if status in STATUSES else str(status)


def draw() -> None:
    latest = editions.of(STOCK)
    previous = editions.of(STOCK, editions.PREVIOUS)
    st.subheader(_("What the UN revised"))
    if previous is None:
        ui.empty(_("The database holds one edition of the UN's migrant stocks: there is nothing to compare."))
        return
    previous_name, latest_name = editions.row(previous)["title"], editions.row(latest)["title"]
    st.caption(_("{latest} re-estimated the years {previous} had given, not only added new ones. Each row sets a "
                 "figure of the previous edition beside the same figure of the latest: the change is the UN's, not "
                 "a change in the number of migrants.").format(latest=latest_name, previous=previous_name))
    years = [int(y) for y in load(queries.revised_years)["year"]]
    row = st.columns([1.2, 2, 0.8])
    kind = url_state.radio(_("Figures"), list(KINDS), key="kind", horizontal=True, container=row[0],
                           format_func=lambda k: _(KINDS[k]))
    year = url_state.slider(_("Year"), years, key="year", default=years[-1], container=row[1])
    top = url_state.select(_("Rows shown"), TOP, key="top", default=20, container=row[2])
    if kind == "corridors":
        found = load(queries.corridor_revisions, countries.OTS_STATES, year, top)
        title = _("Corridors of the member and observer states the UN revised most, {year}").format(year=year)
    else:
        found = load(queries.total_revisions, kind, countries.OTS_STATES + ("RUS",), year, top)
        title = (_("Immigrants the UN counts in each state, as revised, {year}") if kind == "immigrants" else
                 _("Emigrants the UN counts from each state, as revised, {year}")).format(year=year)
    if found.empty:
        ui.empty(_("The UN did not revise these figures for {year}: both editions give the same.").format(year=year))
        return
    previous_label = _("{edition} (previous)").format(edition=previous_name)
    latest_label = _("{edition} (latest)").format(edition=latest_name)
    table = charts.revision_table(found, countries.name, previous_label, latest_label, status_label)
    caveat = _("Rows: the largest revisions first, by their size in persons. Both sexes. “Not estimated”: the latest "
               "edition gives no figure for the pair (the UN found no basis), which is not zero.")
    footnote = stock_types.footnote(found)
    ui.chart(figure(charts.dumbbells, found, countries.name, previous_label, latest_label, _("Persons")), table,
             editions.meta((previous, latest), title, f"revisions-{kind}-{year}",
                           ((_("Figures"), _(KINDS[kind])), (_("Year"), str(year))), data_date=str(year),
                           caveat=caveat + (" " + footnote if footnote else "")), key="revisions")
    st.dataframe(table, hide_index=True, width="stretch")
