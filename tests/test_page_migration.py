"""The Migration page through AppTest: the map, ranked corridors, Sankey and series against the database,
for the default selection (the latest edition of the UN's stocks, 2024) and the edges (no data, a year of zeros,
women only, flows, groups, grouping, the previous edition)."""
from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from app.countries import MEMBERS, OTS_STATES
from tests.conftest import plotly_specs, run_page


def open_migration(params: dict | None = None) -> AppTest:
    at = run_page("migration", params, timeout=90)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def deck(at: AppTest) -> dict:
    maps = at.get("deck_gl_json_chart")
    assert len(maps) == 1
    return json.loads(maps[0].proto.json)


def layer(spec: dict, layer_id: str) -> dict:
    return next(item for item in spec["layers"] if item["id"] == layer_id)


def arcs(at: AppTest) -> list[tuple[str, str, int]]:
    return [(a["origin_code"], a["destination_code"], a["persons"]) for a in layer(deck(at), "corridors")["data"]]


LATEST, PREVIOUS = "ims2024", "ims2020"


def top_corridors(database, table: str, time_column: str, when: int, sex: str, focus, direction: str,
                  partners=None, limit: int = 15, edition: str = LATEST) -> list[tuple[str, str, int]]:
    focus_end, partner_end = ("origin_iso3", "destination_iso3") if direction == "from" else \
        ("destination_iso3", "origin_iso3")
    one_edition = "edition = $edition" if table == "migrant_stock" else "$edition IS NOT NULL"
    rows = database.execute(f"""
        SELECT origin_iso3, destination_iso3, persons FROM {table}
        WHERE {one_edition} AND {time_column} = $when AND sex = $sex AND persons > 0
          AND list_contains($focus, {focus_end}) AND ($all OR list_contains($partners, {partner_end}))
        ORDER BY persons DESC, origin_iso3, destination_iso3 LIMIT {limit}""",
                            {"when": when, "sex": sex, "focus": list(focus), "partners": list(partners or []),
                             "all": partners is None, "edition": edition}).fetchall()
    return [(o, d, int(p)) for o, d, p in rows]


def test_default_view_draws_the_largest_corridors_from_the_member_states(app_env, database):
    at = open_migration()
    want = top_corridors(database, "migrant_stock", "year", 2024, "total", MEMBERS, "from")
    assert arcs(at) == want
    spec = deck(at)
    # Offline: country shapes from the app's own static file, no base map provider.
    assert layer(spec, "countries")["data"] == "/app/static/countries.geojson"
    assert spec.get("mapProvider") in (None, "")
    tooltip = json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)
    assert "{tip_title}" in tooltip["html"] and "{tip_body}" in tooltip["html"]
    first = layer(spec, "corridors")["data"][0]
    assert "2024" in first["tip_body"] and f"{want[0][2]:,}" in first["tip_body"]
    assert "International Migrant Stock 2024" in first["tip_body"]
    ranked, = plotly_specs(at)  # beside the map: the ranked corridors by default
    assert [int(v) for v in decode(ranked["data"][0]["x"])] == [p for _, _, p in reversed(want)]


def test_the_previous_edition_is_one_choice_away_and_never_mixed_in(app_env, database):
    at = open_migration()
    chooser = at.selectbox(key="url_edition")
    assert chooser.options == ["Latest editions: International Migrant Stock 2024",
                               "Previous editions: International Migrant Stock 2020"]
    chooser.set_value("previous").run()
    assert at.query_params["edition"] == "previous"
    assert arcs(at) == top_corridors(database, "migrant_stock", "year", 2020, "total", MEMBERS, "from",
                                     edition=PREVIOUS)
    # Kazakhstan-born in Russia, 2020, as each edition gives it: the UN revised it.
    assert ("KAZ", "RUS", 2_558_907) in arcs(at)
    assert at.select_slider(key="url_year").value == 2020
    at.selectbox(key="url_edition").set_value("latest").run()
    at.select_slider(key="url_year").set_value(2020).run()
    assert ("KAZ", "RUS", 1_635_008) in arcs(at)


def test_beside_the_map_the_sankey_among_ots_states(app_env, database):
    at = open_migration({"beside": "ots"})
    sankey, = plotly_specs(at)
    links = database.execute("""SELECT origin_iso3, destination_iso3, persons FROM migrant_stock
        WHERE edition = 'ims2024' AND year = 2024 AND sex = 'total' AND persons > 0
          AND origin_iso3 <> destination_iso3
          AND origin_iso3 IN ('AZE','KAZ','KGZ','TUR','UZB','HUN','TKM')
          AND destination_iso3 IN ('AZE','KAZ','KGZ','TUR','UZB','HUN','TKM')""").fetchall()
    assert sankey["data"][0]["type"] == "sankey"
    assert sorted(int(v) for v in decode(sankey["data"][0]["link"]["value"])) == sorted(p for _, _, p in links)
    assert len(at.get("deck_gl_json_chart")) == 1


def test_ranked_chart_holds_the_corridors_of_the_map(app_env, database):
    at = open_migration()
    names = dict(database.execute("SELECT iso3, name_en FROM countries").fetchall())
    ranked = plotly_specs(at)[0]["data"][0]
    want = top_corridors(database, "migrant_stock", "year", 2024, "total", MEMBERS, "from")
    assert [label.rstrip("†‡*") for label in reversed(ranked["y"])] == [f"{names[o]} → {names[d]}" for o, d, _ in want]
    # the destination's data types travel with each corridor: marks on the label, the meaning under the chart
    types = dict(database.execute("""SELECT DISTINCT destination_iso3, (CASE WHEN basis_citizenship THEN '†' ELSE ''
        END) || (CASE WHEN refugees_added THEN '‡' ELSE '' END) || (CASE WHEN imputed THEN '*' ELSE '' END)
        FROM migrant_stock WHERE edition = 'ims2024' AND year = 2024""").fetchall())
    assert list(reversed(ranked["y"])) == [f"{names[o]} → {names[d]}{types[d]}" for o, d, _ in want]
    footnotes = " ".join(c.value for c in at.caption)
    assert all(f"{mark} " in footnotes for mark in set("".join(types[d] for _, d, _ in want)))


def test_any_country_of_the_world_can_be_the_focus(app_env, database):
    # The 2024 edition is the whole world: a country far from the OTS states has its own corridors.
    at = open_migration({"focus": "MHL", "dir": "to"})
    want = top_corridors(database, "migrant_stock", "year", 2024, "total", ("MHL",), "to")
    # Origin "other or unknown" is among the fifteen largest, listed but not drawn.
    assert ("OOO", "MHL") in [(o, d) for o, d, _ in want]
    assert arcs(at) == [corridor for corridor in want if corridor[0] != "OOO"]
    assert arcs(at) and all(d == "MHL" for _, d, _ in arcs(at))


def test_a_country_with_no_corridors_gets_a_sentence_not_a_map(app_env):
    at = open_migration({"focus": "ATA"})  # Antarctica: no one is counted there
    assert not at.get("deck_gl_json_chart")
    assert at.info and "Antarctica" in at.info[0].value


def test_in_the_previous_edition_a_country_far_from_the_ots_states_has_only_its_corridors_with_them(app_env):
    at = open_migration({"focus": "MHL", "edition": "previous"})
    assert not at.get("deck_gl_json_chart")
    assert "OTS member or observer state at one end" in at.info[0].value


def test_a_year_in_which_every_corridor_reads_zero(app_env, database):
    # A country whose emigrants to OTS states read zero in 1990 but not in 2020 in the previous edition (found in
    # the data, not assumed; in the 2024 edition no country's corridors all read zero in a year).
    code = database.execute("""
        SELECT origin_iso3 FROM migrant_stock WHERE sex = 'total' AND edition = 'ims2020'
        GROUP BY origin_iso3
        HAVING sum(persons) FILTER (WHERE year = 1990) = 0 AND sum(persons) FILTER (WHERE year = 2020) > 0
        ORDER BY origin_iso3 LIMIT 1""").fetchone()[0]
    at = open_migration({"focus": code, "year": "1990", "edition": "previous"})
    assert not at.get("deck_gl_json_chart")
    assert "1990" in at.info[0].value and "2020" in at.info[0].value


def test_women_only(app_env, database):
    at = open_migration({"sex": "female"})
    assert arcs(at) == top_corridors(database, "migrant_stock", "year", 2024, "female", MEMBERS, "from")


def test_flows_mode_uses_the_estimated_flows_of_a_period(app_env, database):
    at = open_migration({"data": "flow", "period": "2010"})
    assert arcs(at) == top_corridors(database, "migration_flows", "period_start", 2010, "total", MEMBERS, "from")
    assert "2010–2015" in layer(deck(at), "corridors")["data"][0]["tip_body"]
    assert any("model estimates" in c.value for c in at.caption)
    # Beside the 2024 stocks, the flows say they rest on the 2020 edition's.
    assert any("2020 edition" in c.value for c in at.caption)
    assert "url_edition" not in [s.key for s in at.selectbox]


def test_immigrants_to_members_and_observers_from_members_only(app_env, database):
    at = open_migration({"focus": "OTS+", "dir": "to", "partners": "members", "top": "50"})
    got = arcs(at)
    assert got == top_corridors(database, "migrant_stock", "year", 2024, "total", OTS_STATES, "to",
                                partners=MEMBERS, limit=50)
    assert all(o in MEMBERS and d in OTS_STATES for o, d, _ in got)


def test_grouping_by_world_region_keeps_the_ots_states_and_russia(app_env, database):
    at = open_migration({"focus": "TUR", "dir": "to", "partners": "grouped", "top": "50", "beside": "series"})
    got = arcs(at)
    origins = {o for o, _, _ in got}
    assert any(o.startswith("region:") for o in origins)
    assert all(o.startswith("region:") or o in OTS_STATES + ("RUS",) for o in origins)
    total, unknown = database.execute("""SELECT sum(persons), sum(persons) FILTER (WHERE origin_iso3 = 'OOO')
        FROM migrant_stock WHERE edition = 'ims2024' AND year = 2024 AND sex = 'total'
          AND destination_iso3 = 'TUR'""").fetchone()
    # Origin "other or unknown" is never grouped into a region nor drawn: it is listed under the map.
    assert "OOO" not in origins and unknown > 0
    assert sum(p for _, _, p in got) + unknown == total
    note = next(c.value for c in at.caption if c.value.startswith("Not on the map"))
    assert f"Other or unknown → Türkiye: {unknown:,}" in note
    # A grouped region has no single series: the corridor picker offers country pairs only.
    picker = at.selectbox(key="url_corridor")
    assert all(not option.startswith("region:") for option in picker.options)


def test_corridor_series_matches_the_database(app_env, database):
    at = open_migration({"beside": "series", "corridor": "UZB>RUS"})
    series = plotly_specs(at)[0]
    rows = database.execute("""SELECT year, persons FROM migrant_stock WHERE edition = 'ims2024'
        AND origin_iso3 = 'UZB' AND destination_iso3 = 'RUS' AND sex = 'total' ORDER BY year""").fetchall()
    total = next(trace for trace in series["data"] if trace["name"] == "Both sexes")
    assert [int(x) for x in decode(total["x"])] == [y for y, _ in rows] == [1990, 1995, 2000, 2005, 2010, 2015,
                                                                            2020, 2024]
    assert [int(v) for v in decode(total["y"])] == [p for _, p in rows]
    # A true time axis: numbers, ticked at the years held (2020 to 2024 is four years, not one step).
    assert series["layout"]["xaxis"]["type"] == "linear"
    assert list(series["layout"]["xaxis"]["tickvals"]) == [y for y, _ in rows]


def test_changing_a_control_writes_it_to_the_link(app_env):
    at = open_migration()
    at.selectbox(key="url_focus").set_value("KGZ").run()
    assert at.query_params["focus"] == "KGZ"
    assert {o for o, _, _ in arcs(at)} == {"KGZ"}


def test_an_invalid_value_in_the_link_falls_back_with_a_notice(app_env):
    at = open_migration({"focus": "XXX", "year": "1823"})
    # The defaults are back (and, being defaults, left out of the link), each with a notice.
    assert "focus" not in at.query_params and "year" not in at.query_params
    assert {o for o, _, _ in arcs(at)} <= set(MEMBERS)
    assert len(at.toast) >= 2


def decode(values):
    """Plotly 7 sends numeric arrays as base64 ("bdata"); lists of labels stay lists."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return values


def test_what_the_un_revised_is_a_view_of_its_own_with_its_exports(app_env):
    at = open_migration({"view": "revisions"})
    assert not at.get("deck_gl_json_chart")
    table = at.dataframe[0].value
    first = table.iloc[0]
    assert (first["Origin"], first["Destination"], first["Year (mid-year)"]) == ("Russia", "Kazakhstan", 2020)
    assert (first["International Migrant Stock 2020 (previous)"], first["International Migrant Stock 2024 (latest)"],
            first["Revision"]) == (2_476_018, 579_845, -1_896_173)
    chart, = plotly_specs(at)
    assert {trace["name"] for trace in chart["data"] if trace.get("name")} >= {
        "International Migrant Stock 2020 (previous)", "International Migrant Stock 2024 (latest)"}
    labels = [b.label for b in at.get("download_button")]
    assert "Download CSV" in labels and "Download PNG" in labels
    totals = open_migration({"view": "revisions", "kind": "immigrants", "year": "2020"}).dataframe[0].value
    assert list(totals["Country"])[:2] == ["Russia", "Kazakhstan"]


def test_a_year_both_editions_cover_shows_the_previous_figure_beside_the_latest(app_env):
    at = open_migration({"year": "2020"})
    ranked = plotly_specs(at)[0]["data"][0]
    hover = {label.rstrip("†‡*"): extra for label, (_value, extra) in zip(ranked["y"], ranked["customdata"])}
    assert hover["Kazakhstan → Russia"] == "<br>International Migrant Stock 2020: 2,558,907"
    # the map's arc says it too, in its tooltip
    arcs = next(layer for layer in json.loads(at.get("deck_gl_json_chart")[0].proto.json)["layers"]
                if layer["id"] == "corridors")["data"]
    russia = next(arc for arc in arcs if (arc["origin_code"], arc["destination_code"]) == ("KAZ", "RUS"))
    assert russia["tip_body"].endswith(" · revised by the UN from 2,558,907 (International Migrant Stock 2020)")
    assert russia["tip_body"].startswith("1,635,008 persons")
