"""Named, cached data loaders: the only way data reaches the pages.

Pages never see the :class:`~dorpenmonitor.store.Store`; they call the loaders
below by name (vizro's data manager idea). All state of one loaded database
lives in one :class:`DataManager`: its store, its
:class:`~indicators.service.IndicatorService` and the loaders' caches. The app
holds exactly one current manager; when the database's load stamp changes, a
new manager replaces it in one assignment, so requests see either the old data
or the new, never a mix, and nothing has to be cleared by hand. A request pins
the manager that was current when it started (:func:`pin`, called by the app
before each request): every loader it calls, however late, reads and caches
in that one instance, so a slow request that outlives a reload can never
write what it read from the old data into the new manager's caches.

:func:`configure` binds the store: ``create_app(store)`` calls it, so tests
can point the whole app at a temporary database.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from dashboard.formatting import fmt_date, level_word
from dashboard.links import Catalog
from dashboard.theme import Bounds
from dorpenmonitor.codes import DRENTHE_CODE, LEVELS, gemeente_of
from dorpenmonitor.lazy import lazy_module
from dorpenmonitor.settings import GEMEENTEN
from dorpenmonitor.store import CUBE_STAMP, Store, get_store
from indicators import REGISTRY, THEMES
from indicators.registry import Indicator
from indicators.results import TREND_COLUMNS as _TREND_COLUMNS
from indicators.service import AreaRow, Benchmark, CompareRow, IndicatorService
from indicators.villages import Village

if TYPE_CHECKING:
    import pandas as pd
    import shapely
else:
    pd = lazy_module("pandas")
    shapely = lazy_module("shapely")

F = TypeVar("F", bound=Callable[..., Any])

#: name → loader (the public, memoised function); the registry tests and the docs list.
LOADERS: dict[str, Callable[..., Any]] = {}
#: name → (undecorated function, cache size): what each manager wraps in its own cache.
_SPECS: dict[str, tuple[Callable[..., Any], int]] = {}

#: Boundary vintage per level; buurten have two, chosen per year by code overlap.
VINTAGES: dict[str, tuple[str, ...]] = {"gemeente": ("2022",), "wijk": ("2022",), "buurt": ("2024-benaderd", "2019")}
APPROXIMATE_NOTE = (
    "Let op: de buurtgrenzen {vintage} zijn benaderd (afgeleid, niet de officiële CBS-kaart); "
    "ze kunnen 100 tot 400 meter afwijken. Gebruik de kaart voor het beeld, niet voor de grens van een perceel."
)

#: Meta keys every load writes (etl/snapshot.py, etl/refresh.py) and every cube (``etl recompute`` too):
#: together they change with every reload, refresh or recompute.
VERSION_KEYS: tuple[str, ...] = ("snapshot_loaded", "last_refresh", CUBE_STAMP)
#: At most one look at the database per this many seconds (monotonic clock), however many requests come in.
#: One small query and one ``stat`` per process: cheap enough that new data shows well within 5 s.
VERSION_CHECK_SECONDS = 2.0


def read_version(store: Store) -> tuple[str | None, ...] | None:
    """The cheap "data version" of ``store``: the load and refresh stamps in the meta table (None when unreadable)."""
    try:
        meta = store.meta()
    except Exception:  # noqa: BLE001 - no schema yet, database briefly away: check again next time
        return None
    return tuple(meta.get(k) for k in VERSION_KEYS)


class DataManager:
    """Everything the pages read from one loaded database: store, indicator service, loader caches.

    A reload builds a new manager; its caches start empty and the old ones go
    with the old manager.
    """

    def __init__(self, store: Store, online_basemap: bool = False):
        self.store = store
        self.service = IndicatorService(store)
        self.online_basemap = online_basemap
        self.version = read_version(store)
        self.checked_at = time.monotonic()
        self.check_lock = threading.Lock()
        self._cached: dict[str, Callable[..., Any]] = {}
        self._cache_lock = threading.Lock()

    def cached(self, name: str) -> Callable[..., Any]:
        """This manager's memoised version of the loader ``name``."""
        fn = self._cached.get(name)
        if fn is None:
            with self._cache_lock:
                fn = self._cached.get(name)
                if fn is None:
                    raw, maxsize = _SPECS[name]
                    fn = self._cached[name] = lru_cache(maxsize=maxsize)(raw)
        return fn

    def renewed(self) -> DataManager:
        """A fresh manager on the same store and settings (what a reload gets)."""
        return DataManager(self.store, online_basemap=self.online_basemap)


class _Current:
    """Holder of the one current :class:`DataManager` (swapped by a single attribute assignment)."""

    manager: DataManager | None = None


_CURRENT = _Current()
#: The manager the running request started with (None outside a request: then the current one is used).
_PINNED: ContextVar[DataManager | None] = ContextVar("dorpenmonitor_data_manager", default=None)


def current() -> DataManager:
    """The current data manager, whatever a request pinned (built on the configured database at first use)."""
    m = _CURRENT.manager
    return m if m is not None else configure()


def manager() -> DataManager:
    """The manager loaders read from: the one this request pinned, else the current one."""
    m = _PINNED.get()
    return m if m is not None else current()


def pin() -> Token[DataManager | None]:
    """Pin the current manager for the rest of this request (context); hand the token to :func:`unpin`."""
    return _PINNED.set(current())


def unpin(token: Token[DataManager | None] | None = None) -> None:
    """End the pin of :func:`pin` (without a token, or from another context: just drop any pin)."""
    if token is not None:
        try:
            _PINNED.reset(token)
            return
        except ValueError:  # created in another context (a copied one): fall through
            pass
    _PINNED.set(None)


@contextmanager
def pinned() -> Iterator[DataManager]:
    """``with pinned() as m:``: what a request does, for code outside a request (tests, scripts)."""
    token = pin()
    try:
        yield manager()
    finally:
        unpin(token)


def configure(store: Store | None = None, online_basemap: bool = False) -> DataManager:
    """Bind the store all loaders read from (fresh caches); ``online_basemap`` is the app's setting."""
    m = DataManager(store or get_store(), online_basemap=online_basemap)
    _CURRENT.manager = m
    return m


def online_basemap() -> bool:
    """Whether the map offers the OpenStreetMap background (setting ``online_basemap``, bound by create_app)."""
    return manager().online_basemap


def store() -> Store:
    return manager().store


def service() -> IndicatorService:
    """The indicator service of the current database."""
    return manager().service


def clear() -> None:
    """Forget every cached result: the current manager is replaced by a fresh one on the same store."""
    _CURRENT.manager = current().renewed()


# -- noticing a reload ----------------------------------------------------------

def data_version() -> tuple[str | None, ...] | None:
    """The version the current manager was built on (load and refresh stamps; None when unreadable)."""
    return current().version


def check_data_version(now: float | None = None) -> bool:
    """Swap in a fresh manager when the database was reloaded, refreshed or its file replaced; True when it did.

    Looks at most once per :data:`VERSION_CHECK_SECONDS` (``now``: a
    ``time.monotonic()`` value, for tests); called by the app before each
    request, so a running server serves new data within seconds of a
    ``dorpenmonitor etl load-snapshot`` or refresh in another process.
    Concurrent requests do not queue: whoever holds the lock checks, the rest
    go on with the current manager. A SQLite file replaced under the running
    app (a copy moved over it) counts as new data even when the copy carries
    the same load stamps: the store reopens it and nothing read from the old
    file is kept.
    """
    now = time.monotonic() if now is None else now
    m = current()
    if now - m.checked_at < VERSION_CHECK_SECONDS or not m.check_lock.acquire(blocking=False):
        return False
    try:
        if now - m.checked_at < VERSION_CHECK_SECONDS:
            return False
        m.checked_at = now
        if m.store.file_missing():
            return False  # keep serving what is open; a query now could let SQLite create an empty file there
        replaced = m.store.reopen_if_replaced()
        version = read_version(m.store)
        if not replaced and (version is None or version == m.version):
            return False
        fresh = m.renewed()
        fresh.version, fresh.checked_at = version, now
        _CURRENT.manager = fresh
        return True
    finally:
        m.check_lock.release()


def loader(maxsize: int = 256) -> Callable[[F], F]:
    """Register a loader under its function name; its cache lives on the current :class:`DataManager`."""

    def deco(fn: F) -> F:
        name = fn.__name__
        known = _SPECS.get(name)
        if known is not None and known[0].__module__ != fn.__module__:
            # Caches are keyed by name: a second loader of that name would silently replace the first one's.
            raise ValueError(f"loader '{name}' bestaat al in {known[0].__module__}; kies een andere naam")
        _SPECS[name] = (fn, maxsize)

        @wraps(fn)
        def call(*args, **kwargs):
            return manager().cached(name)(*args, **kwargs)

        LOADERS[name] = call
        return call  # type: ignore[return-value]

    return deco


# -- metadata -----------------------------------------------------------------

@loader(maxsize=1)
def snapshot_date() -> str:
    """Date of the data on screen: when the snapshot was built (or the last refresh)."""
    meta = store().meta()
    stamp = meta.get("last_refresh") or meta.get("snapshot_built")
    return fmt_date(stamp) if stamp else "onbekend"


@loader(maxsize=1)
def areas() -> pd.DataFrame:
    """All areas: code, naam, niveau (gemeente/wijk/buurt/dorp), gemeente_code, gemeente_naam."""
    return service().areas().reset_index(drop=True)


@loader(maxsize=1)
def area_index() -> dict[str, tuple[str, str]]:
    df = areas()
    return {c: (n, lv) for c, n, lv in zip(df["code"], df["naam"], df["niveau"], strict=True)}


class AreaInfo(NamedTuple):
    """One selectable area as the pages name it (a row of :func:`areas`)."""

    naam: str
    niveau: str
    gemeente_code: str | None
    gemeente_naam: str | None


@loader(maxsize=1)
def area_info() -> dict[str, AreaInfo]:
    """code → :class:`AreaInfo` of every selectable area: a dict lookup per request instead of a frame filter."""
    df = areas()
    return {str(c): AreaInfo(str(n), str(lv), None if pd.isna(gc) else str(gc), None if pd.isna(gn) else str(gn))
            for c, n, lv, gc, gn in zip(df["code"], df["naam"], df["niveau"], df["gemeente_code"],
                                        df["gemeente_naam"], strict=True)}


@loader(maxsize=1)
def region_names() -> dict[str, str]:
    """Name of every CBS region in the database (also old buurt codes), plus villages."""
    regs = store().regions()
    out = dict(zip(regs["code"], regs["name"], strict=True))
    out.update({c: n for c, (n, _) in area_index().items()})
    return out


def gemeente_of_area(code: str) -> str | None:
    """GM code of any area code, villages included."""
    if code.startswith("DP"):
        df = areas()
        hit = df.loc[df["code"] == code, "gemeente_code"]
        return str(hit.iloc[0]) if len(hit) else None
    return gemeente_of(code)


@loader(maxsize=1)
def villages() -> tuple[Village, ...]:
    """The villages in use (CBS-name defaults overridden by config/dorpen.toml)."""
    return tuple(service().villages())


@loader(maxsize=1)
def search_options() -> list[dict[str, str]]:
    """Options for the area search: villages first (what people look for), then the rest."""
    df = areas()
    order = {"dorp": 0, "gemeente": 1, "wijk": 2, "buurt": 3}
    df = df.assign(_o=df["niveau"].map(order).fillna(9)).sort_values(["_o", "naam"])
    out = []
    for code, naam, niveau, gnaam in zip(df["code"], df["naam"], df["niveau"], df["gemeente_naam"], strict=True):
        where = "" if niveau == "gemeente" else f", {gnaam}"
        out.append({"label": f"{naam} ({level_word(niveau)}{where})", "value": code})
    return out


@loader(maxsize=1)
def indicator_options() -> list[dict[str, str]]:
    order = {t: i for i, t in enumerate(THEMES)}
    items = sorted(REGISTRY.values(), key=lambda m: order.get(m.theme, 99))
    return [{"label": m.title, "value": m.id, "theme": m.theme} for m in items]


def indicator(indicator_id: str) -> Indicator:
    """The metadata record of one indicator (``indicators.REGISTRY`` entry)."""
    return REGISTRY[indicator_id]


def themes() -> tuple[str, ...]:
    return tuple(THEMES)


@loader(maxsize=1024)
def years(indicator_id: str, niveau: str) -> tuple[int, ...]:
    return tuple(sorted(int(y) for y in service().years(indicator_id, niveau)))


def levels_with_data(indicator_id: str) -> tuple[str, ...]:
    """The levels (gemeente, wijk, buurt, dorp) at which ``indicator_id`` has at least one year of data."""
    return tuple(n for n in LEVELS if years(indicator_id, n))


@loader(maxsize=1)
def catalog() -> Catalog:
    return Catalog(
        titles={k: m.title for k, m in REGISTRY.items()},
        themes_of={k: m.theme for k, m in REGISTRY.items()},
        themes=tuple(THEMES),
        years=years,
        areas=area_index(),
        gemeenten=dict(GEMEENTEN),
        no_relative_change=frozenset(k for k, m in REGISTRY.items() if not m.relative_change),
    )


# -- values -------------------------------------------------------------------

@loader(maxsize=512)
def values(indicator_id: str, niveau: str, jaar: int, gemeente: str | None = None) -> pd.DataFrame:
    """code, naam, gemeente_code, waarde, status, rank_in_gemeente, note (one row per area)."""
    return service().values(indicator_id, niveau, jaar, gemeente=gemeente)


@loader(maxsize=256)
def change(indicator_id: str, niveau: str, jaar_van: int, jaar_tot: int) -> pd.DataFrame:
    """The change per area of ``jaar_tot``'s division between two years (``IndicatorService.change``, converted)."""
    return service().change(indicator_id, niveau, int(jaar_van), int(jaar_tot))


TREND_COLUMNS = list(_TREND_COLUMNS)


@loader(maxsize=256)
def trend(indicator_id: str, codes: tuple[str, ...], omgerekend: bool = True) -> pd.DataFrame:
    """code, naam, jaar, waarde, status, bron, breuk, note, breuk_reden, omrekening for ``codes`` over all years.

    ``omgerekend``: buurten and villages on the current buurt division (default); False: as published.
    """
    if not codes:
        return pd.DataFrame(columns=TREND_COLUMNS)
    return service().trend(indicator_id, list(codes), omgerekend=omgerekend)


@loader(maxsize=1)
def conversion_summary() -> dict[str, Any]:
    """How many buurten of older divisions were converted rather than identical (per year), and how."""
    return service().conversion_summary()


@loader(maxsize=1)
def current_buurt_year() -> str:
    """The year of the current buurt division (what series are converted to), e.g. '2024'."""
    vintage = str(conversion_summary().get("huidige_indeling") or "")
    return vintage[:4] or "van nu"


@loader(maxsize=64)
def area_rows(code: str) -> dict[str, tuple[AreaRow, ...]]:
    """Every indicator and year of one area with benchmarks, rank, spread, breaks and sources (one query).

    indicator → its rows ascending by year, as plain Python values (no DataFrame: a profile reads each row
    once, and building a frame cost more than the query).
    """
    return service().area_records(code)


@loader(maxsize=64)
def compare_rows(codes: tuple[str, ...], indicators: tuple[str, ...]) -> dict[tuple[str, str], tuple[CompareRow, ...]]:
    """(code, indicator) → the published rows of a few areas ascending by year, with their benchmarks (one query).

    Vergelijken's read: plain rows, no level frame per year and no benchmark query per cell.
    """
    return service().compare_records(list(codes), list(indicators))


@loader(maxsize=512)
def benchmarks(indicator_id: str, code: str, jaar: int) -> Benchmark:
    """The value of ``code`` with its gemeente, Drenthe, monitor total, rank and comparable areas."""
    return service().benchmarks(indicator_id, code, jaar)


@loader(maxsize=64)
def drenthe_trend(indicator_id: str) -> pd.DataFrame:
    """Drenthe (12 gemeenten, aggregated by the indicator's rule) per year, as trend rows with soort='drenthe'.

    One lookup in the precomputed benchmark series (``IndicatorService.benchmark_series``), not a full
    ``benchmarks()`` (comparable areas and all) per year. ``bron``: the tables of that year's gemeente figures.
    """
    series = service().benchmark_series(indicator_id, code=DRENTHE_CODE).set_index("jaar")
    rows = []
    for jaar in years(indicator_id, "gemeente"):
        b = series.loc[jaar] if jaar in series.index else None
        status = str(b["status"]) if b is not None else "ontbreekt"
        waarde = None if b is None or pd.isna(b["waarde"]) else float(b["waarde"])
        # A total over only part of the 12 gemeenten (status 'onvolledig', e.g. 1997) is not Drenthe: no point.
        usable = status in ("ok", "onbetrouwbaar")
        rows.append({"code": DRENTHE_CODE, "naam": "Drenthe (12 gemeenten)", "jaar": jaar,
                     "waarde": waarde if usable else None, "status": status,
                     "bron": ", ".join(source_tables(indicator_id, "gemeente", jaar)),
                     "breuk": bool(b["breuk"]) if b is not None else False,
                     "note": str(b["note"]) if b is not None else "",
                     "breuk_reden": str(b["breuk_reden"]) if b is not None else "", "omrekening": "identiek",
                     "soort": "drenthe"})
    return pd.DataFrame(rows, columns=[*TREND_COLUMNS, "soort"])


@loader(maxsize=4096)
def source_tables(indicator_id: str, niveau: str, jaar: int) -> tuple[str, ...]:
    """CBS table ids the indicator's figures at this level and year actually came from (not every table it can use)."""
    return tuple(service().source_tables(indicator_id, niveau, int(jaar)))


@loader(maxsize=1)
def source_titles() -> dict[str, str]:
    """CBS table id → title, for hover and footnotes."""
    df = store().sources()
    return {str(t): str(title) for t, title in zip(df["table_id"], df["title"], strict=True)}


# -- geometry -----------------------------------------------------------------

@loader(maxsize=8)
def _boundaries(niveau: str, vintage: str) -> pd.DataFrame:
    return store().boundaries(niveau, vintage, web=True)


@loader(maxsize=16)
def vintage_for(niveau: str, jaar: int | None, indicator_id: str | None = None) -> str:
    """The boundary vintage whose areas cover most of the year's areas (newest on a tie)."""
    options = VINTAGES[niveau]
    if len(options) == 1 or jaar is None or indicator_id is None:
        return options[0]
    codes = set(values(indicator_id, niveau, jaar)["code"])
    scored = [(len(codes & set(_boundaries(niveau, v)["region_code"])), -i, v) for i, v in enumerate(options)]
    return max(scored)[2]


@loader(maxsize=8)
def geometry(niveau: str, vintage: str) -> dict[str, Any]:
    """What the map needs to know of a level's shapes; the shapes themselves travel as :func:`geo_file`.

    Returns ``{"locations", "codes", "names", "bounds", "gemeente_bounds", "approximate"}``: ``locations``
    the region codes in file order, ``codes`` the same as a frozenset (membership tests).
    """
    bnd = _boundaries(niveau, vintage)
    names = region_names()
    shapes = shapely.from_geojson(bnd["geometry"].tolist())
    gm = bnd["region_code"].map(gemeente_of)
    gb: dict[str, Bounds] = {}
    for code, idx in gm.groupby(gm).groups.items():
        b = shapely.total_bounds(shapes[list(bnd.index.get_indexer(idx))])
        gb[str(code)] = tuple(float(v) for v in b)  # type: ignore[assignment]
    return {
        "locations": bnd["region_code"].tolist(),
        "codes": frozenset(bnd["region_code"]),
        "names": [names.get(c, c) for c in bnd["region_code"]],
        "bounds": tuple(float(v) for v in shapely.total_bounds(shapes)),
        "gemeente_bounds": gb,
        "approximate": bool(bnd["approximate"].any()) if len(bnd) else False,
    }


@dataclass(frozen=True)
class GeoFile:
    """One level's GeoJSON as served: plain and gzipped bytes, and the ETag of the content."""

    raw: bytes
    gzip: bytes
    etag: str


@loader(maxsize=8)
def geo_file(niveau: str, vintage: str) -> GeoFile:
    """The static map file of one level and vintage, built once from the store's web geometry.

    Features carry ``id`` = region code (the map's ``featureidkey``),
    ``properties.naam``, which the hover reads, so no figure has to carry
    names or shapes, and ``properties.i``, the position in
    ``geometry(...)["locations"]``, by which the patched traces address
    areas. The geometry is already compact GeoJSON text in the store; it is
    pasted in, not parsed and re-serialised. Raises ``KeyError``
    for a level or vintage the app does not draw.
    """
    if vintage not in VINTAGES.get(niveau, ()):
        raise KeyError(f"{niveau}-{vintage}")
    bnd = _boundaries(niveau, vintage)
    names = region_names()
    feats = [
        f'{{"type":"Feature","id":{json.dumps(code)},"properties":{{"i":{i},"naam":'
        f'{json.dumps(names.get(code, code), ensure_ascii=False)}}},"geometry":{geom}}}'
        for i, (code, geom) in enumerate(zip(bnd["region_code"], bnd["geometry"], strict=True))
    ]
    raw = ('{"type":"FeatureCollection","features":[' + ",".join(feats) + "]}").encode()
    # mtime=0: the same content always gives the same bytes (stable ETag across restarts).
    return GeoFile(raw=raw, gzip=gzip.compress(raw, 9, mtime=0), etag=hashlib.sha256(raw).hexdigest()[:24])


def geo_url(niveau: str, vintage: str) -> str:
    """URL of :func:`geo_file` for plotly's ``geojson``; ``v`` changes with the content, so caches never go stale."""
    return f"/geo/{niveau}-{vintage}.geojson?v={geo_file(niveau, vintage).etag[:12]}"


def gemeente_outline() -> tuple[str, list[str]]:
    """(URL, codes) of the municipal borders drawn over wijk/buurt maps for orientation."""
    vintage = VINTAGES["gemeente"][0]
    return geo_url("gemeente", vintage), geometry("gemeente", vintage)["locations"]
