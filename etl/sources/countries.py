"""Countries and territories: names in English, Russian and Turkish, OTS status, map label points.

Feeds `countries`, which every other table's country codes must appear in. A
second, small file adds the codes the sources use for people rather than places
(origin "other or unknown", stateless, Tibetans in UNHCR's data): they are named
in the three languages like a country, but `kind` says they are not a place, so
pickers and maps leave them out while tables and totals show them.
"""
import pandas as pd

from etl.schema import OTS_STATUS_VALUES, Column, Provenance, RawColumn, RawFile, Step, Table

PROVENANCE = Provenance(
    dataset="Country reference (names, regions, label points)",
    publisher="countryinfo 1.0.1 (MIT, data mostly from Wikipedia) and Natural Earth admin-0 (public domain)",
    url="https://www.naturalearthdata.com/",
    licence="MIT (countryinfo); public domain (Natural Earth)",
    citation="countryinfo 1.0.1, (c) Porimol Chandro; Natural Earth Admin 0 - Countries 1:110m v5",
    accessed="2026-11-22",
    caveats="Russian and Turkish names come from Natural Earth (Kyrgyzstan and Turkmenistan in their official "
            "Russian forms); where it has none, the English name is used. "
            "CHI (Channel Islands), SUD (Sudan before 2011) and SCG (Serbia and Montenegro) are statistical "
            "units of the sources, not ISO countries. OOO (other or unknown), STL (stateless) and TIB "
            "(Tibetan) are not places at all: their rows, written by the project (statistical_units.csv), "
            "name them in the three languages.",
)

RAW = RawFile(
    "country_reference.csv",
    columns=(
        RawColumn("iso3", pattern="[A-Z]{3}", pattern_meaning="three capital letters (ISO 3166 alpha-3)"),
        RawColumn("iso2", required=False), RawColumn("name"),
        RawColumn("name_tr", required=False), RawColumn("name_ru", required=False),
        RawColumn("capital", required=False),
        *(column for prefix in ("capital", "country", "ne_label") for column in (
            RawColumn(f"{prefix}_lat", "float", required=False, min_value=-90, max_value=90),
            RawColumn(f"{prefix}_lon", "float", required=False, min_value=-180, max_value=180))),
        RawColumn("region", required=False), RawColumn("subregion", required=False),
        RawColumn("ots_status", required=False, allowed=OTS_STATUS_VALUES),
        RawColumn("note", required=False),
    ),
    key=("iso3",),
)

TABLE = Table(
    "countries",
    "Every country or statistical unit named in the data, with names in the three interface languages.",
    columns=(
        Column("iso3", "VARCHAR", "ISO 3166 alpha-3 code (or the source's own code for units without one).",
               nullable=False, check="length(iso3) = 3"),
        Column("iso2", "VARCHAR", "ISO 3166 alpha-2 code, where there is one."),
        Column("name_en", "VARCHAR", "Name in English.", nullable=False),
        Column("name_ru", "VARCHAR", "Name in Russian (English where Natural Earth has none).", nullable=False),
        Column("name_tr", "VARCHAR", "Name in Turkish (English where Natural Earth has none).", nullable=False),
        Column("ots_status", "VARCHAR", "'member' or 'observer' of the Organization of Turkic States; empty otherwise.",
               check="ots_status IN (" + ", ".join(f"'{value}'" for value in OTS_STATUS_VALUES) + ")"),
        Column("region", "VARCHAR", "World region (Africa, Americas, Asia, Europe, Oceania)."),
        Column("subregion", "VARCHAR", "UN subregion."),
        Column("label_lat", "DOUBLE", "Latitude of the point where the country's marker and arcs are drawn.",
               check="label_lat BETWEEN -90 AND 90"),
        Column("label_lon", "DOUBLE", "Longitude of that point.", check="label_lon BETWEEN -180 AND 180"),
        Column("note", "VARCHAR", "Why a row was added or changed by hand."),
        Column("kind", "VARCHAR", "'place' for a country, territory or statistical area; for a code the sources "
               "use for people without one: 'unknown' (other or unknown origin), 'stateless', or 'group' (a "
               "people counted apart, such as Tibetans).", nullable=False, check="kind IN ('place', 'unknown', "
               "'stateless', 'group')"),
    ),
    provenance=PROVENANCE,
    primary_key=("iso3",),
)

UNIT_KINDS = ("unknown", "stateless", "group")

UNITS_RAW = RawFile(
    "statistical_units.csv",
    columns=(
        RawColumn("iso3", pattern="[A-Z]{3}", pattern_meaning="three capital letters (ISO 3166 alpha-3)"),
        RawColumn("kind", allowed=UNIT_KINDS),
        RawColumn("name_en"), RawColumn("name_ru"), RawColumn("name_tr"),
        RawColumn("note"),
    ),
    key=("iso3",),
)

# The publisher's short name predates the 2022 change; the organisation uses the new one.
NAME_OVERRIDES = {"TUR": "Türkiye"}
# Natural Earth gives the colloquial Russian forms; the organisation's Russian documents use the official ones.
NAME_OVERRIDES_RU = {"KGZ": "Кыргызстан", "TKM": "Туркменистан"}


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame({
        "iso3": raw["iso3"],
        "iso2": raw["iso2"],
        "name_en": raw["iso3"].map(NAME_OVERRIDES).fillna(raw["name"]),
        "region": raw["region"],
        "subregion": raw["subregion"],
        "ots_status": raw["ots_status"],
        # Natural Earth label points sit inside the shape; the rough centre and the capital are fallbacks.
        "label_lat": raw["ne_label_lat"].fillna(raw["country_lat"]).fillna(raw["capital_lat"]),
        "label_lon": raw["ne_label_lon"].fillna(raw["country_lon"]).fillna(raw["capital_lon"]),
        "note": raw["note"],
        "kind": "place",
    })
    table["name_ru"] = raw["iso3"].map(NAME_OVERRIDES_RU).fillna(raw["name_ru"]).fillna(table["name_en"])
    table["name_tr"] = raw["name_tr"].fillna(table["name_en"])
    return table[TABLE.column_names]


def units_transform(raw: pd.DataFrame) -> pd.DataFrame:
    """Codes for people without a place: names as written, no region, no point on a map."""
    table = pd.DataFrame({"iso3": raw["iso3"], "name_en": raw["name_en"], "name_ru": raw["name_ru"],
                          "name_tr": raw["name_tr"], "note": raw["note"], "kind": raw["kind"]})
    return table.reindex(columns=TABLE.column_names)


STEPS = (Step(RAW, TABLE, transform), Step(UNITS_RAW, TABLE, units_transform))
