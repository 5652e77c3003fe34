"""The Briefing page through AppTest: headline figures against the database, presentation mode, meetings."""
from __future__ import annotations


import pytest
from streamlit.testing.v1 import AppTest

from app.countries import MEMBERS
from tests.conftest import PROJECT_ROOT, plotly_specs


def open_briefing(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """Label -> value of the headline figures; a label shown in several topics keeps its first value."""
    shown: dict[str, str] = {}
    for metric in at.metric:
        shown.setdefault(metric.label.replace("\\", ""), metric.value)
    return shown


def metrics_named(at: AppTest, label: str) -> list:
    return [m for m in at.metric if m.label.replace("\\", "") == label]


TOPICS = ["diaspora", "corridors", "remittances", "refugees", "stranded", "measures", "meeting"]


def test_default_view_has_the_strip_and_the_first_topic(app_env, database):
    at = open_briefing()
    members = list(MEMBERS)
    persons = database.execute("""
        SELECT sum(persons) FROM migrant_stock WHERE edition = 'ims2024' AND year = 2024 AND sex = 'total'
          AND origin_iso3 <> destination_iso3
          AND list_contains($m, origin_iso3) AND list_contains($m, destination_iso3)""", {"m": members}).fetchone()[0]
    assert metrics(at)["Living in another member state"] == f"{persons:,}"
    # the UN's current estimate, and it says so
    assert any("2024 · UN DESA, International Migrant Stock 2024" in c.value.replace("\\", "") for c in at.caption)
    strip = next(m.value for m in at.markdown if "ots-strip" in m.value)
    assert f"{persons:,}" in strip and "at least 2,750,000" in strip
    assert at.radio(key="url_show").options[0] == "Member states' migrants"
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("params", [{"edition": "previous"}, {"edition": "previous", "present": "1", "topic": "0"}],
                         ids=["page", "presenting"])
def test_the_previous_edition_from_a_link(app_env, database, params):
    at = open_briefing(params)
    persons = database.execute("""
        SELECT sum(persons) FROM migrant_stock WHERE edition = 'ims2020' AND year = 2020 AND sex = 'total'
          AND origin_iso3 <> destination_iso3
          AND list_contains($m, origin_iso3) AND list_contains($m, destination_iso3)""",
                               {"m": list(MEMBERS)}).fetchone()[0]
    assert metrics(at)["Living in another member state"] == f"{persons:,}" == "536,905"
    assert any("International Migrant Stock 2020" in c.value for c in at.caption)


def test_the_headline_says_the_un_revised_it(app_env):
    at = open_briefing()
    remark = " ".join(c.value for c in at.caption)
    assert ("The UN revised this figure: International Migrant Stock 2024 gives 1,125,243 for 2020, where "
            "International Migrant Stock 2020 gave 536,905.") in remark.replace("\\", "")


def test_turkiye_refugees_are_a_headline_marked_provisional(app_env, database):
    at = open_briefing({"show": "refugees"})
    hosted = database.execute("""SELECT sum(persons) FROM forcibly_displaced WHERE asylum_iso3 = 'TUR'
        AND population_type = 'refugee' AND year = 2024""").fetchone()[0]
    assert metrics(at)["Refugees in Türkiye"] == f"{hosted:,}"
    assert metrics(at)["Largest group: from Syria"] == "3,112,683"
    notes = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "2024, provisional · UNHCR, Refugee Data Finder" in notes
    assert "never added" in notes
    strip = next(m.value for m in at.markdown if "ots-strip" in m.value)
    assert f"{hosted:,}" in strip


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_shows_its_figures_and_one_chart(app_env, topic):
    at = open_briefing({"show": topic})
    assert len(at.get("plotly_chart")) == 1
    cards = at.metric if topic != "meeting" else [m for m in at.markdown if "ots-strip" in m.value][1:]
    assert len(cards) >= (2 if topic != "meeting" else 1)
    assert at.get("download_button")  # the chart's PNG and CSV, and the briefing pack


def test_largest_corridor_and_its_bars_match_the_database(app_env, database):
    at = open_briefing({"show": "corridors"})
    origin, destination, persons = database.execute("""
        SELECT origin_iso3, destination_iso3, persons FROM migrant_stock
        WHERE edition = 'ims2024' AND year = 2024 AND sex = 'total' AND origin_iso3 <> 'OOO'
          AND (origin_iso3 IN ('AZE','KAZ','KGZ','TUR','UZB','HUN','TKM')
               OR destination_iso3 IN ('AZE','KAZ','KGZ','TUR','UZB','HUN','TKM'))
        ORDER BY persons DESC LIMIT 1""").fetchone()
    names = dict(database.execute("SELECT iso3, name_en FROM countries").fetchall())
    assert metrics(at)[f"{names[origin]} → {names[destination]}"] == f"{persons:,}"
    bars = plotly_specs(at)[0]["data"][0]
    assert f"{names[origin]} → {names[destination]}" in bars["y"]
    # the marks of 2020, a year both editions cover, say where the UN revised the figure (hover, and a remark)
    marks = plotly_specs(at)[0]["data"][1]
    hover = dict(zip(marks["y"], marks["customdata"]))
    assert hover["Kazakhstan → Russia"] == ["1,635,008", "<br>revised by the UN from 2,558,907 (International "
                                                        "Migrant Stock 2020)"]
    assert any("Kazakhstan → Russia\\: 1,635,008, where International Migrant Stock 2020 gave 2,558,907" in c.value
               for c in at.caption)


def test_remittance_headline_is_the_latest_reported_year(app_env, database):
    at = open_briefing({"show": "remittances"})
    year, share = database.execute("""
        SELECT year, remittances_pct_gdp FROM country_indicators
        WHERE edition = 'wdi2025' AND iso3 = 'KGZ' AND remittances_pct_gdp IS NOT NULL
        ORDER BY year DESC LIMIT 1""").fetchone()
    assert (year, round(share, 1)) == (2023, 20.4)
    value = metrics(at)["Kyrgyzstan: remittances received"]
    assert value.startswith(f"{share:.1f}%")
    assert any(str(year) in caption.value for caption in at.caption)


def test_stranded_figures_keep_their_qualifier_and_are_not_summed(app_env, database):
    at = open_briefing({"show": "stranded"})
    value, qualifier = database.execute("""
        SELECT value, qualifier FROM reported_figures WHERE indicator = 'migrants_stranded'
        ORDER BY period_end DESC LIMIT 1""").fetchone()
    assert metrics(at)["Stranded worldwide (IOM)"] == f"{qualifier} {int(value):,}"
    kyrgyz = metrics(at)["Kyrgyzstan"]
    latest = database.execute("""
        SELECT value FROM reported_figures WHERE nationality_iso3 = 'KGZ'
          AND indicator_group IN ('repatriated', 'returned') ORDER BY period_end DESC LIMIT 1""").fetchone()[0]
    everything = database.execute("""
        SELECT sum(value) FROM reported_figures WHERE nationality_iso3 = 'KGZ'
          AND indicator_group IN ('repatriated', 'returned')""").fetchone()[0]
    assert kyrgyz == f"at least {int(latest):,}"
    assert f"{int(everything):,}" not in " ".join(metrics(at).values())


def test_measures_headline_follows_an_edit_recorded_in_the_app(app_env):
    from app.store import measures as measures_store
    at = open_briefing({"show": "measures"})
    assert metrics(at)["Kazakhstan"] == "0 of 5"
    day = measures_store.latest_allowed_date()
    measures_store.record_status("M2-LABOUR", "KAZ", "implemented", day, "Done", "Letter of the ministry",
                                 editor="tester", check_based_on=False)
    at = open_briefing({"show": "measures"})
    shown = metrics_named(at, "Kazakhstan")[0]
    assert shown.value == "1 of 5"
    assert "+1" in str(shown.proto.delta)
    assert metrics(at)["Turkmenistan"] == "—"  # the documents record no commitment of Turkmenistan


def test_meeting_selector_shows_that_meetings_measures(app_env, database):
    at = open_briefing({"show": "meeting"})
    latest, agreed = database.execute("""
        SELECT m.meeting_id, count(*) FROM meetings m JOIN measures s USING (meeting_id)
        GROUP BY m.meeting_id, m.meeting_date ORDER BY m.meeting_date DESC LIMIT 1""").fetchone()
    done = dict(database.execute("""SELECT country_iso3, count(*) FILTER (WHERE status = 'implemented')
        FROM measure_status JOIN measures USING (measure_id) WHERE meeting_id = $m GROUP BY 1""",
                                 {"m": latest}).fetchall())
    state_cards = [m.value for m in at.markdown if "ots-strip" in m.value][-1]
    for state in ("AZE", "KAZ", "KGZ", "TUR", "UZB", "HUN", "TKM"):
        assert f"{done.get(state, 0)} of {agreed}" in state_cards
    meetings = database.execute("SELECT meeting_id FROM meetings ORDER BY meeting_date").fetchall()
    oldest = meetings[0][0]
    at.selectbox(key="url_meeting").set_value(oldest).run()
    assert not at.exception
    titles = [t for (t,) in database.execute("SELECT title FROM measures WHERE meeting_id = $m ORDER BY measure_id",
                                             {"m": oldest}).fetchall()]
    matrix = plotly_specs(at)[-1]
    labels = " ".join(str(y) for trace in matrix["data"] for y in (trace.get("y") or []))
    for title in titles:
        assert title.split()[0] in labels
    assert at.query_params["meeting"] == oldest


def test_presentation_mode_pages_through_the_topics(app_env):
    at = open_briefing({"present": "1"})
    assert at.query_params["topic"] == "0"
    first = [m.label for m in at.metric]
    assert [b.label for b in at.button][:3] == ["Previous", "Next", "Exit"]
    assert at.button[0].disabled
    at.button[1].click().run()
    assert at.query_params["topic"] == "1"
    assert [m.label for m in at.metric] != first
    at.button[0].click().run()
    assert at.query_params["topic"] == "0"
    assert [m.label for m in at.metric] == first
    assert not at.exception


def test_presentation_last_screen_is_the_meeting_and_next_is_disabled(app_env):
    at = open_briefing({"present": "1", "topic": str(len(TOPICS) - 1)})
    assert at.button[1].disabled
    assert len(at.get("plotly_chart")) == 1
    assert at.selectbox(key="url_meeting") is not None


def test_presentation_topic_out_of_range_falls_back_to_the_first(app_env):
    at = open_briefing({"present": "1", "topic": "99"})
    assert at.query_params["topic"] == "0"
    assert any("does not exist" in t.proto.body for t in at.toast)


def test_exit_leaves_presentation_mode(app_env):
    at = open_briefing({"present": "1", "topic": "2"})
    at.button[2].click().run()
    assert "present" not in at.query_params
    assert len(at.get("plotly_chart")) == 1
    assert any("ots-strip" in m.value for m in at.markdown)


def test_present_starts_at_the_topic_being_read(app_env):
    at = open_briefing({"show": "remittances"})
    next(b for b in at.button if b.label == "Present").click().run()
    assert at.query_params["present"] == "1" and at.query_params["topic"] == "2"


@pytest.mark.parametrize("language", ["ru", "tr"])
def test_briefing_in_other_languages(app_env, language):
    at = open_briefing({"lang": language, "show": "stranded"})
    assert len(at.get("plotly_chart")) == 1
    at = open_briefing({"lang": language, "present": "1", "topic": str(TOPICS.index("stranded"))})
    assert len(at.metric) == 6


def test_a_topic_in_the_link_is_named_as_text_never_rendered(app_env):
    at = open_briefing({"present": "1", "topic": "![x](http://127.0.0.1:9/x.png)"})
    assert at.query_params["topic"] == "0"
    notices = [t.value for t in at.toast]
    assert notices == ["The link's topic `![x](http:` does not exist; showing the first."]


def test_the_first_page_is_built_before_the_server_answers(app_env, monkeypatch):
    """serve.py fills the Briefing's topics in every language when the server starts (app.warm): the first visit
    then builds none of them, and shows the same page."""
    from app import cached, editions, i18n, warm
    from app.views import briefing
    cached._shared_figure.clear()
    warm.first_page()

    def built_again(*_args, **_kwargs):
        raise AssertionError("the Briefing's topics were built again on the first visit")
    monkeypatch.setattr(briefing, "_diaspora", built_again)
    for language in i18n.LANGUAGES:
        with i18n.speaking(language):
            assert briefing.topics(False, editions.LATEST)[0].key == "diaspora"
    assert "Living in another member state" in metrics(open_briefing())
