"""Queries of the Stranded citizens page: figures on citizens stranded abroad and brought home in 2020.

Every figure is a count reported at a date, often "at least" or "about", and
counts of one country at different dates overlap. So these queries never add
figures up: they return the figures themselves, or the latest figure per
nationality, country of stay and kind of figure. A figure's date (`as_of`) is
the end of the period it counts or, where the source gives no period, the date
the source published it. Figures submitted by member states in the dashboard
are read with the build's (`all_figures`), and marked by `origin`.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from app.queries import uses_state
from app.queries.figures import ALL_FIGURES_SQL, STATE_VIEW

# `location` value meaning "the source names no single country of stay" (the column is empty).
SEVERAL_COUNTRIES = "-"

_FIGURE_COLUMNS = """
    f.record_id, f.nationality_iso3, f.location_iso3, f.indicator, f.indicator_group, f.value, f.unit,
    f.unit_base, f.qualifier, f.period_start, f.period_end, f.source_date,
    coalesce(f.period_end, f.source_date) AS as_of,
    f.description, f.source_publisher, f.source_url, f.date_note, f.origin
"""

_FILTERS = """
    f.topic = 'stranded' AND f.nationality_iso3 IS NOT NULL
    AND ($nationality IS NULL OR f.nationality_iso3 = $nationality)
    AND ($location IS NULL OR coalesce(f.location_iso3, $several) = $location)
    AND list_contains($groups, f.indicator_group)
    AND (coalesce(f.period_end, f.source_date) IS NULL
         OR coalesce(f.period_end, f.source_date) BETWEEN coalesce($date_from, DATE '1900-01-01')
                                                      AND coalesce($date_to, DATE '2999-12-31'))
"""


def _params(nationality, location, groups, date_from, date_to) -> dict:
    return {"nationality": nationality, "location": location, "several": SEVERAL_COUNTRIES,
            "groups": list(groups), "date_from": date_from, "date_to": date_to}


@uses_state(STATE_VIEW)
def global_stranded_figures(cur) -> pd.DataFrame:
    """IOM's worldwide figures (no nationality, no country of stay) that frame the Stranded page."""
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL}
        SELECT {_FIGURE_COLUMNS}
        FROM all_figures f
        WHERE f.topic = 'stranded' AND f.nationality_iso3 IS NULL AND f.location_iso3 IS NULL
        ORDER BY f.unit_base = 'persons' DESC, f.value DESC
    """).df()


@uses_state(STATE_VIEW)
def stranded_filter_values(cur) -> pd.DataFrame:
    """Nationalities, countries of stay, kinds and dates present, for the Stranded page's filters."""
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL}
        SELECT DISTINCT nationality_iso3, coalesce(location_iso3, $several) AS location_iso3, indicator_group,
               coalesce(period_end, source_date) AS as_of
        FROM all_figures
        WHERE topic = 'stranded' AND nationality_iso3 IS NOT NULL
        ORDER BY 1, 2, 3, 4
    """, {"several": SEVERAL_COUNTRIES}).df()


# Figures with the label points of both their countries (where the map draws them).
_WITH_PLACES = f"""SELECT {_FIGURE_COLUMNS},
               n.label_lon AS nationality_lon, n.label_lat AS nationality_lat,
               l.label_lon AS location_lon, l.label_lat AS location_lat
        FROM all_figures f
        LEFT JOIN countries n ON n.iso3 = f.nationality_iso3
        LEFT JOIN countries l ON l.iso3 = f.location_iso3"""


@uses_state(STATE_VIEW)
def stranded_figures(cur, nationality: str | None = None, location: str | None = None,
                     groups: tuple[str, ...] = (), date_from: date | None = None,
                     date_to: date | None = None) -> pd.DataFrame:
    """Every figure matching the filters, with both countries' label points (Stranded page table, timeline).

    Figures without any date are kept whatever the date range, so they are not silently lost.
    """
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL}
        {_WITH_PLACES}
        WHERE {_FILTERS}
        ORDER BY f.nationality_iso3, as_of NULLS LAST, f.indicator_group, f.location_iso3 NULLS LAST, f.record_id
    """, _params(nationality, location, groups, date_from, date_to)).df()


@uses_state(STATE_VIEW)
def latest_stranded_figures(cur, nationality: str | None = None, location: str | None = None,
                            groups: tuple[str, ...] = (), date_from: date | None = None,
                            date_to: date | None = None) -> pd.DataFrame:
    """The latest dated figure per nationality, country of stay and kind (Stranded page map and ranking).

    Later figures of one country supersede earlier ones (they overlap), so the latest stands for the pair;
    where two figures share the latest date, the larger is kept (the other is usually a part of it).
    """
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL}
        {_WITH_PLACES}
        WHERE {_FILTERS} AND coalesce(f.period_end, f.source_date) IS NOT NULL
        QUALIFY row_number() OVER (
            PARTITION BY f.nationality_iso3, coalesce(f.location_iso3, $several), f.indicator_group
            ORDER BY coalesce(f.period_end, f.source_date) DESC, f.value DESC, f.record_id) = 1
        ORDER BY f.indicator_group, f.value DESC
    """, _params(nationality, location, groups, date_from, date_to)).df()
