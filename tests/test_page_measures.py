"""The Agreed measures page through AppTest: reading, signing in, recording, conflicts, bad input, filters."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from app import auth
from app.store import connection as state
from tests.conftest import PROJECT_ROOT, plotly_specs

PASSWORD = "correct horse battery"
STAY, KAZ = "M1-STAY", "KAZ"
FORM = f"measures_new_status_{STAY}_{KAZ}"
SOURCE = "Letter of the Migration Service, 2 March 2021"


@pytest.fixture
def editor(app_env, monkeypatch):
    """An editor in the secrets file the app reads (OTS_SECRETS_PATH), and a fresh wrong-password count."""
    monkeypatch.setattr(auth, "throttle", auth.Throttle(clock=lambda: 1000.0))  # time stands still in these tests
    auth.add_editor("aydin", PASSWORD, "Aydın K.")
    auth.add_editor("gulnara", PASSWORD + "!", "Gulnara S.")
    return "aydin"


def open_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    for name, value in {"measure": STAY, "cell": KAZ, **(query or {})}.items():
        at.query_params[name] = value
    at.switch_page("pages/measures.py").run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}: {[b.label for b in at.button]}"
    return found[0]


def sign_in(at: AppTest, username: str = "aydin", password: str = PASSWORD) -> AppTest:
    at.text_input(key="auth_username").input(username)
    at.text_input(key="auth_password").input(password)
    button(at, "Sign in").click().run()
    assert_clean(at)
    return at


def matrix(at: AppTest) -> dict[tuple[str, str], str]:
    """(first words of the measure's title, state name) -> the status written in the cell."""
    heatmap = plotly_specs(at)[0]["data"][0]
    assert heatmap["type"] == "heatmap"
    titles = [label.replace("<br>", " ") for label in heatmap["y"][1]]
    return {(title, state): heatmap["text"][row][column].replace("<br>", " ")
            for row, title in enumerate(titles) for column, state in enumerate(heatmap["x"])}


def cell(at: AppTest, title_start: str, state: str) -> str:
    found = [value for (title, name), value in matrix(at).items() if title.startswith(title_start) and name == state]
    assert len(found) == 1, matrix(at)
    return found[0]


def history(at: AppTest):
    return at.dataframe[0].value


def fill_status(at: AppTest, status="implemented", as_of=date(2021, 3, 1), source=SOURCE, note="", form=FORM):
    at.selectbox(key=f"{form}_status").set_value(status)
    at.date_input(key=f"{form}_as_of").set_value(as_of)
    at.text_input(key=f"{form}_source").input(source)
    at.text_area(key=f"{form}_note").input(note)
    button(at, "Save status").click().run()
    assert_clean(at)
    return at


def edits_stored() -> int:
    return int(state.frame("SELECT count(*) AS n FROM measure_status_edits")["n"].iloc[0])


def messages(elements) -> str:
    """The texts of alert elements, without the backslashes that escape markdown in them."""
    return " ".join(element.value for element in elements).replace("\\", "")


# ---------------------------------------------------------------- reading

def test_reader_sees_matrix_history_timeline_and_summary_but_no_form(editor):
    at = open_page()
    figures = plotly_specs(at)
    assert len(figures) == 3
    grid = matrix(at)
    assert len(grid) == 5 * 7
    assert cell(at, "Support for Uzbek", "Kazakhstan") == "agreed"
    assert cell(at, "Support for Uzbek", "Uzbekistan") == "requested"
    assert cell(at, "Support for Uzbek", "Azerbaijan") == "not recorded"
    assert cell(at, "Longer stay allowed", "Turkmenistan") == "not recorded"
    assert cell(at, "A single migration", "Hungary") == "not recorded"
    assert plotly_specs(at)[0]["data"][0]["x"] == ["Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Türkiye", "Uzbekistan",
                                             "Hungary", "Turkmenistan"]
    legend = [trace["name"] for trace in figures[0]["data"][1:]]
    assert legend == ["agreed", "in progress", "implemented", "requested", "not recorded", "not applicable"]
    assert list(history(at)["Status"]) == ["agreed"]
    # The chosen cell (Kazakhstan, longer stay) says where the documents say so, and what they say.
    evidence = messages(at.markdown)
    assert "**Where they say so:** Summary of the 1st video-conference meeting of the Migration Coordination " \
           "Group, 7 August 2020 (English), paragraph 4" in evidence
    assert "**Where the states taking part are named:** Dunyo news agency report on the video-conference of 7 " \
           "May 2020 (Russian), paragraph 3" in evidence
    assert history(at)["Source"].iloc[0].endswith("states taking part: Dunyo news agency report on the "
                                                  "video-conference of 7 May 2020 (Russian), paragraph 3")
    assert history(at)["What the record says"].iloc[0].startswith("Named among the states taking part")
    assert at.expander[0].label == "What the statuses mean"
    assert "**not recorded**: The documents do not show the state taking part" in messages(at.markdown)
    assert "Sign in as a Secretariat editor" in messages(at.info)
    assert not [b for b in at.button if b.label == "Save status"]
    assert any("neither changes nor removes them" in c.value for c in at.caption)
    summary = figures[2]  # states from the bottom up: Turkmenistan committed to nothing the documents show
    assert [a["text"] for a in summary["layout"]["annotations"]] == [
        "no commitment recorded", "0 of 3 implemented", "0 of 4 implemented", "0 of 5 implemented",
        "0 of 4 implemented", "0 of 5 implemented", "0 of 4 implemented"]


def test_in_russian_the_data_reads_in_russian_too(editor):
    at = open_page({"lang": "ru"})
    heatmap = plotly_specs(at)[0]["data"][0]
    assert "Продление пребывания на время" in " ".join(heatmap["y"][1]).replace("<br>", " ")
    assert "Казахстан" in heatmap["x"] and "согласовано" in {t for row in heatmap["text"] for t in row}
    assert "запрошено" in {t for row in heatmap["text"] for t in row}
    rows = history(at)
    assert rows.columns[2] == "Что говорится в записи"
    assert rows.iloc[0, 2].startswith("Названо среди государств")
    assert "английский" in rows.iloc[0, 3] and "абзац 4" in rows.iloc[0, 3]
    assert any("Пребывание и проживание" in c.value for c in at.caption)  # the category
    assert "7 мая 2020\u202fг." in " ".join(o for o in at.multiselect(key="url_meetings").options)


def test_wrong_password_is_refused_then_right_one_signs_in(editor):
    at = sign_in(open_page(), password="not the password")
    assert "Wrong username or password" in messages(at.error)
    assert auth.SESSION_EDITOR not in at.session_state
    at = sign_in(at)
    assert at.session_state[auth.SESSION_EDITOR] == "aydin"
    assert any("Signed in as Aydın K." in c.value for c in at.sidebar.caption)
    assert button(at, "Save status")
    button(at, "Sign out").click().run()
    assert not [b for b in at.button if b.label == "Save status"]


def test_repeated_wrong_passwords_are_slowed_down(editor):
    at = open_page()
    for _attempt in range(3):
        sign_in(at, password="not the password")
    at = sign_in(at)  # even the right password must wait now
    assert "Too many wrong passwords. Try again in 8 seconds." in messages(at.error)
    assert auth.SESSION_EDITOR not in at.session_state


# ---------------------------------------------------------------- recording

def test_editor_records_a_status_and_every_view_changes(editor):
    at = sign_in(open_page())
    fill_status(at, note="Decree No. 12 in force")
    assert "Saved: Kazakhstan is now “implemented” for this measure." in messages(at.success)
    assert cell(at, "Longer stay allowed", "Kazakhstan") == "implemented"
    assert cell(at, "Longer stay allowed", "Azerbaijan") == "agreed"
    rows = history(at)
    assert list(rows["Status"]) == ["implemented", "agreed"]
    assert rows["Recorded by"].iloc[0] == "Aydın K."
    assert rows["What the record says"].iloc[0] == "Decree No. 12 in force"
    assert rows["Source"].iloc[0] == SOURCE
    assert any("Current status: implemented" in m.value.replace("\\", "") for m in at.markdown)
    summary = plotly_specs(at)[2]
    assert "1 of 5 implemented" in [a["text"] for a in summary["layout"]["annotations"]]
    stored = state.frame("SELECT editor, recorded_by, status FROM measure_status_edits")
    assert stored.values.tolist() == [["aydin", "Aydın K.", "implemented"]]


def test_note_with_script_is_stored_and_shown_as_text(editor):
    note = '<script>alert("x")</script> <img src=x onerror=alert(1)> **bold** [link](http://example.org)'
    at = fill_status(sign_in(open_page()), note=note)
    assert history(at)["What the record says"].iloc[0] == note
    assert state.frame("SELECT note FROM measure_status_edits")["note"].iloc[0] == note
    for element in list(at.markdown) + list(at.caption) + list(at.success) + list(at.error):
        assert "<script>" not in element.value and "<img" not in element.value


def in_days(days: int) -> date:
    return date.today() + timedelta(days=days)


@pytest.mark.parametrize("changes, message", [
    ({"as_of": in_days(30)}, "is in the future"),
    ({"as_of": date(2020, 5, 1)}, "is before the meeting that agreed the measure"),
    ({"source": "  "}, "The source is empty"),
    ({"note": "x" * 1_000_000}, "The note is too long"),
    ({"note": "bell\x07 in a note"}, "The note contains control characters"),
])
def test_bad_input_in_the_form_is_refused_and_nothing_stored(editor, changes, message):
    at = fill_status(sign_in(open_page()), **changes)
    assert message in messages(at.error)
    assert edits_stored() == 0
    assert cell(at, "Longer stay allowed", "Kazakhstan") == "agreed"
    assert list(history(at)["Status"]) == ["agreed"]


def test_forged_save_without_signing_in_stores_nothing(editor):
    at = sign_in(open_page())
    at.session_state[auth.SESSION_EDITOR] = None  # signed out in another tab, with the form still open
    fill_status(at)
    assert "Only a signed-in editor can record a status" in messages(at.error)
    assert edits_stored() == 0


# ---------------------------------------------------------------- two editors at once

def test_second_editor_is_told_the_status_changed_meanwhile(editor):
    first = sign_in(open_page())
    second = sign_in(open_page(), "gulnara", PASSWORD + "!")  # both forms now show "agreed"
    fill_status(first, status="implemented", note="From the first editor")
    fill_status(second, status="in progress", note="From the second editor")
    warning = messages(second.warning)
    assert "changed while you were editing: it is now “implemented”" in warning
    assert "recorded by Aydın K." in warning and "Nothing was saved" in warning
    assert list(history(second)["Status"]) == ["implemented", "agreed"]  # the second editor now sees it
    assert cell(second, "Longer stay allowed", "Kazakhstan") == "implemented"
    assert edits_stored() == 1
    # having seen it, the second editor can still record a status on top of it
    fill_status(second, status="in progress", as_of=date(2021, 4, 1), note="From the second editor")
    assert "Saved" in messages(second.success)
    assert list(history(second)["Status"]) == ["in progress", "implemented", "agreed"]
    assert edits_stored() == 2


# ---------------------------------------------------------------- adding a meeting

def fill_meeting(at: AppTest, meeting_date=date(2022, 5, 12), title="2nd meeting of the Migration Coordination Group",
                 source="Minutes of the meeting", measures=(("Shared e-visa", "Labour migration", "A common visa."),
                                                            ("Joint statistics portal", "Data sharing", "Publish."))):
    key = "measures_new_meeting"
    at.number_input(key=f"{key}_count").set_value(len(measures)).run()
    at.date_input(key=f"{key}_date").set_value(meeting_date)
    at.text_input(key=f"{key}_title").input(title)
    at.text_input(key=f"{key}_source").input(source)
    for n, (measure_title, category, description) in enumerate(measures):
        at.text_input(key=f"{key}_{n}_title").input(measure_title)
        at.selectbox(key=f"{key}_{n}_category").set_value(category)
        at.text_area(key=f"{key}_{n}_description").input(description)
    button(at, "Add meeting").click().run()
    assert_clean(at)
    return at


def test_editor_adds_a_meeting_and_its_measures_appear(editor):
    at = fill_meeting(sign_in(open_page()))
    assert "Added the meeting of 12 May 2022 (M2022-05-12) with 2 measures." in messages(at.success)
    grid = matrix(at)
    assert len(grid) == 7 * 7
    assert cell(at, "Shared e-visa", "Uzbekistan") == "agreed"
    assert cell(at, "Joint statistics portal", "Hungary") == "agreed"
    meeting_filter = at.multiselect(key="url_meetings")
    assert "M2022-05-12" in meeting_filter.options or any("12 May 2022" in o for o in meeting_filter.options)


def test_a_meeting_typed_in_english_shows_as_typed_in_turkish_with_a_note(editor):
    fill_meeting(sign_in(open_page()))
    at = open_page({"lang": "tr", "meetings": "M2022-05-12"})
    grid = matrix(at)
    assert {title for title, _state in grid} == {"Shared e-visa", "Joint statistics portal"}
    assert cell(at, "Shared e-visa", "Özbekistan") == "kararlaştırıldı"
    assert any("yazdığı gibi" in c.value for c in at.caption), [c.value for c in at.caption]

@pytest.mark.parametrize("changes, message", [
    ({"meeting_date": date(2020, 9, 1)}, "is not after 2020"),
    ({"title": ""}, "The meeting title is empty"),
    ({"source": ""}, "The meeting source is empty"),
    ({"measures": (("", "Data sharing", "x"),)}, "Measure 1: the title is empty"),
])
def test_bad_meeting_is_refused_and_nothing_stored(editor, changes, message):
    at = fill_meeting(sign_in(open_page()), **changes)
    assert message in messages(at.error)
    assert int(state.frame("SELECT count(*) AS n FROM meetings_added")["n"].iloc[0]) == 0
    assert len(matrix(at)) == 5 * 7


# ---------------------------------------------------------------- filters

def test_filters_from_the_link_narrow_the_matrix(editor):
    at = open_page({"states": "KAZ,UZB", "meetings": "M2020-08-07"})
    grid = matrix(at)
    assert {state for _title, state in grid} == {"Kazakhstan", "Uzbekistan"}
    assert {title.split(" ")[0] for title, _state in grid} == {"A", "Support"}
    at = open_page({"categories": "Data sharing"})
    assert {title for title, _state in matrix(at)} == {"A single migration database"}


def test_status_filter_with_no_match_says_so(editor):
    at = open_page({"statuses": "implemented"})
    assert "No measure matches these filters" in messages(at.info)
    assert not at.get("plotly_chart") or len(plotly_specs(at)) < 3


def test_status_filter_blanks_other_cells(editor):
    at = fill_status(sign_in(open_page()))
    at = open_page({"statuses": "implemented"})
    grid = matrix(at)
    assert {title for title, _state in grid} == {"Longer stay allowed during the pandemic"}
    assert grid[("Longer stay allowed during the pandemic", "Kazakhstan")] == "implemented"
    assert grid[("Longer stay allowed during the pandemic", "Azerbaijan")] == ""
