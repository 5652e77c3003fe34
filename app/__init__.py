"""The read side: connection, named queries, charts, languages, export and the app's own state.

Pages import from here and only lay out. Nothing here writes the built database.
"""
