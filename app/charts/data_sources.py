"""The coverage matrix of the Data and sources page, as an HTML table and as a tidy table for export.

Pure: frames in, text or frames out; every word arrives already translated.
A gap (nothing held) is drawn as a grey cell with a dash, never left blank, so
the single database's holes are as visible as what it holds.
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
    font-size: 0.72rem; font-weight: 400;}
table.ots-coverage td.gap {background: #FFFFFF; color: #9AA5AE; text-align: center;}
</style>
"""


def coverage_cells(held: pd.DataFrame, states: list[str], datasets: list[str]) -> dict[tuple[str, str], tuple]:
    """(state, data set) -> (periods, updated_at) for every pair that holds something."""
    return {(row.iso3, row.dataset): (row.periods, row.updated_at) for row in held.itertuples(index=False)
            if row.iso3 in states and row.dataset in datasets}


def coverage_html(held: pd.DataFrame, states: list[str], datasets: dict[str, str],
                  state_label: Callable[[str], str], date_label: Callable, updated_word: str,
                  gap_title: str) -> str:
    """Rows = states, columns = data sets; each cell the years held and when they were last updated.

    Where every state's cell of a data set was updated on the same day (a file loaded by the build), the
    date is said once, under the data set's name; otherwise each cell carries its own.
    """
    cells = coverage_cells(held, states, list(datasets))
    days = {key: {date_label(updated) for (state, k), (_p, updated) in cells.items() if k == key
                  and not pd.isna(updated)} for key in datasets}
    shared = {key: next(iter(found)) for key, found in days.items()
              if len(found) == 1 and all(not pd.isna(cells[c][1]) for c in cells if c[1] == key)}

    def when(text: str) -> str:
        return f"<span>{html.escape(updated_word)} {html.escape(text)}</span>"

    head = "".join(f"<th>{html.escape(label)}{when(shared[key]) if key in shared else ''}</th>"
                   for key, label in datasets.items())
    body = []
    for state in states:
        row = [f"<th>{html.escape(state_label(state))}</th>"]
        for key in datasets:
            if (state, key) in cells:
                periods, updated = cells[(state, key)]
                own = "" if key in shared or pd.isna(updated) else when(date_label(updated))
                row.append(f'<td class="held">{html.escape(periods)}{own}</td>')
            else:
                row.append(f'<td class="gap" title="{html.escape(gap_title)}">{GAP}</td>')
        body.append("<tr>" + "".join(row) + "</tr>")
    return (_STYLE + '<table class="ots-coverage"><thead><tr><th></th>' + head + "</tr></thead><tbody>"
            + "".join(body) + "</tbody></table>")


def coverage_export(held: pd.DataFrame, states: list[str], datasets: dict[str, str],
                    state_label: Callable[[str], str], headings: tuple[str, str, str, str]) -> pd.DataFrame:
    """One row per state and data set (gaps included, with empty years) for the CSV download."""
    cells = coverage_cells(held, states, list(datasets))
    rows = []
    for state in states:
        for key, label in datasets.items():
            periods, updated = cells.get((state, key), ("", None))
            rows.append({headings[0]: state_label(state), headings[1]: label, headings[2]: periods,
                         headings[3]: "" if updated is None or pd.isna(updated) else
                         pd.Timestamp(updated).strftime("%Y-%m-%d %H:%M UTC")})
    return pd.DataFrame(rows)
