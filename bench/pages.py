"""Pages: how long each page of the dashboard takes from navigation to its last chart drawn, in a real
browser, as a ratio to a minimal Streamlit page of its kind measured in the same run.

Three servers on loopback: the dashboard (reading the current build, with a
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
with the map reference). Target: at most 1.5 for every page, warm.

    python bench/pages.py [--db PATH] [--rounds 7] [--warm 2] [--only TEXT] [--json FILE]

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

from tests.browser.conftest import (CHROMIUM_ARGS, CHROMIUM, VIEWPORT, Server,  # noqa: E402
                                    count_charts, open_page, server_env)

TARGET = 1.5
PAGES = {  # label -> path on the dashboard
    "Briefing": "/",
    "Briefing, presenting": "/?present=1&topic=1",
    "Migration (map)": "/migration",
    "Migration, flows by women, grouped": "/migration?data=flow&sex=female&partners=grouped",
    "Stranded citizens": "/stranded",
    "Labour and remittances": "/labour",
    "Agreed measures": "/measures",
    "Country profiles": "/country",
    "Data and sources": "/data",
    "Submit figures": "/submit",
}
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

    @property
    def kind(self) -> str:
        return "map" if self.deck else "chart"


def reference_folder(work: Path) -> Path:
    """A folder serving the reference pages with the project's config and country shapes as static files."""
    folder = work / "reference"
    (folder / ".streamlit").mkdir(parents=True)
    (folder / "static").mkdir()
    shutil.copy(PROJECT_ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    shutil.copy(PROJECT_ROOT / "static" / "countries.geojson", folder / "static" / "countries.geojson")
    for name in ("reference_plotly.py", "reference_map.py"):
        shutil.copy(PROJECT_ROOT / "bench" / name, folder / name)
    return folder


def visit(page, target: Target, timeout_ms: int = 60_000) -> float:
    start = time.perf_counter()
    page.goto(target.url, wait_until="commit", timeout=timeout_ms)
    page.wait_for_function(DRAWN, arg=[target.plotly, target.deck], polling="raf", timeout=timeout_ms)
    return time.perf_counter() - start


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
            for target in targets:
                learn(page, target)
            for round_number in range(warm + rounds):
                for target in targets:
                    seconds = visit(page, target)
                    if round_number >= warm:
                        target.seconds.append(seconds)
                print(f"  round {round_number + 1}/{warm + rounds}{' (warm-up)' if round_number < warm else ''}",
                      file=sys.stderr)
        finally:
            browser.close()


def report(targets: list[Target], references: dict[str, Target]) -> list[dict]:
    rows = []
    print(f"\n{'page':38s} {'charts':>6s} {'maps':>4s} {'median s':>9s} {'p90 s':>6s} {'reference':>10s} "
          f"{'ratio':>6s}  target <= {TARGET}")
    for target in list(references.values()) + targets:
        median = statistics.median(target.seconds)
        p90 = sorted(target.seconds)[max(0, int(round(0.9 * len(target.seconds))) - 1)]
        reference = references.get(target.kind)
        is_reference = target in references.values()
        ratio = None if is_reference else median / statistics.median(reference.seconds)
        verdict = "" if ratio is None else ("ok" if ratio <= TARGET else "MISSES")
        print(f"{target.label:38s} {target.plotly:6d} {target.deck:4d} {median:9.2f} {p90:6.2f} "
              f"{'-' if is_reference else reference.label.split(': ')[-1]:>10s} "
              f"{'-' if ratio is None else f'{ratio:.2f}':>6s}  {verdict}")
        rows.append({"page": target.label, "url_path": target.url.split("127.0.0.1", 1)[-1], "plotly": target.plotly,
                     "maps": target.deck, "median_s": round(median, 3), "p90_s": round(p90, 3),
                     "ratio": None if ratio is None else round(ratio, 2), "runs": len(target.seconds)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path,
                        help="database the dashboard reads (default: a fresh build of data/raw, made for this run)")
    parser.add_argument("--rounds", type=int, default=7, help="timed visits per page")
    parser.add_argument("--warm", type=int, default=2, help="visits per page before timing")
    parser.add_argument("--only", help="measure only pages whose label contains one of these texts (comma-separated)")
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
            references = {"chart": Target("Reference: one chart", plain.url + "/"),
                          "map": Target("Reference: chart + map", with_map.url + "/")}
            wanted = [text.strip().lower() for text in (args.only or "").split(",") if text.strip()]
            targets = [Target(label, dashboard.url + path) for label, path in PAGES.items()
                       if not wanted or any(text in label.lower() for text in wanted)]
            print(f"Measuring {len(targets)} pages and 2 references, {args.warm} warm-up and {args.rounds} timed "
                  f"visits each, headless Chromium at {VIEWPORT['width']}x{VIEWPORT['height']}.", file=sys.stderr)
            measure(list(references.values()) + targets, args.rounds, args.warm)
            rows = report(targets, references)
        finally:
            for server in servers:
                server.stop()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
