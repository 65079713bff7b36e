""""Lijkt op": the areas of the same level most like a given one, on a set of indicators.

Shared by Vergelijken (its "lijkt op" section) and the Gebiedsprofiel (the
peers in the briefing), so both rank the same villages. The pure part,
:func:`similar_areas`, works on a plain areas × indicators frame; the loaders
fill that frame from :mod:`dashboard.data`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dashboard import data
from dorpenmonitor.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

TOP_SIMILAR = 5
#: Each indicator an area lacks makes it this much (relatively) farther away, on top of the k/shared scaling.
MISSING_PENALTY = 0.25


def max_missing(k: int) -> int:
    """How many of ``k`` indicators a candidate may lack and still be compared: one in four (0 for k < 4).

    A village compared on 4 of 6 indicators is not "like" the target in the
    sense a council reads it: it was never compared on the other two.
    """
    return k // 4


def similar_areas(wide: pd.DataFrame, target: str, top: int = TOP_SIMILAR) -> pd.DataFrame:
    """Areas nearest to ``target`` in standardised Euclidean distance (pure).

    ``wide``: rows = areas of one level, columns = indicators, NaN where
    unknown. Each column is turned into z-scores over all areas with a value,
    so a 5-point difference in a percentage and €50.000 in WOZ weigh by how
    unusual they are. Only near-full comparisons count: a candidate may lack
    at most :func:`max_missing` of the target's ``k`` indicators; its sum of
    squares over the shared ones is scaled up to ``k`` and the distance is then
    raised by :data:`MISSING_PENALTY` per missing indicator, so a full
    comparison wins a near tie. Returns code, afstand, gedeeld (number of
    indicators compared), ascending by distance.
    """
    empty = pd.DataFrame(columns=["code", "afstand", "gedeeld"])
    if target not in wide.index or wide.empty:
        return empty
    x = wide.astype("float64")
    sd = x.std(ddof=0)
    # A column without spread says nothing about similarity.
    x = x.loc[:, sd.gt(0) & sd.notna()]
    t = x.loc[target]
    x = x.loc[:, t.notna()]
    k = x.shape[1]
    if k == 0:
        return empty
    z = (x - x.mean()) / x.std(ddof=0)
    diff = z.drop(index=target) - z.loc[target]
    shared = diff.notna().sum(axis=1)
    ss = (diff**2).sum(axis=1, min_count=1)
    missing = k - shared
    dist = np.sqrt(ss * k / shared.where(shared > 0)) * (1 + MISSING_PENALTY * missing)
    out = pd.DataFrame({"code": diff.index, "afstand": dist.to_numpy(), "gedeeld": shared.to_numpy()})
    out = out[(out["gedeeld"] >= max(1, k - max_missing(k))) & out["afstand"].notna()]
    return out.sort_values(["afstand", "code"]).head(top).reset_index(drop=True)


@data.loader(maxsize=128)
def level_matrix(niveau: str, indicatoren: tuple[str, ...]) -> pd.DataFrame:
    """All areas of ``niveau`` × indicators (newest year per indicator; 'onzeker' values count too)."""
    cols = {}
    for ind in indicatoren:
        yrs = data.years(ind, niveau)
        if not yrs:
            continue
        v = data.values(ind, niveau, yrs[-1])
        ok = v[v["status"].isin(["ok", "onbetrouwbaar"])]
        cols[ind] = pd.Series(pd.to_numeric(ok["waarde"], errors="coerce").to_numpy(), index=ok["code"].to_numpy())
    return pd.DataFrame(cols)


def similar_to(code: str, indicatoren: Sequence[str], top: int = TOP_SIMILAR) -> pd.DataFrame:
    """The areas most like ``code`` on ``indicatoren``, same level: code, naam, gemeente, afstand, gedeeld."""
    index = data.area_index()
    if code not in index:
        return pd.DataFrame(columns=["code", "naam", "gemeente", "afstand", "gedeeld"])
    niveau = index[code][1]
    res = similar_areas(level_matrix(niveau, tuple(indicatoren)), code, top)
    areas = data.areas().set_index("code")
    res["naam"] = [index.get(c, (c, ""))[0] for c in res["code"]]
    res["gemeente"] = [areas.at[c, "gemeente_naam"] if c in areas.index else "" for c in res["code"]]
    return res[["code", "naam", "gemeente", "afstand", "gedeeld"]]


