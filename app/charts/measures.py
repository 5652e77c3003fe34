"""Figures of the Agreed measures page: the status matrix, the timeline, the summary per state.

Pure builders: frames from `app.queries.measures` in, plotly figures out. Colour always means a
status (`palette.STATUS_COLOURS`), and each cell also says its status in words, for readers who do
not tell the colours apart. Titles and notes typed by editors are escaped: plotly reads <b>, <a> as tags.
"""
from __future__ import annotations

import textwrap
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from app.charts.common import add_meeting_markers, base_layout, plotly_escape
from app.i18n import _, fmt_date, fmt_int
from app.store.measures import STATUSES, status_label
from app.palette import STATUS_COLOURS

Namer = Callable[[str], str]
STATUS_ORDER = STATUSES
OUTLINE = "#8C8C8C"  # "not recorded" is white: cells, bars and markers get a grey edge
CELL_GAP = 3
ROW_HEIGHT = 46


def wrap(text, width: int = 48, lines: int = 2) -> str:
    """Escaped text on at most `lines` short lines, for axis labels (the full text is in the hover)."""
    parts = textwrap.wrap(str(text), width=width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1].rstrip(" ,;") + "…"
    return "<br>".join(plotly_escape(part) for part in parts)


def cell_words(label: str, width: int = 10) -> str:
    """A status as written in a matrix cell: a long label of several words on two lines ("не<br>зафиксировано",
    "talep<br>edildi"), so that it fits a narrow column in Russian and Turkish too."""
    words = label.split(" ")
    if len(label) <= width or len(words) < 2:
        return plotly_escape(label)
    best = min(range(1, len(words)), key=lambda cut: abs(len(" ".join(words[:cut])) - len(" ".join(words[cut:]))))
    return plotly_escape(" ".join(words[:best])) + "<br>" + plotly_escape(" ".join(words[best:]))


def meeting_label(meeting_date, meeting_title) -> str:
    return "{date}<br>{title}".format(date=fmt_date(meeting_date), title=wrap(meeting_title, 18, 3))


def _legend_entries(fig: go.Figure, statuses, marker_symbol: str = "square") -> None:
    for status in statuses:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=status_label(status), showlegend=True,
                                 marker={"symbol": marker_symbol, "size": 14, "color": STATUS_COLOURS[status],
                                         "line": {"color": OUTLINE, "width": 1}},
                                 hoverinfo="skip"))


def status_matrix(current: pd.DataFrame, states: list[str], name: Namer,
                  shown_statuses: tuple[str, ...] = STATUS_ORDER) -> go.Figure:
    """Measures (rows, grouped by meeting) × states (columns), each cell coloured by its current status.

    `current` is `current_status` (already filtered to the measures and states shown); cells whose status
    is not in `shown_statuses` stay blank.
    """
    rows = (current[["measure_id", "meeting_id", "meeting_date", "meeting_title", "measure_title"]]
            .drop_duplicates("measure_id").sort_values(["meeting_date", "meeting_id", "measure_id"]))
    codes = {status: index for index, status in enumerate(STATUS_ORDER)}
    by_cell = current.set_index(["measure_id", "country_iso3"])
    z, text, hover = [], [], []
    for row in rows.itertuples():
        z_row, text_row, hover_row = [], [], []
        for state in states:
            found = by_cell.loc[(row.measure_id, state)] if (row.measure_id, state) in by_cell.index else None
            status = found["status"] if found is not None else "not recorded"
            shown = status in shown_statuses
            z_row.append(codes[status] if shown else None)
            text_row.append(cell_words(status_label(status)) if shown else "")
            as_of = found["as_of"] if found is not None else None
            evidence = found.get("evidence") if found is not None else None
            hover_row.append("<br>".join(part for part in [
                "<b>{measure}</b>".format(measure=wrap(row.measure_title, 60, 3)),
                name(state),
                _("Status: {status}").format(status=status_label(status)),
                _("Since: {date}").format(date=fmt_date(as_of)) if as_of is not None and as_of == as_of else "",
                "<i>{evidence}</i>".format(evidence=wrap(evidence, 60, 4)) if isinstance(evidence, str) else "",
            ] if part))
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    # One band of colour per status code: a discrete scale over 0..4.
    steps = len(STATUS_ORDER)
    colourscale = []
    for index, status in enumerate(STATUS_ORDER):
        colourscale += [[index / steps, STATUS_COLOURS[status]], [(index + 1) / steps, STATUS_COLOURS[status]]]
    y = [[meeting_label(r.meeting_date, r.meeting_title) for r in rows.itertuples()],
         [wrap(r.measure_title, 26, 3) for r in rows.itertuples()]]
    longest = max((len(line) for row in text for cell in row for line in cell.split("<br>")), default=0)
    size = 11 if longest <= 10 else 10 if longest <= 13 else 9  # "kararlaştırıldı" must fit a column too
    fig = go.Figure(go.Heatmap(
        z=z, x=[name(state) for state in states], y=y, zmin=0, zmax=steps, colorscale=colourscale, showscale=False,
        text=text, texttemplate="%{text}", textfont={"size": size, "color": "#1A1A1A"},
        customdata=hover, hovertemplate="%{customdata}<extra></extra>", xgap=CELL_GAP, ygap=CELL_GAP,
    ))
    _legend_entries(fig, STATUS_ORDER)
    base_layout(fig, legend_title=_("Current status"))
    fig.update_layout(
        height=140 + ROW_HEIGHT * max(len(rows), 1), plot_bgcolor=OUTLINE,
        xaxis={"side": "top", "showgrid": False, "title": None, "tickfont": {"size": 12}},
        yaxis={"autorange": "reversed", "showgrid": False, "title": None, "tickfont": {"size": 11}},
        legend={"y": -0.02, "yanchor": "top"}, margin={"t": 60, "b": 50, "l": 10, "r": 10},
    )
    return fig


def _bubble_size(count: int) -> float:
    return 9 + 4 * (count ** 0.5)


def status_timeline(history: pd.DataFrame, meetings: pd.DataFrame, states: list[str], name: Namer) -> go.Figure:
    """Each recorded status as a dot on a time line per state (bigger dots: more measures that day); meetings
    as dotted lines, labelled above the plot."""
    fig = go.Figure()
    if not history.empty:
        frame = history.copy()
        frame["as_of"] = pd.to_datetime(frame["as_of"])
        grouped = (frame.groupby(["country_iso3", "as_of", "status"], sort=True)
                   .agg(count=("measure_id", "size"), titles=("measure_title", list)).reset_index())
        for status in STATUS_ORDER:
            part = grouped[grouped["status"] == status]
            if part.empty:
                continue
            hover = [
                "<b>{state}</b> · {date}<br>{status}: {n}<br>{titles}".format(
                    state=name(r.country_iso3), date=fmt_date(r.as_of), status=status_label(status), n=r.count,
                    titles="<br>".join("• " + wrap(t, 60, 1) for t in r.titles[:8])
                    + ("<br>…" if len(r.titles) > 8 else ""))
                for r in part.itertuples()]
            fig.add_trace(go.Scatter(
                x=part["as_of"], y=[name(code) for code in part["country_iso3"]], mode="markers",
                name=status_label(status),
                marker={"size": [_bubble_size(n) for n in part["count"]], "color": STATUS_COLOURS[status],
                        "line": {"color": OUTLINE, "width": 1}, "opacity": 0.9},
                customdata=hover, hovertemplate="%{customdata}<extra></extra>"))
    base_layout(fig, legend_title=_("Status recorded"))
    fig.update_layout(
        height=140 + 38 * max(len(states), 1), showlegend=True,
        xaxis={"title": None, "type": "date"},
        yaxis={"title": None, "categoryorder": "array", "categoryarray": [name(s) for s in reversed(states)]},
        margin={"t": 50, "b": 30, "l": 10, "r": 10},
    )
    if not meetings.empty:
        add_meeting_markers(fig, meetings)
    return fig


def state_summary(summary: pd.DataFrame, name: Namer) -> go.Figure:
    """Per state, its measures by current status (stacked), with "n of m implemented" at the end of each bar.

    m counts the measures the state committed to (agreed, in progress, implemented): a measure it asked for
    or is not recorded on is neither a commitment nor a failure, so it is shown but not counted in m.
    """
    frame = summary.iloc[::-1]  # first state on top
    labels = [name(code) for code in frame["country_iso3"]]
    columns = {"implemented": "implemented", "in progress": "in_progress", "agreed": "agreed",
               "requested": "requested", "not recorded": "not_recorded", "not applicable": "not_applicable"}
    fig = go.Figure()
    for status, column in columns.items():
        fig.add_trace(go.Bar(
            y=labels, x=frame[column], orientation="h", name=status_label(status),
            marker={"color": STATUS_COLOURS[status], "line": {"color": OUTLINE, "width": 0.5}},
            hovertemplate="%{y}<br>" + plotly_escape(status_label(status)) + ": %{x}<extra></extra>"))
    for label, row in zip(labels, frame.itertuples()):
        text = (_("{implemented} of {committed} implemented").format(
                    implemented=fmt_int(row.implemented), committed=fmt_int(row.committed))
                if row.committed else _("no commitment recorded"))
        fig.add_annotation(x=row.measures, y=label, xanchor="left", xshift=6, showarrow=False, text=text,
                           font={"size": 12})
    base_layout(fig, legend_title=_("Current status"))
    most = int(frame["measures"].max()) if not frame.empty else 1
    fig.update_layout(barmode="stack", height=110 + 38 * max(len(frame), 1), legend={"traceorder": "normal"},
                      xaxis={"title": _("Measures"), "range": [0, most * 1.45], "dtick": 1},
                      yaxis={"title": None}, margin={"t": 40, "b": 40, "l": 10, "r": 10})
    return fig
