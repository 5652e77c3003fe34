"""Queries of the Country profiles page: one country's migrants, corridors, remittances and reported figures.

Remittance series and corridors come from `app.queries.labour`, measure statuses
from `app.queries.measures` (which merges the editors' statuses), refugees from
`app.queries.refugees`; this module holds what only the profile needs. The 2024
edition of the UN's stocks holds the whole world, so any country has its origins
and destinations; the 2020 edition's copy keeps only pairs with an OTS member or
observer state on one side. Every stock query reads one edition (the latest by
default) and remittance estimates one edition of the World Bank's matrix.
"""
from __future__ import annotations

import pandas as pd

from app.queries import uses_state
from app.queries.common import REMITTANCE_MATRIX, STOCK, UNHCR, _edition
from app.queries.figures import ALL_FIGURES_SQL, STATE_VIEW


def country_facts(cur, iso3: str, stock_edition: str | None = None,
                  remittance_edition: str | None = None) -> pd.DataFrame:
    """The country's latest immigrants and emigrants (both sexes) with the data types of the immigrant count,
    refugees from and hosted by the country (UNHCR, latest year, with whether it is provisional), and the
    remittance matrix's totals, each with its year and edition (Country profiles headline). One row; NULL where
    there is no figure."""
    return cur.execute("""
        WITH stock AS (
            SELECT year AS stock_year, immigrants, emigrants, edition AS stock_edition,
                   basis_citizenship, refugees_added, imputed
            FROM migrant_stock_totals
            WHERE edition = $stock_edition AND iso3 = $iso3 AND sex = 'total' ORDER BY year DESC LIMIT 1),
        refugees AS (
            SELECT year AS refugees_year, sum(persons) FILTER (WHERE origin_iso3 = $iso3) AS refugees_from,
                   sum(persons) FILTER (WHERE asylum_iso3 = $iso3) AS refugees_hosted,
                   bool_or(provisional) AS refugees_provisional, any_value(edition) AS refugees_edition
            FROM forcibly_displaced
            WHERE edition = $unhcr AND population_type = 'refugee' AND (origin_iso3 = $iso3 OR asylum_iso3 = $iso3)
            GROUP BY year ORDER BY year DESC LIMIT 1),
        estimates AS (
            SELECT year AS estimates_year, inflows_usd_million, outflows_usd_million,
                   edition AS estimates_edition
            FROM remittance_totals
            WHERE edition = $remittance_edition AND iso3 = $iso3 ORDER BY year DESC LIMIT 1)
        SELECT c.iso3, c.ots_status, c.region, c.subregion, c.kind, s.*, r.*, e.*
        FROM countries c
        LEFT JOIN stock s ON TRUE LEFT JOIN refugees r ON TRUE LEFT JOIN estimates e ON TRUE
        WHERE c.iso3 = $iso3
    """, {"iso3": iso3, "stock_edition": _edition(cur, STOCK, stock_edition), "unhcr": _edition(cur, UNHCR),
          "remittance_edition": _edition(cur, REMITTANCE_MATRIX, remittance_edition)}).df()


@uses_state(STATE_VIEW)
def data_coverage(cur, iso3: str) -> pd.DataFrame:
    """How many rows each source holds on the country (Country profiles: say at once when there is nothing)."""
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL}
        SELECT
            (SELECT count(*) FROM migrant_stock_totals WHERE iso3 = $iso3) AS stock_totals,
            -- bilateral rows from the build's summary of them (etl.derived): millions of rows at world scale
            (SELECT coalesce(sum(rows), 0)::BIGINT FROM country_years WHERE dataset = 'migrant_stock' AND iso3 = $iso3)
                AS stock_pairs,
            (SELECT coalesce(sum(rows), 0)::BIGINT FROM country_years WHERE dataset = 'migration_flows' AND iso3 = $iso3)
                AS flows,
            (SELECT count(*) FROM country_indicators WHERE iso3 = $iso3) AS indicators,
            (SELECT coalesce(sum(rows), 0)::BIGINT FROM country_years WHERE dataset = 'remittances_bilateral'
                    AND iso3 = $iso3) AS remittance_corridors,
            (SELECT coalesce(sum(rows), 0)::BIGINT FROM country_years WHERE dataset = 'forcibly_displaced'
                    AND iso3 = $iso3) AS displaced,
            (SELECT count(*) FROM all_figures WHERE nationality_iso3 = $iso3 OR location_iso3 = $iso3)
                AS reported_figures
    """, {"iso3": iso3}).df()


def stock_over_time(cur, iso3: str, edition: str | None = None) -> pd.DataFrame:
    """Immigrants living in and emigrants from the country at each mid-year of the edition, by sex, with the
    data types of the immigrant count (Country profiles)."""
    return cur.execute("""
        SELECT year, sex, immigrants, emigrants, basis_citizenship, refugees_added, imputed
        FROM migrant_stock_totals
        WHERE edition = $edition AND iso3 = $iso3 ORDER BY year, sex
    """, {"iso3": iso3, "edition": _edition(cur, STOCK, edition)}).df()


def stock_years(cur, edition: str | None = None) -> pd.DataFrame:
    """The mid-years of the edition's migrant stock estimates (Country profiles year chooser)."""
    return cur.execute("""
        SELECT DISTINCT first_year AS year FROM country_years
        WHERE dataset = 'migrant_stock' AND edition = $edition ORDER BY year
    """, {"edition": _edition(cur, STOCK, edition)}).df()


def top_partners(cur, iso3: str, year: int, side: str, limit: int, edition: str | None = None) -> pd.DataFrame:
    """The largest origins of the country's immigrants (`side`='origins') or destinations of its emigrants
    ('destinations') in `year`, both sexes, with each partner's share of the country's total (Country profiles).

    Origin "other or unknown" (OOO) is an origin like the others, shown as such. The data types are the
    destination's: the country's own for origins, each partner's for destinations."""
    mine, partner, total = (("destination_iso3", "origin_iso3", "immigrants") if side == "origins"
                            else ("origin_iso3", "destination_iso3", "emigrants"))
    return cur.execute(f"""
        SELECT s.year, s.{partner} AS partner_iso3, s.persons,
               100.0 * s.persons / nullif(t.{total}, 0) AS share_pct, t.{total} AS country_total,
               s.basis_citizenship, s.refugees_added, s.imputed
        FROM migrant_stock s
        LEFT JOIN migrant_stock_totals t ON t.edition = s.edition AND t.iso3 = $iso3 AND t.year = s.year
             AND t.sex = 'total'
        WHERE s.edition = $edition AND s.{mine} = $iso3 AND s.year = $year AND s.sex = 'total' AND s.persons > 0
        ORDER BY s.persons DESC, partner_iso3
        LIMIT $limit
    """, {"iso3": iso3, "year": year, "limit": limit, "edition": _edition(cur, STOCK, edition)}).df()


def corridors_with_states(cur, iso3: str, states: tuple[str, ...], year: int, stock_edition: str | None = None,
                          remittance_edition: str | None = None) -> pd.DataFrame:
    """For each member and observer state other than the country: migrants each way in `year` (the stock
    edition), estimated flows each way in the latest 5-year period (computed from the 2020 edition's stocks),
    and remittances each way in the latest year of the remittance matrix's edition (Country profiles)."""
    remittance_edition = _edition(cur, REMITTANCE_MATRIX, remittance_edition)
    # The latest period and remittance year first, so every scan below filters on constants: DuckDB then
    # skips the row groups of other years (bench/scale.py, world matrix: 64 -> 12 ms CPU).
    period_start, period_end, remittance_year = cur.execute("""
        SELECT max(period_start), max(period_end) FILTER (WHERE period_start = (SELECT max(period_start)
                                                                               FROM migration_flows)),
               (SELECT max(last_year) FROM table_editions WHERE edition = $remittance_edition
                                                           AND table_name = 'remittances_bilateral')
        FROM migration_flows
    """, {"remittance_edition": remittance_edition}).fetchone()
    return cur.execute("""
        WITH partners AS (SELECT unnest($states::VARCHAR[]) AS partner_iso3),
        out_stock AS (SELECT destination_iso3 AS partner_iso3, persons FROM migrant_stock
                      WHERE edition = $stock_edition AND origin_iso3 = $iso3 AND year = $year AND sex = 'total'),
        in_stock AS (SELECT origin_iso3 AS partner_iso3, persons FROM migrant_stock
                     WHERE edition = $stock_edition AND destination_iso3 = $iso3 AND year = $year AND sex = 'total'),
        out_flow AS (SELECT destination_iso3 AS partner_iso3, persons FROM migration_flows
                     WHERE origin_iso3 = $iso3 AND period_start = $period_start AND sex = 'total'),
        in_flow AS (SELECT origin_iso3 AS partner_iso3, persons FROM migration_flows
                    WHERE destination_iso3 = $iso3 AND period_start = $period_start AND sex = 'total'),
        sent AS (SELECT receiving_iso3 AS partner_iso3, usd_million FROM remittances_bilateral
                 WHERE edition = $remittance_edition AND sending_iso3 = $iso3 AND year = $remittance_year),
        received AS (SELECT sending_iso3 AS partner_iso3, usd_million FROM remittances_bilateral
                     WHERE edition = $remittance_edition AND receiving_iso3 = $iso3 AND year = $remittance_year)
        SELECT p.partner_iso3, $year AS stock_year, $remittance_year::SMALLINT AS remittance_year,
               out_stock.persons AS emigrants_there, in_stock.persons AS immigrants_from_there,
               $period_start::SMALLINT AS period_start, $period_end::SMALLINT AS period_end,
               out_flow.persons AS moved_there, in_flow.persons AS moved_from_there,
               sent.usd_million AS remittances_sent_there, received.usd_million AS remittances_received_from_there
        FROM partners p
        LEFT JOIN out_stock USING (partner_iso3)
        LEFT JOIN in_stock USING (partner_iso3)
        LEFT JOIN out_flow USING (partner_iso3)
        LEFT JOIN in_flow USING (partner_iso3)
        LEFT JOIN sent USING (partner_iso3)
        LEFT JOIN received USING (partner_iso3)
        WHERE p.partner_iso3 <> $iso3
        ORDER BY list_position($states::VARCHAR[], p.partner_iso3)
    """, {"iso3": iso3, "states": list(states), "year": year, "period_start": period_start,
          "period_end": period_end, "remittance_year": remittance_year,
          "stock_edition": _edition(cur, STOCK, stock_edition), "remittance_edition": remittance_edition}).df()


@uses_state(STATE_VIEW)
def reported_figures_for(cur, iso3: str) -> pd.DataFrame:
    """Every reported figure on the country's citizens or on people staying in it, stranded and labour alike,
    with member-state submissions (Country profiles)."""
    return cur.execute(f"""
        WITH {ALL_FIGURES_SQL}
        SELECT record_id, topic, nationality_iso3, location_iso3, indicator, indicator_group, value, unit,
               unit_base, qualifier, period_start, period_end, source_date, coalesce(period_end, source_date) AS as_of,
               description, source_publisher, source_url, date_note, origin
        FROM all_figures
        WHERE nationality_iso3 = $iso3 OR location_iso3 = $iso3
        ORDER BY topic DESC, as_of NULLS LAST, record_id
    """, {"iso3": iso3}).df()
