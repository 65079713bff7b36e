"""dashboard.data as the pages use it: geometry, the Drenthe series, caches, warm-up."""

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
    assert row["waarde"] == data.benchmarks("aandeel_65plus", "GM0106", 2024)["drenthe"]["waarde"]
    assert row["bron"] == ", ".join(data.source_tables("aandeel_65plus", "gemeente", 2024))


def test_clear_also_empties_the_indicator_caches(monkeypatch):
    from dashboard import data
    from indicators import api

    calls = []

    class FakeLoader:
        def cache_clear(self):
            calls.append("loader")

    monkeypatch.setattr(data, "LOADERS", {"x": FakeLoader()})
    monkeypatch.setattr(api, "clear_cache", lambda: calls.append("api"))
    data.clear()
    assert sorted(calls) == ["api", "loader"]


def test_warm_covers_villages_and_the_drenthe_series(app, monkeypatch):
    from dashboard import data

    data.catalog()  # cached before the stubs go in: the catalogue keeps a reference to data.years
    calls: list[tuple] = []
    # Record the plan without computing it (that takes ~17 s cold): every indicator has one year here.
    for name in ("years", "drenthe_trend", "values", "benchmarks", "trend"):
        monkeypatch.setattr(data, name, lambda *a, _name=name: calls.append((_name, *a)) or (2024,))
    data.warm()
    indicators = set(data.catalog().titles)
    assert {c[1] for c in calls if c[0] == "years" and c[2] == "dorp"} == indicators
    assert {c[1] for c in calls if c[0] == "drenthe_trend"} == indicators
    assert any(c[0] == "values" and c[2] == "dorp" for c in calls)
    assert any(c[0] == "benchmarks" and c[2].startswith("DP") for c in calls)
