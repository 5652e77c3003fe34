"""The World map's classes and drawings, pure: limits a reader can say aloud, every value in one class, "not
reported" never a class, the same countries on the page's map and in the PNG's drawing."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from app.charts import maps
from app.charts import world as charts
from app.palette import MAP_DIVERGING, MAP_NO_FIGURE, MAP_SEQUENTIAL


@pytest.mark.parametrize("value, expected", [(7_605_774, 1e7), (3_200, 5e3), (140, 100), (0.34, 0.5), (0.25, 0.2),
                                             (1.6, 2.0)])
def test_class_limits_are_one_two_or_five_times_a_power_of_ten(value, expected):
    assert charts.nice(value) == pytest.approx(expected)


def test_counts_get_six_classes_light_to_dark_and_missing_values_none():
    values = pd.Series([10 ** (k / 10) for k in range(10, 80)])  # 10 to 10 million, spread evenly on a log scale
    scale = charts.sequential_scale(values)
    assert len(scale.colours) == len(scale.breaks) + 1 == len(MAP_SEQUENTIAL)
    assert list(scale.breaks) == sorted(scale.breaks)
    assert scale.index(values.min()) == 0 and scale.index(values.max()) == len(scale.colours) - 1
    assert scale.index(float("nan")) is None and scale.colour(None) == MAP_NO_FIGURE
    assert scale.colour(0) == MAP_SEQUENTIAL[0]  # a real zero (no refugees) is the lowest class, not "no figure"
    labels = scale.labels(lambda v: f"{v:g}")
    assert labels[0].startswith("under ") and labels[-1].endswith(" or more") and len(labels) == len(scale.colours)


def test_net_migration_classes_are_symmetric_about_zero():
    values = pd.Series([-2e6, -3e5, -4e4, -5e3, -600, 0, 700, 8e3, 9e4, 1e6])
    scale = charts.diverging_scale(values)
    assert scale.breaks == tuple(-b for b in reversed(scale.breaks))
    assert scale.colours == MAP_DIVERGING
    assert scale.colour(0) == MAP_DIVERGING[3]  # about zero: the middle, near white
    assert scale.colour(-2e6) == MAP_DIVERGING[0] and scale.colour(1e6) == MAP_DIVERGING[-1]


def test_too_few_values_still_draw_one_class():
    assert len(charts.sequential_scale(pd.Series([5.0])).colours) == 1
    assert len(charts.diverging_scale(pd.Series([], dtype=float)).colours) == 1


def test_the_page_map_and_the_png_drawing_hold_the_same_countries():
    shown = pd.DataFrame({"iso3": ["KAZ", "TKM", "DEU", "BHR"], "value": [2e6, None, 1.6e7, 8e5],
                          "ots_status": ["member", "observer", None, None], "tip_title": ["K", "T", "D", "B"],
                          "tip_body": ["", "", "", ""]})
    scale = charts.sequential_scale(shown["value"])
    deck = json.loads(charts.world_map(shown, scale).to_json())
    layers = {layer["id"]: layer for layer in deck["layers"]}
    features = {f["properties"]["iso3"]: f["properties"] for f in layers["countries"]["data"]["features"]}
    assert set(features) == set(maps.country_shapes())
    assert "ATA" not in features and "BHR" not in features  # Antarctica not drawn; Bahrain has no outline
    assert features["TKM"]["fill"][:3] == [0xBD, 0xBD, 0xBD]
    assert len(layers["ots_outlines"]["data"]["features"]) == 2
    assert layers["borders"]["data"] == maps.GEOJSON_URL and not layers["borders"]["pickable"]
    assert deck.get("mapProvider") is None
    figure = charts.world_snapshot(shown, scale, scale.labels(str), "no figure", "member", "observer")
    names = [trace.name for trace in figure.data if trace.showlegend is not False]
    assert names[-3:] == ["no figure", "member", "observer"]
    # compact JSON: a fifth of pydeck's indented text for the same map
    assert len(charts.world_map(shown, scale).to_json()) * 4 < len(super(maps.CompactDeck, charts.world_map(
        shown, scale)).to_json())
