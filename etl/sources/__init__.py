"""One module per source. Each declares its provenance, raw layout and table, and a pure transform.

`STEP_MODULES` is the build order: `countries` first, because every other
table's country codes are checked against it.
"""
from etl.sources import (
    countries,
    country_indicators,
    measures,
    migrant_stock,
    migrant_stock_totals,
    migration_flows,
    remittance_totals,
    remittances_bilateral,
    reported_figures,
)

STEP_MODULES = (
    countries,
    migrant_stock,
    migrant_stock_totals,
    migration_flows,
    remittances_bilateral,
    remittance_totals,
    country_indicators,
    reported_figures,
    measures,
)


def all_steps():
    return [step for module in STEP_MODULES for step in module.STEPS]
