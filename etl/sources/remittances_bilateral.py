"""World Bank / KNOMAD bilateral remittance estimates for 2017 (sender -> receiver, US$ million).

Feeds `remittances_bilateral` with the 2017 matrix (April 2018 version), the
previous edition since the 2021 matrix (`remittances_bilateral_2021`). The copy
keeps the pairs with an OTS member or observer state at one end.
"""
import pandas as pd

from etl.schema import (Column, Edition, Provenance, RawColumn, RawFile, Step, Table, country_column,
                        edition_column, year_column)

PROVENANCE = Provenance(
    dataset="Bilateral Remittance Estimates (KNOMAD / World Bank), 2017 and 2021 matrices",
    publisher="World Bank / KNOMAD",
    url="https://www.knomad.org/data/remittances",
    licence="CC BY 4.0 (World Bank data terms)",
    citation="World Bank, Bilateral Remittance Estimates for 2017 using Migrant Stocks, Host Country Incomes, "
             "and Origin Country Incomes (April 2018); KNOMAD/World Bank Bilateral Remittance Matrix 2021 "
             "(December 2022).",
    accessed="2026-11-22 (2017), 2026-12-02 (2021)",
    caveats="Analytical estimates (Ratha-Shaw method), not reported transfers; informal channels are missed. "
            "For Uzbekistan (and in 2017 Turkmenistan) the whole inflow is assigned to Russia, an artefact of "
            "the method. Each matrix is an edition of its own: never add the two.",
)

EDITION = Edition(
    dataset="knomad_bilateral", edition="knomad2017", title="Bilateral Remittance Matrix 2017",
    publisher="World Bank / KNOMAD", short_source="World Bank/KNOMAD, Bilateral Remittance Matrix 2017",
    position=1, released="2018-04", released_note="The April 2018 version of the 2017 estimates.",
    url=PROVENANCE.url, licence=PROVENANCE.licence,
    citation="World Bank, Bilateral Remittance Estimates for 2017 using Migrant Stocks, Host Country Incomes, "
             "and Origin Country Incomes (April 2018).",
    accessed="2026-11-22",
    caveats="The bilateral copy keeps only pairs with a member or observer state at one end; the totals cover "
            "every economy of the matrix.",
)

RAW = RawFile(
    "wb_bilateral_remittances_2017_ots.csv",
    columns=(
        year_column("year"),
        RawColumn("sending_iso3", "iso3"), RawColumn("sending_name"),
        RawColumn("receiving_iso3", "iso3"), RawColumn("receiving_name"),
        RawColumn("remittances_usd_million", "float", min_value=0),
    ),
    key=("year", "sending_iso3", "receiving_iso3"),
)

TABLE = Table(
    "remittances_bilateral",
    "Estimated remittances sent from one country to another, in US$ million, per edition of the World Bank's "
    "bilateral matrix (2017: pairs with an OTS state; 2021: the whole world).",
    columns=(
        edition_column(),
        Column("year", "SMALLINT", "Year of the estimate.", nullable=False),
        country_column("sending_iso3", "Country the money is sent from (where the migrants work)."),
        country_column("receiving_iso3", "Country the money is sent to (the migrants' origin)."),
        Column("usd_million", "DOUBLE", "Estimated remittances, US$ million.", nullable=False,
               check="usd_million >= 0"),
    ),
    provenance=PROVENANCE,
    primary_key=("edition", "year", "sending_iso3", "receiving_iso3"),
    keys_as_constraints=False,  # a world matrix: see Table.keys_as_constraints
)


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    table = raw.rename(columns={"remittances_usd_million": "usd_million"}).assign(edition=EDITION.edition)
    return table[TABLE.column_names]


STEPS = (Step(RAW, TABLE, transform, edition=EDITION),)
