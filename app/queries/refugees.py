"""Queries on refugees and other forcibly displaced people (UNHCR): hosted by a country, or from it.

Read from `forcibly_displaced`, one edition at a time (the latest by default).
Figures are at year end except provisional years (the copy's 2024 is most
likely mid-year): every row says whether it is provisional. Refugees are partly
inside the UN DESA migrant stocks, so nothing here is ever added to a stock.
"Refugees" are UNHCR's type `refugee`; asylum-seekers (`asylum`) are counted
apart, never in the same figure.
"""
from __future__ import annotations

import pandas as pd

from app.queries.common import UNHCR, _edition

SIDES = ("hosted", "from")  # refugees a country hosts (by origin), or refugees from it (by country of asylum)


def _side(side: str) -> tuple[str, str]:
    if side not in SIDES:
        raise ValueError(f"side must be one of {SIDES}, not {side!r}")
    return ("asylum_iso3", "origin_iso3") if side == "hosted" else ("origin_iso3", "asylum_iso3")


def refugees_over_time(cur, iso3: str, edition: str | None = None) -> pd.DataFrame:
    """Per year: refugees the country hosts and refugees from it, asylum-seekers likewise, and whether the year
    is provisional (Country profiles, Briefing). Years with neither are left out."""
    return cur.execute("""
        SELECT year,
               sum(persons) FILTER (WHERE population_type = 'refugee' AND asylum_iso3 = $iso3)::BIGINT AS hosted,
               sum(persons) FILTER (WHERE population_type = 'refugee' AND origin_iso3 = $iso3
                                      AND asylum_iso3 <> $iso3)::BIGINT AS refugees_from,
               sum(persons) FILTER (WHERE population_type = 'asylum' AND asylum_iso3 = $iso3)::BIGINT
                   AS asylum_seekers_hosted,
               sum(persons) FILTER (WHERE population_type = 'asylum' AND origin_iso3 = $iso3
                                      AND asylum_iso3 <> $iso3)::BIGINT AS asylum_seekers_from,
               bool_or(provisional) AS provisional, any_value(edition) AS edition
        FROM forcibly_displaced
        WHERE edition = $edition AND population_type IN ('refugee', 'asylum')
          AND (asylum_iso3 = $iso3 OR origin_iso3 = $iso3)
        GROUP BY year ORDER BY year
    """, {"iso3": iso3, "edition": _edition(cur, UNHCR, edition)}).df()


def refugees_by_partner(cur, iso3: str, side: str, year: int, limit: int = 10,
                        edition: str | None = None) -> pd.DataFrame:
    """The largest groups of refugees in `year`: those the country hosts by country of origin (`side`='hosted'),
    or those from it by country of asylum ('from'), each with its share of the country's total (Country
    profiles). Origins OOO, STL and TIB (various or unknown, stateless, Tibetan) are shown as such."""
    mine, partner = _side(side)
    return cur.execute(f"""
        WITH mine AS (
            SELECT {partner} AS partner_iso3, persons, provisional FROM forcibly_displaced
            WHERE edition = $edition AND year = $year AND population_type = 'refugee' AND {mine} = $iso3
              AND {partner} <> $iso3)
        SELECT $year::SMALLINT AS year, partner_iso3, persons, 100.0 * persons / sum(persons) OVER () AS share_pct,
               sum(persons) OVER () AS country_total, provisional
        FROM mine
        ORDER BY persons DESC, partner_iso3
        LIMIT $limit
    """, {"iso3": iso3, "year": int(year), "limit": int(limit), "edition": _edition(cur, UNHCR, edition)}).df()

