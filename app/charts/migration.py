"""Figures of the Migration page: the corridor map, its static PNG twin, the ranked corridors, the Sankey
among OTS states and one corridor's series.

The map never reaches the internet: no tiles (`map_provider=None`), country
shapes from the GeoJSON the app serves itself (passed as a URL, never inline:
inlining made the page about five times slower). Arcs are coloured from origin
(orange) to destination (blue) so direction reads without arrows; width and
opacity grow with persons. The PNG export cannot capture WebGL on the server,
so `map_snapshot` draws the same corridors with plotly over outlines traced
from the same GeoJSON (no plotly geo: its outlines come from a CDN).
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from app.charts import maps, stock_types
from app.charts.common import plotly_escape
from app.i18n import N_, _, fmt_int
from app.countries import OTS_STATES
from app.palette import GROUP_COLOUR, country_colour, hex_to_rgb

ORIGIN_RGB = (230, 159, 0)      # Okabe-Ito orange: where people come from
DESTINATION_RGB = (0, 114, 178)  # Okabe-Ito blue: where they live now
ORIGIN_COLOUR = "#E69F00"
DESTINATION_COLOUR = "#0072B2"
EURASIA = {"latitude": 47.0, "longitude": 47.0, "zoom": 1.55, "pitch": 0, "bearing": 0}
MAP_HEIGHT = 520
REGION_PREFIX = "region:"

# UN subregions, so grouped partners are named in the reader's language.
SUBREGIONS = {
    "Australia and New Zealand": N_("Australia and New Zealand"), "Central Asia": N_("Central Asia"),
    "Eastern Asia": N_("Eastern Asia"), "Eastern Europe": N_("Eastern Europe"),
    "Latin America and the Caribbean": N_("Latin America and the Caribbean"), "Melanesia": N_("Melanesia"),
    "Micronesia": N_("Micronesia"), "Northern Africa": N_("Northern Africa"),
    "Northern America": N_("Northern America"), "Northern Europe": N_("Northern Europe"),
    "Polynesia": N_("Polynesia"), "South-eastern Asia": N_("South-eastern Asia"),
    "Southern Asia": N_("Southern Asia"), "Southern Europe": N_("Southern Europe"),
    "Sub-Saharan Africa": N_("Sub-Saharan Africa"), "Western Asia": N_("Western Asia"),
    "Western Europe": N_("Western Europe"), "Africa": N_("Africa"), "Americas": N_("Americas"),
    "Asia": N_("Asia"), "Europe": N_("Europe"), "Oceania": N_("Oceania"), "Other": N_("Other countries"),
}


def is_region(code: str) -> bool:
    return str(code).startswith(REGION_PREFIX)


def region_name(code: str, count: int | None = None) -> str:
    """ "Western Europe (7 countries)" for a grouped partner code."""
    region = str(code)[len(REGION_PREFIX):]
    name = _(SUBREGIONS[region]) if region in SUBREGIONS else region
    if count:
        return _("{region} ({count} countries)").format(region=name, count=count)
    return name


def code_name(code: str, name_of: Callable[[str], str], count: int | None = None) -> str:
    return region_name(code, count) if is_region(code) else name_of(code)


# ---------------------------------------------------------------- data for the map


def shown_corridors(corridors: pd.DataFrame, countries: pd.DataFrame, limit: int,
                    name_of: Callable[[str], str]) -> pd.DataFrame:
    """The `limit` largest corridors, named, with their ends placed where they have a place: ready for map,
    chart and CSV.

    `corridors` comes from `queries.migration.corridors`; `countries` has iso3, label_lat, label_lon. A corridor
    with an end that has no map position (origin "other or unknown", a few territories) is kept with
    `placed` False: it is listed and counted, never drawn on the map.
    """
    columns = ["origin_code", "destination_code", "origin_name", "destination_name", "persons",
               "origin_lat", "origin_lon", "destination_lat", "destination_lon", "partner_count", "focus_iso3",
               "placed", "basis_citizenship", "refugees_added", "imputed"]
    if corridors.empty:
        return pd.DataFrame(columns=columns)
    places = countries.set_index("iso3")[["label_lat", "label_lon"]]
    frame = corridors.copy()
    focus_place = places.reindex(frame["focus_iso3"]).to_numpy()
    focus_is_origin = frame["origin_code"] == frame["focus_iso3"]
    focus_lat = pd.Series(focus_place[:, 0], index=frame.index, dtype="float64")
    focus_lon = pd.Series(focus_place[:, 1], index=frame.index, dtype="float64")
    frame["origin_lat"] = focus_lat.where(focus_is_origin, frame["partner_lat"])
    frame["origin_lon"] = focus_lon.where(focus_is_origin, frame["partner_lon"])
    frame["destination_lat"] = frame["partner_lat"].where(focus_is_origin, focus_lat)
    frame["destination_lon"] = frame["partner_lon"].where(focus_is_origin, focus_lon)
    frame["placed"] = frame[["origin_lat", "origin_lon", "destination_lat", "destination_lon"]].notna().all(axis=1)
    for flag in ("basis_citizenship", "refugees_added", "imputed"):
        if flag not in frame:
            frame[flag] = pd.NA
    frame = frame.sort_values(["persons", "origin_code", "destination_code"], ascending=[False, True, True])
    frame = frame.head(limit).reset_index(drop=True)
    frame["origin_name"] = [code_name(c, name_of, n if is_region(c) else None)
                            for c, n in zip(frame["origin_code"], frame["partner_count"])]
    frame["destination_name"] = [code_name(c, name_of, n if is_region(c) else None)
                                 for c, n in zip(frame["destination_code"], frame["partner_count"])]
    return frame[columns]


def node_totals(corridors: pd.DataFrame) -> pd.DataFrame:
    """Per place, persons leaving (out) and arriving (in) over the whole selection (circle sizes)."""
    if corridors.empty:
        return pd.DataFrame(columns=["code", "out", "in"])
    out = corridors.groupby("origin_code")["persons"].sum().rename("out")
    arriving = corridors.groupby("destination_code")["persons"].sum().rename("in")
    totals = pd.concat([out, arriving], axis=1).fillna(0).astype("int64")
    return totals.rename_axis("code").reset_index()


def map_nodes(shown: pd.DataFrame, totals: pd.DataFrame, name_of: Callable[[str], str]) -> pd.DataFrame:
    """One circle per place at either end of a shown corridor that has a place, sized by its total in the
    selection."""
    shown = shown[shown["placed"]] if "placed" in shown else shown
    if shown.empty:
        return pd.DataFrame(columns=["code", "name", "lat", "lon", "out", "in", "total"])
    ends = pd.concat([
        shown[["origin_code", "origin_name", "origin_lat", "origin_lon"]].set_axis(
            ["code", "name", "lat", "lon"], axis=1),
        shown[["destination_code", "destination_name", "destination_lat", "destination_lon"]].set_axis(
            ["code", "name", "lat", "lon"], axis=1),
    ]).drop_duplicates("code")
    nodes = ends.merge(totals, on="code", how="left").fillna({"out": 0, "in": 0})
    nodes["total"] = nodes["out"] + nodes["in"]
    return nodes.sort_values("total", ascending=False).reset_index(drop=True)


def _scale(values: pd.Series, low: float, high: float) -> pd.Series:
    """Square-root scale onto [low, high], so areas and widths grow with persons without one arc drowning all."""
    top = float(values.max()) if len(values) else 0.0
    if top <= 0:
        return pd.Series(low, index=values.index)
    return low + (high - low) * (values.astype("float64") / top) ** 0.5


def _node_colour(code: str, alpha: int = 215) -> list[int]:
    if is_region(code):
        return [150, 150, 150, alpha]
    return hex_to_rgb(country_colour(code), alpha)


def corridor_map(shown: pd.DataFrame, nodes: pd.DataFrame, period_text: str, source_text: str,
                 height: int = MAP_HEIGHT, previous_name: str = "") -> pdk.Deck:
    """Arcs from origin (orange) to destination (blue) over the country shapes, circles by total, hover text.
    Only corridors with both ends placed are drawn. With a `previous_persons` column (the previous edition's
    figure for the same year), an arc's hover says where the UN revised it."""
    arcs = shown[shown["placed"]].copy() if "placed" in shown else shown.copy()
    arcs["width"] = _scale(arcs["persons"], 1.5, 16.0)
    strength = _scale(arcs["persons"], 0.45, 1.0)
    arcs["source_colour"] = [list(ORIGIN_RGB) + [int(255 * s)] for s in strength]
    arcs["target_colour"] = [list(DESTINATION_RGB) + [int(255 * s)] for s in strength]
    arcs["tip_title"] = [f"{o} → {d}" for o, d in zip(arcs["origin_name"], arcs["destination_name"])]
    arcs["tip_body"] = [_("{persons} persons · {period} · {source}").format(
        persons=fmt_int(p), period=period_text, source=source_text) for p in arcs["persons"]]
    if "previous_persons" in arcs:
        arcs["tip_body"] = [body + revision_note(p, before, previous_name)
                            for body, p, before in zip(arcs["tip_body"], arcs["persons"], arcs["previous_persons"])]
    arcs = arcs[["origin_code", "destination_code", "persons", "origin_lon", "origin_lat", "destination_lon",
                 "destination_lat", "width", "source_colour", "target_colour", "tip_title", "tip_body"]]

    circles = nodes.copy()
    circles["radius"] = _scale(circles["total"], 4.0, 26.0)
    circles["fill"] = [_node_colour(code) for code in circles["code"]]
    circles["tip_title"] = circles["name"]
    circles["tip_body"] = [_("Left: {out} · Arrived: {arrived} (whole selection) · {period}").format(
        out=fmt_int(o), arrived=fmt_int(i), period=period_text) for o, i in zip(circles["out"], circles["in"])]
    circles["offset"] = [[0, round(r) + 9] for r in circles["radius"]]
    circles = circles[["lon", "lat", "radius", "offset", "fill", "tip_title", "tip_body", "name"]]
    # Names only where they will not pile up: the OTS states and places with a large total.
    named = circles[[code in OTS_STATES or total >= 0.15 * nodes["total"].max()
                     for code, total in zip(nodes["code"], nodes["total"])]]

    # pydeck turns every string argument into a JavaScript expression: constants are quoted ("'pixels'").
    layers = [
        pdk.Layer("GeoJsonLayer", maps.GEOJSON_URL, id="countries", stroked=True, filled=True,
                  get_fill_color="properties.ots_status == 'member' ? [221, 236, 243] : "
                                 "(properties.ots_status == 'observer' ? [234, 240, 228] : [240, 240, 238])",
                  get_line_color=[180, 186, 190], line_width_min_pixels=0.5, pickable=False),
        pdk.Layer("ArcLayer", arcs, id="corridors", get_source_position=["origin_lon", "origin_lat"],
                  get_target_position=["destination_lon", "destination_lat"], get_width="width",
                  get_source_color="source_colour", get_target_color="target_colour", width_units="'pixels'",
                  get_height=0.35, get_tilt=90, great_circle=False, pickable=True, auto_highlight=True),
        pdk.Layer("ScatterplotLayer", circles, id="places", get_position=["lon", "lat"], get_radius="radius",
                  radius_units="'pixels'", get_fill_color="fill", get_line_color=[255, 255, 255, 230],
                  stroked=True, line_width_min_pixels=1, pickable=True, auto_highlight=True),
        pdk.Layer("TextLayer", named, id="names", get_position=["lon", "lat"], get_text="name", get_size=12,
                  get_color=[27, 38, 49, 255], get_pixel_offset="offset", character_set="'auto'",
                  font_family="'Source Sans Pro, Noto Sans, DejaVu Sans, sans-serif'", background=True,
                  get_background_color=[255, 255, 255, 210], background_padding=[3, 1, 3, 1]),
    ]
    tooltip = {"html": "<b>{tip_title}</b><br/>{tip_body}",
               "style": {"backgroundColor": "white", "color": "#1B2631", "fontSize": "13px",
                         "border": "1px solid #B0B7BF", "maxWidth": "320px"}}
    # map_provider=None and no map_style: any map_style (None included) makes the page fetch a base map.
    return pdk.Deck(layers=layers, initial_view_state=pdk.ViewState(**EURASIA), map_provider=None,
                    tooltip=tooltip, height=height)


def revision_note(persons, before, previous_name: str) -> str:
    """ " · revised by the UN from 2,558,907 (International Migrant Stock 2020)" where the previous edition gave
    another figure for the same corridor and year; "" where it gave the same or none."""
    if before is None or pd.isna(before) or int(before) == int(persons):
        return ""
    return " · " + _("revised by the UN from {before} ({edition})").format(before=fmt_int(before),
                                                                          edition=previous_name)


# ---------------------------------------------------------------- the same map as a static figure


def _mix(t: float, alpha: float) -> str:
    r, g, b = (round(o + (d - o) * t) for o, d in zip(ORIGIN_RGB, DESTINATION_RGB))
    return f"rgba({r},{g},{b},{alpha:.2f})"


def map_snapshot(shown: pd.DataFrame, nodes: pd.DataFrame, origin_label: str, destination_label: str) -> go.Figure:
    """The corridors of the map drawn with plotly over the shipped outlines, for the PNG export.

    Each arc is drawn in two halves, orange from the origin and blue into the destination, ending in an
    arrowhead, so direction reads on paper as it does on the map.
    """
    xs, ys = maps.outline_path()
    shown = shown[shown["placed"]] if "placed" in shown else shown
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor="#EEEEEC",
                               line={"color": "#B4BABE", "width": 0.5}, hoverinfo="skip", showlegend=False))
    widths = _scale(shown["persons"], 1.0, 12.0)
    strength = _scale(shown["persons"], 0.55, 0.95)
    for row, width, alpha in zip(shown.itertuples(), widths, strength):
        cx, cy = maps.arc_path((row.origin_lon, row.origin_lat), (row.destination_lon, row.destination_lat))
        half = len(cx) // 2
        fig.add_trace(go.Scatter(x=cx[:half + 1], y=cy[:half + 1], mode="lines", hoverinfo="skip",
                                 showlegend=False, line={"color": _mix(0.15, alpha), "width": width}))
        fig.add_trace(go.Scatter(x=cx[half:], y=cy[half:], mode="lines+markers", hoverinfo="skip",
                                 showlegend=False, line={"color": _mix(0.85, alpha), "width": width},
                                 marker={"symbol": "arrow", "angleref": "previous", "color": _mix(1.0, alpha),
                                         "size": [0] * (len(cx) - half - 1) + [8 + width]}))
    if not nodes.empty:
        sizes = _scale(nodes["total"], 8.0, 44.0)
        fig.add_trace(go.Scatter(
            x=nodes["lon"], y=nodes["lat"], mode="markers+text", text=nodes["name"], textposition="bottom center",
            marker={"size": sizes, "color": [_rgba(_node_colour(c)) for c in nodes["code"]],
                    "line": {"color": "white", "width": 1}},
            textfont={"size": 12, "color": "#1B2631"}, hoverinfo="skip", showlegend=False))
    for name, colour in ((origin_label, ORIGIN_COLOUR), (destination_label, DESTINATION_COLOUR)):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=name, line={"color": colour, "width": 6}))
    x_range, y_range = _extent(shown)
    fig.update_xaxes(range=x_range, visible=False)
    fig.update_yaxes(range=y_range, visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(template="plotly_white", plot_bgcolor="#F7FBFD", margin={"t": 30, "b": 10, "l": 10, "r": 10},
                      legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"})
    return fig


def _rgba(colour: list[int]) -> str:
    return f"rgba({colour[0]},{colour[1]},{colour[2]},{colour[3] / 255:.2f})"


def _extent(shown: pd.DataFrame) -> tuple[list[float], list[float]]:
    """The box around every shown end, padded, never narrower than Central Asia to the Bosporus."""
    lons = list(shown["origin_lon"]) + list(shown["destination_lon"]) or [30.0, 80.0]
    lats = list(shown["origin_lat"]) + list(shown["destination_lat"]) or [35.0, 55.0]
    west, east = min(lons + [25.0]) - 8, max(lons + [80.0]) + 8
    south, north = min(lats + [35.0]) - 6, max(lats + [55.0]) + 6
    # Widen the shorter side so the picture keeps a 16:9-ish frame.
    width, height = east - west, north - south
    if width < height * 1.8:
        grow = (height * 1.8 - width) / 2
        west, east = west - grow, east + grow
    else:
        grow = (width / 1.8 - height) / 2
        south, north = south - grow, north + grow
    return [max(west, -180.0), min(east, 180.0)], [max(south, -90.0), min(north, 90.0)]


# ---------------------------------------------------------------- charts beside the map
# No template on these: the page's theme styles them and the PNG export puts a white one in; an embedded
# template makes a figure several times slower to build.


def ranked_corridors(shown: pd.DataFrame, focus_side: str, value_title: str, previous_name: str = "") -> go.Figure:
    """The corridors of the map as horizontal bars, largest on top, coloured by the focus-side country. With a
    `previous_persons` column (the previous edition's figure for the same year), the hover says what the UN
    revised."""
    frame = shown.iloc[::-1]
    revised = [""] * len(frame)
    if "previous_persons" in frame:
        revised = ["<br>" + plotly_escape(previous_name) + ": " + (fmt_int(b) if pd.notna(b) else "—")
                   for b in frame["previous_persons"]]
    # The destination's data types as marks (counted by citizenship, refugees added, imputed): see the footnote.
    labels = [f"{o} → {d}{m}" for o, d, m in zip(frame["origin_name"], frame["destination_name"],
                                                 stock_types.row_marks(frame))]
    side = frame["origin_code"] if focus_side == "origin" else frame["destination_code"]
    colours = [GROUP_COLOUR if is_region(c) else country_colour(c) for c in side]
    fig = go.Figure(go.Bar(
        x=frame["persons"], y=labels, orientation="h", marker={"color": colours},
        customdata=[[fmt_int(p), r] for p, r in zip(frame["persons"], revised)],
        hovertemplate="%{y}<br>" + value_title + ": %{customdata[0]}%{customdata[1]}<extra></extra>",
        text=[fmt_int(p) for p in frame["persons"]], textposition="auto", cliponaxis=False))
    fig.update_layout(margin={"t": 10, "b": 40, "l": 10, "r": 10},
                      xaxis={"title": value_title, "tickformat": "~s"}, yaxis={"automargin": True},
                      height=max(260, 26 * len(frame) + 80), bargap=0.25, font={"size": 13})
    return fig


def ots_sankey(links: pd.DataFrame, name_of: Callable[[str], str], value_title: str) -> go.Figure:
    """Corridors among member and observer states: origins on the left, destinations on the right."""
    origins = sorted(links["origin_iso3"].unique(), key=lambda c: -links.loc[links["origin_iso3"] == c,
                                                                          "persons"].sum())
    destinations = sorted(links["destination_iso3"].unique(),
                          key=lambda c: -links.loc[links["destination_iso3"] == c, "persons"].sum())
    labels = [name_of(c) for c in origins] + [name_of(c) for c in destinations]
    colours = [country_colour(c) for c in origins] + [country_colour(c) for c in destinations]
    left = {c: i for i, c in enumerate(origins)}
    right = {c: len(origins) + i for i, c in enumerate(destinations)}
    link_colours = [_rgba(hex_to_rgb(country_colour(c), 110)) for c in links["origin_iso3"]]
    fig = go.Figure(go.Sankey(
        arrangement="snap", valueformat=",.0f",
        node={"label": labels, "color": colours, "pad": 14, "thickness": 16,
              "line": {"color": "white", "width": 0.5},
              "hovertemplate": "%{label}: %{value:,.0f}<extra></extra>"},
        link={"source": [left[c] for c in links["origin_iso3"]],
              "target": [right[c] for c in links["destination_iso3"]],
              "value": links["persons"].tolist(), "color": link_colours,
              "customdata": [f"{name_of(o)} → {name_of(d)}: {fmt_int(p)}" for o, d, p in
                             zip(links["origin_iso3"], links["destination_iso3"], links["persons"])],
              "hovertemplate": "%{customdata}<extra></extra>"}))
    fig.update_layout(margin={"t": 30, "b": 10, "l": 10, "r": 10}, height=420,
                      font={"size": 13})
    fig.add_annotation(text=_("Origin"), x=0, y=1.06, xref="paper", yref="paper", showarrow=False,
                       xanchor="left", font={"size": 12, "color": "#555"})
    fig.add_annotation(text=_("Destination"), x=1, y=1.06, xref="paper", yref="paper", showarrow=False,
                       xanchor="right", font={"size": 12, "color": "#555"})
    return fig


SEX_STYLE = {"total": ("#1B2631", "solid", 3.0), "female": ("#CC79A7", "dot", 2.0),
             "male": ("#0072B2", "dash", 2.0)}


def corridor_series_chart(series: pd.DataFrame, sex_names: dict[str, str], value_title: str,
                          is_flow: bool, previous: pd.DataFrame | None = None, previous_name: str = "") -> go.Figure:
    """One corridor over time: both sexes, women and men, as lines (flows: per 5-year period, at its end).

    The year axis is a true one: 2020 to 2024 is four years, drawn shorter than 2015 to 2020. `previous`: the
    same corridor in the previous edition of the UN's estimates, drawn apart (grey, dotted) so a reader sees
    what the UN revised; never added to the latest edition's figures."""
    fig = go.Figure()
    if previous is not None and not previous.empty:
        rows = previous[previous["sex"] == "total"]
        label = f"{sex_names.get('total', 'total')} — {previous_name}"
        fig.add_trace(go.Scatter(
            x=rows["time_end"], y=rows["persons"], mode="lines+markers", name=label,
            line={"color": "#8C8C8C", "dash": "dot", "width": 2}, marker={"symbol": "circle-open", "size": 7},
            customdata=[fmt_int(p) for p in rows["persons"]],
            hovertemplate="%{x}: %{customdata}<extra>" + label + "</extra>"))
    for sex, (colour, dash, width) in SEX_STYLE.items():
        rows = series[series["sex"] == sex]
        if rows.empty:
            continue
        labels = [period_label(a, b, is_flow) for a, b in zip(rows["time"], rows["time_end"])]
        fig.add_trace(go.Scatter(
            x=rows["time_end"], y=rows["persons"], mode="lines+markers", name=sex_names.get(sex, sex),
            line={"color": colour, "dash": dash, "width": width},
            customdata=[[label, fmt_int(p)] for label, p in zip(labels, rows["persons"])],
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + sex_names.get(sex, sex) + "</extra>"))
    ends = sorted(set(series["time_end"]))
    starts = dict(zip(series["time_end"], series["time"]))
    fig.update_layout(margin={"t": 40, "b": 40, "l": 10, "r": 10}, height=340,
                      yaxis={"title": value_title, "tickformat": "~s", "rangemode": "tozero"},
                      xaxis=year_axis(ends, [period_label(starts[e], e, is_flow) for e in ends]),
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}, font={"size": 13},
                      hovermode="x unified")
    return fig


def year_axis(years, labels=None) -> dict:
    """A numeric year axis ticked at the years the data hold (1990 … 2020, 2024), not evenly spaced categories."""
    years = [int(y) for y in years]
    return {"type": "linear", "tickmode": "array", "tickvals": years,
            "ticktext": labels if labels is not None else [str(y) for y in years]}


def period_label(time: int, time_end: int, is_flow: bool) -> str:
    return f"{time}–{time_end}" if is_flow else str(time)

