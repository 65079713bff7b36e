"""Trends' figure: lines per area over the years, benchmarks dashed, series breaks marked.

Pure: frames and metadata in, a plotly figure out.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.formatting import IndicatorMeta, fmt_value, hover_escape
from dashboard.theme import FONT, GRID, LINE_COLORS

BENCHMARK_STYLE: dict[str, dict[str, str]] = {
    "gemeente": {"color": "#555555", "dash": "dash"},
    "drenthe": {"color": "#222222", "dash": "dot"},
}


def trend_figure(
    trend: pd.DataFrame,
    meta: IndicatorMeta,
    benchmarks: pd.DataFrame | None = None,
) -> go.Figure:
    """Lines per area over the years, benchmarks dashed, series breaks marked.

    ``trend``: code, naam, jaar, waarde, status, bron, breuk (``breuk`` true
    where the series is not comparable with the previous point: a new source
    or boundary). ``benchmarks`` has the same columns plus ``soort``
    ('gemeente' | 'drenthe'). Across a break the line is dotted and the point
    gets an open marker, so nobody reads a definition change as a trend.
    """
    fig = go.Figure()
    series: list[tuple[pd.DataFrame, dict[str, Any], bool]] = []
    for i, (_, g) in enumerate(trend.groupby("code", sort=False)):
        series.append((g, {"color": LINE_COLORS[i % len(LINE_COLORS)], "dash": "solid", "width": 2.6}, False))
    if benchmarks is not None and not benchmarks.empty:
        for _, g in benchmarks.groupby("code", sort=False):
            style = BENCHMARK_STYLE.get(str(g["soort"].iloc[0]), BENCHMARK_STYLE["gemeente"])
            series.append((g, {"color": style["color"], "dash": style["dash"], "width": 1.8}, True))

    for g, line, is_bench in series:
        g = g.sort_values("jaar")
        g = g[pd.to_numeric(g["waarde"], errors="coerce").notna()]
        if g.empty:
            continue
        name = str(g["naam"].iloc[0])
        x = g["jaar"].astype(int).tolist()
        y = g["waarde"].astype(float).tolist()
        bron = g["bron"].fillna("").astype(str).tolist() if "bron" in g else [""] * len(x)
        breuk = g["breuk"].fillna(False).astype(bool).tolist() if "breuk" in g else [False] * len(x)
        status = g["status"].fillna("ok").astype(str).tolist() if "status" in g else ["ok"] * len(x)
        custom = [[fmt_value(v, meta), b or "–", "onbetrouwbaar" if s == "onbetrouwbaar" else ""]
                  for v, b, s in zip(y, bron, status, strict=True)]
        # Solid line with a gap at each break; the dotted connectors bridge the gaps.
        xs: list[Any] = []
        ys: list[Any] = []
        cds: list[Any] = []
        symbols: list[str] = []
        for j, (xx, yy, cd) in enumerate(zip(x, y, custom, strict=True)):
            if j and breuk[j]:
                xs.append(None)
                ys.append(None)
                cds.append(["", "", ""])
                symbols.append("circle")
                fig.add_trace(go.Scatter(
                    x=[x[j - 1], xx], y=[y[j - 1], yy], mode="lines", showlegend=False, hoverinfo="skip",
                    line={"color": line["color"], "dash": "dot", "width": 1.4}, legendgroup=name,
                ))
            xs.append(xx)
            ys.append(yy)
            cds.append(cd)
            symbols.append("circle-open" if j and breuk[j] else "circle")
        fig.add_trace(go.Scatter(
            x=xs, y=ys, customdata=cds, mode="lines+markers", name=name, legendgroup=name,
            line=line, connectgaps=False,
            marker={"size": 6 if is_bench else 8, "symbol": symbols, "color": line["color"],
                    "line": {"width": 2, "color": line["color"]}},
            hovertemplate=(f"<b>{hover_escape(name)}</b><br>%{{x}}: %{{customdata[0]}} %{{customdata[2]}}<br>"
                           "Bron: %{customdata[1]}<extra></extra>"),
        ))
    breaks = sorted({int(j) for j in trend.loc[trend.get("breuk", pd.Series(False, index=trend.index))
                                              .fillna(False).astype(bool), "jaar"]}) if "breuk" in trend else []
    for b in breaks:
        fig.add_vline(x=b - 0.5, line={"color": "#999999", "width": 1, "dash": "dot"})
    years = [int(y) for d in fig.data for y in (d.x or ()) if y is not None]
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="#ffffff",
        separators=",.", font={"family": FONT, "size": 13},
        hovermode="closest", hoverlabel={"bgcolor": "#ffffff"},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        # Whole years only: with a short series, automatic ticks fall on half years and print each year twice.
        xaxis={"title": None, "showgrid": False, "tickformat": "d", "tickmode": "linear", "tick0": min(years),
               "dtick": max(1, math.ceil((max(years) - min(years)) / 12))} if years else {"title": None},
        yaxis={"title": {"text": meta.unit}, "gridcolor": GRID, "zeroline": False,
               "separatethousands": True},
    )
    return fig
