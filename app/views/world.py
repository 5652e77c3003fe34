"""The World map page's words, tables and decisions: what each indicator is called and how its values are written,
the rows of the map and of the table beside it (every country the data set covers, with its value or "not
reported"), what the UN revised, the caveats, the exports, and opening a country's profile from the map, the table
or the picker.

A country the data set covers without a figure for the year is "not reported": grey on the map, last in the
table, never zero. A country too small to have an outline at the shipped 1:110m scale (Bahrain, Singapore, ...)
is in the table like every other, marked as not drawn.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from app import countries, editions, ui, url_state
from app.cached import figure, load
from app.charts import maps, stock_types
from app.charts import world as charts
from app.charts.labour import usd_text
from app.export import ChartMeta, png_bytes
from app.i18n import N_, _, fmt_compact, fmt_int, fmt_percent
from app.queries import revisions as revision_queries
from app.queries import world as queries
from app.queries.common import STOCK, UNHCR, WDI

INDICATORS = queries.INDICATORS
_LABELS = {
    "immigrants": N_("Immigrants"),
    "emigrants": N_("Emigrants"),
    "immigrant_share": N_("Immigrants, share of the population"),
    "net_migration": N_("Net migration"),
    "remittances_received": N_("Remittances received, US$"),
    "remittances_share_gdp": N_("Remittances received, share of GDP"),
    "refugees_hosted": N_("Refugees hosted"),
}
# What a person sees in the legend's heading: the unit of the classes.
_UNITS = {
    "immigrants": N_("Migrants living in the country, persons"),
    "emigrants": N_("People born in the country living abroad, persons"),
    "immigrant_share": N_("Immigrants, {percent} of the population"),
    "net_migration": N_("Immigrants minus emigrants over the year, persons"),
    "remittances_received": N_("Personal remittances received, US$"),
    "remittances_share_gdp": N_("Personal remittances received, {percent} of GDP"),
    "refugees_hosted": N_("Refugees in the country at the end of the year, persons"),
}
# The profile's section that shows the indicator over time (pages/country.py, ?section=).
_PROFILE_SECTION = {"immigrants": "migrants", "emigrants": "migrants", "immigrant_share": "migrants",
                    "net_migration": "migrants", "remittances_received": "remittances",
                    "remittances_share_gdp": "remittances", "refugees_hosted": "refugees"}
# Indicators whose figure is a UN migrant stock count (or rests on one): what the UN revised applies.
_STOCK_COUNT = {"immigrants": "immigrants", "emigrants": "emigrants", "immigrant_share": "immigrants"}
PROFILE_PAGE = "pages/country.py"


def indicator_label(indicator: str) -> str:
    return _(_LABELS[indicator])


def worded(options, label) -> callable:
    """A control's format function with every label worded now, in the session's language: a widget may call it
    later, outside the session (tests do), where the language is not known."""
    words = {option: label(option) for option in options}
    return lambda option: words.get(option, str(option))


def dataset_of(indicator: str) -> str:
    return queries.dataset_of(indicator)


def value_text(indicator: str, value) -> str:
    """A value as the tooltip and the table write it: "2,089,797", "+12,345", "US$ 2.85 billion", "20.4 %"."""
    if value is None or pd.isna(value):
        return _("not reported")
    if indicator in ("immigrant_share", "remittances_share_gdp"):
        return fmt_percent(value, 1)
    if indicator == "remittances_received":
        return usd_text(value)
    if indicator == "net_migration":
        return ("+" if value > 0 else "−" if value < 0 else "") + fmt_int(abs(value))
    return fmt_int(value)


def limit_text(indicator: str):
    """How the legend writes a class limit: short ("5 млн", "2 %", "US$ 1 bn")."""
    if indicator in ("immigrant_share", "remittances_share_gdp"):
        return lambda value: fmt_percent(value, 0 if abs(value) >= 1 else 1)
    if indicator == "remittances_received":
        return lambda value: "US$ " + fmt_compact(value)
    if indicator == "net_migration":
        return lambda value: ("−" if value < 0 else "") + fmt_compact(abs(value))
    return fmt_compact


def scale_of(indicator: str, values: pd.Series) -> charts.Scale:
    return charts.diverging_scale(values) if indicator == "net_migration" else charts.sequential_scale(values)


def revised(indicator: str, year: int, edition: str) -> pd.DataFrame | None:
    """The previous edition's count beside the latest, per country, where the UN revised it (`iso3`,
    `previous_persons`, `previous_edition`), for a stock indicator of the latest edition in a year both editions
    cover; None otherwise. Reads what the revisions view computes (`queries.revisions.total_revisions`)."""
    kind = _STOCK_COUNT.get(indicator)
    if kind is None or not editions.is_latest(edition) or not editions.has_previous(STOCK):
        return None
    if int(year) not in {int(y) for y in load(revision_queries.revised_years, edition)["year"]}:
        return None
    return load(revision_queries.total_revisions, kind, None, int(year), None, edition)


def no_figure_text(indicator: str, year: int, covered: bool, source: str) -> str:
    if covered:
        return _("{indicator}: not reported for {year}. No figure, which is not zero.").format(
            indicator=indicator_label(indicator), year=year)
    return _("Not covered by {source}.").format(source=source)


def map_rows(figures: pd.DataFrame, covered: pd.DataFrame, indicator: str, year: int, edition: str,
             previous: pd.DataFrame | None) -> pd.DataFrame:
    """One row per country the data set covers and per other country with an outline: its value (NaN where not
    reported), the tooltip's title and lines, whether it has an outline, its rank and the columns of the table."""
    places = countries.table()
    statuses = dict(zip(places["iso3"], places["ots_status"]))
    place_codes = set(places.loc[places["kind"] == "place", "iso3"])
    shapes = set(maps.country_shapes())
    covered_codes = set(covered["iso3"])
    # Records by code, not pandas lookups row by row: a map has some 250 countries, and this runs on every rerun.
    by_code = figures.set_index("iso3").to_dict("index")
    before = dict(zip(previous["iso3"], previous["previous_persons"])) if previous is not None else {}
    previous_title = editions.row(previous["previous_edition"].iloc[0])["title"] if before else ""
    revised_text = (_("Immigrants revised by the UN from {before} ({edition})") if indicator == "immigrant_share"
                    else _("Revised by the UN from {before} ({edition})"))
    source, label, click = editions.short_name(edition), indicator_label(indicator), _(
        "Click to open the country's profile.")
    rows = []
    for code in sorted((covered_codes | set(by_code) | shapes) & place_codes):
        row = by_code.get(code)
        value = row["value"] if row is not None else float("nan")
        if row is not None:
            lines = [f"{label}: {value_text(indicator, value)}", _when(row, year), source,
                     *stock_types.meanings(row["basis_citizenship"], row["refugees_added"], row["imputed"])]
        else:
            lines = [no_figure_text(indicator, year, code in covered_codes, source)]
        if code in before:
            lines.append(revised_text.format(before=fmt_int(before[code]), edition=previous_title))
        lines.append(click)
        name = countries.name(code)
        rows.append({
            "iso3": code, "name": name, "value": value, "ots_status": statuses.get(code), "tip_title": name,
            "tip_body": "\n".join(lines), "drawn": code in shapes, "covered": code in covered_codes or row is not None,
            **{column: (row[column] if row is not None else None)
               for column in ("year", "provisional", "population_year", *stock_types.TYPES)},
            "previous_persons": before.get(code),
        })
    shown = pd.DataFrame(rows)
    shown["rank"] = shown["value"].rank(ascending=False, method="min").astype("Int64")
    return shown


def _when(row: pd.Series, year: int) -> str:
    """The year a figure is for, with what qualifies it: provisional (UNHCR 2024), another population year."""
    if _true(row["provisional"]):
        return _("{year}, provisional").format(year=year)
    if pd.notna(row["population_year"]) and int(row["population_year"]) != int(year):
        return _("{year}; population of {population_year}").format(year=year,
                                                                    population_year=int(row["population_year"]))
    return str(year)


def _true(value) -> bool:
    return value is True or (not isinstance(value, str) and pd.notna(value) and bool(value))


def heading(indicator: str, year: int) -> str:
    return _("{indicator}, {year}").format(indicator=indicator_label(indicator), year=year)


def source_caption(indicator: str, edition: str) -> str:
    """Which edition the map reads (and for the share of the population, which population)."""
    text = _("Source: {source}").format(source=editions.source_line(edition))
    if indicator == "immigrant_share":
        text += " · " + _("population: {source}").format(source=editions.source_line(editions.of(WDI)))
    return text


def caveat(indicator: str, year: int, shown: pd.DataFrame) -> str:
    """What the reader must know to read the map: never zero for "not reported", and the indicator's own caveats
    from the data's sources."""
    text = [_("Grey: no figure reported, which is not zero. Classes hold about as many countries each.")]
    if indicator in ("immigrants", "emigrants", "immigrant_share"):
        text.append(_("Stocks at mid-year, not flows: people living outside their country of birth (or "
                      "citizenship)."))
        if indicator == "emigrants":
            text.append(_("Emigrants are counted only where the country of residence reports their origin: "
                          "diasporas in the Gulf states and China are largely missing."))
        if indicator == "immigrant_share":
            text.append(_("The population is the UN's World Population Prospects (through the World Bank); for 2024 "
                          "the latest, of 2023."))
        note = stock_types.footnote(shown)
        if note:
            text.append(note)
    elif indicator == "net_migration":
        text.append(_("Orange: more people left than came; blue: more came. UN World Population Prospects "
                      "estimates, through the World Bank."))
    elif indicator in ("remittances_received", "remittances_share_gdp"):
        text.append(_("Turkmenistan publishes no balance-of-payments data: its remittances are not reported. "
                      "Zeros that a copy of the World Bank's data wrote for missing figures are shown as not "
                      "reported. The share of GDP is computed here, on the same vintage's GDP."))
    else:
        text.append(_("UNHCR's figures at the end of the year; 2024 is provisional (most likely mid-year). Many "
                      "refugees are also counted in the UN's migrant stocks: the two are never added."))
    if "previous_persons" in shown and shown["previous_persons"].notna().any():
        text.append(_("The hover and the CSV give the figure of the previous edition where the UN revised it."))
    return " ".join(text)


def meta(indicator: str, year: int, edition: str, caveat_text: str) -> ChartMeta:
    sources = (edition, editions.of(WDI)) if indicator == "immigrant_share" else (edition,)
    return editions.meta(sources, heading(indicator, year), f"world-{indicator.replace('_', '-')}-{year}",
                         ((_("Indicator"), indicator_label(indicator)), (_("Year"), str(year)),
                          (_("Edition"), editions.short_name(edition))), data_date=str(year), caveat=caveat_text)


def _table_rows(shown: pd.DataFrame) -> pd.DataFrame:
    """The countries the data set covers, largest value first, then those not reported (by name)."""
    return shown[shown["covered"]].sort_values(["rank", "name"], na_position="last").reset_index(drop=True)


def table(shown: pd.DataFrame, indicator: str, edition: str) -> pd.DataFrame:
    """Every country the data set covers, its value as a number (the CSV), the edition, the UN's data types,
    whether it is drawn, and the previous edition's figure where the UN revised it."""
    rows = _table_rows(shown)
    frame = pd.DataFrame({
        _("Rank"): rows["rank"], _("Country code"): rows["iso3"], _("Country"): rows["name"],
        indicator_label(indicator): rows["value"], _("Year"): rows["year"].astype("Int64"),
        _("Edition"): rows["value"].notna().map({True: editions.short_name(edition), False: ""}),
        _("On the map"): [_("yes") if drawn else _("too small to draw") for drawn in rows["drawn"]],
    })
    if indicator in _STOCK_COUNT:
        frame = frame.assign(**stock_types.table_columns(rows))
    if indicator == "immigrant_share":
        frame[_("Population year")] = rows["population_year"].astype("Int64")
    if indicator == "refugees_hosted":
        frame[_("Provisional")] = [(_("yes") if _true(p) else _("no")) if pd.notna(v) else ""
                                   for p, v in zip(rows["provisional"], rows["value"])]
    if rows["previous_persons"].notna().any():
        frame[_previous_column(indicator)] = rows["previous_persons"].astype("Int64")
    return frame


def _previous_column(indicator: str) -> str:
    previous = editions.row(editions.of(STOCK, editions.PREVIOUS))["title"]
    counted = _("Immigrants") if indicator == "immigrant_share" else indicator_label(indicator)
    return _("{figure}, as {edition} gave it").format(figure=counted, edition=previous)


def screen_table(shown: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """The table as the page shows it, in the rows' order of `table`: the value written the reader's way ("not
    reported" where missing), the UN's data types as marks beside the name (the caveat says what they mean);
    the rank sorts it by value."""
    rows = _table_rows(shown)
    marks = stock_types.row_marks(rows) if indicator in _STOCK_COUNT else [""] * len(rows)
    frame = pd.DataFrame({
        _("Rank"): rows["rank"], _("Country"): [f"{n} {m}".strip() for n, m in zip(rows["name"], marks)],
        indicator_label(indicator): [value_text(indicator, v) for v in rows["value"]],
        _("Year"): [_when(r, int(r["year"])) if pd.notna(r["value"]) else "" for r in rows.to_dict("records")],
        _("On the map"): [_("yes") if drawn else _("too small to draw") for drawn in rows["drawn"]],
    })
    if rows["previous_persons"].notna().any():
        frame[_previous_column(indicator)] = [fmt_int(v) if pd.notna(v) else "" for v in rows["previous_persons"]]
    return frame


def not_drawn_note(shown: pd.DataFrame, named: int = 6) -> str:
    """How many countries with a figure the map cannot draw at its scale, the largest named: they are in the table
    ("On the map": too small to draw)."""
    small = shown[~shown["drawn"] & shown["value"].notna()]
    if small.empty:
        return ""
    largest = small.sort_values("value", ascending=False, key=abs).head(named)["name"]
    return _("{count} countries and territories with a figure are too small to draw at this scale (among them "
             "{countries}): they are in the table.").format(count=len(small), countries=", ".join(largest))


def profile_params(code: str, indicator: str, which: str) -> dict[str, str | None]:
    """The Country profile's link for a country: its code, the section of the indicator, the same editions."""
    return {"country": code, "section": _PROFILE_SECTION[indicator],
            editions.URL_KEY: editions.PREVIOUS if which == editions.PREVIOUS else None}


def open_profile(code: str, indicator: str, which: str) -> None:
    url_state.open_page(PROFILE_PAGE, profile_params(code, indicator, which))


def draw_map(shown: pd.DataFrame, indicator: str, year: int, edition: str, which: str) -> None:
    """The map with its key, caveat and exports (CSV of every country, PNG of a static drawing made on click);
    a click on a country opens its profile."""
    values = shown.loc[shown["value"].notna(), "value"]
    scale = scale_of(indicator, values)
    labels = scale.labels(limit_text(indicator))
    names = (_("no figure reported"), _("member state"), _("observer state"))
    # "%" is kept out of the messages: the catalogue tools read it as a printf placeholder
    unit = _(_UNITS[indicator]).format(percent="%")
    st.markdown(charts.legend(scale, labels, unit, *names), unsafe_allow_html=True)
    deck = figure(charts.world_map, shown[["iso3", "tip_title", "tip_body", "value", "ots_status"]], scale)
    event = st.pydeck_chart(deck, height=charts.MAP_HEIGHT, key="world_map", on_select="rerun",
                            selection_mode="single-object")
    picked = _picked(event)
    if picked:
        open_profile(picked, indicator, which)
    chart_meta = meta(indicator, year, edition, caveat(indicator, year, shown))
    ui.caveat(chart_meta.caveat)
    labels_for_export = ui.export_labels()

    def png() -> bytes:
        return png_bytes(charts.world_snapshot(shown, scale, labels, *names), chart_meta, labels_for_export)

    ui.export_buttons(chart_meta, table(shown, indicator, edition), png, "world")


def _picked(event) -> str | None:
    """The country clicked on the map, if any (its code, from the feature's properties)."""
    try:
        objects = event.selection.objects.get(charts.LAYER_ID) or []
    except AttributeError:
        return None
    for obj in objects:
        code = (obj.get("properties") or {}).get("iso3") if isinstance(obj, dict) else None
        if isinstance(code, str):
            return code
    return None


def draw_table(shown: pd.DataFrame, indicator: str, which: str) -> None:
    """A picker opening a country's profile, and every country the data set covers, sortable; choosing a row opens
    its profile too."""
    codes = list(_table_rows(shown)["iso3"])
    chosen = st.selectbox(_("Open a country's profile"), sorted(codes, key=countries.name), index=None,
                          format_func=worded(codes, countries.name), placeholder=_("Choose a country"),
                          key="world_profile_picker")
    if chosen:
        open_profile(chosen, indicator, which)
    event = st.dataframe(screen_table(shown, indicator), hide_index=True, width="stretch", height=420,
                         on_select="rerun", selection_mode="single-row", key="world_table")
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    if rows:
        open_profile(codes[rows[0]], indicator, which)
    st.caption(_("Sort by any column; choose a row to open the country's profile."))
    note = not_drawn_note(shown)
    if note:
        st.caption(note)
