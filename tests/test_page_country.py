"""The Country profiles page through AppTest: default, every OTS state, a link, a country with no data at all."""
import base64

import numpy as np
import pandas as pd
import pytest

from app.countries import MEMBERS, OBSERVERS
from etl.build import DEFAULT_RAW_DIR
from tests.conftest import PAGE_SECTIONS, plotly_specs_by_key, run_every_section, run_page

ALL_CHARTS = {"stock", "partners_origins", "partners_destinations", "corridors", "remittances_share",
              "remittances_usd", "corridors_matrix_received", "corridors_matrix_sent", "refugees", "refugees_hosted",
              "refugees_from"}


@pytest.fixture(scope="module")
def un_totals() -> pd.DataFrame:
    """The 2024 edition's totals, summed from the UN's matrix as the publisher does: immigrants over every origin
    ("other or unknown" included), emigrants over every destination."""
    stock = pd.read_csv(DEFAULT_RAW_DIR / "un_desa_ims2024_bilateral_stock.csv", keep_default_na=False)
    immigrants = stock.groupby(["destination_iso3", "year"])["persons"].sum()
    emigrants = stock[stock["origin_iso3"] != "OOO"].groupby(["origin_iso3", "year"])["persons"].sum()
    immigrants.index.names = emigrants.index.names = ["iso3", "year"]
    return pd.DataFrame({"immigrant_stock_total": immigrants, "emigrant_stock_total": emigrants})


@pytest.fixture(scope="module")
def previous_totals() -> pd.DataFrame:
    return pd.read_csv(DEFAULT_RAW_DIR / "un_desa_ims2020_country_totals.csv").set_index(["iso3", "year"])


def open_page(query: dict | None = None, sections=None):
    """Every section of the profile (or those named), read as one page."""
    at = run_every_section("country", query, sections)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def numbers(array) -> list:
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def stock_total(spec: dict, panel_axis: str, year: int) -> float:
    trace = next(t for t in spec["data"] if t["name"] == "Both sexes" and t.get("yaxis", "y") == panel_axis)
    return numbers(trace["y"])[numbers(trace["x"]).index(year)]


def test_default_is_the_first_member_state(app_env, un_totals):
    at = open_page()
    assert at.selectbox(key="url_country").value == MEMBERS[0]
    assert at.title[0].value == "Azerbaijan"
    specs = plotly_specs_by_key(at)
    assert set(specs) == ALL_CHARTS
    for year in (2020, 2024):
        assert stock_total(specs["stock"], "y", year) == un_totals.loc[("AZE", year), "immigrant_stock_total"]
        assert stock_total(specs["stock"], "y2", year) == un_totals.loc[("AZE", year), "emigrant_stock_total"]
    assert len(specs["remittances_share"]["layout"]["shapes"]) == 2  # the group's meetings
    # a true year axis: 2020 to 2024 is four years
    assert numbers(specs["stock"]["layout"]["xaxis"]["tickvals"])[-2:] == [2020, 2024]


def test_the_previous_edition_is_one_choice_away(app_env, previous_totals):
    at = open_page({"country": "KAZ", "edition": "previous"}, sections=["migrants", "remittance_corridors"])
    assert at.selectbox(key="url_edition").value == "previous"
    specs = plotly_specs_by_key(at)
    # the UN's 2020 edition: Kazakhstan's immigrants before the 2024 revision
    assert stock_total(specs["stock"], "y", 2020) == previous_totals.loc[("KAZ", 2020), "immigrant_stock_total"] \
        == 3_732_073
    assert 2024 not in numbers(next(t for t in specs["stock"]["data"] if t["name"] == "Both sexes")["x"])
    assert any("2017" in m.value for m in at.markdown)  # the 2017 remittance matrix
    cards = " ".join(m.value for m in at.markdown)
    assert "International Migrant Stock 2020" in " ".join(c.value for c in at.caption) + cards


@pytest.mark.parametrize("code", MEMBERS + OBSERVERS)
def test_every_member_and_observer_state(app_env, un_totals, code):
    at = open_page({"country": code}, sections=["migrants", "corridors", "remittances", "reported"])
    assert at.selectbox(key="url_country").value == code
    specs = plotly_specs_by_key(at)
    immigrants = stock_total(specs["stock"], "y", 2024)
    assert immigrants == un_totals.loc[(code, 2024), "immigrant_stock_total"]
    cards = " ".join(m.value for m in at.markdown)
    assert f"{int(immigrants):,}" in cards
    assert "mid\\-2024 · UN DESA, International Migrant Stock 2024" in " ".join(c.value for c in at.caption)
    corridor_states = set(specs["corridors"]["data"][0]["x"])
    assert len(corridor_states) == 6 and at.title[0].value not in corridor_states
    measures = [df.value for df in at.dataframe if "Measure" in df.value.columns]
    assert len(measures) == 1 and len(measures[0]) == 5 and set(measures[0]["Status"]) <= {
        "agreed", "in progress", "implemented", "requested", "not recorded", "not applicable"}
    if code == "TKM":
        assert not {"remittances_share", "remittances_usd"} & set(specs)
        assert any("not reported" in info.value for info in at.info)
        assert "**not reported**" in cards
    else:
        assert {"remittances_share", "remittances_usd"} <= set(specs)


def test_link_to_a_country_outside_the_ots(app_env):
    at = open_page({"country": "DEU", "year": "2000"})
    assert at.title[0].value == "Germany"
    specs = plotly_specs_by_key(at)
    assert "stock" in specs
    # the whole world: Germany's origins and destinations are every country's, not only the OTS states
    marked = specs["partners_destinations"]["data"][0]["y"]
    destinations = [d.rstrip("†‡*") for d in marked]
    assert "Türkiye" in destinations and "United States" in destinations
    # each destination carries the UN's data types as marks, explained under the chart
    assert "Türkiye‡" in marked
    assert any("‡ includes refugees" in c.value for c in at.caption)
    origins = specs["partners_origins"]["data"][0]["y"]
    # "other or unknown" is an origin like the others, named as such
    assert {"Türkiye", "Poland", "Other or unknown"} <= set(origins)
    assert any("apply to its member and observer states" in c.value for c in at.caption)
    assert not [df for df in at.dataframe if "Measure" in df.value.columns]


def test_partners_say_what_the_un_revised(app_env):
    at = open_page({"country": "KAZ", "year": "2020"}, sections=["partners"])
    destinations = plotly_specs_by_key(at)["partners_destinations"]["data"][0]
    hover = {label.rstrip("†‡*"): text for label, text in zip(destinations["y"], destinations["hovertext"])}
    assert hover["Russia"] == ("Russia: 1,635,008 persons in 2020<br>revised by the UN from 2,558,907 "
                               "(International Migrant Stock 2020)")
    assert any("give the figure of International Migrant Stock 2020 where the UN revised it" in c.value
               for c in at.caption)


def test_a_country_with_no_data_at_all(app_env, no_data_country):
    at = open_page({"country": no_data_country}, sections=["migrants"])  # it stops before the sections
    assert at.selectbox(key="url_country").value == no_data_country
    assert not at.get("plotly_chart")
    assert len(at.info) == 1 and "holds no migration" in at.info[0].value


def test_an_invalid_code_falls_back_to_the_default_with_a_notice(app_env):
    at = open_page({"country": "XXX"})
    assert at.selectbox(key="url_country").value == MEMBERS[0]
    assert any("XXX" in toast.value for toast in at.toast)
    assert set(plotly_specs_by_key(at)) == ALL_CHARTS


def test_reported_figures_carry_their_qualifier_and_source(app_env):
    at = open_page({"country": "KGZ"})
    reported = next(df.value for df in at.dataframe if "Topic" in df.value.columns)
    assert "at least 11,784 persons" in set(reported["Figure"])
    assert reported["Link"].str.startswith("http").all()
    assert set(reported["Period or date"]) >= {"20 Mar 2020 – 27 Jun 2020"}


def test_one_section_at_a_time_and_the_first_by_default(app_env):
    at = run_page("country", {"country": "KGZ"})
    assert not at.exception, [e.value for e in at.exception]
    assert list(at.radio(key="url_section").options) == [
        "Migrants over time", "Origins and destinations", "With the OTS states", "Remittances",
        "Remittance corridors", "Refugees", "Reported figures and measures"]
    assert at.radio(key="url_section").value == PAGE_SECTIONS["country"][0]
    assert set(plotly_specs_by_key(at)) == {"stock"}  # one chart drawn, not eight
    at.radio(key="url_section").set_value("remittances").run()
    assert set(plotly_specs_by_key(at)) == {"remittances_share", "remittances_usd"}
    assert at.query_params["section"] in ("remittances", ["remittances"])


def test_a_link_opens_its_section(app_env):
    at = run_page("country", {"country": "UZB", "section": "partners", "year": "2000"})
    assert set(plotly_specs_by_key(at)) == {"partners_origins", "partners_destinations"}
    assert "2000" in at.get("plotly_chart")[0].proto.spec or any("2000" in m.value for m in at.markdown)


def test_refugees_hosted_and_from_the_country_never_added_to_stocks(app_env, built_db):
    import duckdb
    at = open_page({"country": "TUR"}, sections=["refugees"])
    specs = plotly_specs_by_key(at)
    hosted = next(t for t in specs["refugees"]["data"] if t["name"] == "Refugees hosted")
    years, values = numbers(hosted["x"]), numbers(hosted["y"])
    with duckdb.connect(str(built_db), read_only=True) as con:
        expected = dict(con.execute("""SELECT year, sum(persons) FROM forcibly_displaced WHERE asylum_iso3 = 'TUR'
            AND population_type = 'refugee' GROUP BY 1""").fetchall())
    assert {y: v for y, v in zip(years, values)} == {y: float(v) for y, v in expected.items()}
    # 2024 is provisional: a hollow mark, and said so in the hover and the year chooser
    symbols = hosted["marker"]["symbol"]
    assert symbols[years.index(2024)] == "circle-open" and symbols[years.index(2023)] == "circle"
    assert at.select_slider(key="url_refugee_year").value == 2024
    origins = specs["refugees_hosted"]["data"][0]["y"]
    assert origins[-1] == "Syria"  # the largest group, drawn on top
    assert any("never added" in c.value for c in at.caption)
