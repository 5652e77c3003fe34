"""Figures of the World map page: one indicator per country, coloured by class over the shipped Natural Earth
outlines, its key, and the same map as a static plotly drawing for the PNG.

The map never reaches the internet: no tiles (`map_provider=None`), outlines
from the shipped GeoJSON (`maps.country_shapes`), inline because each country
carries its own colour and tooltip. Values are put in classes (a reader
compares classes on a map, not shades): six for counts and shares, light to
dark; seven for net migration, orange where more people left than came and
blue where more came, about zero near white. A country without a figure is
grey and says "not reported": never a class, never zero. The member and
observer states are outlined. Pure: frames in, pydeck Deck, plotly figure or
HTML out, every word already translated.
"""
from __future__ import annotations

import html
import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from app.charts import maps
from app.i18n import _
from app.palette import MAP_DIVERGING, MAP_NO_FIGURE, MAP_SEQUENTIAL, hex_to_rgb

MAP_HEIGHT = 500
OUTLINE = "#1B2631"
# Outline widths (pixels): members thicker than observers, so the two read apart without colour.
OUTLINE_WIDTH = {"member": 2.6, "observer": 1.3}
# The world from 55° S to 80° N on a map about 800 pixels wide (the page's width): at zoom 0 the world is 512
# pixels wide.
WORLD_VIEW = pdk.ViewState(latitude=30, longitude=10, zoom=0.68, min_zoom=0.2, max_zoom=6, pitch=0, bearing=0)
CASING = "#FFFFFF"
BORDER = "#78808A"  # between countries  # under each outline, so it shows on the darkest class as on the lightest
LAYER_ID = "countries"  # the layer a click selects a country on


@dataclass(frozen=True)
class Scale:
    """Classes of values: `breaks` between them (ascending), one colour per class."""

    breaks: tuple[float, ...]
    colours: tuple[str, ...]
    diverging: bool = False

    def index(self, value) -> int | None:
        """The class of a value; None for a missing one (not reported)."""
        if value is None or pd.isna(value):
            return None
        return bisect_right(self.breaks, float(value))

    def colour(self, value) -> str:
        index = self.index(value)
        return MAP_NO_FIGURE if index is None else self.colours[index]

    def labels(self, fmt: Callable[[float], str]) -> list[str]:
        """Each class in words, numbers written by `fmt`: "under 10 thousand", "10 – 50 thousand", "5 million or
        more"."""
        if not self.breaks:
            return [_("every value")]
        labels = [_("under {value}").format(value=fmt(self.breaks[0]))]
        labels += [f"{fmt(low)} – {fmt(high)}" for low, high in zip(self.breaks, self.breaks[1:])]
        labels.append(_("{value} or more").format(value=fmt(self.breaks[-1])))
        return labels


def nice(value: float) -> float:
    """The nearest of 1, 2 and 5 times a power of ten (on a log scale): class limits a reader can say aloud."""
    if value <= 0 or not math.isfinite(value):
        return 0.0
    power = 10 ** math.floor(math.log10(value))
    return min((step * power for step in (1, 2, 5, 10)), key=lambda limit: abs(math.log(limit / value)))


def _spread(palette: tuple[str, ...], count: int) -> list[str]:
    """`count` colours of the palette, as far apart as they go (fewer classes keep the contrast)."""
    if count <= 1:
        return [palette[len(palette) // 2]]
    return [palette[round(i * (len(palette) - 1) / (count - 1))] for i in range(count)]


def sequential_scale(values: pd.Series, classes: int = len(MAP_SEQUENTIAL)) -> Scale:
    """Classes for counts and shares: limits at the quantiles of the positive values, rounded to 1, 2 or 5 times
    a power of ten, so each class holds about as many countries (the values span five orders of magnitude)."""
    positive = pd.to_numeric(values, errors="coerce").dropna()
    positive = positive[positive > 0]
    if len(positive) < 2:
        return Scale((), (MAP_SEQUENTIAL[len(MAP_SEQUENTIAL) // 2],))
    limits = sorted({nice(q) for q in positive.quantile([k / classes for k in range(1, classes)])} - {0.0})
    return Scale(tuple(limits), tuple(_spread(MAP_SEQUENTIAL, len(limits) + 1)))


def diverging_scale(values: pd.Series, per_side: int = 3) -> Scale:
    """Classes for a value that can be negative (net migration): limits symmetric about zero at quantiles of the
    sizes, a class about zero in the middle."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    sizes = numbers[numbers != 0].abs()
    if len(sizes) < 2:
        return Scale((), (MAP_DIVERGING[len(MAP_DIVERGING) // 2],), diverging=True)
    limits = sorted({nice(q) for q in sizes.quantile(list(np.linspace(0.2, 0.8, per_side)))} - {0.0})
    breaks = tuple([-limit for limit in reversed(limits)] + limits)
    centre = len(MAP_DIVERGING) // 2
    left = _spread(MAP_DIVERGING[:centre], len(limits)) if len(limits) > 1 else [MAP_DIVERGING[centre - 2]]
    right = _spread(MAP_DIVERGING[centre + 1:], len(limits)) if len(limits) > 1 else [MAP_DIVERGING[centre + 2]]
    return Scale(breaks, tuple(left + [MAP_DIVERGING[centre]] + right), diverging=True)


# ---------------------------------------------------------------- the page's map


def _features(shown: pd.DataFrame, scale: Scale) -> tuple[list[dict], list[dict]]:
    """GeoJSON features of every drawn country (fill and tooltip in its properties), and of the OTS states' outlines.
    `shown`: one row per country with iso3, tip_title, tip_body, value and ots_status."""
    rows = shown.set_index("iso3").to_dict("index")
    countries, outlines = [], []
    for code, geometry in maps.country_shapes().items():
        row = rows.get(code)
        value = row["value"] if row is not None else None
        properties = {"iso3": code, "fill": hex_to_rgb(scale.colour(value), 255),
                      "tip_title": row["tip_title"] if row is not None else code,
                      "tip_body": row["tip_body"] if row is not None else ""}
        countries.append({"type": "Feature", "properties": properties, "geometry": geometry})
        status = row["ots_status"] if row is not None else None
        if isinstance(status, str) and status in OUTLINE_WIDTH:
            outlines.append({"type": "Feature", "geometry": geometry,
                             "properties": {"width": OUTLINE_WIDTH[status], "casing": OUTLINE_WIDTH[status] + 2.5}})
    return countries, outlines


def world_map(shown: pd.DataFrame, scale: Scale, height: int = MAP_HEIGHT) -> pdk.Deck:
    """The countries coloured by class, the member and observer states outlined, a tooltip per country, no map
    provider. A click on a country selects its feature on the layer `LAYER_ID` (its `iso3` property)."""
    countries, outlines = _features(shown, scale)
    sea = maps.sea_layer()
    sea.id = "sea"  # a map that answers clicks needs an id on every layer
    layers = [
        sea,
        # Filled only: a click is read from the layers that can be picked, and picking the borders too took
        # longer than a click lasts in a browser drawing without a graphics card (the click was lost).
        pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": countries}, id=LAYER_ID,
                  stroked=False, filled=True, pickable=True, auto_highlight=True,
                  highlight_color=[0, 104, 139, 110], get_fill_color="properties.fill"),
        # The borders, from the static file the browser reads once (maps.GEOJSON_URL), never picked.
        pdk.Layer("GeoJsonLayer", maps.GEOJSON_URL, id="borders", stroked=True, filled=False, pickable=False,
                  get_line_color=hex_to_rgb(BORDER), line_width_min_pixels=0.5),
        pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": outlines}, id="ots_casing",
                  stroked=True, filled=False, pickable=False, get_line_color=hex_to_rgb(CASING),
                  get_line_width="properties.casing", line_width_units="'pixels'"),
        pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": outlines}, id="ots_outlines",
                  stroked=True, filled=False, pickable=False, get_line_color=hex_to_rgb(OUTLINE),
                  get_line_width="properties.width", line_width_units="'pixels'"),
    ]
    tooltip = {"html": "<b>{tip_title}</b><br/>{tip_body}",
               # the values are written as text (escaped): line breaks in them are shown as such
               "style": {"backgroundColor": "white", "color": "#1B2631", "fontSize": "13px", "whiteSpace": "pre-line",
                         "border": "1px solid #B0B7BF", "maxWidth": "340px"}}
    # map_provider=None and no map_style: any map_style (None included) makes the page fetch a base map.
    return maps.CompactDeck(layers=layers, initial_view_state=WORLD_VIEW, map_provider=None, tooltip=tooltip,
                            height=height)


def legend(scale: Scale, labels: list[str], title: str, no_figure: str, member: str, observer: str) -> str:
    """The map's key as HTML: one swatch per class with its limits, grey for no figure, and the outlines."""
    def swatch(colour: str, text: str, edge: str = "#8C8C8C") -> str:
        return (f"<span style='white-space:nowrap;margin-right:0.7rem'><span style='display:inline-block;width:1.1rem;"
                f"height:0.8rem;vertical-align:middle;background:{colour};border:1px solid {edge}'></span> "
                f"{html.escape(text)}</span>")

    def outline(width: float, text: str) -> str:
        return (f"<span style='white-space:nowrap;margin-right:0.7rem'><span style='display:inline-block;width:1.1rem;"
                f"height:0.8rem;vertical-align:middle;background:{MAP_SEQUENTIAL[3]};"
                f"border:{width:.1f}px solid {OUTLINE};box-shadow:0 0 0 1.5px {CASING} inset'></span> "
                f"{html.escape(text)}</span>")

    parts = [swatch(colour, label) for colour, label in zip(scale.colours, labels)]
    parts.append(swatch(MAP_NO_FIGURE, no_figure))
    parts += [outline(OUTLINE_WIDTH["member"], member), outline(OUTLINE_WIDTH["observer"], observer)]
    return (f"<div style='font-size:0.88rem;line-height:1.7'><b>{html.escape(title)}</b><br/>"
            + " ".join(parts) + "</div>")


# ---------------------------------------------------------------- the same map as a static figure


def _rings(geometries: list[dict]) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for geometry in geometries:
        for polygon in geometry["coordinates"]:
            for ring in polygon:
                xs.extend(point[0] for point in ring)
                ys.extend(point[1] for point in ring)
                xs.append(None)
                ys.append(None)
    return xs, ys


def world_snapshot(shown: pd.DataFrame, scale: Scale, labels: list[str], no_figure: str, member: str,
                   observer: str) -> go.Figure:
    """The page's map drawn with plotly over the shipped outlines for the PNG (plotly's own geo maps would make
    the export fetch outlines from the internet): one filled trace per class, its key in the legend."""
    values = shown.set_index("iso3")["value"]
    statuses = shown.set_index("iso3")["ots_status"]
    by_class: dict[int | None, list[dict]] = {}
    outlined: dict[str, list[dict]] = {"member": [], "observer": []}
    for code, geometry in maps.country_shapes().items():
        by_class.setdefault(scale.index(values.get(code)), []).append(geometry)
        if statuses.get(code) in outlined:
            outlined[statuses.get(code)].append(geometry)
    fig = go.Figure()
    for index, colour, label in [(i, c, t) for i, (c, t) in enumerate(zip(scale.colours, labels))] + \
            [(None, MAP_NO_FIGURE, no_figure)]:
        xs, ys = _rings(by_class.get(index, []))
        # grey borders, as on the page: a class near white must not melt into the sea
        fig.add_trace(go.Scatter(x=xs or [None], y=ys or [None], mode="lines", fill="toself", fillcolor=colour,
                                 line={"color": BORDER, "width": 0.4}, name=label, hoverinfo="skip"))
    for status, label in (("member", member), ("observer", observer)):
        xs, ys = _rings(outlined[status])
        fig.add_trace(go.Scatter(x=xs or [None], y=ys or [None], mode="lines", showlegend=False, hoverinfo="skip",
                                 line={"color": CASING, "width": OUTLINE_WIDTH[status] + 2.5}))
        fig.add_trace(go.Scatter(x=xs or [None], y=ys or [None], mode="lines", name=label, hoverinfo="skip",
                                 line={"color": OUTLINE, "width": OUTLINE_WIDTH[status]}))
    fig.update_xaxes(range=[-170, 180], visible=False)
    fig.update_yaxes(range=[-57, 84], visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(plot_bgcolor=maps.SEA, paper_bgcolor="white", margin={"t": 10, "b": 10, "l": 10, "r": 10},
                      legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top", "font": {"size": 13}},
                      height=620)
    return fig
