"""The on-the-fly computation of every indicator, level and year from the observations.

:class:`Computation` evaluates all indicators of a level over all years in one
pass (rows keyed 'code|year') and derives benchmarks, ranks, comparable areas,
source tables and series breaks from that. It is what :mod:`indicators.cube`
runs once per load to fill the indicator cube, and what the equivalence test
compares the cube with; the app and the export read the cube
(:class:`indicators.service.IndicatorService`). Its per-call methods
(``values``, ``benchmarks``, ``trend`` …) are the reference semantics.

Caches live on the instance: build a new one for new data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dorpenmonitor.breaks import FIXED_DIVISION_TABLES, GEMEENTE_CHANGES, PERIOD_CHANGES, SOURCE_CHANGES
from dorpenmonitor.codes import DRENTHE_CODE, MONITOR_CODE, gemeente_of, level_of_code
from dorpenmonitor.settings import DRENTHE, GEMEENTEN, get_settings
from dorpenmonitor.store import Store
from geodata.crosswalk import build_crosswalks
from indicators import series as sr
from indicators import villages as vl
from indicators.aggregate import aggregate, membership, weights_for
from indicators.registry import REGISTRY, Indicator, evaluate, get
from indicators.results import (
    BENCHMARK_SERIES_COLUMNS,
    COMPUTE_COLUMNS,
    MISSING,
    STEDELIJKHEID_LABELS,
    TREND_COLUMNS,
    VALUE_COLUMNS,
    Benchmark,
    Comparable,
    Reference,
    check_gemeente,
    check_niveau,
)
from indicators.series import GEPUBLICEERD, IDENTIEK, OMGEREKEND

SEP = "|"  # joins code and year into one row key, so a whole level is computed in one pass
USABLE = ("ok", "onbetrouwbaar")
ONVOLLEDIG = "onvolledig"
#: Reasons a value is not comparable with the area's previous usable value (``breuk_reden``).
REASON_HERINDELING = "gemeentelijke herindeling {jaar}"
REASON_CBS = "indelingswijziging volgens CBS"
REASON_SOURCE = "bronwissel {variable} {jaar}"
REASON_WAY = "andere berekening"
REASON_BUURT = "buurtindeling gewijzigd"
REASON_PERIOD = "andere periode: {periode}"
#: Levels with a series on the current buurt division (buurten converted by the crosswalk, villages from them).
CONVERTIBLE = ("buurt", "dorp")

F = TypeVar("F", bound=Callable[..., Any])


def memoized(fn: F) -> F:
    """Cache a method's result on the instance, per positional arguments (hashable).

    The cache lives and dies with the instance, so a reload (a new instance)
    never sees old results. Two threads may compute the same entry once each;
    the results are equal, and the last one is kept.
    """
    name = fn.__name__

    @wraps(fn)
    def wrapper(self, *args):
        key = (name, args)
        try:
            return self._memo[key]
        except KeyError:
            pass
        value = fn(self, *args)
        self._memo[key] = value
        return value

    return wrapper  # type: ignore[return-value]


def status_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A status frame (object dtype) with every gap filled as 'ontbreekt'.

    ``reindex`` leaves all-NaN float columns for variables a year lacks;
    filling those with a string would upcast them (a pandas FutureWarning),
    so cast to object first.
    """
    return frame.astype(object).where(frame.notna(), MISSING)


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _split(index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """'code|year' keys → (codes, years)."""
    parts = [k.rpartition(SEP) for k in index.to_numpy(dtype=object)]  # plain objects: no boxing per key
    return (np.array([p[0] for p in parts], dtype=object),
            np.array([int(p[2]) for p in parts], dtype=np.int64))


def map_codes(codes: pd.Series, mapping: dict) -> pd.Series:
    """``codes.map(mapping)``, looked up once per distinct code (a level repeats each code per indicator)."""
    ids, uniq = pd.factorize(codes.to_numpy(), use_na_sentinel=True)
    looked = pd.Series(uniq, dtype=object).map(mapping).to_numpy()
    if (ids < 0).any():
        looked = np.append(looked.astype(float) if looked.dtype.kind in "iu" else looked, np.nan)
    return pd.Series(looked[ids], index=codes.index)


def _full_columns(values: pd.DataFrame, status: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add every variable any indicator reads, unknown where the year lacks it (a gap, not an error)."""
    need: list[str] = []
    for ind in REGISTRY.values():
        need += [*ind.inputs, *weights_for(ind.inputs)]
        if ind.fallback:
            need += [*ind.fallback.variables, *weights_for(ind.fallback.variables)]
    cols = list(dict.fromkeys([*values.columns, *need, "inwoners", "stedelijkheid"]))
    return values.reindex(columns=cols), status_frame(status.reindex(columns=cols))


def _rank(frame: pd.DataFrame, niveau: str) -> pd.Series:
    """Rank among 'ok' values, 1 = highest; within the gemeente (for gemeenten among all 13), per year.

    As ``groupby(...).rank(ascending=False, method="min")``, on sorted arrays: the rank of a value is
    one more than the number of larger values of its group (ties share the lowest rank).
    """
    n = len(frame)
    w = frame["waarde"].to_numpy(dtype=float)
    take = (frame["status"].to_numpy() == "ok") & ~np.isnan(w)
    if niveau == "gemeente":
        gm_ids = np.zeros(n, dtype=np.int64)
    else:
        gm_ids = pd.factorize(frame["gemeente_code"].to_numpy(), use_na_sentinel=True)[0]
        take &= gm_ids >= 0  # no gemeente: no rank (groupby drops a missing key)
    out = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(take)
    if len(rows):
        yr_ids = pd.factorize(frame["jaar"].to_numpy())[0]
        key = gm_ids[rows] * (yr_ids.max() + 1) + yr_ids[rows]
        v = w[rows]
        order = np.lexsort((-v, key))
        k, vs = key[order], v[order]
        pos = np.arange(len(order))
        new_group = np.r_[True, k[1:] != k[:-1]]
        new_value = new_group | np.r_[True, vs[1:] != vs[:-1]]
        group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
        value_start = np.maximum.accumulate(np.where(new_value, pos, 0))
        out[rows[order]] = value_start - group_start + 1
    return pd.Series(pd.arrays.IntegerArray(np.where(out > 0, out, 0), out <= 0), index=frame.index)  # Int64, NA: none


def _way_fallback(ind: Indicator, notes: pd.Series) -> np.ndarray:
    """True where a row's value came from the indicator's fallback (its note says so)."""
    if ind.fallback is None:
        return np.zeros(len(notes), dtype=bool)
    return notes.fillna("").astype(str).str.contains(ind.fallback.note, regex=False).to_numpy()


def _prev_usable(arr: np.ndarray, usable: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per row (sorted by code, jaar): ``arr`` of the same code's previous usable row (NaN: none).

    ``start``: per row, the position of its code's first row. The previous usable row is the
    running maximum of the usable positions, up to the row before, if it lies in the same code.
    """
    n = len(arr)
    have = usable & ~np.isnan(arr)
    last = np.maximum.accumulate(np.where(have, np.arange(n), -1)) if n else np.zeros(0, dtype=np.int64)
    before = np.r_[-1, last[:-1]] if n else last
    prev = np.where(before >= start, before, -1)
    return np.where(prev >= 0, arr[np.maximum(prev, 0)], np.nan)


def series_breaks(t: pd.DataFrame, niveau: str, changes: dict[str, tuple[int, ...]],
                  fixed: np.ndarray | None = None,
                  redivided: dict[str, tuple[int, ...]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per row of a long table (indicator, code, jaar, status, note): breuk and its reasons.

    A value breaks from the area's previous usable value ('ok'/'onbetrouwbaar')
    of the same indicator when, between the two years, (1) the area's gemeente
    was re-divided (:data:`dorpenmonitor.breaks.GEMEENTE_CHANGES`: Drenthe 1998,
    Hardenberg 2001) unless both values come from a table published on one fixed
    division (``fixed``, per row), (2) CBS marks a division change
    (indelingswijziging 2/3, ``changes`` per code), (3) a variable the value
    reads switches source (:data:`~dorpenmonitor.breaks.SOURCE_CHANGES` at this
    level; villages read buurten), or (4) one is computed by the indicator's
    fallback and the other not (another measure), or (5) the area's buurten
    lie on another division (``redivided`` per code: years whose buurt
    division differs from the year before, from the crosswalk; published
    series only), or (6) the value covers another period than a calendar year, or follows one
    (:data:`~dorpenmonitor.breaks.PERIOD_CHANGES`: police 2025). Returns (breuk, reasons
    joined by '; '), aligned with ``t``'s rows.
    """
    n = len(t)
    brk = np.zeros(n, dtype=bool)
    why = np.full(n, "", dtype=object)
    if n == 0:
        return brk, why
    src_level = "buurt" if niveau == "dorp" else niveau
    codes_all = t["code"].astype(str).to_numpy()
    jaar_all = t["jaar"].to_numpy()
    st_all = t["status"].to_numpy()
    usable_all = (st_all == USABLE[0]) | (st_all == USABLE[1])
    notes_all = t["note"]
    fixed_all = np.zeros(n, dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)

    # Codes and their gemeenten as numbers, once: sorting and comparing per indicator then works on integers,
    # not strings. Sorted ids keep the order of the codes themselves.
    code_ids, code_names = pd.factorize(codes_all, sort=True)
    code_pos = {c: i for i, c in enumerate(code_names)}
    gm_of_code, gm_names = pd.factorize(np.array(["GM" + c[2:6] for c in code_names], dtype=object))
    gm_id_all = gm_of_code[code_ids]
    gm_pos = {g: i for i, g in enumerate(gm_names)}

    def marks(per_code: dict[str, tuple[int, ...]]) -> list[tuple[int, np.ndarray]]:
        # Per change year, which rows belong to a code that changed that year (all indicators at once; a
        # lookup table per code instead of np.isin on strings).
        by_year: dict[int, list[int]] = {}
        for c, ys in per_code.items():
            if c in code_pos:
                for y in ys:
                    by_year.setdefault(y, []).append(code_pos[c])
        out = []
        for y0, ids in sorted(by_year.items()):
            lut = np.zeros(len(code_names), dtype=bool)
            lut[ids] = True
            out.append((y0, lut[code_ids]))
        return out

    chg = marks(changes)
    red = marks(redivided or {})
    for ind_id, idx in t.groupby("indicator", sort=False).indices.items():
        ind = REGISTRY[ind_id]
        order = np.lexsort((jaar_all[idx], code_ids[idx]))
        rows = idx[order]
        code = code_ids[rows]
        first = np.r_[True, code[1:] != code[:-1]]
        start = np.maximum.accumulate(np.where(first, np.arange(len(rows)), 0))
        jaar = jaar_all[rows].astype(float)
        usable = usable_all[rows]
        fb = (_way_fallback(ind, notes_all.iloc[rows].reset_index(drop=True)) if ind.fallback is not None
              else np.zeros(len(rows), dtype=bool))
        fx = fixed_all[rows]

        prev = _prev_usable(jaar, usable, start)
        prev_fb = _prev_usable(fb.astype(float), usable, start)
        prev_fx = _prev_usable(fx.astype(float), usable, start)
        has_prev = ~np.isnan(prev)
        reasons: list[tuple[np.ndarray, str | np.ndarray]] = []
        gm = gm_id_all[rows]
        for c in GEMEENTE_CHANGES:
            in_gm = gm == gm_pos.get(c.code, -1)
            hit = has_prev & in_gm & (prev < c.jaar) & (c.jaar <= jaar) & ~(fx & (prev_fx == 1))
            reasons.append((hit, REASON_HERINDELING.format(jaar=c.jaar)))
        for marked, word in ((chg, REASON_CBS), (red, REASON_BUURT)):
            if marked:
                hit = np.zeros(len(rows), dtype=bool)
                for y0, in_code in marked:
                    hit |= has_prev & in_code[rows] & (prev < y0) & (y0 <= jaar)
                reasons.append((hit, word))
        for sc in SOURCE_CHANGES:
            if sc.niveau != src_level:
                continue
            main = sc.variable in ind.inputs
            alt = ind.fallback is not None and sc.variable in ind.fallback.variables
            if not (main or alt):
                continue
            reads = np.where(fb, alt, main)
            hit = has_prev & reads & (prev < sc.jaar) & (sc.jaar <= jaar)
            reasons.append((hit, REASON_SOURCE.format(variable=sc.variable, jaar=sc.jaar)))
        for pc in PERIOD_CHANGES:
            if pc.variable in ind.inputs:
                # Neither the partial period nor the first value after it compares with the one before.
                hit = has_prev & ((jaar == pc.jaar) | (prev == pc.jaar))
                reasons.append((hit, REASON_PERIOD.format(periode=pc.periode)))
        if ind.fallback is not None:
            reasons.append((has_prev & (fb.astype(float) != prev_fb), REASON_WAY))
        any_hit = np.zeros(len(rows), dtype=bool)
        text = np.full(len(rows), "", dtype=object)
        for hit, word in reasons:
            if not hit.any():
                continue
            any_hit |= hit
            text[hit] = np.where(text[hit] == "", word, text[hit] + "; " + word)
        brk[rows] = any_hit
        why[rows] = text
    return brk, why


def _fixed_rows(t: pd.DataFrame, bron: pd.DataFrame) -> np.ndarray:
    """Per gemeente row: all the value's tables are published on one fixed division (FIXED_DIVISION_TABLES)."""
    out = np.zeros(len(t), dtype=bool)
    if bron.empty:
        return out
    fixed = {k.lower() for k in FIXED_DIVISION_TABLES}
    keys = t["code"].astype(str) + SEP + t["jaar"].astype(str)
    for ind_id, idx in t.groupby("indicator", sort=False).indices.items():
        ind = REGISTRY[ind_id]
        fb = _way_fallback(ind, t["note"].iloc[idx].reset_index(drop=True))
        for use_fb, way in ((False, ind.inputs), (True, ind.fallback.variables if ind.fallback else ())):
            cols = [v for v in way if v in bron.columns]
            m = fb == use_fb
            if not cols or not m.any():
                continue
            sub = bron[cols]
            low = sub.apply(lambda col: col.str.lower() if col.dtype == object else col)
            ok = (low.isin(fixed) | sub.isna()).all(axis=1) & sub.notna().any(axis=1)
            out[idx[m]] = ok.reindex(keys.iloc[idx[m]].to_numpy()).fillna(False).to_numpy(dtype=bool)
    return out


def _wide(obs: pd.DataFrame, source_tables: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Long observations → wide (values, status, source table) frames with rows 'code|year', columns sorted.

    What ``obs.pivot`` on a 'code|year' key column gives, without building that key for every observation
    (at national scale tens of millions of strings, the largest allocation of a load): rows and columns
    are numbered once and the three frames filled by position.
    """
    codes, code_names = pd.factorize(obs["region_code"].to_numpy())
    periods = obs["period"].to_numpy(dtype=np.int64)
    pair = codes.astype(np.int64) * (int(periods.max()) + 1) + periods
    row_of_pair, pairs = pd.factorize(pair)
    keys = np.array([f"{code_names[p // (int(periods.max()) + 1)]}{SEP}{p % (int(periods.max()) + 1)}"
                     for p in pairs], dtype=object)
    order = np.argsort(keys, kind="stable")  # pivot sorts its index and columns
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    rows = rank[row_of_pair]
    var_ids, var_names = pd.factorize(obs["variable"].to_numpy(), sort=True)
    if len(np.unique(rows * len(var_names) + var_ids)) != len(obs):
        raise ValueError("Index contains duplicate entries, cannot reshape")
    index = pd.Index(keys[order], dtype="str")
    columns = pd.Index(var_names, dtype="str")
    shape = (len(index), len(columns))
    ok = obs["status"].eq("ok").to_numpy()
    val = np.full(shape, np.nan)
    val[rows, var_ids] = np.where(ok, obs["value"].to_numpy(dtype=float), np.nan)
    st = np.full(shape, np.nan, dtype=object)
    st[rows, var_ids] = obs["status"].to_numpy(dtype=object)
    src = obs["source_id"]
    bron = src.map(source_tables).fillna(src).to_numpy(dtype=object)
    br = np.full(shape, np.nan, dtype=object)
    br[rows, var_ids] = bron
    values = pd.DataFrame(val, index=index, columns=columns)
    status = status_frame(pd.DataFrame(st, index=index, columns=columns))
    bron_frame = pd.DataFrame({c: pd.Series(br[:, j], index=index, dtype="str") for j, c in enumerate(columns)},
                              index=index, columns=columns)
    return values, status, bron_frame


_TABLE_COLUMNS = ["code", "naam", "gemeente_code", "indicator", "waarde", "status", "note", "dekking",
                  "rank_in_gemeente"]


class Computation:
    """Indicator values, trends and benchmarks computed from one database's observations; caches on the instance.

    ``villages_config``: the TOML file that overrides the default villages
    (default: the setting ``dorpen_config``, config/dorpen.toml).
    """

    def __init__(self, store: Store, villages_config: str | Path | None = None):
        self.store = store
        self.villages_config = Path(villages_config or get_settings().dorpen_config)
        self._memo: dict[tuple, Any] = {}

    # -- cached building blocks ---------------------------------------------------

    @memoized
    def _regions(self) -> pd.DataFrame:
        return self.store.regions().set_index("code")

    @memoized
    def _source_tables(self) -> dict[str, str]:
        src = self.store.sources()
        return dict(zip(src["id"], src["table_id"], strict=True))

    @memoized
    def _inputs_all(self, niveau: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Wide (values, status, source table) frames for one CBS level, all years; rows keyed 'code|year'."""
        obs = self.store.observations(level=niveau)
        if obs.empty:
            e = pd.DataFrame(index=pd.Index([], dtype=str))
            return e, e, e
        return _wide(obs, self._source_tables())

    @memoized
    def _full_inputs(self, niveau: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """:meth:`_inputs_all` values and statuses with every variable an indicator reads (:func:`_full_columns`).

        Shared by a level's table, its comparable areas and the benchmarks (callers only read them); the cube
        drops it once the last level on it is done.
        """
        values, status, _ = self._inputs_all(niveau)
        return _full_columns(values, status)

    @memoized
    def _level_keys(self, niveau: str) -> tuple[np.ndarray, np.ndarray]:
        """Codes and years of the rows of :meth:`_inputs_all` (the three frames share one index)."""
        return _split(self._inputs_all(niveau)[0].index)

    @memoized
    def _level_years(self, niveau: str) -> tuple[int, ...]:
        return tuple(sorted(set(self._level_keys(niveau)[1].tolist())))

    @memoized
    def inputs(self, niveau: str, jaar: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Wide (values, status, source table) frames for one CBS level and year; rows = areas with data."""
        out = []
        for f in self._inputs_all(niveau):
            if f.empty:
                out.append(f)
                continue
            codes, yrs = self._level_keys(niveau)
            sub = f[yrs == int(jaar)].dropna(axis=1, how="all")
            sub.index = pd.Index(codes[yrs == int(jaar)])
            out.append(sub)
        return out[0], status_frame(out[1].reindex(columns=out[0].columns)), out[2]

    @memoized
    def level_frames(self, niveau: str, jaar: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Wide values and statuses of the base level (buurten for villages) in ``jaar``, all variables.

        Memoized like :meth:`inputs` (callers only read them): a comparable-areas figure per area and indicator
        rebuilt the whole level's status frame each time (26 ms, most of a benchmark card off the cube).
        """
        base = "buurt" if niveau == "dorp" else niveau
        values, status, _ = self.inputs(base, jaar)
        return _full_columns(values, status)

    @memoized
    def _current_codes(self, niveau: str) -> tuple[str, ...]:
        """Codes of the current division: areas with data in the latest year of the level."""
        periods = self.store.periods(level=niveau)
        if not periods:
            return ()
        values, _, _ = self.inputs(niveau, max(periods))
        return tuple(sorted(values.index))

    @memoized
    def _villages(self) -> tuple[vl.Village, ...]:
        """Default villages for the current buurten, overridden by the TOML file."""
        regs = self._regions().reset_index()
        cur = set(self._current_codes("buurt"))
        buurten = regs[(regs["level"] == "buurt") & regs["code"].isin(cur)]
        wijken = regs[regs["level"] == "wijk"]
        wp_path = get_settings().snapshot_dir / vl.WOONPLAATSEN_FILE
        woonplaatsen = vl.read_woonplaatsen(wp_path) if wp_path.exists() else pd.DataFrame(
            columns=["naam", "gemeente_code"])
        years = self.store.periods("inwoners", "buurt")
        inwoners = (self.inputs("buurt", max(years))[0].get("inwoners", pd.Series(dtype=float)).to_dict()
                    if years else {})
        defaults = vl.default_villages(buurten, wijken, woonplaatsen, inwoners)
        known = dict(zip(buurten["code"], buurten["gemeente_code"], strict=True))
        config = vl.read_config(self.villages_config) if self.villages_config.exists() else {}
        # A database with only some gemeenten (a partial refresh) skips the villages of the others, instead of
        # failing the whole load on their buurt codes.
        loaded = set(known.values())
        if config.get("dorp") and loaded:
            config = {**config, "dorp": [d for d in config["dorp"] if not isinstance(d, dict)
                                         or str(d.get("gemeente", "")).upper() in loaded]}
        return tuple(vl.apply_config(defaults, config, known))

    def villages(self) -> list[vl.Village]:
        """The villages in use: CBS-name defaults overridden by the villages config."""
        return list(self._villages())

    def _names(self, codes: pd.Index, niveau: str) -> tuple[pd.Series, pd.Series]:
        if niveau == "dorp":
            vs = {v.code: v for v in self.villages()}
            return (pd.Series([vs[c].naam for c in codes], index=codes, dtype=object),
                    pd.Series([vs[c].gemeente_code for c in codes], index=codes, dtype=object))
        regs = self._regions()
        return (regs["name"].reindex(codes).fillna(pd.Series(codes, index=codes)).astype(object),
                regs["gemeente_code"].reindex(codes).astype(object))

    @memoized
    def _table_all(self, niveau: str) -> pd.DataFrame:
        """Every indicator for every year of one level, in one pass over 'code|year' rows."""
        base = "buurt" if niveau == "dorp" else niveau
        values, status = self._full_inputs(base)
        if niveau == "dorp":
            vgroups = vl.groups(self.villages())
            groups = {f"{v}{SEP}{y}": [f"{b}{SEP}{y}" for b in members]
                      for y in self._level_years("buurt") for v, members in vgroups.items()}
            index = pd.Index(list(groups))
        else:
            groups, index = None, values.index
        if len(index) == 0:
            return pd.DataFrame(columns=[*_TABLE_COLUMNS, "jaar"])
        members = membership(groups, values.index) if groups is not None else None
        parts = []
        for _ind, res in self._per_indicator(niveau, values, status, index, groups, members):
            res["rank_in_gemeente"] = _rank(res, niveau)
            parts.append(res.reset_index(drop=True))
        return pd.concat(parts, ignore_index=True)

    def _per_indicator(self, niveau: str, values: pd.DataFrame, status: pd.DataFrame, index: pd.Index,
                       groups: dict | None, members: object) -> Iterator[tuple[Indicator, pd.DataFrame]]:
        """Each indicator on the 'code|year' rows of ``index``, with code, naam, gemeente_code and jaar.

        Villages are aggregated from their buurten; a year in which a member is missing is 'onvolledig', not a total.
        """
        codes, yrs = _split(index)
        naam, gm = self._names(pd.Index(codes), niveau)
        naam_np, gm_np = naam.to_numpy(), gm.to_numpy()
        for ind in REGISTRY.values():
            if niveau == "dorp":
                res = aggregate(ind, values, status, groups, members, complete=True)
            else:
                res = evaluate(ind, values, status)
                res["dekking"] = np.nan
            if not res.index.equals(index):
                res = res.reindex(index)
            # One frame from the columns (an insert per column copied the frame each time); same dtypes.
            cols: dict[str, object] = {"code": codes, "naam": naam_np, "gemeente_code": gm_np, "indicator": ind.id}
            cols.update({c: res[c] for c in res.columns})
            cols["jaar"] = yrs
            yield ind, pd.DataFrame(cols, index=index)

    @memoized
    def _table(self, niveau: str, jaar: int) -> pd.DataFrame:
        """Every indicator for one (niveau, jaar): long frame, unrounded, with ranks."""
        t = self._table_all(niveau)
        return t[t["jaar"].to_numpy() == int(jaar)].drop(columns="jaar").reset_index(drop=True)

    @memoized
    def _by_indicator(self, niveau: str, jaar: int) -> dict[str, pd.DataFrame]:
        """The :meth:`values` frames of one (niveau, jaar), per indicator, ready to filter."""
        t = self._table(niveau, jaar)
        out = {}
        for ind_id, f in t.groupby("indicator", sort=False):
            ind = REGISTRY[ind_id]
            f = f[VALUE_COLUMNS[:3] + ["waarde", "status", "rank_in_gemeente", "note", "dekking"]]
            out[ind_id] = f.assign(waarde=f["waarde"].round(ind.decimals)).reset_index(drop=True)
        return out

    # -- public API -----------------------------------------------------------------

    def compute(self, niveau: str, jaar: int, indicator_ids: list[str] | None = None,
                gemeente: str | None = None) -> pd.DataFrame:
        """Tidy indicator values for every area of ``niveau`` in ``jaar``.

        Columns: code, naam, niveau, jaar, indicator, waarde (rounded to the
        indicator's decimals), eenheid, status ('ok', 'geheim', 'ontbreekt',
        'onbetrouwbaar'), note, dekking (0–1, aggregates only), gemeente_code,
        rank_in_gemeente (1 = highest).
        """
        check_niveau(niveau)
        check_gemeente(gemeente)
        ids = list(indicator_ids) if indicator_ids else list(REGISTRY)
        inds = [get(i) for i in ids]
        per = self._by_indicator(niveau, int(jaar))
        parts = []
        for ind in inds:
            f = per.get(ind.id)
            if f is None:
                continue
            if gemeente:
                f = f[f["gemeente_code"] == gemeente]
            parts.append(f.assign(niveau=niveau, jaar=int(jaar), indicator=ind.id, eenheid=ind.unit,
                                  dekking=f["dekking"].round(3)))
        if not parts:
            return pd.DataFrame(columns=COMPUTE_COLUMNS)
        return pd.concat(parts, ignore_index=True)[COMPUTE_COLUMNS]

    def values(self, indicator_id: str, niveau: str, jaar: int, gemeente: str | None = None) -> pd.DataFrame:
        """One indicator for every area (map colouring).

        Columns: code, naam, gemeente_code, waarde, status, rank_in_gemeente
        (1 = highest within the gemeente; for gemeenten among all 13), note, dekking.
        """
        get(indicator_id)
        check_niveau(niveau)
        f = self._by_indicator(niveau, int(jaar)).get(indicator_id)
        if f is None:
            return pd.DataFrame(columns=VALUE_COLUMNS)
        if gemeente:
            f = f[f["gemeente_code"].to_numpy() == gemeente]
        return f.copy()

    def _years(self, indicator_id: str, niveau: str) -> tuple[int, ...]:
        get(indicator_id)
        return self._years_all(niveau).get(indicator_id, ())

    @memoized
    def _years_all(self, niveau: str) -> dict[str, tuple[int, ...]]:
        """Per indicator the years with an 'ok' or 'onbetrouwbaar' value at ``niveau`` (one pass, not one per
        indicator over the whole level)."""
        t = self._table_all(niveau)
        use = t["status"].isin(["ok", "onbetrouwbaar"]).to_numpy()
        pairs = pd.DataFrame({"i": t["indicator"].to_numpy()[use], "j": t["jaar"].to_numpy()[use]}).drop_duplicates()
        return {i: tuple(sorted(int(y) for y in g)) for i, g in pairs.groupby("i", sort=False)["j"]}

    def years(self, indicator_id: str, niveau: str) -> list[int]:
        """Years in which at least one area of ``niveau`` has a value for the indicator."""
        check_niveau(niveau)
        return list(self._years(indicator_id, niveau))

    @memoized
    def _breaks(self) -> dict[str, tuple[int, ...]]:
        """Per area, the years whose division changed (indelingswijziging 2 = code, 3 = boundary)."""
        obs = self.store.observations(["indelingswijziging"])
        obs = obs[obs["status"].eq("ok") & obs["value"].isin([2, 3])]
        return {c: tuple(sorted(g["period"].astype(int))) for c, g in obs.groupby("region_code")}

    def _members(self, code: str) -> list[str]:
        if code.startswith("DP"):
            for v in self.villages():
                if v.code == code:
                    return list(v.buurten)
            raise ValueError(f"Onbekend dorp '{code}'")
        return [code]

    @memoized
    def _breuk_all(self, niveau: str) -> tuple[np.ndarray, np.ndarray]:
        """Breuk flag and reasons per row of :meth:`_table_all` (published series; see :func:`series_breaks`)."""
        t = self._table_all(niveau)
        fixed = _fixed_rows(t, self._inputs_all("gemeente")[2]) if niveau == "gemeente" else None
        redivided = self._redivided(niveau) if niveau in CONVERTIBLE else None
        return series_breaks(t, niveau, self._changes(niveau), fixed, redivided)

    def _changes(self, niveau: str) -> dict[str, tuple[int, ...]]:
        """CBS indelingswijziging years per area code (a village: any of its buurten)."""
        br = self._breaks()
        if niveau == "dorp":
            return {v.code: tuple(sorted({y for b in v.buurten for y in br.get(b, ())})) for v in self.villages()}
        return br

    # -- one geography over time: buurten (and villages) on the current division --------

    @memoized
    def _crosswalk(self) -> tuple[pd.DataFrame, dict[int, str], str]:
        """(crosswalk of every older buurt division onto the current one, year → vintage, current vintage).

        Built from the boundaries in the store (:func:`geodata.crosswalk.build_crosswalks`,
        weighted by land area); a year is placed on the vintage whose codes cover its buurten best.
        """
        empty = pd.DataFrame(columns=["jaar", "code_oud", "code", "aandeel", "dekking_nieuw", "soort", "methode",
                                      "vintage"])
        bnd = self.store.boundaries(level="buurt", web=False)
        if bnd.empty or self._inputs_all("buurt")[0].empty:
            return empty, {}, ""
        vint = {v: set(g["region_code"]) for v, g in bnd.groupby("vintage")}
        current = sr.current_vintage(set(self._current_codes("buurt")), vint)
        codes, yrs = self._level_keys("buurt")
        by_year = pd.Series(codes).groupby(yrs).agg(set)
        year_vintage = {int(y): sr.vintage_for(c, vint, current, int(y)) for y, c in by_year.items()}
        old = sorted({v for v in year_vintage.values() if v != current})
        if not old:
            return empty, year_vintage, current

        def gdf(v: str) -> gpd.GeoDataFrame:
            g = bnd[bnd["vintage"] == v]
            return gpd.GeoDataFrame({"code": g["region_code"].to_numpy()},
                                    geometry=shapely.from_geojson(g["geometry"].to_numpy()), crs=4326)

        # Keyed by the vintage's position, then labelled with the vintage name.
        cw = build_crosswalks({i: gdf(v) for i, v in enumerate(old)}, gdf(current))
        cw = cw.assign(vintage=cw["jaar"].map(dict(enumerate(old))))
        return cw, year_vintage, current

    def converted_years(self) -> tuple[int, ...]:
        """Buurt years published on an older division (converted to the current one in the converted view)."""
        _, year_vintage, current = self._crosswalk()
        return tuple(sorted(y for y, v in year_vintage.items() if v != current))

    def conversion_summary(self) -> dict:
        """How buurten of older divisions relate to the current one.

        {'huidige_indeling': vintage, 'methode': …, 'per_jaar': {year: {soort: number of current buurten}}}.
        """
        cw, year_vintage, current = self._crosswalk()
        out: dict = {"huidige_indeling": current, "per_jaar": {}, "methode": ""}
        for y in self.converted_years():
            sub = cw[cw["vintage"] == year_vintage[y]].drop_duplicates("code")
            out["per_jaar"][y] = {str(k): int(n) for k, n in sub["soort"].value_counts().items()}
            out["methode"] = str(sub["methode"].iloc[0]) if len(sub) else ""
        return out

    @memoized
    def _redivided(self, niveau: str) -> dict[str, tuple[int, ...]]:
        """Per current buurt (or village), the years from which its published figures lie on another ground.

        A buurt that is not 'identiek' to its own code in an older division (split,
        merged, reshaped or renumbered) changes ground wherever the loaded years switch
        between that division and the current one.
        """
        cw, year_vintage, current = self._crosswalk()
        if not len(cw):
            return {}
        years = sorted(year_vintage)
        switch = [y for p, y in zip(years, years[1:], strict=False) if year_vintage[p] != year_vintage[y]]
        out: dict[str, set[int]] = {}
        for v, g in cw.groupby("vintage"):
            same = g[(g["soort"] == IDENTIEK) & (g["code_oud"] == g["code"])]["code"]
            moved = set(g["code"]) - set(same)
            yrs = {y for y in switch if v in (year_vintage[y], year_vintage[years[years.index(y) - 1]])}
            for c in moved:
                out.setdefault(c, set()).update(yrs)
        if niveau == "dorp":
            return {v.code: tuple(sorted({y for b in v.buurten for y in out.get(b, ())})) for v in self.villages()
                    if any(b in out for b in v.buurten)}
        return {c: tuple(sorted(ys)) for c, ys in out.items()}

    @memoized
    def _converted_inputs(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
        """Buurt inputs of the converted years on the current division: values, status, omrekening per 'code|year'."""
        values, status, _ = self._inputs_all("buurt")
        cw, year_vintage, _ = self._crosswalk()
        parts_v, parts_s, parts_o = [], [], []
        codes, yrs = self._level_keys("buurt")
        for y in self.converted_years():
            m = yrs == y
            sub_v = values[m].set_axis(pd.Index(codes[m]))
            sub_s = status[m].set_axis(pd.Index(codes[m]))
            cv, cs, co = sr.convert_year(sub_v, sub_s, cw[cw["vintage"] == year_vintage[y]])
            key = cv.index + SEP + str(y)
            parts_v.append(cv.set_axis(key))
            parts_s.append(cs.set_axis(key))
            parts_o.append(co.set_axis(key))
        if not parts_v:
            e = pd.DataFrame(index=pd.Index([], dtype=object))
            return e, e, pd.Series(dtype=object)
        out_v = pd.concat(parts_v).astype("float64")
        out_s = status_frame(pd.concat(parts_s).reindex(columns=out_v.columns))
        return out_v, out_s, pd.concat(parts_o)

    @memoized
    def _table_converted(self, niveau: str) -> pd.DataFrame:
        """Every indicator of the converted years on the current division (buurt or dorp), with ``omrekening``."""
        values, status, om = self._converted_inputs()
        cols = [*_TABLE_COLUMNS, "jaar", "omrekening", "bron"]
        if values.empty:
            return pd.DataFrame(columns=cols)
        values, status = _full_columns(values, status)
        conv = self.converted_years()
        if niveau == "dorp":
            vgroups = vl.groups(self.villages())
            groups = {f"{v}{SEP}{y}": [f"{b}{SEP}{y}" for b in members]
                      for y in conv for v, members in vgroups.items()}
            index = pd.Index(list(groups))
            # A village is 'omgerekend' when any of its buurten is, 'identiek' when all stood unchanged.
            rank = {IDENTIEK: 1, OMGEREKEND: 2}
            word = {1: IDENTIEK, 2: OMGEREKEND}
            om_rows = pd.Series([word[max((rank.get(om.get(m), 2) for m in ms), default=2)]
                                 for ms in groups.values()], index=index, dtype=object)
            members = membership(groups, values.index)
        else:
            groups, members, index = None, None, values.index
            om_rows = om
        _, yrs = _split(index)
        year_list, year_of_row = np.unique(yrs, return_inverse=True)
        omrekening = om_rows.reindex(index).to_numpy()
        parts = []
        for ind, res in self._per_indicator(niveau, values, status, index, groups, members):
            res["rank_in_gemeente"] = pd.NA
            res["omrekening"] = omrekening
            # The tables behind a converted value: those its inputs came from in that year (all buurten).
            words = [", ".join(self._source_tables_for(ind.id, "buurt", int(y))) for y in year_list]
            res["bron"] = np.array(words, dtype=object)[year_of_row].tolist()
            parts.append(res.reset_index(drop=True))
        return pd.concat(parts, ignore_index=True)[cols]

    @memoized
    def _view(self, niveau: str, omgerekend: bool) -> pd.DataFrame:
        """The long table a trend reads: published rows, or (``omgerekend``) the converted years replaced.

        Columns: code, naam, gemeente_code, indicator, jaar, waarde (rounded), status, note, dekking,
        omrekening, bron (converted rows only), breuk, breuk_reden.
        """
        t = self._table_all(niveau)
        brk, why = self._breuk_all(niveau)
        t = t.assign(breuk=brk, breuk_reden=why, omrekening=GEPUBLICEERD, bron="")
        conv = self.converted_years()
        if omgerekend and niveau in CONVERTIBLE and conv:
            c = self._table_converted(niveau)
            t = pd.concat([t[~t["jaar"].isin(conv).to_numpy()], c], ignore_index=True)
            t = t.sort_values(["indicator", "code", "jaar"], kind="stable").reset_index(drop=True)
            # On one division throughout: only CBS's own change marks and changes of source or measure.
            t["breuk"], t["breuk_reden"] = series_breaks(t, niveau, self._changes(niveau))
        dec = map_codes(t["indicator"], {i: ind.decimals for i, ind in REGISTRY.items()}).to_numpy()
        w = pd.to_numeric(t["waarde"], errors="coerce").to_numpy(dtype=float)
        out = w.copy()
        for d in np.unique(dec):
            out[dec == d] = np.round(w[dec == d], int(d))
        return t.assign(waarde=out)

    @memoized
    def _view_rows(self, niveau: str, omgerekend: bool) -> dict[tuple[str, str], np.ndarray]:
        """(indicator, code) → row positions in :meth:`_view` (ascending): a trend per area without a scan."""
        return self._view(niveau, omgerekend).groupby(["indicator", "code"], sort=False).indices

    def trend(self, indicator_id: str, codes: list[str], omgerekend: bool = False) -> pd.DataFrame:
        """The indicator over all years with data, per area.

        Columns: code, naam, jaar, waarde, status, bron (source table ids, comma-separated),
        breuk (True where the value is not comparable with the area's previous usable one:
        a re-division of its gemeente or buurten, a CBS indelingswijziging, a change of source
        or of measure; see :func:`series_breaks`), note, breuk_reden (why), omrekening
        ('gepubliceerd' as CBS published it; with ``omgerekend`` buurten and villages of
        older buurt divisions on the current one: 'identiek' or 'omgerekend').
        """
        ind = get(indicator_id)
        rows = []
        for code in codes:
            niveau = level_of_code(code)
            members = self._members(code)
            conv = bool(omgerekend) and niveau in CONVERTIBLE
            t = self._view(niveau, conv)
            sub = t.iloc[self._view_rows(niveau, conv).get((ind.id, code), [])]
            years = set(self.years(ind.id, niveau))
            for r in sub.sort_values("jaar").itertuples(index=False):
                y = int(r.jaar)
                if y not in years:
                    continue
                bron = r.bron if r.omrekening != GEPUBLICEERD else self._bron(niveau, y, members, ind, r.note)
                rows.append({"code": code, "naam": r.naam, "jaar": y, "waarde": r.waarde, "status": r.status,
                             "bron": bron, "breuk": bool(r.breuk), "note": r.note, "breuk_reden": r.breuk_reden,
                             "omrekening": r.omrekening})
        return pd.DataFrame(rows, columns=TREND_COLUMNS)

    def _bron(self, niveau: str, jaar: int, members: list[str], ind: Indicator, note: str) -> str:
        base = "buurt" if niveau == "dorp" else niveau
        _, _, bron = self.inputs(base, jaar)
        way = ind.fallback.variables if ind.fallback and ind.fallback.note in (note or "") else ind.inputs
        sub = bron.reindex(index=members, columns=list(way))
        return ", ".join(sorted({str(b) for b in sub.to_numpy().ravel() if isinstance(b, str)}))

    @memoized
    def _source_tables_for(self, indicator_id: str, niveau: str, jaar: int) -> tuple[str, ...]:
        ind = get(indicator_id)
        base = "buurt" if niveau == "dorp" else niveau
        _, _, bron = self.inputs(base, int(jaar))
        ways = [ind.inputs, *([ind.fallback.variables] if ind.fallback else [])]
        cols = [c for way in ways for c in way if c in bron.columns]
        return tuple(sorted({str(b) for b in bron[cols].to_numpy().ravel() if isinstance(b, str)}))

    def source_tables(self, indicator_id: str, niveau: str, jaar: int) -> list[str]:
        """CBS table ids the indicator's inputs actually came from at this level and year."""
        check_niveau(niveau)
        return list(self._source_tables_for(indicator_id, niveau, int(jaar)))

    def benchmark_series(self, indicator_id: str, code: str = DRENTHE_CODE) -> pd.DataFrame:
        """Drenthe ('PV22') or the monitor total ('MONITOR') per year.

        Columns: jaar, waarde (rounded), status ('onvolledig' where not every
        gemeente has the figure: a partial sum, never the total), note, dekking,
        breuk, breuk_reden (a change of source or measure since the previous usable year).
        """
        ind = get(indicator_id)
        b = self._benchmark_all()
        brk, why = self._bench_breuk()
        m = (b["indicator"].to_numpy() == ind.id) & (b["code"].to_numpy() == code)
        sub = b[m].assign(breuk=brk[m], breuk_reden=why[m])
        sub = sub[BENCHMARK_SERIES_COLUMNS].sort_values("jaar").reset_index(drop=True)
        return sub.assign(waarde=sub["waarde"].round(ind.decimals))

    @memoized
    def _bench_breuk(self) -> tuple[np.ndarray, np.ndarray]:
        """Breuk flag and reasons per row of :meth:`_benchmark_all` (sums of whole gemeenten: no re-division)."""
        return series_breaks(self._benchmark_all(), "gemeente", {})

    @memoized
    def _benchmark_all(self) -> pd.DataFrame:
        """Drenthe (12 gemeenten) and the monitor total (13) for every indicator and year, from gemeente rows."""
        values, status = self._full_inputs("gemeente")
        if values.empty:
            return pd.DataFrame(columns=["code", "jaar", "indicator", "waarde", "status", "note", "dekking"])
        groups = {}
        for y in self._level_years("gemeente"):
            groups[f"{DRENTHE_CODE}{SEP}{y}"] = [f"{g}{SEP}{y}" for g in DRENTHE]
            groups[f"{MONITOR_CODE}{SEP}{y}"] = [f"{g}{SEP}{y}" for g in GEMEENTEN]
        parts = []
        members = membership(groups, values.index)
        for ind in REGISTRY.values():
            # Drenthe and the monitor total only from complete member sets: 1997 had 3 of the 12 current codes.
            res = aggregate(ind, values, status, groups, members, complete=True)
            res["indicator"] = ind.id
            parts.append(res.rename_axis("key").reset_index())
        out = pd.concat(parts, ignore_index=True)
        codes, yrs = _split(pd.Index(out.pop("key")))
        return out.assign(code=codes, jaar=yrs)

    @memoized
    def _benchmark_rows(self, jaar: int) -> pd.DataFrame:
        """Drenthe and monitor-total rows of one year."""
        b = self._benchmark_all()
        return b[b["jaar"].to_numpy() == int(jaar)].reset_index(drop=True)

    def _latest(self, niveau: str, variable: str) -> dict[str, float]:
        """Per code the value of ``variable`` in the latest year that has it (years with an 'ok' row, in order).

        Straight from the level's wide frame: :meth:`inputs` per year built every year's status frame for this.
        """
        values = self._inputs_all(niveau)[0]
        out: dict[str, float] = {}
        if variable not in values.columns:
            return out
        codes, yrs = self._level_keys(niveau)
        col = values[variable].to_numpy()
        has = ~pd.isna(col)
        for y in self.store.periods(variable, niveau):
            m = has & (yrs == int(y))
            out.update(zip(codes[m].tolist(), col[m].tolist(), strict=True))
        return out

    @memoized
    def _klasse(self, niveau: str) -> dict[str, int]:
        """Stedelijkheid class per area (latest year with a class; villages: the class of most residents)."""
        base = "buurt" if niveau == "dorp" else niveau
        out: dict[str, int] = {c: int(k) for c, k in self._latest(base, "stedelijkheid").items()}
        if niveau != "dorp":
            return out
        inw = self._latest("buurt", "inwoners")
        res = {}
        for v in self.villages():
            votes: dict[int, float] = {}
            for b in v.buurten:
                if b in out:
                    votes[out[b]] = votes.get(out[b], 0.0) + inw.get(b, 0.0) + 1e-6
            if votes:
                res[v.code] = max(votes, key=votes.get)
        return res

    def benchmarks(self, indicator_id: str, code: str, jaar: int) -> Benchmark:
        """The value of one area with its gemeente, Drenthe (12), monitor total (13), rank and comparable areas.

        Drenthe and the monitor total are aggregated from gemeente figures by the indicator's rule.
        """
        ind = get(indicator_id)
        niveau = level_of_code(code)
        jaar = int(jaar)
        dec = ind.decimals
        f = self._by_indicator(niveau, jaar).get(ind.id)
        own = f[f["code"] == code] if f is not None else pd.DataFrame()
        r = own.iloc[0] if len(own) else None
        gm_code = r["gemeente_code"] if r is not None else (gemeente_of(code) if niveau != "dorp" else None)
        g = self._by_indicator("gemeente", jaar).get(ind.id)
        grow = g[g["code"] == gm_code] if g is not None else pd.DataFrame()
        gemeente = _reference(gm_code, GEMEENTEN.get(gm_code or ""), grow.iloc[0] if len(grow) else None)
        b = self._benchmark_rows(jaar)
        refs = {}
        for bcode in (DRENTHE_CODE, MONITOR_CODE):
            hit = b[(b["indicator"] == ind.id) & (b["code"] == bcode)] if len(b) else pd.DataFrame()
            refs[bcode] = _reference(bcode, None, hit.iloc[0] if len(hit) else None, dec)
        if f is not None and r is not None:
            peers = f if niveau == "gemeente" else f[f["gemeente_code"] == gm_code]
            rank = None if pd.isna(r["rank_in_gemeente"]) else int(r["rank_in_gemeente"])
            count = int(peers["status"].eq("ok").sum())
        else:
            rank, count = None, 0
        return Benchmark(
            indicator=ind.id, code=code, naam=r["naam"] if r is not None else None, niveau=niveau, jaar=jaar,
            eenheid=ind.unit, waarde=_num(r["waarde"]) if r is not None else None,
            status=r["status"] if r is not None else MISSING, note=r["note"] if r is not None else "",
            gemeente=gemeente, drenthe=refs[DRENTHE_CODE], monitor=refs[MONITOR_CODE],
            rank_in_gemeente=rank, count_in_gemeente=count,
            comparable=self._comparable(ind, niveau, jaar, code),
        )

    @memoized
    def _peer_groups(self, niveau: str, jaar: int, k: int) -> tuple[list[str], dict[str, list[str]], pd.DataFrame]:
        """The areas of class ``k``, their one group and its membership in the year's frames: the same objects
        for every indicator, so the aggregation gathers the members once (see aggregate._gathered)."""
        peers = [c for c, kk in self._klasse(niveau).items() if kk == k]
        if niveau == "dorp":
            vmap = vl.groups(self.villages())
            members = [b for c in peers for b in vmap.get(c, [])]
        else:
            members = peers
        groups = {"VERGELIJK": members}
        return peers, groups, membership(groups, self.level_frames(niveau, jaar)[0].index)

    def _comparable(self, ind: Indicator, niveau: str, jaar: int, code: str) -> Comparable:
        """Areas of the same level with the same stedelijkheid class: their aggregate and median."""
        klasse = self._klasse(niveau)
        k = klasse.get(code)
        empty = Comparable(niveau=niveau, stedelijkheid=k, label=STEDELIJKHEID_LABELS.get(k))
        f = self._by_indicator(niveau, jaar).get(ind.id)
        if k is None or f is None:
            return empty
        peers, groups, members = self._peer_groups(niveau, jaar, k)
        pf = f[f["code"].isin(peers) & f["status"].eq("ok")]
        values, status = self.level_frames(niveau, jaar)
        agg = aggregate(ind, values, status, groups, members).iloc[0]
        return Comparable(
            niveau=niveau, stedelijkheid=k, label=STEDELIJKHEID_LABELS.get(k), aantal=int(len(pf)),
            waarde=None if pd.isna(agg["waarde"]) else round(float(agg["waarde"]), ind.decimals),
            status=agg["status"], note=agg["note"],
            mediaan=None if pf.empty else round(float(pf["waarde"].median()), ind.decimals))

    def areas(self) -> pd.DataFrame:
        """All selectable areas: code, naam, niveau ('gemeente','wijk','buurt','dorp'), gemeente_code, gemeente_naam."""
        return self._areas().copy()

    @memoized
    def _areas(self) -> pd.DataFrame:
        regs = self._regions()
        parts = []
        for niveau in ("gemeente", "wijk", "buurt"):
            codes = list(self._current_codes(niveau))
            sub = regs.reindex(codes)
            parts.append(pd.DataFrame({"code": codes, "naam": sub["name"].to_numpy(), "niveau": niveau,
                                       "gemeente_code": sub["gemeente_code"].to_numpy()}))
        vs = self.villages()
        parts.append(pd.DataFrame({"code": [v.code for v in vs], "naam": [v.naam for v in vs], "niveau": "dorp",
                                   "gemeente_code": [v.gemeente_code for v in vs]}))
        out = pd.concat(parts, ignore_index=True)
        out["gemeente_naam"] = out["gemeente_code"].map(GEMEENTEN)
        return out


def _reference(code: str | None, naam: str | None, row: pd.Series | None, decimals: int | None = None) -> Reference:
    if row is None:
        return Reference(code=code, naam=naam, waarde=None)
    # A sum over part of the gemeenten is no reference: its status says so, its value is not shown.
    waarde = None if row["status"] == ONVOLLEDIG else _num(row["waarde"])
    if waarde is not None and decimals is not None:
        waarde = round(waarde, decimals)
    return Reference(code=code, naam=naam, waarde=waarde, status=row["status"], note=row["note"],
                     dekking=_num(row.get("dekking")))
