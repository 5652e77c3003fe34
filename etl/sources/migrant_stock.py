"""UN DESA International Migrant Stock 2020: bilateral stocks (origin -> destination), by sex.

Feeds `migrant_stock`. Stocks count people living abroad at mid-year; they are not flows.
"""
import pandas as pd

from etl.schema import (Column, Provenance, RawColumn, RawFile, Step, Table, count_column,
                        country_column, sex_column, year_column)

PROVENANCE = Provenance(
    dataset="International Migrant Stock 2020 (destination and origin)",
    publisher="United Nations, Department of Economic and Social Affairs, Population Division",
    url="https://www.un.org/development/desa/pd/content/international-migrant-stock",
    licence="CC BY 3.0 IGO",
    citation="UN DESA Population Division (2020). International Migrant Stock 2020 (POP/DB/MIG/Stock/Rev.2020).",
    accessed="2026-11-22",
    caveats="Stocks, not flows: people living outside their country of birth (or citizenship) at mid-year. "
            "Origins reported only as 'other/unknown' are missing, so Gulf states and China show almost no "
            "origin detail (for example Uzbekistan -> UAE reads 0).",
)

RAW = RawFile(
    "un_desa_ims2020_bilateral_stock_ots.csv",
    columns=(
        year_column("year"),
        RawColumn("origin_iso3", "iso3"), RawColumn("origin_name"),
        RawColumn("destination_iso3", "iso3"), RawColumn("destination_name"),
        RawColumn("migrant_stock_total", "int", min_value=0),
        RawColumn("migrant_stock_male", "int", min_value=0),
        RawColumn("migrant_stock_female", "int", min_value=0),
    ),
    key=("year", "origin_iso3", "destination_iso3"),
)

TABLE = Table(
    "migrant_stock",
    "Bilateral international migrant stocks at mid-year (1990-2020, every 5 years), by sex.",
    columns=(
        Column("year", "SMALLINT", "Mid-year of the estimate.", nullable=False),
        country_column("origin_iso3", "Country of birth (or citizenship)."),
        country_column("destination_iso3", "Country of residence."),
        sex_column(),
        count_column("persons", "Migrants of that origin living in that destination."),
    ),
    provenance=PROVENANCE,
    primary_key=("year", "origin_iso3", "destination_iso3", "sex"),
    keys_as_constraints=False,  # a world matrix: see Table.keys_as_constraints
)

SEX_COLUMNS = {"migrant_stock_total": "total", "migrant_stock_female": "female", "migrant_stock_male": "male"}


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per origin, destination, year and sex (all rows of one sex, then the next)."""
    corridors = raw[["year", "origin_iso3", "destination_iso3"]]
    # Three stacked copies rather than DataFrame.melt: the same rows, several times faster on a world matrix.
    long = pd.concat([corridors.assign(sex=sex, persons=raw[column]) for column, sex in SEX_COLUMNS.items()],
                     ignore_index=True)
    return long[TABLE.column_names]


STEPS = (Step(RAW, TABLE, transform),)
