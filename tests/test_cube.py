"""The indicator cube: same numbers as the on-the-fly computation, written in the load's own transaction.

The equivalence tests compare what the app and the export read
(:class:`indicators.service.IndicatorService`, one query on the cube) with
what the per-request code computed (:class:`indicators.compute.Computation`)
over every level × year of the snapshot.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import asdict

import pandas as pd
import pytest
import sqlalchemy as sa

from dorpenmonitor.codes import DRENTHE_CODE, MONITOR_CODE
from dorpenmonitor.store import CUBE_STAMP, CUBE_TABLES, Store
from geodata.snapshot import snapshot_boundaries
from indicators import cube
from indicators.registry import REGISTRY
from indicators.results import NIVEAUS
from indicators.service import CubeMissingError, IndicatorService


def _all_years(computation, niveau: str) -> list[int]:
    return sorted({y for i in REGISTRY for y in computation.years(i, niveau)})


@pytest.mark.parametrize("niveau", NIVEAUS)
def test_compute_equals_the_on_the_fly_computation_for_every_year(service, computation, niveau):
    years = _all_years(computation, niveau)
    assert years
    for jaar in years:
        got = service.compute(niveau, jaar)
        want = computation.compute(niveau, jaar)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=f"{niveau} {jaar}")


@pytest.mark.parametrize("niveau", NIVEAUS)
def test_years_sources_and_values_per_indicator(service, computation, niveau):
    for ind in REGISTRY:
        years = computation.years(ind, niveau)
        assert service.years(ind, niveau) == years, ind
        for jaar in years:
            assert service.source_tables(ind, niveau, jaar) == computation.source_tables(ind, niveau, jaar)
        if years:
            # The old frame kept the row labels of the unfiltered level; the cube's is numbered afresh.
            want = computation.values(ind, niveau, years[-1], gemeente="GM1680").reset_index(drop=True)
            pd.testing.assert_frame_equal(service.values(ind, niveau, years[-1], gemeente="GM1680"), want,
                                          check_dtype=False)


def _sample(computation) -> list[str]:
    a = computation.areas()
    hb = a[(a["niveau"] == "buurt") & (a["gemeente_code"] == "GM0160")]["code"].iloc[0]
    return ["GM0114", "WK011401", "BU16800000", hb, "DP1680_annen", "DP0114_nieuw-amsterdam",
            a[a["niveau"] == "dorp"]["code"].iloc[-1]]


def test_trends_equal_for_every_indicator(service, computation):
    codes = _sample(computation)
    for ind in REGISTRY:
        pd.testing.assert_frame_equal(service.trend(ind, codes), computation.trend(ind, codes), check_dtype=False,
                                      obj=ind)


def test_converted_trends_and_summary_equal(service, computation):
    """The series on the current buurt division: converted years replace the published ones, in both."""
    codes = [*_sample(computation), "BU01602810", "BU01060101", "BU01600701"]
    for ind in ("gasverbruik_gemiddeld", "inwoners", "ses_woa_score", "misdrijven_per_1000"):
        got = service.trend(ind, codes, omgerekend=True)
        pd.testing.assert_frame_equal(got, computation.trend(ind, codes, omgerekend=True), check_dtype=False, obj=ind)
    assert service.conversion_summary() == computation.conversion_summary()
    assert service.conversion_summary()["per_jaar"]


def _same(a, b) -> bool:
    """Dataclass values equal, None and NaN alike, floats to the last bit but for rounding noise."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    na = a is None or (isinstance(a, float) and math.isnan(a))
    nb = b is None or (isinstance(b, float) and math.isnan(b))
    if na or nb:
        return na and nb
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def test_benchmarks_equal_incl_comparable_areas(service, computation):
    """Every indicator for areas of each level in 2024; a few indicators over older years and an absent area."""
    cases = [(ind, code, 2024) for code in _sample(computation) for ind in REGISTRY]
    for ind in ("aandeel_65plus", "woz_gemiddeld", "misdrijven_per_1000", "inwoners"):
        for code in ("GM0106", "BU16800000", "DP1680_annen", "WK016000"):
            cases += [(ind, code, y) for y in (2019, 2022, 2025)]
    for ind, code, jaar in cases:
        got, want = asdict(service.benchmarks(ind, code, jaar)), asdict(computation.benchmarks(ind, code, jaar))
        assert _same(got, want), (ind, code, jaar, got, want)


def test_benchmark_series_areas_and_villages(service, computation):
    for ind in REGISTRY:
        for code in (DRENTHE_CODE, MONITOR_CODE):
            pd.testing.assert_frame_equal(service.benchmark_series(ind, code), computation.benchmark_series(ind, code),
                                          check_dtype=False)
    pd.testing.assert_frame_equal(service.areas(), computation.areas(), check_dtype=False)
    assert service.villages() == computation.villages()
    assert [v.regels for v in service.villages()] == [v.regels for v in computation.villages()]


# -- written with the data, or not at all ---------------------------------------------

def _copy(store: Store, tmp_path) -> Store:
    src = sqlite3.connect(store.url.removeprefix("sqlite:///"))
    dst = sqlite3.connect(tmp_path / "copy.sqlite")
    src.backup(dst)
    src.close()
    dst.close()
    return Store(f"sqlite:///{tmp_path / 'copy.sqlite'}")


def test_a_failing_cube_leaves_data_and_cube_as_they_were(store, tmp_path, small_snapshot):
    from etl import snapshot

    copy = _copy(store, tmp_path)
    before = copy.meta()

    def broken(conn) -> None:
        Store.write_cube(conn, {})  # the cube is replaced (here: by an empty one) …
        raise RuntimeError("kapot")  # … and then the hook fails: the whole load must roll back

    # The failing load brings two gemeenten (tests/small_snapshot.py): had it landed, 11 would be gone.
    with pytest.raises(RuntimeError, match="kapot"):
        snapshot.load(copy, small_snapshot, boundaries=snapshot_boundaries, after_swap=broken)
    assert copy.meta() == before and copy.has_cube()
    assert copy.load_runs(1)["status"].iloc[0] == "failed"
    assert IndicatorService(copy).years("inwoners", "gemeente")


def _keep_only(store: Store, gemeente: str) -> None:
    """Delete every other gemeente's areas, figures and boundaries: a small real database (the snapshot's own rows).

    Every region code carries its gemeente number (GMnnnn, WKnnnnww, BUnnnnwwbb); Drenthe and the monitor are
    sums over the gemeenten, not rows of their own.
    """
    with store.engine.begin() as c:
        for table, column in (("observations", "region_code"), ("boundaries", "region_code"), ("regions", "code")):
            c.execute(sa.text(f"DELETE FROM {table} WHERE substr({column}, 3, 4) != :n"), {"n": gemeente[2:]})


def test_without_the_hook_no_cube_then_recompute_with_an_edited_villages_file(store, tmp_path, small_snapshot):
    from etl import snapshot

    copy = _copy(store, tmp_path)
    # e.g. an old script: better no cube than a cube of other data (the snapshot cut to two gemeenten, of which
    # one is kept below: tests/small_snapshot.py)
    snapshot.load(copy, small_snapshot, boundaries=snapshot_boundaries)
    assert not copy.has_cube() and CUBE_STAMP not in copy.meta()
    with pytest.raises(CubeMissingError, match="dorpenmonitor etl recompute"):
        IndicatorService(copy).years("inwoners", "gemeente")

    # The recompute on the loaded data of one gemeente: the cube of all thirteen is another test's (the shared
    # snapshot database's); what matters here is that recompute reads the edited villages file.
    _keep_only(copy, "GM1680")
    config = tmp_path / "dorpen.toml"
    config.write_text('[[dorp]]\nnaam = "Proefdorp"\ngemeente = "GM1680"\nbuurten = ["BU16800000", "BU16800009"]\n',
                      encoding="utf-8")
    rows = cube.recompute(copy, villages_config=config)
    assert copy.has_cube() and CUBE_STAMP in copy.meta()
    with copy.engine.connect() as c:  # every row it says it wrote is there (the full snapshot writes > 500 000)
        assert rows == sum(c.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in CUBE_TABLES)
    assert rows > 30_000
    svc = IndicatorService(copy)
    assert set(svc.areas().query("niveau == 'gemeente'")["code"]) == {"GM1680"}
    assert "DP1680_proefdorp" in set(svc.areas()["code"])
    v = svc.values("inwoners", "dorp", 2024).set_index("code")
    b = svc.values("inwoners", "buurt", 2024).set_index("code")
    assert v.loc["DP1680_proefdorp", "waarde"] == b.loc[["BU16800000", "BU16800009"], "waarde"].sum()


def test_a_profile_from_one_query_equals_the_profile_from_the_per_call_loaders(store):
    """briefing.profile reads the area's cube rows once; the old path asked values/benchmarks/trend per indicator."""
    import pandas as pd

    from dashboard import data
    from dashboard.formatting import to_float
    from pages.profiel import briefing

    def old_figure(ind, code: str, niveau: str):
        yrs = data.years(ind.id, niveau)
        if not yrs:
            return None
        chosen, row = None, None
        for y in reversed(yrs):
            v = data.values(ind.id, niveau, y)
            hit = v[v["code"] == code]
            if len(hit) and hit.iloc[0]["status"] in ("ok", "onbetrouwbaar") and to_float(hit.iloc[0]["waarde"]) \
                    is not None:
                chosen, row, vals = y, hit.iloc[0], v
                break
        if chosen is None:
            v = data.values(ind.id, niveau, yrs[-1])
            hit = v[v["code"] == code]
            if hit.empty:
                return None
            chosen, row, vals = yrs[-1], hit.iloc[0], v
        ok = pd.to_numeric(vals.loc[vals["status"].eq("ok"), "waarde"], errors="coerce").dropna()
        bench = data.benchmarks(ind.id, code, chosen)
        trend, bron = (), ""
        if len(yrs) > 1:
            t = data.trend(ind.id, (code,))
            t = t[t["status"].isin(["ok", "onbetrouwbaar"]) & pd.to_numeric(t["waarde"], errors="coerce").notna()]
            trend = tuple((int(j), float(w), bool(b)) for j, w, b in zip(t["jaar"], t["waarde"], t["breuk"],
                                                                         strict=True))
            hit_t = t[t["jaar"] == chosen]
            bron = str(hit_t["bron"].iloc[0]) if len(hit_t) else ""
        def r(v):
            return briefing.round_to_input(ind.id, to_float(v))

        trend = tuple((j, float(r(w)), b) for j, w, b in trend)
        return (int(chosen), r(row["waarde"]), str(row["status"]), str(row.get("note") or ""),
                r(bench.gemeente.waarde), r(bench.drenthe.waarde), r(bench.monitor.waarde),
                float(ok.std()) if len(ok) > 2 else None, trend, bron or ind.sources[0], bench.rank_in_gemeente,
                bench.count_in_gemeente)

    from indicators import REGISTRY

    data.configure(store)
    for code in ("DP1680_annen", "BU16800000", "WK011401", "GM0114"):
        p = briefing.profile(code)
        new = {f.indicator: (f.jaar, f.waarde, f.status, f.note, f.gemeente, f.drenthe, f.monitor, f.spreiding,
                             f.trend, f.bron, f.rang, f.aantal) for f in p.figures}
        old = {i: o for i, ind in REGISTRY.items() if (o := old_figure(ind, code, p.niveau)) is not None}
        assert new.keys() == old.keys()
        for i in new:
            a, b = new[i], old[i]
            assert a[:7] == b[:7] and a[8:] == b[8:], (code, i, a, b)
            assert (a[7] is None) == (b[7] is None) and (a[7] is None or math.isclose(a[7], b[7])), (code, i)
