"""Exports of the real pages: every chart a page draws offers a PNG of the slide size and a CSV that holds
exactly the data handed over with the chart; the briefing pack holds what its index says.

Each page runs in AppTest through dashboard.py; `ui.export_buttons` (which every chart and map goes
through) is watched, so the checks see the very figure, data and ChartMeta the page built.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import export, ui
from tests.conftest import PAGE_SECTIONS, PROJECT_ROOT

# Pages that draw charts, and how many exports each must offer at least over all its sections (the
# briefing shows one topic at a time; all its charts are checked through the briefing pack below).
CHART_PAGES = {"briefing": 1, "migration": 2, "stranded": 3, "labour": 4, "measures": 3, "country": 3, "world": 1}


class Exports:
    def __init__(self):
        self.seen: list[tuple[export.ChartMeta, pd.DataFrame, object, str]] = []
        self.packs: list[dict] = []


@pytest.fixture
def watched(monkeypatch):
    """Record what the pages hand to the export buttons and to the briefing pack."""
    record = Exports()
    buttons, pack_button = ui.export_buttons, ui.briefing_pack_button

    def export_buttons(meta, data, png, key):
        record.seen.append((meta, data, png, key))
        return buttons(meta, data, png, key)

    def briefing_pack_button(items, meeting, meeting_title="", key="briefing_pack", container=None):
        record.packs.append({"items": items, "meeting": meeting, "title": meeting_title,
                             "labels": ui.export_labels()})
        return pack_button(items, meeting, meeting_title, key=key, container=container or __import__("streamlit"))

    monkeypatch.setattr(ui, "export_buttons", export_buttons)
    monkeypatch.setattr(ui, "briefing_pack_button", briefing_pack_button)
    return record


def open_page(page: str, record: Exports, language: str = "en") -> AppTest:
    """The page in `language`; a page shown one section at a time is run once per section, and the exports
    of every section are recorded."""
    seen_on_the_page = []
    for section in PAGE_SECTIONS.get(page, (None,)):
        at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120)
        at.query_params["lang"] = language
        at.run()
        if page != "briefing":
            record.seen.clear()
            record.packs.clear()
            if section:
                at.query_params["section"] = section
            at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        seen_on_the_page += record.seen
    record.seen[:] = seen_on_the_page
    return at


def expected_csv_frame(data: pd.DataFrame) -> pd.DataFrame:
    """What a spreadsheet reads back: numbers as numbers, everything else as (neutralised) text."""
    out = {}
    for column, series in data.items():
        name = export.neutralise_formula(str(column))
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            out[name] = pd.to_numeric(series, errors="coerce").astype(float)
        else:
            out[name] = [None if v is None or (not isinstance(v, str) and pd.isna(v))
                         else export.neutralise_formula(v.isoformat() if hasattr(v, "isoformat") else str(v))
                         for v in series]
    return pd.DataFrame(out)


def assert_csv_is_the_data(content: bytes, data: pd.DataFrame) -> None:
    expected = expected_csv_frame(data)
    back = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", skiprows=1, dtype=str, keep_default_na=False)
    assert list(back.columns) == list(expected.columns)
    assert len(back) == len(expected)
    for column in expected.columns:
        for row, (written, wanted) in enumerate(zip(back[column], expected[column])):
            if wanted is None or (isinstance(wanted, float) and pd.isna(wanted)):
                assert written == "", (column, row, written)
            elif isinstance(wanted, float):
                assert float(written) == pytest.approx(wanted, rel=1e-12, abs=1e-12), (column, row, written)
            else:
                assert written == wanted, (column, row, written, wanted)


@pytest.mark.parametrize("page", list(CHART_PAGES))
def test_every_chart_of_the_page_exports_a_slide_png_and_its_exact_data(app_env, watched, page):
    open_page(page, watched)
    exports = [e for e in watched.seen if not (page != "briefing" and e[3].startswith("briefing"))]
    assert len(exports) >= CHART_PAGES[page], [e[3] for e in exports]
    with_png = [e for e in exports if e[2] is not None]
    assert with_png, "no chart of this page offers a PNG"
    for meta, data, _png, key in exports:
        assert meta.title and meta.source, key
        assert_csv_is_the_data(export.csv_bytes(data, meta), data)
    # Rendering is the slow part: one representative chart per page (its first), plus any map.
    chosen = {with_png[0][3]} | {key for _m, _d, _p, key in with_png if "map" in key or "corridors" == key}
    for meta, _data, png, key in with_png:
        if key in chosen:
            content = png()
            assert export.png_size(content) == (3200, 1800), key


def test_the_page_exports_carry_the_readers_language(app_env, watched):
    open_page("migration", watched, language="tr")
    meta, data, png, key = next(e for e in watched.seen if e[3] == "ranked")
    content = export.csv_bytes(data, meta, ui.export_labels())
    assert export.png_size(png()) == (3200, 1800)
    header = content.decode("utf-8-sig").split("\r\n")[1]
    assert "Köken" in header or "Varış" in header, header


def test_the_briefing_pack_holds_what_its_index_says(app_env, watched):
    at = open_page("briefing", watched)
    assert [b for b in at.get("download_button") if b.proto.label == "Briefing pack"]
    pack = watched.packs[-1]
    drawn = [e for e in watched.seen]
    name, content = export.briefing_pack(pack["items"], pack["meeting"], pack["labels"],
                                         meeting_title=pack["title"])
    assert name == f"ots-briefing_{pack['meeting']}_{date.today().isoformat()}.zip"
    assert pack["meeting"].startswith("M")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        index = export.read_csv_export(archive.read("index.csv")).fillna("")
        listed = [f for f in list(index["PNG file"]) + list(index["CSV file"]) if f]
        assert sorted(archive.namelist()) == sorted(listed + ["index.csv", "README.txt"])
        # The pack holds the briefing's charts in order, among them every chart the page drew.
        assert list(index["Title"]) == [meta.title for _f, _d, meta in pack["items"]]
        assert {meta.title for meta, _d, _p, _k in drawn} <= set(index["Title"])
        assert len(index) >= 6
        readme = archive.read("README.txt").decode("utf-8-sig")
        for (_figure, data, _meta), row in zip(pack["items"], index.to_dict("records")):
            assert_csv_is_the_data(archive.read(row["CSV file"]), data)
            assert row["Title"] in readme and row["Source"] in readme
            assert len(export.read_csv_export(archive.read(row["CSV file"]))) == row["Rows"]
            if row["PNG file"]:
                assert export.png_size(archive.read(row["PNG file"])) == (3200, 1800)
        for info in archive.infolist():
            assert (info.external_attr >> 16) & 0o044 == 0o044, info.filename  # readable once unpacked


def test_the_briefing_pack_speaks_the_readers_language(app_env, watched, monkeypatch):
    """Index, read-me, captions and the charts' own numbers in Turkish when the briefing was read in Turkish."""
    from app import i18n
    drawn = []
    monkeypatch.setattr(export.pack, "png_bytes", lambda fig, meta, labels: drawn.append((fig, meta)) or b"png")
    open_page("briefing", watched, language="tr")
    pack = watched.packs[-1]
    content = ui.briefing_pack_bytes(pack["items"], pack["meeting"], pack["title"], pack["labels"], "tr")
    turkish = i18n.translations("tr").gettext
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        index = export.read_csv_export(archive.read("index.csv"))
        assert list(index.columns) == [turkish(c) for c in ("PNG file", "CSV file", "Title", "Source", "Licence",
                                                            "Data date", "Filters", "Rows")]
        readme = archive.read("README.txt").decode("utf-8-sig")
    assert readme.startswith(turkish("Briefing pack") + ": ")
    assert "Türk Konseyi" in readme  # the meeting's title, in Turkish
    titles = [meta.title for _figure, meta in drawn]
    assert turkish("Remittances as a share of GDP") in titles
    assert any("Türk Konseyi" in title for title in titles)  # the meeting's matrix
    for figure, meta in drawn:
        assert figure.layout.separators == ",.", meta.title
        for axis in [*figure.select_xaxes(), *figure.select_yaxes()]:
            assert axis.ticktext or axis.type == "category" or axis.exponentformat == "none", (meta.title, axis)
