"""What Trends' callbacks compute, as plain functions (tested without a browser)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import plotly.graph_objects as go
from dash import html

from dashboard import data
from dashboard.downloads import areas_stem, csv_text
from dashboard.formatting import hover_escape, level_word, years_text
from dashboard.series import partial_period_note, period_break_reason, period_label
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


def mark_partial_ticks(fig: dict, indicator: str) -> None:
    """The x-axis names a partial period as the tables do ('2025*', explained by the period note)."""
    years = sorted({int(v) for d in fig.get("data", ()) for v in d.get("x", ()) if v is not None})
    xaxis = fig.get("layout", {}).get("xaxis", {})
    if not years or not any(period_break_reason(indicator, y) for y in years) or "dtick" not in xaxis:
        return
    ticks = list(range(int(xaxis["tick0"]), years[-1] + 1, int(xaxis["dtick"])))
    xaxis.update(tickmode="array", tickvals=ticks, ticktext=[period_label(indicator, y, short=True) for y in ticks])


def plotted(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows the chart draws a point for (a value, and not a partial sum)."""
    if not len(frame):
        return frame
    return frame[frame["status"].fillna("ok").isin(["ok", "onbetrouwbaar"])
                 & pd.to_numeric(frame["waarde"], errors="coerce").notna()]


def sources_note(*frames: pd.DataFrame) -> str:
    """'Bron: CBS 81880NED (1997–2006), 85984NED (2024) …': every table behind a plotted point, reference lines
    included, with its years; '' when nothing is drawn."""
    years: dict[str, set[int]] = {}
    for f in frames:
        for bron, jaar in zip(plotted(f).get("bron", ()), plotted(f).get("jaar", ()), strict=True):
            for t in str(bron or "").split(","):
                if t.strip():
                    years.setdefault(t.strip(), set()).add(int(jaar))
    if not years:
        return ""
    parts = [f"{t} ({years_text(years[t])})" for t in sorted(years, key=lambda t: (min(years[t]), t.lower()))]
    return f"Bron: CBS {', '.join(parts)}; per punt in de tooltip."


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
    if not data.levels_with_data(state.indicator):
        return no_data_view(state.indicator, raw)
    tr, bench = trend_data(state)
    notes: list = []
    # The police's partial period breaks every line in the same year: one note for all (below), not one per line.
    period = {int(j) for f in (tr, bench) for j in plotted(f).get("jaar", ())
              if period_break_reason(state.indicator, int(j))}
    counts: tuple[pd.DataFrame, pd.DataFrame] | None = None
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
        # The partial period is named once below, not as a lone year per line.
        def regular(f: pd.DataFrame) -> pd.DataFrame:
            return f[~f["jaar"].astype(int).isin(period)] if len(f) else f

        if lone := " ".join(n for n in (lone_years_note(regular(counts[0]), tr),
                                        lone_years_note(regular(counts[1]), bench)) if n):
            notes.append(html.P(lone, className="noot"))
    fig_dict = trend_figure_dict(tr, meta, bench)
    mark_partial_ticks(fig_dict, state.indicator)
    fig = fig_dict if raw else go.Figure(fig_dict)
    if not state.codes:
        notes.append(html.P("Kies hierboven één of meer gebieden om hun ontwikkeling te zien.", className="klein"))
    breaks = tr[tr["breuk"].fillna(False).astype(bool)] if len(tr) else tr
    for _, r in breaks.iterrows():
        if int(r["jaar"]) in period and str(r.get("breuk_reden") or "") == period_break_reason(state.indicator,
                                                                                                 int(r["jaar"])):
            continue
        reden = str(r.get("breuk_reden") or "gebiedsindeling of bron gewijzigd")
        notes.append(html.P(f"Trendbreuk bij {r['naam']} in {int(r['jaar'])} ({reden}): niet vergelijkbaar met het "
                            "jaar ervoor; de lijn loopt er niet doorheen.", className="noot"))
    bbreaks = bench[bench["breuk"].fillna(False).astype(bool)] if len(bench) else bench
    for _, r in bbreaks.iterrows():
        if int(r["jaar"]) in period and str(r.get("breuk_reden") or "") == period_break_reason(state.indicator,
                                                                                                 int(r["jaar"])):
            continue
        notes.append(html.P(f"Trendbreuk bij {r['naam']} in {int(r['jaar'])} ({r.get('breuk_reden') or 'bron'}).",
                            className="noot"))
    if period:
        y = min(period)
        also = (f" en staat {y} niet in de index (één jaar vergelijkt niets; de CSV bevat het aantal)"
                if counts is not None and not plotted(pd.concat([tr, bench]))["jaar"].astype(int).isin(period).any()
                else "")
        notes.append(html.P(partial_period_note(state.indicator, period) + f" Daarom loopt geen lijn van {y - 1} "
                            f"naar {y}{also}.", className="noot"))
    if len(bench) and "drenthe" in set(bench.get("soort", ())):
        part = bench[(bench["soort"] == "drenthe") & bench["status"].eq("onvolledig")]
        if len(part):
            jaren = years_text(part["jaar"])
            notes.append(html.P(f"Drenthe is niet getekend in {jaren}: niet alle 12 gemeenten hebben daar een "
                                "cijfer (een som over een deel is geen Drenthe).", className="noot"))
    notes += absent_notes(state, counts[0] if counts else tr)
    notes += conversion_notes(tr, state.indeling, state.codes)
    missing = tr[~tr["status"].isin(["ok", "onbetrouwbaar"])] if len(tr) else tr
    for naam, g in missing.groupby("naam"):
        jaren = years_text(g["jaar"])
        notes.append(html.P(f"{naam}: geen waarde (geheim of niet gepubliceerd) in {jaren}.", className="noot"))
    if bron := sources_note(tr, bench):
        notes.append(html.P(bron, className="noot"))
    return fig, notes


def no_data_view(indicator: str, raw: bool = False) -> tuple[go.Figure | dict, list]:
    """An indicator without any figure at any level: a message in the chart's place, never bare axes
    (worded as the Kaart says it: :meth:`~dashboard.links.Catalog.no_data`)."""
    catalog = data.catalog()
    text = f"Voor {catalog.label(indicator)} zijn {catalog.no_data(indicator, '')}."
    fig = {"data": [], "layout": {
        "xaxis": {"visible": False}, "yaxis": {"visible": False}, "height": 220,
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "annotations": [{"text": f"<b>Geen gegevens</b><br>{hover_escape(text)}", "showarrow": False,
                         "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "font": {"size": 15}}]}}
    return (fig if raw else go.Figure(fig)), [html.P(f"{text} Kies een andere indicator; in de keuzelijst staan "
                                                     "indicatoren zonder gegevens onderaan, met '(geen gegevens)'.",
                                                     className="noot", id="trends-geen-gegevens")]


def absent_notes(state: TrendsState, tr: pd.DataFrame) -> list:
    """One note per chosen area that gets no point at all, naming the area and why (never dropped silently)."""
    info = data.area_info()
    drawn = set(plotted(tr)["code"].astype(str)) if len(tr) else set()
    have = set(tr["code"].astype(str)) if len(tr) else set()
    out = []
    for code in state.codes:
        if code in drawn:
            continue
        a = info.get(code)
        naam, niveau = (a.naam, a.niveau) if a else (code, "")
        who = f"{naam} ({level_word(niveau)})" if niveau else naam
        levels = data.levels_with_data(state.indicator or "")
        if niveau and niveau not in levels:
            words = [level_word(n, plural=True) for n in levels]
            wel = " en ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
            why = f"geen gegevens voor deze indicator op {level_word(niveau)}niveau (wel voor {wel})"
        elif code in have:
            continue  # rows without a usable value: the 'geen waarde (geheim …)' note names them with their years
        else:
            why = "geen gegevens voor deze indicator"
        out.append(html.P(f"{who}: {why}; daarom geen lijn.", className="noot"))
    return out


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
