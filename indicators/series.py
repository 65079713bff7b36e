"""One geography over time: buurt figures of an older division converted to the current one.

Pure functions (no I/O). The crosswalk comes from :mod:`geodata.crosswalk`
(boundaries overlaid in EPSG:28992); this module applies it to the wide
``values``/``status`` frames of one year:

* counts are redistributed by the crosswalk's shares (``aandeel``);
* mean-type variables (averages, CBS percentages) are recomputed as the mean
  weighted by their natural base (``indicators.aggregate.WEIGHTS``) times the
  share, so a ratio is the ratio of redistributed numerator and denominator;
  a current buurt that is part of a single old buurt keeps that buurt's mean;
* a suppressed or missing input is never redistributed: a current buurt that
  draws on it gets that status (``geheim`` before ``ontbreekt``) and no value.

Each converted row carries ``omrekening``: ``identiek`` (same ground, the
published figure stands), ``omgerekend`` (redistributed) or ``gepubliceerd``
(the year is already on the current division).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from indicators.aggregate import WEIGHTS, group_sums, kind

IDENTIEK = "identiek"
OMGEREKEND = "omgerekend"
GEPUBLICEERD = "gepubliceerd"


def vintage_for(codes: set[str], vintages: Mapping[str, set[str]], current: str, year: int | None = None) -> str:
    """The boundary vintage whose buurt codes cover ``codes`` best.

    Ties: the current one (a year whose codes all still exist is read as
    published on the current division: the snapshot's 2019/2020 map is not
    certainly that year's own), then the year's own vintage (a live refresh
    stores each year's PDOK map as ``str(year)``), then the latest name.
    """
    if not vintages:
        return current
    own = str(year) if year is not None else None
    return max(vintages, key=lambda v: (len(codes & vintages[v]), v == current, v == own, v))


def current_vintage(codes: set[str], vintages: Mapping[str, set[str]]) -> str:
    """The vintage of the current division: covers the current codes best; an exact map beats an approximate one."""
    return max(vintages, key=lambda v: (len(codes & vintages[v]), "benaderd" not in v, v))


def convert_year(values: pd.DataFrame, status: pd.DataFrame, crosswalk: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """One year's buurt frames (rows = old codes) on the current division (rows = current codes).

    ``crosswalk``: code_oud, code, aandeel, soort for this year's division.
    Returns (values, status, omrekening per current code). Inputs are not modified.
    """
    cw = crosswalk[crosswalk["code_oud"].isin(values.index)]
    cols = list(values.columns)
    if cw.empty:
        e = pd.DataFrame(index=pd.Index([], dtype=object), columns=cols, dtype=float)
        return e, e.astype(object), pd.Series(dtype=object)
    ident = cw.groupby("code")["soort"].transform("first").eq(IDENTIEK)
    targets = pd.Index(sorted(cw["code"].unique()))
    out_v = pd.DataFrame(np.nan, index=targets, columns=cols)
    out_s = pd.DataFrame("ontbreekt", index=targets, columns=cols, dtype=object)

    # Identical ground: the published row stands, unchanged.
    same = cw[ident]
    if len(same):
        out_v.loc[same["code"].to_numpy()] = values.loc[same["code_oud"].to_numpy()].to_numpy()
        out_s.loc[same["code"].to_numpy()] = status.reindex(columns=cols).loc[same["code_oud"].to_numpy()].to_numpy()

    moved = cw[~ident]
    if len(moved):
        share = moved["aandeel"].to_numpy(dtype=float)
        grp = moved["code"].to_numpy()
        n_par = pd.Series(grp).map(pd.Series(grp).value_counts()).to_numpy()
        v = values.reindex(moved["code_oud"].to_numpy())
        s = status.reindex(index=moved["code_oud"].to_numpy(), columns=cols).fillna("ontbreekt")
        # Every column has the same groups (the current codes, sorted as groupby sorts them): the sums of all
        # columns in one pass (group_sums: bit for bit pandas' groupby sum), the flags by counting.
        labels, uniq = pd.factorize(grp, sort=True)
        ng = len(uniq)
        per, to_sum = [], []
        for col in cols:
            vals = v[col].to_numpy(dtype=float)
            st = s[col].to_numpy(dtype=object)
            usable = (st == "ok") & ~np.isnan(vals)
            k = kind(col)
            if k == "count":
                contrib = vals * share
            elif k == "mean":
                base = _base(v, col)
                w = share * base
                # A current buurt inside a single old buurt keeps its mean without any weight.
                w = np.where(n_par == 1, 1.0, w)
                usable &= ~np.isnan(w)
                contrib = vals * w
                to_sum.append(np.where(usable, w, np.nan))
            else:  # codes (stedelijkheid, indelingswijziging): the largest contributor's code
                contrib = vals
            to_sum.append(contrib)
            per.append((col, k, contrib, usable, st == "geheim"))
        sums, nobs = group_sums(labels, ng, to_sum)
        j = 0
        for col, k, contrib, usable, secret in per:
            if k == "mean":
                wsum = np.where(nobs[:, j] > 0, sums[:, j], np.nan)  # sum(min_count=1)
                j += 1
                with np.errstate(divide="ignore", invalid="ignore"):
                    res = sums[:, j] / np.where(wsum == 0, np.nan, wsum)
            elif k == "count":
                res = sums[:, j]
            else:
                frame = pd.DataFrame({"g": grp, "c": contrib, "sh": share})
                top = frame.sort_values("sh", ascending=False).drop_duplicates("g").set_index("g")["c"]
                res = top.reindex(uniq).to_numpy(dtype=float)
            j += 1
            all_u = np.bincount(labels, weights=~usable, minlength=ng) == 0
            any_s = np.bincount(labels, weights=secret, minlength=ng) > 0
            ok = all_u & ~np.isnan(res)
            out_v.loc[uniq, col] = np.where(ok, res, np.nan)
            out_s.loc[uniq, col] = np.where(ok, "ok", np.where(any_s, "geheim", "ontbreekt"))
    omrekening = pd.Series(np.where(targets.isin(same["code"]), IDENTIEK, OMGEREKEND), index=targets)
    return out_v, out_s, omrekening


def _base(v: pd.DataFrame, col: str) -> np.ndarray:
    """The natural base of a mean-type variable per row (first of its weights that is known)."""
    out = np.full(len(v), np.nan)
    for wvar in WEIGHTS.get(col, ()):
        if wvar in v.columns:
            cand = v[wvar].to_numpy(dtype=float)
            out = np.where(np.isnan(out), cand, out)
    return out
