"""kill -9 during loads and refreshes (SQLite and PostgreSQL): the next load succeeds with no manual steps.

Each test starts the console script's entry point (``cli.main``) as a subprocess that pauses right after its
load's first staging write (tests/paused_load.py), checks that the load is visibly under way (a 'running'
load run, staged rows), kills it with SIGKILL and runs the next load. The pause makes the kill land mid-load
every time, however fast the load. The dead run holds no lock (a process that is gone holds no ``flock`` and
no PostgreSQL session), so the next load starts at once, marks the dead run failed and clears its staging rows.

The loads use the bundled snapshot cut to two gemeenten (tests/small_snapshot.py): recovery after a kill does
not depend on how many gemeenten the load holds, and the whole snapshot's indicator cube made these tests the
slowest of the suite. The next load runs the same CLI entry point in this process (``cli.main``): only the
killed load needs a process of its own, and in-process the run's cube memo (tests/cube_memo.py) spares
recomputing a cube already computed from the same data.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import cli
from dorpenmonitor.settings import PROJECT_ROOT
from dorpenmonitor.store import Store
from tests import small_snapshot as small

DORPENMONITOR = str(Path(sys.executable).with_name("dorpenmonitor"))


def _counts(store: Store) -> dict[str, int]:
    try:
        with store.engine.connect() as c:
            return {
                "staged": c.execute(sa.text("SELECT count(*) FROM stg_observations")).scalar_one()
                + c.execute(sa.text("SELECT count(*) FROM stg_boundaries")).scalar_one(),
                "running": c.execute(sa.text("SELECT count(*) FROM load_runs WHERE status = 'running'")).scalar_one(),
            }
    except sa.exc.DBAPIError:  # schema not there yet, or the writer holds the file for a moment
        return {"staged": 0, "running": 0}


def _start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """``dorpenmonitor ARGS`` in a process of its own that stops after its first staging write."""
    return subprocess.Popen([sys.executable, "-m", "tests.paused_load", *args], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def _kill_when(proc: subprocess.Popen, store: Store, ready, timeout: float = 60) -> dict[str, int]:
    """SIGKILL ``proc`` as soon as ``ready(counts)`` holds; the counts seen then."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        counts = _counts(store)
        if ready(counts):
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            return counts
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the load ended (rc {proc.returncode}) before it could be killed: {out} {err}")
        time.sleep(0.02)
    proc.kill()
    pytest.fail("the load never got under way")


def _assert_recovered(store: Store) -> None:
    counts = _counts(store)
    assert counts == {"staged": 0, "running": 0}
    runs = store.load_runs(10)
    assert "afgebroken (proces gestopt)" in set(runs["message"])
    assert runs.iloc[0]["status"] == "ok"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kill.sqlite'}"
    url = request.getfixturevalue("pg_url")
    Store(url).drop_all()
    return url


def _cli(monkeypatch, capsys, args: list[str]) -> tuple[int, str, str]:
    """``dorpenmonitor ARGS`` in this process: exit code, stdout, stderr."""
    monkeypatch.delenv("DORPENMONITOR_DATABASE_URL", raising=False)  # --database-url sets it; undone after the test
    capsys.readouterr()
    rc = cli.main(args)
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_kill_during_snapshot_load_then_next_load_succeeds(db_url, small_snapshot, monkeypatch, capsys):
    store = Store(db_url)
    args = ["--database-url", db_url, "etl", "load-snapshot", "--snapshot", str(small_snapshot)]
    proc = _start(args)
    seen = _kill_when(proc, store, lambda c: c["staged"] > 0)
    assert seen["running"] == 1 and proc.returncode == -signal.SIGKILL
    assert _counts(store)["staged"] > 0  # the dead run left its staging rows behind
    assert store.is_empty()  # killed before its swap: nothing of it is live
    rc, out, err = _cli(monkeypatch, capsys, args)
    assert rc == 0, err
    # Row counts are right on PostgreSQL too (it used to say "-2 rijen"); the whole snapshot's count is checked
    # on the session database (tests/test_snapshot.py).
    assert f": {small.ROWS} rijen." in out
    _assert_recovered(store)
    assert not store.is_empty()


def test_concurrent_load_gets_one_dutch_line(db_url):
    """While another living process holds the load lock (here: the test itself), a load stops with one line."""
    store = Store(db_url)
    store.create_schema()
    with store.load_lock():
        second = subprocess.run([DORPENMONITOR, "--database-url", db_url, "etl", "load-snapshot"],
                                capture_output=True, text=True, timeout=120)
    assert second.returncode == 1
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "loopt al een laadrun" in lines[0] and "Traceback" not in second.stderr
    assert store.is_empty() and _counts(store) == {"staged": 0, "running": 0}


def _refresh_env(settings) -> dict[str, str]:
    return {
        "DORPENMONITOR_CBS_CATALOG_URL": settings.cbs_catalog_url,
        "DORPENMONITOR_CBS_USE_HTTPS": "0",
        "DORPENMONITOR_PDOK_BASE_URL": settings.pdok_base_url,
        "DORPENMONITOR_RAW_DIR": str(settings.raw_dir),
        "DORPENMONITOR_HTTP_TIMEOUT": "5",
    }


def test_kill_during_refresh_then_next_refresh_succeeds(db_url, live_settings, small_snapshot, monkeypatch, capsys):
    rc, _, err = _cli(monkeypatch, capsys, ["--database-url", db_url, "etl", "load-snapshot", "--snapshot",
                                            str(small_snapshot)])
    assert rc == 0, err
    store = Store(db_url)
    before = store.observations(periods=[2024], codes=list(small.GEMEENTEN)).reset_index(drop=True)
    args = ["--database-url", db_url, "etl", "refresh", "--jaren", "2024", "--gemeenten", ",".join(small.GEMEENTEN)]
    env = _refresh_env(live_settings)
    proc = _start(args, env)
    seen = _kill_when(proc, store, lambda c: c["running"] == 1 and c["staged"] > 0)
    assert proc.returncode == -signal.SIGKILL
    assert _counts(store) == seen  # the dead run still says 'running' and left its staging rows behind
    # Killed before its swap: the live data are the snapshot's, untouched.
    pd.testing.assert_frame_equal(before, store.observations(periods=[2024], codes=list(small.GEMEENTEN))
                                  .reset_index(drop=True))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    rc, out, err = _cli(monkeypatch, capsys, args)
    assert rc == 0, out + err
    _assert_recovered(store)
