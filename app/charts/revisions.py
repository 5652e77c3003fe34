"""Figures of "What the UN revised": the same figure as two editions give it, side by side.

A dumbbell per row: a hollow mark at the previous edition's figure, a filled one
at the latest's, a line between them coloured by the direction of the revision.
Pure: frames in, figures and export tables out; names through the `name`
function the caller passes, every word already translated by the caller.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from app.charts import stock_types
from app.i18n import _, fmt_int, fmt_percent

Namer = Callable[[str], str]
DOWN, UP = "#B2182B", "#2166AC"  # revised down, revised up (colour-blind safe pair)


def row_label(row, name: Namer) -> str:
    if "origin_iso3" in row:
        return f"{name(row['origin_iso3'])} → {name(row['destination_iso3'])}"
    return name(row["iso3"])


def revision_text(previous, latest, change_pct=None) -> str:
    """ "11,636,911 → 7,297,611 (−37.3 %)"; "… → not estimated" where the latest edition gives no figure."""
    if latest is None or pd.isna(latest):
        return _("{previous} → not estimated").format(previous=fmt_int(previous))
    text = f"{fmt_int(previous)} → {fmt_int(latest)}"
    if change_pct is not None and not pd.isna(change_pct):
        sign = "+" if change_pct > 0 else "−" if change_pct < 0 else "±"
        text += f" ({sign}{fmt_percent(abs(change_pct), 1)})"
    return text


def dumbbells(revisions: pd.DataFrame, name: Namer, previous_label: str, latest_label: str,
              value_title: str) -> go.Figure:
    """The largest revisions, largest on top: previous edition (hollow), latest (filled), a line between."""
    frame = revisions.iloc[::-1].reset_index(drop=True)
    labels = [row_label(row, name) + stock_types.marks(row.get("basis_citizenship"), row.get("refugees_added"),
                                                       row.get("imputed"))
              for _i, row in frame.iterrows()]
    latest = frame["latest_persons"].astype("float")
    fig = go.Figure()
    for label, before, after in zip(labels, frame["previous_persons"].astype("float"), latest):
        if pd.isna(after):
            continue
        fig.add_trace(go.Scatter(x=[before, after], y=[label, label], mode="lines", hoverinfo="skip",
                                 showlegend=False, line={"color": UP if after > before else DOWN, "width": 3}))
    hover = [revision_text(p, l, c) for p, l, c in zip(frame["previous_persons"], frame["latest_persons"],
                                                     frame["change_pct"])]
    fig.add_trace(go.Scatter(x=frame["previous_persons"].astype("float"), y=labels, mode="markers",
                             name=previous_label, marker={"symbol": "circle-open", "size": 11, "color": "#1B2631",
                                                          "line": {"width": 2}},
                             customdata=hover, hovertemplate="%{y}<br>%{customdata}<extra></extra>"))
    fig.add_trace(go.Scatter(x=latest, y=labels, mode="markers", name=latest_label,
                             marker={"symbol": "circle", "size": 11, "color": "#1B2631"},
                             customdata=hover, hovertemplate="%{y}<br>%{customdata}<extra></extra>"))
    fig.update_layout(height=max(300, 28 * len(frame) + 110), margin={"t": 40, "b": 40, "l": 10, "r": 10},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}, font={"size": 13},
                      xaxis={"title": value_title, "tickformat": "~s", "rangemode": "tozero"},
                      yaxis={"automargin": True})
    return fig


def revision_table(revisions: pd.DataFrame, name: Namer, previous_label: str, latest_label: str,
                   status_label: Callable[[str], str]) -> pd.DataFrame:
    """The revisions as the CSV gives them: codes and names, both editions' figures, the change and its status."""
    corridors = "origin_iso3" in revisions
    columns = {}
    if corridors:
        columns.update({_("Origin code"): revisions["origin_iso3"],
                        _("Origin"): [name(c) for c in revisions["origin_iso3"]],
                        _("Destination code"): revisions["destination_iso3"],
                        _("Destination"): [name(c) for c in revisions["destination_iso3"]]})
    else:
        columns.update({_("Country code"): revisions["iso3"], _("Country"): [name(c) for c in revisions["iso3"]]})
    columns.update({
        _("Year (mid-year)"): revisions["year"].to_numpy(),
        previous_label: revisions["previous_persons"].astype("Int64").array,
        latest_label: revisions["latest_persons"].astype("Int64").array,
        _("Revision"): revisions["change"].astype("Int64").array,
        _("Revision, %"): revisions["change_pct"].astype("float").round(1).to_numpy(),
    })
    if "status" in revisions:
        columns[_("Status")] = [status_label(s) for s in revisions["status"]]
    frame = pd.DataFrame(columns)
    for column, values in stock_types.table_columns(revisions.reset_index(drop=True)).items():
        frame[column] = values
    return frame
