"""Crosswalk of an older buurt division onto the current one, from the boundaries themselves.

:func:`build_crosswalk` overlays one vintage's buurt polygons on the current
division in EPSG:28992 (metres) and says, per current buurt, which old buurten
it came from and with what share:

* ``identiek``     — one old buurt and the current one cover (nearly) the same ground, each
  is the other's largest overlap and both overlap ≥ :data:`IDENTICAL_SHARE` of their area.
  The old figure stands unchanged (weight 1); the code may differ.
* ``gesplitst``    — the current buurt is part of one old buurt that went to several.
* ``samengevoegd`` — the current buurt took several old buurten whole.
* ``gewijzigd``    — anything else (boundaries moved).

``aandeel`` is the share of the old buurt's total that moves to the current
buurt; per old buurt the shares sum to 1, so counts are conserved. Weights are
land area of the intersection (``methode`` 'oppervlakte'); pass ``population``
(points with an ``inwoners`` column, e.g. centroids of CBS 100 m squares from
PDOK) and the shares are population shares instead ('bevolking (CBS 100m-vierkanten)').
The squares are not in the offline snapshot, so the app uses land area until a
live refresh provides them — this argument is the hook.

Why thresholds: the 2024 buurt map in the snapshot is reconstructed from SVG
paths (100-400 m off) and the 2019 map is strongly generalised, so two
renderings of the same unchanged buurt overlap 92-99% (median 97%), never
exactly. Overlaps below :data:`MIN_SHARE` of an old buurt are drawing noise
and are dropped before the shares are normalised. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.geometry import RD, make_valid

#: Both buurten must overlap at least this share of their own area to count as the same ground.
IDENTICAL_SHARE = 0.7
#: An overlap below this share of the old buurt is drawing noise, not a real transfer.
MIN_SHARE = 0.1
CROSSWALK_COLUMNS = ["jaar", "code_oud", "code", "aandeel", "dekking_nieuw", "soort", "methode"]
METHOD_AREA = "oppervlakte"
METHOD_POPULATION = "bevolking (CBS 100m-vierkanten)"


def _prepared(gdf: gpd.GeoDataFrame, code_column: str) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise ValueError("GeoDataFrame zonder CRS: geef expliciet EPSG:28992 of EPSG:4326 op")
    out = make_valid(gdf.to_crs(RD))
    return gpd.GeoDataFrame({"code": out[code_column].astype(str).str.strip().to_numpy()},
                            geometry=out.geometry.to_numpy(), crs=RD)


def overlay_pairs(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame,
                  population: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Every intersecting (old, new) pair with its weight ``w`` (area in m², or residents) and area shares."""
    og, ng = old.geometry.to_numpy(), new.geometry.to_numpy()
    tree = shapely.STRtree(ng)
    i, j = tree.query(og, predicate="intersects")
    inter = shapely.intersection(og[i], ng[j])
    area = shapely.area(inter)
    pairs = pd.DataFrame({"code_oud": old["code"].to_numpy()[i], "code": new["code"].to_numpy()[j], "a": area,
                          "so": area / shapely.area(og[i]), "sn": area / shapely.area(ng[j])})
    pairs = pairs[pairs["a"] > 0].reset_index(drop=True)
    if population is None:
        pairs["w"] = pairs["a"]
        return pairs
    pts = population.to_crs(RD)
    # Residents of the squares whose centre lies in both the old and the new buurt.
    hit_o = shapely.STRtree(og).query(pts.geometry.to_numpy(), predicate="within")
    hit_n = shapely.STRtree(ng).query(pts.geometry.to_numpy(), predicate="within")
    a = pd.DataFrame({"p": hit_o[0], "code_oud": old["code"].to_numpy()[hit_o[1]]})
    b = pd.DataFrame({"p": hit_n[0], "code": new["code"].to_numpy()[hit_n[1]]})
    res = pts["inwoners"].to_numpy(dtype=float)
    both = a.merge(b, on="p").assign(w=lambda d: res[d["p"].to_numpy()])
    w = both.groupby(["code_oud", "code"])["w"].sum()
    pairs["w"] = pd.MultiIndex.from_frame(pairs[["code_oud", "code"]]).map(w.to_dict()).to_numpy(dtype=float)
    pairs["w"] = pairs["w"].fillna(0.0)
    # An old buurt without any resident square keeps area weights, so nothing is lost.
    no_pop = pairs.groupby("code_oud")["w"].transform("sum").eq(0)
    pairs.loc[no_pop, "w"] = pairs.loc[no_pop, "a"]
    return pairs


def build_crosswalk(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, *, jaar: int, code_column: str = "code",
                    population: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Crosswalk of the old division (year ``jaar``) onto the current one.

    ``old``/``new``: buurt polygons with a CRS and ``code_column``. Returns one
    row per (old buurt, current buurt) with a non-zero share: jaar, code_oud,
    code (current), aandeel (share of the old buurt's total that goes to the
    current buurt; sums to 1 per old buurt), dekking_nieuw (share of the current
    buurt's area that the old buurt covers), soort ('identiek', 'gesplitst',
    'samengevoegd', 'gewijzigd', per current buurt) and methode.
    """
    return _crosswalk(_prepared(old, code_column), _prepared(new, code_column), int(jaar), population)


def build_crosswalks(olds: Mapping[int, gpd.GeoDataFrame], new: gpd.GeoDataFrame, *, code_column: str = "code",
                     population: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Crosswalks of several years' divisions (``{jaar: polygons}``) onto the current one, stacked.

    The current division is projected and repaired once; a year whose division
    has the same codes and the same polygons as the current one gets the
    identity crosswalk without an overlay.
    """
    n = _prepared(new, code_column)
    parts = []
    for jaar, old in sorted(olds.items()):
        o = _prepared(old, code_column)
        if _same_division(o, n):
            parts.append(identity(n["code"], int(jaar)))
        else:
            parts.append(_crosswalk(o, n, int(jaar), population))
    if not parts:
        return pd.DataFrame(columns=CROSSWALK_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def identity(codes, jaar: int) -> pd.DataFrame:
    """The crosswalk of a year already on the current division: every buurt maps to itself."""
    codes = sorted(set(codes))
    return pd.DataFrame({"jaar": int(jaar), "code_oud": codes, "code": codes, "aandeel": 1.0, "dekking_nieuw": 1.0,
                         "soort": "identiek", "methode": "zelfde indeling"})[CROSSWALK_COLUMNS]


def _same_division(o: gpd.GeoDataFrame, n: gpd.GeoDataFrame) -> bool:
    if len(o) != len(n) or set(o["code"]) != set(n["code"]):
        return False
    a = o.set_index("code").geometry
    b = n.set_index("code").geometry.reindex(a.index)
    return bool(shapely.equals_exact(a.to_numpy(), b.to_numpy(), tolerance=0.01).all())


def _crosswalk(o: gpd.GeoDataFrame, n: gpd.GeoDataFrame, jaar: int,
               population: gpd.GeoDataFrame | None) -> pd.DataFrame:
    pairs = overlay_pairs(o, n, population)
    if pairs.empty:
        return pd.DataFrame(columns=CROSSWALK_COLUMNS)
    main_child = pairs.loc[pairs.groupby("code_oud")["a"].idxmax()].set_index("code_oud")["code"]
    main_parent = pairs.loc[pairs.groupby("code")["a"].idxmax()].set_index("code")["code_oud"]
    ident = ((pairs["code"].map(main_parent) == pairs["code_oud"])
             & (pairs["code_oud"].map(main_child) == pairs["code"])
             & (pairs["so"] >= IDENTICAL_SHARE) & (pairs["sn"] >= IDENTICAL_SHARE))
    # Demote until stable: an old buurt that is also the largest source of another current
    # buurt was split (even if most of it stayed in one piece); an old buurt whose every
    # overlap lands in a buurt that stayed the same was merged into its largest one.
    for _ in range(10):
        orphans = set(main_parent.index) - set(pairs.loc[ident, "code"])
        split_off = {main_parent[c] for c in orphans} & set(pairs.loc[ident, "code_oud"])
        moved = _transfers(pairs, ident)
        lost = set(pairs["code_oud"]) - set(pairs.loc[ident, "code_oud"]) - set(moved["code_oud"])
        merged_into = {main_child[c] for c in lost}
        if not split_off and not merged_into:
            break
        ident &= ~pairs["code_oud"].isin(split_off) & ~pairs["code"].isin(merged_into)
    moved = _transfers(pairs, ident)
    n_children = moved.groupby("code_oud")["code"].transform("nunique")
    n_parents = moved.groupby("code")["code_oud"].transform("nunique")
    whole = moved["code_oud"].map(main_child) == moved["code"]
    all_whole = whole.groupby(moved["code"]).transform("all")
    soort = np.select([(n_parents == 1) & (n_children > 1), (n_parents > 1) & all_whole & (n_children == 1)],
                      ["gesplitst", "samengevoegd"], "gewijzigd")
    moved = moved.assign(soort=soort)
    # One kind per current buurt; where its rows disagree, the most cautious ('gewijzigd').
    rank = {"gewijzigd": 0, "samengevoegd": 1, "gesplitst": 2}
    kind = moved.assign(r=moved["soort"].map(rank)).groupby("code")["r"].min().map({v: k for k, v in rank.items()})
    moved["soort"] = moved["code"].map(kind)

    same = pairs[ident].assign(aandeel=1.0, soort="identiek")
    out = pd.concat([same, moved], ignore_index=True)
    methode = METHOD_AREA if population is None else METHOD_POPULATION
    out = out.assign(jaar=int(jaar), dekking_nieuw=out["sn"].round(4), aandeel=out["aandeel"].astype(float),
                     methode=methode)
    return out[CROSSWALK_COLUMNS].sort_values(["code", "code_oud"]).reset_index(drop=True)


def _transfers(pairs: pd.DataFrame, ident: pd.Series) -> pd.DataFrame:
    """Shares between the buurten that did not stay the same.

    Real overlaps (≥ :data:`MIN_SHARE` of the old buurt) plus each current
    buurt's largest source, so no current buurt is left without one; shares
    normalised per old buurt.
    """
    ident_new = set(pairs.loc[ident, "code"])
    ident_old = set(pairs.loc[ident, "code_oud"])
    rest = pairs[~pairs["code"].isin(ident_new) & ~pairs["code_oud"].isin(ident_old)]
    if rest.empty:
        return rest.assign(aandeel=pd.Series(dtype=float))
    keep = rest["so"].ge(MIN_SHARE) | rest.index.isin(rest.groupby("code")["a"].idxmax().to_numpy())
    rest = rest[keep]
    moved = rest.assign(aandeel=rest["w"] / rest.groupby("code_oud")["w"].transform("sum"))
    return moved[moved["aandeel"].gt(0)]


def summary(crosswalk: pd.DataFrame) -> dict[str, int]:
    """Number of current buurten per kind ('identiek', 'gesplitst', …) in one crosswalk."""
    return crosswalk.drop_duplicates("code")["soort"].value_counts().to_dict()
