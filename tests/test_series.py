"""Honest series (issue 9): complete aggregates, breaks and gaps as they are, one geography over time.

The four wrong stories of the issue each have a test here that would have caught them; the rest
test the rules (breaks, conversion) and scan every series for a solid line across a gap or break.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dorpenmonitor.codes import DRENTHE_CODE, MONITOR_CODE
from dorpenmonitor.settings import DRENTHE, GEMEENTEN
from indicators import series as sr
from indicators.registry import REGISTRY
from pages.trends.figures import runs, trend_figure

USABLE = ("ok", "onbetrouwbaar")


def _drenthe_rows(service, ind: str) -> pd.DataFrame:
    return service.benchmark_series(ind, DRENTHE_CODE).assign(code=DRENTHE_CODE, naam="Drenthe", bron="",
                                                              soort="drenthe")


# -- story 1: "Drenthe (12 gemeenten)" from 3 of 12 gemeenten ------------------------------------

def test_drenthe_is_only_a_total_of_all_twelve(service, store):
    b = service.benchmark_series("inwoners", DRENTHE_CODE).set_index("jaar")
    gm = store.observations(["inwoners"], level="gemeente")
    gm = gm[gm["status"].eq("ok")].pivot(index="period", columns="region_code", values="value")
    # 1997: 3 of the 12 current codes existed; 1998: 5. Never 'ok', never a reference.
    assert b.loc[1997, "status"] == "onvolledig" and "3 van 12" in b.loc[1997, "note"]
    assert b.loc[1998, "status"] == "onvolledig"
    ok = b[b["status"].eq("ok")]
    assert len(ok) >= 20  # 1999-2024 where all 12 have the figure
    for jaar, r in ok.iterrows():
        assert r["waarde"] == gm.loc[jaar, list(DRENTHE)].sum(), jaar
    m = service.benchmark_series("inwoners", MONITOR_CODE).set_index("jaar")
    assert m.loc[2024, "status"] == "ok" and m.loc[2024, "waarde"] == gm.loc[2024, list(GEMEENTEN)].sum()
    # A benchmark card in 1997 shows no Drenthe figure, only its status.
    ref = service.benchmarks("inwoners", "GM0106", 1997).drenthe
    assert ref.waarde is None and ref.status == "onvolledig"


def test_drenthe_line_leaves_out_partial_years(app):
    from dashboard import data

    d = data.drenthe_trend("inwoners")
    row = d.set_index("jaar")
    assert pd.isna(row.loc[1997, "waarde"]) and pd.isna(row.loc[1998, "waarde"])
    assert row.loc[1999, "waarde"] > 460_000
    fig = trend_figure(d.iloc[0:0], REGISTRY["inwoners"], d)
    drawn = {x for t in fig.data for x in (t.x or ())}
    assert 1997 not in drawn and 1998 not in drawn and 1999 in drawn


# -- story 2: mergers not marked; highlights across them ---------------------------------------

def test_1998_mergers_are_breaks_and_hardenberg_on_one_division(service):
    t = service.trend("inwoners", ["GM0109", "GM0114", "GM1680", "GM0160"]).set_index(["code", "jaar"])
    assert t.loc[("GM0109", 1998), "breuk"] and "herindeling 1998" in t.loc[("GM0109", 1998), "breuk_reden"]
    assert t.loc[("GM0114", 1998), "breuk"]
    assert not t.loc[("GM0109", 1999), "breuk"]
    # Aa en Hunze starts in 1998: nothing before it to break from.
    assert not t.loc[("GM1680", 1998), "breuk"]
    # Hardenberg's series starts in 1999 in 80860ned, a table on the 2001 division: no break at the merger.
    assert not t.xs("GM0160", level="code")["breuk"].loc[:2006].any()


def test_source_change_is_a_break(service):
    t = service.trend("woningvoorraad", ["GM0114"]).set_index("jaar")
    assert t.loc[2015, "breuk"] and "bronwissel woningvoorraad 2015" in t.loc[2015, "breuk_reden"]
    assert not t.loc[2016, "breuk"]
    # Story 5: gemeente woningvoorraad has every year 2015-2024 now.
    assert {2015, 2016, 2021, 2023, 2024} <= set(t.index[t["status"].eq("ok")])


def test_coevorden_highlight_starts_in_1998(app):
    from pages.profiel.briefing import _figure, change_highlights

    f = _figure(REGISTRY["inwoners"], "GM0109", "gemeente")
    text = change_highlights([f], "Coevorden", min_score=0)[0]
    assert "sinds 1998" in text and "(1997)" not in text and "14.946" not in text
    assert "+4%" in text or "+3%" in text


# -- story 3: missing years drawn as data -----------------------------------------------------

def _solid_runs(fig) -> list[list[int]]:
    return [list(t.x) for t in fig.data if t.meta == "reeks" and t.mode and "lines" in t.mode]


def test_emmen_65plus_has_a_gap_2010_2021(service):
    t = service.trend("aandeel_65plus", ["GM0114"])
    fig = trend_figure(t, REGISTRY["aandeel_65plus"])
    for xs in _solid_runs(fig):
        assert not (min(xs) <= 2009 and max(xs) >= 2022), xs
    # 2022 is also another measure (CBS's rounded published percentage): a break.
    assert t.set_index("jaar").loc[2022, "breuk"]


def test_runs_split_at_gaps_and_breaks():
    assert runs([2009, 2022, 2023, 2024], [False, True, False, False]) == [[0], [1, 2, 3]]
    assert runs([1997, 1998, 1999], [False, True, False]) == [[0], [1, 2]]
    assert runs([2012, 2016, 2020], [False] * 3) == [[0], [1], [2]]


@pytest.mark.parametrize("omgerekend", [True, False])
def test_no_solid_line_crosses_a_gap_or_break_in_any_series(service, omgerekend):
    """Scan every indicator for every gemeente, Drenthe, villages and buurten: solid segments are unbroken runs."""
    codes = [*GEMEENTEN, "DP1680_annen", "DP0114_nieuw-amsterdam", "BU01602810", "BU01060101", "BU01600701"]
    checked = 0
    for ind in REGISTRY.values():
        t = service.trend(ind.id, codes, omgerekend=omgerekend)
        b = _drenthe_rows(service, ind.id)
        fig = trend_figure(t, REGISTRY[ind.id], b)
        usable = pd.concat([t, b])
        usable = usable[usable["status"].isin(USABLE) & usable["waarde"].notna()]
        brk = {(str(n), int(j)) for n, j, x in zip(usable["naam"], usable["jaar"], usable["breuk"], strict=True)
               if bool(x)}
        for tr in fig.data:
            if not tr.mode or "lines" not in tr.mode:
                continue  # every drawn line (no dotted connector either) lies within one unbroken run
            xs = list(tr.x)
            assert all(b - a == 1 for a, b in zip(xs, xs[1:], strict=False)), (ind.id, tr.name, xs)
            assert not any((tr.name, x) in brk for x in xs[1:]), (ind.id, tr.name, xs)
            checked += 1
        # Nothing incomplete is ever drawn.
        drawn = {(tr.name, x) for tr in fig.data if tr.meta == "reeks" for x in tr.x}
        part = pd.concat([t, b])
        part = part[part["status"].eq("onvolledig")]
        assert not any((str(n), int(j)) in drawn for n, j in zip(part["naam"], part["jaar"], strict=True)), ind.id
    assert checked > 50


# -- story 4: SES reference from 1 of 12 gemeenten --------------------------------------------

def test_ses_reference_is_absent_or_complete(service):
    for code in ("DP0114_nieuw-amsterdam", "GM1680"):
        b = service.benchmarks("ses_woa_score", code, 2023)
        assert b.drenthe.waarde is None and b.drenthe.status == "onvolledig"
        assert b.monitor.waarde is None
    s = service.benchmark_series("ses_woa_score")
    assert not s["status"].eq("ok").any()
    # Nor in the profile's benchmark columns.
    rows = service.area_rows("DP0114_nieuw-amsterdam")
    assert rows.loc[rows["indicator"].eq("ses_woa_score"), "drenthe_waarde"].isna().all()


def test_proven_zeros_change_zuidlaren_share_0_14(service):
    """Buurten with 0 children no longer drop out as 'geheim' in the woonikveilig-only gemeenten."""
    v = service.values("aandeel_0_14", "dorp", 2024).set_index("naam")
    assert v.loc["Zuidlaren", "status"] == "ok"
    assert v.loc["Zuidlaren", "waarde"] == pytest.approx(16.3, abs=0.05)


# -- one geography over time ------------------------------------------------------------------

def test_split_buurt_gets_a_converted_series_and_unchanged_buurt_stays_identical(service, store):
    """BU01600701 (Hardenberg) was split after 2017 (BU01602810 is a part); BU01060101 (Assen) did not change."""
    codes = ["BU01602810", "BU01060101"]
    conv = service.trend("gasverbruik_gemiddeld", codes, omgerekend=True).set_index(["code", "jaar"])
    pub = service.trend("gasverbruik_gemiddeld", codes, omgerekend=False).set_index(["code", "jaar"])
    old = store.observations(["gas_gemiddeld"], periods=[2017], level="buurt").set_index("region_code")["value"]
    assert conv.loc[("BU01602810", 2017), "omrekening"] == "omgerekend"
    # A part of one old buurt keeps that buurt's mean.
    assert conv.loc[("BU01602810", 2017), "waarde"] == old["BU01600701"]
    # As published, the new code has no 2017 figure at all.
    assert ("BU01602810", 2017) not in pub.index
    # Unchanged: identical values before and after conversion, flagged 'identiek'.
    assert conv.loc[("BU01060101", 2017), "waarde"] == pub.loc[("BU01060101", 2017), "waarde"] == old["BU01060101"]
    assert conv.loc[("BU01060101", 2017), "omrekening"] == "identiek"
    assert pub.loc[("BU01060101", 2017), "omrekening"] == "gepubliceerd"


def test_series_breaks_rules_on_a_small_table():
    """Each rule on its own: herindeling, fixed-division table, CBS change, buurt re-division, fallback measure."""
    from indicators.compute import series_breaks

    t = pd.DataFrame({"indicator": "inwoners", "code": ["GM0109"] * 3 + ["GM0160"] * 2 + ["BU01600701"] * 3,
                      "jaar": [1997, 1998, 1999, 1999, 2002, 2012, 2017, 2024],
                      "status": ["ok", "ok", "ok", "ok", "ok", "ok", "geheim", "ok"], "note": ""})
    fixed = np.array([False, False, False, True, True, False, False, False])
    brk, why = series_breaks(t, "gemeente", {}, fixed)
    assert list(brk[:5]) == [False, True, False, False, False] and why[1] == "gemeentelijke herindeling 1998"
    brk, why = series_breaks(t, "gemeente", {}, None)
    assert brk[4] and why[4] == "gemeentelijke herindeling 2001"
    # A buurt: the previous *usable* value counts (2017 is 'geheim'), the reason is named.
    brk, why = series_breaks(t, "buurt", {"BU01600701": (2024,)}, None, {"BU01600701": (2017, 2018)})
    assert list(brk[5:]) == [False, True, True]
    assert why[7] == "indelingswijziging volgens CBS; buurtindeling gewijzigd"


def test_conversion_summary_counts_converted_and_identical(service):
    s = service.conversion_summary()
    per = s["per_jaar"][2017]
    assert per["identiek"] > 600 and sum(v for k, v in per.items() if k != "identiek") > 50
    assert s["methode"] == "oppervlakte" and s["huidige_indeling"].startswith("2024")


def test_convert_year_redistributes_counts_and_never_suppressed_values():
    cw = pd.DataFrame({"code_oud": ["BU1", "BU2", "BU2", "BU3", "BU4"],
                       "code": ["BU1", "BU5", "BU6", "BU7", "BU7"],
                       "aandeel": [1.0, 0.3, 0.7, 1.0, 1.0],
                       "soort": ["identiek", "gesplitst", "gesplitst", "samengevoegd", "samengevoegd"]})
    values = pd.DataFrame({"inwoners": [100.0, 200.0, 50.0, np.nan], "woz_waarde": [300.0, 200.0, 100.0, 400.0],
                           "woningvoorraad": [40.0, 80.0, 10.0, 30.0]}, index=["BU1", "BU2", "BU3", "BU4"])
    status = pd.DataFrame({"inwoners": ["ok", "ok", "ok", "geheim"], "woz_waarde": ["ok"] * 4,
                           "woningvoorraad": ["ok"] * 4}, index=values.index)
    v, s, om = sr.convert_year(values, status, cw)
    assert v.loc["BU1", "inwoners"] == 100 and om["BU1"] == "identiek"
    assert v.loc["BU5", "inwoners"] == pytest.approx(60) and v.loc["BU6", "inwoners"] == pytest.approx(140)
    assert om["BU5"] == "omgerekend"
    # BU7 draws on a suppressed count: not redistributed, 'geheim'.
    assert pd.isna(v.loc["BU7", "inwoners"]) and s.loc["BU7", "inwoners"] == "geheim"
    # Means: a part keeps its buurt's mean; a merger is weighted by the natural base (dwellings).
    assert v.loc["BU5", "woz_waarde"] == 200
    assert v.loc["BU7", "woz_waarde"] == pytest.approx((100 * 10 + 400 * 30) / 40)
    assert values.loc["BU2", "inwoners"] == 200  # inputs untouched


def test_vintage_choice_prefers_exact_maps_and_the_years_own():
    v = {"2019": {"BU1", "BU2"}, "2024-benaderd": {"BU1", "BU3"}, "2024": {"BU1", "BU3"}}
    assert sr.current_vintage({"BU1", "BU3"}, v) == "2024"
    assert sr.vintage_for({"BU1", "BU2"}, v, "2024", 2017) == "2019"
    assert sr.vintage_for({"BU1", "BU3"}, v, "2024", 2024) == "2024"
    assert sr.vintage_for({"BU1"}, {"2019": {"BU1"}, "2024": {"BU1"}}, "2024", 2019) == "2024"
    assert sr.vintage_for({"BU1"}, {"2018": {"BU1"}, "2019": {"BU1"}, "2024": {"BU9"}}, "2024", 2019) == "2019"


def test_complete_aggregate_is_onvolledig_when_a_member_is_absent_not_when_suppressed():
    """SYNTHETIC frames: a member without any published figure makes the total 'onvolledig'; CBS's 'geheim' not."""
    from indicators.aggregate import aggregate

    values = pd.DataFrame({"inwoners": [100.0, 200.0, np.nan]}, index=["A", "B", "C"])
    status = pd.DataFrame({"inwoners": ["ok", "ok", "geheim"]}, index=values.index)
    groups = {"heel": ["A", "B"], "geheim": ["A", "C"], "deel": ["A", "X"]}
    res = aggregate(REGISTRY["inwoners"], values, status, groups, complete=True)
    assert res.loc["heel", "status"] == "ok" and res.loc["heel", "waarde"] == 300
    assert res.loc["geheim", "status"] != "onvolledig"
    assert res.loc["deel", "status"] == "onvolledig" and list(res.loc["deel", ["leden", "leden_totaal"]]) == [1, 2]
    plain = aggregate(REGISTRY["inwoners"], values, status, groups)
    assert plain.loc["deel", "status"] == "ok"  # without the rule (comparable areas): a partial sum, noted


def test_villages_of_the_older_division_have_converted_rows(service):
    conv = service.store.cube_values("dorp_om", 2017, ["gasverbruik_gemiddeld"])
    assert len(conv) > 100 and set(conv["omrekening"]) == {"identiek", "omgerekend"}
    # (The 2017 energy table has no dwellings to weight a village mean by: no village value either way.)
    assert not conv["status"].eq("ok").any()
    assert service.compute("dorp", 2024)["status"].eq("onvolledig").any()


# -- the trends page carries it ---------------------------------------------------------------

def test_trend_csv_carries_breuk_and_omrekening(app):
    from dashboard import data
    from pages.trends import views
    from pages.trends.state import parse_trends

    state = parse_trends({"indicator": "inwoners", "codes": "GM0109", "indeling": "gepubliceerd"}, data.catalog())
    assert state.indeling == "gepubliceerd"
    text, _ = views.trends_csv(state)
    head = text.splitlines()[0]
    assert "breuk" in head and "omrekening" in head
    assert any(";1998;" in line and ";ja;" in line for line in text.splitlines())
    fig, notes = views.trend_view(parse_trends({"indicator": "gasverbruik_gemiddeld", "codes": "BU01602810"},
                                               data.catalog()))
    assert any("omgerekend" in str(n.children) for n in notes)
    hovers = [c for t in fig.data if t.customdata is not None for c in t.customdata]
    assert any("Omgerekend" in str(c) for c in hovers)


def test_change_between_two_years_never_spans_a_break(service, store):
    """The basis for a map of change: absolute and %, on the current division, breaks left out."""
    gm = store.observations(["inwoners"], level="gemeente").query("region_code == 'GM0109'")
    v = gm.set_index("period")["value"]
    c = service.change("inwoners", "gemeente", 1999, 2024).set_index("code")
    assert c.loc["GM0109", "status"] == "ok"
    assert c.loc["GM0109", "verschil"] == v[2024] - v[1999]
    assert c.loc["GM0109", "verschil_pct"] == pytest.approx((v[2024] - v[1999]) / v[1999] * 100, abs=0.05)
    over_merger = service.change("inwoners", "gemeente", 1997, 2024).set_index("code")
    assert over_merger.loc["GM0109", "status"] == "breuk" and pd.isna(over_merger.loc["GM0109", "verschil"])
    gas = service.change("gasverbruik_gemiddeld", "buurt", 2017, 2017).set_index("code")
    assert gas.loc["BU01602810", "omrekening"] == "omgerekend" and gas.loc["BU01060101", "omrekening"] == "identiek"
    pub = service.change("gasverbruik_gemiddeld", "buurt", 2017, 2017, omgerekend=False)
    assert "BU01602810" not in set(pub["code"])


def test_gemeente_is_the_published_figure_and_the_buurt_sum_agrees(service, store):
    """Where CBS publishes the aggregate (gemeente rows) that figure is shown; the buurt sum is only a check."""
    g = service.values("inwoners", "gemeente", 2024).set_index("code")["waarde"]
    pub = store.observations(["inwoners"], level="gemeente", periods=[2024]).set_index("region_code")["value"]
    assert (g == pub.reindex(g.index)).all()
    b = store.observations(["inwoners"], level="buurt", periods=[2024])
    sums = b.groupby("GM" + b["region_code"].str[2:6])["value"].sum()
    # CBS rounds buurt figures (privacy): the sum of the buurten differs by a few dozen at most.
    assert ((sums.reindex(g.index) - g).abs() / g).max() < 0.001
