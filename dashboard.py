"""The frame of the dashboard: page settings, language, navigation. Pages live in `pages/`."""
import streamlit as st

from app import i18n, ui
from app.i18n import _

st.set_page_config(page_title="OTS Migration Dashboard", page_icon="🌐", layout="wide",
                   initial_sidebar_state="expanded")
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
    ],
    _("Cooperation"): [
        st.Page("pages/measures.py", title=_("Agreed measures"), icon=":material/fact_check:", url_path="measures"),
        st.Page("pages/country.py", title=_("Country profiles"), icon=":material/flag:", url_path="country"),
    ],
    _("Data"): [
        st.Page("pages/data_sources.py", title=_("Data and sources"), icon=":material/dataset:",
                url_path="data"),
        st.Page("pages/submissions.py", title=_("Submit figures"), icon=":material/upload_file:",
                url_path="submit"),
    ],
}

ui.run_page(st.navigation(PAGES))
