"""Two dashboard processes on one data folder: both read and write the app's store, nothing lost, no error.

Before the store moved to SQLite, a second process could not even read it while
the dashboard ran ("Could not set lock on file … app_state.duckdb: Conflicting
lock"), and AppTest of the Submit figures page beside a running dashboard showed
the error box. Here two worker processes record statuses (some on the same
cells, so the check that a cell did not change meanwhile must hold across
processes) and confirm submissions, while this process reads, then submits a
file through the page itself. Afterwards every accepted write is in the store
exactly once, and this process's cached views saw the other processes' writes
without being told.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
import types

from streamlit.testing.v1 import AppTest

from app import cached
from app.store import connection as state
from app.store import submissions as submissions_store
from app.queries import measures
from tests.conftest import PROJECT_ROOT

ROUNDS = 6  # edits per worker in each phase
SHARED = [("M1-STAY", "KAZ"), ("M1-STAY", "UZB")]
WAIT = 120


def figures_file(name: str, number: int) -> bytes:
    from app import uploads as submissions
    rows = [",".join(submissions.TEMPLATE_COLUMNS)]
    for line in range(2):
        cells = {"topic": "labour", "record_id": f"{name}-{number}-{line}", "nationality_iso3": "KGZ",
                 "location_iso3": "KAZ", "indicator": "entries_for_work",
                 "value": str(100 * number + 10 * len(name) + line),  # two workers never send the same figure
                 "unit": "persons", "period_start": "2025-01-01", "period_end": f"2025-0{line + 1}-28",
                 "description": name, "source_publisher": "Ministry of Labour", "source_url": "",
                 "source_date": "", "date_note": ""}
        rows.append(",".join(cells[column] for column in submissions.TEMPLATE_COLUMNS))
    return ("\n".join(rows) + "\n").encode()


def worker(name: str, db_path: str, state_path: str, cells: list, phase_done, go_on, results) -> None:
    """A dashboard process: records statuses and confirms submissions, reading between writes."""
    os.environ["OTS_DB_PATH"], os.environ["OTS_STATE_PATH"] = db_path, state_path
    from app import cached
    from app import uploads as submissions
    from app.store import measures as measures_store
    from app.queries import common, figures, measures

    outcome = {"accepted": [], "refused": 0, "submissions": {}, "reads": 0, "errors": []}
    for phase in (1, 2):
        for number in range(ROUNDS):
            measure_id, iso3 = cells[number % len(cells)]
            status, note = ("in progress", "implemented")[number % 2], f"{name} phase {phase} edit {number}"
            try:
                seen = cached.run_uncached(measures.cell_status, measure_id, iso3)["row_key"].iloc[0]
                edit_id = measures_store.record_status(measure_id, iso3, status, "2021-06-02", note,
                                                       "Note verbale", name, name.title(), seen)
                outcome["accepted"].append((edit_id, measure_id, iso3, status, note))
            except measures_store.StatusChangedMeanwhile:
                outcome["refused"] += 1
            except Exception:  # noqa: BLE001 - reported by the test
                outcome["errors"].append(traceback.format_exc(limit=5))
            try:
                if number % 3 == 0:
                    content = figures_file(name, 10 * phase + number)
                    preview = submissions.check(content, f"{name}.csv", set(cached.run_uncached(common.countries)["iso3"]),
                                                cached.run_uncached(figures.all_figures))
                    outcome["submissions"][submissions.confirm(preview, content, name)] = list(
                        preview.added["record_id"])
                cached.run_uncached(figures.all_figures, "labour")
                cached.run_uncached(measures.current_status)
                outcome["reads"] += 1
            except Exception:  # noqa: BLE001
                outcome["errors"].append(traceback.format_exc(limit=5))
        if phase == 1:
            phase_done.wait(WAIT)
            go_on.wait(WAIT)
    results.put((name, outcome))


def test_two_processes_write_and_read_one_store_while_this_one_uses_the_page(app_env, monkeypatch):
    state.check_available()  # the store exists before the workers start, as with a running dashboard
    before = cached.load(measures.current_status)  # cached in this process, keyed on the store's version
    version = state.version()
    context = multiprocessing.get_context("spawn")
    phase_done, go_on, results = context.Barrier(3), context.Event(), context.Queue()
    workers = [context.Process(target=worker, args=(name, os.environ["OTS_DB_PATH"], os.environ["OTS_STATE_PATH"],
                                                     SHARED + [own], phase_done, go_on, results))
               for name, own in (("aydin", ("M1-STAY", "AZE")), ("gulnara", ("M1-STAY", "KGZ")))]
    # A spawned process first runs the parent's __main__ again; after an AppTest in this process that is
    # dashboard.py (AppTest runs scripts as __main__), which fails outside Streamlit, so the workers never
    # started. They need nothing from __main__: their function is imported from this module.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    for process in workers:
        process.start()
    try:
        phase_done.wait(WAIT)  # the workers have written; this process has not
        assert state.version() != version
        after = cached.load(measures.current_status)  # no cache cleared: the version alone tells
        assert not after.equals(before)
        assert set(after.loc[after["country_iso3"] == "AZE", "status"]) & {"in progress", "implemented"}
        go_on.set()

        # Meanwhile, the Submit figures page in this process: upload, check, confirm.
        at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
        at.session_state["auth_editor"] = "secretariat"
        at.switch_page("pages/submit.py").run()
        content = (PROJECT_ROOT / "tests" / "fixtures" / "submissions" / "good_bom_crlf.csv").read_bytes()
        at.file_uploader[0].set_value(("kaz.csv", content, "text/csv")).run()
        next(b for b in at.button if b.label.startswith("Load 2 figures")).click().run()
        assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
        assert any(s.value.startswith("Stored as submission S-") for s in at.success)

        outcomes = dict(results.get(timeout=WAIT) for _ in workers)
    finally:
        go_on.set()
        for process in workers:
            process.join(timeout=WAIT)
            if process.is_alive():
                process.kill()
    assert all(process.exitcode == 0 for process in workers)
    assert [error for outcome in outcomes.values() for error in outcome["errors"]] == []

    # Every accepted edit is stored once, exactly as saved; the refused ones were refused because the
    # shared cell changed meanwhile in the other process.
    accepted = sorted(edit for outcome in outcomes.values() for edit in outcome["accepted"])
    stored = state.frame("SELECT edit_id, measure_id, country_iso3, status, note FROM measure_status_edits "
                         "ORDER BY edit_id")
    assert accepted == [tuple(row) for row in stored.itertuples(index=False)]
    assert len(accepted) + sum(o["refused"] for o in outcomes.values()) == 2 * 2 * ROUNDS
    assert all(o["reads"] == 2 * ROUNDS for o in outcomes.values())
    # Every submission of every process, and its kept file.
    submitted = {sid: records for outcome in outcomes.values() for sid, records in outcome["submissions"].items()}
    history = submissions_store.history()
    assert len(history) == len(submitted) + 1 and set(submitted) <= set(history["submission_id"])
    assert all(submissions_store.kept_file(sid) is not None for sid in history["submission_id"])
    shown = cached.load(measures.current_status).set_index(["measure_id", "country_iso3"])
    last = {(m, s): status for _id, m, s, status, _note in accepted}
    assert {cell: shown.loc[cell, "status"] for cell in last} == last
