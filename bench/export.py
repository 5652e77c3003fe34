"""How long exports take: the first PNG (starts Chromium), warm PNGs, a large CSV, and a briefing pack.

    .venv/bin/python bench/export.py

Prints figures; asserts nothing (see tests/test_export*.py for correctness).
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
from app.export import ChartMeta  # noqa: E402

META = ChartMeta(title="Emigrants from the OTS member and observer states, 1990–2020", source="UN DESA",
                 licence="CC BY 3.0 IGO", data_date="2020", filters=(("Countries", "OTS members and observers"),),
                 caveat="Stocks, not flows.", slug="bench")


def figure(points: int = 7, series: int = 7) -> go.Figure:
    years = list(range(1990, 1990 + 5 * points, 5))
    rng = np.random.default_rng(1)
    return go.Figure([go.Scatter(x=years, y=rng.integers(1e5, 4e6, points), name=f"State {i}", mode="lines+markers")
                      for i in range(series)])


def timed(action, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    export._renderer.close()
    first = timed(lambda: export.png_bytes(figure(), META))[0]
    warm = timed(lambda: export.png_bytes(figure(), META), repeat=5)
    big = timed(lambda: export.png_bytes(figure(points=400, series=20), META), repeat=3)
    rows = pd.DataFrame({"country": [f"Country {i % 200}" for i in range(50_000)],
                         "year": np.arange(50_000) % 31 + 1990, "persons": np.arange(50_000) * 37,
                         "share": np.arange(50_000) / 7})
    csv = timed(lambda: export.csv_bytes(rows, META), repeat=3)
    items = [(figure(), rows.head(40), META)] * 6
    pack = timed(lambda: export.briefing_pack(items, "M2020-08-07"))[0]
    print(f"first PNG (starts Chromium):     {first:6.2f} s")
    print(f"warm PNG, median of 5:           {statistics.median(warm):6.2f} s")
    print(f"PNG of 20 series x 400 points:   {statistics.median(big):6.2f} s")
    print(f"CSV of 50,000 rows, median of 3: {statistics.median(csv):6.2f} s")
    print(f"briefing pack of 6 charts:       {pack:6.2f} s")
    export._renderer.close()


if __name__ == "__main__":
    main()
