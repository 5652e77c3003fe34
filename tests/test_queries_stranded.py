"""Queries of the Stranded citizens page, checked against the raw file they come from."""
from datetime import date

import pandas as pd
import pytest

from app.cached import run_uncached
from app.queries import stranded as q
from etl.build import DEFAULT_RAW_DIR

RAW = DEFAULT_RAW_DIR / "covid19_stranded_repatriation_figures_2020.csv"
ALL_GROUPS = ("stranded", "registered", "repatriated", "returned", "context")


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    frame = pd.read_csv(RAW, dtype={"nationality_iso3": "string", "location_iso3": "string"})
    for column in ("period_start", "period_end", "source_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["as_of"] = frame["period_end"].fillna(frame["source_date"])
    return frame


def test_uzbek_figures_by_date_match_the_raw_file(app_env, raw):
    figures = run_uncached(q.stranded_figures, "UZB", None, ALL_GROUPS)
    expected = raw[raw["nationality_iso3"] == "UZB"]
    assert sorted(figures["record_id"]) == sorted(expected["record_id"])
    merged = figures.merge(expected, on="record_id", suffixes=("", "_raw"))
    assert (merged["value"] == merged["value_raw"]).all()
    assert (pd.to_datetime(merged["as_of"]) == merged["as_of_raw"]).all()
    # The timeline's order is by date: the embassy list of 12 May comes before the flights of July.
    dated = figures.dropna(subset=["as_of"])
    assert list(dated["as_of"]) == sorted(dated["as_of"])
    registered = figures[figures["indicator_group"] == "registered"]
    assert set(registered["value"]) == {55000.0, 10000.0}
    assert set(pd.to_datetime(registered["as_of"]).dt.date) == {date(2020, 5, 12)}


def test_qualifiers_come_through_unchanged(app_env, raw):
    figures = run_uncached(q.stranded_figures, None, None, ALL_GROUPS).set_index("record_id")
    units = raw.set_index("record_id")["unit"]
    for record_id, row in figures.iterrows():
        expected = units[record_id].partition("(")[2].rstrip(")") or None
        assert (row["qualifier"] if isinstance(row["qualifier"], str) else None) == expected, record_id
    assert figures.loc["KGZ-05", "qualifier"] == "at least"


def test_global_figures_are_the_rows_without_nationality_or_place(app_env, raw):
    world = run_uncached(q.global_stranded_figures)
    expected = raw[raw["nationality_iso3"].isna() & raw["location_iso3"].isna()]
    assert sorted(world["record_id"]) == sorted(expected["record_id"])
    top = world.iloc[0]
    assert (top["record_id"], top["value"], top["qualifier"]) == ("GLB-01", 2_750_000, "at least")


def test_latest_figure_per_pair_is_the_latest_date_never_a_sum(app_env, raw):
    latest = run_uncached(q.latest_stranded_figures, None, None, ALL_GROUPS)
    keys = latest[["nationality_iso3", "location_iso3", "indicator_group"]].fillna("-")
    assert not keys.duplicated().any()
    kyrgyz_in_russia = latest[(latest["nationality_iso3"] == "KGZ") & (latest["location_iso3"] == "RUS")
                              & (latest["indicator_group"] == "repatriated")]
    raw_rows = raw[(raw["nationality_iso3"] == "KGZ") & (raw["location_iso3"] == "RUS")
                   & raw["indicator"].str.startswith("citizens_repatriated")]
    newest = raw_rows.sort_values("as_of").iloc[-1]
    assert kyrgyz_in_russia["record_id"].tolist() == [newest["record_id"]] == ["KGZ-05"]
    assert kyrgyz_in_russia["value"].iloc[0] == newest["value"] == 11784
    # Türkiye's cumulative counts: the latest (nearly 70,000 on 6 May), not 2,807 + 25,000 + ...
    turkish = latest[(latest["nationality_iso3"] == "TUR") & latest["location_iso3"].isna()]
    assert turkish["value"].tolist() == [70000]
    assert sum(raw[(raw["nationality_iso3"] == "TUR") & raw["location_iso3"].isna()]["value"]) > 70000


def test_undated_figures_stay_in_the_list_but_have_no_latest(app_env, raw):
    undated = raw[raw["as_of"].isna()]["record_id"].tolist()
    assert undated == ["KAZ-01"]
    narrow = run_uncached(q.stranded_figures, "KAZ", None, ALL_GROUPS, date(2020, 6, 1), date(2020, 6, 30))
    assert narrow["record_id"].tolist() == ["KAZ-01"]
    latest = run_uncached(q.latest_stranded_figures, "KAZ", None, ALL_GROUPS)
    assert "KAZ-01" not in set(latest["record_id"])


def test_filters_by_place_kind_and_date(app_env, raw):
    several = run_uncached(q.stranded_figures, None, q.SEVERAL_COUNTRIES, ("repatriated",))
    expected = raw[raw["nationality_iso3"].notna() & raw["location_iso3"].isna()
                   & raw["indicator"].str.contains("repatriated|evacuation")]
    assert sorted(several["record_id"]) == sorted(expected["record_id"])
    april = run_uncached(q.stranded_figures, "TUR", None, ("repatriated",), date(2020, 4, 1), date(2020, 4, 30))
    assert april["record_id"].tolist() == ["TUR-02", "TUR-06", "TUR-03"]
    in_russia = run_uncached(q.stranded_figures, None, "RUS", ALL_GROUPS)
    assert set(in_russia["location_iso3"]) == {"RUS"}
    assert run_uncached(q.stranded_figures, "HUN", None, ALL_GROUPS).empty
    assert run_uncached(q.stranded_figures, None, None, ()).empty


def test_filter_values_list_what_is_there(app_env, raw):
    values = run_uncached(q.stranded_filter_values)
    assert set(values["nationality_iso3"]) == set(raw["nationality_iso3"].dropna())
    assert q.SEVERAL_COUNTRIES in set(values["location_iso3"])
    assert set(values["indicator_group"]) == set(ALL_GROUPS)


def test_figures_submitted_in_the_dashboard_are_shown_and_marked(app_env):
    """A member state's confirmed submission reaches the page's queries without a rebuild."""
    from app.store import connection as state

    with state.writing() as cur:
        cur.execute("""INSERT INTO submissions (submission_id, file_name, file_sha256, file_bytes, file_format,
                       stored_file, submitted_by, submitted_at, rows_in_file, rows_added, rows_changed,
                       rows_rejected, status)
                       VALUES ('S-TEST', 'hun.csv', 'abc', 10, 'csv', 'hun.csv', 'editor',
                       '2026-11-20 10:00:00.000000', 1, 1, 0, 0, 'active')""")
        cur.execute("""INSERT INTO submitted_figures (submission_id, file_row, record_id, topic, nationality_iso3,
                       location_iso3, indicator, indicator_group, value, unit, unit_base, qualifier, period_start,
                       period_end, description, source_publisher, source_url, source_date, date_note, status)
                       VALUES ('S-TEST', 2, 'HUN-T1', 'stranded', 'HUN', 'TUR', 'citizens_repatriated', 'repatriated',
                       300, 'persons (at least)', 'persons', 'at least', NULL, '2020-05-20', 'test row',
                       'Ministry', 'https://example.org/x', '2020-05-21', NULL, 'active')""")
    figures = run_uncached(q.stranded_figures, "HUN", None, ALL_GROUPS)
    assert figures["record_id"].tolist() == ["HUN-T1"]
    row = figures.iloc[0]
    assert (row["origin"], row["value"], row["qualifier"]) == ("submission", 300, "at least")
    assert "HUN" in set(run_uncached(q.stranded_filter_values)["nationality_iso3"])
    latest = run_uncached(q.latest_stranded_figures, "HUN", "TUR", ALL_GROUPS)
    assert latest["record_id"].tolist() == ["HUN-T1"]
