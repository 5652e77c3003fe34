"""What editors record about agreed measures: new statuses, new meetings and their measures.

Everything is appended to tables in the app's own store (`app.store.tables`), never
to the build: `python -m etl build` replaces the build's `measure_status`,
`meetings` and `measures` and cannot touch these rows, and the queries in
`app.queries.measures` read the union of both. Nothing is updated or deleted
here: a new status is a new row, and the latest row is the current one.

Every write is checked first (known measure and state, allowed status, dates,
source, note length, no control characters) and refused with messages naming
the field; a refused write stores nothing. A status is saved only if the
cell's current row is still the one the editor saw (`based_on`), checked
inside the write transaction, so one editor cannot silently overtake another.
This module does not draw anything.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pandas as pd

from app import db
from app.countries import OTS_STATES
from app.i18n import N_, _, fmt_date
from app.queries import measures as queries
from app.store import connection as state
from app.store import views
from app.store.tables import MEASURE_STATUS_EDITS, MEASURES_ADDED, MEETINGS_ADDED
from etl.schema import STATUS_DEFINITIONS, STATUS_VALUES

STATUSES = STATUS_VALUES  # agreed, in progress, implemented, requested, not recorded, not applicable
STATUS_LABELS = {"agreed": N_("agreed"), "in progress": N_("in progress"), "implemented": N_("implemented"),
                 "requested": N_("requested"), "not recorded": N_("not recorded"),
                 "not applicable": N_("not applicable")}
COMMITTED = ("agreed", "in progress", "implemented")  # the state took the measure on; "implemented" counts of these


def status_label(status: str) -> str:
    """A status in the reader's language."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else str(status)


def status_definition(status: str) -> str:
    """What a status means, in the reader's language (the data dictionary has the same words in English)."""
    return _(STATUS_DEFINITIONS[status]) if status in STATUS_DEFINITIONS else ""


NOTE_MAX = 2000
SOURCE_MAX = 500
TITLE_MAX = 200
MEETING_TITLE_MAX = 300
DESCRIPTION_MAX = 2000
CATEGORY_MAX = 60
PEOPLE_MAX = 500
MEASURES_PER_MEETING_MAX = 20
FIRST_EDITABLE_MEETING = date(2021, 1, 1)  # meetings up to 2020 come from the meeting documents in the build
# Bidirectional-text overrides can make a note display differently from what was typed.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

class EditRefused(ValueError):
    """Input that cannot be stored; `problems` are sentences naming the field, for the editor."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class StatusChangedMeanwhile(EditRefused):
    """Someone recorded a status for the same cell after the form was opened; `current` is the new one."""

    def __init__(self, current: dict):
        self.current = current
        super().__init__([_("The status of this measure in this state changed while you were editing: it is now "
                            "“{status}” as of {date} (recorded by {who}). Nothing was saved; look at the "
                            "history, then record your status again if it still applies.").format(
                                status=status_label(current["status"]),
                                date=_format_day(current.get("as_of")),
                                who=current.get("recorded_by") or _("nobody"))])


@dataclass(frozen=True)
class MeasureDraft:
    """One measure typed in the "add a meeting" form."""

    title: str
    description: str
    category: str


@dataclass
class _Problems:
    items: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.items.append(message)

    def raise_if_any(self) -> None:
        if self.items:
            raise EditRefused(self.items)


def latest_allowed_date() -> date:
    """Today where it is already latest on Earth: an editor in Tashkent must not be refused "today" by a UTC server."""
    return (datetime.now(timezone.utc) + timedelta(hours=14)).date()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # stored as UTC, like the build's recorded_at


def _format_day(value) -> str:
    """A day in a sentence, written out in the reader's language ("7 May 2020", "7 мая 2020 г.", "7 Mayıs 2020")."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return fmt_date(value, "long")


def _has_control(text: str, allow_newlines: bool = False) -> bool:
    for char in text:
        if allow_newlines and char in "\n\t":
            continue
        if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            return True
    return False


def _text(problems: _Problems, value, label: str, maximum: int, required: bool = True,
          multiline: bool = False) -> str | None:
    """The cleaned text, or None after adding a problem naming the field."""
    text = "" if value is None else str(value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    if not text:
        if required:
            problems.add(_("{field} is empty; it is required.").format(field=label))
        return None
    if len(text) > maximum:
        problems.add(_("{field} is too long: {length} characters, at most {maximum} are allowed.").format(
            field=label, length=f"{len(text):,}", maximum=f"{maximum:,}"))
        return None
    if _has_control(text, allow_newlines=multiline):
        problems.add(_("{field} contains control characters; type or paste it as plain text.").format(field=label))
        return None
    return text


def _day(problems: _Problems, value, label: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.add(_("{field} “{value}” is not a date (YYYY-MM-DD).").format(field=label, value=str(value)[:20]))
        return None


def _store_frames(cur) -> dict:
    return {table.name: views.whole_table(cur, table) for table in (MEASURE_STATUS_EDITS, MEETINGS_ADDED,
                                                                     MEASURES_ADDED)}


def _on_build(write_cur, query, *args) -> pd.DataFrame:
    """Run a read query on the build with the store as seen inside this write transaction."""
    frames = _store_frames(write_cur)
    with db.cursor() as cur:
        for name, frame in frames.items():
            cur.register(name, frame)
        return query(cur, *args)


def record_status(measure_id: str, country_iso3: str, status: str, as_of, note: str | None, source: str,
                  editor: str, recorded_by: str | None = None, based_on: str | None = None,
                  check_based_on: bool = True) -> int:
    """Append a status for a measure in a state; returns its edit id, or raises EditRefused.

    `based_on` is the `row_key` of the current status the editor saw (None if the cell had none); if another
    row has become current since, StatusChangedMeanwhile is raised and nothing is stored.
    """
    problems = _Problems()
    if not editor:
        problems.add(_("Only a signed-in editor can record a status."))
    if country_iso3 not in OTS_STATES:
        problems.add(_("State “{state}” is not a member or observer state; choose one of {states}.").format(
            state=str(country_iso3)[:20], states=", ".join(OTS_STATES)))
    if status not in STATUSES:
        problems.add(_("Status “{status}” is not one of: {statuses}.").format(
            status=str(status)[:40], statuses=", ".join(STATUSES)))
    day = _day(problems, as_of, _("The as-of date"))
    note = _text(problems, note, _("The note"), NOTE_MAX, required=False, multiline=True)
    source = _text(problems, source, _("The source"), SOURCE_MAX)
    if day is not None and day > latest_allowed_date():
        problems.add(_("The as-of date {date} is in the future; record a status once it applies.").format(
            date=_format_day(day)))
    with state.writing() as cur:
        known = _on_build(cur, queries.measures)
        measure = known[known["measure_id"] == measure_id]
        if measure.empty:
            problems.add(_("Measure “{measure}” is unknown; choose one from the list.").format(
                measure=str(measure_id)[:60]))
        elif day is not None:
            meeting_day = pd.Timestamp(measure["meeting_date"].iloc[0]).date()
            if day < meeting_day:
                problems.add(_("The as-of date {date} is before the meeting that agreed the measure "
                               "({meeting}).").format(date=_format_day(day), meeting=_format_day(meeting_day)))
        problems.raise_if_any()
        if check_based_on:
            current = _on_build(cur, queries.cell_status, measure_id, country_iso3)
            current_key = current["row_key"].iloc[0] if not current.empty else None
            current_key = None if pd.isna(current_key) else current_key
            if current_key != based_on:
                raise StatusChangedMeanwhile(current.iloc[0].to_dict())
        return cur.execute("""
            INSERT INTO measure_status_edits (measure_id, country_iso3, status, as_of, note, source, recorded_by,
                                              recorded_at, editor, based_on)
            VALUES ($measure, $state, $status, $as_of, $note, $source, $recorded_by, $recorded_at, $editor,
                    $based_on)
        """, {"measure": measure_id, "state": country_iso3, "status": status, "as_of": state.sql_value(day),
              "note": note, "source": source, "recorded_by": recorded_by or editor,
              "recorded_at": state.sql_value(_now()), "editor": editor, "based_on": based_on}).lastrowid


def _new_meeting_id(existing: set[str], day: date) -> str:
    base = f"M{day.isoformat()}"
    candidate, n = base, 2
    while candidate in existing:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def add_meeting(meeting_date, title: str, source: str, measures: list[MeasureDraft], editor: str,
                recorded_by: str | None = None, organiser: str | None = None, participants: str | None = None,
                agreed_by: tuple[str, ...] = OTS_STATES) -> str:
    """Add a meeting held after 2020 with its measures; returns the meeting id, or raises EditRefused.

    Each state in `agreed_by` gets the status "agreed" for each new measure as of the meeting date, as the
    build does for the documented meetings; the other states show "not recorded" until a status is recorded.
    """
    problems = _Problems()
    if not editor:
        problems.add(_("Only a signed-in editor can add a meeting."))
    day = _day(problems, meeting_date, _("The meeting date"))
    if day is not None and day < FIRST_EDITABLE_MEETING:
        problems.add(_("The meeting date {date} is not after 2020: meetings up to 2020 come from the meeting "
                       "documents in the database build.").format(date=_format_day(day)))
    if day is not None and day > latest_allowed_date():
        problems.add(_("The meeting date {date} is in the future; add a meeting once it has taken place.").format(
            date=_format_day(day)))
    title = _text(problems, title, _("The meeting title"), MEETING_TITLE_MAX)
    source = _text(problems, source, _("The meeting source"), SOURCE_MAX)
    organiser = _text(problems, organiser, _("The organiser"), PEOPLE_MAX, required=False)
    participants = _text(problems, participants, _("The participants"), PEOPLE_MAX, required=False)
    unknown = [code for code in agreed_by if code not in OTS_STATES]
    if unknown:
        problems.add(_("States {states} are not member or observer states.").format(
            states=", ".join(str(code)[:20] for code in unknown)))
    if not measures:
        problems.add(_("A meeting needs at least one measure agreed at it."))
    if len(measures) > MEASURES_PER_MEETING_MAX:
        problems.add(_("At most {n} measures can be added with one meeting.").format(n=MEASURES_PER_MEETING_MAX))
    cleaned = []
    for number, draft in enumerate(measures[:MEASURES_PER_MEETING_MAX], start=1):
        cleaned.append((
            _text(problems, draft.title, _("Measure {n}: the title").format(n=number), TITLE_MAX),
            _text(problems, draft.description, _("Measure {n}: the description").format(n=number), DESCRIPTION_MAX,
                  multiline=True),
            _text(problems, draft.category, _("Measure {n}: the category").format(n=number), CATEGORY_MAX),
        ))
    titles = [entry[0].casefold() for entry in cleaned if entry[0]]
    if len(titles) != len(set(titles)):
        problems.add(_("Two measures have the same title; give each measure its own."))
    with state.writing() as cur:
        meetings = _on_build(cur, queries.meetings)
        if day is not None and title:
            same = meetings[(pd.to_datetime(meetings["meeting_date"]).dt.date == day)
                            & (meetings["title"].str.casefold() == title.casefold())]
            if not same.empty:
                problems.add(_("A meeting “{title}” on {date} is already recorded.").format(
                    title=title, date=_format_day(day)))
        problems.raise_if_any()
        meeting_id = _new_meeting_id(set(meetings["meeting_id"]), day)
        now, who = state.sql_value(_now()), recorded_by or editor
        day_text = state.sql_value(day)
        cur.execute("""
            INSERT INTO meetings_added VALUES ($id, $day, $title, $organiser, $participants, $source, $who, $now,
                                               $editor)
        """, {"id": meeting_id, "day": day_text, "title": title, "organiser": organiser, "participants": participants,
              "source": source, "who": who, "now": now, "editor": editor})
        for number, (measure_title, description, category) in enumerate(cleaned, start=1):
            measure_id = f"{meeting_id}-{number:02d}"
            cur.execute("""
                INSERT INTO measures_added VALUES ($id, $meeting, $title, $description, $category, $source, $who,
                                                   $now, $editor)
            """, {"id": measure_id, "meeting": meeting_id, "title": measure_title, "description": description,
                  "category": category, "source": source, "who": who, "now": now, "editor": editor})
            for code in agreed_by:
                cur.execute("""
                    INSERT INTO measure_status_edits (measure_id, country_iso3, status, as_of, note, source,
                                                      recorded_by, recorded_at, editor, based_on)
                    VALUES ($measure, $state, 'agreed', $day, NULL, $source, $who, $now, $editor, NULL)
                """, {"measure": measure_id, "state": code, "day": day_text, "source": source, "who": who, "now": now,
                      "editor": editor})
        return meeting_id

