"""Page: the briefing the chair shares in a video meeting — a few large figures with their year, source and
trend, a presentation mode (one topic per screen), and where each state stands on a meeting's measures."""
import streamlit as st

from app import editions, ui, url_state
from app.i18n import _
from app.queries import common
from app.views import briefing as view

meetings = view.meetings()
meeting_label = view.meeting_label(meetings)


def show_meeting(presenting_now: bool) -> None:
    """The chosen meeting: what it agreed and where each state stands now."""
    if meetings.empty:
        ui.empty(_("No meeting is recorded yet. Editors add meetings on the “Agreed measures” page."))
        return
    chosen = url_state.select(_("Meeting"), list(meetings["meeting_id"]), key="meeting",
                              format_func=meeting_label)
    meeting = meetings.set_index("meeting_id").loc[chosen]
    status = view.meeting_status(chosen)
    if not presenting_now:
        st.markdown(view.escape(_("Convened or moderated by {organiser}. Taking part: {participants}. Known "
                                  "from: {source}.").format(organiser=meeting["organiser"] or "—",
                                                      participants=meeting["participants"] or "—",
                                                      source=meeting["source"])))
    agreed = status.drop_duplicates("measure_id")
    if agreed.empty:
        ui.empty(_("No measure is recorded for this meeting. Editors add them on the “Agreed measures” page."))
        return
    implemented = status[status["status"] == "implemented"].groupby("country_iso3").size()
    if presenting_now:
        view.show_headlines(view.meeting_headlines(status, implemented), per_row=7)
    else:
        view.show_compact(view.meeting_headlines(status, implemented))
    ui.chart(*view.meeting_chart(chosen, meeting_label(chosen), presenting_now), key="meeting_matrix")
    if not presenting_now:
        st.markdown("\n".join(f"- **{view.escape(r.measure_title)}** ({view.escape(r.category)}): "
                              f"{view.escape(r.description)}" for r in view.measure_texts(agreed).itertuples()))
        view.typed_only_note(status)


if view.presenting():
    topics = view.topics(True, view.chosen_editions())  # the editions the link names; no control on a slide
    count = len(topics) + 1  # the topics, then the meeting
    index = view.topic_index(count)
    title = topics[index].title if index < len(topics) else view.MEETING_TITLE()
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
    pack_slot = action.container()
    st.caption(_("The figures to share in a meeting, each with its year, source and trend. Choose a topic for "
                 "its chart and details; “Present” shows one topic per screen for a call."))
    # The latest editions unless the reader (or the link) asks for the previous ones.
    topics = view.topics(False, editions.choose((common.STOCK, common.WDI), container=st.columns([2, 1])[0]))
    view.show_strip(topics)
    keys = [t.key for t in topics] + [view.MEETING]
    pack_slot.button(_("Present"), icon=":material/slideshow:", on_click=view.start_presenting_shown, args=(keys,),
                     type="primary", width="stretch",
                     help=_("One topic per screen, large type, no sidebar: for sharing in a call."))
    chosen = view.linked_meeting(meetings)
    ui.briefing_pack_button([(t.figure, t.data, t.meta) for t in topics] + view.meeting_pack_items(chosen),
                            chosen, meeting_label(chosen) if chosen else "", container=pack_slot)

    # Choosing another topic reruns this part alone; a meeting chosen in it changes the pack above: the whole page.
    @ui.rerun_alone
    def one_topic(topics: list, keys: list[str], pack_meeting: str) -> None:
        titles = {t.key: t.title for t in topics} | {view.MEETING: view.MEETING_TITLE()}
        names = {t.key: t.short or t.title for t in topics} | {view.MEETING: view.MEETING_SHORT()}
        shown = url_state.radio(_("Topic"), keys, key="show", format_func=names.get, horizontal=True)
        st.subheader(titles[shown], divider="gray")
        if shown == view.MEETING:
            show_meeting(presenting_now=False)
            if view.linked_meeting(meetings) != pack_meeting:
                st.rerun(scope="app")
        else:
            view.show_topic(next(t for t in topics if t.key == shown))

    one_topic(topics, keys, chosen)
