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
