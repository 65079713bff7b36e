"""dorpenmonitor.breaks: the registry of series breaks."""

from __future__ import annotations

from dorpenmonitor.breaks import (
    GEMEENTE_CHANGES,
    boundary_years,
    breuk_reasons,
    gemeente_changes,
    source_change_years,
)
from dorpenmonitor.settings import DRENTHE, GEMEENTEN


def test_every_drentse_gemeente_starts_on_the_1998_division():
    assert {c.code for c in GEMEENTE_CHANGES if c.jaar == 1998} == set(DRENTHE)
    assert boundary_years("GM0160") == (2001,)
    assert set(c.code for c in GEMEENTE_CHANGES) <= set(GEMEENTEN)
    # Unsure facts say so.
    assert not gemeente_changes("GM0106")[0].zeker and "niet geverifieerd" in gemeente_changes("GM0106")[0].toelichting
    assert gemeente_changes("GM0114")[0].voorgangers == ("Emmen", "Schoonebeek")


def test_breuk_reasons():
    assert breuk_reasons("GM0109", 1997, 1998) == ["gemeentelijke herindeling 1998"]
    assert breuk_reasons("GM0109", 1998, 1999) == []
    assert breuk_reasons("DP0109_dalen", 1997, 2024) == ["gemeentelijke herindeling 1998"]
    # A table published on one later division does not break at the merger.
    assert breuk_reasons("GM0160", 1999, 2002, prev_table="80860ned", table="80860ned") == []
    assert breuk_reasons("GM0160", 1999, 2002, prev_table="81880NED", table="80860ned") == [
        "gemeentelijke herindeling 2001"]
    assert source_change_years("woningvoorraad", "gemeente") == (2015,)
    assert breuk_reasons("GM0106", 2012, 2015, variables=("woningvoorraad",)) == ["bronwissel woningvoorraad 2015"]
    assert breuk_reasons("GM0106", 2009, 2022, prev_way="eigen", way="terugval") == ["andere berekening"]
    assert breuk_reasons("BU01600701", 2017, 2024, buurt_years=(2024,)) == ["buurtindeling gewijzigd"]
    assert breuk_reasons("GM0106", None, 2024) == []
