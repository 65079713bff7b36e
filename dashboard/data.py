"""Named, cached data loaders: the only way data reaches the pages.

Pages never see the :class:`~dorpenmonitor.store.Store`; they call the loaders
below by name. Each loader is memoised (the data only changes when a refresh
swaps in new rows, after which :func:`clear` is called), so switching an
indicator costs a dictionary lookup plus the indicator computation, not a
database round trip.

:func:`configure` binds the store: ``create_app(store)`` calls it, so tests
can point the whole app at a temporary database.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, TypeVar

import pandas as pd
import shapely

from dashboard.formatting import level_word
from dashboard.links import Catalog
from dashboard.theme import Bounds
from dorpenmonitor.settings import DRENTHE, GEMEENTEN
from dorpenmonitor.store import Store, get_store

F = TypeVar("F", bound=Callable[..., Any])

#: name → loader; the registry tests and the docs list (vizro's data_manager idea).
LOADERS: dict[str, Callable[..., Any]] = {}
_STORE: Store | None = None
_ONLINE_BASEMAP = False

#: Boundary vintage per level; buurten have two, chosen per year by code overlap.
VINTAGES: dict[str, tuple[str, ...]] = {"gemeente": ("2022",), "wijk": ("2022",), "buurt": ("2024-benaderd", "2019")}
APPROXIMATE_NOTE = (
    "Let op: de buurtgrenzen {vintage} zijn benaderd (afgeleid, niet de officiële CBS-kaart); "
    "ze kunnen 100 tot 400 meter afwijken. Gebruik de kaart voor het beeld, niet voor de grens van een perceel."
)


def configure(store: Store | None = None, online_basemap: bool = False) -> Store:
    """Bind the store all loaders read from and empty the caches; ``online_basemap`` is the app's setting."""
    global _STORE, _ONLINE_BASEMAP, _VERSION, _CHECKED_AT
    _STORE = store or get_store()
    _ONLINE_BASEMAP = online_basemap
    clear()
    _VERSION, _CHECKED_AT = data_version(), time.monotonic()
    return _STORE


def online_basemap() -> bool:
    """Whether the map offers the OpenStreetMap background (setting ``online_basemap``, bound by create_app)."""
    return _ONLINE_BASEMAP


def store() -> Store:
    return _STORE if _STORE is not None else configure()


def clear() -> None:
    """Forget every cached result (after a data refresh): the dashboard's loaders and ``indicators.api``'s frames."""
    _api().clear_cache()
    for fn in LOADERS.values():
        fn.cache_clear()  # type: ignore[attr-defined]


# -- noticing a reload ----------------------------------------------------------

#: Meta keys every load writes (etl/snapshot.py, etl/refresh.py): together they change with every reload or refresh.
VERSION_KEYS: tuple[str, ...] = ("snapshot_loaded", "last_refresh")
#: At most one look at the database per this many seconds (monotonic clock), however many requests come in.
VERSION_CHECK_SECONDS = 5.0
_VERSION: tuple[str | None, ...] | None = None
_CHECKED_AT = -math.inf
_VERSION_LOCK = threading.Lock()


def data_version() -> tuple[str | None, ...] | None:
    """The cheap "data version": the load and refresh stamps in the meta table (None when unreadable)."""
    if _STORE is None:
        return None
    try:
        meta = _STORE.meta()
    except Exception:  # noqa: BLE001 - no schema yet, database briefly away: check again next time
        return None
    return tuple(meta.get(k) for k in VERSION_KEYS)


def check_data_version(now: float | None = None) -> bool:
    """Empty every cache when the database was reloaded or refreshed since the last look; True when it did.

    Looks at most once per :data:`VERSION_CHECK_SECONDS` (``now``: a
    ``time.monotonic()`` value, for tests); called by the app before each
    request, so a running server serves new data within seconds of a
    ``dorpenmonitor etl load-snapshot`` or refresh in another process.
    Concurrent requests do not queue: whoever holds the lock checks, the rest
    go on with the caches as they are.
    """
    global _VERSION, _CHECKED_AT
    now = time.monotonic() if now is None else now
    if now - _CHECKED_AT < VERSION_CHECK_SECONDS or not _VERSION_LOCK.acquire(blocking=False):
        return False
    try:
        if now - _CHECKED_AT < VERSION_CHECK_SECONDS:
            return False
        _CHECKED_AT = now
        version = data_version()
        if version is None or version == _VERSION:
            return False
        _VERSION = version
        clear()
        return True
    finally:
        _VERSION_LOCK.release()


def loader(maxsize: int = 256) -> Callable[[F], F]:
    """Register a memoised loader under its function name."""

    def deco(fn: F) -> F:
        cached = lru_cache(maxsize=maxsize)(fn)
        LOADERS[fn.__name__] = cached
        return wraps(fn)(cached)  # type: ignore[return-value]

    return deco


def _api():
    # Imported late: the indicator package is heavier than the app shell.
    from indicators import api

    return api


def _registry():
    from indicators import REGISTRY, THEMES

    return REGISTRY, THEMES


# -- metadata -----------------------------------------------------------------

@loader(maxsize=1)
def snapshot_date() -> str:
    """Date of the data on screen: when the snapshot was built (or the last refresh)."""
    meta = store().meta()
    return meta.get("last_refresh") or meta.get("snapshot_built") or "onbekend"


@loader(maxsize=1)
def areas() -> pd.DataFrame:
    """All areas: code, naam, niveau (gemeente/wijk/buurt/dorp), gemeente_code, gemeente_naam."""
    return _api().areas(store()).reset_index(drop=True)


@loader(maxsize=1)
def area_index() -> dict[str, tuple[str, str]]:
    df = areas()
    return {c: (n, lv) for c, n, lv in zip(df["code"], df["naam"], df["niveau"], strict=True)}


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
    reg, themes = _registry()
    order = {t: i for i, t in enumerate(themes)}
    items = sorted(reg.values(), key=lambda m: order.get(m.theme, 99))
    return [{"label": m.title, "value": m.id, "theme": m.theme} for m in items]


def indicator(indicator_id: str):
    """The metadata record of one indicator (``indicators.REGISTRY`` entry)."""
    return _registry()[0][indicator_id]


def themes() -> tuple[str, ...]:
    return tuple(_registry()[1])


@loader(maxsize=1024)
def years(indicator_id: str, niveau: str) -> tuple[int, ...]:
    return tuple(sorted(int(y) for y in _api().years(store(), indicator_id, niveau)))


@loader(maxsize=1)
def catalog() -> Catalog:
    reg, th = _registry()
    return Catalog(
        titles={k: m.title for k, m in reg.items()},
        themes_of={k: m.theme for k, m in reg.items()},
        themes=tuple(th),
        years=years,
        areas=area_index(),
        gemeenten=dict(GEMEENTEN),
    )


# -- values -------------------------------------------------------------------

@loader(maxsize=512)
def values(indicator_id: str, niveau: str, jaar: int, gemeente: str | None = None) -> pd.DataFrame:
    """code, naam, gemeente_code, waarde, status, rank_in_gemeente, note (one row per area)."""
    return _api().values(store(), indicator_id, niveau, jaar, gemeente=gemeente)


@loader(maxsize=256)
def trend(indicator_id: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """code, naam, jaar, waarde, status, bron, breuk for ``codes`` over all years."""
    if not codes:
        return pd.DataFrame(columns=["code", "naam", "jaar", "waarde", "status", "bron", "breuk"])
    return _api().trend(store(), indicator_id, list(codes))


@loader(maxsize=512)
def benchmarks(indicator_id: str, code: str, jaar: int) -> dict[str, Any]:
    return dict(_api().benchmarks(store(), indicator_id, code, jaar))


DRENTHE_CODE = "PV22"


@loader(maxsize=64)
def drenthe_trend(indicator_id: str) -> pd.DataFrame:
    """Drenthe (12 gemeenten, aggregated by the indicator's rule) per year, as trend rows with soort='drenthe'.

    One lookup in the precomputed benchmark series (``api.benchmark_series``), not a full
    ``benchmarks()`` (comparable areas and all) per year. ``bron``: the tables of that year's gemeente figures.
    """
    series = _api().benchmark_series(store(), indicator_id, code=DRENTHE_CODE).set_index("jaar")
    rows = []
    for jaar in years(indicator_id, "gemeente"):
        b = series.loc[jaar] if jaar in series.index else None
        waarde = None if b is None or pd.isna(b["waarde"]) else float(b["waarde"])
        dekking = None if b is None or pd.isna(b["dekking"]) else float(b["dekking"])
        # A total over only part of the 12 gemeenten (early years) is not Drenthe: leave the point out.
        complete = dekking is None or dekking >= 0.999
        rows.append({"code": DRENTHE_CODE, "naam": "Drenthe (12 gemeenten)", "jaar": jaar,
                     "waarde": waarde if complete else None,
                     "status": b["status"] if b is not None else "ontbreekt",
                     "bron": ", ".join(source_tables(indicator_id, "gemeente", jaar)), "breuk": False,
                     "soort": "drenthe"})
    return pd.DataFrame(rows, columns=["code", "naam", "jaar", "waarde", "status", "bron", "breuk", "soort"])


@loader(maxsize=4096)
def source_tables(indicator_id: str, niveau: str, jaar: int) -> tuple[str, ...]:
    """CBS table ids the indicator's figures at this level and year actually came from (not every table it can use)."""
    return tuple(_api().source_tables(store(), indicator_id, niveau, int(jaar)))


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


def gemeente_of(code: str) -> str:
    """GM code of any GM/WK/BU code (the 4 digits after the prefix are the municipality)."""
    return "GM" + str(code)[2:6]


def drenthe_codes() -> tuple[str, ...]:
    return DRENTHE


def warm(niveaus: tuple[str, ...] = ("gemeente", "wijk", "buurt", "dorp")) -> None:
    """Fill the caches a first visitor would otherwise wait for.

    In order of need: the years per indicator and level (every page; for
    'dorp' this computes all village aggregates, ~4 s cold), the Drenthe
    benchmark series of every indicator (trends page and profile
    benchmarks; every year's gemeente aggregates), each indicator's newest
    village values, and one village's benchmarks and trend, which fills the
    tables all village profiles share (comparable areas, series breaks).
    Cold, a first village profile took ~9 s; after this ~1 s. ~17 s in all:
    :func:`warm_in_background` runs it beside the server.
    """
    cat = catalog()
    for ind in cat.titles:
        for niveau in niveaus:
            years(ind, niveau)
    search_options()
    for ind in cat.titles:
        drenthe_trend(ind)
    if "dorp" not in niveaus:
        return
    dorpen = areas().loc[lambda df: df["niveau"] == "dorp", "code"]
    sample = str(dorpen.iloc[0]) if len(dorpen) else None
    for ind in cat.titles:
        yrs = years(ind, "dorp")
        if not yrs:
            continue
        values(ind, "dorp", yrs[-1])
        if sample:
            benchmarks(ind, sample, yrs[-1])
            trend(ind, (sample,))


def warm_in_background() -> threading.Thread:
    """Run :func:`warm` in a daemon thread, so the server answers meanwhile (app start-up, the browser tests).

    A request that needs a result before the thread got there computes it itself; the caches are shared.
    """
    thread = threading.Thread(target=warm, name="warm-caches", daemon=True)
    thread.start()
    return thread
