"""What an upload at the size limit costs the server, however it is built: target under 300 MB and 5 s.

Each file (from tests/hostile_files.py, plus the largest valid files) is checked by
`app.uploads.check` — read, validated, classified — in a fresh process on a
database built from data/raw. Printed per file: its size, the seconds the check
took, the peak memory above the process's memory before the check (the
server's own memory, about 300 MB, comes on top), what the check said, and
PASS or MISS. Figures vary with the machine's load: run it on a quiet machine.

    python bench/hostile_uploads.py [--only WORD]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECONDS, MEGABYTES = 5.0, 300.0


def cases() -> dict:
    from app.uploads import MAX_ROWS, TEMPLATE_COLUMNS
    from bench.submissions_check import csv_file, excel_file
    from tests import hostile_files as hostile

    def wrong_rows(count: int) -> list[dict]:
        return [{"topic": "tourism", "record_id": "same", "nationality_iso3": "XXX", "location_iso3": "kaz",
                 "indicator": "", "value": "about 12", "unit": "", "period_start": "31/12/2025",
                 "period_end": "0001-01-01", "description": "=1+1", "source_publisher": "",
                 "source_url": "javascript:x", "source_date": "9999-12-31", "date_note": "@x"} for _ in range(count)]

    def wrong_workbook(count: int) -> bytes:
        rows = wrong_rows(1)[0]
        return hostile.workbook([hostile._header_row()] + [hostile._inline_row(n, [rows[c] for c in hostile.HEADER])
                                                           for n in range(2, count + 2)])

    def million_rows() -> bytes:
        # Rows and cells need not name their place: a million identical rows pack into a few megabytes.
        return hostile.workbook(hostile._chain([hostile._header_row()],
                                               ('<row><c><v>1</v></c></row>' for _ in range(1_000_000))))

    def most_cells_empty() -> bytes:
        per_row = 19
        return hostile.workbook(hostile._chain([hostile._header_row()], (
            f'<row r="{n}">' + "".join(f'<c r="{hostile._letters(i)}{n}" s="1"/>' for i in range(per_row)) + "</row>"
            for n in range(2, MAX_ROWS + 2))))

    return {
        "CSV, 20,000 valid rows": lambda: csv_file(MAX_ROWS, TEMPLATE_COLUMNS),
        "CSV, 20,000 rows, every cell wrong": lambda: hostile.csv_text(wrong_rows(MAX_ROWS)),
        "CSV, 2.6 million one-cell rows": lambda: hostile.csv_rows(2_600_000),
        "CSV, one row of 5 million cells": lambda: hostile.csv_one_wide_row(5_000_000),
        "CSV, a 100,000-character cell": lambda: hostile.csv_long_cell(100_000),
        "Excel, 20,000 valid rows": lambda: excel_file(MAX_ROWS, TEMPLATE_COLUMNS),
        "Excel, 20,000 rows, every cell wrong": lambda: wrong_workbook(MAX_ROWS),
        "Excel, a shared string of 200 MB": lambda: hostile.shared_strings_bomb(200),
        "Excel, a shared string of 40 MB": lambda: hostile.shared_strings_bomb(40),
        "Excel, 1,000,000 rows": million_rows,
        "Excel, 1,000,000 shared strings": lambda: hostile.many_shared_strings(1_000_000),
        "Excel, most cells allowed, empty": most_cells_empty,
        "Excel, a value in A1048576": hostile.one_cell_far_down,
        "Excel, declares A1:XFD1048576": hostile.lying_dimension,
        "Excel, entity expansion bomb": hostile.entity_bomb,
    }


def _memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(case: str, content_path: str) -> None:
    """In a fresh process: check one file as the page does; print the figures as JSON."""
    from app import cached
    from app import uploads as submissions
    from app.queries import common, figures
    known = set(cached.run_uncached(common.countries)["iso3"])
    existing = cached.run_uncached(figures.all_figures)
    submissions.check(b"topic\n", "warm.csv", known, existing)  # imports pandera, as a running server has
    content = Path(content_path).read_bytes()
    before = _memory_kb("VmRSS")
    started = time.perf_counter()
    preview = submissions.check(content, "upload", known, existing)
    seconds = time.perf_counter() - started
    first = preview.problems[0].reason if preview.problems else ""
    print(json.dumps({"seconds": seconds, "peak_mb": (_memory_kb("VmHWM") - before) / 1024,
                      "said": ("refused: " if preview.refused else f"{preview.loadable} to load, "
                               f"{len(preview.problems)} problems: ") + first[:70]}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the cases whose name holds this word")
    args = parser.parse_args()
    from app.uploads import MAX_BYTES
    misses = 0
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, OTS_DB_PATH=str(Path(folder) / "current.duckdb"),
                   OTS_STATE_PATH=str(Path(folder) / "state" / "app_state.sqlite3"))
        subprocess.run([sys.executable, "-m", "etl", "build", "--db", env["OTS_DB_PATH"]], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        print(f"{'file':<40}{'MB':>7}{'s':>8}{'peak MB':>9}  verdict  what the check said")
        for name, make in cases().items():
            if args.only and args.only.lower() not in name.lower():
                continue
            content = make()
            path = Path(folder) / "upload"
            path.write_bytes(content)
            if len(content) > MAX_BYTES:
                print(f"{name:<40}{len(content) / 1e6:>7.2f}  over the size limit: refused before reading")
                continue
            done = subprocess.run([sys.executable, __file__, "--child", name, str(path)], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=300)
            try:
                result = json.loads(done.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                print(f"{name:<40}{len(content) / 1e6:>7.2f}  MISS: the check failed: {done.stderr[-300:]}")
                misses += 1
                continue
            passed = result["seconds"] < SECONDS and result["peak_mb"] < MEGABYTES
            misses += not passed
            print(f"{name:<40}{len(content) / 1e6:>7.2f}{result['seconds']:>8.2f}{result['peak_mb']:>9.0f}  "
                  f"{'PASS' if passed else 'MISS'}     {result['said']}", flush=True)
    print(f"\n{'every file within' if not misses else f'{misses} file(s) over'} {SECONDS:g} s and {MEGABYTES:g} MB")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
