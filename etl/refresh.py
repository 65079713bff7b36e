"""Refresh KWB years from CBS (live or a carried-over download), one year at a time.

``refresh()`` handles every requested year on its own: get the table (a live
download filtered at the server to the municipalities in scope, or a folder
written elsewhere by ``cbsodata.download_data`` / ``dorpenmonitor etl
download``), resolve its columns from its own metadata (:mod:`etl.resolve`),
transform, fetch that year's wijk- en buurtkaart, and stage + swap it in its
own :class:`etl.load.LoadRun`. A year that fails (HTTP 500, time-out, broken
JSON, a required variable not recognised) keeps its previous data and is
reported with its reason; the years that passed are live. The offline route
is the same code path minus the network.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dorpenmonitor.catalogue import variable_rows
from dorpenmonitor.http import RECORD_FILE, DownloadError, NotPublished, read_record, sha256_file
from dorpenmonitor.settings import GEMEENTEN, Settings
from dorpenmonitor.store import ConcurrentLoadError, Scope, Store, now, years_text
from etl.crosswalk import KWB_TABLES, SchemaDriftError
from etl.extract import data_rows_for, download_kwb, read_raw, table_url
from etl.load import LoadError, LoadRun
from etl.resolve import MetaError, Resolution, read_meta, resolve_folder
from etl.transform import CBS_CODE, REGION_COLUMNS, kwb_observations, region_row

CBS_LICENCE_ROW = "CC BY 4.0 — Bron: CBS"
#: meta keys: the resolution behind a year's live data, and the last failed attempt
RESOLUTION_META = "kwb_resolutie_"
ATTEMPT_META = "kwb_poging_"
BOUNDARY_META = "grenzen_"
LOADED, FAILED = "geladen", "mislukt"


class RefreshError(RuntimeError):
    """A refresh in which at least one year failed; those years kept their previous data.

    ``report`` says which years landed and why the others did not.
    """

    def __init__(self, message: str, report: RefreshReport | None = None):
        super().__init__(message)
        self.report = report


@dataclass
class TableResult:
    year: int
    table_id: str
    title: str
    rows: int
    observations: int
    modified: str = ""


@dataclass
class YearResult:
    """What happened to one year."""

    year: int
    table_id: str
    status: str = FAILED
    reason: str = ""
    run_id: int | None = None
    rows: int = 0
    resolution: Resolution | None = None
    boundaries: str = ""


@dataclass
class RefreshReport:
    """What a refresh did; ``summary()`` is what the CLI prints."""

    years: list[int]
    gemeenten: list[str]
    ok: bool = False
    run_id: int | None = None
    rows: int = 0
    tables: list[TableResult] = field(default_factory=list)
    boundaries: dict[int, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    message: str = ""
    results: list[YearResult] = field(default_factory=list)
    origin: str = "live"

    @property
    def failed(self) -> list[YearResult]:
        return [r for r in self.results if r.status != LOADED]

    @property
    def loaded(self) -> list[YearResult]:
        return [r for r in self.results if r.status == LOADED]

    def summary(self) -> str:
        route = "uit download" if self.origin != "live" else "live"
        lines = [
            f"Verversen ({route}) {'gelukt' if self.ok else 'MISLUKT'}: "
            f"jaren {years_text(self.years) if self.years else '—'}, {len(self.gemeenten)} gemeente(n), "
            f"{self.rows} rijen geladen."
        ]
        for t in self.tables:
            lines.append(f"  {t.year} {t.table_id} {t.title}: {t.rows} gebieden, {t.observations} waarnemingen"
                         + (f" (CBS gewijzigd {t.modified})" if t.modified else ""))
        for year, counts in sorted(self.boundaries.items()):
            lines.append(f"  grenzen {year}: " + ", ".join(f"{n} {lvl}" for lvl, n in counts.items()))
        if self.warnings:
            lines.append(f"  {len(self.warnings)} waarschuwing(en):")
            lines += [f"    - {w}" for w in self.warnings[:20]]
            if len(self.warnings) > 20:
                lines.append(f"    … en nog {len(self.warnings) - 20}")
        if self.results:
            lines.append("Samenvatting per jaar:")
            for r in self.results:
                extra = f": {r.reason}" if r.reason else (f" (laadrun {r.run_id})" if r.run_id else "")
                lines.append(f"  {r.year} {r.table_id:9s} {r.status.upper() if r.status != LOADED else r.status}"
                             f"{extra}")
            lines.append(f"  {len(self.loaded)} van {len(self.results)} jaar geladen"
                         + (f"; mislukt: {', '.join(str(r.year) for r in self.failed)} "
                            f"(vorige gegevens van die jaren blijven staan)" if self.failed else "."))
        if self.message:
            lines.append(f"  {self.message}")
        return "\n".join(lines)


def parse_years(spec: str, known_only: bool = True) -> list[int]:
    """``"2013-2025"``, ``"2022,2024"`` or ``"2013-2015,2020"`` → sorted years.

    ``known_only``: every year must have a KWB table id we know (a carried-over
    download names its own tables, so ``--from-raw`` passes False).
    """
    years: set[int] = set()
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        m = re.fullmatch(r"(\d{4})\s*(?:-|–|\.\.)\s*(\d{4})", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if a > b:
                raise ValueError(f"Ongeldig jaarbereik '{part}': begin na einde")
            years.update(range(a, b + 1))
        elif re.fullmatch(r"\d{4}", part):
            years.add(int(part))
        else:
            raise ValueError(f"Ongeldige jaren '{spec}': gebruik bijvoorbeeld 2013-2025 of 2022,2024")
    if not years:
        raise ValueError("Geen jaren opgegeven")
    unknown = sorted(y for y in years if y not in KWB_TABLES)
    if unknown and known_only:
        raise ValueError(
            f"Geen KWB-tabel bekend voor {', '.join(map(str, unknown))}; "
            f"beschikbaar: {min(KWB_TABLES)}-{max(KWB_TABLES)}"
        )
    return sorted(years)


def _check_inputs(years: Iterable[int], gemeenten: Iterable[str], known: set[int] | None = None
                  ) -> tuple[list[int], list[str]]:
    ys = sorted(set(int(y) for y in years))
    gms = sorted(set(g.strip().upper() for g in gemeenten))
    if not ys:
        raise ValueError("Geen jaren opgegeven")
    bad_y = [y for y in ys if y not in KWB_TABLES and y not in (known or set())]
    if bad_y:
        raise ValueError(f"Geen KWB-tabel bekend voor {', '.join(map(str, bad_y))}")
    if not gms:
        raise ValueError("Geen gemeenten opgegeven")
    bad_g = [g for g in gms if g not in GEMEENTEN]
    if bad_g:
        raise ValueError(f"Onbekende gemeentecode(s) {', '.join(bad_g)}; kies uit {', '.join(GEMEENTEN)}")
    return ys, gms


def kwb_source_row(table_id: str, infos: dict, record: dict, raw: Path) -> dict:
    """The ``sources`` row of one live KWB table."""
    sha = record.get("sha256", {}).get("TypedDataSet.json", "")
    flt = record.get("filter", "")
    how = ("Ingelezen uit een elders gemaakte download (cbsodata-formaat, --from-raw)" if record.get("offline")
           else "Live opgehaald met cbsodata (TypedDataSet), op de server gefilterd op "
                f"{', '.join(record.get('gemeenten', []))}")
    return {
        "id": f"{table_id}@cbs",
        "table_id": table_id,
        "title": str(infos.get("Title") or infos.get("ShortTitle") or table_id),
        "publisher": "CBS",
        "republisher": "",
        "periods": str(infos.get("Period", "")).strip()[:40],
        "licence": CBS_LICENCE_ROW,
        "url": record.get("url", ""),
        "retrieved": record.get("retrieved", ""),
        "checksum": f"sha256:{sha}" if sha else "",
        "notes": (
            f"{how}; ruwe kopie in {raw.name}/. "
            f"TableInfos.Modified {infos.get('Modified', '?')}. "
            f"Filter: {flt if isinstance(flt, str) else ' | '.join(flt)}"
        )[:4000],
    }


# -- carried-over downloads -------------------------------------------------------

def find_raw_tables(folder: Path | str) -> dict[int, Path]:
    """KWB download folders in ``folder`` (itself or its sub-folders), by year.

    A folder counts when it holds ``TableInfos.json`` and ``DataProperties.json``
    (the files ``cbsodata.download_data`` writes); the year comes from
    TableInfos (``Period``/title). Raises ``ValueError`` (Dutch) when nothing
    usable is found or one year occurs twice.
    """
    root = Path(folder)
    if not root.is_dir():
        raise ValueError(f"Map {root} bestaat niet.")
    candidates = [root, *sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))]
    found: dict[int, Path] = {}
    for cand in candidates:
        if not (cand / "TableInfos.json").is_file():
            continue
        try:
            meta = read_meta(cand)
        except MetaError:
            continue
        if meta.year is None:
            continue
        if meta.year in found:
            raise ValueError(f"Jaar {meta.year} staat twee keer in {root}: {found[meta.year].name} en {cand.name}; "
                             f"laat er één over.")
        found[meta.year] = cand
    if not found:
        raise ValueError(f"Geen CBS-downloads gevonden in {root}: verwacht mappen met TableInfos.json, "
                         f"DataProperties.json en TypedDataSet.json (cbsodata.download_data of "
                         f"'dorpenmonitor etl download').")
    return found


def _raw_record(folder: Path, table_id: str, gemeenten: list[str]) -> dict:
    """The download record of a folder; for a plain cbsodata folder, one made up from the files."""
    if (folder / RECORD_FILE).is_file():
        return read_record(folder)
    data = folder / "TypedDataSet.json"
    stamp = dt.datetime.fromtimestamp(data.stat().st_mtime, dt.UTC).replace(microsecond=0).isoformat() \
        if data.exists() else ""
    return {"table_id": table_id, "url": "", "filter": "", "gemeenten": gemeenten, "retrieved": stamp,
            "sha256": {"TypedDataSet.json": sha256_file(data)} if data.exists() else {},
            "offline": True}


# -- the refresh ------------------------------------------------------------------

#: Fetches one map year's boundaries, ``(year, gemeenten, raw_dir, *, source_id, base_url, timeout, retries,
#: backoff, progress)`` → an object with ``rows`` ({level: boundaries rows}), ``names`` (code, name)
#: and ``source`` (its ``sources`` row); raises :class:`dorpenmonitor.http.NotPublished` for a year
#: without a map. The command line passes ``geodata.pdok.boundary_year`` (live) or
#: ``geodata.pdok.kept_boundary_year`` (a carried-over download): ``etl`` never imports ``geodata``.
BoundaryFetcher = Callable[..., Any]


def refresh(
    store: Store,
    settings: Settings,
    years: Sequence[int] | None,
    gemeenten: Sequence[str],
    boundaries: bool = True,
    *,
    progress: bool | None = None,
    backoff: float = 1.0,
    fetch_boundaries: BoundaryFetcher | None = None,
    from_raw: Path | str | None = None,
    after_swap: Sequence[Callable[[Store, RefreshReport], None]] = (),
) -> RefreshReport:
    """Refresh KWB ``years`` for ``gemeenten``, each year staged and swapped on its own.

    Live (default): downloads go to ``settings.raw_dir`` (``<table_id>/`` and
    ``pdok-wijken-en-buurten-<year>/``), with ``settings.http_timeout`` per
    request and ``settings.http_retries`` retries (backoff ``backoff`` × 2ⁿ s).
    Offline (``from_raw``): the tables are read from that folder
    (:func:`find_raw_tables`; ``years=None`` means every year found) and
    ``fetch_boundaries`` gets that folder as its raw folder (the CLI passes a
    reader of its ``pdok-wijken-en-buurten-<year>/`` folders); no network.
    With ``boundaries`` true, ``fetch_boundaries`` (:data:`BoundaryFetcher`) is required.

    For each year, the (region, period, variable) values it produces replace
    the live ones for the municipalities in scope; other figures stay. A
    year's boundaries that are not available are a warning, not a failure:
    the previous boundaries of that vintage (if any) stay, the year's
    ``grenzen_<year>`` meta note says so, and the map draws the year with
    the vintage that covers its areas best. ``after_swap`` hooks
    (``hook(store, report)``) run once at the end when at least one year
    landed, also when another year failed.

    Returns the :class:`RefreshReport` when every year landed; otherwise raises
    :class:`RefreshError` whose ``report`` lists year × status with reasons.
    """
    raw_folders: dict[int, Path] = {}
    if from_raw is not None:
        raw_folders = find_raw_tables(from_raw)
        if years is None:
            years = sorted(raw_folders)
        missing = sorted(set(int(y) for y in years) - set(raw_folders))
        if missing:
            raise ValueError(f"Jaar {', '.join(map(str, missing))} niet gevonden in {from_raw} "
                             f"(wel: {', '.join(map(str, sorted(raw_folders)))}).")
    elif years is None:
        raise ValueError("Geen jaren opgegeven")
    if boundaries and fetch_boundaries is None:
        raise ValueError("Grenzen verversen vraagt om een grenzenbron (fetch_boundaries); of kies zonder grenzen")
    ys, gms = _check_inputs(years, gemeenten, known=set(raw_folders) or None)
    report = RefreshReport(years=ys, gemeenten=gms, origin="raw" if from_raw is not None else "live")
    raw_dir = Path(settings.raw_dir)
    net = {"timeout": settings.http_timeout, "retries": settings.http_retries, "backoff": backoff,
           "progress": progress}
    bnd_dir = Path(from_raw) if from_raw is not None else raw_dir
    fetch = fetch_boundaries if boundaries else None
    try:
        store.create_schema()
        with store.load_lock():  # another load alive? Each year's LoadRun takes the lock again for its own swap.
            store.recover()
    except ConcurrentLoadError as exc:
        report.message = str(exc)
        raise RefreshError(str(exc), report) from exc
    names = _NameKeeper(store)
    for year in ys:
        table_id = KWB_TABLES.get(year) or (read_meta(raw_folders[year]).table_id if year in raw_folders else "?")
        result = YearResult(year, table_id)
        report.results.append(result)
        try:
            folder = raw_folders.get(year)
            _refresh_year(store, settings, year, gms, fetch, raw_dir, bnd_dir, net, report, result, names, folder)
            result.status = LOADED
        except Exception as exc:  # noqa: BLE001 - one year's failure is reported, the others go on
            result.status, result.reason = FAILED, _message(exc)
            _remember_attempt(store, result)
    report.ok = not report.failed
    report.run_id = next((r.run_id for r in reversed(report.results) if r.run_id), None)
    if report.loaded:
        for hook in after_swap:
            hook(store, report)
    if not report.ok:
        failed = ", ".join(f"{r.year} ({r.reason})" for r in report.failed)
        report.message = f"Niet geladen: {failed}"
        raise RefreshError(f"{len(report.failed)} van {len(report.results)} jaar mislukt: {failed}", report)
    return report


def _message(exc: BaseException) -> str:
    if isinstance(exc, DownloadError | SchemaDriftError | LoadError | MetaError | RefreshError):
        return str(exc)
    return f"Verversen mislukt (refresh failed): {type(exc).__name__}: {exc}"


def _remember_attempt(store: Store, result: YearResult) -> None:
    """Keep why a year failed (its previous data and resolution stay as they were)."""
    rec = {"jaar": result.year, "table_id": result.table_id, "status": FAILED, "reden": result.reason,
           "tijd": now(), "resolutie": result.resolution.as_record() if result.resolution else None}
    try:
        store.put_meta({f"{ATTEMPT_META}{result.year}": json.dumps(rec, ensure_ascii=False)})
    except Exception:  # noqa: BLE001 - reporting a failure must not hide it
        pass


class _NameKeeper:
    """The newest KWB year names a region; an older year only adds codes not yet known."""

    def __init__(self, store: Store):
        regs = store.regions()
        self.known = set(regs["code"]) if not regs.empty else set()
        periods = store.periods(variable="inwoners")
        self.newest = max(periods) if periods else 0

    def regions_for(self, year: int, regions: pd.DataFrame) -> pd.DataFrame:
        if year >= self.newest:
            return regions
        return regions[~regions["code"].isin(self.known)]

    def landed(self, year: int, codes: Iterable[str]) -> None:
        self.known |= set(codes)
        self.newest = max(self.newest, year)


def _refresh_year(
    store: Store,
    settings: Settings,
    year: int,
    gemeenten: list[str],
    fetch_boundaries: BoundaryFetcher | None,
    raw_dir: Path,
    bnd_dir: Path,
    net: dict,
    report: RefreshReport,
    result: YearResult,
    names: _NameKeeper,
    raw_folder: Path | None,
) -> None:
    scope = Scope(periods=(year,), gemeenten=tuple(gemeenten))
    # The run spans download to swap, so a failed download is a failed run in the log too.
    with LoadRun(store, "refresh", scope) as run:
        result.run_id = run.run_id
        _year_in_run(store, settings, run, scope, year, gemeenten, fetch_boundaries, raw_dir, bnd_dir, net, report,
                     result, names, raw_folder)
    store.delete_meta([f"{ATTEMPT_META}{year}"])


def _year_in_run(
    store: Store,
    settings: Settings,
    run: LoadRun,
    scope: Scope,
    year: int,
    gemeenten: list[str],
    fetch_boundaries: BoundaryFetcher | None,
    raw_dir: Path,
    bnd_dir: Path,
    net: dict,
    report: RefreshReport,
    result: YearResult,
    names: _NameKeeper,
    raw_folder: Path | None,
) -> None:
    if raw_folder is None:
        folder = download_kwb(result.table_id, gemeenten, raw_dir, catalog_url=settings.cbs_catalog_url,
                              use_https=settings.cbs_use_https, **net)
    else:
        folder = raw_folder
        if not (folder / "TypedDataSet.json").is_file():
            raise MetaError(f"{folder}: TypedDataSet.json ontbreekt (download onvolledig?).")
    res = resolve_folder(folder, year)
    result.resolution = res
    result.table_id = res.table_id
    if res.year is not None and res.year != year:
        raise MetaError(f"{folder}: tabel {res.table_id} is van {res.year}, niet van {year}.")
    if not res.ok:
        raise SchemaDriftError(res.failure_reason())
    infos, keys, data = read_raw(folder)
    record = _raw_record(folder, res.table_id, gemeenten)
    if raw_folder is None:
        record.setdefault("url", table_url(res.table_id, settings.cbs_catalog_url, settings.cbs_use_https))
    data = data_rows_for(data, gemeenten, res.code_column)
    if data.empty:
        raise RefreshError(f"CBS-tabel {res.table_id} ({year}) gaf geen rijen voor {', '.join(gemeenten)} "
                           f"(no rows for these municipalities)")
    source_id = f"{res.table_id}@cbs"
    regions, obs, warnings = kwb_observations(data, res.table_id, year, keys, source_id, resolution=res)
    report.warnings += [w for w in warnings if "niet in deze jaargang" not in w]

    bnd_parts: list[pd.DataFrame] = []
    source_rows = [kwb_source_row(res.table_id, infos, record, folder)]
    geo_regions: list[dict] = []
    vintages: tuple[str, ...] = ()
    if fetch_boundaries is not None:
        sid = f"wijkbuurtkaart-{year}@pdok"
        try:
            bnd = fetch_boundaries(year, gemeenten, bnd_dir, source_id=sid, base_url=settings.pdok_base_url, **net)
        except NotPublished as exc:
            result.boundaries = (f"geen grenzen voor {year} ({exc}); het jaar is zonder eigen grenzen geladen "
                                 f"en de kaart tekent het met de jaargang die de gebieden het best dekt")
            report.warnings.append(f"Geen PDOK-grenzen voor {year} (not published): {exc}")
        else:
            bnd_parts = list(bnd.rows.values())
            geo_regions = [region_row(c, n if isinstance(n, str) and n.strip() else c)
                           for c, n in zip(bnd.names["code"], bnd.names["name"], strict=True) if CBS_CODE.match(c)]
            counts = {level: len(rows) for level, rows in bnd.rows.items()}
            report.boundaries[year] = counts
            result.boundaries = ", ".join(f"{n} {lvl}" for lvl, n in counts.items())
            source_rows.append(bnd.source)
            vintages = (str(year),)

    scope.vintages = vintages
    scope.variables = tuple(sorted(obs["variable"].unique()))
    geo = pd.DataFrame(geo_regions, columns=REGION_COLUMNS)
    geo = geo[~geo["code"].isin(regions["code"]) & ~geo["code"].isin(names.known)]
    all_regions = pd.concat([regions, geo], ignore_index=True)[REGION_COLUMNS].drop_duplicates("code")
    run.stage(obs=obs)
    for part in bnd_parts:
        run.stage(bnd=part)
    stamp = now()
    result.rows = run.swap(
        regions_df=names.regions_for(year, all_regions),
        variables_rows=_variable_rows(store, year, res),
        source_rows=source_rows,
        meta_rows={
            "last_refresh": stamp,
            "last_refresh_scope": scope.describe(),
            "data_origin": "live",
            # per-year records (shown by 'etl status' and Over de data, not as plain meta lines)
            f"{RESOLUTION_META}{year}": json.dumps({**res.as_record(), "status": LOADED, "tijd": stamp,
                                                    "route": report.origin, "map": str(folder)},
                                                   ensure_ascii=False),
            f"{BOUNDARY_META}{year}": result.boundaries or "niet opgehaald (--zonder-grenzen)",
        },
    )
    run.note(f"{year} {res.table_id}: {len(obs)} waarnemingen, {sum(len(b) for b in bnd_parts)} grenzen")
    names.landed(year, all_regions["code"])
    report.rows += result.rows
    report.tables.append(TableResult(year, res.table_id, str(infos.get("Title", "")), len(regions), len(obs),
                                     str(infos.get("Modified", ""))))


def _variable_rows(store: Store, year: int, res: Resolution) -> list[dict]:
    """Catalogue rows with ``source_keys`` extended by the keys this year resolved to."""
    current = store.variables()
    known = dict(zip(current["key"], current["source_keys"], strict=True)) if not current.empty else {}
    rows = variable_rows()
    for row in rows:
        try:
            keys = json.loads(known.get(row["key"]) or row["source_keys"] or "{}")
        except ValueError:
            keys = {}
        r = res.get(row["key"])
        if r is not None and r.status == "ok" and r.key:
            keys[str(year)] = r.key
        row["source_keys"] = json.dumps(dict(sorted(keys.items())))
    return rows


# -- download for elsewhere --------------------------------------------------------

@dataclass
class DownloadReport:
    """``etl download``: year × status."""

    folder: Path
    results: list[YearResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.status == LOADED for r in self.results)

    def summary(self) -> str:
        lines = [f"Download naar {self.folder}:"]
        for r in self.results:
            what = f"opgehaald ({r.boundaries})" if r.status == LOADED else f"MISLUKT: {r.reason}"
            lines.append(f"  {r.year} {r.table_id:9s} {what}")
        bad = [str(r.year) for r in self.results if r.status != LOADED]
        lines.append(f"  {len(self.results) - len(bad)} van {len(self.results)} jaar opgehaald"
                     + (f"; mislukt: {', '.join(bad)}" if bad else "."))
        lines.append("  Inlezen op de doelmachine: dorpenmonitor etl refresh --from-raw <deze map>")
        return "\n".join(lines)


def download_years(
    settings: Settings,
    years: Sequence[int],
    gemeenten: Sequence[str],
    dest: Path | str,
    *,
    fetch_boundaries: BoundaryFetcher | None = None,
    progress: bool | None = None,
    backoff: float = 1.0,
) -> DownloadReport:
    """Download each year's KWB table (and PDOK map) into ``dest`` for a later ``--from-raw``.

    Each year is tried on its own; a failed year is reported and the others
    still land. ``fetch_boundaries`` (the CLI passes ``geodata.pdok.boundary_year``)
    keeps each year's map in ``dest/pdok-wijken-en-buurten-<year>/``. Every table
    is checked with :func:`etl.resolve.resolve_folder`, so a table the target
    machine could not load is flagged here already.
    """
    ys, gms = _check_inputs(years, gemeenten)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    net = {"timeout": settings.http_timeout, "retries": settings.http_retries, "backoff": backoff,
           "progress": progress}
    report = DownloadReport(dest)
    for year in ys:
        result = YearResult(year, KWB_TABLES[year])
        report.results.append(result)
        try:
            folder = download_kwb(result.table_id, gms, dest, catalog_url=settings.cbs_catalog_url,
                                  use_https=settings.cbs_use_https, **net)
            res = resolve_folder(folder, year)
            result.resolution = res
            if not res.ok:
                raise SchemaDriftError(res.failure_reason())
            result.boundaries = "zonder grenzen"
            if fetch_boundaries is not None:
                try:
                    bnd = fetch_boundaries(year, gms, dest, source_id=f"wijkbuurtkaart-{year}@pdok",
                                           base_url=settings.pdok_base_url, **net)
                    result.boundaries = "grenzen: " + ", ".join(f"{len(r)} {lvl}" for lvl, r in bnd.rows.items())
                except NotPublished:
                    result.boundaries = "geen PDOK-grenzen voor dit jaar"
            result.status = LOADED
        except Exception as exc:  # noqa: BLE001 - reported per year
            result.status, result.reason = FAILED, _message(exc)
    return report
