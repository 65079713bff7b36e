"""A fake PDOK OGC API Features for the CBS wijk- en buurtkaart on 127.0.0.1.

``/cbs/wijken-en-buurten-<year>/ogc/v1/collections/<name>[/items]`` with
collections gemeenten, wijken, buurten built from real (generalised) CBS
boundaries in tests/fixtures/pdok (Aa en Hunze and Coevorden). Items honour
``gemeentecode``, ``limit`` and ``crs`` (EPSG:28992, reprojected here when
``supports_rd``) and page with absolute ``rel=next`` links. Faults reuse
:class:`tests.fakes.cbs_odata.Fault` with ``entity`` = collection name.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import geopandas as gpd

from tests.fakes.cbs_odata import Fault

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pdok"
RD_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"
CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
COLLECTIONS = ("gemeenten", "wijken", "buurten")


@dataclass
class PdokState:
    years: set[int] = field(default_factory=lambda: {2024})
    supports_rd: bool = True
    max_limit: int = 10
    faults: list[Fault] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def _load() -> dict[str, dict[str, list[dict]]]:
    """{collection: {"crs84": features, "rd": features}}."""
    out = {}
    for name in COLLECTIONS:
        gj = json.loads((FIXTURES / f"{name}.geojson").read_text(encoding="utf-8"))
        gdf = gpd.GeoDataFrame.from_features(gj["features"], crs=4326).to_crs(28992)
        rd = json.loads(gdf.to_json(drop_id=True))["features"]
        out[name] = {"crs84": gj["features"], "rd": rd}
    return out


class FakePdok:
    def __init__(self, state: PdokState | None = None):
        self.state = state or PdokState()
        self._data = _load()
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        """Template like settings.pdok_base_url, with ``{year}``."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/cbs/wijken-en-buurten-{{year}}/ogc/v1"

    def start(self) -> FakePdok:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakePdok:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as two writes

            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/geo+json" if status == 200 else "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self) -> None:  # noqa: N802
                fake.state.requests.append(self.path)
                parts = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(parts.query).items()}
                m = re.match(r"^/cbs/wijken-en-buurten-(\d{4})/ogc/v1/collections/([a-z]+)(/items)?$", parts.path)
                if not m or int(m.group(1)) not in fake.state.years or m.group(2) not in COLLECTIONS:
                    self._send(404, b'{"code":"NotFound","description":"not found"}')
                    return
                year, coll, items = int(m.group(1)), m.group(2), bool(m.group(3))
                root = f"http://127.0.0.1:{fake.httpd.server_address[1]}/cbs/wijken-en-buurten-{year}/ogc/v1"
                if not items:
                    crs = [CRS84_URI] + ([RD_URI] if fake.state.supports_rd else [])
                    meta = {"id": coll, "title": coll, "crs": crs, "storageCrs": RD_URI,
                            "links": [{"rel": "items", "href": f"{root}/collections/{coll}/items"}]}
                    self._send(200, json.dumps(meta).encode())
                    return
                want_rd = q.get("crs") == RD_URI
                if want_rd and not fake.state.supports_rd:
                    self._send(400, b'{"code":"InvalidParameterValue","description":"crs not supported"}')
                    return
                feats = fake._data[coll]["rd" if want_rd else "crs84"]
                gm = q.get("gemeentecode")
                if gm:
                    feats = [f for f in feats if f["properties"].get("gemeentecode") == gm]
                # Like PDOK (max 1000), the server caps the page size: paging is always exercised.
                limit = min(int(q.get("limit", "10")), fake.state.max_limit)
                offset = int(q.get("cursor", "0"))
                page = offset // limit
                with fake._lock:
                    fault = next((f for f in fake.state.faults if f.matches(str(year), coll, page)), None)
                    if fault is not None:
                        fault.fired += 1
                if fault is not None and fault.kind == "500":
                    self._send(500, b'{"code":"ServerError"}')
                    return
                if fault is not None and fault.kind == "delay":
                    time.sleep(fault.seconds)
                chunk = feats[offset : offset + limit]
                links = [{"rel": "self", "href": f"http://127.0.0.1:{fake.httpd.server_address[1]}{self.path}"}]
                if offset + limit < len(feats):
                    nq = {**q, "cursor": str(offset + limit)}
                    links.append({"rel": "next", "type": "application/geo+json",
                                  "href": f"{root}/collections/{coll}/items?{urlencode(nq)}"})
                doc = {"type": "FeatureCollection", "features": chunk, "links": links,
                       "numberReturned": len(chunk), "timeStamp": "2025-01-01T00:00:00Z"}
                body = json.dumps(doc).encode()
                if fault is not None and fault.kind == "truncate":
                    body = body[: len(body) // 2]
                self._send(200, body, {"Content-Crs": f"<{RD_URI if want_rd else CRS84_URI}>"})

        return Handler
