"""Figures of the Briefing page: one per topic, legible on a shared screen at 1280×720.

Large type, few marks, direct labels instead of legends where possible, the
same colour for the same state as everywhere else. Reported figures are drawn
as reported, one marker per report, never summed. The strip of headline figures
at the top of the page is HTML built here too (`strip_html`).
"""
from __future__ import annotations

import html
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from app.charts.common import plotly_escape
from app.countries import OTS_STATES
from app.i18n import fmt_int, fmt_percent
from app.palette import country_colour

FONT_SIZE = 15


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    # No template here: the page's theme styles the chart and the PNG export puts a white one in. An embedded
    # template makes every copy of the figure slow to build (about 30 ms each).
    fig.update_layout(height=height, font={"size": FONT_SIZE},
                      margin={"t": 36, "b": 36, "l": 10, "r": 10}, hoverlabel={"align": "left"},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}, **extra)
    return fig


def stock_by_origin(by_origin: pd.DataFrame, name_of: Callable[[str], str], value_title: str,
                    height: int = 340) -> go.Figure:
    """Stacked bars per year: migrants from each member state living in the other member states."""
    fig = go.Figure()
    order = by_origin.groupby("origin_iso3")["persons"].sum().sort_values(ascending=False).index
    for code in order:
        rows = by_origin[by_origin["origin_iso3"] == code]
        fig.add_trace(go.Bar(x=rows["year"], y=rows["persons"], name=name_of(code),
                             marker={"color": country_colour(code)},
                             customdata=[fmt_int(v) for v in rows["persons"]],
                             hovertemplate="%{x}: %{customdata}<extra>" + name_of(code) + "</extra>"))
    totals = by_origin.groupby("year")["persons"].sum()
    fig.add_trace(go.Scatter(x=totals.index, y=totals.values, mode="text", text=[fmt_int(v) for v in totals],
                             textposition="top center", showlegend=False, hoverinfo="skip",
                             textfont={"size": FONT_SIZE - 2, "color": "#1B2631"}))
    _layout(fig, height, barmode="stack", bargap=0.3)
    fig.update_yaxes(title=value_title, tickformat="~s", range=[0, float(totals.max()) * 1.15 if len(totals) else 1])
    # A true year axis: 2020 to 2024 is four years.
    years = sorted(int(y) for y in totals.index)
    fig.update_xaxes(type="linear", tickmode="array", tickvals=years, ticktext=[str(y) for y in years])
    return fig


def largest_corridors(corridors: pd.DataFrame, name_of: Callable[[str], str], latest_label: str,
                      previous_label: str, first_label: str, revised: list[str] | None = None,
                      height: int = 340) -> go.Figure:
    """The largest corridors now, with where they stood in the year before and in the first year. `revised`: per
    corridor, what the UN revised in the year before (the previous edition's figure, in words), for its hover."""
    frame = corridors.iloc[::-1]
    labels = [f"{name_of(o)} → {name_of(d)}" for o, d in zip(frame["origin_iso3"], frame["destination_iso3"])]
    colours = [country_colour(d) if o not in OTS_STATES and d in OTS_STATES else country_colour(o)
               for o, d in zip(frame["origin_iso3"], frame["destination_iso3"])]
    fig = go.Figure(go.Bar(
        x=frame["persons"], y=labels, orientation="h", name=latest_label, marker={"color": colours},
        text=[fmt_int(v) for v in frame["persons"]], textposition="outside", cliponaxis=False,
        textfont={"color": "#1B2631", "size": FONT_SIZE - 1},
        customdata=[fmt_int(v) for v in frame["persons"]], hovertemplate="%{y}: %{customdata}<extra></extra>"))
    notes = list(reversed(revised)) if revised else [""] * len(frame)  # the frame is drawn bottom up
    for column, label, symbol in (("previous_persons", previous_label, "line-ns"),
                                  ("first_persons", first_label, "circle-open")):
        extra = ["<br>" + plotly_escape(n) if n and column == "previous_persons" else "" for n in notes]
        fig.add_trace(go.Scatter(
            x=frame[column], y=labels, mode="markers", name=label,
            marker={"symbol": symbol, "size": 16 if symbol == "line-ns" else 11, "color": "#1B2631",
                    "line": {"width": 2.5, "color": "#1B2631"}},
            customdata=[[fmt_int(v), e] for v, e in zip(frame[column], extra)],
            hovertemplate="%{y}<br>" + label + ": %{customdata[0]}%{customdata[1]}<extra></extra>"))
    _layout(fig, height, bargap=0.28)
    most = float(pd.concat([corridors["persons"], corridors["previous_persons"], corridors["first_persons"]]).max())
    fig.update_xaxes(tickformat="~s", range=[0, most * 1.18])
    fig.update_yaxes(automargin=True)
    return fig



def remittance_share(share: pd.DataFrame, name_of: Callable[[str], str], value_title: str,
                     height: int = 340) -> go.Figure:
    """Remittances as % of GDP over time, one line per state, its latest value written at the end."""
    fig = go.Figure()
    for code, rows in share.groupby("iso3", sort=False):
        rows = rows.sort_values("year")
        colour = country_colour(code)
        last = rows.iloc[-1]
        fig.add_trace(go.Scatter(
            x=rows["year"], y=rows["remittances_pct_gdp"], mode="lines", name=name_of(code),
            line={"color": colour, "width": 3.5},
            customdata=[fmt_percent(v, 1) for v in rows["remittances_pct_gdp"]],
            hovertemplate="%{x}: %{customdata}<extra>" + name_of(code) + "</extra>"))
        fig.add_trace(go.Scatter(
            x=[last["year"]], y=[last["remittances_pct_gdp"]], mode="markers+text", showlegend=False,
            marker={"color": colour, "size": 10}, hoverinfo="skip", textposition="middle right",
            text=[f"{name_of(code)} {fmt_percent(last['remittances_pct_gdp'], 1)}"],
            textfont={"color": colour, "size": FONT_SIZE}))
    _layout(fig, height, showlegend=False)
    fig.update_yaxes(title=value_title, rangemode="tozero", ticksuffix="%")
    if not share.empty:
        fig.update_xaxes(range=[share["year"].min() - 0.5, share["year"].max() + 5.5])
    return fig


def refugees_hosted(series: pd.DataFrame, value_title: str, height: int = 340) -> go.Figure:
    """Refugees a country hosts, year by year (UNHCR); a provisional year is drawn as a hollow mark on a dotted
    end of the line."""
    fig = go.Figure()
    final = series[~series["provisional"].astype(bool)]
    provisional = series[series["provisional"].astype(bool)]
    fig.add_trace(go.Scatter(x=final["year"], y=final["hosted"].astype(float), mode="lines+markers",
                             line={"color": "#1B2631", "width": 3}, marker={"size": 6}, showlegend=False,
                             customdata=[fmt_int(v) for v in final["hosted"]],
                             hovertemplate="%{x}: %{customdata}<extra></extra>"))
    if not provisional.empty:
        joined = pd.concat([final.tail(1), provisional])
        fig.add_trace(go.Scatter(x=joined["year"], y=joined["hosted"].astype(float), mode="lines+markers",
                                 line={"color": "#1B2631", "width": 3, "dash": "dot"},
                                 marker={"size": 10, "symbol": ["circle"] * (len(joined) - len(provisional))
                                         + ["circle-open"] * len(provisional)}, showlegend=False,
                                 customdata=[fmt_int(v) for v in joined["hosted"]],
                                 hovertemplate="%{x}: %{customdata}<extra></extra>"))
    _layout(fig, height, showlegend=False)
    fig.update_yaxes(title=value_title, tickformat="~s", rangemode="tozero")
    return fig


def stranded_reports(reports: pd.DataFrame, name_of: Callable[[str], str], figure_text: Callable,
                     label_of: Callable[[str], str], date_text: Callable, height: int = 340) -> go.Figure:
    """Citizens brought home, as reported at each date: one line per series, never summed (log scale)."""
    fig = go.Figure()
    dated = reports.dropna(subset=["as_of"])
    seen: set[str] = set()
    for (code, indicator, location), rows in dated.groupby(
            ["nationality_iso3", "indicator", dated["location_iso3"].fillna("")], sort=False):
        rows = rows.sort_values("as_of")
        where = f" ({name_of(location)})" if location else ""
        hover = [f"<b>{name_of(code)}</b>: {figure_text(v, q)}<br>{label_of(indicator)}{where}<br>"
                 f"{date_text(d)} · {p}"
                 for v, q, d, p in zip(rows["value"], rows["qualifier"], rows["as_of"], rows["source_publisher"])]
        fig.add_trace(go.Scatter(
            x=rows["as_of"], y=rows["value"], mode="lines+markers", name=name_of(code),
            legendgroup=code, showlegend=code not in seen,
            line={"color": country_colour(code), "width": 2.5, "dash": "solid" if not location else "dot"},
            marker={"size": 10, "color": country_colour(code)},
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
            text=[""] * (len(rows) - 1) + [figure_text(rows["value"].iloc[-1], rows["qualifier"].iloc[-1])],
            textposition="middle right", textfont={"color": country_colour(code), "size": FONT_SIZE - 1}))
        fig.data[-1].mode = "lines+markers+text"
        seen.add(code)
    _layout(fig, height)
    fig.update_yaxes(type="log", tickformat="~s")
    if not dated.empty:
        first, last = pd.to_datetime(dated["as_of"]).min(), pd.to_datetime(dated["as_of"]).max()
        fig.update_xaxes(range=[first - pd.Timedelta(days=10), last + (last - first) * 0.22 + pd.Timedelta(days=5)])
    return fig


def larger_type(fig: go.Figure, size: int = 16) -> go.Figure:
    """Type readable on a shared screen: axis ticks, legend and hover at `size` (explicit, so no theme shrinks it)."""
    fig.update_xaxes(tickfont={"size": size}, title_font={"size": size})
    fig.update_yaxes(tickfont={"size": size}, title_font={"size": size})
    fig.update_layout(legend_font_size=size, hoverlabel_font_size=size, font_size=size)
    return fig


# The strip: one figure per topic side by side, as one block of HTML (every text escaped), so the cards share
# a height, the numbers wrap instead of being cut, and the row costs one element instead of twenty.
STRIP_STYLE = """<style>
.ots-strip { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 0.75rem;
             margin-bottom: 0.5rem; }
.ots-strip .card { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 0.7rem 0.85rem; }
.ots-strip .label { font-size: 0.85rem; color: #1B2631; line-height: 1.25; }
.ots-strip .value { font-size: 1.45rem; font-weight: 600; color: #1B2631; line-height: 1.2; margin: 0.3rem 0; }
.ots-strip .delta { font-size: 0.8rem; color: #44505C; }
.ots-strip .note { font-size: 0.75rem; color: #6B7785; margin-top: 0.35rem; line-height: 1.3; }
</style>"""
ARROWS = {"up": "↑ ", "down": "↓ ", "off": ""}


def strip_html(headlines) -> str:
    """The strip's HTML for headline figures (label, value, delta, delta_note, arrow, note; every text escaped)."""
    cards = []
    for h in headlines:
        delta = ""
        if h.delta:
            delta = f"<div class='delta'>{ARROWS.get(h.arrow, '')}{html.escape(h.delta)}" + (
                f" {html.escape(h.delta_note)}" if h.delta_note else "") + "</div>"
        cards.append(f"<div class='card'><div class='label'>{html.escape(h.label)}</div>"
                     f"<div class='value'>{html.escape(h.value)}</div>{delta}"
                     f"<div class='note'>{html.escape(h.note)}</div></div>")
    return STRIP_STYLE + "<div class='ots-strip'>" + "".join(cards) + "</div>"
