"""The Data and sources page's words and tables: the coverage matrix's headings and export, each table's
provenance and columns, what a browsed table's download says it is, and the ETL runs in the reader's language."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from app import countries, editions, ui
from app.charts import data as charts
from app.countries import OBSERVERS, OTS_STATES
from app.export import ChartMeta
from app.i18n import _, fmt_date, fmt_int
from app.queries import data as queries

PAGE_SIZES = (25, 100, 500)


def dataset_labels() -> dict[str, str]:
    """Data set key -> its name in the reader's language (the coverage matrix's columns)."""
    return {key: _(label) for key, label, _files in queries.DATASETS}


def state_label(code: str) -> str:
    return countries.name(code) + (" " + _("(observer)") if code in OBSERVERS else "")


def shown_editions(held: pd.DataFrame) -> dict[str, str]:
    """Per data set, the edition its years come from."""
    return held.dropna(subset=["edition"]).groupby("dataset")["edition"].first().to_dict()


def coverage_html(held: pd.DataFrame, labels: dict[str, str]) -> str:
    """The matrix: under each data set, the edition with the publisher's release, then when the build loaded it."""
    shown_edition = shown_editions(held)
    loaded = held.groupby("dataset")["loaded_at"].max().to_dict()
    headings = {key: [f"{editions.row(shown_edition[key])['title']} · {editions.released_text(shown_edition[key])}"
                      if key in shown_edition else "",
                      _("loaded into the database {date}").format(date=fmt_date(loaded[key]))
                      if key in loaded and not pd.isna(loaded[key]) else ""] for key in labels}
    return charts.coverage_html(held, list(OTS_STATES), labels, headings, state_label,
                                lambda when: _("recorded {date}").format(date=fmt_date(when)), _("Nothing held"))


def coverage_caveat() -> str:
    return _("Each cell: the years held. Under each data set: the edition they come from and when its publisher "
             "released it, then when this database loaded it — a later load is not newer data. Submitted "
             "figures and statuses say when they were recorded in the dashboard. Where a data set has an earlier "
             "edition, the pages can show it too. “{gap}” is a gap: nothing held.").format(gap=charts.GAP)


def coverage_export(held: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The matrix as a tidy table for its CSV: one row per state and data set."""
    return charts.coverage_export(
        held, list(OTS_STATES), labels, state_label,
        {key: (editions.short_name(e), editions.released_text(e)) for key, e in shown_editions(held).items()},
        (_("State"), _("Data set"), _("Years held"), _("Edition"), _("Released by the publisher"),
         _("Loaded into the database"), _("Last recorded in the dashboard")))


def coverage_meta() -> ChartMeta:
    return ChartMeta(_("Coverage of the OTS migration database"), _("OTS Migration Dashboard database"),
                     slug="coverage")


def table_heading(table) -> str:
    return _("**{name}** — {description} ({rows} rows)").format(
        name=table.table_name, description=table.description, rows=fmt_int(table.row_count))


def describe_table(table, held_editions: pd.DataFrame, dictionary: pd.DataFrame) -> None:
    """A table's source, editions, licence, citation, copy date, caveats and columns (inside its expander)."""
    # (the labels outside the f-strings: the message extractor does not look inside them)
    source, licence, citation = _("Source"), _("Licence"), _("Citation")
    st.markdown(f"**{source}:** {table.dataset} — {table.publisher}"
                + (f" · {table.url}" if table.url else ""))
    mine = held_editions[held_editions["table_name"] == table.table_name]
    if len(mine):
        editions_word = _("Editions")
        st.markdown(f"**{editions_word}:**\n" + "\n".join(
            "- " + _("{edition}, {released}: {rows} rows, {years}{latest}").format(
                edition=e.short_source, released=editions.released_text(e.edition), rows=fmt_int(e.rows),
                years=f"{int(e.first_year)}–{int(e.last_year)}" if pd.notna(e.first_year) else "",
                latest=" (" + _("latest, shown by default") + ")" if e.is_latest and len(mine) > 1 else "")
            for e in mine.itertuples()))
    st.markdown(f"**{licence}:** {table.licence or charts.GAP}")
    if table.citation:
        st.markdown(f"**{citation}:** {table.citation}")
    if table.accessed:
        copy_taken = _("Copy taken for the project (not a release date)")
        st.markdown(f"**{copy_taken}:** {table.accessed}")
    if table.caveats:
        ui.caveat(table.caveats)
    st.dataframe(dictionary[dictionary["table_name"] == table.table_name].drop(columns="table_name"),
                 hide_index=True, width="stretch", column_config={
                     "position": None, "column_name": _("Column"), "type": _("Type"),
                     "required": _("Required"), "rule": _("Rule"), "description": _("Meaning")})


def browse_meta(table_name: str, tables: pd.DataFrame, chosen: tuple[str, ...], year_from, year_to) -> ChartMeta:
    """What a browsed table's download says it is: the table, its source and licence, and the filters."""
    source = tables[tables["table_name"] == table_name]
    described = (f"{source.iloc[0]['dataset']} — {source.iloc[0]['publisher']}" if len(source)
                 else _("Member-state submissions"))
    filter_text = ((_("Countries"), ", ".join(chosen) or _("all")),
                   (_("Years"), f"{year_from}–{year_to}" if year_from is not None else _("all")))
    return ChartMeta(table_name, described, licence=source.iloc[0]["licence"] if len(source) else "",
                     filters=filter_text, slug=f"{table_name}")


def runs_table(runs: pd.DataFrame) -> pd.DataFrame:
    """The ETL runs with their outcome in the reader's language."""
    return runs.assign(status=[_(queries.RUN_OUTCOMES.get(s, s)) for s in runs["status"]])


def runs_columns() -> dict:
    return {"run_id": _("Build"), "started_at": st.column_config.DatetimeColumn(_("Started (UTC)")),
            "finished_at": st.column_config.DatetimeColumn(_("Finished (UTC)")), "status": _("Status"),
            "message": _("Why it failed"), "files": _("Files"), "rows": _("Rows loaded")}


def run_files_columns() -> dict:
    return {"file": _("Raw file"), "table_name": _("Table"), "rows": _("Rows loaded"),
            "sha256": _("SHA-256 checksum")}
