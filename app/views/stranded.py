"""The Stranded citizens page's words: the world's figures as cards, the filters' names, what each chart's export
says it is, and why nothing matches a selection."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from app import countries, ui
from app.charts import common as texts
from app.export import ChartMeta
from app.i18n import _, fmt_date
from app.queries import stranded as queries

ALL = "all"


def show_world(world: pd.DataFrame) -> None:
    """The world's figures, as IOM counted them: one card each, with its date and source."""
    for column, row in zip(st.columns(max(len(world), 1)), world.itertuples()):
        with column.container(border=True):
            st.markdown(f"**{texts.md_escape(texts.figure_text(row.value, row.qualifier, row.unit_base))}**")
            st.caption(texts.md_escape(texts.indicator_label(row.indicator)))
            st.caption(texts.md_link(texts.date_text(row.period_start, row.period_end, row.source_date),
                                     row.source_url) + " · " + texts.md_escape(row.source_publisher))


def nationality_label(code: str) -> str:
    return _("All nationalities") if code == ALL else countries.name(code)


def stay_label(code: str) -> str:
    return {ALL: _("All countries"), queries.SEVERAL_COUNTRIES: _("Several or unnamed countries")}.get(code) \
        or countries.name(code)


def stays(values: pd.DataFrame) -> list[str]:
    """Countries of stay to choose: all, the OTS states, the others by name, then "several"."""
    others = sorted(set(values["location_iso3"]) - {queries.SEVERAL_COUNTRIES} - set(countries.OTS_STATES),
                    key=countries.name)
    return [ALL, *countries.OTS_STATES, *others, queries.SEVERAL_COUNTRIES]


def explain_kinds(present: list[str]) -> None:
    with st.expander(_("Stranded, registered, repatriated, returned: what each kind counts"), expanded=False):
        st.markdown("\n".join(f"- **{texts.group_label(g)}**: {texts.group_explanation(g)}" for g in present))


def period_text(date_from, date_to) -> str:
    return f"{fmt_date(date_from)} – {fmt_date(date_to)}"


def filters(nationality: str, location: str, groups: list[str], date_from, date_to) -> tuple:
    """The filters as exports name them."""
    return ((_("Nationality"), countries.name(nationality) if nationality != ALL else _("All nationalities")),
            (_("Country of stay"), _("All countries") if location == ALL else
             _("Several or unnamed countries") if location == queries.SEVERAL_COUNTRIES else countries.name(location)),
            (_("Kind of figure"), ", ".join(texts.group_label(g) for g in groups)),
            (_("Dates"), period_text(date_from, date_to)))


def explain_empty(nationality: str, values: pd.DataFrame) -> None:
    """Nothing matches: say whether the nationality has no figures at all, or the filters are too narrow."""
    if nationality != ALL and nationality not in set(values["nationality_iso3"]):
        ui.empty(_("No figures on citizens of {country} stranded abroad or brought home have been reported. A "
                   "member state can add them on the “Submit figures” page.").format(
            country=countries.name(nationality)))
    else:
        ui.empty(_("No reported figure matches these filters. Choose “All nationalities”, “All countries” or "
                   "more kinds of figure, or widen the dates."))


def meta(view: str, sources: pd.DataFrame, filter_lines: tuple, period: str) -> ChartMeta:
    """What the export of a section (map, ranking, timeline, table) says it is, with the filters and dates."""
    title, slug, caveat = {
        "map": (_("Citizens stranded and brought home: latest figure per country pair"), "stranded-map", _(
            "Arcs run from the country of stay to the home country; circles mark figures for several countries at "
            "once. Width shows the latest figure of each kind for the pair: a size, not a sum.")),
        "ranking": (_("Latest reported figure per nationality and country of stay, by kind"), "stranded-ranking", _(
            "Each panel ranks one kind of figure only, and only the latest figure for each pair: earlier figures "
            "are included in later ones. Bars of different panels are not comparable, and none may be added.")),
        "timeline": (_("Reported figures on stranded and repatriated citizens over 2020"), "stranded-timeline", _(
            "A dot is a figure at the date it refers to; a line before it shows the period it counts. Dotted lines "
            "mark the group's meetings. The scale is logarithmic.")),
        "table": (_("Reported figures on stranded and repatriated citizens"), "stranded-figures", ""),
    }[view]
    return texts.chart_meta(sources, title, slug, filter_lines, caveat=caveat, data_date=period)
