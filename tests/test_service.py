"""Integration tests of the indicator service against the real snapshot database (``service`` fixture of conftest)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from dorpenmonitor.settings import DRENTHE, GEMEENTEN
from indicators.aggregate import aggregate
from indicators.registry import REGISTRY, get
from indicators.service import NIVEAUS, Benchmark


def test_buurt_2024_covers_all_753(service):
    v = service.values("inwoners", "buurt", 2024)
    assert len(v) == 753
    assert v["status"].eq("ok").sum() >= 740


def test_values_is_one_cheap_query(service):
    """Read from the cube: no computation, no warm-up (generous bound for a busy 2-core machine)."""
    service.values("aandeel_65plus", "buurt", 2024)
    t = time.perf_counter()
    for _ in range(20):
        service.values("aandeel_65plus", "buurt", 2024, gemeente="GM0114")
    assert (time.perf_counter() - t) / 20 < 0.05


def test_compute_is_tidy_with_known_statuses(service):
    df = service.compute("wijk", 2024, ["aandeel_65plus", "woz_gemiddeld"], gemeente="GM1680")
    assert set(df["status"]) <= {"ok", "geheim", "ontbreekt", "onbetrouwbaar"}
    assert set(df["indicator"]) == {"aandeel_65plus", "woz_gemiddeld"}
    assert df["code"].str.startswith("WK1680").all()
    assert {"code", "naam", "niveau", "jaar", "indicator", "waarde", "eenheid", "status"} <= set(df.columns)


def test_published_density_matches_counts_within_rounding(service, computation):
    """bevolkingsdichtheid as CBS publishes it vs inwoners / land area recomputed (same table, year, area).

    Tolerance: density rounded to units, residents rounded to 5 at wijk level, land area to whole hectares.
    """
    for niveau, min_share in (("gemeente", 1.0), ("wijk", 0.98)):
        vals, _, _ = computation.inputs(niveau, 2024)
        d = vals[["inwoners", "oppervlakte_land", "bevolkingsdichtheid"]].dropna()
        d = d[d["oppervlakte_land"] > 0]
        calc = d["inwoners"] / d["oppervlakte_land"] * 100
        tol = 0.5 + 250 / d["oppervlakte_land"] + calc * 0.5 / d["oppervlakte_land"]
        within = ((calc - d["bevolkingsdichtheid"]).abs() <= tol).mean()
        assert len(d) > 10 if niveau == "wijk" else len(d) == 13
        assert within >= min_share, f"{niveau}: {within:.1%} binnen de afrondingsmarge"


def test_share_65plus_2024_gemeente_recomputed(service):
    v = service.values("aandeel_65plus", "gemeente", 2024).set_index("code")
    assert v["status"].eq("ok").all() and len(v) == 13
    assert v["waarde"].between(15, 35).all()


def test_2022_falls_back_to_published_percentage(service):
    v = service.values("aandeel_0_14", "wijk", 2022)
    ok = v[v["status"] == "ok"]
    assert len(ok) > 200
    assert ok["note"].str.contains("gepubliceerd").all()


def test_village_equals_sum_of_its_buurten(service):
    vs = {x.code: x for x in service.villages()}
    annen = vs["DP1680_annen"]
    b = service.values("inwoners", "buurt", 2024).set_index("code")
    d = service.values("inwoners", "dorp", 2024).set_index("code")
    assert d.loc["DP1680_annen", "waarde"] == b.loc[list(annen.buurten), "waarde"].sum()
    assert "DP0114_nieuw-amsterdam" in vs


def test_village_ratio_is_ratio_of_sums(service, computation):
    vs = {x.code: x for x in service.villages()}
    members = list(vs["DP1680_annen"].buurten)
    vals, st, _ = computation.inputs("buurt", 2024)
    sub = vals.loc[members]
    expected = sub["leeftijd_65plus"].sum() / sub["inwoners"].sum() * 100
    got = service.values("aandeel_65plus", "dorp", 2024).set_index("code").loc["DP1680_annen", "waarde"]
    assert got == pytest.approx(round(expected, 1))


def test_drenthe_benchmark_is_aggregate_of_12_gemeenten(service):
    b = service.benchmarks("inwoners", "BU16800000", 2024)
    g = service.values("inwoners", "gemeente", 2024).set_index("code")
    assert isinstance(b, Benchmark)
    assert b.drenthe.waarde == g.loc[list(DRENTHE), "waarde"].sum()
    assert b.monitor.waarde == g.loc[list(GEMEENTEN), "waarde"].sum()
    assert b.gemeente.code == "GM1680"
    assert b.rank_note == "1 = hoogste waarde"
    assert 1 <= b.rank_in_gemeente <= b.count_in_gemeente
    assert b.comparable.aantal > 0


def test_benchmark_same_rule_as_aggregate(service, computation):
    vals, st = computation.level_frames("gemeente", 2024)
    ind = get("woz_gemiddeld")
    direct = aggregate(ind, vals, st, {"X": list(DRENTHE)}).loc["X", "waarde"]
    # WOZ to the thousand (CBS publishes whole thousands): Drenthe 306.617 reads 307.000.
    assert service.benchmarks(ind.id, "GM0114", 2024).drenthe.waarde == pytest.approx(round(direct, ind.decimals))


def test_trend_years_sources_and_breaks(service):
    hb = service.areas()
    hb_buurt = hb[(hb["niveau"] == "buurt") & (hb["gemeente_code"] == "GM0160")]["code"].iloc[0]
    t = service.trend("misdrijven", ["GM1680", hb_buurt])
    g = t[t["code"] == "GM1680"]
    assert g["jaar"].tolist() == [2021, 2022, 2023, 2024, 2025]
    # Only police 2025 breaks: the 12 months to July 2026, not a calendar year (dorpenmonitor.breaks).
    assert (g["bron"] == "47022NED").all() and g["breuk"].tolist() == [False] * 4 + [True]
    assert g["breuk_reden"].iloc[-1] == "andere periode: 12 maanden tot juli 2026"
    h = t[t["code"] == hb_buurt]
    # Every Hardenberg buurt has indelingswijziging 3 in 2024: the 2024 point starts a new series.
    assert h.set_index("jaar").loc[2024, "breuk"]
    assert not h.set_index("jaar").loc[2023, "breuk"]


def test_years(service):
    assert service.years("misdrijven", "buurt") == [2021, 2022, 2023, 2024, 2025]
    assert 2017 in service.years("gasverbruik_gemiddeld", "buurt")
    assert 2022 in service.years("aandeel_65plus", "gemeente")


def test_areas_include_villages(service):
    a = service.areas()
    counts = a["niveau"].value_counts()
    assert counts["gemeente"] == 13 and counts["wijk"] == 218 and counts["buurt"] == 753
    assert counts["dorp"] > 150
    assert a["gemeente_naam"].notna().all()
    assert {"DP1680_annen", "DP0114_nieuw-amsterdam"} <= set(a["code"])


def test_every_indicator_computes_at_every_level(service):
    for niveau in NIVEAUS:
        df = service.compute(niveau, 2024)
        assert set(df["indicator"]) == set(REGISTRY)
        assert not np.isinf(df["waarde"].astype(float)).any()


def test_rank_one_is_highest(service):
    v = service.values("woz_gemiddeld", "buurt", 2024, gemeente="GM0106")
    ok = v[v["status"] == "ok"]
    assert ok.loc[ok["rank_in_gemeente"] == 1, "waarde"].iloc[0] == ok["waarde"].max()
    assert isinstance(service.values("woz_gemiddeld", "buurt", 2024), pd.DataFrame)
