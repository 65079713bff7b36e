"""What Trends' callbacks compute, as plain functions (tested without a browser)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import plotly.graph_objects as go
from dash import html

from dashboard import data
from dashboard.downloads import areas_stem, csv_text
from dashboard.formatting import years_text
from dorpenmonitor.lazy import lazy_module
from pages.trends.figures import trend_figure_dict
from pages.trends.state import TrendsState

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")


def trend_data(state: TrendsState) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(area series, benchmark series) for the trends chart and its CSV."""
    empty = pd.DataFrame(columns=[*data.TREND_COLUMNS, "soort"])
    if not state.indicator:
        return empty, empty
    omgerekend = state.indeling == "omgerekend"
    # Without chosen areas the Drenthe line still gives the page something to read.
    tr = data.trend(state.indicator, tuple(state.codes), omgerekend) if state.codes else empty.drop(columns="soort")
    parts = []
    gms = sorted({data.gemeente_of_area(c) for c in state.codes} - set(state.codes) - {None})
    if "gemeente" in state.vergelijk and gms:
        g = data.trend(state.indicator, tuple(gms), omgerekend)
        g = g.assign(soort="gemeente", naam="Gemeente " + g["naam"].astype(str))
        parts.append(g)
    if "drenthe" in state.vergelijk:
        parts.append(data.drenthe_trend(state.indicator))
    bench = pd.concat(parts, ignore_index=True) if parts else empty
    return tr, bench


def as_index(frame: pd.DataFrame) -> pd.DataFrame:
    """Each comparable stretch of an area's series as an index: 100 = its first usable value.

    A series break starts a new stretch with a base of its own, so no index value compares across a break
    (Emmen 1997 → 1998 is the Schoonebeek merger, not growth; Assen's woningvoorraad before the 2015 source
    change is not a percentage of the BAG count). A partial sum ('onvolledig') is never a base.
    A stretch with one usable value is left out: its lone '100' compares with nothing (Assen 1997, before the
    1998 herindeling); :func:`lone_years_note` says so.
    """
    out = frame.copy()
    code = out["code"]
    v = pd.to_numeric(out["waarde"], errors="coerce")
    jaar = pd.to_numeric(out["jaar"], errors="coerce")
    status = out["status"].fillna("ok") if "status" in out else pd.Series("ok", index=out.index)
    brk = (out["breuk"].astype("boolean").fillna(False).astype(bool) if "breuk" in out
           else pd.Series(False, index=out.index))
    in_order = jaar.sort_values(kind="stable").index
    stretch = brk.loc[in_order].astype(int).groupby(code.loc[in_order]).cumsum().reindex(out.index)
    usable = v.gt(0) & status.isin(["ok", "onbetrouwbaar"])
    base_year = jaar.where(usable).groupby([code, stretch]).transform("min")
    base = v.where(jaar.eq(base_year)).groupby([code, stretch]).transform("max")
    out["waarde"] = (v / base * 100).round(1)
    out["basisjaar"] = base_year.where(base.notna())
    lone = usable.groupby([code, stretch]).transform("sum") < 2
    return out[~lone]


def lone_years_note(before: pd.DataFrame, after: pd.DataFrame) -> str:
    """Which areas' years :func:`as_index` left out (``before`` → ``after``), in one sentence; '' if none."""
    gone = before.loc[before.index.difference(after.index)]
    gone = gone[pd.to_numeric(gone["waarde"], errors="coerce").gt(0)]
    if not len(gone):
        return ""
    parts = [f"{naam} {years_text(g['jaar'])}"
             for naam, g in gone.groupby("naam", sort=False)]
    return (f"Zonder index: {'; '.join(parts)}. Tussen twee trendbreuken (of vóór de eerste) ligt daar maar één "
            "jaar met een waarde; een index van dat ene jaar vergelijkt niets.")


def base_years_note(*frames: pd.DataFrame) -> str:
    """'Basisjaren: Assen 1998 en 2015; Drenthe (12 gemeenten) 2004 en 2015.' from :func:`as_index` frames:
    stretches that start in different years grow over different spans, so the reader is told which."""
    parts = []
    for f in frames:
        if not len(f) or "basisjaar" not in f:
            continue
        for naam, years in f.dropna(subset=["basisjaar"]).groupby("naam", sort=False)["basisjaar"]:
            jaren = [str(y) for y in sorted({int(y) for y in years})]
            parts.append(f"{naam} {', '.join(jaren[:-1]) + ' en ' if len(jaren) > 1 else ''}{jaren[-1]}")
    return f"Basisjaren (= 100): {'; '.join(parts)}." if parts else ""


def trend_view(state: TrendsState, raw: bool = False) -> tuple[go.Figure | dict, list]:
    """Figure plus notes (breaks, gaps, conversion, missing values) for the trends page.

    ``raw``: the figure as a plain dict (what the callback sends; no plotly validation).
    """
    if not state.indicator:
        return ({"data": [], "layout": {}} if raw else go.Figure()), [html.P("Geen indicator beschikbaar.")]
    meta = data.indicator(state.indicator)
    tr, bench = trend_data(state)
    notes: list = []
    if getattr(meta, "aggregation", "") == "sum" and len(tr) and len(bench):
        # A count for a village next to the count for all of Drenthe is a flat line at zero:
        # compare the development instead: each stretch between breaks indexed to its own first year.
        counts = (tr, bench)
        tr, bench = as_index(tr), as_index(bench)
        meta = replace(meta, unit="index (basisjaar = 100)", decimals=0)
        notes.append(html.P("Aantallen zijn als index getoond (basisjaar = 100: het eerste jaar met een waarde; na "
                            "een trendbreuk begint de index opnieuw bij 100, want de jaren ervoor zijn niet "
                            "vergelijkbaar), zodat een dorp en Drenthe te vergelijken zijn; de CSV bevat de echte "
                            "aantallen.", className="noot"))
        if base_note := base_years_note(tr, bench):
            notes.append(html.P(base_note, className="noot"))
        if lone := " ".join(n for n in (lone_years_note(counts[0], tr), lone_years_note(counts[1], bench)) if n):
            notes.append(html.P(lone, className="noot"))
    fig_dict = trend_figure_dict(tr, meta, bench)
    fig = fig_dict if raw else go.Figure(fig_dict)
    if not state.codes:
        notes.append(html.P("Kies hierboven één of meer gebieden om hun ontwikkeling te zien.", className="klein"))
    breaks = tr[tr["breuk"].fillna(False).astype(bool)] if len(tr) else tr
    for _, r in breaks.iterrows():
        reden = str(r.get("breuk_reden") or "gebiedsindeling of bron gewijzigd")
        notes.append(html.P(f"Trendbreuk bij {r['naam']} in {int(r['jaar'])} ({reden}): niet vergelijkbaar met het "
                            "jaar ervoor; de lijn loopt er niet doorheen.", className="noot"))
    bbreaks = bench[bench["breuk"].fillna(False).astype(bool)] if len(bench) else bench
    for _, r in bbreaks.iterrows():
        notes.append(html.P(f"Trendbreuk bij {r['naam']} in {int(r['jaar'])} ({r.get('breuk_reden') or 'bron'}).",
                            className="noot"))
    if len(bench) and "drenthe" in set(bench.get("soort", ())):
        part = bench[(bench["soort"] == "drenthe") & bench["status"].eq("onvolledig")]
        if len(part):
            jaren = years_text(part["jaar"])
            notes.append(html.P(f"Drenthe is niet getekend in {jaren}: niet alle 12 gemeenten hebben daar een "
                                "cijfer (een som over een deel is geen Drenthe).", className="noot"))
    notes += conversion_notes(tr, state.indeling, state.codes)
    missing = tr[~tr["status"].isin(["ok", "onbetrouwbaar"])] if len(tr) else tr
    for naam, g in missing.groupby("naam"):
        jaren = years_text(g["jaar"])
        notes.append(html.P(f"{naam}: geen waarde (geheim of niet gepubliceerd) in {jaren}.", className="noot"))
    if len(tr):
        bronnen = sorted({b.strip() for s in tr["bron"].dropna() for b in str(s).split(",") if b.strip()})
        notes.append(html.P(f"Bron: CBS {', '.join(bronnen)} (per punt in de tooltip).", className="noot"))
    return fig, notes


def conversion_notes(tr: pd.DataFrame, indeling: str, codes: tuple[str, ...] = ()) -> list:
    """How the buurt and village series relate to the current division (converted or as published)."""
    if not any(str(c)[:2] in ("BU", "DP") for c in (*codes, *tr["code"].astype(str))):
        return []
    summary = data.conversion_summary()
    per = summary.get("per_jaar") or {}
    if not per:
        return [html.P("Alle buurtcijfers staan op de huidige buurtindeling; omrekenen is niet nodig.",
                       className="noot")]
    out = []
    for jaar, kinds in per.items():
        n_ident = int(kinds.get("identiek", 0))
        n_conv = sum(int(v) for k, v in kinds.items() if k != "identiek")
        out.append(html.P(f"Buurtindeling {jaar}: {n_conv} buurten omgerekend naar de huidige indeling "
                          f"(gesplitst, samengevoegd of gewijzigd; naar {summary.get('methode') or 'oppervlakte'}), "
                          f"{n_ident} ongewijzigd.", className="noot"))
    if indeling == "omgerekend":
        conv = tr[tr["omrekening"].eq("omgerekend")] if "omrekening" in tr else tr.iloc[0:0]
        if len(conv):
            jaren = ", ".join(sorted({str(int(j)) for j in conv["jaar"]}))
            out.append(html.P(f"Omgerekend (niet gepubliceerd) in {jaren}; zie de tooltip per punt.",
                              className="noot"))
    else:
        out.append(html.P("Zoals gepubliceerd: waar de buurtindeling veranderde, is de reeks onderbroken; een buurt "
                          "die na een herindeling een nieuwe code kreeg, heeft zo geen eerdere jaren.",
                          className="noot"))
    return out


def trends_csv(state: TrendsState) -> tuple[str, str]:
    tr, bench = trend_data(state)
    frame = pd.concat([tr.assign(soort="gebied"), bench], ignore_index=True)
    frame["breuk"] = frame["breuk"].map(lambda b: "ja" if bool(b) else "nee")
    cols = ["soort", "code", "naam", "jaar", "waarde", "status", "bron", "breuk", "breuk_reden", "omrekening"]
    frame = frame.reindex(columns=cols)
    if state.indicator:
        meta = data.indicator(state.indicator)
        frame.insert(3, "indicator", meta.title)
        frame.insert(4, "eenheid", meta.unit)
    names = [data.area_index().get(c, (c, ""))[0] for c in state.codes]
    return csv_text(frame), areas_stem(f"trend-{state.indicator or 'leeg'}", names) + ".csv"
