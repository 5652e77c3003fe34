"""The one caching layer of the read side: query results (`load`) and built figures (`figure`).

- `load(query, *args)` runs a named query function on the current build; results are cached with
  `st.cache_data`, keyed on the query's name, its arguments, the build the dashboard reads and, for queries
  that read the app's own store (`@uses_state`), the store's version, so a new build or a newly recorded
  status is seen on the next rerun.
- `figure(builder, *args)` builds a figure (or anything holding figures, such as the Briefing's topics) once
  per set of inputs, build and language (and store version, for a builder marked `@uses_state`) and shares
  it between sessions with `st.cache_resource`.

Nothing else in the app caches queries or figures.
"""
from __future__ import annotations

import threading
from typing import Callable

import pandas as pd
import streamlit as st

from app import db, i18n
from app.store import connection as store
from app.store.views import STATE_VIEWS

# name -> function of a store connection returning a frame, for queries marked `@uses_state(name)`: the store's
# own (app.store.views), and any a test declares with `state_view`.
_state_views: dict[str, Callable[[object], pd.DataFrame]] = dict(STATE_VIEWS)
_queries: dict[str, Callable] = {}


def state_view(name: str) -> Callable:
    """Declare a further frame of the store, produced from a connection on it, for queries marked
    `@uses_state(name)` (the dashboard's own are listed in `app.store.views`)."""
    def register(producer: Callable[[object], pd.DataFrame]) -> Callable[[object], pd.DataFrame]:
        _state_views[name] = producer
        return producer
    return register


# name -> (store and its version, frame): a state view is read from the store once per version, not once per
# query (reading it costs several milliseconds, paid again by every uncached query that joins it).
_state_view_frames: dict[str, tuple[tuple, object]] = {}


def _state_view_frame(name: str):
    # Read before the store: a write meanwhile only makes the frame newer than its key.
    version = (str(store.state_path()), store.version())
    held = _state_view_frames.get(name)
    if held is not None and held[0] == version:
        return held[1]
    try:
        if version[1][1] == "unavailable":
            raise store.problem() or store.StoreUnavailable()
        with store.reading() as con:
            frame = _state_views[name](con)
    except store.StoreUnavailable:
        # The pages go on with the build alone (and say so, see `store_notice`): an empty store of the same tables.
        with store.empty_reading() as con:
            return _state_views[name](con)
    _state_view_frames[name] = (version, frame)
    return frame


def run_uncached(query: Callable, *args, **kwargs):
    """Run a query on a fresh cursor of the current build, with the app's state registered if it needs it."""
    with db.cursor() as cur:
        for name in getattr(query, "state_views", ()):
            cur.register(name, _state_view_frame(name))
        return query(cur, *args, **kwargs)


@st.cache_data(show_spinner=False, max_entries=1000, ttl=6 * 3600)
def _cached(query_name: str, build: str, state_version: int, args: tuple, kwargs: tuple):
    return run_uncached(_queries[query_name], *args, **dict(kwargs))


def load(query: Callable, *args, **kwargs):
    """The query's result for these arguments on the current build (cached)."""
    name = f"{query.__module__}.{query.__qualname__}"
    _queries[name] = query
    # Only queries that read the app's store are keyed on its version: an edit recorded during a meeting
    # refreshes the views of statuses and submissions, not every cached result of the build.
    version = store.version() if getattr(query, "state_views", ()) else 0
    if version and version[1] == "unavailable":
        store_notice()
    return _cached(name, db.build_id(), version, args, tuple(sorted(kwargs.items())))


# Where a page run says that the store could not be read (a placeholder at the top of the page, set by
# `ui.run_page`), and whether it has said so in this run.
_notice = threading.local()


def begin_run(placeholder) -> None:
    """Called at the start of each page run with an empty placeholder for the store's notice."""
    _notice.placeholder, _notice.shown = placeholder, False


def store_notice() -> None:
    """Say once per page run, at the top, that what was recorded in the dashboard cannot be shown now."""
    placeholder = getattr(_notice, "placeholder", None)
    if placeholder is None or getattr(_notice, "shown", False):
        return
    _notice.shown = True
    problem = store.problem()
    reason = problem.sentences_in(i18n._) + " " if problem is not None else ""
    placeholder.warning(reason + i18n._("This page shows the database build without the statuses and figures "
                                        "recorded in the dashboard until the store can be read again."),
                        icon=":material/warning:")


def clear() -> None:
    _cached.clear()
    _state_view_frames.clear()


# --- figures shared between sessions ---------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=256, ttl=6 * 3600)
def _shared_figure(builder_name: str, build: str, language: str, store_version, key: tuple,
                   _call: Callable[[], object]):
    return _call()


def _hashable(value):
    """A function among the inputs (a country namer) is keyed by its name; it must have one."""
    if not callable(value):
        return value
    name = f"{value.__module__}.{value.__qualname__}"
    if "<lambda>" in name or "<locals>" in name:
        raise TypeError(f"figure(): pass a module-level function, not {name}: it is part of the cache key")
    return name


def figure(builder: Callable, *args, **kwargs):
    """`builder(*args, **kwargs)`, built once per set of inputs, build and language, and shared by every session.

    Building a plotly figure (trace validation) is most of a warm page run; at a meeting the same views
    are opened by many at once. The figure is a resource, neither copied nor pickled: it must not be
    changed after (`ui.chart` only sets values it already has for the same call). A builder that reads the
    app's store itself (through `load`) is marked `@uses_state(...)`: its result is then keyed on the store's
    version too, so a recorded status shows at the next rerun.
    """
    name = _hashable(builder)
    key = (tuple(_hashable(a) for a in args), tuple((k, _hashable(v)) for k, v in sorted(kwargs.items())))
    version = store.version() if getattr(builder, "state_views", ()) else 0
    return _shared_figure(name, db.build_id(), i18n.current_language(), version, key,
                          lambda: builder(*args, **kwargs))
