"""World Bank / KNOMAD bilateral remittance estimates for 2017 (sender -> receiver, US$ million).

Feeds `remittances_bilateral`.
"""
import pandas as pd

from etl.schema import Column, Provenance, RawColumn, RawFile, Step, Table, country_column, year_column

PROVENANCE = Provenance(
    dataset="Bilateral Remittance Estimates for 2017 (April 2018 version)",
    publisher="World Bank / KNOMAD",
    url="https://www.knomad.org/data/remittances",
    licence="CC BY 4.0 (World Bank data terms)",
    citation="World Bank, Bilateral Remittance Estimates for 2017 using Migrant Stocks, Host Country Incomes, "
             "and Origin Country Incomes (April 2018).",
    accessed="2026-11-22",
    caveats="Analytical estimates (Ratha-Shaw method), not reported transfers; informal channels are missed. "
            "For Uzbekistan and Turkmenistan the whole inflow is assigned to Russia, an artefact of the method.",
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
    "Estimated remittances sent from one country to another in 2017, in US$ million.",
    columns=(
        Column("year", "SMALLINT", "Year of the estimate.", nullable=False),
        country_column("sending_iso3", "Country the money is sent from (where the migrants work)."),
        country_column("receiving_iso3", "Country the money is sent to (the migrants' origin)."),
        Column("usd_million", "DOUBLE", "Estimated remittances, US$ million.", nullable=False,
               check="usd_million >= 0"),
    ),
    provenance=PROVENANCE,
    primary_key=("year", "sending_iso3", "receiving_iso3"),
    keys_as_constraints=False,  # a world matrix: see Table.keys_as_constraints
)


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    table = raw.rename(columns={"remittances_usd_million": "usd_million"})
    return table[TABLE.column_names]


STEPS = (Step(RAW, TABLE, transform),)
