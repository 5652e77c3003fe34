"""ETL build benchmark: the real raw folder (1x) and a synthetic one far larger, each built in a child process.

    python bench/etl.py                # 1x three times, then the synthetic world matrix once
    python bench/etl.py --repeat 5 --large-repeat 2
    python bench/etl.py --skip-large   # 1x only

For each build it prints the wall time of `python -m etl build` (interpreter start
and imports included, as a user waits for it), the time the build itself reports,
the CPU time, the rows written, rows per second, the peak memory of the build
process (its maximum resident set size, from the kernel: DuckDB allocates
outside Python, so tracemalloc would not see it) and the size of the database.

Targets: 1x under 2 s; the synthetic set under 30 s and under 2 GB. The machine
is shared: when its load is above its cores, wall times stretch while CPU times
hold; the load is printed with every run. Results are also written as JSON under
bench/results/ (not committed).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Run as `python bench/etl.py`, this file's folder comes first on the path and its name would hide the
# `etl` package; the builds run in child processes anyway, from the project root.
sys.path[:] = [str(PROJECT_ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

import duckdb  # noqa: E402

from bench.synthetic import generate  # noqa: E402

REAL_RAW = PROJECT_ROOT / "data" / "raw"
RESULTS = PROJECT_ROOT / "bench" / "results"
CATALOG = ("sources", "table_columns", "etl_runs", "etl_run_files")
MB = 1_000_000

TARGET_1X_SECONDS = 2.0
TARGET_LARGE_SECONDS = 30.0
TARGET_LARGE_BYTES = 2_000 * MB


@dataclass
class Run:
    label: str
    wall_s: float
    build_s: float  # as the build measured itself (from its etl_runs record): no interpreter start, no imports
    cpu_s: float
    peak_rss_bytes: int
    rows: int
    database_bytes: int
    load_before: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.wall_s


def build_in_child(raw: Path, workdir: Path, label: str) -> Run:
    """Run `python -m etl build` in a child process and measure it with the kernel's accounting."""
    db = workdir / "current.duckdb"
    log = workdir / "build.log"
    load = os.getloadavg()[0]
    with log.open("w") as out:
        clock = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db)],
                                 cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - clock
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{label}: the build failed (exit {child.returncode}):\n{log.read_text()}")
    real = Path(os.path.realpath(db))
    with duckdb.connect(str(real), read_only=True) as con:
        rows = con.execute(f"SELECT sum(row_count) FROM sources WHERE table_name NOT IN {CATALOG}").fetchall()[0][0]
        build_s = con.execute("SELECT epoch(finished_at) - epoch(started_at) FROM etl_runs "
                              "ORDER BY started_at DESC LIMIT 1").fetchall()[0][0]
    return Run(label, wall, build_s, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, int(rows),
               real.stat().st_size, load)


def raw_rows(folder: Path) -> int:
    total = 0
    for path in folder.glob("*.csv"):
        with path.open("rb") as file:
            total += sum(1 for _ in file) - 1
    return total


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def show(run: Run) -> None:
    print(f"  {run.label:<14} wall {run.wall_s:6.2f} s   build {run.build_s:6.2f} s   cpu {run.cpu_s:6.2f} s   "
          f"{run.rows:>11,} rows   {run.rows_per_s:>10,.0f} rows/s   peak {run.peak_rss_bytes / MB:7,.0f} MB   "
          f"db {run.database_bytes / MB:6,.1f} MB   load {run.load_before:4.1f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="builds of the real data (the median counts)")
    parser.add_argument("--large-repeat", type=int, default=1, help="builds of the synthetic data")
    parser.add_argument("--skip-large", action="store_true", help="only the real data")
    parser.add_argument("--first-year", type=int, default=1990)
    parser.add_argument("--last-year", type=int, default=2024)
    args = parser.parse_args(argv)

    print(f"ETL build benchmark, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} "
          f"(wall times stretch when the load is above the cores; CPU times hold)")
    results: dict = {"measured_at": datetime.now(timezone.utc).isoformat(), "cores": os.cpu_count()}
    real_rows = raw_rows(REAL_RAW)
    outcome = True
    with tempfile.TemporaryDirectory(prefix="ots-bench-etl-") as scratch:
        scratch = Path(scratch)
        print(f"\n1x: data/raw ({real_rows:,} raw rows)")
        small = []
        for i in range(args.repeat):
            workdir = scratch / f"real-{i}"
            workdir.mkdir()
            small.append(build_in_child(REAL_RAW, workdir, f"run {i + 1}"))
            show(small[-1])
        median_wall = statistics.median(r.wall_s for r in small)
        ok = median_wall < TARGET_1X_SECONDS
        outcome &= ok
        print(f"  median wall {median_wall:.2f} s (target < {TARGET_1X_SECONDS:g} s): {verdict(ok)}")
        results["real"] = {"raw_rows": real_rows, "runs": [asdict(r) for r in small], "median_wall_s": median_wall,
                           "target_s": TARGET_1X_SECONDS, "pass": ok}

        if not args.skip_large:
            raw = scratch / "synthetic"
            clock = time.perf_counter()
            generate(raw, first_year=args.first_year, last_year=args.last_year)
            generated = time.perf_counter() - clock
            rows = raw_rows(raw)
            print(f"\nSynthetic: full ISO world matrix, yearly {args.first_year}-{args.last_year}, by sex "
                  f"({rows:,} raw rows, {rows / real_rows:,.0f}x the real files; generated in {generated:.1f} s)")
            large = []
            for i in range(args.large_repeat):
                workdir = scratch / f"synthetic-{i}"
                workdir.mkdir()
                large.append(build_in_child(raw, workdir, f"run {i + 1}"))
                show(large[-1])
            worst_wall = max(r.wall_s for r in large)
            worst_rss = max(r.peak_rss_bytes for r in large)
            time_ok = worst_wall < TARGET_LARGE_SECONDS
            memory_ok = worst_rss < TARGET_LARGE_BYTES
            outcome &= time_ok and memory_ok
            print(f"  wall {worst_wall:.2f} s (target < {TARGET_LARGE_SECONDS:g} s): {verdict(time_ok)}")
            print(f"  peak memory {worst_rss / MB:,.0f} MB (target < {TARGET_LARGE_BYTES / MB:,.0f} MB): "
                  f"{verdict(memory_ok)}")
            print(f"  database rows {large[0].rows / small[0].rows:,.0f}x the real build's")
            results["synthetic"] = {"raw_rows": rows, "scale": rows / real_rows, "generated_s": generated,
                                    "runs": [asdict(r) for r in large], "target_s": TARGET_LARGE_SECONDS,
                                    "target_bytes": TARGET_LARGE_BYTES, "pass": time_ok and memory_ok}

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"etl-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"\nAll targets: {verdict(outcome)}   (results: {out.relative_to(PROJECT_ROOT)})")
    return 0 if outcome else 1


if __name__ == "__main__":
    sys.exit(main())
