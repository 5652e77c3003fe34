"""Queries of the Briefing page: the headline figures the chair shows in a video meeting, and their trends.

Each returns the few rows one headline needs (a series to draw its trend, the
latest value to print large). Reported figures are never added up: counts
reported at different dates overlap, so only the latest of each series is a
headline and the earlier ones are its trend. The agreed measures' current
status comes from `app.queries.measures`, which also reads the statuses editors
recorded in the app.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from app.queries import uses_state
from app.queries.common import STOCK, WDI, _edition
from app.queries.figures import ALL_FIGURES_SQL, STATE_VIEW


def stock_between(cur, origins: Sequence[str], destinations: Sequence[str], sex: str = "total",
                  edition: str | None = None) -> pd.DataFrame:
    """Migrants born in `origins` living in `destinations` (other than their own), per year of the edition
    (Briefing)."""
    return cur.execute("""
        SELECT year, sum(persons)::BIGINT AS persons, count(*) FILTER (WHERE persons > 0) AS corridors
        FROM migrant_stock
        WHERE edition = $edition AND sex = $sex AND origin_iso3 <> destination_iso3
          AND origin_iso3 IN (SELECT unnest($origins)) AND destination_iso3 IN (SELECT unnest($destinations))
        GROUP BY year ORDER BY year
    """, {"origins": list(origins), "destinations": list(destinations), "sex": sex,
          "edition": _edition(cur, STOCK, edition)}).df()


def stock_between_by_origin(cur, origins: Sequence[str], destinations: Sequence[str],
                            edition: str | None = None) -> pd.DataFrame:
    """The same stock split by country of origin, per year of the edition (Briefing chart)."""
    return cur.execute("""
        SELECT year, origin_iso3, sum(persons)::BIGINT AS persons
        FROM migrant_stock
        WHERE edition = $edition AND sex = 'total' AND origin_iso3 <> destination_iso3
          AND origin_iso3 IN (SELECT unnest($origins)) AND destination_iso3 IN (SELECT unnest($destinations))
        GROUP BY year, origin_iso3 ORDER BY year, origin_iso3
    """, {"origins": list(origins), "destinations": list(destinations),
          "edition": _edition(cur, STOCK, edition)}).df()


def largest_corridors(cur, states: Sequence[str], limit: int = 5, edition: str | None = None) -> pd.DataFrame:
    """The largest migrant stocks with a given state at either end in the edition's latest year, with the year
    before in the same edition and its first year (Briefing). Columns: origin_iso3, destination_iso3, year,
    persons, previous_year, previous_persons, first_year, first_persons. Origin "other or unknown" is not a
    corridor and is left out."""
    edition = _edition(cur, STOCK, edition)
    # The edition's years from the build's summary (etl.derived), as constants: every scan below then skips the
    # row groups of other years.
    years = [y for (y,) in cur.execute("""
        SELECT DISTINCT first_year FROM country_years WHERE dataset = 'migrant_stock' AND edition = $edition
        ORDER BY 1""", {"edition": edition}).fetchall()]
    if not years:
        return pd.DataFrame(columns=["origin_iso3", "destination_iso3", "year", "persons", "previous_year",
                                     "previous_persons", "first_year", "first_persons"])
    latest, previous, first = years[-1], (years[-2] if len(years) > 1 else None), years[0]
    return cur.execute("""
        WITH top AS (
            SELECT origin_iso3, destination_iso3, year, persons
            FROM (
                SELECT origin_iso3, destination_iso3, year, persons FROM migrant_stock
                WHERE edition = $edition AND sex = 'total' AND year = $latest AND persons > 0
                  AND origin_iso3 IN (SELECT unnest($states))
                UNION
                SELECT origin_iso3, destination_iso3, year, persons FROM migrant_stock
                WHERE edition = $edition AND sex = 'total' AND year = $latest AND persons > 0
                  AND destination_iso3 IN (SELECT unnest($states)) AND origin_iso3 <> 'OOO'
            )
            ORDER BY persons DESC, origin_iso3, destination_iso3
            LIMIT $limit
        )
        SELECT t.origin_iso3, t.destination_iso3, t.year, t.persons,
               $previous::SMALLINT AS previous_year, p.persons AS previous_persons,
               $first::SMALLINT AS first_year, f.persons AS first_persons
        FROM top t
        LEFT JOIN migrant_stock p ON p.edition = $edition AND p.origin_iso3 = t.origin_iso3
             AND p.destination_iso3 = t.destination_iso3 AND p.sex = 'total' AND p.year = $previous
        LEFT JOIN migrant_stock f ON f.edition = $edition AND f.origin_iso3 = t.origin_iso3
             AND f.destination_iso3 = t.destination_iso3 AND f.sex = 'total' AND f.year = $first
        ORDER BY t.persons DESC, t.origin_iso3, t.destination_iso3
    """, {"states": list(states), "limit": int(limit), "edition": edition, "latest": latest,
          "previous": previous, "first": first}).df()


def remittance_share(cur, states: Sequence[str], since: int = 1990, edition: str | None = None) -> pd.DataFrame:
    """Remittances received as % of GDP per state and year, reported years only, from one vintage of the World
    Development Indicators (Briefing)."""
    return cur.execute("""
        SELECT iso3, year, remittances_pct_gdp, remittances_received_usd, gdp_usd
        FROM country_indicators
        WHERE edition = $edition AND list_contains($states, iso3) AND year >= $since
          AND remittances_pct_gdp IS NOT NULL
        ORDER BY iso3, year
    """, {"states": list(states), "since": int(since), "edition": _edition(cur, WDI, edition)}).df()


# Kinds of stranded-citizen figures the briefing shows; "context" figures (citizens abroad, travel
# restrictions) are not counts of stranded people.
STRANDED_GROUPS = ("stranded", "registered", "repatriated", "returned")


@uses_state(STATE_VIEW)
def stranded_reports(cur, nationalities: Sequence[str], groups: Sequence[str] = STRANDED_GROUPS) -> pd.DataFrame:
    """Every reported stranded-citizen figure of those kinds, oldest first, with its series' position.

    A series is one nationality, indicator and place; `report` numbers its figures by date and
    `is_latest` marks the newest (Briefing: the trend of the headline figures). A figure without a date
    counts as the oldest of its series. Figures member states submitted in the app are included.
    """
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL}
        SELECT record_id, coalesce(period_end, source_date) AS as_of, nationality_iso3, location_iso3, indicator,
               indicator_group, value, qualifier, unit_base, period_start, period_end, source_date, source_publisher, source_url, description,
               row_number() OVER series AS report,
               count(*) OVER (PARTITION BY nationality_iso3, indicator, location_iso3) AS reports,
               row_number() OVER series = count(*) OVER (PARTITION BY nationality_iso3, indicator, location_iso3)
                   AS is_latest
        FROM all_figures
        WHERE topic = 'stranded' AND list_contains($groups, indicator_group)
          AND list_contains($nationalities, nationality_iso3)
        WINDOW series AS (PARTITION BY nationality_iso3, indicator, location_iso3
                          ORDER BY coalesce(period_end, source_date) NULLS FIRST, record_id)
        ORDER BY nationality_iso3, coalesce(period_end, source_date), record_id
    """, {"groups": list(groups), "nationalities": list(nationalities)}).df()


@uses_state(STATE_VIEW)
def latest_stranded(cur, nationalities: Sequence[str]) -> pd.DataFrame:
    """Per nationality and kind ("waiting": stranded or registered to return; "home": repatriated or
    returned), the single latest figure, with the figure before it in the same series (Briefing).

    A figure covering every host country is preferred to one for a single host; among those, the latest
    date wins. Never a sum: figures reported at different dates overlap. Submitted figures are included.
    """
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL},
        reports AS (
            SELECT *, CASE WHEN indicator_group IN ('stranded', 'registered') THEN 'waiting' ELSE 'home' END AS kind,
                   coalesce(period_end, source_date) AS as_of,
                   lag(value) OVER series AS previous_value,
                   lag(qualifier) OVER series AS previous_qualifier,
                   lag(coalesce(period_end, source_date)) OVER series AS previous_date,
                   count(*) OVER (PARTITION BY nationality_iso3, indicator, location_iso3) AS reports
            FROM all_figures
            WHERE topic = 'stranded' AND list_contains($nationalities, nationality_iso3)
              AND indicator_group IN ('stranded', 'registered', 'repatriated', 'returned')
            WINDOW series AS (PARTITION BY nationality_iso3, indicator, location_iso3
                              ORDER BY coalesce(period_end, source_date) NULLS FIRST, record_id)
        )
        SELECT nationality_iso3, kind, record_id, location_iso3, indicator, indicator_group, value, qualifier,
               unit_base, as_of, source_publisher, source_url, description,
               previous_value, previous_qualifier, previous_date, reports
        FROM reports
        QUALIFY row_number() OVER (PARTITION BY nationality_iso3, kind
                                   ORDER BY location_iso3 IS NULL DESC, as_of DESC NULLS LAST,
                                            value DESC, record_id) = 1
        ORDER BY nationality_iso3, kind
    """, {"nationalities": list(nationalities)}).df()


@uses_state(STATE_VIEW)
def latest_figure(cur, indicator: str) -> pd.DataFrame:
    """The latest figure of one indicator (Briefing: the worldwide count of stranded migrants)."""
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL}
        SELECT record_id, nationality_iso3, location_iso3, indicator, indicator_group, value, qualifier,
               unit_base, coalesce(period_end, source_date) AS as_of, source_publisher, source_url, description
        FROM all_figures
        WHERE indicator = $indicator
        ORDER BY coalesce(period_end, source_date) DESC NULLS LAST, record_id
        LIMIT 1
    """, {"indicator": indicator}).df()


def sources(cur, tables: Sequence[str]) -> pd.DataFrame:
    """Provenance of the tables behind the briefing, with the latest edition each holds (every headline's source
    line and exports). A table without editions (the project's own records) has them empty."""
    return cur.execute("""
        WITH latest AS (
            SELECT t.table_name, e.edition, e.title, e.short_source, e.released, e.published_by, e.licence
            FROM table_editions t JOIN editions e USING (edition) WHERE e.is_latest)
        SELECT s.table_name, s.dataset, s.publisher, s.url, coalesce(l.licence, s.licence) AS licence,
               s.accessed, s.caveats, l.edition, l.title, l.short_source, l.released, l.published_by
        FROM sources s LEFT JOIN latest l USING (table_name)
        WHERE list_contains($tables, s.table_name) ORDER BY s.table_name
    """, {"tables": list(tables)}).df()
