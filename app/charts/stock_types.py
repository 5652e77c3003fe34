"""The UN's data types of a migrant stock figure, as a reader sees them: a mark beside the figure, a footnote, a
column in tables and CSV files.

UN DESA's 2024 edition says, per destination and year, how it counted: by
country of birth (the usual), by citizenship (type C: foreign citizens, not the
foreign-born), with refugees added (type R), or without data (type I: imputed).
A figure whose destination is of type C, R or I carries the type's mark; the
2020 edition's copy has no types (unknown, not "none"). Pure: frames and
booleans in, text and frames out.
"""
from __future__ import annotations

import pandas as pd

from app.i18n import N_, _

TYPES = ("basis_citizenship", "refugees_added", "imputed")
MARKS = {"basis_citizenship": "†", "refugees_added": "‡", "imputed": "*"}
_MEANINGS = {
    "basis_citizenship": N_("counts foreign citizens, not people born abroad"),
    "refugees_added": N_("includes refugees (also in UNHCR's figures: never add the two)"),
    "imputed": N_("imputed by the UN: no data for that country and year"),
}
_COLUMNS = {"basis_citizenship": N_("Counted by citizenship"), "refugees_added": N_("Refugees included"),
            "imputed": N_("Imputed")}


def _true(value) -> bool:
    return value is True or (not isinstance(value, str) and pd.notna(value) and bool(value))


def marks(basis_citizenship=None, refugees_added=None, imputed=None) -> str:
    """The marks of a figure: "†‡" for a destination counting citizens and adding refugees; "" for none."""
    values = {"basis_citizenship": basis_citizenship, "refugees_added": refugees_added, "imputed": imputed}
    return "".join(MARKS[name] for name in TYPES if _true(values[name]))


def meanings(basis_citizenship=None, refugees_added=None, imputed=None) -> list[str]:
    """What each type of one figure means, with its mark ("‡ includes refugees …"), for a tooltip."""
    values = {"basis_citizenship": basis_citizenship, "refugees_added": refugees_added, "imputed": imputed}
    return [MARKS[name] + " " + _(_MEANINGS[name]) for name in TYPES if _true(values[name])]


def row_marks(frame: pd.DataFrame) -> list[str]:
    """The marks of every row of a frame with the three type columns (empty where it has none of them)."""
    if not set(TYPES) <= set(frame.columns):
        return [""] * len(frame)
    return [marks(c, r, i) for c, r, i in zip(frame["basis_citizenship"], frame["refugees_added"], frame["imputed"])]


def footnote(frame: pd.DataFrame) -> str:
    """One sentence per mark present in the frame ("† counts foreign citizens, …"); empty when none is."""
    if not set(TYPES) <= set(frame.columns):
        return ""
    present = [name for name in TYPES if frame[name].map(_true).any()]
    return " ".join(MARKS[name] + " " + _(_MEANINGS[name]) + "." for name in present)


def table_columns(frame: pd.DataFrame) -> dict[str, list]:
    """The types as table and CSV columns ("yes", "no", or empty where the edition does not say)."""
    if not set(TYPES) <= set(frame.columns):
        return {}
    yes, no = _("yes"), _("no")
    return {_(_COLUMNS[name]): [("" if value is None or pd.isna(value) else yes if bool(value) else no)
                                for value in frame[name]] for name in TYPES}
