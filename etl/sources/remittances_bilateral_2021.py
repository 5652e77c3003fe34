"""KNOMAD / World Bank Bilateral Remittance Matrix 2021 (December 2022 version): the whole world, US$ million.

Feeds `remittances_bilateral` (every pair with a positive estimate) and
`remittance_totals` (each economy's inflow and outflow, summed from the matrix as
the 2017 totals were) with the 2021 edition, the latest published.
"""
import pandas as pd

from etl.schema import Edition, RawColumn, RawFile, Step, year_column
from etl.sources import remittance_totals, remittances_bilateral

EDITION = Edition(
    dataset="knomad_bilateral", edition="knomad2021", title="Bilateral Remittance Matrix 2021",
    publisher="World Bank / KNOMAD", short_source="World Bank/KNOMAD, Bilateral Remittance Matrix 2021",
    position=2, released="2022-12", released_note="The December 2022 version, the latest published.",
    url="https://www.knomad.org/data/remittances", licence="CC BY 4.0 (World Bank data terms)",
    citation="KNOMAD/World Bank Bilateral Remittance Matrix 2021 (December 2022).",
    accessed="2026-12-02",
    caveats="Model estimates, as in 2017; Uzbekistan's whole inflow is again assigned to Russia.",
)

RAW = RawFile(
    "knomad_bilateral_remittances_2021.csv",
    columns=(
        year_column("year"),
        RawColumn("sending_iso3", "iso3"), RawColumn("sending_name"),
        RawColumn("receiving_iso3", "iso3"), RawColumn("receiving_name"),
        RawColumn("usd_million", "float", min_value=0),
    ),
    key=("year", "sending_iso3", "receiving_iso3"),
)


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    return raw.assign(edition=EDITION.edition)[remittances_bilateral.TABLE.column_names]


def totals_transform(raw: pd.DataFrame) -> pd.DataFrame:
    """Per economy and year: inflows (the column sum) and outflows (the row sum). The matrix lists the pairs with
    a positive estimate, so an economy in it with no pair in one direction has an estimate of zero there."""
    inflows = raw.groupby(["year", "receiving_iso3"], sort=False)["usd_million"].sum()
    outflows = raw.groupby(["year", "sending_iso3"], sort=False)["usd_million"].sum()
    inflows.index.names = outflows.index.names = ["year", "iso3"]
    table = pd.concat([inflows.rename("inflows_usd_million"), outflows.rename("outflows_usd_million")],
                      axis=1).fillna(0.0).reset_index().sort_values(["year", "iso3"], kind="stable")
    return table.assign(edition=EDITION.edition)[remittance_totals.TABLE.column_names]


STEPS = (Step(RAW, remittances_bilateral.TABLE, transform, edition=EDITION),
         Step(RAW, remittance_totals.TABLE, totals_transform, edition=EDITION))
