"""The Labour migration and remittances page's words: each state's remittances now as cards, and what each
chart's export says it is (title, edition, filters, caveat)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from app import countries, editions
from app.charts import common as texts
from app.charts import labour as charts
from app.export import ChartMeta
from app.i18n import _

name = countries.name


def show_remittances_now(latest: pd.DataFrame, last_year: int) -> None:
    """One card per member and observer state: remittances received as a share of GDP, and in dollars, now (a
    figure more than two years older than the series is not "now")."""
    for codes in (countries.MEMBERS, countries.OBSERVERS):
        for column, code in zip(st.columns(len(countries.MEMBERS)), codes):
            current, share, amount, when = charts.remittances_now(latest.loc[code], last_year)
            box = column.container(border=True)
            box.markdown(f"{texts.md_escape(name(code))}  \n**{texts.md_escape(share)}**")
            box.caption(_("{amount} in {year}").format(amount=amount, year=when) if current else when)


def measure_label(measure: str) -> str:
    return _("Share of GDP") if measure == "share" else _("US$")


def remittances_meta(edition: str, measure: str, chosen: list[str]) -> ChartMeta:
    return editions.meta(edition, _("Remittances received, share of GDP") if measure == "share" else
                         _("Remittances received, US$ million"), "remittances-over-time",
                         ((_("Countries"), ", ".join(name(c) for c in chosen)),),
                         data_date=editions.years_text(edition),
                         caveat=_("Gaps are years with no figure, never zero. Turkmenistan publishes no "
                                  "balance-of-payments data: its remittances are not reported. The share of "
                                  "GDP is computed here, on the same vintage's GDP, and can differ from the "
                                  "World Bank's own series by a few tenths of a point; a later vintage can "
                                  "revise a year's share."))


def dependence_meta(edition: str, year: int, ranked: pd.DataFrame) -> ChartMeta:
    return editions.meta(edition, _("Remittances as a share of GDP: the ten highest, and the OTS states, {year}")
                         .format(year=year), "remittance-dependence", ((_("Year"), str(year)),),
                         data_date=str(year),
                         caveat=_("Rank among the {count} economies with a figure for {year}; economies without "
                                  "one (Turkmenistan among them) are not ranked.").format(
                             count=int(ranked["ranked_economies"].max()), year=year))


def corridor_caveat() -> str:
    return _("Estimates by the World Bank (Ratha–Shaw method) from migrant stocks and incomes, not "
             "reported transfers; informal channels are missed. For Uzbekistan (and in 2017 Turkmenistan) "
             "the method gives the whole inflow to Russia: an artefact, not a measurement.")


def sankey_meta(edition: str, year: str) -> ChartMeta:
    return editions.meta(edition, _("Estimated remittances into the OTS states by sending country, {year}")
                         .format(year=year), f"remittance-corridors-{year}", data_date=year, caveat=corridor_caveat())


def direction_label(direction: str) -> str:
    return _("Received from") if direction == "received" else _("Sent to")


def corridors_meta(edition: str, state: str, direction: str, year: str) -> ChartMeta:
    title = (_("Remittances received by {country} by sending country, {year}") if direction == "received" else
             _("Remittances sent from {country} by receiving country, {year}")).format(country=name(state), year=year)
    return editions.meta(edition, title, f"remittances-{state.lower()}-{direction}-{year}",
                         ((_("Country"), name(state)),), data_date=year, caveat=corridor_caveat())


def labour_meta(sources: pd.DataFrame, group: str) -> ChartMeta:
    return texts.chart_meta(sources, _("Labour migration: {kind}, as reported").format(kind=texts.group_label(group)),
                            f"labour-{group}", ((_("Kind of figure"), texts.group_label(group)),),
                            caveat=_("{kind}: {meaning}. Each bar is one figure as its source reported it, at "
                                     "its own date and in its own unit; figures are not added up.").format(
                                kind=texts.group_label(group), meaning=texts.group_explanation(group)))
