"""What the UN revised: the same stock figure as two editions of International Migrant Stock give it.

The 2024 edition re-estimated 1990-2020, not only added 2024. These queries
set a figure of the latest edition beside the same figure of the previous one,
for the years both cover, and never add the two. A corridor is compared when
both its countries are in the previous edition (the UN added some since) and
its origin is a country ("other or unknown" did not exist in the 2020 copy).
The previous edition's copy keeps every pair with an OTS state at one end, all
years, zeros included: such a pair absent from it was zero there. Status of a
corridor: 'revised' (in both), 'from zero' (zero in the previous edition),
'not estimated' (the latest edition gives no figure: the UN found no basis).
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from app.queries.common import STOCK, _edition

KINDS = ("corridors", "immigrants", "emigrants")


def _editions(cur, latest: str | None) -> tuple[str, str | None]:
    latest = _edition(cur, STOCK, latest)
    previous = cur.execute("SELECT previous_edition FROM editions WHERE edition = $e", {"e": latest}).fetchone()[0]
    return latest, previous


def _common_years(cur, latest: str, previous: str) -> list[int]:
    return [y for (y,) in cur.execute("""
        SELECT first_year FROM country_years WHERE dataset = 'migrant_stock' AND edition = $latest
        INTERSECT SELECT first_year FROM country_years WHERE dataset = 'migrant_stock' AND edition = $previous
        ORDER BY 1""", {"latest": latest, "previous": previous}).fetchall()]


def revised_years(cur, edition: str | None = None) -> pd.DataFrame:
    """The years both the edition and the one before it cover (revision chooser)."""
    latest, previous = _editions(cur, edition)
    return pd.DataFrame({"year": _common_years(cur, latest, previous) if previous else []}, dtype="int64")


def corridor_revisions(cur, states: Sequence[str], year: int | None = None, limit: int | None = 20,
                       edition: str | None = None, pairs: Sequence[str] | None = None) -> pd.DataFrame:
    """Corridors with one of `states` at either end, both sexes, as the previous edition and the latest give them,
    largest revision first (What the UN revised). `year` None: every year both cover. `pairs`: only these
    corridors, as "ORIGIN>DESTINATION" (the few a chart shows: the Briefing's, a profile's partners). Columns:
    year, origin_iso3, destination_iso3, previous_persons, latest_persons, change, change_pct, status,
    previous_edition, latest_edition, and the latest figure's data types."""
    latest, previous = _editions(cur, edition)
    years = _common_years(cur, latest, previous) if previous else []
    if year is not None:
        years = [y for y in years if y == int(year)]
    return cur.execute("""
        WITH known AS (SELECT DISTINCT year, iso3 FROM migrant_stock_totals
                       WHERE edition = $previous AND list_contains($years, year)),
        before AS (
            SELECT year, origin_iso3, destination_iso3, persons FROM migrant_stock
            WHERE edition = $previous AND sex = 'total' AND list_contains($years, year)
              AND (origin_iso3 IN (SELECT unnest($states)) OR destination_iso3 IN (SELECT unnest($states)))),
        after AS (
            SELECT year, origin_iso3, destination_iso3, persons, basis_citizenship, refugees_added, imputed
            FROM migrant_stock
            WHERE edition = $latest AND sex = 'total' AND list_contains($years, year) AND origin_iso3 <> 'OOO'
              AND (origin_iso3 IN (SELECT unnest($states)) OR destination_iso3 IN (SELECT unnest($states)))),
        compared AS (
            SELECT year, origin_iso3, destination_iso3, coalesce(b.persons, 0) AS previous_persons,
                   a.persons AS latest_persons,
                   CASE WHEN a.persons IS NULL THEN 'not estimated' WHEN b.persons IS NULL THEN 'from zero'
                        ELSE 'revised' END AS status,
                   a.basis_citizenship, a.refugees_added, a.imputed
            FROM before b FULL JOIN after a USING (year, origin_iso3, destination_iso3)
            -- both countries in the previous edition that year: otherwise there is nothing to compare with
            SEMI JOIN known o ON o.year = year AND o.iso3 = origin_iso3
            SEMI JOIN known d ON d.year = year AND d.iso3 = destination_iso3)
        SELECT year, origin_iso3, destination_iso3, previous_persons, latest_persons,
               latest_persons - previous_persons AS change,
               100.0 * (latest_persons - previous_persons) / nullif(previous_persons, 0) AS change_pct, status,
               $previous AS previous_edition, $latest AS latest_edition, basis_citizenship, refugees_added, imputed
        FROM compared
        WHERE coalesce(latest_persons, 0) <> previous_persons
          AND ($all_pairs OR list_contains($pairs, origin_iso3 || '>' || destination_iso3))
        ORDER BY abs(coalesce(latest_persons, 0) - previous_persons) DESC, year DESC, origin_iso3, destination_iso3
        LIMIT $limit
    """, {"latest": latest, "previous": previous, "years": years, "states": list(states),
          "pairs": list(pairs or []), "all_pairs": pairs is None,
          "limit": limit if limit is not None else 2 ** 31 - 1}).df()


def total_revisions(cur, kind: str, states: Sequence[str] | None = None, year: int | None = None,
                    limit: int | None = 20, edition: str | None = None) -> pd.DataFrame:
    """Immigrants (`kind`='immigrants') or emigrants ('emigrants') of each country, both sexes, as the previous
    edition and the latest give them, largest revision first; `states` None: every country (What the UN revised,
    Country profiles). Columns: year, iso3, previous_persons, latest_persons, change, change_pct, editions, and the
    latest immigrant count's data types."""
    if kind not in KINDS[1:]:
        raise ValueError(f"kind must be one of {KINDS[1:]}, not {kind!r}")
    latest, previous = _editions(cur, edition)
    years = _common_years(cur, latest, previous) if previous else []
    if year is not None:
        years = [y for y in years if y == int(year)]
    return cur.execute(f"""
        SELECT a.year, a.iso3, b.{kind} AS previous_persons, a.{kind} AS latest_persons,
               a.{kind} - b.{kind} AS change, 100.0 * (a.{kind} - b.{kind}) / nullif(b.{kind}, 0) AS change_pct,
               $previous AS previous_edition, $latest AS latest_edition,
               a.basis_citizenship, a.refugees_added, a.imputed
        FROM migrant_stock_totals a
        JOIN migrant_stock_totals b ON b.edition = $previous AND b.year = a.year AND b.iso3 = a.iso3 AND b.sex = 'total'
        WHERE a.edition = $latest AND a.sex = 'total' AND list_contains($years, a.year)
          AND ($all OR a.iso3 IN (SELECT unnest($states)))
          AND a.{kind} IS NOT NULL AND b.{kind} IS NOT NULL AND a.{kind} <> b.{kind}
        ORDER BY abs(a.{kind} - b.{kind}) DESC, a.year DESC, a.iso3
        LIMIT $limit
    """, {"latest": latest, "previous": previous, "years": years, "states": list(states or []),
          "all": states is None, "limit": limit if limit is not None else 2 ** 31 - 1}).df()
