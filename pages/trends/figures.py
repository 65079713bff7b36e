"""Trends' figure: lines per area over the years, benchmarks dashed, series breaks marked.

Pure: frames and metadata in, a plotly figure out.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from dashboard.formatting import IndicatorMeta, fmt_value, hover_escape
from dashboard.series import runs  # the one line rule (dashboard.series.connects), as on the profile
from dashboard.theme import FONT, GRID, LINE_COLORS
from dorpenmonitor.codes import gemeente_of
from dorpenmonitor.lazy import lazy_module

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

BENCHMARK_STYLE: dict[str, dict[str, str]] = {
    "gemeente": {"color": "#555555", "dash": "dash"},
    "drenthe": {"color": "#222222", "dash": "dot"},
}


#: What a user reads in the hover about how the value relates to the current division.
OMREKENING_HOVER: dict[str, str] = {
    "gepubliceerd": "Zoals gepubliceerd",
    "identiek": "Gebied ongewijzigd: zoals gepubliceerd",
    "omgerekend": "Omgerekend naar de huidige buurtindeling",
}


def _isna(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _text(v: Any) -> str:
    return "" if _isna(v) else str(v)


def _by_code(frame: pd.DataFrame) -> list[list[dict[str, Any]]]:
    """The frame's rows as records, grouped by code in order of first appearance."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in frame.to_dict("records"):
        out.setdefault(str(r["code"]), []).append(r)
    return list(out.values())


def trend_figure(
    trend: pd.DataFrame,
    meta: IndicatorMeta,
    benchmarks: pd.DataFrame | None = None,
) -> go.Figure:
    """:func:`trend_figure_dict` as a plotly Figure (for tests and anything that inspects traces)."""
    return go.Figure(trend_figure_dict(trend, meta, benchmarks))


def trend_figure_dict(
    trend: pd.DataFrame,
    meta: IndicatorMeta,
    benchmarks: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Lines per area over the years, benchmarks dashed, series breaks marked.

    ``trend``: code, naam, jaar, waarde, status, bron, breuk (``breuk`` true
    where the series is not comparable with the previous point: a new source
    or boundary). ``benchmarks`` has the same columns plus ``soort``
    ('gemeente' | 'drenthe'). One trace per unbroken run (:func:`runs`): a
    line never crosses a missing year or a break (nothing is drawn across
    either); the first point after a break gets an open marker and a grey
    dotted rule marks the break year. Traces carry ``meta`` 'reeks'.
    A plain figure dict: the trends callback returns it as is, without plotly's
    per-property validation (most of a warm callback's time otherwise).
    """
    data: list[dict[str, Any]] = []
    series: list[tuple[list[dict[str, Any]], dict[str, Any], bool]] = []
    # Plain records, not pandas per series: a warm callback is mostly this loop.
    own_color: dict[str, str] = {}  # gemeente code → the colour of the first chosen area in it
    for i, recs in enumerate(_by_code(trend)):
        color = LINE_COLORS[i % len(LINE_COLORS)]
        own_color.setdefault(gemeente_of(str(recs[0]["code"])), color)
        series.append((recs, {"color": color, "dash": "solid", "width": 2.6}, False))
    if benchmarks is not None and not benchmarks.empty:
        groups = _by_code(benchmarks)
        # Several gemeente lines: each in the colour of its areas (dashed, named in the legend), so Emmen's line
        # is not mistaken for Tynaarlo's; one gemeente line stays grey. Drenthe keeps its own dark dots.
        several = sum(str(g[0].get("soort")) == "gemeente" for g in groups) > 1
        for recs in groups:
            soort = str(recs[0].get("soort"))
            style = BENCHMARK_STYLE.get(soort, BENCHMARK_STYLE["gemeente"])
            color = style["color"]
            if several and soort == "gemeente":
                color = own_color.get(str(recs[0]["code"]), color)
            series.append((recs, {"color": color, "dash": style["dash"], "width": 1.8}, True))

    for recs, line, is_bench in series:
        # An incomplete aggregate ('onvolledig') is a partial sum: never a point on the total's line.
        g = sorted((r for r in recs if _num(r.get("waarde")) is not None
                    and (r.get("status") or "ok") in ("ok", "onbetrouwbaar")), key=lambda r: int(r["jaar"]))
        if not g:
            continue
        name = str(g[0]["naam"])
        x = [int(r["jaar"]) for r in g]
        y = [_num(r["waarde"]) for r in g]
        bron = [_text(r.get("bron")) for r in g]
        breuk = [bool(r.get("breuk")) if not _isna(r.get("breuk")) else False for r in g]
        status = [_text(r.get("status")) or "ok" for r in g]
        om = [_text(r.get("omrekening")) for r in g]
        reden = [_text(r.get("breuk_reden")) for r in g]
        custom = [[fmt_value(v, meta), b or "–", "onbetrouwbaar" if s == "onbetrouwbaar" else "",
                   OMREKENING_HOVER.get(o, ""), f"Trendbreuk: {r}" if br and r else ("Trendbreuk" if br else "")]
                  for v, b, s, o, r, br in zip(y, bron, status, om, reden, breuk, strict=True)]
        hover = (f"<b>{hover_escape(name)}</b><br>%{{x}}: %{{customdata[0]}} %{{customdata[2]}}<br>"
                 "Bron: %{customdata[1]}<br>%{customdata[3]}<br>%{customdata[4]}<extra></extra>")
        for n, run in enumerate(runs(x, breuk)):
            # Nothing connects two runs (not even a dotted line): the open marker and the grey rule at the
            # break year say that the series changed there, and no eye reads a slope across it.
            symbols = ["circle-open" if (j and breuk[j]) else "circle" for j in run]
            data.append({
                "type": "scatter", "x": [x[j] for j in run], "y": [y[j] for j in run],
                "customdata": [custom[j] for j in run], "mode": "lines+markers" if len(run) > 1 else "markers",
                "name": name, "legendgroup": name, "showlegend": n == 0, "line": line, "meta": "reeks",
                "marker": {"size": 6 if is_bench else 8, "symbol": symbols, "color": line["color"],
                           "line": {"width": 2, "color": line["color"]}},
                "hovertemplate": hover,
            })
    breaks = sorted({int(j) for j in trend.loc[trend.get("breuk", pd.Series(False, index=trend.index))
                                              .fillna(False).astype(bool), "jaar"]}) if "breuk" in trend else []
    shapes = [{"type": "line", "xref": "x", "yref": "paper", "x0": b - 0.5, "x1": b - 0.5, "y0": 0, "y1": 1,
               "line": {"color": "#999999", "width": 1, "dash": "dot"}} for b in breaks]
    years = [int(v) for d in data for v in d["x"] if v is not None]
    layout = {
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "#ffffff",
        "separators": ",.", "font": {"family": FONT, "size": 13},
        "hovermode": "closest", "hoverlabel": {"bgcolor": "#ffffff"},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        # Whole years only: with a short series, automatic ticks fall on half years and print each year twice.
        "xaxis": {"title": None, "showgrid": False, "automargin": True, "tickformat": "d", "tickmode": "linear",
                  "tick0": min(years),
                  "dtick": max(1, math.ceil((max(years) - min(years)) / 12))} if years else {"title": None},
        # Dutch numbers on the axis: '35.000' (separators ',.'), never SI '35k' (exponentformat 'none').
        "yaxis": {"title": {"text": meta.unit}, "gridcolor": GRID, "zeroline": False, "exponentformat": "none",
                  "separatethousands": True, "automargin": True},  # plotly.js clips tick labels without it
        "shapes": shapes,
    }
    return {"data": data, "layout": layout}
