"""Colours: one fixed colour per member and observer state on every chart and map.

Okabe-Ito colours, distinguishable with the common forms of colour blindness.
Other countries share muted greys so the OTS states stand out.
"""
from __future__ import annotations

STATE_COLOURS = {
    "AZE": "#0072B2",  # blue
    "KAZ": "#56B4E9",  # sky blue
    "KGZ": "#E69F00",  # orange
    "TUR": "#D55E00",  # vermillion
    "UZB": "#009E73",  # bluish green
    "HUN": "#CC79A7",  # reddish purple
    "TKM": "#B8A200",  # a darker yellow than Okabe-Ito's, readable on white
    "RUS": "#555555",  # the main destination: dark grey, never confused with a member
}
OTHER_COLOURS = ("#8C8C8C", "#A6A6A6", "#7A8B99", "#9E9A91", "#B0B7BF", "#8E8279")
GROUP_COLOUR = "#00688B"  # "OTS members" as one entity: the theme's primary colour
# Statuses of agreed measures, also Okabe-Ito (tests/test_palette.py checks that every pair stays apart for
# readers with red-green or blue-yellow colour blindness); every cell and bar says its status in words too.
STATUS_COLOURS = {
    "agreed": "#9CCBDD",          # light sky blue
    "in progress": "#E69F00",     # orange
    "implemented": "#009E73",     # bluish green
    "requested": "#CC79A7",       # reddish purple
    "not recorded": "#FFFFFF",    # white, with a grey edge: nothing is known
    "not applicable": "#BDBDBD",  # grey
}


def country_colour(iso3: str) -> str:
    if iso3 in STATE_COLOURS:
        return STATE_COLOURS[iso3]
    if iso3 and iso3.startswith("OTS"):
        return GROUP_COLOUR
    return OTHER_COLOURS[sum(map(ord, iso3 or "")) % len(OTHER_COLOURS)]



def hex_to_rgb(colour: str, alpha: int = 255) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


# The world map's classes (tests/test_palette.py checks that neighbouring classes, and each class and "no figure",
# stay apart for readers with red-green or blue-yellow colour blindness). Counts and shares: viridis, light to
# dark, changing in lightness as well as hue. Net migration: orange where more people left than came, blue where
# more came, near white about zero (the Migration map's orange origin and blue destination; no red and green).
# No figure reported: a plain grey, never a class colour, so "not reported" is never read as a value.
MAP_SEQUENTIAL = ("#FDE725", "#7AD151", "#22A884", "#2A788E", "#414487", "#440154")
MAP_DIVERGING = ("#B35806", "#F1A340", "#FDD49E", "#F7F7F7", "#ABD0E6", "#4393C3", "#2166AC")
MAP_NO_FIGURE = "#BDBDBD"
