"""PDOK network I/O: CBS wijk- en buurtkaart via the OGC API Features.

``https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1`` has collections
``gemeenten``, ``wijken`` and ``buurten``; items are filtered per
municipality (``?gemeentecode=GM1680``) and paged through ``links`` with
``rel=next``. We ask for EPSG:28992 when the collection offers it (geometry
then stays in metres, no reprojection round trip) and otherwise read CRS84
and reproject. Raw GeoJSON pages are kept under
``raw_dir/pdok-wijken-en-buurten-<year>/``, written to a temporary folder first.
All geometry work lives in :mod:`geodata.geometry`; this module fetches, and
:func:`boundary_year` hands one year to the live refresh as boundary rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import requests
from tqdm import tqdm

from dorpenmonitor.http import (
    RECORD_FILE,
    DownloadError,
    NotPublished,
    progress_enabled,
    read_record,
    replace_dir,
    sha256_file,
    with_retries,
)
from geodata.geometry import boundaries_frame

RD_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"
CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
PDOK_LICENCE = "CC BY 4.0 — CBS / Kadaster"
PAGE_LIMIT = 1000  # PDOK's maximum page size

#: level → (collection, code property, name property)
COLLECTIONS: dict[str, tuple[str, str, str]] = {
    "gemeente": ("gemeenten", "gemeentecode", "gemeentenaam"),
    "wijk": ("wijken", "wijkcode", "wijknaam"),
    "buurt": ("buurten", "buurtcode", "buurtnaam"),
}


class PdokNotAvailable(NotPublished):
    """PDOK does not publish this year's map (HTTP 404 on the API)."""


@dataclass
class PdokResult:
    """Boundaries per level (EPSG:28992; columns code, name, geometry) and where they came from."""

    year: int
    base_url: str
    frames: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    raw_dir: Path | None = None
    retrieved: str = ""


def _get_json(session: requests.Session, url: str, params: dict | None, timeout: float) -> tuple[dict, str]:
    resp = session.get(url, params=params, timeout=timeout, headers={"Accept": "application/geo+json, "
                                                                               "application/json"})
    if resp.status_code == 404:
        raise PdokNotAvailable(f"PDOK: {resp.url} bestaat niet (HTTP 404 / not found)")
    resp.raise_for_status()
    return resp.json(), resp.headers.get("Content-Crs", "")


def _supports_rd(meta: dict[str, Any]) -> bool:
    return any("28992" in str(c) for c in meta.get("crs", []))


def fetch_boundaries(
    year: int,
    gemeenten: Sequence[str],
    raw_dir: Path | str,
    *,
    base_url: str = "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1",
    levels: Sequence[str] = ("gemeente", "wijk", "buurt"),
    timeout: float = 60.0,
    retries: int = 4,
    backoff: float = 1.0,
    progress: bool | None = None,
) -> PdokResult:
    """Fetch gemeente, wijk and buurt polygons of ``gemeenten`` for ``year``.

    Every page is retried with exponential backoff; a 404 on the collection
    raises :class:`PdokNotAvailable` (the year is not published), any other
    lasting failure :class:`DownloadError` naming collection and municipality.
    """
    base = base_url.format(year=year).rstrip("/")
    gms = sorted(dict.fromkeys(g.strip().upper() for g in gemeenten))
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    target = raw_dir / f"pdok-wijken-en-buurten-{year}"
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=raw_dir))
    session = requests.Session()
    bar = tqdm(desc=f"PDOK {year}", unit=" pagina", disable=not progress_enabled(progress), leave=False)
    result = PdokResult(year=year, base_url=base)
    files: dict[str, str] = {}
    crs_used: dict[str, str] = {}
    try:
        for level in levels:
            coll, code_prop, name_prop = COLLECTIONS[level]
            what = f"PDOK-collectie {coll} {year}"
            meta, _ = with_retries(lambda c=coll: _get_json(session, f"{base}/collections/{c}", {"f": "json"},
                                                            timeout),
                                   what=what, retries=retries, backoff=backoff)
            rd = _supports_rd(meta)
            crs_used[coll] = "EPSG:28992" if rd else "CRS84"
            features: list[dict] = []
            for gm in gms:
                url: str | None = f"{base}/collections/{coll}/items"
                params: dict | None = {"gemeentecode": gm, "limit": PAGE_LIMIT, "f": "json"}
                if rd:
                    params["crs"] = RD_URI
                page = 0
                while url:
                    doc, _ = with_retries(lambda u=url, p=params: _get_json(session, u, p, timeout),
                                          what=f"{what} ({gm}, pagina {page + 1})", retries=retries, backoff=backoff)
                    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
                        raise DownloadError(f"{what} ({gm}): antwoord is geen GeoJSON FeatureCollection")
                    name = f"{coll}_{gm}_{page:03d}.geojson"
                    (tmp / name).write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
                    features += doc["features"]
                    bar.set_postfix_str(f"{coll} {gm}", refresh=False)
                    bar.update(1)
                    nxt = next((lk.get("href") for lk in doc.get("links", []) if lk.get("rel") == "next"), None)
                    # The next link already carries every query parameter.
                    url, params, page = nxt, None, page + 1
            result.frames[level] = _frame(features, code_prop, name_prop, rd, gms)
        files = {p.name: sha256_file(p) for p in sorted(tmp.glob("*.geojson"))}
        result.retrieved = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        record = {
            "source": "PDOK OGC API Features, CBS wijk- en buurtkaart",
            "url": base,
            "year": year,
            "gemeenten": gms,
            "collections": crs_used,
            "retrieved": result.retrieved,
            "licence": PDOK_LICENCE,
            "sha256": files,
        }
        (tmp / RECORD_FILE).write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
        result.raw_dir = replace_dir(tmp, target)
        return result
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        bar.close()
        session.close()


def _frame(features: list[dict], code_prop: str, name_prop: str, rd: bool, gms: Sequence[str]) -> gpd.GeoDataFrame:
    """Features → one row per region code (land and water parts dissolved), EPSG:28992."""
    crs = 28992 if rd else 4326
    if not features:
        return gpd.GeoDataFrame({"code": [], "name": []}, geometry=[], crs=28992)
    gdf = gpd.GeoDataFrame.from_features(features, crs=crs)
    gdf = gdf.rename(columns={code_prop: "code", name_prop: "name"})
    if "name" not in gdf.columns:
        gdf["name"] = gdf["code"]
    gdf["code"] = gdf["code"].astype(str).str.strip()
    nums = {g[2:] for g in gms}
    gdf = gdf[gdf["code"].str[2:6].isin(nums)]
    # PDOK splits a gemeente into land and water features ('water' JA/NEE); KWB areas cover both.
    out = gdf[["code", "name", "geometry"]].dissolve(by="code", aggfunc="first", as_index=False)
    return out.to_crs(28992) if not rd else out


def read_raw_boundaries(folder: Path | str) -> dict[str, gpd.GeoDataFrame]:
    """Re-read a kept PDOK download (offline), EPSG:28992 per level."""
    folder = Path(folder)
    record = read_record(folder)
    out: dict[str, gpd.GeoDataFrame] = {}
    for level, (coll, code_prop, name_prop) in COLLECTIONS.items():
        pages = sorted(folder.glob(f"{coll}_*.geojson"))
        if not pages:
            continue
        feats = [f for p in pages for f in json.loads(p.read_text(encoding="utf-8"))["features"]]
        rd = record.get("collections", {}).get(coll) == "EPSG:28992"
        out[level] = _frame(feats, code_prop, name_prop, rd, record["gemeenten"])
    return out


def region_rows(frames: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """``code``/``name`` of every boundary, for regions the KWB data does not name."""
    parts = [pd.DataFrame({"code": f["code"], "name": f["name"]}) for f in frames.values() if not f.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["code", "name"])


def source_row(year: int, base_url: str, retrieved: str, raw: Path | None) -> dict:
    """The ``sources`` row of one PDOK map year (checksum over the kept GeoJSON pages)."""
    files = sorted(p for p in raw.glob("*.geojson")) if raw else []
    h = hashlib.sha256()
    for p in files:
        h.update(p.read_bytes())
    return {
        "id": f"wijkbuurtkaart-{year}@pdok",
        "table_id": "wijkbuurtkaart",
        "title": f"Wijk- en buurtkaart {year}: gemeenten, wijken en buurten",
        "publisher": "CBS / Kadaster",
        "republisher": "PDOK",
        "periods": str(year),
        "licence": PDOK_LICENCE,
        "url": base_url,
        "retrieved": retrieved,
        "checksum": f"sha256:{h.hexdigest()}" if files else "",
        "notes": "OGC API Features; web-geometrie als dekking vereenvoudigd in RD New (EPSG:28992).",
    }


@dataclass
class BoundaryYear:
    """One PDOK map year ready for the store: boundary rows and names per level, and where they came from."""

    year: int
    base_url: str
    retrieved: str
    raw_dir: Path | None
    #: rows of the ``boundaries`` table per level (:func:`geodata.geometry.boundaries_frame`)
    rows: dict[str, pd.DataFrame]
    #: ``code``/``name`` of every boundary, levels in the order fetched
    names: pd.DataFrame
    #: the ``sources`` row (provenance) of this map year
    source: dict[str, str]


def boundary_year(year: int, gemeenten: Sequence[str], raw_dir: Path | str, *, source_id: str,
                  **fetch: Any) -> BoundaryYear:
    """Fetch one year (:func:`fetch_boundaries`, same keyword options) and turn it into boundary rows.

    The command line passes this function to ``etl.refresh.refresh`` (``fetch_boundaries=``); a year PDOK
    does not publish raises :class:`PdokNotAvailable` (a :class:`dorpenmonitor.http.NotPublished`).
    """
    res = fetch_boundaries(year, gemeenten, raw_dir, **fetch)
    rows = {level: boundaries_frame(gdf, vintage=str(year), level=level, source_id=source_id)
            for level, gdf in res.frames.items()}
    return BoundaryYear(year=year, base_url=res.base_url, retrieved=res.retrieved, raw_dir=res.raw_dir, rows=rows,
                        names=region_rows(res.frames),
                        source=source_row(year, res.base_url, res.retrieved, res.raw_dir))


def kept_boundary_year(year: int, gemeenten: Sequence[str], raw_dir: Path | str, *, source_id: str,
                       **_: Any) -> BoundaryYear:
    """One map year from a carried-over download (``raw_dir/pdok-wijken-en-buurten-<year>/``), no network.

    Same contract as :func:`boundary_year` (``etl refresh --from-raw`` passes this one); a download
    without that year's map raises :class:`PdokNotAvailable`, so the year loads without boundaries.
    """
    folder = Path(raw_dir) / f"pdok-wijken-en-buurten-{year}"
    if not (folder / RECORD_FILE).is_file():
        raise PdokNotAvailable(f"geen map {folder.name} in de download")
    record = read_record(folder)
    nums = {g.strip().upper().removeprefix("GM") for g in gemeenten}
    frames = {level: gdf[gdf["code"].str[2:6].isin(nums)] for level, gdf in read_raw_boundaries(folder).items()}
    rows = {level: boundaries_frame(gdf, vintage=str(year), level=level, source_id=source_id)
            for level, gdf in frames.items()}
    base_url, retrieved = str(record.get("url", "")), str(record.get("retrieved", ""))
    return BoundaryYear(year=year, base_url=base_url, retrieved=retrieved, raw_dir=folder, rows=rows,
                        names=region_rows(frames), source=source_row(year, base_url, retrieved, folder))
