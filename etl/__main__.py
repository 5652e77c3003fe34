"""Command line: `python -m etl build [--raw DIR] [--db PATH]` and `python -m etl describe`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

from etl.build import DEFAULT_DB_PATH, DEFAULT_RAW_DIR, build
from etl.describe import describe
from etl.validate import ValidationFailed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="validate data/raw and publish a new database")
    build_cmd.add_argument("--raw", type=Path, default=DEFAULT_RAW_DIR, help="folder of raw files")
    build_cmd.add_argument("--db", type=Path, default=DEFAULT_DB_PATH, help="database path the dashboard reads")
    describe_cmd = commands.add_parser("describe", help="print the data dictionary")
    describe_cmd.add_argument("--format", choices=("text", "markdown"), default="text")
    args = parser.parse_args(argv)

    if args.command == "describe":
        try:
            print(describe(markdown=args.format == "markdown"))
        except BrokenPipeError:  # `python -m etl describe | head`
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    try:
        result = build(args.raw, args.db)
    except ValidationFailed as failure:
        print(f"Build failed; the published database was not changed.\n{failure}", file=sys.stderr)
        return 1
    except (OSError, duckdb.IOException) as error:  # disk full, no permission to write beside --db, ...
        print(f"Build failed; the published database was not changed.\nCould not write the new database "
              f"beside {args.db}: {error}", file=sys.stderr)
        return 1
    total = sum(result.row_counts.values())
    print(f"Built {result.database.name} in {result.seconds:.2f} s: {total:,} rows "
          f"({total / result.seconds:,.0f} rows/s), published as {args.db}")
    for table, count in result.row_counts.items():
        print(f"  {table:<24}{count:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
