"""Page: migration (being written)."""
import streamlit as st

from app.i18n import _

st.title(_("migration"))
