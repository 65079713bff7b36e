"""Issue 11, start-up: a worker answers '/' with every callback registered, before pandas and friends are loaded.

The first 200 on '/' was 2.6-3x a minimal Dash app: the app imported pandas, numpy, shapely and rapidfuzz at
start-up, and Dash's first request built the shell with its search options (database + pandas). Now those
libraries are bound with ``dorpenmonitor.lazy`` and the shell's id check runs without data; a gunicorn worker
imports them in the background (``app.warm_worker``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from dorpenmonitor import lazy, wsgi

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, store) -> dict:
    env = {**os.environ, "DORPENMONITOR_DATABASE_URL": str(store.engine.url)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr[-1500:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_serving_the_shell_registers_every_callback_without_the_heavy_libraries(store):
    got = _run("""
import json, sys
import app
from dorpenmonitor.lazy import SERVING_HEAVY
server = app.wsgi_app()
first = server.test_client().get("/")
deps = server.test_client().get("/_dash-dependencies").get_json()
pool = app.data.store().engine.pool
print(json.dumps({"status": first.status_code, "callbacks": len(deps),
                  "map": any("kaart-graph.figure" in d["output"] for d in deps),
                  "loaded": [m for m in SERVING_HEAVY if m in sys.modules],
                  "open_connections": pool.checkedin() + pool.checkedout()}))
""", store)
    assert got["status"] == 200 and got["callbacks"] >= 10 and got["map"]
    assert got["loaded"] == [], f"geladen voor de eerste 200: {got['loaded']}"
    # wsgi_app runs in gunicorn's master before the fork: no connection may be left for the workers to share.
    assert got["open_connections"] == 0


def test_the_full_shell_still_carries_the_search_options_and_the_data_date(store):
    """Only Dash's id check gets the frame without data; /_dash-layout (what the browser renders) has it all."""
    got = _run("""
import json, app
server = app.wsgi_app()
text = server.test_client().get("/_dash-layout").get_data(as_text=True)
print(json.dumps({"annen": "Annen (dorp" in text, "stand": "Gegevensstand: " in text,
                  "unknown_date": "Gegevensstand: onbekend" in text}))
""", store)
    assert got == {"annen": True, "stand": True, "unknown_date": False}


def test_warm_worker_loads_the_libraries_and_the_search_data(store):
    got = _run("""
import json, sys, app
app.wsgi_app()
app.warm_worker()
print(json.dumps({"loaded": [m for m in app.SERVING_HEAVY if m in sys.modules],
                  "search_cached": app.data.manager().cached("search_options").cache_info().currsize}))
""", store)
    assert got["loaded"] == list(lazy.SERVING_HEAVY) and got["search_cached"] == 1


def test_a_lazy_module_imports_on_first_use_and_forwards_writes():
    fake = lazy.lazy_module("json")
    assert fake.dumps({"a": 1}) == '{"a": 1}' and fake.dumps is json.dumps
    fake.dorpenmonitor_probe = 1  # a monkeypatch through the stand-in reaches the real module
    try:
        assert json.dorpenmonitor_probe == 1  # type: ignore[attr-defined]
    finally:
        del json.dorpenmonitor_probe  # type: ignore[attr-defined]
    assert "lazy module 'json'" in repr(fake)


def test_warm_up_runs_once_per_process_and_a_failure_does_not_escape(capsys):
    ran = threading.Event()
    calls: list[int] = []

    def boom() -> None:
        calls.append(1)
        ran.set()
        raise RuntimeError("geen database")

    pid = os.getpid()
    wsgi._WARMED.discard(pid)
    try:
        thread = wsgi.warm_in_background(boom)
        assert thread is not None
        thread.join(10)
        assert wsgi.warm_in_background(boom) is None  # already started in this process
    finally:
        wsgi._WARMED.discard(pid)
    assert ran.is_set() and calls == [1]
    assert "Opwarmen van werker" in capsys.readouterr().err
