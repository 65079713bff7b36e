"""Integration tests of the indicator API against the real snapshot database (``store`` fixture of conftest)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from dorpenmonitor.settings import DRENTHE, GEMEENTEN
from indicators import api
from indicators.aggregate import aggregate
from indicators.registry import REGISTRY, get


def test_buurt_2024_covers_all_753(store):
    v = api.values(store, "inwoners", "buurt", 2024)
    assert len(v) == 753
    assert v["status"].eq("ok").sum() >= 740


def test_values_warm_call_is_fast(store):
    api.values(store, "aandeel_65plus", "buurt", 2024)
    t = time.perf_counter()
    for _ in range(20):
        api.values(store, "aandeel_65plus", "buurt", 2024, gemeente="GM0114")
    assert (time.perf_counter() - t) / 20 < 0.010


def test_compute_is_tidy_with_known_statuses(store):
    df = api.compute(store, "wijk", 2024, ["aandeel_65plus", "woz_gemiddeld"], gemeente="GM1680")
    assert set(df["status"]) <= {"ok", "geheim", "ontbreekt", "onbetrouwbaar"}
    assert set(df["indicator"]) == {"aandeel_65plus", "woz_gemiddeld"}
    assert df["code"].str.startswith("WK1680").all()
    assert {"code", "naam", "niveau", "jaar", "indicator", "waarde", "eenheid", "status"} <= set(df.columns)


def test_published_density_matches_counts_within_rounding(store):
    """bevolkingsdichtheid as CBS publishes it vs inwoners / land area recomputed (same table, year, area).

    Tolerance: density rounded to units, residents rounded to 5 at wijk level, land area to whole hectares.
    """
    for niveau, min_share in (("gemeente", 1.0), ("wijk", 0.98)):
        vals, _, _ = api._inputs(store.url, niveau, 2024)
        d = vals[["inwoners", "oppervlakte_land", "bevolkingsdichtheid"]].dropna()
        d = d[d["oppervlakte_land"] > 0]
        calc = d["inwoners"] / d["oppervlakte_land"] * 100
        tol = 0.5 + 250 / d["oppervlakte_land"] + calc * 0.5 / d["oppervlakte_land"]
        within = ((calc - d["bevolkingsdichtheid"]).abs() <= tol).mean()
        assert len(d) > 10 if niveau == "wijk" else len(d) == 13
        assert within >= min_share, f"{niveau}: {within:.1%} binnen de afrondingsmarge"


def test_share_65plus_2024_gemeente_recomputed(store):
    v = api.values(store, "aandeel_65plus", "gemeente", 2024).set_index("code")
    assert v["status"].eq("ok").all() and len(v) == 13
    assert v["waarde"].between(15, 35).all()


def test_2022_falls_back_to_published_percentage(store):
    v = api.values(store, "aandeel_0_14", "wijk", 2022)
    ok = v[v["status"] == "ok"]
    assert len(ok) > 200
    assert ok["note"].str.contains("gepubliceerd").all()


def test_village_equals_sum_of_its_buurten(store):
    vs = {x.code: x for x in api.villages(store)}
    annen = vs["DP1680_annen"]
    b = api.values(store, "inwoners", "buurt", 2024).set_index("code")
    d = api.values(store, "inwoners", "dorp", 2024).set_index("code")
    assert d.loc["DP1680_annen", "waarde"] == b.loc[list(annen.buurten), "waarde"].sum()
    assert "DP0114_nieuw-amsterdam" in vs


def test_village_ratio_is_ratio_of_sums(store):
    vs = {x.code: x for x in api.villages(store)}
    members = list(vs["DP1680_annen"].buurten)
    vals, st, _ = api._inputs(store.url, "buurt", 2024)
    sub = vals.loc[members]
    expected = sub["leeftijd_65plus"].sum() / sub["inwoners"].sum() * 100
    got = api.values(store, "aandeel_65plus", "dorp", 2024).set_index("code").loc["DP1680_annen", "waarde"]
    assert got == pytest.approx(round(expected, 1))


def test_drenthe_benchmark_is_aggregate_of_12_gemeenten(store):
    b = api.benchmarks(store, "inwoners", "BU16800000", 2024)
    g = api.values(store, "inwoners", "gemeente", 2024).set_index("code")
    assert b["drenthe"]["waarde"] == g.loc[list(DRENTHE), "waarde"].sum()
    assert b["monitor"]["waarde"] == g.loc[list(GEMEENTEN), "waarde"].sum()
    assert b["gemeente"]["code"] == "GM1680"
    assert b["rang_uitleg"] == "1 = hoogste waarde"
    assert 1 <= b["rang_in_gemeente"] <= b["aantal_in_gemeente"]
    assert b["vergelijkbaar"]["aantal"] > 0


def test_benchmark_same_rule_as_aggregate(store):
    vals, st = api._level_frames(store.url, "gemeente", 2024)
    ind = get("woz_gemiddeld")
    direct = aggregate(ind, vals, st, {"X": list(DRENTHE)}).loc["X", "waarde"]
    assert api.benchmarks(store, ind.id, "GM0114", 2024)["drenthe"]["waarde"] == pytest.approx(round(direct, 0))


def test_trend_years_sources_and_breaks(store):
    hb = api.areas(store)
    hb_buurt = hb[(hb["niveau"] == "buurt") & (hb["gemeente_code"] == "GM0160")]["code"].iloc[0]
    t = api.trend(store, "misdrijven", ["GM1680", hb_buurt])
    g = t[t["code"] == "GM1680"]
    assert g["jaar"].tolist() == [2021, 2022, 2023, 2024, 2025]
    assert (g["bron"] == "47022NED").all() and not g["breuk"].any()
    h = t[t["code"] == hb_buurt]
    # Every Hardenberg buurt has indelingswijziging 3 in 2024: the 2024 point starts a new series.
    assert h.set_index("jaar").loc[2024, "breuk"]
    assert not h.set_index("jaar").loc[2023, "breuk"]


def test_years(store):
    assert api.years(store, "misdrijven", "buurt") == [2021, 2022, 2023, 2024, 2025]
    assert 2017 in api.years(store, "gasverbruik_gemiddeld", "buurt")
    assert 2022 in api.years(store, "aandeel_65plus", "gemeente")


def test_areas_include_villages(store):
    a = api.areas(store)
    counts = a["niveau"].value_counts()
    assert counts["gemeente"] == 13 and counts["wijk"] == 218 and counts["buurt"] == 753
    assert counts["dorp"] > 150
    assert a["gemeente_naam"].notna().all()
    assert {"DP1680_annen", "DP0114_nieuw-amsterdam"} <= set(a["code"])


def test_every_indicator_computes_at_every_level(store):
    for niveau in api.NIVEAUS:
        df = api.compute(store, niveau, 2024)
        assert set(df["indicator"]) == set(REGISTRY)
        assert not np.isinf(df["waarde"].astype(float)).any()


def test_rank_one_is_highest(store):
    v = api.values(store, "woz_gemiddeld", "buurt", 2024, gemeente="GM0106")
    ok = v[v["status"] == "ok"]
    assert ok.loc[ok["rank_in_gemeente"] == 1, "waarde"].iloc[0] == ok["waarde"].max()
    assert isinstance(api.values(store, "woz_gemiddeld", "buurt", 2024), pd.DataFrame)
