"""Serving the dashboard for real: security headers, request limits, health, and the production server.

Core module: it knows Flask and gunicorn, not the dashboard. ``app.py`` hands
it the Flask server and a few callables (the CSP hashes of Dash's inline
scripts, the known callback outputs, the store), so this layer never imports
upward.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

import flask
import sqlalchemy as sa
from gunicorn.app.base import BaseApplication
from gunicorn.http import wsgi as gunicorn_wsgi
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from dorpenmonitor.store import Store

#: Largest request body the app accepts (a callback body is a few kB; the biggest real one, Vergelijken with 8
#: areas, stays under 20 kB). Larger bodies get 413 before anything parses them.
MAX_BODY_BYTES = 1_000_000

#: Headers on every response. The CSP comes on top (it depends on the app's inline scripts).
SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}

#: What a page request gets when the database does not answer (file gone, server down): 503, no traceback.
DATABASE_DOWN = ("De database is niet bereikbaar of ontbreekt. Probeer het over enkele minuten opnieuw; "
                 "blijft dit zo, meld het dan bij de beheerder (zie /healthz).")

#: Where the map tiles come from when the setting ``online_basemap`` is on (the only outside host the page may use).
OSM_TILES = "https://tile.openstreetmap.org"


def content_security_policy(script_hashes: list[str], online_basemap: bool = False) -> str:
    """The Content-Security-Policy header value.

    Scripts only from the app itself plus Dash's inline scripts by hash (the
    renderer start-up, clientside callbacks): no ``'unsafe-inline'`` for
    scripts. plotly.js compiles functions at run time (``new Function`` in its
    number formatting and in MapLibre), hence ``'unsafe-eval'``; it also writes
    ``<style>`` elements, hence ``'unsafe-inline'`` for styles only. MapLibre
    (online basemap) runs its tile decoder in a ``blob:`` worker.
    """
    tiles = f" {OSM_TILES}" if online_basemap else ""
    directives = [
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval' " + " ".join(script_hashes),
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob:{tiles}",
        "font-src 'self' data:",
        f"connect-src 'self'{tiles}",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
    return "; ".join(d.strip() for d in directives)


class InFlight:
    """How many requests this process is working on now (``/healthz`` reports it as ``bezig``).

    Lets a load balancer or ``make loadtest`` see that a worker is still busy
    with requests whose clients already gave up.
    """

    def __init__(self) -> None:
        self._n = 0
        self._lock = threading.Lock()

    def add(self, delta: int) -> None:
        with self._lock:
            self._n += delta

    @property
    def value(self) -> int:
        return self._n


#: This process's requests in progress (counted by the hooks :func:`harden` adds).
IN_FLIGHT = InFlight()


def _bad_request(message: str) -> flask.Response:
    return flask.Response(message, status=400, mimetype="text/plain")


def callback_body_problem(body: Any, known_outputs: Callable[[], Any]) -> str | None:
    """Why ``body`` is not a Dash callback request (None when it is one).

    Checks the shape Dash's dispatcher assumes without looking (``body["output"]``,
    lists of dicts for inputs/state/outputs, ``changedPropIds``), so a malformed
    body is answered 400 instead of a ``TypeError`` deep inside Dash (500).
    """
    if not isinstance(body, dict):
        return "Ongeldig verzoek: verwacht een JSON-object."
    output = body.get("output")
    if not isinstance(output, str) or not output:
        return "Ongeldig verzoek: 'output' ontbreekt."
    if output not in known_outputs():
        return "Ongeldig verzoek: onbekende callback."
    outputs = body.get("outputs")
    if not isinstance(outputs, dict | list) or (isinstance(outputs, list) and not outputs):
        return "Ongeldig verzoek: 'outputs' ontbreekt."
    for name in ("inputs", "state"):
        items = body.get(name, [])
        if not isinstance(items, list) or not all(isinstance(i, dict | list) for i in items):
            return f"Ongeldig verzoek: '{name}' is geen lijst."
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "Ongeldig verzoek: 'changedPropIds' is geen lijst van namen."
    return None


def harden(
    server: flask.Flask,
    *,
    dispatch_path: str,
    known_outputs: Callable[[], Any],
    csp: Callable[[], str],
) -> None:
    """Add the request limits, the callback-body check and the security headers to ``server``.

    ``dispatch_path`` is Dash's callback URL (``/_dash-update-component`` behind
    the URL prefix); ``known_outputs`` returns the registered callback outputs;
    ``csp`` returns the Content-Security-Policy (computed once the pages have
    registered their clientside callbacks).
    """
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    def limit_and_check() -> flask.Response | None:
        req = flask.request
        if req.content_length is not None and req.content_length > MAX_BODY_BYTES:
            return flask.Response("Verzoek te groot (maximaal 1 MB).", status=413, mimetype="text/plain")
        if req.method != "POST" or req.path != dispatch_path:
            return None
        try:
            body = req.get_json(force=True)
        except RequestEntityTooLarge:
            return flask.Response("Verzoek te groot (maximaal 1 MB).", status=413, mimetype="text/plain")
        except (BadRequest, RecursionError, UnicodeDecodeError):
            # RecursionError: json gives up on deep nesting (5,000 levels) with that, not a ValueError.
            return _bad_request("Ongeldig verzoek: geen geldige JSON.")
        problem = callback_body_problem(body, known_outputs)
        return _bad_request(problem) if problem else None

    def add_headers(response: flask.Response) -> flask.Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", csp())
        # Werkzeug's dev server adds its own Server header after this; gunicorn's is removed in ProductionServer.
        response.headers.pop("Server", None)
        return response

    def database_down(exc: sa.exc.DBAPIError) -> flask.Response:
        # One line in the log instead of a 30-line traceback per request while the database is away.
        server.logger.warning("Database niet bereikbaar (%s): %s", flask.request.path,
                              str(exc.orig or exc).splitlines()[0] if str(exc.orig or exc) else type(exc).__name__)
        resp = flask.Response(DATABASE_DOWN, status=503, mimetype="text/plain")
        resp.headers["Retry-After"] = "30"
        return resp

    def count_in() -> None:
        IN_FLIGHT.add(1)

    def count_out(_exc: BaseException | None = None) -> None:
        IN_FLIGHT.add(-1)

    # First before-request hook, so every request that is counted in is counted out by the teardown (which
    # Flask runs for every request that got a request context, rejected ones included).
    server.before_request_funcs.setdefault(None, []).insert(0, count_in)
    server.before_request(limit_and_check)
    server.after_request(add_headers)
    server.teardown_request(count_out)
    server.register_error_handler(sa.exc.DBAPIError, database_down)


def health(store: Store, extra: dict[str, Any] | None = None) -> tuple[dict[str, Any], int]:
    """``/healthz``: the load stamps and whether the database answers; HTTP 200, or 503 when it does not.

    ``extra``: more fields from the app, if any. A SQLite file that is gone is 503 without asking the
    database (a query would let SQLite create an empty file at the path).
    """
    if store.file_missing():
        return {"status": "fout", "database": "bestand ontbreekt",
                "melding": "De database ontbreekt: laad de gegevens opnieuw met 'dorpenmonitor etl load-snapshot' "
                           "(het dashboard maakt zelf nooit een database aan)."}, 503
    try:
        meta = store.meta()
    except Exception as exc:  # noqa: BLE001 - any driver error means "not reachable" to a load balancer
        return {"status": "fout", "database": "onbereikbaar", "melding": type(exc).__name__}, 503
    body = {
        "status": "ok",
        "database": "bereikbaar",
        "snapshot_loaded": meta.get("snapshot_loaded"),
        "last_refresh": meta.get("last_refresh"),
        "data_origin": meta.get("data_origin"),
        **(extra or {}),
    }
    return body, 200


def health_response(store: Store, extra: dict[str, Any] | None = None) -> flask.Response:
    """``/healthz`` as a response; ``bezig``: other requests this worker process (``werker``) is working on."""
    body, status = health(store, {**(extra or {}), "werker": os.getpid(), "bezig": max(IN_FLIGHT.value - 1, 0)})
    resp = flask.Response(json.dumps(body), status=status, mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    return resp


#: Python's collector thresholds in a serving worker (Python's default: 700, 10, 10). A profile request makes tens
#: of thousands of short-lived dicts and tuples that reference counting frees anyway; at 700 the collector ran
#: about twice per request, promoted whatever was alive mid-request, and the full collections that followed took
#: 60-230 ms each with the GIL held: a latency spike for every request of that worker (issue 12 load test).
GC_THRESHOLDS: tuple[int, int, int] = (20_000, 50, 100)


def tune_gc() -> None:
    """After the app is built: park everything alive now (modules, the app, its caches) outside the collector's
    scans (``gc.freeze``) and collect the young generation less often (:data:`GC_THRESHOLDS`)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


#: Threads per worker: a slow profile (PDF, cold village) must not hold up the map switches queued behind it.
THREADS_PER_WORKER = 4


#: Processes (by pid) that started their warm-up (a forked worker is a new process).
_WARMED: set[int] = set()
_WARM_LOCK = threading.Lock()


def warm_in_background(warm: Callable[[], None]) -> threading.Thread | None:
    """Run ``warm`` in a background thread, once per process; the thread (None when already started).

    A worker answers the page shell without pandas and friends (``dorpenmonitor.lazy``) and without data; the
    callbacks that follow a page load need both. Started as the worker starts, ``warm`` loads them while the
    browser fetches the scripts; a callback that comes sooner waits for the same import (the import lock) or
    computes the same read itself. The shell is cheap, so sharing the interpreter with the warm-up costs it little.
    """
    with _WARM_LOCK:
        if os.getpid() in _WARMED:
            return None
        _WARMED.add(os.getpid())

    def run() -> None:
        try:
            warm()
        except Exception as exc:  # noqa: BLE001 - the request that needs it fails again, with its own message
            print(f"Opwarmen van werker {os.getpid()} mislukt: {type(exc).__name__}: {exc}", file=sys.stderr)

    thread = threading.Thread(target=run, name="dorpenmonitor-warm", daemon=True)
    thread.start()
    return thread


def run_production(load_app: Callable[[], Any], host: str, port: int, workers: int,
                   threads: int = THREADS_PER_WORKER, warm: Callable[[], None] | None = None) -> None:
    """Serve the WSGI app returned by ``load_app`` with gunicorn (``workers`` processes × ``threads`` threads).

    ``load_app`` runs once, in the master before it forks the workers
    (``preload_app``): the workers start with the app built and its callbacks
    registered, share its memory, and a replaced worker is up at once. So
    ``load_app`` must leave no open database connection behind (a forked
    connection would be shared by every worker). ``warm`` runs in each worker,
    in the background, from the moment it starts (:func:`warm_in_background`).
    """
    _drop_server_header()

    class ProductionServer(BaseApplication):
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                # A cold village profile takes seconds, never a minute; a stuck worker is replaced.
                "timeout": 120,
                "graceful_timeout": 20,
                "accesslog": "-",
                "errorlog": "-",
                # Same body limit as the app, enforced before Flask sees the request line / headers.
                "limit_request_line": 8190,
                "limit_request_fields": 100,
                "preload_app": True,
                "post_worker_init": lambda _worker: warm_in_background(warm) if warm else None,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            app = load_app()
            tune_gc()
            return app

    ProductionServer().run()


def _drop_server_header() -> None:
    """gunicorn writes ``Server: gunicorn`` itself, beside the app's headers; leave it out (no server banner)."""
    gwsgi = gunicorn_wsgi
    if getattr(gwsgi.Response, "_dorpenmonitor_no_banner", False):
        return
    original = gwsgi.Response.default_headers

    def default_headers(self):  # type: ignore[no-untyped-def]
        return [h for h in original(self) if not h.lower().startswith("server:")]

    gwsgi.Response.default_headers = default_headers
    gwsgi.Response._dorpenmonitor_no_banner = True
