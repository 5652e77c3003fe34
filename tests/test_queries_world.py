"""The figures a world map reads, per country and year, and the refugee queries, checked against the raw files."""
from __future__ import annotations

import pandas as pd
import pytest

from app.cached import run_uncached
from app.queries import refugees, world
from etl.build import DEFAULT_RAW_DIR


def raw(name: str) -> pd.DataFrame:
    return pd.read_csv(DEFAULT_RAW_DIR / name, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def stock() -> pd.DataFrame:
    frame = raw("un_desa_ims2024_bilateral_stock.csv")
    return frame.replace({"origin_iso3": {"XCX": "CHI"}, "destination_iso3": {"XCX": "CHI"}})


@pytest.fixture(scope="module")
def wdi() -> pd.DataFrame:
    return raw("wdi_wpp_indicators_1990_2023.csv")


def by_country(indicator: str, year: int, edition=None) -> pd.DataFrame:
    return run_uncached(world.indicator_by_country, indicator, year, edition).set_index("iso3")


def test_immigrants_and_emigrants_of_every_country_in_2024(app_env, stock):
    immigrants = by_country("immigrants", 2024)
    assert immigrants.loc["RUS", "value"] == 7_605_774
    assert immigrants["value"].sum() == 304_021_813  # every migrant counted once, where they live
    assert set(immigrants["edition"]) == {"ims2024"}
    assert immigrants.loc["RUS", "short_source"] == "UN DESA, International Migrant Stock 2024"
    assert bool(immigrants.loc["RUS", "refugees_added"]) and not bool(immigrants.loc["RUS", "basis_citizenship"])
    emigrants = by_country("emigrants", 2024)
    expected = stock[(stock["year"] == 2024) & (stock["origin_iso3"] == "KAZ")]["persons"].sum()
    assert emigrants.loc["KAZ", "value"] == expected
    # codes that are not places are never a country of the map
    assert "OOO" not in emigrants.index and "OOO" not in immigrants.index


def test_the_previous_edition_of_the_same_indicator(app_env):
    assert by_country("immigrants", 2020, "ims2020").loc["RUS", "value"] == 11_636_911
    assert by_country("immigrants", 2020).loc["RUS", "value"] == 7_297_611
    assert list(run_uncached(world.indicator_years, "immigrants", "ims2020")["year"])[-1] == 2020
    assert list(run_uncached(world.indicator_years, "immigrants")["year"])[-2:] == [2020, 2024]


def test_immigrants_as_a_share_of_the_population_say_which_population_year(app_env, stock, wdi):
    share = by_country("immigrant_share", 2020)
    population = wdi[(wdi["iso3"] == "KAZ") & (wdi["year"] == 2020)]["population"].iloc[0]
    assert share.loc["KAZ", "value"] == pytest.approx(100 * 1_990_268 / population)
    assert share.loc["KAZ", "population_year"] == 2020 and share.loc["KAZ", "population_edition"] == "wdi2025"
    # 2024 stocks, the population ends in 2023: the latest earlier year is used and named
    latest = by_country("immigrant_share", 2024)
    population = wdi[(wdi["iso3"] == "KAZ") & (wdi["year"] == 2023)]["population"].iloc[0]
    assert latest.loc["KAZ", "value"] == pytest.approx(100 * 2_089_797 / population)
    assert latest.loc["KAZ", "population_year"] == 2023


def test_net_migration_and_remittances_with_gaps_as_gaps(app_env, wdi):
    net = by_country("net_migration", 2023)
    row = wdi[(wdi["iso3"] == "KGZ") & (wdi["year"] == 2023)].iloc[0]
    assert net.loc["KGZ", "value"] == row["net_migration"]
    assert (net["value"] < 0).any()  # more left than came: negative, kept
    received = by_country("remittances_received", 2023)
    assert received.loc["KGZ", "value"] == pytest.approx(2.85e9)
    assert "TKM" not in received.index  # not reported: no row, never 0
    share = by_country("remittances_share_gdp", 2023)
    assert round(share.loc["KGZ", "value"], 1) == 20.4
    assert set(share["edition"]) == {"wdi2025"}
    assert by_country("remittances_share_gdp", 2022, "wdi2023").loc["KGZ", "edition"] == "wdi2023"


def test_refugees_hosted_per_country_mark_the_provisional_year(app_env):
    hosted = by_country("refugees_hosted", 2024)
    displaced = raw("unhcr_forcibly_displaced_1990_2024.csv")
    turkey = displaced[(displaced["year"] == 2024) & (displaced["asylum_iso3"] == "TUR")
                       & (displaced["population_type"] == "refugee")]["persons"].sum()
    assert hosted.loc["TUR", "value"] == turkey
    assert hosted["provisional"].all()
    assert not by_country("refugees_hosted", 2023)["provisional"].any()
    assert "OOO" not in hosted.index


def test_an_unknown_indicator_is_refused(app_env):
    with pytest.raises(ValueError):
        run_uncached(world.indicator_by_country, "immigrants; DROP TABLE countries", 2024)


def test_refugees_hosted_by_turkiye_and_from_it(app_env):
    over_time = run_uncached(refugees.refugees_over_time, "TUR").set_index("year")
    displaced = raw("unhcr_forcibly_displaced_1990_2024.csv")
    hosted = displaced[(displaced["asylum_iso3"] == "TUR") & (displaced["population_type"] == "refugee")]
    assert over_time.loc[2023, "hosted"] == hosted[hosted["year"] == 2023]["persons"].sum()
    assert bool(over_time.loc[2024, "provisional"]) and not bool(over_time.loc[2023, "provisional"])
    origins = run_uncached(refugees.refugees_by_partner, "TUR", "hosted", 2023, 3)
    assert list(origins["partner_iso3"])[0] == "SYR" and origins["persons"].iloc[0] == 3_214_780
    assert origins["share_pct"].iloc[0] == pytest.approx(100 * 3_214_780 / over_time.loc[2023, "hosted"])
    asylum = run_uncached(refugees.refugees_by_partner, "SYR", "from", 2024, 3)
    assert "TUR" in set(asylum["partner_iso3"]) and asylum["provisional"].all()
    with pytest.raises(ValueError):
        run_uncached(refugees.refugees_by_partner, "TUR", "sideways", 2024)


def test_a_remittance_of_zero_is_no_figure(app_env, wdi):
    # The October 2023 vintage's copy writes 0 where WDI has no figure (Singapore 2005-2022): not reported, no row.
    received = by_country("remittances_received", 2020, "wdi2023")
    assert "SGP" not in received.index and "SYR" not in received.index
    assert (received["value"] > 0).all()
    share = by_country("remittances_share_gdp", 2020, "wdi2023")
    assert "SGP" not in share.index and (share["value"] > 0).all()
    # net migration of 0 is WPP's estimate, kept
    assert 0 in set(by_country("net_migration", 2020)["value"])


def test_the_countries_each_data_set_covers(app_env, stock):
    covered = {indicator: set(run_uncached(world.indicator_countries, indicator)["iso3"])
               for indicator in world.INDICATORS}
    # Turkmenistan is in the World Bank's data (its population, its net migration) with no remittance: "not
    # reported", not "not covered"
    assert "TKM" in covered["remittances_received"]
    assert "TKM" not in set(by_country("remittances_received", 2023).index)
    assert covered["immigrants"] == set(stock["destination_iso3"]) - {"OOO"}
    assert "OOO" not in covered["refugees_hosted"] and "TUR" in covered["refugees_hosted"]
    assert covered["immigrants"] == covered["emigrants"] == covered["immigrant_share"]
    assert len(run_uncached(world.indicator_countries, "immigrants", "ims2020")) == 232


def test_each_indicator_names_its_data_set(app_env):
    assert [world.dataset_of(i) for i in world.INDICATORS] == ["un_desa_ims"] * 3 + ["wdi"] * 3 + ["unhcr"]
    with pytest.raises(ValueError):
        world.dataset_of("population")
