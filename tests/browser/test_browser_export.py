"""Exports from a real browser: the buttons beside a chart give a slide PNG and its CSV, and the briefing
pack downloads as a ZIP named after the meeting, all rendered by the running server."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from app import export
from tests.browser.conftest import assert_no_errors, open_page, screenshot, wait_for_charts

pytestmark = pytest.mark.browser


def download(page, button_name: str, nth: int = 0):
    with page.expect_download(timeout=120_000) as event:
        page.get_by_role("button", name=button_name).nth(nth).click()
    return event.value


def test_chart_buttons_download_a_slide_png_and_the_csv(dashboard_url, page, tmp_path):
    open_page(page, f"{dashboard_url}/migration?lang=ru")
    wait_for_charts(page, plotly=1)
    png = download(page, "Скачать PNG")
    path = tmp_path / png.suggested_filename
    png.save_as(path)
    assert path.suffix == ".png" and export.png_size(path.read_bytes()) == (3200, 1800)
    csv = download(page, "Скачать CSV")
    content = (tmp_path / "chart.csv")
    csv.save_as(content)
    text = content.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and "Источник".encode() in text
    assert_no_errors(page)


def test_briefing_pack_downloads_as_a_zip_named_after_the_meeting(dashboard_url, page, tmp_path):
    open_page(page, f"{dashboard_url}/")
    assert_no_errors(page)
    assert page.get_by_role("button", name="Briefing pack").is_enabled()
    screenshot(page, "briefing-pack-button")
    pack = download(page, "Briefing pack")
    assert pack.suggested_filename == f"ots-briefing_M2020-08-07_{date.today().isoformat()}.zip"
    path = tmp_path / pack.suggested_filename
    pack.save_as(path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        index = export.read_csv_export(archive.read("index.csv")).fillna("")
        assert len(index) >= 6
        for name in index["PNG file"]:
            if name:
                assert export.png_size(archive.read(name)) == (3200, 1800)
    assert_no_errors(page)
