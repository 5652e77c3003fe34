"""Queries of the Labour migration and remittances page, checked against the raw files (the latest editions by
default: WDI to 2023 and the 2021 remittance matrix; the previous ones where asked)."""
import math

import pandas as pd
import pytest

from app.cached import run_uncached
from app.countries import OTS_STATES
from app.queries import labour as q
from etl.build import DEFAULT_RAW_DIR


@pytest.fixture(scope="module")
def wdi() -> pd.DataFrame:
    """The latest vintage, with the share of GDP computed on its own figures as the build does."""
    frame = pd.read_csv(DEFAULT_RAW_DIR / "wdi_wpp_indicators_1990_2023.csv")
    frame["remittances_pct_gdp_computed"] = 100 * frame["remittances_received_usd"] / frame["gdp_usd"]
    return frame


@pytest.fixture(scope="module")
def bilateral() -> pd.DataFrame:
    return pd.read_csv(DEFAULT_RAW_DIR / "knomad_bilateral_remittances_2021.csv").rename(
        columns={"usd_million": "remittances_usd_million"})


def test_kyrgyz_remittances_2023_are_2_85_billion_and_20_4_percent_of_gdp(app_env, wdi):
    series = run_uncached(q.remittances_over_time, ("KGZ",))
    got = series.loc[series["year"] == 2023].iloc[0]
    raw = wdi[(wdi["iso3"] == "KGZ") & (wdi["year"] == 2023)].iloc[0]
    assert got["remittances_pct_gdp"] == pytest.approx(raw["remittances_pct_gdp_computed"])
    assert round(got["remittances_pct_gdp"], 1) == 20.4
    assert got["remittances_received_usd"] == pytest.approx(raw["remittances_received_usd"]) == 2.85e9


def test_the_previous_vintage_keeps_its_own_share(app_env):
    previous = pd.read_csv(DEFAULT_RAW_DIR / "wdi_remittances_gdp_refugees_1990_2022.csv")
    series = run_uncached(q.remittances_over_time, ("KGZ",), "wdi2023")
    got = series.loc[series["year"] == 2020].iloc[0]
    raw = previous[(previous["iso3"] == "KGZ") & (previous["year"] == 2020)].iloc[0]
    assert round(got["remittances_pct_gdp"], 1) == round(raw["remittances_pct_gdp_computed"], 1) == 31.1
    assert series["year"].max() == 2022
    # the same year in the latest vintage, revised: never mixed into this series
    latest = run_uncached(q.remittances_over_time, ("KGZ",)).set_index("year")
    assert round(latest.loc[2020, "remittances_pct_gdp"], 1) != 31.1


def test_turkmenistan_remittances_are_not_reported_never_zero(app_env, wdi):
    series = run_uncached(q.remittances_over_time, ("TKM",))
    raw = wdi[wdi["iso3"] == "TKM"].set_index("year")
    recent = series[series["year"] >= 2005]
    assert recent["remittances_received_usd"].isna().all()
    assert recent["remittances_pct_gdp"].isna().all()
    assert raw.loc[2005:2023, "remittances_received_usd"].isna().all()
    assert not (series["remittances_received_usd"] == 0).any()
    latest = run_uncached(q.latest_remittances, ("TKM", "KGZ")).set_index("iso3")
    assert latest.loc["TKM", "year"] == raw["remittances_received_usd"].last_valid_index() == 1996
    assert latest.loc["KGZ", "year"] == 2023
    assert run_uncached(q.latest_remittances, ("KGZ",), "wdi2023").iloc[0]["year"] == 2022


def test_every_year_is_there_so_gaps_stay_gaps(app_env, wdi):
    series = run_uncached(q.remittances_over_time, OTS_STATES)
    years = sorted(wdi["year"].unique())
    assert len(series) == len(OTS_STATES) * len(years)
    assert list(dict.fromkeys(series["iso3"])) == list(OTS_STATES)  # in the order asked
    for code, rows in series.groupby("iso3"):
        raw = wdi[wdi["iso3"] == code].set_index("year")["remittances_received_usd"].reindex(years)
        mine = rows.set_index("year")["remittances_received_usd"]
        assert ((mine.isna() & raw.isna()) | (mine == raw)).all(), code


def test_most_dependent_economies_rank_as_the_raw_file(app_env, wdi):
    year = int(wdi.dropna(subset=["remittances_pct_gdp_computed"])["year"].max())
    ranked = run_uncached(q.most_dependent_economies, year, 10, OTS_STATES)
    raw = wdi[(wdi["year"] == year)].dropna(subset=["remittances_pct_gdp_computed"])
    raw = raw.sort_values("remittances_pct_gdp_computed", ascending=False).reset_index(drop=True)
    assert ranked["iso3"].head(10).tolist() == raw["iso3"].head(10).tolist()
    raw["rank"] = raw["remittances_pct_gdp_computed"].rank(method="min", ascending=False)
    for code in set(OTS_STATES) - {"TKM"}:
        expected_rank = int(raw.loc[raw["iso3"] == code, "rank"].iloc[0])
        assert ranked.set_index("iso3").loc[code, "world_rank"] == expected_rank, code
    assert "TKM" not in set(ranked["iso3"])  # no share that year: not ranked, not ranked last
    assert ranked["ranked_economies"].iloc[0] == len(raw)


@pytest.mark.parametrize("edition, amount", [(None, 9197.526465), ("knomad2017", None)])
def test_uzbek_inflow_is_entirely_from_russia_as_in_the_estimates(app_env, bilateral, edition, amount):
    corridors = run_uncached(q.remittance_corridors, "UZB", "received", edition)
    if edition is not None:
        bilateral = pd.read_csv(DEFAULT_RAW_DIR / "wb_bilateral_remittances_2017_ots.csv")
    raw = bilateral[bilateral["receiving_iso3"] == "UZB"]
    assert corridors["partner_iso3"].tolist() == raw["sending_iso3"].tolist() == ["RUS"]
    assert corridors["usd_million"].iloc[0] == pytest.approx(raw["remittances_usd_million"].iloc[0])
    assert corridors["share_pct"].iloc[0] == pytest.approx(100)
    assert amount is None or corridors["usd_million"].iloc[0] == pytest.approx(amount)
    assert set(corridors["year"]) == {2021 if edition is None else 2017}


def test_kyrgyz_corridors_and_shares(app_env, bilateral):
    corridors = run_uncached(q.remittance_corridors, "KGZ", "received")
    raw = bilateral[bilateral["receiving_iso3"] == "KGZ"].sort_values("remittances_usd_million", ascending=False)
    assert corridors["partner_iso3"].head(3).tolist() == raw["sending_iso3"].head(3).tolist()
    assert corridors["share_pct"].sum() == pytest.approx(100)
    russia = corridors.set_index("partner_iso3").loc["RUS"]
    assert russia["share_pct"] == pytest.approx(100 * raw.iloc[0]["remittances_usd_million"]
                                                / raw["remittances_usd_million"].sum())
    sent = run_uncached(q.remittance_corridors, "KAZ", "sent")
    raw_sent = bilateral[bilateral["sending_iso3"] == "KAZ"]
    assert sorted(sent["partner_iso3"]) == sorted(raw_sent.loc[raw_sent["remittances_usd_million"] > 0,
                                                              "receiving_iso3"])


def test_sankey_rows_add_up_to_each_receivers_total(app_env, bilateral):
    flows = run_uncached(q.corridors_into, OTS_STATES, 5)
    for code, rows in flows.groupby("receiving_iso3"):
        raw = bilateral[bilateral["receiving_iso3"] == code]
        assert rows["usd_million"].sum() == pytest.approx(raw["remittances_usd_million"].sum())
        assert rows["corridors"].sum() == len(raw)
        assert rows["sending_iso3"].notna().sum() == min(5, len(raw))


def test_labour_figures_match_the_raw_file(app_env):
    raw = pd.read_csv(DEFAULT_RAW_DIR / "labour_migration_figures.csv").set_index("record_id")
    entries = run_uncached(q.labour_figures, ("entries",)).set_index("record_id")
    assert set(entries.index) == set(raw[raw["indicator"].str.startswith("entries_for")].index)
    assert entries.loc["LAB-01", "value"] == raw.loc["LAB-01", "value"] == 3054180
    assert entries.loc["LAB-08", "qualifier"] == "about"
    assert set(entries["unit_base"]) == {"entries"}
    everything = run_uncached(q.labour_figures, ())
    assert len(everything) == len(raw)
    kinds = run_uncached(q.labour_groups).set_index("indicator_group")["figures"]
    assert kinds.sum() == len(raw) and set(kinds.index) == {"entries", "permits", "workers", "returned"}


def test_no_figure_is_rounded_or_scaled(app_env, wdi):
    series = run_uncached(q.remittances_over_time, ("UZB",)).dropna(subset=["remittances_received_usd"])
    raw = wdi[wdi["iso3"] == "UZB"].set_index("year")["remittances_received_usd"]
    for row in series.itertuples():
        assert math.isclose(row.remittances_received_usd, raw[row.year])
