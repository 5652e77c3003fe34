"""A chart as a slide: a 1600 x 900 PNG at twice the resolution, with its title, filters, source, licence, data
date and caveat drawn around it.

The chart alone is rendered by the browser (`app.export.browser`) into the middle band (its own margins grow
to fit its legend and axis labels), so nothing overlaps whatever the chart looks like; the frame around it is
then drawn with Pillow in exact pixels. One browser render a PNG: a second render of the frame around the
first image cost as much again.
"""
from __future__ import annotations

import copy
import io
import struct
import subprocess
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import plotly.graph_objects as go
import plotly.io as pio

from app.export.browser import render_png
from app.export.meta import ChartMeta

PNG_WIDTH = 1600
PNG_HEIGHT = 900
PNG_SCALE = 2
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
