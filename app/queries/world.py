"""One figure per country and year, world-wide, for maps and rankings: migrants, net migration, remittances,
refugees hosted.

Each indicator reads one edition of its data set (the latest by default) and
every row names the edition and its source line, so a map can say where each
value comes from. Only places are returned: codes for people without one
(OOO "other or unknown", STL, TIB) are never a country. A missing value is no
row (never 0): Turkmenistan's remittances are not reported.

Indicators:
- `immigrants`, `emigrants`: UN DESA migrant stock totals (both sexes), with the
  data types of the immigrant count (citizenship basis, refugees added, imputed);
- `immigrant_share`: immigrants as a % of the population of the same year
  (World Population Prospects via WDI); the population of the latest earlier
  year, at most one year before, where the same year is missing (2024 stocks,
  2023 population), named in `population_year`;
- `net_migration`: persons, negative where more left than came (WPP via WDI);
- `remittances_received` (US$) and `remittances_share_gdp` (% of GDP, computed
  on the same vintage): WDI; a remittance of 0 is no row: the October 2023
  vintage's copy writes 0 where WDI has no figure (Singapore, Libya, Syria, ...;
  data/raw/SOURCES.md), and no economy receives literally nothing;
- `refugees_hosted`: UNHCR refugees by country of asylum, with `provisional`.
"""
from __future__ import annotations

import pandas as pd

from app.queries.common import STOCK, UNHCR, WDI, _edition

INDICATORS = ("immigrants", "emigrants", "immigrant_share", "net_migration", "remittances_received",
              "remittances_share_gdp", "refugees_hosted")
_DATASET = {"immigrants": STOCK, "emigrants": STOCK, "immigrant_share": STOCK, "net_migration": WDI,
            "remittances_received": WDI, "remittances_share_gdp": WDI, "refugees_hosted": UNHCR}

# Every text returns: iso3, year, value, edition and the columns of its own (NULL where they do not apply).
_EXTRA_NONE = ("NULL::BOOLEAN AS basis_citizenship, NULL::BOOLEAN AS refugees_added, NULL::BOOLEAN AS imputed, "
               "NULL::BOOLEAN AS provisional, NULL::SMALLINT AS population_year, NULL::VARCHAR AS population_edition")
_STOCK_SQL = """
    SELECT iso3, year, {value}::DOUBLE AS value, edition, basis_citizenship, refugees_added, imputed,
           NULL::BOOLEAN AS provisional, NULL::SMALLINT AS population_year, NULL::VARCHAR AS population_edition
    FROM migrant_stock_totals WHERE edition = $edition AND sex = 'total' AND year = $year AND {value} IS NOT NULL
"""
_WDI_SQL = """
    SELECT iso3, year, {value}::DOUBLE AS value, edition, """ + _EXTRA_NONE + """
    FROM country_indicators WHERE edition = $edition AND year = $year AND {value} IS NOT NULL{positive}
"""
# The remittance columns' zeros stand for "no figure" in one vintage (see the module's docstring).
_POSITIVE = " AND {value} > 0"
_SQL = {
    "immigrants": _STOCK_SQL.format(value="immigrants"),
    "emigrants": _STOCK_SQL.format(value="emigrants"),
    "immigrant_share": """
        WITH stock AS (
            SELECT iso3, year, immigrants, edition, basis_citizenship, refugees_added, imputed
            FROM migrant_stock_totals
            WHERE edition = $edition AND sex = 'total' AND year = $year AND immigrants IS NOT NULL),
        population AS (
            SELECT iso3, year AS population_year, population, edition AS population_edition
            FROM country_indicators
            WHERE edition = $population_edition AND population > 0 AND year BETWEEN $year - 1 AND $year
            QUALIFY row_number() OVER (PARTITION BY iso3 ORDER BY year DESC) = 1)
        SELECT s.iso3, s.year, 100.0 * s.immigrants / p.population AS value, s.edition, s.basis_citizenship,
               s.refugees_added, s.imputed, NULL::BOOLEAN AS provisional, p.population_year, p.population_edition
        FROM stock s JOIN population p USING (iso3)
    """,
    "net_migration": _WDI_SQL.format(value="net_migration", positive=""),
    "remittances_received": _WDI_SQL.format(value="remittances_received_usd",
                                            positive=_POSITIVE.format(value="remittances_received_usd")),
    "remittances_share_gdp": _WDI_SQL.format(value="remittances_pct_gdp",
                                             positive=_POSITIVE.format(value="remittances_pct_gdp")),
    "refugees_hosted": """
        SELECT asylum_iso3 AS iso3, year, sum(persons)::DOUBLE AS value, any_value(edition) AS edition,
               NULL::BOOLEAN AS basis_citizenship, NULL::BOOLEAN AS refugees_added, NULL::BOOLEAN AS imputed,
               bool_or(provisional) AS provisional, NULL::SMALLINT AS population_year,
               NULL::VARCHAR AS population_edition
        FROM forcibly_displaced
        WHERE edition = $edition AND year = $year AND population_type = 'refugee'
        GROUP BY asylum_iso3, year
    """,
}


_WDI_COLUMN = {"net_migration": "net_migration", "remittances_received": "remittances_received_usd",
               "remittances_share_gdp": "remittances_pct_gdp"}


def _check(indicator: str) -> None:
    if indicator not in INDICATORS:
        raise ValueError(f"indicator must be one of {INDICATORS}, not {indicator!r}")


def dataset_of(indicator: str) -> str:
    """The data set (as `editions` names it) an indicator is read from: its editions are the map's choice."""
    _check(indicator)
    return _DATASET[indicator]


def indicator_by_country(cur, indicator: str, year: int, edition: str | None = None) -> pd.DataFrame:
    """One value per country for `indicator` in `year`, largest first, with its edition and source line (a world
    map or ranking). Columns: iso3, year, value, edition, short_source, released, published_by,
    basis_citizenship, refugees_added, imputed, provisional, population_year, population_edition."""
    _check(indicator)
    params = {"year": int(year), "edition": _edition(cur, _DATASET[indicator], edition)}
    if indicator == "immigrant_share":
        params["population_edition"] = _edition(cur, WDI)
    return cur.execute(f"""
        WITH figures AS ({_SQL[indicator]})
        SELECT f.iso3, f.year, f.value, f.edition, e.short_source, e.released, e.published_by,
               f.basis_citizenship, f.refugees_added, f.imputed, f.provisional, f.population_year,
               f.population_edition
        FROM figures f JOIN countries c ON c.iso3 = f.iso3 AND c.kind = 'place'
        JOIN editions e ON e.edition = f.edition
        ORDER BY f.value DESC, f.iso3
    """, params).df()


def indicator_years(cur, indicator: str, edition: str | None = None) -> pd.DataFrame:
    """The years with figures for `indicator` in the edition, oldest first (a map's year chooser)."""
    _check(indicator)
    edition = _edition(cur, _DATASET[indicator], edition)
    if _DATASET[indicator] == WDI:
        column = _WDI_COLUMN[indicator]
        sql = f"SELECT DISTINCT year FROM country_indicators WHERE edition = $edition AND {column} IS NOT NULL"
    elif indicator == "refugees_hosted":
        sql = ("SELECT DISTINCT first_year AS year FROM country_years WHERE dataset = 'forcibly_displaced' "
               "AND edition = $edition")
    else:
        sql = "SELECT DISTINCT year FROM migrant_stock_totals WHERE edition = $edition"
    return cur.execute(f"SELECT year FROM ({sql}) ORDER BY year", {"edition": edition}).df()


def indicator_countries(cur, indicator: str, edition: str | None = None) -> pd.DataFrame:
    """The countries the indicator's data set (one edition) holds any row for, in any year (World map): one of
    them without a figure in the year shown is "not reported" (Turkmenistan's remittances); a country outside
    them is not covered by the data set at all. Column: iso3."""
    _check(indicator)
    edition = _edition(cur, _DATASET[indicator], edition)
    if _DATASET[indicator] == WDI:
        sql = "SELECT DISTINCT iso3 FROM country_indicators WHERE edition = $edition"
    elif indicator == "refugees_hosted":
        sql = ("SELECT DISTINCT asylum_iso3 AS iso3 FROM forcibly_displaced WHERE edition = $edition "
               "AND population_type = 'refugee'")
    else:
        sql = "SELECT DISTINCT iso3 FROM migrant_stock_totals WHERE edition = $edition"
    return cur.execute(f"""
        SELECT d.iso3 FROM ({sql}) d SEMI JOIN countries c ON c.iso3 = d.iso3 AND c.kind = 'place' ORDER BY d.iso3
    """, {"edition": edition}).df()
