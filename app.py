"""Dorpenmonitor Drenthe: the Dash app.

Start with ``python app.py`` (host/port from ``dorpenmonitor.settings``).
Pages live in ``pages/<feature>/`` (Dash Pages: ``page.py`` registers each); shared widgets in ``dashboard/``.
Everything is served locally (no CDN, no map tiles), and responses are
gzip-compressed. The map geometry is a static GeoJSON file per level
(``/geo/<niveau>-<vintage>.geojson``) that plotly.js fetches by URL. Every
route sits behind the setting ``url_prefix`` (default ``/``). Only
with the setting ``online_basemap`` does the map page offer an OpenStreetMap
background (tiles from the internet, a larger plotly bundle).
"""

from __future__ import annotations

import functools
import importlib
from pathlib import Path
from typing import Any

import dash
import flask

from dashboard import data, search
from dashboard.layout import APP_TITLE, app_layout
from dashboard.validate import MAX_URL, as_str
from dorpenmonitor import wsgi
from dorpenmonitor.lazy import SERVING_HEAVY
from dorpenmonitor.settings import Settings, get_settings
from dorpenmonitor.store import Store

ROOT = Path(__file__).resolve().parent

INDEX_STRING = """<!DOCTYPE html>
<html lang="nl">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""


#: The two partial plotly.js bundles in assets/vendor (see BUILD.md); exactly one is put in the page. The offline
#: default never loads the online one (+0.45 MB gzipped of MapLibre for ``choroplethmap``).
BUNDLE_OFFLINE = r"^plotly-dorpenmonitor\.min\.js$"
BUNDLE_ONLINE = r"^plotly-dorpenmonitor-osm\.min\.js$"


def create_app(store: Store | None = None, settings: Settings | None = None) -> dash.Dash:
    """Build the app on ``store`` (default: the configured database) with ``settings`` (default: environment)."""
    settings = settings or get_settings()
    data.configure(store, online_basemap=settings.online_basemap)
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(ROOT / "pages"),
        assets_folder=str(ROOT / "assets"),
        url_base_pathname=settings.url_prefix,
        serve_locally=True,
        # Dash puts every .js under assets/ in the page; leave out the bundle this configuration does not use.
        assets_ignore=BUNDLE_OFFLINE if settings.online_basemap else BUNDLE_ONLINE,
        compress=True,
        title=APP_TITLE,
        update_title=None,  # no flickering "Updating..." title on every callback
        # Callbacks refer to ids inside pages; tests check those ids exist (tests/test_app_callbacks.py). Without
        # this, Dash embeds every page layout (~250 kB) in the HTML of every page.
        suppress_callback_exceptions=True,
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {"name": "description",
             "content": "Cijfers over dorpen, wijken en buurten in Drenthe en Hardenberg (CBS)."},
        ],
    )
    app.index_string = INDEX_STRING
    app.layout = app_layout
    prefix = settings.url_prefix
    static = tuple(prefix + p.lstrip("/") for p in STATIC_PREFIXES)
    app.server.before_request(lambda: _notice_reload(static))
    app.server.teardown_request(_unpin)
    app.server.before_request(lambda: _check_router_inputs(app, prefix))
    app.server.after_request(lambda response: _buffer_assets(response, prefix + "assets/"))
    app.server.after_request(lambda response: _not_found_status(response, prefix))
    app.server.add_url_rule(prefix + "geo/<name>.geojson", "geojson", serve_geojson)
    app.server.add_url_rule(prefix + "healthz", "healthz",
                            lambda: wsgi.health_response(data.store()))
    _harden(app, settings)
    return app


def _harden(app: dash.Dash, settings: Settings) -> None:
    """Security headers, the 1 MB body limit and 400 for malformed callback bodies (see ``dorpenmonitor.wsgi``)."""
    csp: list[str] = []

    def policy() -> str:
        # Computed at the first response: by then every page has registered its clientside callbacks, whose
        # inline scripts the policy allows by hash.
        if not csp:
            csp.append(wsgi.content_security_policy(app.csp_hashes(), settings.online_basemap))
        return csp[0]

    wsgi.harden(app.server, dispatch_path=app.config.routes_pathname_prefix + "_dash-update-component",
                known_outputs=lambda: app.callback_map, csp=policy)


#: The files change only with a data refresh, and then their URL changes too (``?v=`` in ``data.geo_url``).
GEO_CACHE = "public, max-age=86400"


def serve_geojson(name: str) -> flask.Response:
    """The map geometry of one level and vintage (``/geo/buurt-2019.geojson``), pre-gzipped and cacheable.

    plotly.js fetches this URL itself (the traces' ``geojson``), once per page
    for all traces that name it; the browser cache and the ETag spare repeat
    visits the download.
    """
    niveau, _, vintage = name.partition("-")
    try:
        geo = data.geo_file(niveau, vintage)
    except KeyError:
        known = ", ".join(f"{n}-{v}" for n, vs in data.VINTAGES.items() for v in vs)
        return flask.Response(f"Kaartlaag '{name}' bestaat niet. Beschikbaar: {known}.", status=404,
                              mimetype="text/plain")
    gzipped = "gzip" in flask.request.accept_encodings
    # The two encodings are different bytes, so they get different (strong) ETags.
    etag = geo.etag + ("-gz" if gzipped else "")
    if flask.request.if_none_match.contains(etag):
        resp = flask.Response(status=304)
    else:
        resp = flask.Response(geo.gzip if gzipped else geo.raw, mimetype="application/geo+json")
        if gzipped:
            resp.headers["Content-Encoding"] = "gzip"
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = GEO_CACHE
    resp.headers["Vary"] = "Accept-Encoding"
    return resp


#: Output of Dash's own page router callback (registered by Dash Pages before the first request).
ROUTER_OUTPUT = "_pages_content.children"


def _check_router_inputs(app: dash.Dash, prefix: str) -> None:
    """Before a request: give Dash's page router callback the same input checks as the pages' callbacks.

    Dash registers that callback itself (in an earlier before_request hook), and it raises on a pathname or
    query that is not text or lies outside the URL prefix. Wrapped once: a bad pathname shows the not-found
    page, a bad query string the page's default state.
    """
    for output, entry in app.callback_map.items():
        if ROUTER_OUTPUT in output and not getattr(entry["callback"], "checked", False):
            # Dash's own rule (dash._get_paths.app_strip_relative_path), which raises where this gives None.
            entry["callback"] = _checked_router(entry["callback"], prefix.rstrip("/") or "/")


def _checked_router(route, prefix: str):
    @functools.wraps(route)
    def checked(pathname: Any, search: Any, *states: Any, **kwargs: Any):
        path = as_str(pathname, MAX_URL)
        if path is not None and not path.startswith(prefix):
            path = None
        query = as_str(search, MAX_URL)
        return route(path, query if query and query.startswith("?") else None, *states, **kwargs)

    checked.checked = True  # type: ignore[attr-defined]
    return checked


#: Paths Dash answers with its HTML shell that are not pages (callbacks, assets, the map layers).
NOT_PAGES = ("_dash-", "_reload-hash", "_favicon", "assets/", "geo/")
#: The address of the 'niet gevonden' page (pages/niet_gevonden): it is the 404 page, so it answers 404 too.
NOT_FOUND_PATH = "/niet-gevonden"


def _not_found_status(response: flask.Response, prefix: str = "/") -> flask.Response:
    """HTTP 404 for the HTML shell of a path that is no page (Dash answers every path with 200 and its shell).

    The browser still gets the shell, in which Dash Pages renders the Dutch 'niet gevonden' page.
    """
    path = flask.request.path
    if response.status_code != 200 or response.mimetype != "text/html" or not path.startswith(prefix):
        return response
    rel = path[len(prefix):]
    if rel.startswith(NOT_PAGES):
        return response
    rel = "/" + rel.strip("/")
    known = {p["path"] for p in dash.page_registry.values()} - {NOT_FOUND_PATH}
    if rel not in known:
        response.status_code = 404
    return response


#: Static files that never depend on the data: no look at the database for these (behind the URL prefix).
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")


def _notice_reload(static: tuple[str, ...] = STATIC_PREFIXES) -> None:
    """Before a request: swap in fresh data when the database was reloaded (one look per 2 s), then pin it.

    A ``load-snapshot`` or ``refresh`` in another process writes new load stamps into the meta table;
    ``data.check_data_version`` compares them, so the running app shows the new data without a restart.
    The request then keeps the data manager it started with (``data.pin``): a reload while it runs does
    not mix old and new data in one answer, and what it computed never lands in the new manager's caches.
    """
    if not flask.request.path.startswith(static):
        data.check_data_version()
        flask.g.data_pin = data.pin()


def _unpin(_exc: BaseException | None = None) -> None:
    """After a request (also a failed one): drop its data pin, so a reused worker thread starts clean."""
    data.unpin(flask.g.pop("data_pin", None))


def _buffer_assets(response: flask.Response, assets: str = "/assets/") -> flask.Response:
    """Let flask-compress gzip the assets (above all the 1.5 MB plotly bundle).

    Flask streams static files, and flask-compress gzips only buffered bodies
    (its streaming algorithms exclude gzip). Registered after Dash's own
    compression hook, so it runs before it (Flask runs after_request hooks in
    reverse order).
    """
    if response.status_code == 200 and response.is_streamed and flask.request.path.startswith(assets):
        response.direct_passthrough = False
        response.set_data(response.get_data())
    return response


_SERVER: list[flask.Flask] = []
def wsgi_app() -> flask.Flask:
    """The app's WSGI server object, built once per process (no warm-up: pages read the load-time indicator cube).

    ``dorpenmonitor serve`` builds it in gunicorn's master, which then forks the workers: it closes the database
    connections it opened, so no worker inherits (and shares) one; each opens its own at its first query.
    """
    if not _SERVER:
        server = create_app().server
        # Dash registers its component bundles while rendering the index page: a gunicorn worker whose first request
        # is for a bundle would answer 500 ("dash is not a registered library"). Render it once, before any worker.
        server.test_client().get(get_settings().url_prefix)
        data.store().engine.dispose()
        _SERVER.append(server)
    return _SERVER[0]


def warm_worker() -> None:
    """What a fresh gunicorn worker loads in the background while it already serves (issue 11).

    The libraries the callbacks need (``dorpenmonitor.lazy``), and the data of the shell that every page load
    asks for (the search's areas and postcodes): what a worker used to compute before its first answer.
    """
    for name in SERVING_HEAVY:
        importlib.import_module(name)
    with data.pinned():
        search.options()


def __getattr__(name: str):
    """``app:server`` for any WSGI server (``gunicorn app:server``): built on first access."""
    if name == "server":
        return wsgi_app()
    raise AttributeError(name)


def main(dev: bool = False, workers: int | None = None) -> None:
    """Serve the dashboard: gunicorn with ``workers`` processes (default: setting), or Dash's dev server (``dev``)."""
    settings = get_settings()
    if dev:
        app = create_app(settings=settings)
        app.run(host=settings.host, port=settings.port, debug=settings.debug)
        return
    wsgi.run_production(wsgi_app, settings.host, settings.port, workers or settings.workers, warm=warm_worker)


if __name__ == "__main__":
    main()
