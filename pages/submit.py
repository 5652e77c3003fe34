"""Page: a Secretariat editor loads a member state's file of figures; everyone sees the history of submissions."""
import streamlit as st

from app import auth, db, ui, uploads
from app.store import connection as store
from app.store import submissions as submissions_store
from app.cached import load
from app.i18n import _, fmt_int, ngettext
from app.queries import common, figures
from app.views import submit as view

UPLOAD_KEY = "submission_upload"
FLASH = "submission_flash"

st.title(_("Submit figures"))
st.caption(_("Member states send the Secretariat their figures on stranded citizens and labour migration. "
             "An editor checks each file here against the same rules as the database build, sees what it would "
             "add or correct, and confirms. Submitted figures appear on the pages at once and survive every "
             "rebuild of the database."))
editor = auth.sign_in_box()

st.subheader(_("1. Fill in the template"))
st.markdown(_("One row per figure. Send CSV (UTF-8) or Excel (.xlsx, sheet “figures”), at most {mb} MB and "
              "{rows} rows. To correct a figure sent earlier, send it again with the same record.").format(
                  mb=uploads.MAX_BYTES // (1024 * 1024), rows=fmt_int(uploads.MAX_ROWS)))
left, right, _spacer = st.columns([1, 1, 3])
left.download_button(_("Template (CSV)"), uploads.template_csv(), "ots_figures_template.csv", "text/csv",
                     icon=":material/table:", on_click="ignore", key="template_csv")
right.download_button(_("Template (Excel)"), uploads.template_xlsx(), "ots_figures_template.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      icon=":material/grid_on:", on_click="ignore", key="template_xlsx")
with st.expander(_("The template's columns")):
    st.dataframe(uploads.template_help(), hide_index=True, width="stretch",
                 height=36 * (len(uploads.TEMPLATE_COLUMNS) + 1), column_config={
        "column": _("Column"), "required": _("Required"), "format": _("Format"), "meaning": _("Meaning"),
        "example": _("Example")})

st.subheader(_("2. Check and load a file"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH), icon=":material/check_circle:")
if auth.require_editor() is not None:
    attempt = st.session_state.setdefault("submission_attempt", 0)
    upload = st.file_uploader(_("File of figures"), type=uploads.UPLOAD_TYPES, key=f"{UPLOAD_KEY}_{attempt}",
                              max_upload_size=uploads.MAX_BYTES // (1024 * 1024))
    if upload is not None:
        content = upload.getvalue()
        stamp = (upload.file_id, upload.name, store.version(), db.build_id())
        if st.session_state.get("submission_checked", (None,))[0] != stamp:  # checked once per file and store
            known = set(load(common.countries)["iso3"])
            with st.spinner(_("Checking the file…")):
                st.session_state["submission_checked"] = (stamp, uploads.check(
                    content, upload.name, known, load(figures.all_figures)))
        preview = st.session_state["submission_checked"][1]
        for note in preview.notes_in(_):
            st.info(note, icon=":material/info:")
        if preview.refused:
            st.error(_("This file cannot be loaded. Nothing was stored."), icon=":material/block:")
        else:
            added, changed, rejected = st.columns(3)
            added.metric(_("To add"), fmt_int(len(preview.added)))
            changed.metric(_("To correct"), fmt_int(len(preview.changed)))
            rejected.metric(_("Rejected"), fmt_int(len(preview.rejected)))
        if preview.problems:
            st.markdown("**" + _("Problems, by row") + "**")
            st.dataframe(preview.problem_table(_, limit=uploads.PROBLEMS_SHOWN), hide_index=True,
                         width="stretch", column_config=view.problem_labels())
            if len(preview.problems) > uploads.PROBLEMS_SHOWN:
                st.caption(_("The first {shown} of {n} problems are listed; correct them and check the file again "
                             "to see the rest.").format(shown=fmt_int(uploads.PROBLEMS_SHOWN),
                                                         n=fmt_int(len(preview.problems))))
        labels = view.figure_labels()
        for kind, title in (("added", _("Figures to add")), ("changed", _("Corrections of earlier submissions"))):
            rows = getattr(preview, kind)
            if rows is not None and len(rows):
                st.markdown(f"**{title}**")
                st.dataframe(rows[view.preview_columns(kind)], hide_index=True, width="stretch",
                             column_config=labels)
        if not preview.refused:
            confirm, cancel, _spacer = st.columns([2, 1, 2])
            label = _("Load {n} figures").format(n=fmt_int(preview.loadable))
            if preview.rejected is not None and len(preview.rejected):
                label += " " + ngettext("(leave out {n} rejected row)", "(leave out {n} rejected rows)",
                                        len(preview.rejected)).format(n=fmt_int(len(preview.rejected)))
            if confirm.button(label, type="primary", disabled=preview.loadable == 0, icon=":material/done_all:"):
                try:
                    submission_id = uploads.confirm(preview, content, editor)
                except (submissions_store.SubmissionError, ValueError) as problem:
                    st.error(str(problem))
                except store.StoreUnavailable as problem:
                    st.error(problem.sentences_in(_), icon=":material/database:")
                else:
                    st.session_state[FLASH] = _("Stored as submission {id}: {n} figures loaded.").format(
                        id=submission_id, n=fmt_int(preview.loadable))
                    st.session_state["submission_attempt"] = attempt + 1
                    st.rerun()
            if cancel.button(_("Cancel"), icon=":material/close:"):
                st.session_state["submission_attempt"] = attempt + 1
                st.rerun()

st.subheader(_("3. Submissions so far"))
history = submissions_store.history()
if history.empty:
    ui.empty(_("No file has been submitted yet."))
else:
    view.show_history(history)
    active = history[history["status"] == "active"]
    if editor and len(active):
        with st.expander(_("Withdraw a submission")):
            st.caption(_("Its figures stop counting on every page. They are kept, marked withdrawn, with "
                         "who withdrew them, when and why; a figure it corrected counts again."))
            with st.form("withdraw_submission", clear_on_submit=True):
                chosen = st.selectbox(_("Submission"), active["submission_id"], format_func=lambda s: "{} — {}".format(
                    s, active.set_index("submission_id").at[s, "file_name"]))
                reason = st.text_input(_("Why is it withdrawn?"), max_chars=500)
                if st.form_submit_button(_("Withdraw"), icon=":material/undo:"):
                    try:
                        count = submissions_store.withdraw(chosen, editor, reason)
                    except submissions_store.SubmissionError as problem:
                        st.error(str(problem))
                    except store.StoreUnavailable as problem:
                        st.error(problem.sentences_in(_), icon=":material/database:")
                    else:
                        st.session_state[FLASH] = _("Submission {id} withdrawn: {n} figures no longer count.")\
                            .format(id=chosen, n=fmt_int(count))
                        st.rerun()
    if editor:
        kept = st.selectbox(_("Original file of submission"), history["submission_id"], key="kept_file")
        path = submissions_store.kept_file(kept)
        if path is not None:
            st.download_button(_("Download the file as submitted"), path.read_bytes(),
                               history.set_index("submission_id").at[kept, "file_name"],
                               icon=":material/download:", on_click="ignore", key="kept_download")
