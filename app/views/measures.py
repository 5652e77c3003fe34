"""The Agreed measures page's words, tables and forms: filtering, the history table, and the editors' forms.

The forms are drawn only for a signed-in editor. Their widgets carry no length or
date limits on purpose: Streamlit silently drops a value outside such a limit
(keeping the old one), while the store refuses it with a message naming the field. Saving runs in the submit
button's callback, with the cell's current row (`row_key`) bound when the form
was drawn: if someone else recorded a status for that cell in the meantime,
`app.store.measures.record_status` refuses and the editor is told what it is now.
Outcomes are kept in session state and shown after the rerun. Text typed by
editors is shown as text: in tables, or escaped for markdown.

Texts from the build are shown in the reader's language (`localised`); a meeting
or measure an editor added has only what was typed, shown as typed with a note.
A status from the build says where the documents say so (`citation`: document,
its language, paragraphs) and what they say; an editor's status shows its note
and source.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app import auth, countries
from app.cached import load
from app.charts.common import md_escape
from app.export import ChartMeta
from app.i18n import TYPED_ONLY, _, fmt_date, fmt_int, ngettext
from app.measures_evidence import citation, evidence_export, localised, recorded_by, source_of, what_it_says
from app.queries import measures as queries
from app.store import connection as state
from app.store import measures as store

FEEDBACK = "measures_feedback"              # outcome of saving a status
MEETING_FEEDBACK = "measures_meeting_feedback"  # outcome of adding a meeting
STATUS_PREFIX = "measures_new_status"
MEETING_PREFIX = "measures_new_meeting"


# ---------------------------------------------------------------- the data, texts in the reader's language

def current_status() -> pd.DataFrame:
    """Each measure × state with its current status (the matrix)."""
    return localised(load(queries.current_status))


def meetings() -> pd.DataFrame:
    return localised(load(queries.meetings))


def status_history(measure_id: str | None = None, country_iso3: str | None = None) -> pd.DataFrame:
    """Every recorded status, oldest first; for one measure and/or state if given."""
    return localised(load(queries.status_history, measure_id, country_iso3))


def typed_only_note(frame: pd.DataFrame) -> None:
    """A small note when some texts shown are as an editor typed them, without a translation."""
    if TYPED_ONLY in frame.columns and frame[TYPED_ONLY].any():
        st.caption(_(":material/translate: Meetings and measures added in the dashboard are shown as the editor "
                     "typed them: they have no translation yet."))


# ---------------------------------------------------------------- viewing

def chart_meta(title: str, slug: str, filters=(), caveat: str = "") -> ChartMeta:
    """Export metadata of the page's charts, every word of it in the reader's language."""
    return ChartMeta(title=title, source=_("Migration Coordination Group documents and Secretariat records"),
                     licence=_("Facts from the meeting documents"),
                     filters=tuple((str(k), str(v)) for k, v in filters), caveat=caveat, slug=slug)


def filtered(current: pd.DataFrame, meetings: list[str], states: list[str], statuses: list[str],
             categories: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """The cells to draw and the states (columns) to draw them in; an empty choice means all.

    `categories` are English (as links hold them): `current` has them in `category_en` once `localised`.
    """
    states = states or list(countries.OTS_STATES)
    frame = current[current["country_iso3"].isin(states)]
    if meetings:
        frame = frame[frame["meeting_id"].isin(meetings)]
    if categories:
        frame = frame[frame["category_en"].isin(categories)]
    if statuses:  # keep the measures with at least one cell in a chosen status
        keep = frame.loc[frame["status"].isin(statuses), "measure_id"].unique()
        frame = frame[frame["measure_id"].isin(keep)]
    return frame, states


def matrix_export(frame: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The matrix as a table for the CSV export, one row per measure and state, with each status's evidence."""
    table = pd.DataFrame({
        _("Meeting date"): pd.to_datetime(frame["meeting_date"]).dt.date,
        _("Measure"): frame["measure_title"],
        _("Category"): frame["category"],
        _("State"): [countries.name(code) for code in frame["country_iso3"]],
        _("Status"): [store.status_label(s) for s in frame["status"]],
        _("Since"): pd.to_datetime(frame["as_of"]).dt.date,
    }, index=frame.index)
    return pd.concat([table, evidence_export(frame, documents)], axis=1).reset_index(drop=True)


def history_table(history: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """A cell's history, newest first, for st.dataframe (which shows every value as text)."""
    rows = history.iloc[::-1]
    return pd.DataFrame({
        _("As of"): [fmt_date(day) for day in rows["as_of"]],
        _("Status"): [store.status_label(s) for s in rows["status"]],
        _("What the record says"): [what_it_says(row) for _index, row in rows.iterrows()],
        _("Source"): [source_of(row, documents) for _index, row in rows.iterrows()],
        _("Recorded by"): [recorded_by(row) for _index, row in rows.iterrows()],
        _("Recorded at (UTC)"): pd.to_datetime(rows["recorded_at"]).dt.strftime("%Y-%m-%d %H:%M"),
    })


def timeline_export(history: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The statuses behind the timeline, for the CSV export: dates as dates, and the evidence in columns."""
    rows = history.iloc[::-1]
    table = pd.DataFrame({
        _("Measure"): rows["measure_title"].to_numpy(),
        _("State"): [countries.name(code) for code in rows["country_iso3"]],
        _("As of"): pd.to_datetime(rows["as_of"]).dt.date.to_numpy(),
        _("Status"): [store.status_label(s) for s in rows["status"]],
        _("Source"): [source_of(row, documents) for _index, row in rows.iterrows()],
        _("Recorded by"): [recorded_by(row) for _index, row in rows.iterrows()],
        _("Recorded at (UTC)"): pd.to_datetime(rows["recorded_at"]).dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
    })
    return pd.concat([table, evidence_export(rows, documents).reset_index(drop=True)], axis=1)


def summary_export(summary: pd.DataFrame) -> pd.DataFrame:
    """The per-state summary with readable column names, for the CSV export."""
    return pd.DataFrame({
        _("State"): [countries.name(code) for code in summary["country_iso3"]],
        _("Measures"): summary["measures"], _("Committed to"): summary["committed"],
        _("Implemented"): summary["implemented"], _("In progress"): summary["in_progress"],
        _("Agreed"): summary["agreed"], _("Requested"): summary["requested"],
        _("Not recorded"): summary["not_recorded"], _("Not applicable"): summary["not_applicable"],
    })


def current_line(cell: dict) -> str:
    """ "Current status: implemented, since 1 March 2021." as safe markdown."""
    if cell.get("row_key") is None or pd.isna(cell.get("row_key")):
        return md_escape(_("Current status: not recorded (no status has been recorded)."))
    return md_escape(_("Current status: {status}, since {date}.").format(
        status=store.status_label(cell["status"]), date=fmt_date(cell["as_of"], "long")))


def evidence_lines(cell: dict, documents: pd.DataFrame) -> str:
    """What a status from the documents rests on, as safe markdown: what they say, and where; "" for an editor's
    status (its note and source are in the history table, shown as typed)."""
    if not isinstance(cell.get("evidence"), str) or not cell.get("evidence"):
        return ""
    labelled = [(_("What the documents say"), cell["evidence"]),
                (_("Where they say so"), citation(cell.get("evidence_document"), cell.get("evidence_paragraphs"),
                                                  documents)),
                (_("Where the states taking part are named"), citation(cell.get("parties_document"),
                                                                       cell.get("parties_paragraphs"), documents))]
    lines = [f"**{md_escape(label)}:** {md_escape(text)}" for label, text in labelled if text]
    return "  \n".join(lines)


def status_definitions() -> None:
    """What each status means, in a closed expander above the matrix."""
    with st.expander(_("What the statuses mean"), icon=":material/help:"):
        st.markdown("\n".join(f"- **{md_escape(store.status_label(status))}**: "
                               f"{md_escape(store.status_definition(status))}" for status in store.STATUSES))
        st.caption(_("A status never claims more than its source. “Requested” and “not recorded” are neither "
                     "agreement nor failure: they are counted apart from the measures a state committed to. "
                     "Paragraphs are counted from the first paragraph under a document's headline."))


def show_feedback(key: str = FEEDBACK) -> None:
    """The outcome of the last save in this session, once."""
    kind, messages = st.session_state.pop(key, (None, []))
    for message in messages:
        if kind == "success":
            st.success(md_escape(message), icon=":material/check_circle:")
        elif kind == "conflict":
            st.warning(md_escape(message), icon=":material/sync_problem:")
        else:
            st.error(md_escape(message), icon=":material/error:")


def _refused(problems: list[str], kind: str = "error", key: str = FEEDBACK) -> None:
    st.session_state[key] = (kind, list(problems))


# ---------------------------------------------------------------- recording a status

def _save_status(measure_id: str, iso3: str, based_on: str | None, key: str) -> None:
    values, editor = st.session_state, auth.current_editor()
    try:
        store.record_status(measure_id, iso3, values[f"{key}_status"], values[f"{key}_as_of"],
                            values[f"{key}_note"], values[f"{key}_source"], editor or "",
                            auth.display_name(editor) if editor else None, based_on)
    except store.StatusChangedMeanwhile as changed:
        _refused(changed.problems, "conflict")
    except store.EditRefused as refused:
        _refused(refused.problems)
    except state.StoreUnavailable as unavailable:  # busy with another process, read-only, full disk
        _refused([unavailable.sentences_in(_)])
    else:
        st.session_state[FEEDBACK] = ("success", [_("Saved: {state} is now “{status}” for this measure.").format(
            state=countries.name(iso3), status=store.status_label(values[f"{key}_status"]))])
        values[f"{key}_note"] = ""


def record_status_form(cell: dict) -> None:
    """Form to record a new status for one measure in one state, based on the status shown above it."""
    based_on = cell.get("row_key")
    based_on = None if based_on is None or pd.isna(based_on) else based_on
    key = f"{STATUS_PREFIX}_{cell['measure_id']}_{cell['country_iso3']}"
    with st.form(STATUS_PREFIX, border=True):
        st.markdown("**" + _("Record a new status for this measure in {state}").format(
            state=md_escape(countries.name(cell["country_iso3"]))) + "**")
        left, right = st.columns(2)
        left.selectbox(_("Status"), store.STATUSES, index=store.STATUSES.index(cell["status"]),
                       format_func=store.status_label, key=f"{key}_status")
        right.date_input(_("As of"), value=min(date.today(), store.latest_allowed_date()), format="YYYY-MM-DD",
                         key=f"{key}_as_of", help=_("The day the status applies from: not before the meeting "
                                                    "({date}), not in the future.").format(
                                                        date=fmt_date(cell["meeting_date"], "long")))
        st.text_input(_("Source"), key=f"{key}_source", placeholder=_("The document or communication, with its date"))
        st.text_area(_("Note"), key=f"{key}_note", placeholder=_("What happened, in a sentence or two"),
                     help=_("Optional; at most {n} characters.").format(n=fmt_int(store.NOTE_MAX)))
        st.form_submit_button(_("Save status"), type="primary", icon=":material/save:", on_click=_save_status,
                              args=(cell["measure_id"], cell["country_iso3"], based_on, key))
    st.caption(_("Your name and the time are recorded with the status. Earlier statuses are kept as history."))


# ---------------------------------------------------------------- adding a meeting

def _save_meeting(count: int) -> None:
    values, editor, key = st.session_state, auth.current_editor(), MEETING_PREFIX
    drafts = [store.MeasureDraft(values.get(f"{key}_{n}_title", ""), values.get(f"{key}_{n}_description", ""),
                                 values.get(f"{key}_{n}_category") or "") for n in range(count)]
    try:
        meeting_id = store.add_meeting(
            values[f"{key}_date"], values[f"{key}_title"], values[f"{key}_source"], drafts, editor or "",
            auth.display_name(editor) if editor else None, organiser=values[f"{key}_organiser"],
            participants=values[f"{key}_participants"], agreed_by=tuple(values[f"{key}_agreed_by"]))
    except store.EditRefused as refused:
        _refused(refused.problems, key=MEETING_FEEDBACK)
        return
    except state.StoreUnavailable as unavailable:
        _refused([unavailable.sentences_in(_)], key=MEETING_FEEDBACK)
        return
    st.session_state[MEETING_FEEDBACK] = ("success", [ngettext(
        "Added the meeting of {date} ({id}) with {n} measure.", "Added the meeting of {date} ({id}) with {n} measures.",
        count).format(date=fmt_date(values[f"{key}_date"], "long"), id=meeting_id, n=count)])
    for field in ("title", "source", "organiser", "participants"):
        values[f"{key}_{field}"] = ""
    for n in range(count):
        values[f"{key}_{n}_title"] = values[f"{key}_{n}_description"] = ""


def add_meeting_form(categories: list[str], category_label=str) -> None:
    """Form to add a meeting held after 2020 and the measures agreed at it.

    `categories` are the English names (what is stored), shown with `category_label`; a new one is stored as
    typed."""
    key = MEETING_PREFIX
    count = st.number_input(_("Number of measures agreed at the meeting"), min_value=1,
                            max_value=store.MEASURES_PER_MEETING_MAX, value=1, key=f"{key}_count")
    with st.form(key, border=True):
        left, right = st.columns([1, 3])
        latest = store.latest_allowed_date()
        left.date_input(_("Meeting date"), value=min(date.today(), latest), format="YYYY-MM-DD", key=f"{key}_date",
                        help=_("Meetings held from 1 January 2021 on; earlier ones come from the documents."))
        right.text_input(_("Title of the meeting"), key=f"{key}_title")
        left, right = st.columns(2)
        left.text_input(_("Organiser (optional)"), key=f"{key}_organiser")
        right.text_input(_("Participants (optional)"), key=f"{key}_participants")
        st.text_input(_("Source"), key=f"{key}_source", placeholder=_("The minutes or summary of the meeting"))
        st.multiselect(_("States that agreed (their status starts as “agreed” on the meeting date; the others "
                         "show “not recorded”)"),
                       countries.OTS_STATES, default=list(countries.OTS_STATES), format_func=countries.name,
                       key=f"{key}_agreed_by")
        for n in range(int(count)):
            st.markdown("**" + _("Measure {n}").format(n=n + 1) + "**")
            left, right = st.columns([2, 1])
            left.text_input(_("Title"), key=f"{key}_{n}_title")
            right.selectbox(_("Category"), categories, index=None, accept_new_options=True,
                            format_func=category_label, placeholder=_("Choose or type a new one"),
                            key=f"{key}_{n}_category")
            st.text_area(_("What was agreed"), height=80, key=f"{key}_{n}_description")
        st.form_submit_button(_("Add meeting"), type="primary", icon=":material/add:", on_click=_save_meeting,
                              args=(int(count),))
    show_feedback(MEETING_FEEDBACK)
