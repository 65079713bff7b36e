"""pages/vergelijken: URL state, similarity, table, callbacks and downloads."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.links import Catalog
from pages.vergelijken.compare import VergelijkState, parse_vergelijken, similar_areas, vergelijken_query


def _catalog() -> Catalog:
    return Catalog(
        titles={"aandeel_65plus": "Aandeel 65-plussers", "woz_gemiddeld": "WOZ", "aandeel_koopwoningen": "Koop",
                "afstand_huisarts": "Huisarts", "inwoners": "Inwoners"},
        themes_of={}, themes=(), years=lambda i, n: (2024,),
        areas={"DP1680_annen": ("Annen", "dorp"), "GM0106": ("Assen", "gemeente"), "BU01060000": ("B", "buurt")},
        gemeenten={"GM0106": "Assen"},
    )


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json()
                      if hasattr(o, "to_plotly_json") else str(o), ensure_ascii=False)


def test_parse_vergelijken_validates_codes_indicators_and_basis():
    st = parse_vergelijken({"codes": "dp1680_annen,gm0106,XX12,GM0106", "indicatoren": "inwoners,onzin",
                            "basis": "GM0106"}, _catalog())
    assert st.codes == ("DP1680_annen", "GM0106")
    assert st.indicatoren == ("inwoners",)
    assert st.basis == "GM0106"
    assert any("XX12" in m for m in st.messages) and any("onzin" in m for m in st.messages)
    assert vergelijken_query(st) == "?codes=DP1680_annen,GM0106&indicatoren=inwoners&basis=GM0106"
    empty = parse_vergelijken({}, _catalog())
    assert empty.codes == () and empty.indicatoren[0] == "aandeel_65plus" and empty.messages == ()
    many = parse_vergelijken({"codes": ",".join(["GM0106", "BU01060000", "DP1680_annen"] * 3),
                              "basis": "BU99"}, _catalog())
    assert many.basis == "GM0106" and any("BU99" in m for m in many.messages)


def test_similar_areas_standardised_distance_and_missing_values():
    wide = pd.DataFrame({"a": [0.0, 1.0, 10.0, 0.0, 2.0], "b": [0.0, 100.0, 0.0, np.nan, 300.0]},
                        index=["T", "X", "Y", "Z", "W"])
    res = similar_areas(wide, "T", top=3)
    # z-scores put a=1 and b=100 on comparable scales; Z shares only 'a' of 2: not compared at all.
    assert list(res["code"]) == ["X", "W", "Y"]
    assert (res["gedeeld"] == 2).all()
    za = (wide["a"] - wide["a"].mean()) / wide["a"].std(ddof=0)
    zb = (wide["b"] - wide["b"].mean()) / wide["b"].std(ddof=0)
    expected = np.sqrt((za["X"] - za["T"]) ** 2 + (zb["X"] - zb["T"]) ** 2)
    assert res.loc[0, "afstand"] == pytest.approx(expected)
    assert similar_areas(wide, "nope").empty
    assert "T" not in set(similar_areas(wide, "T")["code"])


def test_similar_areas_needs_a_near_full_comparison():
    """Issue 10: Dwingeloo compared on 4 of 6 indicators ranked above Dalen on 6 of 6. Now a candidate may lack
    at most one in four indicators, and each missing one costs distance."""
    rng = np.random.default_rng(3)  # synthetic data (test only)
    cols = list("abcdef")
    others = pd.DataFrame(rng.normal(size=(30, 6)), columns=cols, index=[f"O{i}" for i in range(30)])
    rows = [[0.0] * 6, [0.3] * 6, [0.0, 0.0, 0.0, 0.0, np.nan, np.nan], [0.3] * 5 + [np.nan]]
    wide = pd.concat([others, pd.DataFrame(rows, columns=cols, index=["T", "Dalen", "Dwingeloo", "Vijf"])])
    res = similar_areas(wide, "T", top=5)
    assert "Dwingeloo" not in set(res["code"])  # 4 of 6: not a comparison
    assert res.loc[0, "code"] == "Dalen" and res.loc[0, "gedeeld"] == 6
    assert (res["gedeeld"] >= 5).all() and list(res["code"]).index("Vijf") > 0
    # One missing (5 of 6) is allowed, but a full comparison at the same raw distance ranks first.
    tie = pd.concat([others, pd.DataFrame([[0.0] * 6, [0.1] * 6, [0.1] * 6], columns=cols,
                                          index=["T", "Vol", "Bijna"])])
    tie.loc["Bijna", "f"] = np.nan
    order = list(similar_areas(tie, "T")["code"])
    assert order.index("Vol") < order.index("Bijna")


def test_vergelijken_callbacks_as_plain_functions(app):
    from pages.vergelijken import page as vergelijken

    content, _msg, search = vergelijken.update(["DP1680_annen", "BU01140600", "GM0106"],
                                               ["aandeel_65plus", "woz_gemiddeld"])
    assert search == "?codes=DP1680_annen,BU01140600,GM0106&indicatoren=aandeel_65plus,woz_gemiddeld"
    text = "".join(_text(c) for c in content)
    assert "Lijkt op Annen" in text and "Drenthe (12 gemeenten)" in text and "Gemeente Aa en Hunze" in text
    section, search2 = vergelijken.update_basis("GM0106", ["DP1680_annen", "GM0106"], ["aandeel_65plus"])
    assert "basis=GM0106" in search2 and "Lijkt op Assen" in "".join(_text(c) for c in section)
    empty, _, _ = vergelijken.update([], ["aandeel_65plus"])
    assert "Nog geen gebieden gekozen" in _text(empty[0])


def test_vergelijken_downloads_csv_and_excel(app):
    import base64

    from dashboard import data
    from pages.vergelijken import page as vergelijken
    from pages.vergelijken.compare import parse_vergelijken

    state = parse_vergelijken({"codes": "DP1680_annen,DP0114_nieuw-amsterdam",
                               "indicatoren": "aandeel_65plus,afstand_huisarts"}, data.catalog())
    csv_dl = vergelijken.build_download(state, excel=False)
    df = pd.read_csv(io.BytesIO(base64.b64decode(csv_dl["content"])), encoding="utf-8-sig", sep=";", decimal=",")
    assert len(df) == 4 and {"Gebied", "Jaar", "Waarde", "Waarde Drenthe"} <= set(df.columns)
    xl = vergelijken.build_download(state, excel=True)
    wb = load_workbook(io.BytesIO(base64.b64decode(xl["content"])))
    assert wb.sheetnames == ["Waarden", "Overzicht", "Indicatoren", "Bronnen"]
    assert wb["Bronnen"]["A1"].value == "Bron: CBS"
    assert xl["filename"].startswith("vergelijking-annen")


def test_similar_to_same_level_top5(app):
    from pages.vergelijken import compare

    res = compare.similar_to("DP1680_annen", compare.DEFAULT_INDICATORS)
    assert (res["gedeeld"] >= len(compare.DEFAULT_INDICATORS) - 1).all()
    assert len(res) == 5 and res["code"].str.startswith("DP").all() and "DP1680_annen" not in set(res["code"])
    assert res["afstand"].is_monotonic_increasing


def test_vergelijken_state_default_is_empty():
    assert VergelijkState().codes == ()


def test_comparison_shows_units_and_its_download_computes_once(app, monkeypatch):
    import base64

    from dashboard import data
    from pages.vergelijken import compare
    from pages.vergelijken import page as vergelijken

    wide = compare.wide_table(compare.compare_frame(["DP1680_annen"], ["afstand_huisarts", "aandeel_65plus"]))
    assert wide.loc["DP1680_annen", "afstand_huisarts"].split(" (")[0].endswith(" km")  # '1,2 km (2024)'
    assert "% (" in wide.loc["DP1680_annen", "aandeel_65plus"]
    calls = []
    real = compare.compare_frame
    monkeypatch.setattr(compare, "compare_frame", lambda *a: calls.append(a) or real(*a))
    state = parse_vergelijken({"codes": "DP1680_annen", "indicatoren": "afstand_huisarts"}, data.catalog())
    xl = vergelijken.build_download(state, excel=True)
    assert len(calls) == 1
    ws = load_workbook(io.BytesIO(base64.b64decode(xl["content"])))["Overzicht"]
    assert any(" km (" in str(c.value) for row in ws.iter_rows() for c in row)


def test_every_page_writes_the_same_dutch_csv(app):
    """Kaart, Trends and Vergelijken: ';', decimal comma, BOM, no True/False; the file name lists all 5 areas."""
    import base64

    from dashboard import data
    from pages.kaart import views as kaart_views
    from pages.kaart.state import parse_kaart
    from pages.trends import views as trends_views
    from pages.trends.state import parse_trends
    from pages.vergelijken import page as vergelijken
    from pages.vergelijken.compare import parse_vergelijken

    codes = "DP1680_annen,DP1680_eext,DP1680_gieten,DP1680_gasselte,DP0114_nieuw-amsterdam"
    state = parse_vergelijken({"codes": codes, "indicatoren": "aandeel_65plus,afstand_huisarts"}, data.catalog())
    dl = vergelijken.build_download(state, excel=False)
    raw = base64.b64decode(dl["content"])
    assert raw.startswith(b"\xef\xbb\xbf")
    text_v = raw.decode("utf-8-sig")
    assert dl["filename"] == "vergelijking-annen-eext-gieten-gasselte-nieuw-amsterdam.csv"
    text_k, _ = kaart_views.kaart_csv(parse_kaart({"niveau": "gemeente", "indicator": "aandeel_65plus",
                                                   "jaar": "2024"}, data.catalog())[0])
    text_t, name_t = trends_views.trends_csv(parse_trends({"indicator": "inwoners", "codes": "GM0106,DP1680_annen"},
                                                          data.catalog()))
    assert name_t == "trend-inwoners-assen-annen.csv"
    for text in (text_v, text_k, text_t):
        header, first_row = text.splitlines()[:2]
        assert ";" in header and "," not in header
        assert "True" not in text and "False" not in text
        assert not any("." in cell and cell.replace(".", "").isdigit() for cell in first_row.split(";")), first_row
    for text in (text_v, text_k):  # shares: a decimal comma
        assert any("," in c and c.replace(",", "").isdigit() for c in text.splitlines()[1].split(";")), text
    # Counts are whole numbers: '54691', not '54691,0'.
    assert ";1997;54691;" in text_t and ",0;" not in text_t
    assert ";nee;" in text_t or text_t.rstrip().endswith(";nee")


def test_count_indicators_get_no_reference_lines_but_keep_references_in_the_table(app):
    """Issue 10: woningvoorraad and huishoudens got Drenthe/monitor totals as lines (axis to 250.000)."""
    from dashboard import data
    from pages.vergelijken import compare
    from pages.vergelijken import page as vergelijken

    codes = ["DP1680_annen", "DP0114_nieuw-amsterdam"]
    inds = ["huishoudens", "woningvoorraad", "aandeel_65plus"]
    tidy = compare.compare_frame(codes, inds)
    panels = {p.indicator: p.figure for p in compare.small_multiples(tidy, {i: data.indicator(i) for i in inds})}
    counts = [i for i, fig in panels.items() if not any(t["type"] == "scatter" for t in fig["data"])]
    assert sorted(counts) == ["huishoudens", "woningvoorraad"]  # both count panels have bars only
    pct = [t for t in panels["aandeel_65plus"]["data"] if t["type"] == "scatter"]
    assert {t["name"] for t in pct} >= {"Drenthe (12 gemeenten)"}  # a share keeps its reference lines
    for ind in counts:
        bars = [t for t in panels[ind]["data"] if t["type"] == "bar"][0]
        axis = panels[ind]["layout"]["xaxis"]
        assert "range" not in axis or axis["range"][1] < 10 * max(bars["x"])
    text = "".join(_text(c) for c in vergelijken.update(codes, inds)[0])
    assert "Drenthe (12 gemeenten)" in text and "referenties in de tabel" in text


def test_vergelijken_says_onbetrouwbaar_as_the_map_does(app):
    """One table of status words (STATUS_WORDS): the legend said 'onzeker' for what the map calls onbetrouwbaar."""
    from dorpenmonitor.codes import STATUS_WORDS
    from pages.vergelijken import page as vergelijken

    text = "".join(_text(c) for c in vergelijken.update(["DP1680_annen"], ["aandeel_65plus"])[0])
    assert f"* = {STATUS_WORDS['onbetrouwbaar']}." in text and "onzeker" not in text


def test_small_multiples_are_one_figure_per_indicator_with_one_legend_above_them(app):
    """At 390 px the two columns of subplots of one figure ran into each other (area names over the bars of the
    left column). Each panel is its own figure now, laid out by CSS (one column on a phone); a panel grows with
    the number of areas. The references' legend was in the first panel that had them, which made that panel
    taller than the others (the grid's rows did not line up): now no panel has one, the page shows one above
    the grid, listing only what the panels draw."""
    from dashboard import data
    from pages.vergelijken import compare
    from pages.vergelijken import page as vergelijken

    inds = ["woningvoorraad", "aandeel_65plus", "afstand_huisarts"]
    metas = {i: data.indicator(i) for i in inds}
    two = compare.small_multiples(compare.compare_frame(["DP1680_annen", "GM0106"], inds), metas)
    assert [p.indicator for p in two] == inds
    assert "(%)" in two[1].title and "referenties in de tabel" in two[0].title
    assert not any(t.get("showlegend") for p in two for t in p.figure["data"])
    assert not any(p.figure["layout"]["showlegend"] for p in two)
    assert len({p.figure["layout"]["height"] for p in two}) == 1  # the rows of the grid line up
    assert two[0].refs == () and set(two[1].refs) == {"gemeente", "drenthe", "monitor"}
    assert "template" not in two[1].figure["layout"]  # plain dicts: no 7 kB of plotly's template per panel
    four = compare.small_multiples(
        compare.compare_frame(["DP1680_annen", "GM0106", "DP1730_zuidlaren", "GM0114"], inds), metas)
    assert four[2].figure["layout"]["height"] == two[2].figure["layout"]["height"] + 2 * compare.BAR_HEIGHT
    grid = vergelijken._small_multiples(compare.compare_frame(["DP1680_annen"], inds), metas)
    assert grid.id == "vergelijken-grafiek" and "veelvouden" in grid.className and len(grid.children) == 3
    legend = vergelijken._legend(two)
    assert legend.id == "vergelijken-legenda"
    assert [li.children[1] for li in legend.children] == ["Eigen gemeente", "Drenthe (12 gemeenten)",
                                                          "Monitor (13 gemeenten)"]
    # Gemeenten only: no own-gemeente tick anywhere, so the legend does not list one; counts only: no legend.
    gm = compare.small_multiples(compare.compare_frame(["GM0106", "GM0114"], inds), metas)
    assert [li.children[1] for li in vergelijken._legend(gm).children] == ["Drenthe (12 gemeenten)",
                                                                           "Monitor (13 gemeenten)"]
    assert vergelijken._legend(gm[:1]) is None
    content = vergelijken.update(["DP1680_annen", "GM0106"], inds)[0]
    assert '"vergelijken-legenda"' in "".join(_text(c) for c in content)


def test_value_axis_ticks_stay_level_on_a_phone(app):
    """At 390 px the WOZ panel's x labels ('100.000', '200.000', ...) were tilted over each other: few ticks, and
    euros in thousands ('200' under a title '× 1.000 euro', as CBS writes it; '€ 200.000' three times did not
    fit, the SI '€ 200k' is not Dutch). Bar values sit at the bar's base, away from the black tick of the
    gemeente at the bar's end."""
    from dashboard import data
    from pages.vergelijken import compare

    inds = ["woz_gemiddeld", "aandeel_65plus", "woningvoorraad"]
    panels = {p.indicator: p.figure for p in compare.small_multiples(
        compare.compare_frame(["DP1680_annen", "GM0106"], inds), {i: data.indicator(i) for i in inds})}
    woz = panels["woz_gemiddeld"]["layout"]["xaxis"]
    assert woz["ticktext"][:3] == ["0", "200", "400"] and woz["tickvals"][:3] == [0, 200_000, 400_000]
    titles = {p.indicator: p.title for p in compare.small_multiples(
        compare.compare_frame(["DP1680_annen", "GM0106"], inds), {i: data.indicator(i) for i in inds})}
    assert titles["woz_gemiddeld"] == "Gemiddelde WOZ-waarde (× 1.000 euro)"
    assert panels["aandeel_65plus"]["layout"]["xaxis"]["nticks"] <= 5
    assert "tickformat" not in panels["aandeel_65plus"]["layout"]["xaxis"]
    assert panels["woningvoorraad"]["layout"]["xaxis"]["nticks"] <= 3  # 'woningen' of a gemeente: 33.215
    bar = panels["aandeel_65plus"]["data"][0]
    assert bar["type"] == "bar" and bar["insidetextanchor"] == "start"
    assert bar["text"][0].endswith("%") and bar["y"][-1] == "Annen (2024)"  # first chosen area on top


def test_compare_rows_match_the_benchmarks_of_each_cell(app):
    """One query for all areas and indicators gives what a value lookup and a benchmarks() per cell gave:
    the newest year with a usable value (else the newest year's suppressed row), the area's gemeente, Drenthe
    and the monitor total of that year (rounded as benchmarks() rounds them)."""
    from dashboard import data
    from pages.vergelijken import compare

    codes = ["DP1680_annen", "GM0106", "BU01060001", "WK010600", "DP0106_rhee", "BU01140600"]
    inds = ["aandeel_65plus", "woz_gemiddeld", "aandeel_koopwoningen", "afstand_huisarts", "inwoners"]
    rows = compare.compare_rows(codes, inds)
    assert len(rows) == len(codes) * len(inds)
    checked = 0
    for r in rows:
        yrs = data.years(r.indicator, r.niveau)
        if r.jaar is None:
            assert r.status == "ontbreekt" and r.waarde is None
            continue
        v = data.values(r.indicator, r.niveau, r.jaar)
        hit = v[v["code"] == r.code].iloc[0]
        assert r.status == hit["status"] and r.jaar in yrs
        assert (r.waarde is None and pd.isna(hit["waarde"])) or r.waarde == pytest.approx(hit["waarde"])
        newer = [y for y in yrs if y > r.jaar]
        for y in newer:  # no newer year had a usable value for this area
            nv = data.values(r.indicator, r.niveau, y)
            nh = nv[(nv["code"] == r.code) & nv["status"].isin(["ok", "onbetrouwbaar"]) & nv["waarde"].notna()]
            assert nh.empty, (r, y)
        b = data.benchmarks(r.indicator, r.code, r.jaar)
        expect_gm = None if r.niveau == "gemeente" else b.gemeente.waarde
        for got, want in ((r.gemeente_waarde, expect_gm), (r.drenthe_waarde, b.drenthe.waarde),
                          (r.monitor_waarde, b.monitor.waarde)):
            assert (got is None and want is None) or got == pytest.approx(want), (r, got, want)
        checked += 1
    assert checked > 20
    statuses = {r.status for r in rows}
    assert "geheim" in statuses and "onbetrouwbaar" in statuses  # the suppressed buurt and village are in it


def test_pick_latest_newest_usable_year_else_newest_row():
    from indicators.service import CompareRow
    from pages.vergelijken.compare import pick_latest

    def row(jaar, waarde, status="ok"):
        return CompareRow("X", "i", "buurt", jaar, waarde, status, "", None, None, None, None)

    rows = [row(2022, 1.0), row(2023, 2.0, "onbetrouwbaar"), row(2024, None, "geheim")]
    assert pick_latest(rows, (2022, 2023, 2024)).jaar == 2023
    assert pick_latest(rows[:1] + rows[2:], (2022, 2023, 2024)).jaar == 2022
    assert pick_latest([row(2024, None, "geheim")], (2022, 2023, 2024)).status == "geheim"
    # A suppressed row of an older year is no fallback; a row in a year without values at the level counts not.
    assert pick_latest([row(2023, None, "geheim")], (2022, 2023, 2024)) is None
    assert pick_latest([row(2025, 5.0)], (2023, 2024)) is None
    assert pick_latest([], (2024,)) is None


def test_vergelijken_callback_reads_one_indexed_query_and_no_level_frames(app, monkeypatch):
    """Issue 11: a comparison of 4 areas read every level's whole frame per year (a scan per cell) and ran a
    benchmark query per area and indicator: ~10 rps under load. Now one indexed query per callback."""
    from dashboard import data
    from pages.vergelijken import page as vergelijken

    store = data.store()
    calls: list[str] = []
    for name in ("cube_area_records", "cube_values", "cube_rows", "cube_records", "cube_comparable"):
        real = getattr(store, name)
        monkeypatch.setattr(store, name, lambda *a, _n=name, _r=real, **k: calls.append(_n) or _r(*a, **k))
    codes = ["DP1680_annen", "BU01060001", "WK010600", "GM0106"]
    with data.pinned():
        data.clear()
    vergelijken.update(codes[:1], None)  # the first request of a level: its 'lijkt op' scores (once per level)
    calls.clear()
    vergelijken.update(codes, None)
    assert calls.count("cube_area_records") == 1
    assert {c for c in calls if c != "cube_area_records"} <= {"cube_values"}  # 'lijkt op' of a new level, once
    calls.clear()
    vergelijken.update(["DP0114_nieuw-amsterdam", "BU01140600", "WK011406", "GM0114"], None)  # 'lijkt op': dorp
    assert calls == ["cube_area_records"]


def test_a_missing_year_is_not_printed_as_a_float(app):
    """When one cell had no year, the whole frame's years became floats: '28,4% (2024.0)', 'geen gegevens (nan)'."""
    from pages.vergelijken import page as vergelijken

    codes = ["DP1680_annen", "GM0106", "BU01060001", "DP0106_rhee"]
    text = "".join(_text(c) for c in vergelijken.update(codes, ["aandeel_65plus", "inkomen_per_inwoner"])[0])
    assert "(2024)" in text and ".0)" not in text and "(nan)" not in text


def test_a_bar_without_a_value_says_why_in_the_panel(app):
    """Erfgoedkwartier's WOZ 2024 is geheim: its bar has no length, so the panel writes the reason at the axis
    (the row used to stay empty, with the reason only in the table)."""
    from dashboard import data
    from pages.vergelijken import compare

    inds = ["woz_gemiddeld"]
    panel = compare.small_multiples(compare.compare_rows(["BU01060001", "DP1730_zuidlaren"], inds),
                                    {i: data.indicator(i) for i in inds})[0]
    texts = [t for t in panel.figure["data"] if t.get("mode") == "text"]
    assert len(texts) == 1 and texts[0]["text"] == ["geheim (CBS)"] and texts[0]["x"] == [0]
    assert texts[0]["y"][0].startswith("Erfgoedkwartier")


def test_each_of_the_most_areas_gets_a_colour_of_its_own():
    from dashboard.theme import LINE_COLORS
    from pages.vergelijken import compare

    assert len(set(LINE_COLORS)) >= compare.MAX_AREAS


# -- s17 review: Vergelijken defects #1, #5, #6, #10 ----------------------------------------------------------

MIXED = ["GM0106", "WK168000", "BU16800000", "DP1680_annen"]


def test_areas_with_the_same_name_get_a_bar_row_each(app):
    """Review #1: Annen (buurt) and Annen (dorp) shared the y category 'Annen (2024)', so their bars were drawn
    on one row and overlapped (WOZ read about € 680.000). Every row label is unique: the kind is added where
    names collide (only there: short labels on a phone)."""
    from dashboard import data
    from pages.vergelijken import compare

    inds = ["woz_gemiddeld", "misdrijven_per_1000"]
    tidy = compare.compare_rows(MIXED, inds)
    for panel in compare.small_multiples(tidy, {i: data.indicator(i) for i in inds}):
        bar = next(t for t in panel.figure["data"] if t["type"] == "bar")
        assert len(bar["y"]) == len(set(bar["y"])) == len(MIXED), bar["y"]
        assert "Assen (2024)" in bar["y"]  # a name without a twin stays short
    woz = compare.small_multiples(tidy, {"woz_gemiddeld": data.indicator("woz_gemiddeld")})[0]
    bar = woz.figure["data"][0]
    assert {"Annen (buurt, 2024)", "Annen (dorp, 2024)"} <= set(bar["y"])
    names = [r["Gebied"] for r in compare.wide_records(tidy)]
    assert len(set(names)) == len(MIXED) and "Annen (dorp)" in names and "Assen" in names


def test_area_labels_add_kind_then_gemeente_only_where_needed():
    from pages.vergelijken.compare import area_labels

    areas = [("BU1", "Centrum", "buurt", "Assen"), ("BU2", "Centrum", "buurt", "Emmen"),
             ("DP1", "Centrum", "dorp", "Emmen"), ("DP2", "Rolde", "dorp", "Aa en Hunze")]
    assert area_labels(areas) == {"BU1": ["buurt", "Assen"], "BU2": ["buurt", "Emmen"], "DP1": ["dorp"],
                                  "DP2": []}


def test_gemeente_reference_row_takes_the_value_an_area_brings(app):
    """Review #6: 'Gemeente Aa en Hunze' showed '–' for misdrijven per 1.000 although 22,3 (2024) exists:
    the reference row took the first area of that gemeente (Wijk 00 Annen, which has no police figures)."""
    from pages.vergelijken import compare

    refs = {r["Gebied"]: r for r in compare.benchmark_records(compare.compare_rows(MIXED, ["misdrijven_per_1000"]))}
    assert refs["Gemeente Aa en Hunze"]["misdrijven_per_1000"] == "22,3 per 1.000 inwoners (2024)"
    assert refs["Drenthe (12 gemeenten)"]["misdrijven_per_1000"] == "31,0 per 1.000 inwoners (2024)"
    # The first area bringing nothing does not hide Drenthe either (pure rows).
    rows = compare.compare_rows(["WK168000", "BU16800000"], ["misdrijven_per_1000"])
    refs = {r["Gebied"]: r for r in compare.benchmark_records(rows)}
    assert refs["Drenthe (12 gemeenten)"]["misdrijven_per_1000"] == "31,0 per 1.000 inwoners (2024)"


PARTIAL = ["DP0106_ter-aard", "DP0109_sleen"]
PARTIAL_INDS = ["aandeel_corporatiewoningen", "inwoners", "woz_gemiddeld"]


def test_partial_village_figures_are_marked_in_table_and_bars(app):
    """Review #10: Ter Aard '0% (2024)' rests on 1 of its 2 buurten (71% of the inwoners), Sleen's on 1 of 4,
    yet they stood in the table and the bars like complete figures; the 0% bar had no label; Drenthe said
    '– (2024)' without a reason (not all 12 gemeenten have a figure)."""
    from dashboard import data
    from pages.vergelijken import compare
    from pages.vergelijken import page as vergelijken

    tidy = compare.compare_rows(PARTIAL, PARTIAL_INDS)
    wide = {r["Gebied"]: r for r in compare.wide_records(tidy)}
    assert wide["Ter Aard"]["aandeel_corporatiewoningen"] == "0% (2024) · deel"
    assert wide["Sleen"]["aandeel_corporatiewoningen"].endswith("(2024) · deel")
    assert "deel" not in wide["Ter Aard"]["inwoners"]  # a complete count stays as it is
    notes = compare.partial_notes(tidy)
    assert any("Ter Aard" in n and "op basis van 71% van de inwoners" in n for n in notes), notes
    refs = {r["Gebied"]: r for r in compare.benchmark_records(tidy)}
    assert refs["Drenthe (12 gemeenten)"]["aandeel_corporatiewoningen"] == "geen totaal (2024)"
    assert refs["Drenthe (12 gemeenten)"]["inwoners"].endswith("(2024)")  # a complete total keeps its value
    text = "".join(_text(c) for c in vergelijken.update(PARTIAL, PARTIAL_INDS)[0])
    assert "niet alle 12 gemeenten" in text and "op basis van 71% van de inwoners" in text
    panel = compare.small_multiples(tidy, {"aandeel_corporatiewoningen": data.indicator("aandeel_corporatiewoningen")})
    bar = panel[0].figure["data"][0]
    ter_aard = bar["y"].index("Ter Aard (2024)")
    assert bar["text"][ter_aard] == "0% · deel"
    assert bar["textposition"][ter_aard] == "outside"  # a bar of length 0 cannot hold its label inside
    # A partial bar's longer label stays inside (pushed out of a long bar on a phone it was cut off at the edge).
    assert bar["textposition"][bar["y"].index("Sleen (2024)")] == "inside"
    assert bar["marker"]["pattern"]["shape"][ter_aard] == "/"  # hatched: not on one line with complete bars
    full = compare.small_multiples(tidy, {"inwoners": data.indicator("inwoners")})[0].figure["data"][0]
    assert set(full["marker"]["pattern"]["shape"]) == {""}


def test_every_figure_names_its_table_and_the_csv_writes_whole_years_and_counts(app):
    """Review #5: the page named no CBS table and the CSV had no source column and wrote '2024,0'."""
    import base64

    from dashboard import data
    from pages.vergelijken import page as vergelijken

    inds = ["inwoners", "misdrijven_per_1000", "woz_gemiddeld"]
    content = vergelijken.update(MIXED, inds)[0]
    text = "".join(_text(c) for c in content)
    assert '"vergelijken-bron"' in text
    assert "Bron: CBS 47022NED, 85984NED (2024)" in text  # police figures per 1.000 inwoners (KWB)
    panels = text.count("veelvoud-bron")
    assert panels == len(inds)  # each panel names its tables under the chart
    state = parse_vergelijken({"codes": ",".join(MIXED), "indicatoren": ",".join(inds)}, data.catalog())
    raw = base64.b64decode(vergelijken.build_download(state, excel=False)["content"]).decode("utf-8-sig")
    df = pd.read_csv(io.StringIO(raw), sep=";", dtype=str, keep_default_na=False)
    assert "Bron" in df.columns and set(df.loc[df["Waarde"] != "", "Bron"]) >= {"CBS 85984NED"}
    assert ",0" not in "".join(df["Jaar"]) and "2024" in set(df["Jaar"])
    inwoners = df[(df["Indicator-id"] == "inwoners") & (df["Code"] == "GM0106")].iloc[0]
    assert inwoners["Waarde"].isdigit() and inwoners["Waarde Drenthe"].isdigit()
    misdrijven = df[(df["Indicator-id"] == "misdrijven_per_1000") & (df["Code"] == "BU16800000")].iloc[0]
    assert misdrijven["Waarde"] == "16,2" and misdrijven["Waarde eigen gemeente"] == "22,3"


def test_hatched_bars_are_explained_in_the_legend_and_keep_a_readable_label(app):
    """The legend above the panels says what a hatched bar is; its label is dark on the white between the
    stripes (white text on stripes could not be read); a complete bar's label keeps its contrast."""
    from dashboard import data
    from pages.vergelijken import compare
    from pages.vergelijken import page as vergelijken

    tidy = compare.compare_rows(PARTIAL, PARTIAL_INDS)
    panels = compare.small_multiples(tidy, {i: data.indicator(i) for i in PARTIAL_INDS})
    assert [p.deel for p in panels] == [True, False, True]
    assert [p.title for p in panels][1] == "Inwoners · referenties in de tabel"  # not 'Inwoners (inwoners)'
    legend = [li.children[1] for li in vergelijken._legend(panels).children]
    assert legend[-1].startswith("Gearceerd (deel)")
    assert vergelijken._legend(panels[1:2]) is None  # a count panel without hatched bars: nothing to explain
    bar = panels[0].figure["data"][0]
    assert bar["insidetextfont"]["color"] == [compare.TEXT_COLOR, compare.TEXT_COLOR]
    full = panels[1].figure["data"][0]
    assert full["insidetextfont"]["color"] == ["#ffffff", "#ffffff"] and full["text"][0] == "2.355"


def test_indicators_without_any_data_are_offered_last_and_disabled(app):
    """'Aandeel huishoudens met laag inkomen' has no figure at any level: its panel was empty axes."""
    from pages.vergelijken import page

    opts = page._indicator_options()
    laag = next(o for o in opts if o["value"] == "aandeel_laag_inkomen")
    assert laag["disabled"] and laag["label"].endswith("· sociaal domein (geen gegevens)")
    assert not opts[0].get("disabled") and opts[-1].get("disabled")
    assert next(o for o in opts if o["value"] == "woz_gemiddeld")["label"] == "Gemiddelde WOZ-waarde · wonen"


def test_a_panel_without_any_value_draws_no_scale(app):
    """Laag inkomen has no figures: its panel showed a meaningless axis 0 – 0,5 – 1 under four 'geen gegevens'."""
    from dashboard import data
    from pages.vergelijken import compare

    inds = ["aandeel_laag_inkomen", "woz_gemiddeld"]
    panels = {p.indicator: p.figure for p in compare.small_multiples(
        compare.compare_frame(["GM0106", "DP1680_annen"], inds), {i: data.indicator(i) for i in inds})}
    empty = panels["aandeel_laag_inkomen"]["layout"]["xaxis"]
    assert empty["showticklabels"] is False and empty["showgrid"] is False
    assert panels["woz_gemiddeld"]["layout"]["xaxis"].get("showticklabels", True) is True
