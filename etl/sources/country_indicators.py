"""World Development Indicators: remittances received, GDP, their ratio, refugees by origin (1990-2022).

Feeds `country_indicators`.
"""
import pandas as pd

from etl.schema import Column, Provenance, RawColumn, RawFile, Step, Table, country_column, year_column

PROVENANCE = Provenance(
    dataset="World Development Indicators: BX.TRF.PWKR.CD.DT, NY.GDP.MKTP.CD, SM.POP.REFG.OR",
    publisher="World Bank",
    url="https://data.worldbank.org",
    licence="CC BY 4.0",
    citation="World Bank, World Development Indicators (remittances and refugees updated 2023-10-26; "
             "GDP 2023-07-25). Refugees by origin come from UNHCR.",
    accessed="2026-11-22",
    caveats="The remittance share of GDP is computed here (100 x remittances / GDP), not the official WDI "
            "series, and can differ from it by a few tenths of a point. Turkmenistan publishes no "
            "balance-of-payments data: its remittances are 'not reported', never zero.",
)

RAW = RawFile(
    "wdi_remittances_gdp_refugees_1990_2022.csv",
    columns=(
        RawColumn("iso3", "iso3"), RawColumn("wb_name"), year_column("year", min_value=1960),
        RawColumn("remittances_received_usd", "float", required=False, min_value=0),
        RawColumn("gdp_current_usd", "float", required=False, min_value=0),
        RawColumn("remittances_pct_gdp_computed", "float", required=False, min_value=0),
        RawColumn("refugee_population_by_origin", "float", required=False, min_value=0),
    ),
    key=("iso3", "year"),
)

TABLE = Table(
    "country_indicators",
    "Remittances received, GDP, remittances as a share of GDP and refugees by origin, per country and year.",
    columns=(
        country_column("iso3", "Economy."),
        Column("year", "SMALLINT", "Calendar year.", nullable=False),
        Column("remittances_received_usd", "DOUBLE", "Personal remittances received, current US$ (empty: not reported).",
               check="remittances_received_usd >= 0"),
        Column("gdp_usd", "DOUBLE", "GDP, current US$.", check="gdp_usd >= 0"),
        Column("remittances_pct_gdp", "DOUBLE", "Remittances received as a percentage of GDP (computed).",
               check="remittances_pct_gdp >= 0"),
        Column("refugees_by_origin", "BIGINT", "Refugees originating from the country (UNHCR via WDI).",
               check="refugees_by_origin >= 0"),
    ),
    provenance=PROVENANCE,
    primary_key=("iso3", "year"),
)


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame({
        "iso3": raw["iso3"], "year": raw["year"],
        "remittances_received_usd": raw["remittances_received_usd"],
        "gdp_usd": raw["gdp_current_usd"],
        "remittances_pct_gdp": raw["remittances_pct_gdp_computed"],
        "refugees_by_origin": raw["refugee_population_by_origin"].round().astype("Int64"),
    })
    return table[TABLE.column_names]


STEPS = (Step(RAW, TABLE, transform),)
