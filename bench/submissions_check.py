"""Checking an upload: how long `app.uploads.check` takes on files up to the row limit.

Builds the database from data/raw into a temporary folder (with an empty store
there too), writes CSV and Excel files of 1,000 / 5,000 / 20,000 valid rows,
and prints the time to read, validate and classify each (median of a few runs).
Target: the largest file allowed (20,000 rows) checked in under 5 s, so the
editor's preview appears within a page load. Excel is read by the dashboard's
streaming reader (app/uploads/workbook.py, so that formulas arrive as formulas, not
values): expect it to be slower than CSV. Files built to cost as much as
possible are measured by bench/hostile_uploads.py. Run it on a quiet machine;
the figures scale with load.

    python bench/submissions_check.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TARGET_SECONDS = 5.0


def csv_file(rows: int, columns: list[str]) -> bytes:
    lines = [",".join(columns)]
    lines += [f"labour,R{n},KAZ,RUS,entries_for_work,{n},persons (about),2024-01-01,2024-12-31,"
              f"\"Entries for work, {n}\",Ministry,https://example.org/{n},2025-01-15," for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def excel_file(rows: int, columns: list[str]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("figures")
    sheet.append(columns)
    for n in range(rows):
        sheet.append(["labour", f"R{n}", "KAZ", "RUS", "entries_for_work", n, "persons (about)", "2024-01-01",
                      "2024-12-31", f"Entries for work, {n}", "Ministry", f"https://example.org/{n}", "2025-01-15",
                      None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["OTS_DB_PATH"] = str(Path(folder) / "current.duckdb")
        os.environ["OTS_STATE_PATH"] = str(Path(folder) / "state" / "app_state.sqlite3")
        from etl.build import DEFAULT_RAW_DIR, build
        build(DEFAULT_RAW_DIR, Path(os.environ["OTS_DB_PATH"]))
        from app import cached
        from app import uploads as submissions
        from app.queries import common, figures
        known = set(cached.run_uncached(common.countries)["iso3"])
        existing = cached.run_uncached(figures.all_figures)
        print(f"{'file':<22}{'MB':>8}{'median s':>10}  verdict")
        for rows in (1_000, 5_000, submissions.MAX_ROWS):
            for kind, maker in (("csv", csv_file), ("xlsx", excel_file)):
                content = maker(rows, submissions.TEMPLATE_COLUMNS)
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    preview = submissions.check(content, f"bench.{kind}", known, existing)
                    times.append(time.perf_counter() - start)
                assert preview.loadable == rows and not preview.problems, preview.problems[:3]
                median = statistics.median(times)
                verdict = "ok" if median < TARGET_SECONDS or rows < submissions.MAX_ROWS else "SLOW"
                print(f"{f'{rows:,} rows .{kind}':<22}{len(content) / 1e6:>8.2f}{median:>10.2f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
