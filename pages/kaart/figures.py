"""Kaart's figure: the choropleth, its classes and the parts a Patch updates.

Pure functions: frames and metadata in, plotly figures (or the parts of one
that a :class:`dash.Patch` updates) out. No database, no Dash callbacks.

The choropleth is split in three on purpose. The geometry never travels in a
figure: it is a static, cacheable GeoJSON file per level (served by
``app.py``) that the traces name by URL. :func:`base_map` is the skeleton sent
once per level; :func:`map_values` computes only what changes when the
indicator, year or classes change (values, ranks, a stepped colourscale and
the short geheim/onbetrouwbaar lists), and :func:`apply_values` writes it into
either a full figure or a ``Patch`` through the same paths, so the two can
never drift apart.
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from dashboard.formatting import (
    IndicatorMeta,
    fmt_number,
    fmt_value,
    hover_escape,
    status_word,
    tables_label,
    unit_affixes,
)
from dashboard.theme import FONT, MISSING_COLORS, Bounds, palette
from dorpenmonitor.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

CLASS_METHODS: dict[str, str] = {
    "kwantielen": "Kwantielen (gelijke aantallen)",
    "gelijk": "Gelijke intervallen",
    "jenks": "Natuurlijke grenzen (Jenks)",
}
DEFAULT_CLASSES = 5

# -- classification -----------------------------------------------------------

def classify(values: Sequence[float] | np.ndarray, method: str = "kwantielen", k: int = DEFAULT_CLASSES) -> np.ndarray:
    """Class edges (ascending, ``len = classes + 1``) for the finite ``values``.

    Fewer than ``k`` classes come back when there are fewer distinct values,
    because empty or duplicate classes would only confuse the legend.
    """
    x = np.asarray(values, dtype="float64")
    x = np.sort(x[np.isfinite(x)])
    if x.size == 0:
        return np.array([])
    uniq = np.unique(x)
    if uniq.size <= k:
        # One class per distinct value: edges halfway between them.
        if uniq.size == 1:
            return np.array([uniq[0], uniq[0]])
        mids = (uniq[:-1] + uniq[1:]) / 2
        return np.concatenate([[uniq[0]], mids, [uniq[-1]]])
    if method == "gelijk":
        edges = np.linspace(x[0], x[-1], k + 1)
    elif method == "jenks":
        edges = _jenks(x, k)
    else:
        edges = np.quantile(x, np.linspace(0, 1, k + 1))
    edges = np.unique(edges)
    return edges if edges.size >= 2 else np.array([x[0], x[-1]])


def _jenks(x: np.ndarray, k: int, max_n: int = 800) -> np.ndarray:
    """Fisher–Jenks natural breaks by dynamic programming on sorted ``x``.

    Above ``max_n`` values it runs on evenly spaced order statistics: the
    n×n cost matrix would otherwise grow quadratically (national scale).
    """
    if x.size > max_n:
        x = x[np.linspace(0, x.size - 1, max_n).round().astype(int)]
    n = x.size
    cs = np.concatenate([[0.0], np.cumsum(x)])
    cs2 = np.concatenate([[0.0], np.cumsum(x * x)])
    i = np.arange(n + 1)[:, None]
    j = np.arange(n + 1)[None, :]
    m = np.where(j > i, j - i, 1)
    s = cs[j] - cs[i]
    ssd = np.where(j > i, (cs2[j] - cs2[i]) - s * s / m, np.inf)  # cost of segment x[i:j]
    cost = ssd[0].copy()  # one class covering x[0:j]
    back = np.zeros((k, n + 1), dtype=int)
    for c in range(1, k):
        total = cost[:, None] + ssd
        back[c] = np.argmin(total, axis=0)
        cost = total[back[c], np.arange(n + 1)]
    cuts, end = [], n
    for c in range(k - 1, 0, -1):
        end = back[c][end]
        cuts.append(end)
    starts = sorted(cuts)
    return np.array([x[0], *[x[s - 1] for s in starts], x[-1]])


def class_of(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Class index per value (0-based; NaN stays -1). Upper edges are inclusive."""
    out = np.full(values.shape, -1, dtype=int)
    ok = np.isfinite(values)
    if edges.size >= 2:
        idx = np.searchsorted(edges[1:-1], values[ok], side="left")
        out[ok] = np.clip(idx, 0, edges.size - 2)
    return out


# -- choropleth ---------------------------------------------------------------

#: Fixed trace order of the map, so patches can address traces by index. Later traces are drawn on top and, in
#: plotly's 'closest' hover on a geo subplot, the topmost trace that contains the pointer gives the label.
TRACE_LEEG, TRACE_GEHEIM, TRACE_WAARDEN, TRACE_ONBETROUWBAAR, TRACE_GRENZEN, TRACE_SELECTIE = range(6)
MAP_TRACES: tuple[str, ...] = ("geen gegevens", "geheim", "waarden", "onbetrouwbaar", "gemeentegrenzen", "selectie")
ONBETROUWBAAR_LABEL = "onbetrouwbaar: kleine aantallen"
#: Magenta (ColorBrewer PiYG): apart from both palettes (YlOrRd, Blues) and from the dark gemeente borders.
ONBETROUWBAAR_LINE = {"color": "#c51b7d", "width": 1.4}
TRANSPARENT_SCALE: list[list[Any]] = [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]]


@dataclass
class LegendItem:
    label: str
    color: str
    count: int
    kind: str = "klasse"  # klasse | onbetrouwbaar | geheim | ontbreekt


@dataclass
class MapValues:
    """Everything that changes on an indicator, year or classes switch (and nothing else).

    ``z`` and ``customdata`` run parallel to the level's fixed ``locations``
    (geometry order), so no codes travel with them: ``z`` is the value rounded
    to the indicator's decimals (None where there is none, so the grey traces
    underneath show), ``customdata`` the rank in the gemeente (None if unranked).
    Colours come from a stepped colourscale over [zmin, zmax], so the browser
    applies the classes itself. ``geheim`` and ``onbetrouwbaar`` are positions
    in ``locations`` (the GeoJSON's ``properties.i``): '123' is a third of a
    quoted buurt code, and these lists can run to hundreds of areas.
    """

    z: list[float | int | None]
    customdata: list[int | None]
    colorscale: list[list[Any]]
    zmin: float
    zmax: float
    hovertemplate: str
    geheim: list[int]
    onbetrouwbaar: list[int]
    legend: list[LegendItem] = field(default_factory=list)
    edges: list[float] = field(default_factory=list)
    #: Per location (geometry order), for legend counts of a part of the map: class index (-1: none),
    #: kind (klasse | geheim | ontbreekt) and whether the value is onbetrouwbaar. Never sent to the browser.
    classes: Any = None
    kinds: Any = None
    unreliable: Any = None
    meta: Any = None

    def legend_for(self, mask: Sequence[bool] | np.ndarray) -> list[LegendItem]:
        """The legend counted over the locations where ``mask`` is true (same classes and colours)."""
        m = np.asarray(mask, dtype=bool)
        colors = [item.color for item in self.legend if item.kind == "klasse"]
        return legend_items(self.classes[m], self.kinds[m], self.unreliable[m], self.edges, colors, self.meta)

    @staticmethod
    def paths_template() -> tuple[tuple[int, str], ...]:
        """The (trace, attribute) pairs :meth:`paths` writes."""
        return ((TRACE_WAARDEN, "z"), (TRACE_WAARDEN, "customdata"), (TRACE_WAARDEN, "colorscale"),
                (TRACE_WAARDEN, "zmin"), (TRACE_WAARDEN, "zmax"), (TRACE_WAARDEN, "hovertemplate"),
                (TRACE_GEHEIM, "z"), (TRACE_ONBETROUWBAAR, "z"))

    def paths(self) -> dict[tuple[int, str], Any]:
        """(trace index, attribute) → new value: the complete contents of a switch Patch."""
        return {
            (TRACE_WAARDEN, "z"): self.z,
            (TRACE_WAARDEN, "customdata"): self.customdata,
            (TRACE_WAARDEN, "colorscale"): self.colorscale,
            (TRACE_WAARDEN, "zmin"): self.zmin,
            (TRACE_WAARDEN, "zmax"): self.zmax,
            (TRACE_WAARDEN, "hovertemplate"): self.hovertemplate,
            (TRACE_GEHEIM, "z"): flag_z(self.geheim, len(self.z)),
            (TRACE_ONBETROUWBAAR, "z"): flag_z(self.onbetrouwbaar, len(self.z)),
        }


def flag_z(positions: Sequence[int], n: int) -> list[int | None]:
    """``z`` of a flag trace (geheim, onbetrouwbaar) over all ``n`` locations: 1 at ``positions``, else None.

    The flag traces hold every area of the level, like the value trace, and show only those with a ``z``: so
    plotly never drops them as empty, and the browser repaints all three alike (assets/kaart_verf.js).
    """
    z: list[int | None] = [None] * n
    for i in positions:
        z[i] = 1
    return z


def stepped_colorscale(
    z: np.ndarray, cls: np.ndarray, edges: np.ndarray, colors: Sequence[str]
) -> tuple[list[list[Any]], float, float]:
    """(colourscale, zmin, zmax) that paints every value in ``z`` exactly in its class colour.

    ``z`` are the finite values as sent, ``cls`` their class index. Each step
    sits halfway between the highest value of the lower classes and the lowest
    of the higher ones, not on the class edge itself: quantile edges are data
    values, and plotly puts a value lying exactly on a step in the upper colour
    while the legend counts it in the lower class.
    """
    if z.size == 0 or not colors:
        return [[0, MISSING_COLORS["ontbreekt"]], [1, MISSING_COLORS["ontbreekt"]]], 0.0, 1.0
    zmin, zmax = float(edges[0]), float(edges[-1])
    if zmax <= zmin:
        return [[0, colors[0]], [1, colors[0]]], zmin, zmin + 1.0
    scale: list[list[Any]] = [[0, colors[0]]]
    for j in range(1, len(colors)):
        below, above = z[cls < j], z[cls >= j]
        step = (below.max() + above.min()) / 2 if below.size and above.size else edges[j]
        t = round(float((step - zmin) / (zmax - zmin)), 10)  # 10 digits: steps between values 1 € apart on 10⁶
        scale += [[t, colors[j - 1]], [t, colors[j]]]
    scale.append([1, colors[-1]])
    return scale, zmin, zmax


def value_template(meta: IndicatorMeta) -> str:
    """The value as a plotly d3-format placeholder, written like :func:`fmt_value` (with ``separators=',.'``)."""
    before, after = unit_affixes(meta.unit)
    return f"{hover_escape(before)}%{{z:,.{max(meta.decimals, 0)}f}}{hover_escape(after)}"


def map_hovertemplate(
    meta: IndicatorMeta, jaar: int | None, niveau: str = "buurt", tables: Sequence[str] | None = None
) -> str:
    """Hover of the value trace: name (from the GeoJSON), value, rank, source. Rank None → the trace's fallback.

    ``tables``: the CBS tables this level and year came from (``data.source_tables``); without them, every
    table the indicator can use.
    """
    rank = "Rang onder de gemeenten" if niveau == "gemeente" else "Rang in gemeente"
    return (
        "<b>%{properties.naam}</b><br>"
        f"{hover_escape(meta.title)}: {value_template(meta)}<br>"
        f"{rank} (1 = hoogste): %{{customdata}}<br>"
        f"Bron: {hover_escape(tables_label(tables) if tables is not None else tables_label(meta.sources))}, "
        f"{jaar if jaar is not None else '–'}"
        "<extra></extra>"
    )


def map_values(
    locations: Sequence[str],
    values: pd.DataFrame,
    meta: IndicatorMeta,
    jaar: int | None,
    method: str = "kwantielen",
    k: int = DEFAULT_CLASSES,
    niveau: str = "buurt",
    tables: Sequence[str] | None = None,
) -> MapValues:
    """Values, ranks, colours and the geheim/onbetrouwbaar lists for the areas in ``locations`` (geometry order).

    ``values`` is the frame of ``IndicatorService.values`` (code, naam,
    gemeente_code, waarde, status, rank_in_gemeente, note). Areas without a row
    are 'geen gegevens'. Vectorised: at national scale (~15,000 areas) this runs
    on every switch.
    """
    locs = pd.Index(locations)
    df = values.drop_duplicates("code").set_index("code").reindex(locs)
    status = df["status"].fillna("ontbreekt").astype(str).to_numpy()
    waarde = pd.to_numeric(df["waarde"], errors="coerce").to_numpy(dtype="float64")
    decimals = max(int(meta.decimals), 0)
    waarde = np.round(waarde, decimals)  # what the hover shows is what is classified and coloured
    has_value = np.isfinite(waarde) & np.isin(status, ["ok", "onbetrouwbaar"])
    geheim = (status == "geheim") & ~has_value
    onbetrouwbaar = has_value & (status == "onbetrouwbaar")

    # Unreliable values (small numbers: '100,0 %' of 5 inwoners) do not set the class breaks; they are painted in
    # the class they fall in (beyond the ends: the end class) and outlined as onbetrouwbaar.
    reliable = has_value & ~onbetrouwbaar
    edges = classify(waarde[reliable], method, k)
    n_classes = max(edges.size - 1, 0)
    colors = palette(meta.direction, n_classes)
    cls = class_of(np.where(has_value, waarde, np.nan), edges)
    scale, zmin, zmax = stepped_colorscale(waarde[reliable], cls[reliable], edges, colors)

    # Plain Python numbers (ints when there are no decimals: '1234' not '1234.0'); None becomes JSON null.
    as_num = int if decimals == 0 else float
    z = [as_num(v) if ok else None for v, ok in zip(waarde.tolist(), has_value.tolist(), strict=True)]
    rank = pd.to_numeric(df["rank_in_gemeente"], errors="coerce").to_numpy(dtype="float64")
    ranked = np.isfinite(rank) & has_value
    customdata = [int(r) if ok else None for r, ok in zip(rank.tolist(), ranked.tolist(), strict=True)]

    kinds = np.where(geheim, "geheim", np.where(has_value, "klasse", "ontbreekt"))
    legend = legend_items(cls, kinds, onbetrouwbaar, edges, colors, meta)
    return MapValues(
        z=z,
        customdata=customdata,
        colorscale=scale,
        zmin=zmin,
        zmax=zmax,
        hovertemplate=map_hovertemplate(meta, jaar, niveau, tables),
        geheim=np.flatnonzero(geheim).tolist(),
        onbetrouwbaar=np.flatnonzero(onbetrouwbaar).tolist(),
        legend=legend,
        edges=[float(e) for e in edges],
        classes=cls,
        kinds=kinds,
        unreliable=onbetrouwbaar,
        meta=meta,
    )


def legend_items(
    cls: np.ndarray, kinds: np.ndarray, onbetrouwbaar: np.ndarray, edges: Sequence[float] | np.ndarray,
    colors: Sequence[str], meta: IndicatorMeta,
) -> list[LegendItem]:
    """Legend rows: one per class with its count, then onbetrouwbaar, geheim and ontbreekt (counts of the areas
    given, so a gemeente filter passes only its own areas)."""
    edges = np.asarray(edges, dtype="float64")
    n_classes = max(edges.size - 1, 0)
    legend = [LegendItem(_class_label(edges, i, meta), colors[i], int((cls == i).sum())) for i in range(n_classes)]
    legend += [
        LegendItem(status_word("onbetrouwbaar"), "transparent", int(onbetrouwbaar.sum()), "onbetrouwbaar"),
        LegendItem(status_word("geheim"), MISSING_COLORS["geheim"], int((kinds == "geheim").sum()), "geheim"),
        LegendItem(status_word("ontbreekt"), MISSING_COLORS["ontbreekt"], int((kinds == "ontbreekt").sum()),
                   "ontbreekt"),
    ]
    return legend


def _class_label(edges: np.ndarray, i: int, meta: IndicatorMeta) -> str:
    # Numbers only: the unit stands once above the legend, so the labels stay on one line.
    lo, hi = edges[i], edges[i + 1]
    d = meta.decimals
    if fmt_number(lo, d) == fmt_number(hi, d):
        return fmt_number(lo, d)
    return f"{fmt_number(lo, d)} – {fmt_number(hi, d)}"


def apply_values(fig: MutableMapping[str, Any], mv: MapValues) -> None:
    """Write ``mv`` into a figure dict or a :class:`dash.Patch` (same paths, so the two cannot drift apart)."""
    for (trace, key), value in mv.paths().items():
        fig["data"][trace][key] = value




#: Width / height of the map box (pages/kaart/page.py gives the graph this aspect ratio). A zoomed view's
#: lon/lat range is widened to exactly this shape: plotly's geo clips everything outside that range, so a range of
#: another shape (Emmen is tall, Hardenberg wide) drew the neighbouring gemeenten cut off along a straight edge in
#: the middle of the box, with empty space beyond it.
MAP_ASPECT = 0.8


def _merc(lat: float) -> float:
    """Mercator y of a latitude (radians of the projected plane)."""
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _unmerc(y: float) -> float:
    return math.degrees(math.atan(math.sinh(y)))


def framed_range(bounds: Bounds, pad: float = 0.04, aspect: float = MAP_ASPECT) -> tuple[list[float], list[float]]:
    """(lon range, lat range) around ``bounds`` plus ``pad`` on each side, widened in one direction so that the
    Mercator-projected box has width / height == ``aspect``: it fills the map box edge to edge."""
    minx, miny, maxx, maxy = bounds
    dx, dy = (maxx - minx) or 0.01, (maxy - miny) or 0.01
    x0, x1 = minx - pad * dx, maxx + pad * dx
    y0, y1 = _merc(miny - pad * dy), _merc(maxy + pad * dy)
    width, height = math.radians(x1 - x0), y1 - y0
    if width / height < aspect:  # too tall for the box: widen around the middle
        half = math.degrees(aspect * height) / 2
        mid = (x0 + x1) / 2
        x0, x1 = mid - half, mid + half
    else:  # too wide: heighten
        half = width / aspect / 2
        mid = (y0 + y1) / 2
        y0, y1 = mid - half, mid + half
    return [round(x0, 6), round(x1, 6)], [round(_unmerc(y0), 6), round(_unmerc(y1), 6)]


def view_layout(bounds: Bounds | None, pad: float = 0.04, *, online: bool = False) -> dict[str, Any]:
    """Layout entries that frame ``bounds`` (used in the full figure and in zoom patches).

    ``None`` means the whole map: then plotly fits the areas to the plot size
    itself, which also works on a narrow phone screen. A gemeente is framed by
    a range of the map box's shape (:func:`framed_range`). The online map
    (``online=True``) has no such fit, so it needs ``bounds`` and frames them
    by centre and zoom level.
    """
    if online:
        if bounds is None:
            raise ValueError("the online map needs bounds to frame")
        return {"map": _center_zoom(bounds, pad)}
    if bounds is None:
        return {"geo": {"fitbounds": "locations", "lonaxis": {"range": None}, "lataxis": {"range": None}}}
    lon, lat = framed_range(bounds, pad)
    return {"geo": {"fitbounds": False, "lonaxis": {"range": lon}, "lataxis": {"range": lat}}}


#: Plot size the online map's zoom is chosen for (px): the map box on a laptop, a little on the small side so
#: the whole area fits rather than overflows. MapLibre's world is 512 px wide at zoom 0.
MAP_VIEW_PX = (560, 560)


def _center_zoom(bounds: Bounds, pad: float) -> dict[str, Any]:
    minx, miny, maxx, maxy = bounds
    merc = _merc
    dx = max((maxx - minx) * (1 + 2 * pad), 1e-4)
    dy = max((merc(maxy) - merc(miny)) * (1 + 2 * pad), 1e-6)
    zoom = min(math.log2(MAP_VIEW_PX[0] * 360 / (512 * dx)), math.log2(MAP_VIEW_PX[1] * 2 * math.pi / (512 * dy)))
    lat = math.degrees(math.atan(math.sinh((merc(miny) + merc(maxy)) / 2)))
    return {"center": {"lon": round((minx + maxx) / 2, 5), "lat": round(lat, 5)}, "zoom": round(min(zoom, 15), 2)}


def base_map(
    geojson_url: str,
    locations: Sequence[str],
    bounds: Bounds | None,
    outline_url: str | None = None,
    outline_locations: Sequence[str] = (),
    line_width: float = 0.4,
    online: bool = False,
) -> go.Figure:
    """The map skeleton for one level; the traces are in the order of :data:`MAP_TRACES`.

    The geometry is not in the figure: every trace names the same GeoJSON URL
    (a cached static file, see ``app.py``), which plotly.js fetches once and
    shares; area names come from the features' ``properties.naam``. The value
    trace and the flag traces (geheim, onbetrouwbaar) hold every area and show
    those with a ``z`` (:func:`flag_z`); the flag traces name areas by position
    (``properties.i``), which keeps a full figure small. The selection trace
    gets a constant ``z``: plotly draws min(len(locations), len(z)) areas, so a
    selection only has to send the code.

    By default the map is a plain SVG projection without a basemap: nothing
    comes from the internet. ``online=True`` draws the same traces as
    ``choroplethmap`` over OpenStreetMap tiles (same trace order and
    attributes, so the same Patch paths apply); ``bounds`` must then be given.
    """
    n = len(locations)
    pad = [0] * n
    positions = list(range(n))
    trace_type = go.Choroplethmap if online else go.Choropleth

    def flat(color: str) -> list[list[Any]]:
        return [[0, color], [1, color]]

    common: dict[str, Any] = {"geojson": geojson_url, "featureidkey": "id", "showscale": False}
    # The patched lists address areas by position in the file, not by code (see MapValues).
    by_index: dict[str, Any] = {**common, "featureidkey": "properties.i"}
    white_line: dict[str, Any] = {"line": {"color": "#ffffff", "width": line_width}}
    # Over a background map the fills are see-through, so streets and place names show (the grey 'no data'
    # underlay is lighter still: it lies under the value colours too).
    fill, underlay = ({**white_line, "opacity": 0.72}, {**white_line, "opacity": 0.45}) if online else (
        white_line, white_line)
    traces = [
        trace_type(**common, name=MAP_TRACES[TRACE_LEEG], locations=list(locations), z=pad,
                   colorscale=flat(MISSING_COLORS["ontbreekt"]), marker=underlay,
                   hovertemplate="<b>%{properties.naam}</b><br>Geen gegevens<extra></extra>"),
        trace_type(**by_index, name=MAP_TRACES[TRACE_GEHEIM], locations=positions, z=[None] * n,
                   colorscale=flat(MISSING_COLORS["geheim"]), marker=fill,
                   hovertemplate="<b>%{properties.naam}</b><br>Geheim (CBS): niet gepubliceerd om de privacy "
                                 "te beschermen<extra></extra>"),
        trace_type(**common, name=MAP_TRACES[TRACE_WAARDEN], locations=list(locations), z=[None] * n,
                   zmin=0, zmax=1, colorscale=flat(MISSING_COLORS["ontbreekt"]), marker=fill,
                   hovertemplate="<b>%{properties.naam}</b><extra></extra>"),
        # Outline only, drawn over the colours. Being on top it also gives the hover of these areas: the warning
        # matters more than the number, which the area card shows on a click (with the denominator).
        trace_type(**by_index, name=MAP_TRACES[TRACE_ONBETROUWBAAR], locations=positions, z=[None] * n,
                   colorscale=TRANSPARENT_SCALE, marker={"line": ONBETROUWBAAR_LINE},
                   hovertemplate=f"<b>%{{properties.naam}}</b><br>Waarde {ONBETROUWBAAR_LABEL}<br>"
                                 "<i>Klik voor de waarde en de toelichting</i><extra></extra>"),
        trace_type(geojson=outline_url or geojson_url, featureidkey="id", showscale=False,
                   name=MAP_TRACES[TRACE_GRENZEN], locations=list(outline_locations),
                   z=[0] * len(outline_locations), colorscale=TRANSPARENT_SCALE,
                   marker={"line": {"color": "#333333", "width": 1.1}}, hoverinfo="skip"),
        trace_type(**common, name=MAP_TRACES[TRACE_SELECTIE], locations=[], z=[0], colorscale=TRANSPARENT_SCALE,
                   marker={"line": {"color": "#000000", "width": 3}}, hoverinfo="skip"),
    ]
    fig = go.Figure(traces)
    layout: dict[str, Any] = {
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "separators": ",.",  # Dutch decimal comma and thousands dot in every d3-format placeholder
        "font": {"family": FONT, "size": 13},
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"family": FONT, "size": 13}},
        "uirevision": "kaart",  # keep the user's pan/zoom across value patches
        "dragmode": "pan",
        "showlegend": False,
    }
    if online:
        # MapLibre's own attribution control says it in English; the Dutch credit stays visible in the corner.
        layout["map"] = {"style": "open-street-map"}
        layout["annotations"] = [{
            "text": '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap-bijdragers</a>',
            "xref": "paper", "yref": "paper", "x": 0, "y": 0, "xanchor": "left", "yanchor": "bottom",
            "showarrow": False, "bgcolor": "rgba(255,255,255,0.8)", "font": {"size": 11, "color": "#333333"},
        }]
    else:
        layout["geo"] = {
            "visible": False, "projection": {"type": "mercator"}, "bgcolor": "rgba(0,0,0,0)",
            "showframe": False, "fitbounds": False,
        }
    fig.update_layout(layout)
    fig.update_layout(view_layout(bounds, online=online))
    return fig


def selection_paths(code: str | None) -> dict[tuple[int, str], Any]:
    """Patch paths that outline one selected area (or none): only its code, the geometry is in the browser."""
    return {(TRACE_SELECTIE, "locations"): [code] if code else []}


# -- change between two years (issue 9) ---------------------------------------------------------------------------

#: The change view adds one trace on top: the outline of areas whose first year was converted to the current
#: buurt division (never in the value view, so the value view's trace order and fast repaint are untouched).
TRACE_OMGEREKEND = len(MAP_TRACES)
#: Diverging colours of a change, decrease to increase (ColorBrewer BrBG, colour-blind safe; pale = about 0).
CHANGE_COLORS = ("#a6611a", "#dfc27d", "#f5f5f5", "#80cdc1", "#018571")
#: Areas without a difference (a break, a missing value) in the change view: a mid grey, clearly apart from the
#: pale middle class (#f5f5f5, 'about the same'), which the value view's light 'geen gegevens' grey (#e4e4e4) was
#: hard to tell from.
NO_CHANGE_COLOR = "#a6a6a6"
#: Purple (ColorBrewer PuOr): apart from BrBG, the magenta 'onbetrouwbaar' and the dark gemeente borders.
OMGEREKEND_LINE = {"color": "#5e3c99", "width": 1.8}


@dataclass
class ChangeValues:
    """What a change map paints: the difference per area (geometry order) and why an area has none.

    ``z`` is the absolute difference (indicator decimals) or the percentage (1 decimal); ``customdata`` per area
    [first value, last value, conversion note, the other measure]; ``reasons`` the hover text of areas without a
    difference (on the grey underlay); ``onbetrouwbaar`` and ``omgerekend`` are positions.
    """

    z: list[float | int | None]
    customdata: list[list[str]]
    colorscale: list[list[Any]]
    zmin: float
    zmax: float
    hovertemplate: str
    reasons: list[str]
    onbetrouwbaar: list[int]
    omgerekend: list[int]
    legend: list[LegendItem] = field(default_factory=list)
    edges: list[float] = field(default_factory=list)
    decimals: int = 0


def symmetric_edges(z: np.ndarray, method: str = "kwantielen") -> np.ndarray:
    """Class edges symmetric around 0 (at most 5 classes, the middle one holding 0) for the finite ``z``.

    The positive edges come from the sizes |z| (quantiles, equal steps or natural breaks in three), mirrored.
    """
    a = np.abs(np.asarray(z, dtype="float64"))
    a = a[np.isfinite(a)]
    if a.size == 0:
        return np.array([])
    top = float(a.max())
    if top == 0:
        return np.array([0.0, 0.0])
    if method == "gelijk":
        pos = top * np.array([1 / 3, 2 / 3, 1.0])
    else:
        pos = classify(a, "jenks" if method == "jenks" else "kwantielen", 3)[1:]
    pos = np.unique(pos[pos > 0])
    return np.concatenate([-pos[::-1], pos])


def change_colors(edges: np.ndarray) -> list[str]:
    """The diverging colours for ``edges`` from :func:`symmetric_edges` (the middle class pale)."""
    n = (edges.size - 1) // 2 + 1 if edges.size >= 2 else 0
    return list(CHANGE_COLORS[3 - n: 2 + n]) if n else []


def _signed(x: float, d: int) -> str:
    text = fmt_number(x, d)
    return f"+{text}" if x > 0 and fmt_number(abs(x), d) != fmt_number(0, d) else text


def change_values(
    locations: Sequence[str], frame: pd.DataFrame, meta: IndicatorMeta, van: int, tot: int, maat: str = "abs",
    method: str = "kwantielen", tables: str = "", division: str = "",
) -> ChangeValues:
    """The change map for ``frame`` (``IndicatorService.change``) on the areas in ``locations`` (geometry order).

    Breaks, secret and missing values get no difference: they stay on the grey underlay with the reason in the
    hover. A change involving small numbers ('onbetrouwbaar' in either year) is outlined, not used for the
    classes, and says so in the hover, as values do. ``division``: the buurt division converted to.
    """
    df = frame.drop_duplicates("code").set_index("code").reindex(pd.Index(locations))
    d_abs = max(int(meta.decimals), 0)
    d = 1 if maat == "pct" else d_abs
    col = "verschil_pct" if maat == "pct" else "verschil"
    status = df["status"].fillna("ontbreekt").astype(str).to_numpy()
    z = np.round(pd.to_numeric(df[col], errors="coerce").to_numpy(dtype="float64"), d)
    has = np.isfinite(z) & (status == "ok")
    unreliable = has & df["onbetrouwbaar"].fillna(False).astype(bool).to_numpy()
    converted = df["omrekening"].fillna("").astype(str).to_numpy() == "omgerekend"
    reliable = has & ~unreliable
    edges = symmetric_edges(z[reliable], method)
    colors = change_colors(edges)
    cls = class_of(np.where(has, z, np.nan), edges)
    scale, zmin, zmax = stepped_colorscale(z[reliable], cls[reliable], edges, colors)

    def value_text(v: Any) -> str:
        return fmt_value(float(v), meta) if pd.notna(v) else "–"

    other_col, other_d = ("verschil", d_abs) if maat == "pct" else ("verschil_pct", 1)
    conv_note = f"omgerekend naar indeling {division}<br>" if division else "omgerekend<br>"
    customdata = []
    for v0, v1, oth, conv in zip(df["waarde_van"], df["waarde_tot"], df[other_col], converted, strict=True):
        other = _signed(float(oth), other_d) + (" %" if maat != "pct" else diff_unit(meta)) if pd.notna(oth) else "–"
        customdata.append([value_text(v0), value_text(v1), conv_note if conv else "", other])
    reason_of = {
        "breuk": f"Geen verschil: breuk tussen {van} en {tot} (grens- of bronwijziging)",
        "geheim": "Geen verschil: geheim (CBS) in een van beide jaren",
    }
    reasons = ["" if ok else reason_of.get(s, f"Geen verschil: geen waarde in {van} of {tot}")
               for ok, s in zip(has.tolist(), status.tolist(), strict=True)]
    as_num = int if d == 0 else float
    unit = " %" if maat == "pct" else hover_escape(diff_unit(meta))
    template = (
        "<b>%{properties.naam}</b><br>"
        f"{hover_escape(meta.title)}<br>{van}: %{{customdata[0]}}<br>{tot}: %{{customdata[1]}}<br>"
        f"Verschil: %{{z:+,.{d}f}}{unit} (%{{customdata[3]}})<br>%{{customdata[2]}}"
        f"Bron: {hover_escape(tables)}<extra></extra>"
    )
    kinds = np.where(has, "klasse", np.where(status == "breuk", "breuk", "ontbreekt"))
    legend = [LegendItem(_range_label(edges, i, d), colors[i], int((cls == i).sum())) for i in range(len(colors))]
    legend += [
        LegendItem(status_word("onbetrouwbaar"), "transparent", int(unreliable.sum()), "onbetrouwbaar"),
        LegendItem("omgerekend naar huidige indeling", "transparent", int((converted & has).sum()), "omgerekend"),
        LegendItem("breuk: geen verschil", NO_CHANGE_COLOR, int((kinds == "breuk").sum()), "breuk"),
        LegendItem("geen verschil (geen waarde)", NO_CHANGE_COLOR, int((kinds == "ontbreekt").sum()), "ontbreekt"),
    ]
    return ChangeValues(
        z=[as_num(v) if ok else None for v, ok in zip(z.tolist(), has.tolist(), strict=True)],
        customdata=customdata, colorscale=scale, zmin=zmin, zmax=zmax, hovertemplate=template, reasons=reasons,
        onbetrouwbaar=np.flatnonzero(unreliable).tolist(), omgerekend=np.flatnonzero(converted & has).tolist(),
        legend=legend, edges=[float(e) for e in edges], decimals=d,
    )


def diff_unit(meta: IndicatorMeta) -> str:
    """The unit after an absolute difference: percentage points for a share, nothing for a count."""
    unit = (meta.unit or "").strip()
    return " %-punt" if unit == "%" else "" if unit in ("", "aantal") else f" {unit}"


def _range_label(edges: np.ndarray, i: int, d: int) -> str:
    lo, hi = _signed(edges[i], d), _signed(edges[i + 1], d)
    return lo if lo == hi else f"{lo} – {hi}"


def apply_change(fig: dict[str, Any], cv: ChangeValues, n: int, line_width: float = 0.4) -> None:
    """Write ``cv`` into a full figure dict from :func:`base_map` and add the 'omgerekend' outline trace."""
    data = fig["data"]
    data[TRACE_LEEG].update(customdata=cv.reasons, colorscale=[[0, NO_CHANGE_COLOR], [1, NO_CHANGE_COLOR]],
                            hovertemplate="<b>%{properties.naam}</b><br>%{customdata}<extra></extra>")
    data[TRACE_WAARDEN].update(z=cv.z, customdata=cv.customdata, colorscale=cv.colorscale, zmin=cv.zmin,
                               zmax=cv.zmax, hovertemplate=cv.hovertemplate)
    data[TRACE_ONBETROUWBAAR].update(
        z=flag_z(cv.onbetrouwbaar, n),
        hovertemplate="<b>%{properties.naam}</b><br>Verandering tussen kleine aantallen: onbetrouwbaar<br>"
                      "<i>Klik voor de waarden</i><extra></extra>")
    omg = dict(data[TRACE_ONBETROUWBAAR])
    omg.update(name="omgerekend", z=flag_z(cv.omgerekend, n), marker={"line": OMGEREKEND_LINE},
               hoverinfo="skip")
    omg.pop("hovertemplate", None)
    # Under the gemeente borders and the selection, above the colours: inserted before TRACE_GRENZEN would renumber
    # those traces, so it goes last (a thin outline on top hides nothing).
    data.append(omg)
