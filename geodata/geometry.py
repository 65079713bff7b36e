"""Pure geometry: validity, coverage simplification, web output.

CRS is always explicit: simplification happens in metres (EPSG:28992, RD New)
so tolerances mean the same everywhere; drawing happens in EPSG:4326. No I/O.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

RD = 28992
WGS84 = 4326
#: Web tolerance per level in metres: a buurt at municipality zoom needs less detail than 25 m.
WEB_TOLERANCE = {"gemeente": 60.0, "wijk": 35.0, "buurt": 20.0}
BOUNDARY_COLUMNS = ["region_code", "vintage", "level", "geometry", "geometry_web", "approximate", "source_id"]


def _require_crs(gdf: gpd.GeoDataFrame) -> None:
    if gdf.crs is None:
        raise ValueError("GeoDataFrame zonder CRS: geef expliciet EPSG:28992 of EPSG:4326 op")


def make_valid(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Repair invalid polygons (self-intersections from earlier generalisation); returns a copy."""
    out = gdf.copy()
    bad = ~out.geometry.is_valid
    if bad.any():
        fixed = shapely.make_valid(out.geometry[bad].to_numpy())
        # make_valid may return collections with stray lines; keep the areal part.
        out.loc[bad, out.geometry.name] = [_polygonal(g) for g in fixed]
    return out


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else geom


def simplify_coverage(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoSeries:
    """Simplify polygons as a coverage in RD New, so shared edges stay shared.

    ``tolerance_m`` is in metres. Falls back to per-polygon topology-preserving
    simplification when the input is not a valid coverage (overlaps or gaps,
    as in the approximate 2024 buurten), because coverage simplification is
    undefined there. Returns a GeoSeries in EPSG:28992.
    """
    _require_crs(gdf)
    rd = gdf.to_crs(RD)
    geoms = rd.geometry.to_numpy()
    if len(geoms) == 0:
        return gpd.GeoSeries([], index=gdf.index, crs=RD)
    if shapely.coverage_is_valid(geoms):
        simple = shapely.coverage_simplify(geoms, tolerance_m)
    else:
        simple = shapely.simplify(geoms, tolerance_m, preserve_topology=True)
    return gpd.GeoSeries(simple, index=gdf.index, crs=RD)


def round_coordinates(geom: BaseGeometry, decimals: int = 5) -> BaseGeometry:
    """Round every coordinate; identical vertices of neighbours stay identical.

    Plain rounding (not ``set_precision``, which re-nodes each polygon on its
    own) keeps a shared edge shared. A polygon that rounding made invalid is
    repaired, which is rare at 5 decimals (≈ 1 m in the Netherlands).
    """
    out = shapely.transform(geom, lambda xy: np.round(xy, decimals))
    if not out.is_valid:
        out = _polygonal(shapely.make_valid(out))
    return out


def round_geojson(geom: BaseGeometry, decimals: int = 5) -> str:
    """GeoJSON geometry text with coordinates rounded to ``decimals``."""
    return json.dumps(mapping(round_coordinates(geom, decimals)), separators=(",", ":"))


def web_geojson(gdf: gpd.GeoDataFrame, tolerance_m: float, decimals: int = 5) -> list[str]:
    """Coverage-simplified (metres, RD New), then EPSG:4326 GeoJSON strings rounded to ``decimals``."""
    web = simplify_coverage(gdf, tolerance_m).to_crs(WGS84)
    return [round_geojson(g, decimals) for g in web.geometry]


def boundaries_frame(
    gdf: gpd.GeoDataFrame,
    *,
    vintage: str,
    level: str,
    source_id: str,
    approximate: bool = False,
    code_column: str = "code",
    tolerance_m: float | None = None,
) -> pd.DataFrame:
    """Rows for the ``boundaries`` table: full (6 dp) and web (simplified, 5 dp) GeoJSON in EPSG:4326."""
    _require_crs(gdf)
    if gdf.empty:
        return pd.DataFrame(columns=BOUNDARY_COLUMNS)
    gdf = make_valid(gdf)
    tol = WEB_TOLERANCE[level] if tolerance_m is None else tolerance_m
    full = gdf.to_crs(WGS84)
    return pd.DataFrame(
        {
            "region_code": gdf[code_column].astype(str).str.strip().to_numpy(),
            "vintage": str(vintage),
            "level": level,
            "geometry": [round_geojson(g, 6) for g in full.geometry],
            "geometry_web": web_geojson(gdf, tol, 5),
            "approximate": bool(approximate),
            "source_id": source_id,
        }
    )[BOUNDARY_COLUMNS]
