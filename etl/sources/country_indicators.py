"""World Development Indicators (October 2023 update): remittances received, GDP, their ratio, refugees by
origin, 1990-2022.

Feeds `country_indicators` with this vintage, the previous one since the copy
with figures to 2023 (`country_indicators_2023`). Columns this vintage does not
hold (remittances paid, population, net migration) stay empty.
"""
import pandas as pd

from etl.schema import (Column, Edition, Provenance, RawColumn, RawFile, Step, Table, country_column,
                        edition_column, year_column)

PROVENANCE = Provenance(
    dataset="World Development Indicators (BX.TRF.PWKR.CD.DT, BM.TRF.PWKR.CD.DT, NY.GDP.MKTP.CD, SM.POP.NETM, "
            "SM.POP.REFG.OR) and World Population Prospects 2024, two vintages",
    publisher="World Bank; UN DESA Population Division (population)",
    url="https://data.worldbank.org",
    licence="CC BY 4.0 (World Bank); CC BY 3.0 IGO (UN DESA)",
    citation="World Bank, World Development Indicators; UN DESA, World Population Prospects 2024. Refugees by "
             "origin come from UNHCR.",
    accessed="2026-11-22 (October 2023 vintage), 2026-12-02 (February 2025 copy)",
    caveats="The remittance share of GDP is computed here (100 x remittances / GDP of the same vintage), not the "
            "official WDI series, and can differ from it by a few tenths of a point. Later vintages revise GDP "
            "and remittances: a year's share can differ between vintages; the latest stands. Turkmenistan "
            "publishes no balance-of-payments data: its remittances are 'not reported', never zero.",
)

EDITION = Edition(
    dataset="wdi", edition="wdi2023", title="World Development Indicators, October 2023 update",
    publisher="World Bank", short_source="World Bank, World Development Indicators (Oct. 2023)", position=1,
    released="2023-10-26", released_note="Remittances and refugees last updated by the World Bank on 2023-10-26, "
                                         "GDP on 2023-07-25.",
    url=PROVENANCE.url, licence="CC BY 4.0",
    citation="World Bank, World Development Indicators (remittances and refugees updated 2023-10-26; GDP "
             "2023-07-25). Refugees by origin come from UNHCR.",
    accessed="2026-11-22",
    caveats="Figures to 2022. The share of GDP divides by a GDP vintage three months older than the remittances.",
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
    "Per country and year, per vintage of the World Development Indicators: remittances received and paid, "
    "GDP, remittances as a share of GDP, population, net migration, and refugees by origin.",
    columns=(
        edition_column(),
        country_column("iso3", "Economy."),
        Column("year", "SMALLINT", "Calendar year.", nullable=False),
        Column("remittances_received_usd", "DOUBLE", "Personal remittances received, current US$ (empty: not reported).",
               check="remittances_received_usd >= 0"),
        Column("remittances_paid_usd", "DOUBLE", "Personal remittances paid, current US$ (empty: not reported, or "
               "not in this vintage).", check="remittances_paid_usd >= 0"),
        Column("gdp_usd", "DOUBLE", "GDP, current US$.", check="gdp_usd >= 0"),
        Column("remittances_pct_gdp", "DOUBLE", "Remittances received as a percentage of GDP (computed, same "
               "vintage).", check="remittances_pct_gdp >= 0"),
        Column("population", "BIGINT", "Population at mid-year, persons (UN World Population Prospects 2024; not "
               "in the October 2023 vintage).", check="population >= 0"),
        Column("net_migration", "BIGINT", "Net migration in the year, persons (immigrants minus emigrants; "
               "negative: more left).",),
        Column("refugees_by_origin", "BIGINT", "Refugees originating from the country (UNHCR via WDI; October "
               "2023 vintage only: see forcibly_displaced for UNHCR's own figures).",
               check="refugees_by_origin >= 0"),
    ),
    provenance=PROVENANCE,
    primary_key=("edition", "iso3", "year"),
)


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame({
        "edition": EDITION.edition, "iso3": raw["iso3"], "year": raw["year"],
        "remittances_received_usd": raw["remittances_received_usd"],
        "gdp_usd": raw["gdp_current_usd"],
        "remittances_pct_gdp": raw["remittances_pct_gdp_computed"],
        "refugees_by_origin": raw["refugee_population_by_origin"].round().astype("Int64"),
    })
    return table.reindex(columns=TABLE.column_names).astype(
        {"remittances_paid_usd": "Float64", "population": "Int64", "net_migration": "Int64"})


STEPS = (Step(RAW, TABLE, transform, edition=EDITION),)
