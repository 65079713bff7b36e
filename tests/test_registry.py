"""Unit tests of the indicator registry, the definitions and the pure evaluation, on tiny frames."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import indicators
from indicators import catalogue
from indicators.registry import REGISTRY, THEMES, MissingVariableError, evaluate, missing_metadata, safe_ratio
from tests.frames import frame, status_of

REQUIRED_IDS = {
    "inwoners", "bevolkingsdichtheid", "aandeel_0_14", "aandeel_65plus", "grijze_druk", "huishoudensgrootte",
    "aandeel_eenpersoonshuishoudens", "woningvoorraad", "woz_gemiddeld", "aandeel_koopwoningen",
    "aandeel_corporatiewoningen", "aandeel_eengezinswoningen", "afstand_huisarts", "afstand_supermarkt",
    "afstand_school", "misdrijven_per_1000", "goed_ervaren_gezondheid", "inkomen_per_inwoner",
    "gasverbruik_gemiddeld", "elektriciteit_gemiddeld",
}


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


# -- the definitions as written by name ---------------------------------------------

GOLDEN = Path(__file__).parent / "golden" / "registry.json"


def _describe(ind, df: pd.DataFrame) -> dict:
    """Every field of a record; functions by what they return on ``df`` (they cannot be compared otherwise)."""
    out = {}
    for name in ind.__dataclass_fields__:
        v = getattr(ind, name)
        if name in ("compute", "denominator_value"):
            v = None if v is None else [round(float(x), 9) for x in v(df)]
        elif name == "fallback":
            v = None if v is None else {"variables": list(v.variables), "note": v.note,
                                         "compute": [round(float(x), 9) for x in v.compute(df)]}
        elif isinstance(v, tuple):
            v = list(v)
        out[name] = v
    return out


def test_registry_equals_the_records_of_the_positional_definitions():
    """tests/golden/registry.json was dumped from the 12-positional-argument definitions; nothing may drift."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    rng = np.random.default_rng(7)
    cols = sorted({v for i in REGISTRY.values() for v in (*i.inputs, *(i.fallback.variables if i.fallback else ()))})
    df = pd.DataFrame(rng.uniform(1, 500, size=(6, len(cols))).round(1), columns=cols)
    assert list(REGISTRY) == golden["order"]
    for ind_id, ind in REGISTRY.items():
        got = json.loads(json.dumps(_describe(ind, df), ensure_ascii=False))
        assert got == golden["indicators"][ind_id], ind_id
