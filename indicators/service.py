"""What the dashboard and the CLI call: indicator values, trends and benchmarks, read from the cube.

:class:`IndicatorService` owns its :class:`~dorpenmonitor.store.Store` and
only reads the indicator cube that :mod:`indicators.cube` wrote at load time:
each call is one indexed query (a level and year, or a few codes), never a
computation over all areas. The two small tables every page needs (years per
indicator and level, the selectable areas) are read once per instance. A
reloaded database means a new instance; nothing needs to be cleared by hand.

Levels (``niveau``): 'gemeente', 'wijk', 'buurt' as CBS publishes them, and
'dorp' (villages: groups of buurten, see :mod:`indicators.villages`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from functools import cached_property
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from dorpenmonitor.codes import DRENTHE_CODE, MONITOR_CODE, gemeente_of, level_of_code
from dorpenmonitor.lazy import lazy_module
from dorpenmonitor.settings import GEMEENTEN
from dorpenmonitor.store import CONVERSION_KEY, CONVERTED_SUFFIX, Store
from indicators.registry import REGISTRY, get
from indicators.results import (
    BENCHMARK_SERIES_COLUMNS,
    COMPUTE_COLUMNS,
    MISSING,
    NIVEAUS,
    RANK_NOTE,
    STEDELIJKHEID_LABELS,
    TREND_COLUMNS,
    VALUE_COLUMNS,
    Benchmark,
    Comparable,
    Reference,
    check_gemeente,
    check_niveau,
)
from indicators.villages import Village

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

__all__ = ["EXPORT_COLUMNS", "EXPORT_NIVEAUS", "NIVEAUS", "RANK_NOTE", "AreaRow", "Benchmark", "Comparable",
           "CompareRow", "CubeMissingError", "IndicatorService", "Reference", "export_waarde", "round_dekking"]

#: Columns of the area profile (:meth:`IndicatorService.area_rows`).
AREA_COLUMNS = ["indicator", "jaar", "naam", "gemeente_code", "waarde", "status", "note", "dekking",
                "rank_in_gemeente", "count_in_gemeente", "bron", "breuk", "breuk_reden", "gemeente_waarde",
                "drenthe_waarde", "monitor_waarde", "spreiding"]


class AreaRow(NamedTuple):
    """One cube row of an area as a profile reads it (:meth:`IndicatorService.area_records`); None where unknown."""

    indicator: str
    jaar: int
    waarde: float | None
    status: str
    note: str
    rank_in_gemeente: int | None
    count_in_gemeente: int | None
    bron: str
    breuk: bool
    gemeente_waarde: float | None
    drenthe_waarde: float | None
    monitor_waarde: float | None
    spreiding: float | None


class CompareRow(NamedTuple):
    """One published cube row of an area as a comparison reads it (:meth:`IndicatorService.compare_records`).

    The benchmark columns are the cube's: the area's own gemeente, Drenthe and the monitor total of that year,
    rounded as :meth:`IndicatorService.benchmarks` reports them (None for an incomplete total).
    """

    code: str
    indicator: str
    niveau: str
    jaar: int
    waarde: float | None
    status: str
    note: str
    gemeente_code: str | None
    gemeente_waarde: float | None
    drenthe_waarde: float | None
    monitor_waarde: float | None
    #: The CBS tables the value came from ('47022NED, 85984NED'), as the cube's ``bron`` column holds them.
    bron: str = ""


#: Levels ``dorpenmonitor export`` knows: the CBS levels and villages plus the two benchmark areas.
EXPORT_NIVEAUS: tuple[str, ...] = (*NIVEAUS, "provincie", "monitor")
#: The cube's level of each benchmark export level.
EXPORT_LEVELS: dict[str, str] = {"provincie": "drenthe", "monitor": "monitor"}
#: Columns of the export (CSV, :meth:`IndicatorService.export_rows`): :meth:`IndicatorService.compute`'s
#: without the rank, plus ``breuk`` and ``omrekening``.
EXPORT_COLUMNS = [*(c for c in COMPUTE_COLUMNS if c != "rank_in_gemeente"), "breuk", "omrekening"]
GEPUBLICEERD_WORD = "gepubliceerd"


class CubeMissingError(RuntimeError):
    """The database has data but no indicator cube (loaded by an older version, or a load without the CLI)."""

    def __init__(self) -> None:
        super().__init__("De indicatoren zijn nog niet berekend voor deze database. Draai "
                         "'dorpenmonitor etl recompute' (of laad de snapshot opnieuw).")


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _int(x) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def _text(x) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else str(x)


class IndicatorService:
    """Indicator values, trends and benchmarks of one loaded database, read from its cube."""

    def __init__(self, store: Store):
        self.store = store

    # -- the two small tables, read once per instance -----------------------------

    @cached_property
    def _years(self) -> dict[tuple[str, str], tuple[tuple[int, ...], dict[int, str]]]:
        """(indicator, niveau) → (years with a value, {year: source tables})."""
        # Plain tuples, no DataFrame: the export checks its year here and need not import pandas.
        rows = self.store.cube_year_rows() if self.store.has_cube() else []
        if not rows:
            if not self.store.is_empty():
                raise CubeMissingError()
            return {}
        years: dict[tuple[str, str], list[int]] = {}
        tables: dict[tuple[str, str], dict[int, str]] = {}
        for ind, niveau, jaar, has, words in sorted(rows, key=itemgetter(0, 1, 2)):
            key = (ind, niveau)
            tables.setdefault(key, {})[int(jaar)] = words or ""
            years.setdefault(key, [])
            if has:
                years[key].append(int(jaar))
        return {key: (tuple(years[key]), tables[key]) for key in tables}

    @cached_property
    def _converted_years(self) -> set[int]:
        """Years whose buurt and village rows exist converted to the current buurt division."""
        return set(self.store.cube_converted_years())

    @cached_property
    def _areas(self) -> pd.DataFrame:
        self._years  # noqa: B018 - raises CubeMissingError first, with its message
        return self.store.cube_areas()

    # -- public API ------------------------------------------------------------------

    def years(self, indicator_id: str, niveau: str) -> list[int]:
        """Years in which at least one area of ``niveau`` has a value for the indicator."""
        check_niveau(niveau)
        get(indicator_id)
        return list(self._years.get((indicator_id, niveau), ((), {}))[0])

    def source_tables(self, indicator_id: str, niveau: str, jaar: int) -> list[str]:
        """CBS table ids the indicator's inputs actually came from at this level and year."""
        check_niveau(niveau)
        get(indicator_id)
        words = self._years.get((indicator_id, niveau), ((), {}))[1].get(int(jaar), "")
        return words.split(", ") if words else []

    def values(self, indicator_id: str, niveau: str, jaar: int, gemeente: str | None = None) -> pd.DataFrame:
        """One indicator for every area of a level and year (map colouring): one indexed query.

        Columns: code, naam, gemeente_code, waarde, status, rank_in_gemeente
        (1 = highest within the gemeente; for gemeenten among all 13), note, dekking.
        """
        get(indicator_id)
        check_niveau(niveau)
        f = self.store.cube_values(niveau, int(jaar), [indicator_id], gemeente, columns=VALUE_COLUMNS)
        return _typed(f)[VALUE_COLUMNS]

    def compute(self, niveau: str, jaar: int, indicator_ids: list[str] | None = None,
                gemeente: str | None = None) -> pd.DataFrame:
        """Tidy indicator values for every area of ``niveau`` in ``jaar`` (the export): one indexed query.

        Columns: code, naam, niveau, jaar, indicator, waarde (rounded to the
        indicator's decimals), eenheid, status ('ok', 'geheim', 'ontbreekt',
        'onbetrouwbaar'), note, dekking (0–1, aggregates only), gemeente_code,
        rank_in_gemeente (1 = highest). Rows in registry order, then area code.
        """
        check_niveau(niveau)
        check_gemeente(gemeente)
        ids = list(indicator_ids) if indicator_ids else list(REGISTRY)
        for i in ids:
            get(i)
        f = self.store.cube_values(niveau, int(jaar), None if not indicator_ids else ids, gemeente,
                                   columns=["indicator", *VALUE_COLUMNS])
        if f.empty:
            return pd.DataFrame(columns=COMPUTE_COLUMNS)
        f = _typed(f)
        order = {i: n for n, i in enumerate(ids)}
        f = f[f["indicator"].isin(order)]
        f = f.assign(_o=f["indicator"].map(order)).sort_values(["_o", "code"], kind="stable")
        f = f.assign(niveau=niveau, jaar=int(jaar), eenheid=f["indicator"].map(lambda i: REGISTRY[i].unit),
                     dekking=f["dekking"].round(3))
        return f[COMPUTE_COLUMNS].reset_index(drop=True)

    def trend(self, indicator_id: str, codes: list[str], omgerekend: bool = False) -> pd.DataFrame:
        """The indicator over all years with data, per area: one or two indexed queries.

        Columns as ``Computation.trend``: code, naam, jaar, waarde, status, bron, breuk (not
        comparable with the area's previous usable value), note, breuk_reden, omrekening.
        ``omgerekend``: buurten and villages of older buurt divisions on the current one.
        """
        ind = get(indicator_id)
        codes = list(codes)
        if not codes:
            return pd.DataFrame(columns=TREND_COLUMNS)
        niveaus = {c: level_of_code(c) for c in codes}
        for c in codes:
            if c.startswith("DP") and c not in self._village_map:
                raise ValueError(f"Onbekend dorp '{c}'")
        cols = ["code", *TREND_COLUMNS[1:]]
        rows = self.store.cube_rows(codes, ind.id, columns=cols)
        if omgerekend and any(n in ("buurt", "dorp") for n in niveaus.values()):
            conv = self.store.cube_rows(codes, ind.id, columns=cols, omgerekend=True)
            # A converted year replaces that year's published buurt and village rows (an old code has none).
            sub = rows["code"].map(niveaus).isin(("buurt", "dorp")) & rows["jaar"].astype(int).isin(
                self._converted_years)
            rows = pd.concat([rows[~sub], conv], ignore_index=True) if len(conv) else rows[~sub]
        if rows.empty:
            return pd.DataFrame(columns=TREND_COLUMNS)
        rows = _typed(rows)
        keep = [int(j) in set(self.years(ind.id, niveaus[c])) for c, j in zip(rows["code"], rows["jaar"],
                                                                              strict=True)]
        rows = rows[keep]
        pos = {c: i for i, c in enumerate(dict.fromkeys(codes))}
        rows = rows.assign(_o=rows["code"].map(pos)).sort_values(["_o", "jaar"], kind="stable")
        return rows.assign(breuk=rows["breuk"].astype(bool))[TREND_COLUMNS].reset_index(drop=True)

    def export_frame(self, niveau: str, jaar: int, indicator_ids: list[str] | None = None,
                     gemeente: str | None = None) -> pd.DataFrame:
        """What ``dorpenmonitor export`` writes, as a frame: :meth:`export_rows` with :data:`EXPORT_COLUMNS`.

        ``niveau``: a CBS level, 'dorp', or 'provincie' (Drenthe) / 'monitor' (the 13 gemeenten),
        whose aggregates have status 'onvolledig' where not every gemeente has the figure.
        ``breuk`` ('ja'/'nee'): the value is not comparable with the area's previous value (what
        the trend chart draws as a break). ``omrekening``: 'gepubliceerd' (as published for the
        area), 'identiek' (Drenthe/monitor: the sum of all their gemeenten).
        """
        rows = list(self.export_rows(niveau, jaar, indicator_ids, gemeente))
        f = pd.DataFrame(rows, columns=EXPORT_COLUMNS)
        # None is a missing number in these two columns, also where every row lacks one.
        return f.astype({"waarde": "float64", "dekking": "float64"}) if rows else f

    def export_rows(self, niveau: str, jaar: int, indicator_ids: list[str] | None = None,
                    gemeente: str | None = None) -> Iterator[tuple]:
        """The export's rows as plain tuples in :data:`EXPORT_COLUMNS` order, streamed one indicator at a time.

        Rows in the order of ``indicator_ids`` (default: the registry), then area code. ``waarde``
        rounded to the indicator's decimals (:func:`export_waarde`), ``dekking`` to 3 (:func:`round_dekking`),
        ``breuk`` 'ja'/'nee'; a missing number or name is None. No pandas: ``dorpenmonitor export`` writes
        these rows with the csv module (700,000 at 15,000 buurten) at a fraction of a DataFrame's cost.
        Levels and ``breuk``/``omrekening`` as :meth:`export_frame`.
        """
        if niveau not in EXPORT_NIVEAUS:
            raise ValueError(f"Onbekend niveau '{niveau}'. Kies uit: {', '.join(EXPORT_NIVEAUS)}")
        check_gemeente(gemeente)
        ids = list(indicator_ids) if indicator_ids else list(REGISTRY)
        for i in ids:
            get(i)
        if not self._years:  # an empty database; data without a cube raises CubeMissingError here
            return iter(())
        # An indicator named twice is exported once, at its last place (as a sort on its position did).
        position = {i: n for n, i in enumerate(ids)}
        return self._export_rows(niveau, int(jaar), sorted(position, key=position.__getitem__),
                                 None if niveau in EXPORT_LEVELS else gemeente)

    def _export_rows(self, niveau: str, jaar: int, ids: list[str], gemeente: str | None) -> Iterator[tuple]:
        """:meth:`export_rows` after its checks (a generator: a bad argument fails at the call, not later)."""
        cols = ("code", "naam", "gemeente_code", "waarde", "status", "note", "dekking", "breuk", "omrekening",
                "volgorde")
        for ind, rows in self.store.cube_level_rows(EXPORT_LEVELS.get(niveau, niveau), jaar, ids, gemeente, cols):
            spec = REGISTRY[ind]
            decimals, unit = int(spec.decimals), spec.unit
            # By code, ties in computation order: two sorts on one key each (the rows mostly come sorted,
            # so each is nearly linear) instead of a key tuple per row.
            rows.sort(key=_ORDER)
            rows.sort(key=_CODE)
            # One list per indicator, not a generator step per row: 700,000 rows at 15,000 buurten.
            yield from [(code, naam, niveau, jaar, ind, None if waarde is None else export_waarde(waarde, decimals),
                         unit, status, note or "", None if dekking is None else round_dekking(dekking), gm,
                         "ja" if breuk else "nee", omrekening)
                        for code, naam, gm, waarde, status, note, dekking, breuk, omrekening, _ in rows]

    def change(self, indicator_id: str, niveau: str, jaar_van: int, jaar_tot: int, gemeente: str | None = None,
               omgerekend: bool = True) -> pd.DataFrame:
        """The change of an indicator between two years per area of ``jaar_tot``'s division (the basis for a map).

        Columns: code, naam, gemeente_code, waarde_van, waarde_tot, verschil (absolute),
        verschil_pct (relative to ``jaar_van``; empty where that is 0 or unknown, and for an indicator
        without a meaningful % change, ``Indicator.relative_change``), status ('ok'
        where both values are usable and comparable; 'breuk' where a break lies in between,
        with no difference; otherwise the status of the missing value), omrekening
        ('omgerekend' where ``jaar_van`` of a buurt or village was converted to the current
        division, 'identiek', else 'gepubliceerd'), onbetrouwbaar (True where either value is
        'onbetrouwbaar': small numbers). ``omgerekend`` (buurt, dorp): read an older
        buurt division's year converted; then a change of buurt division is no break.
        """
        ind = get(indicator_id)
        check_niveau(niveau)
        check_gemeente(gemeente)
        a, b = int(jaar_van), int(jaar_tot)
        conv = omgerekend and niveau in ("buurt", "dorp")
        cols = ["code", "naam", "gemeente_code", "waarde", "status", "breuk", "breuk_reden", "omrekening"]

        def year(y: int) -> pd.DataFrame:
            lvl = niveau + CONVERTED_SUFFIX if conv and y in self._converted_years else niveau
            return _typed(self.store.cube_values(lvl, y, [ind.id], gemeente, columns=cols)).set_index("code")

        van, tot = year(a), year(b)
        codes = tot.index
        out = pd.DataFrame({"naam": tot["naam"], "gemeente_code": tot["gemeente_code"]}, index=codes)
        usable = ("ok", "onbetrouwbaar")
        v0 = van["waarde"].where(van["status"].isin(usable)).reindex(codes).astype(float)
        v1 = tot["waarde"].where(tot["status"].isin(usable)).astype(float)
        out["waarde_van"], out["waarde_tot"] = v0, v1
        out["verschil"] = (v1 - v0).round(ind.decimals)
        out["verschil_pct"] = ((v1 - v0) / v0.where(v0 != 0) * 100).round(1) if ind.relative_change else np.nan
        st = pd.Series("ok", index=codes, dtype=object)
        st[v1.isna()] = tot["status"][v1.isna()]
        miss0 = v0.isna() & v1.notna()
        st[miss0] = van["status"].reindex(codes)[miss0].fillna(MISSING)
        # A break in (a, b]: any year's row of the area flags one (as the trend draws it).
        broken = pd.Series(False, index=codes)
        for y in (y for y in self.years(ind.id, niveau) if a < y <= b):
            f = year(y)
            why = f["breuk_reden"].reindex(codes).fillna("")
            if conv:  # on one division: a change of buurt division is what the conversion undid
                why = why.str.replace(r"(; )?buurtindeling gewijzigd", "", regex=True).str.strip("; ")
            broken |= f["breuk"].reindex(codes).fillna(False).astype(bool) & why.ne("")
        both = v0.notna() & v1.notna()
        st[both & broken] = "breuk"
        out.loc[st.eq("breuk"), ["verschil", "verschil_pct"]] = np.nan
        out["status"] = st
        out["omrekening"] = van["omrekening"].reindex(codes).fillna(GEPUBLICEERD_WORD)
        # Small numbers in either year: the difference carries the same caveat as the values (never 'notable').
        out["onbetrouwbaar"] = both & (van["status"].reindex(codes).eq("onbetrouwbaar")
                                       | tot["status"].eq("onbetrouwbaar"))
        return out.rename_axis("code").reset_index()

    def conversion_summary(self) -> dict:
        """How buurten of older divisions relate to the current one (as ``Computation.conversion_summary``)."""
        raw = self.store.meta().get(CONVERSION_KEY)
        if not raw:
            return {"huidige_indeling": "", "per_jaar": {}, "methode": ""}
        out = json.loads(raw)
        out["per_jaar"] = {int(y): kinds for y, kinds in out.get("per_jaar", {}).items()}
        return out

    def area_rows(self, code: str) -> pd.DataFrame:
        """Every indicator and year of one area with its benchmarks (a profile in one indexed query)."""
        return _typed(self.store.cube_rows([code], columns=AREA_COLUMNS))

    def area_records(self, code: str) -> dict[str, tuple[AreaRow, ...]]:
        """:meth:`area_rows` as plain rows per indicator (ascending by year), without a DataFrame (the profile page)."""
        rows = self.store.cube_records(code, AreaRow._fields)  # ordered by indicator, then jaar
        return {ind: tuple(map(AreaRow._make, group)) for ind, group in groupby(rows, key=itemgetter(0))}

    def compare_records(self, codes: list[str], indicator_ids: list[str]
                        ) -> dict[tuple[str, str], tuple[CompareRow, ...]]:
        """(code, indicator) → its published cube rows ascending by year, for a few areas: one indexed query.

        What Vergelijken reads per request instead of a level's whole frame per year and a benchmark query
        per cell.
        """
        for i in indicator_ids:
            get(i)
        if not codes or not indicator_ids:
            return {}
        out: dict[tuple[str, str], list[CompareRow]] = {}
        for r in self.store.cube_area_records(codes, indicator_ids, CompareRow._fields):  # by indicator, jaar
            out.setdefault((r[0], r[1]), []).append(CompareRow._make(r))
        return {k: tuple(v) for k, v in out.items()}

    def benchmark_series(self, indicator_id: str, code: str = DRENTHE_CODE) -> pd.DataFrame:
        """Drenthe ('PV22') or the monitor total ('MONITOR') per year (columns as ``Computation.benchmark_series``)."""
        ind = get(indicator_id)
        f = self.store.cube_rows([code], ind.id, columns=BENCHMARK_SERIES_COLUMNS)
        f = _typed(f).sort_values("jaar").reset_index(drop=True)
        f["breuk"] = f["breuk"].astype(bool)
        return f.assign(waarde=f["waarde"].round(ind.decimals))  # stored unrounded, see indicators.cube

    def benchmarks(self, indicator_id: str, code: str, jaar: int) -> Benchmark:
        """The value of one area with its gemeente, Drenthe (12), monitor total (13), rank and comparable areas.

        One indexed query for the area, its gemeente and the two benchmark rows.
        """
        ind = get(indicator_id)
        niveau = level_of_code(code)
        jaar = int(jaar)
        gm_guess = gemeente_of(code)
        rows = _typed(self.store.cube_rows(list(dict.fromkeys([code, gm_guess, DRENTHE_CODE, MONITOR_CODE])),
                                           ind.id, jaar))
        by_code = {c: r for c, r in zip(rows["code"], rows.itertuples(index=False), strict=True)}
        r = by_code.get(code)
        if r is not None:
            gm_code = r.gemeente_code if isinstance(r.gemeente_code, str) else None
        else:
            gm_code = gm_guess if niveau != "dorp" else None
        if gm_code is not None and gm_code not in by_code and gm_code != gm_guess:
            extra = _typed(self.store.cube_rows([gm_code], ind.id, jaar))
            by_code.update({c: x for c, x in zip(extra["code"], extra.itertuples(index=False), strict=True)})
        gemeente = _reference(gm_code, GEMEENTEN.get(gm_code or ""), by_code.get(gm_code) if gm_code else None)
        return Benchmark(
            indicator=ind.id, code=code, naam=_text(r.naam) if r is not None else None, niveau=niveau, jaar=jaar,
            eenheid=ind.unit, waarde=_num(r.waarde) if r is not None else None,
            status=r.status if r is not None else MISSING, note=_text(r.note) if r is not None else "",
            gemeente=gemeente, drenthe=_reference(DRENTHE_CODE, None, by_code.get(DRENTHE_CODE), ind.decimals),
            monitor=_reference(MONITOR_CODE, None, by_code.get(MONITOR_CODE), ind.decimals),
            rank_in_gemeente=_int(r.rank_in_gemeente) if r is not None else None,
            count_in_gemeente=(_int(r.count_in_gemeente) or 0) if r is not None else 0,
            comparable=self._comparable(ind.id, niveau, jaar, code),
        )

    def _comparable(self, indicator_id: str, niveau: str, jaar: int, code: str) -> Comparable:
        k = self._klasse.get(code)
        empty = Comparable(niveau=niveau, stedelijkheid=k, label=STEDELIJKHEID_LABELS.get(k))
        if k is None:
            return empty
        row = self.store.cube_comparable(niveau, indicator_id, jaar, k)
        if row is None:
            return empty
        return Comparable(niveau=niveau, stedelijkheid=k, label=STEDELIJKHEID_LABELS.get(k), aantal=int(row["aantal"]),
                          waarde=_num(row["waarde"]), mediaan=_num(row["mediaan"]), status=row["status"],
                          note=_text(row["note"]))

    @cached_property
    def _klasse(self) -> dict[str, int]:
        a = self._areas
        a = a[a["stedelijkheid"].notna()]
        return dict(zip(a["code"], a["stedelijkheid"].astype(int), strict=True))

    def areas(self) -> pd.DataFrame:
        """All selectable areas: code, naam, niveau ('gemeente','wijk','buurt','dorp'), gemeente_code, gemeente_naam."""
        a = self._areas
        a = a[a["huidig"].astype(bool)]
        out = a[["code", "naam", "niveau", "gemeente_code"]].reset_index(drop=True)
        return out.assign(gemeente_naam=out["gemeente_code"].map(GEMEENTEN))

    @cached_property
    def _village_map(self) -> dict[str, Village]:
        a = self._areas
        out = {}
        for row in a[a["niveau"].eq("dorp") & a["huidig"].astype(bool)].itertuples(index=False):
            d = json.loads(row.dorp)
            out[row.code] = Village(code=row.code, naam=row.naam, gemeente_code=row.gemeente_code,
                                    buurten=tuple(d["buurten"]), bron=d["bron"], regels=tuple(d["regels"]))
        return out

    def villages(self) -> list[Village]:
        """The villages in use (as computed at load time: CBS-name defaults overridden by config/dorpen.toml)."""
        return list(self._village_map.values())


_CODE, _ORDER = itemgetter(0), itemgetter(9)  # of the rows export_rows reads


def export_waarde(waarde: float | None, decimals: int) -> float | None:
    """An exported value: Python's round to the indicator's decimals (may be negative); None stays None.

    Python's round on a plain float, not numpy's (which differs in the last digit); Drenthe and monitor
    rows are stored unrounded (see :mod:`indicators.cube`), so every row is rounded here.
    """
    if waarde is None:
        return None
    w = float(waarde)
    return round(w, decimals) if w == w else None


def round_dekking(dekking: float | None) -> float | None:
    """Coverage rounded to 3 decimals as numpy (``Series.round(3)``) rounds: ``rint(x * 1000) / 1000``.

    The export wrote ``Series.round(3)`` before it streamed; this keeps its output byte for byte
    (Python's ``round(x, 3)`` differs in the last digit for some values).
    """
    if dekking is None:
        return None
    d = float(dekking)
    if d != d:
        return None
    y = d * 1000.0
    r = round(y) / 1000.0 if math.isfinite(y) else y / 1000.0
    return math.copysign(r, d) if r == 0 else r  # rint keeps the sign of a zero


def _typed(f: pd.DataFrame) -> pd.DataFrame:
    """Database rows with the dtypes the pages expect (float values, nullable-int ranks, text notes)."""
    out = f.copy() if len(f) else f
    for col in ("waarde", "dekking", "gemeente_waarde", "drenthe_waarde", "monitor_waarde", "spreiding"):
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    for col in ("rank_in_gemeente", "count_in_gemeente"):
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    for col in ("note", "bron", "breuk_reden"):
        if col in out:
            out[col] = out[col].fillna("").astype(object)
    if "jaar" in out:
        out["jaar"] = out["jaar"].astype("int64")
    return out


def _reference(code: str | None, naam: str | None, row, decimals: int | None = None) -> Reference:
    """A benchmark value from a cube row; ``decimals``: round here (Drenthe and monitor rows are stored unrounded)."""
    if row is None:
        return Reference(code=code, naam=naam, waarde=None)
    # A sum over part of the gemeenten is no reference: its status says so, its value is not shown.
    waarde = None if row.status == "onvolledig" else _num(row.waarde)
    if waarde is not None and decimals is not None:
        waarde = round(waarde, decimals)
    return Reference(code=code, naam=naam, waarde=waarde, status=row.status, note=_text(row.note),
                     dekking=_num(row.dekking))
