"""Pages: how long each page of the dashboard takes from navigation to its last chart drawn, and from a
filter change to its last chart redrawn, in a real browser, as a ratio to a minimal Streamlit page of its
kind measured in the same run; and the first page a new browser opens on a server just started.

Servers on loopback: the dashboard (reading the current build, with a
store of its own), a reference page with one small plotly chart
(`bench/reference_plotly.py`) and a reference with that chart and a small
offline pydeck map (`bench/reference_map.py`, served with the project's config
and its country shapes as a static file, like the dashboard). One headless
Chromium (the system's) visits every page in turn, round after round, so load
on the machine spreads over all pages alike.

A visit is timed from the navigation until the script has finished and every
plotly chart and pydeck map the page laid out has drawn. The first visits
warm every cache (server and browser) and are not counted; the table shows the
median and the 90th percentile of the warm visits and the ratio of the
medians to the reference of the page's kind (a page with a map is compared
with the map reference). Every page is visited in every language (`?lang=`),
in its default view and its heaviest. Target: at most 1.5 for every page, warm.

A filter change is timed from the click on the page's most used control (found
by its widget key, so in any language) until the rerun it started has finished
and every chart is drawn again, against a minimal page of its kind: a selectbox that
redraws one chart (`bench/reference_filter.py`), or, where the view holds a map, one
chart and a map (`bench/reference_filter_map.py`; the ratio to the one-chart change
is printed beside it). Target: at most 1.5.

`--cold N` starts the dashboard (as `make run` does: `serve.py`, which fills the
first page's caches before the server answers) and the one-chart reference N
times each and times the first page a new browser opens right after the server
answers its health check (nothing cached in the browser). Target: at most 2.

    python bench/pages.py [--db PATH] [--rounds 7] [--warm 2] [--only TEXT] [--languages en,ru,tr]
                          [--no-changes] [--cold 3] [--json FILE]

Without --db the run builds its own database from data/raw with the real ETL (a few seconds), so it
measures the code as it is, whatever state data/current.duckdb is in.

Servers and browser are stopped (by their process ids) however the run ends.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402

from tests.browser.conftest import (CHROMIUM_ARGS, CHROMIUM, VIEWPORT, Server,  # noqa: E402
                                    count_charts, open_page, server_env, wait_until_idle)

TARGET = 1.5
COLD_TARGET = 2.0
LANGUAGES = ("en", "ru", "tr")
PAGES = {  # label -> path on the dashboard: each page's default view, then its heaviest
    "Briefing": "/",
    "Briefing, presenting": "/?present=1&topic=1",
    "Migration (map)": "/migration",
    "Migration, flows by women, grouped": "/migration?data=flow&sex=female&partners=grouped",
    "Stranded citizens": "/stranded",
    "Labour and remittances": "/labour",
    "Agreed measures": "/measures",
    "Country profiles": "/country",
    "Country profile of Russia, partners": "/country?country=RUS&section=partners",
    "Data and sources": "/data",
    "Submit figures": "/submit",
    "World map": "/world",
}
# label -> (path, widget key of the page's most used control, its kind[, the tab it is in, counted from 0]): the
# control is found by the class Streamlit gives a keyed widget (`st-key-<key>`; url_state keys its widgets
# `url_<name>`), in any language.
CHANGES = {
    "Briefing: topic": ("/", "url_show", "radio"),
    "Migration: country or group": ("/migration", "url_focus", "select"),
    "Stranded citizens: nationality": ("/stranded", "url_nationality", "select"),
    "Labour and remittances: section": ("/labour", "url_section", "radio"),
    "Agreed measures: measure": ("/measures", "url_measure", "select"),
    "Country profiles: country": ("/country", "url_country", "select"),
    "Data and sources: table": ("/data", "url_table", "select", 2),
    "World map: indicator": ("/world", "url_indicator", "select"),
}
REFERENCE_CHANGE = ("/", "url_country", "select")
# Watches the app's run state from before the click: the change counts as done once a run has ended after
# it (the observer sees every change of state, also a run that starts and ends between two polls).
WATCH_RUN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__benchRun = {ended: false};
    new MutationObserver(records => {
        for (const record of records) {
            if (record.oldValue === 'running') window.__benchRun.ended = true;
        }
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state'], attributeOldValue: true});
}"""
DRAWN = """([plotly, deck]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    const drawn = (selector, inner) => [...document.querySelectorAll(selector)]
        .filter(element => element.querySelector(inner)).length;
    return drawn('[data-testid="stPlotlyChart"]', '.js-plotly-plot .main-svg') >= plotly
        && drawn('[data-testid="stDeckGlJsonChart"]', 'canvas') >= deck;
}"""


@dataclass
class Target:
    label: str
    url: str
    plotly: int = 0
    deck: int = 0
    reference: str = ""
    seconds: list[float] = field(default_factory=list)
    control: tuple | None = None  # (widget key, "select" or "radio"[, tab]) for a filter change
    turn: int = 0  # which option the next change picks
    failures: list[str] = field(default_factory=list)  # visits that did not finish within the time limit

    @property
    def kind(self) -> str:
        if self.control is not None:
            return "change with map" if self.deck else "change"
        return "map" if self.deck else "chart"


def reference_folder(work: Path) -> Path:
    """A folder serving the reference pages with the project's config and country shapes as static files."""
    folder = work / "reference"
    (folder / ".streamlit").mkdir(parents=True)
    (folder / "static").mkdir()
    shutil.copy(PROJECT_ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    shutil.copy(PROJECT_ROOT / "static" / "countries.geojson", folder / "static" / "countries.geojson")
    for name in ("reference_plotly.py", "reference_map.py", "reference_filter.py", "reference_filter_map.py",
                 "reference_parts.py"):
        shutil.copy(PROJECT_ROOT / "bench" / name, folder / name)
    return folder


def visit(page, target: Target, timeout_ms: int = 60_000) -> float:
    start = time.perf_counter()
    page.goto(target.url, wait_until="commit", timeout=timeout_ms)
    page.wait_for_function(DRAWN, arg=[target.plotly, target.deck], polling="raf", timeout=timeout_ms)
    return time.perf_counter() - start


def change(page, target: Target, timeout_ms: int = 60_000) -> float:
    """Open the page, then time one change of its control: from the click on another option to the rerun's
    last chart redrawn. Options 1 and 2 take turns, so every change is a real one."""
    open_page(page, target.url)
    page.wait_for_function(DRAWN, arg=[target.plotly, target.deck], polling="raf", timeout=timeout_ms)
    key, kind, *tab = target.control
    if tab:  # a control in another tab than the first: shown by a click, without a rerun
        page.locator('[data-testid="stTabs"] [role="tab"]').nth(tab[0]).click()
    widget = page.locator(f".st-key-{key}").first
    target.turn = 2 if target.turn == 1 else 1
    if kind == "radio":
        option = widget.locator('[role="radiogroup"] label').nth(target.turn)
    else:
        option = page.get_by_role("option").nth(target.turn)
        for _attempt in range(5):  # a rerun landing just after the click closes the list: open it again
            widget.locator('button[aria-haspopup="listbox"]').first.click()
            try:
                option.wait_for(timeout=5_000)
                break
            except PlaywrightTimeoutError:
                wait_until_idle(page)
    page.evaluate(WATCH_RUN)
    start = time.perf_counter()
    option.click()
    page.wait_for_function("() => window.__benchRun.ended", polling="raf", timeout=timeout_ms)
    page.wait_for_function(DRAWN, arg=[target.plotly, target.deck], polling="raf", timeout=timeout_ms)
    return time.perf_counter() - start


def timed(page, target: Target) -> float:
    try:
        return change(page, target) if target.control is not None else visit(page, target)
    except Exception as problem:
        state = page.evaluate("""() => [window.__benchRun, document.querySelector('[data-testid="stApp"]')
                                          ?.getAttribute('data-test-script-state')]""")
        raise RuntimeError(f"{target.label} ({target.url}), run watched/app state {state}: {problem}") from problem


def learn(page, target: Target) -> None:
    """What the page lays out (charts and maps), from a first visit that also warms its caches."""
    open_page(page, target.url)
    target.plotly, target.deck = count_charts(page)
    problems = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    if problems.count():
        raise RuntimeError(f"{target.label}: the page shows an error: {problems.first.inner_text()[:300]}")


def measure(targets: list[Target], rounds: int, warm: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            for number, target in enumerate(targets, 1):
                learn(page, target)
                print(f"  learnt {number}/{len(targets)}: {target.label}", file=sys.stderr)
            for round_number in range(warm + rounds):
                for target in targets:
                    try:
                        seconds = timed(page, target)
                    except RuntimeError as problem:  # counted and shown, not timed; the run goes on
                        target.failures.append(str(problem).splitlines()[0][:300])
                        print(f"  not completed: {target.failures[-1]}", file=sys.stderr)
                        page.close()
                        page = context.new_page()
                        continue
                    if round_number >= warm:
                        target.seconds.append(seconds)
                print(f"  round {round_number + 1}/{warm + rounds}{' (warm-up)' if round_number < warm else ''}",
                      file=sys.stderr)
        finally:
            browser.close()


def verdict(ratio: float | None, target: float) -> str:
    return "" if ratio is None else ("PASS" if ratio <= target else "MISS")


def report(targets: list[Target], references: dict[str, Target]) -> list[dict]:
    rows = []
    print(f"\n{'view':52s} {'charts':>6s} {'maps':>4s} {'median s':>9s} {'p90 s':>6s} {'reference':>10s} "
          f"{'ratio':>6s}  target <= {TARGET}")
    for target in list(references.values()) + targets:
        if not target.seconds:
            print(f"{target.label:52s} no visit completed: {'; '.join(target.failures)[:200]}")
            continue
        median = statistics.median(target.seconds)
        p90 = sorted(target.seconds)[max(0, int(round(0.9 * len(target.seconds))) - 1)]
        reference = references.get(target.kind)
        is_reference = target in references.values()
        ratio = None if is_reference else median / statistics.median(reference.seconds)
        # a change on a page with a map, also against the one-chart change (the map reference's own cost shown)
        plain = (median / statistics.median(references["change"].seconds)
                 if target.kind == "change with map" else None)
        print(f"{target.label:52s} {target.plotly:6d} {target.deck:4d} {median:9.2f} {p90:6.2f} "
              f"{'-' if is_reference else reference.label.split(': ')[-1]:>10s} "
              f"{'-' if ratio is None else f'{ratio:.2f}':>6s}  {verdict(ratio, TARGET)}"
              + (f"  (against the one-chart change: {plain:.2f})" if plain is not None else "")
              + (f"  ({len(target.failures)} not completed)" if target.failures else ""))
        rows.append({"view": target.label, "url_path": target.url.split("127.0.0.1", 1)[-1], "plotly": target.plotly,
                     "maps": target.deck, "median_s": round(median, 3), "p90_s": round(p90, 3),
                     "ratio": None if ratio is None else round(ratio, 2), "runs": len(target.seconds),
                     "not_completed": len(target.failures),
                     "ratio_to_one_chart_change": None if plain is None else round(plain, 2)})
    return rows


def cold_first_visits(db: Path, work: Path, served: Path, times: int) -> list[dict]:
    """The first page a new browser opens on a server just started, against the one-chart reference's.
    The briefing draws one chart where it opens, like the reference."""
    from playwright.sync_api import sync_playwright

    seconds: dict[str, list[float]] = {"dashboard": [], "reference": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for attempt in range(times):
                for name in seconds:
                    folder = work / f"cold-{name}-{attempt}"
                    folder.mkdir()
                    if name == "dashboard":  # served as `make run` serves it: the first page warmed at start
                        server = Server(PROJECT_ROOT / "serve.py", server_env(db, folder), folder / "log")
                    else:
                        server = Server(served / "reference_plotly.py", server_env(db, folder), folder / "log",
                                        cwd=served)
                    try:
                        context = browser.new_context(viewport=VIEWPORT)
                        target = Target(name, server.url + "/", plotly=1)
                        seconds[name].append(visit(context.new_page(), target))
                        context.close()
                    finally:
                        server.stop()
        finally:
            browser.close()
    dashboard, reference = (statistics.median(seconds[name]) for name in ("dashboard", "reference"))
    ratio = dashboard / reference
    print(f"\nFirst visit on a server just started (median of {times}): dashboard {dashboard:.2f} s, "
          f"reference {reference:.2f} s, ratio {ratio:.2f}  target <= {COLD_TARGET}  {verdict(ratio, COLD_TARGET)}")
    return [{"view": "cold first visit", "median_s": round(dashboard, 3), "reference_s": round(reference, 3),
             "ratio": round(ratio, 2), "runs": times}]


def with_language(path: str, language: str) -> str:
    if language == "en":
        return path
    return f"{path}{'&' if '?' in path else '?'}lang={language}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path,
                        help="database the dashboard reads (default: a fresh build of data/raw, made for this run)")
    parser.add_argument("--rounds", type=int, default=7, help="timed visits per page")
    parser.add_argument("--warm", type=int, default=2, help="visits per page before timing")
    parser.add_argument("--only", help="measure only pages whose label contains one of these texts (comma-separated)")
    parser.add_argument("--languages", default=",".join(LANGUAGES),
                        help="languages each page is visited in (comma-separated codes)")
    parser.add_argument("--no-changes", action="store_true", help="skip the filter changes")
    parser.add_argument("--cold", type=int, default=0, help="also time the first visit on a new server N times")
    parser.add_argument("--json", type=Path, help="also write the table as JSON here")
    args = parser.parse_args(argv)
    if args.db is not None and not args.db.exists():
        print(f"No database at {args.db}.", file=sys.stderr)
        return 2

    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
        work = Path(folder)
        if args.db is None:
            from etl.build import DEFAULT_RAW_DIR, build
            print("Building the database from data/raw for this run...", file=sys.stderr)
            args.db = work / "db" / "current.duckdb"
            args.db.parent.mkdir()
            build(DEFAULT_RAW_DIR, args.db)
        try:
            dashboard = Server(PROJECT_ROOT / "dashboard.py", server_env(args.db, work), work / "dashboard.log")
            servers.append(dashboard)
            served = reference_folder(work)
            env = server_env(args.db, work)
            plain = Server(served / "reference_plotly.py", env, work / "reference_plotly.log", cwd=served)
            servers.append(plain)
            with_map = Server(served / "reference_map.py", env, work / "reference_map.log", cwd=served)
            servers.append(with_map)
            filtering = Server(served / "reference_filter.py", env, work / "reference_filter.log", cwd=served)
            servers.append(filtering)
            filtering_map = Server(served / "reference_filter_map.py", env, work / "reference_filter_map.log",
                                   cwd=served)
            servers.append(filtering_map)
            references = {"chart": Target("Reference: one chart", plain.url + "/"),
                          "map": Target("Reference: chart + map", with_map.url + "/"),
                          "change": Target("Reference: filter change", filtering.url + REFERENCE_CHANGE[0],
                                           control=REFERENCE_CHANGE[1:]),
                          "change with map": Target("Reference: filter change, chart + map",
                                                    filtering_map.url + REFERENCE_CHANGE[0],
                                                    control=REFERENCE_CHANGE[1:])}
            wanted = [text.strip().lower() for text in (args.only or "").split(",") if text.strip()]
            languages = [code.strip() for code in args.languages.split(",") if code.strip()]
            chosen = lambda label: not wanted or any(text in label.lower() for text in wanted)  # noqa: E731
            targets = [Target(f"{label} [{language}]", dashboard.url + with_language(path, language))
                       for label, path in PAGES.items() if chosen(label) for language in languages]
            if not args.no_changes:
                targets += [Target(f"{label} [{language}]", dashboard.url + with_language(path, language),
                                   control=tuple(control))
                            for label, (path, *control) in CHANGES.items() if chosen(label)
                            for language in languages]
            print(f"Measuring {len(targets)} views and {len(references)} references, {args.warm} warm-up and "
                  f"{args.rounds} timed visits each, headless Chromium at {VIEWPORT['width']}x{VIEWPORT['height']}.",
                  file=sys.stderr)
            measure(list(references.values()) + targets, args.rounds, args.warm)
            rows = report(targets, references)
        finally:
            for server in servers:
                server.stop()
            servers.clear()
        if args.cold:
            rows += cold_first_visits(args.db, work, served, args.cold)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
