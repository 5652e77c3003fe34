"""All SQL of the dashboard, as named, parameterised query functions.

One module per page (or topic). Each function takes a DuckDB cursor on the
current build first and returns a DataFrame; parameters are bound, never
formatted into the SQL. A query that also needs what was recorded in the app
(edited statuses, submitted figures) declares it with `@uses_state(...)`: the
caching layer then registers those frames on the cursor under the same names.
"""
from __future__ import annotations

from typing import Callable


def uses_state(*view_names: str) -> Callable:
    def mark(query: Callable) -> Callable:
        query.state_views = tuple(view_names)
        return query
    return mark
