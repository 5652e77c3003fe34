"""The status model of agreed measures: append-only history, current status, validation, concurrency, rebuilds."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest

from app import cached, db
from app.store import measures as store
from app.store import connection as state
from app.queries import measures as queries
from etl.build import DEFAULT_RAW_DIR, build
from tests.conftest import publish_copy

SOURCE = "Letter of the Ministry of Internal Affairs, 3 March 2021"


def run(query, *args):
    return cached.run_uncached(query, *args)


def cell(measure_id: str, iso3: str) -> dict:
    return run(queries.cell_status, measure_id, iso3).iloc[0].to_dict()


def key(measure_id: str, iso3: str) -> str | None:
    found = run(queries.cell_status, measure_id, iso3)
    return None if found.empty else found["row_key"].iloc[0]


def edits_stored() -> int:
    return int(state.frame("SELECT count(*) AS n FROM measure_status_edits")["n"].iloc[0])


def meetings_stored() -> int:
    return int(state.frame("SELECT count(*) AS n FROM meetings_added")["n"].iloc[0])


def record(measure_id="M1-STAY", iso3="KAZ", status="implemented", as_of="2021-03-01", note=None, source=SOURCE,
           editor="aydin", based_on="current"):
    if based_on == "current":
        based_on = key(measure_id, iso3)
    return store.record_status(measure_id, iso3, status, as_of, note, source, editor, "Aydın K.", based_on)


# What the two meeting documents support, cell by cell (data/raw/SOURCES.md says why): A agreed, R requested,
# - not recorded. States in the order AZE KAZ KGZ TUR UZB HUN TKM.
DOCUMENTED = {
    "M1-STAY": "AAAAAA-", "M1-NOPENALTY": "AAAAAA-", "M1-AIRPORTS": "AAAAAA-",
    "M2-LABOUR": "-ARAR--", "M2-DATABASE": "AAAAA--",
}
LETTERS = {"A": "agreed", "R": "requested", "-": "not recorded"}


def test_build_rows_say_what_the_documents_say(app_env):
    current = run(queries.current_status)
    assert len(current) == 5 * 7
    found = {(r.measure_id, r.country_iso3): r.status for r in current.itertuples()}
    expected = {(measure, state): LETTERS[letter] for measure, letters in DOCUMENTED.items()
                for state, letter in zip(store.OTS_STATES, letters)}
    assert found == expected
    stay = current[current["measure_id"] == "M1-STAY"]
    assert set(pd.to_datetime(stay["as_of"]).dt.date) == {date(2020, 5, 7)}
    # Every status from the documents names the document and paragraphs it rests on, and says what they say.
    assert current["evidence_document"].notna().all() and current["evidence_paragraphs"].notna().all()
    assert current[["evidence", "evidence_ru", "evidence_tr"]].notna().all().all()
    labour = current.set_index(["measure_id", "country_iso3"]).loc["M2-LABOUR"]
    assert labour.loc["KAZ", ["evidence_document", "evidence_paragraphs"]].tolist() == ["MCG-SUMMARY-2020-08-07", "6"]
    assert labour.loc["UZB", "evidence_paragraphs"] == "5"


def test_cited_paragraphs_exist_in_their_documents(app_env):
    documents = run(queries.documents).set_index("document_id")
    history = run(queries.status_history)
    for document, paragraphs in [*zip(history["evidence_document"], history["evidence_paragraphs"]),
                                 *zip(history["parties_document"], history["parties_paragraphs"])]:
        assert document in documents.index
        assert all(1 <= int(n) <= documents.loc[document, "paragraphs"] for n in paragraphs.split(", "))


def test_recorded_status_becomes_current_and_history_keeps_both(app_env):
    before = datetime.now(timezone.utc).replace(tzinfo=None)
    edit_id = record(note="Decree No. 12 in force")
    assert edit_id == 1
    now = cell("M1-STAY", "KAZ")
    assert (now["status"], now["note"], now["recorded_by"], now["row_key"]) == (
        "implemented", "Decree No. 12 in force", "Aydın K.", "app:1")
    assert before <= now["recorded_at"].to_pydatetime() <= before + timedelta(minutes=1)
    history = run(queries.status_history, "M1-STAY", "KAZ")
    assert list(history["status"]) == ["agreed", "implemented"]
    assert list(history["origin"]) == ["build", "app"]
    assert cell("M1-STAY", "AZE")["status"] == "agreed"  # other cells untouched


def test_edits_are_appended_never_overwritten(app_env):
    record(status="in progress", as_of="2021-01-10")
    record(status="implemented", as_of="2021-06-01")
    stored = state.frame("SELECT edit_id, status, editor, based_on FROM measure_status_edits ORDER BY edit_id")
    assert list(stored["status"]) == ["in progress", "implemented"]
    assert list(stored["based_on"]) == ["build:M1-STAY:KAZ:2020-05-07:agreed:2020-05-07 00:00:00", "app:1"]
    assert set(stored["editor"]) == {"aydin"}


def test_backdated_status_joins_history_without_becoming_current(app_env):
    record(status="implemented", as_of="2021-06-01")
    record(status="in progress", as_of="2021-02-01")
    assert cell("M1-STAY", "KAZ")["status"] == "implemented"
    history = run(queries.status_history, "M1-STAY", "KAZ")
    assert list(history["status"]) == ["agreed", "in progress", "implemented"]


def test_same_as_of_date_later_record_wins(app_env):
    record(status="in progress", as_of="2021-03-01")
    record(status="not applicable", as_of="2021-03-01", note="Correction: no visa regime applies")
    assert cell("M1-STAY", "KAZ")["status"] == "not applicable"


def test_implemented_per_state_counts_current_statuses(app_env):
    record("M1-STAY", "KAZ", "implemented")
    record("M1-NOPENALTY", "KAZ", "implemented")
    record("M2-LABOUR", "KAZ", "not applicable", as_of="2021-03-01")
    record("M1-AIRPORTS", "KAZ", "in progress")
    record("M1-AIRPORTS", "KAZ", "implemented", as_of="2021-01-01")  # older than the current row: not counted
    summary = run(queries.implemented_per_state).set_index("country_iso3")
    assert list(summary.index) == ["AZE", "KAZ", "KGZ", "TUR", "UZB", "HUN", "TKM"]
    kaz = summary.loc["KAZ"]
    assert (kaz.measures, kaz.committed, kaz.implemented, kaz.in_progress, kaz.agreed, kaz.not_applicable) == (
        5, 4, 2, 1, 1, 1)
    # "Requested" and "not recorded" are neither commitments nor failures: counted apart, never in `committed`.
    uzb, tkm, aze = summary.loc["UZB"], summary.loc["TKM"], summary.loc["AZE"]
    assert (uzb.measures, uzb.committed, uzb.agreed, uzb.requested, uzb.not_recorded) == (5, 4, 4, 1, 0)
    assert (tkm.committed, tkm.not_recorded, tkm.implemented) == (0, 5, 0)
    assert (aze.committed, aze.agreed, aze.not_recorded, aze.implemented) == (4, 4, 1, 0)


def test_note_with_html_is_stored_exactly_as_typed(app_env):
    note = '<script>alert("x")</script> <b>bold</b> & more'
    record(note=note)
    assert cell("M1-STAY", "KAZ")["note"] == note


def test_multiline_note_is_accepted_with_unix_line_breaks(app_env):
    record(note="First line\r\nSecond line\tindented")
    assert cell("M1-STAY", "KAZ")["note"] == "First line\nSecond line\tindented"


def in_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("changes, message", [
    ({"iso3": "XXX"}, "State “XXX” is not a member or observer state"),
    ({"iso3": "RUS"}, "State “RUS” is not a member or observer state"),
    ({"measure_id": "M9-NOTHING"}, "Measure “M9-NOTHING” is unknown"),
    ({"status": "done"}, "Status “done” is not one of"),
    ({"as_of": in_days(30)}, "is in the future"),
    ({"as_of": "2020-05-06"}, "date 6 May 2020 is before the meeting that agreed the measure (7 May 2020)"),
    ({"as_of": "2021-02-30"}, "is not a date"),
    ({"source": "   "}, "The source is empty"),
    ({"source": "Letter\x07"}, "The source contains control characters"),
    ({"note": "x" * 2_000_001}, "The note is too long: 2,000,001 characters, at most 2,000"),
    ({"note": "ok\x00hidden"}, "The note contains control characters"),
    ({"note": "reads \u202ebackwards"}, "The note contains control characters"),
    ({"editor": ""}, "Only a signed-in editor"),
])
def test_bad_status_is_refused_and_nothing_stored(app_env, changes, message):
    with pytest.raises(store.EditRefused) as refused:
        record(**changes)
    assert any(message in problem for problem in refused.value.problems), refused.value.problems
    assert edits_stored() == 0
    assert cell("M1-STAY", "KAZ")["status"] == "agreed"


def test_every_problem_is_reported_at_once(app_env):
    with pytest.raises(store.EditRefused) as refused:
        record(iso3="XXX", status="done", source="", note="x" * 3000, based_on=None)
    assert len(refused.value.problems) == 4


def test_note_at_the_limit_is_accepted(app_env):
    record(note="n" * store.NOTE_MAX)
    assert len(cell("M1-STAY", "KAZ")["note"]) == store.NOTE_MAX


def test_status_changed_meanwhile_is_refused_and_names_the_new_status(app_env):
    seen = key("M1-STAY", "KAZ")
    record(status="in progress", based_on=seen)
    with pytest.raises(store.StatusChangedMeanwhile) as refused:
        record(status="implemented", based_on=seen)
    assert refused.value.current["status"] == "in progress"
    assert "it is now “in progress” as of 1 March 2021 (recorded by Aydın K.)" in refused.value.problems[0]
    assert edits_stored() == 1


def test_two_editors_saving_the_same_cell_at_once(app_env):
    seen = key("M1-STAY", "KAZ")
    start = threading.Barrier(2)
    outcomes = {}

    def save(editor: str, status: str) -> None:
        start.wait()
        try:
            outcomes[editor] = store.record_status("M1-STAY", "KAZ", status, "2021-03-01", None, SOURCE, editor,
                                                   editor, seen)
        except store.StatusChangedMeanwhile as refused:
            outcomes[editor] = refused

    threads = [threading.Thread(target=save, args=args) for args in (("aydin", "implemented"),
                                                                     ("gulnara", "in progress"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [editor for editor, outcome in outcomes.items() if isinstance(outcome, int)]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, store.StatusChangedMeanwhile)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    stored = state.frame("SELECT editor, status FROM measure_status_edits")
    assert list(stored["editor"]) == winners
    assert losers[0].current["status"] == stored["status"].iloc[0] == cell("M1-STAY", "KAZ")["status"]


def test_add_meeting_with_measures_agreed_by_chosen_states(app_env):
    drafts = [store.MeasureDraft("Shared e-visa for labour migrants", "A common electronic visa.", "Labour migration"),
              store.MeasureDraft("Joint statistics portal", "Publish the shared figures.", "Data sharing")]
    meeting_id = store.add_meeting("2022-05-12", "2nd meeting of the Migration Coordination Group", "Minutes of 12 May",
                                   drafts, "aydin", "Aydın K.", agreed_by=("AZE", "KAZ", "TUR"))
    assert meeting_id == "M2022-05-12"
    meetings = run(queries.meetings).set_index("meeting_id")
    assert meetings.loc["M2022-05-12", "measures"] == 2 and meetings.loc["M2022-05-12", "origin"] == "app"
    current = run(queries.current_status)
    new = current[current["meeting_id"] == "M2022-05-12"]
    assert list(new["measure_id"].unique()) == ["M2022-05-12-01", "M2022-05-12-02"]
    agreed = set(new.loc[new["status"] == "agreed", "country_iso3"])
    assert agreed == {"AZE", "KAZ", "TUR"}
    assert set(new.loc[new["status"] == "not recorded", "country_iso3"]) == {"KGZ", "UZB", "HUN", "TKM"}
    # a status for the new measure must not predate its meeting
    with pytest.raises(store.EditRefused, match="before the meeting"):
        record("M2022-05-12-01", "UZB", as_of="2022-05-01", based_on=None)
    record("M2022-05-12-01", "UZB", "in progress", as_of="2022-06-01", based_on=None)
    assert cell("M2022-05-12-01", "UZB")["status"] == "in progress"


def test_second_meeting_on_the_same_day_gets_its_own_id(app_env):
    draft = [store.MeasureDraft("A measure", "What it is.", "Data sharing")]
    assert store.add_meeting("2022-05-12", "Morning session", "Minutes", draft, "aydin") == "M2022-05-12"
    assert store.add_meeting("2022-05-12", "Afternoon session", "Minutes", draft, "aydin") == "M2022-05-12-2"


GOOD_MEETING = {"meeting_date": "2022-05-12", "title": "2nd meeting", "source": "Minutes",
                "measures": [store.MeasureDraft("A measure", "What it is.", "Data sharing")], "editor": "aydin"}


@pytest.mark.parametrize("changes, message", [
    ({"meeting_date": "2020-12-31"}, "is not after 2020"),
    ({"meeting_date": in_days(10)}, "is in the future"),
    ({"meeting_date": "next week"}, "is not a date"),
    ({"title": " "}, "The meeting title is empty"),
    ({"source": ""}, "The meeting source is empty"),
    ({"measures": []}, "at least one measure"),
    ({"measures": [store.MeasureDraft("", "x", "Data sharing")]}, "Measure 1: the title is empty"),
    ({"measures": [store.MeasureDraft("t", "x", "c" * 61)]}, "Measure 1: the category is too long"),
    ({"measures": [store.MeasureDraft("t", "x\x1b[31m", "c")]}, "Measure 1: the description contains control"),
    ({"measures": [store.MeasureDraft("Same", "x", "c"), store.MeasureDraft("same", "y", "c")]}, "same title"),
    ({"agreed_by": ("AZE", "FRA")}, "FRA are not member or observer states"),
    ({"editor": ""}, "Only a signed-in editor"),
])
def test_bad_meeting_is_refused_and_nothing_stored(app_env, changes, message):
    with pytest.raises(store.EditRefused) as refused:
        store.add_meeting(**{**GOOD_MEETING, **changes})
    assert any(message in problem for problem in refused.value.problems), refused.value.problems
    assert meetings_stored() == 0 and edits_stored() == 0


def test_the_same_meeting_cannot_be_added_twice(app_env):
    store.add_meeting(**GOOD_MEETING)
    with pytest.raises(store.EditRefused, match="already recorded"):
        store.add_meeting(**{**GOOD_MEETING, "title": "2ND MEETING"})
    assert meetings_stored() == 1


def test_edit_survives_a_rebuild(app_env, built_db, tmp_path, monkeypatch):
    published = tmp_path / "db" / "current.duckdb"
    publish_copy(built_db, published)
    monkeypatch.setenv("OTS_DB_PATH", str(published))
    db.close_all()
    record(status="implemented", note="Survives rebuilds")
    store.add_meeting(**GOOD_MEETING)
    first_build = db.build_id()
    build(DEFAULT_RAW_DIR, published)  # what `python -m etl build --db ...` runs
    assert db.build_id() != first_build
    now = cell("M1-STAY", "KAZ")
    assert (now["status"], now["note"]) == ("implemented", "Survives rebuilds")
    assert "M2022-05-12" in set(run(queries.meetings)["meeting_id"])
    assert list(run(queries.status_history, "M1-STAY", "KAZ")["status"]) == ["agreed", "implemented"]


# ---------------------------------------------------------------- a store written before the present statuses

# The table as the store made it before "requested" and "not recorded" existed ("no information" then).
EARLIER_STATUS_TABLE = """CREATE TABLE measure_status_edits (
        edit_id BIGINT PRIMARY KEY DEFAULT nextval('measure_status_edit_ids'),
        measure_id VARCHAR NOT NULL, country_iso3 VARCHAR NOT NULL,
        status VARCHAR NOT NULL CHECK (status IN ('agreed', 'in progress', 'implemented', 'not applicable',
                                                  'no information')),
        as_of DATE NOT NULL, note VARCHAR, source VARCHAR NOT NULL, recorded_by VARCHAR NOT NULL,
        recorded_at TIMESTAMP NOT NULL, editor VARCHAR NOT NULL, based_on VARCHAR)"""
EARLIER_ROWS = [
    (1, "M1-STAY", "KAZ", "no information", "2021-02-01", "Nothing heard yet", SOURCE, "Aydın K.",
     "2021-02-02 10:00:00", "aydin", None),
    (2, "M1-STAY", "AZE", "implemented", "2021-03-01", None, SOURCE, "Aydın K.", "2021-03-02 10:00:00", "aydin",
     None),
]
INSERT_EDIT = "INSERT INTO measure_status_edits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def test_a_store_written_with_the_earlier_statuses_opens_migrated_and_takes_the_new_ones(app_env):
    """The DuckDB store of the earlier version held "no information": moved into the SQLite store, it reads
    "not recorded", and the new words are accepted after it."""
    import duckdb

    from app.store import migrate as state_migrate
    state.close()
    legacy = state.legacy_path()
    legacy.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(legacy)) as earlier:
        earlier.execute("CREATE SEQUENCE measure_status_edit_ids START 3")
        earlier.execute(EARLIER_STATUS_TABLE)
        earlier.executemany(INSERT_EDIT, EARLIER_ROWS)
    # Opening the store (the first read) creates it and copies the old one in.
    assert cell("M1-STAY", "KAZ")["status"] == "not recorded"
    assert cell("M1-STAY", "KAZ")["note"] == "Nothing heard yet"
    assert cell("M1-STAY", "AZE")["status"] == "implemented"
    assert list(run(queries.status_history, "M1-STAY", "KAZ")["status"]) == ["agreed", "not recorded"]
    # The new words are accepted, and edit ids go on from where they were.
    assert record("M1-STAY", "UZB", "requested", as_of="2021-04-01") == 3
    assert record("M1-STAY", "TUR", "not recorded", as_of="2021-04-01") == 4
    assert cell("M1-STAY", "UZB")["status"] == "requested"
    assert list(state.frame("SELECT name FROM store_migrations")["name"]) == [state_migrate.NAME]
    # Opening it again changes nothing.
    state.close()
    assert edits_stored() == 4 and cell("M1-STAY", "KAZ")["status"] == "not recorded"
