"""Figures of the Labour migration and remittances page (the remittance lines also serve Country profiles).

Pure builders: frames from `app.queries.labour` in, plotly figures and export tables out; country names
through the `name` function the page passes. A missing remittance value is a gap, never a zero, and a
country that reports nothing says so in its legend entry. Reported labour figures are drawn one bar per
figure, coloured by the period they count, and never stacked or added.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.charts.common import (safe_url, add_meeting_markers, base_layout, date_text, figure_note, figure_text,
                               group_label, indicator_label, origin_label, plotly_escape)
from app.i18n import _, fmt_date, fmt_number, fmt_percent
from app.palette import country_colour, hex_to_rgb

Namer = Callable[[str], str]
MEASURES = ("share", "usd")  # remittances as a share of GDP, or in US$
LABOUR_ORDER = ("entries", "permits", "workers", "returned")  # how the page offers the kinds of labour figure


def _has(value) -> bool:
    # pd.isna covers None, NaN and pandas' NA (a nullable integer year of a country that never reported),
    # where `value == value` would raise "boolean value of NA is ambiguous".
    return not pd.isna(value) and value != ""


def usd_text(value) -> str:
    """US$ amounts in words a delegate reads at a glance: "US$ 2.85 billion", "US$ 14.2 billion", "US$ 480.8
    million" (three significant figures, so a published "2.85 billion" is not read back as 2.8 or 2.9)."""
    if not _has(value):
        return _("not reported")
    if value >= 1e9:
        return _("US$ {amount} billion").format(amount=fmt_number(value / 1e9, 2 if value < 1e10 else 1))
    return _("US$ {amount} million").format(amount=fmt_number(value / 1e6, 1))


STALE_AFTER = 2  # years: an older latest figure is "not reported", not the current state


def remittances_now(latest: pd.Series, last_year: int) -> tuple[bool, str, str, str]:
    """Whether a country's latest remittance figure is current, and its share, amount and a note for a card.

    A figure more than STALE_AFTER years older than the series is not shown as today's: Turkmenistan's only
    figure is from 1996, so it reads "not reported" with "Last figure: 1996", never as a current 0.2 %.
    """
    year = latest["year"]
    if _has(year) and year >= last_year - STALE_AFTER:
        return (True, fmt_percent(latest["remittances_pct_gdp"]), usd_text(latest["remittances_received_usd"]),
                str(int(year)))
    note = _("Last figure: {year}").format(year=int(year)) if _has(year) else _("Never reported")
    return False, _("not reported"), _("not reported"), note


def coverage_note(series: pd.Series, years: pd.Series) -> str:
    """'' when the series runs to the last year; otherwise what is missing, for the legend entry."""
    reported = years[series.notna()]
    if reported.empty:
        return _("not reported")
    if reported.max() < years.max():
        return _("no figure after {year}").format(year=int(reported.max()))
    return ""


def remittance_lines(series: pd.DataFrame, measure: str, meetings: pd.DataFrame, name: Namer) -> go.Figure:
    """Remittances received per year and country (share of GDP or US$ million), gaps kept, meetings marked."""
    column = "remittances_pct_gdp" if measure == "share" else "remittances_received_usd"
    fig = go.Figure()
    for code, rows in series.groupby("iso3", sort=False):
        values = rows[column] if measure == "share" else rows[column] / 1e6
        note = coverage_note(rows[column], rows["year"])
        label = name(code) + (f" ({note})" if note else "")
        hover = [_("{country}, {year}: {value}").format(
            country=name(code), year=int(year),
            value=(fmt_percent(v) + " " + _("of GDP")) if measure == "share" else usd_text(v * 1e6))
            if _has(v) else "" for year, v in zip(rows["year"], values)]
        fig.add_trace(go.Scatter(
            x=rows["year"], y=values, mode="lines+markers", name=plotly_escape(label), connectgaps=False,
            line={"color": country_colour(code), "width": 2.5}, marker={"size": 5},
            hovertext=hover, hoverinfo="text"))
    base_layout(fig, height=460)
    fig.update_yaxes(title_text=_("{percent} of GDP").format(percent="%") if measure == "share" else _("US$ million"),
                     rangemode="tozero", tickformat="" if measure == "share" else ",.0f")
    fig.update_xaxes(title_text=_("Year"), dtick=5)
    if not series.empty:
        first, last = int(series["year"].min()), int(series["year"].max())
        fig.update_xaxes(range=[first - 0.5, last + 0.5])
        add_meeting_markers(fig, meetings, axis="year", span=(first, last + 0.99))
    return fig


def remittance_table(series: pd.DataFrame, name: Namer) -> pd.DataFrame:
    return pd.DataFrame({
        _("Country"): [name(c) for c in series["iso3"]],
        _("ISO3"): series["iso3"].to_numpy(),
        _("Year"): series["year"].to_numpy(),
        _("Remittances received (US$)"): series["remittances_received_usd"].to_numpy(),
        _("GDP (US$)"): series["gdp_usd"].to_numpy(),
        _("Remittances, {percent} of GDP").format(percent="%"): series["remittances_pct_gdp"].round(3).to_numpy(),
    })


def dependence_bars(ranked: pd.DataFrame, highlight: tuple[str, ...], name: Namer) -> go.Figure:
    """The most remittance-dependent economies, with the OTS states' places below them for comparison."""
    frame = ranked.sort_values("world_rank", ascending=False)
    labels = [_("{rank}. {country}").format(rank=int(r.world_rank), country=name(r.iso3)) for r in frame.itertuples()]
    colours = [country_colour(c) if c in highlight else "#A6A6A6" for c in frame["iso3"]]
    fig = go.Figure(go.Bar(
        x=frame["remittances_pct_gdp"], y=labels, orientation="h", marker_color=colours,
        text=[fmt_percent(v) for v in frame["remittances_pct_gdp"]], textposition="outside", cliponaxis=False,
        hovertext=[_("{country}: {share} of GDP, {amount} ({year})").format(
            country=name(r.iso3), share=fmt_percent(r.remittances_pct_gdp),
            amount=usd_text(r.remittances_received_usd), year=int(r.year)) for r in frame.itertuples()],
        hoverinfo="text"))
    base_layout(fig, height=120 + 26 * len(frame))
    fig.update_xaxes(title_text=_("Remittances received, {percent} of GDP").format(percent="%"),
                     range=[0, frame["remittances_pct_gdp"].max() * 1.15])
    fig.update_layout(showlegend=False, bargap=0.25)
    return fig


def dependence_table(ranked: pd.DataFrame, name: Namer) -> pd.DataFrame:
    return pd.DataFrame({
        _("World rank"): ranked["world_rank"].to_numpy(),
        _("Economies ranked"): ranked["ranked_economies"].to_numpy(),
        _("Country"): [name(c) for c in ranked["iso3"]],
        _("ISO3"): ranked["iso3"].to_numpy(),
        _("Year"): ranked["year"].to_numpy(),
        _("Remittances, {percent} of GDP").format(percent="%"): ranked["remittances_pct_gdp"].round(3).to_numpy(),
        _("Remittances received (US$)"): ranked["remittances_received_usd"].to_numpy(),
    })


def corridor_sankey(flows: pd.DataFrame, name: Namer, year: str = "") -> go.Figure:
    """Estimated remittances of one matrix year from the largest senders (left) to each member and observer state
    (right)."""
    senders = [c for c in dict.fromkeys(flows["sending_iso3"].dropna())]
    receivers = list(dict.fromkeys(flows["receiving_iso3"]))
    other = len(senders)
    nodes = [name(c) for c in senders] + [_("Other countries")] + [name(c) for c in receivers]
    index = {code: i for i, code in enumerate(senders)}
    colours = ["#8C8C8C"] * (len(senders) + 1) + [country_colour(c) for c in receivers]
    sources = [index[s] if _has(s) else other for s in flows["sending_iso3"]]
    targets = [len(senders) + 1 + receivers.index(r) for r in flows["receiving_iso3"]]
    link_colours = ["rgba({},{},{},0.35)".format(*hex_to_rgb(country_colour(r))[:3]) for r in flows["receiving_iso3"]]
    hover = [_("{sender} → {receiver}: US$ {amount} million ({year}, estimate)").format(
        sender=name(s) if _has(s) else _("{count} other countries").format(count=int(n)),
        receiver=name(r), amount=fmt_number(v, 1), year=year)
        for s, r, v, n in zip(flows["sending_iso3"], flows["receiving_iso3"], flows["usd_million"], flows["corridors"])]
    fig = go.Figure(go.Sankey(
        arrangement="snap", valueformat=",.1f", valuesuffix=" " + _("US$ million"),
        node={"label": nodes, "color": colours, "pad": 14, "thickness": 16, "line": {"width": 0}},
        link={"source": sources, "target": targets, "value": flows["usd_million"].tolist(), "color": link_colours,
              "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>"}))
    base_layout(fig, height=560)
    return fig


def corridor_flow_table(flows: pd.DataFrame, name: Namer, year: str = "") -> pd.DataFrame:
    return pd.DataFrame({
        _("Sent from"): [name(s) if _has(s) else _("Other countries") for s in flows["sending_iso3"]],
        _("Received by"): [name(r) for r in flows["receiving_iso3"]],
        _("Corridors"): flows["corridors"].to_numpy(),
        _("US$ million ({year}, estimate)").format(year=year): flows["usd_million"].round(4).to_numpy(),
    })


def corridor_bars(corridors: pd.DataFrame, iso3: str, direction: str, name: Namer, limit: int = 15) -> go.Figure:
    """The largest corridors of the matrix into or out of one country, with each partner's share of its total."""
    frame = corridors.head(limit).iloc[::-1]
    colour = country_colour(iso3)
    fig = go.Figure(go.Bar(
        x=frame["usd_million"], y=[name(c) for c in frame["partner_iso3"]], orientation="h", marker_color=colour,
        text=["{amount} · {share}".format(amount=fmt_number(v, 1), share=fmt_percent(s))
              for v, s in zip(frame["usd_million"], frame["share_pct"])],
        textposition="outside", cliponaxis=False, hoverinfo="text",
        hovertext=[(_("{partner} → {country}") if direction == "received" else _("{country} → {partner}")).format(
            partner=name(p), country=name(iso3)) + ": " + _("US$ {amount} million").format(amount=fmt_number(v, 1))
            for p, v in zip(frame["partner_iso3"], frame["usd_million"])]))
    base_layout(fig, height=120 + 28 * len(frame))
    year = int(frame["year"].iloc[0]) if len(frame) else ""
    fig.update_xaxes(title_text=_("US$ million, {year} (estimate)").format(year=year),
                     range=[0, frame["usd_million"].max() * 1.6])
    fig.update_layout(showlegend=False)
    return fig


def corridor_table(corridors: pd.DataFrame, iso3: str, direction: str, name: Namer) -> pd.DataFrame:
    return pd.DataFrame({
        _("Country"): name(iso3),
        _("Direction"): _("received from") if direction == "received" else _("sent to"),
        _("Partner"): [name(c) for c in corridors["partner_iso3"]],
        _("Year"): corridors["year"].to_numpy(),
        _("US$ million (estimate)"): corridors["usd_million"].round(4).to_numpy(),
        _("Share of the country's total, %"): corridors["share_pct"].round(2).to_numpy(),
    })


def pair_label(row, name: Namer) -> str:
    """Who, where: "Uzbekistan → Russia", "All nationalities → Kazakhstan", "Uzbekistan → several countries"."""
    who = name(row.nationality_iso3) if _has(row.nationality_iso3) else _("All nationalities")
    where = name(row.location_iso3) if _has(row.location_iso3) else _("several countries")
    return f"{who} → {where}"


def period_of(row) -> str:
    return date_text(row.period_start, row.period_end, row.source_date)


def labour_bars(figures: pd.DataFrame, name: Namer) -> go.Figure:
    """One panel per thing counted (its own scale), one bar per reported figure, coloured by its period:
    older periods lighter. Nothing is stacked or added."""
    frame = figures.copy()
    frame["label"] = [pair_label(r, name) for r in frame.itertuples()]
    frame["period"] = [period_of(r) for r in frame.itertuples()]
    frame["order"] = pd.to_datetime(frame["as_of"])
    periods = list(dict.fromkeys(frame.sort_values("order", na_position="first")["period"]))
    colours = dict(zip(periods, period_colours(len(periods))))
    indicators = list(dict.fromkeys(frame["indicator"]))
    sizes = [frame[frame["indicator"] == i]["label"].nunique() * 0.6
             + len(frame[frame["indicator"] == i]) * 0.4 + 1.2 for i in indicators]
    fig = make_subplots(rows=len(indicators), cols=1, subplot_titles=[indicator_label(i) for i in indicators],
                        row_heights=sizes, vertical_spacing=0.18 / max(len(indicators), 1))
    shown: set[str] = set()
    for row_number, indicator in enumerate(indicators, start=1):
        panel = frame[frame["indicator"] == indicator]
        for period in [p for p in periods if p in set(panel["period"])]:
            rows = panel[panel["period"] == period]
            fig.add_trace(go.Bar(
                x=rows["value"], y=rows["label"], orientation="h", name=period, legendgroup=period,
                showlegend=period not in shown, marker_color=colours[period], legendrank=periods.index(period),
                text=[figure_text(r.value, r.qualifier, r.unit_base) + figure_note(r.indicator)
                      for r in rows.itertuples()],
                textposition="outside", cliponaxis=False, textfont={"size": 11}, hoverinfo="text",
                hovertext=[plotly_escape("\n".join([
                    pair_label(r, name), indicator_label(r.indicator),
                    figure_text(r.value, r.qualifier, r.unit_base), period,
                    _("Source: {publisher}").format(publisher=r.source_publisher)])).replace("\n", "<br>")
                    for r in rows.itertuples()]), row=row_number, col=1)
            shown.add(period)
        order = list(dict.fromkeys(panel.sort_values("value")["label"]))
        fig.update_yaxes(categoryorder="array", categoryarray=order, row=row_number, col=1)
        fig.update_xaxes(range=[0, panel["value"].max() * 1.45], showticklabels=False, row=row_number, col=1)
    base_layout(fig, height=int(140 + 46 * sum(sizes)), legend_title=_("Period or date"))
    fig.update_layout(barmode="group", bargap=0.2, bargroupgap=0.05, uniformtext={"mode": "show", "minsize": 10},
                      legend={"yref": "container", "y": 1, "yanchor": "top"}, margin={"t": 80})
    for annotation in fig.layout.annotations:
        annotation.update(x=0, xanchor="left", font={"size": 13, "color": "#1B2631"})
    return fig


def period_colours(count: int) -> list[str]:
    """`count` shades from light (oldest period) to dark (latest), all readable on white."""
    ramp = ["#A6CEE3", "#6BAED6", "#4292C6", "#2171B5", "#08519C", "#08306B"]
    if count <= len(ramp):
        return ramp[len(ramp) - count:] if count > 1 else [ramp[3]]
    return [ramp[min(int(i * len(ramp) / count), len(ramp) - 1)] for i in range(count)]


def labour_table(figures: pd.DataFrame, name: Namer) -> pd.DataFrame:
    """Labour figures as a reader's table, every number with its qualifier, unit, period and source."""
    return pd.DataFrame({
        _("Nationality"): [name(c) if _has(c) else _("All nationalities") for c in figures["nationality_iso3"]],
        _("Country of work or stay"): [name(c) if _has(c) else _("several countries")
                                       for c in figures["location_iso3"]],
        _("Figure"): [figure_text(r.value, r.qualifier, r.unit_base) + figure_note(r.indicator)
                      for r in figures.itertuples()],
        _("Period or date"): [period_of(r) for r in figures.itertuples()],
        _("Link"): [safe_url(url) for url in figures["source_url"]],  # http(s) only
        _("What was counted"): [indicator_label(i) for i in figures["indicator"]],
        _("Kind"): [group_label(g) for g in figures["indicator_group"]],
        _("Source"): figures["source_publisher"].to_numpy(),
        _("Source date"): [fmt_date(d) if _has(d) else "" for d in figures["source_date"]],
        _("Note on the date"): figures["date_note"].fillna("").to_numpy(),
        _("Description"): figures["description"].fillna("").to_numpy(),
        _("Value"): figures["value"].to_numpy(),
        _("Unit"): figures["unit_base"].to_numpy(),
        _("Qualifier"): figures["qualifier"].fillna("").to_numpy(),
        _("Record"): figures["record_id"].to_numpy(),
        _("Origin"): [origin_label(o) for o in figures["origin"]],
    })
