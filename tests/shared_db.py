"""The session's snapshot database, built once per test run and shared by every xdist worker.

Loading the bundled snapshot with its indicator cube is the most expensive set-up of the suite (the cube alone
is most of a minute on a busy machine). Built per worker, a ``-n 2`` run paid for it twice; here the first
worker that collects a test needing it starts one background build (a separate process, so the workers keep
running the tests that need no database meanwhile) and every worker's ``snapshot_db`` fixture waits for it.

Coordination is one ``flock`` on a lock file in the run's shared temporary directory: the background builder
inherits the lock from the worker that started it and holds it until the file is complete. Whoever takes the
lock next and finds no ``ready`` marker builds in-process (the builder failed or never started), so a broken
build still fails in a test with its traceback rather than hanging.

Run as ``python -m tests.shared_db DIR SNAPSHOT_DIR`` (the background builder; lock fd from ``LOCK_FD``).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

from dorpenmonitor.settings import PROJECT_ROOT
from tests import cube_memo

DB_NAME = "snapshot.sqlite"
READY = "ready"
LOCK = "build.lock"


def memo_dir(folder: Path) -> Path:
    """The run's cube memo (tests/cube_memo.py), beside the shared database's folder."""
    return folder.parent / "cube-memo"


def build(folder: Path, snapshot_dir: Path) -> Path:
    """Load the snapshot with its indicator cube into ``folder/snapshot.sqlite`` (caller holds the lock)."""
    from dorpenmonitor.store import Store
    from etl import snapshot
    from geodata.snapshot import snapshot_boundaries
    from indicators import cube

    tmp = folder / f"building-{os.getpid()}.sqlite"
    s = Store(f"sqlite:///{tmp}")
    real = cube.build
    cube.build = cube_memo.memoized(real, memo_dir(folder))  # later loads of the same snapshot replay this cube
    try:
        snapshot.load(s, snapshot_dir, boundaries=snapshot_boundaries, after_swap=cube.after_swap(s))
    finally:
        cube.build = real
    with s.engine.begin() as c:  # everything in the main file, so a plain copy is complete
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    s.engine.dispose()
    final = folder / DB_NAME
    os.replace(tmp, final)
    Path(f"{tmp}.load.lock").unlink(missing_ok=True)
    (folder / READY).write_text("ok\n")
    return final


def start_background(folder: Path, snapshot_dir: Path) -> subprocess.Popen | None:
    """Start the background build unless the database is ready or another process is building it."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # another worker's builder has it
        if (folder / READY).exists():
            return None
        # The child inherits the locked open file: the lock holds until the child exits, whatever we do.
        log = (folder / "build.log").open("w")
        return subprocess.Popen([sys.executable, "-m", "tests.shared_db", str(folder), str(snapshot_dir)],
                                cwd=PROJECT_ROOT, pass_fds=(fd,), env={**os.environ, "LOCK_FD": str(fd)},
                                stdout=log, stderr=subprocess.STDOUT)
    finally:
        os.close(fd)  # our copy only; flock locks belong to the open file, which the child keeps


def ensure(folder: Path, snapshot_dir: Path) -> Path:
    """The shared database's path: waits for a running build, builds in-process if nobody did."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if (folder / READY).exists():
            return folder / DB_NAME
        return build(folder, snapshot_dir)
    finally:
        os.close(fd)


if __name__ == "__main__":
    held = int(os.environ["LOCK_FD"])  # keeps the lock until this process ends
    build(Path(sys.argv[1]), Path(sys.argv[2]))
    os.close(held)
