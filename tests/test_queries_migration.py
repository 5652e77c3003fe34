"""Queries of the Migration page, checked against the raw CSV files with pandas (an independent computation)."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from app.countries import MEMBERS, OTS_STATES
from app.queries import migration as q
from etl.build import DEFAULT_RAW_DIR

SEX_COLUMNS = {"stock": {"total": "migrant_stock_total", "male": "migrant_stock_male",
                         "female": "migrant_stock_female"},
               "flow": {"total": "flow_total", "male": "flow_male", "female": "flow_female"}}


@pytest.fixture(scope="module")
def cur(built_db):
    connection = duckdb.connect(str(built_db), read_only=True)
    yield connection.cursor()
    connection.close()


def stock_2024() -> pd.DataFrame:
    """The 2024 edition's file in the 2020 file's shape: one row per pair and year, both sexes and each sex,
    the Channel Islands under CHI (the build's code for the copy's XCX)."""
    raw = pd.read_csv(DEFAULT_RAW_DIR / "un_desa_ims2024_bilateral_stock.csv", keep_default_na=False)
    raw = raw.replace({"origin_iso3": {"XCX": "CHI"}, "destination_iso3": {"XCX": "CHI"}})
    wide = raw.pivot_table(index=["year", "origin_iso3", "destination_iso3"], columns="sex", values="persons",
                           aggfunc="sum").reset_index()
    return pd.DataFrame({"time": wide["year"], "origin_iso3": wide["origin_iso3"],
                         "destination_iso3": wide["destination_iso3"],
                         "migrant_stock_total": wide["female"] + wide["male"], "migrant_stock_male": wide["male"],
                         "migrant_stock_female": wide["female"]})


@pytest.fixture(scope="module")
def raw():
    stock_2020 = pd.read_csv(DEFAULT_RAW_DIR / "un_desa_ims2020_bilateral_stock_ots.csv", keep_default_na=False)
    flow = pd.read_csv(DEFAULT_RAW_DIR / "abel_cohen_flows_da_pb_closed_ots.csv", keep_default_na=False)
    stock_2020 = stock_2020.rename(columns={"year": "time"})
    flow = flow.rename(columns={"period_start": "time"})
    reference = pd.read_csv(DEFAULT_RAW_DIR / "country_reference.csv", keep_default_na=False)
    return {"stock": stock_2024(), "stock2020": stock_2020, "flow": flow, "reference": reference}


# (raw frame, query measure, edition): the latest stock edition by default, the previous one asked for.
SOURCES = {"stock": ("stock", None), "stock2020": ("stock", "ims2020"), "flow": ("flow", None)}


def expected_corridors(raw, measure, when, sex, focus, direction, partners=None) -> pd.DataFrame:
    frame = raw[measure]
    frame = frame[frame["time"] == when]
    value = SEX_COLUMNS[SOURCES[measure][0]][sex]
    focus_end, partner_end = ("origin_iso3", "destination_iso3") if direction == "from" else \
        ("destination_iso3", "origin_iso3")
    frame = frame[frame[focus_end].isin(focus) & (frame[value] > 0)]
    if partners is not None:
        frame = frame[frame[partner_end].isin(partners)]
    return pd.DataFrame({"origin_code": frame["origin_iso3"], "destination_code": frame["destination_iso3"],
                         "persons": frame[value].astype("int64")})


def as_set(frame: pd.DataFrame) -> set[tuple]:
    return set(zip(frame["origin_code"], frame["destination_code"], frame["persons"].astype("int64")))


@pytest.mark.parametrize("source, when", [("stock", 2024), ("stock", 1990), ("stock2020", 2020), ("flow", 2015),
                                          ("flow", 1990)])
@pytest.mark.parametrize("sex", ["total", "female", "male"])
@pytest.mark.parametrize("direction", ["from", "to"])
def test_corridors_of_the_member_states_match_the_raw_file(cur, raw, source, when, sex, direction):
    measure, edition = SOURCES[source]
    got = q.corridors(cur, measure, when, sex, MEMBERS, direction, edition=edition)
    want = expected_corridors(raw, source, when, sex, MEMBERS, direction)
    assert len(got) == len(want) > 0
    assert as_set(got) == as_set(want)
    assert list(got["persons"]) == sorted(got["persons"], reverse=True)
    assert (got["partner_count"] == 1).all()


def test_one_country_and_partners_among_members_and_observers(cur, raw):
    got = q.corridors(cur, "stock", 2024, "total", ("KGZ",), "from", partners=OTS_STATES)
    want = expected_corridors(raw, "stock", 2024, "total", ["KGZ"], "from", partners=OTS_STATES)
    assert as_set(got) == as_set(want)
    assert set(got["destination_code"]) <= set(OTS_STATES)
    assert "RUS" not in set(got["destination_code"])


def test_russia_is_the_main_destination_of_kyrgyz_emigrants(cur, raw):
    got = q.corridors(cur, "stock", 2024, "total", ("KGZ",), "from")
    want = expected_corridors(raw, "stock", 2024, "total", ["KGZ"], "from").sort_values("persons")
    assert got.iloc[0]["destination_code"] == want.iloc[-1]["destination_code"] == "RUS"


def test_grouping_sums_partners_outside_the_kept_ones_by_subregion(cur, raw):
    keep = OTS_STATES + ("RUS",)
    got = q.corridors(cur, "stock", 2024, "total", ("TUR",), "to", keep_apart=keep)
    want = expected_corridors(raw, "stock", 2024, "total", ["TUR"], "to")
    subregion = dict(zip(raw["reference"]["iso3"], raw["reference"]["subregion"]))
    region = dict(zip(raw["reference"]["iso3"], raw["reference"]["region"]))
    # Origin "other or unknown" is not a place: never grouped into a region, kept as itself.
    want["code"] = [o if o in keep or o == "OOO" else "region:" + (subregion.get(o) or region.get(o) or "Other")
                    for o in want["origin_code"]]
    totals = want.groupby("code")["persons"].sum()
    counts = want.groupby("code").size()
    assert dict(zip(got["origin_code"], got["persons"])) == totals.to_dict()
    assert dict(zip(got["origin_code"], got["partner_count"])) == counts.to_dict()
    assert set(got["destination_code"]) == {"TUR"}
    # Syria is in Western Asia: the group carries the largest stock in Türkiye.
    assert got.iloc[0]["origin_code"] == "region:Western Asia"


def test_a_grouped_partner_sits_at_the_persons_weighted_centre_of_its_countries(cur, raw):
    got = q.corridors(cur, "stock", 2024, "total", ("KAZ",), "from", keep_apart=OTS_STATES + ("RUS",))
    places = cur.execute("SELECT iso3, label_lat, label_lon FROM countries").df().set_index("iso3")
    want = expected_corridors(raw, "stock", 2024, "total", ["KAZ"], "from")
    subregion = dict(zip(raw["reference"]["iso3"], raw["reference"]["subregion"]))
    western = want[[subregion.get(d) == "Western Europe" and d not in OTS_STATES for d in want["destination_code"]]]
    western = western.join(places, on="destination_code")
    lat = (western["persons"] * western["label_lat"]).sum() / western["persons"].sum()
    row = got[got["partner_code"] == "region:Western Europe"].iloc[0]
    assert row["partner_lat"] == pytest.approx(lat)


def test_a_country_without_corridors_gets_no_rows(cur):
    assert q.corridors(cur, "stock", 2024, "total", ("ATA",), "from").empty
    assert q.times_with_corridors(cur, "stock", "total", ("ATA",), "from").empty
    # The previous edition's copy holds only pairs with an OTS state: none for the Marshall Islands.
    assert not q.corridors(cur, "stock", 2024, "total", ("MHL",), "to").empty
    assert q.corridors(cur, "stock", 2020, "total", ("MHL",), "from", edition="ims2020").empty


def test_the_unknown_origin_is_kept_without_a_place_and_with_the_destinations_data_types(cur, raw):
    got = q.corridors(cur, "stock", 2024, "total", ("ARE",), "to").set_index("partner_code")
    stock = raw["stock"]
    unknown = stock[(stock["time"] == 2024) & (stock["origin_iso3"] == "OOO") & (stock["destination_iso3"] == "ARE")]
    assert got.loc["OOO", "persons"] == unknown["migrant_stock_total"].iloc[0]
    assert pd.isna(got.loc["OOO", "partner_lat"]) and pd.isna(got.loc["OOO", "partner_lon"])
    flags = pd.read_csv(DEFAULT_RAW_DIR / "un_desa_ims2024_bilateral_stock.csv")
    flags = flags[(flags["year"] == 2024) & (flags["destination_iso3"] == "ARE")].iloc[0]
    assert (got["basis_citizenship"] == bool(flags["basis_citizenship"])).all()
    assert (got["refugees_added"] == bool(flags["refugees_added"])).all()


def test_years_with_corridors_skip_the_years_that_read_zero(cur, raw):
    stock = raw["stock2020"]
    rows = stock[(stock["origin_iso3"] == "HUN") & (stock["destination_iso3"].isin(["TKM"]))]
    want = sorted(rows.loc[rows["migrant_stock_total"] > 0, "time"])
    got = q.times_with_corridors(cur, "stock", "total", ("HUN",), "from", edition="ims2020")
    assert set(want) <= set(got["time"])
    every_year = sorted(stock["time"].unique())
    zero_years = [y for y in every_year
                  if stock[(stock["time"] == y) & (stock["origin_iso3"] == "HUN")]["migrant_stock_total"].sum() == 0]
    assert set(got["time"]) == set(every_year) - set(zero_years)
    # the latest edition: every year of the UN's 2024 file, 2024 included
    assert list(q.times_with_corridors(cur, "stock", "total", ("HUN",), "from")["time"]) == sorted(
        raw["stock"]["time"].unique())


def test_corridor_series_holds_every_year_and_sex_with_zeros(cur, raw):
    got = q.corridor_series(cur, "flow", "KGZ", "RUS")
    flow = raw["flow"]
    rows = flow[(flow["origin_iso3"] == "KGZ") & (flow["destination_iso3"] == "RUS")]
    assert len(got) == 3 * len(rows)
    for sex, column in SEX_COLUMNS["flow"].items():
        mine = got[got["sex"] == sex].set_index("time")["persons"]
        assert mine.to_dict() == dict(zip(rows["time"], rows[column]))
    assert set(got["time_end"] - got["time"]) == {5}


@pytest.mark.parametrize("edition", [None, "ims2020"])
def test_stock_series_women_and_men_add_up_to_the_total(cur, edition):
    got = q.corridor_series(cur, "stock", "UZB", "KAZ", edition).pivot(index="time", columns="sex",
                                                                         values="persons")
    assert (got["female"] + got["male"] == got["total"]).all()


def test_a_series_never_mixes_editions(cur):
    latest = q.corridor_series(cur, "stock", "KAZ", "RUS").query("sex == 'total'").set_index("time")["persons"]
    previous = q.corridor_series(cur, "stock", "KAZ", "RUS", "ims2020").query("sex == 'total'").set_index(
        "time")["persons"]
    assert (latest[2020], previous[2020]) == (1_635_008, 2_558_907)
    assert 2024 in latest.index and 2024 not in previous.index


def test_corridors_among_ots_states(cur, raw):
    got = q.corridors_among(cur, "flow", 2010, "female", OTS_STATES)
    flow = raw["flow"]
    want = flow[(flow["time"] == 2010) & flow["origin_iso3"].isin(OTS_STATES)
                & flow["destination_iso3"].isin(OTS_STATES) & (flow["flow_female"] > 0)]
    assert set(zip(got["origin_iso3"], got["destination_iso3"], got["persons"])) == \
        set(zip(want["origin_iso3"], want["destination_iso3"], want["flow_female"]))


def test_periods(cur, raw):
    assert list(q.periods(cur, "stock")["time"]) == sorted(raw["stock"]["time"].unique())
    assert list(q.periods(cur, "stock", "ims2020")["time"]) == sorted(raw["stock2020"]["time"].unique())
    flows = q.periods(cur, "flow")
    assert list(flows["time"]) == sorted(raw["flow"]["time"].unique())
    assert (flows["time_end"] - flows["time"] == 5).all()


def test_bad_arguments_are_refused_before_any_sql(cur):
    with pytest.raises(ValueError):
        q.corridors(cur, "stocks; DROP TABLE countries", 2020, "total", MEMBERS, "from")
    with pytest.raises(ValueError):
        q.corridors(cur, "stock", 2020, "all", MEMBERS, "from")
    with pytest.raises(ValueError):
        q.corridors(cur, "stock", 2020, "total", MEMBERS, "sideways")
    with pytest.raises(ValueError):
        q.corridors(cur, "stock", 2020, "total", MEMBERS, "from", edition="wdi2025")  # not a stock edition


def test_source_names_the_table_and_the_edition(cur):
    flows = q.source(cur, "flow").iloc[0]
    assert (flows["table_name"], flows["edition"], flows["based_on"]) == ("migration_flows", "abel2022", "ims2020")
    stock = q.source(cur, "stock").iloc[0]
    assert "United Nations" in stock["publisher"]
    assert (stock["edition"], stock["dataset"], stock["released"]) == ("ims2024", "International Migrant Stock 2024",
                                                                       "2025-01")
    assert q.source(cur, "stock", "ims2020").iloc[0]["dataset"] == "International Migrant Stock 2020"
