"""The Stranded citizens page through AppTest: defaults, every OTS state, links, empty cases, map offline."""
import json

import pytest

from app.countries import MEMBERS, OBSERVERS
from tests.conftest import PAGE_SECTIONS, PROJECT_ROOT, plotly_specs, run_every_section, run_page

STRANDED_NATIONALITIES = {"AZE", "KAZ", "KGZ", "TUR", "UZB"}  # nationalities in the raw file


def open_page(query: dict | None = None, sections=None):
    """Every section of the page (or those named), read as one page."""
    at = run_every_section("stranded", query, sections)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def chart_text(spec: dict) -> str:
    return json.dumps(spec["data"], ensure_ascii=False)


def test_defaults_show_world_frame_map_ranking_timeline_and_table(app_env):
    at = open_page()
    frame = [m.value for m in at.markdown]
    assert "**at least 2,750,000 persons**" in frame
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1
    deck = json.loads(decks[0].proto.json)
    layers = {layer["@@type"]: layer for layer in deck["layers"]}
    assert layers["GeoJsonLayer"]["data"] == "/app/static/countries.geojson"
    assert deck.get("mapProvider") in (None, "")  # no tiles: nothing from the internet
    assert "mapStyle" not in deck or deck["mapStyle"] in (None, "", "__MAP_STYLE__")
    arcs = layers["ArcLayer"]["data"]
    assert any("Kyrgyzstan citizens in Russia" in arc["tooltip"] and "at least 11,784" in arc["tooltip"]
               for arc in arcs)
    ranking, timeline = plotly_specs(at)
    ranked = chart_text(ranking)
    assert "at least 11,784" in ranked and "nearly 70,000" in ranked
    assert "2,807" not in ranked  # an earlier Turkish count: superseded, never added
    titles = [a["text"] for a in ranking["layout"]["annotations"]]
    assert titles == ["Stranded", "Registered to return", "Repatriated", "Returned labour migrants"]
    meetings = [a["text"] for a in timeline["layout"]["annotations"] if "2020</b>" in a["text"]]
    assert len(meetings) == 2 and "7 May 2020" in meetings[0] and "7 Aug 2020" in meetings[1]
    assert len(timeline["layout"]["shapes"]) == 2
    table = at.dataframe[0].value
    assert len(table) == 33  # every figure with a nationality, the undated one included
    assert "at least 11,784 persons" in set(table["Figure"])


@pytest.mark.parametrize("code", MEMBERS + OBSERVERS)
def test_every_member_and_observer_state(app_env, code):
    at = open_page({"nationality": code})
    assert at.selectbox(key="url_nationality").value == code
    if code in STRANDED_NATIONALITIES:
        assert len(at.get("deck_gl_json_chart")) == 1
        assert len(at.get("plotly_chart")) >= 1
        timeline = plotly_specs(at)[-1]
        assert timeline["layout"]["annotations"][0]["text"] != ""
        table = at.dataframe[0].value
        assert set(table["Nationality"]) == {at.selectbox(key="url_nationality").format_func(code)}
    else:
        assert not at.get("plotly_chart") and not at.get("deck_gl_json_chart")
        assert any("have been reported" in info.value for info in at.info)


def test_a_country_with_no_data_at_all_falls_back_to_the_default(app_env, no_data_country):
    at = open_page({"nationality": no_data_country})
    assert at.selectbox(key="url_nationality").value == "all"
    assert any(no_data_country in toast.value for toast in at.toast)
    assert len(at.get("plotly_chart")) == 2


def test_link_with_filters_opens_that_view(app_env):
    at = open_page({"nationality": "UZB", "stay": "RUS", "kind": "registered,repatriated"})
    table = at.dataframe[0].value
    assert sorted(table["Record"]) == ["UZB-01", "UZB-02", "UZB-03", "UZB-05"]
    ranking = chart_text(plotly_specs(at)[0])
    assert "55,000" in ranking and "2,087" in ranking and "10,000" not in ranking  # latest per pair and kind
    assert all(run.query_params["stay"] in ("RUS", ["RUS"]) for run in at.runs)


def test_dates_narrow_the_view_and_an_empty_choice_says_what_to_do(app_env):
    at = open_page({"nationality": "AZE", "kind": "registered", "from": "2020-05-12"})
    assert not at.get("plotly_chart")
    assert any("No reported figure matches" in info.value for info in at.info)


def test_context_only_has_no_map_or_ranking_but_a_table(app_env):
    at = open_page({"nationality": "KAZ", "kind": "context"})
    assert not at.get("deck_gl_json_chart")
    assert len(at.get("plotly_chart")) == 1  # the timeline
    assert len(at.dataframe[0].value) == 2


def test_the_map_file_is_served_as_a_real_file():
    served = PROJECT_ROOT / "static" / "countries.geojson"
    assert not served.is_symlink()  # Streamlit refuses symlinks leaving static/
    assert served.read_bytes() == (PROJECT_ROOT / "data" / "raw" / "ne_110m_admin0_countries.geojson").read_bytes()


def test_the_maps_png_is_drawn_from_the_shipped_outlines(app_env):
    """The PNG twin of the map: plotly scatter over the GeoJSON's own coordinates, no geo base map, renders."""
    from app.cached import run_uncached
    from app.charts import stranded as charts
    from app.export import ChartMeta, png_bytes, png_size
    from app.queries import stranded as queries

    latest = run_uncached(queries.latest_stranded_figures, None, None, charts.RANKED_GROUPS)
    frame = charts.map_frame(latest, lambda code: code)
    figure = charts.stranded_static_map(frame, lambda code: code)
    kinds = {trace.type for trace in figure.data}
    assert kinds == {"scatter"}
    outlines = figure.data[0]
    assert outlines.fill == "toself" and len(outlines.x) > 5000  # the countries' rings, from the shipped file
    legend = [trace.name for trace in figure.data if trace.showlegend is not False and trace.name]
    assert legend == ["Stranded", "Registered to return", "Repatriated", "Returned labour migrants"]
    content = png_bytes(figure, ChartMeta(title="Stranded citizens", source="test"))
    assert png_size(content) == (3200, 1800)


def test_one_section_at_a_time_the_map_first(app_env):
    at = run_page("stranded", {"nationality": "KGZ"})
    assert not at.exception, [e.value for e in at.exception]
    assert list(at.radio(key="url_section").options) == ["Map", "Latest figures", "Timeline", "Figures and sources"]
    assert at.radio(key="url_section").value == PAGE_SECTIONS["stranded"][0]
    assert len(at.get("deck_gl_json_chart")) == 1 and not at.get("plotly_chart") and not at.dataframe
    at.radio(key="url_section").set_value("timeline").run()
    assert len(at.get("plotly_chart")) == 1 and not at.get("deck_gl_json_chart")
    assert at.selectbox(key="url_nationality").value == "KGZ"  # the filters stay
