"""Every number and date a chart writes by itself, in the reader's language (`localise_figure`).

Applied to every chart the pages draw and export (`app.ui.localise`), so charts added later inherit it.
Pure: a figure in, the same figure with its separators, ticks and labels set.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go

from app.i18n import BABEL_LOCALES, DEFAULT_LANGUAGE, current_language, plotly_separators

# d3's SI-prefix format ("~s", ".2s"): 2.5M, 500k, 1G, always in English letters whatever the language.
_SI_FORMAT = re.compile(r"s$")
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)  # tick spacing on a date axis, in months
_DAY_STEPS = (1, 2, 7, 14)
_MOST_DATE_TICKS = 8
COMPACT_FROM = 10_000  # axes reaching this far get the language's short words: 2,5 млн, 2,5 Mn, 2.5M


def localise_figure(fig: go.Figure, language: str | None = None) -> go.Figure:
    """Every number and date a chart writes by itself, in the reader's language.

    Applied to every chart the pages draw and export (`app.ui.localise`), so charts added later inherit it:
    - digit grouping and decimal mark from Babel (`layout.separators`);
    - no plotly SI suffixes ("2.5M", "500k"): numeric axes reaching tens of thousands are labelled with the
      language's own short words ("2,5 млн", "2,5 Mn"), others and colour bars with whole numbers, grouped;
    - a "%" tick suffix placed as the language writes percentages (Turkish "%30", Russian "30 %");
    - date axes labelled by Babel ("май 2020", "Mayıs 2020" instead of plotly's English "May 2020").
    Labels the chart sets itself (tickvals with ticktext) are left as they are. Running it again changes nothing.
    The figure's own dictionaries are read (`_as_drawn`), then changes are made through plotly's API.
    """
    language = language or current_language()
    separators = plotly_separators(language)
    if fig.layout.separators != separators:
        fig.update_layout(separators=separators)
    traces, layout = _as_drawn(fig)
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        _localise_axis(axis, layout.get(axis.plotly_name) or {}, traces, layout, language)
    for colour_bar in _colour_bars(fig, traces, layout):
        if colour_bar.exponentformat is None:
            colour_bar.exponentformat = "none"
        if colour_bar.tickformat and _SI_FORMAT.search(colour_bar.tickformat):
            colour_bar.tickformat = ",~r"
    return fig


def _as_drawn(fig: go.Figure) -> tuple[list[dict], dict]:
    """The traces and layout as plain dictionaries with their values as given (arrays, dates), to read only.

    plotly keeps them in `_data` and `_layout`; reading property by property through its objects costs about
    0.1 ms a read (seconds over a page of charts), and `to_plotly_json` encodes every array as base64.
    """
    try:
        return fig._data, fig._layout
    except AttributeError:  # another plotly: its public, slower form
        drawn = fig.to_plotly_json()
        return drawn.get("data", []), drawn.get("layout", {})


def _localise_axis(axis, settings: dict, traces: list[dict], layout: dict, language: str) -> None:
    """One axis; `settings` is its JSON (what the chart set), `traces` and `layout` the figure's."""
    if settings.get("ticktext") is not None:  # the chart wrote its own labels (log_ticks, categories)
        return
    kind = settings.get("type")
    values = _axis_values(axis.plotly_name, settings, traces, layout)
    if kind == "date" or (kind in (None, "-") and _are_dates(values)):
        _date_ticks(axis, values, language)
        return
    if kind in ("category", "multicategory"):
        return
    if settings.get("exponentformat") is None:
        axis.exponentformat = "none"
    if settings.get("tickformat") and _SI_FORMAT.search(settings["tickformat"]):
        axis.tickformat = ",~r"
    if settings.get("ticksuffix") in ("%", "\u00a0%") or settings.get("tickprefix") == "%":
        pattern = numbers_percent_pattern(language)
        axis.tickprefix = "%" if pattern.startswith("%") else None
        axis.ticksuffix = None if pattern.startswith("%") else ("\u00a0%" if "\u00a0%" in pattern else "%")
    elif kind in (None, "-", "linear") and settings.get("dtick") is None and settings.get("tickvals") is None \
            and not settings.get("ticksuffix") and not settings.get("tickprefix"):
        _compact_ticks(axis, _numeric_extent(axis.plotly_name, settings, traces, layout), language)


def _compact_ticks(axis, extent: tuple[float, float] | None, language: str) -> None:
    """Ticks of a numeric axis that reaches tens of thousands written short, as the language does (Babel's
    compact form: "2,5 млн", "250 B", "2.5M"), at round steps over the data (bars stacked as drawn).

    Plotly chooses its ticks in the browser, so the labels are only ours if we choose the positions too: done
    when every trace on the axis is a bar or scatter whose values can be read here; otherwise the axis keeps
    plotly's ticks, written in full ("2 500 000").
    """
    if extent is None:
        return
    low, high = extent
    if max(abs(low), abs(high)) < COMPACT_FROM:
        return
    step = _round_step((high - low) / 4)  # few ticks: plotly draws every given tick, even on a narrow chart
    first, last = math.floor(low / step) * step, math.ceil(high / step) * step
    ticks = [first + index * step for index in range(int(round((last - first) / step)) + 2)]
    from babel.numbers import format_compact_decimal
    locale = BABEL_LOCALES.get(language, BABEL_LOCALES[DEFAULT_LANGUAGE])
    for digits in (1, 2, 3):
        labels = [format_compact_decimal(tick, fraction_digits=digits, locale=locale) for tick in ticks]
        if len(set(labels)) == len(labels):
            break
    axis.tickmode = "array"
    axis.tickvals = ticks
    axis.ticktext = labels


def _round_step(rough: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, the nearest above `rough`."""
    power = 10 ** math.floor(math.log10(rough)) if rough > 0 else 1
    return next(power * factor for factor in (1, 2, 2.5, 5, 10) if power * factor >= rough)


def _on_axis(trace: dict, name: str) -> bool:
    letter = name[0]
    return (trace.get(f"{letter}axis") or letter) == letter + name[5:]  # "xaxis2" -> "x2"


def _numeric_extent(name: str, settings: dict, traces: list[dict], layout: dict) -> tuple[float, float] | None:
    """(lowest, highest) value drawn on a numeric axis, stacked bars summed; None if it cannot be read here."""
    letter = name[0]
    stacked = layout.get("barmode") in ("stack", "relative")
    values: list[float] = [float(v) for v in (settings.get("range") or ()) if isinstance(v, (int, float))]
    stacks: dict = {}
    found = False
    for trace in traces:
        if not _on_axis(trace, name):
            continue
        kind = trace.get("type", "scatter")
        if kind not in ("bar", "scatter"):
            return None
        horizontal = kind == "bar" and trace.get("orientation") == "h"
        if kind == "bar" and ("x" if horizontal else "y") != letter:
            continue  # this axis holds the bars' categories, not their values
        data = trace.get(letter)
        if data is None:
            continue
        numbers = pd.to_numeric(pd.Series(list(data), dtype="object"), errors="coerce")
        if numbers.isna().all():
            return None
        found = True
        if kind == "bar":
            values.append(0.0)
            if stacked:
                places = trace.get("y" if horizontal else "x")
                places = list(places) if places is not None else list(range(len(numbers)))
                for place, number in zip(places, numbers):
                    if number == number:
                        key = (str(place), number >= 0)
                        stacks[key] = stacks.get(key, 0.0) + float(number)
                continue
        values += [float(n) for n in numbers if n == n]
    values += list(stacks.values())
    if not found or not values:
        return None
    return min(values), max(values)


def numbers_percent_pattern(language: str) -> str:
    """The language's percent pattern from Babel: "#,##0%", "#,##0\u00a0%", "%#,##0"."""
    from babel import Locale
    return Locale.parse(BABEL_LOCALES.get(language, BABEL_LOCALES[DEFAULT_LANGUAGE])).percent_formats[None].pattern


def _colour_bars(fig: go.Figure, traces: list[dict], layout: dict):
    """The colour bars the figure draws. Only those it has: touching `layout.coloraxis.colorbar` (or a trace's)
    would create one, and plotly would draw it."""
    for name, settings in layout.items():
        if name.startswith("coloraxis") and "colorbar" in (settings or {}):
            yield fig.layout[name].colorbar
    for index, trace in enumerate(traces):
        if "colorbar" in trace:
            yield fig.data[index].colorbar
        if "colorbar" in (trace.get("marker") or {}):
            yield fig.data[index].marker.colorbar


def _axis_values(name: str, settings: dict, traces: list[dict], layout: dict) -> list:
    """The values plotted on an axis: its traces' x (or y), its shapes and its range."""
    letter = name[0]
    reference = letter + name[5:]
    values: list = list(settings.get("range") or ())
    for trace in traces:
        if _on_axis(trace, name) and trace.get(letter) is not None:
            values.extend(list(trace[letter]))
    for shape in layout.get("shapes") or ():
        if shape.get(f"{letter}ref") == reference:
            values += [shape.get(f"{letter}0"), shape.get(f"{letter}1")]
    return [v for v in values if v is not None]


def _are_dates(values: list) -> bool:
    """True if the values are dates (datetimes or date objects, not numbers or ISO strings alone)."""
    import numpy as np
    sample = [v for v in values[:50] if not isinstance(v, str)]
    return bool(sample) and all(isinstance(v, (date, datetime, pd.Timestamp, np.datetime64)) for v in sample)


def _date_span(values: list) -> tuple:
    """(first day, last day) of dates given as datetimes, numpy dates or ISO text; (None, None) if none."""
    import numpy as np
    texts = [v for v in values if isinstance(v, str)]
    others = [v for v in values if not isinstance(v, str)]
    days = []
    if others:
        days.append(pd.to_datetime(np.asarray(others, dtype="datetime64[ns]")))
    if texts:
        days.append(pd.to_datetime(pd.Series(texts), format="ISO8601", errors="coerce"))
    days = pd.Series(pd.concat([pd.Series(d) for d in days]) if days else [], dtype="datetime64[ns]").dropna()
    if days.empty:
        return None, None
    return days.min().normalize(), days.max().normalize()


def _date_ticks(axis, values: list, language: str) -> None:
    """Tick positions and Babel-written labels for a date axis (months, years or days, at most eight)."""
    from babel.dates import format_date, format_skeleton
    first, last = _date_span(values)
    if first is None:
        return
    locale = BABEL_LOCALES.get(language, BABEL_LOCALES[DEFAULT_LANGUAGE])
    span = max((last - first).days, 1)
    if span < 60:
        step = next((d for d in _DAY_STEPS if span / d <= _MOST_DATE_TICKS), _DAY_STEPS[-1])
        ticks = pd.date_range(first - pd.Timedelta(days=step), last + pd.Timedelta(days=step), freq=f"{step}D")
        labels = [format_skeleton("MMMd", tick.date(), locale=locale) for tick in ticks]
    else:
        months = span / 30.44
        step = next((m for m in _MONTH_STEPS if months / m <= _MOST_DATE_TICKS), _MONTH_STEPS[-1])
        start = pd.Timestamp(first.year - (first.year % (step // 12) if step >= 12 else 0), 1 if step >= 12 else
                             first.month, 1)
        ticks = pd.date_range(start - pd.DateOffset(months=step), last + pd.DateOffset(months=step),
                              freq=pd.DateOffset(months=step))
        if step >= 12:
            labels = [str(tick.year) for tick in ticks]
        else:
            labels = [format_date(tick.date(), "LLL y", locale=locale) for tick in ticks]
    axis.tickmode = "array"
    axis.tickvals = [tick.date().isoformat() for tick in ticks]
    axis.ticktext = labels
