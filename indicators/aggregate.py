"""Aggregation of areas into larger ones (villages, custom areas, Drenthe).

The rule is the same for every indicator: aggregate its *inputs*, then apply
the indicator's own function to the aggregated row. Counts are summed; a
mean-type input (an average or a percentage as CBS publishes it) becomes the
mean weighted by its natural base (WOZ by dwellings, household size by
households, distances by residents …), which equals the ratio of the summed
numerators and denominators CBS would have computed. So "ratio of sums" and
"weighted mean" fall out of one mechanism and a village always equals the sum
of its parts.

An area only contributes to an indicator when *all* of that indicator's inputs
(and weights) are known there; the share of residents it represents is
reported as ``dekking`` ("op basis van 94% van de inwoners"), so one
suppressed buurt does not blank a whole village.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from dorpenmonitor.catalogue import BY_KEY
from dorpenmonitor.lazy import lazy_module
from indicators.registry import Indicator, check_columns, evaluate

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

#: Weights for mean-type variables: first the proper base, then a proxy used
#: per area where the proper base is not published (woningvoorraad per buurt
#: is missing for six municipalities in the 2024 snapshot; households are the
#: closest proxy for occupied dwellings).
WEIGHTS: dict[str, tuple[str, ...]] = {
    "woz_waarde": ("woningvoorraad", "huishoudens"),
    "pct_koopwoningen": ("woningvoorraad", "huishoudens"),
    "pct_huurwoningen": ("woningvoorraad", "huishoudens"),
    "pct_corporatie": ("woningvoorraad", "huishoudens"),
    "pct_overige_verhuurders": ("woningvoorraad", "huishoudens"),
    "pct_eengezinswoning": ("woningvoorraad", "huishoudens"),
    "pct_meergezinswoning": ("woningvoorraad", "huishoudens"),
    "pct_onbewoond": ("woningvoorraad", "huishoudens"),
    "pct_bouwjaar_recent": ("woningvoorraad", "huishoudens"),
    "pct_stadsverwarming": ("woningvoorraad", "huishoudens"),
    "gas_gemiddeld": ("woningvoorraad", "huishoudens"),
    "elektriciteit_gemiddeld": ("woningvoorraad", "huishoudens"),
    "huishoudensgrootte": ("huishoudens",),
    "bevolkingsdichtheid": ("oppervlakte_land",),
    "adressendichtheid": ("inwoners",),
    "afstand_huisarts": ("inwoners",),
    "afstand_supermarkt": ("inwoners",),
    "afstand_school": ("inwoners",),
    "afstand_kinderdagverblijf": ("inwoners",),
    "scholen_binnen_3km": ("inwoners",),
    "inkomen_per_inwoner": ("inwoners",),
    "goed_ervaren_gezondheid": ("inwoners",),
    "arbeidsparticipatie": ("inwoners",),
    "pct_laag_inkomen": ("huishoudens",),
    "pct_sociaal_minimum": ("huishoudens",),
    "pct_jeugdzorg": ("inwoners",),
    "wmo_relatief": ("inwoners",),
    "ses_woa_score": ("particuliere_huishoudens",),
    "pct_0_14_gepubliceerd": ("inwoners",),
    "pct_65plus_gepubliceerd": ("inwoners",),
}
#: Below this share of residents covered, an aggregate is 'onbetrouwbaar'.
MIN_COVERAGE = 0.5
#: Coverage is measured in residents; this is the variable.
COVERAGE_BASIS = "inwoners"


def kind(variable: str) -> str:
    """'count', 'mean' or 'code' for a harmonised variable (crosswalk kind, folded)."""
    var = BY_KEY.get(variable)
    k = var.kind if var else "count"
    if k in ("mean", "pct", "distance"):
        return "mean"
    return k


def weights_for(variables: Sequence[str]) -> tuple[str, ...]:
    """All weight variables (incl. proxies) the mean-type variables among ``variables`` need."""
    out: list[str] = []
    for v in variables:
        if kind(v) == "mean":
            if v not in WEIGHTS:
                raise KeyError(f"Geen gewicht vastgelegd voor gemiddelde '{v}' (indicators/aggregate.py)")
            out.extend(WEIGHTS[v])
    return tuple(dict.fromkeys(out))


def membership(groups: Mapping[str, Sequence[str]], index: pd.Index) -> pd.DataFrame:
    """(groep, lid) rows for the members present in ``index``; ``groep`` is the group's position in ``groups``.

    Positions instead of codes: every groupby below then runs on sorted
    integers, which is several times faster than hashing strings each time.
    """
    rows = pd.DataFrame([(i, m) for i, members in enumerate(groups.values()) for m in members],
                        columns=["groep", "lid"]).astype({"groep": "int64"})
    return rows[rows["lid"].isin(index)].reset_index(drop=True)


def _member_status(status: pd.DataFrame, members: pd.DataFrame, inputs: Sequence[str]) -> pd.DataFrame:
    """Statuses of ``inputs`` per membership row ('ontbreekt' where unknown).

    Columns are picked before rows: the status frame is wide, and taking the
    rows of all its columns first would copy it whole for every indicator.
    """
    s = status.reindex(columns=list(inputs), fill_value="ontbreekt")
    s = s.reindex(index=members["lid"], fill_value="ontbreekt").fillna("ontbreekt")
    s.index = members.index
    return s


def _aggregate_variables(
    inputs: Sequence[str],
    values: pd.DataFrame,
    status: pd.DataFrame,
    members: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Aggregated inputs per group over the members where all inputs (and a weight) are known.

    Returns (aggregated wide frame, contributing-mask per membership row,
    'proxy weight used' per group).
    """
    v = values.reindex(members["lid"])
    s = _member_status(status, members, inputs)
    v.index = members.index
    known = s.eq("ok").all(axis=1) & v[list(inputs)].notna().all(axis=1)

    # Effective weight per mean variable: proper base where known, otherwise the proxy.
    weights: dict[str, pd.Series] = {}
    proxy_used = pd.Series(False, index=members.index)
    for var in inputs:
        if kind(var) != "mean":
            continue
        w = pd.Series(np.nan, index=members.index)
        for i, wvar in enumerate(WEIGHTS[var]):
            cand = v[wvar] if wvar in v.columns else pd.Series(np.nan, index=members.index)
            fill = w.isna() & cand.notna()
            if i > 0:
                proxy_used |= fill
            w = w.where(~fill, cand)
        weights[var] = w
        known &= w.notna()
    proxy_used &= known

    grp = members["groep"]
    out = {}
    for var in inputs:
        col = v[var].where(known)
        if kind(var) == "mean":
            w = weights[var].where(known)
            num = (col * w).groupby(grp).sum(min_count=1)
            den = w.groupby(grp).sum(min_count=1)
            out[var] = num / den.where(den != 0)
        else:
            out[var] = col.groupby(grp).sum(min_count=1)
    return pd.DataFrame(out), known, proxy_used.groupby(grp).any()


def aggregate(
    ind: Indicator,
    values: pd.DataFrame,
    status: pd.DataFrame,
    groups: Mapping[str, Sequence[str]],
    members: pd.DataFrame | None = None,
    *,
    complete: bool = False,
) -> pd.DataFrame:
    """Indicator ``ind`` for each group of areas.

    ``values``/``status`` are wide frames of the member areas (as for
    :func:`indicators.registry.evaluate`); ``groups`` maps a group code to its
    member codes. Returns, indexed by group code: ``waarde``, ``status``,
    ``note``, ``dekking`` (0–1 share of residents in contributing members),
    ``leden`` (members with the indicator's inputs published, suppressed or not)
    and ``leden_totaal``. With ``complete`` (Drenthe, the monitor total,
    villages) a group of which a member has no published inputs at all (not in
    that year's data, another division, a table that skips it) gets status
    ``onvolledig``: its value is a partial sum, kept for export but never the
    total. A member whose figure CBS suppressed still counts as present (that is
    what ``dekking`` reports). Inputs are not modified. ``members``:
    :func:`membership` of ``groups`` in ``values.index``, when many indicators
    are aggregated over the same groups.
    """
    order = list(groups)
    empty = pd.DataFrame(
        {"waarde": np.nan, "status": "ontbreekt", "note": "", "dekking": np.nan, "leden": 0,
         "leden_totaal": [len(groups[g]) for g in order]}, index=pd.Index(order, name=None)
    )
    if ind.aggregation == "none":
        return empty.assign(note="niet aggregeerbaar")
    if members is None:
        members = membership(groups, values.index)
    if members.empty:
        return empty

    result = _one_way(ind, values, status, members)
    positions = pd.RangeIndex(len(order))
    size = pd.Series([len(m) for m in groups.values()], index=positions)
    if complete:
        result = _mark_incomplete(result, size)
    if ind.fallback is not None and all(v in values.columns for v in ind.fallback.variables):
        need = result["status"].isin(["ontbreekt", "geheim", "onvolledig"])
        if need.any():
            fb = ind.fallback
            # The fallback as an indicator of its own: same metadata, other inputs.
            shadow = replace(ind, numerator=fb.variables, denominator=(), extra_inputs=(), compute=fb.compute,
                             fallback=None, denominator_value=None)
            alt = _one_way(shadow, values, status, members)
            if complete:
                alt = _mark_incomplete(alt, size)
            use = need & alt["status"].isin(["ok", "onbetrouwbaar"])
            alt.loc[use, "note"] = (fb.note + "; " + alt.loc[use, "note"]).str.rstrip("; ")
            result.loc[use] = alt.loc[use]
    result = result.reindex(positions).fillna({"status": "ontbreekt", "note": ""})
    # Members outside the data (another year's buurt codes) or without inputs: say how many counted.
    n = result["n"].fillna(0).astype(int)
    short = n.lt(size) & result["status"].isin(["ok", "onbetrouwbaar", "onvolledig"])
    result.loc[short, "note"] = _join(result.loc[short, "note"], n[short].astype(str) + " van "
                                      + size[short].astype(str) + " gebieden")
    result["leden"] = result["leden"].fillna(0).astype(int)
    result["leden_totaal"] = size.astype(int).to_numpy()
    result.index = pd.Index(order, name=None)
    return result.drop(columns="n")


def _mark_incomplete(res: pd.DataFrame, size: pd.Series) -> pd.DataFrame:
    """Status 'onvolledig' where not every member has the inputs published (a partial sum is not the total)."""
    out = res.copy()
    part = out["leden"].lt(size.reindex(out.index)) & out["status"].isin(["ok", "onbetrouwbaar"])
    out.loc[part, "status"] = "onvolledig"
    return out


def _one_way(ind: Indicator, values: pd.DataFrame, status: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Aggregate ``ind`` one way (its own inputs), with status, note and coverage per group."""
    inputs = ind.inputs
    check_columns(ind.id, values, inputs)
    variables = tuple(dict.fromkeys((*inputs, *weights_for(inputs))))
    # Weights and the coverage basis may legitimately be absent: reindex adds them as unknown.
    vals = values.reindex(columns=list(dict.fromkeys((*variables, COVERAGE_BASIS))))
    agg, known, proxy = _aggregate_variables(inputs, vals, status, members)
    groups_all = pd.Index(members["groep"].unique())
    agg = agg.reindex(groups_all)

    # Status of the aggregated row: a group with no contributing member is
    # 'geheim' when a member's input was secret, otherwise 'ontbreekt'.
    mstat = _member_status(status, members, inputs)
    any_secret = mstat.eq("geheim").any(axis=1).groupby(members["groep"]).any().reindex(groups_all, fill_value=False)
    n_known = known.groupby(members["groep"]).sum().reindex(groups_all, fill_value=0)
    # Present: published for this member (a suppressed figure is published as 'geheim'), for every input.
    present = mstat.ne("ontbreekt").all(axis=1).groupby(members["groep"]).sum().reindex(groups_all, fill_value=0)
    agg_status = pd.DataFrame("ok", index=agg.index, columns=agg.columns)
    agg_status = agg_status.where(agg.notna(), "ontbreekt")
    res = evaluate(ind, agg.reindex(columns=list(inputs)), agg_status.reindex(columns=list(inputs)))
    res.loc[n_known.eq(0), "status"] = np.where(any_secret[n_known.eq(0)], "geheim", "ontbreekt")

    # Coverage in residents; where residents are unknown everywhere, in members.
    basis = vals[COVERAGE_BASIS].reindex(members["lid"]).to_numpy()
    basis = pd.Series(basis, index=members.index)
    grp = members["groep"]
    tot = basis.groupby(grp).sum(min_count=1).reindex(groups_all)
    cov_res = basis.where(known).groupby(grp).sum(min_count=1).reindex(groups_all)
    cov_cnt = known.groupby(grp).mean().reindex(groups_all)
    by_residents = tot.gt(0)
    dekking = (cov_res.fillna(0) / tot.where(by_residents)).fillna(cov_cnt)
    res["n"] = n_known
    res["leden"] = present
    res["dekking"] = dekking.where(res["status"].ne("ontbreekt") & res["status"].ne("geheim"))

    partial = res["dekking"].lt(0.9995)
    # Floor, not round: 99.6% coverage must not read as "100%" next to a partial note.
    pct = np.floor(res["dekking"] * 100).astype("Int64").astype(str)
    basis_word = pd.Series(np.where(by_residents.reindex(res.index, fill_value=False), "van de inwoners",
                                    "van de gebieden"), index=res.index)
    label = "op basis van " + pct + "% " + basis_word
    res.loc[partial, "note"] = _join(res.loc[partial, "note"], label[partial])
    low = res["status"].eq("ok") & res["dekking"].lt(MIN_COVERAGE)
    res.loc[low, "status"] = "onbetrouwbaar"
    proxy = proxy.reindex(groups_all, fill_value=False) & res["status"].isin(["ok", "onbetrouwbaar"])
    res.loc[proxy, "note"] = _join(res.loc[proxy, "note"], pd.Series(
        "deels gewogen naar huishoudens (woningvoorraad niet gepubliceerd)", index=res.index)[proxy])
    return res


def _join(a: pd.Series, b: pd.Series) -> pd.Series:
    return (a.fillna("") + "; " + b.fillna("")).str.strip("; ")
