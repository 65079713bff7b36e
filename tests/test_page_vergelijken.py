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
        assert any("," in cell and cell.replace(",", "").isdigit() for cell in first_row.split(";")), first_row
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
    counts = [i for i, fig in panels.items() if not any(t.type == "scatter" for t in fig.data)]
    assert sorted(counts) == ["huishoudens", "woningvoorraad"]  # both count panels have bars only
    pct = [t for t in panels["aandeel_65plus"].data if t.type == "scatter"]
    assert {t.name for t in pct} >= {"Drenthe (12 gemeenten)"}  # a share keeps its reference lines
    for ind in counts:
        bars = [t for t in panels[ind].data if t.type == "bar"][0]
        axis = panels[ind].layout.xaxis
        assert axis.range is None or axis.range[1] < 10 * max(bars.x)
    text = "".join(_text(c) for c in vergelijken.update(codes, inds)[0])
    assert "Drenthe (12 gemeenten)" in text and "referenties in de tabel" in text


def test_vergelijken_says_onbetrouwbaar_as_the_map_does(app):
    """One table of status words (STATUS_WORDS): the legend said 'onzeker' for what the map calls onbetrouwbaar."""
    from dorpenmonitor.codes import STATUS_WORDS
    from pages.vergelijken import page as vergelijken

    text = "".join(_text(c) for c in vergelijken.update(["DP1680_annen"], ["aandeel_65plus"])[0])
    assert f"* = {STATUS_WORDS['onbetrouwbaar']}." in text and "onzeker" not in text


def test_small_multiples_are_one_figure_per_indicator_with_one_legend(app):
    """At 390 px the two columns of subplots of one figure ran into each other (area names over the bars of the
    left column). Each panel is its own figure now, laid out by CSS (one column on a phone); the references'
    legend is shown once, and a panel grows with the number of areas."""
    from dashboard import data
    from pages.vergelijken import compare
    from pages.vergelijken import page as vergelijken

    inds = ["woningvoorraad", "aandeel_65plus", "afstand_huisarts"]
    metas = {i: data.indicator(i) for i in inds}
    two = compare.small_multiples(compare.compare_frame(["DP1680_annen", "GM0106"], inds), metas)
    assert [p.indicator for p in two] == inds
    assert "(%)" in two[1].title and "referenties in de tabel" in two[0].title
    with_legend = [p.indicator for p in two if any(t.showlegend for t in p.figure.data)]
    assert with_legend == ["aandeel_65plus"]  # the first panel with reference lines (the count panel has none)
    four = compare.small_multiples(
        compare.compare_frame(["DP1680_annen", "GM0106", "DP1730_zuidlaren", "GM0114"], inds), metas)
    assert four[2].figure.layout.height == two[2].figure.layout.height + 2 * compare.BAR_HEIGHT
    grid = vergelijken._small_multiples(compare.compare_frame(["DP1680_annen"], inds), metas)
    assert grid.id == "vergelijken-grafiek" and "veelvouden" in grid.className and len(grid.children) == 3
