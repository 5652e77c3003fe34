"""The Country profiles page's sections, each drawn for one country and choice of editions: migrants over time,
origins and destinations, corridors with the OTS states, remittances and their corridors, refugees, reported
figures and measures; and the headline cards above them.

Every number says its year and source; the page chooses the country, the editions and the section.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app import countries, editions, measures_evidence, ui, url_state
from app.cached import figure, load
from app.charts import common as texts
from app.charts import country as charts
from app.charts import labour as labour_charts
from app.charts import stock_types
from app.i18n import _
from app.queries import common, measures
from app.queries import country as queries
from app.queries import labour as labour_queries
from app.queries import refugees as refugee_queries
from app.queries import revisions as revision_queries

name = countries.name


@dataclass(frozen=True)
class Profile:
    """The country shown and the editions its sections read (the reader's choice of latest or previous)."""

    iso3: str
    stock: str
    matrix: str
    wdi: str
    flows: str
    meetings: pd.DataFrame

    @classmethod
    def of(cls, iso3: str, which: str) -> "Profile":
        return cls(iso3, editions.of(common.STOCK, which), editions.of(common.REMITTANCE_MATRIX, which),
                   editions.of(common.WDI, which), editions.of(common.FLOWS), load(measures.meetings))


def status_line(facts: pd.Series) -> str:
    """ "Member state of the Organization of Turkic States · Central Asia", escaped for markdown."""
    status = {"member": _("Member state of the Organization of Turkic States"),
              "observer": _("Observer state of the Organization of Turkic States")}.get(facts["ots_status"], "")
    # Subregion names are in the catalogue (the migration map groups partners by them).
    subregion = facts["subregion"]
    subregion = _(subregion) if texts.has_value(subregion) else None
    return " · ".join(texts.md_escape(t) for t in (status, subregion) if texts.has_value(t))


def show_headline(p: Profile, facts: pd.Series) -> None:
    """One card per headline figure, each with its year and source, and the immigrant count's data types."""
    last_year = int(load(labour_queries.remittance_years, p.wdi)["year"].max())
    cards = charts.headline(facts, load(labour_queries.latest_remittances, (p.iso3,), p.wdi).iloc[0], last_year,
                            {e: editions.short_name(e) for e in (p.stock, p.wdi, editions.of(common.UNHCR))})
    for column, (label, value, note) in zip(st.columns(len(cards)), cards):
        box = column.container(border=True)
        box.markdown(f"{texts.md_escape(label)}  \n**{texts.md_escape(value)}**")
        box.caption(texts.md_escape(note))
    marked = stock_types.footnote(facts.to_frame().T)  # the immigrant count's data types, if any
    if marked:
        st.caption(marked)


def chosen_year(p: Profile) -> int:
    """The year of the stock tables (a slider kept in the URL as ?year=, shared by two sections)."""
    years = [int(y) for y in load(queries.stock_years, p.stock)["year"]]
    return url_state.slider(_("Year"), years, key="year", default=years[-1], container=st.columns([1, 2])[0])


def migrants(p: Profile) -> None:
    """Immigrants and emigrants over time, by sex."""
    period = editions.years_text(p.stock)
    st.subheader(_("Immigrants and emigrants, {years}, by sex").format(years=period))
    stock = load(queries.stock_over_time, p.iso3, p.stock)
    # Shown beside the latest edition: what the previous one gave for the same years (the UN revised them).
    before = editions.of(common.STOCK, editions.PREVIOUS) if editions.is_latest(p.stock) else None
    previous = load(queries.stock_over_time, p.iso3, before) if before else None
    before_name = editions.row(before)["title"] if before else ""
    if stock.empty:
        ui.empty(_("UN DESA gives no migrant stock for {country}. Choose another country.").format(
            country=name(p.iso3)))
    else:
        footnote = stock_types.footnote(stock)
        ui.chart(figure(charts.stock_lines, stock, p.meetings, previous, before_name),
                 charts.stock_table(stock, p.iso3, name, p.stock, previous, before_name),
                 editions.meta(p.stock, _("Immigrants and emigrants of {country}, by sex")
                               .format(country=name(p.iso3)), f"migrants-{p.iso3.lower()}", data_date=period,
                               caveat=_("Stocks at mid-year, not flows. Emigrants are counted only where the "
                                        "country of residence reports origin, so diasporas in the Gulf states and "
                                        "China are largely missing.") + (" " + footnote if footnote else "")),
                 key="stock")
        if previous is not None:
            st.caption(charts.revision_note(stock, previous, name(p.iso3), editions.row(p.stock)["title"],
                                            before_name) + " " + _("The CSV gives both editions' figures, year by "
                                                                   "year; the hover, for both sexes."))


def partners(p: Profile) -> None:
    """The top countries of origin and of destination in one year."""
    year = chosen_year(p)
    only_ots = "" if p.iso3 in countries.OTS_STATES or editions.is_latest(p.stock) else " " + _(
        "Outside the OTS states, this edition holds only corridors with them.")
    titles = (_("Where its immigrants come from, {year}"), _("Where its emigrants live, {year}"))
    partners_of = {side: load(queries.top_partners, p.iso3, year, side, 10, p.stock)
                   for side in ("origins", "destinations")}
    shown = tuple(f"{c}>{p.iso3}" for c in partners_of["origins"]["partner_iso3"]) + tuple(
        f"{p.iso3}>{c}" for c in partners_of["destinations"]["partner_iso3"])
    revised, before_title = partner_revisions(p, year, shown)
    for column, side, title in zip(st.columns(2), ("origins", "destinations"), titles):
        with column:
            st.markdown(f"**{title.format(year=year)}**")
            partners = partners_of[side]
            if partners.empty:
                ui.empty(_("No figure for {year}.").format(year=year) + only_ots)
                continue
            colour = "#8C8C8C" if side == "origins" else texts.MEETING_COLOUR
            # Destinations each carry their own data types (marked); the origins share the country's own.
            marked = side == "destinations"
            footnote = stock_types.footnote(partners if marked else partners.head(1))
            before = revised[side]
            ui.chart(figure(charts.partner_bars, partners, colour, name, marked, before, before_title),
                     charts.partner_table(partners, p.iso3, side, name, p.stock, before, before_title),
                     editions.meta(p.stock, title.format(year=year) + f" — {name(p.iso3)}",
                                   f"{side}-{p.iso3.lower()}-{year}", data_date=str(year),
                                   caveat=_("Share of all the country's immigrants (or emigrants) that year. "
                                            "“Other or unknown”: migrants whose origin the destination does not "
                                            "report.") + only_ots + (" " + (_("The country's count: {types}").format(
                                                types=footnote) if not marked else footnote) if footnote else "")
                                   + (" " + revision_caveat(p, before_title) if before_title else "")),
                     key=f"partners_{side}")


def partner_revisions(p: Profile, year: int, shown: tuple[str, ...]) -> tuple[dict[str, dict[str, int]], str]:
    """Per side ("origins", "destinations"), the previous edition's figure of each partner the UN revised for
    `year` ({partner: persons}) among the corridors `shown` ("ORIGIN>DESTINATION"), and the previous edition's
    title; empty unless the latest edition is shown and the previous one covers the year. Reads what the revisions
    view computes (`corridor_revisions`). The previous edition's copy holds the corridors with an OTS state at one
    end: for another country, only those."""
    empty = {"origins": {}, "destinations": {}}
    before = editions.of(common.STOCK, editions.PREVIOUS) if editions.is_latest(p.stock) else None
    if before is None or int(year) not in {int(y) for y in load(revision_queries.revised_years, p.stock)["year"]}:
        return empty, ""
    found = load(revision_queries.corridor_revisions, (p.iso3,), int(year), None, p.stock, shown)
    found = found[found["status"] != "not estimated"]
    if p.iso3 not in countries.OTS_STATES:
        found = found[found["origin_iso3"].isin(countries.OTS_STATES) | found["destination_iso3"].isin(
            countries.OTS_STATES)]
    origins = found[found["destination_iso3"] == p.iso3]
    destinations = found[found["origin_iso3"] == p.iso3]
    return ({"origins": dict(zip(origins["origin_iso3"], origins["previous_persons"].astype(int))),
             "destinations": dict(zip(destinations["destination_iso3"], destinations["previous_persons"].astype(int)))},
            editions.row(before)["title"])


def revision_caveat(p: Profile, previous_title: str) -> str:
    text = _("The hover and the CSV give the figure of {edition} where the UN revised it.").format(
        edition=previous_title)
    if p.iso3 not in countries.OTS_STATES:
        text += " " + _("That edition's copy holds only the corridors with a member or observer state: for the "
                        "others, whether the UN revised them is not known here.")
    return text


def corridors(p: Profile) -> None:
    """Migrants between the country and each member and observer state in one year."""
    year = chosen_year(p)
    st.subheader(_("Corridors with the member and observer states, {year}").format(year=year))
    corridors = load(queries.corridors_with_states, p.iso3, countries.OTS_STATES, year, p.stock, p.matrix)
    if corridors.empty or corridors[["emigrants_there", "immigrants_from_there"]].isna().all().all():
        ui.empty(_("No migrants recorded between {country} and the member and observer states in {year}.")
                 .format(country=name(p.iso3), year=year))
    else:
        table = charts.corridor_table(corridors, p.iso3, name)
        ui.chart(figure(charts.corridor_pairs, corridors, p.iso3, name), table,
                 editions.meta((p.stock, p.flows, p.matrix),
                               _("Migrants between {country} and the OTS states, {year}")
                               .format(country=name(p.iso3), year=year), f"ots-corridors-{p.iso3.lower()}-{year}",
                               data_date=str(year),
                               caveat=_("— means none recorded. The table adds estimated flows (Abel and Cohen) "
                                        "and remittances (World Bank), both model estimates. The flows were computed "
                                        "from the UN's 2020 edition of the stocks, which its 2024 edition revised: "
                                        "they rest on older figures than the stocks beside them.")),
                 key="corridors")
        st.dataframe(charts.readable(table), hide_index=True, width="stretch")


def remittances(p: Profile) -> None:
    """Remittances received over time, as a share of GDP and in US dollars."""
    st.subheader(_("Remittances"))
    series = load(labour_queries.remittances_over_time, (p.iso3,), p.wdi)
    reported = series.dropna(subset=["remittances_received_usd"])
    if len(reported) < 3:  # nothing to draw over time: say what there is
        ui.empty(_("{country}'s remittances are not reported to the World Bank, which is not the same as zero.")
                 .format(country=name(p.iso3)) + " " + " ".join(
            _("{year}: {amount}.").format(year=int(r.year), amount=labour_charts.usd_text(r.remittances_received_usd))
            for r in reported.itertuples()))
    else:
        for column, measure in zip(st.columns(2), labour_charts.MEASURES):
            with column:
                ui.chart(figure(labour_charts.remittance_lines, series, measure, p.meetings, name),
                         labour_charts.remittance_table(series, name),
                         editions.meta(p.wdi, (_("Remittances received, share of GDP") if
                                       measure == "share" else _("Remittances received, US$ million")) +
                                       f" — {name(p.iso3)}", f"remittances-{measure}-{p.iso3.lower()}",
                                       data_date=editions.years_text(p.wdi),
                                       caveat=_("Gaps are years without a figure.")),
                         key=f"remittances_{measure}")


def remittance_corridors(p: Profile) -> None:
    """The World Bank's estimates of where remittances come from and go, in the chosen matrix."""
    year = editions.years_text(p.matrix).split("–")[-1]
    for column, direction in zip(st.columns(2), ("received", "sent")):
        with column:
            st.markdown("**{}**".format((_("Received from, {year} (estimate)") if direction == "received" else
                                         _("Sent to, {year} (estimate)")).format(year=year)))
            matrix = load(labour_queries.remittance_corridors, p.iso3, direction, p.matrix)
            if matrix.empty:
                ui.empty(_("The World Bank's {year} estimates hold no corridor for {country} in this direction.")
                         .format(year=year, country=name(p.iso3)))
                continue
            ui.chart(figure(labour_charts.corridor_bars, matrix, p.iso3, direction, name, limit=10),
                     labour_charts.corridor_table(matrix, p.iso3, direction, name),
                     editions.meta(p.matrix, _("Remittance corridors of {country}, {year}")
                                   .format(country=name(p.iso3), year=year),
                                   f"remittances-{direction}-{p.iso3.lower()}-{year}", data_date=year,
                                   caveat=_("Model estimates (Ratha–Shaw), not reported transfers.")),
                     key=f"corridors_matrix_{direction}")


def refugees(p: Profile) -> None:
    """Refugees the country hosts and refugees from it (UNHCR), over time and by country, never added to stocks."""
    st.subheader(_("Refugees (UNHCR)"))
    unhcr = editions.of(common.UNHCR)
    over_time = load(refugee_queries.refugees_over_time, p.iso3)
    if over_time.empty:
        ui.empty(_("UNHCR counts no refugees hosted by {country} or from it.").format(country=name(p.iso3)))
        return
    labels = {"hosted": _("Refugees hosted"),
              "refugees_from": _("Refugees from {country}").format(country=name(p.iso3)),
              "asylum_seekers_hosted": _("Asylum-seekers hosted"),
              "asylum_seekers_from": _("Asylum-seekers from {country}").format(country=name(p.iso3))}
    caveat = _("UNHCR's figures at year end; a hollow mark is provisional (2024: most likely mid-year). Many refugees "
               "are also counted in the UN's migrant stocks (where the destination adds them): the two are never added.")
    years = editions.years_text(unhcr)
    ui.chart(figure(charts.refugee_lines, over_time, labels, _("provisional")),
             charts.refugee_table(over_time, p.iso3, name, labels, editions.short_name(unhcr), _("yes"), _("no")),
             editions.meta(unhcr, _("Refugees hosted by and from {country}").format(country=name(p.iso3)),
                           f"refugees-{p.iso3.lower()}", data_date=years, caveat=caveat), key="refugees")
    year_options = [int(y) for y in over_time["year"]]
    provisional = set(over_time.loc[over_time["provisional"].astype(bool), "year"].astype(int))
    year = url_state.slider(_("Year"), year_options, key="refugee_year", default=year_options[-1],
                            format_func=lambda y: _("{year}, provisional").format(year=y) if y in provisional
                            else str(y), container=st.columns([1, 2])[0])
    titles = (_("Where the refugees it hosts come from, {year}"), _("Where its refugees have found asylum, {year}"))
    for column, side, title in zip(st.columns(2), refugee_queries.SIDES, titles):
        with column:
            shown = title.format(year=year)
            st.markdown(f"**{texts.md_escape(shown)}**")
            partners = load(refugee_queries.refugees_by_partner, p.iso3, side, year, 10)
            if partners.empty:
                ui.empty(_("No figure for {year}.").format(year=year))
                continue
            ui.chart(figure(charts.partner_bars, partners, "#8C8C8C" if side == "hosted" else texts.MEETING_COLOUR,
                            name),
                     charts.partner_table(partners, p.iso3, "origins" if side == "hosted" else "destinations", name,
                                          editions.short_name(unhcr)),
                     editions.meta(unhcr, f"{shown} — {name(p.iso3)}", f"refugees-{side}-{p.iso3.lower()}-{year}",
                                   data_date=_("{year}, provisional").format(year=year) if year in provisional
                                   else str(year),
                                   caveat=_("Share of all the refugees the country hosts (or of all its refugees "
                                            "abroad) that year. Origins “Other or unknown” and “Stateless” are "
                                            "UNHCR's.")), key=f"refugees_{side}")


def reported(p: Profile) -> None:
    """Figures reported on the country's citizens, and the agreed measures' status there."""
    st.subheader(_("Reported figures: stranded citizens and labour migration"))
    figures = load(queries.reported_figures_for, p.iso3)
    if figures.empty:
        ui.empty(_("No figure on citizens of {country}, or on people staying there, has been reported. Member states "
                   "can add figures on the “Submit figures” page.").format(country=name(p.iso3)))
    else:
        reported = charts.reported_table(figures, name)
        st.dataframe(reported.drop(columns=[_("Value"), _("Unit"), _("Qualifier")]), hide_index=True, width="stretch",
                     column_config=ui.source_links())
        ui.export_buttons(texts.chart_meta(load(common.source_of, "reported_figures"), _(
            "Reported figures on {country}").format(country=name(p.iso3)), f"reported-{p.iso3.lower()}"), reported,
            None, key="reported")

    # --- agreed measures
    st.subheader(_("Agreed measures and their status"))
    if p.iso3 not in countries.OTS_STATES:
        st.caption(_("The measures agreed by the Migration Coordination Group apply to its member and observer "
                     "states."))
    else:
        current = load(measures.current_status)
        mine = measures_evidence.localised(current[current["country_iso3"] == p.iso3])
        measure_rows = charts.measure_table(mine, load(measures.documents))
        st.dataframe(charts.coloured_statuses(measure_rows, mine["status"]), hide_index=True, width="stretch")
        ui.export_buttons(texts.chart_meta(load(common.source_of, "measure_status"), _(
            "Agreed measures: status in {country}").format(country=name(p.iso3)), f"measures-{p.iso3.lower()}"),
            measure_rows, None, key="measures")
