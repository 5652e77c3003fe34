"""The ETL killed in the middle of a build, seen from the dashboard.

The ETL's own tests check the files a killed build leaves behind; these check
that the readers never notice: queries running through `app.db`, and a running
Streamlit app (AppTest), keep answering with the previous build's figures while
a `python -m etl build` process is killed with SIGKILL, and pick up the next
build, which succeeds, without a restart.

To tell the two builds apart, the first one is built from a copy of the raw
data without its last bilateral-stock line (three rows of `migrant_stock`:
total, female, male); the builds after it use the full copy.
"""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.build import TEST_HOLD_ENV, build
from tests.conftest import PROJECT_ROOT, app_reading

STOCK_FILE = "un_desa_ims2020_bilateral_stock_ots.csv"
ROWS_PER_STOCK_LINE = 3  # total, female, male
KILL_DEADLINE = 60.0


def stock_rows(cur) -> int:
    return cur.execute("SELECT count(*) FROM migrant_stock").fetchone()[0]


HELD_AT = "migrant_stock"  # loaded early; a dozen tables still to load when the build holds there


def start_build(raw: Path, db_path: Path, hold: bool = False) -> subprocess.Popen:
    """`python -m etl build`; with `hold`, the build stops once HELD_AT is loaded (its test-only hook)."""
    env = dict(os.environ, **({TEST_HOLD_ENV: HELD_AT} if hold else {}))
    return subprocess.Popen([sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db_path)],
                            cwd=str(PROJECT_ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, env=env)


def wait_until_holding(process: subprocess.Popen) -> None:
    """Wait for the held build to say it holds: it is then surely half-way, with tables loaded and to load."""
    said = []
    while not (said and said[-1].startswith(f"{TEST_HOLD_ENV}: ")):
        said.append(process.stdout.readline().decode())
        if not said[-1]:
            pytest.fail(f"the build ended (code {process.wait()}) without holding:\n{''.join(said)}")


def wait_until_writing(process: subprocess.Popen, db_path: Path) -> Path:
    """Wait until the build has created its new (partial) file; return it."""
    builds = db_path.parent / "builds"
    deadline = time.monotonic() + KILL_DEADLINE
    while time.monotonic() < deadline:
        partial = next(builds.glob(f"build-*-{process.pid}.duckdb.partial"), None)
        if partial is not None:
            break
        if process.poll() is not None:
            pytest.fail(f"the build ended (code {process.returncode}) before it could be killed:\n"
                        f"{process.stdout.read().decode()}")
        time.sleep(0.005)
    else:
        process.kill()
        pytest.fail("the build never started writing its file")
    return partial


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL, "the build finished before the kill: nothing was tested"


def kill_mid_build(process: subprocess.Popen, db_path: Path, held: bool) -> Path:
    """SIGKILL the build as soon as it has created its new file, or once it holds (started with `hold`);
    return that partial file."""
    partial = wait_until_writing(process, db_path)
    if held:
        wait_until_holding(process)
    kill(process)
    return partial


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def previous_build(raw_copy, tmp_path, monkeypatch):
    """A published build made from the raw copy minus one stock line; the raw copy is then made whole again."""
    stock = raw_copy / STOCK_FILE
    full = stock.read_bytes()
    stock.write_bytes(full.rstrip(b"\r\n").rsplit(b"\n", 1)[0] + b"\n")
    db_path = tmp_path / "published" / "current.duckdb"
    result = build(raw_copy, db_path)
    stock.write_bytes(full)
    with app_reading(db_path, tmp_path, monkeypatch):
        yield db_path, result


class Readers:
    """Threads querying the current build through `app.db` in a loop, as Streamlit sessions do."""

    def __init__(self, count: int = 4):
        self.counts: set[int] = set()
        self.builds: set[str] = set()
        self.errors: list[str] = []
        self.queries = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(count)]

    def _run(self) -> None:
        from app import db
        while not self._stop.is_set():
            try:
                build_id = db.build_id()
                with db.cursor() as cur:
                    count = stock_rows(cur)
                self.builds.add(build_id)
                self.counts.add(count)
                self.queries += 1
            except Exception as error:  # noqa: BLE001 - any failure is what the test reports
                self.errors.append(f"{type(error).__name__}: {error}")
            time.sleep(0.002)

    def wait_for_queries(self, count: int) -> None:
        """Wait until the readers have answered `count` queries in all (or one of them failed)."""
        deadline = time.monotonic() + KILL_DEADLINE
        while self.queries < count and not self.errors and time.monotonic() < deadline:
            time.sleep(0.005)

    def __enter__(self) -> "Readers":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)


@pytest.mark.parametrize("held", [False, True], ids=["at-start", "while-loading"])
def test_readers_keep_the_previous_build_while_a_build_is_killed(previous_build, raw_copy, held):
    from app import db
    db_path, first = previous_build
    with db.cursor() as cur:
        old_count = stock_rows(cur)
    old_build_id = db.build_id()
    old_target = os.readlink(db_path)
    old_digest = digest(first.database)

    with Readers() as readers:
        partial = kill_mid_build(start_build(raw_copy, db_path, hold=held), db_path, held)
        queries_at_kill = readers.queries
        readers.wait_for_queries(queries_at_kill + 20)  # and after the kill

    assert readers.errors == []
    assert readers.queries > queries_at_kill > 0
    assert readers.counts == {old_count}
    assert readers.builds == {old_build_id}
    assert os.readlink(db_path) == old_target
    assert digest(first.database) == old_digest
    assert partial.name.endswith(".partial")  # what was killed never became a build the dashboard could read
    assert sorted(p.name for p in (db_path.parent / "builds").glob("build-*.duckdb")) == [first.database.name]


def test_next_build_succeeds_and_readers_move_to_it_without_restart(previous_build, raw_copy):
    from app import db
    db_path, first = previous_build
    with db.cursor() as cur:
        old_count = stock_rows(cur)
    kill_mid_build(start_build(raw_copy, db_path, hold=True), db_path, held=True)

    with Readers() as readers:
        rebuild = start_build(raw_copy, db_path)
        output = rebuild.communicate(timeout=120)[0].decode()
        assert rebuild.returncode == 0, output
        deadline = time.monotonic() + 10
        while len(readers.counts) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)

    assert readers.errors == []
    assert readers.counts == {old_count, old_count + ROWS_PER_STOCK_LINE}
    with db.cursor() as cur:
        assert stock_rows(cur) == old_count + ROWS_PER_STOCK_LINE
    assert Path(os.path.realpath(db_path)) != first.database


APP_SCRIPT = """
import streamlit as st
from app import cached
from app.queries import common

countries = cached.load(common.countries)
st.metric("countries", len(countries))
st.text(cached.db.build_id())
with cached.db.cursor() as cur:
    st.metric("stock rows", cur.execute("SELECT count(*) FROM migrant_stock").fetchone()[0])
"""


def run_app(at: AppTest) -> tuple[int, str]:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return int(at.metric[1].value), at.text[0].value


def test_running_app_answers_through_a_killed_build_and_picks_up_the_next(previous_build, raw_copy):
    """One app session, rerun before, during and after a killed build, then after a successful one."""
    db_path, _ = previous_build
    at = AppTest.from_string(APP_SCRIPT, default_timeout=60)
    before = run_app(at)

    process = start_build(raw_copy, db_path, hold=True)
    wait_until_writing(process, db_path)
    wait_until_holding(process)  # half-way, so the rerun surely happens mid-build
    during = run_app(at)
    kill(process)
    assert during == before
    assert run_app(at) == before

    rebuild = start_build(raw_copy, db_path)
    assert rebuild.wait(timeout=120) == 0
    rebuild.stdout.close()
    rows, build_id = run_app(at)
    assert build_id != before[1]
    assert rows == before[0] + ROWS_PER_STOCK_LINE
