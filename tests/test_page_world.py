"""The World map page through AppTest, as a reader sees it: the indicator and year chosen, the map's countries and
their tooltips, a country that reports nothing, the table reaching the countries too small to draw (Bahrain), and
the picker opening a country's profile."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import run_page


def open_page(query: dict | None = None):
    at = run_page("world", query)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def map_features(at) -> dict[str, dict]:
    """The map's countries by code: their fill colour and tooltip."""
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layer = next(layer for layer in spec["layers"] if layer["id"] == "countries")
    return {f["properties"]["iso3"]: f["properties"] for f in layer["data"]["features"]}


def table(at):
    return at.dataframe[0].value


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_immigrants_in_the_latest_year_by_default(app_env):
    at = open_page()
    assert at.selectbox(key="url_indicator").value == "immigrants"
    assert at.get("select_slider")[0].value == 2024
    assert [s.value for s in at.subheader] == ["Immigrants, 2024"]
    assert "UN DESA, International Migrant Stock 2024 (released January 2025)" in captions(at)
    features = map_features(at)
    russia = features["RUS"]["tip_body"]
    assert "Immigrants: 7,605,774" in russia and "2024" in russia
    assert "UN DESA, International Migrant Stock 2024" in russia
    assert "Click to open the country's profile." in russia
    # a member state is outlined; the map holds no tile or style from elsewhere
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    outlines = next(layer for layer in spec["layers"] if layer["id"] == "ots_outlines")
    assert len(outlines["data"]["features"]) == 7
    assert "mapProvider" not in spec or spec["mapProvider"] is None
    assert not any(str(layer.get("data", "")).startswith("http") for layer in spec["layers"])
    rows = table(at)
    assert list(rows["Country"].head(1)) == ["United States"]
    assert rows.loc[rows["Country"].str.startswith("Russia"), "Immigrants"].iloc[0] == "7,605,774"


def test_another_indicator_and_year_from_the_link(app_env):
    at = open_page({"indicator": "remittances_share_gdp", "year": "2020"})
    assert [s.value for s in at.subheader] == ["Remittances received, share of GDP, 2020"]
    assert "World Development Indicators (Feb. 2025)" in captions(at)
    kyrgyzstan = map_features(at)["KGZ"]["tip_body"]
    assert "Remittances received, share of GDP:" in kyrgyzstan and "2020" in kyrgyzstan
    # switching the indicator keeps the year where the new one has it, and offers only its years
    at.selectbox(key="url_indicator").set_value("refugees_hosted").run()
    assert not at.exception
    assert at.get("select_slider")[0].value == 2020
    assert at.get("select_slider")[0].options[-1] == "2024"
    at.selectbox(key="url_indicator").set_value("net_migration").run()
    assert [s.value for s in at.subheader] == ["Net migration, 2020"]
    assert "Orange: more people left than came" in captions(at)


def test_a_country_that_reports_nothing_is_grey_and_says_so_never_zero(app_env):
    at = open_page({"indicator": "remittances_received", "year": "2023"})
    turkmenistan = map_features(at)["TKM"]
    assert turkmenistan["fill"][:3] == [0xBD, 0xBD, 0xBD]  # the "no figure" grey, not a class
    assert "not reported for 2023" in turkmenistan["tip_body"] and "not zero" in turkmenistan["tip_body"]
    rows = table(at)
    row = rows[rows["Country"] == "Turkmenistan"].iloc[0]
    assert row["Remittances received, US$"] == "not reported"
    assert pd.isna(row["Rank"]) and rows.index[rows["Country"] == "Turkmenistan"][0] > rows["Rank"].notna().sum() - 1
    assert "no figure reported" in " ".join(m.value for m in at.markdown)  # the key names the grey


def test_the_table_reaches_countries_too_small_to_draw(app_env):
    at = open_page()
    rows = table(at)
    bahrain = rows[rows["Country"].str.startswith("Bahrain")].iloc[0]
    assert bahrain["On the map"] == "too small to draw"
    assert bahrain["Immigrants"] not in ("", "not reported")
    assert "Bahrain" not in map_features(at)
    assert "too small to draw at this scale" in captions(at) and "they are in the table" in captions(at)
    assert "BHR" in at.selectbox(key="world_profile_picker").options or \
        "Bahrain" in at.selectbox(key="world_profile_picker").options


def test_the_picker_opens_the_profile_of_the_country_chosen(app_env):
    at = open_page({"indicator": "refugees_hosted", "lang": "tr"})
    picker = at.selectbox(key="world_profile_picker")
    picker.set_value("BHR").run()
    assert not at.exception
    # the Country profile of Bahrain, at the refugees section, still in Turkish
    assert at.selectbox(key="url_country").value == "BHR"
    assert at.selectbox(key="url_country").label == "Ülke"
    assert at.radio(key="url_section").value == "refugees"
    assert "Bahrain" in [t.value for t in at.title]


def test_what_the_un_revised_is_in_the_hover_and_the_csv(app_env):
    at = open_page({"year": "2020"})
    russia = map_features(at)["RUS"]["tip_body"]
    assert "Immigrants: 7,297,611" in russia
    assert "Revised by the UN from 11,636,911 (International Migrant Stock 2020)" in russia
    rows = table(at)
    column = "Immigrants, as International Migrant Stock 2020 gave it"
    assert rows.loc[rows["Country"].str.startswith("Russia"), column].iloc[0] == "11,636,911"
    # the previous edition itself has nothing to compare with
    at = open_page({"year": "2020", "edition": "previous"})
    assert "Revised by the UN" not in map_features(at)["RUS"]["tip_body"]
    assert "Immigrants: 11,636,911" in map_features(at)["RUS"]["tip_body"]


@pytest.mark.parametrize("indicator, year, source", [
    ("emigrants", 2020, "International Migrant Stock 2020 (released January 2021)"),
    ("remittances_share_gdp", 2022, "World Development Indicators (Oct. 2023)"),
])
def test_the_previous_edition_is_read_and_named(app_env, indicator, year, source):
    at = open_page({"indicator": indicator, "edition": "previous"})
    assert at.get("select_slider")[0].value == year  # the edition's own latest year
    assert source in captions(at)
    assert at.get("deck_gl_json_chart")


def test_an_edition_without_the_indicator_says_so(app_env):
    # The October 2023 vintage of the WDI holds no net migration.
    at = open_page({"indicator": "net_migration", "edition": "previous"})
    assert not at.get("deck_gl_json_chart")
    assert "holds no figures for “Net migration”" in at.info[0].value
