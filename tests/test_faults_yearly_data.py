"""Bilateral remittances that come yearly, as the World Bank's series will: views use the latest year.

Each real file holds one year (2017, and 2021 in the latest edition), and the
synthetic world set of bench/scale.py holds 1990-2024. A view of "the
corridors" of one edition must show its latest year's matrix, not every year's
rows mixed together (shares computed over all years, partners repeated once per
year, joins multiplying rows). Here the 2017 edition gets an invented earlier
year and is read as the edition asked for.
"""
from __future__ import annotations

import csv
import io

import pytest

from etl.build import build
from tests.conftest import app_reading

REMITTANCES = "wb_bilateral_remittances_2017_ots.csv"
EDITION = "knomad2017"
EARLIER = 2016


@pytest.fixture
def two_years(raw_copy, tmp_path, monkeypatch):
    """A build whose bilateral remittances hold 2017 (as published) and an invented earlier year."""
    path = raw_copy / REMITTANCES
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    earlier = io.StringIO()
    writer = csv.DictWriter(earlier, fieldnames=list(rows[0]), lineterminator="\n")
    for row in rows:
        writer.writerow({**row, "year": EARLIER,
                         "remittances_usd_million": round(float(row["remittances_usd_million"]) * 3 + 1, 4)})
    path.write_text(text.rstrip("\n") + "\n" + earlier.getvalue(), encoding="utf-8")
    db_path = tmp_path / "db" / "current.duckdb"
    build(raw_copy, db_path)
    with app_reading(db_path, tmp_path, monkeypatch):
        yield


def run(query, *args):
    from app import cached
    return cached.run_uncached(query, *args)


def test_remittance_corridors_are_the_latest_year(two_years):
    from app.queries import labour
    corridors = run(labour.remittance_corridors, "KGZ", "received", EDITION)
    assert set(corridors["year"]) == {2017}
    assert corridors["partner_iso3"].is_unique
    assert corridors["share_pct"].sum() == pytest.approx(100)


def test_corridors_into_add_up_to_the_latest_year(two_years):
    from app import db
    from app.queries import labour
    flows = run(labour.corridors_into, ("KGZ", "UZB"), 5, EDITION)
    with db.cursor() as cur:
        totals = dict(cur.execute("""SELECT receiving_iso3, sum(usd_million) FROM remittances_bilateral
                                     WHERE edition = 'knomad2017' AND year = 2017
                                       AND receiving_iso3 IN ('KGZ', 'UZB') AND usd_million > 0
                                     GROUP BY 1""").fetchall())
    summed = flows.groupby("receiving_iso3")["usd_million"].sum().to_dict()
    assert summed == pytest.approx(totals)


def test_country_corridors_have_one_row_per_partner(two_years):
    from app.countries import OTS_STATES
    from app.queries import country
    corridors = run(country.corridors_with_states, "KAZ", OTS_STATES, 2020, "ims2020", EDITION)
    assert list(corridors["partner_iso3"]) == [code for code in OTS_STATES if code != "KAZ"]
    sent = dict(zip(corridors["partner_iso3"], corridors["remittances_sent_there"]))
    from app import db
    with db.cursor() as cur:
        expected = cur.execute("""SELECT usd_million FROM remittances_bilateral
                                  WHERE edition = 'knomad2017' AND year = 2017 AND sending_iso3 = 'KAZ'
                                    AND receiving_iso3 = 'KGZ'""").fetchone()
    assert sent["KGZ"] == pytest.approx(expected[0])
