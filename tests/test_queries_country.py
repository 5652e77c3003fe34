"""Queries of the Country profiles page, checked against the raw files."""
import pandas as pd
import pytest

from app.cached import run_uncached
from app.countries import OTS_STATES
from app.queries import country as q
from app.queries import measures
from etl.build import DEFAULT_RAW_DIR


def raw(name: str) -> pd.DataFrame:
    return pd.read_csv(DEFAULT_RAW_DIR / name, keep_default_na=False, na_values=[""])


def stock_2024() -> pd.DataFrame:
    """The 2024 edition's matrix, both sexes (women + men) per pair and year."""
    stock = raw("un_desa_ims2024_bilateral_stock.csv")
    return stock.groupby(["year", "origin_iso3", "destination_iso3"], as_index=False)["persons"].sum()


def test_stock_over_time_by_sex_matches_the_un_totals(app_env):
    stock_raw = raw("un_desa_ims2024_bilateral_stock.csv")
    stock = run_uncached(q.stock_over_time, "KGZ")
    assert sorted(stock["year"].unique()) == sorted(stock_raw["year"].unique())  # 1990 … 2020, 2024
    for row in stock.itertuples():
        sexes = ["female", "male"] if row.sex == "total" else [row.sex]
        mine = stock_raw[(stock_raw["year"] == row.year) & stock_raw["sex"].isin(sexes)]
        assert row.immigrants == mine.loc[mine["destination_iso3"] == "KGZ", "persons"].sum(), (row.year, row.sex)
        assert row.emigrants == mine.loc[mine["origin_iso3"] == "KGZ", "persons"].sum(), (row.year, row.sex)


def test_stock_over_time_of_the_previous_edition_matches_its_un_totals(app_env):
    totals = raw("un_desa_ims2020_country_totals.csv")
    totals = totals[totals["iso3"] == "KAZ"].set_index("year")
    stock = run_uncached(q.stock_over_time, "KAZ", "ims2020")
    assert sorted(stock["year"].unique()) == sorted(totals.index)
    for row in stock.itertuples():
        assert row.immigrants == totals.loc[row.year, f"immigrant_stock_{row.sex}"], (row.year, row.sex)
        assert row.emigrants == totals.loc[row.year, f"emigrant_stock_{row.sex}"], (row.year, row.sex)
    # never mixed: the 2020 figure of each edition, as each edition gives it
    latest = run_uncached(q.stock_over_time, "KAZ").query("sex == 'total'").set_index("year")
    assert (stock.query("sex == 'total'").set_index("year").loc[2020, "immigrants"],
            latest.loc[2020, "immigrants"]) == (3_732_073, 1_990_268)


def test_top_origins_and_destinations_with_shares(app_env):
    bilateral = stock_2024()
    origins = run_uncached(q.top_partners, "KGZ", 2024, "origins", 5)
    expected = bilateral[(bilateral["destination_iso3"] == "KGZ") & (bilateral["year"] == 2024)]
    total = expected["persons"].sum()  # the UN's total: every origin, "other or unknown" included
    expected = expected.sort_values("persons", ascending=False).head(5)
    assert origins["partner_iso3"].tolist() == expected["origin_iso3"].tolist()
    assert origins["persons"].tolist() == expected["persons"].tolist()
    assert origins["share_pct"].iloc[0] == pytest.approx(100 * expected["persons"].iloc[0] / total)
    destinations = run_uncached(q.top_partners, "UZB", 2000, "destinations", 3)
    expected = bilateral[(bilateral["origin_iso3"] == "UZB") & (bilateral["year"] == 2000)]
    assert destinations["partner_iso3"].tolist() == expected.nlargest(3, "persons")["destination_iso3"].tolist()


def test_in_the_previous_edition_outside_the_ots_only_corridors_with_ots_states_exist(app_env):
    destinations = run_uncached(q.top_partners, "DEU", 2020, "destinations", 10, "ims2020")
    assert set(destinations["partner_iso3"]) <= set(OTS_STATES)
    # the latest edition holds the world
    assert not set(run_uncached(q.top_partners, "DEU", 2020, "destinations", 10)["partner_iso3"]) <= set(OTS_STATES)


def test_corridors_with_the_states_each_way(app_env):
    stock = stock_2024().rename(columns={"persons": "migrant_stock_total"})
    flows = raw("abel_cohen_flows_da_pb_closed_ots.csv")
    money = raw("knomad_bilateral_remittances_2021.csv").rename(columns={"usd_million": "remittances_usd_million"})
    corridors = run_uncached(q.corridors_with_states, "KGZ", OTS_STATES, 2024).set_index("partner_iso3")
    assert list(corridors.index) == [c for c in OTS_STATES if c != "KGZ"]
    kaz = corridors.loc["KAZ"]

    def one(frame, **where):
        for column, value in where.items():
            frame = frame[frame[column] == value]
        assert len(frame) == 1
        return frame.iloc[0]

    assert kaz["emigrants_there"] == one(stock, origin_iso3="KGZ", destination_iso3="KAZ", year=2024)["migrant_stock_total"]
    assert kaz["immigrants_from_there"] == one(stock, origin_iso3="KAZ", destination_iso3="KGZ",
                                               year=2024)["migrant_stock_total"]
    last = flows["period_start"].max()
    assert (kaz["period_start"], kaz["period_end"]) == (last, last + 5)
    assert kaz["moved_there"] == one(flows, origin_iso3="KGZ", destination_iso3="KAZ", period_start=last)["flow_total"]
    assert kaz["remittances_received_from_there"] == pytest.approx(
        one(money, sending_iso3="KAZ", receiving_iso3="KGZ")["remittances_usd_million"])
    assert kaz["remittance_year"] == 2021
    # a pair the UN matrix does not record that year stays empty, never 0
    hun = corridors.loc["HUN"]
    assert stock[(stock["origin_iso3"] == "HUN") & (stock["destination_iso3"] == "KGZ") & (stock["year"] == 2024)].empty
    assert pd.isna(hun["immigrants_from_there"])


def test_corridors_with_the_states_in_the_previous_editions(app_env):
    stock = raw("un_desa_ims2020_bilateral_stock_ots.csv")
    money = raw("wb_bilateral_remittances_2017_ots.csv")
    corridors = run_uncached(q.corridors_with_states, "KGZ", OTS_STATES, 2020, "ims2020",
                             "knomad2017").set_index("partner_iso3")
    kaz = corridors.loc["KAZ"]
    row = stock[(stock["origin_iso3"] == "KGZ") & (stock["destination_iso3"] == "KAZ") & (stock["year"] == 2020)]
    assert kaz["emigrants_there"] == row["migrant_stock_total"].iloc[0]
    sent = money[(money["sending_iso3"] == "KAZ") & (money["receiving_iso3"] == "KGZ")]
    assert kaz["remittances_received_from_there"] == pytest.approx(sent["remittances_usd_million"].iloc[0])
    assert kaz["remittance_year"] == 2017


def test_reported_figures_on_a_country_are_every_row_naming_it(app_env):
    rows = pd.concat([raw("covid19_stranded_repatriation_figures_2020.csv"), raw("labour_migration_figures.csv")])
    mine = rows[(rows["nationality_iso3"] == "KGZ") | (rows["location_iso3"] == "KGZ")]
    figures = run_uncached(q.reported_figures_for, "KGZ")
    assert sorted(figures["record_id"]) == sorted(mine["record_id"])
    assert set(figures["topic"]) == {"stranded", "labour"}
    kazakhstan = run_uncached(q.reported_figures_for, "KAZ")
    assert {"KAZ-01", "LAB-14", "LAB-07"} <= set(kazakhstan["record_id"])  # as nationality and as location


def test_facts_with_their_years(app_env):
    displaced = raw("unhcr_forcibly_displaced_1990_2024.csv")
    refugees = displaced[displaced["population_type"] == "refugee"]
    money = raw("knomad_bilateral_remittances_2021.csv")
    facts = run_uncached(q.country_facts, "TUR").iloc[0]
    assert (facts["refugees_year"], bool(facts["refugees_provisional"])) == (2024, True)
    latest = refugees[refugees["year"] == 2024]
    assert facts["refugees_hosted"] == latest.loc[latest["asylum_iso3"] == "TUR", "persons"].sum()
    assert facts["refugees_from"] == latest.loc[latest["origin_iso3"] == "TUR", "persons"].sum()
    assert facts["inflows_usd_million"] == pytest.approx(money.loc[money["receiving_iso3"] == "TUR",
                                                                   "usd_million"].sum())
    assert (facts["estimates_year"], facts["estimates_edition"]) == (2021, "knomad2021")
    assert (facts["stock_year"], facts["stock_edition"], facts["ots_status"]) == (2024, "ims2024", "member")
    assert bool(facts["refugees_added"]) is True  # the UN added refugees to Türkiye's count
    previous = run_uncached(q.country_facts, "TKM", "ims2020", "knomad2017").iloc[0]
    totals = raw("wb_remittances_2017_country_totals.csv").set_index("iso3")
    assert previous["inflows_usd_million"] == pytest.approx(totals.loc["TKM", "remittance_inflows_usd_million"])
    assert (previous["stock_year"], previous["estimates_year"]) == (2020, 2017)
    assert pd.isna(previous["refugees_added"])  # the 2020 copy has no data types


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
