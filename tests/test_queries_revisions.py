"""What the UN revised: the same figure in the 2020 and the 2024 editions, checked against the raw files."""
from __future__ import annotations

import pandas as pd
import pytest

from app.cached import run_uncached
from app.countries import OTS_STATES
from app.queries import revisions as q
from etl.build import DEFAULT_RAW_DIR


@pytest.fixture(scope="module")
def editions() -> tuple[pd.DataFrame, pd.DataFrame]:
    before = pd.read_csv(DEFAULT_RAW_DIR / "un_desa_ims2020_bilateral_stock_ots.csv", keep_default_na=False)
    after = pd.read_csv(DEFAULT_RAW_DIR / "un_desa_ims2024_bilateral_stock.csv", keep_default_na=False)
    after = after.groupby(["year", "origin_iso3", "destination_iso3"], as_index=False)["persons"].sum()
    return before.set_index(["year", "origin_iso3", "destination_iso3"])["migrant_stock_total"], \
        after.set_index(["year", "origin_iso3", "destination_iso3"])["persons"]


def test_the_years_both_editions_cover(app_env):
    assert list(run_uncached(q.revised_years)["year"]) == [1990, 1995, 2000, 2005, 2010, 2015, 2020]


def test_the_largest_corridor_revisions_of_2020_as_the_two_files_give_them(app_env, editions):
    before, after = editions
    got = run_uncached(q.corridor_revisions, OTS_STATES, 2020, 5)
    # Russia-born in Kazakhstan 2,476,018 -> 579,845; Kazakhstan-born in Russia 2,558,907 -> 1,635,008
    assert list(zip(got["origin_iso3"], got["destination_iso3"]))[:2] == [("RUS", "KAZ"), ("KAZ", "RUS")]
    for row in got.itertuples():
        key = (2020, row.origin_iso3, row.destination_iso3)
        assert row.previous_persons == before.get(key, 0)
        assert row.latest_persons == after[key]
        assert row.change == after[key] - before.get(key, 0)
    assert list(got["change"].abs()) == sorted(got["change"].abs(), reverse=True)
    assert set(got["previous_edition"]) == {"ims2020"} and set(got["latest_edition"]) == {"ims2024"}


def test_a_corridor_the_latest_edition_no_longer_estimates_is_not_read_as_zero(app_env, editions):
    before, after = editions
    got = run_uncached(q.corridor_revisions, OTS_STATES, None, None)
    dropped = got[got["status"] == "not estimated"]
    assert len(dropped) > 0 and dropped["latest_persons"].isna().all() and dropped["change"].isna().all()
    for row in dropped.head(20).itertuples():
        key = (row.year, row.origin_iso3, row.destination_iso3)
        assert key in before.index and key not in after.index
    # unchanged corridors are not revisions, and "other or unknown" has nothing to compare with
    assert (got["change"] != 0).all() and "OOO" not in set(got["origin_iso3"])


def test_the_states_the_un_did_not_revise_are_absent_from_the_totals(app_env):
    got = run_uncached(q.total_revisions, "immigrants", OTS_STATES, 2020).set_index("iso3")
    assert set(got.index) == {"KAZ", "TUR", "AZE"}  # Uzbekistan, Kyrgyzstan, Hungary, Turkmenistan unchanged
    assert (got.loc["KAZ", "previous_persons"], got.loc["KAZ", "latest_persons"]) == (3_732_073, 1_990_268)
    world = run_uncached(q.total_revisions, "immigrants", None, 2020, 1).iloc[0]
    assert (world["iso3"], world["previous_persons"], world["latest_persons"]) == ("RUS", 11_636_911, 7_297_611)
    with pytest.raises(ValueError):
        run_uncached(q.total_revisions, "corridors", OTS_STATES)


def test_only_the_corridors_a_chart_shows(app_env):
    shown = run_uncached(q.corridor_revisions, OTS_STATES, 2020, None, None, ("KAZ>RUS", "RUS>UZB", "RUS>KAZ"))
    # Russia-born in Uzbekistan: the same in both editions (the UN left Uzbekistan's immigrants as they were)
    assert set(zip(shown["origin_iso3"], shown["destination_iso3"])) == {("KAZ", "RUS"), ("RUS", "KAZ")}
    kazakhs = shown[shown["origin_iso3"] == "KAZ"].iloc[0]
    assert (kazakhs["previous_persons"], kazakhs["latest_persons"]) == (2_558_907, 1_635_008)
    everything = run_uncached(q.corridor_revisions, OTS_STATES, 2020, None)
    assert len(everything) > len(shown)
