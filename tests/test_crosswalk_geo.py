"""geodata.crosswalk: overlaying an older buurt division on the current one."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from dorpenmonitor.settings import PROJECT_ROOT
from geodata.crosswalk import CROSSWALK_COLUMNS, METHOD_POPULATION, build_crosswalk, build_crosswalks, summary

GEO = PROJECT_ROOT / "data" / "snapshot" / "geo"
X, Y = 233_000.0, 557_000.0


def _gdf(codes, geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs=28992)


def test_split_merge_and_unchanged_on_squares():
    old = _gdf(["BU01060001", "BU01060002", "BU01060003", "BU01060004"],
               [box(X, Y, X + 1000, Y + 1000),            # stays
                box(X + 1000, Y, X + 2000, Y + 1000),     # split in two
                box(X, Y + 1000, X + 1000, Y + 2000),     # merged …
                box(X + 1000, Y + 1000, X + 2000, Y + 2000)])  # … with this one
    new = _gdf(["BU01060001", "BU01060010", "BU01060011", "BU01060020"],
               [box(X, Y, X + 1000, Y + 1000), box(X + 1000, Y, X + 1300, Y + 1000),
                box(X + 1300, Y, X + 2000, Y + 1000), box(X, Y + 1000, X + 2000, Y + 2000)])
    cw = build_crosswalk(old, new, jaar=2019)
    assert list(cw.columns) == CROSSWALK_COLUMNS
    kind = cw.drop_duplicates("code").set_index("code")["soort"]
    assert kind.to_dict() == {"BU01060001": "identiek", "BU01060010": "gesplitst", "BU01060011": "gesplitst",
                              "BU01060020": "samengevoegd"}
    share = cw.set_index(["code_oud", "code"])["aandeel"]
    assert share[("BU01060001", "BU01060001")] == 1.0
    assert share[("BU01060002", "BU01060010")] == pytest.approx(0.3)
    assert share[("BU01060002", "BU01060011")] == pytest.approx(0.7)
    assert cw.groupby("code_oud")["aandeel"].sum().round(9).eq(1).all()
    assert set(cw["methode"]) == {"oppervlakte"}


def test_population_weights_are_the_hook_for_100m_squares():
    old = _gdf(["BU01060002"], [box(X, Y, X + 1000, Y + 1000)])
    new = _gdf(["BU01060010", "BU01060011"], [box(X, Y, X + 500, Y + 1000), box(X + 500, Y, X + 1000, Y + 1000)])
    # Synthetic squares (test only): 90 residents in the west half, 10 in the east.
    pts = gpd.GeoDataFrame({"inwoners": [60, 30, 10]},
                           geometry=[Point(X + 50, Y + 50), Point(X + 150, Y + 50), Point(X + 950, Y + 950)],
                           crs=28992)
    cw = build_crosswalk(old, new, jaar=2019, population=pts).set_index("code")
    assert cw.loc["BU01060010", "aandeel"] == pytest.approx(0.9)
    assert cw.loc["BU01060011", "aandeel"] == pytest.approx(0.1)
    assert set(cw["methode"]) == {METHOD_POPULATION}


def test_real_2019_boundaries_onto_2024():
    """The real 2019/2020 map (733 buurten) onto the 2024 map (753): every buurt accounted for."""
    old = gpd.read_file(GEO / "buurten_2019.geojson").set_crs(4326, allow_override=True)
    new = gpd.read_file(GEO / "buurten_2024_benaderd.geojson").set_crs(4326, allow_override=True)
    cw = build_crosswalks({2019: old, 2024: new}, new)
    c19 = cw[cw["jaar"] == 2019]
    assert set(c19["code_oud"]) == set(old["code"]) and set(c19["code"]) == set(new["code"])
    assert c19.groupby("code_oud")["aandeel"].sum().round(9).eq(1).all()
    kinds = summary(c19)
    assert kinds["identiek"] > 600 and kinds["gesplitst"] > 0
    one = c19.set_index(["code_oud", "code"])
    # Assen-Centrum's first buurt did not change; Hardenberg's BU01600701 was split: it kept its code
    # for one part, three new codes took the rest.
    assert one.loc[("BU01060101", "BU01060101"), "soort"] == "identiek"
    assert one.loc[("BU01060101", "BU01060101"), "aandeel"] == 1.0
    split = c19[c19["code_oud"] == "BU01600701"]
    assert set(split["code"]) == {"BU01600701", "BU01602810", "BU01602811", "BU01602812"}
    assert set(split["soort"]) == {"gesplitst"}
    # A year already on the current division maps every buurt to itself, without an overlay.
    c24 = cw[cw["jaar"] == 2024]
    assert len(c24) == 753 and (c24["code"] == c24["code_oud"]).all() and set(c24["soort"]) == {"identiek"}


def test_crs_is_required():
    g = gpd.GeoDataFrame({"code": ["BU01060001"]}, geometry=[box(0, 0, 1, 1)])
    with pytest.raises(ValueError, match="CRS"):
        build_crosswalk(g, g, jaar=2019)
