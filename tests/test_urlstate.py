"""Area codes in links are matched whatever their case (village slugs are lower case)."""

from __future__ import annotations

from dashboard.urlstate import Catalog, parse_kaart, parse_trends, resolve_code

AREAS = {"DP1680_annen": ("Annen", "dorp"), "BU16800000": ("Annen", "buurt"), "GM1680": ("Aa en Hunze", "gemeente")}


def _catalog() -> Catalog:
    return Catalog(titles={"a": "A"}, themes_of={"a": "demografie"}, themes=("demografie",),
                   years=lambda i, n: (2024,), areas=AREAS, gemeenten={"GM1680": "Aa en Hunze"}, preferred=("a",))


def test_resolve_code_ignores_case():
    assert resolve_code("DP1680_annen", AREAS) == "DP1680_annen"
    assert resolve_code("dp1680_ANNEN ", AREAS) == "DP1680_annen"
    assert resolve_code("bu16800000", AREAS) == "BU16800000"
    assert resolve_code("GM9999", AREAS) is None


def test_trends_link_with_village_code_keeps_the_village():
    state = parse_trends({"indicator": "a", "codes": "DP1680_annen,gm1680,XX1"}, _catalog())
    assert state.codes == ("DP1680_annen", "GM1680")
    assert any("XX1" in m for m in state.messages)


def test_kaart_link_with_lower_case_code():
    state, msgs = parse_kaart({"code": "bu16800000"}, _catalog())
    assert state.code == "BU16800000" and msgs == []
