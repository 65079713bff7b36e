"""Pure geometry: coverage simplification keeps shared edges shared; CRS always explicit."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, shape

from geodata.geometry import (
    BOUNDARY_COLUMNS,
    boundaries_frame,
    make_valid,
    round_coordinates,
    simplify_coverage,
    web_geojson,
)

# Two 1 km squares in RD New near Assen, sharing a wiggly edge of 101 vertices (2 m zigzag).
X0, Y0 = 233_000.0, 557_000.0
EDGE = [(X0 + 1000 + (2.0 if i % 2 else 0.0), Y0 + i * 10.0) for i in range(101)]


def _squares() -> gpd.GeoDataFrame:
    west = Polygon([(X0, Y0), *EDGE, (X0, Y0 + 1000)])
    east = Polygon([(X0 + 2000, Y0), (X0 + 2000, Y0 + 1000), *reversed(EDGE)])
    return gpd.GeoDataFrame({"code": ["BU16800000", "BU16800001"]}, geometry=[west, east], crs=28992)


def _vertices(geom) -> set[tuple[float, float]]:
    return {tuple(c) for c in shapely.get_coordinates(geom)}


def test_adjacent_squares_stay_adjacent_after_coverage_simplify():
    gdf = _squares()
    assert shapely.coverage_is_valid(gdf.geometry.to_numpy())
    simple = simplify_coverage(gdf, 25.0)
    assert simple.crs.to_epsg() == 28992
    west, east = simple.iloc[0], simple.iloc[1]
    # The zigzag (2 m) is gone at 25 m tolerance ...
    assert len(shapely.get_coordinates(west)) < 20
    # ... and the result is still a coverage: no gap, no overlap, one shared edge.
    assert shapely.coverage_is_valid(simple.to_numpy())
    assert west.intersection(east).area == pytest.approx(0.0, abs=1e-6)
    assert west.intersection(east).length == pytest.approx(1000.0, rel=0.01)
    assert west.union(east).area == pytest.approx(gdf.union_all().area, rel=0.001)


def test_web_geojson_is_wgs84_rounded_and_shares_vertices():
    gdf = _squares()
    west_json, east_json = web_geojson(gdf, 25.0, decimals=5)
    west, east = shape(json.loads(west_json)), shape(json.loads(east_json))
    for x, y in shapely.get_coordinates(west):
        assert 6.0 < x < 7.5 and 52.5 < y < 53.5  # Drenthe in lon/lat, not metres
        assert round(x, 5) == x and round(y, 5) == y
    shared = _vertices(west) & _vertices(east)
    assert len(shared) >= 2  # the shared edge's end points at least, bit-identical
    assert west.intersection(east).area < 1e-12


def test_round_coordinates_keeps_identical_vertices_identical():
    a = shapely.Polygon([(6.123456789, 52.9), (6.2, 52.9), (6.2, 53.0)])
    b = shapely.Polygon([(6.123456789, 52.9), (6.2, 53.0), (6.1, 53.0)])
    ra, rb = round_coordinates(a, 5), round_coordinates(b, 5)
    assert (6.12346, 52.9) in _vertices(ra) and (6.12346, 52.9) in _vertices(rb)


def test_make_valid_repairs_a_bowtie_and_keeps_polygons():
    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    gdf = gpd.GeoDataFrame({"code": ["BU01140609"]}, geometry=[bowtie], crs=28992)
    assert not gdf.geometry.is_valid.all()
    fixed = make_valid(gdf)
    assert fixed.geometry.is_valid.all()
    assert fixed.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")
    assert fixed.geometry.iloc[0].area == pytest.approx(50.0)
    assert not gdf.geometry.is_valid.all()  # input untouched


def test_crs_must_be_explicit():
    gdf = _squares().set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="CRS"):
        simplify_coverage(gdf, 25.0)
    with pytest.raises(ValueError, match="CRS"):
        boundaries_frame(gdf, vintage="2024", level="buurt", source_id="x")


def test_boundaries_frame_shape():
    out = boundaries_frame(_squares(), vintage="2024", level="buurt", source_id="wijkbuurtkaart-2024@pdok",
                           tolerance_m=25.0)
    assert list(out.columns) == BOUNDARY_COLUMNS
    assert out["vintage"].tolist() == ["2024", "2024"] and out["level"].eq("buurt").all()
    assert out["approximate"].eq(False).all()
    full = shape(json.loads(out.loc[0, "geometry"]))
    web = shape(json.loads(out.loc[0, "geometry_web"]))
    assert full.is_valid and web.is_valid
    assert len(shapely.get_coordinates(web)) < len(shapely.get_coordinates(full))
    # Area kept within a few per cent (in RD, ~1 km² each).
    area_rd = gpd.GeoSeries([web], crs=4326).to_crs(28992).iloc[0].area
    assert area_rd == pytest.approx(1_000_000, rel=0.03)


def test_not_a_coverage_falls_back_per_polygon():
    a = Polygon([(X0, Y0), (X0 + 1000, Y0), (X0 + 1000, Y0 + 1000), (X0, Y0 + 1000)])
    b = shapely.affinity.translate(a, 500, 0)  # overlaps a: not a coverage
    gdf = gpd.GeoDataFrame({"code": ["a", "b"]}, geometry=[a, b], crs=28992)
    out = simplify_coverage(gdf, 25.0)
    assert out.is_valid.all() and len(out) == 2


def test_empty_frame():
    gdf = gpd.GeoDataFrame({"code": []}, geometry=[], crs=28992)
    assert boundaries_frame(gdf, vintage="2024", level="wijk", source_id="x").empty
