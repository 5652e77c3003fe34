"""Maps drawn without anything from the internet: pydeck for the page, plotly outlines for the PNG.

- On the page: `country_layer()` draws the shipped Natural Earth countries from the static file the
  server serves (`/app/static/countries.geojson`, never inlined: it would be sent on every rerun), and
  `deck()` builds a Deck with `map_provider=None`, so no tiles or styles are fetched.
- A map coloured per country (the World map) cannot take its colours and tooltips from the static file:
  `country_shapes()` gives the same outlines, coordinates rounded to what a world view shows, for a layer
  of its own, and `CompactDeck` sends them without pydeck's indentation (five times the bytes).
- For the PNG export: `static_map()` draws the same countries as plotly scatter polygons built from the
  shipped coordinates (plotly's own geo maps would make kaleido fetch outlines from a CDN), on which a
  page adds the same markers and arcs with `arc_path()`.

Coordinates are longitude/latitude; the static map uses an equirectangular projection corrected for the
latitude of the view, which is faithful enough at the scale of the OTS region.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pydeck as pdk

from pydeck.bindings.json_tools import default_serialize

from app.countries import OTS_STATES

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
GEOJSON_PATH = PROJECT_ROOT / "static" / "countries.geojson"
GEOJSON_URL = "/app/static/countries.geojson"

LAND = "#E4E8EB"
LAND_OTS = "#CFE3EC"
BORDER = "#FFFFFF"
SEA = "#F7FAFC"
LAND_RGBA = [228, 232, 235, 255]
LAND_OTS_RGBA = [207, 227, 236, 255]
BORDER_RGBA = [255, 255, 255, 255]
SEA_RGBA = [247, 250, 252, 255]

Bounds = tuple[float, float, float, float]  # lon_min, lon_max, lat_min, lat_max


@lru_cache(maxsize=1)
def _outlines() -> dict[bool, tuple[list, list]]:
    """Every polygon ring of the shipped GeoJSON as x/y lists with None between rings, split OTS / others."""
    features = json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))["features"]
    outlines: dict[bool, tuple[list, list]] = {True: ([], []), False: ([], [])}
    for feature in features:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        xs, ys = outlines[feature["properties"].get("iso3") in OTS_STATES]
        for polygon in polygons:
            for ring in polygon:
                xs.extend(point[0] for point in ring)
                ys.extend(point[1] for point in ring)
                xs.append(None)
                ys.append(None)
    return outlines


@lru_cache(maxsize=1)
def outline_path() -> tuple[np.ndarray, np.ndarray]:
    """Every country's outline as one x/y path with gaps between rings, for a drawing in one colour (arrays:
    plotly writes them compactly)."""
    others, ots = _outlines()[False], _outlines()[True]
    return np.array(others[0] + ots[0], dtype="float64"), np.array(others[1] + ots[1], dtype="float64")


def outline_traces() -> list[go.Scatter]:
    """Country polygons as two filled scatter traces (the OTS states tinted), without hover or legend."""
    traces = []
    for is_ots, fill in ((False, LAND), (True, LAND_OTS)):
        xs, ys = _outlines()[is_ots]
        traces.append(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=fill,
                                 line={"color": BORDER, "width": 0.6}, hoverinfo="skip", showlegend=False))
    return traces


def fit_bounds(lons, lats, pad: float = 6.0, aspect: float = 16 / 9) -> Bounds:
    """A view around the points with some margin, widened to the chart's shape."""
    points = [(x, y) for x, y in zip(lons, lats) if x is not None and y is not None and x == x and y == y]
    if not points:
        return (20.0, 90.0, 25.0, 60.0)  # the OTS region
    lon_min = min(p[0] for p in points) - pad
    lon_max = max(p[0] for p in points) + pad
    lat_min = max(min(p[1] for p in points) - pad, -85.0)
    lat_max = min(max(p[1] for p in points) + pad, 85.0)
    squeeze = math.cos(math.radians((lat_min + lat_max) / 2))
    width = (lon_max - lon_min) * squeeze
    height = lat_max - lat_min
    if width / height < aspect:
        extra = (height * aspect / squeeze - (lon_max - lon_min)) / 2
        lon_min, lon_max = lon_min - extra, lon_max + extra
    else:
        extra = (width / aspect - height) / 2
        lat_min, lat_max = max(lat_min - extra, -85.0), min(lat_max + extra, 85.0)
    return (lon_min, lon_max, lat_min, lat_max)


def focus_bounds(lons, lats, max_span: float = 100.0) -> Bounds:
    """Like `fit_bounds`, but around where most points are: far-off points (one arc to the Americas) are
    left outside the first view, where a reader can pan to them, instead of shrinking everything else."""
    points = [(x, y) for x, y in zip(lons, lats) if x is not None and y is not None and x == x and y == y]
    if not points:
        return fit_bounds([], [])
    centre = sorted(p[0] for p in points)[len(points) // 2]
    near = [p for p in points if abs(p[0] - centre) <= max_span / 2]
    return fit_bounds([p[0] for p in near], [p[1] for p in near])


def static_map(bounds: Bounds, height: int = 560) -> go.Figure:
    """A plotly figure with the country outlines, axes hidden, showing `bounds`."""
    lon_min, lon_max, lat_min, lat_max = bounds
    fig = go.Figure(outline_traces())
    squeeze = math.cos(math.radians((lat_min + lat_max) / 2))
    fig.update_xaxes(range=[lon_min, lon_max], visible=False, constrain="domain")
    fig.update_yaxes(range=[lat_min, lat_max], visible=False, scaleanchor="x", scaleratio=1 / squeeze,
                     constrain="domain")
    fig.update_layout(height=height, plot_bgcolor=SEA, paper_bgcolor="white", hovermode="closest",
                      margin={"t": 10, "b": 10, "l": 10, "r": 10}, dragmode="pan")
    return fig


def arc_path(source: tuple[float, float], target: tuple[float, float], bend: float = 0.2,
             steps: int = 24) -> tuple[list[float], list[float]]:
    """A curved line from source to target (lon, lat), bowed to the left, as the page's arcs are."""
    (x0, y0), (x1, y1) = source, target
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    control = (mid_x - (y1 - y0) * bend, mid_y + (x1 - x0) * bend)
    xs, ys = [], []
    for step in range(steps + 1):
        t = step / steps
        xs.append((1 - t) ** 2 * x0 + 2 * (1 - t) * t * control[0] + t ** 2 * x1)
        ys.append((1 - t) ** 2 * y0 + 2 * (1 - t) * t * control[1] + t ** 2 * y1)
    return xs, ys


def view_state(bounds: Bounds) -> pdk.ViewState:
    """A pydeck view showing `bounds` on a map about 700 pixels wide."""
    lon_min, lon_max, lat_min, lat_max = bounds
    # At zoom 0 the whole world is 512 pixels wide; the map is about 700 pixels wide on the page.
    span = max(lon_max - lon_min, (lat_max - lat_min) * 1.8, 1.0)
    zoom = max(0.3, min(6.0, math.log2(360 / span * 700 / 512)))
    return pdk.ViewState(longitude=(lon_min + lon_max) / 2, latitude=(lat_min + lat_max) / 2, zoom=zoom,
                         pitch=0, bearing=0)


def sea_layer() -> pdk.Layer:
    """A pale rectangle under the countries, so the sea reads as sea without any tiles."""
    world = [[[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]]
    return pdk.Layer("SolidPolygonLayer", data=[{"polygon": world}], get_polygon="polygon",
                     get_fill_color=SEA_RGBA, pickable=False)


def country_layer() -> pdk.Layer:
    """The shipped countries, read by the browser from the static file; the OTS states tinted."""
    return pdk.Layer(
        "GeoJsonLayer", data=GEOJSON_URL, stroked=True, filled=True, pickable=False,
        get_fill_color=f"properties.ots_status ? {LAND_OTS_RGBA} : {LAND_RGBA}",
        get_line_color=BORDER_RGBA, line_width_min_pixels=0.5,
    )


def deck(layers: list[pdk.Layer], view: pdk.ViewState, tooltip: dict | None = None) -> pdk.Deck:
    """A Deck with the countries under `layers`, and no map provider: nothing is fetched from the internet."""
    # map_provider=None alone keeps the browser offline; setting map_style (even to None) makes Streamlit
    # fetch a base-map style from the internet.
    return pdk.Deck(layers=[sea_layer(), country_layer(), *layers], initial_view_state=view, map_provider=None,
                    tooltip=tooltip or False)


# Natural Earth draws Antarctica as the widest shape of all; no data set here has a figure for it.
NOT_DRAWN = ("ATA",)


@lru_cache(maxsize=1)
def country_shapes() -> dict[str, dict]:
    """Every shipped country outline as a GeoJSON MultiPolygon geometry by ISO3 code, coordinates rounded to
    0.01 degree (about a kilometre: finer than a world map shows) with repeated points dropped; Antarctica
    left out."""
    shapes: dict[str, dict] = {}
    for feature in json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))["features"]:
        code = feature["properties"].get("iso3")
        if not code or code in NOT_DRAWN:
            continue
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rounded = []
        for polygon in polygons:
            rings = [_rounded_ring(ring) for ring in polygon]
            rings = [ring for ring in rings if len(ring) >= 4]  # a ring needs three corners and its closing point
            if rings:
                rounded.append(rings)
        if rounded:
            shapes[code] = {"type": "MultiPolygon", "coordinates": rounded}
    return shapes


def _rounded_ring(ring: list) -> list[list[float]]:
    points: list[list[float]] = []
    for x, y in ring:
        point = [round(x, 2), round(y, 2)]
        if not points or points[-1] != point:
            points.append(point)
    return points


class CompactDeck(pdk.Deck):
    """A Deck written as compact JSON. pydeck indents its JSON, which for inline country outlines (every
    coordinate pair on lines of its own) is about five times the bytes the browser has to receive and read."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
