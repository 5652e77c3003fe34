"""The Briefing page's topics: for each, its headline figures (value, year, source, trend), one figure,
the figure's data and its export metadata; plus presentation mode and the meeting view.

`topics()` builds everything once per build, store version and language (the
figures are cached, so turning pages in a meeting costs nothing). The briefing
pack and the page use the same topics, so what is exported is what is shown.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import cached, countries, editions, measures_evidence, ui, url_state
from app.cached import load
from app.charts import briefing as charts
from app.charts import common as texts
from app.charts import measures as measure_charts
from app.export import ChartMeta
from app.i18n import _, fmt_date, fmt_int, fmt_number, fmt_percent
from app.queries import briefing as queries
from app.queries import uses_state
from app.queries import measures as measure_queries
from app.queries import refugees as refugee_queries
from app.queries import revisions as revision_queries
from app.queries.common import STOCK, UNHCR, WDI
from app.queries.figures import STATE_VIEW
from app.store.measures import COMMITTED, status_label
from app.views import measures as measures_view

REMITTANCE_STATES = ("KGZ", "UZB")
WORLD_INDICATOR = "migrants_stranded"
PRESENT_KEY = "present"
TOPIC_KEY = "topic"


@dataclass(frozen=True)
class Headline:
    """One large figure: what it counts, the number as the source gave it, its trend, its year and source."""

    label: str
    value: str
    delta: str | None = None
    delta_note: str | None = None
    arrow: str = "off"  # "up", "down" or "off"
    note: str = ""


@dataclass
class Topic:
    key: str
    title: str
    headlines: list[Headline]
    figure: go.Figure | None
    data: pd.DataFrame
    meta: ChartMeta
    remarks: list[str] = field(default_factory=list)
    short: str = ""                 # the topic's name on the selector
    lead: Headline | None = None    # its figure in the strip at the top (default: its first)


def _source(sources: pd.DataFrame, table: str) -> tuple[str, str]:
    """(source line, licence) of a table: its latest edition, with the publisher's release date, where it has
    editions; else its publisher and data set."""
    rows = sources[sources["table_name"] == table]
    if rows.empty:
        return "", ""
    row = rows.iloc[0]
    if isinstance(row.get("edition"), str):
        return editions.source_line(row["edition"]), str(row["licence"] or "")
    return f"{row['publisher']}, {row['dataset']}", str(row["licence"] or "")


def _short_source(sources: pd.DataFrame, table: str) -> str:
    """How a headline names its source: the edition ("UN DESA, International Migrant Stock 2024")."""
    rows = sources[sources["table_name"] == table]
    if table == "measure_status":
        return _("Migration Coordination Group documents and Secretariat records")
    if not rows.empty and isinstance(rows.iloc[0].get("short_source"), str):
        return rows.iloc[0]["short_source"]
    return _source(sources, table)[0]


def _arrow(change) -> str:
    if change is None or change != change or change == 0:
        return "off"
    return "up" if change > 0 else "down"


def _signed(value, digits: int | None = None) -> str:
    text = fmt_int(abs(value)) if digits is None else fmt_number(abs(value), digits)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


# ---------------------------------------------------------------- topics


def _edition_source(edition: str) -> tuple[str, str]:
    """(source line, licence) of one edition: "UN DESA, International Migrant Stock 2020 (released January 2021)"."""
    return editions.source_line(edition), editions.licence(edition)


def _diaspora(sources: pd.DataFrame, edition: str) -> Topic:
    members = countries.MEMBERS
    series = load(queries.stock_between, members, members, "total", edition)
    by_origin = load(queries.stock_between_by_origin, members, members, edition)
    source = editions.short_name(edition)
    title = _("Migrants from member states living in other member states")
    latest, previous, first = series.iloc[-1], series.iloc[-2], series.iloc[0]
    growth = 100 * (latest["persons"] - first["persons"]) / first["persons"] if first["persons"] else None
    top = by_origin[by_origin["year"] == latest["year"]].sort_values("persons", ascending=False).iloc[0]
    headlines = [
        Headline(_("Living in another member state"), fmt_int(latest["persons"]),
                 _signed(latest["persons"] - previous["persons"]),
                 _("since {year}").format(year=int(previous["year"])),
                 _arrow(latest["persons"] - previous["persons"]), f"{int(latest['year'])} · {source}"),
        Headline(_("Change since {year}").format(year=int(first["year"])),
                 ("+" if growth > 0 else "−" if growth < 0 else "") + fmt_percent(abs(growth), 1)
                 if growth is not None else "—",
                 _("from {value}").format(value=fmt_int(first["persons"])), None, _arrow(growth),
                 f"{int(first['year'])}–{int(latest['year'])} · {source}"),
        Headline(_("Largest group: born in {country}").format(country=countries.name(top["origin_iso3"])),
                 fmt_int(top["persons"]),
                 fmt_percent(100 * top["persons"] / latest["persons"], 0), _("of all"), "off",
                 f"{int(latest['year'])} · {source}"),
    ]
    figure = charts.stock_by_origin(by_origin, countries.name, _("Persons"))
    data = pd.DataFrame({_("Year"): by_origin["year"], _("Country of birth code"): by_origin["origin_iso3"],
                         _("Country of birth"): [countries.name(c) for c in by_origin["origin_iso3"]],
                         _("Persons living in another member state"): by_origin["persons"]})
    full, licence = _edition_source(edition)
    meta = ChartMeta(title=title, source=full, licence=licence,
                     data_date=_("{years}, mid-year").format(years=f"{int(first['year'])}–{int(latest['year'])}"),
                     filters=((_("Countries"), ", ".join(countries.name(c) for c in members)),),
                     caveat=_("Stocks, not flows: people counted by country of birth (or citizenship), not by "
                              "passport; origins reported only as “unknown” are missing."),
                     slug="briefing-diaspora")
    lead = Headline(_("Migrants from member states in other member states"), headlines[0].value,
                    headlines[0].delta, headlines[0].delta_note, headlines[0].arrow, headlines[0].note)
    return Topic("diaspora", title, headlines, figure, data, meta, short=_("Member states' migrants"), lead=lead,
                 remarks=_revision_remarks(series, edition))


def _revision_remarks(series: pd.DataFrame, edition: str) -> list[str]:
    """What the UN revised in the headline series: the previous edition's figure for the latest year both
    cover, beside this edition's (delegates remember the old figure)."""
    before = editions.row(edition)["previous_edition"]
    if not isinstance(before, str):
        return []
    members = countries.MEMBERS
    previous = load(queries.stock_between, members, members, "total", before).set_index("year")["persons"]
    now = series.set_index("year")["persons"]
    common = sorted(set(previous.index) & set(now.index))
    if not common or previous[common[-1]] == now[common[-1]]:
        return []
    year = common[-1]
    return [_("The UN revised this figure: {edition} gives {after} for {year}, where {previous} gave {before}. "
              "Figures of the two editions are never added or compared as a trend.").format(
        edition=editions.row(edition)["title"], after=fmt_int(now[year]), year=year,
        previous=editions.row(before)["title"], before=fmt_int(previous[year]))]


REFUGEE_HOST = "TUR"


def _refugees() -> Topic:
    """Refugees hosted by Türkiye (UNHCR), the largest refugee population of the member states: never added to the
    migrant stocks, which already count many of them."""
    series = load(refugee_queries.refugees_over_time, REFUGEE_HOST)
    series = series.dropna(subset=["hosted"])
    edition = series["edition"].iloc[-1] if not series.empty else editions.of(UNHCR)
    title = _("Refugees hosted by {country}").format(country=countries.name(REFUGEE_HOST))
    source = editions.short_name(edition)
    headlines = []
    if not series.empty:
        last, before = series.iloc[-1], (series.iloc[-2] if len(series) > 1 else None)
        year = int(last["year"])
        when = _("{year}, provisional").format(year=year) if bool(last["provisional"]) else str(year)
        headlines.append(Headline(
            _("Refugees in {country}").format(country=countries.name(REFUGEE_HOST)), fmt_int(last["hosted"]),
            _signed(last["hosted"] - before["hosted"]) if before is not None else None,
            _("since {year}").format(year=int(before["year"])) if before is not None else None,
            _arrow(last["hosted"] - before["hosted"]) if before is not None else "off", f"{when} · {source}"))
        origins = load(refugee_queries.refugees_by_partner, REFUGEE_HOST, "hosted", year, 1)
        if not origins.empty:
            top = origins.iloc[0]
            headlines.append(Headline(
                _("Largest group: from {country}").format(country=countries.name(top["partner_iso3"])),
                fmt_int(top["persons"]), fmt_percent(top["share_pct"], 0), _("of all"), "off", f"{when} · {source}"))
        if not pd.isna(last["asylum_seekers_hosted"]):
            headlines.append(Headline(_("Asylum-seekers in {country}").format(country=countries.name(REFUGEE_HOST)),
                                      fmt_int(last["asylum_seekers_hosted"]), note=f"{when} · {source}"))
    figure = charts.refugees_hosted(series, _("Refugees")) if not series.empty else None
    data = pd.DataFrame({_("Country code"): REFUGEE_HOST, _("Country"): countries.name(REFUGEE_HOST),
                         _("Year"): series["year"], _("Refugees hosted"): series["hosted"].astype("Int64"),
                         _("Asylum-seekers hosted"): series["asylum_seekers_hosted"].astype("Int64"),
                         _("Provisional"): [_("yes") if p else _("no") for p in series["provisional"]]})
    full, licence = _edition_source(edition)
    meta = ChartMeta(title=title, source=full, licence=licence,
                     data_date=f"{int(series['year'].min())}–{int(series['year'].max())}" if not series.empty else "",
                     caveat=_("UNHCR's refugees at year end; the last year is provisional (most likely mid-year). "
                              "Many refugees are also counted in the UN's migrant stocks: the two are never added."),
                     slug="briefing-refugees")
    lead = headlines[0] if headlines else None
    return Topic("refugees", title, headlines, figure, data, meta, short=_("Refugees"), lead=lead)


def _corridors(sources: pd.DataFrame, edition: str) -> Topic:
    largest = load(queries.largest_corridors, countries.OTS_STATES, 6, edition)
    source = editions.short_name(edition)
    title = _("Largest migration corridors involving OTS states")
    name = countries.name
    headlines = [
        Headline(f"{name(r.origin_iso3)} → {name(r.destination_iso3)}", fmt_int(r.persons),
                 _signed(r.persons - r.previous_persons) if r.previous_persons == r.previous_persons else None,
                 _("since {year}").format(year=int(r.previous_year)), _arrow(r.persons - r.previous_persons),
                 f"{int(r.year)} · {source}")
        for r in largest.head(3).itertuples()]
    latest_year = int(largest["year"].iloc[0]) if not largest.empty else ""
    revised, before_title = _corridor_revisions(largest, edition)
    figure = charts.largest_corridors(
        largest, name, str(latest_year), str(int(largest["previous_year"].iloc[0])) if not largest.empty else "",
        str(int(largest["first_year"].iloc[0])) if not largest.empty else "",
        [_("revised by the UN from {before} ({edition})").format(before=fmt_int(b), edition=before_title)
         if b is not None else "" for b in revised])
    data = pd.DataFrame({
        _("Origin code"): largest["origin_iso3"], _("Origin"): [name(c) for c in largest["origin_iso3"]],
        _("Destination code"): largest["destination_iso3"],
        _("Destination"): [name(c) for c in largest["destination_iso3"]],
        _("Year"): largest["year"], _("Persons"): largest["persons"],
        _("In {year}").format(year=int(largest["previous_year"].iloc[0]) if not largest.empty else ""):
            largest["previous_persons"].astype("Int64"),
        _("In {year}").format(year=int(largest["first_year"].iloc[0]) if not largest.empty else 1990):
            largest["first_persons"].astype("Int64")})
    if any(b is not None for b in revised):
        data[_("In {year}, as {edition} gave it").format(year=int(largest["previous_year"].iloc[0]),
                                                          edition=before_title)] = pd.array(revised, dtype="Int64")
    full, licence = _edition_source(edition)
    meta = ChartMeta(title=title, source=full, licence=licence, data_date=str(latest_year),
                     filters=((_("Corridors"), _("an OTS member or observer state at either end")),),
                     caveat=_("Bars: migrants living in the destination in the latest year; marks: the year "
                              "before it in the data (|) and the first year (○). Stocks, not flows. Migrants of "
                              "“other or unknown” origin are not a corridor: they are counted in each country's "
                              "total (Country profiles), not ranked here."),
                     slug="briefing-corridors")
    lead = None
    if headlines:
        first = headlines[0]
        lead = Headline(_("Largest corridor: {corridor}").format(corridor=first.label), first.value, first.delta,
                        first.delta_note, first.arrow, first.note)
    remarks = []
    if any(b is not None for b in revised):
        listed = "; ".join(_("{corridor}: {after}, where {edition} gave {before}").format(
            corridor=f"{name(r.origin_iso3)} → {name(r.destination_iso3)}", after=fmt_int(r.previous_persons),
            edition=before_title, before=fmt_int(b)) for r, b in zip(largest.itertuples(), revised) if b is not None)
        remarks.append(_("The UN revised the {year} figures (the marks |): {corridors}.").format(
            year=int(largest["previous_year"].iloc[0]), corridors=listed))
    return Topic("corridors", title, headlines, figure, data, meta, short=_("Largest corridors"), lead=lead,
                 remarks=remarks)


def _corridor_revisions(largest: pd.DataFrame, edition: str) -> tuple[list[int | None], str]:
    """For each corridor, the previous edition's figure for the year before the latest (the mark |) where the UN
    revised it, None where it did not or where the previous edition does not cover that year; and the previous
    edition's title. Reads what the revisions view computes (`queries.revisions.corridor_revisions`)."""
    before = editions.row(edition)["previous_edition"]
    if largest.empty or not isinstance(before, str):
        return [None] * len(largest), ""
    year = int(largest["previous_year"].iloc[0])
    if year not in {int(y) for y in load(revision_queries.revised_years, edition)["year"]}:
        return [None] * len(largest), ""
    shown = tuple(f"{o}>{d}" for o, d in zip(largest["origin_iso3"], largest["destination_iso3"]))
    found = load(revision_queries.corridor_revisions, countries.OTS_STATES, year, None, edition, shown)
    previous = {(o, d): int(b) for o, d, b in zip(found["origin_iso3"], found["destination_iso3"],
                                                   found["previous_persons"])}
    return [previous.get((o, d)) for o, d in zip(largest["origin_iso3"], largest["destination_iso3"])], \
        editions.row(before)["title"]


def _remittances(sources: pd.DataFrame, edition: str) -> Topic:
    share = load(queries.remittance_share, REMITTANCE_STATES, 2000, edition)
    source = editions.short_name(edition)
    title = _("Remittances as a share of GDP")
    headlines = []
    for code in REMITTANCE_STATES:
        rows = share[share["iso3"] == code].sort_values("year")
        if rows.empty:
            headlines.append(Headline(countries.name(code), "—", note=_("not reported")))
            continue
        last = rows.iloc[-1]
        before = rows.iloc[-2] if len(rows) > 1 else None
        change = last["remittances_pct_gdp"] - before["remittances_pct_gdp"] if before is not None else None
        headlines.append(Headline(
            _("{country}: remittances received").format(country=countries.name(code)),
            fmt_percent(last["remittances_pct_gdp"], 1) + " " + _("of GDP"),
            _("{change} points").format(change=_signed(change, 1)) if change is not None else None,
            _("since {year}").format(year=int(before["year"])) if before is not None else None, _arrow(change),
            _("{year} · US$ {amount} bn · {source}").format(
                year=int(last["year"]), source=source,
                # three significant figures: the published US$ 2.85 bn is not read back as 2.8 or 2.9
                amount=fmt_number(last["remittances_received_usd"] / 1e9,
                                  2 if last["remittances_received_usd"] < 1e10 else 1))))
    figure = charts.remittance_share(share, countries.name, _("{percent} of GDP").format(percent="%"))
    data = pd.DataFrame({_("Country code"): share["iso3"], _("Country"): [countries.name(c) for c in share["iso3"]],
                         _("Year"): share["year"],
                         _("Remittances, {percent} of GDP").format(percent="%"): share["remittances_pct_gdp"],
                         _("Remittances received, US$"): share["remittances_received_usd"],
                         _("GDP, US$"): share["gdp_usd"]})
    full, licence = _edition_source(edition)
    meta = ChartMeta(title=title, source=full, licence=licence,
                     data_date=f"{int(share['year'].min())}–{int(share['year'].max())}" if not share.empty else "",
                     filters=((_("Countries"), ", ".join(countries.name(c) for c in REMITTANCE_STATES)),),
                     caveat=_("Personal remittances received divided by GDP, both in current US$; computed here, "
                              "so it can differ from the official WDI share by a few tenths of a point."),
                     slug="briefing-remittances")
    return Topic("remittances", title, headlines, figure, data, meta, short=_("Remittances"))


def _publisher(text) -> str:
    """The publisher's own name, without "citing …" (the full attribution is in the CSV)."""
    return str(text).split(", citing")[0].split(", reporting")[0] if isinstance(text, str) else ""


def _stranded() -> Topic:
    members = countries.MEMBERS
    latest = load(queries.latest_stranded, members)
    world = load(queries.latest_figure, WORLD_INDICATOR)
    reports = load(queries.stranded_reports, members, ("repatriated", "returned"))
    title = _("Citizens stranded abroad and brought home, 2020")
    headlines = [Headline(_("Stranded worldwide (IOM)"), texts.qualified(row.value, row.qualifier),
                          note=f"{texts.date_text(None, row.as_of)} · {_publisher(row.source_publisher)}")
                 for row in world.itertuples()]
    home = latest[latest["kind"] == "home"]
    waiting = latest[latest["kind"] == "waiting"].set_index("nationality_iso3")
    for row in home.itertuples():
        place = " · " + _("from {country}").format(country=countries.name(row.location_iso3)) \
            if isinstance(row.location_iso3, str) else ""
        previous = None
        if row.previous_value == row.previous_value and row.previous_value is not None:
            previous = _("from {value}").format(value=texts.qualified(row.previous_value, row.previous_qualifier))
        note = f"{texts.indicator_label(row.indicator)}{place} · {texts.date_text(None, row.as_of)} · " \
               f"{_publisher(row.source_publisher)}"
        if row.nationality_iso3 in waiting.index:
            still = waiting.loc[row.nationality_iso3]
            note += " · " + _("waiting: {value} ({date})").format(value=texts.qualified(still["value"],
                                                                                       still["qualifier"]),
                                                                 date=texts.date_text(None, still["as_of"]))
        headlines.append(Headline(
            countries.name(row.nationality_iso3), texts.qualified(row.value, row.qualifier), previous,
            texts.date_text(None, row.previous_date) if previous else None,
            _arrow(row.value - row.previous_value) if previous else "off", note))
    # The chart follows each state's headline series only: other series count other things or places.
    series = set(zip(home["nationality_iso3"], home["indicator"], home["location_iso3"].fillna("")))
    reports = reports[[key in series for key in zip(reports["nationality_iso3"], reports["indicator"],
                                                    reports["location_iso3"].fillna(""))]]
    figure = charts.stranded_reports(reports, countries.name, texts.qualified, texts.indicator_label,
                                     lambda d: texts.date_text(None, d)) if reports["as_of"].notna().any() else None
    shown = pd.concat([world.assign(kind="world"), latest], ignore_index=True)
    data = pd.DataFrame({
        _("Record"): shown["record_id"], _("Nationality code"): shown["nationality_iso3"],
        _("Kind"): shown["kind"].map({"world": _("stranded worldwide"), "home": _("brought home or returned"),
                                      "waiting": _("waiting to return")}),
        _("What was counted"): [texts.indicator_label(i) for i in shown["indicator"]],
        _("Place code"): shown["location_iso3"],
        _("Qualifier"): shown["qualifier"], _("Value"): shown["value"],
        _("Date"): shown["as_of"], _("Publisher"): shown["source_publisher"], _("Address"): shown["source_url"]})
    meta = ChartMeta(title=title, source=_("IOM, governments and news agencies, as named in each row"),
                     licence=_("Facts quoted with attribution"), data_date="2020",
                     filters=((_("Nationalities"), ", ".join(countries.name(c) for c in members)),),
                     caveat=_("Counts reported at a date, often “at least” or “about”; later counts include "
                              "earlier ones, so they are never added up. Each line follows one state's count as "
                              "its sources updated it; dotted: one host country only."), slug="briefing-stranded")
    return Topic("stranded", title, headlines, figure, data, meta, short=_("Stranded citizens"))


def _measures(sources: pd.DataFrame) -> Topic:
    summary = load(measure_queries.implemented_per_state)
    history = load(measure_queries.status_history)
    title = _("Agreed measures implemented, by state")
    last_change = history["as_of"].max() if not history.empty else None
    changed = _implemented_changes(history, last_change)
    as_of = fmt_date(last_change, "long") if last_change is not None else ""
    headlines = []
    for r in summary.itertuples():
        change = changed.get(r.country_iso3, 0)
        headlines.append(Headline(
            countries.name(r.country_iso3), _committed_text(r.implemented, r.committed),
            _signed(change) if change else None, _("on {date}").format(date=as_of) if change else None,
            _arrow(change), _state_note(r)))
    figure = measure_charts.state_summary(summary, countries.name)
    data = pd.DataFrame({_("State code"): summary["country_iso3"],
                         _("State"): [countries.name(c) for c in summary["country_iso3"]],
                         _("Measures"): summary["measures"], _("Committed to"): summary["committed"],
                         _("Implemented"): summary["implemented"], _("In progress"): summary["in_progress"],
                         _("Agreed"): summary["agreed"], _("Requested"): summary["requested"],
                         _("Not recorded"): summary["not_recorded"], _("Not applicable"): summary["not_applicable"]})
    meta = ChartMeta(title=title, source=_short_source(sources, "measure_status"),
                     licence=_("Facts from the meeting documents"),
                     data_date=fmt_date(last_change) if last_change is not None else "",
                     caveat=_("Current status = the latest recorded for each measure in each state. “n of m”: m "
                              "counts the measures a state committed to (agreed, in progress, implemented); "
                              "“agreed” means agreed at the meeting, not carried out. Measures a state requested "
                              "or is not recorded on are neither commitments nor failures."),
                     slug="briefing-measures")
    total_change = sum(changed.values())
    lead = Headline(_("Agreed measures implemented, all states"),
                    _("{implemented} of {committed}").format(implemented=fmt_int(summary["implemented"].sum()),
                                                            committed=fmt_int(summary["committed"].sum())),
                    _signed(total_change) if total_change else None,
                    _("on {date}").format(date=as_of) if total_change else None, _arrow(total_change),
                    _("commitments (measure × state) · status of {date}").format(date=as_of) if as_of else "")
    remark = _("Not counted as commitments (measure × state): requested {requested}, not recorded "
               "{not_recorded}.").format(requested=fmt_int(summary["requested"].sum()),
                                         not_recorded=fmt_int(summary["not_recorded"].sum()))
    return Topic("measures", title, headlines, figure, data, meta, remarks=[remark],
                 short=_("Measures implemented"), lead=lead)


def _committed_text(implemented, committed) -> str:
    """ "2 of 5" (implemented of the measures committed to), or "—" when the state committed to none."""
    if not committed:
        return "—"
    return _("{implemented} of {committed}").format(implemented=fmt_int(implemented), committed=fmt_int(committed))


def _state_note(row) -> str:
    """What a state's figure counts: its commitments, and what else is recorded for it (the date of the status is
    on the lead card and the chart: seven cards share a row on a shared screen)."""
    if not row.committed:
        return _("no commitment recorded")
    note = _("implemented")
    if row.requested:
        note += " · " + _("requested: {n}").format(n=fmt_int(row.requested))
    return note


def _implemented_changes(history: pd.DataFrame, day) -> dict[str, int]:
    """Per state, how many measures became implemented (+) or stopped being so (−) on the latest date."""
    if history.empty or day is None:
        return {}
    ordered = history.sort_values(["as_of", "recorded_at"])
    after = ordered.groupby(["measure_id", "country_iso3"]).tail(1)
    before = ordered[ordered["as_of"] < day].groupby(["measure_id", "country_iso3"]).tail(1)
    now = after[after["status"] == "implemented"].groupby("country_iso3").size()
    then = before[before["status"] == "implemented"].groupby("country_iso3").size()
    return (now.sub(then, fill_value=0)).astype(int).to_dict()


# Built once per build, store version, language, screen and choice of editions and shared by every session
# (`cached.figure`): sessions share these objects instead of unpickling five plotly figures on every run (about
# 0.2 s). They are read-only once built: the only writes the page makes on them (chart height, digit separators)
# set the values they already have for this key.
@uses_state(*measure_queries.STATE_VIEWS, STATE_VIEW)
def build_topics(presenting_now: bool, which: str) -> list[Topic]:
    """The briefing's topics in order, for a shared screen or not, in the latest or the previous editions."""
    sources = load(queries.sources, ("migrant_stock", "country_indicators", "reported_figures", "measure_status"))
    stock, wdi = editions.of(STOCK, which), editions.of(WDI, which)
    built = [_diaspora(sources, stock), _corridors(sources, stock), _remittances(sources, wdi), _refugees(),
             _stranded(), _measures(sources)]
    for topic in built:
        if topic.figure is not None:
            # On a slide, a remark under the figures (what the UN revised) takes room from the chart.
            topic.figure.update_layout(height=PRESENT_CHART_HEIGHT - REMARK_HEIGHT * len(topic.remarks)
                                       if presenting_now else topic.figure.layout.height)
            if presenting_now:
                charts.larger_type(topic.figure)
    return built


def topics(presenting_now: bool = False, which: str = editions.LATEST) -> list[Topic]:
    """The briefing's topics in order (the latest editions unless the link asks for the previous ones)."""
    return cached.figure(build_topics, presenting_now, which)


def chosen_editions() -> str:
    """The editions the link asks for (?edition=previous), without drawing a control (presentation mode)."""
    return editions.PREVIOUS if url_state.value(editions.URL_KEY) == editions.PREVIOUS else editions.LATEST


# ---------------------------------------------------------------- meetings


def meetings() -> pd.DataFrame:
    """Every meeting, newest first, its texts in the reader's language."""
    frame = load(measure_queries.meetings).sort_values(["meeting_date", "meeting_id"], ascending=False)
    return measures_evidence.localised(frame)


def meeting_label(meetings_frame: pd.DataFrame):
    """Date and title per meeting, worded now (a widget may call its labels outside the session)."""
    labels = {r.meeting_id: f"{fmt_date(r.meeting_date)} · {r.title}" for r in meetings_frame.itertuples()}
    return lambda m: labels.get(m, m)


MEETING = "meeting"  # the last topic: a meeting's measures


def MEETING_TITLE() -> str:  # noqa: N802 - a translated constant
    return _("Where each state stands on a meeting's measures")


def linked_meeting(meetings_frame: pd.DataFrame) -> str:
    """The meeting the link names (?meeting=), or the latest; "" when there is none."""
    if meetings_frame.empty:
        return ""
    ids = list(meetings_frame["meeting_id"])
    requested = url_state.value("meeting")
    return requested if requested in ids else ids[0]


def meeting_chart(meeting_id: str, label: str, presenting_now: bool = False) -> tuple:
    """(figure, data, meta) of a meeting's status matrix, as drawn and as packed."""
    status = meeting_status(meeting_id)
    meeting = meetings().set_index("meeting_id").loc[meeting_id].copy()
    meeting["meeting_id"] = meeting_id
    return (cached.figure(meeting_matrix, meeting_id, presenting_now), meeting_table(status),
            meeting_meta(meeting, label))


def meeting_pack_items(meeting_id: str) -> list[tuple]:
    """The meeting's chart for the briefing pack (none without a meeting or measures)."""
    if not meeting_id or meeting_status(meeting_id).empty:
        return []
    return [meeting_chart(meeting_id, meeting_label(meetings())(meeting_id))]


def lead_headlines(all_topics: list[Topic]) -> list[Headline]:
    """One figure per topic, for the strip at the top of the briefing."""
    return [topic.lead or topic.headlines[0] for topic in all_topics if topic.lead or topic.headlines]


def MEETING_SHORT() -> str:  # noqa: N802 - a translated constant
    return _("A meeting's measures")


def meeting_status(meeting_id: str) -> pd.DataFrame:
    """The meeting's measures × states with their current status, texts in the reader's language."""
    current = load(measure_queries.current_status)
    return measures_evidence.localised(current[current["meeting_id"] == meeting_id])


def meeting_headlines(status: pd.DataFrame, implemented: pd.Series) -> list[Headline]:
    """Per member and observer state: how many of the meeting's measures it committed to it has implemented."""
    headlines = []
    for code in countries.OTS_STATES:
        cells = status[status["country_iso3"] == code]
        committed = int(cells["status"].isin(COMMITTED).sum())
        requested = int((cells["status"] == "requested").sum())
        note = _("implemented") if committed else _("no commitment recorded")
        if requested:
            note += " · " + _("requested: {n}").format(n=fmt_int(requested))
        headlines.append(Headline(countries.name(code), _committed_text(implemented.get(code, 0), committed),
                                  note=note))
    return headlines


def typed_only_note(status: pd.DataFrame) -> None:
    """Say so when the meeting's texts are shown as an editor typed them (no translation)."""
    measures_view.typed_only_note(status)


def measure_texts(agreed: pd.DataFrame) -> pd.DataFrame:
    """The meeting's measures with what was agreed, in words (in the reader's language)."""
    described = measures_evidence.localised(load(measure_queries.measures))[["measure_id", "description"]]
    return agreed.merge(described, on="measure_id", how="left")


@uses_state(*measure_queries.STATE_VIEWS)
def meeting_matrix(meeting_id: str, presenting_now: bool = False) -> go.Figure:
    """The meeting's status matrix (built once per meeting, build, store version, language and screen, through
    `cached.figure`)."""
    figure = measure_charts.status_matrix(meeting_status(meeting_id), list(countries.OTS_STATES), countries.name)
    if presenting_now:
        charts.larger_type(figure, 14)
        figure.update_layout(height=PRESENT_CHART_HEIGHT - 60)
    return figure


def meeting_table(status: pd.DataFrame) -> pd.DataFrame:
    """The meeting's matrix as a table: each measure and state, its status, and what the documents say."""
    documents = load(measure_queries.documents)
    table = pd.DataFrame({_("Measure"): status["measure_title"], _("Category"): status["category"],
                          _("State code"): status["country_iso3"],
                          _("State"): [countries.name(c) for c in status["country_iso3"]],
                          _("Status"): [status_label(s) for s in status["status"]],
                          _("Since"): pd.to_datetime(status["as_of"]).dt.date,
                          _("Source"): [measures_evidence.source_of(row, documents) for _i, row in status.iterrows()]},
                         index=status.index)
    return pd.concat([table, measures_evidence.evidence_export(status, documents)], axis=1).reset_index(drop=True)


def meeting_meta(meeting: pd.Series, label: str) -> ChartMeta:
    return ChartMeta(title=_("Where each state stands on the measures of {meeting}").format(meeting=label),
                     source=_("Migration Coordination Group documents and Secretariat records"),
                     licence=_("Facts from the meeting documents"), data_date=fmt_date(meeting["meeting_date"]),
                     caveat=_("“Agreed” records that a measure was agreed at the meeting, not that it was "
                              "carried out; “requested” and “not recorded” are neither agreement nor failure."),
                     slug=f"meeting-{meeting['meeting_id']}")


# ---------------------------------------------------------------- presentation mode


def presenting() -> bool:
    return url_state.value(PRESENT_KEY) == "1"


def topic_index(count: int) -> int:
    """The topic in the link (?topic=), kept within the topics; an invalid one falls back to the first."""
    raw = url_state.value(TOPIC_KEY) or "0"
    try:
        index = int(raw)
    except ValueError:
        index = -1
    if not 0 <= index < count:
        st.toast(_("The link's topic {value} does not exist; showing the first.").format(
            value=url_state.as_code(raw, 10)))
        index = 0
    url_state.put(TOPIC_KEY, str(index))
    return index


def go_to(index: int) -> None:
    url_state.put(TOPIC_KEY, str(index))


def start_presenting(index: int = 0) -> None:
    url_state.put(PRESENT_KEY, "1")
    url_state.put(TOPIC_KEY, str(index))


def start_presenting_shown(keys: list[str]) -> None:
    """Present from the topic shown now (?show=, the first when the link names none): read when the button is
    clicked, since choosing a topic reruns only the topic's part of the page, not the button."""
    shown = url_state.value("show")
    start_presenting(keys.index(shown) if shown in keys else 0)


def stop_presenting() -> None:
    url_state.put(PRESENT_KEY, None)
    url_state.put(TOPIC_KEY, None)


def escape(text: str) -> str:
    return texts.md_escape(text)


# ---------------------------------------------------------------- drawing


def show_strip(all_topics: list[Topic]) -> None:
    """One figure per topic in a row at the top of the briefing."""
    show_compact(lead_headlines(all_topics))


def show_compact(headlines: list[Headline]) -> None:
    """Many figures in one row of small cards (numbers wrap rather than being cut)."""
    st.markdown(charts.strip_html(headlines), unsafe_allow_html=True)


def show_headlines(headlines: list[Headline], per_row: int = 4) -> None:
    """The headline figures as cards: label, large value, trend, then year and source."""
    for start in range(0, len(headlines), per_row):
        row = headlines[start:start + per_row]
        for column, headline in zip(st.columns(len(row) if len(headlines) <= per_row else per_row), row):
            with column.container(border=True):
                st.metric(escape(headline.label), headline.value, headline.delta, delta_color="off",
                          delta_arrow=headline.arrow, delta_description=headline.delta_note)
                st.caption(escape(headline.note))


def headlines_per_row(topic: Topic, presenting_now: bool) -> int:
    """Cards per row: long qualified figures ("at least 2,750,000") need wide cards."""
    wide = topic.key == "stranded"
    if presenting_now:
        return 3 if wide else max(len(topic.headlines), 1)
    return 2 if wide else 4


def show_topic(topic: Topic, presenting_now: bool = False) -> None:
    """A topic: its headline figures, then its figure with caveat and exports.

    On a presentation screen a topic whose figures fill two rows shows them without the chart (their
    trend is in each card), so that everything fits 1280×720.
    """
    per_row = headlines_per_row(topic, presenting_now)
    show_headlines(topic.headlines, per_row=per_row)
    if not presenting_now:  # on a shared screen the cards say it per state; the remark would push the chart off
        for remark in topic.remarks:
            st.caption(escape(remark))
    if presenting_now and len(topic.headlines) > per_row:
        ui.caveat(topic.meta.caveat)
        return
    if topic.figure is None:
        ui.empty(_("No dated figure to draw for this topic yet."))
        return
    ui.chart(topic.figure, topic.data, topic.meta, key=f"briefing_{topic.key}")


PRESENT_CHART_HEIGHT = 330
REMARK_HEIGHT = 80  # pixels a remark of two lines takes on a 1280×720 slide
