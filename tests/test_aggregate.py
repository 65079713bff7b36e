"""Unit tests of aggregation (villages, Drenthe) on tiny frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import indicators
from indicators.aggregate import aggregate
from tests.frames import frame, status_of

# -- aggregation --------------------------------------------------------------------

def test_village_count_equals_sum_of_parts():
    df = frame(inwoners=[100, 250, 40])
    res = aggregate(indicators.get("inwoners"), df, status_of(df), {"DP0000_x": list(df.index)})
    assert res.loc["DP0000_x", "waarde"] == 390 and res.loc["DP0000_x", "dekking"] == 1


def test_ratio_of_sums_not_mean_of_ratios():
    df = frame(inwoners=[100, 900], leeftijd_65plus=[50, 90])
    res = aggregate(indicators.get("aandeel_65plus"), df, status_of(df), {"G": list(df.index)})
    assert res.loc["G", "waarde"] == pytest.approx(14.0)  # 140 / 1000, not (50% + 10%) / 2


def test_weighted_mean_by_dwellings_with_household_proxy():
    df = frame(woz_waarde=[200, 400, 300], woningvoorraad=[100, 300, np.nan], huishoudens=[90, 280, 100],
               inwoners=[200, 600, 200])
    ind = indicators.get("woz_gemiddeld")
    res = aggregate(ind, df, status_of(df), {"G": list(df.index[:2]), "H": list(df.index)})
    assert res.loc["G", "waarde"] == pytest.approx((200 * 100 + 400 * 300) / 400 * 1000)
    assert res.loc["H", "waarde"] == pytest.approx((200 * 100 + 400 * 300 + 300 * 100) / 500 * 1000)
    assert "huishoudens" in res.loc["H", "note"]


def test_suppressed_member_does_not_blank_aggregate_and_reports_coverage():
    df = frame(inwoners=[600, 400, 1000], leeftijd_65plus=[60, np.nan, 100])
    st = status_of(df, {"leeftijd_65plus": [1]})
    res = aggregate(indicators.get("aandeel_65plus"), df, st, {"G": list(df.index)})
    assert res.loc["G", "waarde"] == pytest.approx(160 / 1600 * 100)
    assert res.loc["G", "dekking"] == pytest.approx(0.8)
    assert "op basis van 80% van de inwoners" in res.loc["G", "note"]
    assert res.loc["G", "status"] == "ok"


def test_all_members_secret_gives_geheim():
    df = frame(inwoners=[600], leeftijd_65plus=[np.nan])
    res = aggregate(indicators.get("aandeel_65plus"), df, status_of(df, {"leeftijd_65plus": [0]}), {"G": [df.index[0]]})
    assert res.loc["G", "status"] == "geheim"


def test_low_coverage_is_onbetrouwbaar():
    df = frame(inwoners=[100, 900], leeftijd_65plus=[20, np.nan])
    res = aggregate(indicators.get("aandeel_65plus"), df, status_of(df), {"G": list(df.index)})
    assert res.loc["G", "status"] == "onbetrouwbaar"


def test_household_size_weighted_by_households():
    df = frame(huishoudensgrootte=[2.0, 3.0], huishoudens=[100, 300], inwoners=[200, 900])
    res = aggregate(indicators.get("huishoudensgrootte"), df, status_of(df), {"G": list(df.index)})
    assert res.loc["G", "waarde"] == pytest.approx(2.75)


def test_code_indicator_is_not_aggregated():
    df = frame(stedelijkheid=[5, 4], inwoners=[1, 1])
    res = aggregate(indicators.get("stedelijkheid"), df, status_of(df), {"G": list(df.index)})
    assert res.loc["G", "status"] == "ontbreekt" and "niet aggregeerbaar" in res.loc["G", "note"]


def test_aggregate_does_not_mutate_inputs():
    df = frame(inwoners=[600, 400], leeftijd_65plus=[60, np.nan])
    st = status_of(df)
    before, sbefore = df.copy(), st.copy()
    aggregate(indicators.get("aandeel_65plus"), df, st, {"G": list(df.index)})
    pd.testing.assert_frame_equal(df, before)
    pd.testing.assert_frame_equal(st, sbefore)
