"""dashboard.data as the pages use it: geometry, the Drenthe series, one data manager per loaded database."""

from __future__ import annotations


def test_geometry_has_codes_not_parsed_shapes(app):
    from dashboard import data

    geom = data.geometry("gemeente", "2022")
    assert geom["codes"] == frozenset(geom["locations"]) and "GM0106" in geom["codes"]
    assert "geojson" not in geom and "features" not in geom


def test_drenthe_trend_reads_the_benchmark_series(app):
    from dashboard import data

    tr = data.drenthe_trend("aandeel_65plus")
    assert list(tr["jaar"]) == list(data.years("aandeel_65plus", "gemeente")) and (tr["code"] == "PV22").all()
    row = tr[tr["jaar"] == 2024].iloc[0]
    assert row["waarde"] == data.benchmarks("aandeel_65plus", "GM0106", 2024).drenthe.waarde
    assert row["bron"] == ", ".join(data.source_tables("aandeel_65plus", "gemeente", 2024))


def test_clear_builds_a_fresh_manager_with_empty_caches(store, monkeypatch):
    """No hand-kept list: a fresh manager (and service) has no cached results at all."""
    from dashboard import data

    monkeypatch.setattr(data._CURRENT, "manager", data.DataManager(store))  # the session's manager stays as it is
    data.values("inwoners", "gemeente", 2024)
    data.years("inwoners", "gemeente")
    old = data.manager()
    assert old.cached("values").cache_info().currsize >= 1 and "_years" in vars(old.service)
    data.clear()
    new = data.manager()
    assert new is not old and new.store is old.store and new.service is not old.service
    assert "_years" not in vars(new.service) and new.cached("values").cache_info().currsize == 0


def _copy_of(store, path):
    """A complete copy of the session database at ``path`` (one file), as a Store: reloads here touch no one else."""
    import sqlite3

    from dorpenmonitor.store import Store

    src, dst = sqlite3.connect(store.url.removeprefix("sqlite:///")), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    return Store(f"sqlite:///{path}")


def _reload_with(copy, value: float) -> None:
    """What a reload in another process does, in small: new cube figure (synthetic), new stamp."""
    import sqlalchemy as sa

    from dorpenmonitor import store as store_mod

    iv = store_mod.indicator_values
    with copy.engine.begin() as c:
        c.execute(sa.update(iv).where(iv.c.indicator == "bevolkingsdichtheid", iv.c.niveau == "gemeente",
                                      iv.c.jaar == 2024, iv.c.code == "GM0106").values(waarde=value))
        c.execute(sa.delete(store_mod.meta).where(store_mod.meta.c.key == store_mod.CUBE_STAMP))
        c.execute(sa.insert(store_mod.meta), [{"key": store_mod.CUBE_STAMP, "value": f"synthetisch-{value}"}])


def test_a_slow_request_from_before_a_reload_never_writes_into_the_new_manager(store, tmp_path, monkeypatch):
    """The stale-read race of issue 12, reproduced: a request reads the old data, a reload swaps managers while
    it is still busy, then it finishes (and calls more loaders). Its results stay in the old manager; the new
    one has no old value and serves the new figure (synthetic: 987654)."""
    import threading

    from dashboard import data

    copy = _copy_of(store, tmp_path / "copy.sqlite")
    old = data.DataManager(copy)
    old.checked_at = 100.0
    monkeypatch.setattr(data._CURRENT, "manager", old)
    assert old.service.values("bevolkingsdichtheid", "gemeente", 2024).set_index("code").at["GM0106", "waarde"] \
        != 987654

    read, reloaded = threading.Event(), threading.Event()
    raw_values, maxsize = data._SPECS["values"]

    def slow_values(indicator_id, niveau, jaar, gemeente=None):
        got = raw_values(indicator_id, niveau, jaar, gemeente)  # the old data, read before the reload ...
        read.set()
        assert reloaded.wait(30)  # ... finishing after it, and only then asking for more
        data.years(indicator_id, niveau)
        data.area_rows("GM0106")
        return got

    monkeypatch.setitem(data._SPECS, "values", (slow_values, maxsize))
    seen: dict[str, object] = {}

    def request() -> None:  # what the app does around every request: pin, work, unpin
        with data.pinned() as m:
            seen["manager"] = m
            seen["result"] = data.values("bevolkingsdichtheid", "gemeente", 2023)

    slow = threading.Thread(target=request)
    slow.start()
    assert read.wait(30)
    _reload_with(copy, 987654.0)
    assert data.check_data_version(now=110.0)
    new = data.current()
    assert new is not old
    reloaded.set()
    slow.join(30)
    assert not slow.is_alive() and seen["manager"] is old and len(seen["result"])
    monkeypatch.setitem(data._SPECS, "values", (raw_values, maxsize))  # before the new manager's first call

    # Everything the slow request computed stayed in the manager it started with ...
    for name in ("values", "years", "area_rows"):
        assert old.cached(name).cache_info().currsize >= 1
        assert new.cached(name).cache_info().currsize == 0, name
    # ... and the new manager serves the new figure.
    with data.pinned():
        fresh = data.values("bevolkingsdichtheid", "gemeente", 2024).set_index("code")
    assert fresh.at["GM0106", "waarde"] == 987654.0
    assert data.manager() is new and new.cached("values").cache_info().currsize == 1


def test_outside_a_request_loaders_follow_the_current_manager(store, monkeypatch):
    from dashboard import data

    a, b = data.DataManager(store), data.DataManager(store)
    monkeypatch.setattr(data._CURRENT, "manager", a)
    with data.pinned() as m:
        assert m is a
        monkeypatch.setattr(data._CURRENT, "manager", b)
        assert data.manager() is a and data.current() is b  # the pin holds; the swap is there for the next one
    assert data.manager() is b


def test_a_second_loader_with_a_taken_name_is_refused():
    """Loader caches are keyed by name: another module's loader of the same name would replace the first."""
    import pytest

    from dashboard import data

    def areas():  # same name as dashboard.data.areas, defined here (another module)
        return None

    with pytest.raises(ValueError, match="bestaat al"):
        data.loader()(areas)
