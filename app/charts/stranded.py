"""Figures of the Stranded citizens page: map (pydeck and its static twin), ranking, timeline, table.

Pure builders: frames from `app.queries.stranded` in, figures out. Country names come through the
`name` function the page passes (the session's language). Colour always means the kind of figure
(stranded, registered, repatriated, returned); kinds are never stacked or added, and every number is
written with its qualifier ("at least 11,784").
"""
from __future__ import annotations

import html
import math
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
from plotly.subplots import make_subplots

from app.charts import maps
from app.charts.common import (safe_url, GROUP_ORDER, add_meeting_markers, base_layout, date_text, figure_note,
                               figure_text, group_colour, group_label, indicator_label, log_ticks, origin_label,
                               plotly_escape, qualified)
from app.i18n import _, fmt_date
from app.palette import hex_to_rgb
from app.queries.stranded import SEVERAL_COUNTRIES

Namer = Callable[[str], str]
RANKED_GROUPS = ("stranded", "registered", "repatriated", "returned")  # context figures are not comparable
MAX_ARC_WIDTH = 14
MAX_MARKER_RADIUS = 26


def _has(value) -> bool:
    return value is not None and value == value and value != ""


def pair_label(row, name: Namer) -> str:
    nationality = name(row.nationality_iso3)
    if _has(row.location_iso3) and row.location_iso3 != SEVERAL_COUNTRIES:
        return _("{nationality} citizens in {location}").format(nationality=nationality,
                                                               location=name(row.location_iso3))
    return _("{nationality} citizens, several countries").format(nationality=nationality)


def _when(row) -> str:
    return date_text(row.period_start, row.period_end, row.source_date)


def hover_text(row, name: Namer) -> str:
    """Plain-text description of one figure (pydeck tooltips show it as text; plotly gets it escaped)."""
    return "\n".join([
        pair_label(row, name),
        f"{group_label(row.indicator_group)}: {figure_text(row.value, row.qualifier, row.unit_base)}",
        indicator_label(row.indicator),
        _when(row),
        _("Source: {publisher}").format(publisher=row.source_publisher),
    ])


def _plotly_hover(row, name: Namer) -> str:
    return plotly_escape(hover_text(row, name)).replace("\n", "<br>")


def map_frame(latest: pd.DataFrame, name: Namer) -> pd.DataFrame:
    """The map's figures: one arc (country of stay -> nationality) or marker (several countries) each."""
    frame = latest[latest["indicator_group"].isin(RANKED_GROUPS)].copy()
    frame = frame.dropna(subset=["nationality_lon", "nationality_lat"])
    if frame.empty:
        return frame.assign(has_location=pd.Series(dtype=bool), tooltip=pd.Series(dtype=str))
    frame["has_location"] = frame["location_lon"].notna() & frame["location_lat"].notna()
    top = frame["value"].max()
    frame["width"] = [2 + (MAX_ARC_WIDTH - 2) * math.sqrt(v / top) for v in frame["value"]]
    frame["radius"] = [5 + (MAX_MARKER_RADIUS - 5) * math.sqrt(v / top) for v in frame["value"]]
    frame["colour"] = [hex_to_rgb(group_colour(g), 200) for g in frame["indicator_group"]]
    frame["colour_from"] = [hex_to_rgb(group_colour(g), 90) for g in frame["indicator_group"]]
    frame["tilt"] = [(RANKED_GROUPS.index(g) - 1.5) * 12 for g in frame["indicator_group"]]
    frame["tooltip"] = [hover_text(row, name) for row in frame.itertuples()]
    return frame.sort_values("value", ascending=False)


def _points(frame: pd.DataFrame) -> tuple[list, list]:
    lons = list(frame["nationality_lon"]) + list(frame["location_lon"].dropna())
    lats = list(frame["nationality_lat"]) + list(frame["location_lat"].dropna())
    return lons, lats


def stranded_deck(frame: pd.DataFrame) -> pdk.Deck:
    """Arcs from the country of stay to the home country, and circles where no single country is named."""
    arcs = frame[frame["has_location"]]
    markers = frame[~frame["has_location"]]
    arc_columns = ["nationality_lon", "nationality_lat", "location_lon", "location_lat", "width", "colour",
                   "colour_from", "tilt", "tooltip"]
    marker_columns = ["nationality_lon", "nationality_lat", "radius", "colour", "tooltip"]
    layers = [
        pdk.Layer("ArcLayer", data=arcs[arc_columns].to_dict("records"),
                  get_source_position="[location_lon, location_lat]",
                  get_target_position="[nationality_lon, nationality_lat]", get_source_color="colour_from",
                  get_target_color="colour", get_width="width", get_tilt="tilt", get_height=0.6,
                  width_units="'pixels'",
                  pickable=True, auto_highlight=True),
        pdk.Layer("ScatterplotLayer", data=markers[marker_columns].to_dict("records"),
                  get_position="[nationality_lon, nationality_lat]", get_radius="radius", radius_units="'pixels'",
                  get_fill_color="colour", stroked=True, get_line_color=[255, 255, 255, 255],
                  line_width_min_pixels=1.5, pickable=True, auto_highlight=True),
    ]
    return maps.deck(layers, maps.view_state(maps.focus_bounds(*_points(frame))),
                     tooltip={"text": "{tooltip}", "style": {"fontSize": "13px", "maxWidth": "360px"}})


def stranded_static_map(frame: pd.DataFrame, name: Namer) -> go.Figure:
    """The same arcs and circles over the shipped country outlines, for the PNG export."""
    fig = maps.static_map(maps.fit_bounds(*_points(frame)))  # a PNG cannot be panned: show every arc
    for group in [g for g in RANKED_GROUPS if g in set(frame["indicator_group"])]:
        colour = group_colour(group)
        rows = frame[frame["indicator_group"] == group]
        for row in rows[rows["has_location"]].itertuples():
            xs, ys = maps.arc_path((row.location_lon, row.location_lat), (row.nationality_lon, row.nationality_lat),
                                   bend=0.18 + 0.06 * RANKED_GROUPS.index(group))
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": colour, "width": row.width},
                                     opacity=0.75, legendgroup=group, showlegend=False,
                                     hovertext=_plotly_hover(row, name), hoverinfo="text"))
            fig.add_trace(go.Scatter(x=[row.nationality_lon], y=[row.nationality_lat], mode="markers",
                                     marker={"color": colour, "size": 7}, legendgroup=group, showlegend=False,
                                     hoverinfo="skip"))
        circles = rows[~rows["has_location"]]
        if not circles.empty:
            fig.add_trace(go.Scatter(
                x=circles["nationality_lon"], y=circles["nationality_lat"], mode="markers",
                marker={"color": colour, "size": [2 * r for r in circles["radius"]], "opacity": 0.75,
                        "line": {"color": "white", "width": 1.5}},
                legendgroup=group, showlegend=False, hoverinfo="text",
                hovertext=[_plotly_hover(row, name) for row in circles.itertuples()]))
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines+markers", name=group_label(group),
                                 line={"color": colour, "width": 4}, legendgroup=group))
    fig.update_layout(showlegend=True, legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
                      margin={"t": 40, "b": 10, "l": 10, "r": 10})
    return fig


def ranked_figures(latest: pd.DataFrame, name: Namer) -> go.Figure:
    """One panel per kind of figure, each ranking the latest figure per nationality and country of stay."""
    frame = latest[latest["indicator_group"].isin(RANKED_GROUPS)]
    groups = [g for g in GROUP_ORDER if g in set(frame["indicator_group"])]
    counts = [int((frame["indicator_group"] == g).sum()) for g in groups]
    fig = make_subplots(rows=len(groups), cols=1, subplot_titles=[group_label(g) for g in groups],
                        row_heights=[c + 1.5 for c in counts], vertical_spacing=0.22 / max(len(groups), 1))
    for index, group in enumerate(groups, start=1):
        rows = frame[frame["indicator_group"] == group].sort_values("value")
        labels = [pair_label(row, name) for row in rows.itertuples()]
        texts = ["{figure}{note} · {when}".format(figure=qualified(row.value, row.qualifier), when=_when(row),
                                                  note=figure_note(row.indicator)) for row in rows.itertuples()]
        fig.add_trace(go.Bar(
            x=rows["value"], y=labels, orientation="h", marker_color=group_colour(group), name=group_label(group),
            text=texts, textposition="outside", cliponaxis=False, showlegend=False,
            hovertext=[_plotly_hover(row, name) for row in rows.itertuples()], hoverinfo="text"), row=index, col=1)
        fig.update_xaxes(range=[0, rows["value"].max() * 2.2], row=index, col=1, showticklabels=False)
    base_layout(fig, height=140 + 34 * sum(counts) + 60 * len(groups))
    fig.update_layout(bargap=0.3, margin={"t": 40, "b": 20, "l": 10, "r": 20})
    return fig


def stranded_timeline(figures: pd.DataFrame, meetings: pd.DataFrame, name: Namer) -> go.Figure:
    """Every dated figure per nationality on one date axis: a dot at its date, a line over the period it counts."""
    dated = figures.dropna(subset=["as_of"])
    nationalities = list(dict.fromkeys(dated["nationality_iso3"]))
    fig = make_subplots(rows=len(nationalities), cols=1, shared_xaxes=True,
                        subplot_titles=[name(code) for code in nationalities],
                        vertical_spacing=0.28 / max(len(nationalities), 1))
    shown: set[str] = set()
    for index, code in enumerate(nationalities, start=1):
        mine = dated[dated["nationality_iso3"] == code]
        for group in [g for g in GROUP_ORDER if g in set(mine["indicator_group"])]:
            rows = mine[mine["indicator_group"] == group]
            colour = group_colour(group)
            xs, ys = [], []
            for row in rows.itertuples():
                if _has(row.period_start) and pd.Timestamp(row.period_start) < pd.Timestamp(row.as_of):
                    xs += [pd.Timestamp(row.period_start), pd.Timestamp(row.as_of), None]
                    ys += [row.value, row.value, None]
            if xs:
                fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": colour, "width": 2},
                                         opacity=0.45, hoverinfo="skip", showlegend=False, legendgroup=group),
                              row=index, col=1)
            fig.add_trace(go.Scatter(
                x=pd.to_datetime(rows["as_of"]), y=rows["value"], mode="markers", name=group_label(group),
                marker={"color": colour, "size": 10, "line": {"color": "white", "width": 1}},
                legendgroup=group, showlegend=group not in shown, legendrank=GROUP_ORDER.index(group),
                hovertext=[_plotly_hover(row, name) for row in rows.itertuples()], hoverinfo="text"),
                row=index, col=1)
            shown.add(group)
        fig.update_yaxes(**log_ticks(mine["value"]), title_text=_("persons (log scale)"), row=index, col=1,
                         title_font={"size": 11})
    base_layout(fig, height=140 + 200 * len(nationalities))
    fig.update_layout(margin={"t": 40, "b": 30, "l": 10, "r": 10})
    for annotation in fig.layout.annotations:  # panel titles: on the left, clear of the meeting labels
        annotation.update(x=0, xanchor="left", font={"size": 13, "color": "#1B2631"})
    if not dated.empty:
        first = pd.Timestamp(dated[["period_start", "as_of"]].min().min()) - pd.Timedelta(days=10)
        last = pd.Timestamp(dated["as_of"].max()) + pd.Timedelta(days=10)
        fig.update_xaxes(range=[first, last])
        add_meeting_markers(fig, meetings, axis="date", span=(first, last))
    return fig


def figures_table(figures: pd.DataFrame, name: Namer) -> pd.DataFrame:
    """The figures as a reader's table (shown with links, and exported as CSV): every number as reported."""
    return pd.DataFrame({
        _("Nationality"): [name(code) for code in figures["nationality_iso3"]],
        _("Country of stay"): [name(code) if _has(code) and code != SEVERAL_COUNTRIES else _("several countries")
                               for code in figures["location_iso3"]],
        _("Figure"): [figure_text(r.value, r.qualifier, r.unit_base) + figure_note(r.indicator)
                      for r in figures.itertuples()],
        _("Date"): [_when(r) for r in figures.itertuples()],
        _("Link"): [safe_url(url) for url in figures["source_url"]],  # http(s) only
        _("Kind"): [group_label(g) for g in figures["indicator_group"]],
        _("What was counted"): [indicator_label(i) for i in figures["indicator"]],
        _("Source"): figures["source_publisher"].to_numpy(),
        _("Source date"): [fmt_date(d) if _has(d) else "" for d in figures["source_date"]],
        _("Note on the date"): figures["date_note"].fillna("").to_numpy(),
        _("Description"): figures["description"].fillna("").to_numpy(),
        _("Value"): figures["value"].to_numpy(),
        _("Qualifier"): figures["qualifier"].fillna("").to_numpy(),
        _("Record"): figures["record_id"].to_numpy(),
        _("Origin"): [origin_label(o) for o in figures["origin"]],
    })


def map_table(frame: pd.DataFrame, name: Namer) -> pd.DataFrame:
    """The map's figures for the CSV export: the table's columns plus the points the arcs join."""
    table = figures_table(frame, name)
    table[_("Country of stay: longitude")] = frame["location_lon"].to_numpy()
    table[_("Country of stay: latitude")] = frame["location_lat"].to_numpy()
    table[_("Nationality: longitude")] = frame["nationality_lon"].to_numpy()
    table[_("Nationality: latitude")] = frame["nationality_lat"].to_numpy()
    return table


def legend_html(groups) -> str:
    """A one-line colour key for the pydeck map (which has no legend of its own)."""
    return " &nbsp; ".join(
        "<span style='color:{colour}'>■</span> {label}".format(colour=group_colour(g),
                                                              label=html.escape(group_label(g)))
        for g in RANKED_GROUPS if g in set(groups))
