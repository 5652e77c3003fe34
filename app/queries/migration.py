"""Queries of the Migration page (stocks and flows): corridors of a selection, one corridor's series, the OTS matrix.

Stocks (UN DESA, `migrant_stock`) are keyed by mid-year; estimated flows
(Abel-Cohen, `migration_flows`) by the first year of their 5-year period. Every
query takes `measure` ("stock" or "flow") and picks one of two fixed SQL texts:
the table name is never built from input. Queries return only rows with people
in them (a zero corridor is not drawn) and stay narrow: one year or period, one
sex, the focus countries' rows.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

STOCK = "stock"
FLOW = "flow"
MEASURES = (STOCK, FLOW)
FROM = "from"  # emigrants from the focus
TO = "to"      # immigrants to the focus
DIRECTIONS = (FROM, TO)
SEXES = ("total", "female", "male")
REGION_PREFIX = "region:"  # partner codes that stand for a world region (grouped partners)

# One year or period, one sex, both ends named: the same shape for stocks and flows.
_SELECTION = {
    STOCK: "SELECT origin_iso3, destination_iso3, persons FROM migrant_stock "
           "WHERE year = $when AND sex = $sex AND persons > 0",
    FLOW: "SELECT origin_iso3, destination_iso3, persons FROM migration_flows "
          "WHERE period_start = $when AND sex = $sex AND persons > 0",
}
_SERIES = {
    STOCK: "SELECT year AS time, year AS time_end, sex, persons FROM migrant_stock "
           "WHERE origin_iso3 = $origin AND destination_iso3 = $destination",
    FLOW: "SELECT period_start AS time, period_end AS time_end, sex, persons FROM migration_flows "
          "WHERE origin_iso3 = $origin AND destination_iso3 = $destination",
}


def _check(measure: str, direction: str | None = None, sex: str | None = None) -> None:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    if direction is not None and direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    if sex is not None and sex not in SEXES:
        raise ValueError(f"sex must be one of {SEXES}, not {sex!r}")


def periods(cur, measure: str) -> pd.DataFrame:
    """Years (stocks) or 5-year periods (flows) in the data, oldest first (Migration page controls)."""
    _check(measure)
    if measure == STOCK:
        sql = "SELECT DISTINCT year AS time, year AS time_end FROM migrant_stock ORDER BY time"
    else:
        sql = "SELECT DISTINCT period_start AS time, period_end AS time_end FROM migration_flows ORDER BY time"
    return cur.execute(sql).df()


def corridors(cur, measure: str, when: int, sex: str, focus: Sequence[str], direction: str,
              partners: Sequence[str] | None = None, keep_apart: Sequence[str] | None = None) -> pd.DataFrame:
    """Every corridor of a selection, largest first (Migration page: map, ranked chart, CSV).

    `focus`: the countries whose emigrants (direction "from") or immigrants ("to") are shown.
    `partners`: the countries allowed at the other end (None: all).
    `keep_apart`: when given, partners outside it are grouped into their world region
    (UN subregion), coded "region:<subregion>", placed at the persons-weighted centre of
    the partners they stand for. Columns: focus_iso3, partner_code, partner_count,
    origin_code, destination_code, persons, partner_lat, partner_lon.
    """
    _check(measure, direction, sex)
    focus_end, partner_end = ("origin_iso3", "destination_iso3") if direction == FROM else \
        ("destination_iso3", "origin_iso3")
    params = {"when": int(when), "sex": sex, "focus": list(focus),
              "partners": list(partners or []), "all_partners": partners is None,
              "keep": list(keep_apart or []), "grouping": keep_apart is not None,
              "prefix": REGION_PREFIX, "outgoing": direction == FROM}
    sql = f"""
        WITH selection AS ({_SELECTION[measure]}),
        oriented AS (
            SELECT {focus_end} AS focus_iso3, {partner_end} AS partner_iso3, persons
            FROM selection
            WHERE {focus_end} IN (SELECT unnest($focus))
              AND ($all_partners OR list_contains($partners, {partner_end}))
        ),
        labelled AS (
            SELECT o.focus_iso3, o.persons, c.label_lat, c.label_lon,
                   CASE WHEN $grouping AND NOT list_contains($keep, o.partner_iso3)
                        THEN $prefix || coalesce(c.subregion, c.region, 'Other')
                        ELSE o.partner_iso3 END AS partner_code
            FROM oriented o LEFT JOIN countries c ON c.iso3 = o.partner_iso3
        )
        SELECT focus_iso3, partner_code,
               count(*)::INTEGER AS partner_count,
               CASE WHEN $outgoing THEN focus_iso3 ELSE partner_code END AS origin_code,
               CASE WHEN $outgoing THEN partner_code ELSE focus_iso3 END AS destination_code,
               sum(persons)::BIGINT AS persons,
               sum(persons * label_lat) / nullif(sum(CASE WHEN label_lat IS NOT NULL THEN persons END), 0)
                   AS partner_lat,
               sum(persons * label_lon) / nullif(sum(CASE WHEN label_lon IS NOT NULL THEN persons END), 0)
                   AS partner_lon
        FROM labelled
        GROUP BY focus_iso3, partner_code
        ORDER BY persons DESC, origin_code, destination_code
    """
    return cur.execute(sql, params).df()


def corridor_series(cur, measure: str, origin: str, destination: str) -> pd.DataFrame:
    """One corridor over every year or period, by sex, zeros included (Migration page: corridor chart)."""
    _check(measure)
    sql = f"{_SERIES[measure]} ORDER BY time, sex"
    return cur.execute(sql, {"origin": origin, "destination": destination}).df()


def corridors_among(cur, measure: str, when: int, sex: str, states: Sequence[str]) -> pd.DataFrame:
    """Corridors whose both ends are among `states`, largest first (Migration page: Sankey)."""
    _check(measure, sex=sex)
    sql = f"""
        SELECT origin_iso3, destination_iso3, persons FROM ({_SELECTION[measure]})
        WHERE origin_iso3 IN (SELECT unnest($states)) AND destination_iso3 IN (SELECT unnest($states))
          AND origin_iso3 <> destination_iso3
        ORDER BY persons DESC, origin_iso3, destination_iso3
    """
    return cur.execute(sql, {"when": int(when), "sex": sex, "states": list(states)}).df()


def times_with_corridors(cur, measure: str, sex: str, focus: Sequence[str], direction: str) -> pd.DataFrame:
    """Years or periods in which the focus has any corridor with people in it (Migration page: empty-case text)."""
    _check(measure, direction, sex)
    focus_end = "origin_iso3" if direction == FROM else "destination_iso3"
    time = "year" if measure == STOCK else "period_start"
    table = "migrant_stock" if measure == STOCK else "migration_flows"
    sql = (f"SELECT DISTINCT {time} AS time FROM {table} "
           f"WHERE sex = $sex AND persons > 0 AND {focus_end} IN (SELECT unnest($focus)) ORDER BY time")
    return cur.execute(sql, {"sex": sex, "focus": list(focus)}).df()


def source(cur, measure: str) -> pd.DataFrame:
    """Provenance of the table behind the view: dataset, publisher, licence, accessed (Migration page captions)."""
    _check(measure)
    table = "migrant_stock" if measure == STOCK else "migration_flows"
    return cur.execute("""
        SELECT s.table_name, s.dataset, s.publisher, s.licence, s.accessed
        FROM sources s WHERE s.table_name = $table
    """, {"table": table}).df()
