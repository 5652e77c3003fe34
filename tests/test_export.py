"""Exports: the PNG is a 3200 x 1800 slide rendered offline by the system Chromium; the CSV is the chart's data.

These tests use the real renderer (kaleido + the Chromium from the system's packages): they prove
that PNG export works on a machine set up with `make`, with nothing downloaded.
"""
from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from app import export
from app.export import ChartMeta, csv_bytes, png_bytes, png_size, read_csv_export
from tests.conftest import PROJECT_ROOT

META = ChartMeta(title="Immigrants in the OTS states, 2020", source="UN DESA, International Migrant Stock 2020",
                 licence="CC BY 3.0 IGO", data_date="2020-07-01",
                 filters=(("Country", "Kyrgyzstan"), ("Year", "2020")), caveat="Stocks, not flows.",
                 slug="immigrants")


def bar_figure() -> go.Figure:
    return go.Figure(go.Bar(x=["Kazakhstan", "Türkiye", "Kyrgyzstan"], y=[3_732_000, 6_052_652, 199_999]))


# --- PNG ----------------------------------------------------------------------------------------

def test_png_header_reader():
    assert png_size(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + (12).to_bytes(4, "big") + (7).to_bytes(4, "big")) \
        == (12, 7)
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + b"\x00" * 30)


def test_the_system_chromium_is_used_not_a_downloaded_one():
    from choreographer.cli.defaults import default_download_path
    path = export.browser_path()
    assert path is not None, "Chromium is missing: run `make system-packages`"
    assert Path(path).is_file()
    assert Path(default_download_path).resolve() not in Path(path).resolve().parents


def test_png_is_a_valid_image_of_the_slide_size():
    content = png_bytes(bar_figure(), META)
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    assert png_size(content) == (3200, 1800)
    assert content.endswith(b"IEND\xaeB`\x82")


def test_png_has_the_frame_text_above_and_below_and_the_chart_between():
    """The slide is read back as pixels: ink in the title and footer bands, the bars' colour only in the
    chart's band, and white margins at the sides."""
    import numpy as np
    from PIL import Image

    frame = export._frame(META, {})
    pixels = np.asarray(Image.open(io.BytesIO(png_bytes(bar_figure(), META))).convert("RGB")).astype(int)
    scale = export.PNG_SCALE
    header, footer = pixels[:frame.header_height * scale], pixels[-frame.footer_height * scale:]
    chart = pixels[frame.header_height * scale:-frame.footer_height * scale]
    ink = lambda band: (band.sum(axis=2) < 300).sum()  # noqa: E731 - dark text pixels
    assert ink(header) > 1000 and ink(footer) > 500
    bar = np.array([int(export.STREAMLIT_CATEGORICAL[0][i:i + 2], 16) for i in (1, 3, 5)])
    is_bar = lambda band: (np.abs(band - bar).sum(axis=2) < 30).sum()  # noqa: E731
    assert is_bar(chart) > 100_000 and is_bar(header) == 0 and is_bar(footer) == 0
    assert (pixels[:, :export.PAD_X] == 255).all() and (pixels[:, -export.PAD_X:] == 255).all()


def test_concurrent_exports_each_get_their_own_image():
    """Sessions export at the same time: every caller receives the image it asked for."""
    from concurrent.futures import ThreadPoolExecutor
    sizes = [(300 + 10 * i, 200 + 10 * i) for i in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        images = list(pool.map(lambda size: export.render_png(bar_figure(), *size, scale=1), sizes))
    assert [png_size(image) for image in images] == sizes


def test_the_browser_starts_again_after_it_was_closed():
    export._renderer.close()
    assert not export._renderer.running()
    assert png_size(export.render_png(bar_figure(), 320, 240, scale=1)) == (320, 240)
    assert export._renderer.running()


def test_without_chromium_the_export_says_so_and_the_button_is_disabled(monkeypatch):
    monkeypatch.setattr(export.browser, "browser_path", lambda: None)
    with pytest.raises(export.ExportUnavailable, match="Chromium"):
        export._Renderer().render(bar_figure().to_dict(), 100, 100, 1)

    from streamlit.testing.v1 import AppTest

    from app import ui
    monkeypatch.setattr(ui, "browser_path", lambda: None)

    def page():
        import pandas as pd
        import plotly.graph_objects as go

        from app import ui
        from app.export import ChartMeta
        ui.chart(go.Figure(go.Bar(x=["a"], y=[1])), pd.DataFrame({"x": ["a"], "y": [1]}),
                 ChartMeta(title="t", source="s"), key="k")

    at = AppTest.from_function(page).run()
    buttons = {b.proto.label: b.proto.disabled for b in at.get("download_button")}
    assert buttons == {"Download PNG": True, "Download CSV": False, "CSV for Excel (;)": False}


def test_png_with_long_texts_and_cyrillic_keeps_its_size():
    meta = ChartMeta(title="Численность мигрантов из государств — членов Организации тюркских государств " * 3,
                     source="Департамент по экономическим и социальным вопросам ООН, " * 6, licence="CC BY 3.0 IGO",
                     data_date="2020", filters=tuple((f"Фильтр {i}", "значение " * 5) for i in range(8)),
                     caveat="Оговорка " * 80)
    assert png_size(png_bytes(bar_figure(), meta, {"source": "Источник"})) == (3200, 1800)


def test_snapshot_draws_title_filters_source_and_date_inside():
    frame = export._frame(META, {"source": "Source", "today": "23 Nov 2026"})
    texts = " ".join(frame.header + frame.filters + frame.footer + frame.caveat)
    for expected in ("Immigrants in the OTS states, 2020", "Country: Kyrgyzstan", "Year: 2020",
                     "UN DESA, International Migrant Stock 2020", "CC BY 3.0 IGO", "2020-07-01", "23 Nov 2026",
                     "Stocks, not flows."):
        assert expected in texts
    assert frame.header_height + frame.body_height + frame.footer_height == export.PNG_HEIGHT
    assert frame.body_height > export.PNG_HEIGHT / 2


def test_long_footer_wraps_within_the_width_and_is_cut_with_an_ellipsis():
    width = export.PNG_WIDTH - 2 * export.PAD_X
    lines = export.wrap("word " * 1000, 14, width, 3)
    assert len(lines) == 3
    assert all(export.text_width(line, 14) <= width for line in lines)
    assert lines[-1].endswith("…")
    assert export.wrap("short", 14, width, 3) == ["short"]
    assert export.wrap("", 14, width, 3) == []


def test_chart_body_drops_its_own_title_and_the_grey_template():
    fig = bar_figure().update_layout(title="Shown in the frame instead", width=500, height=300)
    body = export.chart_body(fig)
    assert "title" not in body["layout"]
    assert "width" not in body["layout"] and "height" not in body["layout"]
    assert body["layout"]["template"]["layout"]["plot_bgcolor"] == "white"
    assert fig.layout.title.text == "Shown in the frame instead"  # the page's figure is left untouched


def test_chart_body_gets_the_languages_separators_and_room_above_the_plot():
    body = export.chart_body(bar_figure().update_layout(margin={"t": 10, "l": 200}), separators=",\u00a0")
    assert body["layout"]["separators"] == ",\u00a0"
    assert body["layout"]["margin"]["t"] >= 48 and body["layout"]["margin"]["l"] == 200
    kept = export.chart_body(bar_figure().update_layout(separators=".,"), separators=",.")
    assert kept["layout"]["separators"] == ".,"


def test_streamlit_placeholder_colours_become_the_theme_colours():
    import plotly.express as px
    import plotly.io as pio
    import streamlit  # noqa: F401 - registers the "streamlit" template, the default in the app
    fig = px.bar(pd.DataFrame({"x": ["a", "b"], "y": [1, 2], "c": ["one", "two"]}), x="x", y="y", color="c",
                 template=pio.templates["streamlit"])
    assert fig.data[0].marker.color == "#000001"
    body = export.chart_body(fig)
    assert "#0000" not in str(body)
    assert body["data"][0]["marker"]["color"] == export.STREAMLIT_CATEGORICAL[0]
    assert body["layout"]["template"]["layout"]["plot_bgcolor"] == "white"


def test_figures_needing_online_map_outlines_are_refused_with_a_sentence():
    fig = go.Figure(go.Scattergeo(lon=[69.2], lat=[41.3]))
    with pytest.raises(export.ExportUnavailable, match="GeoJSON"):
        png_bytes(fig, META)


def test_kaleido_page_loads_plotly_js_from_disk_and_no_mathjax():
    from kaleido import PageGenerator
    page = PageGenerator(plotly=str(export.plotly_js_path()), mathjax=False).generate_index()
    assert export.plotly_js_path().is_file()
    assert "http://" not in page and "https://" not in page
    assert "plotly.min.js" in page


class _RecordingProxy:
    """A proxy that records every request the browser tries to send to the internet (and answers none)."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.requests: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}"

    def _serve(self):
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                try:
                    request = connection.recv(1024)
                except OSError:  # Chromium opens spare connections to its proxy and sends nothing on them
                    continue
                if request:
                    self.requests.append(request)

    def close(self):
        self.server.close()


@pytest.fixture
def proxied_renderer(monkeypatch):
    proxy = _RecordingProxy()
    renderer = export._Renderer(proxy_server=proxy.url)
    monkeypatch.setattr(export.browser, "_renderer", renderer)
    yield proxy
    renderer.close()
    proxy.close()


CDN_HINTS = (b"plot.ly", b"plotly", b"mathjax", b"cdnjs", b"cloudflare", b"jsdelivr", b"unpkg", b"topojson",
             b"fonts.g")


# Chromium's own background services (update checks, time, sign-in, Debian's start page). In the app they
# go to the dead-end proxy (next test); here they are told apart from anything the export page loads.
CHROMIUM_SERVICES = (b"google.com", b"googleapis.com", b"gvt1.com", b"gstatic.com", b"duckduckgo.com")


def _host(request: bytes) -> bytes:
    target = request.split(b" ")[1] if b" " in request else b""
    return target.split(b"://")[-1].split(b"/")[0].split(b":")[0].lower()


def test_png_export_sends_nothing_to_the_internet(proxied_renderer):
    """Every request the renderer's browser makes is Chromium's own chatter; the export page loads nothing."""
    fig = bar_figure().update_layout(xaxis_title="Country", yaxis_title="Persons")
    assert png_size(png_bytes(fig, META)) == (3200, 1800)
    from_page = [r for r in proxied_renderer.requests
                 if not any(_host(r) == s or _host(r).endswith(b"." + s) for s in CHROMIUM_SERVICES)]
    assert from_page == []
    assert not [r for r in proxied_renderer.requests if any(hint in r.lower() for hint in CDN_HINTS)]


def test_the_apps_browser_cannot_reach_the_internet():
    assert export._Renderer()._browser_options["proxy_server"] == export.OFFLINE_PROXY
    host, port = export.OFFLINE_PROXY.rsplit("/", 1)[1].split(":")
    assert host == "127.0.0.1"
    with pytest.raises(OSError):  # nothing listens there: every request fails at once
        socket.create_connection((host, int(port)), timeout=1).close()


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux) to cut the network")
def test_png_export_works_with_no_network_at_all():
    """In a fresh network namespace (no interface but a down loopback), the export still renders."""
    script = ("import plotly.graph_objects as go\n"
              "from app.export import ChartMeta, png_bytes, png_size\n"
              "print(png_size(png_bytes(go.Figure(go.Bar(x=['a'], y=[1])), ChartMeta(title='t', source='s'))))\n")
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not allowed here")
    result = subprocess.run(["unshare", "-rn", sys.executable, "-c", script], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "(3200, 1800)"


def test_the_network_check_would_see_a_fetch(proxied_renderer):
    """The control for the test above: a figure that loads an image from a web address reaches the proxy."""
    fig = bar_figure().update_layout(images=[{"source": "http://example.org/logo.png", "xref": "paper",
                                              "yref": "paper", "x": 0, "y": 1, "sizex": 0.1, "sizey": 0.1}])
    export.render_png(fig, 400, 300, 1)
    assert b"example.org" in [_host(r) for r in proxied_renderer.requests], \
        "the proxy saw no request: the test above would prove nothing"


# --- CSV ----------------------------------------------------------------------------------------

def chart_data() -> pd.DataFrame:
    return pd.DataFrame({
        "Country": ["Kazakhstan", "Türkiye", "Кыргызстан"],
        "Year": [2020, 2020, 2020],
        "Immigrants": [3_732_073, 6_052_652, 199_999],
        "Share of population (%)": [19.9, 7.2, 3.07],
        "Remittances (US$ million)": [502.5, None, 2_410.25],
    })


def test_csv_is_utf8_with_bom_and_crlf():
    content = csv_bytes(chart_data(), META)
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert "Кыргызстан" in text and "Türkiye" in text


def test_csv_starts_with_one_provenance_line_then_the_data():
    lines = csv_bytes(chart_data(), META).decode("utf-8-sig").split("\r\n")
    provenance = lines[0]
    for part in ("Immigrants in the OTS states, 2020", "Source: UN DESA", "Licence: CC BY 3.0 IGO",
                 "Data: 2020-07-01", "Country: Kyrgyzstan", f"Exported: {date.today().isoformat()}"):
        assert part in provenance
    assert lines[1] == ('"Country","Year","Immigrants","Share of population (%)",'
                        '"Remittances (US$ million)"')
    assert lines[2] == '"Kazakhstan",2020,3732073,19.9,502.5'
    assert lines[3] == '"Türkiye",2020,6052652,7.2,'
    assert lines[4] == '"Кыргызстан",2020,199999,3.07,2410.25'
    assert lines[5] == "" and len(lines) == 6


def test_csv_numbers_stay_numbers_when_read_back():
    data = chart_data()
    back = read_csv_export(csv_bytes(data, META))
    pd.testing.assert_frame_equal(back, data, check_dtype=False)
    assert pd.api.types.is_integer_dtype(back["Immigrants"])
    assert pd.api.types.is_float_dtype(back["Share of population (%)"])


def test_csv_whole_floats_are_written_without_a_decimal_tail_and_big_numbers_without_grouping():
    data = pd.DataFrame({"persons": [1234567.0, 2.5e9], "x": pd.array([1, None], dtype="Int64")})
    lines = csv_bytes(data, META).decode("utf-8-sig").split("\r\n")
    assert lines[2:4] == ["1234567,1", "2500000000,"]


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)",
                                     "\t=1+1", "\r=1+1", "\uff1d1+1"])
def test_formula_injection_in_cells_is_neutralised(payload):
    data = pd.DataFrame({"name": [payload, "plain"], "value": [-5, 3]})
    lines = csv_bytes(data, META).decode("utf-8-sig").split("\r\n")
    cell = lines[2].rsplit(",", 1)[0]
    assert cell.startswith("\"'"), cell          # quoted, and an apostrophe before the formula sign
    assert lines[2].endswith(",-5")                # a negative number in a number column stays a number
    assert lines[3] == '"plain",3'
    back = read_csv_export(csv_bytes(data, META))
    assert back["name"][0] == export.neutralise_formula(payload)
    assert back["name"][0].startswith("'") and back["name"][0].endswith(payload.lstrip("\t\r"))


def test_formula_injection_in_column_names_and_provenance_is_neutralised():
    data = pd.DataFrame({"=cmd|' /C calc'!A0": ["x"], "@risk": [1]})
    meta = ChartMeta(title="-2+3 title", source="=evil()", slug="x")
    lines = csv_bytes(data, meta).decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("\"'-2+3 title")
    assert lines[1] == "\"'=cmd|' /C calc'!A0\",\"'@risk\""


def test_a_formula_after_another_list_separator_is_neutralised_too():
    """Russian and Turkish Excel split on ';' even inside quotes: what follows must not run either."""
    data = pd.DataFrame({"note": ["a;=1+1", "b,\t+2", "c| @x", "Kazakhstan; Kyrgyzstan", "2015-2020"],
                         "value": [1, 2, 3, 4, 5]})
    lines = csv_bytes(data, META).decode("utf-8-sig").split("\r\n")
    assert lines[2:7] == ['"a;\'=1+1",1', '"b,\t\'+2",2', '"c| \'@x",3', '"Kazakhstan; Kyrgyzstan",4',
                          '"2015-2020",5']


def test_csv_for_excel_has_semicolons_and_decimal_commas():
    """The form for Excel set to Russian or Turkish: ';' between cells, ',' before decimals, the rest alike."""
    content = csv_bytes(chart_data(), META, semicolons=True)
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith('"Immigrants in the OTS states, 2020 | Source: UN DESA')
    assert lines[1] == ('"Country";"Year";"Immigrants";"Share of population (%)";'
                        '"Remittances (US$ million)"')
    assert lines[2] == '"Kazakhstan";2020;3732073;19,9;502,5'
    assert lines[3] == '"Türkiye";2020;6052652;7,2;'
    assert lines[4] == '"Кыргызстан";2020;199999;3,07;2410,25'
    assert lines[5] == "" and len(lines) == 6
    back = read_csv_export(content, semicolons=True)
    pd.testing.assert_frame_equal(back, chart_data(), check_dtype=False)


def test_csv_for_excel_neutralises_formulas_and_keeps_text_with_semicolons_whole():
    data = pd.DataFrame({"note": ["=1+1", "a;=2+2", "Kazakhstan; Kyrgyzstan", "1,5"], "value": [-5, 1.5, 2, 3]})
    lines = csv_bytes(data, META, semicolons=True).decode("utf-8-sig").split("\r\n")
    assert lines[2:6] == ['"\'=1+1";-5', '"a;\'=2+2";1,5', '"Kazakhstan; Kyrgyzstan";2', '"1,5";3']


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("separator", [",", ";"])
def test_libreoffice_opens_the_csv_with_numbers_as_numbers_and_no_formula(tmp_path, separator):
    openpyxl = pytest.importorskip("openpyxl")
    data = pd.DataFrame({"Страна": ["Türkiye", "=1+1", "a;=2+2", "@SUM(1)"], "Persons": [6052652, -3, 4, 5],
                         "Share (%)": [7.2, 0.5, None, 1.25]})
    (tmp_path / "chart.csv").write_bytes(csv_bytes(data, META))
    options = f"CSV:{ord(separator)},34,76,1"  # separator, double quote, UTF-8, from line 1
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    f"--infilter={options}", "--convert-to", "xlsx", "--outdir", str(tmp_path),
                    str(tmp_path / "chart.csv")], check=True, capture_output=True, timeout=180)
    sheet = openpyxl.load_workbook(tmp_path / "chart.xlsx").active
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    if separator == ",":
        assert [c.value for c in sheet[2]] == ["Страна", "Persons", "Share (%)"]
        assert [c.value for c in sheet[3]] == ["Türkiye", 6052652, 7.2]
        assert [c.data_type for c in sheet[4]] == ["s", "n", "n"]
        assert sheet["A4"].value == "'=1+1"


# --- briefing pack --------------------------------------------------------------------------------

def test_briefing_pack_holds_what_its_index_says():
    items = [(bar_figure(), chart_data(), META),
             (bar_figure(), chart_data().head(1), ChartMeta(title="Second", source="World Bank", slug="immigrants")),
             (None, chart_data().head(2), ChartMeta(title="Figures only", source="IOM", slug="figures"))]
    name, content = export.briefing_pack(items, "M2020-08-07", on=date(2026, 11, 23))
    assert name == "ots-briefing_M2020-08-07_2026-11-23.zip"
    with zipfile.ZipFile(io.BytesIO(content)) as pack:
        names = set(pack.namelist())
        index = read_csv_export(pack.read("index.csv")).fillna("")
        assert names == {"index.csv", "README.txt", *[f for f in index["png_file"] if f], *index["csv_file"]}
        assert list(index["png_file"]) == ["01-immigrants.png", "02-immigrants.png", ""]
        for row in index.itertuples():
            if row.png_file:
                assert png_size(pack.read(row.png_file)) == (3200, 1800)
            assert len(read_csv_export(pack.read(row.csv_file))) == row.rows
        assert list(index["title"]) == ["Immigrants in the OTS states, 2020", "Second", "Figures only"]
        assert list(index["source"]) == ["UN DESA, International Migrant Stock 2020", "World Bank", "IOM"]
        readme = pack.read("README.txt").decode("utf-8-sig")
        assert readme.startswith("Briefing pack: M2020-08-07")
        assert "World Bank" in readme and "03-figures.csv" in readme and "Stocks, not flows." in readme
    assert export.briefing_pack_name("", date(2026, 1, 2)) == "ots-briefing_2026-01-02.zip"
    assert export.briefing_pack_name("M 2020/08 07", date(2026, 1, 2)) == "ots-briefing_M-2020-08-07_2026-01-02.zip"
