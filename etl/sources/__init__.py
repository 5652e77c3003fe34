"""One module per source. Each declares its provenance, raw layout and table, and a pure transform.

`STEP_MODULES` is the build order: `countries` first, because every other
table's country codes are checked against it. A data set published again gets a
module per edition (the table is the same; each row carries its `edition`).
"""
from etl.sources import (
    countries,
    country_indicators,
    country_indicators_2023,
    forcibly_displaced,
    measures,
    migrant_stock,
    migrant_stock_2024,
    migrant_stock_totals,
    migration_flows,
    remittance_totals,
    remittances_bilateral,
    remittances_bilateral_2021,
    reported_figures,
)

# Editions of one data set in order, oldest first: rows are written in this order, so each edition's rows
# lie together in the table and a query on one edition skips the other's.
STEP_MODULES = (
    countries,
    migrant_stock,
    migrant_stock_totals,
    migrant_stock_2024,
    migration_flows,
    remittances_bilateral,
    remittance_totals,
    remittances_bilateral_2021,
    country_indicators,
    country_indicators_2023,
    forcibly_displaced,
    reported_figures,
    measures,
)


def all_steps():
    return [step for module in STEP_MODULES for step in module.STEPS]


def all_editions():
    """Every edition the steps load, in build order (one entry per edition)."""
    return list({step.edition.edition: step.edition for step in all_steps() if step.edition}.values())
