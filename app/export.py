"""Snapshots of a chart: a PNG with its title, filters, source and date inside, and its data as CSV.

The PNG is rendered on the server by kaleido driving the system Chromium, at a
fixed slide size (1600 x 900 CSS pixels) and twice that resolution. The chart
alone is rendered into the middle band (its own margins grow to fit its legend
and axis labels), so nothing overlaps whatever the chart looks like; the frame
around it (the wrapped title, filters, source, licence, data date and caveat)
is then drawn onto the image with Pillow in exact pixels. One browser render a
PNG: a second render of the frame around the first image cost as much again.

The CSV starts with one line of provenance, then the chart's data with plain
column names; text cells that a spreadsheet would run as a formula are
neutralised and quoted, numbers are written plainly (dot decimals, no grouping,
never quoted). UTF-8 with a byte-order mark and CRLF line ends, so Excel reads
Cyrillic and Turkish letters. The same data comes in a second form for Excel
set to Russian or Turkish (and most of continental Europe): semicolons between
cells and decimal commas, which is what such an Excel expects when it opens a
.csv file.

Nothing here may reach the internet: plotly.js comes from the installed plotly
package, MathJax is switched off, and figures that would need plotly's map
outlines or tiles from a CDN are refused with a clear message.

This module knows no Streamlit and no language: every word it writes comes in
`meta` and `labels`, already translated by the caller.
"""
from __future__ import annotations

import asyncio
import atexit
import copy
import csv
import io
import os
import re
import shutil
import struct
import subprocess
import threading
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

PNG_WIDTH = 1600
PNG_HEIGHT = 900
PNG_SCALE = 2
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n",
                  "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms
# Traces plotly.js draws from outlines or tiles it downloads: they cannot be exported offline.
ONLINE_TRACE_TYPES = {"scattergeo", "choropleth", "scattermapbox", "choroplethmapbox", "densitymapbox",
                      "scattermap", "choroplethmap", "densitymap"}
# Chromium's own background services (update checks, time sync, the distribution's start page) try the
# internet when it starts. The renderer's browser gets a proxy on the loopback where nothing listens, so
# no request can leave the machine; a page that needed the network would fail loudly, not fetch.
OFFLINE_PROXY = "http://127.0.0.1:9"
RENDER_TIMEOUT = 60  # seconds for one image; a stuck browser is restarted on the next request
START_TIMEOUT = 60


class ExportUnavailable(RuntimeError):
    """The PNG cannot be made here (no Chromium, or a figure that needs the internet). The message is a sentence."""


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


# --- CSV ------------------------------------------------------------------------------------------

# A spreadsheet set to another list separator (';' in Russian and Turkish Excel, and LibreOffice when
# asked) splits a text cell at that character, quotes or not: a formula sign just after a separator
# would start a new cell and run. Such a sign gets an apostrophe too.
_EMBEDDED_FORMULA = re.compile("([;,\t|\r\n][ \"']*)(?=[=+\-@\uff1d\uff0b\uff0d\uff20])")


def neutralise_formula(value):
    """A text that a spreadsheet would run as a formula gets an apostrophe before the formula sign.

    At the start of the text, and after any character a spreadsheet might split cells at.
    """
    if not isinstance(value, str):
        return value
    value = _EMBEDDED_FORMULA.sub(lambda match: match.group(1) + "'", value)
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return value


def _is_number_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def csv_bytes(data: pd.DataFrame, meta: ChartMeta, labels: dict[str, str] | None = None,
              semicolons: bool = False) -> bytes:
    """UTF-8 with BOM, CRLF; one provenance line, then the data with its column names.

    Text (names, headers, the provenance line) is always quoted and neutralised: a quoted
    field also stays whole when a spreadsheet set to another list separator (';' in Russian
    and Turkish Excel) splits the line. Numbers are never quoted and have no thousands
    separators, so they arrive as numbers: with dot decimals and commas between cells, or,
    with `semicolons`, with decimal commas and semicolons between cells (Excel in Russian,
    Turkish and most European settings).
    """
    separator = ";" if semicolons else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL, delimiter=separator)
    writer.writerow([neutralise_formula(meta.provenance_line(labels))])
    writer.writerow([neutralise_formula(str(column)) for column in data.columns])
    columns = []
    for _name, series in data.items():
        if _is_number_column(series):
            columns.append(("number", series.tolist()))
        else:
            columns.append(("text", series.tolist()))
    for row in zip(*(values for _kind, values in columns)):
        buffer.write(separator.join(_csv_cell(kind, value, decimal="," if semicolons else ".")
                                    for (kind, _values), value in zip(columns, row)))
        buffer.write("\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(kind: str, value, decimal: str = ".") -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if kind == "number" and not isinstance(value, str):
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # 1234567.0 -> 1234567: a whole number stays whole
        return (repr(value) if isinstance(value, float) else str(value)).replace(".", decimal)
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    text = neutralise_formula(str(value))
    return '"' + text.replace('"', '""') + '"'


def read_csv_export(content: bytes, semicolons: bool = False) -> pd.DataFrame:
    """The data part of an exported CSV (skips the provenance line)."""
    if semicolons:
        return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", skiprows=1, sep=";", decimal=",")
    return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", skiprows=1)


# --- PNG: the browser ---------------------------------------------------------------------------

def browser_path() -> str | None:
    """The system's Chromium (or Chrome): never a browser downloaded at run time."""
    for variable in ("OTS_CHROMIUM", "BROWSER_PATH"):
        if os.environ.get(variable) and Path(os.environ[variable]).is_file():
            return os.environ[variable]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def plotly_js_path() -> Path:
    """plotly.js shipped inside the installed plotly package: kaleido loads it from disk, not from a CDN."""
    import plotly
    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


class _Renderer:
    """One headless Chromium per process, driven by kaleido on an event loop of its own.

    Starting Chrome takes seconds, so it is started on the first request and kept.
    kaleido's own global sync server is not used: its request and answer queues are shared,
    so two sessions exporting at once could receive each other's images, and a browser that
    failed to start leaves callers waiting forever. Here every request waits on its own
    future, with a timeout, and requests take turns (one tab).
    """

    def __init__(self, **browser_options) -> None:
        # passed to kaleido/choreographer; tests replace the dead-end proxy with one that records
        self._browser_options = {"proxy_server": OFFLINE_PROXY, **browser_options}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None

    def _start(self) -> None:
        import kaleido
        path = browser_path()
        if path is None:
            raise ExportUnavailable("PNG export needs Chromium, which is not installed on the server "
                                    "(`make system-packages` installs it).")
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="kaleido-chromium", daemon=True).start()

        async def open_browser():
            browser = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, plotlyjs=str(plotly_js_path()),
                                      mathjax=False, path=path, **self._browser_options)
            await browser.open()
            return browser

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT)
        except Exception:
            loop.call_soon_threadsafe(loop.stop)
            raise
        self._loop = loop

    def _stop(self) -> None:
        loop, browser = self._loop, self._kaleido
        self._loop = self._kaleido = None
        if loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(browser.close(), loop).result(10)
        except Exception:  # noqa: BLE001 - a dead browser cannot be closed more
            pass
        loop.call_soon_threadsafe(loop.stop)

    def render(self, figure: dict, width: int, height: int, scale: float) -> bytes:
        with self._lock:
            if self._kaleido is None:
                self._start()
            options = {"format": "png", "width": width, "height": height, "scale": scale}
            future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(figure, opts=options), self._loop)
            try:
                return future.result(RENDER_TIMEOUT + 5)
            except BaseException:
                future.cancel()
                self._stop()  # start afresh on the next request
                raise

    def running(self) -> bool:
        return self._kaleido is not None

    def close(self) -> None:
        with self._lock:
            self._stop()


_renderer = _Renderer()
atexit.register(_renderer.close)


def render_png(figure: go.Figure | dict, width: int, height: int, scale: float = PNG_SCALE) -> bytes:
    """A figure as PNG bytes, exactly width x height CSS pixels at `scale`."""
    figure_dict = figure.to_dict() if hasattr(figure, "to_dict") else figure
    online = {trace.get("type") for trace in figure_dict.get("data", ())} & ONLINE_TRACE_TYPES
    if online:
        raise ExportUnavailable(f"This chart uses {', '.join(sorted(online))}, which draws map outlines or tiles "
                                "from the internet; draw it from the shipped GeoJSON instead.")
    return _renderer.render(figure_dict, width, height, scale)


def png_size(content: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from a PNG's header (raises ValueError if it is not a PNG)."""
    if content[:8] != b"\x89PNG\r\n\x1a\n" or content[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    return struct.unpack(">II", content[16:24])


# --- PNG: the layout ------------------------------------------------------------------------------

PAD_X = 40
BODY_INSET = 24  # the chart's own margins add to this, so axis titles sit near the text's left edge
TITLE_SIZE = 28
FILTER_SIZE = 17
FOOTER_SIZE = 14
LINE_SPACING = 1.3  # plotly.js's line height for multi-line text
INK = "#1F2A37"
MUTED = "#4B5563"
RULE = "#D1D5DB"


# The frame's fonts: Liberation Sans (metric-compatible with Arial, installed with Chromium by `make`), then
# DejaVu Sans; both carry Cyrillic and Turkish letters. Found through fontconfig, like Chromium finds them.
FONT_FAMILIES = ("Liberation Sans", "DejaVu Sans")
FONT_STYLES = {"regular": "", "bold": ":bold", "italic": ":italic"}


@lru_cache(maxsize=None)
def _font_file(style: str) -> str | None:
    for family in FONT_FAMILIES:
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", family + FONT_STYLES[style]],
                                   capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
        if found and family.split()[0].lower() in Path(found).name.lower():
            return found
    return None


@lru_cache(maxsize=64)
def _font(style: str, pixels: float):
    """A font at `pixels` device pixels; Pillow's own scalable font where the system has none of ours."""
    from PIL import ImageFont
    path = _font_file(style)
    return ImageFont.truetype(path, round(pixels)) if path else ImageFont.load_default(round(pixels))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in CSS pixels of one line of plain text at `size`, measured with the font that draws it."""
    return _font("bold" if bold else "regular", size * PNG_SCALE).getlength(text) / PNG_SCALE


def wrap(text: str, size: float, max_width: float, max_lines: int, bold: bool = False) -> list[str]:
    """Greedy word wrap to `max_width` pixels; the last allowed line ends in an ellipsis if text remains."""
    words = text.split()
    lines: list[str] = []
    current = ""
    while words:
        word = words.pop(0)
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
            words.insert(0, word)
        else:  # one word longer than a line: cut it
            cut = len(word)
            while cut > 1 and text_width(word[:cut], size, bold) > max_width:
                cut -= 1
            lines.append(word[:cut])
            words.insert(0, word[cut:])
        if len(lines) == max_lines:
            break
    if current and len(lines) < max_lines:
        lines.append(current)
        current = ""
    if (words or current) and lines:
        last = lines[-1]
        while last and text_width(last + " …", size, bold) > max_width:
            last = last[:-1]
        lines[-1] = last.rstrip(" ,;·") + " …"
    return lines


def _block_height(lines: int, size: float) -> int:
    return round(lines * size * LINE_SPACING) if lines else 0


# Streamlit's plotly template holds placeholder colours (#000001 ...) that its web client swaps for the
# theme's colours; a figure built while Streamlit is imported carries them, also in px-assigned trace
# colours. The PNG gets the same colours as the screen: Streamlit's light-theme palettes.
STREAMLIT_CATEGORICAL = ("#0068c9", "#83c9ff", "#ff2b2b", "#ffabab", "#29b09d", "#7defa1", "#ff8700", "#ffd16a",
                         "#6d3fc0", "#d5dae5")
STREAMLIT_SEQUENTIAL = ("#e4f5ff", "#c7ebff", "#a6dcff", "#83c9ff", "#60b4ff", "#3d9df3", "#1c83e1", "#0068c9",
                        "#0054a3", "#004280")
STREAMLIT_DIVERGING = ("#7d353b", "#bd4043", "#ff4b4b", "#ff8c8c", "#ffc7c7", "#a6dcff", "#60b4ff", "#1c83e1",
                       "#0054a3", "#004280")
STREAMLIT_PLACEHOLDERS = {
    **{f"#{i + 1:06d}": colour for i, colour in enumerate(STREAMLIT_CATEGORICAL)},
    **{f"#{i + 11:06d}": colour for i, colour in enumerate(STREAMLIT_SEQUENTIAL)},
    **{f"#{i + 21:06d}": colour for i, colour in enumerate(STREAMLIT_DIVERGING)},
    "#000032": "#29b09d", "#000033": "#ff2b2b", "#000034": "#0068c9",  # waterfall: up, down, total
    "#000036": "#555867", "#000037": "#262730", "#000038": "#ffffff", "#000039": "#e6e7ea", "#000040": "#f0f2f6",
}


def _is_default_template(template) -> bool:
    """No template, plotly's grey default, or Streamlit's placeholder one: slides get a white one instead."""
    if not template:
        return True
    if template == _template_json("plotly"):
        return True
    return (template.get("layout", {}).get("colorway") or [None])[0] == "#000001"


@lru_cache(maxsize=None)
def _template_json(name: str) -> dict:
    """A plotly template as plain JSON (converting it costs tens of milliseconds: done once). Never mutate it."""
    return pio.templates[name].to_plotly_json()


@lru_cache(maxsize=1)
def _slide_template() -> dict:
    """plotly_white with Streamlit's palettes (what the screen shows). Shared: never mutate it."""
    template = copy.deepcopy(_template_json("plotly_white"))
    layout = template["layout"]
    layout["colorway"] = list(STREAMLIT_CATEGORICAL)
    scale = [[i / 9, colour] for i, colour in enumerate(STREAMLIT_SEQUENTIAL)]
    layout["colorscale"] = {"sequential": scale, "sequentialminus": scale,
                            "diverging": [[i / 9, colour] for i, colour in enumerate(STREAMLIT_DIVERGING)]}
    layout["coloraxis"] = {"colorscale": scale}
    return template


def _real_colours(node):
    """Every Streamlit placeholder colour in a figure dict replaced by the colour it stands for."""
    if isinstance(node, dict):
        return {key: _real_colours(value) for key, value in node.items()}
    if isinstance(node, (list, tuple)):
        # A data array (thousands of numbers on a long series) holds no colour: not walked item by item.
        if node and isinstance(node[0], (int, float)):
            return node
        walked = [_real_colours(value) for value in node]
        return tuple(walked) if isinstance(node, tuple) else walked
    if isinstance(node, str) and len(node) == 7 and node.startswith("#0000"):
        return STREAMLIT_PLACEHOLDERS.get(node.lower(), node)
    return node


def chart_body(fig: go.Figure | dict, separators: str | None = None) -> dict:
    """The chart alone, styled for a slide: its own title dropped (the frame draws it), white background."""
    source = fig.to_dict() if hasattr(fig, "to_dict") else fig
    default_template = _is_default_template(source.get("layout", {}).get("template"))
    # _real_colours rebuilds every dict and list it walks, so the caller's figure is never changed; a
    # template about to be replaced is not walked at all.
    body = _real_colours({**source, "layout": {key: value for key, value in source.get("layout", {}).items()
                                               if not (key == "template" and default_template)}})
    layout = body["layout"]
    layout.pop("title", None)
    for key in ("width", "height", "updatemenus", "sliders"):
        layout.pop(key, None)
    if default_template:
        layout["template"] = _slide_template()
    layout["paper_bgcolor"] = "white"
    if separators and not layout.get("separators"):
        layout["separators"] = separators
    font = layout.setdefault("font", {})
    font.setdefault("size", 15)
    # The band is taller than the chart on screen: labels placed just outside the plot in paper units
    # (an annotation at y=1.06) move further out, so the margins get a floor.
    margin = layout.setdefault("margin", {})
    for side, unset, least in (("l", 70, 16), ("r", 40, 24), ("t", 48, 48), ("b", 56, 24)):
        margin[side] = max(margin.get(side, unset), least)
    return body


@dataclass(frozen=True)
class _Frame:
    header: list[str]
    filters: list[str]
    footer: list[str]
    caveat: list[str]
    header_height: int
    footer_height: int

    @property
    def body_height(self) -> int:
        return PNG_HEIGHT - self.header_height - self.footer_height

    @property
    def body_width(self) -> int:
        return PNG_WIDTH - 2 * BODY_INSET


def _frame(meta: ChartMeta, labels: dict[str, str]) -> _Frame:
    usable = PNG_WIDTH - 2 * PAD_X
    title = wrap(meta.title, TITLE_SIZE, usable, 2, bold=True)
    filter_text = "  ·  ".join(f"{k}: {v}" for k, v in meta.filters)
    filters = wrap(filter_text, FILTER_SIZE, usable, 2) if filter_text else []
    source = f"{labels.get('source', 'Source')}: {meta.source}"
    if meta.licence:
        source += f" ({labels.get('licence', 'Licence')}: {meta.licence})"
    if meta.data_date:
        source += f"  ·  {labels.get('data', 'Data')}: {meta.data_date}"
    stamp = f"{labels.get('exported_from', 'OTS Migration Dashboard')}, {labels.get('today', date.today().isoformat())}"
    footer = wrap(f"{source}  ·  {stamp}", FOOTER_SIZE, usable, 3)
    caveat = wrap(meta.caveat, FOOTER_SIZE, usable, 2) if meta.caveat else []
    header_height = 26 + _block_height(len(title), TITLE_SIZE) + (
        6 + _block_height(len(filters), FILTER_SIZE) if filters else 0) + 10
    footer_height = 14 + _block_height(len(caveat), FOOTER_SIZE) + (6 if caveat else 0) + \
        _block_height(len(footer), FOOTER_SIZE) + 18
    return _Frame(title, filters, footer, caveat, header_height, footer_height)


def _band(lines_at: Sequence[tuple[Sequence[str], float, float, str, str]], top: int, height: int,
          rule_at: float | None = None):
    """A white band of the slide, `height` CSS pixels from `top` down, with text blocks (lines, top, size, colour,
    style; tops in slide pixels) and an optional rule drawn on it, as a device-pixel RGB array."""
    import numpy as np
    from PIL import Image, ImageDraw

    scale = PNG_SCALE
    band = Image.new("RGB", (PNG_WIDTH * scale, height * scale), "white")
    draw = ImageDraw.Draw(band)
    if rule_at is not None:
        y = (rule_at - top) * scale
        draw.line([(PAD_X * scale, y), ((PNG_WIDTH - PAD_X) * scale, y)], fill=RULE, width=scale)
    for lines, block_top, size, colour, style in lines_at:
        font = _font(style, size * scale)
        for number, line in enumerate(lines):
            # "la": the line's top is its ascender, where plotly.js put a top-anchored annotation.
            draw.text((PAD_X * scale, (block_top - top + number * size * LINE_SPACING) * scale), line, font=font,
                      fill=colour, anchor="la")
    return np.asarray(band)


# Two threads: zlib and Pillow's decoder release the GIL, so the two halves of a slide compress at once, and the
# chart decodes while the frame's text is drawn.
_slide_workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="png-slide")


def _deflate(part, last: bool) -> bytes:
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)  # raw deflate: the zlib wrapper is written once
    return compressor.compress(part) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


def _png_of_rows(rows) -> bytes:
    """An RGB PNG from an array of scanlines already prefixed with their filter byte (0: none).

    Written here rather than by Pillow: a slide is mostly flat colour, and deflate at level 1 with no
    filtering writes it several times faster for a file barely larger. The halves are deflated apart and
    joined at a full flush (a byte boundary with an empty window), as pigz does.
    """
    height, width = rows.shape[0], (rows.shape[1] - 1) // 3
    data = memoryview(rows).cast("B")
    middle = (height // 2) * rows.shape[1]
    halves = [_slide_workers.submit(_deflate, data[:middle], False),
              _slide_workers.submit(_deflate, data[middle:], True)]
    stream = (b"\x78\x01" + b"".join(half.result() for half in halves)
              + struct.pack(">I", zlib.adler32(data) & 0xFFFFFFFF))

    def chunk(kind: bytes, content: bytes) -> bytes:
        checksum = zlib.crc32(kind + content) & 0xFFFFFFFF
        return struct.pack(">I", len(content)) + kind + content + struct.pack(">I", checksum)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", stream) + chunk(b"IEND", b""))


def _framed(body_png: bytes, frame: _Frame) -> bytes:
    """The slide: title and filters on top, the rendered chart in the middle, caveat and source below.

    The three bands are put together as scanlines: the chart's pixels are copied once, never drawn on.
    """
    import numpy as np
    from PIL import Image

    def decoded_chart():
        with Image.open(io.BytesIO(body_png)) as body:
            return np.asarray(body.convert("RGB"))

    chart = _slide_workers.submit(decoded_chart)
    scale = PNG_SCALE
    rows = np.full((PNG_HEIGHT * scale, PNG_WIDTH * scale * 3 + 1), 255, dtype=np.uint8)
    rows[:, 0] = 0  # filter type "none" on every scanline

    header = [(frame.header, 26, TITLE_SIZE, INK, "bold")]
    if frame.filters:
        header.append((frame.filters, 26 + _block_height(len(frame.header), TITLE_SIZE) + 6, FILTER_SIZE, MUTED,
                       "regular"))
    rows[:frame.header_height * scale, 1:] = _band(header, 0, frame.header_height).reshape(
        frame.header_height * scale, -1)

    footer_top = PNG_HEIGHT - frame.footer_height
    footer, text_top = [], footer_top + 14
    if frame.caveat:
        footer.append((frame.caveat, text_top, FOOTER_SIZE, MUTED, "italic"))
        text_top += _block_height(len(frame.caveat), FOOTER_SIZE) + 6
    footer.append((frame.footer, text_top, FOOTER_SIZE, MUTED, "regular"))
    rows[footer_top * scale:, 1:] = _band(footer, footer_top, frame.footer_height, rule_at=footer_top + 4).reshape(
        frame.footer_height * scale, -1)

    pixels = chart.result()
    top, left = frame.header_height * scale, BODY_INSET * scale
    rows[top:top + pixels.shape[0], 1 + left * 3:1 + (left + pixels.shape[1]) * 3] = pixels.reshape(
        pixels.shape[0], -1)
    return _png_of_rows(rows)


def png_bytes(fig: go.Figure, meta: ChartMeta, labels: dict[str, str] | None = None) -> bytes:
    """The chart as a 1600 x 900 slide at twice resolution (3200 x 1800 pixels)."""
    frame = _frame(meta, labels or {})
    body = render_png(chart_body(fig, (labels or {}).get("separators")), frame.body_width, frame.body_height,
                      PNG_SCALE)
    return _framed(body, frame)


# --- Briefing pack --------------------------------------------------------------------------------

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
