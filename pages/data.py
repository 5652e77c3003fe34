"""Page: where every number comes from — coverage, tables and their sources, browsing, ETL runs, submissions."""
import streamlit as st

from app import countries, ui, url_state
from app.cached import load, run_uncached
from app.export import csv_bytes
from app.i18n import _, fmt_int
from app.queries import data as queries
from app.store import submissions as submissions_store
from app.views import data as view
from app.views import submit as submissions_view

st.title(_("Data and sources"))
st.caption(_("Everything the dashboard shows comes from one database, built from the files listed here and "
             "from the figures member states submit. Each table names its source, licence and caveats."))
tables = load(queries.tables)
coverage_tab, tables_tab, browse_tab, runs_tab, submissions_tab = st.tabs(
    [_("Coverage"), _("Tables and sources"), _("Browse and download"), _("ETL runs"), _("Submissions")])

with coverage_tab:
    st.subheader(_("What the database holds for each state"))
    labels = view.dataset_labels()
    held = load(queries.coverage)
    st.html(view.coverage_html(held, labels))
    ui.caveat(view.coverage_caveat())
    st.download_button(_("Download CSV"), csv_bytes(view.coverage_export(held, labels), view.coverage_meta(),
                                                    ui.export_labels()), "coverage.csv", "text/csv",
                       icon=":material/table:", on_click="ignore", key="coverage_csv")

with tables_tab:
    dictionary = load(queries.columns)
    held_editions = load(queries.table_editions)
    for table in tables.itertuples():
        with st.expander(view.table_heading(table)):
            view.describe_table(table, held_editions, dictionary)
    st.caption(_("Figures submitted by member states are kept in the dashboard's own store, not in the "
                 "build, and are browsable as “{name}”.").format(name=queries.SUBMITTED_TABLE))

# Choosing a table, countries, years or a page of rows reruns the browsing alone: the other tabs stay as drawn.
@ui.rerun_alone
def browse(tables) -> None:
    names = load(queries.browsable)
    left, middle, right = st.columns([2, 2, 1])
    table_name = url_state.select(_("Table"), names, key="table", container=left, default="reported_figures")
    shape = load(queries.shape, table_name)
    chosen = ()
    if shape.country_columns:
        picked = url_state.multiselect(_("Countries ({columns})").format(columns=", ".join(shape.country_columns)),
                                       countries.choices(), key="countries", format_func=countries.name,
                                       container=middle, placeholder=_("All countries"))
        chosen = tuple(dict.fromkeys(code for pick in picked for code in countries.members_of(pick)))
    page_size = right.selectbox(_("Rows per page"), view.PAGE_SIZES, key="browse_page_size")
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
    total = load(queries.browse_count, table_name, *filters)
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
        st.dataframe(load(queries.browse, table_name, *filters, limit=page_size, offset=first),
                     hide_index=True, width="stretch")
        meta = view.browse_meta(table_name, tables, chosen, year_from, year_to)
        labels = ui.export_labels()
        # The whole filtered table is read only when a download is clicked, and not cached: a world-sized
        # table is millions of rows (bench/scale.py), too much to read, pickle and keep on every rerun.
        left, right, _spacer = st.columns([3, 2, 4])
        left.download_button(_("Download CSV ({rows} rows)").format(rows=fmt_int(total)),
                             data=lambda: csv_bytes(run_uncached(queries.browse, table_name, *filters), meta, labels),
                             file_name=f"{meta.slug}.csv",
                             mime="text/csv", icon=":material/table:", on_click="ignore", key="browse_csv")
        right.download_button(_("Download Parquet"),
                              data=lambda: run_uncached(queries.browse_parquet, table_name, *filters,
                                                        provenance=meta.provenance_line(labels)),
                              file_name=f"{meta.slug}.parquet",
                              mime="application/vnd.apache.parquet", icon=":material/download:",
                              on_click="ignore", key="browse_parquet")


with browse_tab:
    browse(tables)

with runs_tab:
    runs = view.runs_table(load(queries.etl_runs))
    st.dataframe(runs, hide_index=True, width="stretch", column_config=view.runs_columns())
    run_id = st.selectbox(_("Files read by build"), runs["run_id"], key="run_files")
    st.dataframe(load(queries.etl_run_files, run_id), hide_index=True, width="stretch",
                 column_config=view.run_files_columns())

with submissions_tab:
    history = submissions_store.history()
    if history.empty:
        ui.empty(_("No member state has submitted figures yet. Secretariat editors load them on the "
                   "“Submit figures” page."))
    else:
        submissions_view.show_history(history)
    st.page_link("pages/submit.py", label=_("Submit figures"), icon=":material/upload_file:")
