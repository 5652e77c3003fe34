"""Hand-collected reported figures: citizens stranded and repatriated in 2020, and labour migration.

Feeds `reported_figures`. Each row is a count published at a date by a named
source; many are "at least" or "about" figures and figures for one country at
different dates overlap, so they must never be added up. The raw layout here is
also the template member states use for their submissions.
"""
import re

import pandas as pd

from etl.schema import Column, Provenance, RawColumn, RawFile, Step, Table, country_column

PROVENANCE = Provenance(
    dataset="Reported figures on stranded and repatriated citizens (2020) and labour migration (2018-2024)",
    publisher="Collected by the project from IOM, national agencies and news agencies; each row names its source",
    url="(one source page per row: see source_url)",
    licence="Facts quoted with attribution; each figure belongs to its publisher",
    citation="See source_publisher, source_url and source_date of each row.",
    accessed="2026-11-22",
    caveats="Counts reported at a date, many 'at least' or 'about' (see qualifier): not a consistent time "
            "series. Figures for one country at different dates overlap: never add them up. Russian "
            "'entries for work' count border crossings, not persons. Kazakh work permits cover only the "
            "skilled-worker quota.",
)

TOPICS = ("stranded", "labour")
MAX_TEXT = 2000

RAW_COLUMNS = (
    RawColumn("record_id", max_length=64),
    RawColumn("nationality_iso3", "iso3", required=False),
    RawColumn("location_iso3", "iso3", required=False),
    RawColumn("indicator", max_length=100),
    RawColumn("value", "float", min_value=0),
    RawColumn("unit", max_length=60),
    RawColumn("period_start", "date", required=False),
    RawColumn("period_end", "date", required=False),
    RawColumn("description", required=False, max_length=MAX_TEXT),
    RawColumn("source_publisher", max_length=300),
    RawColumn("source_url", required=False, max_length=MAX_TEXT),
    RawColumn("source_date", "date", required=False),
    RawColumn("date_note", required=False, max_length=MAX_TEXT),
)

STRANDED_RAW = RawFile("covid19_stranded_repatriation_figures_2020.csv", RAW_COLUMNS, key=("record_id",))
LABOUR_RAW = RawFile("labour_migration_figures.csv", RAW_COLUMNS, key=("record_id",))

TABLE = Table(
    "reported_figures",
    "Figures reported at a date by a named source: citizens stranded abroad or repatriated (2020), and "
    "labour migration (entries for work, permits, workers abroad).",
    columns=(
        Column("record_id", "VARCHAR", "Identifier of the figure.", nullable=False),
        Column("topic", "VARCHAR", "'stranded' or 'labour'.", nullable=False, check="topic IN ('stranded', 'labour')"),
        country_column("nationality_iso3", "Citizens of this country (empty: all nationalities).", nullable=True),
        country_column("location_iso3", "Where they were (empty: many countries).", nullable=True),
        Column("indicator", "VARCHAR", "What was counted (for example citizens_repatriated).", nullable=False),
        Column("indicator_group", "VARCHAR", "Kind of count, so unlike figures are never compared: "
               "stranded, registered, repatriated, context, entries, permits, workers, returned.", nullable=False),
        Column("value", "DOUBLE", "The reported number.", nullable=False, check="value >= 0"),
        Column("unit", "VARCHAR", "Unit as reported, with its qualifier (for example 'persons (at least)').",
               nullable=False),
        Column("unit_base", "VARCHAR", "Unit without the qualifier (persons, entries, permits, restrictions).",
               nullable=False),
        Column("qualifier", "VARCHAR", "'at least', 'about', 'more than', ... as reported; empty for an exact figure."),
        Column("period_start", "DATE", "Start of the period counted, where known."),
        Column("period_end", "DATE", "Date the count refers to (end of the period).",
               check="period_end IS NULL OR period_start IS NULL OR period_end >= period_start"),
        Column("description", "VARCHAR", "What the source says, in short."),
        Column("source_publisher", "VARCHAR", "Who published the figure.", nullable=False),
        Column("source_url", "VARCHAR", "Page the figure was read from."),
        Column("source_date", "DATE", "Date of that page, where shown."),
        Column("date_note", "VARCHAR", "How a date was inferred, or what the page did not show."),
    ),
    provenance=PROVENANCE,
    primary_key=("record_id",),
)

_UNIT = re.compile(r"^\s*(?P<base>[^()]+?)\s*(?:\((?P<qualifier>[^()]+)\))?\s*$")


def indicator_group(indicator: str) -> str:
    """Put each indicator in a group of like counts; only figures of one group may be compared."""
    if indicator.startswith("citizens_repatriated") or indicator == "citizens_planned_evacuation":
        return "repatriated"
    if "registered_for_repatriation" in indicator:
        return "registered"
    if "stranded" in indicator or indicator in ("citizens_unable_to_return", "citizens_waiting_for_repatriation"):
        return "stranded"
    if indicator.startswith("entries_for"):
        return "entries"
    if "permit" in indicator:
        return "permits"
    if indicator == "labour_migrants_returned":
        return "returned"
    if indicator in ("foreign_workers_employed", "organised_employment_abroad", "labour_migrants_abroad_stock",
                     "foreigners_registered_moscow"):
        return "workers"
    return "context"


def split_unit(unit: pd.Series) -> pd.DataFrame:
    parts = unit.str.extract(_UNIT)
    return pd.DataFrame({"unit_base": parts["base"].fillna(unit), "qualifier": parts["qualifier"]})


def period_in_order(raw: pd.DataFrame) -> list[tuple[int, str, str]]:
    start = pd.to_datetime(raw["period_start"])
    end = pd.to_datetime(raw["period_end"])
    return [(index, "period_end", "the period ends before it starts") for index in raw.index[end < start]]


def to_table(raw: pd.DataFrame, topic: str) -> pd.DataFrame:
    """Raw rows of one topic -> rows of `reported_figures` (also used for member-state submissions)."""
    table = raw.copy()
    table["topic"] = topic
    table["indicator_group"] = table["indicator"].map(indicator_group)
    table = pd.concat([table, split_unit(table["unit"])], axis=1)
    for column in ("period_start", "period_end", "source_date"):
        table[column] = pd.to_datetime(table[column]).dt.date
    return table[TABLE.column_names]


STEPS = (
    Step(STRANDED_RAW, TABLE, lambda raw: to_table(raw, "stranded"), extra_checks=(period_in_order,)),
    Step(LABOUR_RAW, TABLE, lambda raw: to_table(raw, "labour"), extra_checks=(period_in_order,)),
)
