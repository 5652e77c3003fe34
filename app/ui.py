"""Layout helpers every page uses: chart with its exports, caveats, empty states, headline figures.

Pages stay thin: they call these with data and figures built elsewhere.
"""
from __future__ import annotations

import logging
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import db
from app.export import ChartMeta, csv_bytes, png_bytes
from app.i18n import _

log = logging.getLogger("ots.dashboard")

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage", "lasso2d", "select2d"]}


def export_labels() -> dict[str, str]:
    """The words written into exported files, in the reader's language."""
    return {"source": _("Source"), "licence": _("Licence"), "data": _("Data"), "filters": _("Filters"),
            "exported": _("Exported"), "exported_from": _("OTS Migration Dashboard")}


def export_buttons(meta: ChartMeta, data: pd.DataFrame, png: Callable[[], bytes] | None, key: str) -> None:
    """'Download PNG' and 'Download CSV' side by side; the PNG is rendered only when clicked."""
    left, right, _spacer = st.columns([1, 1, 4])
    if png is not None:
        left.download_button(_("Download PNG"), data=png, file_name=f"{meta.slug}.png", mime="image/png",
                             key=f"png_{key}", icon=":material/image:", on_click="ignore")
    right.download_button(_("Download CSV"), data=csv_bytes(data, meta, export_labels()),
                          file_name=f"{meta.slug}.csv", mime="text/csv", key=f"csv_{key}",
                          icon=":material/table:", on_click="ignore")


def chart(fig: go.Figure, data: pd.DataFrame, meta: ChartMeta, key: str, height: int | None = None) -> None:
    """A plotly chart, its caveat, and its PNG and CSV exports."""
    if height:
        fig.update_layout(height=height)
    st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=f"chart_{key}")
    if meta.caveat:
        caveat(meta.caveat)
    export_buttons(meta, data, lambda: png_bytes(fig, meta, export_labels()), key)


def source_line(meta: ChartMeta) -> None:
    text = f"{_('Source')}: {meta.source}"
    if meta.data_date:
        text += f" · {_('Data')}: {meta.data_date}"
    st.caption(text)


def caveat(text: str) -> None:
    """The caveat that applies to the view above, in plain words."""
    st.caption(f"ⓘ {text}")


def empty(text: str) -> None:
    """What is missing and what to do, instead of an empty chart."""
    st.info(text, icon=":material/info:")


def run_page(page) -> None:
    """Run a navigation page; any failure becomes a sentence, never a stack trace."""
    try:
        db.check_available()
        page.run()
    except db.DatabaseUnavailable as problem:
        st.error(str(problem), icon=":material/database:")
    except Exception:  # noqa: BLE001 - the chair shares this screen: no traceback, ever
        log.exception("page %s failed", getattr(page, "title", page))
        st.error(_("This view could not be drawn. Try another selection or reload the page; "
                   "if it happens again, tell the Secretariat which page and selection it was."),
                 icon=":material/error:")
