"""Figure builders: pure functions from DataFrames to plotly Figures or pydeck Decks, one module per page.

They read no data and draw nothing on the page, so the same figure feeds the
page, the PNG export and the tests. Every word they put on a figure is already
translated (`app.i18n._`) and every country named in the reader's language.
"""
