"""Checking a member state's file of figures before anything is stored: validate it, preview it.

An upload goes through the same rules as the ETL (`etl.validate` with the
layout of `etl.sources.reported_figures`, plus a `topic` column), then through
checks only an upload needs: formula-looking cells, plausible values and dates,
web addresses, and duplicates of figures already held. The result is a
`Preview`: what would be added, what would be corrected and what is rejected,
each rejected row with its row, column and reason. Nothing here writes
anything; `confirm` hands a preview to the store (`app.store.submissions`).

Checking stops past MAX_PROBLEMS (the file is then refused whole); a value
quoted in a reason is cut short. Every reason is a message template with its
values (`etl.validate.Problem`), shown in the uploader's language by the page,
whatever language the check ran in.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from app.export.csv import FORMULA_STARTS
from app.i18n import N_, _
from app.store import submissions as submissions_store
from app.uploads.read import read_upload
from app.uploads.sniff import Refused
from app.uploads.template import COUNTRY_COLUMNS, DATE_COLUMNS, NUMBER_COLUMNS, TEMPLATE, TEMPLATE_COLUMNS
from etl.sources.reported_figures import period_in_order, to_table
from etl.validate import Problem, ValidationFailed, duplicate_keys, line_number, shown, validate_raw

FIRST_PLAUSIBLE_DATE = date(1990, 1, 1)  # the dashboard's series start in 1990
PROBLEMS_SHOWN = 1_000  # rows of the problem table sent to the page
MAX_PROBLEMS = 2_000  # checking stops past this many problems (see _validate_rows)
# Two rows hold the same figure when these agree, whatever their record_id.
FIGURE_IDENTITY = ("topic", "nationality_iso3", "location_iso3", "indicator", "value", "unit",
                   "period_start", "period_end")
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)


@dataclass
class Preview:
    """What confirming an upload would do. `refused` means the file as a whole cannot be used."""

    filename: str
    sha256: str
    size: int
    file_format: str | None  # 'csv' or 'xlsx' (by content), None when unreadable
    rows_in_file: int = 0
    problems: list[Problem] = field(default_factory=list)  # every problem, with row, column and reason
    notes: list[tuple[str, dict]] = field(default_factory=list)  # worth knowing (template, values); nothing rejected
    added: pd.DataFrame | None = None  # rows of `submitted_figures` layout (+ file_row)
    changed: pd.DataFrame | None = None  # corrections: same, + corrects_submission and changed_columns
    rejected: pd.DataFrame | None = None  # file_row, record_id, reasons
    refused: bool = False

    @property
    def loadable(self) -> int:
        return 0 if self.refused else len(self.added) + len(self.changed)

    def problem_table(self, translate=None, limit: int | None = None) -> pd.DataFrame:
        """Row, column and reason of each problem (the first `limit`), in the language of `translate`."""
        shown_problems = self.problems[:limit] if limit else self.problems
        return pd.DataFrame([{"row": p.row, "column": p.column,
                              "reason": p.reason_in(translate) if translate else p.reason} for p in shown_problems],
                            columns=["row", "column", "reason"]).astype({"row": "Int64"})

    def notes_in(self, translate) -> list[str]:
        return [translate(template).format(**values) for template, values in self.notes]


# --- checking: the ETL's rules, then the upload's own --------------------------------------------------

def _formula_problems(frame: pd.DataFrame, filename: str) -> list[Problem]:
    problems = []
    for column in [c for c in TEMPLATE_COLUMNS if c in frame.columns]:
        starts = ("=", "@") if column in NUMBER_COLUMNS else FORMULA_STARTS
        values = frame[column].astype(str)
        looks = values.str.startswith(("\t", "\r")) | values.str.lstrip().str.startswith(starts)
        for index in frame.index[looks]:
            problems.append(Problem(filename, line_number(index), column, N_(
                "looks like a spreadsheet formula ({value}): enter the value itself, and do not start text "
                "with =, +, - or @"), {"value": shown(values[index].strip())}))
    return problems


def _period_problems(frame: pd.DataFrame, filename: str) -> list[Problem]:
    """The ETL's period rule, on every row whose dates can be read (a bad date is reported on its own)."""
    if not {"period_start", "period_end"} <= set(frame.columns):
        return []
    dates = frame[["period_start", "period_end"]].apply(
        lambda column: pd.to_datetime(column.str.strip(), format="%Y-%m-%d", errors="coerce"))
    return [Problem(filename, line_number(index), column, N_("the period ends before it starts"))
            for index, column, _reason in period_in_order(dates)]


def last_plausible_date() -> date:
    """The end of next year: a period or page dated later is a typing mistake (a year of 2205, 9999-12-31)."""
    return date(date.today().year + 1, 12, 31)


def _date_range_problems(frame: pd.DataFrame, filename: str) -> list[Problem]:
    """Dates that are dates but not plausible ones (0001-01-01, 9999-12-31) would be drawn on public charts."""
    problems, last = [], last_plausible_date()
    for column in [c for c in DATE_COLUMNS if c in frame.columns]:
        parsed = pd.to_datetime(frame[column].str.strip(), format="%Y-%m-%d", errors="coerce")
        text = frame[column].str.strip()
        # pandas cannot hold years before 1677 or after 2262: such a date fails to parse, but is still a date.
        whole = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        outside = (parsed.notna() & ((parsed < pd.Timestamp(FIRST_PLAUSIBLE_DATE)) | (parsed > pd.Timestamp(last)))) | \
                  (parsed.isna() & whole & text.map(_is_calendar_date))
        for index in frame.index[outside]:
            problems.append(Problem(filename, line_number(index), column, N_(
                "the date {value} is outside the plausible range, {first} to {last}"),
                {"value": text[index], "first": FIRST_PLAUSIBLE_DATE.isoformat(), "last": last.isoformat()}))
    return problems


def _is_calendar_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _address_problems(frame: pd.DataFrame, filename: str) -> list[Problem]:
    """A source_url that is not a web page (javascript:, data:, a file path) is never stored or linked."""
    if "source_url" not in frame.columns:
        return []
    text = frame["source_url"].str.strip()
    wrong = (text != "") & ~text.str.fullmatch(_WEB_ADDRESS.pattern, case=False)
    return [Problem(filename, line_number(index), "source_url", N_(
        "a web address must start with http:// or https:// and hold no spaces (value {value})"),
        {"value": shown(text[index])}) for index in frame.index[wrong]]


def _country_case_problems(frame: pd.DataFrame, known_countries: set[str], filename: str) -> list[Problem]:
    """Lower-case codes ('kaz'): refused with the code they stand for, rather than as unknown."""
    problems = []
    for column in [c for c in COUNTRY_COLUMNS if c in frame.columns]:
        text = frame[column].str.strip()
        upper = text.str.upper()
        wrong = (text != upper) & upper.isin(known_countries)
        for index in frame.index[wrong]:
            problems.append(Problem(filename, line_number(index), column, N_(
                "country codes are written in capital letters: {value} should be {code}"),
                {"value": shown(text[index]), "code": upper[index]}))
    return problems


def _upload_problems(frame: pd.DataFrame, known_countries: set[str], filename: str) -> list[Problem]:
    """The checks only an upload needs, on rows that hold every column of the template."""
    if not set(TEMPLATE_COLUMNS) <= set(frame.columns):
        return []
    return (_formula_problems(frame, filename) + _period_problems(frame, filename)
            + _date_range_problems(frame, filename) + _address_problems(frame, filename)
            + _country_case_problems(frame, known_countries, filename))


def _validate_chunk(rows: pd.DataFrame, known_countries: set[str], filename: str, flagged: set) -> tuple:
    """(typed rows that pass the ETL's rules, problems of the others) for some rows of the file."""
    problems, typed = [], None
    while len(rows):
        try:
            typed = validate_raw(rows, _UNKEYED, known_countries, filename)
            break
        except ValidationFailed as failure:
            in_rows = [p for p in failure.problems if p.row is not None and p.row >= 2]
            if not in_rows:  # a missing column, or a rule broken by the file as a whole
                raise Refused(failure.problems) from None
            # A column-wide failure (row None) can be the echo of one bad cell: check again without the bad rows.
            problems += [p for p in in_rows if (p.row, p.column) not in flagged]
            rows = rows.drop(index=sorted({p.row - 2 for p in in_rows}), errors="ignore")
    return typed, problems


# The key (record_id) is checked once over the whole file, the other rules a part of the file at a time.
_UNKEYED = dataclasses.replace(TEMPLATE, key=())
FIRST_CHUNK_ROWS, LARGEST_CHUNK_ROWS = 2_000, 8_000


def _validate_rows(frame: pd.DataFrame, known_countries: set[str], filename: str, unreadable: list[Problem]):
    """(typed rows that pass every rule, problems of the rows that do not). Raises Refused for the file.

    Rows are checked a part at a time, and checking stops once MAX_PROBLEMS are found (the file is then
    refused as a whole): each problem costs time, and a file with thousands is a wrong file, not a file
    with a few wrong rows. A clean part makes the next part larger.
    """
    frame = frame.drop(index=[p.row - 2 for p in unreadable], errors="ignore")
    problems = list(unreadable)
    if set(TEMPLATE_COLUMNS) <= set(frame.columns):
        keys = frame[list(TEMPLATE.key)].apply(lambda column: column.str.strip()).replace("", None)
        problems += duplicate_keys(keys, TEMPLATE, filename)
    typed_parts, start, size = [], 0, FIRST_CHUNK_ROWS
    while start < len(frame):
        rows = frame.iloc[start:start + size]
        found = _upload_problems(rows, known_countries, filename)
        flagged = {(p.row, p.column) for p in problems + found}
        typed, invalid = _validate_chunk(rows, known_countries, filename, flagged)
        problems += found + invalid
        if typed is not None:
            typed_parts.append(typed)
        start += size
        if len(problems) > MAX_PROBLEMS:
            last_row = line_number(rows.index[-1])
            problems.sort(key=lambda p: (p.row or 0, p.column or ""))
            raise Refused(problems[:MAX_PROBLEMS] + [Problem(filename, None, None, N_(
                "More than {n} problems were found by row {row}, so the checks stopped there and nothing can be "
                "loaded from this file. Is it the right file, filled in with the template's columns? Correct "
                "the problems listed and check it again."), {"n": f"{MAX_PROBLEMS:,}", "row": last_row})])
        size = min(size * 2, LARGEST_CHUNK_ROWS) if not found and not invalid else FIRST_CHUNK_ROWS
    if not typed_parts:
        return frame.iloc[0:0], problems
    typed = pd.concat(typed_parts)
    bad_rows = {p.row - 2 for p in problems if p.row is not None and p.row >= 2}
    return typed.drop(index=[i for i in typed.index if i in bad_rows]), problems


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _day(value) -> str | None:
    """A date, a pandas Timestamp or a datetime -> 'YYYY-MM-DD' (None when missing)."""
    return None if _missing(value) else value.isoformat()[:10]


def _figure_key(row: dict) -> tuple:
    """What makes two rows the same figure, whatever their record_id (None-safe, type-blind)."""
    return tuple(None if _missing(row[c]) else float(row[c]) if c == "value" else _day(row[c])
                 if c.startswith("period_") else str(row[c]) for c in FIGURE_IDENTITY)


def _as_table(typed: pd.DataFrame) -> pd.DataFrame:
    """Typed template rows -> rows in the layout of `reported_figures`, indexed by file row."""
    parts = [to_table(group.drop(columns="topic"), topic) for topic, group in typed.groupby("topic", sort=False)]
    if not parts:
        return pd.DataFrame(columns=["file_row"] + submissions_store.FIGURE_COLUMNS)
    table = pd.concat(parts).sort_index()
    table["value"] = table["value"].astype(float)
    table.insert(0, "file_row", [line_number(i) for i in table.index])
    return table


def _differences(new: dict, old: dict) -> list[str]:
    """Template columns whose value a correction changes."""
    changed = []
    for column in TEMPLATE_COLUMNS:
        a, b = new.get(column), old.get(column)
        if _missing(a) and _missing(b):
            continue
        if _missing(a) != _missing(b):
            changed.append(column)
        elif column == "value":
            if float(a) != float(b):
                changed.append(column)
        elif column.endswith(("_start", "_end", "_date")):
            if _day(a) != _day(b):
                changed.append(column)
        elif str(a) != str(b):
            changed.append(column)
    return changed


def _classify(table: pd.DataFrame, existing: pd.DataFrame, filename: str):
    """Split valid rows into added and changed; duplicates of figures already held become problems."""
    held_rows = existing.to_dict("records")
    database_ids = {r["record_id"] for r in held_rows if r["origin"] == "database"}
    submitted = {r["record_id"]: r for r in held_rows if r["origin"] == "submission"}
    held = {}
    for row in held_rows:
        held.setdefault(_figure_key(row), row)
    added, changed, problems = [], [], []
    seen_in_file = {}
    for row in table.to_dict("records"):
        record_id, file_row = row["record_id"], row["file_row"]
        key = _figure_key(row)
        earlier = held.get(key)
        if record_id in database_ids:
            problems.append(Problem(filename, file_row, "record_id", N_(
                "record_id {record} is already a figure in the database (loaded by the ETL); give this figure "
                "a new identifier"), {"record": shown(record_id)}))
        elif key in seen_in_file:
            problems.append(Problem(filename, file_row, None, N_(
                "the same figure as row {row} of this file (same countries, indicator, value, unit and period)"),
                {"row": seen_in_file[key]}))
        elif record_id in submitted:
            previous = submitted[record_id]
            differences = _differences(row, previous)
            if not differences:
                problems.append(Problem(filename, file_row, "record_id", N_(
                    "already submitted unchanged in submission {submission}: nothing to correct"),
                    {"submission": previous["submission_id"]}))
            elif earlier is not None and earlier["record_id"] != record_id:
                problems.append(_duplicate(filename, file_row, earlier))
            else:
                changed.append({**row, "corrects_submission": previous["submission_id"],
                                "changed_columns": ", ".join(differences),
                                "previous_value": float(previous["value"])})
        elif earlier is not None:
            problems.append(_duplicate(filename, file_row, earlier))
        else:
            added.append(row)
        seen_in_file.setdefault(key, file_row)
    columns = list(table.columns)
    return (pd.DataFrame(added, columns=columns),
            pd.DataFrame(changed, columns=columns + ["corrects_submission", "changed_columns", "previous_value"]),
            problems)


def _duplicate(filename: str, file_row: int, earlier) -> Problem:
    if earlier["origin"] == "database":
        return Problem(filename, file_row, None, N_(
            "the same figure is already in the database as {record} (same countries, indicator, value, unit and "
            "period)"), {"record": earlier["record_id"]})
    return Problem(filename, file_row, None, N_("the same figure was already submitted as {record} in submission "
                                                "{submission}"),
                   {"record": earlier["record_id"], "submission": earlier["submission_id"]})


def check(content: bytes, filename: str, known_countries: set[str], existing: pd.DataFrame, max_bytes: int,
          max_rows: int) -> Preview:
    """Everything confirming this file would do, and every problem with it; stores nothing.

    `existing` is `app.queries.figures.all_figures` (the build's figures and the submitted ones in force);
    `max_bytes` and `max_rows` are the upload's limits (`app.uploads.MAX_BYTES`, `MAX_ROWS`).
    """
    filename = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    preview = Preview(filename, hashlib.sha256(content).hexdigest(), len(content), None)
    try:
        frame, preview.file_format, preview.notes, unreadable = read_upload(content, filename, max_bytes, max_rows)
        preview.rows_in_file = len(frame)
        typed, problems = _validate_rows(frame, known_countries, filename, unreadable)
    except Refused as refusal:
        preview.problems, preview.refused = refusal.problems, True
        return preview
    preview.added, preview.changed, duplicates = _classify(_as_table(typed), existing, filename)
    preview.problems = sorted(problems + duplicates, key=lambda p: (p.row or 0, p.column or ""))
    reasons: dict[int, list[str]] = {}
    for p in preview.problems:
        if p.row:
            reasons.setdefault(p.row, []).append(f"{p.column}: {p.reason}" if p.column else p.reason)
    rejected_rows = sorted(reasons)
    record_ids = frame["record_id"] if "record_id" in frame.columns else pd.Series(dtype=str)
    preview.rejected = pd.DataFrame({
        "file_row": rejected_rows,
        "record_id": [record_ids.get(row - 2, "") for row in rejected_rows],
        "reasons": ["; ".join(reasons[row]) for row in rejected_rows],
    })
    if preview.loadable == 0 and not preview.problems:
        preview.problems = [Problem(filename, None, None, N_("The file has a header but no rows of figures."))]
        preview.refused = True
    return preview


def confirm(preview: Preview, content: bytes, editor: str) -> str:
    """Store the preview's added and corrected rows in one transaction; returns the new submission's id."""
    if preview.refused or preview.loadable == 0:
        raise ValueError(_("There is nothing in this file that can be added."))
    if hashlib.sha256(content).hexdigest() != preview.sha256:
        raise ValueError(_("The file changed since it was checked; check it again."))
    return submissions_store.store(preview, content, editor)

