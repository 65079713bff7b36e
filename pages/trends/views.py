"""What Trends' callbacks compute, as plain functions (tested without a browser)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard import data
from dashboard.downloads import areas_stem, csv_text
from pages.trends.figures import trend_figure
from pages.trends.state import TrendsState


def trend_data(state: TrendsState) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(area series, benchmark series) for the trends chart and its CSV."""
    empty = pd.DataFrame(columns=["code", "naam", "jaar", "waarde", "status", "bron", "breuk", "soort"])
    if not state.indicator:
        return empty, empty
    # Without chosen areas the Drenthe line still gives the page something to read.
    tr = data.trend(state.indicator, tuple(state.codes)) if state.codes else empty.drop(columns="soort")
    parts = []
    gms = sorted({data.gemeente_of_area(c) for c in state.codes} - set(state.codes) - {None})
    if "gemeente" in state.vergelijk and gms:
        g = data.trend(state.indicator, tuple(gms))
        g = g.assign(soort="gemeente", naam="Gemeente " + g["naam"].astype(str))
        parts.append(g)
    if "drenthe" in state.vergelijk:
        parts.append(data.drenthe_trend(state.indicator))
    bench = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["code", "naam", "jaar", "waarde", "status", "bron", "breuk", "soort"])
    return tr, bench


def as_index(frame: pd.DataFrame) -> pd.DataFrame:
    """Each area's series as an index: its first year with a value = 100."""
    out = frame.copy()
    v = pd.to_numeric(out["waarde"], errors="coerce")
    base = v.where(v.gt(0)).groupby(out["code"]).transform("first")
    out["waarde"] = (v / base * 100).round(1)
    return out


def trend_view(state: TrendsState) -> tuple[go.Figure, list]:
    """Figure plus notes (breaks, missing values) for the trends page."""
    if not state.indicator:
        return go.Figure(), [html.P("Geen indicator beschikbaar.")]
    meta = data.indicator(state.indicator)
    tr, bench = trend_data(state)
    notes: list = []
    if getattr(meta, "aggregation", "") == "sum" and len(tr) and len(bench):
        # A count for a village next to the count for all of Drenthe is a flat line at zero:
        # compare the development instead, each series indexed to its first year.
        tr, bench = as_index(tr), as_index(bench)
        meta = replace(meta, unit="index (eerste jaar = 100)", decimals=0)
        notes.append(html.P("Aantallen zijn als index getoond (eerste jaar met een waarde = 100), zodat een dorp "
                            "en Drenthe te vergelijken zijn; de CSV bevat de echte aantallen.", className="noot"))
    fig = trend_figure(tr, meta, bench)
    if not state.codes:
        notes.append(html.P("Kies hierboven één of meer gebieden om hun ontwikkeling te zien.", className="klein"))
    breaks = tr[tr["breuk"].fillna(False).astype(bool)] if len(tr) else tr
    for _, r in breaks.iterrows():
        notes.append(html.P(f"Trendbreuk bij {r['naam']} in {int(r['jaar'])}: de gebiedsindeling is gewijzigd; "
                            "de stippellijn verbindt niet-vergelijkbare punten.", className="noot"))
    missing = tr[~tr["status"].isin(["ok", "onbetrouwbaar"])] if len(tr) else tr
    for naam, g in missing.groupby("naam"):
        jaren = ", ".join(str(int(j)) for j in g["jaar"])
        notes.append(html.P(f"{naam}: geen waarde (geheim of niet gepubliceerd) in {jaren}.", className="noot"))
    if len(tr):
        bronnen = sorted({b.strip() for s in tr["bron"].dropna() for b in str(s).split(",") if b.strip()})
        notes.append(html.P(f"Bron: CBS {', '.join(bronnen)} (per punt in de tooltip).", className="noot"))
    return fig, notes


def trends_csv(state: TrendsState) -> tuple[str, str]:
    tr, bench = trend_data(state)
    frame = pd.concat([tr.assign(soort="gebied"), bench], ignore_index=True)
    cols = ["soort", "code", "naam", "jaar", "waarde", "status", "bron", "breuk"]
    frame = frame.reindex(columns=cols)
    if state.indicator:
        meta = data.indicator(state.indicator)
        frame.insert(3, "indicator", meta.title)
        frame.insert(4, "eenheid", meta.unit)
    names = [data.area_index().get(c, (c, ""))[0] for c in state.codes]
    return csv_text(frame), areas_stem(f"trend-{state.indicator or 'leeg'}", names) + ".csv"
