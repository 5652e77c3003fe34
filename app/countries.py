"""Country names in the reader's language, the OTS states, and the "OTS members" entities.

The member states together, and members with observers, can be chosen as one
entity wherever a country can; `members_of` turns an entity code into the
countries it stands for, so queries take a list of codes.
"""
from __future__ import annotations

from app import db
from app.cached import load
from app.i18n import _, current_language
from app.queries import common

MEMBERS = ("AZE", "KAZ", "KGZ", "TUR", "UZB")
OBSERVERS = ("HUN", "TKM")
OTS_STATES = MEMBERS + OBSERVERS
GROUP_MEMBERS = "OTS"          # the five member states as one entity
GROUP_WITH_OBSERVERS = "OTS+"  # members and observers as one entity
GROUPS = {GROUP_MEMBERS: MEMBERS, GROUP_WITH_OBSERVERS: OTS_STATES}


def table():
    return load(common.countries)


def name(code: str) -> str:
    """A country's (or entity's) name in the session's language."""
    if code == GROUP_MEMBERS:
        return _("OTS member states")
    if code == GROUP_WITH_OBSERVERS:
        return _("OTS members and observers")
    names = _names(current_language())
    return names.get(code, code)


# (language, build) -> {iso3: name}. Pages ask for hundreds of names per run (country pickers); rebuilding
# the mapping from the cached table each time cost about 2 ms a name.
_names_by_build: dict[tuple[str, str], dict[str, str]] = {}


def _names(language: str) -> dict[str, str]:
    key = (language, db.build_id())
    names = _names_by_build.get(key)
    if names is None:
        frame = table()
        names = dict(zip(frame["iso3"].tolist(), frame[f"name_{language}"].tolist()))
        if len(_names_by_build) > 12:  # old builds and languages: keep the dictionary small
            _names_by_build.clear()
        _names_by_build[key] = names
    return names


def members_of(code: str) -> tuple[str, ...]:
    return GROUPS.get(code, (code,))



def choices(include_groups: bool = True, all_countries: bool = True) -> list[str]:
    """Codes for a country picker: groups, then the OTS states, then every other country by name.

    Only places: the codes the sources use for people without one (origin "other or unknown", stateless) are
    named in tables and totals but are not a country to choose."""
    codes = ([GROUP_MEMBERS, GROUP_WITH_OBSERVERS] if include_groups else []) + list(OTS_STATES)
    if all_countries:
        language = current_language()
        frame = table()
        others = frame[~frame["iso3"].isin(OTS_STATES) & (frame["kind"] == "place")]
        codes += list(others.sort_values(f"name_{language}")["iso3"])
    return codes

