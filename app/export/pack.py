"""The Briefing pack: a ZIP of the briefing's charts as slides (PNG) and their data (CSV), with an index of
their sources in the reader's language (index.csv and README.txt).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

import pandas as pd
import plotly.graph_objects as go

from app.export.csv import csv_bytes
from app.export.meta import ChartMeta
from app.export.slide import png_bytes


def file_stem(text: str, fallback: str = "chart") -> str:
    """A file name part from any text: ASCII letters, digits and dashes."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return stem[:60] or fallback


def briefing_pack_name(meeting: str, on: date | None = None, prefix: str = "ots-briefing") -> str:
    """ots-briefing_M2020-08-07_2026-11-23.zip: the meeting's identifier and the day the pack was made."""
    on = on or date.today()
    meeting_part = re.sub(r"[^A-Za-z0-9-]+", "-", meeting or "").strip("-")
    return "_".join(part for part in (prefix, meeting_part, on.isoformat()) if part) + ".zip"


@dataclass(frozen=True)
class PackEntry:
    """One chart of a briefing pack, as its index lists it."""

    png_file: str  # empty when the topic has figures but no chart
    csv_file: str
    meta: ChartMeta
    rows: int


def briefing_pack(items: Iterable[tuple[go.Figure | None, pd.DataFrame, ChartMeta]], meeting: str,
                  labels: dict[str, str] | None = None, on: date | None = None,
                  prefix: str = "ots-briefing", meeting_title: str = "") -> tuple[str, bytes]:
    """A ZIP of the briefing's charts (PNG) and their data (CSV), with an index of sources.

    Returns (file name, bytes). index.csv lists, per chart, its file names, title, source, licence,
    data date, filters and number of rows (in the reader's language, like every export);
    README.txt says the same in prose. A topic without a chart contributes its CSV only.
    """
    labels = labels or {}
    on = on or date.today()
    entries: list[PackEntry] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        for number, (fig, data, meta) in enumerate(items, start=1):
            stem = f"{number:02d}-{file_stem(meta.slug)}"
            png_name = f"{stem}.png" if fig is not None else ""
            if fig is not None:
                _add(pack, png_name, png_bytes(fig, meta, labels))
            _add(pack, f"{stem}.csv", csv_bytes(data, meta, labels))
            entries.append(PackEntry(png_name, f"{stem}.csv", meta, len(data)))
        heading = labels.get("pack_title", "Briefing pack") + ": " + (meeting_title or meeting or on.isoformat())
        index = pd.DataFrame({
            labels.get("col_file_png", "png_file"): [e.png_file for e in entries],
            labels.get("col_file_csv", "csv_file"): [e.csv_file for e in entries],
            labels.get("col_title", "title"): [e.meta.title for e in entries],
            labels.get("col_source", "source"): [e.meta.source for e in entries],
            labels.get("col_licence", "licence"): [e.meta.licence for e in entries],
            labels.get("col_data_date", "data_date"): [e.meta.data_date for e in entries],
            labels.get("col_filters", "filters"): ["; ".join(f"{k}: {v}" for k, v in e.meta.filters)
                                                   for e in entries],
            labels.get("col_rows", "rows"): [e.rows for e in entries],
        })
        index_meta = ChartMeta(title=heading, source=labels.get("exported_from", "OTS Migration Dashboard"),
                               slug="index")
        _add(pack, "index.csv", csv_bytes(index, index_meta, labels))
        _add(pack, "README.txt", ("\ufeff" + _readme(entries, heading, on, labels)).encode("utf-8"))
    return briefing_pack_name(meeting, on, prefix), buffer.getvalue()


def _add(pack: zipfile.ZipFile, name: str, content: bytes) -> None:
    """A file readable by everyone once unpacked (writestr alone gives owner-only permissions)."""
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.external_attr = 0o644 << 16
    # A PNG is compressed already: deflating it again costs time and saves nothing.
    info.compress_type = zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED
    pack.writestr(info, content)


def _readme(entries: list[PackEntry], heading: str, on: date, labels: dict[str, str]) -> str:
    lines = [heading,
             f"{labels.get('exported_from', 'OTS Migration Dashboard')} · "
             f"{labels.get('exported', 'Exported')}: {labels.get('today', on.isoformat())}",
             ""]
    for entry in entries:
        meta = entry.meta
        lines.append(" / ".join(name for name in (entry.png_file, entry.csv_file) if name))
        lines.append(f"  {meta.title}")
        lines.append(f"  {labels.get('source', 'Source')}: {meta.source}"
                     + (f" ({labels.get('licence', 'Licence')}: {meta.licence})" if meta.licence else ""))
        if meta.data_date:
            lines.append(f"  {labels.get('data', 'Data')}: {meta.data_date}")
        if meta.filters:
            lines.append(f"  {labels.get('filters', 'Filters')}: " + "; ".join(f"{k}: {v}" for k, v in meta.filters))
        if meta.caveat:
            lines.append(f"  {meta.caveat}")
        lines.append("")
    return "\r\n".join(lines)

