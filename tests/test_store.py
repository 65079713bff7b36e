"""The store on SQLite and on a real PostgreSQL server: schema, staged swap, nothing lost."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from dorpenmonitor.store import CUBE_TABLES, ConcurrentLoadError, Scope, Store, indicator_values
from etl import snapshot
from etl.load import LoadRun
from geodata.snapshot import snapshot_boundaries
from indicators import cube


def _obs(codes, value, source="t@test"):
    return pd.DataFrame({
        "region_code": codes, "period": 2024, "variable": "inwoners", "value": value, "status": "ok",
        "source_id": source,
    })


def _regions(codes):
    return pd.DataFrame({"code": codes, "name": codes, "level": "gemeente", "gemeente_code": codes,
                         "wijk_code": None})


def test_swap_replaces_only_the_scope(fresh_store: Store):
    with LoadRun(fresh_store, "test", Scope(replace_all=True)) as run:
        run.stage(obs=pd.concat([_obs(["GM0106"], 1.0), _obs(["GM0106"], 1.0).assign(period=2023)]))
        run.swap(regions_df=_regions(["GM0106"]))
    with LoadRun(fresh_store, "test", Scope(periods=(2024,))) as run:
        run.stage(obs=_obs(["GM0106"], 2.0))
        run.swap()
    got = fresh_store.observations().set_index("period")["value"].to_dict()
    assert got == {2023: 1.0, 2024: 2.0}


def test_error_inside_swap_rolls_back(fresh_store: Store, monkeypatch):
    with LoadRun(fresh_store, "test", Scope(replace_all=True)) as run:
        run.stage(obs=_obs(["GM0106"], 1.0))
        run.swap(regions_df=_regions(["GM0106"]))
    # A region row violating NOT NULL makes the swap fail after the delete ran.
    broken = _regions(["GM0109"]).assign(name=None)
    with pytest.raises(sa.exc.IntegrityError):
        with LoadRun(fresh_store, "test", Scope(replace_all=True)) as run:
            run.stage(obs=_obs(["GM0109"], 5.0))
            run.swap(regions_df=broken)
    assert fresh_store.observations()["region_code"].tolist() == ["GM0106"]


def test_killed_run_is_marked_failed(fresh_store: Store):
    # Never finished, a minute ago: the process was killed, nobody holds the load lock.
    run_id = fresh_store.begin_run("refresh", Scope(periods=(2024,)))
    fresh_store.stage(run_id, obs=_obs(["GM0109"], 9.0))  # its staging rows were left behind
    with LoadRun(fresh_store, "test", Scope(replace_all=True)) as run:
        run.stage(obs=_obs(["GM0106"], 1.0))
        run.swap(regions_df=_regions(["GM0106"]))
    runs = fresh_store.load_runs()
    assert set(runs["status"]) == {"ok", "failed"}
    assert "afgebroken" in runs[runs["status"] == "failed"].iloc[0]["message"]
    assert fresh_store.observations()["region_code"].tolist() == ["GM0106"]
    with fresh_store.engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM stg_observations")).scalar_one() == 0


def test_second_load_waits_for_a_running_one(fresh_store: Store):
    with fresh_store.load_lock():  # another load is alive and holds the lock
        with pytest.raises(ConcurrentLoadError, match="loopt al een laadrun"):
            with LoadRun(fresh_store, "test", Scope(replace_all=True)) as run:
                run.stage(obs=_obs(["GM0106"], 1.0))
    assert fresh_store.is_empty()
    with LoadRun(fresh_store, "test", Scope(replace_all=True)) as run:  # and once it let go, the next one runs
        run.stage(obs=_obs(["GM0106"], 1.0))
        run.swap(regions_df=_regions(["GM0106"]))
    assert not fresh_store.is_empty()


def test_scope_describes_gaps_in_years():
    assert Scope(periods=(2019, 2024)).describe() == "jaren 2019,2024"
    assert Scope(periods=(2013, 2014, 2015)).describe() == "jaren 2013-2015"


@pytest.mark.postgres
def test_snapshot_on_postgres_matches_sqlite(pg_url, store, snapshot_dir):
    pg = Store(pg_url)
    pg.drop_all()
    snapshot.load(pg, snapshot_dir, boundaries=snapshot_boundaries, after_swap=cube.after_swap(pg))
    a = store.observations().sort_values(["region_code", "period", "variable"]).reset_index(drop=True)
    b = pg.observations().sort_values(["region_code", "period", "variable"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert len(pg.boundaries(level="buurt", vintage="2024-benaderd")) == 753
    cov_a, cov_b = store.coverage(), pg.coverage()
    assert cov_a[["regions", "ok"]].sum().tolist() == [int(x) for x in cov_b[["regions", "ok"]].sum().tolist()]
    # The cube as written to PostgreSQL (COPY) holds the same values as on SQLite, bit for bit: the small tables
    # whole, the values of one year (a twentieth of the rows, every level and column).
    for table in CUBE_TABLES:
        q = sa.select(table)
        if table is indicator_values:
            q = q.where(indicator_values.c.jaar == 2024)
        key = [c.name for c in table.primary_key.columns] or ["volgorde"]  # sorted here: collations differ
        want, got = (s._frame(q).sort_values(key, ignore_index=True) for s in (store, pg))
        assert len(want) > 0, table.name
        pd.testing.assert_frame_equal(want, got, check_dtype=False, check_exact=True, obj=table.name)


@pytest.mark.postgres
def test_failed_load_on_postgres_leaves_previous_data(pg_url):
    pg = Store(pg_url)
    pg.drop_all()
    with LoadRun(pg, "test", Scope(replace_all=True)) as run:
        run.stage(obs=_obs(["GM0106"], 1.0))
        run.swap(regions_df=_regions(["GM0106"]))
    with pytest.raises(sa.exc.IntegrityError):
        with LoadRun(pg, "test", Scope(replace_all=True)) as run:
            run.stage(obs=_obs(["GM0109"], 5.0))
            run.swap(regions_df=_regions(["GM0109"]).assign(name=None))
    assert pg.observations()["value"].tolist() == [1.0]
    assert pg.load_runs().iloc[0]["status"] == "failed"
