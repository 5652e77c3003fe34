"""Drawing a plotly figure as PNG bytes in the system's Chromium, driven by kaleido, without the internet.

One headless Chromium per process, started on the first request and kept. plotly.js comes from the installed
plotly package, MathJax is switched off, the browser's own background services get a proxy on the loopback
where nothing listens, and figures that would need plotly's map outlines or tiles from a CDN are refused with
a clear message.
"""
from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import struct
import threading
from pathlib import Path

import plotly.graph_objects as go

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


def render_png(figure: go.Figure | dict, width: int, height: int, scale: float) -> bytes:
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
