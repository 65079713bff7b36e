"""The indicator cube: every indicator × area × year, computed once per load and then only read.

:func:`build` runs :class:`~indicators.compute.Computation` over the whole
database and adds what used to be computed per request: benchmark columns
(gemeente, Drenthe, monitor), rank and count within the gemeente, the
comparable-areas value (once per level × year × stedelijkheid class instead of
once per area), the source tables of each value, the series-break flag and the
spread of the level. :func:`after_swap` is the hook the CLI hands to
``etl load-snapshot`` / ``etl refresh``: it computes from the swapped, not yet
committed rows and writes the cube in the same transaction.
:func:`recompute` does the same on its own (``dorpenmonitor etl recompute``,
after editing config/dorpen.toml).

Areas in the cube: the CBS levels (buurt, wijk, gemeente, old codes included),
villages ('dorp'), Drenthe ('drenthe', code PV22) and the monitor total
('monitor', code MONITOR).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dorpenmonitor.codes import DRENTHE_CODE, MONITOR_CODE
from dorpenmonitor.store import CONVERSION_KEY, CONVERTED_SUFFIX, CUBE_META, Store, now
from indicators import villages as vl
from indicators.aggregate import aggregate, membership
from indicators.compute import CONVERTIBLE, SEP, Computation, _split, map_codes, series_breaks
from indicators.registry import REGISTRY
from indicators.results import MISSING, NIVEAUS
from indicators.series import GEPUBLICEERD, IDENTIEK

#: The cube's level names for the two benchmark areas.
BENCHMARK_LEVELS: dict[str, str] = {DRENTHE_CODE: "drenthe", MONITOR_CODE: "monitor"}
BENCHMARK_NAMES: dict[str, str] = {DRENTHE_CODE: "Drenthe (12 gemeenten)", MONITOR_CODE: "13 gemeenten (monitor)"}
USABLE = ("ok", "onbetrouwbaar")


def _rounded(t: pd.DataFrame) -> np.ndarray:
    """``waarde`` rounded to each row's indicator's decimals (as the old per-request frames did)."""
    dec = map_codes(t["indicator"], {i: ind.decimals for i, ind in REGISTRY.items()}).to_numpy()
    w = pd.to_numeric(t["waarde"], errors="coerce").to_numpy(dtype=float)
    out = w.copy()
    for d in np.unique(dec):
        m = dec == d
        out[m] = np.round(w[m], int(d))
    return out


class _Tables:
    """Which CBS tables each 'code|year' row's variables came from, as bit masks (few tables, many rows).

    Per variable one integer array over the rows (a village row: the OR of its buurten's rows), so the
    tables of an indicator are a bitwise OR of a few arrays.
    """

    def __init__(self, bron: pd.DataFrame, regroup: Mapping[str, Sequence[str]] | None = None):
        arr = bron.to_numpy(dtype=object)
        present = ~pd.isna(arr)
        self.names = sorted(set(arr[present].astype(str).tolist()))
        bit = {t: 1 << i for i, t in enumerate(self.names)}
        codes, yrs = _split(bron.index)
        cols: dict[str, np.ndarray] = {}
        for j, var in enumerate(bron.columns):
            m = present[:, j]
            if not m.any():
                continue
            col = np.zeros(len(bron), dtype=np.int64)
            col[m] = [bit[str(x)] for x in arr[m, j]]
            cols[var] = col
        if regroup is None:
            self.keys = bron.index
            self.years = yrs
        else:
            # A village's row draws on all its buurten: 'BU…|2024' → 'DP…|2024' (a buurt may be in several).
            members = pd.DataFrame([(b, v) for v, bs in regroup.items() for b in bs], columns=["lid", "groep"])
            rows = pd.DataFrame({"lid": codes, "row": np.arange(len(codes)), "jaar": yrs}).merge(members, on="lid")
            vkeys = rows["groep"].to_numpy(dtype=object) + SEP + rows["jaar"].astype(str).to_numpy(dtype=object)
            ids, uniq = pd.factorize(vkeys)
            self.keys = pd.Index(uniq)
            self.years = np.zeros(len(uniq), dtype=np.int64)
            self.years[ids] = rows["jaar"].to_numpy()
            src = rows["row"].to_numpy()
            grouped: dict[str, np.ndarray] = {}
            for var, col in cols.items():
                out = np.zeros(len(uniq), dtype=np.int64)
                np.bitwise_or.at(out, ids, col[src])
                grouped[var] = out
            cols = grouped
        self.by_var = cols
        self._words: dict[int, str] = {}

    def masks(self, variables: Sequence[str]) -> np.ndarray:
        """Per row of :attr:`keys`: the OR of the table bits of ``variables``."""
        out = np.zeros(len(self.keys), dtype=np.int64)
        for v in dict.fromkeys(variables):
            if v in self.by_var:
                out |= self.by_var[v]
        return out

    def year_masks(self, variables: Sequence[str]) -> dict[int, int]:
        """year → OR of the table bits of ``variables`` over all rows of that year (years with a bit only)."""
        m = self.masks(variables)
        hit = m != 0
        if not hit.any():
            return {}
        ys, inv = np.unique(self.years[hit], return_inverse=True)
        out = np.zeros(len(ys), dtype=np.int64)
        np.bitwise_or.at(out, inv, m[hit])
        return dict(zip(ys.tolist(), out.tolist(), strict=True))

    def word(self, mask: int) -> str:
        """A bit mask → 'tableA, tableB' (sorted, as the per-request code joined them)."""
        w = self._words.get(mask)
        if w is None:
            w = self._words[mask] = ", ".join(n for i, n in enumerate(self.names) if mask >> i & 1)
        return w

    def words(self, masks: np.ndarray) -> np.ndarray:
        """Bit masks → words, as an object array."""
        u, inv = np.unique(masks, return_inverse=True)
        return np.array([self.word(int(x)) for x in u], dtype=object)[inv.reshape(-1)]


def _key_positions(t: pd.DataFrame, keys: pd.Index) -> np.ndarray:
    """Per row of ``t``: the position of its 'code|jaar' in ``keys`` (-1: absent).

    The key string is built once per distinct (code, jaar), not per row: a national level has
    millions of rows (one per indicator) over a few hundred thousand area-years.
    """
    codes, code_names = pd.factorize(t["code"].to_numpy())
    jaar = t["jaar"].to_numpy(dtype=np.int64)
    span = int(jaar.max()) + 1 if len(jaar) else 1
    pair_of_row, pairs = pd.factorize(codes.astype(np.int64) * span + jaar)
    words = np.array([f"{code_names[p // span]}{SEP}{p % span}" for p in pairs], dtype=object)
    return keys.get_indexer(words)[pair_of_row]


def _source_columns(t: pd.DataFrame, tables: _Tables) -> tuple[pd.Series, dict[tuple[str, int], str]]:
    """Per row the tables of the way actually used (fallback or not); per (indicator, year) all tables."""
    bron = np.full(len(t), "", dtype=object)
    per_year: dict[tuple[str, int], str] = {}
    pos = _key_positions(t, tables.keys)
    notes = t["note"]
    for ind_id, rows in t.groupby("indicator", sort=False).indices.items():
        ind = REGISTRY[ind_id]
        p = pos[rows]
        inside = p >= 0
        mask = np.where(inside, tables.masks(ind.inputs)[np.maximum(p, 0)], 0)
        if ind.fallback is not None:
            fb = np.where(inside, tables.masks(ind.fallback.variables)[np.maximum(p, 0)], 0)
            use_fb = notes.iloc[rows].fillna("").str.contains(ind.fallback.note, regex=False).to_numpy(dtype=bool)
            mask = np.where(use_fb, fb, mask)
        bron[rows] = tables.words(mask)
        every = tables.year_masks([*ind.inputs, *(ind.fallback.variables if ind.fallback else ())])
        for y, m in every.items():
            per_year[(ind_id, int(y))] = tables.word(m)
    return pd.Series(bron, index=t.index, dtype=object), per_year


def _level(comp: Computation, niveau: str, gemeente_rows: pd.DataFrame | None,
           bench: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Cube rows, comparable-areas rows and year rows of one level."""
    # A shallow copy: pandas copies on write, so the memoized table stays as it was without a second copy of
    # a national level's millions of rows.
    t = comp._table_all(niveau).copy(deep=False)
    if t.empty:
        return t, pd.DataFrame(), pd.DataFrame()
    t["waarde"] = _rounded(t)
    t["niveau"] = niveau
    ok = t["status"].eq("ok")
    gk = pd.Series("alle", index=t.index) if niveau == "gemeente" else t["gemeente_code"]
    t["count_in_gemeente"] = ok.groupby([t["indicator"], t["jaar"], gk]).transform("sum").fillna(0).astype(int)

    # Benchmarks of the same indicator and year.
    gem = t if gemeente_rows is None else gemeente_rows
    gmap = gem.set_index(["indicator", "jaar", "code"])["waarde"]
    t["gemeente_waarde"] = gmap.reindex(pd.MultiIndex.from_arrays(
        [t["indicator"], t["jaar"], t["gemeente_code"]])).to_numpy()
    for code, col in ((DRENTHE_CODE, "drenthe_waarde"), (MONITOR_CODE, "monitor_waarde")):
        b = bench[bench["code"] == code].set_index(["indicator", "jaar"])["waarde"]
        t[col] = b.reindex(pd.MultiIndex.from_arrays([t["indicator"], t["jaar"]])).to_numpy()
    num = t["waarde"].where(ok)
    grp = [t["indicator"], t["jaar"]]
    spread = num.groupby(grp).transform("std")
    t["spreiding"] = spread.where(num.groupby(grp).transform("count") > 2)

    # Source tables and series breaks.
    base = "buurt" if niveau == "dorp" else niveau
    vgroups = vl.groups(comp.villages()) if niveau == "dorp" else None
    tables = _Tables(comp._inputs_all(base)[2], vgroups)
    t["bron"], per_year = _source_columns(t, tables)
    t["breuk"], t["breuk_reden"] = comp._breuk_all(niveau)
    t["omrekening"] = GEPUBLICEERD

    comps = _comparables(comp, niveau, t)
    t["stedelijkheid"] = map_codes(t["code"], comp._klasse(niveau)).astype("Int64")
    if len(comps):
        cmap = comps.set_index(["indicator", "jaar", "stedelijkheid"])
        idx = pd.MultiIndex.from_arrays([t["indicator"], t["jaar"], t["stedelijkheid"]])
        t["vergelijkbaar_waarde"] = cmap["waarde"].reindex(idx).to_numpy()
        t["vergelijkbaar_mediaan"] = cmap["mediaan"].reindex(idx).to_numpy()
    else:
        t["vergelijkbaar_waarde"] = t["vergelijkbaar_mediaan"] = np.nan

    years_in_table = sorted(t["jaar"].unique().tolist())
    use = t["status"].isin(USABLE).to_numpy()
    pairs = pd.DataFrame({"i": t["indicator"].to_numpy()[use], "j": t["jaar"].to_numpy()[use]}).drop_duplicates()
    usable = set(zip(pairs["i"].tolist(), pairs["j"].tolist(), strict=True))  # distinct pairs, not every row
    yrows = pd.DataFrame([
        {"indicator": i, "niveau": niveau, "jaar": int(y), "heeft_waarde": (i, y) in usable,
         "bronnen": per_year.get((i, int(y)), "")}
        for i in REGISTRY for y in years_in_table
    ])
    return t, comps.assign(niveau=niveau) if len(comps) else comps, yrows


def _comparables(comp: Computation, niveau: str, t: pd.DataFrame) -> pd.DataFrame:
    """Per indicator, year and stedelijkheid class: the aggregate of those areas, their count and median.

    The aggregate reads the same per-year frames as the per-request code did:
    a variable without any value in a year counts as 'ontbreekt' that year.
    """
    klasse = comp._klasse(niveau)
    if not klasse:
        return pd.DataFrame()
    base = "buurt" if niveau == "dorp" else niveau
    values, status = comp._full_inputs(base)
    _, yrs = comp._level_keys(base)
    has = values.notna().groupby(yrs).any()
    status = status.where(has.reindex(yrs).to_numpy(), MISSING)
    vmap = vl.groups(comp.villages()) if niveau == "dorp" else None
    by_class: dict[int, list[str]] = {}
    for c, k in klasse.items():
        by_class.setdefault(k, []).append(c)
    groups = {}
    for y in sorted(t["jaar"].unique().tolist()):
        for k, peers in sorted(by_class.items()):
            members = [b for c in peers for b in vmap.get(c, [])] if vmap is not None else peers
            groups[f"{k}{SEP}{y}"] = [f"{m}{SEP}{y}" for m in members]
    parts = []
    members = membership(groups, values.index)
    ks, ys = _split(pd.Index(list(groups)))  # every aggregate is indexed by the groups, in this order
    for ind in REGISTRY.values():
        res = aggregate(ind, values, status, groups, members)
        w = [round(float(x), ind.decimals) if not np.isnan(x) else np.nan for x in res["waarde"].astype(float)]
        parts.append(pd.DataFrame({"indicator": ind.id, "jaar": ys, "stedelijkheid": ks.astype(int),
                                   "waarde": w, "status": res["status"].to_numpy(),
                                   "note": res["note"].fillna("").to_numpy()}))
    out = pd.concat(parts, ignore_index=True)
    kl = map_codes(t["code"], klasse)
    okrows = t[t["status"].eq("ok") & kl.notna()].assign(stedelijkheid=kl.dropna().astype(int))
    stats = _group_medians(okrows, ["indicator", "jaar", "stedelijkheid"], "waarde")
    stats = stats.reindex(pd.MultiIndex.from_frame(out[["indicator", "jaar", "stedelijkheid"]]))
    dec = out["indicator"].map({i: ind.decimals for i, ind in REGISTRY.items()})
    med = stats["median"].to_numpy(dtype=float)
    # Python's round on a Python float, as the per-request code did: numpy's round differs at ties (23.15 → 23.2).
    out["mediaan"] = [round(float(m), int(d)) if not np.isnan(m) else np.nan for m, d in zip(med, dec, strict=True)]
    out["aantal"] = stats["size"].fillna(0).astype(int).to_numpy()
    return out


def _group_medians(frame: pd.DataFrame, by: list[str], col: str) -> pd.DataFrame:
    """Per group of ``by``: ``size`` (rows) and ``median`` of ``col`` (NaN skipped), indexed by the groups.

    The median as ``Series.median`` computes it (numpy: the middle value, or the two middle values added
    and halved), not groupby's own median, which differs in the last bit; that bit decides how 23.15
    rounds. One sort for all groups instead of a Python call per group.
    """
    if frame.empty:
        return pd.DataFrame({"size": pd.Series(dtype=np.int64), "median": pd.Series(dtype=float)})
    codes, uniques = pd.MultiIndex.from_frame(frame[by]).factorize()
    ng = len(uniques)
    size = np.bincount(codes, minlength=ng)
    v = frame[col].to_numpy(dtype=float)
    keep = ~np.isnan(v)
    g, v = codes[keep], v[keep]
    order = np.lexsort((v, g))
    g, v = g[order], v[order]
    n = np.bincount(g, minlength=ng)
    start = np.r_[0, np.cumsum(n)[:-1]]
    med = np.full(ng, np.nan)
    has = n > 0
    lo = start + (n - 1) // 2
    hi = start + n // 2
    med[has] = np.where((n[has] % 2) == 1, v[lo[has]], (v[lo[has]] + v[hi[has]]) / 2.0)
    return pd.DataFrame({"size": size, "median": med}, index=uniques)


def _benchmark_rows(comp: Computation, gemeente_years: pd.DataFrame) -> pd.DataFrame:
    """Drenthe (PV22) and the monitor total (MONITOR) per indicator and year, as cube rows."""
    b = comp._benchmark_all().copy()
    if b.empty:
        return b
    # Unrounded here (the one exception in the cube): the benchmark series rounds like a frame (numpy), a
    # benchmark card like a number (Python); the two differ at ties, and both must stay as they were.
    b["niveau"] = b["code"].map(BENCHMARK_LEVELS)
    b["naam"] = b["code"].map(BENCHMARK_NAMES)
    b["gemeente_code"] = None
    b["count_in_gemeente"] = pd.NA
    b["rank_in_gemeente"] = pd.NA
    # Drenthe is made of that year's gemeente figures: it names their tables.
    src = gemeente_years.set_index(["indicator", "jaar"])["bronnen"] if len(gemeente_years) else pd.Series()
    b["bron"] = src.reindex(pd.MultiIndex.from_arrays([b["indicator"], b["jaar"]])).fillna("").to_numpy()
    b["breuk"], b["breuk_reden"] = comp._bench_breuk()
    b["omrekening"] = IDENTIEK
    return b


def _areas(comp: Computation) -> pd.DataFrame:
    """Selectable areas in display order, villages with their buurten, plus any other code with a class."""
    a = comp._areas()
    a = a.assign(volgorde=np.arange(len(a)), huidig=True)
    a["stedelijkheid"] = pd.Series(pd.NA, index=a.index, dtype="Int64")
    for niveau in NIVEAUS:
        m = a["niveau"] == niveau
        a.loc[m, "stedelijkheid"] = a.loc[m, "code"].map(comp._klasse(niveau)).astype("Int64")
    vs = {v.code: v for v in comp.villages()}
    a["dorp"] = [json.dumps({"buurten": list(vs[c].buurten), "bron": vs[c].bron, "regels": list(vs[c].regels)},
                            ensure_ascii=False) if c in vs else "" for c in a["code"]]
    extra = []
    regs = comp._regions()
    known = set(a["code"])
    for niveau in ("gemeente", "wijk", "buurt"):
        for c, k in comp._klasse(niveau).items():
            if c not in known:
                naam = regs["name"].get(c, c) if c in regs.index else c
                gm = regs["gemeente_code"].get(c) if c in regs.index else None
                extra.append({"code": c, "naam": naam, "niveau": niveau, "gemeente_code": gm, "stedelijkheid": k,
                              "huidig": False, "dorp": ""})
    if extra:
        e = pd.DataFrame(extra)
        e["volgorde"] = np.arange(len(a), len(a) + len(e))
        a = pd.concat([a, e], ignore_index=True)
    return a


def build(store: Store, villages_config: str | Path | None = None) -> dict[str, pd.DataFrame | list[pd.DataFrame]]:
    """Every cube table as a frame (table name → rows), computed from ``store``'s current data.

    ``indicator_values`` is a list of frames (one per level and part, ``volgorde`` numbered across them):
    at national scale one concatenated frame would double the peak memory of a load for nothing, since
    :meth:`~dorpenmonitor.store.Store.write_cube` writes the parts one after the other.
    """
    comp = Computation(store, villages_config)
    bench = _bench_for_levels(comp)
    values, comparables, years, converted = [], [], [], []
    gem = None
    for niveau in ("gemeente", "wijk", "buurt", "dorp"):
        t, c, y = _level(comp, niveau, gem, bench)
        gem = t if niveau == "gemeente" else gem
        if niveau != "buurt":  # the villages still read the buurten's frames
            comp._memo.pop(("_full_inputs", ("buurt" if niveau == "dorp" else niveau,)), None)
        values.append(t if niveau == "gemeente" else _compact(t))
        comparables.append(c)
        years.append(y)
        if niveau in CONVERTIBLE:
            # The converted rows read the level's long table once more; after that it is not read again.
            converted.append(_compact(_converted_rows(comp, niveau)))
            for key in [k for k in comp._memo if k[1][:1] == (niveau,) and k[0] in ("_table_all", "_view")]:
                del comp._memo[key]
    values.append(_benchmark_rows(comp, years[0]))
    values += converted
    parts, start = [], 0
    for v in values:
        if len(v):
            parts.append(v.assign(volgorde=np.arange(start, start + len(v))))
            start += len(v)
    values.clear()
    return {
        "indicator_values": parts,
        "indicator_comparables": pd.concat([c for c in comparables if len(c)], ignore_index=True)
        if any(len(c) for c in comparables) else pd.DataFrame(),
        "indicator_years": pd.concat([y for y in years if len(y)], ignore_index=True),
        "indicator_areas": _areas(comp),
        CUBE_META: pd.DataFrame({"key": [CONVERSION_KEY, RULES_KEY],
                                 "value": [json.dumps(comp.conversion_summary(), ensure_ascii=False),
                                           rules_fingerprint(villages_config)]}),
    }


#: Meta key: the fingerprint of the rules a cube was computed with (:func:`rules_fingerprint`). A cube from other
#: rules is recomputed by ``load-snapshot --if-needed`` (``make run``): after a code update the screen must not
#: keep yesterday's breaks or aggregates just because the data itself did not change.
RULES_KEY = "indicators_rules"
#: Besides this package: the core modules whose facts the cube computes with.
_CORE_RULES = ("breaks.py", "catalogue.py", "codes.py")


def rules_fingerprint(villages_config: str | Path | None = None) -> str:
    """A short hash of everything that decides the cube's content besides the data: the indicator package's
    code, the core break/variable/code tables, and the villages file in use."""
    here = Path(__file__).resolve().parent
    core = here.parent / "dorpenmonitor"
    h = hashlib.sha256()
    for f in [*sorted(here.glob("*.py")), *(core / name for name in _CORE_RULES)]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    config = Path(villages_config) if villages_config else vl.config_path()
    h.update(config.read_bytes() if config.is_file() else b"")
    return h.hexdigest()[:16]


#: Text columns of the cube with few distinct values per level (areas, indicators, words).
_COMPACT = ("code", "naam", "gemeente_code", "indicator", "status", "note", "niveau", "bron", "breuk_reden",
            "omrekening")


def _compact(t: pd.DataFrame) -> pd.DataFrame:
    """``t`` with its text columns as categories: the same values, written the same, in a fraction of the memory.

    At national scale a level has millions of rows that repeat a few thousand codes and a few dozen words;
    as object columns each row holds a pointer per column, as categories a small integer.
    """
    cols = {c: t[c].astype("category") for c in _COMPACT if c in t.columns}
    return t.assign(**cols) if cols else t


def _converted_rows(comp: Computation, niveau: str) -> pd.DataFrame:
    """Buurt or village rows of the years on an older buurt division, converted to the current one.

    Stored under the level ``<niveau>_om`` (:data:`dorpenmonitor.store.CONVERTED_SUFFIX`): what a
    trend "omgerekend naar de huidige indeling" reads for those years instead of the published rows.
    """
    conv = comp.converted_years()
    if not conv:
        return pd.DataFrame()
    # What Computation._view(niveau, True) gives for these rows, without its copy of the whole level: the
    # series breaks need the published years around the converted ones, but only five narrow columns of them.
    t = comp._table_all(niveau)
    c = comp._table_converted(niveau)
    cols = ["indicator", "code", "jaar", "status", "note"]
    pub = t.loc[~t["jaar"].isin(conv).to_numpy(), cols]
    narrow = pd.concat([pub, c[cols]], ignore_index=True)
    src = np.r_[np.full(len(pub), -1), np.arange(len(c))]
    # As sort_values(["indicator", "code", "jaar"], kind="stable") (which sorts on sorted factor codes too).
    ind_ids = pd.factorize(narrow["indicator"].to_numpy(), sort=True)[0]
    code_ids = pd.factorize(narrow["code"].to_numpy(), sort=True)[0]
    order = np.lexsort((narrow["jaar"].to_numpy(), code_ids, ind_ids))
    narrow = narrow.iloc[order].reset_index(drop=True)
    src = src[order]
    brk, why = series_breaks(narrow, niveau, comp._changes(niveau))
    mine = src >= 0
    v = c.iloc[src[mine]].reset_index(drop=True)
    v["breuk"], v["breuk_reden"] = brk[mine], why[mine]
    dec = map_codes(v["indicator"], {i: ind.decimals for i, ind in REGISTRY.items()}).to_numpy()
    w = pd.to_numeric(v["waarde"], errors="coerce").to_numpy(dtype=float)
    rounded = w.copy()
    for d in np.unique(dec):
        rounded[dec == d] = np.round(w[dec == d], int(d))
    v["waarde"] = rounded
    v = v[v["jaar"].isin(conv).to_numpy() & v["omrekening"].ne("gepubliceerd").to_numpy()].copy()
    v["niveau"] = niveau + CONVERTED_SUFFIX
    for col in ("rank_in_gemeente", "count_in_gemeente", "gemeente_waarde", "drenthe_waarde", "monitor_waarde",
                "stedelijkheid", "vergelijkbaar_waarde", "vergelijkbaar_mediaan", "spreiding"):
        v[col] = np.nan
    return v


def _bench_for_levels(comp: Computation) -> pd.DataFrame:
    """Drenthe and monitor rows with values rounded, for the benchmark columns of every level."""
    b = comp._benchmark_all()
    if b.empty:
        return pd.DataFrame(columns=["code", "indicator", "jaar", "waarde"])
    dec = b["indicator"].map({i: ind.decimals for i, ind in REGISTRY.items()})
    w = [round(float(x), int(d)) if not np.isnan(x) else np.nan
         for x, d in zip(pd.to_numeric(b["waarde"], errors="coerce"), dec, strict=True)]
    # An incomplete sum is no benchmark: the columns stay empty (the Drenthe row itself keeps it, labelled).
    w = pd.Series(w, index=b.index).where(b["status"].ne("onvolledig"))
    return b.assign(waarde=w)[["code", "indicator", "jaar", "waarde"]]


def write(store: Store, conn: sa.Connection, villages_config: str | Path | None = None) -> int:
    """Compute the cube from what ``conn`` sees and write it inside ``conn``'s transaction; rows written."""
    return Store.write_cube(conn, build(store.bound(conn), villages_config), stamp=now())


def after_swap(store: Store, villages_config: str | Path | None = None) -> Callable[[sa.Connection], None]:
    """The hook for ``Store.swap``: the cube of the swapped data, in the swap's own transaction."""

    def hook(conn: sa.Connection) -> None:
        write(store, conn, villages_config)

    return hook


def recompute(store: Store, villages_config: str | Path | None = None) -> int:
    """Recompute only the cube (e.g. after editing config/dorpen.toml), in one transaction; rows written."""
    with store.transaction() as conn:
        return write(store, conn, villages_config)
