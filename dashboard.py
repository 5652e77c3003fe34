"""The frame of the dashboard: page settings, language, navigation. Pages live in `pages/`."""
import streamlit as st

from app import i18n, ui, url_state
from app.i18n import _

# Presentation mode (?present=1, the Briefing's "Present" button): what the chair shares in a video call.
# No sidebar, no toolbar, larger type, less padding, so one topic fits a 1280×720 shared screen; the
# download buttons are hidden there (the same charts export from the normal view).
PRESENTING = url_state.value("present") == "1"
PRESENTATION_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stLayoutWrapper"]:has(> [data-testid="stHorizontalBlock"] > [data-testid="stElementContainer"]
  [data-testid="stDownloadButton"]) { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.8rem 2.2rem 0.5rem 2.2rem !important; max-width: 100% !important; }
[data-testid="stMain"] { font-size: 1.12rem; }
[data-testid="stMetricValue"] { font-size: 2.5rem !important; line-height: 1.15 !important; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem !important; }
[data-testid="stMetricDelta"] { font-size: 1rem !important; }
[data-testid="stCaptionContainer"] p { font-size: 0.95rem !important; }
[data-testid="stMain"] h3 { font-size: 2rem !important; padding: 0 !important; }
</style>"""

st.set_page_config(page_title="OTS Migration Dashboard", page_icon="🌐", layout="wide",
                   initial_sidebar_state="collapsed" if PRESENTING else "expanded")
if PRESENTING:
    st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)
i18n.choose_language()

PAGES = {
    _("Overview"): [
        st.Page("pages/briefing.py", title=_("Briefing"), icon=":material/co_present:", url_path="briefing",
                default=True),
    ],
    _("Migration"): [
        st.Page("pages/migration.py", title=_("Stocks and flows"), icon=":material/conversion_path:",
                url_path="migration"),
        st.Page("pages/stranded.py", title=_("Stranded citizens"), icon=":material/flight_land:",
                url_path="stranded"),
        st.Page("pages/labour.py", title=_("Labour and remittances"), icon=":material/payments:",
                url_path="labour"),
        st.Page("pages/world.py", title=_("World map"), icon=":material/public:", url_path="world"),
    ],
    _("Cooperation"): [
        st.Page("pages/measures.py", title=_("Agreed measures"), icon=":material/fact_check:", url_path="measures"),
        st.Page("pages/country.py", title=_("Country profiles"), icon=":material/flag:", url_path="country"),
    ],
    _("Data"): [
        st.Page("pages/data.py", title=_("Data and sources"), icon=":material/dataset:",
                url_path="data"),
        st.Page("pages/submit.py", title=_("Submit figures"), icon=":material/upload_file:",
                url_path="submit"),
    ],
}

page = st.navigation(PAGES)
# The browser tab names the page and the dashboard in the reader's language (the first call above cannot:
# the language is chosen after it).
st.set_page_config(page_title=_("{page} · OTS Migration Dashboard").format(page=page.title))
ui.run_page(page)
