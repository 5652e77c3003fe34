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


def test_the_matrix_covers_every_current_iso_country_both_ways(synthetic):
    folder, rows = synthetic
    reference = pd.read_csv(DEFAULT_RAW_DIR / "country_reference.csv", dtype=str, keep_default_na=False)
    iso = set(reference.loc[(reference["iso2"] != "") & (reference["iso_numeric"] != ""), "iso3"]) - WITHDRAWN_CODES
    stock = read(folder, "un_desa_ims2020_bilateral_stock_ots.csv")
    assert set(stock["origin_iso3"]) == set(stock["destination_iso3"]) == iso
    assert {"CHI", "SUD", "XKX", "ANT", "SCG"}.isdisjoint(iso)
    assert len(stock) == rows["un_desa_ims2020_bilateral_stock_ots.csv"] == len(iso) ** 2 * (LAST - FIRST + 1)
    assert not stock.duplicated(["year", "origin_iso3", "destination_iso3"]).any()


def test_values_are_plausible(synthetic):
    folder, _ = synthetic
    stock = read(folder, "un_desa_ims2020_bilateral_stock_ots.csv")
    counts = stock[["migrant_stock_total", "migrant_stock_male", "migrant_stock_female"]]
    assert (counts.dtypes == "int64").all() and (counts >= 0).all().all()
    assert (stock["migrant_stock_male"] + stock["migrant_stock_female"] == stock["migrant_stock_total"]).all()
    assert (stock.loc[stock["origin_iso3"] == stock["destination_iso3"], "migrant_stock_total"] == 0).all()
    assert 0.2 < (stock["migrant_stock_total"] > 0).mean() < 0.8  # sparse, like the real matrix

    totals = read(folder, "un_desa_ims2020_country_totals.csv")
    inflow = stock.groupby(["year", "destination_iso3"])["migrant_stock_total"].sum()
    known = totals.set_index(["year", "iso3"])["immigrant_stock_known_origin"]
    assert (inflow.rename_axis(["year", "iso3"]).sort_index() == known.sort_index()).all()
    assert (totals["immigrant_stock_total"] >= totals["immigrant_stock_known_origin"]).all()

    flows = read(folder, "abel_cohen_flows_da_pb_closed_ots.csv")
    assert (flows["period_end"] == flows["period_start"] + 1).all()
    assert (flows[["flow_total", "flow_male", "flow_female"]] >= 0).all().all()
    assert (read(folder, "wb_bilateral_remittances_2017_ots.csv")["remittances_usd_million"] >= 0).all()
    wdi = read(folder, "wdi_remittances_gdp_refugees_1990_2022.csv")
    assert (wdi["gdp_current_usd"] > 0).all() and wdi["remittances_received_usd"].isna().any()


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    first, again, other = tmp_path / "first", tmp_path / "again", tmp_path / "other-seed"
    generate(first, first_year=LAST, last_year=LAST)
    generate(again, first_year=LAST, last_year=LAST)
    generate(other, seed=7, first_year=LAST, last_year=LAST)
    assert digests(again) == digests(first)
    assert digests(other)["un_desa_ims2020_bilateral_stock_ots.csv"] != digests(first)[
        "un_desa_ims2020_bilateral_stock_ots.csv"]


def test_the_etl_builds_it(synthetic, tmp_path):
    folder, rows = synthetic
    result = build(folder, tmp_path / "current.duckdb")
    assert result.row_counts["migrant_stock"] == 3 * rows["un_desa_ims2020_bilateral_stock_ots.csv"]
    assert result.row_counts["remittances_bilateral"] == rows["wb_bilateral_remittances_2017_ots.csv"]
    with duckdb.connect(str(result.database), read_only=True) as con:
        assert con.execute("SELECT min(persons) >= 0 FROM migrant_stock").fetchall() == [(True,)]
