""""Lijkt op": the areas of the same level most like a given one, on a set of indicators.

Shared by Vergelijken (its "lijkt op" section) and the Gebiedsprofiel (the
peers in the briefing), so both rank the same villages. The pure part,
:func:`similar_areas`, works on a plain areas × indicators frame in two steps:
:func:`standardise` (z-scores per column, once per level and loaded database,
cached by :func:`level_scores`) and :func:`nearest` (one numpy pass per target),
so a profile's "lijkt op" costs well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

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


@dataclass(frozen=True)
class Standardised:
    """A level's areas × indicators as z-scores (NaN where unknown), ready for many targets."""

    codes: np.ndarray  # area codes, in the row order of ``z`` (str array: lexsort needs it)
    columns: tuple[str, ...]
    z: np.ndarray  # float64, areas × columns
    row: dict[str, int]  # code → row in ``z``


def standardise(wide: pd.DataFrame) -> Standardised:
    """Each column of ``wide`` as z-scores over all areas with a value; columns without spread left out (pure).

    Column by column, so which columns a target later uses does not change the
    scores: the same numbers :func:`similar_areas` always compared, computed
    once per level instead of once per target.
    """
    x = wide.astype("float64")
    sd = x.std(ddof=0)
    # A column without spread says nothing about similarity.
    x = x.loc[:, sd.gt(0) & sd.notna()]
    z = (x - x.mean()) / x.std(ddof=0)
    codes = [str(c) for c in z.index]
    return Standardised(codes=np.array(codes, dtype=str), columns=tuple(str(c) for c in z.columns),
                        z=z.to_numpy(dtype="float64"), row={c: i for i, c in enumerate(codes)})


def nearest(std: Standardised, target: str, top: int = TOP_SIMILAR) -> list[tuple[str, float, int]]:
    """(code, afstand, gedeeld) of the areas nearest to ``target`` in :func:`standardise`'s z-scores, nearest first
    (pure; the rules of :func:`similar_areas`). Plain tuples: the profile reads five of them per request."""
    i = std.row.get(target)
    if i is None:
        return []
    t = std.z[i]
    use = ~np.isnan(t)
    k = int(use.sum())
    if k == 0:
        return []
    others = np.ones(len(std.codes), dtype=bool)
    others[i] = False
    diff = std.z[others][:, use] - t[use]
    known = ~np.isnan(diff)
    shared = known.sum(axis=1)
    ss = np.where(known, diff**2, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = np.sqrt(np.where(shared > 0, ss * k / shared, np.nan)) * (1 + MISSING_PENALTY * (k - shared))
    keep = (shared >= max(1, k - max_missing(k))) & ~np.isnan(dist)
    codes, dist, shared = std.codes[others][keep], dist[keep], shared[keep]
    order = np.lexsort((codes, dist))[:top]  # by distance, then code (stable on ties)
    return [(str(codes[j]), float(dist[j]), int(shared[j])) for j in order]


def _frame(rows: list[tuple[str, float, int]]) -> pd.DataFrame:
    """:func:`nearest`'s rows as the frame :func:`similar_areas` returns (code, afstand, gedeeld)."""
    return pd.DataFrame({"code": pd.Series([r[0] for r in rows], dtype=object),
                         "afstand": pd.Series([r[1] for r in rows], dtype="float64"),
                         "gedeeld": pd.Series([r[2] for r in rows], dtype="int64")})


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
    if target not in wide.index or wide.empty:
        return pd.DataFrame(columns=["code", "afstand", "gedeeld"])
    return _frame(nearest(standardise(wide), target, top))


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


@data.loader(maxsize=128)
def level_scores(niveau: str, indicatoren: tuple[str, ...]) -> Standardised:
    """:func:`level_matrix` standardised once per loaded database (every "lijkt op" of the level reads it)."""
    return standardise(level_matrix(niveau, indicatoren))


class Similar(NamedTuple):
    """One area like the chosen one (:func:`similar_rows`)."""

    code: str
    naam: str
    gemeente: str | None
    afstand: float
    gedeeld: int


def similar_rows(code: str, indicatoren: Sequence[str], top: int = TOP_SIMILAR) -> list[Similar]:
    """The areas most like ``code`` on ``indicatoren``, same level, nearest first, as plain rows (no frame: a
    page reads five of them per request)."""
    info = data.area_info()
    area = info.get(code)
    if area is None:
        return []
    out = []
    for c, afstand, gedeeld in nearest(level_scores(area.niveau, tuple(indicatoren)), code, top):
        other = info.get(c)
        out.append(Similar(c, other.naam if other else c, other.gemeente_naam if other else "", afstand, gedeeld))
    return out


def similar_to(code: str, indicatoren: Sequence[str], top: int = TOP_SIMILAR) -> pd.DataFrame:
    """:func:`similar_rows` as a frame: code, naam, gemeente, afstand, gedeeld."""
    rows = similar_rows(code, indicatoren, top)
    res = _frame([(r.code, r.afstand, r.gedeeld) for r in rows])
    res["naam"] = [r.naam for r in rows]
    res["gemeente"] = [r.gemeente for r in rows]
    return res[["code", "naam", "gemeente", "afstand", "gedeeld"]]
