"""An edit recorded while many people read the dashboard does not make every session recompute the build.

Cached query results are keyed on the build and, for queries that read what
editors record, on the version of the app's store. A status recorded in the
middle of a meeting must refresh the views that show statuses, and leave the
cached results of the build's own queries (stocks, flows, remittances) alone:
at world scale those are the expensive ones (bench/scale.py).
"""
from __future__ import annotations

from app import cached
from app.store import connection as state
from app.queries import uses_state

calls = {"build": 0, "state": 0}


def countries_in_build(cur):
    calls["build"] += 1
    return cur.execute("SELECT count(*) AS n FROM countries").df()


@uses_state("notes")
def notes_seen(cur):
    calls["state"] += 1
    return cur.execute("SELECT count(*) AS n FROM notes").df()


@cached.state_view("notes")
def notes_view(con):
    return state.query(con, "SELECT * FROM fault_cache_notes")


def record_note(text: str) -> None:
    with state.writing() as cur:
        cur.execute("INSERT INTO fault_cache_notes VALUES ($text)", {"text": text})


def test_a_write_refreshes_state_queries_and_keeps_build_queries_cached(app_env):
    state.register_schema("CREATE TABLE IF NOT EXISTS fault_cache_notes (text VARCHAR)")
    calls.update(build=0, state=0)
    assert int(cached.load(notes_seen)["n"].iloc[0]) == 0
    countries = int(cached.load(countries_in_build)["n"].iloc[0])

    record_note("KAZ: decree in force")

    assert int(cached.load(notes_seen)["n"].iloc[0]) == 1  # the edit is seen at once
    assert int(cached.load(countries_in_build)["n"].iloc[0]) == countries
    assert calls == {"build": 1, "state": 2}


view_reads = {"n": 0}


@cached.state_view("counted_notes")
def counted_notes_view(con):
    view_reads["n"] += 1
    return state.query(con, "SELECT * FROM fault_cache_notes")


@uses_state("counted_notes")
def counted_notes(cur, _case: str):
    return cur.execute("SELECT count(*) AS n FROM counted_notes").df()


def test_a_state_view_is_read_once_per_store_version_and_again_after_a_write(app_env):
    """Uncached queries (different arguments) share the store's frame until a write changes the store."""
    state.register_schema("CREATE TABLE IF NOT EXISTS fault_cache_notes (text VARCHAR)")
    view_reads["n"] = 0
    before = [int(cached.run_uncached(counted_notes, case)["n"].iloc[0]) for case in ("a", "b", "c")]
    assert len(set(before)) == 1 and view_reads["n"] == 1

    record_note("UZB: quota agreed")

    assert int(cached.run_uncached(counted_notes, "d")["n"].iloc[0]) == before[0] + 1
    assert int(cached.run_uncached(counted_notes, "e")["n"].iloc[0]) == before[0] + 1
    assert view_reads["n"] == 2


built = {"n": 0}


def bars(frame, label):
    built["n"] += 1
    import plotly.graph_objects as go
    from app.i18n import _
    return go.Figure(go.Bar(x=list(frame["x"]), y=list(frame["y"]), name=_("Download PNG") + label))


def test_a_figure_is_built_once_per_input_and_language_and_shared(app_env):
    import pandas as pd

    from app import i18n
    built["n"] = 0
    frame = pd.DataFrame({"x": ["KAZ", "UZB"], "y": [3, 4]})
    first = cached.figure(bars, frame, "!")
    assert cached.figure(bars, frame.copy(), "!") is first  # equal inputs: the same object, not a copy
    assert built["n"] == 1
    changed = cached.figure(bars, frame.assign(y=[5, 6]), "!")
    assert changed is not first and built["n"] == 2
    with i18n.speaking("ru"):
        russian = cached.figure(bars, frame, "!")
    assert russian.data[0].name == i18n.translations("ru").gettext("Download PNG") + "!"
    assert first.data[0].name == "Download PNG!" and built["n"] == 3


def test_a_figure_refuses_an_anonymous_function_in_its_key(app_env):
    import pandas as pd
    import pytest
    with pytest.raises(TypeError, match="module-level function"):
        cached.figure(bars, pd.DataFrame({"x": [], "y": []}), lambda code: code)
