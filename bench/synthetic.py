"""A synthetic raw folder, far larger than data/raw, in exactly its format: the ETL benchmark's input.

It holds, in the layouts of the latest editions, the full world matrix of every
current ISO country in `country_reference.csv` (each origin x each destination,
plus origin "other or unknown"), yearly 1990-2024 and by sex, for migrant stocks
(UN DESA 2024 layout, with the data-type flags) and flows (yearly periods
start..start+1), bilateral remittances yearly (KNOMAD 2021 layout), the WDI and
WPP indicators, and UNHCR's displaced people by asylum and origin. The previous
editions' files and every other raw file are copied unchanged, so the folder
builds with `python -m etl build --raw DIR`.

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

STOCK_FILE = "un_desa_ims2024_bilateral_stock.csv"
FLOWS_FILE = "abel_cohen_flows_da_pb_closed_ots.csv"
REMITTANCES_FILE = "knomad_bilateral_remittances_2021.csv"
WDI_FILE = "wdi_wpp_indicators_1990_2023.csv"
DISPLACED_FILE = "unhcr_forcibly_displaced_1990_2024.csv"
GENERATED = (STOCK_FILE, FLOWS_FILE, REMITTANCES_FILE, WDI_FILE, DISPLACED_FILE)
UNKNOWN_ORIGIN = "OOO"
DISPLACED_TYPES = ("refugee", "asylum", "refugee return", "stateless", "other")

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
    """Destination x origin (every country, then "other or unknown") x year x sex, in the UN's order, with one
    data type per destination and year."""
    matrix = _pair_matrix(rng, world, zero_share=0.55, median=400, spread=2.2)  # (year, origin, destination)
    n, years = world.size, len(world.years)
    unknown = rng.binomial(matrix.sum(axis=1), 0.04)  # (year, destination): origin not reported
    # (year, destination, origin) with the unknown origin as the last column
    counts = np.concatenate([matrix.transpose(0, 2, 1), unknown[:, :, None]], axis=2)
    share = np.clip(rng.normal(0.52, 0.08, counts.shape[1:]), 0.05, 0.95)
    male = rng.binomial(counts, np.broadcast_to(share, counts.shape))
    female = counts - male
    origins = np.append(world.iso3, UNKNOWN_ORIGIN)
    # One data type per destination and year: by birthplace mostly, by citizenship sometimes, a few imputed.
    basis = rng.choice(3, size=(years, n), p=[0.8, 0.17, 0.03])  # 0 birthplace, 1 citizenship, 2 imputed
    refugees = (rng.random((years, n)) < 0.5).astype(np.int64)
    pairs = n * (n + 1)
    year = np.repeat(world.years, pairs * 2)
    destination = np.tile(np.repeat(np.arange(n), (n + 1) * 2), years)
    origin = np.tile(np.repeat(np.arange(n + 1), 2), n * years)
    sex = np.tile(np.array([0, 1]), pairs * years)  # female, male: the UN's order
    persons = np.stack([female, male], axis=-1).reshape(-1)
    by_destination = np.repeat(basis.reshape(-1), (n + 1) * 2)
    rows = _write(out / STOCK_FILE, {
        "year": year, "destination_iso3": _text(world.iso3, destination), "origin_iso3": _text(origins, origin),
        "sex": _text(np.array(["female", "male"], dtype=object), sex), "persons": persons,
        "basis_birthplace": (by_destination == 0).astype(np.int64),
        "basis_citizenship": (by_destination == 1).astype(np.int64),
        "refugees_added": np.repeat(refugees.reshape(-1), (n + 1) * 2),
        "imputed": (by_destination == 2).astype(np.int64),
    })
    return {STOCK_FILE: rows}


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
    """Sender -> receiver, yearly, only the pairs with a positive estimate (as KNOMAD's matrix lists them)."""
    n, years = world.size, len(world.years)
    base = rng.lognormal(np.log(0.5), 2.5, (n, n))
    base[rng.random((n, n)) < 0.5] = 0
    np.fill_diagonal(base, 0)
    growth = rng.normal(0.05, 0.05, (n, n))
    steps = np.arange(years, dtype=float)[:, None, None]
    matrix = np.round(base[None] * np.exp(growth[None] * steps), 4)  # (year, sender, receiver)
    year, sender, receiver = _long_pairs(world, world.years)
    positive = matrix.reshape(-1) > 0
    rows = _write(out / REMITTANCES_FILE, {
        "year": year[positive], "sending_iso3": _text(world.iso3, sender[positive]),
        "sending_name": _text(world.names, sender[positive]),
        "receiving_iso3": _text(world.iso3, receiver[positive]),
        "receiving_name": _text(world.names, receiver[positive]),
        "usd_million": matrix.reshape(-1)[positive],
    })
    return {REMITTANCES_FILE: rows}


def write_indicators(rng: np.random.Generator, world: World, out: Path) -> dict[str, int]:
    n, years = world.size, len(world.years)
    steps = np.arange(years, dtype=float)
    gdp = np.round(rng.lognormal(np.log(2e10), 1.8, n)[:, None] * np.exp(rng.normal(0.04, 0.02, n)[:, None] * steps), 2)
    share = np.clip(rng.lognormal(np.log(1.5), 1.2, n), 0, 40)[:, None] * rng.normal(1, 0.1, (n, years)).clip(0.5)
    received = np.round(gdp * share / 100, 2)
    paid = np.round(gdp * np.clip(rng.lognormal(np.log(0.8), 1.0, n), 0, 20)[:, None] / 100, 2)
    population = np.rint(rng.lognormal(np.log(8e6), 1.8, n)[:, None] * np.exp(0.01 * steps))
    net_migration = np.rint(population * rng.normal(0, 0.003, (n, years)))
    # Like WDI, some values are not reported: those cells are empty in the file.
    received[rng.random((n, years)) < 0.15] = np.nan
    paid[rng.random((n, years)) < 0.3] = np.nan
    country = np.repeat(np.arange(n), years)
    rows = _write(out / WDI_FILE, {
        "iso3": _text(world.iso3, country), "year": np.tile(world.years, n),
        "remittances_received_usd": pa.array(received.reshape(-1), from_pandas=True),
        "remittances_paid_usd": pa.array(paid.reshape(-1), from_pandas=True),
        "gdp_usd": gdp.reshape(-1),
        "population": population.reshape(-1).astype(np.int64),
        "net_migration": net_migration.reshape(-1).astype(np.int64),
    })
    return {WDI_FILE: rows}


def write_displaced(rng: np.random.Generator, world: World, out: Path) -> dict[str, int]:
    """Asylum x origin x type x year for a sparse set of pairs (one in ten), as UNHCR lists them (no zeros)."""
    n, years = world.size, len(world.years)
    asylum, origin = np.nonzero(rng.random((n, n)) < 0.1)
    keep = asylum != origin
    asylum, origin = asylum[keep], origin[keep]
    kinds = rng.integers(1, 3, len(asylum))  # one or two types per pair
    pair = np.repeat(np.arange(len(asylum)), kinds)
    kind = np.concatenate([rng.choice(len(DISPLACED_TYPES), k, replace=False) for k in kinds])
    persons = np.rint(rng.lognormal(np.log(300), 2.0, (years, len(pair)))).astype(np.int64) + 5
    rows = _write(out / DISPLACED_FILE, {
        "year": np.repeat(world.years, len(pair)),
        "asylum_iso3": _text(world.iso3, np.tile(asylum[pair], years)),
        "origin_iso3": _text(world.iso3, np.tile(origin[pair], years)),
        "population_type": _text(np.array(DISPLACED_TYPES, dtype=object), np.tile(kind, years)),
        "persons": persons.reshape(-1),
    })
    return {DISPLACED_FILE: rows}


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
    for writer in (write_stocks, write_flows, write_remittances, write_indicators, write_displaced):
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
