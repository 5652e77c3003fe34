"""UN DESA International Migrant Stock 2020: immigrant and emigrant totals for every country, by sex.

Feeds `migrant_stock_totals` with the 2020 edition; the 2024 edition's totals are
summed from its matrix by `migrant_stock_2024`.
"""
from dataclasses import replace

import pandas as pd

from etl.schema import (Column, RawColumn, RawFile, Step, Table, count_column, country_column, edition_column,
                        flag_columns, sex_column, year_column)
from etl.sources.migrant_stock import EDITION
from etl.sources.migrant_stock import PROVENANCE as UN_DESA

PROVENANCE = replace(
    UN_DESA,
    caveats="Immigrant totals include migrants of unknown origin (2020 edition: the UN's totals; 2024 edition: "
            "the matrix summed with its 'other/unknown' origins). Emigrant totals are sums over the "
            "destinations that report origin, so they understate diasporas living in countries that do not "
            "(notably the Gulf states). The two editions differ for the same years: the 2024 one revised them.",
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
    "Immigrants living in, and emigrants from, every country at mid-year, by sex, per edition of the UN's "
    "estimates.",
    columns=(
        edition_column(),
        Column("year", "SMALLINT", "Mid-year of the estimate.", nullable=False),
        country_column("iso3", "Country."),
        sex_column(),
        count_column("immigrants", "Migrants living in the country (UN total, origin unknown included).",
                     nullable=True),
        count_column("emigrants", "Migrants born in the country living in destinations that report origin.",
                     nullable=True),
        count_column("immigrants_known_origin", "Immigrants whose origin is reported (2020 edition: both sexes "
                                                "only).", nullable=True),
        *flag_columns("the immigrant count"),
    ),
    provenance=PROVENANCE,
    primary_key=("edition", "year", "iso3", "sex"),
)

FLAGS = ("basis_birthplace", "basis_citizenship", "refugees_added", "imputed")


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
    table.insert(0, "edition", EDITION.edition)
    return table.reindex(columns=TABLE.column_names).astype({name: "boolean" for name in FLAGS})


STEPS = (Step(RAW, TABLE, transform, edition=EDITION),)
