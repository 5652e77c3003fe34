"""A synthetic raw folder, far larger than data/raw, in exactly its format: the ETL benchmark's input.

It holds the full world matrix of every current ISO country in
`country_reference.csv` (each origin x each destination), yearly 1990-2024 and
by sex, for migrant stocks and flows (yearly periods start..start+1), with the
country totals that match the matrix, bilateral remittances yearly with their
totals, and the WDI indicators. Every other raw file is copied unchanged, so
the folder builds with `python -m etl build --raw DIR`.

The values are invented but plausible: non-negative whole numbers, sparse
corridors, male + female = total for stocks. The same seed gives the same
bytes. Nothing here is used by the product; it exists to measure the build.

    python bench/synthetic.py OUT_DIR [--seed 2020] [--first-year 1990] [--last-year 2024]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REAL_RAW = PROJECT_ROOT / "data" / "raw"

STOCK_FILE = "un_desa_ims2020_bilateral_stock_ots.csv"
STOCK_TOTALS_FILE = "un_desa_ims2020_country_totals.csv"
FLOWS_FILE = "abel_cohen_flows_da_pb_closed_ots.csv"
REMITTANCES_FILE = "wb_bilateral_remittances_2017_ots.csv"
REMITTANCE_TOTALS_FILE = "wb_remittances_2017_country_totals.csv"
WDI_FILE = "wdi_remittances_gdp_refugees_1990_2022.csv"
GENERATED = (STOCK_FILE, STOCK_TOTALS_FILE, FLOWS_FILE, REMITTANCES_FILE, REMITTANCE_TOTALS_FILE, WDI_FILE)

# ISO 3166-3 codes of countries that no longer exist; the reference file keeps them for old data.
WITHDRAWN_CODES = {"ANT", "SCG"}


@dataclass(frozen=True)
class World:
    iso3: np.ndarray  # of str
    names: np.ndarray  # of str
    years: np.ndarray  # of int

    @property
    def size(self) -> int:
        return len(self.iso3)


def iso_countries(reference: Path) -> pd.DataFrame:
    """Rows of the country reference that are current ISO 3166-1 countries (alpha-2 and numeric code)."""
    table = pd.read_csv(reference, dtype=str, keep_default_na=False)
    iso = table[(table["iso2"] != "") & (table["iso_numeric"] != "") & ~table["iso3"].isin(WITHDRAWN_CODES)]
    return iso[["iso3", "name"]].reset_index(drop=True)


def _text(values: np.ndarray, codes: np.ndarray) -> pa.Array:
    """values[codes] as an Arrow string column, without building millions of Python strings."""
    dictionary = pa.array(values.tolist(), type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), dictionary).cast(pa.string())


def _write(path: Path, columns: dict[str, object]) -> int:
    """Write a CSV the way the publishers' files are written: quotes only where a value needs them."""
    arrays = {name: value if isinstance(value, pa.Array) else pa.array(value) for name, value in columns.items()}
    table = pa.table(arrays)
    # pyarrow quotes every string; DuckDB's writer quotes only values with a comma or a quote, like pandas.
    with duckdb.connect() as con:
        con.register("generated", table)
        con.execute(f"COPY generated TO '{path}' (HEADER, DELIMITER ',')")
    return table.num_rows


def _pair_matrix(rng: np.random.Generator, world: World, zero_share: float, median: float,
                 spread: float) -> np.ndarray:
    """A (years, origin, destination) matrix of counts: sparse corridors that grow or shrink smoothly."""
    n, years = world.size, len(world.years)
    base = rng.lognormal(np.log(median), spread, (n, n))
    base[rng.random((n, n)) < zero_share] = 0
    np.fill_diagonal(base, 0)  # nobody migrates to their own country
    growth = rng.normal(0.02, 0.04, (n, n))
    steps = np.arange(years, dtype=float)[:, None, None]
    noise = rng.normal(1.0, 0.05, (years, n, n)).clip(0.5, 1.5)
    return np.rint(base[None] * np.exp(growth[None] * steps) * noise).astype(np.int64)


def _long_pairs(world: World, years: np.ndarray):
    """Index arrays (year, origin, destination) in row order year-major, then origin, then destination."""
    n = world.size
    year_idx = np.repeat(np.arange(len(years)), n * n)
    origin = np.tile(np.repeat(np.arange(n), n), len(years))
    destination = np.tile(np.arange(n), n * len(years))
    return years[year_idx], origin, destination


def write_stocks(rng: np.random.Generator, world: World, out: Path) -> dict[str, int]:
    matrix = _pair_matrix(rng, world, zero_share=0.55, median=400, spread=2.2)
    total = matrix.reshape(-1)
    size = world.size * world.size
    share = np.tile(np.clip(rng.normal(0.52, 0.08, size), 0.05, 0.95), len(world.years))
    male = rng.binomial(total, share)
    female = total - male
    year, origin, destination = _long_pairs(world, world.years)
    rows = _write(out / STOCK_FILE, {
        "year": year, "origin_iso3": _text(world.iso3, origin), "origin_name": _text(world.names, origin),
        "destination_iso3": _text(world.iso3, destination), "destination_name": _text(world.names, destination),
        "migrant_stock_total": total, "migrant_stock_male": male, "migrant_stock_female": female,
    })

    # Totals agree with the matrix: immigrants add migrants of unknown origin to the column sums.
    male_m = male.reshape(matrix.shape)
    female_m = female.reshape(matrix.shape)
    immigrants_known = matrix.sum(axis=1)  # (years, destination)
    unknown = rng.binomial(immigrants_known, 0.04)
    unknown_male = rng.binomial(unknown, 0.5)
    n, years = world.size, len(world.years)
    country = np.tile(np.arange(n), years)
    totals_rows = _write(out / STOCK_TOTALS_FILE, {
        "year": np.repeat(world.years, n), "iso3": _text(world.iso3, country), "name": _text(world.names, country),
        "immigrant_stock_total": (immigrants_known + unknown).reshape(-1),
        "immigrant_stock_male": (male_m.sum(axis=1) + unknown_male).reshape(-1),
        "immigrant_stock_female": (female_m.sum(axis=1) + unknown - unknown_male).reshape(-1),
        "immigrant_stock_known_origin": immigrants_known.reshape(-1),
        "emigrant_stock_total": matrix.sum(axis=2).reshape(-1),
        "emigrant_stock_male": male_m.sum(axis=2).reshape(-1),
        "emigrant_stock_female": female_m.sum(axis=2).reshape(-1),
    })
    return {STOCK_FILE: rows, STOCK_TOTALS_FILE: totals_rows}


def write_flows(rng: np.random.Generator, world: World, out: Path) -> dict[str, int]:
    starts = world.years[:-1]
    flows_world = World(world.iso3, world.names, starts)
    matrix = _pair_matrix(rng, flows_world, zero_share=0.6, median=60, spread=2.0)
    total = matrix.reshape(-1)
    # As in the source, the sexes are estimated separately: they add up to the total only roughly.
    male = rng.binomial(total, 0.53)
    female = rng.binomial(total, 0.47)
    start, origin, destination = _long_pairs(world, starts)
    rows = _write(out / FLOWS_FILE, {
        "period_start": start, "period_end": start + 1,
        "origin_iso3": _text(world.iso3, origin), "origin_name": _text(world.names, origin),
        "destination_iso3": _text(world.iso3, destination), "destination_name": _text(world.names, destination),
        "flow_total": total, "flow_male": male, "flow_female": female,
    })
    return {FLOWS_FILE: rows}


def write_remittances(rng: np.random.Generator, world: World, out: Path) -> dict[str, int]:
    n, years = world.size, len(world.years)
    base = rng.lognormal(np.log(0.5), 2.5, (n, n))
    base[rng.random((n, n)) < 0.5] = 0
    np.fill_diagonal(base, 0)
    growth = rng.normal(0.05, 0.05, (n, n))
    steps = np.arange(years, dtype=float)[:, None, None]
    matrix = np.round(base[None] * np.exp(growth[None] * steps), 4)  # (year, sender, receiver)
    year, sender, receiver = _long_pairs(world, world.years)
    rows = _write(out / REMITTANCES_FILE, {
        "year": year, "sending_iso3": _text(world.iso3, sender), "sending_name": _text(world.names, sender),
        "receiving_iso3": _text(world.iso3, receiver), "receiving_name": _text(world.names, receiver),
        "remittances_usd_million": matrix.reshape(-1),
    })
    country = np.tile(np.arange(n), years)
    totals_rows = _write(out / REMITTANCE_TOTALS_FILE, {
        "year": np.repeat(world.years, n), "iso3": _text(world.iso3, country), "wb_name": _text(world.names, country),
        "remittance_inflows_usd_million": np.round(matrix.sum(axis=1), 3).reshape(-1),
        "remittance_outflows_usd_million": np.round(matrix.sum(axis=2), 3).reshape(-1),
    })
    return {REMITTANCES_FILE: rows, REMITTANCE_TOTALS_FILE: totals_rows}


def write_indicators(rng: np.random.Generator, world: World, out: Path) -> dict[str, int]:
    n, years = world.size, len(world.years)
    steps = np.arange(years, dtype=float)
    gdp = np.rint(rng.lognormal(np.log(2e10), 1.8, n)[:, None] * np.exp(rng.normal(0.04, 0.02, n)[:, None] * steps))
    share = np.clip(rng.lognormal(np.log(1.5), 1.2, n), 0, 40)[:, None] * rng.normal(1, 0.1, (n, years)).clip(0.5)
    remittances = np.rint(gdp * share / 100)
    refugees = np.rint(rng.lognormal(np.log(900), 2.5, (n, years)))
    # Like WDI, some values are not reported: those cells are empty in the file.
    remittances[rng.random((n, years)) < 0.15] = np.nan
    refugees[rng.random((n, years)) < 0.2] = np.nan
    country = np.repeat(np.arange(n), years)
    rows = _write(out / WDI_FILE, {
        "iso3": _text(world.iso3, country), "wb_name": _text(world.names, country),
        "year": np.tile(world.years, n),
        "remittances_received_usd": pa.array(remittances.reshape(-1), from_pandas=True).cast(pa.int64()),
        "gdp_current_usd": pa.array(gdp.reshape(-1).astype(np.int64)),
        "remittances_pct_gdp_computed": pa.array(np.round(100 * remittances / gdp, 3).reshape(-1), from_pandas=True),
        "refugee_population_by_origin": pa.array(refugees.reshape(-1), from_pandas=True).cast(pa.int64()),
    })
    return {WDI_FILE: rows}


def generate(out_dir: Path, seed: int = 2020, first_year: int = 1990, last_year: int = 2024,
             real_raw: Path = REAL_RAW) -> dict[str, int]:
    """Write the synthetic raw folder; return rows written per generated file."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for source in sorted(Path(real_raw).iterdir()):
        if source.is_file() and source.name not in GENERATED:
            shutil.copy2(source, out_dir / source.name)
    countries = iso_countries(Path(real_raw) / "country_reference.csv")
    world = World(countries["iso3"].to_numpy(dtype=object), countries["name"].to_numpy(dtype=object),
                  np.arange(first_year, last_year + 1))
    rng = np.random.default_rng(seed)
    rows: dict[str, int] = {}
    for writer in (write_stocks, write_flows, write_remittances, write_indicators):
        rows.update(writer(rng, world, out_dir))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to write (created; existing files are replaced)")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--first-year", type=int, default=1990)
    parser.add_argument("--last-year", type=int, default=2024)
    args = parser.parse_args(argv)
    clock = time.perf_counter()
    rows = generate(args.out_dir, args.seed, args.first_year, args.last_year)
    for name, count in rows.items():
        print(f"  {name:<48}{count:>12,}")
    print(f"Wrote {sum(rows.values()):,} raw rows to {args.out_dir} in {time.perf_counter() - clock:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
