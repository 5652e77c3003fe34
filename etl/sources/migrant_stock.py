"""UN DESA International Migrant Stock 2020: bilateral stocks (origin -> destination), by sex.

Feeds `migrant_stock` with the 2020 edition, the previous one since the 2024
edition (`migrant_stock_2024`) revised it. Stocks count people living abroad at
mid-year; they are not flows. The copy holds only pairs with an OTS member or
observer state at one end, and no data-type codes: its flag columns stay empty.
"""
import pandas as pd

from etl.schema import (Column, Edition, Provenance, RawColumn, RawFile, Step, Table, count_column,
                        country_column, edition_column, flag_columns, sex_column, year_column)

PROVENANCE = Provenance(
    dataset="International Migrant Stock (destination and origin), 2020 and 2024 editions",
    publisher="United Nations, Department of Economic and Social Affairs, Population Division",
    url="https://www.un.org/development/desa/pd/content/international-migrant-stock",
    licence="CC BY 3.0 IGO",
    citation="UN DESA Population Division (2020). International Migrant Stock 2020 (POP/DB/MIG/Stock/Rev.2020); "
             "(2024). International Migrant Stock 2024 (POP/DB/MIG/Stock/Rev.2024).",
    accessed="2026-11-22 (2020 edition), 2026-12-02 (2024 edition)",
    caveats="Stocks, not flows: people living outside their country of birth (or citizenship) at mid-year. "
            "The 2024 edition revised earlier years, some heavily: never add or compare figures of two "
            "editions as if they were one series. The 2020 edition here holds only pairs with a member or "
            "observer state at one end, and lacks the origins reported only as 'other/unknown'; the 2024 "
            "edition holds the whole world and those origins as OOO.",
)

EDITION = Edition(
    dataset="un_desa_ims", edition="ims2020", title="International Migrant Stock 2020",
    publisher="United Nations, Department of Economic and Social Affairs, Population Division",
    short_source="UN DESA, International Migrant Stock 2020", position=1,
    released="2021-01", released_note="UN DESA released the 2020 revision in January 2021.",
    url=PROVENANCE.url, licence=PROVENANCE.licence,
    citation="UN DESA Population Division (2020). International Migrant Stock 2020 (POP/DB/MIG/Stock/Rev.2020).",
    accessed="2026-11-22",
    caveats="The bilateral copy keeps only pairs with a member or observer state at one end (all seven years "
            "of each, zeros included): a pair absent from it is zero in every year; the totals cover every "
            "country. Origins reported only as 'other/unknown' are missing from the pairs, and the UN's "
            "data-type codes are not in the copy.",
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
    "Bilateral international migrant stocks at mid-year, by sex, for every edition of the UN's estimates "
    "(2020 edition: 1990-2020; 2024 edition: 1990-2024, the whole world).",
    columns=(
        edition_column(),
        Column("year", "SMALLINT", "Mid-year of the estimate.", nullable=False),
        country_column("origin_iso3", "Country of birth (or citizenship); OOO: other or unknown."),
        country_column("destination_iso3", "Country of residence."),
        sex_column(),
        count_column("persons", "Migrants of that origin living in that destination."),
        *flag_columns("the destination's count"),
    ),
    provenance=PROVENANCE,
    primary_key=("edition", "year", "origin_iso3", "destination_iso3", "sex"),
    keys_as_constraints=False,  # a world matrix: see Table.keys_as_constraints
)

SEX_COLUMNS = {"migrant_stock_total": "total", "migrant_stock_female": "female", "migrant_stock_male": "male"}


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per origin, destination, year and sex (all rows of one sex, then the next)."""
    corridors = raw[["year", "origin_iso3", "destination_iso3"]]
    # Three stacked copies rather than DataFrame.melt: the same rows, several times faster on a world matrix.
    long = pd.concat([corridors.assign(sex=sex, persons=raw[column]) for column, sex in SEX_COLUMNS.items()],
                     ignore_index=True)
    long.insert(0, "edition", EDITION.edition)
    # The copy has no data-type codes: unknown, not "no".
    return long.reindex(columns=TABLE.column_names).astype(
        {name: "boolean" for name in ("basis_birthplace", "basis_citizenship", "refugees_added", "imputed")})


STEPS = (Step(RAW, TABLE, transform, edition=EDITION),)
