"""Shared fixtures: a small real database built from the bundled snapshot.

Tiers: unit tests need nothing; integration tests use ``store`` (SQLite file
loaded from data/snapshot) or ``pg_store`` (a throwaway PostgreSQL cluster on
loopback); browser tests are marked ``browser``. Where a tool is missing the
test is skipped with the reason, unless DORPENMONITOR_REQUIRE_ALL=1 (CI),
which turns the skip into a failure so a green run means everything ran.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from dorpenmonitor.settings import PROJECT_ROOT
from dorpenmonitor.store import Store
from indicators import cube
from indicators.compute import Computation
from indicators.service import IndicatorService
from tests import cube_memo, shared_db
from tests import small_snapshot as small

SNAPSHOT = PROJECT_ROOT / "data" / "snapshot"
#: Fake CBS/PDOK servers for the live ETL; one Chromium and one app server for every browser test file.
pytest_plugins = ["tests.fakes.fixtures", "tests.browser_fixtures"]

REQUIRE_ALL = os.environ.get("DORPENMONITOR_REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (DORPENMONITOR_REQUIRE_ALL=1: in CI this must be installed)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    return SNAPSHOT


@pytest.fixture(scope="session")
def small_snapshot(tmp_path_factory, snapshot_dir) -> Path:
    """The bundled snapshot cut to two gemeenten (tests/small_snapshot.py), for tests whose point is a load, not
    the data (kill -9 recovery, roles, idempotence). Written once per worker in well under a second."""
    return small.write(snapshot_dir, tmp_path_factory.mktemp("small-snapshot"))


#: The background snapshot build this process started, if any.
_BUILDER = pytest.StashKey[subprocess.Popen]()


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by every xdist worker of this run (a worker's basetemp is ``<run basetemp>/popen-gwN``)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "snapshot-db"


def _needs_db(item: pytest.Item) -> bool:
    return "snapshot_db" in getattr(item, "fixturenames", ())


#: The suite's longest tests (``--durations`` on 2 cores), in the order they should start: first in their half
#: of the run, so the two xdist workers do not end with one of them in a long test while the other idles.
#: Tests that compute the same indicator cube (tests/cube_memo.py) are spread apart: run at the same time, the
#: second would wait for the first one's cube on the memo's lock; run later, it replays it at once. Pairs that
#: share a cube here: the two 13-year refreshes (download + --from-raw, 2013-2025), the two broken-year
#: variants, the two kill-during-refresh variants, and every load of the small snapshot (tests/small_snapshot.py:
#: the README roles, both kill-during-load variants, --if-empty).
SLOW_FIRST = (
    # The half without the session database (it is built in the background meanwhile).
    "test_refresh_years.py::test_download_then_from_raw_is_the_offline_route_for_13_years",
    "test_refresh_years.py::test_one_broken_year_loads_the_other_twelve_and_keeps_its_previous_data[http-500]",
    "test_kill.py::test_kill_during_refresh_then_next_refresh_succeeds[postgres]",
    "test_serve.py::test_readme_postgres_roles_load_and_serve",
    "test_refresh_years.py::test_refresh_2013_2025_loads_13_years_and_status_shows_coverage",
    "test_kill.py::test_kill_during_snapshot_load_then_next_load_succeeds[postgres]",
    "test_refresh_years.py::test_one_broken_year_loads_the_other_twelve_and_keeps_its_previous_data"
    "[renamed-column]",
    "test_kill.py::test_kill_during_refresh_then_next_refresh_succeeds[sqlite]",
    "test_refresh_years.py::test_from_raw_loads_a_cbsodata_download_folder_without_network",
    "test_kill.py::test_kill_during_snapshot_load_then_next_load_succeeds[sqlite]",
    "test_cli.py::test_load_snapshot_if_empty_is_idempotent",
    "test_refresh.py::test_cli_exit_codes",
    "test_kill.py::test_concurrent_load_gets_one_dutch_line[postgres]",
    "test_kill.py::test_concurrent_load_gets_one_dutch_line[sqlite]",
    # The database half (after the computation group, its longest unit).
    "test_cube.py::test_without_the_hook_no_cube_then_recompute_with_an_edited_villages_file",
    "test_store.py::test_snapshot_on_postgres_matches_sqlite",
    "test_cube.py::test_a_failing_cube_leaves_data_and_cube_as_they_were",
)
#: Tests on the session's on-the-fly ``computation`` (its memo is per process) run on one worker: paid once per run.
COMPUTATION_GROUP = "computation"


def _slow_rank(item: pytest.Item) -> int:
    if item.get_closest_marker("xdist_group"):
        return -1
    name = item.nodeid.rsplit("/", 1)[-1]
    return SLOW_FIRST.index(name) if name in SLOW_FIRST else len(SLOW_FIRST)


def _module(item: pytest.Item) -> str:
    return getattr(getattr(item, "module", None), "__name__", "")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the xdist_group marks (--dist loadgroup)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files that need no snapshot database first (the workers run them while the shared one is built), each
    half with its slowest tests first; the ``computation`` tests in one xdist group, first in the database half.
    The order is stable otherwise, and the same in every worker (xdist compares the collections). The run uses
    ``--dist loadgroup --no-loadscope-reorder`` (pyproject's addopts): units are handed out in this order."""
    for item in items:
        if "computation" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(COMPUTATION_GROUP))
    # Whole files go to the database half (a test may lean on its file's earlier tests having made the app).
    uses_db = {_module(item) for item in items if _needs_db(item)}
    items.sort(key=lambda item: (_module(item) in uses_db, _slow_rank(item)))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the one shared snapshot build as soon as we know some test needs it (tests/shared_db.py)."""
    if any(_needs_db(item) for item in session.items):
        proc = shared_db.start_background(_shared_dir(session.config._tmp_path_factory), SNAPSHOT)
        if proc is not None:
            session.config.stash[_BUILDER] = proc


def pytest_unconfigure(config: pytest.Config) -> None:
    proc = config.stash.get(_BUILDER, None)
    if proc is not None and proc.poll() is None:  # the run ended (e.g. -x) before anyone needed the database
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def snapshot_db(tmp_path_factory, snapshot_dir) -> Path:
    """The bundled snapshot with its indicator cube, loaded ONCE per test run into a SQLite file.

    Shared by all xdist workers (tests/shared_db.py). Read-only: ``store`` opens it; tests that write copy
    the file (see test_refresh's ``snap_store``).
    """
    return shared_db.ensure(_shared_dir(tmp_path_factory), snapshot_dir)


@pytest.fixture(autouse=True)
def _cube_memo(tmp_path_factory, monkeypatch) -> None:
    """Loads and refreshes replay a cube already computed from the same inputs in this run (tests/cube_memo.py)."""
    memo = shared_db.memo_dir(_shared_dir(tmp_path_factory))
    monkeypatch.setattr(cube, "build", cube_memo.memoized(cube.build, memo))


@pytest.fixture(scope="session")
def store(snapshot_db) -> Store:
    """A SQLite store with the whole snapshot and its indicator cube loaded (read-only by convention)."""
    return Store(f"sqlite:///{snapshot_db}")


@pytest.fixture(scope="session")
def service(store) -> IndicatorService:
    """The indicator service on the session's snapshot database: reads the cube written by the load."""
    return IndicatorService(store)


@pytest.fixture(scope="session")
def computation(store) -> Computation:
    """The on-the-fly computation the cube is made of (reference semantics; slow, cached per session)."""
    return Computation(store)


@pytest.fixture()
def fresh_store(tmp_path) -> Store:
    """An empty SQLite store of its own, for tests that write."""
    s = Store(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    s.create_schema()
    return s


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def pg_url():
    """URL of a throwaway PostgreSQL cluster, run as the 'postgres' user (it refuses root)."""
    pg = _pg_bin()
    if pg is None:
        skip_or_fail("PostgreSQL server binaries not found (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="dm-pg-"))
    os.chmod(base, 0o777)
    data = base / "data"
    port = _free_port()
    as_pg = ["su", "postgres", "-s", "/bin/sh", "-c"] if os.geteuid() == 0 else ["sh", "-c"]
    subprocess.run([*as_pg, f"{pg}/initdb -D {data} -A trust -U postgres --no-sync >/dev/null"], check=True)
    subprocess.run(
        [*as_pg, f"{pg}/pg_ctl -D {data} -l {base}/log -w -o '-p {port} -k {base} -c listen_addresses=127.0.0.1 "
         f"-c fsync=off' start >/dev/null"],
        check=True,
    )
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        deadline = time.time() + 20
        while time.time() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield url
    finally:
        subprocess.run([*as_pg, f"{pg}/pg_ctl -D {data} -m immediate stop >/dev/null"], check=False)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def app(store):
    """The Dash app on the snapshot database, one per worker (the browser tests' server shares it).

    No warm-up: the pages read the indicator cube that the session's load wrote.
    """
    from tests.browser_fixtures import session_app

    return session_app(store)
