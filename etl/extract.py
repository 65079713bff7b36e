"""Extract: download KWB tables from CBS with cbsodata and keep the raw copy.

One table is downloaded with ``cbsodata.download_data`` into a temporary
folder, filtered at the server to the requested municipalities, and only then
renamed to ``raw_dir/<table_id>/``: a failed or interrupted download never
destroys the previous raw copy. Beside cbsodata's own ``<Entity>.json`` files
sits ``_download.json`` (table, url, filter, date, licence, sha256 per file),
so transforms can re-run offline with :func:`read_raw`. Retries, staging and
checksums are the generic helpers of :mod:`dorpenmonitor.http`.

cbsodata keeps ``use_https`` (and a page ``Session``) in module globals; we set
them only for the duration of one call, under a lock, and restore them after.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import cbsodata
import cbsodata.cbsodata3 as _cbs
import pandas as pd
import requests
from tqdm import tqdm

from dorpenmonitor.http import (
    RECORD_FILE,
    DownloadError,
    clear_dir,
    progress_enabled,
    replace_dir,
    sha256_file,
    with_retries,
)
from etl.resolve import meta_from_properties, region_filter

CBS_LICENCE = "CC BY 4.0, Bron: CBS"
#: Entities cbsodata writes that are not part of the table itself.
_SKIP_ENTITIES = {"UntypedDataSet"}
#: Clauses per OData $filter. 13 municipalities × 3 prefixes would put the query
#: string at ~1,970 bytes, right at IIS's default 2,048-byte limit; 6 gemeenten
#: (18 startswith clauses, ~920 bytes) leaves ample room.
MAX_GEMEENTEN_PER_FILTER = 6

_CBS_LOCK = threading.Lock()


def kwb_filter(gemeenten: Iterable[str], dimension: str = "WijkenEnBuurten") -> str:
    """OData v3 ``$filter`` selecting the GM, WK and BU rows of these municipalities.

    Built on the table's region dimension (``WijkenEnBuurten``; ``RegioS`` in
    2013), see :func:`etl.resolve.region_filter`.
    """
    return region_filter(dimension, gemeenten)


def _gm_number(gm: str) -> str:
    code = gm.strip().upper()
    num = code[2:] if code.startswith("GM") else code
    if len(num) != 4 or not num.isdigit():
        raise ValueError(f"Ongeldige gemeentecode '{gm}': verwacht GMxxxx")
    return num


def _chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def table_url(table_id: str, catalog_url: str, use_https: bool) -> str:
    """The bulk-feed URL cbsodata reads the table from."""
    return f"{'https' if use_https else 'http'}://{catalog_url}/{_cbs.BULK}/{table_id}/"


class _cbs_globals:
    """Set cbsodata's module globals for one call and restore them afterwards.

    ``use_https`` is a global option; ``Session`` is swapped for a subclass that
    reports every page (our progress bar), because cbsodata opens a new
    session per page and offers no hook.
    """

    def __init__(self, use_https: bool, on_page: Callable[[str], None] | None):
        self.use_https = use_https
        self.on_page = on_page

    def __enter__(self) -> None:
        _CBS_LOCK.acquire()
        self._old_https = _cbs.options.use_https
        self._old_session = _cbs.Session
        on_page = self.on_page

        class _ReportingSession(requests.Session):
            def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
                resp = super().send(request, **kwargs)
                if on_page is not None:
                    on_page(request.url or "")
                return resp

        object.__setattr__(_cbs.options, "use_https", self.use_https)  # bypass its logging setter
        _cbs.Session = _ReportingSession

    def __exit__(self, *exc: object) -> None:
        try:
            object.__setattr__(_cbs.options, "use_https", self._old_https)
            _cbs.Session = self._old_session
        finally:
            _CBS_LOCK.release()


def _entity_of(url: str) -> str:
    path = url.split("?", 1)[0].rstrip("/")
    return path.rsplit("/", 1)[-1]


def download_kwb(
    table_id: str,
    gemeenten: Sequence[str],
    raw_dir: Path | str,
    *,
    catalog_url: str = "opendata.cbs.nl",
    use_https: bool = True,
    timeout: float = 60.0,
    retries: int = 4,
    backoff: float = 1.0,
    progress: bool | None = None,
) -> Path:
    """Download one KWB table for ``gemeenten`` into ``raw_dir/<table_id>/``; returns that folder.

    Metadata (TableInfos, DataProperties, dimensions) comes once; the
    TypedDataSet is filtered at the server, in chunks of
    :data:`MAX_GEMEENTEN_PER_FILTER` municipalities to keep URLs short.
    Each chunk is retried as a whole with exponential backoff. Raises
    :class:`DownloadError` naming the table.
    """
    gms = sorted(dict.fromkeys(g.strip().upper() for g in gemeenten))
    if not gms:
        raise ValueError("Geen gemeenten opgegeven")
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    chunks = _chunks(gms, MAX_GEMEENTEN_PER_FILTER)
    url = table_url(table_id, catalog_url, use_https)
    tmp = Path(tempfile.mkdtemp(prefix=f".{table_id}.", suffix=".tmp", dir=raw_dir))
    bar = tqdm(desc=f"CBS {table_id}", unit=" pagina", disable=not progress_enabled(progress), leave=False)

    def on_page(page_url: str) -> None:
        bar.set_postfix_str(_entity_of(page_url), refresh=False)
        bar.update(1)

    try:
        # The filter must name the region dimension this table declares
        # (WijkenEnBuurten, or RegioS in 2013): read DataProperties first.
        def properties() -> list[dict]:
            with _cbs_globals(use_https, on_page):
                return _cbs._download_metadata(table_id, "DataProperties", catalog_url=catalog_url,
                                               timeout=timeout)

        props = with_retries(properties, what=f"CBS-tabel {table_id} (DataProperties)", retries=retries,
                             backoff=backoff)
        dimension = meta_from_properties(table_id, None, props).region_dimension
        if dimension is None:
            raise DownloadError(f"CBS-tabel {table_id}: geen regiodimensie (WijkenEnBuurten/RegioS) in "
                                f"DataProperties; kan niet op gemeenten filteren.")
        filters = [kwb_filter(c, dimension) for c in chunks]
        # First chunk: the whole table with cbsodata's public API (metadata + data).
        def first() -> None:
            clear_dir(tmp)
            with _cbs_globals(use_https, on_page):
                cbsodata.download_data(table_id, dir=str(tmp), filters=filters[0], catalog_url=catalog_url,
                                       timeout=timeout)

        with_retries(first, what=f"CBS-tabel {table_id}", retries=retries, backoff=backoff)
        rows: list[dict] = json.loads((tmp / "TypedDataSet.json").read_text(encoding="utf-8"))
        # Further chunks: only the dataset again (re-reading the 17,000-row region
        # dimension per chunk would be wasteful towards CBS).
        for flt in filters[1:]:
            def more(flt: str = flt) -> list[dict]:
                with _cbs_globals(use_https, on_page):
                    return _cbs._download_metadata(table_id, "TypedDataSet", filters=flt, catalog_url=catalog_url,
                                                   timeout=timeout)

            rows += with_retries(more, what=f"CBS-tabel {table_id} (TypedDataSet)", retries=retries, backoff=backoff)
        if len(filters) > 1:
            seen: set = set()
            rows = [r for r in rows if not (r.get("ID") in seen or seen.add(r.get("ID")))]
            rows.sort(key=lambda r: r.get("ID", 0))
            (tmp / "TypedDataSet.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
        for name in _SKIP_ENTITIES:
            (tmp / f"{name}.json").unlink(missing_ok=True)
        files = {p.name: sha256_file(p) for p in sorted(tmp.glob("*.json"))}
        record = {
            "table_id": table_id,
            "url": url,
            "filter": filters if len(filters) > 1 else filters[0],
            "region_dimension": dimension,
            "gemeenten": gms,
            "retrieved": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "licence": CBS_LICENCE,
            "client": f"cbsodata {getattr(cbsodata, '__version__', '')}".strip(),
            "rows": len(rows),
            "sha256": files,
        }
        (tmp / RECORD_FILE).write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
        return replace_dir(tmp, raw_dir / table_id)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        bar.close()


def read_raw(folder: Path | str) -> tuple[dict[str, Any], list[str], pd.DataFrame]:
    """Read a raw cbsodata folder: ``(table_infos, topic_keys, data)``.

    ``data`` is the TypedDataSet with the ``WijkenEnBuurten`` keys replaced by
    their titles from the dimension file, as ``cbsodata.get_data`` does, so it
    has the same shape as the republished CSV extracts (CBS padding kept;
    the transform trims it).
    """
    folder = Path(folder)

    def load(name: str) -> Any:
        return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))

    infos = load("TableInfos")
    table_infos = infos[0] if isinstance(infos, list) and infos else dict(infos or {})
    props = load("DataProperties")
    keys = [p["Key"] for p in props if p.get("Type") == "Topic"]
    dims = [p["Key"] for p in props if p.get("Type") in ("Dimension", "GeoDimension", "TimeDimension", "GeoDetail")]
    data = pd.DataFrame(load("TypedDataSet"))
    for dim in dims:
        path = folder / f"{dim}.json"
        if dim in data.columns and path.exists():
            titles = {d["Key"]: d["Title"] for d in load(dim)}
            data[dim] = data[dim].map(lambda k, t=titles: t.get(k, k))
    return table_infos, keys, data


def data_rows_for(data: pd.DataFrame, gemeenten: Iterable[str], code_column: str | None = "Codering_3"
                  ) -> pd.DataFrame:
    """Keep only rows of these municipalities (a guard on top of the server-side filter).

    A carried-over download may hold the whole country: this is where it is cut to scope.
    """
    nums = {_gm_number(g) for g in gemeenten}
    if code_column is None or code_column not in data.columns:
        code_column = next((c for c in data.columns if str(c).startswith("Codering")), None)
        if code_column is None:
            return data
    codes = data[code_column].astype(str).str.strip()
    return data[codes.str[2:6].isin(nums) & codes.str[:2].isin(["GM", "WK", "BU"])]


def encoded_filter_length(gemeenten: Sequence[str]) -> int:
    """Bytes the ``$filter`` adds to the query string (documents the chunking choice)."""
    return len(urlencode({"$format": "json", "$filter": kwb_filter(gemeenten)}))
