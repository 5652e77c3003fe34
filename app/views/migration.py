"""The Migration page's words, tables, export metadata and empty-case sentences."""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app import cached, countries, editions, ui
from app.charts import migration as charts
from app.charts import stock_types
from app.export import ChartMeta, png_bytes
from app.i18n import N_, _, fmt_int
from app.queries import migration as queries

TOP_CHOICES = (5, 10, 15, 20, 30, 50)
MEMBERS_ONLY = "members"
WITH_OBSERVERS = "ots"
ALL = "all"
GROUPED = "grouped"
SCOPES = (MEMBERS_ONLY, WITH_OBSERVERS, ALL, GROUPED)
# Partners kept as single countries when the others are grouped by world region: the OTS states and
# Russia, the main destination of their emigrants.
KEPT_APART = countries.OTS_STATES + ("RUS",)

# What the page shows: the corridors, or what the UN revised between its editions (?view=revisions).
CORRIDORS = "corridors"
REVISIONS = "revisions"
VIEWS = (CORRIDORS, REVISIONS)
_VIEWS = {CORRIDORS: N_("Corridors"), REVISIONS: N_("What the UN revised")}


def view_label(shown: str) -> str:
    return _(_VIEWS[shown])


# What the column beside the map shows (one at a time: each chart costs the browser as much as the map).
RANKED = "ranked"
AMONG_OTS = "ots"
SERIES = "series"
BESIDE = (RANKED, AMONG_OTS, SERIES)
_BESIDE = {RANKED: N_("Largest corridors"), AMONG_OTS: N_("Among OTS states"), SERIES: N_("One corridor over time")}

_MEASURES = {queries.STOCK: N_("Stocks"), queries.FLOW: N_("Flows (estimated)")}
_SEXES = {"total": N_("Both sexes"), "female": N_("Women"), "male": N_("Men")}
_DIRECTIONS = {queries.FROM: N_("Emigrants from"), queries.TO: N_("Immigrants to")}
_SCOPES = {MEMBERS_ONLY: N_("Member states only"), WITH_OBSERVERS: N_("Member and observer states"),
           ALL: N_("All countries"), GROUPED: N_("All, grouped by world region outside the region")}


def measure_label(measure: str) -> str:
    return _(_MEASURES[measure])


def beside_label(view: str) -> str:
    return _(_BESIDE[view])


def sex_label(sex: str) -> str:
    return _(_SEXES[sex])


def sex_names() -> dict[str, str]:
    return {sex: sex_label(sex) for sex in _SEXES}


def direction_label(direction: str) -> str:
    return _(_DIRECTIONS[direction])


def scope_label(scope: str) -> str:
    return _(_SCOPES[scope])


def partner_codes(scope: str) -> tuple[str, ...] | None:
    return {MEMBERS_ONLY: countries.MEMBERS, WITH_OBSERVERS: countries.OTS_STATES}.get(scope)


def kept_apart(scope: str) -> tuple[str, ...] | None:
    return KEPT_APART if scope == GROUPED else None


def labels_of(options, label) -> callable:
    """A format function with every label worded now, in the session's language: a widget may call it later
    outside the session (tests do), where the language is unknown."""
    worded = {option: label(option) for option in options}
    return lambda option: worded.get(option, str(option))


def time_formatter(times: pd.DataFrame, is_flow: bool):
    ends = dict(zip(times["time"], times["time_end"]))
    return lambda t: charts.period_label(t, ends.get(t, t), is_flow)


@dataclass(frozen=True)
class Selection:
    """What the reader chose, with the sentences that describe it."""

    measure: str
    when: int
    sex: str
    focus: str
    direction: str
    top: int
    scope: str
    times: pd.DataFrame
    edition: str  # the edition read: the stock edition chosen, or the flows' own

    @property
    def is_flow(self) -> bool:
        return self.measure == queries.FLOW

    @property
    def whole_world(self) -> bool:
        """The stock edition holds every pair of countries (2024), not only those with an OTS state (2020 copy)."""
        return not self.is_flow and editions.row(self.edition)["dataset"] == "un_desa_ims" and \
            editions.is_latest(self.edition)

    def years_text(self) -> str:
        return f"{int(self.times['time'].min())}–{int(self.times['time_end'].max())}" if len(self.times) else ""

    def period_text(self) -> str:
        return time_formatter(self.times, self.is_flow)(self.when)

    def heading(self) -> str:
        who = countries.name(self.focus)
        text = (_("Emigrants from {who}") if self.direction == queries.FROM else _("Immigrants to {who}"))
        return text.format(who=who) + f" · {self.period_text()}"

    def filters(self, focus: bool = True, whole_series: bool = False) -> tuple[tuple[str, str], ...]:
        items = [(_("Data"), measure_label(self.measure)), (_("Edition"), editions.short_name(self.edition))]
        if not whole_series:
            items += [(_("Period") if self.is_flow else _("Year"), self.period_text()),
                      (_("Sex"), sex_label(self.sex))]
        if focus:
            items += [(direction_label(self.direction), countries.name(self.focus)),
                      (_("Partners"), scope_label(self.scope)), (_("Corridors shown"), str(self.top))]
        return tuple(items)


def value_title(selection: Selection) -> str:
    return _("Persons who moved") if selection.is_flow else _("Persons living abroad")


def source_short(sources: pd.DataFrame) -> str:
    """The edition read, as a source line: "UN DESA, International Migrant Stock 2024 (released January 2025)"."""
    if sources.empty:
        return ""
    return editions.source_line(str(sources.iloc[0]["edition"]))


def meta(selection: Selection, sources: pd.DataFrame, title: str, slug: str, caveat_text: str,
         focus_filters: bool = True, whole_series: bool = False) -> ChartMeta:
    row = sources.iloc[0] if not sources.empty else None
    return ChartMeta(
        title=title, source=source_short(sources), licence=str(row["licence"]) if row is not None else "",
        data_date=selection.years_text() if whole_series else selection.period_text(),
        filters=selection.filters(focus_filters, whole_series), caveat=caveat_text, slug=slug)


def caveat(selection: Selection) -> str:
    if selection.is_flow:
        text = _("Flows are model estimates (Abel and Cohen), not registered moves: people who moved within the "
                 "five years, net of deaths and returns, and they cannot be added to stocks. Women and men were "
                 "estimated separately, so they need not add up to the total. They were computed from the UN's "
                 "2020 edition of the stocks, which its 2024 edition revised: beside the 2024 stocks they rest on "
                 "older figures.")
    elif selection.whole_world:
        text = _("Stocks, not flows: people living outside their country of birth (or citizenship) at mid-year. "
                 "Where the destination does not report the origin (the Gulf states and China give almost none), "
                 "the migrants are counted as “other or unknown”, listed but not drawn.")
    else:
        text = _("Stocks, not flows: people living outside their country of birth (or citizenship) at mid-year. "
                 "Origins reported only as “unknown” are missing: the Gulf states and China give almost no "
                 "origin detail, so a corridor such as Uzbekistan → United Arab Emirates reads zero. The UN's 2024 "
                 "edition revised these figures.")
        if not any(code in countries.OTS_STATES for code in countries.members_of(selection.focus)):
            text += " " + _("This edition holds only corridors with a member or observer state at one end.")
    return text


def map_caveat(selection: Selection) -> str:
    text = caveat(selection) + " " + _("Russia is the main destination of emigrants from the member states.")
    if selection.scope == GROUPED:
        text += " " + _("Partners other than the OTS states and Russia are grouped by world region; a region's "
                        "arc ends at the centre of its countries, weighted by persons.")
    return text


def series_caveat(selection: Selection) -> str:
    if selection.is_flow:
        return _("Each point is an estimate for a five-year period, drawn at its end. Women and men were estimated "
                 "separately, so they need not add up to the total.")
    return _("Stocks at mid-year, five years apart until 2020, then four (2024); a change between two years is not "
             "the number who moved.")


def legend() -> str:
    """The map's key: arc colours from origin to destination, circles by total."""
    origin, destination = html.escape(_("origin")), html.escape(_("destination"))
    circles = html.escape(_("circle: everyone leaving or arriving in the selection"))
    return (f"<span style='font-size:0.9rem'><span style='color:{charts.ORIGIN_COLOUR};font-weight:700'>━━</span> "
            f"{origin} → <span style='color:{charts.DESTINATION_COLOUR};font-weight:700'>━━</span> "
            f"{destination} · ● {circles}</span>")


def map_data(corridors: pd.DataFrame, top: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    shown = charts.shown_corridors(corridors, countries.table(), top, countries.name)
    nodes = charts.map_nodes(shown, charts.node_totals(corridors), countries.name)
    return shown, nodes


def unplaced_note(shown: pd.DataFrame, selection: Selection) -> str:
    """Corridors listed but not drawn, because one end has no place (origin "other or unknown")."""
    apart = shown[~shown["placed"]]
    if apart.empty:
        return ""
    listed = "; ".join(f"{o} → {d}: {fmt_int(p)}" for o, d, p in
                       zip(apart["origin_name"], apart["destination_name"], apart["persons"]))
    return _("Not on the map (no place to draw): {corridors}. They are in the list and the CSV.").format(
        corridors=listed)


def with_previous(shown: pd.DataFrame, earlier: pd.DataFrame | None) -> pd.DataFrame:
    """The shown corridors with the previous edition's figure for the same year and selection beside them
    (`previous_persons`, empty where the previous edition has none). Only for a focus of OTS states, whose every
    corridor the previous edition's copy holds."""
    if earlier is None:
        return shown
    before = earlier.set_index(["origin_code", "destination_code"])["persons"]
    keys = list(zip(shown["origin_code"], shown["destination_code"]))
    return shown.assign(previous_persons=pd.array(before.reindex(keys).to_numpy(), dtype="Int64"))


def draw_map(shown: pd.DataFrame, nodes: pd.DataFrame, selection: Selection, sources: pd.DataFrame) -> None:
    """The corridor map with its key, caveat, CSV of its corridors and a PNG drawn on demand.

    The WebGL map cannot be captured on the server, so the PNG is a static drawing of the same corridors
    over the same outlines, built only when the button is clicked.
    """
    st.markdown(legend(), unsafe_allow_html=True)
    before = previous_of(selection) if "previous_persons" in shown else None
    deck = cached.figure(charts.corridor_map, shown, nodes, selection.period_text(), source_short(sources),
                         previous_name=editions.row(before)["title"] if before else "")
    st.pydeck_chart(deck, height=charts.MAP_HEIGHT, key="map_corridors")
    chart_meta = meta(selection, sources, _("Corridors on the map"), "corridor-map", map_caveat(selection))
    ui.caveat(chart_meta.caveat)
    apart = unplaced_note(shown, selection)
    if apart:
        st.caption(apart)
    labels = ui.export_labels()
    legend_names = (_("Origin"), _("Destination"))

    def png() -> bytes:
        return png_bytes(charts.map_snapshot(shown, nodes, *legend_names), chart_meta, labels)

    ui.export_buttons(chart_meta, corridor_table(shown, selection), png, "corridors")


def corridor_table(shown: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The corridors as the CSV gives them: plain column names, codes and names, persons as numbers, the edition,
    and the destination's data types (counted by citizenship, refugees included, imputed)."""
    return pd.DataFrame({
        _("Origin code"): shown["origin_code"], _("Origin"): shown["origin_name"],
        _("Destination code"): shown["destination_code"], _("Destination"): shown["destination_name"],
        value_title(selection): shown["persons"].astype("int64"),
        _("Period") if selection.is_flow else _("Year"): selection.period_text(),
        _("Sex"): sex_label(selection.sex), _("Edition"): editions.short_name(selection.edition),
        **stock_types.table_columns(shown.reset_index(drop=True)),
        **({f"{value_title(selection)} — {editions.row(previous_of(selection))['title']}":
            shown["previous_persons"].reset_index(drop=True)} if "previous_persons" in shown else {}),
    })


def previous_of(selection: Selection) -> str | None:
    """The stock edition before the one shown, when the year is one it covers too (None otherwise)."""
    if selection.is_flow or not editions.is_latest(selection.edition):
        return None
    return editions.of("un_desa_ims", editions.PREVIOUS)


def links_table(links: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    return pd.DataFrame({
        _("Origin code"): links["origin_iso3"], _("Origin"): [countries.name(c) for c in links["origin_iso3"]],
        _("Destination code"): links["destination_iso3"],
        _("Destination"): [countries.name(c) for c in links["destination_iso3"]],
        value_title(selection): links["persons"].astype("int64"),
        _("Period") if selection.is_flow else _("Year"): selection.period_text(),
        _("Sex"): sex_label(selection.sex), _("Edition"): editions.short_name(selection.edition),
        **stock_types.table_columns(links.reset_index(drop=True)),
    })


def series_table(series: pd.DataFrame, origin: str, destination: str, is_flow: bool, edition: str,
                 previous: pd.DataFrame | None = None, previous_name: str = "") -> pd.DataFrame:
    wide = series.pivot_table(index=["time", "time_end"], columns="sex", values="persons", aggfunc="sum")
    wide = wide.reindex(columns=list(_SEXES)).reset_index()
    types = series[series["sex"] == "total"].drop_duplicates("time").set_index("time").reindex(wide["time"])
    table = pd.DataFrame({
        _("Origin"): countries.name(origin), _("Destination"): countries.name(destination),
        _("Period") if is_flow else _("Year"): [charts.period_label(a, b, is_flow)
                                               for a, b in zip(wide["time"], wide["time_end"])],
        **{sex_label(sex): wide[sex].astype("Int64") for sex in _SEXES},
        _("Edition"): editions.short_name(edition),
        **stock_types.table_columns(types.reset_index(drop=True)),
    })
    if previous is not None and not previous.empty:
        before = previous[previous["sex"] == "total"].set_index("time")["persons"]
        table[f"{sex_label('total')} — {previous_name}"] = pd.array(before.reindex(wide["time"]).to_numpy(),
                                                                  dtype="Int64")
    return table


def corridor_choices(shown: pd.DataFrame) -> list[str]:
    """Country-to-country corridors of the map (grouped regions have no single series), as "ORIGIN>DEST"."""
    return [f"{o}>{d}" for o, d in zip(shown["origin_code"], shown["destination_code"])
            if not charts.is_region(o) and not charts.is_region(d)]


def pair_label(pair: str) -> str:
    origin, destination = pair.split(">")
    return f"{countries.name(origin)} → {countries.name(destination)}"


def explain_empty(selection: Selection, times_with_data: pd.DataFrame) -> None:
    """Say why nothing is drawn, and what to choose instead."""
    who = countries.name(selection.focus)
    moving = (_("emigrants from {who}") if selection.direction == queries.FROM else _("immigrants to {who}")).format(
        who=who)
    if times_with_data.empty:
        if selection.whole_world:
            ui.empty(_("The data hold no {moving} ({sex}): the UN gives no figure for them. Choose another country "
                       "or the other direction.").format(moving=moving, sex=sex_label(selection.sex)))
        else:
            ui.empty(_("The data hold no {moving} ({sex}). This edition covers corridors with an OTS member or "
                       "observer state at one end; choose one of those states, “OTS member states”, the other "
                       "direction, or the latest edition.").format(moving=moving, sex=sex_label(selection.sex)))
        return
    if selection.when not in set(times_with_data["time"]):
        available = ", ".join(time_formatter(selection.times, selection.is_flow)(t) for t in times_with_data["time"])
        ui.empty(_("Every corridor of {moving} reads zero in {period}. Figures exist for: {available}.").format(
            moving=moving, period=selection.period_text(), available=available))
        return
    ui.empty(_("None of the {moving} in {period} went to the partners chosen ({scope}). Choose “All countries” "
               "as partners.").format(moving=moving, period=selection.period_text(),
                                      scope=scope_label(selection.scope)))
