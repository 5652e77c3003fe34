"""Queries of the Migration page (stocks and flows): corridors of a selection, one corridor's series, the OTS matrix.

Stocks (UN DESA, `migrant_stock`) are keyed by mid-year; estimated flows
(Abel-Cohen, `migration_flows`) by the first year of their 5-year period. Every
query takes `measure` ("stock" or "flow") and picks one of two fixed SQL texts:
the table name is never built from input. Queries return only rows with people
in them (a zero corridor is not drawn) and stay narrow: one year or period, one
sex, the focus countries' rows. Stocks are read from one edition of the UN's
estimates (`edition`, the latest by default); flows have one edition, computed
from the 2020 edition's stocks. Stock rows carry the destination's data types
(counted by citizenship, refugees added, imputed); flows carry none (NULL).
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from app.queries.common import FLOWS, STOCK as STOCK_DATASET, _edition

STOCK = "stock"
FLOW = "flow"
MEASURES = (STOCK, FLOW)
FROM = "from"  # emigrants from the focus
TO = "to"      # immigrants to the focus
DIRECTIONS = (FROM, TO)
SEXES = ("total", "female", "male")
REGION_PREFIX = "region:"  # partner codes that stand for a world region (grouped partners)

# One year or period, one sex, both ends named: the same shape for stocks and flows. `$edition` is the stock
# edition; the flows' text ignores it (one edition), so both take the same parameters.
_FLAGS = "basis_citizenship, refugees_added, imputed"
_NO_FLAGS = "NULL::BOOLEAN AS basis_citizenship, NULL::BOOLEAN AS refugees_added, NULL::BOOLEAN AS imputed"
_SELECTION = {
    STOCK: f"SELECT origin_iso3, destination_iso3, persons, {_FLAGS} FROM migrant_stock "
           "WHERE edition = $edition AND year = $when AND sex = $sex AND persons > 0",
    FLOW: f"SELECT origin_iso3, destination_iso3, persons, {_NO_FLAGS} FROM migration_flows "
          "WHERE $edition IS NOT NULL AND period_start = $when AND sex = $sex AND persons > 0",
}
_SERIES = {
    STOCK: f"SELECT year AS time, year AS time_end, sex, persons, {_FLAGS} FROM migrant_stock "
           "WHERE edition = $edition AND origin_iso3 = $origin AND destination_iso3 = $destination",
    FLOW: f"SELECT period_start AS time, period_end AS time_end, sex, persons, {_NO_FLAGS} FROM migration_flows "
          "WHERE $edition IS NOT NULL AND origin_iso3 = $origin AND destination_iso3 = $destination",
}


def _edition_of(cur, measure: str, edition: str | None = None) -> str:
    """The edition the view reads: the stock edition asked for (latest by default), or the flows' own."""
    return _edition(cur, STOCK_DATASET if measure == STOCK else FLOWS, edition if measure == STOCK else None)


def _check(measure: str, direction: str | None = None, sex: str | None = None) -> None:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    if direction is not None and direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    if sex is not None and sex not in SEXES:
        raise ValueError(f"sex must be one of {SEXES}, not {sex!r}")


def periods(cur, measure: str, edition: str | None = None) -> pd.DataFrame:
    """Years (stocks, of the edition) or 5-year periods (flows) in the data, oldest first (Migration page
    controls)."""
    _check(measure)
    if measure == STOCK:
        # The years of the edition from the build's summary (etl.derived), not a scan of the world matrix.
        return cur.execute("""
            SELECT DISTINCT first_year AS time, first_year AS time_end FROM country_years
            WHERE dataset = 'migrant_stock' AND edition = $edition ORDER BY time
        """, {"edition": _edition_of(cur, measure, edition)}).df()
    sql = "SELECT DISTINCT period_start AS time, period_end AS time_end FROM migration_flows ORDER BY time"
    return cur.execute(sql).df()


def corridors(cur, measure: str, when: int, sex: str, focus: Sequence[str], direction: str,
              partners: Sequence[str] | None = None, keep_apart: Sequence[str] | None = None,
              edition: str | None = None) -> pd.DataFrame:
    """Every corridor of a selection, largest first (Migration page: map, ranked chart, CSV).

    `focus`: the countries whose emigrants (direction "from") or immigrants ("to") are shown.
    `partners`: the countries allowed at the other end (None: all).
    `keep_apart`: when given, partners outside it are grouped into their world region
    (UN subregion), coded "region:<subregion>", placed at the persons-weighted centre of
    the partners they stand for. An origin "other or unknown" (OOO) is never grouped and has
    no place (partner_lat and partner_lon are NULL): it is listed, never drawn.
    Columns: focus_iso3, partner_code, partner_count, origin_code, destination_code, persons,
    partner_lat, partner_lon, and the destination's data types (any of the grouped rows):
    basis_citizenship, refugees_added, imputed (NULL for flows and the 2020 edition).
    """
    _check(measure, direction, sex)
    focus_end, partner_end = ("origin_iso3", "destination_iso3") if direction == FROM else \
        ("destination_iso3", "origin_iso3")
    params = {"when": int(when), "sex": sex, "focus": list(focus),
              "partners": list(partners or []), "all_partners": partners is None,
              "keep": list(keep_apart or []), "grouping": keep_apart is not None,
              "prefix": REGION_PREFIX, "outgoing": direction == FROM,
              "edition": _edition_of(cur, measure, edition)}
    sql = f"""
        WITH selection AS ({_SELECTION[measure]}),
        oriented AS (
            SELECT {focus_end} AS focus_iso3, {partner_end} AS partner_iso3, persons, {_FLAGS}
            FROM selection
            WHERE {focus_end} IN (SELECT unnest($focus))
              AND ($all_partners OR list_contains($partners, {partner_end}))
        ),
        labelled AS (
            SELECT o.focus_iso3, o.persons, c.label_lat, c.label_lon, {_FLAGS},
                   CASE WHEN $grouping AND c.kind = 'place' AND NOT list_contains($keep, o.partner_iso3)
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
                   AS partner_lon,
               bool_or(basis_citizenship) AS basis_citizenship, bool_or(refugees_added) AS refugees_added,
               bool_or(imputed) AS imputed
        FROM labelled
        GROUP BY focus_iso3, partner_code
        ORDER BY persons DESC, origin_code, destination_code
    """
    return cur.execute(sql, params).df()


def corridor_series(cur, measure: str, origin: str, destination: str, edition: str | None = None) -> pd.DataFrame:
    """One corridor over every year or period of the edition, by sex, zeros included, with the destination's data
    types (Migration page: corridor chart)."""
    _check(measure)
    sql = f"{_SERIES[measure]} ORDER BY time, sex"
    return cur.execute(sql, {"origin": origin, "destination": destination,
                             "edition": _edition_of(cur, measure, edition)}).df()


def corridors_among(cur, measure: str, when: int, sex: str, states: Sequence[str],
                    edition: str | None = None) -> pd.DataFrame:
    """Corridors whose both ends are among `states`, largest first (Migration page: Sankey)."""
    _check(measure, sex=sex)
    sql = f"""
        SELECT origin_iso3, destination_iso3, persons, {_FLAGS} FROM ({_SELECTION[measure]})
        WHERE origin_iso3 IN (SELECT unnest($states)) AND destination_iso3 IN (SELECT unnest($states))
          AND origin_iso3 <> destination_iso3
        ORDER BY persons DESC, origin_iso3, destination_iso3
    """
    return cur.execute(sql, {"when": int(when), "sex": sex, "states": list(states),
                             "edition": _edition_of(cur, measure, edition)}).df()


def times_with_corridors(cur, measure: str, sex: str, focus: Sequence[str], direction: str,
                         edition: str | None = None) -> pd.DataFrame:
    """Years or periods in which the focus has any corridor with people in it (Migration page: empty-case text)."""
    _check(measure, direction, sex)
    focus_end = "origin_iso3" if direction == FROM else "destination_iso3"
    if measure == STOCK:
        sql = (f"SELECT DISTINCT year AS time FROM migrant_stock WHERE edition = $edition AND sex = $sex "
               f"AND persons > 0 AND {focus_end} IN (SELECT unnest($focus)) ORDER BY time")
    else:
        sql = (f"SELECT DISTINCT period_start AS time FROM migration_flows WHERE $edition IS NOT NULL "
               f"AND sex = $sex AND persons > 0 AND {focus_end} IN (SELECT unnest($focus)) ORDER BY time")
    return cur.execute(sql, {"sex": sex, "focus": list(focus), "edition": _edition_of(cur, measure, edition)}).df()


def source(cur, measure: str, edition: str | None = None) -> pd.DataFrame:
    """Provenance of the view: the table's licence, and the edition read, with its title, publisher and release
    date (Migration page captions and exports). For flows, also the stock edition they were computed from."""
    _check(measure)
    table = "migrant_stock" if measure == STOCK else "migration_flows"
    return cur.execute("""
        SELECT s.table_name, e.title AS dataset, e.publisher, coalesce(e.licence, s.licence) AS licence,
               e.accessed, e.edition, e.short_source, e.released, e.published_by, e.is_latest, e.based_on,
               e.caveats AS edition_caveats
        FROM sources s JOIN editions e ON e.edition = $edition
        WHERE s.table_name = $table
    """, {"table": table, "edition": _edition_of(cur, measure, edition)}).df()
