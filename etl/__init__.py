"""The write side: raw files in `data/raw` -> validated tables in a DuckDB file.

Never imports from the app or the pages.
"""
