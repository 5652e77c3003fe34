"""UN DESA International Migrant Stock 2020: immigrant and emigrant totals for every country, by sex.

Feeds `migrant_stock_totals`.
"""
from dataclasses import replace

import pandas as pd

from etl.schema import Column, RawColumn, RawFile, Step, Table, count_column, country_column, sex_column, year_column
from etl.sources.migrant_stock import PROVENANCE as UN_DESA

PROVENANCE = replace(
    UN_DESA,
    caveats="Immigrant totals are the UN's and include migrants of unknown origin. Emigrant totals are "
            "sums over the destinations that report origin, so they understate diasporas living in "
            "countries that do not (notably the Gulf states).",
)

RAW = RawFile(
    "un_desa_ims2020_country_totals.csv",
    columns=(
        year_column("year"), RawColumn("iso3", "iso3"), RawColumn("name"),
        *(RawColumn(f"immigrant_stock_{s}", "int", min_value=0) for s in ("total", "male", "female")),
        RawColumn("immigrant_stock_known_origin", "int", min_value=0),
        *(RawColumn(f"emigrant_stock_{s}", "int", min_value=0) for s in ("total", "male", "female")),
    ),
    key=("year", "iso3"),
)

TABLE = Table(
    "migrant_stock_totals",
    "Immigrants living in, and emigrants from, every country at mid-year (1990-2020), by sex.",
    columns=(
        Column("year", "SMALLINT", "Mid-year of the estimate.", nullable=False),
        country_column("iso3", "Country."),
        sex_column(),
        count_column("immigrants", "Migrants living in the country (UN total, origin unknown included)."),
        count_column("emigrants", "Migrants born in the country living in destinations that report origin."),
        count_column("immigrants_known_origin", "Immigrants whose origin is reported (both sexes only).",
                     nullable=True),
    ),
    provenance=PROVENANCE,
    primary_key=("year", "iso3", "sex"),
)


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for sex in ("total", "female", "male"):
        part = pd.DataFrame({
            "year": raw["year"], "iso3": raw["iso3"], "sex": sex,
            "immigrants": raw[f"immigrant_stock_{sex}"], "emigrants": raw[f"emigrant_stock_{sex}"],
            # The source gives the known-origin figure for both sexes only.
            "immigrants_known_origin": raw["immigrant_stock_known_origin"] if sex == "total" else pd.NA,
        })
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    table["immigrants_known_origin"] = table["immigrants_known_origin"].astype("Int64")
    return table[TABLE.column_names]


STEPS = (Step(RAW, TABLE, transform),)
