"""Page helpers: the words, tables and small decisions a page needs between its queries and its figures.

One module per page that needs them, so the page file itself only lays out.
They may read cached data (`app.cached.load`) and write Streamlit messages, but
hold no SQL and build no figures.
"""
