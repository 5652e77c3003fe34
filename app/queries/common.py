"""Queries every page needs: countries, the build's sources."""
import pandas as pd


def countries(cur) -> pd.DataFrame:
    """Every country with names, OTS status, region and label point (all pages)."""
    return cur.execute("""
        SELECT iso3, name_en, name_ru, name_tr, ots_status, region, subregion, label_lat, label_lon
        FROM countries ORDER BY iso3
    """).df()


def source_of(cur, table_name: str) -> pd.DataFrame:
    """Provenance of one table: dataset, publisher, licence, caveats (every chart's source line)."""
    return cur.execute("""
        SELECT table_name, dataset, publisher, url, licence, citation, accessed, caveats, row_count
        FROM sources WHERE table_name = $table_name
    """, {"table_name": table_name}).df()
