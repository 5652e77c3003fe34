"""The Labour migration and remittances page through AppTest: defaults, every OTS state, links, gaps as gaps."""
import base64
import json

import numpy as np
import pytest

from app.charts.common import md_escape
from app.countries import MEMBERS, OBSERVERS
from tests.conftest import PAGE_SECTIONS, plotly_specs_by_key, run_every_section, run_page


def open_page(query: dict | None = None, sections=None):
    """Every section of the page (or those named), read as one page."""
    at = run_every_section("labour", query, sections)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def numbers(array) -> list:
    """A plotly array from a spec: plain list, or plotly 7's base64 typed array."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def test_defaults(app_env, built_db):
    at = open_page()
    specs = plotly_specs_by_key(at)
    assert set(specs) == {"remittance_lines", "dependence", "sankey", "corridor_bars", "labour_bars"}
    boxes = " ".join(m.value for m in at.markdown)
    # Kyrgyzstan 2023 in the latest vintage: US$ 2.85 billion, 20.4 % of GDP
    assert f"**{md_escape('20.4%')}**" in boxes and "**not reported**" in boxes
    assert "US$ 2.85 billion in 2023" in " ".join(c.value for c in at.caption)
    lines = {trace["name"]: trace for trace in specs["remittance_lines"]["data"]}
    turkmen = lines["Turkmenistan (no figure after 1996)"]
    years, shares = numbers(turkmen["x"]), numbers(turkmen["y"])
    assert shares[years.index(1996)] == pytest.approx(0.18581, abs=1e-5)  # US$ 4.42 million of GDP, 1996
    assert all(value is None or value != value for year, value in zip(years, shares) if year >= 2005)  # gaps
    kyrgyz = lines["Kyrgyzstan"]
    assert round(numbers(kyrgyz["y"])[numbers(kyrgyz["x"]).index(2023)], 1) == 20.4
    layout = specs["remittance_lines"]["layout"]
    assert len(layout["shapes"]) == 2  # the two meetings of 2020
    assert any("7 May 2020" in a["text"] for a in layout["annotations"])
    dependence = specs["dependence"]["data"][0]
    import duckdb
    with duckdb.connect(str(built_db), read_only=True) as con:
        rank = con.execute("""SELECT count(*) + 1 FROM country_indicators WHERE edition = 'wdi2025' AND year = 2023
            AND remittances_pct_gdp > (SELECT remittances_pct_gdp FROM country_indicators
                                       WHERE edition = 'wdi2025' AND year = 2023 AND iso3 = 'KGZ')""").fetchone()[0]
    assert f"{rank}. Kyrgyzstan" in dependence["y"] and "1. Tajikistan" in dependence["y"]
    sankey = specs["sankey"]["data"][0]
    assert {"Uzbekistan", "Russia", "Other countries"} <= set(sankey["node"]["label"])
    labour = json.dumps(specs["labour_bars"]["data"], ensure_ascii=False)
    assert "3,054,180 entries" in labour and "about 918,000 entries" in labour
    assert any("border crossings" in c.value and "not persons" in c.value for c in at.caption)


@pytest.mark.parametrize("code", MEMBERS + OBSERVERS)
def test_every_member_and_observer_state(app_env, code):
    at = open_page({"corridor": code, "countries": code})
    specs = plotly_specs_by_key(at)
    names = [trace["name"] for trace in specs["remittance_lines"]["data"]]
    assert len(names) == 1 and names[0].startswith(at.multiselect(key="url_countries").format_func(code))
    bars = specs["corridor_bars"]["data"][0]
    assert len(bars["y"]) >= 1
    if code in ("UZB", "TKM"):
        assert list(bars["y"]) == ["Russia"]  # the method's artefact, said in the caveat
        assert any("artefact" in c.value for c in at.caption)


def test_usd_in_millions_from_a_link(app_env):
    at = open_page({"measure": "usd", "countries": "KGZ"})
    trace = plotly_specs_by_key(at)["remittance_lines"]["data"][0]
    assert numbers(trace["y"])[numbers(trace["x"]).index(2023)] == pytest.approx(2850.0, rel=1e-5)
    assert plotly_specs_by_key(at)["remittance_lines"]["layout"]["yaxis"]["title"]["text"] == "US$ million"


def test_the_previous_editions_from_a_link(app_env):
    at = open_page({"measure": "usd", "countries": "KGZ", "edition": "previous", "corridor": "KGZ"},
                   sections=["remittances", "corridors"])
    assert at.selectbox(key="url_edition").value == "previous"
    trace = plotly_specs_by_key(at)["remittance_lines"]["data"][0]
    years = numbers(trace["x"])
    assert max(years) == 2022 and numbers(trace["y"])[years.index(2020)] == pytest.approx(2422.825, rel=1e-5)
    # the 2017 matrix, named as such
    assert any("2017" in h.value for h in at.subheader)


def test_a_country_with_no_data_at_all(app_env, no_data_country):
    at = open_page({"countries": no_data_country, "corridor": no_data_country})
    specs = plotly_specs_by_key(at)
    trace = specs["remittance_lines"]["data"][0]
    assert trace["name"].endswith("(not reported)")
    assert all(v is None or v != v for v in numbers(trace["y"]))
    assert any("Never" in c.value or "not reported" in c.value.lower() for c in at.caption)
    # the corridor chooser offers the OTS states only: the code in the link falls back, with a notice
    assert at.selectbox(key="url_corridor").value == "AZE"
    assert any(no_data_country in toast.value for toast in at.toast)


def test_sent_direction_and_labour_kinds(app_env):
    at = open_page({"corridor": "KAZ", "direction": "sent", "kind": "permits"})
    specs = plotly_specs_by_key(at)
    assert specs["corridor_bars"]["data"][0]["y"]
    permits = json.dumps(specs["labour_bars"]["data"], ensure_ascii=False)
    assert "1,774 permits" in permits and "781 persons" in permits
    assert any("quota" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert set(table["Kind"]) == {"Work and residence permits"}


def test_no_countries_chosen_says_what_to_do(app_env):
    at = open_page({"countries": ""})
    assert "remittance_lines" not in plotly_specs_by_key(at)
    assert any("Choose at least one country" in info.value for info in at.info)


def test_one_section_at_a_time_and_a_link_opens_its_section(app_env):
    at = run_page("labour")
    assert not at.exception, [e.value for e in at.exception]
    assert list(at.radio(key="url_section").options) == [
        "Remittances over time", "Most dependent economies", "Remittance corridors",
        "Labour migration as reported"]
    assert at.radio(key="url_section").value == PAGE_SECTIONS["labour"][0]
    assert set(plotly_specs_by_key(at)) == {"remittance_lines"}
    linked = run_page("labour", {"section": "corridors", "corridor": "UZB"})
    assert set(plotly_specs_by_key(linked)) == {"sankey", "corridor_bars"}
    assert linked.selectbox(key="url_corridor").value == "UZB"
