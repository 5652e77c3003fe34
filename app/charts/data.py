"""The coverage matrix of the Data and sources page, as an HTML table and as a tidy table for export.

Pure: frames in, text or frames out; every word arrives already translated.
A gap (nothing held) is drawn as a grey cell with a dash, never left blank, so
the single database's holes are as visible as what it holds. Under each data
set it says which edition the years come from and when its publisher released
it, and, as a separate fact, when this database loaded it.
"""
from __future__ import annotations

import html
from typing import Callable

import pandas as pd

GAP = "—"

_STYLE = """
<style>
table.ots-coverage {border-collapse: collapse; width: 100%; font-size: 0.82rem; table-layout: fixed;}
table.ots-coverage th, table.ots-coverage td {border: 1px solid #D5DEE4; padding: 4px 6px; vertical-align: top;}
table.ots-coverage thead th {background: #EEF4F7; font-weight: 600; text-align: left; line-height: 1.2;}
table.ots-coverage thead th:first-child {width: 8.5rem;}
table.ots-coverage tbody th {background: #F7FAFB; text-align: left; font-weight: 600;}
table.ots-coverage td.held {background: #E3F1F5;}
table.ots-coverage td.held span, table.ots-coverage thead th span {display: block; color: #52606B;
    font-size: 0.72rem; font-weight: 400; overflow-wrap: anywhere; margin-top: 2px;}
table.ots-coverage td.gap {background: #FFFFFF; color: #9AA5AE; text-align: center;}
</style>
"""


def coverage_cells(held: pd.DataFrame, states: list[str], datasets: list[str]) -> dict[tuple[str, str], tuple]:
    """(state, data set) -> (periods, recorded_at) for every pair that holds something."""
    return {(row.iso3, row.dataset): (row.periods, row.recorded_at) for row in held.itertuples(index=False)
            if row.iso3 in states and row.dataset in datasets}


def coverage_html(held: pd.DataFrame, states: list[str], datasets: dict[str, str], headings: dict[str, list[str]],
                  state_label: Callable[[str], str], recorded_label: Callable, gap_title: str) -> str:
    """Rows = states, columns = data sets; each cell the years held.

    `headings` gives, per data set, the lines under its name: the edition and the publisher's release date, and
    when the database loaded it (two different dates, each said as what it is). A cell holding something recorded
    in the dashboard (a submission, an edited status) says when, with `recorded_label`.
    """
    cells = coverage_cells(held, states, list(datasets))

    def lines(texts: list[str]) -> str:
        return "".join(f"<span>{html.escape(text)}</span>" for text in texts if text)

    head = "".join(f"<th>{html.escape(label)}{lines(headings.get(key, []))}</th>" for key, label in datasets.items())
    body = []
    for state in states:
        row = [f"<th>{html.escape(state_label(state))}</th>"]
        for key in datasets:
            if (state, key) in cells:
                periods, recorded = cells[(state, key)]
                own = "" if recorded is None or pd.isna(recorded) else lines([recorded_label(recorded)])
                row.append(f'<td class="held">{html.escape(periods)}{own}</td>')
            else:
                row.append(f'<td class="gap" title="{html.escape(gap_title)}">{GAP}</td>')
        body.append("<tr>" + "".join(row) + "</tr>")
    return (_STYLE + '<table class="ots-coverage"><thead><tr><th></th>' + head + "</tr></thead><tbody>"
            + "".join(body) + "</tbody></table>")


def _utc(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")


def coverage_export(held: pd.DataFrame, states: list[str], datasets: dict[str, str],
                    state_label: Callable[[str], str], editions: dict[str, tuple[str, str]],
                    headings: tuple[str, ...]) -> pd.DataFrame:
    """One row per state and data set (gaps included, with empty years) for the CSV download: years held, the
    edition and its release, when the database loaded it, when the dashboard last recorded something."""
    by_pair = {(row.iso3, row.dataset): row for row in held.itertuples(index=False)}
    loaded = held.groupby("dataset")["loaded_at"].max() if not held.empty else pd.Series(dtype="object")
    rows = []
    for state in states:
        for key, label in datasets.items():
            row = by_pair.get((state, key))
            edition, released = editions.get(key, ("", ""))
            rows.append({headings[0]: state_label(state), headings[1]: label,
                         headings[2]: row.periods if row is not None else "",
                         headings[3]: edition, headings[4]: released,
                         headings[5]: _utc(loaded.get(key)) if key in loaded.index else "",
                         headings[6]: _utc(row.recorded_at) if row is not None else ""})
    return pd.DataFrame(rows)
