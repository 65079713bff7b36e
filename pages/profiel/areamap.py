"""The briefing's map: the area's buurten highlighted within its gemeente, neighbouring villages named.

Drawn as plain filled polygons on x/y axes (longitude, latitude scaled by
cos(latitude)) rather than a plotly geo map: that needs no base-map files
from the internet, so kaleido renders it offline, and it prints sharp.
:func:`area_map_figure` is pure (GeoJSON features in, figure out);
:func:`area_map` fills it from :mod:`dashboard.data`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashboard import data
from dashboard.theme import ACCENT
from dorpenmonitor.lazy import lazy_module

if TYPE_CHECKING:
    import shapely
else:
    shapely = lazy_module("shapely")

#: How many neighbouring villages get their name on the map (nearest first).
MAX_NEIGHBOURS = 8
_OTHER_FILL = "#e4e8ee"
_EDGE = "#ffffff"


@dataclass(frozen=True)
class AreaMap:
    """What the map shows: polygons of the gemeente, which are highlighted, and named places."""

    shapes: tuple[tuple[str, object], ...]  # (code, shapely geometry) of every buurt (or gemeente) drawn
    highlight: frozenset[str]
    labels: tuple[tuple[str, float, float], ...]  # (naam, lon, lat) of neighbouring places, nearest first
    title: str
    approximate: bool
    naam: str = ""  # the highlighted area's own name, drawn bold beside it


def _rings(geom) -> Iterable[Sequence[tuple[float, float]]]:
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type == "Polygon":
            yield list(poly.exterior.coords)
            for hole in poly.interiors:
                yield list(hole.coords)


def _polygon_trace(geoms: Sequence, fill: str, name: str, kx: float) -> go.Scatter:
    """All ``geoms`` as one filled trace (rings separated by None), so 100 buurten cost one trace."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for g in geoms:
        for ring in _rings(g):
            xs += [x * kx for x, _ in ring] + [None]
            ys += [y for _, y in ring] + [None]
    return go.Scatter(x=xs, y=ys, fill="toself", fillcolor=fill, mode="lines", line={"color": _EDGE, "width": 0.8},
                      name=name, hoverinfo="skip", showlegend=False)


#: Label font size (px at the figure's own size) and the average glyph width as a share of it (DejaVu Sans).
LABEL_SIZE = 15
_GLYPH = 0.6
#: Where a name may sit around its dot, in order of preference: (plotly textposition, dx, dy) with dx, dy the
#: box's offset in label heights/widths from the dot.
_POSITIONS = (("top center", -0.5, 0.2), ("bottom center", -0.5, -1.2), ("middle right", 0.05, -0.5),
              ("middle left", -1.05, -0.5))


Box = tuple[float, float, float, float]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points: Sequence[tuple[str, float, float]], taken: Sequence[Box], px: float, size: int,
                 avoid: object = None) -> list[tuple[str, float, float, str]]:
    """Names that fit without covering each other, ``taken`` boxes or the ``avoid`` geometry (the highlighted
    area: dark text on the accent colour is unreadable): (naam, x, y, textposition), in priority order
    (``points`` nearest first). ``px``: pixels per map unit. A name that fits nowhere is left out: a pile of
    overlapping names ('Noordenveld' run into 'Tynaarlo') reads as none."""
    h = size * 1.25 / px
    boxes = list(taken)
    out = []
    for naam, x, y in points:
        w = len(naam) * size * _GLYPH / px
        for pos, dx, dy in _POSITIONS:
            box = (x + dx * w, y + dy * h, x + dx * w + w, y + dy * h + h)
            if not any(_overlaps(box, b) for b in boxes) and (
                    avoid is None or not shapely.box(*box).intersects(avoid)):
                boxes.append(box)
                out.append((naam, x, y, pos))
                break
    return out


def area_map_figure(m: AreaMap, width: int = 900, height: int = 620) -> go.Figure:
    """The map as a plotly figure (pure): grey surroundings, the area in the accent colour with its own name in
    bold beside it, and as many neighbouring names as fit without overlapping."""
    if not m.shapes:
        return go.Figure()
    lat0 = sum(shapely.centroid(g).y for _, g in m.shapes) / len(m.shapes)
    kx = math.cos(math.radians(lat0))  # equal distances east-west and north-south
    fig = go.Figure()
    fig.add_trace(_polygon_trace([g for c, g in m.shapes if c not in m.highlight], _OTHER_FILL, "omgeving", kx))
    lit = [g for c, g in m.shapes if c in m.highlight]
    fig.add_trace(_polygon_trace(lit, ACCENT, "gebied", kx))
    x0, y0, x1, y1 = shapely.union_all([g for _, g in m.shapes]).bounds
    # Axes keep one scale (scaleanchor): the map fills the narrower of the two directions.
    px = min((width - 8) / ((x1 - x0) * kx), (height - 8) / (y1 - y0))
    taken: list[Box] = []
    if lit and m.naam:
        # Own name above the area, on a white box: on the accent colour a dark name was unreadable.
        hx0, _, hx1, hy1 = shapely.union_all(lit).bounds
        cx, size = (hx0 + hx1) / 2 * kx, LABEL_SIZE + 2
        w, h = len(m.naam) * size * 0.66 / px, size * 1.5 / px
        fig.add_annotation(x=cx, y=hy1, text=f"<b>{m.naam}</b>", showarrow=False, yanchor="bottom", yshift=2,
                           font={"size": size, "color": "#0b1f33"}, bgcolor="rgba(255,255,255,0.9)",
                           bordercolor=ACCENT, borderwidth=1, borderpad=2)
        taken.append((cx - w / 2, hy1, cx + w / 2, hy1 + h))
    avoid = shapely.affinity.scale(shapely.union_all(lit), xfact=kx, yfact=1, origin=(0, 0)) if lit else None
    placed = place_labels([(n, lon * kx, lat) for n, lon, lat in m.labels], taken, px, LABEL_SIZE, avoid)
    if placed:
        fig.add_trace(go.Scatter(
            x=[x for _, x, _, _ in placed], y=[y for _, _, y, _ in placed], mode="markers+text",
            text=[n for n, _, _, _ in placed], textposition=[p for _, _, _, p in placed],
            marker={"size": 5, "color": "#4a5561"}, textfont={"size": LABEL_SIZE, "color": "#1f2933"},
            hoverinfo="skip", showlegend=False,
        ))
    fig.update_layout(
        width=width, height=height, margin={"l": 4, "r": 4, "t": 4, "b": 4},
        paper_bgcolor="#ffffff", plot_bgcolor="#ffffff", font={"family": "DejaVu Sans, Arial, sans-serif"},
        xaxis={"visible": False, "scaleanchor": "y", "scaleratio": 1},
        yaxis={"visible": False},
    )
    return fig


def _features(niveau: str, vintage: str) -> dict[str, object]:
    raw = json.loads(data.geo_file(niveau, vintage).raw)
    return {f["id"]: shapely.geometry.shape(f["geometry"]) for f in raw["features"]}


def _buurt_vintage(codes: Sequence[str]) -> str:
    """The buurt vintage holding most of ``codes`` (villages use one division; newest on a tie)."""
    options = data.VINTAGES["buurt"]
    scored = [(len(set(codes) & data.geometry("buurt", v)["codes"]), -i, v) for i, v in enumerate(options)]
    return max(scored)[2]


@data.loader(maxsize=64)
def area_map(code: str) -> AreaMap | None:
    """The map of any area: a village's buurten, a buurt, a wijk's buurten (within the gemeente), or a gemeente
    within the monitor. None when the area has no shapes."""
    index = data.area_index()
    if code not in index:
        return None
    naam, niveau = index[code]
    if niveau == "gemeente":
        feats = _features("gemeente", data.VINTAGES["gemeente"][0])
        shapes = tuple(feats.items())
        names = data.region_names()
        hl = frozenset([code])
        others = [(c, g) for c, g in shapes if c != code]
        here = shapely.centroid(feats[code]) if code in feats else None
        # Every other gemeente is a candidate (the 12 fit at this scale); the figure drops any that would overlap.
        near = sorted(others, key=lambda cg: here.distance(shapely.centroid(cg[1])) if here else 0)
        labels = tuple((names.get(c, c), *_label_point(g)) for c, g in near)
        return AreaMap(shapes, hl, labels, f"{naam} in de monitor", False, naam=naam)
    gm = data.gemeente_of_area(code)
    if gm is None:
        return None
    villages = [v for v in data.villages() if v.gemeente_code == gm]
    if niveau == "dorp":
        members = next((tuple(v.buurten) for v in villages if v.code == code), ())
    elif niveau == "buurt":
        members = (code,)
    else:  # wijk: its buurten share the wijk's 6 digits
        members = tuple(c for c in data.geometry("buurt", data.VINTAGES["buurt"][0])["codes"]
                        if c[2:8] == code[2:8])
    vintage = _buurt_vintage(members) if members else data.VINTAGES["buurt"][0]
    feats = _features("buurt", vintage)
    prefix = "BU" + gm[2:]
    shapes = tuple((c, g) for c, g in feats.items() if c.startswith(prefix))
    hl = frozenset(c for c in members if c in feats)
    if not hl:
        return None
    here = shapely.centroid(shapely.union_all([feats[c] for c in hl]))
    labels = []
    for v in villages:
        if v.code == code or v.naam.lower().startswith("verspreide huizen"):
            continue
        geoms = [feats[b] for b in v.buurten if b in feats]
        if not geoms:
            continue
        # A village's name sits on its main buurt (the one named like it), not on its scattered houses.
        main = [feats[b] for b in v.buurten if b in feats and not data.region_names().get(b, "").lower()
                .startswith("verspreide")] or geoms
        if set(v.buurten) & hl:
            continue  # the village the buurt or wijk lies in: its name would sit on the highlight
        x, y = _label_point(shapely.union_all(main))
        labels.append((here.distance(shapely.geometry.Point(x, y)), v.naam, x, y))
    labels.sort()
    return AreaMap(shapes, hl, tuple((n, x, y) for _, n, x, y in labels[:MAX_NEIGHBOURS]),
                   f"{naam} in de gemeente", vintage == "2024-benaderd" or bool(data.geometry("buurt", vintage)
                                                                                  ["approximate"]), naam=naam)


def _label_point(geom) -> tuple[float, float]:
    """A point inside ``geom`` for its name (a centroid can fall outside a bent gemeente or village)."""
    pt = geom.representative_point() if not shapely.centroid(geom).within(geom) else shapely.centroid(geom)
    return pt.x, pt.y
