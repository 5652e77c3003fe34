"""The data dictionary as text, from the source modules' declarations (no database needed)."""
from __future__ import annotations

import textwrap

from etl.catalog import CATALOG_TABLES
from etl.derived import TABLES as DERIVED_TABLES
from etl.sources import all_steps


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
    return "\n".join(out)
