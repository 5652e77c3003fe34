"""The read side: connection, named queries, charts, languages, export and the app's own state.

Pages import from here and only lay out. Nothing here writes the built database.
"""


def _navigation_only() -> None:
    """Make the first run after a server start go through `dashboard.py`, whatever page the link names.

    Streamlit treats an app with a `pages/` folder as an old-style multipage app until `st.navigation` has
    run once in the process: the very first visitor who opens a link such as `/migration` gets that page
    run on its own (no page settings, no language switch, file names as navigation). The first import of
    this package, which every page makes, switches that off and reruns the request through the frame.
    Known gap: a second visitor whose page run started before that import finished (two links opened in
    the same instant after a start) runs its page on its own once; its next action goes through the frame.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # a future Streamlit without the old mode
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if get_script_run_ctx(suppress_warning=True) is not None:
            import streamlit as st
            st.rerun()


_navigation_only()
