"""UNHCR Refugee Data Finder: forcibly displaced and stateless people by country of asylum and origin, 1990-2024.

Feeds `forcibly_displaced`. Figures are at year end, except the last year of the
copy (2024), which is most likely mid-year: the copy was taken in March 2025,
before UNHCR's end-2024 release. Its rows are marked `provisional`. Refugees
are partly inside the UN DESA migrant stocks (destinations of type R add them):
the two data sets are never added together.
"""
import pandas as pd

from etl.schema import (Column, Edition, Provenance, RawColumn, RawFile, Step, Table, count_column,
                        country_column, edition_column, year_column)

POPULATION_TYPES = ("refugee", "asylum", "idp", "idp return", "refugee return", "stateless", "other")
PROVISIONAL_FROM = 2024  # the copy's last year is mid-year, not year-end (see the module docstring)

PROVENANCE = Provenance(
    dataset="UNHCR Refugee Data Finder: forcibly displaced and stateless people",
    publisher="United Nations High Commissioner for Refugees (UNHCR)",
    url="https://www.unhcr.org/refugee-statistics/",
    licence="Reuse with attribution (\"UNHCR Refugee Data Finder\")",
    citation="UNHCR Refugee Data Finder, copy of March 2025 (IOM gdidata package).",
    accessed="2026-12-02",
    caveats="Year-end figures, except 2024, most likely mid-year (provisional). Origins OOO (various or "
            "unknown), STL (stateless) and TIB (Tibetan) are not countries. Refugees are partly counted in the "
            "UN DESA migrant stocks (type R destinations): never add the two.",
)

EDITION = Edition(
    dataset="unhcr", edition="unhcr2025", title="Refugee Data Finder, copy of March 2025",
    publisher="United Nations High Commissioner for Refugees (UNHCR)",
    short_source="UNHCR, Refugee Data Finder (copy of March 2025)", position=1,
    released="", released_note="The copy does not give UNHCR's release date; IOM's data package took it on "
                               "2025-03-09, before UNHCR's end-2024 figures.",
    published_by="2025-03-09",
    url=PROVENANCE.url, licence=PROVENANCE.licence, citation=PROVENANCE.citation, accessed="2026-12-02",
    caveats="2024 is provisional: most likely mid-2024, not year-end.",
)

RAW = RawFile(
    "unhcr_forcibly_displaced_1990_2024.csv",
    columns=(
        year_column("year", min_value=1951),
        RawColumn("asylum_iso3", "iso3"),
        RawColumn("origin_iso3", "iso3"),
        RawColumn("population_type", allowed=POPULATION_TYPES),
        RawColumn("persons", "int", min_value=0),
    ),
    key=("year", "asylum_iso3", "origin_iso3", "population_type"),
)

TABLE = Table(
    "forcibly_displaced",
    "Refugees, asylum-seekers, internally displaced, returnees and stateless people by country of asylum, "
    "country of origin, type and year (UNHCR).",
    columns=(
        edition_column(),
        Column("year", "SMALLINT", "Year (figures at year end, except provisional ones).", nullable=False),
        country_column("asylum_iso3", "Country of asylum (where the people are); OOO: various or unknown."),
        country_column("origin_iso3", "Country of origin; OOO: various or unknown; STL: stateless; TIB: Tibetan."),
        Column("population_type", "VARCHAR", "refugee, asylum (asylum-seekers), idp (internally displaced), "
               "idp return, refugee return, stateless, other.", nullable=False,
               check="population_type IN ('refugee', 'asylum', 'idp', 'idp return', 'refugee return', "
                     "'stateless', 'other')"),
        count_column("persons", "People of that type, origin and asylum."),
        Column("provisional", "BOOLEAN", "The year's figures are provisional (mid-year, not year-end).",
               nullable=False),
    ),
    provenance=PROVENANCE,
    primary_key=("edition", "year", "asylum_iso3", "origin_iso3", "population_type"),
    keys_as_constraints=False,  # grows like a world matrix: see Table.keys_as_constraints
)


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    table = raw.assign(edition=EDITION.edition, provisional=raw["year"] >= PROVISIONAL_FROM)
    return table[TABLE.column_names]


STEPS = (Step(RAW, TABLE, transform, edition=EDITION),)
