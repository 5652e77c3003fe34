"""Snapshots of a chart: a PNG with its title, filters, source and date inside, and its data as CSV.

The PNG is rendered on the server by kaleido with the system Chromium, at a
slide-friendly size and twice screen resolution; one kaleido server is started
per process because starting Chrome for every image takes seconds. The CSV
starts with one line of provenance, then the chart's data with plain column
names; text cells that a spreadsheet would run as a formula are neutralised.
"""
from __future__ import annotations

import copy
import csv
import io
import threading
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

PNG_WIDTH = 1600
PNG_HEIGHT = 900
PNG_SCALE = 2
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ChartMeta:
    """What a snapshot must carry besides the data: all texts already in the reader's language."""

    title: str
    source: str
    licence: str = ""
    data_date: str = ""
    filters: tuple[tuple[str, str], ...] = field(default=())
    caveat: str = ""
    slug: str = "chart"

    def provenance_line(self, labels: dict[str, str] | None = None) -> str:
        labels = labels or {}
        parts = [self.title, f"{labels.get('source', 'Source')}: {self.source}"]
        if self.licence:
            parts.append(f"{labels.get('licence', 'Licence')}: {self.licence}")
        if self.data_date:
            parts.append(f"{labels.get('data', 'Data')}: {self.data_date}")
        if self.filters:
            parts.append(f"{labels.get('filters', 'Filters')}: " + "; ".join(f"{k}: {v}" for k, v in self.filters))
        parts.append(f"{labels.get('exported', 'Exported')}: {date.today().isoformat()}")
        return " | ".join(parts)


def neutralise_formula(value):
    """A text cell starting like a formula gets a leading apostrophe, so a spreadsheet shows it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(data: pd.DataFrame, meta: ChartMeta, labels: dict[str, str] | None = None) -> bytes:
    """UTF-8 with BOM (so spreadsheets read Cyrillic and Turkish letters), provenance line, then the data."""
    safe = data.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    safe.columns = [neutralise_formula(str(c)) for c in safe.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_formula(meta.provenance_line(labels))])
    safe.to_csv(buffer, index=False, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def read_csv_export(content: bytes) -> pd.DataFrame:
    """The data part of an exported CSV (skips the provenance line)."""
    return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", skiprows=1)


_kaleido_lock = threading.Lock()
_kaleido_started = False


def _ensure_kaleido() -> None:
    global _kaleido_started
    with _kaleido_lock:
        if not _kaleido_started:
            import kaleido
            kaleido.start_sync_server(silence_warnings=True)
            _kaleido_started = True


def snapshot_figure(fig: go.Figure, meta: ChartMeta, labels: dict[str, str] | None = None) -> go.Figure:
    """A copy of the figure laid out for a slide, with title, filters and source drawn in."""
    labels = labels or {}
    snap = go.Figure(copy.deepcopy(fig.to_dict()))
    subtitle = " · ".join(f"{k}: {v}" for k, v in meta.filters)
    footer = f"{labels.get('source', 'Source')}: {meta.source}"
    if meta.licence:
        footer += f" ({meta.licence})"
    if meta.data_date:
        footer += f" · {labels.get('data', 'Data')}: {meta.data_date}"
    footer += f" · {labels.get('exported_from', 'OTS Migration Dashboard')}, {date.today().isoformat()}"
    snap.update_layout(
        title={"text": f"<b>{meta.title}</b>" + (f"<br><sup>{subtitle}</sup>" if subtitle else ""),
               "x": 0.02, "xanchor": "left", "font": {"size": 26}},
        margin={"t": 110, "b": 110, "l": 80, "r": 40},
        font={"size": 16},
        paper_bgcolor="white",
        width=PNG_WIDTH, height=PNG_HEIGHT,
    )
    snap.add_annotation(text=footer, xref="paper", yref="paper", x=0, y=-0.13, xanchor="left", yanchor="top",
                        showarrow=False, font={"size": 13, "color": "#444"}, align="left")
    if meta.caveat:
        snap.add_annotation(text=meta.caveat, xref="paper", yref="paper", x=0, y=-0.18, xanchor="left",
                            yanchor="top", showarrow=False, font={"size": 12, "color": "#666"}, align="left")
    return snap


def png_bytes(fig: go.Figure, meta: ChartMeta, labels: dict[str, str] | None = None) -> bytes:
    _ensure_kaleido()
    return snapshot_figure(fig, meta, labels).to_image(format="png", width=PNG_WIDTH, height=PNG_HEIGHT,
                                                       scale=PNG_SCALE)
