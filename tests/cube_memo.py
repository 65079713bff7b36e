"""A per-run memo of the indicator cube, keyed by everything the cube is computed from.

Many tests load or refresh data as the set-up or the subject of an ETL test (kill -9 recovery, ``--if-empty``,
the README's PostgreSQL roles, refresh exit codes, ...). Each such load ends with the indicator cube, which
costs far more than the load itself, and most of them compute it from exactly the same data (the bundled
snapshot, or the same refresh on SQLite and on PostgreSQL). The cube is a pure function of the database's
data tables and the villages file, so within one test run a second computation from the same inputs may
replay the first one's frames: the load, the swap, the cube's write, its stamp and its transaction all still
run for real; only ``indicators.cube.build`` returns a stored result.

The key is safe by default: every table of ``dorpenmonitor.store.metadata`` counts, except the ones listed in
``NOT_INPUTS`` (bookkeeping and the cube's own tables), plus the villages file's path and content. A table added
to the store later is part of the key without anyone remembering this file. Order-independent row hashes make
the same data on SQLite and PostgreSQL one key. The memo lives in the run's temporary folder and dies with it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dorpenmonitor import store as store_mod
from dorpenmonitor.settings import get_settings

#: Tables the cube is not computed from: load bookkeeping (times, run ids), staging, and the cube itself.
NOT_INPUTS = ("meta", "load_runs")
NOT_INPUT_PREFIXES = ("stg_", "indicator_")
#: Columns that record when, where from and how, not what: a refresh stamps each source with its retrieval time,
#: the URL it was fetched from (in tests a fake server on a port of its own, so the same data fetched by two tests
#: had two keys), the checksum of its raw file (a whole-table download and a filtered one load the same rows) and
#: a note (live or --from-raw). The cube reads a source's id and table id only.
NOT_INPUT_COLUMNS = {"sources": ("retrieved", "url", "checksum", "notes")}


def input_tables() -> list[sa.Table]:
    return [t for name, t in sorted(store_mod.metadata.tables.items())
            if name not in NOT_INPUTS and not name.startswith(NOT_INPUT_PREFIXES)]


def _rows(conn: sa.Connection, cols: list[sa.Column]) -> list[tuple]:
    """The rows of ``cols`` as the driver returns them (plain tuples, no Row object per row), then each column
    through its SQLAlchemy result processor as a normal query would (SQLite's 0/1 → a boolean), so the same data
    reads the same on SQLite and PostgreSQL. On the connection itself: uncommitted rows count."""
    cur = conn.connection.driver_connection.cursor()
    try:
        cur.execute(str(sa.select(*cols).compile(dialect=conn.dialect)))
        rows = cur.fetchall()
    finally:
        cur.close()
    procs = [(j, p) for j, c in enumerate(cols) if (p := c.type.result_processor(conn.dialect, None)) is not None]
    if procs and rows:
        rows = [tuple(p(v) for v in col) if (p := dict(procs).get(j)) else col
                for j, col in enumerate(zip(*rows, strict=True))]
        rows = list(zip(*rows, strict=True))
    return rows


def key(store: store_mod.Store, villages_config: str | Path | None) -> str:
    """Fingerprint of the cube's inputs as ``store`` sees them (through a bound connection: uncommitted rows)."""
    h = hashlib.sha256()
    with store._connect() as conn:
        for table in input_tables():
            cols = [c for c in table.c if c.name not in NOT_INPUT_COLUMNS.get(table.name, ())]
            df = pd.DataFrame(_rows(conn, cols), columns=[c.name for c in cols])
            rows = pd.util.hash_pandas_object(df.astype(str), index=False).to_numpy()
            h.update(f"{table.name}:{len(df)}:".encode())
            h.update(np.sort(rows).tobytes())  # row order differs between databases; the set of rows does not
    path = Path(villages_config or get_settings().dorpen_config)
    h.update(str(path).encode())
    h.update(path.read_bytes() if path.exists() else b"<none>")
    return h.hexdigest()


def _log(what: str, key_: str, seconds: float | None = None) -> None:
    """One line per memo look-up to ``$CUBE_MEMO_LOG`` if set: which tests still compute a cube, and for how long."""
    target = os.environ.get("CUBE_MEMO_LOG")
    if target:
        took = "" if seconds is None else f"{seconds:.1f}s"
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(f"{what}\t{took}\t{key_[:10]}\t{os.environ.get('PYTEST_CURRENT_TEST', 'build')}\n")


def memoized(build: Callable, folder: Path) -> Callable:
    """``build`` (indicators.cube.build) answering from ``folder`` when it has the inputs' result.

    One computation per key per run: a per-key ``flock`` makes a second worker asking for the same cube while the
    first one computes it wait and replay (e.g. the SQLite and PostgreSQL variants of a test, which xdist runs at
    the same time), instead of computing it a second time on the same two cores.
    """

    def cached_build(store: store_mod.Store, villages_config: str | Path | None = None):
        folder.mkdir(parents=True, exist_ok=True)
        digest = key(store, villages_config)
        path = folder / f"{digest}.pickle"
        fd = os.open(folder / f"{digest}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd closes, or when this process dies
            if path.exists():
                _log("hit", digest)
                return pickle.loads(path.read_bytes())
            started = time.perf_counter()
            frames = build(store, villages_config)
            _log("miss", digest, time.perf_counter() - started)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(frames, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)  # atomic: a reader without the lock sees a whole file or none
            return frames
        finally:
            os.close(fd)

    cached_build.__wrapped__ = build
    return cached_build
