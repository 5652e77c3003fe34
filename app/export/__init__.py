"""Snapshots of a chart: its data as CSV, and a slide (PNG) with its title, filters, source and date inside;
the Briefing pack of several.

    meta.py      ChartMeta: what a snapshot carries besides the data
    csv.py       the data as CSV, for spreadsheets in any language
    browser.py   the one headless Chromium that draws figures (kaleido), offline
    slide.py     the slide's layout: the chart drawn by the browser, the frame around it drawn with Pillow
    pack.py      the Briefing pack (ZIP)

Nothing here may reach the internet, and nothing here knows Streamlit or the reader's language: every word
it writes comes in `meta` and `labels`, already translated by the caller (`app.ui`). Callers use the names
below.
"""
from app.export.browser import (OFFLINE_PROXY, ExportUnavailable, _Renderer, _renderer, browser_path,
                                 plotly_js_path, png_size, render_png)
from app.export.csv import FORMULA_STARTS, csv_bytes, neutralise_formula, read_csv_export
from app.export.meta import ChartMeta
from app.export.pack import briefing_pack, briefing_pack_name, file_stem
from app.export.slide import (PAD_X, PNG_HEIGHT, PNG_SCALE, PNG_WIDTH, STREAMLIT_CATEGORICAL, _frame, chart_body,
                              png_bytes, text_width, wrap)

__all__ = ["FORMULA_STARTS", "OFFLINE_PROXY", "PAD_X", "PNG_HEIGHT", "PNG_SCALE", "PNG_WIDTH", "STREAMLIT_CATEGORICAL",
           "ChartMeta", "ExportUnavailable", "briefing_pack", "briefing_pack_name", "browser_path", "chart_body",
           "csv_bytes", "file_stem", "neutralise_formula", "plotly_js_path", "png_bytes", "png_size",
           "read_csv_export", "render_png", "text_width", "wrap",
           # internals that tests/test_export.py reaches through the package
           "_Renderer", "_frame", "_renderer"]
