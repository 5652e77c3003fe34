"""Page: one country's profile — migrants, corridors with the OTS states, remittances, reported figures, measures."""
import streamlit as st

from app import countries, editions, measures_evidence, ui, url_state
from app.cached import figure, load
from app.charts import common as texts
from app.charts import country as charts
from app.charts import labour as labour_charts
from app.charts import stock_types
from app.i18n import N_, _
from app.queries import common, measures
from app.queries import country as queries
from app.queries import labour as labour_queries
from app.queries import refugees as refugee_queries

STATES = countries.OTS_STATES
name = countries.name
picker, chooser = st.columns([1, 2])
iso3 = url_state.select(_("Country"), countries.choices(include_groups=False), key="country",
                        default=countries.MEMBERS[0], format_func=name, container=picker,
                        help=_("Member and observer states first, then every other country."))
# One choice for every data set the profile reads: the latest editions, or the previous ones.
which = editions.choose((common.STOCK, common.REMITTANCE_MATRIX, common.WDI), container=chooser)
STOCK_EDITION = editions.of(common.STOCK, which)
MATRIX_EDITION = editions.of(common.REMITTANCE_MATRIX, which)
WDI_EDITION = editions.of(common.WDI, which)
FLOWS_EDITION = editions.of(common.FLOWS)
facts = load(queries.country_facts, iso3, STOCK_EDITION, MATRIX_EDITION).iloc[0]
st.title(name(iso3))
status = {"member": _("Member state of the Organization of Turkic States"),
          "observer": _("Observer state of the Organization of Turkic States")}.get(facts["ots_status"], "")
# Subregion names are in the catalogue (the migration map groups partners by them).
subregion = facts["subregion"]
subregion = _(subregion) if texts.has_value(subregion) else None
st.caption(" · ".join(texts.md_escape(t) for t in (status, subregion) if texts.has_value(t)))
meetings = load(measures.meetings)
source = {table: load(common.source_of, table) for table in ("reported_figures", "measure_status")}

if int(load(queries.data_coverage, iso3).iloc[0].sum()) == 0:
    ui.empty(_("The database holds no migration, remittance or reported figures for {country}: the UN, the World "
               "Bank and the reported figures do not cover it. Choose another country.").format(country=name(iso3)))
    st.stop()

# --- headline: every number with its year and source
last_year = int(load(labour_queries.remittance_years, WDI_EDITION)["year"].max())
cards = charts.headline(facts, load(labour_queries.latest_remittances, (iso3,), WDI_EDITION).iloc[0], last_year,
                        {e: editions.short_name(e) for e in (STOCK_EDITION, WDI_EDITION, editions.of(common.UNHCR))})
for column, (label, value, note) in zip(st.columns(len(cards)), cards):
    box = column.container(border=True)
    box.markdown(f"{texts.md_escape(label)}  \n**{texts.md_escape(value)}**")
    box.caption(texts.md_escape(note))
marked = stock_types.footnote(facts.to_frame().T)  # the immigrant count's data types, if any
if marked:
    st.caption(marked)


# --- one section at a time: each chart costs the reader's browser about as much as a small page, and the
# profile holds eight; the section is kept in the URL (?section=) so a link opens the same view.
def chosen_year() -> int:
    """The year of the stock tables (a slider kept in the URL as ?year=, shared by two sections)."""
    years = [int(y) for y in load(queries.stock_years, STOCK_EDITION)["year"]]
    return url_state.slider(_("Year"), years, key="year", default=years[-1], container=st.columns([1, 2])[0])


def migrants_section() -> None:
    """Immigrants and emigrants over time, by sex."""
    period = editions.years_text(STOCK_EDITION)
    st.subheader(_("Immigrants and emigrants, {years}, by sex").format(years=period))
    stock = load(queries.stock_over_time, iso3, STOCK_EDITION)
    # Shown beside the latest edition: what the previous one gave for the same years (the UN revised them).
    before = editions.of(common.STOCK, editions.PREVIOUS) if editions.is_latest(STOCK_EDITION) else None
    previous = load(queries.stock_over_time, iso3, before) if before else None
    before_name = editions.row(before)["title"] if before else ""
    if stock.empty:
        ui.empty(_("UN DESA gives no migrant stock for {country}. Choose another country.").format(country=name(iso3)))
    else:
        footnote = stock_types.footnote(stock)
        ui.chart(figure(charts.stock_lines, stock, meetings, previous, before_name),
                 charts.stock_table(stock, iso3, name, STOCK_EDITION, previous, before_name),
                 editions.meta(STOCK_EDITION, _("Immigrants and emigrants of {country}, by sex")
                               .format(country=name(iso3)), f"migrants-{iso3.lower()}", data_date=period,
                               caveat=_("Stocks at mid-year, not flows. Emigrants are counted only where the "
                                        "country of residence reports origin, so diasporas in the Gulf states and "
                                        "China are largely missing.") + (" " + footnote if footnote else "")),
                 key="stock")
        if previous is not None:
            st.caption(charts.revision_note(stock, previous, name(iso3), editions.row(STOCK_EDITION)["title"],
                                            before_name) + " " + _("The CSV gives both editions' figures, year by "
                                                                   "year; the hover, for both sexes."))


def partners_section() -> None:
    """The top countries of origin and of destination in one year."""
    year = chosen_year()
    only_ots = "" if iso3 in STATES or editions.is_latest(STOCK_EDITION) else " " + _(
        "Outside the OTS states, this edition holds only corridors with them.")
    titles = (_("Where its immigrants come from, {year}"), _("Where its emigrants live, {year}"))
    for column, side, title in zip(st.columns(2), ("origins", "destinations"), titles):
        with column:
            st.markdown(f"**{title.format(year=year)}**")
            partners = load(queries.top_partners, iso3, year, side, 10, STOCK_EDITION)
            if partners.empty:
                ui.empty(_("No figure for {year}.").format(year=year) + only_ots)
                continue
            colour = "#8C8C8C" if side == "origins" else texts.MEETING_COLOUR
            # Destinations each carry their own data types (marked); the origins share the country's own.
            marked = side == "destinations"
            footnote = stock_types.footnote(partners if marked else partners.head(1))
            ui.chart(figure(charts.partner_bars, partners, colour, name, marked),
                     charts.partner_table(partners, iso3, side, name, STOCK_EDITION),
                     editions.meta(STOCK_EDITION, title.format(year=year) + f" — {name(iso3)}",
                                   f"{side}-{iso3.lower()}-{year}", data_date=str(year),
                                   caveat=_("Share of all the country's immigrants (or emigrants) that year. "
                                            "“Other or unknown”: migrants whose origin the destination does not "
                                            "report.") + only_ots + (" " + (_("The country's count: {types}").format(
                                                types=footnote) if not marked else footnote) if footnote else "")),
                     key=f"partners_{side}")


def corridors_section() -> None:
    """Migrants between the country and each member and observer state in one year."""
    year = chosen_year()
    st.subheader(_("Corridors with the member and observer states, {year}").format(year=year))
    corridors = load(queries.corridors_with_states, iso3, STATES, year, STOCK_EDITION, MATRIX_EDITION)
    if corridors.empty or corridors[["emigrants_there", "immigrants_from_there"]].isna().all().all():
        ui.empty(_("No migrants recorded between {country} and the member and observer states in {year}.")
                 .format(country=name(iso3), year=year))
    else:
        table = charts.corridor_table(corridors, iso3, name)
        ui.chart(figure(charts.corridor_pairs, corridors, iso3, name), table,
                 editions.meta((STOCK_EDITION, FLOWS_EDITION, MATRIX_EDITION),
                               _("Migrants between {country} and the OTS states, {year}")
                               .format(country=name(iso3), year=year), f"ots-corridors-{iso3.lower()}-{year}",
                               data_date=str(year),
                               caveat=_("— means none recorded. The table adds estimated flows (Abel and Cohen) "
                                        "and remittances (World Bank), both model estimates. The flows were computed "
                                        "from the UN's 2020 edition of the stocks, which its 2024 edition revised: "
                                        "they rest on older figures than the stocks beside them.")),
                 key="corridors")
        st.dataframe(charts.readable(table), hide_index=True, width="stretch")


def remittances_section() -> None:
    """Remittances received over time, as a share of GDP and in US dollars."""
    st.subheader(_("Remittances"))
    series = load(labour_queries.remittances_over_time, (iso3,), WDI_EDITION)
    reported = series.dropna(subset=["remittances_received_usd"])
    if len(reported) < 3:  # nothing to draw over time: say what there is
        ui.empty(_("{country}'s remittances are not reported to the World Bank, which is not the same as zero.")
                 .format(country=name(iso3)) + " " + " ".join(
            _("{year}: {amount}.").format(year=int(r.year), amount=labour_charts.usd_text(r.remittances_received_usd))
            for r in reported.itertuples()))
    else:
        for column, measure in zip(st.columns(2), labour_charts.MEASURES):
            with column:
                ui.chart(figure(labour_charts.remittance_lines, series, measure, meetings, name),
                         labour_charts.remittance_table(series, name),
                         editions.meta(WDI_EDITION, (_("Remittances received, share of GDP") if
                                       measure == "share" else _("Remittances received, US$ million")) +
                                       f" — {name(iso3)}", f"remittances-{measure}-{iso3.lower()}",
                                       data_date=editions.years_text(WDI_EDITION),
                                       caveat=_("Gaps are years without a figure.")),
                         key=f"remittances_{measure}")


def remittance_corridors_section() -> None:
    """The World Bank's estimates of where remittances come from and go, in the chosen matrix."""
    year = editions.years_text(MATRIX_EDITION).split("–")[-1]
    for column, direction in zip(st.columns(2), ("received", "sent")):
        with column:
            st.markdown("**{}**".format((_("Received from, {year} (estimate)") if direction == "received" else
                                         _("Sent to, {year} (estimate)")).format(year=year)))
            matrix = load(labour_queries.remittance_corridors, iso3, direction, MATRIX_EDITION)
            if matrix.empty:
                ui.empty(_("The World Bank's {year} estimates hold no corridor for {country} in this direction.")
                         .format(year=year, country=name(iso3)))
                continue
            ui.chart(figure(labour_charts.corridor_bars, matrix, iso3, direction, name, limit=10),
                     labour_charts.corridor_table(matrix, iso3, direction, name),
                     editions.meta(MATRIX_EDITION, _("Remittance corridors of {country}, {year}")
                                   .format(country=name(iso3), year=year),
                                   f"remittances-{direction}-{iso3.lower()}-{year}", data_date=year,
                                   caveat=_("Model estimates (Ratha–Shaw), not reported transfers.")),
                     key=f"corridors_matrix_{direction}")


def refugees_section() -> None:
    """Refugees the country hosts and refugees from it (UNHCR), over time and by country, never added to stocks."""
    st.subheader(_("Refugees (UNHCR)"))
    unhcr = editions.of(common.UNHCR)
    over_time = load(refugee_queries.refugees_over_time, iso3)
    if over_time.empty:
        ui.empty(_("UNHCR counts no refugees hosted by {country} or from it.").format(country=name(iso3)))
        return
    labels = {"hosted": _("Refugees hosted"), "refugees_from": _("Refugees from {country}").format(country=name(iso3)),
              "asylum_seekers_hosted": _("Asylum-seekers hosted"),
              "asylum_seekers_from": _("Asylum-seekers from {country}").format(country=name(iso3))}
    caveat = _("UNHCR's figures at year end; a hollow mark is provisional (2024: most likely mid-year). Many refugees "
               "are also counted in the UN's migrant stocks (where the destination adds them): the two are never added.")
    years = editions.years_text(unhcr)
    ui.chart(figure(charts.refugee_lines, over_time, labels, _("provisional")),
             charts.refugee_table(over_time, iso3, name, labels, editions.short_name(unhcr), _("yes"), _("no")),
             editions.meta(unhcr, _("Refugees hosted by and from {country}").format(country=name(iso3)),
                           f"refugees-{iso3.lower()}", data_date=years, caveat=caveat), key="refugees")
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
            partners = load(refugee_queries.refugees_by_partner, iso3, side, year, 10)
            if partners.empty:
                ui.empty(_("No figure for {year}.").format(year=year))
                continue
            ui.chart(figure(charts.partner_bars, partners, "#8C8C8C" if side == "hosted" else texts.MEETING_COLOUR,
                            name),
                     charts.partner_table(partners, iso3, "origins" if side == "hosted" else "destinations", name,
                                          editions.short_name(unhcr)),
                     editions.meta(unhcr, f"{shown} — {name(iso3)}", f"refugees-{side}-{iso3.lower()}-{year}",
                                   data_date=_("{year}, provisional").format(year=year) if year in provisional
                                   else str(year),
                                   caveat=_("Share of all the refugees the country hosts (or of all its refugees "
                                            "abroad) that year. Origins “Other or unknown” and “Stateless” are "
                                            "UNHCR's.")), key=f"refugees_{side}")


def reported_section() -> None:
    """Figures reported on the country's citizens, and the agreed measures' status there."""
    st.subheader(_("Reported figures: stranded citizens and labour migration"))
    figures = load(queries.reported_figures_for, iso3)
    if figures.empty:
        ui.empty(_("No figure on citizens of {country}, or on people staying there, has been reported. Member states "
                   "can add figures on the “Submit figures” page.").format(country=name(iso3)))
    else:
        reported = charts.reported_table(figures, name)
        link = st.column_config.LinkColumn(_("Link"), display_text=r"https?://(?:www\.)?([^/?#]+)")
        st.dataframe(reported.drop(columns=[_("Value"), _("Unit"), _("Qualifier")]), hide_index=True, width="stretch",
                     column_config={_("Link"): link})
        ui.export_buttons(texts.chart_meta(source["reported_figures"], _("Reported figures on {country}").format(
            country=name(iso3)), f"reported-{iso3.lower()}"), reported, None, key="reported")

    # --- agreed measures
    st.subheader(_("Agreed measures and their status"))
    if iso3 not in STATES:
        st.caption(_("The measures agreed by the Migration Coordination Group apply to its member and observer "
                     "states."))
    else:
        current = load(measures.current_status)
        mine = measures_evidence.localised(current[current["country_iso3"] == iso3])
        measure_rows = charts.measure_table(mine, load(measures.documents))
        st.dataframe(charts.coloured_statuses(measure_rows, mine["status"]), hide_index=True, width="stretch")
        ui.export_buttons(texts.chart_meta(source["measure_status"], _("Agreed measures: status in {country}").format(
            country=name(iso3)), f"measures-{iso3.lower()}"), measure_rows, None, key="measures")


SECTIONS = {
    "migrants": (N_("Migrants over time"), migrants_section),
    "partners": (N_("Origins and destinations"), partners_section),
    "corridors": (N_("With the OTS states"), corridors_section),
    "remittances": (N_("Remittances"), remittances_section),
    "remittance_corridors": (N_("Remittance corridors"), remittance_corridors_section),
    "refugees": (N_("Refugees"), refugees_section),
    "reported": (N_("Reported figures and measures"), reported_section),
}
ui.one_section_at_a_time(SECTIONS)
