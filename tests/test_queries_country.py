"""Queries of the Country profiles page, checked against the raw files."""
import pandas as pd
import pytest

from app.cached import run_uncached
from app.countries import OTS_STATES
from app.queries import country as q
from app.queries import measures
from etl.build import DEFAULT_RAW_DIR


def raw(name: str) -> pd.DataFrame:
    return pd.read_csv(DEFAULT_RAW_DIR / name)


def test_stock_over_time_by_sex_matches_the_un_totals(app_env):
    totals = raw("un_desa_ims2020_country_totals.csv")
    totals = totals[totals["iso3"] == "KGZ"].set_index("year")
    stock = run_uncached(q.stock_over_time, "KGZ")
    assert sorted(stock["year"].unique()) == sorted(totals.index)
    for row in stock.itertuples():
        suffix = {"total": "total", "male": "male", "female": "female"}[row.sex]
        assert row.immigrants == totals.loc[row.year, f"immigrant_stock_{suffix}"], (row.year, row.sex)
        assert row.emigrants == totals.loc[row.year, f"emigrant_stock_{suffix}"], (row.year, row.sex)


def test_top_origins_and_destinations_with_shares(app_env):
    bilateral = raw("un_desa_ims2020_bilateral_stock_ots.csv")
    totals = raw("un_desa_ims2020_country_totals.csv").set_index(["iso3", "year"])
    origins = run_uncached(q.top_partners, "KGZ", 2020, "origins", 5)
    expected = bilateral[(bilateral["destination_iso3"] == "KGZ") & (bilateral["year"] == 2020)]
    expected = expected.sort_values("migrant_stock_total", ascending=False).head(5)
    assert origins["partner_iso3"].tolist() == expected["origin_iso3"].tolist()
    assert origins["persons"].tolist() == expected["migrant_stock_total"].tolist()
    assert origins["share_pct"].iloc[0] == pytest.approx(
        100 * expected["migrant_stock_total"].iloc[0] / totals.loc[("KGZ", 2020), "immigrant_stock_total"])
    destinations = run_uncached(q.top_partners, "UZB", 2000, "destinations", 3)
    expected = bilateral[(bilateral["origin_iso3"] == "UZB") & (bilateral["year"] == 2000)]
    assert destinations["partner_iso3"].tolist() == expected.nlargest(3, "migrant_stock_total")["destination_iso3"].tolist()


def test_outside_the_ots_only_corridors_with_ots_states_exist(app_env):
    destinations = run_uncached(q.top_partners, "DEU", 2020, "destinations", 10)
    assert set(destinations["partner_iso3"]) <= set(OTS_STATES)


def test_corridors_with_the_states_each_way(app_env):
    stock = raw("un_desa_ims2020_bilateral_stock_ots.csv")
    flows = raw("abel_cohen_flows_da_pb_closed_ots.csv")
    money = raw("wb_bilateral_remittances_2017_ots.csv")
    corridors = run_uncached(q.corridors_with_states, "KGZ", OTS_STATES, 2020).set_index("partner_iso3")
    assert list(corridors.index) == [c for c in OTS_STATES if c != "KGZ"]
    kaz = corridors.loc["KAZ"]

    def one(frame, **where):
        for column, value in where.items():
            frame = frame[frame[column] == value]
        assert len(frame) == 1
        return frame.iloc[0]

    assert kaz["emigrants_there"] == one(stock, origin_iso3="KGZ", destination_iso3="KAZ", year=2020)["migrant_stock_total"]
    assert kaz["immigrants_from_there"] == one(stock, origin_iso3="KAZ", destination_iso3="KGZ",
                                               year=2020)["migrant_stock_total"]
    last = flows["period_start"].max()
    assert (kaz["period_start"], kaz["period_end"]) == (last, last + 5)
    assert kaz["moved_there"] == one(flows, origin_iso3="KGZ", destination_iso3="KAZ", period_start=last)["flow_total"]
    assert kaz["remittances_received_from_there"] == pytest.approx(
        one(money, sending_iso3="KAZ", receiving_iso3="KGZ")["remittances_usd_million"])
    # a pair the UN matrix never records stays empty, never 0
    hun = corridors.loc["HUN"]
    assert stock[(stock["origin_iso3"] == "HUN") & (stock["destination_iso3"] == "KGZ")].empty
    assert pd.isna(hun["immigrants_from_there"])


def test_reported_figures_on_a_country_are_every_row_naming_it(app_env):
    rows = pd.concat([raw("covid19_stranded_repatriation_figures_2020.csv"), raw("labour_migration_figures.csv")])
    mine = rows[(rows["nationality_iso3"] == "KGZ") | (rows["location_iso3"] == "KGZ")]
    figures = run_uncached(q.reported_figures_for, "KGZ")
    assert sorted(figures["record_id"]) == sorted(mine["record_id"])
    assert set(figures["topic"]) == {"stranded", "labour"}
    kazakhstan = run_uncached(q.reported_figures_for, "KAZ")
    assert {"KAZ-01", "LAB-14", "LAB-07"} <= set(kazakhstan["record_id"])  # as nationality and as location


def test_facts_with_their_years(app_env):
    wdi = raw("wdi_remittances_gdp_refugees_1990_2022.csv")
    totals = raw("wb_remittances_2017_country_totals.csv").set_index("iso3")
    facts = run_uncached(q.country_facts, "TKM").iloc[0]
    refugees = wdi[(wdi["iso3"] == "TKM")].dropna(subset=["refugee_population_by_origin"]).iloc[-1]
    assert (facts["refugees_year"], facts["refugees_by_origin"]) == (refugees["year"],
                                                                     refugees["refugee_population_by_origin"])
    assert facts["inflows_usd_million"] == pytest.approx(totals.loc["TKM", "remittance_inflows_usd_million"])
    assert (facts["stock_year"], facts["ots_status"]) == (2020, "observer")


def test_coverage_is_zero_for_a_country_without_data(app_env):
    assert run_uncached(q.data_coverage, "KGZ").iloc[0].sum() > 0
    assert run_uncached(q.data_coverage, "ATA").iloc[0].sum() == 0


def test_current_status_per_measure_is_the_latest_row(app_env):
    history = raw("measure_status.csv")
    history = history[history["country_iso3"] == "KGZ"].sort_values(["as_of", "recorded_at"])
    latest = history.groupby("measure_id").tail(1).set_index("measure_id")["status"]
    current = run_uncached(measures.current_status)
    mine = current[current["country_iso3"] == "KGZ"].set_index("measure_id")["status"]
    assert mine.sort_index().to_dict() == latest.sort_index().to_dict()
