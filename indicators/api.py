"""What the dashboard and the CLI call: indicator values, trends and benchmarks from a :class:`Store`.

Everything here reads through the store and caches per ``store.url``: the
pivoted inputs and all indicators of one (niveau, jaar) are computed once and
kept (``functools.lru_cache``), so recolouring a map is a filter on a cached
frame. After a reload of the database call :func:`clear_cache`.

Levels (``niveau``): 'gemeente', 'wijk', 'buurt' as CBS publishes them, and
'dorp' (villages: groups of buurten, see :mod:`indicators.villages`),
aggregated by the rules in :mod:`indicators.aggregate`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from dorpenmonitor.settings import DRENTHE, GEMEENTEN, get_settings
from dorpenmonitor.store import Store
from indicators import villages as vl
from indicators.aggregate import aggregate, weights_for
from indicators.registry import REGISTRY, Indicator, evaluate, get

NIVEAUS: tuple[str, ...] = ("gemeente", "wijk", "buurt", "dorp")
DRENTHE_CODE = "PV22"
MONITOR_CODE = "MONITOR"
STEDELIJKHEID_LABELS = {1: "zeer sterk stedelijk", 2: "sterk stedelijk", 3: "matig stedelijk",
                        4: "weinig stedelijk", 5: "niet stedelijk"}
RANK_NOTE = "1 = hoogste waarde"
_PREFIX_LEVEL = {"GM": "gemeente", "WK": "wijk", "BU": "buurt", "DP": "dorp"}


def check_niveau(niveau: str) -> str:
    """``niveau`` if valid, else a Dutch ValueError naming the choices."""
    if niveau not in NIVEAUS:
        raise ValueError(f"Onbekend niveau '{niveau}'. Kies uit: {', '.join(NIVEAUS)}")
    return niveau


def check_gemeente(gemeente: str | None) -> str | None:
    if gemeente is not None and gemeente not in GEMEENTEN:
        raise ValueError(f"Onbekende gemeente '{gemeente}'. Kies uit: "
                         + ", ".join(f"{c} ({n})" for c, n in GEMEENTEN.items()))
    return gemeente


def level_of_code(code: str) -> str:
    """Level from a code's prefix (GM, WK, BU, DP)."""
    try:
        return _PREFIX_LEVEL[code[:2]]
    except KeyError:
        raise ValueError(f"Onbekende gebiedscode '{code}': verwacht GM…, WK…, BU… of DP…") from None


def clear_cache() -> None:
    """Forget every cached frame (call after the database was reloaded)."""
    for f in (_inputs_all, _inputs, _level_keys, _level_years, _regions, _source_tables, _current_codes, _villages,
              _table_all, _table, _by_indicator, _benchmark_all, _benchmark_rows, _klasse, _breaks, _periods, _years,
              _source_tables_for):
        f.cache_clear()


# -- cached building blocks ---------------------------------------------------

@lru_cache(maxsize=8)
def _regions(url: str) -> pd.DataFrame:
    return Store(url).regions().set_index("code")


@lru_cache(maxsize=8)
def _source_tables(url: str) -> dict[str, str]:
    src = Store(url).sources()
    return dict(zip(src["id"], src["table_id"], strict=True))


SEP = "|"  # joins code and year into one row key, so a whole level is computed in one pass


@lru_cache(maxsize=8)
def _inputs_all(url: str, niveau: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Wide (values, status, source table) frames for one CBS level, all years; rows keyed 'code|year'."""
    obs = Store(url).observations(level=niveau)
    if obs.empty:
        e = pd.DataFrame(index=pd.Index([], dtype=str))
        return e, e, e
    obs = obs.assign(value=obs["value"].where(obs["status"].eq("ok")),
                     bron=obs["source_id"].map(_source_tables(url)).fillna(obs["source_id"]),
                     key=obs["region_code"] + SEP + obs["period"].astype(str))
    values = obs.pivot(index="key", columns="variable", values="value").astype("float64")
    status = obs.pivot(index="key", columns="variable", values="status").fillna("ontbreekt")
    bron = obs.pivot(index="key", columns="variable", values="bron")
    for f in (values, status, bron):
        f.index.name = None
        f.columns.name = None
    return values, status, bron


def _split(index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """'code|year' keys → (codes, years)."""
    parts = index.str.rsplit(SEP, n=1)
    return parts.str[0].to_numpy(dtype=object), parts.str[1].astype(int).to_numpy()


@lru_cache(maxsize=8)
def _level_keys(url: str, niveau: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes and years of the rows of :func:`_inputs_all` (the three frames share one index)."""
    return _split(_inputs_all(url, niveau)[0].index)


@lru_cache(maxsize=8)
def _level_years(url: str, niveau: str) -> tuple[int, ...]:
    return tuple(sorted(set(_level_keys(url, niveau)[1].tolist())))


@lru_cache(maxsize=64)
def _inputs(url: str, niveau: str, jaar: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Wide (values, status, source table) frames for one CBS level and year; rows = areas with data."""
    out = []
    for f in _inputs_all(url, niveau):
        if f.empty:
            out.append(f)
            continue
        codes, yrs = _level_keys(url, niveau)
        sub = f[yrs == int(jaar)].dropna(axis=1, how="all")
        sub.index = pd.Index(codes[yrs == int(jaar)])
        out.append(sub)
    return out[0], out[1].reindex(columns=out[0].columns).fillna("ontbreekt"), out[2]


def _full_columns(values: pd.DataFrame, status: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add every variable any indicator reads, unknown where the year lacks it (a gap, not an error)."""
    need: list[str] = []
    for ind in REGISTRY.values():
        need += [*ind.inputs, *weights_for(ind.inputs)]
        if ind.fallback:
            need += [*ind.fallback.variables, *weights_for(ind.fallback.variables)]
    cols = list(dict.fromkeys([*values.columns, *need, "inwoners", "stedelijkheid"]))
    return values.reindex(columns=cols), status.reindex(columns=cols).fillna("ontbreekt")


@lru_cache(maxsize=8)
def _current_codes(url: str, niveau: str) -> tuple[str, ...]:
    """Codes of the current division: areas with data in the latest year of the level."""
    periods = Store(url).periods(level=niveau)
    if not periods:
        return ()
    values, _, _ = _inputs(url, niveau, max(periods))
    return tuple(sorted(values.index))


@lru_cache(maxsize=8)
def _villages(url: str, config: str, mtime: float) -> tuple[vl.Village, ...]:
    """Default villages for the current buurten, overridden by the TOML file (cached per file version)."""
    regs = _regions(url).reset_index()
    cur = set(_current_codes(url, "buurt"))
    buurten = regs[(regs["level"] == "buurt") & regs["code"].isin(cur)]
    wijken = regs[regs["level"] == "wijk"]
    wp_path = get_settings().snapshot_dir / vl.WOONPLAATSEN_FILE
    woonplaatsen = vl.read_woonplaatsen(wp_path) if wp_path.exists() else pd.DataFrame(
        columns=["naam", "gemeente_code"])
    years = Store(url).periods("inwoners", "buurt")
    inwoners = _inputs(url, "buurt", max(years))[0].get("inwoners", pd.Series(dtype=float)).to_dict() if years else {}
    defaults = vl.default_villages(buurten, wijken, woonplaatsen, inwoners)
    known = dict(zip(buurten["code"], buurten["gemeente_code"], strict=True))
    return tuple(vl.apply_config(defaults, vl.read_config(config), known))


def villages(store: Store, config: str | Path | None = None) -> list[vl.Village]:
    """The villages in use: CBS-name defaults overridden by ``config`` (default config/dorpen.toml).

    The setting ``dorpen_config`` (DORPENMONITOR_DORPEN_CONFIG) can point to another file.
    """
    path = Path(config or get_settings().dorpen_config)
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return list(_villages(store.url, str(path), mtime))


def _level_frames(url: str, niveau: str, jaar: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    base = "buurt" if niveau == "dorp" else niveau
    values, status, _ = _inputs(url, base, jaar)
    return _full_columns(values, status)


def _names(url: str, codes: pd.Index, niveau: str) -> tuple[pd.Series, pd.Series]:
    if niveau == "dorp":
        vs = {v.code: v for v in villages(Store(url))}
        return (pd.Series([vs[c].naam for c in codes], index=codes, dtype=object),
                pd.Series([vs[c].gemeente_code for c in codes], index=codes, dtype=object))
    regs = _regions(url)
    return (regs["name"].reindex(codes).fillna(pd.Series(codes, index=codes)).astype(object),
            regs["gemeente_code"].reindex(codes).astype(object))


def _rank(frame: pd.DataFrame, niveau: str) -> pd.Series:
    """Rank among 'ok' values, 1 = highest; within the gemeente (for gemeenten among all 13), per year."""
    ok = frame["waarde"].where(frame["status"].eq("ok"))
    gm = pd.Series("alle", index=frame.index) if niveau == "gemeente" else frame["gemeente_code"]
    return ok.groupby([gm, frame["jaar"]]).rank(ascending=False, method="min").astype("Int64")


_TABLE_COLUMNS = ["code", "naam", "gemeente_code", "indicator", "waarde", "status", "note", "dekking",
                  "rank_in_gemeente"]


@lru_cache(maxsize=8)
def _table_all(url: str, niveau: str) -> pd.DataFrame:
    """Every indicator for every year of one level, in one pass over 'code|year' rows.

    Evaluating each indicator once over all years (instead of once per year)
    is what keeps a cold profile or trend page at about a second.
    """
    base = "buurt" if niveau == "dorp" else niveau
    values, status, _ = _inputs_all(url, base)
    values, status = _full_columns(values, status)
    if niveau == "dorp":
        vgroups = vl.groups(villages(Store(url)))
        groups = {f"{v}{SEP}{y}": [f"{b}{SEP}{y}" for b in members]
                  for y in _level_years(url, "buurt") for v, members in vgroups.items()}
        index = pd.Index(list(groups))
    else:
        index = values.index
    if len(index) == 0:
        return pd.DataFrame(columns=[*_TABLE_COLUMNS, "jaar"])
    codes, yrs = _split(index)
    naam, gm = _names(url, pd.Index(codes), niveau)
    parts = []
    for ind in REGISTRY.values():
        if niveau == "dorp":
            res = aggregate(ind, values, status, groups)
        else:
            res = evaluate(ind, values, status)
            res["dekking"] = np.nan
        res = res.reindex(index)
        res.insert(0, "indicator", ind.id)
        res.insert(0, "gemeente_code", gm.to_numpy())
        res.insert(0, "naam", naam.to_numpy())
        res.insert(0, "code", codes)
        res["jaar"] = yrs
        res["rank_in_gemeente"] = _rank(res, niveau)
        parts.append(res.reset_index(drop=True))
    return pd.concat(parts, ignore_index=True)


@lru_cache(maxsize=64)
def _table(url: str, niveau: str, jaar: int) -> pd.DataFrame:
    """Every indicator for one (niveau, jaar): long frame, unrounded, with ranks."""
    t = _table_all(url, niveau)
    return t[t["jaar"].to_numpy() == int(jaar)].drop(columns="jaar").reset_index(drop=True)


@lru_cache(maxsize=64)
def _by_indicator(url: str, niveau: str, jaar: int) -> dict[str, pd.DataFrame]:
    """The :func:`values` frames of one (niveau, jaar), per indicator, ready to filter."""
    t = _table(url, niveau, jaar)
    out = {}
    for ind_id, f in t.groupby("indicator", sort=False):
        ind = REGISTRY[ind_id]
        f = f[["code", "naam", "gemeente_code", "waarde", "status", "rank_in_gemeente", "note", "dekking"]]
        out[ind_id] = f.assign(waarde=f["waarde"].round(ind.decimals)).reset_index(drop=True)
    return out


# -- public API -----------------------------------------------------------------

def compute(
    store: Store,
    niveau: str,
    jaar: int,
    indicator_ids: list[str] | None = None,
    gemeente: str | None = None,
) -> pd.DataFrame:
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
    per = _by_indicator(store.url, niveau, int(jaar))
    parts = []
    for ind in inds:
        f = per.get(ind.id)
        if f is None:
            continue
        if gemeente:
            f = f[f["gemeente_code"] == gemeente]
        parts.append(f.assign(niveau=niveau, jaar=int(jaar), indicator=ind.id, eenheid=ind.unit,
                              dekking=f["dekking"].round(3)))
    cols = ["code", "naam", "niveau", "jaar", "indicator", "waarde", "eenheid", "status", "note", "dekking",
            "gemeente_code", "rank_in_gemeente"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]


def values(store: Store, indicator_id: str, niveau: str, jaar: int, gemeente: str | None = None) -> pd.DataFrame:
    """One indicator for every area (map colouring); fast when warm.

    Columns: code, naam, gemeente_code, waarde, status, rank_in_gemeente
    (1 = highest within the gemeente; for gemeenten among all 13), note, dekking.
    """
    if indicator_id not in REGISTRY:
        get(indicator_id)  # raises the Dutch error
    if niveau not in NIVEAUS:
        check_niveau(niveau)
    f = _by_indicator(store.url, niveau, int(jaar)).get(indicator_id)
    if f is None:
        return pd.DataFrame(columns=["code", "naam", "gemeente_code", "waarde", "status", "rank_in_gemeente",
                                     "note", "dekking"])
    if gemeente:
        f = f[f["gemeente_code"].to_numpy() == gemeente]
    return f.copy()


@lru_cache(maxsize=256)
def _periods(url: str, variable: str, level: str) -> tuple[int, ...]:
    return tuple(Store(url).periods(variable, level))


@lru_cache(maxsize=512)
def _years(url: str, indicator_id: str, niveau: str) -> tuple[int, ...]:
    get(indicator_id)
    t = _table_all(url, niveau)
    hit = t[(t["indicator"].to_numpy() == indicator_id) & t["status"].isin(["ok", "onbetrouwbaar"]).to_numpy()]
    return tuple(sorted(int(y) for y in hit["jaar"].unique()))


def years(store: Store, indicator_id: str, niveau: str) -> list[int]:
    """Years in which at least one area of ``niveau`` has a value for the indicator."""
    check_niveau(niveau)
    return list(_years(store.url, indicator_id, niveau))


@lru_cache(maxsize=8)
def _breaks(url: str) -> dict[str, tuple[int, ...]]:
    """Per area, the years whose division changed (indelingswijziging 2 = code, 3 = boundary)."""
    obs = Store(url).observations(["indelingswijziging"])
    obs = obs[obs["status"].eq("ok") & obs["value"].isin([2, 3])]
    return {c: tuple(sorted(g["period"].astype(int))) for c, g in obs.groupby("region_code")}


def _members(url: str, code: str) -> list[str]:
    if code.startswith("DP"):
        for v in villages(Store(url)):
            if v.code == code:
                return list(v.buurten)
        raise ValueError(f"Onbekend dorp '{code}'")
    return [code]


def trend(store: Store, indicator_id: str, codes: list[str]) -> pd.DataFrame:
    """The indicator over all years with data, per area.

    Columns: code, naam, jaar, waarde, status, bron (source table ids, comma-separated),
    breuk (True where the area's division changed since the previous point: CBS
    indelingswijziging 3 = boundary or 2 = code changed; for a village, any of its buurten).
    """
    ind = get(indicator_id)
    rows = []
    br = _breaks(store.url)
    for code in codes:
        niveau = level_of_code(code)
        members = _members(store.url, code)
        changes = sorted({y for m in members for y in br.get(m, ())})
        prev = None
        for y in years(store, ind.id, niveau):
            f = _by_indicator(store.url, niveau, y)[ind.id]
            hit = f[f["code"] == code]
            if hit.empty:
                continue
            r = hit.iloc[0]
            bron = _bron(store.url, niveau, y, members, ind, r["note"])
            breuk = prev is not None and any(prev < c <= y for c in changes)
            rows.append({"code": code, "naam": r["naam"], "jaar": y, "waarde": r["waarde"], "status": r["status"],
                         "bron": bron, "breuk": bool(breuk), "note": r["note"]})
            if r["status"] in ("ok", "onbetrouwbaar"):
                prev = y
    return pd.DataFrame(rows, columns=["code", "naam", "jaar", "waarde", "status", "bron", "breuk", "note"])


def _bron(url: str, niveau: str, jaar: int, members: list[str], ind: Indicator, note: str) -> str:
    base = "buurt" if niveau == "dorp" else niveau
    _, _, bron = _inputs(url, base, jaar)
    way = ind.fallback.variables if ind.fallback and ind.fallback.note in (note or "") else ind.inputs
    sub = bron.reindex(index=members, columns=list(way))
    return ", ".join(sorted({str(b) for b in sub.to_numpy().ravel() if isinstance(b, str)}))


@lru_cache(maxsize=2048)
def _source_tables_for(url: str, indicator_id: str, niveau: str, jaar: int) -> tuple[str, ...]:
    ind = get(indicator_id)
    base = "buurt" if niveau == "dorp" else niveau
    _, _, bron = _inputs(url, base, int(jaar))
    ways = [ind.inputs, *([ind.fallback.variables] if ind.fallback else [])]
    cols = [c for way in ways for c in way if c in bron.columns]
    return tuple(sorted({str(b) for b in bron[cols].to_numpy().ravel() if isinstance(b, str)}))


def source_tables(store: Store, indicator_id: str, niveau: str, jaar: int) -> list[str]:
    """CBS table ids the indicator's inputs actually came from at this level and year."""
    check_niveau(niveau)
    return list(_source_tables_for(store.url, indicator_id, niveau, int(jaar)))


def benchmark_series(store: Store, indicator_id: str, code: str = DRENTHE_CODE) -> pd.DataFrame:
    """Drenthe ('PV22') or the monitor total ('MONITOR') per year: jaar, waarde (rounded), status, note, dekking."""
    ind = get(indicator_id)
    b = _benchmark_all(store.url)
    sub = b[(b["indicator"].to_numpy() == ind.id) & (b["code"].to_numpy() == code)]
    sub = sub[["jaar", "waarde", "status", "note", "dekking"]].sort_values("jaar").reset_index(drop=True)
    return sub.assign(waarde=sub["waarde"].round(ind.decimals))


@lru_cache(maxsize=4)
def _benchmark_all(url: str) -> pd.DataFrame:
    """Drenthe (12 gemeenten) and the monitor total (13) for every indicator and year, from gemeente rows."""
    values, status, _ = _inputs_all(url, "gemeente")
    values, status = _full_columns(values, status)
    if values.empty:
        return pd.DataFrame(columns=["code", "jaar", "indicator", "waarde", "status", "note", "dekking"])
    groups = {}
    for y in _level_years(url, "gemeente"):
        groups[f"{DRENTHE_CODE}{SEP}{y}"] = [f"{g}{SEP}{y}" for g in DRENTHE]
        groups[f"{MONITOR_CODE}{SEP}{y}"] = [f"{g}{SEP}{y}" for g in GEMEENTEN]
    parts = []
    for ind in REGISTRY.values():
        res = aggregate(ind, values, status, groups)
        res["indicator"] = ind.id
        parts.append(res.rename_axis("key").reset_index())
    out = pd.concat(parts, ignore_index=True)
    codes, yrs = _split(pd.Index(out.pop("key")))
    return out.assign(code=codes, jaar=yrs)


@lru_cache(maxsize=64)
def _benchmark_rows(url: str, jaar: int) -> pd.DataFrame:
    """Drenthe and monitor-total rows of one year."""
    b = _benchmark_all(url)
    return b[b["jaar"].to_numpy() == int(jaar)].reset_index(drop=True)


@lru_cache(maxsize=16)
def _klasse(url: str, niveau: str) -> dict[str, int]:
    """Stedelijkheid class per area (latest year with a class; villages: the class of most residents)."""
    base = "buurt" if niveau == "dorp" else niveau
    out: dict[str, int] = {}
    for y in _periods(url, "stedelijkheid", base):
        v, _, _ = _inputs(url, base, y)
        out.update({c: int(k) for c, k in v["stedelijkheid"].dropna().items()})
    if niveau != "dorp":
        return out
    inw = {}
    for y in _periods(url, "inwoners", "buurt"):
        inw.update(_inputs(url, "buurt", y)[0]["inwoners"].dropna().to_dict())
    res = {}
    for v in villages(Store(url)):
        votes: dict[int, float] = {}
        for b in v.buurten:
            if b in out:
                votes[out[b]] = votes.get(out[b], 0.0) + inw.get(b, 0.0) + 1e-6
        if votes:
            res[v.code] = max(votes, key=votes.get)
    return res


def _bench(row: pd.Series | None) -> dict:
    if row is None:
        return {"waarde": None, "status": "ontbreekt", "note": "", "dekking": None}
    return {"waarde": _num(row["waarde"]), "status": row["status"], "note": row["note"],
            "dekking": _num(row.get("dekking"))}


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def benchmarks(store: Store, indicator_id: str, code: str, jaar: int) -> dict:
    """Context for one value: the area itself, its gemeente, Drenthe, the monitor total, rank, comparable areas.

    Keys: indicator, code, naam, niveau, jaar, eenheid, waarde, status, note,
    gemeente {code, naam, waarde, status, note, dekking}, drenthe {…} (12 gemeenten,
    aggregated from gemeente figures by the indicator's rule), monitor {…} (13),
    rang_in_gemeente, aantal_in_gemeente, rang_uitleg ('1 = hoogste waarde'),
    vergelijkbaar {stedelijkheid, label, aantal, waarde (aggregated), mediaan, niveau}.
    Values are rounded to the indicator's decimals; None when unknown.
    """
    ind = get(indicator_id)
    niveau = level_of_code(code)
    jaar = int(jaar)
    dec = ind.decimals
    f = _by_indicator(store.url, niveau, jaar).get(ind.id)
    own = f[f["code"] == code] if f is not None else pd.DataFrame()
    r = own.iloc[0] if len(own) else None
    gm_code = r["gemeente_code"] if r is not None else ("GM" + code[2:6] if niveau != "dorp" else None)
    out: dict = {"indicator": ind.id, "code": code, "naam": r["naam"] if r is not None else None, "niveau": niveau,
                 "jaar": jaar, "eenheid": ind.unit, "waarde": _num(r["waarde"]) if r is not None else None,
                 "status": r["status"] if r is not None else "ontbreekt", "note": r["note"] if r is not None else ""}
    g = _by_indicator(store.url, "gemeente", jaar).get(ind.id)
    grow = g[g["code"] == gm_code] if g is not None else pd.DataFrame()
    out["gemeente"] = {"code": gm_code, "naam": GEMEENTEN.get(gm_code or ""), **_bench(
        grow.iloc[0] if len(grow) else None)}
    b = _benchmark_rows(store.url, jaar)
    for key, bcode in (("drenthe", DRENTHE_CODE), ("monitor", MONITOR_CODE)):
        hit = b[(b["indicator"] == ind.id) & (b["code"] == bcode)] if len(b) else pd.DataFrame()
        d = _bench(hit.iloc[0] if len(hit) else None)
        if d["waarde"] is not None:
            d["waarde"] = round(d["waarde"], dec)
        out[key] = d
    # Rank within the gemeente (for a gemeente: among all 13).
    if f is not None and r is not None:
        peers = f if niveau == "gemeente" else f[f["gemeente_code"] == gm_code]
        out["rang_in_gemeente"] = None if pd.isna(r["rank_in_gemeente"]) else int(r["rank_in_gemeente"])
        out["aantal_in_gemeente"] = int(peers["status"].eq("ok").sum())
    else:
        out["rang_in_gemeente"], out["aantal_in_gemeente"] = None, 0
    out["rang_uitleg"] = RANK_NOTE
    out["vergelijkbaar"] = _comparable(store, ind, niveau, jaar, code)
    return out


def _comparable(store: Store, ind: Indicator, niveau: str, jaar: int, code: str) -> dict:
    """Areas of the same level with the same stedelijkheid class: their aggregate and median."""
    klasse = _klasse(store.url, niveau)
    k = klasse.get(code)
    empty = {"niveau": niveau, "stedelijkheid": k, "label": STEDELIJKHEID_LABELS.get(k), "aantal": 0,
             "waarde": None, "mediaan": None}
    f = _by_indicator(store.url, niveau, jaar).get(ind.id)
    if k is None or f is None:
        return empty
    peers = [c for c, kk in klasse.items() if kk == k]
    pf = f[f["code"].isin(peers) & f["status"].eq("ok")]
    values, status = _level_frames(store.url, niveau, jaar)
    if niveau == "dorp":
        vmap = vl.groups(villages(store))
        members = [b for c in peers for b in vmap.get(c, [])]
    else:
        members = peers
    agg = aggregate(ind, values, status, {"VERGELIJK": members}).iloc[0]
    return {**empty, "aantal": int(len(pf)),
            "waarde": None if pd.isna(agg["waarde"]) else round(float(agg["waarde"]), ind.decimals),
            "status": agg["status"], "note": agg["note"],
            "mediaan": None if pf.empty else round(float(pf["waarde"].median()), ind.decimals)}


def areas(store: Store) -> pd.DataFrame:
    """All selectable areas: code, naam, niveau ('gemeente','wijk','buurt','dorp'), gemeente_code, gemeente_naam."""
    regs = _regions(store.url)
    parts = []
    for niveau in ("gemeente", "wijk", "buurt"):
        codes = list(_current_codes(store.url, niveau))
        sub = regs.reindex(codes)
        parts.append(pd.DataFrame({"code": codes, "naam": sub["name"].to_numpy(), "niveau": niveau,
                                   "gemeente_code": sub["gemeente_code"].to_numpy()}))
    vs = villages(store)
    parts.append(pd.DataFrame({"code": [v.code for v in vs], "naam": [v.naam for v in vs], "niveau": "dorp",
                               "gemeente_code": [v.gemeente_code for v in vs]}))
    out = pd.concat(parts, ignore_index=True)
    out["gemeente_naam"] = out["gemeente_code"].map(GEMEENTEN)
    return out
