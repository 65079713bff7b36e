"""Comparing areas: URL state, the comparison table, small multiples and "lijkt op".

Pure parts (:func:`parse_vergelijken`,
:func:`small_multiples`, :func:`wide_table`) take frames and records; the
loader :func:`compare_frame` fills them from :mod:`dashboard.data` ("lijkt op" lives in
:mod:`dashboard.similar`, shared with the profile), and :func:`comparison_download` builds the CSV/Excel files.
:mod:`pages.vergelijken.page` only wires them to controls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from dashboard import data, links
from dashboard.downloads import XLSX_TYPE, Download, areas_stem, csv_download, excel_bytes, sources
from dashboard.formatting import fmt_value, is_missing, level_word, status_word, to_float
from dashboard.links import Catalog, first, parse_codes, resolve_code, split_list
from dashboard.similar import TOP_SIMILAR, similar_areas, similar_to  # noqa: F401 - re-exported
from dashboard.theme import FONT, GRID, LINE_COLORS
from dashboard.validate import clip, too_many
from dorpenmonitor.lazy import lazy_module
from dorpenmonitor.settings import GEMEENTEN

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

MAX_AREAS = 8
MAX_INDICATORS = 8
DEFAULT_INDICATORS: tuple[str, ...] = ("aandeel_65plus", "woz_gemiddeld", "aandeel_koopwoningen", "afstand_huisarts")
REF_STYLE: dict[str, dict[str, str]] = {
    "drenthe": {"color": "#222222", "dash": "dot"},
    "monitor": {"color": "#8a5a00", "dash": "dashdot"},
}
TIDY_COLUMNS = ["code", "naam", "niveau", "gemeente", "indicator", "titel", "eenheid", "jaar", "waarde", "status",
                "opmerking", "gemeente_waarde", "drenthe_waarde", "monitor_waarde"]


@dataclass(frozen=True)
class VergelijkState:
    codes: tuple[str, ...] = ()
    indicatoren: tuple[str, ...] = DEFAULT_INDICATORS
    basis: str | None = None
    messages: tuple[str, ...] = field(default=(), compare=False)


def parse_vergelijken(query: Mapping[str, Any], catalog: Catalog) -> VergelijkState:
    """Validated state from a query string; unknown parts are dropped with a Dutch message."""
    codes, msgs = parse_codes(query.get("codes"), catalog.areas, MAX_AREAS)

    inds: list[str] = []
    raw_inds = split_list(query.get("indicatoren"), MAX_INDICATORS)
    if len(raw_inds) > MAX_INDICATORS:
        msgs.append(too_many(MAX_INDICATORS, "indicatoren"))
        raw_inds = raw_inds[:MAX_INDICATORS]
    for ind in raw_inds:
        if ind not in catalog.titles:
            msgs.append(f"Indicator '{clip(ind)}' is onbekend en is weggelaten.")
        elif ind not in inds:
            inds.append(ind)
    if not inds:
        inds = [i for i in DEFAULT_INDICATORS if i in catalog.titles]
        if raw_inds:
            msgs.append("Geen bekende indicator in de link; we tonen de standaardkeuze.")

    basis = first(query.get("basis"))
    if basis is not None and resolve_code(basis, catalog.areas) in codes:
        basis = resolve_code(basis, catalog.areas)
    elif basis is not None:
        if resolve_code(basis, catalog.areas):
            msgs.append(f"'Lijkt op' kan alleen voor een gekozen gebied; we nemen {_name(catalog, codes)}.")
        else:
            msgs.append(f"Gebied '{clip(basis)}' voor 'lijkt op' is onbekend; we nemen {_name(catalog, codes)}.")
        basis = None
    if basis is None and codes:
        basis = codes[0]
    return VergelijkState(tuple(codes), tuple(inds), basis, tuple(msgs))


def _name(catalog: Catalog, codes: Sequence[str]) -> str:
    return catalog.areas[codes[0]][0] if codes else "geen gebied"


def _params(state: VergelijkState) -> dict[str, str]:
    params: dict[str, str] = {}
    if state.codes:
        params["codes"] = ",".join(state.codes)
    params["indicatoren"] = ",".join(state.indicatoren)
    if state.basis and state.codes and state.basis != state.codes[0]:
        params["basis"] = state.basis
    return params


def vergelijken_query(state: VergelijkState) -> str:
    """The query string (with '?') that reproduces ``state``."""
    return links.query(**_params(state))


def vergelijken_href(state: VergelijkState) -> str:
    """The link to the page showing ``state``."""
    return links.href("/vergelijken", **_params(state))


# -- values -------------------------------------------------------------------

@data.loader(maxsize=2048)
def latest(indicator_id: str, code: str, niveau: str) -> tuple[int | None, float | None, str, str]:
    """(jaar, waarde, status, note) of the newest year in which ``code`` has a value (else the newest year)."""
    yrs = data.years(indicator_id, niveau)
    fallback: tuple[int | None, float | None, str, str] = (None, None, "ontbreekt", "")
    for i, y in enumerate(reversed(yrs)):
        v = data.values(indicator_id, niveau, y)
        hit = v[v["code"] == code]
        if hit.empty:
            continue
        r = hit.iloc[0]
        val = to_float(r["waarde"])
        row = (int(y), val, str(r["status"]), str(r.get("note") or ""))
        if val is not None and r["status"] in ("ok", "onbetrouwbaar"):
            return row
        if i == 0:
            fallback = row
    return fallback


def compare_frame(codes: Sequence[str], indicatoren: Sequence[str]) -> pd.DataFrame:
    """Tidy comparison: one row per (area, indicator), with the year used and the benchmarks of that year."""
    index = data.area_index()
    areas = data.areas().set_index("code")
    rows = []
    for code in codes:
        if code not in index:
            continue
        naam, niveau = index[code]
        gm = areas.at[code, "gemeente_naam"] if code in areas.index else None
        for ind_id in indicatoren:
            meta = data.indicator(ind_id)
            jaar, waarde, status, note = latest(ind_id, code, niveau)
            bench = data.benchmarks(ind_id, code, jaar) if jaar is not None else None
            rows.append({
                "code": code, "naam": naam, "niveau": niveau, "gemeente": gm, "indicator": ind_id,
                "titel": meta.title, "eenheid": meta.unit, "jaar": jaar, "waarde": waarde, "status": status,
                "opmerking": note,
                "gemeente_waarde": None if niveau == "gemeente" or bench is None else bench.gemeente.waarde,
                "drenthe_waarde": None if bench is None else bench.drenthe.waarde,
                "monitor_waarde": None if bench is None else bench.monitor.waarde,
            })
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


def wide_table(tidy: pd.DataFrame) -> pd.DataFrame:
    """Areas as rows, indicators as columns ('28,3% (2024)', '1,2 km (2024)'), for the on-screen table and Excel."""
    if tidy.empty:
        return pd.DataFrame()
    out: dict[str, dict[str, str]] = {}
    for r in tidy.itertuples(index=False):
        meta = data.indicator(r.indicator)
        row = out.setdefault(r.code, {"Gebied": r.naam, "Soort": level_word(r.niveau),
                                      "Gemeente": r.gemeente or ""})
        if is_missing(r.waarde):
            text = status_word(r.status, short=True) if r.status in ("geheim", "ontbreekt", "onbetrouwbaar") else "–"
        else:
            text = fmt_value(r.waarde, meta) + (" *" if r.status == "onbetrouwbaar" else "")
        row[r.indicator] = f"{text} ({r.jaar})" if r.jaar else text
    return pd.DataFrame(list(out.values()), index=list(out))


def benchmark_rows(tidy: pd.DataFrame) -> pd.DataFrame:
    """Reference rows for the table: each chosen area's gemeente, Drenthe and the 13 gemeenten."""
    rows: dict[str, dict[str, str]] = {}
    for r in tidy.itertuples(index=False):
        meta = data.indicator(r.indicator)
        refs = [("Drenthe (12 gemeenten)", r.drenthe_waarde), ("Monitor (13 gemeenten)", r.monitor_waarde)]
        if r.niveau != "gemeente" and r.gemeente:
            refs.insert(0, (f"Gemeente {r.gemeente}", r.gemeente_waarde))
        for label, v in refs:
            row = rows.setdefault(label, {"Gebied": label, "Soort": "referentie", "Gemeente": ""})
            # Several areas may bring the same reference in different years: show the first.
            row.setdefault(r.indicator, f"{fmt_value(v, meta)} ({r.jaar})" if r.jaar else fmt_value(v, meta))
    order = sorted(rows, key=lambda k: (not k.startswith("Gemeente"), k))
    return pd.DataFrame([rows[k] for k in order])


# -- "lijkt op": dashboard.similar (shared with the profile's peers) --------------------

# -- figure ----------------------------------------------------------------------

@dataclass(frozen=True)
class Panel:
    """One small multiple: the panel's title (with unit) and its bar figure."""

    indicator: str
    title: str
    figure: go.Figure


#: Height of one area's bar and of a panel's axes and margins (px); the legend adds a line or two above it.
BAR_HEIGHT = 30
PANEL_FRAME = 70
LEGEND_HEIGHT = 56


def small_multiples(tidy: pd.DataFrame, metas: Mapping[str, Any]) -> list[Panel]:
    """One horizontal bar panel per indicator; Drenthe and the 13 gemeenten as vertical reference lines,
    each area's own gemeente as a black tick on its bar (areas may lie in different gemeenten).

    Each panel is a figure of its own, so the page can lay them out in a grid that has two columns on a wide
    screen and one on a phone: in one figure with two columns of subplots the area names of the right column
    ran over the bars of the left one at 390 px. The first panel with reference lines carries their legend.

    Count indicators (aggregation 'sum') get no reference lines or ticks: totals are on another scale than the
    areas compared; the table beside the chart lists them.
    """
    inds = [i for i in dict.fromkeys(tidy["indicator"]) if i in metas]
    colors = {c: LINE_COLORS[i % len(LINE_COLORS)] for i, c in enumerate(dict.fromkeys(tidy["code"]))}
    panels: list[Panel] = []
    legend_shown = False
    for ind in inds:
        meta = metas[ind]
        is_count = getattr(meta, "aggregation", "") == "sum"
        title = ((f"{meta.title} ({meta.unit})" if meta.unit not in ("", "aantal") else meta.title)
                 + (" · referenties in de tabel" if is_count else ""))
        sub = tidy[tidy["indicator"] == ind].iloc[::-1]  # first chosen area on top
        fig = _panel(sub, meta, colors, is_count, legend=not legend_shown)
        legend_shown = legend_shown or any(tr.showlegend for tr in fig.data)
        panels.append(Panel(ind, title, fig))
    return panels


def _panel(sub: pd.DataFrame, meta: Any, colors: Mapping[str, str], is_count: bool, legend: bool) -> go.Figure:
    """The bar figure of one indicator (``sub``: its rows, last chosen area first); ``legend``: show one."""
    fig = go.Figure()
    vals = pd.to_numeric(sub["waarde"], errors="coerce")
    labels = [f"{nm} ({j})" if pd.notna(j) else nm for nm, j in zip(sub["naam"], sub["jaar"], strict=True)]
    fig.add_trace(go.Bar(
        x=vals, y=labels, orientation="h", marker={"color": [colors[c] for c in sub["code"]]},
        text=[fmt_value(v, meta) if pd.notna(v) else "geen gegevens" for v in vals], textposition="auto",
        hovertemplate="<b>%{y}</b><br>%{text}<extra></extra>", showlegend=False, cliponaxis=False,
    ))
    # A count (woningvoorraad, huishoudens) of the gemeente or of Drenthe is on another scale than a village's:
    # as a line it squeezes the village bars into slivers (axis to 250.000). Its references stay in the table.
    gm = pd.to_numeric(sub["gemeente_waarde"], errors="coerce")
    if gm.notna().any() and not is_count:
        fig.add_trace(go.Scatter(
            x=gm, y=labels, mode="markers", name="Eigen gemeente", legendgroup="gemeente", showlegend=legend,
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#111111"}},
            customdata=[[f"{g}: {fmt_value(v, meta)}"] for g, v in zip(sub["gemeente"], gm, strict=True)],
            hovertemplate="Gemeente %{customdata[0]}<extra></extra>",
        ))
    for key, label in (("drenthe", "Drenthe (12 gemeenten)"), ("monitor", "Monitor (13 gemeenten)")):
        ref = pd.to_numeric(sub[f"{key}_waarde"], errors="coerce").dropna()
        if ref.empty or is_count:
            continue
        v = float(ref.iloc[-1])
        style = REF_STYLE[key]
        # A line trace (not a shape) so the reference has a legend entry and a hover text.
        fig.add_trace(go.Scatter(
            x=[v, v], y=[labels[0], labels[-1]], mode="lines", name=label, legendgroup=key, showlegend=legend,
            line={"color": style["color"], "dash": style["dash"], "width": 2},
            hovertemplate=f"{label}: {fmt_value(v, meta)}<extra></extra>",
        ))
    with_legend = any(tr.showlegend for tr in fig.data)
    # Unit in the panel title (above the figure, on the page), not as an axis title.
    fig.update_xaxes(gridcolor=GRID, rangemode="tozero", exponentformat="none", separatethousands=True)
    fig.update_yaxes(automargin=True)
    top = LEGEND_HEIGHT if with_legend else 10
    fig.update_layout(
        height=PANEL_FRAME + BAR_HEIGHT * len(labels) + top, margin={"l": 10, "r": 20, "t": top, "b": 10},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="#ffffff", separators=",.", bargap=0.3,
        font={"family": FONT, "size": 12}, hoverlabel={"bgcolor": "#ffffff"}, showlegend=with_legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return fig


# -- exports --------------------------------------------------------------------------

def export_frame(tidy: pd.DataFrame) -> pd.DataFrame:
    """The tidy comparison with Dutch column names (CSV and the Excel sheet 'Gegevens')."""
    return tidy.rename(columns={
        "code": "Code", "naam": "Gebied", "niveau": "Soort", "gemeente": "Gemeente", "indicator": "Indicator-id",
        "titel": "Indicator", "eenheid": "Eenheid", "jaar": "Jaar", "waarde": "Waarde", "status": "Status",
        "opmerking": "Opmerking", "gemeente_waarde": "Waarde eigen gemeente", "drenthe_waarde": "Waarde Drenthe",
        "monitor_waarde": "Waarde 13 gemeenten",
    })


def indicator_sheet(indicatoren: Sequence[str]) -> pd.DataFrame:
    """Definitions of the indicators in an export."""
    rows = []
    for i in indicatoren:
        m = data.indicator(i)
        rows.append({"Indicator-id": m.id, "Indicator": m.title, "Omschrijving": m.description,
                     "Berekening": m.formula, "Eenheid": m.unit, "Thema": m.theme, "Richting": m.direction,
                     "CBS-tabellen": ", ".join(m.sources)})
    return pd.DataFrame(rows)


def comparison_download(codes: Sequence[str], indicatoren: Sequence[str], excel: bool) -> Download:
    """The page's CSV (tidy) or Excel (tidy, overview with units, definitions, sources)."""
    frame = compare_frame(codes, indicatoren)  # once: the CSV and both Excel sheets come from it
    tidy = export_frame(frame)
    index = data.area_index()
    names = [index.get(c, (c, ""))[0] for c in codes]
    stem = areas_stem("vergelijking", names)
    if not excel:
        return csv_download(tidy, f"{stem}.csv")
    wide = wide_table(frame).rename(columns={i: data.indicator(i).title for i in indicatoren})
    payload = excel_bytes(
        {"Waarden": tidy, "Overzicht": wide, "Indicatoren": indicator_sheet(indicatoren)},
        sources(), title="Vergelijking Dorpenmonitor Drenthe",
        notes=[f"Gebieden: {', '.join(names)}",
               "Drenthe = de 12 Drentse gemeenten; monitor = 12 Drentse gemeenten en Hardenberg.",
               f"Gemeenten in de monitor: {', '.join(GEMEENTEN.values())}"],
    )
    return Download(payload, f"{stem}.xlsx", XLSX_TYPE)
