"""The Submit figures page: read only when signed out; upload, preview, confirm, cancel and withdraw when signed in."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app import cached
from app.store import submissions as submissions_store
from app.queries import figures
from tests.conftest import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "submissions"
EDITOR = "aydin"


def open_page(signed_in: bool, language: str = "en") -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = language
    if signed_in:
        at.session_state["auth_editor"] = EDITOR
    at.switch_page("pages/submit.py").run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def upload(at: AppTest, name: str, content: bytes | None = None) -> AppTest:
    content = (CORPUS / name).read_bytes() if content is None else content
    at.file_uploader[0].set_value((name, content, "text/csv")).run()
    return at


def button(at: AppTest, label_start: str):
    return next(b for b in at.button if b.label.startswith(label_start))


def submitted_values() -> dict[str, float]:
    frame = cached.run_uncached(figures.all_figures)
    frame = frame[frame["origin"] == "submission"]
    return dict(zip(frame["record_id"], frame["value"]))


def test_signed_out_reads_only(app_env):
    at = open_page(signed_in=False)
    assert "Sign in as a Secretariat editor (in the sidebar) to make changes here." in [i.value for i in at.info]
    assert len(at.file_uploader) == 0
    assert [b.label for b in at.get("download_button")] == ["Template (CSV)", "Template (Excel)"]
    assert "No file has been submitted yet." in [i.value for i in at.info]
    assert not any(e.label == "Withdraw a submission" for e in at.expander)


def test_signed_in_upload_preview_confirm_and_withdraw(app_env):
    at = open_page(signed_in=True)
    assert at.file_uploader[0].label == "File of figures"
    upload(at, "good_bom_crlf.csv")
    assert_clean(at)
    assert [m.value for m in at.metric] == ["2", "0", "0"]
    assert submitted_values() == {}  # nothing stored before the editor confirms
    button(at, "Load 2 figures").click().run()
    assert_clean(at)
    assert any(s.value.startswith("Stored as submission S-") and s.value.endswith("2 figures loaded.")
               for s in at.success)
    assert submitted_values() == {"KAZ-2025-001": 12500.0, "KAZ-2025-002": 310.0}
    assert len(at.file_uploader) == 1 and at.file_uploader[0].key.endswith("_1")  # a fresh, empty uploader
    history = at.dataframe[-1].value
    assert list(history["submitted_by"]) == [EDITOR] and list(history["status"]) == ["in force"]

    submission_id = history.iloc[0]["submission_id"]
    at.text_input[-1].input("Replaced by the official figures")
    next(b for b in at.button if b.label == "Withdraw").click().run()
    assert_clean(at)
    assert any(s.value == f"Submission {submission_id} withdrawn: 2 figures no longer count." for s in at.success)
    assert submitted_values() == {}
    assert list(submissions_store.history()["withdrawn_by"]) == [EDITOR]


def test_a_file_with_rejected_rows_loads_only_the_good_ones(app_env):
    content = (CORPUS / "good_bom_crlf.csv").read_bytes() + "labour,BAD-1,XYZ,RUS,x,1,persons,,,,M,,,\r\n".encode()
    at = upload(open_page(signed_in=True), "mixed.csv", content)
    assert [m.value for m in at.metric] == ["2", "0", "1"]
    problems = at.dataframe[1].value
    assert (int(problems.iloc[0]["row"]), problems.iloc[0]["column"]) == (4, "nationality_iso3")
    button(at, "Load 2 figures (leave out 1 rejected row)").click().run()
    assert set(submitted_values()) == {"KAZ-2025-001", "KAZ-2025-002"}
    assert submissions_store.history().iloc[0]["rows_rejected"] == 1


def test_cancel_stores_nothing(app_env):
    at = upload(open_page(signed_in=True), "good_bom_crlf.csv")
    before = submissions_store.snapshot()
    button(at, "Cancel").click().run()
    assert_clean(at)
    assert submissions_store.snapshot() == before and submitted_values() == {}
    assert at.file_uploader[0].key.endswith("_1")
    assert len(at.metric) == 0


@pytest.mark.parametrize("name, message", [
    ("image_renamed.csv", "This is a PNG image, not a spreadsheet."),
    ("missing_column.csv", "required column is missing from the header"),
])
def test_a_refused_file_says_why_and_offers_no_confirmation(app_env, name, message):
    at = upload(open_page(signed_in=True), name)
    assert len(at.error) == 1 and at.error[0].value == "This file cannot be loaded. Nothing was stored."
    problems = at.dataframe[1].value
    assert any(message in reason for reason in problems["reason"])
    assert not any(b.label.startswith("Load") for b in at.button)
    assert submissions_store.history().empty


def test_a_mislabelled_file_is_read_by_content_with_a_note(app_env):
    at = upload(open_page(signed_in=True), "mislabelled_excel.csv")
    assert any("named .csv but is an Excel workbook" in i.value for i in at.info)
    assert [m.value for m in at.metric] == ["2", "0", "0"]


@pytest.mark.parametrize("language", ["ru", "tr"])
def test_signed_in_page_opens_in_every_language(app_env, language):
    at = upload(open_page(signed_in=True, language=language), "good_bom_crlf.csv")
    assert_clean(at)
    assert len(at.metric) == 3
