"""Unit tests of the indicator registry, evaluation, aggregation and villages on tiny frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import indicators
from indicators import catalogue
from indicators.aggregate import aggregate
from indicators.registry import REGISTRY, THEMES, MissingVariableError, evaluate, missing_metadata, safe_ratio
from indicators.villages import (
    VillageConfigError,
    apply_config,
    default_villages,
    match_name,
    village_code,
)

REQUIRED_IDS = {
    "inwoners", "bevolkingsdichtheid", "aandeel_0_14", "aandeel_65plus", "grijze_druk", "huishoudensgrootte",
    "aandeel_eenpersoonshuishoudens", "woningvoorraad", "woz_gemiddeld", "aandeel_koopwoningen",
    "aandeel_corporatiewoningen", "aandeel_eengezinswoningen", "afstand_huisarts", "afstand_supermarkt",
    "afstand_school", "misdrijven_per_1000", "goed_ervaren_gezondheid", "inkomen_per_inwoner",
    "gasverbruik_gemiddeld", "elektriciteit_gemiddeld",
}


def frame(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    index = [f"BU{i:08d}" for i in range(n)]
    return pd.DataFrame({k: pd.Series(v, dtype="float64", index=index) for k, v in cols.items()}, index=index)


def status_of(values: pd.DataFrame, secret: dict[str, list[int]] | None = None) -> pd.DataFrame:
    st = pd.DataFrame(np.where(values.notna(), "ok", "ontbreekt"), index=values.index, columns=values.columns)
    for col, rows in (secret or {}).items():
        st.iloc[rows, st.columns.get_loc(col)] = "geheim"
    return st


# -- registry and metadata --------------------------------------------------------

def test_required_ids_and_size():
    assert REQUIRED_IDS <= set(REGISTRY)
    assert len(REGISTRY) >= 30
    assert {i.theme for i in REGISTRY.values()} == set(THEMES)


def test_every_indicator_has_complete_metadata():
    assert missing_metadata() == []


def test_missing_metadata_is_detected():
    from dataclasses import replace

    broken = replace(indicators.get("inwoners"), title="", theme="weer", sources=())
    problems = missing_metadata({"x": broken})
    assert any("title" in p for p in problems) and any("thema" in p for p in problems)
    assert any("bron" in p for p in problems)


def test_shrinking_measures_state_formula_and_caveat():
    for i in ("woningen_per_huishouden", "mismatch_kleine_huishoudens", "ouderen_per_eengezinswoning",
              "natuurlijke_groei"):
        ind = indicators.get(i)
        assert ind.formula and ind.caveat


def test_get_unknown_names_choices():
    with pytest.raises(KeyError, match="Kies uit"):
        indicators.get("bestaat_niet")


def test_catalogue_is_up_to_date():
    assert catalogue.DEFAULT_PATH.read_text(encoding="utf-8") == catalogue.render(), (
        "docs/indicatoren.md is verouderd: draai `python -m indicators.catalogue`"
    )


def test_indicator_functions_do_not_mutate_input():
    cols = {v for ind in REGISTRY.values() for v in ind.inputs}
    df = frame(**{c: [10.0, 20.0, 0.0] for c in cols})
    before = df.copy()
    for ind in REGISTRY.values():
        evaluate(ind, df)
    pd.testing.assert_frame_equal(df, before)


# -- evaluation -----------------------------------------------------------------------

def test_safe_ratio_division_by_zero_is_nan_not_inf():
    r = safe_ratio(pd.Series([1.0, 1.0, np.nan]), pd.Series([0.0, 2.0, 1.0]), 100)
    assert math.isnan(r.iloc[0]) and r.iloc[1] == 50 and math.isnan(r.iloc[2])


def test_share_ok_and_zero_denominator():
    ind = indicators.get("aandeel_65plus")
    df = frame(inwoners=[200, 0], leeftijd_65plus=[50, 0])
    res = evaluate(ind, df)
    assert res["waarde"].iloc[0] == 25 and res["status"].iloc[0] == "ok"
    assert math.isnan(res["waarde"].iloc[1]) and res["status"].iloc[1] == "onbetrouwbaar"


def test_tiny_denominator_is_onbetrouwbaar_but_kept():
    res = evaluate(indicators.get("aandeel_65plus"), frame(inwoners=[20], leeftijd_65plus=[5]))
    assert res["status"].iloc[0] == "onbetrouwbaar" and res["waarde"].iloc[0] == 25
    assert "kleiner dan 50" in res["note"].iloc[0]


def test_suppressed_input_gives_geheim_and_no_value():
    df = frame(inwoners=[200, 300], leeftijd_65plus=[np.nan, 60])
    res = evaluate(indicators.get("aandeel_65plus"), df, status_of(df, {"leeftijd_65plus": [0]}))
    assert res["status"].tolist() == ["geheim", "ok"]
    assert math.isnan(res["waarde"].iloc[0])


def test_missing_input_gives_ontbreekt():
    df = frame(inwoners=[200], leeftijd_65plus=[np.nan])
    assert evaluate(indicators.get("aandeel_65plus"), df)["status"].iloc[0] == "ontbreekt"


def test_missing_column_raises_clear_error():
    with pytest.raises(MissingVariableError, match="aandeel_65plus.*leeftijd_65plus"):
        evaluate(indicators.get("aandeel_65plus"), frame(inwoners=[100]))


def test_fallback_to_published_percentage_is_flagged():
    df = frame(inwoners=[np.nan], leeftijd_0_14=[np.nan], pct_0_14_gepubliceerd=[17.0])
    res = evaluate(indicators.get("aandeel_0_14"), df)
    assert res["waarde"].iloc[0] == 17 and res["status"].iloc[0] == "ok"
    assert "gepubliceerd" in res["note"].iloc[0]


def test_grijze_druk_and_units():
    df = frame(inwoners=[1000], leeftijd_0_14=[150], leeftijd_65plus=[250], woz_waarde=[300.0])
    assert evaluate(indicators.get("grijze_druk"), df)["waarde"].iloc[0] == pytest.approx(250 / 600 * 100)
    assert evaluate(indicators.get("woz_gemiddeld"), df)["waarde"].iloc[0] == 300_000


def test_ouderen_per_eengezinswoning_uses_derived_denominator():
    df = frame(leeftijd_65plus=[60], woningvoorraad=[100], pct_eengezinswoning=[80])
    assert evaluate(indicators.get("ouderen_per_eengezinswoning"), df)["waarde"].iloc[0] == pytest.approx(0.75)


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


# -- villages ----------------------------------------------------------------------

PLACES = ["Annen", "Nieuw-Amsterdam", "Emmen", "Gasselternijveen", "Gasselternijveenschemond", "Nieuw Annerveen"]


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Annen", "Annen"),
        ("Verspreide huizen Annen", "Annen"),
        ("Nieuw-Amsterdam-Centrum", "Nieuw-Amsterdam"),
        ("Verspreide huizen Nieuw-Amsterdam", "Nieuw-Amsterdam"),
        ("Emmen over 't spoor", "Emmen"),
        ("Verspr.h. Gasselternijveenschemond", "Gasselternijveenschemond"),
        ("Nieuw-Annerveen", "Nieuw Annerveen"),
        ("Angelslo", None),
    ],
)
def test_match_name(name, place):
    assert match_name(name, PLACES)[0] == place


def _tiny_division():
    buurten = pd.DataFrame({
        "code": ["BU16800000", "BU16800009", "BU01140600", "BU01140601", "BU01144300"],
        "name": ["Annen", "Verspreide huizen Annen", "Nieuw-Amsterdam-Centrum", "Langs de Vaart", "Angelslo"],
        "gemeente_code": ["GM1680", "GM1680", "GM0114", "GM0114", "GM0114"],
        "wijk_code": ["WK168000", "WK168000", "WK011406", "WK011406", "WK011443"],
    })
    wijken = pd.DataFrame({"code": ["WK168000", "WK011406", "WK011443"],
                           "name": ["Wijk 00 Annen", "Wijk 06 Nieuw-Amsterdam", "Wijk 43 Angelslo"]})
    wp = pd.DataFrame({"naam": ["Annen", "Nieuw-Amsterdam", "Emmen"],
                       "gemeente_code": ["GM1680", "GM0114", "GM0114"]})
    return buurten, wijken, wp


def test_default_villages_from_names():
    inwoners = {"BU16800000": 3000, "BU16800009": 300, "BU01140600": 2000, "BU01140601": 500, "BU01144300": 5000}
    vs = {v.code: v for v in default_villages(*_tiny_division(), inwoners)}
    assert vs["DP1680_annen"].buurten == ("BU16800000", "BU16800009")
    assert vs["DP0114_nieuw-amsterdam"].buurten == ("BU01140600", "BU01140601")
    assert vs["DP0114_emmen"].buurten == ("BU01144300",)  # main town takes its unnamed urban wijk


def test_config_overrides_defaults():
    buurten, wijken, wp = _tiny_division()
    defaults = default_villages(buurten, wijken, wp)
    known = dict(zip(buurten["code"], buurten["gemeente_code"], strict=True))
    cfg = {"standaard": {"weglaten": ["DP0114_emmen"]},
           "dorp": [{"naam": "Annen", "gemeente": "GM1680", "weglaten": ["BU16800009"]},
                    {"naam": "Mijn gebied", "gemeente": "GM0114", "buurten": ["BU01140601", "BU01144300"]}]}
    vs = {v.code: v for v in apply_config(defaults, cfg, known)}
    assert "DP0114_emmen" not in vs
    assert vs["DP1680_annen"].buurten == ("BU16800000",)
    assert vs[village_code("GM0114", "Mijn gebied")].buurten == ("BU01140601", "BU01144300")
    with pytest.raises(VillageConfigError, match="onbekende buurtcode"):
        apply_config(defaults, {"dorp": [{"naam": "X", "gemeente": "GM0114", "buurten": ["BU99999999"]}]}, known)
    with pytest.raises(VillageConfigError, match="onbekende gemeente"):
        apply_config(defaults, {"dorp": [{"naam": "X", "gemeente": "GM9999", "buurten": ["BU01140601"]}]}, known)


def test_village_code_scheme():
    assert village_code("GM0114", "Nieuw-Amsterdam") == "DP0114_nieuw-amsterdam"
    assert village_code("GM1681", "1e Exloërmond") == "DP1681_1e-exloermond"
