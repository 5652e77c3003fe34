"""Layout helpers every page uses: chart with its exports, caveats, empty states, headline figures.

Pages stay thin: they call these with data and figures built elsewhere.
"""
from __future__ import annotations

import functools
import logging
import os
import time
from datetime import date
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from app import cached, db, i18n, url_state
from app.charts.localise import localise_figure
from app.export import ChartMeta, briefing_pack, briefing_pack_name, browser_path, csv_bytes, png_bytes
from app.i18n import _
from app.store import connection as store

log = logging.getLogger("ots.dashboard")
# A file to which every page run appends "<unix time>\t<page>\t<seconds>" (unset: nothing is written). The
# load benchmark sets it to tell the server's own time per run from what the browsers add.
RUN_TIMINGS_ENV = "OTS_RUN_TIMINGS"

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage", "lasso2d", "select2d"]}


def export_labels() -> dict[str, str]:
    """The words written into exported files, in the reader's language.

    Call it while the page runs: a PNG is rendered later, on click, in a thread without the session,
    where `_()` could not know the reader's language.
    """
    return {"source": _("Source"), "licence": _("Licence"), "data": _("Data"), "filters": _("Filters"),
            "exported": _("Exported"), "exported_from": _("OTS Migration Dashboard"),
            "today": i18n.fmt_date(date.today()), "separators": i18n.plotly_separators(),
            "pack_title": _("Briefing pack"), "col_file_png": _("PNG file"), "col_file_csv": _("CSV file"),
            "col_title": _("Title"), "col_source": _("Source"), "col_licence": _("Licence"),
            "col_data_date": _("Data date"), "col_filters": _("Filters"), "col_rows": _("Rows")}


def export_buttons(meta: ChartMeta, data: pd.DataFrame, png: Callable[[], bytes] | None, key: str) -> None:
    """'Download PNG', 'Download CSV' and 'CSV for Excel (;)' side by side; the PNG is rendered only when clicked.

    A horizontal container, not columns: each button keeps its natural width, so the labels are not cut
    off under a chart in a narrow column (they wrap onto a second row instead).
    """
    row = st.container(horizontal=True, gap="small")
    if png is not None:
        available = browser_path() is not None
        row.download_button(_("Download PNG"), data=png if available else b"", file_name=f"{meta.slug}.png",
                             mime="image/png", key=f"png_{key}", icon=":material/image:", on_click="ignore",
                             disabled=not available,
                             help=None if available else _("PNG export needs Chromium on the server; "
                                                           "ask the administrator to install it."))
    labels = export_labels()
    row.download_button(_("Download CSV"), data=csv_bytes(data, meta, labels),
                          file_name=f"{meta.slug}.csv", mime="text/csv", key=f"csv_{key}",
                          icon=":material/table:", on_click="ignore")
    row.download_button(_("CSV for Excel (;)"), data=lambda: csv_bytes(data, meta, labels, semicolons=True),
                        file_name=f"{meta.slug}-excel.csv", mime="text/csv", key=f"csv_excel_{key}",
                        icon=":material/grid_on:", on_click="ignore",
                        help=_("Semicolons between columns and decimal commas: what Excel expects when it is set "
                               "to Russian, Turkish or most European languages."))


def localise(fig: go.Figure) -> go.Figure:
    """Numbers and dates in the reader's language on every axis, hover and label (digit grouping, decimal
    mark, no "k"/"M" suffixes, month names): `app.charts.localise`, for every chart drawn or exported.

    Figures may be shared between sessions through a cache (keyed on the language); running it again on a
    figure already in this language changes nothing.
    """
    try:
        return localise_figure(fig, i18n.current_language())
    except Exception:  # noqa: BLE001 - a chart with English tick labels is better than no chart at all
        log.exception("could not write the numbers and dates of a chart in %s", i18n.current_language())
        return fig


def _png_later(figure: go.Figure | Callable[[], go.Figure], meta: ChartMeta) -> Callable[[], bytes]:
    """The PNG, drawn when its button is clicked. `figure` may be a function building it then (a drawing too
    costly for every run); the click runs outside the session, so the language is taken now."""
    labels, language = export_labels(), i18n.current_language()

    def render() -> bytes:
        try:
            with i18n.speaking(language):
                fig = localise(figure()) if callable(figure) else figure
            return png_bytes(fig, meta, labels)
        except Exception:
            log.exception("PNG export of %s failed", meta.slug)
            raise
    return render


def chart(fig: go.Figure, data: pd.DataFrame, meta: ChartMeta, key: str, height: int | None = None) -> None:
    """A plotly chart, its caveat, and its PNG and CSV exports."""
    if height and fig.layout.height != height:
        fig.update_layout(height=height)
    localise(fig)
    st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=f"chart_{key}")
    if meta.caveat:
        caveat(meta.caveat)
    export_buttons(meta, data, _png_later(fig, meta), key)


def deck_map(deck, data: pd.DataFrame, meta: ChartMeta, key: str,
             static_figure: Callable[[], go.Figure] | None = None, height: int | None = None) -> None:
    """A pydeck map with its caveat and exports: the PNG is the static plotly drawing of the same map.

    `static_figure` builds the same corridors from the shipped GeoJSON outlines on plain axes (no plotly
    geo base map: that would be fetched from the internet). It is called only when the PNG is asked for:
    a drawing of hundreds of traces costs more than the rest of the page. Without it, only the CSV.
    """
    st.pydeck_chart(deck, height=height or 500, key=f"map_{key}")
    if meta.caveat:
        caveat(meta.caveat)
    export_buttons(meta, data, _png_later(static_figure, meta) if static_figure is not None else None, key)


def briefing_pack_button(items: list[tuple[go.Figure | None, pd.DataFrame, ChartMeta]], meeting: str,
                         meeting_title: str = "", key: str = "briefing_pack", container=st) -> None:
    """One button for the whole briefing: a ZIP of every chart as PNG and its data as CSV, with an index.

    `items` are the briefing's (figure, data, ChartMeta) as the page draws them; the ZIP is named after
    the meeting and the day, and made only when clicked (rendering the PNGs takes a few seconds).
    """
    labels, language = export_labels(), i18n.current_language()
    available = browser_path() is not None

    def pack() -> bytes:
        try:
            return briefing_pack_bytes(items, meeting, meeting_title, labels, language)
        except Exception:
            log.exception("briefing pack for %s failed", meeting)
            raise

    container.download_button(
        _("Briefing pack"), data=pack if available else b"", file_name=briefing_pack_name(meeting),
        mime="application/zip", key=key, icon=":material/folder_zip:", on_click="ignore", disabled=not available,
        width="stretch",
        help=_("Every chart of this page as PNG and its data as CSV, with an index of their sources, "
               "for the meeting chosen below (ZIP).") if available else
        _("PNG export needs Chromium on the server; ask the administrator to install it."))


def briefing_pack_bytes(items: list[tuple[go.Figure | None, pd.DataFrame, ChartMeta]], meeting: str,
                        meeting_title: str, labels: dict[str, str], language: str) -> bytes:
    """The briefing pack's ZIP, every chart in `language` (numbers, dates) like the page draws it: the
    download runs outside the session, so the language and labels are those of the page's run."""
    with i18n.speaking(language):
        figures = [(localise(fig) if fig is not None else None, data, meta) for fig, data, meta in items]
    return briefing_pack(figures, meeting, labels, meeting_title=meeting_title)[1]


def caveat(text: str) -> None:
    """The caveat that applies to the view above, in plain words."""
    # A Material icon (bundled with Streamlit), not "ⓘ": many system fonts lack that character.
    st.caption(f":material/info: {text}")


def source_links() -> dict:
    """`column_config` for a table whose `Link` column holds each figure's source address: shown as a link
    named by its site (kun.uz, not the whole address)."""
    return {_("Link"): st.column_config.LinkColumn(_("Link"), display_text=r"https?://(?:www\.)?([^/?#]+)")}


def empty(text: str) -> None:
    """What is missing and what to do, instead of an empty chart."""
    st.info(text, icon=":material/info:")


# What this session's last page run read: its page (url path), and the build and store version then.
_PAGE_KEY = "_ots_page"
_DATA_KEY = "_ots_page_data"


def run_page(page) -> None:
    """Run a navigation page; any failure becomes a sentence, never a stack trace."""
    started = time.perf_counter()
    name = getattr(page, "url_path", "") or "briefing"
    st.session_state[_PAGE_KEY] = name
    try:
        _guarded_run(page.run, getattr(page, "title", page))
    finally:  # also when a newer action interrupts the run (Streamlit's rerun exceptions pass through)
        _record_run_time(name, time.perf_counter() - started)


def rerun_alone(draw: Callable) -> Callable:
    """A part of a page that a change of its own controls reruns alone (`st.fragment`): the rest of the page
    stays as it is, in the server and in the reader's browser, where every chart drawn again costs about as
    much as a small page. Delegates change filters more often than pages.

    Only for a part whose controls change nothing outside it. If the build or the app's store changed since
    the page ran (a status recorded, by this reader or another, a new build), the whole page runs instead, so
    the part never shows newer data than the rest. When the part reruns alone it is guarded like a page (a
    sentence, never a stack trace) and its run time is recorded as the page's.
    """
    @functools.wraps(draw)
    def part(*args, **kwargs):
        if not running_alone():  # within the page's own run and guard
            return draw(*args, **kwargs)
        started = time.perf_counter()
        try:
            _guarded_run(lambda: draw(*args, **kwargs), draw.__qualname__, alone=True)
        finally:
            _record_run_time(st.session_state.get(_PAGE_KEY, ""), time.perf_counter() - started)
    return st.fragment(part)


def running_alone() -> bool:
    """True while a part of the page (`rerun_alone`) reruns without the rest of it."""
    context = get_script_run_ctx()
    return bool(context is not None and context.fragment_ids_this_run)


def _data_version() -> tuple:
    return db.build_id(), store.version()


def _record_run_time(page: str, seconds: float) -> None:
    path = os.environ.get(RUN_TIMINGS_ENV)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as timings:  # one short append per run: whole lines
            timings.write(f"{time.time():.3f}\t{page}\t{seconds:.4f}\n")
    except OSError:
        log.warning("could not append the run time to %s", path)


def _guarded_run(run: Callable[[], None], what, alone: bool = False) -> None:
    try:
        db.check_available()
        if not alone:  # read before the page reads anything: a write meanwhile shows at the part's next rerun
            st.session_state[_DATA_KEY] = _data_version()
        elif st.session_state.get(_DATA_KEY) != _data_version():
            st.rerun(scope="app")
        cached.begin_run(st.empty())  # where the page says, once, that the app's own store cannot be read
        run()
    except db.DatabaseUnavailable as problem:
        st.error(problem.sentences_in(_), icon=":material/database:")
    except store.StoreUnavailable as problem:  # a page that cannot go on without the store (an editor's form)
        st.error(problem.sentences_in(_), icon=":material/database:")
    except Exception:  # noqa: BLE001 - the chair shares this screen: no traceback, ever
        log.exception("page %s failed", what)
        st.error(_("This view could not be drawn. Try another selection or reload the page; "
                   "if it happens again, tell the Secretariat which page and selection it was."),
                 icon=":material/error:")


def one_section_at_a_time(sections: dict[str, tuple[str, Callable[[], None]]]) -> str:
    """Draw the section chosen in a row of choices (kept in the URL as ?section=, the first by default).

    `sections`: key -> (label marked with N_, function drawing the section). A page with several charts
    shows one section at a time: each chart costs the reader's browser about as much as a small page. Choosing
    another section, or changing a control inside one, reruns the sections alone (`rerun_alone`): what is above
    them (title, filters, headline figures) stays as drawn.
    """
    return _sections(sections)


@rerun_alone
def _sections(sections: dict[str, tuple[str, Callable[[], None]]]) -> str:
    chosen = url_state.radio(_("Section"), list(sections), key="section", horizontal=True,
                             label_visibility="collapsed", format_func=lambda key: _(sections[key][0]))
    sections[chosen][1]()
    return chosen
