"""Abel and Cohen bilateral migration flow estimates, 5-year periods 1990-2020, by sex.

Feeds `migration_flows`. These are model estimates of transitions, not registered moves, computed from
the 2020 edition of the UN's stocks: beside the 2024 edition's stocks they rest on figures the UN has since
revised. One edition, so the table has no edition column; `editions` names it.
"""
import pandas as pd

from etl.schema import (Column, Edition, Provenance, RawColumn, RawFile, Step, Table, count_column,
                        country_column, sex_column, year_column)

PROVENANCE = Provenance(
    dataset="Bilateral international migration flow estimates (closed demographic accounting, pseudo-Bayesian)",
    publisher="Guy J. Abel and Joel E. Cohen, from UN DESA International Migrant Stock 2020",
    url="https://doi.org/10.6084/m9.figshare.7731233",
    licence="CC BY 4.0 (as normally stated on the authors' figshare deposit)",
    citation="Abel, G.J. & Cohen, J.E. (2019). Bilateral international migration flow estimates for 200 "
             "countries. Scientific Data 6:82; sex-specific update, Scientific Data 9:173 (2022).",
    accessed="2026-11-22",
    caveats="Model estimates, not registered flows: net of deaths and returns within each 5-year period, "
            "and not to be added to stocks. Male and female were estimated separately, so they need not "
            "sum to the total. Some flows are artefacts of the method (Germany -> Türkiye 2015-2020, about "
            "328,000, reflects German-born children of returning migrants). They rest on the 2020 edition of "
            "the UN's stocks, which the 2024 edition revised.",
)

EDITION = Edition(
    dataset="abel_cohen_flows", edition="abel2022", title="Bilateral international migration flow estimates "
    "(sex-specific update)", publisher="Guy J. Abel and Joel E. Cohen",
    short_source="Abel and Cohen, flow estimates from UN DESA stocks 2020", position=1,
    released="2022", released_note="Published with Abel & Cohen (2022), Scientific Data 9:173.",
    url=PROVENANCE.url, licence=PROVENANCE.licence, citation=PROVENANCE.citation, accessed="2026-11-22",
    based_on="ims2020",
    caveats="Computed from the 2020 edition of the UN's migrant stocks, not the 2024 one.",
)

RAW = RawFile(
    "abel_cohen_flows_da_pb_closed_ots.csv",
    columns=(
        year_column("period_start"), year_column("period_end"),
        RawColumn("origin_iso3", "iso3"), RawColumn("origin_name"),
        RawColumn("destination_iso3", "iso3"), RawColumn("destination_name"),
        RawColumn("flow_total", "int", min_value=0),
        RawColumn("flow_male", "int", min_value=0),
        RawColumn("flow_female", "int", min_value=0),
    ),
    key=("period_start", "origin_iso3", "destination_iso3"),
)

TABLE = Table(
    "migration_flows",
    "Estimated migrants moving from origin to destination over each 5-year period (1990-2020), by sex.",
    columns=(
        Column("period_start", "SMALLINT", "First year of the period (mid-year).", nullable=False),
        Column("period_end", "SMALLINT", "Last year of the period (mid-year).", nullable=False,
               check="period_end > period_start"),
        country_column("origin_iso3", "Country the migrants left."),
        country_column("destination_iso3", "Country the migrants moved to."),
        sex_column(),
        count_column("persons", "Estimated migrants over the period."),
    ),
    provenance=PROVENANCE,
    primary_key=("period_start", "origin_iso3", "destination_iso3", "sex"),
    keys_as_constraints=False,  # a world matrix: see Table.keys_as_constraints
)

SEX_COLUMNS = {"flow_total": "total", "flow_female": "female", "flow_male": "male"}


def periods_in_order(raw: pd.DataFrame) -> list[tuple[int, str, str]]:
    bad = raw.index[raw["period_end"] <= raw["period_start"]]
    return [(index, "period_end", "the period ends before or when it starts") for index in bad]


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per period, origin, destination and sex (all rows of one sex, then the next)."""
    corridors = raw[["period_start", "period_end", "origin_iso3", "destination_iso3"]]
    long = pd.concat([corridors.assign(sex=sex, persons=raw[column]) for column, sex in SEX_COLUMNS.items()],
                     ignore_index=True)
    return long[TABLE.column_names]


STEPS = (Step(RAW, TABLE, transform, extra_checks=(periods_in_order,), edition=EDITION),)
