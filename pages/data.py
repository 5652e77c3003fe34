"""Page: where every number comes from — coverage, tables and their sources, browsing, ETL runs, submissions."""
import streamlit as st

import pandas as pd

from app import countries, editions, ui, url_state
from app.store import submissions as submissions_store
from app.cached import load, run_uncached
from app.charts import data_sources as coverage
from app.countries import OBSERVERS, OTS_STATES
from app.export import ChartMeta, csv_bytes
from app.i18n import _, fmt_date, fmt_int
from app.queries import catalog
from app.views import submit as submissions_view

PAGE_SIZES = (25, 100, 500)

st.title(_("Data and sources"))
st.caption(_("Everything the dashboard shows comes from one database, built from the files listed here and "
             "from the figures member states submit. Each table names its source, licence and caveats."))
tables = load(catalog.tables)
coverage_tab, tables_tab, browse_tab, runs_tab, submissions_tab = st.tabs(
    [_("Coverage"), _("Tables and sources"), _("Browse and download"), _("ETL runs"), _("Submissions")])

with coverage_tab:
    st.subheader(_("What the database holds for each state"))
    labels = {key: _(label) for key, label, _files in catalog.DATASETS}

    def state_label(code):
        return countries.name(code) + (" " + _("(observer)") if code in OBSERVERS else "")

    held = load(catalog.coverage)
    # Per data set: the edition its years come from, with the publisher's release, then when the build loaded it.
    shown_edition = held.dropna(subset=["edition"]).groupby("dataset")["edition"].first().to_dict()
    loaded = held.groupby("dataset")["loaded_at"].max().to_dict()
    headings = {key: [f"{editions.row(shown_edition[key])['title']} · {editions.released_text(shown_edition[key])}"
                      if key in shown_edition else "",
                      _("loaded into the database {date}").format(date=fmt_date(loaded[key]))
                      if key in loaded and not pd.isna(loaded[key]) else ""] for key in labels}
    st.html(coverage.coverage_html(held, list(OTS_STATES), labels, headings, state_label,
                                   lambda when: _("recorded {date}").format(date=fmt_date(when)), _("Nothing held")))
    ui.caveat(_("Each cell: the years held. Under each data set: the edition they come from and when its publisher "
                "released it, then when this database loaded it — a later load is not newer data. Submitted "
                "figures and statuses say when they were recorded in the dashboard. Where a data set has an earlier "
                "edition, the pages can show it too. “{gap}” is a gap: nothing held.").format(gap=coverage.GAP))
    tidy = coverage.coverage_export(
        held, list(OTS_STATES), labels, state_label,
        {key: (editions.short_name(e), editions.released_text(e)) for key, e in shown_edition.items()},
        (_("State"), _("Data set"), _("Years held"), _("Edition"), _("Released by the publisher"),
         _("Loaded into the database"), _("Last recorded in the dashboard")))
    meta = ChartMeta(_("Coverage of the OTS migration database"), _("OTS Migration Dashboard database"),
                     slug="coverage")
    st.download_button(_("Download CSV"), csv_bytes(tidy, meta, ui.export_labels()), "coverage.csv", "text/csv",
                       icon=":material/table:", on_click="ignore", key="coverage_csv")

with tables_tab:
    dictionary = load(catalog.columns)
    held_editions = load(catalog.table_editions)
    for table in tables.itertuples():
        with st.expander(_("**{name}** — {description} ({rows} rows)").format(
                name=table.table_name, description=table.description, rows=fmt_int(table.row_count))):
            # (the labels outside the f-strings: the message extractor does not look inside them)
            source, licence, citation, copied = _("Source"), _("Licence"), _("Citation"), _("Copy taken")
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
            st.markdown(f"**{licence}:** {table.licence or coverage.GAP}")
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
    st.caption(_("Figures submitted by member states are kept in the dashboard's own store, not in the "
                 "build, and are browsable as “{name}”.").format(name=catalog.SUBMITTED_TABLE))

with browse_tab:
    names = load(catalog.browsable)
    left, middle, right = st.columns([2, 2, 1])
    table_name = url_state.select(_("Table"), names, key="table", container=left, default="reported_figures")
    shape = load(catalog.shape, table_name)
    chosen = ()
    if shape.country_columns:
        picked = url_state.multiselect(_("Countries ({columns})").format(columns=", ".join(shape.country_columns)),
                                       countries.choices(), key="countries", format_func=countries.name,
                                       container=middle, placeholder=_("All countries"))
        chosen = tuple(dict.fromkeys(code for pick in picked for code in countries.members_of(pick)))
    page_size = right.selectbox(_("Rows per page"), PAGE_SIZES, key="browse_page_size")
    year_from = year_to = None
    if shape.first_year is not None and shape.first_year < shape.last_year:
        years = list(range(shape.first_year, shape.last_year + 1))
        left, middle, _spacer = st.columns([1, 1, 3])
        year_from = url_state.select(_("From year"), years, key="year_from", default=years[0], container=left)
        year_to = url_state.select(_("To year"), [y for y in years if y >= year_from], key="year_to",
                                   default=years[-1], container=middle)
        if (year_from, year_to) == (years[0], years[-1]):
            year_from = year_to = None  # the whole range: rows without a year stay in
    filters = (chosen, year_from, year_to)
    total = load(catalog.browse_count, table_name, *filters)
    if total == 0:
        ui.empty(_("No rows of {table} match these filters. Choose other countries or years.").format(
            table=table_name))
    else:
        pages = (total - 1) // page_size + 1
        left, right = st.columns([1, 4], vertical_alignment="bottom")
        number = left.number_input(_("Page"), min_value=1, max_value=pages, value=1, step=1,
                                   key=f"browse_page_{table_name}_{hash(filters)}_{page_size}")
        first = (number - 1) * page_size
        right.caption(_("Rows {first}–{last} of {total}").format(
            first=fmt_int(first + 1), last=fmt_int(min(first + page_size, total)), total=fmt_int(total)))
        st.dataframe(load(catalog.browse, table_name, *filters, limit=page_size, offset=first),
                     hide_index=True, width="stretch")
        source = tables[tables["table_name"] == table_name]
        described = (f"{source.iloc[0]['dataset']} — {source.iloc[0]['publisher']}" if len(source)
                     else _("Member-state submissions"))
        filter_text = ((_("Countries"), ", ".join(chosen) or _("all")),
                       (_("Years"), f"{year_from}–{year_to}" if year_from is not None else _("all")))
        meta = ChartMeta(table_name, described, licence=source.iloc[0]["licence"] if len(source) else "",
                         filters=filter_text, slug=f"{table_name}")
        labels = ui.export_labels()
        # The whole filtered table is read only when a download is clicked, and not cached: a world-sized
        # table is millions of rows (bench/scale.py), too much to read, pickle and keep on every rerun.
        left, right, _spacer = st.columns([3, 2, 4])
        left.download_button(_("Download CSV ({rows} rows)").format(rows=fmt_int(total)),
                             data=lambda: csv_bytes(run_uncached(catalog.browse, table_name, *filters), meta, labels),
                             file_name=f"{meta.slug}.csv",
                             mime="text/csv", icon=":material/table:", on_click="ignore", key="browse_csv")
        right.download_button(_("Download Parquet"),
                              data=lambda: run_uncached(catalog.browse_parquet, table_name, *filters,
                                                        provenance=meta.provenance_line(labels)),
                              file_name=f"{meta.slug}.parquet",
                              mime="application/vnd.apache.parquet", icon=":material/download:",
                              on_click="ignore", key="browse_parquet")

with runs_tab:
    runs = load(catalog.etl_runs)
    runs = runs.assign(status=[_(catalog.RUN_OUTCOMES.get(s, s)) for s in runs["status"]])
    st.dataframe(runs, hide_index=True, width="stretch", column_config={
        "run_id": _("Build"), "started_at": st.column_config.DatetimeColumn(_("Started (UTC)")),
        "finished_at": st.column_config.DatetimeColumn(_("Finished (UTC)")), "status": _("Status"),
        "message": _("Why it failed"), "files": _("Files"), "rows": _("Rows loaded")})
    run_id = st.selectbox(_("Files read by build"), runs["run_id"], key="run_files")
    st.dataframe(load(catalog.etl_run_files, run_id), hide_index=True, width="stretch", column_config={
        "file": _("Raw file"), "table_name": _("Table"), "rows": _("Rows loaded"), "sha256": _("SHA-256 checksum")})

with submissions_tab:
    history = submissions_store.history()
    if history.empty:
        ui.empty(_("No member state has submitted figures yet. Secretariat editors load them on the "
                   "“Submit figures” page."))
    else:
        st.dataframe(submissions_view.history_view(history),
                 hide_index=True, width="stretch", column_config=submissions_view.history_labels(),
                 column_order=submissions_view.HISTORY_ORDER)
    st.page_link("pages/submit.py", label=_("Submit figures"), icon=":material/upload_file:")
