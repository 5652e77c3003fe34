"""Figures and tables of the Country profiles page.

Pure builders: frames from `app.queries.country` (and the labour and measures
queries) in, plotly figures and reader's tables out; country names through the
`name` function the page passes. Remittance lines and corridor bars are the
Labour page's (`app.charts.labour`); reported figures are written with their
qualifier, period and source as everywhere else.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.charts import stock_types
from app.charts.common import add_meeting_markers, base_layout, has_value, plotly_escape
from app.charts.labour import labour_table, remittances_now
from app.i18n import _, fmt_date, fmt_int, fmt_number, fmt_percent
from app.measures_evidence import recorded_by, source_of, what_it_says
from app.store.measures import status_label
from app.palette import STATUS_COLOURS, country_colour

Namer = Callable[[str], str]
SEX_STYLE = {  # colour and dash of each sex on the stock chart
    "female": ("#C51B7D", "solid"),
    "male": ("#4D9221", "solid"),
    "total": ("#1B2631", "dot"),
}


_has = has_value


def headline(facts: pd.Series, remittances: pd.Series, last_year: int,
             sources: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """The profile's key figures as (label, value, "year · source"); "no figure" where there is none, and
    "not reported" for remittances with no recent figure (see `labour.remittances_now`). `sources` names each
    edition ("UN DESA, International Migrant Stock 2024"); refugees are UNHCR's, marked when provisional."""
    sources = sources or {}
    stock = has_value(facts["stock_year"])
    refugees = has_value(facts["refugees_year"])
    current, share, amount, when = remittances_now(remittances, last_year)
    stock_source = sources.get(facts["stock_edition"], _("UN DESA")) if stock else _("UN DESA")
    stock_note = (_("mid-{year} · {source}").format(year=int(facts["stock_year"]), source=stock_source) if stock
                  else stock_source)
    marks = stock_types.marks(facts.get("basis_citizenship"), facts.get("refugees_added"), facts.get("imputed"))
    unhcr = sources.get(facts["refugees_edition"], _("UNHCR")) if refugees else _("UNHCR")
    refugee_year = ""
    if refugees:
        refugee_year = str(int(facts["refugees_year"]))
        if bool(facts["refugees_provisional"]):
            refugee_year = _("{year}, provisional").format(year=refugee_year)
    wdi = next((v for k, v in sources.items() if str(k).startswith("wdi")), _("World Bank"))
    return [
        (_("Immigrants living here"), (fmt_int(facts["immigrants"]) + marks) if stock and has_value(facts["immigrants"])
         else _("no figure"), stock_note),
        (_("Emigrants living abroad"), fmt_int(facts["emigrants"]) if stock and has_value(facts["emigrants"])
         else _("no figure"), stock_note),
        (_("Remittances received"), amount,
         _("{share} of GDP · {year} · {source}").format(share=share, year=when, source=wdi) if current
         else "{} · {}".format(when, wdi)),
        (_("Refugees from the country"), fmt_int(facts["refugees_from"]) if refugees and
         has_value(facts["refugees_from"]) else _("no figure"),
         "{} · {}".format(refugee_year, unhcr) if refugees else unhcr),
    ]


def sex_label(sex: str) -> str:
    return {"female": _("Women"), "male": _("Men"), "total": _("Both sexes")}.get(sex, sex)


def stock_lines(stock: pd.DataFrame, meetings: pd.DataFrame, previous: pd.DataFrame | None = None,
                previous_label: str = "") -> go.Figure:
    """Immigrants living in the country and emigrants from it at each mid-year, women, men and both.

    `previous`: the same country in the previous edition of the UN's estimates; for the years both cover, the
    both-sexes hover says what the previous edition gave (the UN revised it), never adding the two."""
    before = ({} if previous is None or previous.empty else
              {(m, int(r.year)): getattr(r, m) for r in previous[previous["sex"] == "total"].itertuples()
               for m in ("immigrants", "emigrants")})
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[_("Immigrants living in the country"), _("Emigrants living abroad")])
    for panel, measure in enumerate(("immigrants", "emigrants"), start=1):
        for sex in ("female", "male", "total"):
            rows = stock[stock["sex"] == sex]
            colour, dash = SEX_STYLE[sex]
            hover = [_("{sex}, mid-{year}: {persons}").format(sex=sex_label(sex), year=int(y), persons=fmt_int(v))
                     + stock_types.marks(c, r, i)
                     for y, v, c, r, i in zip(rows["year"], rows[measure], rows.get("basis_citizenship", rows["year"] * 0),
                                              rows.get("refugees_added", rows["year"] * 0),
                                              rows.get("imputed", rows["year"] * 0))]
            if sex == "total" and before:
                hover = [text + ("<br>" + _("{edition}: {persons} (revised by {change})").format(
                    edition=plotly_escape(previous_label), persons=fmt_int(before[(measure, int(y))]),
                    change=signed_int(v - before[(measure, int(y))]))
                    if (measure, int(y)) in before and has_value(v) and has_value(before[(measure, int(y))])
                    and v != before[(measure, int(y))] else "")
                    for text, y, v in zip(hover, rows["year"], rows[measure])]
            fig.add_trace(go.Scatter(
                x=rows["year"], y=rows[measure].astype("float"), mode="lines+markers", name=sex_label(sex),
                legendgroup=sex, showlegend=panel == 1, line={"color": colour, "dash": dash, "width": 2.5},
                hovertext=hover, hoverinfo="text"), row=panel, col=1)
        fig.update_yaxes(rangemode="tozero", tickformat=",.0f", row=panel, col=1)
    # A true year axis ticked at the years held: 2020 to 2024 is four years, not one step of five.
    years = sorted(int(y) for y in stock["year"].unique())
    fig.update_xaxes(type="linear", tickmode="array", tickvals=years, ticktext=[str(y) for y in years])
    base_layout(fig, height=560)
    for annotation in fig.layout.annotations:  # panel titles on the left, clear of the meeting labels
        annotation.update(x=0, xanchor="left", font={"size": 13, "color": "#1B2631"})
    if not stock.empty:
        span = (int(stock["year"].min()), int(stock["year"].max()) + 0.99)  # meetings up to the end of 2020
        add_meeting_markers(fig, meetings, axis="year", span=span)
    return fig


def stock_table(stock: pd.DataFrame, iso3: str, name: Namer, edition: str = "",
                previous: pd.DataFrame | None = None, previous_label: str = "") -> pd.DataFrame:
    """The series as the CSV gives it; with `previous`, each year both editions cover also gives the previous
    edition's figure beside it (never added: two columns)."""
    table = pd.DataFrame({
        _("Country"): name(iso3), _("Year (mid-year)"): stock["year"].to_numpy(),
        _("Sex"): [sex_label(s) for s in stock["sex"]],
        _("Immigrants"): stock["immigrants"].to_numpy(), _("Emigrants"): stock["emigrants"].to_numpy(),
        _("Edition"): edition,
        **stock_types.table_columns(stock.reset_index(drop=True)),
    })
    if previous is not None and not previous.empty:
        before = previous.set_index(["year", "sex"])
        keys = list(zip(stock["year"], stock["sex"]))
        for measure, label in (("immigrants", _("Immigrants")), ("emigrants", _("Emigrants"))):
            values = before[measure].reindex(keys)
            table[f"{label} — {previous_label}"] = pd.array(values.to_numpy(), dtype="Int64")
    return table


def signed_int(value) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "±") + fmt_int(abs(value))


def revision_note(stock: pd.DataFrame, previous: pd.DataFrame, country: str, latest_label: str,
                  previous_label: str) -> str:
    """One sentence per measure the UN revised for the latest year both editions cover: "International Migrant
    Stock 2024 revised Kazakhstan's immigrants in 2020 from 3,732,073 to 1,990,268 (−46.7 %)." Empty if none."""
    if previous is None or previous.empty or stock.empty:
        return ""
    common = sorted(set(stock["year"]) & set(previous["year"]))
    if not common:
        return ""
    year = int(common[-1])
    now = stock[(stock["year"] == year) & (stock["sex"] == "total")]
    then = previous[(previous["year"] == year) & (previous["sex"] == "total")]
    if now.empty or then.empty:
        return ""
    sentences = []
    for measure, words in (("immigrants", _("{edition} revised the immigrants of {country} in {year} from "
                                            "{before} to {after} ({change}).")),
                           ("emigrants", _("{edition} revised the emigrants of {country} in {year} from "
                                           "{before} to {after} ({change})."))):
        after, before = now[measure].iloc[0], then[measure].iloc[0]
        if has_value(after) and has_value(before) and after != before:
            sentences.append(words.format(edition=latest_label, country=country, year=year, before=fmt_int(before),
                                          after=fmt_int(after), change=fmt_percent(100 * (after - before) / before, 1)
                                          if before else signed_int(after - before)))
    if not sentences:
        return _("{edition} did not revise the totals of {country} for {year}: {previous} gives the same.").format(
            edition=latest_label, country=country, year=year, previous=previous_label)
    return " ".join(sentences)


def refugee_lines(over_time: pd.DataFrame, labels: dict[str, str], provisional_word: str) -> go.Figure:
    """Refugees the country hosts and refugees from it, year by year (UNHCR). A provisional year is a hollow mark
    on a dotted last step; a year without a figure is a gap."""
    fig = go.Figure()
    styles = {"hosted": ("#1B2631", "solid"), "refugees_from": ("#C51B7D", "solid")}
    provisional = over_time["provisional"].astype(bool).to_numpy()
    for column, (colour, dash) in styles.items():
        values = over_time[column].astype("float")
        fig.add_trace(go.Scatter(
            x=over_time["year"], y=values, mode="lines+markers", name=labels[column],
            line={"color": colour, "dash": dash, "width": 2.5},
            marker={"size": [10 if p else 6 for p in provisional],
                    "symbol": ["circle-open" if p else "circle" for p in provisional]},
            hovertext=["{label}, {year}: {value}{note}".format(label=labels[column], year=int(y), value=fmt_int(v),
                                                              note=f" ({provisional_word})" if p else "")
                       for y, v, p in zip(over_time["year"], values, provisional)], hoverinfo="text"))
    base_layout(fig, height=380)
    fig.update_yaxes(rangemode="tozero", tickformat=",.0f")
    fig.update_xaxes(type="linear")
    return fig


def refugee_table(over_time: pd.DataFrame, iso3: str, name: Namer, labels: dict[str, str], edition: str,
                  yes: str, no: str) -> pd.DataFrame:
    return pd.DataFrame({
        _("Country"): name(iso3), _("Year"): over_time["year"].to_numpy(),
        labels["hosted"]: over_time["hosted"].astype("Int64").array,
        labels["refugees_from"]: over_time["refugees_from"].astype("Int64").array,
        labels["asylum_seekers_hosted"]: over_time["asylum_seekers_hosted"].astype("Int64").array,
        labels["asylum_seekers_from"]: over_time["asylum_seekers_from"].astype("Int64").array,
        _("Provisional"): [yes if p else no for p in over_time["provisional"]],
        _("Edition"): edition,
    })


def partner_bars(partners: pd.DataFrame, colour: str, name: Namer, marked: bool = False,
                 revised: dict[str, int] | None = None, previous_name: str = "") -> go.Figure:
    """The largest partner countries, each with its share of the country's total. `marked`: each partner is a
    destination, whose data types (counted by citizenship, refugees added, imputed) mark its name. `revised`: the
    previous edition's figure of the partners the UN revised, said in their hover."""
    frame = partners.iloc[::-1]
    revised = revised or {}
    marks = stock_types.row_marks(frame) if marked else [""] * len(frame)
    fig = go.Figure(go.Bar(
        x=frame["persons"], y=[name(c) + m for c, m in zip(frame["partner_iso3"], marks)], orientation="h",
        marker_color=colour,
        text=["{persons} · {share}".format(persons=fmt_int(p), share=fmt_percent(s)) if _has(s) else fmt_int(p)
              for p, s in zip(frame["persons"], frame["share_pct"])],
        textposition="outside", cliponaxis=False, hoverinfo="text",
        hovertext=[_("{country}: {persons} persons in {year}").format(country=name(c), persons=fmt_int(p), year=int(y))
                   + ("<br>" + plotly_escape(_("revised by the UN from {before} ({edition})").format(
                       before=fmt_int(revised[c]), edition=previous_name)) if c in revised else "")
                   for c, p, y in zip(frame["partner_iso3"], frame["persons"], frame["year"])]))
    base_layout(fig, height=110 + 30 * len(frame))
    fig.update_xaxes(range=[0, float(frame["persons"].max()) * 1.45], tickformat=",.0f")
    fig.update_layout(showlegend=False)
    return fig


def partner_table(partners: pd.DataFrame, iso3: str, side: str, name: Namer, edition: str = "",
                  revised: dict[str, int] | None = None, previous_name: str = "") -> pd.DataFrame:
    table = pd.DataFrame({
        _("Country"): name(iso3),
        _("Origin") if side == "origins" else _("Destination"): [name(c) for c in partners["partner_iso3"]],
        _("Year (mid-year)"): partners["year"].to_numpy(),
        _("Persons"): partners["persons"].to_numpy(),
        _("Share of the country's total, %"): partners["share_pct"].round(2).to_numpy(),
        _("Edition"): edition,
        **stock_types.table_columns(partners.reset_index(drop=True)),
    })
    if revised:  # where the UN revised the figure: what the previous edition gave (empty where it did not)
        table[_("Persons, as {edition} gave it").format(edition=previous_name)] = pd.array(
            [revised.get(c) for c in partners["partner_iso3"]], dtype="Int64")
    return table


def corridor_pairs(corridors: pd.DataFrame, iso3: str, name: Namer) -> go.Figure:
    """Migrants each way between the country and each member and observer state, in one year."""
    states = [name(c) for c in corridors["partner_iso3"]]
    year = int(corridors["stock_year"].iloc[0])
    fig = go.Figure()
    for column, label, colour in (
            ("emigrants_there", _("Born in {country}, living there").format(country=name(iso3)), country_colour(iso3)),
            ("immigrants_from_there", _("Born there, living in {country}").format(country=name(iso3)), "#8C8C8C")):
        values = corridors[column].astype("float")
        fig.add_trace(go.Bar(
            x=states, y=values, name=plotly_escape(label), marker_color=colour,
            text=[fmt_int(v) if _has(v) else "—" for v in values], textposition="outside", cliponaxis=False,
            hovertext=["{label}: {value} ({year})".format(label=plotly_escape(label), year=year,
                                                           value=fmt_int(v) if _has(v) else _("none recorded"))
                       for v in values], hoverinfo="text"))
    base_layout(fig, height=400)
    fig.update_layout(barmode="group", bargap=0.3)
    fig.update_yaxes(title_text=_("persons, mid-{year}").format(year=year), tickformat=",.0f", rangemode="tozero")
    return fig


def corridor_table(corridors: pd.DataFrame, iso3: str, name: Namer) -> pd.DataFrame:
    """Every corridor figure with its year: stocks, estimated flows, estimated remittances, each way."""
    me = name(iso3)
    period = "{start}–{end}".format(start=int(corridors["period_start"].iloc[0]),
                                    end=int(corridors["period_end"].iloc[0])) if len(corridors) else ""
    year = int(corridors["stock_year"].iloc[0]) if len(corridors) else ""
    money_year = (int(corridors["remittance_year"].iloc[0]) if len(corridors) and
                  has_value(corridors["remittance_year"].iloc[0]) else "")
    return pd.DataFrame({
        _("Partner state"): [name(c) for c in corridors["partner_iso3"]],
        _("Born in {country}, living there ({year})").format(country=me, year=year):
            corridors["emigrants_there"].to_numpy(),
        _("Born there, living in {country} ({year})").format(country=me, year=year):
            corridors["immigrants_from_there"].to_numpy(),
        _("Moved from {country} to there, {period} (estimate)").format(country=me, period=period):
            corridors["moved_there"].to_numpy(),
        _("Moved from there to {country}, {period} (estimate)").format(country=me, period=period):
            corridors["moved_from_there"].to_numpy(),
        _("Remittances sent from {country}, US$ million, {year} (estimate)").format(country=me, year=money_year):
            corridors["remittances_sent_there"].round(2).to_numpy(),
        _("Remittances received by {country}, US$ million, {year} (estimate)").format(country=me, year=money_year):
            corridors["remittances_received_from_there"].round(2).to_numpy(),
    })


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """The table for the screen: numbers grouped the reader's way, a missing figure as "—" (never 0 or None).
    The CSV export keeps the plain numbers."""
    shown = table.copy()
    for column in shown.columns:
        if pd.api.types.is_numeric_dtype(shown[column]):
            whole = shown[column].dropna().eq(shown[column].dropna().round()).all()
            shown[column] = [("—" if not _has(v) else fmt_int(v) if whole else fmt_number(v, 1))
                             for v in shown[column]]
    return shown


def reported_table(figures: pd.DataFrame, name: Namer) -> pd.DataFrame:
    """Stranded and labour figures on the country, as reported, with the topic in front."""
    table = labour_table(figures, name)
    table.insert(0, _("Topic"), [_("Stranded and repatriated, 2020") if t == "stranded" else _("Labour migration")
                                 for t in figures["topic"]])
    return table


def measure_table(status: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Each agreed measure with its current status in the country, when it applies from, and on what ground
    (`status` in the reader's language: `measures_evidence.localised`)."""
    rows = [row for _index, row in status.iterrows()]
    return pd.DataFrame({
        _("Measure"): status["measure_title"].to_numpy(),
        _("Agreed on"): [fmt_date(d) for d in status["meeting_date"]],
        _("Status"): [status_label(s) for s in status["status"]],
        _("Since"): [fmt_date(d) if _has(d) else "" for d in status["as_of"]],
        _("What the record says"): [what_it_says(row) for row in rows],
        _("Source"): [source_of(row, documents) for row in rows],
        _("Recorded by"): [recorded_by(row) if _has(row.get("row_key")) else "" for row in rows],
        _("Category"): status["category"].to_numpy(),
    })


def coloured_statuses(table: pd.DataFrame, statuses: pd.Series):
    """The measure table styled for the screen: each status cell in its status colour, as on the matrix."""
    colours = [STATUS_COLOURS.get(s, "#FFFFFF") for s in statuses]
    status_column = _("Status")

    def paint(column: pd.Series) -> list[str]:
        if column.name != status_column:
            return [""] * len(column)
        return [f"background-color: {c}" for c in colours]
    return table.style.apply(paint)
