"""How the dashboard is served: `streamlit run serve.py` (what `make run` does) serves `dashboard.py` and, before
it answers its first request, fills the caches of the first page a chair opens (`app.warm`), so the first visit
after a start costs about what a later one does.

`streamlit run dashboard.py` serves the same dashboard without that step (the tests do).
"""
import asyncio
from contextlib import asynccontextmanager

import streamlit as st


@asynccontextmanager
async def warm_first_page(_app):
    from app import warm
    await asyncio.to_thread(warm.first_page)  # the runtime's caches exist by now; requests wait for this
    yield


app = st.App("dashboard.py", lifespan=warm_first_page)
