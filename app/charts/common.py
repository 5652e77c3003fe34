"""Pieces every chart of the dashboard shares: meeting markers, how a reported figure is written, sources.

- `add_meeting_markers` draws the group's meetings as dated vertical lines on any chart over time,
  so a reader sees figures and decisions on one axis (date axes and year axes alike).
- `qualified`, `figure_text`, `date_text` write a reported figure the way its source did:
  "at least 2,750,000 persons", with the date it refers to. Never a bare number for such figures.
- `GROUPS` names, colours and explains the kinds of reported figures, which must never be mixed.
- `chart_meta` turns rows of the `sources` table into a ChartMeta for the exports.

Numbers and dates a chart writes by itself are put in the reader's language by `app.charts.localise`.
Everything here is pure (frames in, figures or text out) and reads no data itself.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go

from app.export import ChartMeta
from app.i18n import N_, _, fmt_date, fmt_int, in_language

MEETING_COLOUR = "#00688B"
FONT = "sans-serif"

# ---------------------------------------------------------------- meetings


def _as_date(value) -> date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def fractional_year(value) -> float:
    """A date as a position on a year axis (7 May 2020 -> 2020.35)."""
    day = _as_date(value)
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def short_title(title: str, width: int = 52) -> str:
    """A meeting's name cut to one short line (the full name is in the hover)."""
    title = " ".join(str(title).split())
    if len(title) <= width:
        return title
    return title[:width].rsplit(" ", 1)[0].rstrip(" ,;") + "…"


MEETING_LABEL_HEIGHT = 16  # pixels per meeting label line above the plot


def add_meeting_markers(fig: go.Figure, meetings: pd.DataFrame, axis: str = "date",
                        span: tuple | None = None) -> go.Figure:
    """Draw each meeting as a dotted vertical line, labelled above the plot with its date and name.

    `meetings` has `meeting_date` and `title` (with `title_ru`, `title_tr` when it comes from the database: the
    reader's language is used). `axis` is "date" for a date axis or "year" for an axis of
    calendar years (the meeting is placed at its fraction of the year). `span` (first, last x of the data)
    keeps only meetings inside the data's range and puts each label on the side of its line with room.
    On charts with subplots the line crosses every panel. Labels are stacked one per line in the top
    margin, so they never cover data; the legend moves below the chart to make room.
    """
    if meetings is None or meetings.empty:
        return fig
    if "title_en" not in meetings.columns:  # the meetings' names in the reader's language, where the data has them
        meetings = in_language(meetings, "title")
    rows = meetings.dropna(subset=["meeting_date"]).sort_values("meeting_date")
    positions = []
    for row in rows.itertuples():
        day = _as_date(row.meeting_date)
        x = fractional_year(day) if axis == "year" else day.isoformat()
        positions.append((day, x, str(row.title)))
    middle = None
    if span is not None:
        middle = _normalise_span(span, axis)
        positions = [p for p in positions if middle[0] <= p[1] <= middle[1]]
    if not positions:
        return fig
    for index, (day, x, title) in enumerate(positions):
        fig.add_shape(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1,
                      line={"color": MEETING_COLOUR, "width": 1.5, "dash": "dot"}, layer="above")
        left_of_line = _in_right_half(x, middle, axis)
        label = "<b>{date}</b> {name}".format(date=fmt_date(day), name=plotly_escape(short_title(title)))
        fig.add_annotation(
            x=x, xref="x", y=1, yref="paper", yanchor="bottom",
            yshift=4 + MEETING_LABEL_HEIGHT * (len(positions) - 1 - index),
            xanchor="right" if left_of_line else "left", xshift=2 if left_of_line else -2,
            text=("{label} ▾" if left_of_line else "▾ {label}").format(label=label),
            hovertext=_("Meeting of {date}: {title}").format(date=fmt_date(day, "long"), title=plotly_escape(title)),
            showarrow=False, font={"size": 11, "color": MEETING_COLOUR},
        )
    top = (fig.layout.margin.t or 0) if fig.layout.margin else 0
    fig.update_layout(
        margin={"t": max(top, 14 + MEETING_LABEL_HEIGHT * len(positions) + 12)},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
    )
    bottom = fig.layout.margin.b or 0
    fig.update_layout(margin={"b": max(bottom, 80)})
    return fig


def _normalise_span(span: tuple, axis: str) -> tuple:
    low, high = span
    if axis == "year":
        return tuple(float(v) if isinstance(v, (int, float)) else fractional_year(v) for v in (low, high))
    return tuple(_as_date(v).isoformat() for v in (low, high))


def _in_right_half(x, span, axis: str) -> bool:
    if span is None:
        return False
    low, high = span
    if axis == "date":
        low, high, x = (fractional_year(v) for v in (low, high, x))
    return high > low and (x - low) / (high - low) > 0.6


# ---------------------------------------------------------------- reported figures

# How sources qualify a figure, in the reader's language. The number goes where {value} is.
QUALIFIERS = {
    "at least": N_("at least {value}"),
    "about": N_("about {value}"),
    "approx.": N_("approximately {value}"),
    "more than": N_("more than {value}"),
    "over": N_("over {value}"),
    "nearly": N_("nearly {value}"),
    "some": N_("some {value}"),
}
UNITS = {
    "persons": N_("persons"),
    "entries": N_("entries"),
    "permits": N_("permits"),
    "restrictions": N_("restrictions"),
}


@dataclass(frozen=True)
class Group:
    """A kind of reported figure: only figures of one group may be compared with each other."""

    label: str
    colour: str
    explanation: str


GROUPS = {
    "stranded": Group(N_("Stranded"), "#B2182B",
                      N_("people who could not get home, or were waiting to be brought home, at the date given")),
    "registered": Group(N_("Registered to return"), "#7B3294",
                        N_("people who put their names on an embassy's or consulate's list to be brought home; "
                           "a wish to return, not a count of people returned")),
    "repatriated": Group(N_("Repatriated"), "#1A9850",
                         N_("citizens brought home by flights, buses or ferries their state organised, counted "
                            "up to the date given (planned evacuations included, and marked as such)")),
    "returned": Group(N_("Returned labour migrants"), "#2166AC",
                      N_("labour migrants who came home over the period, by any means, organised or not")),
    "context": Group(N_("Context"), "#8C8C8C",
                     N_("other counts reported alongside, such as citizens abroad or travel restrictions; "
                        "not counts of stranded people")),
    "entries": Group(N_("Entries for work or study"), "#E08214",
                     N_("border crossings declaring work or study as purpose; one person can enter several "
                        "times, so these are not persons and not stocks")),
    "permits": Group(N_("Work and residence permits"), "#5E3C99",
                     N_("permits valid or issued at the date given; Kazakh work permits cover only the quota "
                        "for skilled workers, and most Uzbek and Kyrgyz workers in Kazakhstan are outside it")),
    "workers": Group(N_("Workers abroad or employed"), "#1B7837",
                     N_("labour migrants counted at a date by the country of origin or of work")),
}
GROUP_ORDER = tuple(GROUPS)

INDICATORS = {
    "migrants_stranded": N_("Migrants stranded worldwide"),
    "stranded_migrants_requesting_return_assistance": N_("Stranded migrants asking IOM for help to return"),
    "mobility_restrictions_in_force": N_("Movement restrictions in force"),
    "migrants_stranded_asia_pacific": N_("Migrants stranded in Asia and the Pacific"),
    "travel_restrictions_issued": N_("Travel restrictions issued"),
    "citizens_registered_for_repatriation": N_("Citizens registered to be brought home"),
    "citizens_registered_for_repatriation_consulates": N_("Citizens on consulates' lists to be brought home"),
    "citizens_repatriated": N_("Citizens brought home"),
    "citizens_repatriated_charter": N_("Citizens brought home on charter flights"),
    "citizens_repatriated_land_border": N_("Citizens brought home across a land border"),
    "citizens_repatriated_ferry": N_("Citizens brought home by ferry"),
    "citizens_planned_evacuation": N_("Citizens to be evacuated (planned)"),
    "citizens_unable_to_return": N_("Citizens unable to return"),
    "citizens_waiting_for_repatriation": N_("Citizens asking to be brought home"),
    "citizens_travelled_abroad": N_("Citizens who travelled abroad"),
    "citizens_abroad": N_("Citizens staying abroad"),
    "labour_migrants_returned": N_("Labour migrants who returned home"),
    "entries_for_work": N_("Entries for work"),
    "entries_for_study": N_("Entries for study"),
    "foreigners_registered_moscow": N_("Foreigners registered in Moscow"),
    "foreign_work_permits_valid": N_("Valid work permits"),
    "foreign_workers_employed": N_("Foreign workers employed"),
    "residence_permits_received": N_("Residence permits received"),
    "residence_permit_holders": N_("Residence permit holders"),
    "organised_employment_abroad": N_("Placed abroad by labour agencies"),
    "labour_migrants_abroad_stock": N_("Labour migrants working abroad"),
}


# Figures whose kind needs a word more wherever they are shown alone (a bar label, a table cell).
PLANNED = {"citizens_planned_evacuation"}


def figure_note(indicator: str) -> str:
    """ " (planned)" for figures that announce rather than count; empty otherwise."""
    return " ({note})".format(note=_("planned")) if indicator in PLANNED else ""


def group_label(group: str) -> str:
    return _(GROUPS[group].label) if group in GROUPS else str(group).replace("_", " ").capitalize()


def group_colour(group: str) -> str:
    return GROUPS[group].colour if group in GROUPS else "#666666"


def group_explanation(group: str) -> str:
    return _(GROUPS[group].explanation) if group in GROUPS else ""


def indicator_label(indicator: str) -> str:
    """What was counted, in words (indicators added by submissions fall back to their code in words)."""
    if indicator in INDICATORS:
        return _(INDICATORS[indicator])
    return str(indicator).replace("_", " ").capitalize()


def origin_label(origin) -> str:
    """Where a reported figure comes from: the built database, or a member state's submission in the app."""
    return _("submitted in the dashboard") if origin == "submission" else _("database")


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""


def has_value(value) -> bool:
    """False for None, NaN, NA, NaT and empty text: a figure that is not there (never to be shown as 0)."""
    return not _missing(value)


def qualified(value, qualifier=None) -> str:
    """The number as the source gave it: "at least 2,750,000", "nearly 70,000", "11,784"."""
    number = fmt_int(value)
    if _missing(qualifier):
        return number
    qualifier = str(qualifier).strip()
    if qualifier in QUALIFIERS:
        return _(QUALIFIERS[qualifier]).format(value=number)
    return f"{qualifier} {number}"


def unit_label(unit_base) -> str:
    if _missing(unit_base):
        return ""
    return _(UNITS[unit_base]) if unit_base in UNITS else str(unit_base)


def figure_text(value, qualifier=None, unit_base=None) -> str:
    """ "at least 2,750,000 persons" """
    unit = unit_label(unit_base)
    return f"{qualified(value, qualifier)} {unit}".strip()


def date_text(period_start=None, period_end=None, source_date=None) -> str:
    """When a figure applies: a period, a date, or the date it was published when that is all there is."""
    start, end, published = (_as_date(v) for v in (period_start, period_end, source_date))
    if start and end and start != end:
        return _("{start} – {end}").format(start=fmt_date(start), end=fmt_date(end))
    if end:
        return fmt_date(end)
    if published:
        return _("published {date}").format(date=fmt_date(published))
    if start:
        return _("since {date}").format(date=fmt_date(start))
    return _("date not given")


# ---------------------------------------------------------------- text from the data


def plotly_escape(text) -> str:
    """Text from the data, shown as typed in plotly labels and hovers (which read <b>, <a>, <br> as tags)."""
    if _missing(text):
        return ""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def md_escape(text) -> str:
    """Text from the data, safe inside Streamlit markdown (shown as typed, never as formatting or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", "" if _missing(text) else str(text))


def safe_url(url) -> str | None:
    """The URL if it is a plain http(s) address, with characters that would break a markdown link encoded."""
    if _missing(url):
        return None
    url = str(url).strip()
    if not re.match(r"^https?://[^\s<>\"]+$", url):
        return None
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def md_link(text, url) -> str:
    """A markdown link with escaped text; just the escaped text if the URL is missing or not http(s)."""
    address = safe_url(url)
    return f"[{md_escape(text)}]({address})" if address else md_escape(text)


# ---------------------------------------------------------------- sources for exports


def source_text(sources: pd.DataFrame) -> tuple[str, str]:
    """(source line, licence) from rows of the `sources` table, one entry per distinct data set."""
    if sources is None or sources.empty:
        return "", ""
    rows = sources.drop_duplicates(subset=["dataset"])
    source = "; ".join(f"{r.publisher}, {r.dataset}" for r in rows.itertuples())
    licence = "; ".join(dict.fromkeys(str(r.licence) for r in rows.itertuples() if r.licence))
    return source, licence


def chart_meta(sources: pd.DataFrame, title: str, slug: str, filters=(), caveat: str = "",
               data_date: str = "") -> ChartMeta:
    source, licence = source_text(sources)
    return ChartMeta(title=title, source=source, licence=licence, data_date=data_date,
                     filters=tuple((str(k), str(v)) for k, v in filters), caveat=caveat, slug=slug)


def log_ticks(values, most: int = 5) -> dict:
    """Axis settings for a log axis labelled in whole numbers ("1,000", "2,000", "5,000") instead of plotly's
    bare minor digits: 1-2-5 steps over `values`, or powers of ten when that would be more than `most`."""
    numbers = [float(v) for v in values if v is not None and v == v and v > 0]
    if not numbers:
        return {"type": "log"}
    low, high = min(numbers), max(numbers)
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    steps = [10 ** p * step for p in range(first, last + 1) for step in (1, 2, 5)]
    below = [t for t in steps if t <= low][-1]
    above = [t for t in steps if t >= high][0]
    chosen = [t for t in steps if below <= t <= above]
    if len(chosen) > most:
        chosen = [10 ** p for p in range(first, max(last, first + 1) + 1)]
    return {"type": "log", "tickvals": chosen, "ticktext": [fmt_int(t) for t in chosen],
            "range": [math.log10(chosen[0]) - 0.08, math.log10(chosen[-1]) + 0.08]}


def base_layout(fig: go.Figure, height: int | None = None, legend_title: str = "") -> go.Figure:
    """The house look: white background, light grid, legend on top, room for meeting labels."""
    fig.update_layout(
        template="plotly_white", font={"family": FONT, "size": 13}, margin={"t": 40, "b": 40, "l": 10, "r": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": {"text": legend_title}},
        hoverlabel={"align": "left"},
    )
    if height:
        fig.update_layout(height=height)
    return fig
