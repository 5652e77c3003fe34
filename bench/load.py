"""Load: many people opening the dashboard at once, as in a delegation meeting.

Builds the database from data/raw into a temporary folder, serves the dashboard
on a free loopback port (its own store and secrets there too), and drives it
with real headless browser sessions: one system Chromium, one context per
session, each walking through every page of the navigation (sidebar clicks, as
a reader moves) and changing a filter on the page (a select box option or a
slider step) for a fixed time. Every session is bounded in time and every
action in time; requests that would leave loopback are refused and counted.

Prints page settle times (action -> script finished and every chart and map
drawn) for one session alone, measured first in the same run, and under load;
every error seen (exception elements, "Page not found", "could not be drawn",
console errors, requests outside loopback); and the server's memory sampled
every second, with a verdict on whether it levels off.

The browsers run at the lowest CPU priority (nice 19) unless --same-priority:
they stand in for delegates' own computers, and on a two-core machine their
drawing would otherwise starve the server they are meant to load.

    python bench/load.py [--sessions 10] [--duration 90] [--baseline-rounds 2] [--seed 9] [--same-priority]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from app.ui import RUN_TIMINGS_ENV  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, Server, server_env  # noqa: E402

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

ACTION_TIMEOUT_MS = 60_000
DEADLINE_GRACE = 20.0  # seconds an action running at the end of the load may still take
RERUN_START_TIMEOUT_MS = 3_000  # a rerun that has not started by then was too quick to see, or never came
# Deep links make Streamlit's frontend probe its endpoints under the page's path first (a 404), then fall back.
BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")
LOOPBACK = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:")

# Counts the script runs the page shows, so a wait after a click waits for *its* rerun.
RUN_COUNTER = """
window.__otsRuns = 0;
const watch = () => new MutationObserver(changes => {
    for (const change of changes) {
        if (change.target.getAttribute('data-test-script-state') === 'running') window.__otsRuns++;
    }
}).observe(document.documentElement, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
"""

# Done: the script has finished, no element is still a loading skeleton, and every plotly chart and
# pydeck map placed in the main area has drawn (an svg, a canvas).
SETTLED = """(idle) => {
    if (!document.querySelector(idle) || document.querySelector('[data-testid="stSkeleton"]')) return false;
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return false;
    const undrawn = (selector, inner) => [...main.querySelectorAll(selector)].some(e => !e.querySelector(inner));
    return !undrawn('[data-testid="stPlotlyChart"]', '.main-svg')
        && !undrawn('[data-testid="stDeckGlJsonChart"]', 'canvas');
}"""


# Marks the filters a reader can change now: select boxes and sliders of the main area that are shown
# (not in a hidden tab), enabled, and not part of an edit form; returns their kinds in order.
MARK_FILTERS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return [];
    main.querySelectorAll('[data-ots-filter]').forEach(e => e.removeAttribute('data-ots-filter'));
    const kinds = [];
    for (const e of main.querySelectorAll('[data-testid="stSelectbox"], [data-testid="stSlider"]')) {
        const box = e.getBoundingClientRect();
        if (e.closest('[data-testid="stForm"]') || box.width === 0 || box.height === 0) continue;
        if (e.querySelector('input:disabled, [aria-disabled="true"]')) continue;
        e.setAttribute('data-ots-filter', String(kinds.length));
        kinds.push(e.getAttribute('data-testid'));
    }
    return kinds;
}"""


@dataclass
class Sample:
    page: str
    kind: str  # "arrive" (first visit), "open" (sidebar navigation) or "filter"
    seconds: float  # until every chart and map has drawn
    script_seconds: float = 0.0  # until the script run had finished


@dataclass
class Findings:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stalls: list[str] = field(default_factory=list)  # the load's own browser could not act in time
    views: int = 0
    menus_not_opened: int = 0
    no_rerun: int = 0
    verbose: bool = False

    def add(self, sample: Sample, who: str) -> None:
        self.samples.append(sample)
        if self.verbose:
            print(f"    {who}: {sample.kind} /{sample.page} {sample.seconds:.2f} s", flush=True)

    def stall(self, text: str) -> None:
        if len(self.stalls) < 200:
            self.stalls.append(text)
        if self.verbose:
            print(f"    STALL {text}", flush=True)

    def error(self, text: str) -> None:
        if len(self.errors) < 200:
            self.errors.append(text)
        if self.verbose:
            print(f"    ERROR {text}", flush=True)


# --- the server and its memory -----------------------------------------------------------------------------
def build_database(folder: Path) -> Path:
    db_path = folder / "db" / "current.duckdb"
    subprocess.run([sys.executable, "-m", "etl", "build", "--db", str(db_path)], cwd=str(PROJECT_ROOT),
                   check=True, stdout=subprocess.DEVNULL)
    return db_path


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (all its threads)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found + [grandchild for child in found for grandchild in _children(child)]


class MemorySampler(threading.Thread):
    """RSS of the streamlit process (and of any children it starts) once a second."""

    def __init__(self, pid: int, interval: float = 1.0):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.series: list[tuple[float, str, int, int, int]] = []  # (t, phase, server rss, children rss, views)
        self.cpu: dict[str, list[float]] = {}  # phase -> [server CPU seconds at its first and last sample, wall]
        self.boundaries: list[tuple[float, str]] = []  # (unix time, phase) as each phase begins
        self.phase = "start"
        self.views = lambda: 0
        self._halt = threading.Event()
        self._start = time.monotonic()

    def run(self) -> None:
        while not self._halt.is_set():
            children = sum(_rss_bytes(child) for child in _children(self.pid))
            now = time.monotonic() - self._start
            self.series.append((now, self.phase, _rss_bytes(self.pid), children, self.views()))
            spent = _cpu_seconds(self.pid)
            first = self.cpu.setdefault(self.phase, [spent, spent, now, now])
            first[1], first[3] = spent, now
            self._halt.wait(self.interval)

    @property
    def phase(self) -> str:
        return self._phase

    @phase.setter
    def phase(self, name: str) -> None:
        self._phase = name
        self.boundaries.append((time.time(), name))

    def phase_at(self, when: float) -> str:
        """The phase under way at a unix time (for the server's own run timings)."""
        current = "start"
        for started, name in self.boundaries:
            if started > when:
                break
            current = name
        return current

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


# --- one browser session -------------------------------------------------------------------------------------
class Session:
    def __init__(self, browser, base_url: str, pages: list[str], findings: Findings, rng: random.Random,
                 name: str):
        self.browser, self.base_url, self.pages = browser, base_url, pages
        self.findings, self.rng, self.name = findings, rng, name
        self.context = self.page = None
        self.script_done = 0.0

    async def start(self) -> None:
        self.context = await self.browser.new_context(viewport=VIEWPORT)
        await self.context.add_init_script(RUN_COUNTER)
        await self.context.route("**/*", self._only_loopback)
        self.page = await self.context.new_page()
        self.page.set_default_timeout(ACTION_TIMEOUT_MS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.findings.error(f"{self.name}: page error: {error}"))
        started = time.perf_counter()
        await self.page.goto(self.base_url + "/", wait_until="domcontentloaded")
        await self._settled(first_load=True)
        # A first visit (new browser session: page, scripts, websocket, first run) is counted apart.
        self.findings.add(self._sample(self.pages[0], "arrive", started), self.name)

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()

    async def _only_loopback(self, route) -> None:
        if route.request.url.startswith(LOOPBACK):
            await route.continue_()
        else:
            self.findings.error(f"{self.name}: request outside loopback refused: {route.request.url}")
            await route.abort()

    def _console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if "404" in message.text and url.endswith(BASE_PATH_PROBES):
            return
        self.findings.error(f"{self.name}: console error: {message.text[:200]} ({url})")

    def _sample(self, path: str, kind: str, started: float) -> Sample:
        return Sample(path or "briefing", kind, time.perf_counter() - started, self.script_done - started)

    async def _runs(self) -> int:
        return await self.page.evaluate("window.__otsRuns || 0")

    async def _settled(self, runs_before: int | None = None, first_load: bool = False) -> bool:
        """Wait for the run the action started (if one is seen) to finish and its charts to draw."""
        rerun_seen = True
        if first_load:
            await self.page.wait_for_selector('[data-testid="stApp"]', state="attached")
        elif runs_before is not None:
            try:
                await self.page.wait_for_function(f"(window.__otsRuns || 0) > {runs_before}",
                                                  timeout=RERUN_START_TIMEOUT_MS)
            except Exception:  # noqa: BLE001 - no rerun came (or it was too quick to see)
                rerun_seen = False
        # The script's end (the server's part, as the browser learns it), then every chart drawn.
        await self.page.wait_for_selector(APP_IDLE, state="attached", timeout=ACTION_TIMEOUT_MS)
        self.script_done = time.perf_counter()
        await self.page.wait_for_function(SETTLED, arg=APP_IDLE, timeout=ACTION_TIMEOUT_MS)
        return rerun_seen

    async def check_errors(self, where: str) -> None:
        main = self.page.locator('[data-testid="stMain"]')
        exceptions = await self.page.locator('[data-testid="stException"]').count()
        if exceptions:
            self.findings.error(f"{self.name}: exception element on {where}")
        if await self.page.get_by_text("Page not found").count():
            self.findings.error(f"{self.name}: 'Page not found' on {where}")
        if await main.get_by_text("could not be drawn").count():
            self.findings.error(f"{self.name}: 'could not be drawn' on {where}")

    async def open(self, path: str) -> None:
        """Go to a page by its sidebar link, as a reader does."""
        link = self.page.locator(f'[data-testid="stSidebarNav"] a[href="{self.base_url}/{path}"]')
        runs = await self._runs()
        started = time.perf_counter()
        await link.click()
        await self._settled(runs)
        self.findings.add(self._sample(path, "open", started), self.name)
        self.findings.views += 1
        await self.check_errors(f"/{path}")

    async def change_a_filter(self, path: str) -> bool:
        """Pick another option in one of the page's select boxes, or move its slider one step."""
        kinds = await self.page.evaluate(MARK_FILTERS)
        choices = list(enumerate(kinds))
        if not choices:
            return False
        index, kind = self.rng.choice(choices)
        widget = self.page.locator(f'[data-ots-filter="{index}"]')
        runs = await self._runs()
        started = time.perf_counter()
        if kind == "stSelectbox":
            await widget.locator('button[aria-haspopup="listbox"]').click()
            options = self.page.locator('[role="listbox"] [role="option"]')
            try:
                await options.first.wait_for(state="visible", timeout=15_000)
            except Exception:  # noqa: BLE001 - the menu did not open (the harness's problem, not the page's)
                self.findings.menus_not_opened += 1
                await self.page.keyboard.press("Escape")
                return False
            others = self.page.locator('[role="listbox"] [role="option"]:not([aria-selected="true"])')
            count = await others.count()
            if count == 0:
                await self.page.keyboard.press("Escape")
                return False
            await others.nth(self.rng.randrange(count)).click()
        else:
            thumb = widget.locator('input[type="range"]').first  # react-aria: a hidden range input per thumb
            now, low, high = [await thumb.get_attribute(name) for name in ("value", "min", "max")]
            if now == low == high:
                return False
            key = "ArrowLeft" if now == high else "ArrowRight" if now == low else \
                self.rng.choice(["ArrowLeft", "ArrowRight"])
            await thumb.focus()
            await self.page.keyboard.press(key)
        if not await self._settled(runs):
            self.findings.no_rerun += 1  # nothing to time: the change did not rerun the page
            return False
        self.findings.add(self._sample(path, "filter", started), self.name)
        self.findings.views += 1
        await self.check_errors(f"/{path} after a filter change")
        return True

    async def _visit(self, path: str, deadline: float | None) -> None:
        await self.open(path)
        if deadline is None or time.monotonic() < deadline:
            await self.change_a_filter(path)

    async def walk(self, deadline: float | None, rounds: int | None, offset: int) -> None:
        """Every page in turn (starting at `offset`), each with a filter change, until the deadline or rounds."""
        step = 0
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                return
            if rounds is not None and step >= rounds * len(self.pages):
                return
            path = self.pages[(offset + step) % len(self.pages)]
            step += 1
            try:
                if deadline is None:
                    await self._visit(path, None)
                else:
                    # An action still running at the deadline gets a short grace, then is dropped unmeasured.
                    await asyncio.wait_for(self._visit(path, deadline),
                                           timeout=max(1.0, deadline - time.monotonic()) + DEADLINE_GRACE)
            except asyncio.TimeoutError:
                return
            except Exception as error:  # noqa: BLE001 - a timeout or a broken page is a finding, then go on
                finding = f"{self.name}: {type(error).__name__} on /{path}: {str(error).splitlines()[0]}"
                if type(error).__name__ == "TimeoutError":
                    # Playwright gave up waiting for this browser (a click, a page settling): on a machine
                    # shared with ten browsers that is usually the browser starved, so it is counted apart;
                    # a server that stopped answering shows in the check after the load.
                    self.findings.stall(finding)
                else:
                    self.findings.error(finding)
                try:
                    await self.page.goto(self.base_url + "/", wait_until="domcontentloaded")
                    await self._settled(first_load=True)
                except Exception:  # noqa: BLE001
                    return


async def sidebar_paths(browser, base_url: str) -> list[str]:
    """The pages of the navigation, as the sidebar lists them once the app has run its first script.

    On a fresh server the first paint can show Streamlit's own list of the pages/ folder for a moment,
    so the links are read until they stay the same for a second.
    """
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    await page.goto(base_url + "/", wait_until="domcontentloaded")
    read = "els => els.map(e => e.href)"
    previous, deadline = None, time.monotonic() + ACTION_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        await page.wait_for_function(SETTLED, arg=APP_IDLE, timeout=ACTION_TIMEOUT_MS)
        hrefs = await page.eval_on_selector_all('[data-testid="stSidebarNav"] a', read)
        if hrefs and hrefs == previous:
            break
        previous = hrefs
        await page.wait_for_timeout(1000)
    await context.close()
    return [href[len(base_url) + 1:] for href in previous or []]


async def drive(base_url: str, sessions: int, duration: float, baseline_rounds: int, seed: int,
                sampler: MemorySampler, verbose: bool = False) -> tuple[Findings, Findings, Findings, float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            pages = await sidebar_paths(browser, base_url)
            print(f"Pages: {', '.join('/' + p for p in pages)}", flush=True)

            # One session alone: a warm-up round (fills the caches), then the measured rounds.
            sampler.phase = "warm-up"
            alone = Findings(verbose=verbose)
            session = Session(browser, base_url, pages, Findings(verbose=verbose), random.Random(seed), "single")
            await session.start()
            await session.walk(None, 1, 0)
            sampler.phase = "single"
            session.findings = alone
            await session.walk(None, baseline_rounds, 0)
            await session.close()
            print(f"Single session: {len(alone.samples)} page settles measured", flush=True)

            # Many sessions at once, for a fixed time.
            sampler.phase = "load"
            loaded = Findings(verbose=verbose)
            sampler.views = lambda: loaded.views
            crowd = [Session(browser, base_url, pages, loaded, random.Random(seed + n), f"session {n + 1}")
                     for n in range(sessions)]
            started = time.monotonic()
            await asyncio.gather(*(member.start() for member in crowd), return_exceptions=True)
            deadline = time.monotonic() + duration
            outcomes = await asyncio.gather(*(member.walk(deadline, None, n) for n, member in enumerate(crowd)),
                                            return_exceptions=True)
            elapsed = time.monotonic() - started
            for member, outcome in zip(crowd, outcomes):
                if isinstance(outcome, BaseException):
                    loaded.error(f"{member.name}: {type(outcome).__name__}: {outcome}")
            await asyncio.gather(*(member.close() for member in crowd), return_exceptions=True)

            # The server still answers: a new session walks every page once more on its own.
            sampler.phase = "after"
            after = Findings(verbose=verbose)
            session = Session(browser, base_url, pages, after, random.Random(seed), "after the load")
            try:
                await session.start()
                await session.walk(None, 1, 0)
            except Exception as error:  # noqa: BLE001 - reported as an error
                after.error(f"after the load: {type(error).__name__}: {str(error).splitlines()[0]}")
            finally:
                await session.close()
            after.errors += [f"after the load: {stall}" for stall in after.stalls]  # here a stall is an error
            return alone, loaded, after, elapsed
        finally:
            await browser.close()


# --- the report ---------------------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def settle_table(alone: Findings, loaded: Findings, sessions: int) -> None:
    def group(findings: Findings, script: bool = False):
        grouped = defaultdict(list)
        for sample in findings.samples:
            value = sample.script_seconds if script else sample.seconds
            grouped[(sample.page, sample.kind)].append(value)
            grouped[("all pages", sample.kind)].append(value)
        return grouped

    def cells(values: list[float]) -> str:
        if not values:
            return f"{0:>4}{'—':>7}{'—':>7}"
        return f"{len(values):>4}{percentile(values, 50):>7.2f}{percentile(values, 95):>7.2f}"

    single, crowd = group(alone), group(loaded)
    single_script, crowd_script = group(alone, True), group(loaded, True)
    print()
    print(f"Page settle time in seconds, 1 session alone vs {sessions} at once: 'drawn' = action -> script done "
          "and every chart and map drawn; 'script' = action -> script run finished (the server's part)")
    print(f"{'':<20}{'alone, drawn':^18}  {'load, drawn':^18}  {'alone, script':^18}  {'load, script':^18}"
          f"{'drawn p95':>11}")
    head = f"{'page':<12}{'action':<8}" + f"{'n':>4}{'p50':>7}{'p95':>7}  " * 4 + f"{'ratio':>9}"
    print(head)
    print("-" * len(head))
    keys = sorted(set(single) | set(crowd), key=lambda k: (k[0] == "all pages", k[0], k[1]))
    for key in keys:
        a, b = single.get(key, []), crowd.get(key, [])
        ratio = f"{percentile(b, 95) / percentile(a, 95):>8.1f}×" if a and b else f"{'':>9}"
        print(f"{key[0]:<12}{key[1]:<8}{cells(a)}  {cells(b)}  {cells(single_script.get(key, []))}  "
              f"{cells(crowd_script.get(key, []))}{ratio}")


RUN_P95_TARGET = 2.0  # the p95 of a page run with ten sessions, against one session alone


def server_run_table(path: Path, sampler: "MemorySampler", sessions: int) -> dict[str, list[float]]:
    """The server's own time per page run (app.ui.run_page writes it), alone and under load, per page."""
    runs: dict[tuple[str, str], list[float]] = defaultdict(list)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for line in lines:
        when, page, seconds = line.split("\t")
        phase = sampler.phase_at(float(when))
        runs[(phase, page)].append(float(seconds))
        runs[(phase, "all pages")].append(float(seconds))
    print()
    print(f"Server time per page run in seconds (the page script on the server, from its own clock), "
          f"1 session alone vs {sessions} at once")

    def cells(values: list[float]) -> str:
        if not values:
            return f"{0:>5}{'—':>7}{'—':>7}"
        return f"{len(values):>5}{percentile(values, 50):>7.2f}{percentile(values, 95):>7.2f}"

    head = f"{'page':<12}{'':>5}{'alone':^14}{'':>5}{'load':^14}{'p95 ratio':>11}"
    print(head)
    print(f"{'':<12}" + f"{'n':>5}{'p50':>7}{'p95':>7}" * 2)
    print("-" * len(head))
    pages = sorted({page for _, page in runs}, key=lambda page: (page == "all pages", page))
    for page in pages:
        alone, loaded = runs.get(("single", page), []), runs.get(("load", page), [])
        ratio = percentile(loaded, 95) / percentile(alone, 95) if alone and loaded else None
        verdict = "" if ratio is None else ("  PASS" if ratio <= RUN_P95_TARGET else "  MISS")
        print(f"{page:<12}{cells(alone)}{cells(loaded)}" + (f"{ratio:>10.1f}×{verdict}" if ratio else ""))
    print(f"Target: p95 of a page run under load at most {RUN_P95_TARGET:g}× one session's (all pages).")
    return {phase: runs.get((phase, "all pages"), []) for phase in ("single", "load")}


def cpu_report(cpu: dict[str, list[float]]) -> None:
    print()
    print("Server CPU (the streamlit process, all threads) as a share of one core, per phase:")
    for phase in ("single", "load"):
        if phase in cpu:
            first, last, start, end = cpu[phase]
            if end > start:
                print(f"  {phase:<7} {100 * (last - first) / (end - start):5.0f} % over {end - start:.0f} s")


def memory_report(series: list[tuple[float, str, int, int, int]]) -> bool:
    print()
    print("Server memory (RSS of the streamlit process, MB; children such as a PNG renderer in brackets), "
          "every second")
    load = [(t, rss, children, views) for t, phase, rss, children, views in series if phase == "load"]
    for phase in ("warm-up", "single", "load", "after"):
        points = [(rss, children) for _, p, rss, children, _ in series if p == phase]
        if not points:
            continue
        print(f"  {phase}:")
        row = []
        for rss, children in points:
            row.append(f"{rss / 2 ** 20:5.0f}" + (f"[{children / 2 ** 20:.0f}]" if children else ""))
            if len(row) == 15:
                print("    " + " ".join(row))
                row = []
        if row:
            print("    " + " ".join(row))
    if len(load) < 9:
        print("Memory verdict: too few samples under load to judge")
        return False
    third = len(load) // 3
    middle = statistics.median(rss for _, rss, _, _ in load[third:2 * third])
    last = statistics.median(rss for _, rss, _, _ in load[2 * third:])
    views_middle = statistics.median(v for *_, v in load[third:2 * third])
    views_last = statistics.median(v for *_, v in load[2 * third:])
    growth = last - middle
    per_view = growth / max(1, views_last - views_middle)
    allowed = max(20 * 2 ** 20, 0.05 * middle)
    levelled = growth <= allowed
    print(f"Memory verdict: median {middle / 2 ** 20:,.0f} MB in the middle third of the load, "
          f"{last / 2 ** 20:,.0f} MB in the last third ({growth / 2 ** 20:+,.0f} MB over "
          f"{views_last - views_middle:,.0f} page views, {per_view / 1024:+,.0f} KB per view): "
          + ("levels off" if levelled else "STILL GROWING"))
    return levelled


def pages_of(*findings: Findings) -> set[str]:
    """Pages the sessions opened at least once."""
    return {sample.page for found in findings for sample in found.samples if sample.kind == "open"}


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help="browser sessions at once (default 10)")
    parser.add_argument("--duration", type=float, default=90.0, help="seconds of load (default 90)")
    parser.add_argument("--baseline-rounds", type=int, default=2,
                        help="rounds through every page by one session alone, after a warm-up round (default 2)")
    parser.add_argument("--seed", type=int, default=9, help="seed of the filter choices")
    parser.add_argument("--verbose", action="store_true", help="print every settle time as it is measured")
    parser.add_argument("--same-priority", action="store_true",
                        help="run the browsers at the server's priority (by default they yield to it)")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 40 or not 5 <= args.duration <= 900:
        parser.error("keep it bounded: 1-40 sessions, 5-900 seconds")

    # Stopped from outside (Ctrl-C, SIGTERM): still stop the server and the browser on the way out.
    signal.signal(signal.SIGTERM, _interrupted)
    folder = Path(tempfile.mkdtemp(prefix="ots-load-"))
    server = sampler = None
    try:
        print(f"Load benchmark on {os.cpu_count()} cores, load average {load_average()} before it starts: "
              "building the database ...", flush=True)
        db_path = build_database(folder)
        env = server_env(db_path, folder)
        run_timings = folder / "run_timings.tsv"
        env[RUN_TIMINGS_ENV] = str(run_timings)
        server = Server(PROJECT_ROOT / "dashboard.py", env, folder / "streamlit.log")
        print(f"Dashboard on loopback port {server.port}; {args.sessions} sessions for {args.duration:.0f} s",
              flush=True)
        sampler = MemorySampler(server.process.pid)
        sampler.start()
        if not args.same_priority:
            # The browsers stand in for delegates' own computers: on this machine their drawing (WebGL maps in
            # software, plotly) would take the cores from the server it is meant to load. At the lowest
            # priority they get what the server leaves; Playwright's driver and Chromium inherit it from here.
            os.nice(19)
            print("Browsers run at nice 19 (the server at normal priority); --same-priority to share equally",
                  flush=True)
        alone, loaded, after, elapsed = asyncio.run(drive(server.url, args.sessions, args.duration, args.baseline_rounds,
                                                   args.seed, sampler, args.verbose))
        time.sleep(3)  # a few samples after the sessions closed
        sampler.stop()

        settle_table(alone, loaded, args.sessions)
        server_run_table(run_timings, sampler, args.sessions)
        print(f"\nLoad average at the end {load_average()} (other sessions on the machine count too)")
        print(f"Under load: {loaded.views:,} page views and filter changes by {args.sessions} sessions in "
              f"{elapsed:.0f} s ({loaded.views / elapsed:.1f} per second)")
        skipped = alone.menus_not_opened + loaded.menus_not_opened
        if skipped:
            print(f"({skipped} filter changes skipped: the option menu did not open within 15 s)")
        unseen = alone.no_rerun + loaded.no_rerun
        if unseen:
            print(f"({unseen} actions not timed: no rerun was seen within {RERUN_START_TIMEOUT_MS / 1000:.0f} s)")
        answered = [sample for sample in after.samples if sample.kind == "open"]
        every_page = pages_of(alone) <= pages_of(after)
        print(f"\nAfter the load, a new session opened {len(pages_of(after))} of the {len(pages_of(alone))} pages"
              + (f" (settle p50 {percentile([x.seconds for x in answered], 50):.2f} s, "
                 f"p95 {percentile([x.seconds for x in answered], 95):.2f} s)" if answered else ""))
        errors = alone.errors + loaded.errors + after.errors
        print(f"\nErrors seen: {len(errors)}" + ("" if errors else " (none)"))
        for text in errors[:40]:
            print(f"  {text}")
        stalls = alone.stalls + loaded.stalls
        if stalls:
            print(f"Actions the load's browsers did not complete within {ACTION_TIMEOUT_MS / 1000:.0f} s "
                  f"(that session went on from the Briefing): {len(stalls)}")
            for text in stalls[:20]:
                print(f"  {text}")
        log = (folder / "streamlit.log").read_text(errors="replace")
        tracebacks = len(re.findall(r"Traceback \(most recent call last\)", log))
        print(f"Server log: {tracebacks} traceback(s)")
        if tracebacks:
            print("  " + "\n  ".join(log.splitlines()[-30:]))
        cpu_report(sampler.cpu)
        levelled = memory_report(sampler.series)
        ok = not errors and not tracebacks and levelled and every_page
        print(f"\nVerdict: {'holds' if ok else 'DOES NOT HOLD'} under {args.sessions} sessions")
        return 0 if ok else 1
    finally:
        try:
            if sampler is not None:
                sampler.stop()
        finally:
            if server is not None:
                server.stop()
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
