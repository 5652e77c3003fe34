"""Publishing is atomic: a failed or killed build leaves the published database as it was.

A build writes `builds/build-<run>-<pid>.duckdb.partial`, renames it when every
check has passed and only then swaps the `current.duckdb` link. These tests kill
`python -m etl build` with SIGKILL while it loads a large raw folder, and at its
last moment (held there by the test-only OTS_ETL_TEST_PAUSE), and check that the
old build is untouched and still answers, and that the next build succeeds and
clears what the killed one left. A reader holding the old build keeps working
while a new one is published, and `app.db` moves to the new one without a restart.
"""
from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from bench.synthetic import generate
from etl.build import TEST_HOLD_ENV, TEST_PAUSE_ENV, build
from etl.validate import ValidationFailed
from tests.conftest import PROJECT_ROOT
from tests.fixtures.etl import tiny_raw
from tests.fixtures.etl.site import Site, leftovers, published_state
from tests.fixtures.etl.tiny_raw import rewrite

STOCK = "un_desa_ims2020_bilateral_stock_ots.csv"
STOCK_ROWS = len(tiny_raw.STOCK) * 3 + len(tiny_raw.STOCK_2024) * 3 // 2  # both editions: every sex, and
# the 2024 edition's total of women and men
DEADLINE = 120.0


@pytest.fixture(scope="module")
def large_raw(tmp_path_factory) -> Path:
    """Five years of the full synthetic world matrix: a build of a few seconds, long enough to be killed in."""
    folder = tmp_path_factory.mktemp("large") / "raw"
    generate(folder, first_year=2016, last_year=2020)
    return folder


def start_build(raw: Path, db: Path, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db)],
                            cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_partial(process: subprocess.Popen, site: Site) -> Path:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        partial = next(site.builds.glob(f"build-*-{process.pid}.duckdb.partial"), None)
        if partial is not None:
            return partial
        if process.poll() is not None:
            pytest.fail(f"the build ended (code {process.returncode}) before it wrote anything:\n"
                        f"{process.stderr.read()}")
        time.sleep(0.005)
    process.kill()
    pytest.fail("the build never started writing its file")


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the build finished before the kill: nothing was tested"


def stock_rows(path: Path) -> int:
    with duckdb.connect(os.path.realpath(path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM migrant_stock").fetchall()[0][0]


def test_a_failed_build_leaves_everything_as_it_was(site: Site):
    before = published_state(site.db)
    files_before = sorted(p.name for p in site.builds.iterdir())
    rows = copy.deepcopy(tiny_raw.FLOWS)
    rows[0]["flow_total"] = -5
    rewrite(site.raw, "abel_cohen_flows_da_pb_closed_ots.csv", rows)
    with pytest.raises(ValidationFailed):
        build(site.raw, site.db)
    assert published_state(site.db) == before
    assert sorted(p.name for p in site.builds.iterdir()) == files_before
    assert stock_rows(site.db) == STOCK_ROWS


def test_a_build_killed_while_loading_changes_nothing_and_the_next_one_cleans_up(site: Site):
    before = published_state(site.db)
    process = start_build(site.raw, site.db, **{TEST_HOLD_ENV: "migrant_stock"})  # holds with tables to load
    said = []
    while not (said and said[-1].startswith(f"{TEST_HOLD_ENV}: ")):
        said.append(process.stderr.readline())
        assert said[-1], f"the build ended without holding: {''.join(said)}"
    partial = wait_for_partial(process, site)
    kill(process)

    assert published_state(site.db) == before
    assert stock_rows(site.db) == STOCK_ROWS  # the previous build still answers
    assert partial.exists()  # what the killed build left...

    result = build(site.raw, site.db)
    assert not partial.exists()  # ...is cleared by the next one, which publishes
    assert leftovers(site) == []
    assert published_state(site.db).real_file == result.database
    assert stock_rows(site.db) == STOCK_ROWS


def test_a_build_killed_just_before_publishing_changes_nothing(site: Site):
    before = published_state(site.db)
    rewrite(site.raw, STOCK, tiny_raw.STOCK[:-1])
    process = start_build(site.raw, site.db, **{TEST_PAUSE_ENV: "60"})
    said = []
    while not (said and said[-1].startswith(f"{TEST_PAUSE_ENV}: ")):
        said.append(process.stderr.readline())
        assert said[-1], f"the build ended without pausing: {''.join(said)}"
    partial = wait_for_partial(process, site)
    kill(process)

    assert published_state(site.db) == before
    assert stock_rows(site.db) == STOCK_ROWS
    assert stock_rows(partial) == STOCK_ROWS - 3  # complete, yet never published

    build(site.raw, site.db)
    assert not partial.exists()
    assert leftovers(site) == []
    assert stock_rows(site.db) == STOCK_ROWS - 3


def test_a_reader_keeps_the_old_build_and_the_app_moves_to_the_new_one(site: Site, monkeypatch):
    from app import db

    monkeypatch.setenv(db.DB_PATH_ENV, str(site.db))
    db.close_all()
    old_file = published_state(site.db).real_file
    try:
        with db.cursor() as cur:
            old_run = cur.execute("SELECT max(run_id) FROM etl_runs WHERE status = 'succeeded'").fetchall()[0][0]
        old_build_id = db.build_id()
        with duckdb.connect(str(old_file), read_only=True) as reader:
            rewrite(site.raw, STOCK, tiny_raw.STOCK[:-1])
            done = subprocess.run([sys.executable, "-m", "etl", "build", "--raw", str(site.raw), "--db",
                                   str(site.db)], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                  env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, timeout=DEADLINE)
            assert done.returncode == 0, done.stderr
            # The reader that opened the old file still reads it, whole.
            assert reader.execute("SELECT count(*) FROM migrant_stock").fetchall() == [(STOCK_ROWS,)]
            assert old_file.exists()

        assert db.build_id() != old_build_id
        with db.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM migrant_stock").fetchall() == [(STOCK_ROWS - 3,)]
            new_run = cur.execute("SELECT max(run_id) FROM etl_runs WHERE status = 'succeeded'").fetchall()[0][0]
        assert new_run > old_run
    finally:
        db.close_all()


def test_the_published_build_is_kept_however_many_newer_files_appear(site: Site):
    published = published_state(site.db)
    for name in ("build-29990101T000000000000Z.duckdb", "build-29990102T000000000000Z.duckdb",
                 "build-29990103T000000000000Z.duckdb"):
        (site.builds / name).write_bytes(b"not a database, and newer by name")
    rows = copy.deepcopy(tiny_raw.FLOWS)
    rows[0]["flow_total"] = -5
    rewrite(site.raw, "abel_cohen_flows_da_pb_closed_ots.csv", rows)
    with pytest.raises(ValidationFailed):
        build(site.raw, site.db)  # a build tidies the folder first, even one that then fails
    assert published_state(site.db) == published


def test_old_builds_are_pruned_to_the_last_three(site: Site):
    results = [build(site.raw, site.db) for _ in range(4)]
    kept = sorted(p.name for p in site.builds.glob("build-*.duckdb"))
    assert kept == sorted(r.database.name for r in results[-3:])
    assert published_state(site.db).real_file == results[-1].database


def test_a_link_left_by_a_killed_publish_is_removed(site: Site):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    dead_pid = int(finished.stdout)
    stale = site.db.with_name(f".{site.db.name}.{dead_pid}.link")
    os.symlink("builds/nowhere.duckdb", stale)
    build(site.raw, site.db)
    assert not os.path.lexists(stale)
    assert leftovers(site) == []


def test_the_fast_reader_keeps_the_files_order_on_a_large_file(large_raw: Path):
    # Row positions stand for line numbers (a problem is reported at its line) and keep each year's rows together
    # in the table. Checking codes with a join let DuckDB return a file of this size out of order.
    import pandas as pd

    from etl.build import DEFAULT_RAW_DIR
    from etl.bulk_read import read_clean
    from etl.sources import migrant_stock_2024
    reference = pd.read_csv(DEFAULT_RAW_DIR / "country_reference.csv", dtype=str, keep_default_na=False)
    path = large_raw / migrant_stock_2024.RAW.filename
    typed = read_clean(path, migrant_stock_2024.RAW, set(reference["iso3"]) | {"OOO"}, check_key=False)
    assert typed is not None and len(typed) > 600_000
    expected = pd.read_csv(path, usecols=["year", "destination_iso3", "origin_iso3", "sex"], dtype=str)
    for column in expected.columns:
        assert typed[column].astype(str).tolist() == expected[column].tolist(), column
