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

import weakref
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
    """(groep, lid, pos) rows for the members present in ``index``; ``groep`` is the group's position in
    ``groups``, ``pos`` the member's row position in ``index``.

    Positions instead of codes: the aggregation then gathers and sums with
    integer arrays instead of hashing strings for every indicator.
    """
    rows = pd.DataFrame([(i, m) for i, members in enumerate(groups.values()) for m in members],
                        columns=["groep", "lid"]).astype({"groep": "int64"})
    pos = index.get_indexer(rows["lid"]) if len(rows) else np.array([], dtype=np.int64)
    rows["pos"] = pos
    return rows[pos >= 0].reset_index(drop=True)


def group_sums(labels: np.ndarray, ngroups: int, columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per group and column: the sum of the non-NaN values and their number (``sums``, ``nobs``; ngroups × k).

    Bit for bit what pandas' ``groupby(...).sum()`` gives: pandas adds with Kahan
    compensation in row order, so a plain ``np.bincount`` differs in the last bit
    for non-integer data (and the last bit decides how 23.15 rounds). Columns of
    whole numbers with a sum below 2**53 are exact in any order and take
    ``np.bincount``; the others a Kahan loop vectorised over the groups (one
    step per member rank, so as many steps as the largest group has members).
    """
    k = len(columns)
    sums = np.zeros((ngroups, k))
    nobs = np.zeros((ngroups, k), dtype=np.int64)
    kahan: list[int] = []
    for j, x in enumerate(columns):
        ok = ~np.isnan(x)
        nobs[:, j] = np.bincount(labels, weights=ok, minlength=ngroups).astype(np.int64)
        xv = np.where(ok, x, 0.0)
        if np.all(np.trunc(xv) == xv) and np.abs(xv).sum() < 2.0**53:
            sums[:, j] = np.bincount(labels, weights=xv, minlength=ngroups)
        else:
            kahan.append(j)
    if kahan and len(labels):
        x = np.column_stack([columns[j] for j in kahan])
        s = np.zeros((ngroups, len(kahan)))
        c = np.zeros((ngroups, len(kahan)))
        order = np.argsort(labels, kind="stable")
        lab = labels[order]
        starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
        rank = np.arange(len(lab)) - np.repeat(starts, np.diff(np.r_[starts, len(lab)]))
        by_rank = np.lexsort((lab, rank))
        rows, ranks = order[by_rank], rank[by_rank]
        edges = np.r_[0, np.flatnonzero(ranks[1:] != ranks[:-1]) + 1, len(rows)]
        for a, b in zip(edges[:-1], edges[1:], strict=False):
            r = rows[a:b]
            g = labels[r]  # distinct within one rank: plain fancy assignment is safe
            v = x[r]
            ok = ~np.isnan(v)
            sg, cg = s[g], c[g]
            y = v - cg
            t = sg + y
            comp = t - sg - y
            comp[comp != comp] = 0.0
            s[g] = np.where(ok, t, sg)
            c[g] = np.where(ok, comp, cg)
        sums[:, kahan] = s
    return sums, nobs


def _sum_min1(labels: np.ndarray, ngroups: int, columns: Sequence[np.ndarray]) -> list[np.ndarray]:
    """``groupby(...).sum(min_count=1)`` of each column: NaN for a group without any value."""
    sums, nobs = group_sums(labels, ngroups, columns)
    out = np.where(nobs > 0, sums, np.nan)
    return [out[:, j] for j in range(len(columns))]


def _positions(members: pd.DataFrame, index: pd.Index) -> np.ndarray:
    """Row positions of the members in ``index`` (-1: absent)."""
    if "pos" in members.columns:
        return members["pos"].to_numpy()
    return index.get_indexer(members["lid"])


class _Gathered:
    """The member rows of a values and a status frame, column by column, as numpy arrays (cached per column).

    Shared by the indicators aggregated over the same frames and members (see :func:`_gathered`): each
    column is gathered and each status compared once per level instead of once per indicator.
    """

    def __init__(self, values: pd.DataFrame, status: pd.DataFrame, members: pd.DataFrame):
        self.values, self.status = values, status
        self.pos = _positions(members, values.index)
        if status.index is values.index or status.index.equals(values.index):
            self.spos = self.pos
        else:
            self.spos = status.index.get_indexer(members["lid"])
        # Groups in order of first appearance (membership lists them in the order of ``groups``).
        self.labels, groups_all = pd.factorize(members["groep"].to_numpy())
        self.groups_all = np.asarray(groups_all)
        self.size = np.bincount(self.labels, minlength=len(self.groups_all))
        self._v: dict[str, np.ndarray] = {}
        self._s: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray] | None] = {}

    def value(self, var: str) -> np.ndarray:
        """The members' values of ``var`` (NaN where the column or the row is absent)."""
        out = self._v.get(var)
        if out is None:
            out = np.full(len(self.pos), np.nan)
            if var in self.values.columns:
                col = self.values[var].to_numpy(dtype=float)
                hit = self.pos >= 0
                out[hit] = col[self.pos[hit]]
            self._v[var] = out
        return out

    def status_masks(self, inputs: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per member: all ``inputs`` 'ok'; any 'geheim'; all published (not 'ontbreekt', 'geheim' counts)."""
        n = len(self.pos)
        all_ok = np.ones(n, dtype=bool)
        secret = np.zeros(n, dtype=bool)
        present = np.ones(n, dtype=bool)
        for var in inputs:
            if var not in self._s:
                self._s[var] = self._status_of(var)
            got = self._s[var]
            if got is None:
                all_ok[:] = False
                present[:] = False
                continue
            all_ok &= got[0]
            secret |= got[1]
            present &= got[2]
        return all_ok, secret, present

    def _status_of(self, var: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Per member: ``var`` is 'ok', 'geheim', published; None when the status frame lacks the column."""
        if var not in self.status.columns:
            return None
        n = len(self.pos)
        hit = self.spos >= 0
        a = np.full(n, "ontbreekt", dtype=object)
        a[hit] = self.status[var].to_numpy()[self.spos[hit]]
        na = pd.isna(a)
        return ~na & (a == "ok"), ~na & (a == "geheim"), ~na & (a != "ontbreekt")


#: The last ``groups`` mapping aggregated over, with its keys and sizes (a level's indicators share one).
#: One tuple, replaced whole: a thread never sees one call's groups with another call's sizes.
_last_groups: tuple = (None, [], None)  # no numpy call at import: numpy is loaded lazily


def _sizes(groups: Mapping[str, Sequence[str]]) -> tuple[list[str], np.ndarray]:
    """The group codes in order and their number of members, shared while the same mapping comes back."""
    global _last_groups
    last = _last_groups
    if last[0] is groups and len(last[1]) == len(groups):
        return last[1], last[2]
    order = list(groups)
    size = np.fromiter((len(m) for m in groups.values()), dtype=np.int64, count=len(order))
    _last_groups = (groups, order, size)
    return order, size


#: The last frames aggregated and their gathered members: weak references, so a level's frames are not kept
#: alive by this cache once the caller drops them. One tuple, replaced whole (thread-safe reads).
_last_gathered: tuple | None = None


def _gathered(values: pd.DataFrame, status: pd.DataFrame, members: pd.DataFrame) -> _Gathered:
    """The :class:`_Gathered` of these frames, shared while the same three objects come back."""
    global _last_gathered
    last = _last_gathered
    if last is not None and last[0]() is values and last[1]() is status and last[2]() is members:
        return last[3]
    g = _Gathered(values, status, members)
    _last_gathered = (weakref.ref(values), weakref.ref(status), weakref.ref(members), g)
    return g


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
    order, size = _sizes(groups)

    def empty() -> pd.DataFrame:
        return pd.DataFrame({"waarde": np.nan, "status": "ontbreekt", "note": "", "dekking": np.nan, "leden": 0,
                             "leden_totaal": size}, index=pd.Index(order, name=None))

    if ind.aggregation == "none":
        return empty().assign(note="niet aggregeerbaar")
    if members is None:
        members = membership(groups, values.index)
    if members.empty:
        return empty()

    positions = np.arange(len(order))
    result = _one_way(ind, values, status, members)
    if complete:
        _mark_incomplete(result, size)
    if ind.fallback is not None and all(v in values.columns for v in ind.fallback.variables):
        need = np.isin(result["status"], ["ontbreekt", "geheim", "onvolledig"])
        if need.any():
            fb = ind.fallback
            # The fallback as an indicator of its own: same metadata, other inputs.
            shadow = replace(ind, numerator=fb.variables, denominator=(), extra_inputs=(), compute=fb.compute,
                             fallback=None, denominator_value=None)
            alt = _one_way(shadow, values, status, members)
            if complete:
                _mark_incomplete(alt, size)
            use = need & np.isin(alt["status"], ["ok", "onbetrouwbaar"])
            alt["note"][use] = [(fb.note + "; " + n).rstrip("; ") for n in alt["note"][use]]
            for col, arr in result.items():
                if col != "groep":
                    arr[use] = alt[col][use]
    # Groups without any member in the data: nothing known.
    out = {"waarde": np.full(len(order), np.nan), "status": np.full(len(order), "ontbreekt", dtype=object),
           "note": np.full(len(order), "", dtype=object), "n": np.zeros(len(order), dtype=np.int64),
           "leden": np.zeros(len(order), dtype=np.int64), "dekking": np.full(len(order), np.nan)}
    at = result["groep"]
    for col, arr in out.items():
        arr[at] = result[col]
    # Members outside the data (another year's buurt codes) or without inputs: say how many counted.
    n = out["n"]
    short = (n < size) & np.isin(out["status"], ["ok", "onbetrouwbaar", "onvolledig"])
    out["note"][short] = [_join1(a, f"{k} van {t} gebieden")
                          for a, k, t in zip(out["note"][short], n[short], size[short], strict=True)]
    del out["n"]
    index = pd.Index(order, name=None)
    # Object columns, as before (pandas 3 would infer its string dtype from plain arrays).
    frame = pd.DataFrame({k: pd.Series(v, index=index, dtype=object) if v.dtype == object else v
                          for k, v in out.items()}, index=index)
    frame["leden_totaal"] = size[positions]
    return frame


def _mark_incomplete(res: dict[str, np.ndarray], size: np.ndarray) -> None:
    """Status 'onvolledig' where not every member has the inputs published (a partial sum is not the total)."""
    part = (res["leden"] < size[res["groep"]]) & np.isin(res["status"], ["ok", "onbetrouwbaar"])
    res["status"][part] = "onvolledig"


def _one_way(ind: Indicator, values: pd.DataFrame, status: pd.DataFrame,
             members: pd.DataFrame) -> dict[str, np.ndarray]:
    """Aggregate ``ind`` one way (its own inputs), with status, note and coverage per group.

    Returns arrays over the groups with members (``groep``: their positions), plus
    ``waarde``, ``status``, ``note``, ``n`` (contributing members), ``leden``, ``dekking``.
    """
    inputs = ind.inputs
    check_columns(ind.id, values, inputs)
    m = _gathered(values, status, members)
    labels, groups_all = m.labels, m.groups_all
    ng = len(groups_all)
    all_ok, secret, present = m.status_masks(inputs)
    known = all_ok.copy()
    for var in inputs:
        known &= ~np.isnan(m.value(var))

    # Effective weight per mean variable: proper base where known, otherwise the proxy.
    weights: dict[str, np.ndarray] = {}
    proxy_used = np.zeros(len(labels), dtype=bool)
    for var in inputs:
        if kind(var) != "mean":
            continue
        w = np.full(len(labels), np.nan)
        for i, wvar in enumerate(WEIGHTS[var]):
            cand = m.value(wvar)
            fill = np.isnan(w) & ~np.isnan(cand)
            if i > 0:
                proxy_used |= fill
            w = np.where(fill, cand, w)
        weights[var] = w
        known &= ~np.isnan(w)
    proxy_used &= known

    # One pass over every column to sum: per input its (weighted) values, per mean input its weights, the
    # coverage basis over all members and over the contributing ones.
    cols: list[np.ndarray] = []
    for var in inputs:
        col = np.where(known, m.value(var), np.nan)
        if kind(var) == "mean":
            w = np.where(known, weights[var], np.nan)
            cols += [col * w, w]
        else:
            cols.append(col)
    basis = m.value(COVERAGE_BASIS)
    cols += [basis, np.where(known, basis, np.nan)]
    sums = _sum_min1(labels, ng, cols)
    agg: dict[str, np.ndarray] = {}
    j = 0
    for var in inputs:
        if kind(var) == "mean":
            num, den = sums[j], sums[j + 1]
            with np.errstate(divide="ignore", invalid="ignore"):
                agg[var] = num / np.where(den != 0, den, np.nan)
            j += 2
        else:
            agg[var] = sums[j]
            j += 1
    tot, cov_res = sums[j], sums[j + 1]
    agg_frame = pd.DataFrame(agg, index=pd.Index(groups_all), columns=list(inputs))

    # Status of the aggregated row: a group with no contributing member is
    # 'geheim' when a member's input was secret, otherwise 'ontbreekt'.
    size = m.size
    any_secret = np.bincount(labels, weights=secret, minlength=ng) > 0
    n_known = np.bincount(labels, weights=known, minlength=ng).astype(np.int64)
    # Present: published for this member (a suppressed figure is published as 'geheim'), for every input.
    n_present = np.bincount(labels, weights=present, minlength=ng).astype(np.int64)
    agg_status = pd.DataFrame(np.where(np.isnan(agg_frame.to_numpy(dtype=float)), "ontbreekt", "ok").astype(object),
                              index=agg_frame.index, columns=list(inputs))
    res = evaluate(ind, agg_frame, agg_status)
    waarde = res["waarde"].to_numpy(dtype=float).copy()
    st = res["status"].to_numpy(dtype=object).copy()
    note = res["note"].to_numpy(dtype=object).copy()
    none = n_known == 0
    st[none] = np.where(any_secret[none], "geheim", "ontbreekt")

    # Coverage in residents; where residents are unknown everywhere, in members.
    cov_cnt = n_known / size
    by_residents = tot > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        dekking = np.where(np.isnan(cov_res), 0.0, cov_res) / np.where(by_residents, tot, np.nan)
    dekking = np.where(np.isnan(dekking), cov_cnt, dekking)
    dekking = np.where((st != "ontbreekt") & (st != "geheim"), dekking, np.nan)

    partial = np.flatnonzero(dekking < 0.9995)
    # Floor, not round: 99.6% coverage must not read as "100%" next to a partial note.
    for i in partial:
        word = "van de inwoners" if by_residents[i] else "van de gebieden"
        note[i] = _join1(note[i], f"op basis van {int(np.floor(dekking[i] * 100))}% {word}")
    st[(st == "ok") & (dekking < MIN_COVERAGE)] = "onbetrouwbaar"
    proxy = (np.bincount(labels, weights=proxy_used, minlength=ng) > 0) & np.isin(st, ["ok", "onbetrouwbaar"])
    for i in np.flatnonzero(proxy):
        note[i] = _join1(note[i], "deels gewogen naar huishoudens (woningvoorraad niet gepubliceerd)")
    return {"groep": groups_all, "waarde": waarde, "status": st, "note": note, "n": n_known,
            "leden": n_present, "dekking": dekking}


def _join1(a: str, b: str) -> str:
    """Two notes as one ('a; b'), either may be empty."""
    return (a + "; " + b).strip("; ")
