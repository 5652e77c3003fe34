"""The benchmark's synthetic raw folder: the real files' layout, plausible values, the same bytes every time.

Generated here for two years only; the benchmark (bench/etl.py) generates 1990-2024.
"""
from __future__ import annotations

import csv
import hashlib

import duckdb
import pandas as pd
import pytest

from bench.synthetic import GENERATED, WITHDRAWN_CODES, generate
from etl.build import DEFAULT_RAW_DIR, build

FIRST, LAST = 2019, 2020


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic") / "raw"
    rows = generate(folder, first_year=FIRST, last_year=LAST)
    return folder, rows


def read(folder, name) -> pd.DataFrame:
    return pd.read_csv(folder / name, keep_default_na=False, na_values=[""])


def header(path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return next(csv.reader(file))


def digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_every_file_keeps_the_real_layout_and_the_others_are_copied(synthetic):
    folder, _ = synthetic
    real = {p.name for p in DEFAULT_RAW_DIR.iterdir() if p.is_file()}
    assert {p.name for p in folder.iterdir()} == real
    for name in real:
        if name.endswith(".csv"):
            assert header(folder / name) == header(DEFAULT_RAW_DIR / name), name
        if name not in GENERATED:
            assert (folder / name).read_bytes() == (DEFAULT_RAW_DIR / name).read_bytes(), name


STOCK = "un_desa_ims2024_bilateral_stock.csv"


def test_the_matrix_covers_every_current_iso_country_both_ways(synthetic):
    folder, rows = synthetic
    reference = pd.read_csv(DEFAULT_RAW_DIR / "country_reference.csv", dtype=str, keep_default_na=False)
    iso = set(reference.loc[(reference["iso2"] != "") & (reference["iso_numeric"] != ""), "iso3"]) - WITHDRAWN_CODES
    stock = read(folder, STOCK)
    assert set(stock["destination_iso3"]) == iso
    assert set(stock["origin_iso3"]) == iso | {"OOO"}  # and the origins not reported
    assert {"CHI", "SUD", "XKX", "ANT", "SCG"}.isdisjoint(iso)
    assert len(stock) == rows[STOCK] == len(iso) * (len(iso) + 1) * 2 * (LAST - FIRST + 1)
    assert not stock.duplicated(["year", "destination_iso3", "origin_iso3", "sex"]).any()


def test_values_are_plausible(synthetic):
    folder, _ = synthetic
    stock = read(folder, STOCK)
    assert (stock["persons"] >= 0).all() and stock["persons"].dtype == "int64"
    assert (stock.loc[stock["origin_iso3"] == stock["destination_iso3"], "persons"] == 0).all()
    assert 0.2 < (stock["persons"] > 0).mean() < 0.8  # sparse, like the real matrix
    flags = stock.groupby(["year", "destination_iso3"])[["basis_birthplace", "basis_citizenship", "refugees_added",
                                                         "imputed"]].nunique()
    assert (flags == 1).all().all()  # one data type per destination and year
    assert (stock["basis_birthplace"] + stock["basis_citizenship"] + stock["imputed"] == 1).all()

    flows = read(folder, "abel_cohen_flows_da_pb_closed_ots.csv")
    assert (flows["period_end"] == flows["period_start"] + 1).all()
    assert (flows[["flow_total", "flow_male", "flow_female"]] >= 0).all().all()
    assert (read(folder, "knomad_bilateral_remittances_2021.csv")["usd_million"] > 0).all()
    wdi = read(folder, "wdi_wpp_indicators_1990_2023.csv")
    assert (wdi["gdp_usd"] > 0).all() and wdi["remittances_received_usd"].isna().any()
    assert (wdi["net_migration"] < 0).any() and (wdi["population"] > 0).all()
    displaced = read(folder, "unhcr_forcibly_displaced_1990_2024.csv")
    assert (displaced["persons"] > 0).all()
    assert not displaced.duplicated(["year", "asylum_iso3", "origin_iso3", "population_type"]).any()


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    first, again, other = tmp_path / "first", tmp_path / "again", tmp_path / "other-seed"
    generate(first, first_year=LAST, last_year=LAST)
    generate(again, first_year=LAST, last_year=LAST)
    generate(other, seed=7, first_year=LAST, last_year=LAST)
    assert digests(again) == digests(first)
    assert digests(other)[STOCK] != digests(first)[STOCK]


def test_the_etl_builds_it(synthetic, tmp_path):
    folder, rows = synthetic
    result = build(folder, tmp_path / "current.duckdb")
    with duckdb.connect(str(result.database), read_only=True) as con:
        held = dict(con.execute("SELECT table_name || ' ' || edition, rows FROM table_editions").fetchall())
        assert con.execute("SELECT min(persons) >= 0 FROM migrant_stock").fetchall() == [(True,)]
    assert held["migrant_stock ims2024"] == 3 * rows[STOCK] // 2
    assert held["remittances_bilateral knomad2021"] == rows["knomad_bilateral_remittances_2021.csv"]
    assert held["forcibly_displaced unhcr2025"] == rows["unhcr_forcibly_displaced_1990_2024.csv"]
    # the previous editions are the real files, copied
    assert held["migrant_stock ims2020"] == 3 * 5264

