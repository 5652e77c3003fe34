"""UN DESA International Migrant Stock 2024: the whole world's bilateral stocks, by sex, with the UN's data types.

Feeds `migrant_stock` (the matrix, both sexes added) and `migrant_stock_totals`
(immigrants and emigrants per country, summed from the matrix) with the 2024
edition, the latest. It revised the years of the 2020 edition, some heavily;
both stay in the database, told apart by `edition`.

What the copy says and how it is kept:
- rows are destination x origin x year x sex ('female', 'male'); the UN's
  both-sexes figure is their sum, and so is the 'total' row made here;
- origin OOO is "other or unknown": migrants whose origin the destination does
  not report. It stays an origin of its own (never dropped, never a place);
- the copy's XCX is the Channel Islands, which every other source and
  `countries` call CHI: it is loaded as CHI, so the two editions line up;
- the four data-type codes (B: counted by birthplace, C: by citizenship,
  R: refugees added, I: imputed) belong to the destination and year; they
  travel with every row, and a file where they differ within one destination
  and year is refused;
- a pair missing for a year means the UN had no basis to estimate it, not
  that nobody lives there: nothing is filled in.
"""
import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from etl.schema import Edition, RawColumn, RawFile, Step, year_column
from etl.sources import migrant_stock, migrant_stock_totals

EDITION = Edition(
    dataset="un_desa_ims", edition="ims2024", title="International Migrant Stock 2024",
    publisher="United Nations, Department of Economic and Social Affairs, Population Division",
    short_source="UN DESA, International Migrant Stock 2024", position=2,
    released="2025-01", released_note="UN DESA released the 2024 revision in January 2025.",
    url="https://www.un.org/development/desa/pd/content/international-migrant-stock", licence="CC BY 3.0 IGO",
    citation="UN DESA Population Division (2024). International Migrant Stock 2024 (POP/DB/MIG/Stock/Rev.2024).",
    accessed="2026-12-02",
    caveats="Revises the years of the 2020 edition (Russia 2020: 11,636,911 there, 7,297,611 here). Origin OOO "
            "is 'other or unknown'. Destinations of type C count foreign citizens rather than the foreign-born; "
            "type R adds refugees; type I is imputed, without data.",
)

FLAGS = ("basis_birthplace", "basis_citizenship", "refugees_added", "imputed")
CHANNEL_ISLANDS = {"XCX": "CHI"}
UNKNOWN_ORIGIN = "OOO"
PAIR = ["year", "destination_iso3", "origin_iso3"]

RAW = RawFile(
    "un_desa_ims2024_bilateral_stock.csv",
    columns=(
        year_column("year"),
        RawColumn("destination_iso3", "iso3", also_accepts=tuple(CHANNEL_ISLANDS)),
        RawColumn("origin_iso3", "iso3", also_accepts=tuple(CHANNEL_ISLANDS)),
        RawColumn("sex", allowed=("female", "male")),
        RawColumn("persons", "int", min_value=0),
        # Read as the codes "0" and "1", not as numbers: checking a number cell by cell costs four times more, and
        # at world scale these four columns are most of the file's cells.
        *(RawColumn(flag, allowed=("0", "1")) for flag in FLAGS),
    ),
    key=("year", "destination_iso3", "origin_iso3", "sex"),
)


def _codes(raw: pd.DataFrame, column: str) -> pd.Series:
    values = raw[column]
    return values.where(values != "XCX", "CHI") if (values == "XCX").any() else values


def _encoded(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """A text column as integer codes and their texts (the Channel Islands' XCX given CHI's code): comparing and
    copying codes is what makes the world matrix cheap, where Python strings would cost seconds and gigabytes."""
    encoded = pa.chunked_array(pa.array(values)).dictionary_encode().combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    texts = encoded.dictionary.to_pylist()
    for old, new in CHANNEL_ISLANDS.items():
        if old in texts:
            if new in texts:  # both spellings in one file: one code for both
                codes[codes == texts.index(old)] = texts.index(new)
                texts[texts.index(old)] = f"{old} (loaded as {new})"  # never used: no code points to it now
            else:
                texts[texts.index(old)] = new
    return codes, texts


def _sexes_aligned(raw: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """Row positions of the women and of the men when they list the same pairs in the same order, as the UN's
    files do (None otherwise). Positions and integer codes, not copies of the rows: at world scale each copy of
    the rows is hundreds of MB and a comparison of texts several seconds."""
    sex = raw["sex"]
    female = np.flatnonzero((sex == "female").to_numpy(dtype=bool, na_value=False))
    male = np.flatnonzero((sex == "male").to_numpy(dtype=bool, na_value=False))
    if len(female) != len(male):
        return None
    year = raw["year"].to_numpy(dtype=np.int64, na_value=-1)
    if not np.array_equal(year[female], year[male]):
        return None
    for column in ("destination_iso3", "origin_iso3"):
        codes, _texts = _encoded(raw[column])
        if not np.array_equal(codes[female], codes[male]):
            return None
    return female, male


def _flag(raw: pd.DataFrame, flag: str) -> np.ndarray:
    """A data-type flag ("0" or "1" in the file) as booleans."""
    return (raw[flag] == "1").to_numpy(dtype=bool, na_value=False)


def _constant(value: str, rows: int) -> pd.Categorical:
    """A column holding one text in every row, stored once (a world matrix has millions of rows)."""
    return pd.Categorical.from_codes(np.zeros(rows, dtype=np.int8), categories=[value])


# --- checks beyond the layout --------------------------------------------------------------------------------

def a_destination_is_a_place(raw: pd.DataFrame) -> list[tuple[int, str, str]]:
    bad = raw.index[raw["destination_iso3"] == UNKNOWN_ORIGIN]
    return [(index, "destination_iso3", "OOO ('other or unknown') is an origin, not a destination")
            for index in bad]


def each_pair_has_both_sexes(raw: pd.DataFrame) -> list[tuple[int, str, str]]:
    """The 'total' row is the sum of the two sexes: a pair with one of them missing cannot have one."""
    if _sexes_aligned(raw) is not None:
        return []
    female = (raw["sex"] == "female").groupby([raw[c] for c in PAIR], sort=False).transform("sum")
    male = (raw["sex"] == "male").groupby([raw[c] for c in PAIR], sort=False).transform("sum")
    return [(index, "sex", f"the pair has no '{'male' if raw.at[index, 'sex'] == 'female' else 'female'}' row "
                           "for this year, so its total cannot be made")
            for index in raw.index[(female == 0) | (male == 0)]]


def data_types_hold_for_the_destination(raw: pd.DataFrame) -> list[tuple[int, str, str]]:
    """The UN gives one data type per destination and year: every row of it must carry the same flags,
    and a count is by birthplace, by citizenship, or imputed."""
    code = sum(_flag(raw, flag).astype(np.int64) * 2 ** bit for bit, flag in enumerate(FLAGS))
    # One integer per destination and year (a group-by on the texts took seconds at world scale).
    year = raw["year"].to_numpy(dtype=np.int64, na_value=0)
    destination, _texts = _encoded(raw["destination_iso3"])
    group = (year - year.min()) * (int(destination.max()) + 1) + destination
    _groups, first, inverse = np.unique(group, return_index=True, return_inverse=True)
    first_row = first[inverse]  # the group's first row, in the file's order
    problems = [(int(raw.index[row]), "basis_birthplace", "the data-type flags differ from line "
                 f"{int(raw.index[first_row[row]]) + 2}, the same destination and year")
                for row in np.flatnonzero(code != code[first_row])]
    unbased = raw.index[~(_flag(raw, "basis_birthplace") | _flag(raw, "basis_citizenship") | _flag(raw, "imputed"))]
    problems += [(index, "imputed", "a count is by birthplace (B), by citizenship (C) or imputed (I): "
                                    "all three flags are 0") for index in unbased]
    return problems


# --- the matrix ------------------------------------------------------------------------------------------------

def transform(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per origin, destination, year and sex: the sum of both sexes first, then women, then men,
    each in the file's order (year first), so a query for one year and sex reads one stretch of the table.

    Built column by column from row positions, so the world matrix is copied once, into the table's rows."""
    aligned = _sexes_aligned(raw)
    if aligned is None:  # not in the UN's order: add the sexes up pair by pair (slower, same result)
        return _transform_by_pair(raw)
    female, male = aligned
    order = np.concatenate([female, female, male])  # the total takes the pair's columns from the women's row
    persons = raw["persons"].to_numpy(dtype=np.int64)
    columns = {
        "edition": _constant(EDITION.edition, len(order)),
        "year": raw["year"].to_numpy(dtype=np.int16)[order],
        "sex": pd.Categorical.from_codes(np.repeat(np.array([0, 1, 2], dtype=np.int8), len(female)),
                                         categories=["total", "female", "male"]),
        "persons": np.concatenate([persons[female] + persons[male], persons[female], persons[male]]),
        **{flag: _flag(raw, flag)[order] for flag in FLAGS},
    }
    for column in ("origin_iso3", "destination_iso3"):
        codes, texts = _encoded(raw[column])
        columns[column] = pd.Categorical.from_codes(codes[order], categories=texts)
    return pd.DataFrame(columns)[migrant_stock.TABLE.column_names]


def _transform_by_pair(raw: pd.DataFrame) -> pd.DataFrame:
    frame = raw.assign(origin_iso3=_codes(raw, "origin_iso3"), destination_iso3=_codes(raw, "destination_iso3"),
                       **{flag: pd.array(_flag(raw, flag), dtype="boolean") for flag in FLAGS})
    female, male = frame[frame["sex"] == "female"], frame[frame["sex"] == "male"]
    total = (frame.groupby(PAIR, sort=False, as_index=False)
             .agg(persons=("persons", "sum"), **{flag: (flag, "first") for flag in FLAGS})
             .assign(sex="total"))
    long = pd.concat([total, female, male], ignore_index=True)
    long.insert(0, "edition", EDITION.edition)
    return long[migrant_stock.TABLE.column_names]


# --- the totals ------------------------------------------------------------------------------------------------

def totals_transform(raw: pd.DataFrame) -> pd.DataFrame:
    """Per country, year and sex: immigrants = the column summed over every origin, 'other or unknown' included
    (the UN's total); emigrants = the row summed over every destination; with the destination's data types.

    Summed by DuckDB: pandas' group-by on the world matrix's text keys took most of a second.
    """
    with duckdb.connect() as con:
        con.register("raw", raw)
        totals = con.execute(f"""
            WITH stock AS (
                SELECT year, {_sql_codes("destination_iso3")} AS destination, {_sql_codes("origin_iso3")} AS origin,
                       sex, persons, {', '.join(f"{flag} = '1' AS {flag}" for flag in FLAGS)}
                FROM raw),
            by_sex AS (SELECT * FROM stock UNION ALL SELECT * REPLACE ('total' AS sex) FROM stock),
            immigrants AS (
                SELECT year, destination AS iso3, sex, sum(persons) AS immigrants,
                       sum(persons) FILTER (WHERE origin <> '{UNKNOWN_ORIGIN}') AS immigrants_known_origin,
                       {', '.join(f"bool_or({flag}) AS {flag}" for flag in FLAGS)}
                FROM by_sex GROUP BY ALL),
            emigrants AS (
                SELECT year, origin AS iso3, sex, sum(persons) AS emigrants
                FROM by_sex WHERE origin <> '{UNKNOWN_ORIGIN}' GROUP BY ALL)
            -- Every country of the UN's file is both a destination and an origin; one that is only either
            -- keeps the other figure empty (not counted), never 0.
            SELECT '{EDITION.edition}' AS edition, year, iso3, sex, immigrants::BIGINT AS immigrants,
                   emigrants::BIGINT AS emigrants,
                   coalesce(immigrants_known_origin, CASE WHEN immigrants IS NOT NULL THEN 0 END)::BIGINT
                       AS immigrants_known_origin,
                   {', '.join(FLAGS)}
            FROM immigrants FULL JOIN emigrants USING (year, iso3, sex)
            ORDER BY list_position(['total', 'female', 'male'], sex), year, iso3
        """).df()
    return totals[migrant_stock_totals.TABLE.column_names].astype(
        {"immigrants": "Int64", "emigrants": "Int64", "immigrants_known_origin": "Int64",
         **{flag: "boolean" for flag in FLAGS}})


def _sql_codes(column: str) -> str:
    return f"CASE {column} " + " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in CHANNEL_ISLANDS.items()) + \
        f" ELSE {column} END"


_CHECKS = (a_destination_is_a_place, each_pair_has_both_sexes, data_types_hold_for_the_destination)
# The totals first: the build then lets the file's rows go before it writes the matrix, the larger table.
STEPS = (Step(RAW, migrant_stock_totals.TABLE, totals_transform, extra_checks=_CHECKS, edition=EDITION),
         Step(RAW, migrant_stock.TABLE, transform, edition=EDITION))
