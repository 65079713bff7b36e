"""Named, cached loaders for the "Over de data" page: meta, load history, coverage, boundaries, villages.

Kept apart from :mod:`dashboard.data` but registered in the same ``LOADERS``
registry, so ``data.clear()`` after a refresh empties these caches too. The
sources list is shared with the downloads (:func:`dashboard.downloads.sources`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashboard import data
from dorpenmonitor.lazy import lazy_module
from indicators import villages

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")


@data.loader(maxsize=1)
def meta() -> dict[str, str]:
    """store.meta(): snapshot build and load dates, data origin."""
    return dict(data.store().meta())


@data.loader(maxsize=1)
def load_runs() -> pd.DataFrame:
    return data.store().load_runs(limit=10)


@data.loader(maxsize=1)
def coverage() -> pd.DataFrame:
    """Per level × year × theme: areas with a published figure and counts per status."""
    return data.store().coverage()


@data.loader(maxsize=1)
def boundary_vintages() -> pd.DataFrame:
    return data.store().boundary_vintages()


@data.loader(maxsize=1)
def kwb_resolution() -> pd.DataFrame:
    """store.kwb_resolution(): per refreshed KWB year and variable how its column was found."""
    return data.store().kwb_resolution()


def resolution_table(res: pd.DataFrame) -> pd.DataFrame:
    """One row per refreshed year: table, result, counts found / not in that year / not recognised (pure)."""
    if res.empty:
        return pd.DataFrame(columns=["Jaar", "Tabel", "Resultaat", "Gevonden", "Niet in deze jaargang",
                                     "Niet herkend", "Toelichting"])
    rows = []
    for year, grp in res.groupby("year", sort=True):
        st = grp["status"]
        odd = grp[st.isin(["dubbelzinnig", "eenheid"]) | grp["label"].str.contains("omgerekend", na=False)]
        notes = [f"{r.variable}: {r.label}" for r in odd.itertuples()]
        first = grp.iloc[0]
        rows.append({"Jaar": int(year), "Tabel": first["table_id"], "Resultaat": first["year_status"],
                     "Gevonden": int((st == "ok").sum()), "Niet in deze jaargang": int((st == "ontbreekt").sum()),
                     "Niet herkend": int(st.isin(["dubbelzinnig", "eenheid"]).sum()),
                     "Toelichting": "; ".join(([first["reason"]] if first["reason"] else []) + notes)})
    return pd.DataFrame(rows)


@data.loader(maxsize=1)
def village_summary() -> dict[str, int]:
    """How many villages there are and how many current buurten belong to none."""
    areas = data.areas()
    vs = data.villages()
    buurten = areas.loc[areas["niveau"] == "buurt", "code"].tolist()
    return {"dorpen": len(vs), "buurten": len(buurten), "zonder_dorp": len(villages.unassigned(vs, buurten))}


def coverage_pivot(cov: pd.DataFrame, level: str, themes: tuple[str, ...]) -> pd.DataFrame:
    """Years × themes for one level: number of areas with at least one published figure (pure)."""
    sub = cov[cov["level"] == level]
    if sub.empty:
        return pd.DataFrame()
    piv = sub.pivot_table(index="period", columns="theme", values="regions", aggfunc="max", fill_value=0)
    cols = [t for t in themes if t in piv.columns] + [t for t in piv.columns if t not in themes]
    piv = piv[cols]
    geheim = sub.groupby("period")["geheim"].sum()
    out = piv.astype(int).reset_index().rename(columns={"period": "Jaar"})
    out.columns = [str(c).capitalize() if c != "Jaar" else c for c in out.columns]
    out["Geheim (cijfers)"] = out["Jaar"].map(geheim).fillna(0).astype(int)
    return out.sort_values("Jaar", ascending=False)
