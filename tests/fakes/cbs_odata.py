"""A fake CBS OData v3 bulk feed (``/ODataFeed/odata/<table>/<Entity>``) on 127.0.0.1.

Serves what ``cbsodata.download_data`` asks for: the service document, then
TableInfos, DataProperties, CategoryGroups, the ``WijkenEnBuurten`` dimension
and a paginated TypedDataSet with absolute ``odata.nextLink`` pointing back at
this server. Metadata is the real recorded 85984NED metadata; data rows are
real 2024 rows (tests/fixtures). Other KWB table ids are served as clones of
85984NED with their own identifier, so a multi-year refresh can be tested.

``$filter`` is honoured for the form ``etl.extract.kwb_filter`` sends
(``startswith(WijkenEnBuurten,'GM1680') or …``); anything else is a 400, as a
strict server would answer. JSON is returned with or without ``$format``.

Faults (``server.faults``) make one entity/page answer with HTTP 500, answer
too slowly, send truncated JSON, or rename a column (DataProperties + data).
"""

from __future__ import annotations

import csv
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
META_DIR = FIXTURES / "cbs_odata_85984NED"
DATA_CSV = FIXTURES / "kwb_2024_85984NED_subset.csv"
BASE_TABLE = "85984NED"

_CLAUSE = re.compile(r"^startswith\(([A-Za-z]+),'([A-Z0-9 ]+)'\)$")


@dataclass
class Fault:
    """One injected failure. ``page`` is 0-based; ``times=None`` means on every request."""

    kind: str  # "500" | "delay" | "truncate"
    entity: str = "TypedDataSet"
    page: int = 0
    table: str | None = None
    times: int | None = None
    seconds: float = 2.0
    fired: int = 0

    def matches(self, table: str, entity: str, page: int) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        return entity == self.entity and page == self.page and self.table in (None, table)


@dataclass
class CbsState:
    page_size: int = 50
    faults: list[Fault] = field(default_factory=list)
    #: {old_key: new_key}: a renamed column in DataProperties and data (schema drift)
    renames: dict[str, str] = field(default_factory=dict)
    #: tables the renames apply to (None: all)
    rename_tables: set[str] | None = None
    requests: list[str] = field(default_factory=list)
    #: table id → period ("2023"); tables not listed here are 404
    tables: dict[str, str] = field(default_factory=lambda: {BASE_TABLE: "2024"})


def _typed(value: str, datatype: str):
    if value == "":
        return None
    if datatype in ("Long", "Integer", "Short"):
        return int(float(value))
    if datatype in ("Double", "Float", "Decimal"):
        return float(value)
    return value


def load_base() -> tuple[list[dict], list[dict], list[dict], list[dict], list[dict]]:
    """(TableInfos, DataProperties, CategoryGroups, WijkenEnBuurten, TypedDataSet) of the fixture table."""
    infos = json.loads((META_DIR / "TableInfos.json").read_text(encoding="utf-8"))
    props = json.loads((META_DIR / "DataProperties.json").read_text(encoding="utf-8"))
    groups = json.loads((META_DIR / "CategoryGroups.json").read_text(encoding="utf-8"))
    types = {p["Key"]: p.get("Datatype", "String") for p in props if p.get("Type") == "Topic"}
    with open(DATA_CSV, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    dim, data = [], []
    for i, r in enumerate(rows):
        key = r["Codering_3"].ljust(10)  # the dimension key as CBS pads it
        dim.append({"Key": key, "Title": r["WijkenEnBuurten"], "Description": "", "CategoryGroupID": None,
                    "DetailRegionCode": key, "Municipality": r["Gemeentenaam_1"]})
        rec: dict = {"ID": i, "WijkenEnBuurten": key}
        for k, v in r.items():
            if k in ("ID", "WijkenEnBuurten"):
                continue
            rec[k] = _typed(v, types.get(k, "String"))
        data.append(rec)
    dim.insert(0, {"Key": "NL00      ", "Title": "Nederland", "Description": "", "CategoryGroupID": None,
                   "DetailRegionCode": "NL00      ", "Municipality": ""})
    return infos, props, groups, dim, data


def parse_filter(flt: str, dimension: str = "WijkenEnBuurten") -> list[str]:
    """Prefixes of a ``startswith(<dimension>,'X') or …`` filter; ValueError otherwise.

    A filter on a property the table does not have is refused, as CBS does
    (2013's 82339NED has ``RegioS``, not ``WijkenEnBuurten``).
    """
    prefixes = []
    for clause in flt.split(" or "):
        m = _CLAUSE.match(clause.strip())
        if not m:
            raise ValueError(f"unsupported $filter clause: {clause!r}")
        if m.group(1) != dimension:
            raise ValueError(f"No property '{m.group(1)}' exists in type 'Cbs.OData.WebAPI.TypedDataSet'")
        prefixes.append(m.group(2))
    return prefixes


class FakeCbs:
    """The server; use as a context manager or via the ``fake_cbs`` pytest fixture."""

    def __init__(self, state: CbsState | None = None):
        self.state = state or CbsState()
        self._base = load_base()
        self._lock = threading.Lock()
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    # -- lifecycle --------------------------------------------------------
    @property
    def catalog_url(self) -> str:
        """What cbsodata calls ``catalog_url``: host:port, no scheme."""
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> FakeCbs:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeCbs:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- content ----------------------------------------------------------
    def region_dimension(self, table: str) -> str:
        """The table's region dimension key (the filter and the dimension entity use it)."""
        return "WijkenEnBuurten"

    def entity_names(self, table: str) -> list[str]:
        """Entities listed in the service document."""
        return ["TableInfos", "UntypedDataSet", "TypedDataSet", "DataProperties", "CategoryGroups",
                self.region_dimension(table)]

    def entity(self, table: str, name: str) -> list[dict]:
        infos, props, groups, dim, data = self._base
        period = self.state.tables[table]
        ren = self.state.renames if self.state.rename_tables is None or table in self.state.rename_tables else {}
        if name == "TableInfos":
            out = json.loads(json.dumps(infos))
            for r in out:
                r["Identifier"], r["Period"] = table, period
                if table != BASE_TABLE:
                    r["Title"] = r["ShortTitle"] = f"Kerncijfers wijken en buurten {period}"
            return out
        if name == "DataProperties":
            return [{**p, "Key": ren.get(p.get("Key"), p.get("Key"))} for p in props]
        if name == "CategoryGroups":
            return list(groups)
        if name == "WijkenEnBuurten":
            return list(dim)
        if name == "TypedDataSet":
            return [{ren.get(k, k): v for k, v in r.items()} for r in data]
        if name == "UntypedDataSet":
            return []
        raise KeyError(name)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as two writes

            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

            def _send(self, status: int, body: bytes, length: int | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json;odata=minimalmetadata;charset=utf-8")
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                fake.state.requests.append(self.path)
                parts = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                m = re.match(r"^/ODataFeed/odata/([^/]+)/?([A-Za-z]*)$", parts.path)
                if not m or m.group(1) not in fake.state.tables:
                    self._send(404, b'{"odata.error":{"message":{"value":"Not found"}}}')
                    return
                table, name = m.group(1), m.group(2)
                root = f"http://{fake.catalog_url}/ODataFeed/odata/{table}"
                if name == "":
                    names = fake.entity_names(table)
                    doc = {"odata.metadata": f"{root}/$metadata",
                           "value": [{"name": n, "url": f"{root}/{n}"} for n in names]}
                    self._send(200, json.dumps(doc).encode())
                    return
                try:
                    rows = fake.entity(table, name)
                except KeyError:
                    self._send(404, b'{"odata.error":{"message":{"value":"No such entity"}}}')
                    return
                flt = q.get("$filter", "")
                if flt:
                    try:
                        dim = fake.region_dimension(table)
                        prefixes = parse_filter(flt, dim)
                    except ValueError as exc:
                        self._send(400, json.dumps({"odata.error": {"message": {"value": str(exc)}}}).encode())
                        return
                    rows = [r for r in rows if str(r.get(dim, "")).startswith(tuple(prefixes))]
                skip = int(q.get("$skiptoken", "0") or 0)
                size = fake.state.page_size
                page = skip // size
                with fake._lock:
                    fault = next((f for f in fake.state.faults if f.matches(table, name, page)), None)
                    if fault is not None:
                        fault.fired += 1
                if fault is not None and fault.kind == "500":
                    self._send(500, b'{"odata.error":{"message":{"value":"Internal server error"}}}')
                    return
                if fault is not None and fault.kind == "delay":
                    time.sleep(fault.seconds)
                chunk = rows[skip : skip + size]
                body: dict = {"odata.metadata": f"{root}/$metadata#Cbs.OData.WebAPI.{name}", "value": chunk}
                if skip + size < len(rows):
                    nxt = f"{root}/{name}?$skiptoken={skip + size}"
                    if flt:
                        nxt += "&$filter=" + quote(flt, safe="")
                    body["odata.nextLink"] = nxt
                raw = json.dumps(body).encode()
                if fault is not None and fault.kind == "truncate":
                    raw = raw[: len(raw) // 2]
                try:
                    self._send(200, raw)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        return Handler
