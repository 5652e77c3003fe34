"""World Development Indicators with World Population Prospects 2024 (copy of February 2025), 1990-2023.

Feeds `country_indicators` with the latest vintage: remittances received and
paid, GDP, population and net migration, and the remittance share of GDP computed
here on this vintage's own figures. Where WDI has no figure the copy's publisher
wrote 0; those zeros of the remittance columns were blanked when the file was
extracted (data/raw/SOURCES.md), so "not reported" (Turkmenistan, every year)
stays empty, never 0.
"""
import pandas as pd

from etl.schema import Edition, RawColumn, RawFile, Step, year_column
from etl.sources import country_indicators

EDITION = Edition(
    dataset="wdi", edition="wdi2025", title="World Development Indicators, copy of February 2025",
    publisher="World Bank; UN DESA Population Division (population)",
    short_source="World Bank, World Development Indicators (Feb. 2025)", position=2,
    released="", released_note="The copy does not give the World Bank's update dates; IOM's data package took "
                               "it on 2025-02-07, so the figures are as published by then.",
    published_by="2025-02-07",
    url="https://data.worldbank.org", licence="CC BY 4.0 (World Bank); CC BY 3.0 IGO (UN DESA)",
    citation="World Bank, World Development Indicators (BX.TRF.PWKR.CD.DT, BM.TRF.PWKR.CD.DT, NY.GDP.MKTP.CD, "
             "SM.POP.NETM); UN DESA, World Population Prospects 2024. Copy of IOM's gdidata package, 2025-02-07.",
    accessed="2026-12-02",
    caveats="Figures to 2023. Remittances paid are sparser than received. Population and net migration come "
            "from World Population Prospects 2024, rounded to whole persons.",
)

RAW = RawFile(
    "wdi_wpp_indicators_1990_2023.csv",
    columns=(
        RawColumn("iso3", "iso3"), year_column("year", min_value=1960),
        RawColumn("remittances_received_usd", "float", required=False, min_value=0),
        RawColumn("remittances_paid_usd", "float", required=False, min_value=0),
        RawColumn("gdp_usd", "float", required=False, min_value=0),
        RawColumn("population", "int", required=False, min_value=0),
        RawColumn("net_migration", "int", required=False),
    ),
    key=("iso3", "year"),
)


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    gdp = raw["gdp_usd"]
    # A GDP of 0 is the package's "no figure": no share can be computed from it.
    share = (100 * raw["remittances_received_usd"] / gdp.where(gdp > 0)).astype("Float64")
    table = raw.assign(edition=EDITION.edition, remittances_pct_gdp=share,
                       refugees_by_origin=pd.array([pd.NA] * len(raw), dtype="Int64"))
    return table[country_indicators.TABLE.column_names]


STEPS = (Step(RAW, country_indicators.TABLE, transform, edition=EDITION),)
