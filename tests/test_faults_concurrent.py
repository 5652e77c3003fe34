"""Two editors, a submission and readers while the database is rebuilt: nothing lost, no lock error.

What a delegation meeting can do to the dashboard at once: two Secretariat
editors record measure statuses on overlapping cells, a third confirms
member-state files of figures, several readers keep the pages' queries running,
and meanwhile `etl.build.build` publishes new builds at the same OTS_DB_PATH.
Afterwards every accepted edit and submission is in the store and visible
through the read side; the edits refused were refused because the cell
"changed meanwhile" (never with an exception); and no thread ever met a DuckDB
lock, "busy" or "closed" error.
"""
from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app import cached, db
from app import uploads as submissions
from app.store import measures as measures_store
from app.store import connection as state
from app.store import submissions as submissions_store
from app.queries import common, figures, measures
from etl.build import DEFAULT_RAW_DIR, build
from tests.conftest import app_reading, publish_copy

SOURCE = "Note verbale of the Secretariat, 2 June 2021"
EDITS_PER_EDITOR = 12
SUBMISSIONS = 4
REBUILDS = 2
READERS = 3
DEADLINE = 120.0
# What DuckDB says when connections collide or one is used after closing.
LOCK_WORDS = ("could not set lock", "conflicting lock", "lock on file", "is locked", "is busy", "already closed")


@dataclass
class Outcomes:
    accepted_edits: list[tuple[int, str, str, str, str]] = field(default_factory=list)  # id, measure, state, status, note
    refused_edits: list[measures_store.StatusChangedMeanwhile] = field(default_factory=list)
    submissions: dict[str, list[str]] = field(default_factory=dict)  # submission id -> record ids
    builds: list[str] = field(default_factory=list)
    builds_seen_by_editors: set[str] = field(default_factory=set)
    reads: int = 0
    errors: list[str] = field(default_factory=list)
    lock = threading.Lock()

    def fail(self, who: str) -> None:
        with self.lock:
            self.errors.append(f"{who}: {traceback.format_exc(limit=4)}")


@pytest.fixture
def published(built_db, tmp_path, monkeypatch):
    """A build of our own (it is rebuilt during the test) and a fresh store."""
    db_path = tmp_path / "db" / "current.duckdb"
    publish_copy(built_db, db_path)
    with app_reading(db_path, tmp_path, monkeypatch):
        yield db_path


def editor(name: str, cells: list[tuple[str, str]], outcomes: Outcomes, start: threading.Barrier,
           opened: threading.Barrier, rebuilt: threading.Event) -> None:
    """Open a cell (read its current row), then save a status based on it, like the edit form.

    Both editors open their cell of a round before either saves (`opened`), so on the cells they
    share one save must find the cell changed meanwhile. They go on until the rebuilds are done.
    """
    start.wait()
    number = 0
    while number < EDITS_PER_EDITOR or not rebuilt.is_set():
        measure_id, iso3 = cells[number % len(cells)]
        status = ("in progress", "implemented")[number % 2]
        note = f"{name} edit {number}"
        number += 1
        try:
            seen = cached.run_uncached(measures.cell_status, measure_id, iso3)["row_key"].iloc[0]
            try:
                opened.wait(timeout=DEADLINE)
            except threading.BrokenBarrierError:
                break  # the other editor has stopped; the rounds are over
            edit_id = measures_store.record_status(measure_id, iso3, status, "2021-06-02", note, SOURCE,
                                                   name, name.title(), seen)
            with outcomes.lock:
                outcomes.accepted_edits.append((edit_id, measure_id, iso3, status, note))
                outcomes.builds_seen_by_editors.add(db.build_id())
        except measures_store.StatusChangedMeanwhile as refused:
            with outcomes.lock:
                outcomes.refused_edits.append(refused)
        except Exception:  # noqa: BLE001 - any other failure is what the test reports
            outcomes.fail(name)
            opened.abort()
            return
        if number >= 10 * EDITS_PER_EDITOR:
            break
    opened.abort()  # the other editor must not wait for a round this one will not open


def figures_file(number: int) -> bytes:
    rows = [",".join(submissions.TEMPLATE_COLUMNS)]
    for line in range(3):
        record = {"topic": "labour", "record_id": f"FAULT-{number}-{line}", "nationality_iso3": "KGZ",
                  "location_iso3": "KAZ", "indicator": "entries_for_work", "value": str(1000 * number + line),
                  "unit": "persons", "period_start": "2025-01-01", "period_end": f"2025-0{line + 1}-28",
                  "description": "Entries for work", "source_publisher": "Ministry of Labour",
                  "source_url": "", "source_date": "2025-07-15", "date_note": ""}
        rows.append(",".join(record[column] for column in submissions.TEMPLATE_COLUMNS))
    return ("\r\n".join(rows) + "\r\n").encode()


def submitter(outcomes: Outcomes, start: threading.Barrier, rebuilt: threading.Event) -> None:
    start.wait()
    number = 0
    while number < SUBMISSIONS or (not rebuilt.is_set() and number < 10 * SUBMISSIONS):
        number += 1
        try:
            content = figures_file(number)
            known = set(cached.run_uncached(common.countries)["iso3"])
            existing = cached.run_uncached(figures.all_figures)
            preview = submissions.check(content, f"kgz-{number}.csv", known, existing)
            assert not preview.problems and preview.loadable == 3, preview.problems
            submission_id = submissions.confirm(preview, content, "secretariat")
            with outcomes.lock:
                outcomes.submissions[submission_id] = list(preview.added["record_id"])
        except Exception:  # noqa: BLE001
            outcomes.fail("submitter")
        time.sleep(0.2)


def rebuilder(db_path: Path, outcomes: Outcomes, start: threading.Barrier, rebuilt: threading.Event) -> None:
    start.wait()
    for _ in range(REBUILDS):
        try:
            result = build(DEFAULT_RAW_DIR, db_path)
            outcomes.builds.append(result.database.name)
        except Exception:  # noqa: BLE001
            outcomes.fail("rebuild")
    rebuilt.set()


def reader(outcomes: Outcomes, stop: threading.Event, start: threading.Barrier) -> None:
    """The queries of the measures, submissions and figure pages, as sessions run them."""
    start.wait()
    queries = [(measures.current_status, ()), (measures.meetings, ()), (figures.all_figures, ("labour",)),
               (common.countries, ())]
    number = 0
    while not stop.is_set():
        query, args = queries[number % len(queries)]
        number += 1
        try:
            cached.run_uncached(query, *args)
            with outcomes.lock:
                outcomes.reads += 1
        except Exception:  # noqa: BLE001
            outcomes.fail(f"reader {query.__name__}")


def test_editors_submission_and_readers_during_rebuilds(published):
    first_build = db.build_id()
    shared = [("M1-STAY", "KAZ"), ("M1-STAY", "UZB")]  # both editors work on these: some saves must collide
    cells_a = shared + [("M1-STAY", "AZE")]
    cells_b = shared + [("M1-STAY", "KGZ")]
    outcomes, stop, rebuilt = Outcomes(), threading.Event(), threading.Event()
    start, opened = threading.Barrier(5 + READERS), threading.Barrier(2)
    workers = [threading.Thread(target=editor, args=("aydin", cells_a, outcomes, start, opened, rebuilt)),
               threading.Thread(target=editor, args=("gulnara", cells_b, outcomes, start, opened, rebuilt)),
               threading.Thread(target=submitter, args=(outcomes, start, rebuilt)),
               threading.Thread(target=rebuilder, args=(published, outcomes, start, rebuilt))]
    readers = [threading.Thread(target=reader, args=(outcomes, stop, start)) for _ in range(READERS)]
    for thread in workers + readers:
        thread.start()
    start.wait()
    for thread in workers:
        thread.join(timeout=DEADLINE)
    stop.set()
    for thread in readers:
        thread.join(timeout=DEADLINE)
    assert not any(thread.is_alive() for thread in workers + readers), "a thread hung"

    assert outcomes.errors == [], "\n".join(outcomes.errors)
    assert not any(word in str(refused).lower() for refused in outcomes.refused_edits for word in LOCK_WORDS)
    assert len(outcomes.builds) == REBUILDS and db.build_id() != first_build
    assert outcomes.reads > 0
    assert len(outcomes.builds_seen_by_editors) >= 2, "the edits did not overlap the rebuilds"
    rounds = len(outcomes.accepted_edits) + len(outcomes.refused_edits)
    assert rounds >= 2 * EDITS_PER_EDITOR
    assert len(outcomes.refused_edits) > 0, "the editors never collided on a shared cell"

    # Every accepted edit is stored exactly as saved, and nothing else is.
    stored = state.frame("SELECT edit_id, measure_id, country_iso3, status, note FROM measure_status_edits "
                         "ORDER BY edit_id")
    assert sorted(outcomes.accepted_edits) == [tuple(row) for row in stored.itertuples(index=False)]
    # The read side on the newest build shows the last accepted edit of each cell as its current status.
    current = cached.run_uncached(measures.current_status).set_index(["measure_id", "country_iso3"])
    last = {}
    for edit_id, measure_id, iso3, status, note in sorted(outcomes.accepted_edits):
        last[(measure_id, iso3)] = (status, note)
    for cell, (status, note) in last.items():
        assert (current.loc[cell, "status"], current.loc[cell, "note"]) == (status, note), cell
    # A refusal names the status that won, and that status was accepted.
    accepted_notes = {note for *_, note in outcomes.accepted_edits}
    for refused in outcomes.refused_edits:
        assert refused.current["note"] in accepted_notes

    # Every confirmed submission is in the history, its file kept, its figures on the pages' read side.
    assert len(outcomes.submissions) >= SUBMISSIONS
    history = submissions_store.history()
    assert set(outcomes.submissions) <= set(history["submission_id"])
    for submission_id in outcomes.submissions:
        assert submissions_store.kept_file(submission_id) is not None
    print(f"{rounds} edit rounds ({len(outcomes.refused_edits)} refused as changed meanwhile), "
          f"{len(outcomes.submissions)} submissions, {len(outcomes.builds)} rebuilds, {outcomes.reads} reads")
    shown = set(cached.run_uncached(figures.all_figures, "labour")["record_id"])
    assert {record for records in outcomes.submissions.values() for record in records} <= shown
