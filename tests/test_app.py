"""app.py: title, compression, routes, page registration, callback ids, reload detection."""

from __future__ import annotations

import gzip
import importlib
import json

import pytest

from pages.kaart import figures
from pages.kaart.state import parse_kaart
from tests.components import walk


def test_app_has_title_pages_and_compression(app):
    import dash

    assert app.title == "Dorpenmonitor Drenthe"
    paths = {p["path"] for p in dash.page_registry.values()}
    assert {"/", "/trends"} <= paths
    client = app.server.test_client()
    resp = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers.get("Content-Encoding") == "gzip"
    html_text = gzip.decompress(resp.get_data()).decode("utf-8")
    assert '<html lang="nl">' in html_text


def test_every_callback_id_exists_in_a_page_layout(app):
    """suppress_callback_exceptions is on (to keep the HTML small), so check the ids here instead."""
    import dash

    from dashboard.layout import app_layout

    def ids(component) -> set:
        return {json.dumps(c.id, sort_keys=True) if isinstance(c.id, dict) else c.id
                for c in walk(component) if getattr(c, "id", None) is not None}

    known = ids(app_layout()) | {"_pages_location", "_pages_content", "_pages_store", "_pages_dummy"}
    for page in dash.page_registry.values():
        layout = page["layout"]
        known |= ids(layout() if callable(layout) else layout)
    client = app.server.test_client()
    client.get("/")  # registers the callbacks
    # Ids of this file's pages must exist at load; other pages may create components in callbacks.
    mine = ("kaart-", "trends-", "zoek-")
    for dep in client.get("/_dash-dependencies").get_json():
        for item in [*dep["inputs"], *dep["state"]]:
            if item["id"].startswith(mine):
                assert item["id"] in known, item["id"]


def test_geojson_route_serves_every_buurt_gzipped_and_cacheable(app):
    import gzip

    from dashboard import data
    from pages.kaart import views

    state, _ = parse_kaart({"niveau": "buurt", "indicator": "aandeel_65plus", "jaar": "2024"}, data.catalog())
    fig, _, _ = views.map_update(state, None)
    url = fig.data[figures.TRACE_WAARDEN].geojson
    client = app.server.test_client()
    resp = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
    assert resp.headers["Content-Type"].startswith("application/geo+json")
    assert "max-age=" in resp.headers["Cache-Control"] and resp.headers["Vary"] == "Accept-Encoding"
    geo = json.loads(gzip.decompress(resp.get_data()))
    assert geo["type"] == "FeatureCollection"
    codes = [f["id"] for f in geo["features"]]
    assert len(codes) == 753 and set(codes) == set(fig.data[figures.TRACE_WAARDEN].locations)
    assert all(c.startswith("BU") for c in codes)
    assert [f["properties"]["i"] for f in geo["features"]] == list(range(753))
    assert all(f["properties"]["naam"] and f["geometry"]["type"] in ("Polygon", "MultiPolygon")
               for f in geo["features"])
    # Revalidation: the same ETag gives 304 without a body.
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert json.loads(plain.get_data()) == geo and plain.headers["ETag"] != resp.headers["ETag"]


@pytest.mark.parametrize("name", ["provincie-2022", "buurt-1999", "gemeente", "wijk-2022-benaderd"])
def test_geojson_route_unknown_level_or_vintage_is_404_in_dutch(app, name):
    resp = app.server.test_client().get(f"/geo/{name}.geojson")
    assert resp.status_code == 404
    text = resp.get_data(as_text=True)
    assert f"Kaartlaag '{name}' bestaat niet" in text and "buurt-2019" in text


def test_pages_render_with_bad_query_without_error(app):
    import pages.kaart.page as kaart
    import pages.trends.page as trends

    div = kaart.layout(niveau="x", indicator="y", jaar="z", code="q")
    assert "Let op" in json.dumps(div.to_plotly_json(), default=lambda c: c.to_plotly_json())
    div = trends.layout(indicator="y", codes="NOPE")
    assert "onbekend" in json.dumps(div.to_plotly_json(), default=lambda c: c.to_plotly_json())


def test_online_bundle_is_only_in_the_page_when_the_setting_is_on(app, store, tmp_path):
    """The offline default must never load the MapLibre bundle; the online app loads it instead of the small one."""
    import os
    import subprocess
    import sys

    from dorpenmonitor.settings import PROJECT_ROOT

    page = app.server.test_client().get("/").get_data(as_text=True)
    assert "/assets/vendor/plotly-dorpenmonitor.min.js" in page and "plotly-dorpenmonitor-osm" not in page
    assert (PROJECT_ROOT / "assets" / "vendor" / "plotly-dorpenmonitor-osm.min.js").is_file()
    # A second app in this process would take over the registered callbacks (see session_app), so ask a fresh one.
    code = ("from app import create_app; "
            "print(create_app().server.test_client().get('/').get_data(as_text=True))")
    env = {**os.environ, "DORPENMONITOR_ONLINE_BASEMAP": "1", "DORPENMONITOR_DATABASE_URL": store.url}
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert "/assets/vendor/plotly-dorpenmonitor-osm.min.js" in out and "plotly-dorpenmonitor.min.js" not in out


def test_main_starts_the_server_without_a_warm_up(monkeypatch):
    """The indicator cube is computed at load time: app.main goes straight to run(), no background threads."""
    import threading

    import app as app_module
    from dashboard import data

    served: dict = {}

    class FakeApp:
        def run(self, **kwargs) -> None:
            served.update(kwargs)

    monkeypatch.setattr(app_module, "create_app", lambda **kwargs: FakeApp())
    before = {t.name for t in threading.enumerate()}
    app_module.main(dev=True)  # Dash's dev server (``serve --dev``); gunicorn below
    assert served and {t.name for t in threading.enumerate()} <= before
    assert not hasattr(data, "warm") and not hasattr(data, "warm_in_background")


def test_requests_check_the_data_version_but_static_files_do_not(app, monkeypatch):
    from dashboard import data

    seen = []
    monkeypatch.setattr(data, "check_data_version", lambda: seen.append(True))
    client = app.server.test_client()
    client.get("/assets/style.css")
    assert not seen
    client.get("/_dash-layout")
    assert seen


def test_a_request_keeps_the_data_manager_it_started_with(app, store, monkeypatch):
    """The app pins the current manager before each request and drops the pin after it (issue 12: no stale reads)."""
    from dashboard import data

    first, second = data.DataManager(store), data.DataManager(store)
    monkeypatch.setattr(data._CURRENT, "manager", first)
    monkeypatch.setattr(data, "check_data_version", lambda: False)
    with app.server.test_request_context("/_dash-layout"):
        app.server.preprocess_request()
        monkeypatch.setattr(data._CURRENT, "manager", second)  # a reload while the request runs
        assert data.manager() is first and data.current() is second
        app.server.do_teardown_request()
        assert data.manager() is second  # the pin ends with the request


def test_pages_are_registered(app):
    import dash

    paths = {p["path"] for p in dash.page_registry.values()}
    assert {"/vergelijken", "/profiel", "/over"} <= paths


def test_a_reload_of_the_database_is_noticed_within_the_check_interval(store, tmp_path, monkeypatch):
    import sqlite3

    import sqlalchemy as sa

    from dashboard import data
    from dorpenmonitor import store as store_mod

    # A copy of the session database, so the reload does not touch what other tests read.
    src = sqlite3.connect(store.url.removeprefix("sqlite:///"))
    dst = sqlite3.connect(tmp_path / "copy.sqlite")
    src.backup(dst)
    src.close()
    dst.close()
    copy = store_mod.Store(f"sqlite:///{tmp_path / 'copy.sqlite'}")
    manager = data.DataManager(copy)
    manager.checked_at = 100.0
    # The session's manager stays as it is: this test swaps its own in and out.
    monkeypatch.setattr(data._CURRENT, "manager", manager)
    assert data.data_version()[0]  # snapshot_loaded is written by every snapshot load

    assert not data.check_data_version(now=110.0) and data.manager() is manager  # nothing changed
    with copy.engine.begin() as c:  # what a reload or refresh in another process writes
        c.execute(sa.delete(store_mod.meta).where(store_mod.meta.c.key == "last_refresh"))
        c.execute(sa.insert(store_mod.meta), [{"key": "last_refresh", "value": "2031-01-01T00:00:00+00:00"}])
    assert not data.check_data_version(now=111.0) and data.manager() is manager  # within 2 s: no query
    assert data.check_data_version(now=115.5)
    fresh = data.manager()
    assert fresh is not manager and fresh.store is copy
    meta = copy.meta()
    assert data.data_version() == (meta["snapshot_loaded"], "2031-01-01T00:00:00+00:00", meta["indicators_computed"])
    assert not data.check_data_version(now=121.0) and data.manager() is fresh  # once per change


def test_main_runs_gunicorn_by_default(monkeypatch):
    """``dorpenmonitor serve`` without --dev hands the app factory to gunicorn with the configured workers."""
    import app as app_module

    calls: list = []
    monkeypatch.setattr(app_module.wsgi, "run_production", lambda load, host, port, workers, **_: calls.append(
        (load, host, port, workers)))
    monkeypatch.setenv("DORPENMONITOR_WORKERS", "3")
    app_module.main()
    app_module.main(workers=5)
    assert [c[3] for c in calls] == [3, 5] and calls[0][0] is app_module.wsgi_app


def test_a_fresh_workers_first_request_may_be_a_callback(store):
    """Issue 11: the bench saw /_dash-dependencies list the pages' callbacks ~2 s after the first 200 on '/'.
    A worker (``wsgi_app``, what gunicorn loads) has every callback registered before it answers anything, so a
    browser whose first request to this worker is a callback (the map, a page) gets its answer, not a 500."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = """
import json, app
client = app.wsgi_app().test_client()
page = {"output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/profiel"},
                   {"id": "_pages_location", "property": "search", "value": "?code=GM0106"}],
        "changedPropIds": ["_pages_location.pathname"]}
first = client.post("/_dash-update-component", json=page)
deps = client.get("/_dash-dependencies").get_json()
print(json.dumps([first.status_code, len(deps), any("kaart-graph.figure" in d["output"] for d in deps)]))
"""
    env = {**os.environ, "DORPENMONITOR_DATABASE_URL": str(store.engine.url)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                         cwd=Path(__file__).resolve().parent.parent, env=env)
    assert out.returncode == 0, out.stderr[-800:]
    status, n_callbacks, has_map = json.loads(out.stdout.strip().splitlines()[-1])
    assert status == 200 and n_callbacks >= 10 and has_map


@pytest.mark.parametrize("path", ["/bestaatniet", "/kaart/oud", "/niet-gevonden"])
def test_unknown_page_is_http_404_with_the_dutch_page(app, path):
    """Issue 10: an unknown address answered 200 with Dash's English '404 - Page not found'."""
    import dash

    niet_gevonden = importlib.import_module("pages.niet_gevonden.not_found_404")
    resp = app.server.test_client().get(path)
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert any(m.split(".")[-1] == "not_found_404" for m in dash.page_registry)
    text = json.dumps(niet_gevonden.layout().to_plotly_json(), default=lambda c: c.to_plotly_json())
    assert "Deze pagina bestaat niet" in text and "Page not found" not in text


@pytest.mark.parametrize("path", ["/", "/trends", "/vergelijken", "/profiel", "/over", "/over/"])
def test_known_pages_stay_http_200(app, path):
    assert app.server.test_client().get(path).status_code == 200


def test_every_page_title_names_the_monitor_the_same_way(app):
    """The 404 page's tab read '· Dorpenmonitor', every other '· Dorpenmonitor Drenthe'."""
    import dash

    titles = [p["title"] for p in dash.page_registry.values()]
    assert titles and all(t.endswith(" · Dorpenmonitor Drenthe") for t in titles), titles
