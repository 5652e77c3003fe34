"""Colours that must stay apart stay apart, also for readers with colour blindness.

Each status of an agreed measure has its own colour (and each cell says its status in words too). Here every
pair of status colours is compared as a reader with normal vision, protanopia, deuteranopia or tritanopia sees
it (Machado, Oliveira and Fernandes 2009, severity 1.0, applied in linear RGB), by the CIE76 colour difference.
"""
from __future__ import annotations

from itertools import combinations

import pytest

from app.palette import MAP_DIVERGING, MAP_NO_FIGURE, MAP_SEQUENTIAL, STATUS_COLOURS
from etl.schema import STATUS_VALUES

# Machado et al. (2009), full severity.
VISION = {
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}
# Far enough apart to tell at a glance on a small cell (CIE76; about 2.3 is "just noticeable").
LEAST_DIFFERENCE = 12


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def seen_as_lab(colour: str, vision: str) -> tuple[float, float, float]:
    """The colour as CIELAB, as a reader with that vision sees it."""
    rgb = [_linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5)]
    rgb = [min(max(sum(m * c for m, c in zip(row, rgb)), 0.0), 1.0) for row in VISION[vision]]
    x = 0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    z = 0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x / 0.95047), f(y), f(z / 1.08883)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def difference(first: str, second: str, vision: str) -> float:
    a, b = seen_as_lab(first, vision), seen_as_lab(second, vision)
    return sum((p - q) ** 2 for p, q in zip(a, b)) ** 0.5


def test_every_status_has_a_colour():
    assert set(STATUS_COLOURS) == set(STATUS_VALUES)


@pytest.mark.parametrize("vision", list(VISION))
def test_status_colours_stay_apart(vision):
    close = [(a, b, round(difference(STATUS_COLOURS[a], STATUS_COLOURS[b], vision), 1))
             for a, b in combinations(STATUS_VALUES, 2)
             if difference(STATUS_COLOURS[a], STATUS_COLOURS[b], vision) < LEAST_DIFFERENCE]
    assert not close, f"status colours too alike with {vision}: {close}"


@pytest.mark.parametrize("vision", list(VISION))
@pytest.mark.parametrize("scale", [MAP_SEQUENTIAL, MAP_DIVERGING], ids=["sequential", "diverging"])
def test_world_map_classes_stay_apart_from_their_neighbours_and_from_no_figure(vision, scale):
    close = [(a, b, round(difference(a, b, vision), 1)) for a, b in zip(scale, scale[1:])
             if difference(a, b, vision) < LEAST_DIFFERENCE]
    close += [(colour, MAP_NO_FIGURE, round(difference(colour, MAP_NO_FIGURE, vision), 1)) for colour in scale
              if difference(colour, MAP_NO_FIGURE, vision) < LEAST_DIFFERENCE]
    assert not close, f"world map colours too alike with {vision}: {close}"


def test_the_check_tells_red_from_green_only_with_normal_vision():
    assert difference("#D55E00", "#009E73", "normal") > 50
    assert difference("#E69F00", "#9ACD32", "deuteranopia") < LEAST_DIFFERENCE  # orange, yellow-green
