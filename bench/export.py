"""How long exports take, beside kaleido's own time for the same figures, with PASS/MISS.

    .venv/bin/python bench/export.py

Targets (issue 16): a warm PNG slide within 1.3x of kaleido's own server drawing the same figure at the same
size (3200 x 1800), and the briefing pack within 2x of one such PNG per chart drawn back to back. Both sides are
measured in this one run, medians of several, so a busy machine slows both. Prints figures; asserts nothing
(tests/test_export*.py check correctness).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import export  # noqa: E402
from app.export import PNG_HEIGHT, PNG_SCALE, PNG_WIDTH, ChartMeta  # noqa: E402

META = ChartMeta(title="Emigrants from the OTS member and observer states, 1990–2024", source="UN DESA",
                 licence="CC BY 3.0 IGO", data_date="2024", filters=(("Countries", "OTS members and observers"),),
                 caveat="Stocks, not flows.", slug="bench")
PNG_TARGET = 1.3
PACK_TARGET = 2.0
PACK_CHARTS = 6


def figure(points: int = 7, series: int = 7) -> go.Figure:
    years = list(range(1990, 1990 + 5 * points, 5))
    rng = np.random.default_rng(1)
    return go.Figure([go.Scatter(x=years, y=rng.integers(1e5, 4e6, points), name=f"State {i}", mode="lines+markers")
                      for i in range(series)])


def median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def kaleido_alone(fig: go.Figure) -> bytes:
    """kaleido's own sync server drawing the figure at the slide's size: the least a PNG can cost here."""
    import kaleido
    return kaleido.calc_fig_sync(fig, opts={"format": "png", "width": PNG_WIDTH, "height": PNG_HEIGHT,
                                            "scale": PNG_SCALE})


def verdict(ratio: float, target: float) -> str:
    return "PASS" if ratio <= target else "MISS"


def main() -> None:
    import kaleido
    kaleido.start_sync_server(n=1, plotlyjs=str(export.plotly_js_path()), mathjax=False,
                              path=export.browser_path(), silence_warnings=True)
    export._renderer.close()
    start = time.perf_counter()
    export.png_bytes(figure(), META)
    first = time.perf_counter() - start
    kaleido_alone(figure())  # warm kaleido's own server too

    rows = []
    for name, fig in (("7 series x 7 points", figure()), ("20 series x 400 points", figure(points=400, series=20))):
        ours = median_time(lambda: export.png_bytes(fig, META), 5)
        theirs = median_time(lambda: kaleido_alone(fig), 5)
        rows.append((f"warm PNG, {name}", ours, theirs, PNG_TARGET))

    table = pd.DataFrame({"country": [f"Country {i % 200}" for i in range(50_000)],
                          "year": np.arange(50_000) % 31 + 1990, "persons": np.arange(50_000) * 37,
                          "share": np.arange(50_000) / 7})
    csv = median_time(lambda: export.csv_bytes(table, META), 3)

    items = [(figure(series=3 + n), table.head(40), META) for n in range(PACK_CHARTS)]
    pack = median_time(lambda: export.briefing_pack(items, "M2020-08-07"), 3)
    back_to_back = median_time(lambda: [kaleido_alone(fig) for fig, _data, _meta in items], 3)
    rows.append((f"briefing pack of {PACK_CHARTS} charts", pack, back_to_back, PACK_TARGET))

    print(f"first PNG (starts Chromium): {first:6.2f} s")
    print(f"CSV of 50,000 rows:          {csv:6.2f} s")
    print(f"{'':38} {'ours':>7} {'kaleido':>8} {'ratio':>6} {'target':>7}")
    for label, ours, theirs, target in rows:
        ratio = ours / theirs
        print(f"{label:38} {ours:6.2f}s {theirs:7.2f}s {ratio:6.2f} {target:6.1f}x  {verdict(ratio, target)}")
    export._renderer.close()
    kaleido.stop_sync_server(silence_warnings=True)


if __name__ == "__main__":
    main()
