"""Editions of the data sets, as the pages name them: which one a figure comes from and when it was released.

A data set published again keeps every edition in the database; pages show the
latest by default and let the reader switch to the previous one (a choice kept
in the URL as ?edition=previous, the same on every page). Figures of two
editions are never added together: each query reads one. The words here say
which edition a figure comes from ("UN DESA, International Migrant Stock 2024,
released January 2025") and never confuse the publisher's release with the day
the database loaded the file.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from babel.dates import format_skeleton

from app import url_state
from app.cached import load
from app.export import ChartMeta
from app.i18n import N_, _, fmt_date, locale
from app.queries import common
from app.queries.common import FLOWS, REMITTANCE_MATRIX, STOCK, UNHCR, WDI

LATEST = "latest"
PREVIOUS = "previous"
URL_KEY = "edition"
DATASETS = (STOCK, FLOWS, REMITTANCE_MATRIX, WDI, UNHCR)
_SHORT = {STOCK: N_("UN migrant stock"), REMITTANCE_MATRIX: N_("remittance matrix"), WDI: N_("WDI"),
          UNHCR: N_("UNHCR"), FLOWS: N_("flow estimates")}


def table() -> pd.DataFrame:
    return load(common.editions)


def row(edition: str) -> pd.Series:
    frame = table().set_index("edition")
    return frame.loc[edition]


def of(dataset: str, which: str = LATEST) -> str | None:
    """The edition id of `dataset` the reader chose: its latest, or the one before (None if there is none)."""
    editions = table()
    mine = editions[editions["dataset"] == dataset].sort_values("position")
    if mine.empty:
        return None
    latest = mine[mine["is_latest"]].iloc[-1]
    if which == PREVIOUS:
        return latest["previous_edition"] if isinstance(latest["previous_edition"], str) else None
    return str(latest["edition"])


def has_previous(dataset: str) -> bool:
    return of(dataset, PREVIOUS) is not None


def released_text(edition: str) -> str:
    """ "released January 2025", or for a copy that does not show its release date, "as published by 7 February
    2025" (the day the copy was taken from the publisher)."""
    info = row(edition)
    released = info["released"]
    if isinstance(released, str) and released:
        return _("released {date}").format(date=_partial_date(released))
    if pd.notna(info["published_by"]):
        return _("as published by {date}").format(date=fmt_date(info["published_by"], "long"))
    return _("release date not known")


def _partial_date(text: str) -> str:
    """An ISO date to the precision known, in the reader's language: 2025 / January 2025 / 26 October 2023."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return format_skeleton("yMMMM", date(parts[0], parts[1], 1), locale=locale())
    return fmt_date(date(*parts), "long")


def source_line(edition: str) -> str:
    """How a source line names an edition: "UN DESA, International Migrant Stock 2024 (released January 2025)"."""
    return f"{row(edition)['short_source']} ({released_text(edition)})"


def short_name(edition: str) -> str:
    return str(row(edition)["short_source"])


def licence(edition: str) -> str:
    value = row(edition)["licence"]
    return str(value) if isinstance(value, str) else ""


def is_latest(edition: str) -> bool:
    return bool(row(edition)["is_latest"])


def choice_label(which: str, datasets: tuple[str, ...]) -> str:
    """ "Latest: UN DESA, International Migrant Stock 2024" for the data sets a page shows."""
    names = [row(e)["title"] for e in (of(d, which) for d in datasets) if e]
    heading = _("Latest editions") if which == LATEST else _("Previous editions")
    return f"{heading}: {'; '.join(names)}" if names else heading


def choose(datasets: tuple[str, ...], container=None) -> str:
    """The reader's choice of editions for the data sets a page shows ("latest" or "previous"), kept in the URL
    as ?edition=. "previous" is offered only where one of them has a previous edition."""
    options = [LATEST] + ([PREVIOUS] if any(has_previous(d) for d in datasets) else [])
    labels = {which: choice_label(which, datasets) for which in options}
    kwargs = {"container": container} if container is not None else {}
    return url_state.select(_("Edition"), options, key=URL_KEY, default=LATEST, format_func=labels.get,
                            help=_("Publishers revise their figures: the latest edition is shown unless you choose "
                                   "the previous one. Figures of two editions are never added together."),
                            **kwargs) or LATEST


def meta(edition_ids, title: str, slug: str, filters=(), caveat: str = "", data_date: str = ""):
    """Export metadata naming each edition a chart reads ("UN DESA, International Migrant Stock 2024 (released
    January 2025); …"), with their licences."""
    ids = [e for e in dict.fromkeys([edition_ids] if isinstance(edition_ids, str) else edition_ids) if e]
    return ChartMeta(title=title, source="; ".join(source_line(e) for e in ids),
                     licence="; ".join(dict.fromkeys(licence(e) for e in ids if licence(e))), data_date=data_date,
                     filters=tuple((str(k), str(v)) for k, v in filters), caveat=caveat, slug=slug)


def years_text(edition: str) -> str:
    """The years the edition covers, "1990–2024"."""
    info = row(edition)
    if pd.isna(info["first_year"]):
        return ""
    return f"{int(info['first_year'])}–{int(info['last_year'])}"
