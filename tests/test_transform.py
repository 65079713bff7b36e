"""Unit tests of the pure transforms and the crosswalk on tiny frames."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from etl.crosswalk import SchemaDriftError
from etl.resolve import resolve_keys
from etl.snapshot import KWB2024_KEYS_FILE
from etl.transform import kwb_observations, level_of, region_row, trim

KEYS = json.loads(KWB2024_KEYS_FILE.read_text())


def _frame(**extra):
    base = {
        "WijkenEnBuurten": ["Aa en Hunze", "Annen                                   "],
        "Codering_3": ["GM1680    ", "BU16800000"],
        "AantalInwoners_5": [25845.0, 2480.0],
        "GemiddeldeWOZWaardeVanWoningen_39": [347.0, np.nan],
        "GemiddeldAardgasverbruikTotaal_61": [np.nan, np.nan],
    }
    base.update(extra)
    df = pd.DataFrame(base)
    # A real TypedDataSet has every declared column; the rest are empty here.
    return df.reindex(columns=list(dict.fromkeys(["WijkenEnBuurten", "Codering_3", *KEYS, *df.columns])))


def test_padded_strings_are_trimmed_and_input_untouched():
    df = _frame()
    out = trim(df)
    assert out["Codering_3"].tolist() == ["GM1680", "BU16800000"]
    assert df["Codering_3"].iloc[0] == "GM1680    "


def test_null_is_suppressed_and_all_null_column_is_missing():
    regions, obs, _ = kwb_observations(_frame(), "85984NED", 2024, KEYS, "t")
    st = obs.set_index(["region_code", "variable"])["status"]
    assert st[("BU16800000", "woz_waarde")] == "geheim"
    assert st[("GM1680", "woz_waarde")] == "ok"
    assert st[("GM1680", "gas_gemiddeld")] == "ontbreekt"
    assert regions.set_index("code").loc["BU16800000", "wijk_code"] == "WK168000"
    assert regions.set_index("code").loc["BU16800000", "name"] == "Annen"


def test_renamed_column_is_schema_drift_naming_table_and_key():
    keys = [k if k != "AantalInwoners_5" else "Inwoners_5" for k in KEYS]
    with pytest.raises(SchemaDriftError, match=r"85984NED.*inwoners.*AantalInwoners"):
        kwb_observations(_frame(), "85984NED", 2024, keys, "t")


def test_other_years_resolve_by_stem_and_fail_on_ambiguity():
    keys_2017 = ["Codering_3", "AantalInwoners_5", "GemiddeldeWoningwaarde_35", "Koopwoningen_40"]
    res = resolve_keys("83765NED", 2017, keys_2017)
    assert res.ok
    assert res.mapping["GemiddeldeWoningwaarde_35"] == "woz_waarde"
    assert res.mapping["Koopwoningen_40"] == "pct_koopwoningen"
    assert res.get("gas_gemiddeld").status == "ontbreekt"
    amb = resolve_keys("83765NED", 2017, [*keys_2017, "Koopwoningen_41"])
    assert amb.get("pct_koopwoningen").status == "dubbelzinnig"
    missing = resolve_keys("83765NED", 2017, ["Codering_3", "Koopwoningen_40"])
    assert not missing.ok and "verplichte" in missing.failure_reason()


def test_declared_column_missing_from_data_is_drift():
    df = _frame().drop(columns=["AantalInwoners_5"])
    with pytest.raises(SchemaDriftError, match="mist"):
        kwb_observations(df, "85984NED", 2024, KEYS, "t")


@pytest.mark.parametrize("code,level", [("GM0106", "gemeente"), ("WK010601", "wijk"), ("BU01060101", "buurt")])
def test_levels_from_codes(code, level):
    assert level_of(code) == level
    assert region_row(code, "x")["gemeente_code"] == "GM0106"


def test_bad_code_is_a_clear_error():
    with pytest.raises(ValueError, match="Onbekende regiocode"):
        level_of("XX1234")
