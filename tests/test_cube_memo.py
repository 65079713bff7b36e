"""The test suite's cube memo (tests/cube_memo.py): its key covers the data, not the bookkeeping."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import sqlalchemy as sa

from dorpenmonitor import store as store_mod
from dorpenmonitor.store import Scope, Store
from etl.load import LoadRun
from tests import cube_memo


def _load(store: Store, value: float) -> None:
    with LoadRun(store, "test", Scope(replace_all=True)) as run:
        run.stage(obs=pd.DataFrame({"region_code": ["GM0106"], "period": 2024, "variable": "inwoners",
                                    "value": value, "status": "ok", "source_id": "t@test"}))
        run.swap(regions_df=pd.DataFrame({"code": ["GM0106"], "name": ["Assen"], "level": "gemeente",
                                          "gemeente_code": ["GM0106"], "wijk_code": [None]}))


def test_key_follows_the_data_and_the_villages_file_not_the_bookkeeping(fresh_store, tmp_path):
    _load(fresh_store, 1.0)
    first = cube_memo.key(fresh_store, None)
    _load(fresh_store, 1.0)  # the same data again: a new load run and new load times, the same key
    assert cube_memo.key(fresh_store, None) == first
    _load(fresh_store, 2.0)
    assert cube_memo.key(fresh_store, None) != first
    villages = tmp_path / "dorpen.toml"
    villages.write_text("", encoding="utf-8")
    assert cube_memo.key(fresh_store, villages) != cube_memo.key(fresh_store, None)


def test_every_store_table_is_an_input_unless_named_as_bookkeeping():
    """A table added to the store later is part of the key by default (no list to keep up to date)."""
    names = {t.name for t in cube_memo.input_tables()}
    assert names | {n for n in store_mod.metadata.tables if n in cube_memo.NOT_INPUTS
                    or n.startswith(cube_memo.NOT_INPUT_PREFIXES)} == set(store_mod.metadata.tables)
    assert {"observations", "regions", "sources", "boundaries", "variables"} <= names


def test_a_hit_replays_the_frames_and_a_miss_computes(fresh_store, tmp_path):
    _load(fresh_store, 1.0)
    calls = []

    def build(store, villages_config=None):
        calls.append(1)
        return {"indicator_values": pd.DataFrame({"waarde": [len(calls)]})}

    cached = cube_memo.memoized(build, tmp_path / "memo")
    assert cached(fresh_store)["indicator_values"]["waarde"].tolist() == [1]
    assert cached(fresh_store)["indicator_values"]["waarde"].tolist() == [1] and len(calls) == 1
    with fresh_store.engine.begin() as c:
        c.execute(sa.update(store_mod.observations).values(value=3.0))
    assert cached(fresh_store)["indicator_values"]["waarde"].tolist() == [2]


def test_where_and_when_a_source_was_fetched_is_not_part_of_the_key(fresh_store):
    """Two tests fetching the same table from fake servers on other ports share one cube; its table id does count."""
    _load(fresh_store, 1.0)
    with fresh_store.engine.begin() as c:
        c.execute(sa.insert(store_mod.sources).values(
            id="t@test", table_id="85984NED", title="t", publisher="CBS", licence="CC BY 4.0",
            url="http://127.0.0.1:40001/ODataFeed/odata/85984NED/", retrieved="2026-11-27T10:00:00",
            checksum="sha256:aa", notes="Live opgehaald"))
    first = cube_memo.key(fresh_store, None)
    with fresh_store.engine.begin() as c:
        c.execute(sa.update(store_mod.sources).values(
            url="http://127.0.0.1:40002/ODataFeed/odata/85984NED/", retrieved="2026-11-28T10:00:00",
            checksum="sha256:bb", notes="Ingelezen uit een elders gemaakte download"))
    assert cube_memo.key(fresh_store, None) == first
    with fresh_store.engine.begin() as c:
        c.execute(sa.update(store_mod.sources).values(table_id="85618NED"))
    assert cube_memo.key(fresh_store, None) != first


def test_two_workers_asking_for_the_same_cube_compute_it_once(fresh_store, tmp_path):
    """The per-key lock: the second caller waits for the first one's result instead of computing it again."""
    _load(fresh_store, 1.0)
    calls = []

    def build(store, villages_config=None):
        calls.append(1)
        time.sleep(0.5)  # long enough for the other thread to arrive while this one computes
        return {"indicator_values": pd.DataFrame({"waarde": [len(calls)]})}

    cached = cube_memo.memoized(build, tmp_path / "memo")
    stores = [Store(fresh_store.url), Store(fresh_store.url)]  # one engine per "worker"
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda s: cached(s)["indicator_values"]["waarde"].tolist(), stores))
    assert got == [[1], [1]] and len(calls) == 1
