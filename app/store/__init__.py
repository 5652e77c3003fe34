"""The app's own store: what editors and member states record in the dashboard, kept apart from the build.

Every write of the dashboard happens here, in a SQLite file (`data/state/app_state.sqlite3`) that the ETL
build never opens, so a rebuild cannot lose what was recorded:

    tables.py       the store's tables, declared once (from the ETL's own columns where they mirror the build)
    connection.py   opening the file (WAL, shared by several processes), transactions, the store's version,
                    StoreUnavailable (sentences for the reader); the one way in for every other module
    migrate.py      moving a store kept by an earlier version in DuckDB into SQLite, once
    measures.py     statuses, meetings and measures recorded by editors (checked, then appended)
    submissions.py  member states' files of figures: their records, rows, corrections and withdrawals
    views.py        the frames of the store that queries on the build join (`@uses_state`), by name
    backup.py       dated copies of the store and its files, and restoring one (the command `python -m app.backup`)

Nothing is registered by importing a module: the tables are listed in `tables.TABLES`, the views in
`views.STATE_VIEWS`.
"""
