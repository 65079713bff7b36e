"""The one way into the database.

Only this module creates the SQLAlchemy engine and writes SQL. ETL hands it
frames to stage and swap in; indicators and pages get frames back. Geometry is
kept as GeoJSON text so SQLite and PostgreSQL (without PostGIS) behave alike.

Writes go to ``stg_*`` tables first; :meth:`Store.swap` then replaces the live
rows of the run's scope in one transaction, so an interrupted or failed load
never leaves the live tables half-written. The swap takes an ``after_swap``
hook that runs inside that transaction: the CLI passes the indicator cube's
builder, which reads the swapped (not yet committed) rows through
:meth:`Store.bound` and writes the ``indicator_*`` tables, so data and cube
commit together or not at all.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event

from dorpenmonitor.lazy import lazy_module
from dorpenmonitor.settings import get_settings

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

metadata = sa.MetaData()

regions = sa.Table(
    "regions",
    metadata,
    sa.Column("code", sa.String(10), primary_key=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("level", sa.String(10), nullable=False, index=True),
    sa.Column("gemeente_code", sa.String(6), nullable=False, index=True),
    sa.Column("wijk_code", sa.String(8)),
)

variables = sa.Table(
    "variables",
    metadata,
    sa.Column("key", sa.String(60), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("unit", sa.String(40), nullable=False),
    sa.Column("theme", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("source_keys", sa.Text, nullable=False, default="{}"),  # JSON {table_id: key}
)

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.String(60), primary_key=True),
    sa.Column("table_id", sa.String(20), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("publisher", sa.Text, nullable=False),
    sa.Column("republisher", sa.Text, nullable=False, default=""),
    sa.Column("periods", sa.String(40), nullable=False, default=""),
    sa.Column("licence", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False, default=""),
    sa.Column("retrieved", sa.String(30), nullable=False, default=""),
    sa.Column("checksum", sa.String(80), nullable=False, default=""),
    sa.Column("notes", sa.Text, nullable=False, default=""),
)


def _observation_columns() -> list[sa.Column]:
    return [
        sa.Column("region_code", sa.String(10), nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("variable", sa.String(60), nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("source_id", sa.String(60), nullable=False),
    ]


def _boundary_columns() -> list[sa.Column]:
    return [
        sa.Column("region_code", sa.String(10), nullable=False),
        sa.Column("vintage", sa.String(20), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("geometry", sa.Text, nullable=False),
        sa.Column("geometry_web", sa.Text, nullable=False),
        sa.Column("approximate", sa.Boolean, nullable=False, default=False),
        sa.Column("source_id", sa.String(60), nullable=False),
    ]


observations = sa.Table(
    "observations",
    metadata,
    *_observation_columns(),
    sa.PrimaryKeyConstraint("region_code", "period", "variable"),
    sa.Index("ix_obs_var_period", "variable", "period"),
)
boundaries = sa.Table(
    "boundaries",
    metadata,
    *_boundary_columns(),
    sa.PrimaryKeyConstraint("region_code", "vintage"),
    sa.Index("ix_bnd_level_vintage", "level", "vintage"),
)
stg_observations = sa.Table(
    "stg_observations", metadata, sa.Column("run_id", sa.Integer, nullable=False, index=True),
    *_observation_columns()
)
stg_boundaries = sa.Table(
    "stg_boundaries", metadata, sa.Column("run_id", sa.Integer, nullable=False, index=True), *_boundary_columns()
)

load_runs = sa.Table(
    "load_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("scope", sa.Text, nullable=False, default=""),
    sa.Column("started_at", sa.String(30), nullable=False),
    sa.Column("finished_at", sa.String(30)),
    sa.Column("status", sa.String(10), nullable=False),  # running / ok / failed
    sa.Column("rows", sa.Integer, nullable=False, default=0),
    sa.Column("message", sa.Text, nullable=False, default=""),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(60), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


# -- the indicator cube (computed at load time by indicators.cube; read by indicators.service) -----------------

#: Every indicator × area × year: value, status, benchmarks, rank, source tables and series-break flag.
#: Areas: buurt, wijk, gemeente, dorp, Drenthe (niveau 'drenthe', code PV22), monitor total ('monitor', MONITOR).
indicator_values = sa.Table(
    "indicator_values",
    metadata,
    sa.Column("indicator", sa.String(60), nullable=False),
    sa.Column("niveau", sa.String(10), nullable=False),
    sa.Column("jaar", sa.Integer, nullable=False),
    sa.Column("code", sa.String(80), nullable=False),
    sa.Column("naam", sa.Text),
    sa.Column("gemeente_code", sa.String(6)),
    sa.Column("waarde", sa.Float),  # rounded to the indicator's decimals (Drenthe/monitor rows: unrounded)
    sa.Column("status", sa.String(14), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("dekking", sa.Float),  # share of residents an aggregate covers (dorp, Drenthe, monitor)
    sa.Column("rank_in_gemeente", sa.Integer),  # 1 = highest 'ok' value in the gemeente (gemeenten: among all 13)
    sa.Column("count_in_gemeente", sa.Integer),  # how many 'ok' values were ranked
    sa.Column("bron", sa.Text, nullable=False, default=""),  # CBS tables this value came from, comma-separated
    sa.Column("breuk", sa.Boolean, nullable=False, default=False),  # not comparable with the previous point
    sa.Column("breuk_reden", sa.Text, nullable=False, default=""),  # why (herindeling, bronwissel, …), '; '-joined
    # 'gepubliceerd' (as CBS published it for this area), 'identiek' (Drenthe/monitor: the sum of all their
    # gemeenten), 'omgerekend' (converted to the current buurt division; see indicators.series)
    sa.Column("omrekening", sa.String(12), nullable=False, default="gepubliceerd"),
    sa.Column("gemeente_waarde", sa.Float),
    sa.Column("drenthe_waarde", sa.Float),
    sa.Column("monitor_waarde", sa.Float),
    sa.Column("stedelijkheid", sa.Integer),
    sa.Column("vergelijkbaar_waarde", sa.Float),  # aggregate of the level's areas of the same stedelijkheid
    sa.Column("vergelijkbaar_mediaan", sa.Float),
    sa.Column("spreiding", sa.Float),  # standard deviation of the level's 'ok' values that year
    sa.Column("volgorde", sa.Integer, nullable=False),  # row order of the computation (registry, then area)
    # A map or an export reads one (niveau, jaar[, indicator]); a profile or trend one code.
    sa.Index("ix_iv_level", "niveau", "jaar", "indicator"),
    sa.Index("ix_iv_code", "code", "indicator", "jaar"),
)

#: Comparable areas per level, year, indicator and stedelijkheid class (computed once per load, not per area).
indicator_comparables = sa.Table(
    "indicator_comparables",
    metadata,
    sa.Column("niveau", sa.String(10), nullable=False),
    sa.Column("indicator", sa.String(60), nullable=False),
    sa.Column("jaar", sa.Integer, nullable=False),
    sa.Column("stedelijkheid", sa.Integer, nullable=False),
    sa.Column("aantal", sa.Integer, nullable=False),
    sa.Column("waarde", sa.Float),
    sa.Column("mediaan", sa.Float),
    sa.Column("status", sa.String(14), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.PrimaryKeyConstraint("niveau", "indicator", "jaar", "stedelijkheid"),
)

#: Years with at least one 'ok' or 'onbetrouwbaar' value, and the CBS tables the inputs came from.
indicator_years = sa.Table(
    "indicator_years",
    metadata,
    sa.Column("indicator", sa.String(60), nullable=False),
    sa.Column("niveau", sa.String(10), nullable=False),
    sa.Column("jaar", sa.Integer, nullable=False),
    sa.Column("heeft_waarde", sa.Boolean, nullable=False),
    sa.Column("bronnen", sa.Text, nullable=False, default=""),
    sa.PrimaryKeyConstraint("indicator", "niveau", "jaar"),
)

#: Selectable areas (current division and villages) in display order; villages with their buurten.
indicator_areas = sa.Table(
    "indicator_areas",
    metadata,
    sa.Column("code", sa.String(80), primary_key=True),
    sa.Column("volgorde", sa.Integer, nullable=False),
    sa.Column("naam", sa.Text, nullable=False),
    sa.Column("niveau", sa.String(10), nullable=False),
    sa.Column("gemeente_code", sa.String(6)),
    sa.Column("stedelijkheid", sa.Integer),
    sa.Column("huidig", sa.Boolean, nullable=False),  # in the current division (else only a stedelijkheid class)
    sa.Column("dorp", sa.Text, nullable=False, default=""),  # villages: JSON {buurten, bron, regels}
)

#: Level suffix of the cube rows converted to the current buurt division ('buurt_om', 'dorp_om').
CONVERTED_SUFFIX = "_om"
CUBE_TABLES: tuple[sa.Table, ...] = (indicator_values, indicator_comparables, indicator_years, indicator_areas)
#: Frame name (key, value) of meta rows a cube carries along (e.g. the buurt conversion summary).
CUBE_META = "cube_meta"
#: Meta key with the buurt conversion summary (JSON, see ``Computation.conversion_summary``).
CONVERSION_KEY = "omrekening_buurten"
#: Meta key written with every cube (load, refresh, recompute): part of the app's data version.
CUBE_STAMP = "indicators_computed"


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def years_text(years: Iterable[int]) -> str:
    """'2013-2025' for a run of years, '2019,2024' otherwise."""
    ys = sorted(set(years))
    if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}"
    return ",".join(str(y) for y in ys)


class ConcurrentLoadError(RuntimeError):
    """Another load is still running on this database."""


#: Key of the PostgreSQL advisory lock a load holds (any constant; "dorp" in ASCII).
PG_LOAD_LOCK = 0x646F7270
#: In-memory SQLite databases have no file to lock beside: one lock per process is all they need.
_MEMORY_LOCK = threading.Lock()


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and for in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    path = sa.engine.make_url(url).database or ""
    path = path.removeprefix("file:")  # URI form: sqlite:///file:/path/db.sqlite?mode=ro&uri=true
    return Path(path) if path and path != ":memory:" and not path.startswith(":memory:") else None


def database_problem(url: str, exc: sa.exc.DBAPIError, option: str = "--database-url") -> str:
    """One Dutch line for a database error the user can fix (read-only file or role, server away), naming the
    database ``url`` (password hidden) and the command's ``option`` to choose another: what every command prints
    instead of a traceback."""
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    text = str(exc.orig or exc).lower()
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        path = sqlite_path(url)
        fix = (f"geef schrijfrechten op {path} en de map {path.parent} (SQLite schrijft er ook -wal/-shm-bestanden)"
               if path else "gebruik een databaserol met schrijfrechten voor de ETL (zie README, 'Beheer')")
        return f"de database {shown} is alleen-lezen; {fix}. De gegevens zijn niet gewijzigd."
    first = str(exc.orig or exc).strip().splitlines()[0][:200]
    return f"database {shown} niet bruikbaar ({first}). Controleer DORPENMONITOR_DATABASE_URL of {option}."


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of ``path``: which file it is, not what it holds (None when there is none)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _open_existing(path: Path) -> Callable[[], sqlite3.Connection]:
    """A connection factory that opens the SQLite file at ``path`` only if it exists (URI ``mode=rw``).

    Plain ``sqlite3.connect`` creates an empty database wherever the file is
    missing. Built here, not as a ``sqlite:///file:...?mode=rw&uri=true`` URL:
    SQLAlchemy decodes %-escapes in a URL, SQLite's URI parser needs them for
    '#', '?' and '%' in a path.
    """
    uri = f"file:{quote(str(path.resolve()), safe='/')}?mode=rw"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)

    return connect


@lru_cache(maxsize=8)
def _engine(url: str, create: bool = True) -> sa.Engine:
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if not create and path is not None and "mode=" not in url:
            eng = sa.create_engine(url, creator=_open_existing(path))
        else:
            eng = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn, _rec):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            # WAL lets the dashboard keep reading while a refresh writes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return eng
    return sa.create_engine(url, pool_pre_ping=True)


@dataclass
class Scope:
    """Which live rows a load replaces. Empty tuples mean 'everything'."""

    periods: tuple[int, ...] = ()
    gemeenten: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()
    #: limit the replacement to these harmonised variables (a refresh leaves crime, health, ... alone)
    variables: tuple[str, ...] = ()
    vintages: tuple[str, ...] = ()
    replace_all: bool = False
    extra: dict = field(default_factory=dict)

    def describe(self) -> str:
        if self.replace_all:
            return "alles"
        parts = []
        if self.periods:
            parts.append(f"jaren {years_text(self.periods)}")
        if self.gemeenten:
            parts.append(f"gemeenten {','.join(self.gemeenten)}")
        if self.vintages:
            parts.append(f"grenzen {','.join(self.vintages)}")
        return "; ".join(parts)


class Store:
    """Database access for the Dorpenmonitor.

    ``create=False`` (what the app reads through, :func:`get_store`): a SQLite
    file that is missing is an error ("unable to open database file"), never
    a new empty database at its path. Only the ETL creates the database.
    """

    def __init__(self, url: str, *, create: bool = True):
        self.url = url
        self.engine = _engine(url, create)
        self._conn: sa.Connection | None = None
        self._file = sqlite_path(url)
        self._file_id = file_identity(self._file) if self._file else None
        self._reopen_lock = threading.Lock()

    def bound(self, conn: sa.Connection) -> Store:
        """This store reading through ``conn`` (e.g. the swap's open transaction, to see its uncommitted rows)."""
        view = copy.copy(self)
        view._conn = conn
        return view

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sa.Connection]:
        if self._conn is not None:
            yield self._conn
        else:
            with self.engine.connect() as c:
                yield c

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """One write transaction (commit on success, rollback on error)."""
        with self.engine.begin() as c:
            yield c

    # -- the database file ----------------------------------------------
    def file_missing(self) -> bool:
        """True when this is a SQLite file database and the file is gone (deleted or moved away)."""
        return self._file is not None and file_identity(self._file) is None

    def reopen_if_replaced(self) -> bool:
        """Close every pooled connection when the SQLite file at the path is not the one opened; True when so.

        An open SQLite connection keeps reading the file it opened, even after
        that file was replaced (a copy moved over it) or deleted: the server
        would go on serving the old data forever. Compares the path's device
        and inode with what was seen last (one ``stat``); on a change,
        :meth:`sqlalchemy.engine.Engine.dispose` drops the pool, so the next
        query opens whatever is at the path now. Not the mtime: every write
        and WAL checkpoint changes it, and writes into the same file are
        seen by SQLite itself (its change counter), so only a new inode
        counts. A deleted file is not a replacement: the open connections
        go on reading it (better than an empty database SQLite would create
        at the path) while ``/healthz`` says 503; a file put back later is.
        No-op for other databases.
        """
        if self._file is None:
            return False
        now = file_identity(self._file)
        with self._reopen_lock:
            if now == self._file_id:
                return False
            self._file_id = now
            if now is None:
                return False
            self.engine.dispose()
        return True

    # -- schema ---------------------------------------------------------
    def create_schema(self) -> None:
        metadata.create_all(self.engine)

    def is_empty(self) -> bool:
        insp = sa.inspect(self.engine)
        if not insp.has_table("observations"):
            return True
        with self.engine.connect() as c:
            return c.execute(sa.select(sa.func.count()).select_from(observations)).scalar_one() == 0

    def drop_all(self) -> None:
        metadata.drop_all(self.engine)

    # -- load runs ------------------------------------------------------
    def begin_run(self, kind: str, scope: Scope) -> int:
        self.create_schema()
        with self.engine.begin() as c:
            res = c.execute(
                load_runs.insert().values(kind=kind, scope=scope.describe(), started_at=now(), status="running")
            )
            return int(res.inserted_primary_key[0])

    def finish_run(self, run_id: int, status: str, message: str = "", rows: int = 0) -> None:
        with self.engine.begin() as c:
            c.execute(
                load_runs.update()
                .where(load_runs.c.id == run_id)
                .values(status=status, message=message[:4000], rows=rows, finished_at=now())
            )
            # Staging rows of a failed run are useless; of a good run, already swapped.
            c.execute(stg_observations.delete().where(stg_observations.c.run_id == run_id))
            c.execute(stg_boundaries.delete().where(stg_boundaries.c.run_id == run_id))

    @contextmanager
    def load_lock(self) -> Iterator[None]:
        """Hold this database's load lock while the block runs; :class:`ConcurrentLoadError` when another holds it.

        The lock belongs to a living process: an OS file lock (``flock``) on
        ``<database>.load.lock`` beside a SQLite file, a session advisory lock
        on PostgreSQL. Whatever kills the process (kill -9, power cut) releases
        it, so a dead load can never block the next one.
        """
        path = sqlite_path(self.url)
        if path is not None:
            with _file_lock(path.with_name(path.name + ".load.lock")):
                yield
        elif self.url.startswith("sqlite"):
            if not _MEMORY_LOCK.acquire(blocking=False):
                raise ConcurrentLoadError("Er loopt al een laadrun in dit proces; wacht tot die klaar is.")
            try:
                yield
            finally:
                _MEMORY_LOCK.release()
        else:
            with self._advisory_lock():
                yield

    @contextmanager
    def _advisory_lock(self) -> Iterator[None]:
        conn = self.engine.connect()
        try:
            got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOAD_LOCK}).scalar_one()
            conn.commit()
            if not got:
                raise ConcurrentLoadError(
                    "Er loopt al een laadrun op deze database (een ander proces houdt de laadvergrendeling); "
                    "wacht tot die klaar is.")
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOAD_LOCK})
                conn.commit()
        finally:
            conn.close()

    def recover(self) -> None:
        """Clean up after loads that died; call only while holding :meth:`load_lock`.

        With the lock held no other load is alive, so every run still marked
        'running' was killed (its transaction rolled back: nothing was
        half-written) and every staging row is left over.
        """
        with self.engine.begin() as c:
            c.execute(
                load_runs.update()
                .where(load_runs.c.status == "running")
                .values(status="failed", finished_at=now(), message="afgebroken (proces gestopt)")
            )
            c.execute(stg_observations.delete())
            c.execute(stg_boundaries.delete())

    def load_runs(self, limit: int = 10) -> pd.DataFrame:
        with self.engine.connect() as c:
            q = sa.select(load_runs).order_by(load_runs.c.id.desc()).limit(limit)
            return pd.DataFrame(c.execute(q).mappings().all(), columns=[col.name for col in load_runs.c])

    # -- staging and swap ----------------------------------------------
    def stage(self, run_id: int, obs: pd.DataFrame | None = None, bnd: pd.DataFrame | None = None) -> int:
        """Append rows to the staging tables for ``run_id``; returns rows staged."""
        n = 0
        with self.engine.begin() as c:
            for frame, table in ((obs, stg_observations), (bnd, stg_boundaries)):
                if frame is None or frame.empty:
                    continue
                cols = [col.name for col in table.c if col.name != "run_id"]
                if table is stg_observations:
                    # Plain columns (text, integer, float): straight to the driver as tuples, as the cube is
                    # written; a dict per observation through SQLAlchemy cost most of a year's staging.
                    n += _bulk_insert(c, table, frame[cols].assign(run_id=run_id), chunk=5000)
                    continue
                recs = _records(frame[cols])
                for r in recs:
                    r["run_id"] = run_id
                for i in range(0, len(recs), 5000):
                    c.execute(table.insert(), recs[i : i + 5000])
                n += len(recs)
        return n

    def swap(
        self,
        run_id: int,
        scope: Scope,
        regions_df: pd.DataFrame | None = None,
        variables_rows: Sequence[dict] | None = None,
        source_rows: Sequence[dict] | None = None,
        meta_rows: dict[str, str] | None = None,
        after_swap: Callable[[sa.Connection], None] | None = None,
    ) -> int:
        """Replace the live rows in ``scope`` with the staged rows, atomically.

        ``after_swap(conn)`` runs last, inside the same transaction, on the
        swapped but uncommitted data; if it raises, nothing of the load lands.
        """
        with self.engine.begin() as c:
            if scope.replace_all:
                c.execute(observations.delete())
                c.execute(boundaries.delete())
                c.execute(regions.delete())
                c.execute(variables.delete())
                c.execute(sources.delete())
                c.execute(meta.delete())
            else:
                cond = sa.true()
                if scope.periods:
                    cond = sa.and_(cond, observations.c.period.in_(scope.periods))
                if scope.source_ids:
                    cond = sa.and_(cond, observations.c.source_id.in_(scope.source_ids))
                if scope.variables:
                    cond = sa.and_(cond, observations.c.variable.in_(scope.variables))
                if scope.gemeenten:
                    codes = sa.select(regions.c.code).where(regions.c.gemeente_code.in_(scope.gemeenten))
                    cond = sa.and_(cond, observations.c.region_code.in_(codes))
                c.execute(observations.delete().where(cond))
                if scope.vintages:
                    bcond = boundaries.c.vintage.in_(scope.vintages)
                    if scope.gemeenten:
                        bcond = sa.and_(bcond, sa.func.substr(boundaries.c.region_code, 3, 4).in_(
                            [g[2:] for g in scope.gemeenten]))
                    c.execute(boundaries.delete().where(bcond))
            if regions_df is not None and not regions_df.empty:
                recs = _records(regions_df[[col.name for col in regions.c]])
                if not scope.replace_all:
                    c.execute(regions.delete().where(regions.c.code.in_([r["code"] for r in recs])))
                c.execute(regions.insert(), recs)
            for rows, table, pk in ((variables_rows, variables, "key"), (source_rows, sources, "id")):
                if rows:
                    if not scope.replace_all:
                        c.execute(table.delete().where(table.c[pk].in_([r[pk] for r in rows])))
                    c.execute(table.insert(), list(rows))
            if meta_rows:
                c.execute(meta.delete().where(meta.c.key.in_(list(meta_rows))))
                c.execute(meta.insert(), [{"key": k, "value": v} for k, v in meta_rows.items()])
            n = 0
            for live, stg in ((observations, stg_observations), (boundaries, stg_boundaries)):
                cols = [col.name for col in live.c]
                sel = sa.select(*[stg.c[name] for name in cols]).where(stg.c.run_id == run_id)
                c.execute(live.insert().from_select(cols, sel))
                # Counted, not rowcount: psycopg reports -1 for INSERT ... SELECT under SQLAlchemy ("-2 rijen").
                n += c.execute(sa.select(sa.func.count()).select_from(stg).where(stg.c.run_id == run_id)).scalar_one()
                c.execute(stg.delete().where(stg.c.run_id == run_id))
            if after_swap is not None:
                after_swap(c)
            elif scope.replace_all:
                # A whole new database without its cube builder: better no cube than one of other data (the
                # service then asks for 'dorpenmonitor etl recompute'). A partial swap (one refresh year) keeps
                # the cube until the refresh's closing hook recomputes it.
                self.drop_cube(c)
        return n

    @staticmethod
    def drop_cube(conn: sa.Connection) -> None:
        """Empty the cube tables (if any) and forget its stamp, inside ``conn``'s transaction."""
        insp = sa.inspect(conn)
        for table in CUBE_TABLES:
            if insp.has_table(table.name):
                conn.execute(table.delete())
        conn.execute(meta.delete().where(meta.c.key == CUBE_STAMP))

    # -- the indicator cube ---------------------------------------------
    @staticmethod
    def write_cube(conn: sa.Connection, frames: Mapping[str, pd.DataFrame | Sequence[pd.DataFrame]],
                   stamp: str | None = None) -> int:
        """Replace the whole cube with ``frames`` (table name → rows) inside ``conn``'s transaction; rows written.

        A table's rows may come as a list of frames (parts, written in order; a column a part lacks is
        empty there), so a national cube need not be concatenated in memory first.

        The tables are dropped and created anew, and their indexes built after
        the rows are in (half a million rows: much faster than deleting and
        maintaining the indexes row by row). Also writes the meta key
        :data:`CUBE_STAMP`, so a running app notices the new cube.
        """
        n = 0
        for table in CUBE_TABLES:
            table.drop(conn, checkfirst=True)
            conn.execute(sa.schema.CreateTable(table))
            frame = frames.get(table.name)
            for part in [frame] if isinstance(frame, pd.DataFrame) else (frame or []):
                if part is not None and not part.empty:
                    n += _bulk_insert(conn, table, part)
            for index in table.indexes:
                index.create(conn)
        extra = frames.get(CUBE_META)
        rows = [{"key": CUBE_STAMP, "value": stamp or now()}]
        if extra is not None and not extra.empty:
            rows += [{"key": str(k), "value": str(v)} for k, v in zip(extra["key"], extra["value"], strict=True)]
        conn.execute(meta.delete().where(meta.c.key.in_([r["key"] for r in rows])))
        conn.execute(meta.insert(), rows)
        return n

    def has_cube(self) -> bool:
        """Whether the indicator cube exists and has rows."""
        with self._connect() as c:
            if not sa.inspect(c).has_table("indicator_values"):
                return False
            return c.execute(sa.select(indicator_values.c.code).limit(1)).first() is not None

    def cube_values(
        self,
        niveau: str,
        jaar: int,
        indicators: Sequence[str] | None = None,
        gemeente: str | None = None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Cube rows of one level and year (index ix_iv_level), optionally some indicators / one gemeente."""
        iv = indicator_values
        cols = [iv.c[name] for name in columns] if columns else list(iv.c)
        q = sa.select(*cols).where(iv.c.niveau == niveau, iv.c.jaar == int(jaar))
        if indicators is not None:
            ids = list(indicators)
            q = q.where(iv.c.indicator == ids[0]) if len(ids) == 1 else q.where(iv.c.indicator.in_(ids))
        if gemeente:
            q = q.where(iv.c.gemeente_code == gemeente)
        return self._frame(q.order_by(iv.c.volgorde))

    def cube_rows(
        self,
        codes: Sequence[str],
        indicator: str | None = None,
        jaar: int | None = None,
        columns: Sequence[str] | None = None,
        omgerekend: bool = False,
    ) -> pd.DataFrame:
        """Cube rows of some areas (index ix_iv_code), optionally one indicator and year; ordered by jaar.

        ``omgerekend``: the rows converted to the current buurt division (levels ending in
        :data:`CONVERTED_SUFFIX`) instead of the published ones.
        """
        return self._frame(_cube_rows_query(codes, indicator, jaar, columns, omgerekend))

    def cube_records(self, code: str, columns: Sequence[str]) -> list[sa.Row]:
        """The published cube rows of one area as plain rows (attribute access, no DataFrame), by indicator and jaar.

        What a profile reads per request: building a frame of ~1,000 rows cost more than the indexed query.
        """
        with self._connect() as c:
            return list(c.execute(_cube_rows_query([code], columns=columns)).all())

    def cube_level_rows(
        self,
        niveau: str,
        jaar: int,
        indicators: Sequence[str],
        gemeente: str | None = None,
        columns: Sequence[str] = ("code",),
    ) -> Iterator[tuple[str, list[tuple]]]:
        """Per indicator, in the given order: its cube rows of one level and year as plain DBAPI tuples, unordered.

        One indexed query per indicator (ix_iv_level), through one connection: what an export of a whole
        level streams. No ORDER BY: sorting a whole level cost a temporary B-tree over 700,000 rows at
        15,000 buurten, and the caller orders an indicator's rows itself (the database's collation would
        differ between SQLite and PostgreSQL). Raw tuples skip SQLAlchemy's per-row result processing:
        values come as the driver gives them (SQLite: 0/1 for booleans).
        """
        iv = indicator_values
        q = sa.select(*(iv.c[name] for name in columns)).where(
            iv.c.niveau == niveau, iv.c.jaar == int(jaar), iv.c.indicator == sa.bindparam("ind", type_=sa.String))
        if gemeente:
            q = q.where(iv.c.gemeente_code == gemeente)
        with self._connect() as c:
            compiled = q.compile(dialect=c.dialect)
            sql = str(compiled)
            cursor = c.connection.cursor()
            try:
                for ind in indicators:
                    params = compiled.construct_params({"ind": ind})
                    args = tuple(params[k] for k in compiled.positiontup) if compiled.positional else params
                    cursor.execute(sql, args)
                    yield ind, cursor.fetchall()
            finally:
                cursor.close()

    def cube_area_records(self, codes: Sequence[str], indicators: Sequence[str],
                          columns: Sequence[str]) -> list[sa.Row]:
        """The published cube rows of a few areas for a few indicators as plain rows, ordered by indicator and jaar.

        One indexed query (ix_iv_code) for a comparison of several areas (Vergelijken), without a DataFrame;
        the statement is built once (its codes and indicators are bound), so a request pays no query building.
        """
        with self._connect() as c:
            return list(c.execute(_area_records_query(tuple(columns)),
                                  {"codes": list(codes), "indicators": list(indicators)}).all())

    def cube_converted_years(self) -> list[int]:
        """Years with rows converted to the current buurt division (index ix_iv_level)."""
        iv = indicator_values
        q = sa.select(iv.c.jaar).where(iv.c.niveau.in_([f"buurt{CONVERTED_SUFFIX}", f"dorp{CONVERTED_SUFFIX}"]))
        f = self._frame(q.distinct())
        return sorted(int(j) for j in f["jaar"])

    def cube_year_rows(self) -> list[tuple[str, str, int, bool, str | None]]:
        """(indicator, niveau, jaar, heeft_waarde, bronnen) of the whole cube: one small table, as plain tuples.

        No DataFrame: ``dorpenmonitor export`` checks its year against this table and need not import pandas.
        """
        iy = indicator_years
        q = sa.select(iy.c.indicator, iy.c.niveau, iy.c.jaar, iy.c.heeft_waarde, iy.c.bronnen)
        with self._connect() as c:
            return [tuple(r) for r in c.execute(q)]

    def cube_areas(self) -> pd.DataFrame:
        """Selectable areas and stedelijkheid classes, in display order."""
        return self._frame(sa.select(indicator_areas).order_by(indicator_areas.c.volgorde))

    def cube_comparable(self, niveau: str, indicator: str, jaar: int, stedelijkheid: int) -> dict | None:
        """The comparable-areas row of one class (primary-key lookup), or None."""
        ic = indicator_comparables
        q = sa.select(ic).where(ic.c.niveau == niveau, ic.c.indicator == indicator, ic.c.jaar == int(jaar),
                                ic.c.stedelijkheid == int(stedelijkheid))
        with self._connect() as c:
            row = c.execute(q).mappings().first()
        return dict(row) if row is not None else None

    # -- reads ----------------------------------------------------------
    def _frame(self, query) -> pd.DataFrame:
        with self._connect() as c:
            res = c.execute(query)
            # Plain tuples, not mappings: a dict per row cost most of a 700,000-row export (pandas reads
            # each dict's keys); the values are the same processed ones.
            return pd.DataFrame(list(map(tuple, res.all())), columns=list(res.keys()))

    def regions(self, level: str | None = None, gemeente: str | None = None) -> pd.DataFrame:
        q = sa.select(regions).order_by(regions.c.code)
        if level:
            q = q.where(regions.c.level == level)
        if gemeente:
            q = q.where(regions.c.gemeente_code == gemeente)
        return self._frame(q)

    def variables(self) -> pd.DataFrame:
        return self._frame(sa.select(variables).order_by(variables.c.key))

    def sources(self) -> pd.DataFrame:
        return self._frame(sa.select(sources).order_by(sources.c.table_id))

    def meta(self) -> dict[str, str]:
        with self._connect() as c:
            return {r.key: r.value for r in c.execute(sa.select(meta))}

    def put_meta(self, rows: dict[str, str]) -> None:
        """Set meta keys outside a load (e.g. why a refresh year failed)."""
        self.create_schema()
        with self.engine.begin() as c:
            c.execute(meta.delete().where(meta.c.key.in_(list(rows))))
            c.execute(meta.insert(), [{"key": k, "value": v} for k, v in rows.items()])

    def delete_meta(self, keys: Sequence[str]) -> None:
        with self.engine.begin() as c:
            c.execute(meta.delete().where(meta.c.key.in_(list(keys))))

    def kwb_resolution(self) -> pd.DataFrame:
        """Per KWB year × variable how the live refresh found it (for ``etl status`` and Over de data).

        Columns: year, table_id, year_status ('geladen' or 'mislukt'), reason,
        variable, key, title, status (ok/ontbreekt/dubbelzinnig/eenheid), label
        (Dutch: 'gevonden als KEY', 'niet in deze jaargang', 'niet herkend: …').
        Empty when no year was ever refreshed (the snapshot carries no resolution).
        A failed year shows the failed attempt; its previous data stay live.
        """
        cols = ["year", "table_id", "year_status", "reason", "variable", "key", "title", "status", "label"]
        rows: dict[int, dict] = {}
        for k, v in self.meta().items():
            m = k.removeprefix("kwb_resolutie_") if k.startswith("kwb_resolutie_") else None
            a = k.removeprefix("kwb_poging_") if k.startswith("kwb_poging_") else None
            try:
                doc = json.loads(v)
            except ValueError:
                continue
            if m and m.isdigit():
                rows.setdefault(int(m), {"ok": doc})
            elif a and a.isdigit():
                rows.setdefault(int(a), {})["failed"] = doc
        out = []
        for year in sorted(rows):
            failed, ok = rows[year].get("failed"), rows[year].get("ok")
            doc = (failed.get("resolutie") if failed else None) or ok or {}
            head = {"year": year, "table_id": (failed or ok or {}).get("table_id", ""),
                    "year_status": "mislukt" if failed else "geladen", "reason": (failed or {}).get("reden", "")}
            items = doc.get("variabelen") or []
            if not items:
                out.append({**head, "variable": None, "key": None, "title": "", "status": None, "label": ""})
            for it in items:
                out.append({**head, "variable": it.get("id"), "key": it.get("key"), "title": it.get("titel", ""),
                            "status": it.get("status"), "label": it.get("label", "")})
        return pd.DataFrame(out, columns=cols)

    def observations(
        self,
        variables_: Iterable[str] | None = None,
        level: str | None = None,
        periods: Iterable[int] | None = None,
        codes: Iterable[str] | None = None,
        gemeente: str | None = None,
    ) -> pd.DataFrame:
        """Long frame: region_code, level, gemeente_code, period, variable, value, status, source_id."""
        o, r = observations, regions
        q = sa.select(
            o.c.region_code, r.c.level, r.c.gemeente_code, o.c.period, o.c.variable, o.c.value, o.c.status,
            o.c.source_id,
        ).join(r, r.c.code == o.c.region_code)
        if variables_ is not None:
            q = q.where(o.c.variable.in_(list(variables_)))
        if level:
            q = q.where(r.c.level == level)
        if periods is not None:
            q = q.where(o.c.period.in_(list(periods)))
        if codes is not None:
            q = q.where(o.c.region_code.in_(list(codes)))
        if gemeente:
            q = q.where(r.c.gemeente_code == gemeente)
        df = self._frame(q.order_by(o.c.region_code, o.c.period, o.c.variable))
        df["value"] = df["value"].astype("float64")
        df["period"] = df["period"].astype("int64")
        return df

    def periods(self, variable: str | None = None, level: str | None = None) -> list[int]:
        q = sa.select(observations.c.period).where(observations.c.status == "ok").distinct()
        if variable:
            q = q.where(observations.c.variable == variable)
        if level:
            q = q.join(regions, regions.c.code == observations.c.region_code).where(regions.c.level == level)
        with self._connect() as c:
            return sorted(int(p) for (p,) in c.execute(q))

    def boundaries(self, level: str | None = None, vintage: str | None = None, web: bool = True) -> pd.DataFrame:
        b = boundaries
        geom = b.c.geometry_web if web else b.c.geometry
        q = sa.select(b.c.region_code, b.c.vintage, b.c.level, geom.label("geometry"), b.c.approximate,
                      b.c.source_id)
        if level:
            q = q.where(b.c.level == level)
        if vintage:
            q = q.where(b.c.vintage == vintage)
        return self._frame(q.order_by(b.c.region_code))

    def boundary_vintages(self) -> pd.DataFrame:
        b = boundaries
        q = sa.select(b.c.level, b.c.vintage, b.c.approximate, sa.func.count().label("n")).group_by(
            b.c.level, b.c.vintage, b.c.approximate
        )
        return self._frame(q.order_by(b.c.level, b.c.vintage))

    def coverage(self) -> pd.DataFrame:
        """Counts of regions with at least one 'ok' value, per level × period × theme."""
        o, r, v = observations, regions, variables
        q = (
            sa.select(
                r.c.level, o.c.period, v.c.theme,
                # A region counts as covered only where it has a published figure.
                sa.func.count(sa.distinct(sa.case((o.c.status == "ok", o.c.region_code)))).label("regions"),
                sa.func.count(sa.distinct(o.c.variable)).label("variables"),
                sa.func.sum(sa.case((o.c.status == "ok", 1), else_=0)).label("ok"),
                sa.func.sum(sa.case((o.c.status == "geheim", 1), else_=0)).label("geheim"),
                sa.func.sum(sa.case((o.c.status == "ontbreekt", 1), else_=0)).label("ontbreekt"),
            )
            .join(r, r.c.code == o.c.region_code)
            .join(v, v.c.key == o.c.variable)
            .group_by(r.c.level, o.c.period, v.c.theme)
            .order_by(r.c.level, o.c.period, v.c.theme)
        )
        return self._frame(q)


def _cube_rows_query(
    codes: Sequence[str],
    indicator: str | None = None,
    jaar: int | None = None,
    columns: Sequence[str] | None = None,
    omgerekend: bool = False,
) -> sa.Select:
    """The query of :meth:`Store.cube_rows` (index ix_iv_code), ordered by indicator and jaar."""
    iv = indicator_values
    cols = [iv.c[name] for name in columns] if columns else list(iv.c)
    codes = list(codes)
    q = sa.select(*cols).where(iv.c.code == codes[0] if len(codes) == 1 else iv.c.code.in_(codes))
    converted = iv.c.niveau.like(f"%{CONVERTED_SUFFIX}")
    q = q.where(converted if omgerekend else sa.not_(converted))
    if indicator is not None:
        q = q.where(iv.c.indicator == indicator)
    if jaar is not None:
        q = q.where(iv.c.jaar == int(jaar))
    return q.order_by(iv.c.indicator, iv.c.jaar)


@lru_cache(maxsize=8)
def _area_records_query(columns: tuple[str, ...]) -> sa.Select:
    """The statement of :meth:`Store.cube_area_records`: published rows of bound codes and indicators."""
    iv = indicator_values
    return (sa.select(*[iv.c[name] for name in columns])
            .where(iv.c.code.in_(sa.bindparam("codes", expanding=True)),
                   iv.c.indicator.in_(sa.bindparam("indicators", expanding=True)),
                   sa.not_(iv.c.niveau.like(f"%{CONVERTED_SUFFIX}")))
            .order_by(iv.c.indicator, iv.c.jaar))


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created if needed), released when the block ends or the process dies."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PermissionError(
            f"Kan het slotbestand {path} niet aanmaken ({exc.strerror}): de map van de database is niet "
            f"schrijfbaar. Geef schrijfrechten op {path.parent} of kies een andere database met --database-url."
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConcurrentLoadError(
                f"Er loopt al een laadrun op deze database (slot {path.name} is bezet); wacht tot die klaar is."
            ) from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for a curious administrator
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _bulk_insert(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame, chunk: int = 50000) -> int:
    """Insert ``frame``'s rows as plain tuples through the driver (no per-value processing by SQLAlchemy).

    Converted to Python values one chunk at a time: boxed floats and row tuples of a whole national
    cube (millions of rows) would take many times the frame's own memory.
    """
    cols = [col.name for col in table.c]
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
    # PostgreSQL through psycopg 3: COPY on the connection's own transaction, several times faster than an
    # executemany of INSERTs (a load stages tens of thousands of rows, a cube writes hundreds of thousands).
    copy = f"COPY {table.name} ({', '.join(cols)}) FROM STDIN" if conn.dialect.driver == "psycopg" else None
    for i in range(0, len(frame), chunk):
        part = frame.iloc[i : i + chunk]
        data = []
        for name in cols:
            if name not in part.columns:  # a part of a table without this column: empty there
                data.append(np.full(len(part), None, dtype=object))
                continue
            col = part[name]
            values = col.to_numpy(dtype=object, copy=True)  # Python scalars (float, int, bool, str) for the driver
            values[col.isna().to_numpy()] = None
            data.append(values)
        if copy is None:
            conn.exec_driver_sql(sql, list(zip(*data, strict=True)))
            continue
        with conn.connection.driver_connection.cursor() as cur, cur.copy(copy) as cp:
            for row in zip(*data, strict=True):
                cp.write_row(row)
    return len(frame)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values (NaN → None) for the DB driver."""
    out = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return out


def dumps_geojson(obj: dict) -> str:
    return json.dumps(obj, separators=(",", ":"))


@lru_cache(maxsize=4)
def get_store(url: str | None = None) -> Store:
    """The store the app reads ``url`` through (default: the configured database); never creates a SQLite file."""
    if url is None:
        url = get_settings().database_url
    return Store(url, create=False)
