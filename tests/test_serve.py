"""Serving for real (issue 12): headers, limits, malformed bodies, /healthz, and gunicorn as the README runs it."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

import cli
from dorpenmonitor import wsgi
from dorpenmonitor.settings import setting_names
from dorpenmonitor.store import Store
from tests.browser_fixtures import session_app

ROOT = Path(__file__).resolve().parent.parent
DISPATCH = "/_dash-update-component"


@pytest.fixture(scope="module")
def client(store):
    return session_app(store).server.test_client()


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/trends", "/healthz", "/assets/style.css", "/geo/gemeente-2022.geojson", "/bestaat-niet"):
        r = client.get(path)
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        csp = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in csp and "default-src 'self'" in csp
        # Inline scripts by hash only: never a blanket 'unsafe-inline' for scripts.
        script_src = re.search(r"script-src ([^;]*)", csp).group(1)
        assert "'unsafe-inline'" not in script_src and "'sha256-" in script_src


def test_csp_allows_exactly_the_inline_scripts_of_the_page(client):
    r = client.get("/")
    html = r.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", html, re.S)
    assert inline, "Dash's renderer start-up is an inline script"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in r.headers["Content-Security-Policy"]


@pytest.mark.parametrize("body", [b"null", b"[]", b'"x"', b"{}", b'{"output": "kaart-kaart.figure"}',
                                  b"[" * 5000 + b"]" * 5000, b'{"output": 5}', b"{not json"])
def test_malformed_callback_bodies_get_400(client, body):
    r = client.post(DISPATCH, data=body, content_type="application/json")
    assert r.status_code == 400, r.get_data(as_text=True)[:200]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_bodies_over_1_mb_get_413(client):
    r = client.post(DISPATCH, data=b"x" * 1_100_000, content_type="application/json")
    assert r.status_code == 413
    assert "1 MB" in r.get_data(as_text=True)


def test_healthz_reports_load_stamp_and_database(client, store):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    body = r.get_json()
    assert body["status"] == "ok" and body["database"] == "bereikbaar"
    assert body["snapshot_loaded"] == store.meta()["snapshot_loaded"]
    assert body["bezig"] == 0 and body["werker"] == os.getpid()  # no other request in progress in this process


def test_in_flight_counts_requests_in_and_out_also_rejected_ones(client):
    before = wsgi.IN_FLIGHT.value
    assert client.post(DISPATCH, data=b"{", content_type="application/json").status_code == 400
    assert client.post(DISPATCH, data=b"x" * (wsgi.MAX_BODY_BYTES + 1),
                       content_type="application/json").status_code == 413
    assert client.get("/healthz").status_code == 200
    assert wsgi.IN_FLIGHT.value == before


def test_healthz_is_503_when_the_database_is_away(tmp_path):
    # A PostgreSQL URL nobody listens on: the store cannot reach its database.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    away = Store(f"postgresql+psycopg://nobody@127.0.0.1:{port}/x?connect_timeout=2")
    body, status = wsgi.health(away)
    assert status == 503 and body["database"] == "onbereikbaar"


# -- the production server, as the README's "Beheer / in productie" section starts it ------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def readme_serve_command() -> list[str]:
    """The start command the README's production section shows (so the test follows the docs, not a copy)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Beheer / in productie"):]
    line = next(ln.strip() for ln in section.splitlines() if ln.strip().startswith("dorpenmonitor serve --workers"))
    return line.split()


def test_readme_production_server_serves_healthz_and_a_page(snapshot_db, tmp_path):
    port = _free_port()
    cmd = readme_serve_command()
    env = {**os.environ, "DORPENMONITOR_DATABASE_URL": f"sqlite:///{snapshot_db}", "DORPENMONITOR_PORT": str(port),
           "DORPENMONITOR_HOST": "127.0.0.1"}
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([str(Path(sys.executable).with_name(cmd[0])), *cmd[1:]], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                status, headers, body = _get(base + "/healthz", timeout=5)
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.3)
        assert status == 200 and json.loads(body)["database"] == "bereikbaar"
        assert "Server" not in headers  # no server banner
        # No warm-up (issue 12): right after the first 200 every answer is quick, whichever worker gives it.
        for _ in range(4):
            t = time.perf_counter()
            assert _get(base + "/healthz", timeout=5)[0] == 200 and time.perf_counter() - t < 5
        status, headers, body = _get(base + "/trends")
        assert status == 200 and b"Dorpenmonitor" in body
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
        assert "gunicorn" in (tmp_path / "server.log").read_text().lower()  # really the production server
    finally:
        proc.terminate()
        proc.wait(30)


def _readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Beheer / in productie")
    return text[start:text.index("\n## ", start + 1)]


@pytest.mark.postgres
def test_readme_postgres_roles_load_and_serve(pg_url, small_snapshot, tmp_path, monkeypatch, capsys):
    """The README's PostgreSQL recipe, step by step: roles, load with the ETL role, serve with the read-only role.

    The load is of the bundled snapshot cut to two gemeenten (tests/small_snapshot.py): the roles' rights do not
    depend on how many rows there are, and the whole snapshot's cube on PostgreSQL made this a slow test."""
    section = _readme_section()
    cluster, database_sql = re.findall(r"```sql\n(.*?)```", section, re.S)
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql("DROP DATABASE IF EXISTS dorpenmonitor")
        c.exec_driver_sql("DROP ROLE IF EXISTS dorpenmonitor_app")
        c.exec_driver_sql("DROP ROLE IF EXISTS dorpenmonitor_etl")
        for stmt in filter(str.strip, cluster.split(";")):
            c.exec_driver_sql(stmt)
    admin.dispose()
    db = sa.create_engine(pg_url.rsplit("/", 1)[0] + "/dorpenmonitor", isolation_level="AUTOCOMMIT")
    with db.connect() as c:
        for stmt in filter(str.strip, database_sql.split(";")):
            c.exec_driver_sql(stmt)
    db.dispose()
    host = pg_url.split("@", 1)[1].rsplit("/", 1)[0]  # the throwaway cluster trusts loopback: no passwords
    etl_url = f"postgresql+psycopg://dorpenmonitor_etl@{host}/dorpenmonitor"
    app_url = f"postgresql+psycopg://dorpenmonitor_app@{host}/dorpenmonitor"
    exe = str(Path(sys.executable).with_name("dorpenmonitor"))
    # The loads run the CLI in this process (the server below is the separate process that matters); that way
    # the load replays the run's cube of the same snapshot (tests/cube_memo.py) instead of computing it again.
    monkeypatch.delenv("DORPENMONITOR_DATABASE_URL", raising=False)  # --database-url sets it; undone after the test
    capsys.readouterr()
    snap = ["--snapshot", str(small_snapshot)]
    assert cli.main(["--database-url", etl_url, "etl", "load-snapshot", *snap]) == 0, capsys.readouterr().err
    # The app's role can read but not write.
    capsys.readouterr()
    assert cli.main(["--database-url", app_url, "etl", "load-snapshot", *snap]) == 2
    err = capsys.readouterr().err
    assert "alleen-lezen" in err and "Traceback" not in err

    prefix = re.search(r"DORPENMONITOR_URL_PREFIX=(\S+)", section).group(1)
    port = _free_port()
    env = {**os.environ, "DORPENMONITOR_DATABASE_URL": app_url, "DORPENMONITOR_URL_PREFIX": prefix,
           "DORPENMONITOR_HOST": "127.0.0.1", "DORPENMONITOR_PORT": str(port)}
    if "url_prefix" not in setting_names():  # the prefix setting lands with the pages work
        prefix = "/"
    cmd = readme_serve_command()
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([exe, *cmd[1:]], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}{prefix}"
        deadline = time.time() + 60
        while True:
            try:
                status, headers, body = _get(base + "healthz", timeout=5)
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.3)
        assert status == 200, body
        assert json.loads(body)["snapshot_loaded"]
        status, _, body = _get(base + "trends")
        assert status == 200 and b"Dorpenmonitor" in body
    finally:
        proc.terminate()
        proc.wait(30)


# -- a SQLite file replaced or deleted under the running app -------------------------------------------------------

def _copy_db(src: Path, dest: Path, marker: str) -> None:
    """A complete copy of ``src`` (one file, no WAL) with the meta key ``test_marker`` set to ``marker``."""
    import sqlite3

    a, b = sqlite3.connect(src), sqlite3.connect(dest)
    a.backup(b)
    a.close()
    b.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('test_marker', ?)", (marker,))
    b.commit()
    b.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    b.close()


def test_a_replaced_or_deleted_sqlite_file_is_noticed(snapshot_db, tmp_path, monkeypatch):
    """A copy moved over the served file (same load stamps!) is read after the next check; a deleted one is 503."""
    from dashboard import data

    path = tmp_path / "served.sqlite"
    _copy_db(snapshot_db, path, "oud")
    served = Store(f"sqlite:///{path}")
    old = data.DataManager(served)
    old.checked_at = 100.0
    monkeypatch.setattr(data._CURRENT, "manager", old)  # the session's manager stays as it is
    assert served.meta()["test_marker"] == "oud"  # a pooled connection now holds the file open

    # What an administrator does to restore a copy: write it beside the file, then rename it over it (atomic).
    _copy_db(snapshot_db, tmp_path / "nieuw.sqlite", "nieuw")
    os.replace(tmp_path / "nieuw.sqlite", path)
    assert served.meta()["test_marker"] == "oud"  # the open connection still reads the replaced file ...
    assert data.check_data_version(now=110.0)  # ... until the next look: a fresh manager, the file reopened
    new = data.current()
    assert new is not old and served.meta()["test_marker"] == "nieuw"
    assert new.version == old.version  # same stamps as before: only the file told
    assert not data.check_data_version(now=120.0) and data.current() is new  # noticed once

    path.unlink()
    body, status = wsgi.health(served)
    assert status == 503 and body["database"] == "bestand ontbreekt"
    assert not path.exists()  # asking did not create an empty database at the path
    # The app keeps what it has open (no empty database in its place) until a file is put back.
    assert not data.check_data_version(now=130.0) and data.current() is new
    _copy_db(snapshot_db, tmp_path / "terug.sqlite", "terug")
    os.replace(tmp_path / "terug.sqlite", path)
    assert data.check_data_version(now=140.0) and served.meta()["test_marker"] == "terug"
    assert wsgi.health(served)[1] == 200
    served.engine.dispose()


def _profile_body(code: str) -> dict:
    """The profile page's callback request for ``code`` (as the browser sends it)."""
    return {"output": "..profiel-inhoud.children...profiel-ondertitel.children..",
            "outputs": [{"id": "profiel-inhoud", "property": "children"},
                        {"id": "profiel-ondertitel", "property": "children"}],
            "inputs": [{"id": "profiel-code", "property": "data", "value": code}], "state": [],
            "changedPropIds": ["profiel-code.data"]}


def test_the_app_never_creates_a_deleted_sqlite_file(snapshot_db, tmp_path, monkeypatch, client):
    """Issue 12: a request that needs a new connection after the file was deleted used to create an EMPTY database
    at the path. The app's store opens SQLite with mode=rw: the request gets a Dutch 503, /healthz says the database
    is missing, no file appears, and the next load (a new file at the path) is served."""
    from dashboard import data
    from dorpenmonitor.store import get_store

    path = tmp_path / "served.sqlite"
    _copy_db(snapshot_db, path, "oud")
    served = get_store(f"sqlite:///{path}")  # what create_app() reads through
    manager = data.DataManager(served)
    monkeypatch.setattr(data._CURRENT, "manager", manager)
    assert client.post(DISPATCH, json=_profile_body("GM0106")).status_code == 200

    path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    served.engine.dispose()  # every connection the pool opens from now on is a new one (a new thread, a new worker)
    monkeypatch.setattr(data._CURRENT, "manager", data.DataManager(served))  # nothing cached: the request must ask
    r = client.post(DISPATCH, json=_profile_body("GM0109"))
    assert r.status_code == 503 and "database is niet bereikbaar of ontbreekt" in r.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["database"] == "bestand ontbreekt"
    assert "load-snapshot" in health.get_json()["melding"]
    assert not path.exists(), "the app created a database file"

    # The next load writes a new file at the path: noticed at the next look, and served.
    _copy_db(snapshot_db, tmp_path / "geladen.sqlite", "geladen")
    os.replace(tmp_path / "geladen.sqlite", path)
    data._CURRENT.manager.checked_at = -1e9  # the next request looks at once
    r = client.post(DISPATCH, json=_profile_body("GM0109"))
    assert r.status_code == 200 and "Coevorden" in r.get_data(as_text=True)
    assert served.meta()["test_marker"] == "geladen" and client.get("/healthz").status_code == 200
    served.engine.dispose()
