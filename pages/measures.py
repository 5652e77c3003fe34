"""Page: Agreed measures — where each member and observer state stands on what the group agreed.

Everyone reads; Secretariat editors sign in (sidebar) to record a status or add a meeting.
"""
import streamlit as st

from app import auth, countries, ui, url_state
from app.cached import figure, load
from app.charts import measures as charts
from app.charts.common import md_escape
from app.i18n import _, fmt_date
from app.measures_evidence import category_labels
from app.queries import measures as queries
from app.store.measures import STATUSES, status_label
from app.views import measures as view

st.title(_("Agreed measures"))
st.caption(_("What the Migration Coordination Group agreed at its meetings, and where each member and observer "
             "state stands on it. Choose a measure and a state below the matrix to see its full history."))
editor = auth.sign_in_box()

current = view.current_status()
meetings = view.meetings()
documents = load(queries.documents)
AGREED_CAVEAT = _("“Agreed” means the state agreed to the measure at the meeting, not that it has been carried "
                  "out; “requested” and “not recorded” are neither agreement nor failure. Later statuses are "
                  "recorded by the Secretariat from the documents named as their source.")
REBUILD_NOTE = _("Statuses and meetings recorded here are kept in the dashboard's own store: rebuilding the "
                 "database from the meeting documents neither changes nor removes them.")

# ---- filters (kept in the URL)
meeting_names = {row.meeting_id: f"{fmt_date(row.meeting_date)} · {row.title}" for row in meetings.itertuples()}
category_names = category_labels(current)
columns = st.columns(4)
chosen_meetings = url_state.multiselect(_("Meeting"), list(meeting_names), key="meetings",
                                        format_func=meeting_names.get, container=columns[0],
                                        placeholder=_("All meetings"))
chosen_states = url_state.multiselect(_("State"), countries.OTS_STATES, key="states", format_func=countries.name,
                                      container=columns[1], placeholder=_("All members and observers"))
chosen_statuses = url_state.multiselect(_("Status"), STATUSES, key="statuses", format_func=status_label,
                                        container=columns[2], placeholder=_("Any status"))
categories = sorted(current["category_en"].dropna().unique(), key=lambda english: category_names[english])
chosen_categories = url_state.multiselect(_("Category"), categories, key="categories", container=columns[3],
                                          format_func=lambda english: category_names.get(english, english),
                                          placeholder=_("All categories"))
frame, states = view.filtered(current, chosen_meetings, chosen_states, chosen_statuses, chosen_categories)
filters = ((_("Meeting"), "; ".join(meeting_names[m] for m in chosen_meetings) or _("all")),
           (_("State"), ", ".join(countries.name(s) for s in chosen_states) or _("all")),
           (_("Status"), ", ".join(status_label(s) for s in chosen_statuses) or _("any")),
           (_("Category"), ", ".join(category_names.get(c, c) for c in chosen_categories) or _("all")))

# ---- the matrix
st.subheader(_("Status of each measure in each state"))
view.status_definitions()
if frame.empty:
    ui.empty(_("No measure matches these filters. Clear a filter above to see more measures."))
else:
    shown = tuple(chosen_statuses) or STATUSES
    ui.chart(figure(charts.status_matrix, frame, states, countries.name, shown), view.matrix_export(frame, documents),
             view.chart_meta(_("Agreed measures: current status by state"), "measures-status-matrix", filters,
                                AGREED_CAVEAT), key="measures_matrix")
    view.typed_only_note(frame)


# ---- one cell: its history, and (for editors) a new status; choosing another cell reruns this part alone
@ui.rerun_alone
def one_cell(frame, states: list[str], current, documents, editor: str | None) -> None:
    st.subheader(_("History of one measure in one state"))
    measure_titles = dict(zip(frame["measure_id"], frame["measure_title"]))
    left, right = st.columns([3, 1])
    measure_id = url_state.select(_("Measure"), list(measure_titles), key="measure", format_func=measure_titles.get,
                                  container=left)
    state = url_state.select(_("State"), states, key="cell", format_func=countries.name, container=right)
    cell = current[(current["measure_id"] == measure_id) & (current["country_iso3"] == state)].iloc[0].to_dict()
    st.caption(md_escape(_("Agreed at the meeting of {date}. Category: {category}.").format(
        date=fmt_date(cell["meeting_date"], "long"), category=cell["category"])))
    st.markdown(view.current_line(cell))
    evidence = view.evidence_lines(cell, documents)
    if evidence:
        st.markdown(evidence)
    view.show_feedback()
    history = view.status_history(measure_id, state)
    st.dataframe(view.history_table(history, documents), hide_index=True, width="stretch")
    if editor:
        view.record_status_form(cell)
    else:
        auth.require_editor()


if not frame.empty:
    one_cell(frame, states, current, documents, editor)

# ---- over time, and per state
st.subheader(_("Meetings and status changes over time"))
all_history = view.status_history()
timeline_rows = all_history[all_history["country_iso3"].isin(states)
                            & all_history["measure_id"].isin(frame["measure_id"])]
if timeline_rows.empty:
    ui.empty(_("No status has been recorded for these measures and states yet."))
else:
    shown_meetings = meetings[meetings["meeting_id"].isin(frame["meeting_id"])]
    ui.chart(figure(charts.status_timeline, timeline_rows, shown_meetings, states, countries.name),
             view.timeline_export(timeline_rows, documents),
             view.chart_meta(_("Agreed measures: statuses recorded over time"), "measures-timeline", filters,
                                _("Bigger dots stand for several measures on the same day.")), key="measures_timeline")

st.subheader(_("Implemented, per state"))
summary = load(queries.implemented_per_state)
summary = summary[summary["country_iso3"].isin(states)]
ui.chart(figure(charts.state_summary, summary, countries.name), view.summary_export(summary),
         view.chart_meta(_("Agreed measures implemented, per state"), "measures-implemented-per-state",
                            filters[1:2], _("Counted over all measures, whatever the other filters. “n of m”: m is "
                                            "the measures the state committed to (agreed, in progress or "
                                            "implemented); measures it requested or is not recorded on are shown "
                                            "but not counted in m.")), key="measures_summary")

if editor:
    st.subheader(_("Add a meeting"))
    st.caption(_("For meetings held after 2020; earlier meetings come from the meeting documents."))
    view.add_meeting_form(categories, lambda english: category_names.get(english, english))
ui.caveat(REBUILD_NOTE)
