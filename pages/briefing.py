"""Page: the briefing the chair shares in a video meeting — a few large figures with their year, source and
trend, a presentation mode (one topic per screen), and where each state stands on a meeting's measures."""
import streamlit as st

from app import ui, url_state
from app.i18n import _
from app.views import briefing as view

topics = view.topics(view.presenting())
meetings = view.meetings()
meeting_label = view.meeting_label(meetings)


def show_meeting(presenting_now: bool) -> tuple[str, list] | None:
    """Draw the chosen meeting's measures; return its id and its chart for the briefing pack."""
    if meetings.empty:
        ui.empty(_("No meeting is recorded yet. Editors add meetings on the “Agreed measures” page."))
        return None
    chosen = url_state.select(_("Meeting"), list(meetings["meeting_id"]), key="meeting",
                              format_func=meeting_label)
    meeting = meetings.set_index("meeting_id").loc[chosen]
    meeting["meeting_id"] = chosen
    status = view.meeting_status(chosen)
    if not presenting_now:
        st.markdown(view.escape(_("Organised by {organiser}. Taking part: {participants}. Known from: "
                                  "{source}.").format(organiser=meeting["organiser"] or "—",
                                                      participants=meeting["participants"] or "—",
                                                      source=meeting["source"])))
    agreed = status.drop_duplicates("measure_id")
    if agreed.empty:
        ui.empty(_("No measure is recorded for this meeting. Editors add them on the “Agreed measures” page."))
        return chosen, []
    implemented = status[status["status"] == "implemented"].groupby("country_iso3").size()
    view.show_headlines(view.meeting_headlines(status, implemented), per_row=7)
    matrix = (view.meeting_matrix(chosen, status, presenting_now), view.meeting_table(status),
              view.meeting_meta(meeting, meeting_label(chosen)))
    ui.chart(*matrix, key="meeting_matrix")
    if not presenting_now:
        st.markdown("\n".join(f"- **{view.escape(r.measure_title)}** ({view.escape(r.category)}): "
                              f"{view.escape(r.description)}" for r in view.measure_texts(agreed).itertuples()))
    return chosen, [matrix]


if view.presenting():
    count = len(topics) + 1  # the topics, then the latest meeting
    index = view.topic_index(count)
    title = topics[index].title if index < len(topics) else _("Where each state stands on a meeting's measures")
    head, back, forward, leave = st.columns([7, 1.2, 1.2, 1.1], vertical_alignment="center")
    head.markdown(f"### {view.escape(title)}  \n<span style='color:#5D6D7E'>{index + 1} / {count}</span>",
                  unsafe_allow_html=True)
    back.button(_("Previous"), icon=":material/arrow_back:", on_click=view.go_to, args=(index - 1,),
                disabled=index == 0, width="stretch")
    forward.button(_("Next"), icon=":material/arrow_forward:", on_click=view.go_to, args=(index + 1,),
                   disabled=index == count - 1, width="stretch")
    leave.button(_("Exit"), icon=":material/close:", on_click=view.stop_presenting, width="stretch")
    if index < len(topics):
        view.show_topic(topics[index], presenting_now=True)
    else:
        show_meeting(presenting_now=True)
else:
    head, action = st.columns([5, 1], vertical_alignment="bottom")
    head.title(_("Briefing"))
    action.button(_("Present"), icon=":material/slideshow:", on_click=view.start_presenting, type="primary",
                  width="stretch", help=_("One topic per screen, large type, no sidebar: for sharing in a call."))
    pack_slot = action.container()
    st.caption(_("The figures to share in a meeting, each with its year, source and trend. Sources differ in "
                 "what they count: read the note under each chart."))
    for topic in topics:
        st.subheader(topic.title, divider="gray")
        view.show_topic(topic)
    st.subheader(_("A meeting's measures, and where each state stands now"), divider="gray")
    chosen_meeting, meeting_charts = show_meeting(presenting_now=False) or ("", [])
    ui.briefing_pack_button([(t.figure, t.data, t.meta) for t in topics] + meeting_charts, chosen_meeting,
                            meeting_label(chosen_meeting) if chosen_meeting else "", container=pack_slot)
