"""Page: data_sources (being written)."""
import streamlit as st

from app.i18n import _

st.title(_("data_sources"))
