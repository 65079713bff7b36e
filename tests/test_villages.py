"""Unit tests of the village defaults, name matching and config overrides."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.villages import (
    VillageConfigError,
    apply_config,
    default_villages,
    match_name,
    village_code,
)

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
