"""Member states' files of figures, from upload to preview; nothing here stores anything.

    sniff.py      what the file really is, by its first bytes (CSV, .xlsx, or refused)
    read.py       the file as text cells, stopping at the limits (CSV by record; .xlsx through workbook.py,
                  the dashboard's own streaming reader)
    checks.py     the ETL's rules and the upload's own, and what confirming would add, correct or reject
                  (`Preview`); `confirm` hands a checked preview to the store (`app.store.submissions`)
    template.py   the columns member states fill in, and the template as CSV and Excel

Pages and tests use the names below. The limits of an upload are set here, once, and given to each step.
"""
from __future__ import annotations

import pandas as pd

from app.uploads import checks
from app.uploads.checks import MAX_PROBLEMS, PROBLEMS_SHOWN, Preview, confirm
from app.uploads.template import TEMPLATE_COLUMNS, template_csv, template_help, template_xlsx

__all__ = ["MAX_BYTES", "MAX_PROBLEMS", "MAX_ROWS", "PROBLEMS_SHOWN", "TEMPLATE_COLUMNS", "UPLOAD_TYPES", "Preview",
           "check", "confirm", "template_csv", "template_help", "template_xlsx"]

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
UPLOAD_TYPES = ["csv", "xlsx", "xls", "txt"]  # offered by the file picker; what a file is, is decided by its content


def check(content: bytes, filename: str, known_countries: set[str], existing: pd.DataFrame) -> Preview:
    """Everything confirming this file would do, and every problem with it, within the limits above; stores
    nothing. `existing` is `app.queries.figures.all_figures`."""
    return checks.check(content, filename, known_countries, existing, MAX_BYTES, MAX_ROWS)
