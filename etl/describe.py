"""The data dictionary as text, from the source modules' declarations (no database needed)."""
from __future__ import annotations

import textwrap

from etl.catalog import CATALOG_TABLES
from etl.derived import TABLES as DERIVED_TABLES
from etl.sources import all_editions, all_steps


def _tables():
    seen = {}
    for step in all_steps():
        seen.setdefault(step.table.name, step.table)
    return list(seen.values()) + list(DERIVED_TABLES) + list(CATALOG_TABLES)


def describe(markdown: bool = False) -> str:
    out = []
    for table in _tables():
        p = table.provenance
        if markdown:
            out += [f"## `{table.name}`", "", table.description, "",
                    f"*Source:* {p.dataset} — {p.publisher}. {p.url} ({p.licence})", ""]
            if p.caveats:
                out += [f"*Caveats:* {p.caveats}", ""]
            out += ["| column | type | required | rule | meaning |", "|---|---|---|---|---|"]
            for c in table.columns:
                rule = " ; ".join(x for x in (c.check, c.references and f"in {c.references}") if x)
                required = "yes" if (not c.nullable or c.name in table.primary_key) else ""
                out.append(f"| `{c.name}` | {c.type} | {required} | {rule} | {c.description} |")
            if table.primary_key:
                how = ("" if table.keys_as_constraints
                       else " (checked by the build after loading, not a DuckDB constraint)")
                out += ["", f"Primary key: {', '.join(table.primary_key)}{how}"]
            out.append("")
        else:
            out.append(f"{table.name}: {table.description}")
            out.append(f"  source: {p.dataset} ({p.publisher}); licence: {p.licence}")
            if p.caveats:
                out += textwrap.wrap(f"caveats: {p.caveats}", 100, initial_indent="  ", subsequent_indent=" " * 11)
            for c in table.columns:
                flag = "*" if (not c.nullable or c.name in table.primary_key) else " "
                out.append(f"  {flag} {c.name:<26}{c.type:<12}{c.description}")
            out.append("")
    out += _editions(markdown)
    return "\n".join(out)


def _editions(markdown: bool) -> list[str]:
    """Every edition the build loads, per data set, oldest first, with its release date and the tables it feeds."""
    editions = all_editions()
    tables = {e.edition: list(dict.fromkeys(s.table.name for s in all_steps() if s.edition is e)) for e in editions}
    latest = {e.dataset: max((x for x in editions if x.dataset == e.dataset), key=lambda x: x.position).edition
              for e in editions}
    intro = ("Editions of the data sets: rows of a table with an `edition` column name one of these; pages show "
             "the latest by default and never add two editions together.")
    out = ["## Editions of the data sets", "", intro, "",
           "| data set | edition | title | released | tables | |", "|---|---|---|---|---|---|"] if markdown \
        else ["Editions of the data sets (table editions): " + intro.split(": ", 1)[1]]
    for e in sorted(editions, key=lambda e: (e.dataset, e.position)):
        released = e.released or f"not shown; as published by {e.published_by}"
        mark = "latest" if latest[e.dataset] == e.edition else "previous"
        based = f"; computed from {e.based_on}" if e.based_on else ""
        if markdown:
            out.append(f"| {e.dataset} | `{e.edition}` | {e.title} | {released} | {', '.join(tables[e.edition])} | "
                       f"{mark}{based} |")
        else:
            out.append(f"    {e.edition:<11} {mark:<9} {e.title} ({e.publisher}); released {released}; "
                       f"tables {', '.join(tables[e.edition])}{based}")
    return out + [""]
