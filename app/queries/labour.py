"""Queries of the Labour migration and remittances page (some are reused by the Country profiles page).

Remittances over time come from the World Development Indicators, one vintage
at a time (`edition`, the latest by default); a missing value stays missing
(NULL), never zero: Turkmenistan publishes no balance of payments, so its
remittances are "not reported". The corridors are the World Bank/KNOMAD
bilateral estimates, one matrix edition at a time (2021 by default, 2017 the
previous). Labour figures are counts reported at a date, read with member-state
submissions (`all_figures`) and never added up.
"""
from __future__ import annotations

import pandas as pd

from app.queries import uses_state
from app.queries.common import REMITTANCE_MATRIX, WDI, _edition
from app.queries.figures import ALL_FIGURES_SQL, STATE_VIEW


def remittance_years(cur, edition: str | None = None) -> pd.DataFrame:
    """The years of the vintage's remittance series, with how many economies have a share of GDP in each (year
    choosers)."""
    return cur.execute("""
        SELECT year, count(remittances_pct_gdp) AS economies_with_share
        FROM country_indicators WHERE edition = $edition GROUP BY year ORDER BY year
    """, {"edition": _edition(cur, WDI, edition)}).df()


def remittances_over_time(cur, codes: tuple[str, ...], edition: str | None = None) -> pd.DataFrame:
    """Remittances received and paid, GDP and the share per country and year of one vintage, every year of the
    series, gaps as NULL.

    A year the source has no row for is returned too (all NULL), so a chart shows a gap there, not a line
    drawn across it (Labour page, Country profiles page).
    """
    return cur.execute("""
        WITH years AS (SELECT DISTINCT year FROM country_indicators WHERE edition = $edition),
             chosen AS (SELECT unnest($codes::VARCHAR[]) AS iso3)
        SELECT c.iso3, y.year, i.remittances_received_usd, i.gdp_usd, i.remittances_pct_gdp,
               i.remittances_paid_usd
        FROM chosen c CROSS JOIN years y
        LEFT JOIN country_indicators i ON i.edition = $edition AND i.iso3 = c.iso3 AND i.year = y.year
        ORDER BY list_position($codes::VARCHAR[], c.iso3), y.year
    """, {"codes": list(codes), "edition": _edition(cur, WDI, edition)}).df()


def latest_remittances(cur, codes: tuple[str, ...], edition: str | None = None) -> pd.DataFrame:
    """Each country's latest year with remittances reported in the vintage, or a row of NULLs if it never
    reported (headline)."""
    return cur.execute("""
        WITH chosen AS (SELECT unnest($codes::VARCHAR[]) AS iso3),
             reported AS (
                SELECT iso3, year, remittances_received_usd, remittances_pct_gdp
                FROM country_indicators WHERE edition = $edition AND remittances_received_usd IS NOT NULL
                QUALIFY row_number() OVER (PARTITION BY iso3 ORDER BY year DESC) = 1)
        SELECT c.iso3, r.year, r.remittances_received_usd, r.remittances_pct_gdp
        FROM chosen c LEFT JOIN reported r USING (iso3)
    """, {"codes": list(codes), "edition": _edition(cur, WDI, edition)}).df()


def most_dependent_economies(cur, year: int, limit: int, codes: tuple[str, ...],
                             edition: str | None = None) -> pd.DataFrame:
    """The `limit` economies with the largest remittances as a share of GDP in `year`, plus `codes` with
    their world rank (Labour page context chart). Economies without a share that year are not ranked."""
    return cur.execute("""
        WITH ranked AS (
            SELECT iso3, year, remittances_pct_gdp, remittances_received_usd,
                   rank() OVER (ORDER BY remittances_pct_gdp DESC) AS world_rank,
                   count(*) OVER () AS ranked_economies
            FROM country_indicators
            WHERE edition = $edition AND year = $year AND remittances_pct_gdp IS NOT NULL)
        SELECT * FROM ranked
        WHERE world_rank <= $limit OR list_contains($codes::VARCHAR[], iso3)
        ORDER BY world_rank
    """, {"year": year, "limit": limit, "codes": list(codes), "edition": _edition(cur, WDI, edition)}).df()


def remittance_corridors(cur, iso3: str, direction: str, edition: str | None = None) -> pd.DataFrame:
    """Estimated remittances into (`direction`='received') or out of ('sent') one country in the matrix's
    edition, by partner, with the partner's share of the country's total (Labour page ranked corridors, Country
    profiles)."""
    mine, partner = ("receiving_iso3", "sending_iso3") if direction == "received" else ("sending_iso3",
                                                                                       "receiving_iso3")
    return cur.execute(f"""
        SELECT b.year, b.{partner} AS partner_iso3, b.usd_million,
               100 * b.usd_million / sum(b.usd_million) OVER () AS share_pct
        FROM remittances_bilateral b
        WHERE b.edition = $edition AND b.{mine} = $iso3 AND b.usd_million > 0
          AND b.year = (SELECT max(year) FROM remittances_bilateral WHERE edition = $edition)  -- if yearly
        ORDER BY b.usd_million DESC, partner_iso3
    """, {"iso3": iso3, "edition": _edition(cur, REMITTANCE_MATRIX, edition)}).df()


def corridors_into(cur, receivers: tuple[str, ...], senders_each: int, edition: str | None = None) -> pd.DataFrame:
    """For each receiving country, its `senders_each` largest senders in the matrix's edition and the rest as one
    row (sender NULL), so the flows shown add up to the receiver's estimated total (Labour page Sankey)."""
    return cur.execute("""
        WITH flows AS (
            SELECT receiving_iso3, sending_iso3, usd_million,
                   row_number() OVER (PARTITION BY receiving_iso3 ORDER BY usd_million DESC, sending_iso3) AS place
            FROM remittances_bilateral
            WHERE edition = $edition AND list_contains($receivers::VARCHAR[], receiving_iso3) AND usd_million > 0
              AND year = (SELECT max(year) FROM remittances_bilateral WHERE edition = $edition))  -- if yearly
        SELECT receiving_iso3, CASE WHEN place <= $senders THEN sending_iso3 END AS sending_iso3,
               sum(usd_million) AS usd_million, count(*) AS corridors
        FROM flows
        GROUP BY ALL
        ORDER BY 1, 2 IS NULL, 3 DESC
    """, {"receivers": list(receivers), "senders": senders_each,
          "edition": _edition(cur, REMITTANCE_MATRIX, edition)}).df()


@uses_state(STATE_VIEW)
def labour_figures(cur, groups: tuple[str, ...] = ()) -> pd.DataFrame:
    """Reported labour-migration figures of the chosen kinds, as reported (Labour page, Country profiles)."""
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL}
        SELECT record_id, nationality_iso3, location_iso3, indicator, indicator_group, value, unit, unit_base,
               qualifier, period_start, period_end, source_date, coalesce(period_end, source_date) AS as_of,
               description, source_publisher, source_url, date_note, origin
        FROM all_figures
        WHERE topic = 'labour' AND (len($groups::VARCHAR[]) = 0 OR list_contains($groups::VARCHAR[], indicator_group))
        ORDER BY indicator_group, indicator, as_of, value DESC
    """, {"groups": list(groups)}).df()


@uses_state(STATE_VIEW)
def labour_groups(cur) -> pd.DataFrame:
    """The kinds of labour figure there are, with how many figures each (Labour page chooser)."""
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL}
        SELECT indicator_group, count(*) AS figures FROM all_figures WHERE topic = 'labour'
        GROUP BY indicator_group ORDER BY indicator_group
    """).df()
