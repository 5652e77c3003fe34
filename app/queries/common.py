"""Queries every page needs: countries, the build's sources and the editions of its data sets.

A data set published more than once keeps every edition in the database (see
`etl.schema.Edition`): queries on it take an `edition` and read that one only,
the latest when none is given, and never add figures of two editions together.
"""
from __future__ import annotations

import pandas as pd

# The data sets with editions, as the `editions` table names them.
STOCK = "un_desa_ims"          # UN DESA International Migrant Stock: migrant_stock, migrant_stock_totals
FLOWS = "abel_cohen_flows"     # Abel and Cohen's flow estimates: migration_flows
REMITTANCE_MATRIX = "knomad_bilateral"  # World Bank/KNOMAD: remittances_bilateral, remittance_totals
WDI = "wdi"                    # World Development Indicators (and WPP population): country_indicators
UNHCR = "unhcr"                # UNHCR Refugee Data Finder: forcibly_displaced


def countries(cur) -> pd.DataFrame:
    """Every country with names, OTS status, region and label point, and what kind of code it is (all pages).

    `kind` is 'place' for countries and territories; codes the sources use for people without one
    (OOO: other or unknown; STL: stateless; TIB: Tibetan) are named like countries but are not places.
    """
    return cur.execute("""
        SELECT iso3, name_en, name_ru, name_tr, ots_status, region, subregion, label_lat, label_lon, kind
        FROM countries ORDER BY iso3
    """).df()


def source_of(cur, table_name: str) -> pd.DataFrame:
    """Provenance of one table: dataset, publisher, licence, caveats (every chart's source line)."""
    return cur.execute("""
        SELECT table_name, dataset, publisher, url, licence, citation, accessed, caveats, row_count
        FROM sources WHERE table_name = $table_name
    """, {"table_name": table_name}).df()


def editions(cur) -> pd.DataFrame:
    """Every edition of every data set, oldest first within each, with its release date, whether it is the
    latest and the years it covers in each table (every page: source lines, edition choosers)."""
    return cur.execute("""
        SELECT e.edition, e.dataset, e.title, e.publisher, e.short_source, e.position, e.released,
               e.released_note, e.published_by, e.is_latest, e.previous_edition, e.based_on, e.url, e.licence,
               e.citation, e.accessed, e.caveats,
               min(t.first_year) AS first_year, max(t.last_year) AS last_year
        FROM editions e LEFT JOIN table_editions t USING (edition)
        GROUP BY ALL ORDER BY e.dataset, e.position
    """).df()


def _edition(cur, dataset: str, edition: str | None = None) -> str:
    """The edition a query reads: `edition` when it is one of the data set's, its latest when None.

    Resolved before the query runs, so the data is filtered on a constant (DuckDB then skips the other
    editions' row groups, which lie apart: each edition is written in one stretch).
    """
    held = dict(cur.execute("SELECT edition, is_latest FROM editions WHERE dataset = $dataset",
                            {"dataset": dataset}).fetchall())
    if edition is None:
        latest = [name for name, is_latest in held.items() if is_latest]
        if not latest:
            raise ValueError(f"the database holds no edition of {dataset}")
        return latest[0]
    if edition not in held:
        raise ValueError(f"{edition!r} is not an edition of {dataset} (editions: {', '.join(sorted(held))})")
    return edition
