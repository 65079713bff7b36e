"""Live refresh: CBS (cbsodata) and PDOK → transform → one atomic load.

``refresh()`` downloads every requested KWB year (filtered at the server to
the municipalities in scope), keeps the raw copies, transforms them with the
same functions as the snapshot, optionally fetches the wijk- en buurtkaart
from PDOK, and swaps everything in with one :class:`etl.load.LoadRun`. Any
failure (HTTP 500, time-out, broken JSON, schema drift) marks the load run
failed, leaves the live tables exactly as they were and raises
:class:`RefreshError` with a message naming the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dorpenmonitor.catalogue import variable_rows
from dorpenmonitor.http import DownloadError, NotPublished, read_record
from dorpenmonitor.settings import GEMEENTEN, Settings
from dorpenmonitor.store import Scope, Store, now, years_text
from etl.crosswalk import KWB_TABLES, SchemaDriftError
from etl.extract import data_rows_for, download_kwb, read_raw, table_url
from etl.load import LoadError, LoadRun
from etl.transform import CBS_CODE, REGION_COLUMNS, kwb_observations, region_row

CBS_LICENCE_ROW = "CC BY 4.0 — Bron: CBS"

#: Fetches one map year's boundaries, ``(year, gemeenten, raw_dir, *, source_id, base_url, timeout, retries,
#: backoff, progress)`` → an object with ``rows`` ({level: boundaries rows}), ``names`` (code, name)
#: and ``source`` (its ``sources`` row); raises :class:`dorpenmonitor.http.NotPublished` for a year
#: without a map. The command line passes ``geodata.pdok.boundary_year``: ``etl`` never imports ``geodata``.
BoundaryFetcher = Callable[..., Any]


class RefreshError(RuntimeError):
    """A refresh that failed; nothing live was changed. ``report`` says how far it got."""

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

    def summary(self) -> str:
        lines = [
            f"Verversen {'gelukt' if self.ok else 'MISLUKT'} (laadrun {self.run_id}): "
            f"jaren {years_text(self.years)}, {len(self.gemeenten)} gemeente(n), {self.rows} rijen geladen."
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
        if self.message:
            lines.append(f"  {self.message}")
        return "\n".join(lines)


def parse_years(spec: str) -> list[int]:
    """``"2013-2025"``, ``"2022,2024"`` or ``"2013-2015,2020"`` → sorted years with a KWB table."""
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
    if unknown:
        raise ValueError(
            f"Geen KWB-tabel bekend voor {', '.join(map(str, unknown))}; "
            f"beschikbaar: {min(KWB_TABLES)}-{max(KWB_TABLES)}"
        )
    return sorted(years)


def _check_inputs(years: Iterable[int], gemeenten: Iterable[str]) -> tuple[list[int], list[str]]:
    ys = sorted(set(int(y) for y in years))
    gms = sorted(set(g.strip().upper() for g in gemeenten))
    if not ys:
        raise ValueError("Geen jaren opgegeven")
    bad_y = [y for y in ys if y not in KWB_TABLES]
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
            f"Live opgehaald met cbsodata (TypedDataSet), op de server gefilterd op "
            f"{', '.join(record.get('gemeenten', []))}; ruwe kopie in {raw.name}/. "
            f"TableInfos.Modified {infos.get('Modified', '?')}. "
            f"Filter: {flt if isinstance(flt, str) else ' | '.join(flt)}"
        )[:4000],
    }


def refresh(
    store: Store,
    settings: Settings,
    years: Sequence[int],
    gemeenten: Sequence[str],
    boundaries: bool = True,
    *,
    fetch_boundaries: BoundaryFetcher | None = None,
    progress: bool | None = None,
    backoff: float = 1.0,
) -> RefreshReport:
    """Refresh KWB ``years`` for ``gemeenten`` live from CBS (and boundaries from PDOK).

    Downloads go to ``settings.raw_dir`` (``<table_id>/`` and
    ``pdok-wijken-en-buurten-<year>/``), with ``settings.http_timeout`` per
    request and ``settings.http_retries`` retries (backoff ``backoff`` × 2ⁿ s).
    Everything is staged and swapped in one load run of kind ``refresh``:
    either all years land, or nothing changes. Replaces, for the periods and
    municipalities in scope, exactly the (region, period, variable) values this
    refresh produces; other figures (other variables, other periods) stay.

    Returns a :class:`RefreshReport` (``ok`` true). On failure raises
    :class:`RefreshError`, whose message names the table or collection and
    whose ``report`` holds the failed run's id; the load run is marked failed.
    A PDOK year that is not published (HTTP 404) is skipped with a warning.
    With ``boundaries`` true, ``fetch_boundaries`` (see :data:`BoundaryFetcher`) is required.
    """
    ys, gms = _check_inputs(years, gemeenten)
    if boundaries and fetch_boundaries is None:
        raise ValueError("Grenzen verversen vraagt om een grenzenbron (fetch_boundaries); of kies zonder grenzen")
    report = RefreshReport(years=ys, gemeenten=gms)
    raw_dir = Path(settings.raw_dir)
    net = {"timeout": settings.http_timeout, "retries": settings.http_retries, "backoff": backoff,
           "progress": progress}
    scope = Scope(periods=tuple(ys), gemeenten=tuple(gms), vintages=tuple(str(y) for y in ys) if boundaries else ())
    try:
        with LoadRun(store, "refresh", scope) as run:
            report.run_id = run.run_id
            try:
                _run(store, settings, run, scope, ys, gms, fetch_boundaries if boundaries else None, raw_dir, net,
                     report)
            except RefreshError:
                raise
            except Exception as exc:  # noqa: BLE001 - turned into one clear message; LoadRun records it
                raise RefreshError(_message(exc), report) from exc
    except RefreshError as exc:
        report.ok = False
        report.message = str(exc)
        exc.report = report
        raise
    report.ok = True
    return report


def _message(exc: BaseException) -> str:
    if isinstance(exc, DownloadError | SchemaDriftError | LoadError):
        return str(exc)
    return f"Verversen mislukt (refresh failed): {type(exc).__name__}: {exc}"


def _run(
    store: Store,
    settings: Settings,
    run: LoadRun,
    scope: Scope,
    years: list[int],
    gemeenten: list[str],
    fetch_boundaries: BoundaryFetcher | None,
    raw_dir: Path,
    net: dict,
    report: RefreshReport,
) -> None:
    region_parts: list[pd.DataFrame] = []
    obs_parts: list[pd.DataFrame] = []
    source_rows: list[dict] = []
    for year in years:
        table_id = KWB_TABLES[year]
        folder = download_kwb(table_id, gemeenten, raw_dir, catalog_url=settings.cbs_catalog_url,
                              use_https=settings.cbs_use_https, **net)
        infos, keys, data = read_raw(folder)
        record = read_record(folder)
        record.setdefault("url", table_url(table_id, settings.cbs_catalog_url, settings.cbs_use_https))
        data = data_rows_for(data, gemeenten)
        if data.empty:
            raise RefreshError(f"CBS-tabel {table_id} ({year}) gaf geen rijen voor {', '.join(gemeenten)} "
                               f"(no rows for these municipalities)")
        regions, obs, warnings = kwb_observations(data, table_id, year, keys, f"{table_id}@cbs")
        report.warnings += warnings
        report.tables.append(TableResult(year, table_id, str(infos.get("Title", "")), len(regions), len(obs),
                                         str(infos.get("Modified", ""))))
        region_parts.append(regions)
        obs_parts.append(obs)
        source_rows.append(kwb_source_row(table_id, infos, record, folder))

    bnd_parts: list[pd.DataFrame] = []
    if fetch_boundaries is not None:
        bnd_parts, geo_regions, geo_sources = _boundaries(fetch_boundaries, settings, years, gemeenten, raw_dir, net,
                                                          report)
        scope.vintages = tuple(str(y) for y in sorted(report.boundaries))
        source_rows += geo_sources
        region_parts.append(geo_regions)

    new_obs = pd.concat(obs_parts, ignore_index=True)
    # Replace exactly the KWB variables this refresh brings, whatever source held
    # them (the snapshot's republished figures); crime, health and the other
    # series stay as they are.
    scope.variables = tuple(sorted(new_obs["variable"].unique()))
    for part in obs_parts:
        run.stage(obs=part)
    for part in bnd_parts:
        run.stage(bnd=part)

    # The newest KWB year names the regions; boundaries only add regions KWB does not know.
    kwb_regions = region_parts[: len(years)][::-1]
    regions = pd.concat([*kwb_regions, *region_parts[len(years):]], ignore_index=True)[REGION_COLUMNS]
    regions = regions.drop_duplicates("code", keep="first")
    stamp = now()
    report.rows = run.swap(
        regions_df=regions,
        variables_rows=variable_rows(),
        source_rows=source_rows,
        meta_rows={"last_refresh": stamp, "last_refresh_scope": scope.describe(), "data_origin": "live"},
    )
    run.note(f"{len(new_obs)} waarnemingen uit {len(years)} KWB-tabel(len), {sum(len(b) for b in bnd_parts)} grenzen")


def _boundaries(
    fetch_boundaries: BoundaryFetcher,
    settings: Settings,
    years: list[int],
    gemeenten: list[str],
    raw_dir: Path,
    net: dict,
    report: RefreshReport,
) -> tuple[list[pd.DataFrame], pd.DataFrame, list[dict]]:
    parts: list[pd.DataFrame] = []
    regions: list[dict] = []
    sources: list[dict] = []
    for year in years:
        sid = f"wijkbuurtkaart-{year}@pdok"
        try:
            res = fetch_boundaries(year, gemeenten, raw_dir, source_id=sid, base_url=settings.pdok_base_url, **net)
        except NotPublished as exc:
            report.warnings.append(f"Geen PDOK-grenzen voor {year} (not published): {exc}")
            continue
        parts += list(res.rows.values())
        regions += [region_row(c, n if isinstance(n, str) and n.strip() else c)
                    for c, n in zip(res.names["code"], res.names["name"], strict=True) if CBS_CODE.match(c)]
        report.boundaries[year] = {level: len(rows) for level, rows in res.rows.items()}
        sources.append(res.source)
    reg = pd.DataFrame(regions, columns=REGION_COLUMNS)
    # Newest map first, so its names win over older vintages after the KWB names.
    reg = reg.iloc[::-1].drop_duplicates("code") if not reg.empty else reg
    return parts, reg, sources
