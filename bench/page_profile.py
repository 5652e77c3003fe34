"""Where a page's server time goes: each view of bench/pages.py run warm through dashboard.py (AppTest, in this
process), its run time split into queries, figures, plotly's serialisation and the rest, and the size of what the
run sends to the browser (each chart's JSON, maps, tables, HTML).

A warm run is what a delegate's rerun costs the server once every cache is filled: the median of `--runs` runs
after two warm-up runs. One more run is profiled (cProfile) and its time attributed by cumulative time of:

- queries: `app.cached.load` (cache lookups and hashing of arguments when warm);
- figures: `app.cached.figure` and the chart builders of `app/charts` called outside it;
- to JSON: Streamlit's plotly and pydeck elements (the figure copied to a dict, then to JSON) and dataframes
  (Arrow);
- localise: `app.ui.localise` (numbers and dates in the reader's language on each chart).

The profiler slows every call, so the split is a share of the profiled run, printed beside the unprofiled
median. Sizes are those of the elements' protobuf messages, what the websocket carries.

    python bench/page_profile.py [--db PATH] [--runs 5] [--only TEXT] [--language en] [--top 0]

Without --db a database is built from data/raw for the run. `--top N` also prints the N functions with the
largest own time of each profiled run.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.pages import PAGES  # noqa: E402  (the same views as the browser benchmark)

# share of the run -> (file fragment, function name) whose cumulative time counts for it
PARTS = {
    "queries": [("app/cached.py", "load")],
    "figures": [("app/cached.py", "figure")],
    "to JSON": [("streamlit/elements/plotly_chart.py", "plotly_chart"),
                ("streamlit/elements/deck_gl_json_chart.py", "pydeck_chart"),
                ("streamlit/elements/arrow.py", "dataframe")],
    "localise": [("app/ui.py", "localise")],
}
CHART_BUILDERS = "app/charts/"


def page_and_params(path: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(path)
    name = parts.path.strip("/") or "briefing"
    return f"pages/{name}.py", dict(parse_qsl(parts.query))


def payload(at) -> dict[str, int]:
    """Bytes per kind of element the run sent (protobuf sizes), and each plotly chart's JSON."""
    sizes: dict[str, int] = {}

    def walk(node):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is not None and kind and not getattr(node, "children", None):
            sizes[kind] = sizes.get(kind, 0) + proto.ByteSize()
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)
    walk(at._tree)
    return sizes


def split(stats: pstats.Stats, total: float) -> dict[str, float]:
    """Seconds of the profiled run per part (cumulative, each function counted once at its outermost call)."""
    shares = {}
    for part, wanted in PARTS.items():
        seconds = 0.0
        for (file, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
            if any(file.endswith(fragment) and function == name for fragment, name in wanted):
                seconds += cumulative
        shares[part] = seconds
    # chart builders called by the page itself, not through the shared figure cache
    direct = 0.0
    for (file, _line, function), (_cc, _nc, _tt, cumulative, callers) in stats.stats.items():
        if CHART_BUILDERS in file and not function.startswith("_"):
            if not any(CHART_BUILDERS in caller[0] or caller[0].endswith("app/cached.py") for caller in callers):
                direct += cumulative
    shares["figures"] += direct
    shares["rest"] = max(0.0, total - sum(shares.values()))
    return shares


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only")
    parser.add_argument("--language", default="en")
    parser.add_argument("--top", type=int, default=0)
    args = parser.parse_args(argv)

    import logging

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory(prefix="bench-profile-") as folder:
        work = Path(folder)
        if args.db is None:
            from etl.build import DEFAULT_RAW_DIR, build
            args.db = work / "current.duckdb"
            build(DEFAULT_RAW_DIR, args.db)
        os.environ["OTS_DB_PATH"] = str(args.db)
        os.environ["OTS_STATE_PATH"] = str(work / "state" / "app_state.sqlite3")
        os.environ["OTS_SECRETS_PATH"] = str(work / "secrets.toml")
        original = PagesManager.__init__

        def navigation_only(self, *a, **k):  # as on the server: a switched page runs through dashboard.py
            original(self, *a, **k)
            PagesManager.uses_pages_directory = False
        PagesManager.__init__ = navigation_only
        logging.getLogger("streamlit").setLevel(logging.ERROR)  # "no runtime", "missing ScriptRunContext"
        wanted = [t.strip().lower() for t in (args.only or "").split(",") if t.strip()]
        print(f"{'view':40s} {'warm s':>7s} | profiled: {'queries':>7s} {'figures':>7s} {'to JSON':>7s} "
              f"{'localise':>8s} {'rest':>6s} | sent KB: plotly (per chart) / deck / table / html / all")
        try:
            for label, path in PAGES.items():
                if wanted and not any(w in label.lower() for w in wanted):
                    continue
                page, params = page_and_params(path)
                at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120)
                at.query_params["lang"] = args.language
                for key, value in params.items():
                    at.query_params[key] = value
                at.switch_page(page)
                times = []
                for attempt in range(2 + args.runs):
                    clock = time.perf_counter()
                    at.run()
                    if attempt >= 2:
                        times.append(time.perf_counter() - clock)
                problems = [e.value for e in at.exception] + [e.value for e in at.error]
                # AppTest runs the script on a thread of its own: the profiler is switched on there, at its
                # first call (cProfile profiles the thread that enables it).
                profiler = cProfile.Profile()
                threading.setprofile(lambda *_event: profiler.enable())
                clock = time.perf_counter()
                at.run()
                profiled = time.perf_counter() - clock
                threading.setprofile(None)
                stats = pstats.Stats(profiler)
                shares = split(stats, profiled)
                sizes = payload(at)
                charts = [len(c.proto.spec) for c in at.get("plotly_chart")]
                print(f"{label[:40]:40s} {statistics.median(times):7.3f} | {'':9s} "
                      + " ".join(f"{100 * shares[k] / profiled:6.0f}%" for k in ("queries", "figures", "to JSON"))
                      + f" {100 * shares['localise'] / profiled:7.0f}% {100 * shares['rest'] / profiled:5.0f}% | "
                      f"{sizes.get('plotly_chart', 0) / 1024:.0f} ({', '.join(f'{c / 1024:.0f}' for c in charts)})"
                      f" / {sizes.get('deck_gl_json_chart', 0) / 1024:.0f} / {sizes.get('arrow_data_frame', 0) / 1024:.0f}"
                      f" / {(sizes.get('html', 0) + sizes.get('markdown', 0)) / 1024:.0f}"
                      f" / {sum(sizes.values()) / 1024:.0f}"
                      + (f"  PROBLEM: {problems[0][:80]}" if problems else ""))
                if args.top:
                    stats.sort_stats("tottime").print_stats(args.top)
        finally:
            PagesManager.__init__ = original
    return 0


if __name__ == "__main__":
    sys.exit(main())
