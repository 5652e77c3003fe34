"""World Bank / KNOMAD 2017 remittance inflows and outflows per economy (US$ million).

Feeds `remittance_totals` with the 2017 matrix's totals; the 2021 ones are summed
from that matrix by `remittances_bilateral_2021`.
"""
from dataclasses import replace

import pandas as pd

from etl.schema import Column, RawColumn, RawFile, Step, Table, country_column, edition_column, year_column
from etl.sources.remittances_bilateral import EDITION
from etl.sources.remittances_bilateral import PROVENANCE as BILATERAL

PROVENANCE = replace(
    BILATERAL,
    caveats="Row and column sums of each bilateral matrix (2017: April 2018 vintage; 2021: December 2022); they "
            "differ from the World Development Indicators' remittances, which are reported, not modelled.",
)

RAW = RawFile(
    "wb_remittances_2017_country_totals.csv",
    columns=(
        year_column("year"), RawColumn("iso3", "iso3"), RawColumn("wb_name"),
        RawColumn("remittance_inflows_usd_million", "float", min_value=0),
        RawColumn("remittance_outflows_usd_million", "float", min_value=0),
    ),
    key=("year", "iso3"),
)

TABLE = Table(
    "remittance_totals",
    "Estimated remittances received and sent by each economy, in US$ million, per edition of the World Bank's "
    "bilateral matrix.",
    columns=(
        edition_column(),
        Column("year", "SMALLINT", "Year of the estimate.", nullable=False),
        country_column("iso3", "Economy."),
        Column("inflows_usd_million", "DOUBLE", "Remittances received.", nullable=False,
               check="inflows_usd_million >= 0"),
        Column("outflows_usd_million", "DOUBLE", "Remittances sent.", nullable=False,
               check="outflows_usd_million >= 0"),
    ),
    provenance=PROVENANCE,
    primary_key=("edition", "year", "iso3"),
)


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    table = raw.rename(columns={"remittance_inflows_usd_million": "inflows_usd_million",
                                "remittance_outflows_usd_million": "outflows_usd_million"})
    return table.assign(edition=EDITION.edition)[TABLE.column_names]


STEPS = (Step(RAW, TABLE, transform, edition=EDITION),)
