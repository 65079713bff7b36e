"""Pure geometry: validity, coverage simplification, web output.

CRS is always explicit: simplification happens in metres (EPSG:28992, RD New)
so tolerances mean the same everywhere; drawing happens in EPSG:4326.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping

RD = 28992
WGS84 = 4326
#: Web tolerance per level in metres: a buurt at municipality zoom needs less detail than 25 m.
WEB_TOLERANCE = {"gemeente": 60.0, "wijk": 35.0, "buurt": 20.0}


def make_valid(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Repair invalid polygons (self-intersections from earlier generalisation)."""
    out = gdf.copy()
    bad = ~out.geometry.is_valid
    if bad.any():
        fixed = shapely.make_valid(out.geometry[bad].to_numpy())
        # make_valid may return collections with stray lines; keep the areal part.
        out.loc[bad, out.geometry.name] = [_polygonal(g) for g in fixed]
    return out


def _polygonal(geom):
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else geom


def simplify_coverage(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoSeries:
    """Simplify polygons as a coverage in RD New, so shared edges stay shared.

    Falls back to per-polygon topology-preserving simplification when the
    input is not a valid coverage (overlaps or gaps, as in the approximate
    2024 buurten), because coverage simplification is undefined there.
    """
    if gdf.crs is None:
        raise ValueError("GeoDataFrame zonder CRS: geef expliciet EPSG:28992 of EPSG:4326 op")
    rd = gdf.to_crs(RD)
    geoms = rd.geometry.to_numpy()
    if shapely.coverage_is_valid(geoms):
        simple = shapely.coverage_simplify(geoms, tolerance_m)
    else:
        simple = shapely.simplify(geoms, tolerance_m, preserve_topology=True)
    return gpd.GeoSeries(simple, index=gdf.index, crs=RD)


def round_geojson(geom, decimals: int = 5) -> str:
    """GeoJSON text with rounded coordinates (5 decimals ≈ 1 m in the Netherlands)."""
    geom = shapely.set_precision(geom, 10 ** -decimals) if decimals else geom
    return json.dumps(mapping(geom), separators=(",", ":"))


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
    """Rows for the ``boundaries`` table: full and web geometry as GeoJSON (EPSG:4326)."""
    if gdf.crs is None:
        raise ValueError("GeoDataFrame zonder CRS")
    gdf = make_valid(gdf)
    tol = WEB_TOLERANCE[level] if tolerance_m is None else tolerance_m
    web = simplify_coverage(gdf, tol).to_crs(WGS84)
    full = gdf.to_crs(WGS84)
    return pd.DataFrame(
        {
            "region_code": gdf[code_column].astype(str).to_numpy(),
            "vintage": vintage,
            "level": level,
            "geometry": [round_geojson(g, 6) for g in full.geometry],
            "geometry_web": [round_geojson(g, 5) for g in web.geometry],
            "approximate": approximate,
            "source_id": source_id,
        }
    )
