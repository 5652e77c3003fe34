"""Queries of the Briefing page, checked against the raw CSV files with pandas (an independent computation)."""
from __future__ import annotations

import pandas as pd
import pytest

from app import cached
from app.countries import MEMBERS, OTS_STATES
from app.queries import briefing as q
from etl.build import DEFAULT_RAW_DIR


@pytest.fixture
def run(app_env):
    return cached.run_uncached


@pytest.fixture(scope="module")
def stock():
    """The 2024 edition (the default) in the 2020 file's shape: per pair and year, both sexes and each."""
    raw = pd.read_csv(DEFAULT_RAW_DIR / "un_desa_ims2024_bilateral_stock.csv", keep_default_na=False)
    wide = raw.pivot_table(index=["year", "origin_iso3", "destination_iso3"], columns="sex", values="persons",
                           aggfunc="sum").reset_index()
    wide["migrant_stock_total"] = wide["female"] + wide["male"]
    return wide.rename(columns={"female": "migrant_stock_female", "male": "migrant_stock_male"})


@pytest.fixture(scope="module")
def stock_2020():
    return pd.read_csv(DEFAULT_RAW_DIR / "un_desa_ims2020_bilateral_stock_ots.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def stranded():
    frame = pd.read_csv(DEFAULT_RAW_DIR / "covid19_stranded_repatriation_figures_2020.csv",
                        keep_default_na=False, na_values={"value": [""]})
    frame["as_of"] = pd.to_datetime(frame["period_end"].where(frame["period_end"] != "", frame["source_date"])
                                    .replace("", None))
    return frame


def within(stock: pd.DataFrame, origins, destinations) -> pd.DataFrame:
    return stock[stock["origin_iso3"].isin(origins) & stock["destination_iso3"].isin(destinations)
                 & (stock["origin_iso3"] != stock["destination_iso3"])]


def test_members_living_in_other_member_states_per_year(run, stock):
    got = run(q.stock_between, MEMBERS, MEMBERS)
    want = within(stock, MEMBERS, MEMBERS).groupby("year")["migrant_stock_total"].sum()
    assert dict(zip(got["year"], got["persons"])) == want.to_dict()
    assert list(got["year"]) == sorted(want.index) and got["year"].max() == 2024


def test_the_previous_edition_gives_its_own_and_smaller_figure(run, stock_2020):
    got = run(q.stock_between, MEMBERS, MEMBERS, "total", "ims2020")
    want = within(stock_2020, MEMBERS, MEMBERS).groupby("year")["migrant_stock_total"].sum()
    assert dict(zip(got["year"], got["persons"])) == want.to_dict()
    latest = run(q.stock_between, MEMBERS, MEMBERS).set_index("year")["persons"]
    # the UN's current estimate of 2020 is about twice what the 2020 edition said
    assert latest[2020] > 2 * got.set_index("year")["persons"][2020]


def test_women_only(run, stock):
    got = run(q.stock_between, MEMBERS, MEMBERS, "female")
    want = within(stock, MEMBERS, MEMBERS).groupby("year")["migrant_stock_female"].sum()
    assert dict(zip(got["year"], got["persons"])) == want.to_dict()


def test_split_by_origin_adds_up_to_the_total(run, stock):
    by_origin = run(q.stock_between_by_origin, MEMBERS, MEMBERS)
    want = within(stock, MEMBERS, MEMBERS).groupby(["year", "origin_iso3"])["migrant_stock_total"].sum()
    assert {(y, o): p for y, o, p in zip(by_origin["year"], by_origin["origin_iso3"], by_origin["persons"])} == \
        want.to_dict()


@pytest.mark.parametrize("edition", [None, "ims2020"])
def test_largest_corridors_with_the_year_before_and_the_first_year(run, stock, stock_2020, edition):
    frame = stock if edition is None else stock_2020
    got = run(q.largest_corridors, OTS_STATES, 5, edition)
    involving = frame[(frame["origin_iso3"].isin(OTS_STATES) | frame["destination_iso3"].isin(OTS_STATES))
                      & (frame["origin_iso3"] != "OOO")]
    years = sorted(involving["year"].unique())
    latest, before = years[-1], years[-2]
    assert (latest, before) == ((2024, 2020) if edition is None else (2020, 2015))  # four years, then five
    top = involving[involving["year"] == latest].nlargest(5, "migrant_stock_total")
    assert list(zip(got["origin_iso3"], got["destination_iso3"])) == \
        list(zip(top["origin_iso3"], top["destination_iso3"]))
    assert list(got["persons"]) == list(top["migrant_stock_total"])
    values = involving.set_index(["year", "origin_iso3", "destination_iso3"])["migrant_stock_total"]
    for row in got.itertuples():
        assert row.previous_year == before
        assert row.previous_persons == values[(before, row.origin_iso3, row.destination_iso3)]
        assert row.first_persons == values[(years[0], row.origin_iso3, row.destination_iso3)]


def test_remittance_share_keeps_reported_years_only(run):
    wdi = pd.read_csv(DEFAULT_RAW_DIR / "wdi_wpp_indicators_1990_2023.csv")
    wdi["remittances_pct_gdp_computed"] = 100 * wdi["remittances_received_usd"] / wdi["gdp_usd"]
    want = wdi[wdi["iso3"].isin(["KGZ", "UZB", "TKM"]) & (wdi["year"] >= 2000)
               & wdi["remittances_pct_gdp_computed"].notna()]
    got = run(q.remittance_share, ("KGZ", "UZB", "TKM"), 2000)
    assert len(got) == len(want)
    assert dict(zip(zip(got["iso3"], got["year"]), got["remittances_pct_gdp"])) == \
        pytest.approx(dict(zip(zip(want["iso3"], want["year"]), want["remittances_pct_gdp_computed"])))
    # Turkmenistan's zeros mean "not reported": they were blanked, so no year from 2005 on appears.
    turkmen = got[got["iso3"] == "TKM"]
    assert turkmen.empty or turkmen["year"].max() < 2005


def test_latest_stranded_figure_per_state_and_kind(run, stranded):
    groups = run(q.stranded_reports, MEMBERS)[["indicator", "indicator_group"]].drop_duplicates()
    kind_of = {i: ("waiting" if g in ("stranded", "registered") else "home")
               for i, g in zip(groups["indicator"], groups["indicator_group"])}
    frame = stranded[stranded["nationality_iso3"].isin(MEMBERS) & stranded["indicator"].isin(kind_of)].copy()
    frame["kind"] = frame["indicator"].map(kind_of)
    frame["whole"] = frame["location_iso3"] == ""
    frame = frame.sort_values(["whole", "as_of", "value", "record_id"], ascending=[False, False, False, True],
                              na_position="last")
    want = frame.groupby(["nationality_iso3", "kind"]).head(1)
    got = run(q.latest_stranded, MEMBERS)
    assert dict(zip(zip(got["nationality_iso3"], got["kind"]), got["record_id"])) == \
        dict(zip(zip(want["nationality_iso3"], want["kind"]), want["record_id"]))


def test_latest_figure_keeps_its_qualifier_and_its_predecessor(run, stranded):
    got = run(q.latest_stranded, MEMBERS).set_index(["nationality_iso3", "kind"])
    kyrgyz = got.loc[("KGZ", "home")]
    series = stranded[(stranded["nationality_iso3"] == "KGZ") & (stranded["indicator"] == kyrgyz["indicator"])
                      & (stranded["location_iso3"] == kyrgyz["location_iso3"])].sort_values("as_of")
    assert kyrgyz["value"] == series.iloc[-1]["value"]
    assert kyrgyz["previous_value"] == series.iloc[-2]["value"]
    assert kyrgyz["qualifier"] == "at least"
    assert kyrgyz["reports"] == len(series)


def test_the_worldwide_figure_is_never_a_sum(run, stranded):
    got = run(q.latest_figure, "migrants_stranded")
    rows = stranded[stranded["indicator"] == "migrants_stranded"].sort_values("as_of")
    assert len(got) == 1
    assert got.iloc[0]["value"] == rows.iloc[-1]["value"]
    assert got.iloc[0]["qualifier"] == "at least"


def test_stranded_reports_number_each_series(run, stranded):
    got = run(q.stranded_reports, MEMBERS, ("repatriated", "returned"))
    turkish = got[(got["nationality_iso3"] == "TUR") & (got["indicator"] == "citizens_repatriated")
                  & got["location_iso3"].isna()]
    want = stranded[(stranded["nationality_iso3"] == "TUR") & (stranded["indicator"] == "citizens_repatriated")
                    & (stranded["location_iso3"] == "")].sort_values("as_of")
    assert list(turkish.sort_values("report")["value"]) == list(want["value"])
    assert turkish["is_latest"].sum() == 1
    assert turkish.loc[turkish["is_latest"], "value"].iloc[0] == want.iloc[-1]["value"]


def test_sources_of_the_briefing_tables(run):
    got = run(q.sources, ("migrant_stock", "country_indicators", "reported_figures"))
    assert set(got["table_name"]) == {"migrant_stock", "country_indicators", "reported_figures"}
    assert got["licence"].notna().all()
    editions = dict(zip(got["table_name"], got["edition"]))
    assert (editions["migrant_stock"], editions["country_indicators"]) == ("ims2024", "wdi2025")
    assert pd.isna(editions["reported_figures"])  # the project's own records have no editions
