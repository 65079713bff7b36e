"""Vergelijken, Gebiedsprofiel, Over de data: pure helpers, export builders and callbacks as plain functions.

Unit tests first (hand-made records, no database), then integration tests on
the snapshot database through the app's loaders.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import export
from dashboard.briefing import (
    KeyFigure,
    Profile,
    change_highlights,
    deviation_highlights,
    profile_frame,
    quality_notes,
    sparkline_svg,
)
from dashboard.compare import VergelijkState, parse_vergelijken, similar_areas, vergelijken_query
from dashboard.formatting import fmt_value as fmt
from dashboard.urlstate import Catalog


def kf(indicator="aandeel_65plus", waarde=28.0, gemeente=25.0, drenthe=24.0, **kw) -> KeyFigure:
    base = dict(indicator=indicator, titel="Aandeel 65-plussers", thema="demografie", eenheid="%", decimals=1,
                richting="neutraal", aggregatie="ratio", jaar=2024, waarde=waarde, status="ok", gemeente=gemeente,
                drenthe=drenthe, monitor=24.5, spreiding=4.0, trend=(), bron="85984NED")
    base.update(kw)
    return KeyFigure(**base)


def tiny_profile(**kw) -> Profile:
    figs = (
        kf(trend=((2022, 27.0, False), (2024, 28.0, False))),
        kf("inwoners", 3590.0, 25845.0, 504129.0, titel="Inwoners", eenheid="inwoners", decimals=0,
           aggregatie="sum", spreiding=None),
        kf("woz_gemiddeld", None, 347000.0, 306950.0, titel="Gemiddelde WOZ-waarde", thema="wonen",
           eenheid="euro", decimals=0, status="geheim"),
        kf("afstand_huisarts", 0.9, 2.4, 1.7, titel="Afstand tot huisarts", thema="leefbaarheid en voorzieningen",
           eenheid="km", note="op basis van 96% van de inwoners"),
    )
    base = dict(code="DP1680_annen", naam="Annen", niveau="dorp", gemeente_code="GM1680",
                gemeente_naam="Aa en Hunze", figures=figs, highlights=("Annen is ouder dan Aa en Hunze.",),
                notes=("Dit dorp is samengesteld uit 2 buurten.",),
                leden=(("BU16800000", "Annen"), ("BU16800009", "Verspreide huizen Annen")),
                gegevensstand="2026-11-25", themes=("demografie", "wonen", "leefbaarheid en voorzieningen"))
    base.update(kw)
    return Profile(**base)


# -- briefing: highlights and notes ----------------------------------------------

def test_deviation_highlight_uses_plain_dutch_phrase():
    out = deviation_highlights([kf()], "Annen", "Aa en Hunze")
    assert out == ["Annen is ouder dan Aa en Hunze: 28,0% 65-plussers tegen 25,0% (2024)."]


def test_deviation_highlights_rank_by_spread_and_skip_counts_and_small_differences():
    figs = [
        kf(waarde=26.0, gemeente=25.0),  # 0.25 sd: not news
        kf("aandeel_koopwoningen", 50.0, 75.0, 66.0, titel="Aandeel koopwoningen", decimals=0, spreiding=10.0),
        kf("inwoners", 3590.0, 25845.0, titel="Inwoners", aggregatie="sum", eenheid="inwoners"),
        kf("iets_anders", 9.0, 3.0, titel="Iets anders", spreiding=2.0),
    ]
    out = deviation_highlights(figs, "Annen", "Aa en Hunze", n=3)
    assert out[0].startswith("Iets anders: in Annen hoger dan in Aa en Hunze, 9,0% tegen 3,0%")
    assert out[1].startswith("Annen heeft minder koopwoningen dan Aa en Hunze: 50% koopwoningen tegen 75%")
    assert len(out) == 2  # the count and the small difference are left out
    assert deviation_highlights(figs, "Assen", None) == []


def test_change_highlights_use_points_after_last_break_and_procentpunt():
    f = kf(trend=((2014, 10.0, False), (2018, 30.0, True), (2024, 33.0, False)))
    out = change_highlights([f], "Annen")
    assert out == ["Aandeel 65-plussers in Annen: gestegen van 30,0% (2018) naar 33,0% (2024), +3,0 procentpunt."]
    count = kf("misdrijven", titel="Geregistreerde misdrijven", eenheid="misdrijven", decimals=0, aggregatie="sum",
               trend=((2021, 52.0, False), (2025, 45.0, False)))
    assert change_highlights([count], "Annen")[0].endswith("naar 45 misdrijven (2025), −13%.")
    assert change_highlights([kf(trend=((2024, 1.0, False),))], "Annen") == []


def test_quality_notes_name_secret_weak_village_breaks_and_years():
    figs = [kf(status="geheim", waarde=None), kf(status="onbetrouwbaar", note="noemer 12 is kleiner dan 50"),
            kf(jaar=2021, trend=((2019, 1.0, False), (2021, 2.0, True))),
            kf(note="op basis van 80% van de inwoners")]
    notes = quality_notes(figs, "dorp", n_leden=3, approximate_boundaries=True)
    text = " ".join(notes)
    assert "Geheimgehouden door CBS" in text and "niet geschat" in text
    assert "noemer 12 is kleiner dan 50" in text
    assert "samengesteld uit 3 CBS-buurten" in text
    assert "op basis van 80% van de inwoners" in text
    assert "Trendbreuk" in text and "benaderd" in text and "2021–2024" in text


def test_fmt_and_sparkline():
    assert fmt(344736.0, kf(eenheid="euro", decimals=0)) == "€ 344.736"
    assert fmt(0.22, kf(eenheid="score", decimals=3)) == "0,220"
    assert fmt(None, kf()) == "–"
    svg = sparkline_svg([(2020, 1.0, False), (2022, 3.0, True), (2024, 2.0, False)])
    assert svg.startswith("<svg") and svg.count("<line") == 2 and "stroke-dasharray" in svg
    assert sparkline_svg([(2024, 1.0, False)]) == ""


def test_profile_frame_has_year_status_and_benchmarks():
    df = profile_frame(tiny_profile())
    assert {"Jaar", "Annen", "Status", "Gemeente Aa en Hunze", "Drenthe", "Bron (CBS-tabel)"} <= set(df.columns)
    woz = df[df["Indicator-id"] == "woz_gemiddeld"].iloc[0]
    assert woz["Status"] == "geheim" and pd.isna(woz["Annen"])


# -- vergelijken: URL state and similarity -----------------------------------------

def _catalog() -> Catalog:
    return Catalog(
        titles={"aandeel_65plus": "Aandeel 65-plussers", "woz_gemiddeld": "WOZ", "aandeel_koopwoningen": "Koop",
                "afstand_huisarts": "Huisarts", "inwoners": "Inwoners"},
        themes_of={}, themes=(), years=lambda i, n: (2024,),
        areas={"DP1680_annen": ("Annen", "dorp"), "GM0106": ("Assen", "gemeente"), "BU01060000": ("B", "buurt")},
        gemeenten={"GM0106": "Assen"},
    )


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
    # z-scores put a=1 and b=100 on comparable scales; Z only shares 'a' (scaled up to 2 dims).
    assert list(res["code"]) == ["Z", "X", "W"]
    assert res.loc[0, "afstand"] == pytest.approx(0.0) and res.loc[0, "gedeeld"] == 1
    za = (wide["a"] - wide["a"].mean()) / wide["a"].std(ddof=0)
    zb = (wide["b"] - wide["b"].mean()) / wide["b"].std(ddof=0)
    expected = np.sqrt((za["X"] - za["T"]) ** 2 + (zb["X"] - zb["T"]) ** 2)
    assert res.loc[1, "afstand"] == pytest.approx(expected)
    assert similar_areas(wide, "nope").empty
    assert "T" not in set(similar_areas(wide, "T")["code"])


# -- export builders -------------------------------------------------------------------

def test_csv_bytes_is_utf8_with_bom_and_round_trips():
    df = pd.DataFrame({"Gebied": ["Eext", "Gieten"], "Waarde": [1.5, None]})
    raw = export.csv_bytes(df)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [["Gebied", "Waarde"], ["Eext", "1.5"], ["Gieten", ""]]


def test_excel_bytes_has_values_and_sources_sheet_with_attribution():
    sources = pd.DataFrame({"table_id": ["85984NED"], "title": ["Kerncijfers wijken en buurten 2024"],
                            "publisher": ["CBS"], "republisher": ["dertje/cbs_datasets"], "licence": ["CC BY 4.0"]})
    df = pd.DataFrame({"Gebied": ["Ëext"], "Waarde": [np.float64(2.5)], "Leeg": [np.nan]})
    wb = load_workbook(io.BytesIO(export.excel_bytes({"Waarden": df}, sources, notes=["Een noot"])))
    assert wb.sheetnames == ["Waarden", "Bronnen"]
    assert [c.value for c in wb["Waarden"][2]] == ["Ëext", 2.5, None]
    bron = [c.value for c in wb["Bronnen"]["A"] if c.value]
    assert bron[0] == "Bron: CBS" and any("CC BY 4.0" in str(v) for v in bron) and "Een noot" in bron
    assert "85984NED" in bron


def test_profile_pdf_and_excel_from_records():
    pdf = export.profile_pdf(tiny_profile())
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    wb = load_workbook(io.BytesIO(export.profile_excel(tiny_profile())))
    assert wb.sheetnames == ["Profiel", "Opvallend", "Bronnen"]


def test_profile_pdf_without_dejavu_falls_back_to_core_font(monkeypatch, tmp_path):
    monkeypatch.setattr(export, "DEJAVU_DIR", tmp_path)  # no fonts there
    pdf = export.profile_pdf(tiny_profile(naam="Nieuw-Weerdinge – ’t Zandt €"))
    assert pdf.startswith(b"%PDF")


# -- integration on the snapshot database -----------------------------------------------

@pytest.fixture(scope="module")
def app(store):
    from tests.browser_fixtures import session_app

    return session_app(store)  # one app per process: see session_app for why


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json()
                      if hasattr(o, "to_plotly_json") else str(o), ensure_ascii=False)


def test_pages_are_registered(app):
    import dash

    paths = {p["path"] for p in dash.page_registry.values()}
    assert {"/vergelijken", "/profiel", "/over"} <= paths


def test_village_profile_has_figures_highlights_and_notes(app):
    from dashboard import briefing

    p = briefing.profile("DP0114_nieuw-amsterdam")
    assert p is not None and p.niveau == "dorp" and p.gemeente_naam == "Emmen"
    assert len(p.figures) > 20 and all(f.jaar for f in p.figures)
    assert p.highlights and any("Emmen" in h for h in p.highlights)
    assert any("samengesteld uit" in n for n in p.notes) and len(p.leden) >= 1
    inw = next(f for f in p.figures if f.indicator == "inwoners")
    assert inw.has_value and inw.gemeente and inw.drenthe and inw.drenthe > inw.gemeente
    assert briefing.profile("BU00000000") is None


def test_profiel_layout_unknown_code_shows_dutch_message_and_search(app):
    from pages import profiel

    text = _text(profiel.layout(code="XYZ"))
    assert "Gebied 'XYZ' bestaat niet" in text and "profiel-zoek" in text
    assert "profiel-zoek" in _text(profiel.layout())
    assert "profiel-code" in _text(profiel.layout(code="dp1680_annen"))  # case-tolerant village code


def test_profiel_render_and_downloads(app):
    from pages import profiel

    body, subtitle = profiel.render("DP1680_annen")
    assert "Dorp in de gemeente Aa en Hunze" in subtitle
    text = _text(body) if not isinstance(body, list) else "".join(_text(b) for b in body)
    assert "Opvallend" in text and "Over deze cijfers" in text and "Verspreide huizen Annen" in text
    pdf = profiel.build_download("DP1680_annen", pdf=True)
    raw = __import__("base64").b64decode(pdf["content"])
    assert raw.startswith(b"%PDF") and pdf["filename"].endswith(".pdf")
    xlsx = profiel.build_download("DP1680_annen", pdf=False)
    wb = load_workbook(io.BytesIO(__import__("base64").b64decode(xlsx["content"])))
    assert "Bronnen" in wb.sheetnames and wb["Bronnen"]["A1"].value == "Bron: CBS"
    assert profiel.build_download("BU00000000", pdf=True) is None


def test_vergelijken_callbacks_as_plain_functions(app):
    from pages import vergelijken

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
    from dashboard.compare import parse_vergelijken
    from pages import vergelijken

    state = parse_vergelijken({"codes": "DP1680_annen,DP0114_nieuw-amsterdam",
                               "indicatoren": "aandeel_65plus,afstand_huisarts"}, data.catalog())
    csv_dl = vergelijken.build_download(state, excel=False)
    df = pd.read_csv(io.BytesIO(base64.b64decode(csv_dl["content"])), encoding="utf-8-sig")
    assert len(df) == 4 and {"Gebied", "Jaar", "Waarde", "Waarde Drenthe"} <= set(df.columns)
    xl = vergelijken.build_download(state, excel=True)
    wb = load_workbook(io.BytesIO(base64.b64decode(xl["content"])))
    assert wb.sheetnames == ["Waarden", "Overzicht", "Indicatoren", "Bronnen"]
    assert wb["Bronnen"]["A1"].value == "Bron: CBS"
    assert xl["filename"].startswith("vergelijking-annen")


def test_similar_to_same_level_top5(app):
    from dashboard import compare

    res = compare.similar_to("DP1680_annen", compare.DEFAULT_INDICATORS)
    assert len(res) == 5 and res["code"].str.startswith("DP").all() and "DP1680_annen" not in set(res["code"])
    assert res["afstand"].is_monotonic_increasing


def test_over_page_shows_sources_licence_dates_coverage_catalogue_boundaries(app):
    from indicators import REGISTRY
    from pages import over

    text = _text(over.layout())
    for needle in ("Bron: CBS", "CC BY 4.0", "85984NED", "dertje/cbs_datasets", "Momentopname gemaakt",
                   "Laadgeschiedenis", "Dekking per jaar en niveau", "Benaderd", "2024-benaderd", "Dorpen"):
        assert needle in text, needle
    assert all(ind.title in text for ind in REGISTRY.values())


def test_coverage_pivot_is_years_by_theme():
    from dashboard.about import coverage_pivot

    cov = pd.DataFrame({"level": ["wijk", "wijk", "buurt"], "period": [2022, 2024, 2024],
                        "theme": ["wonen", "demografie", "wonen"], "regions": [5, 7, 9], "geheim": [1, 0, 2]})
    piv = coverage_pivot(cov, "wijk", ("demografie", "wonen"))
    assert list(piv.columns) == ["Jaar", "Demografie", "Wonen", "Geheim (cijfers)"]
    assert piv.iloc[0].tolist() == [2024, 7, 0, 0]
    assert coverage_pivot(cov, "gemeente", ()).empty


def test_vergelijken_state_default_is_empty():
    assert VergelijkState().codes == ()


def _meta_keys_written_by_the_loaders() -> set[str]:
    """The keys in every ``meta_rows={...}`` of the ETL (read from the source, so a new key cannot slip by)."""
    import re

    from dorpenmonitor.settings import PROJECT_ROOT

    keys: set[str] = set()
    for path in (PROJECT_ROOT / "etl").glob("*.py"):
        for block in re.findall(r"meta_rows=\{(.*?)\}", path.read_text(), flags=re.S):
            keys |= set(re.findall(r'"(\w+)"\s*:', block))
    return keys


def test_every_meta_key_has_a_dutch_label_or_is_hidden():
    from pages import over

    written = _meta_keys_written_by_the_loaders()
    assert {"snapshot_built", "snapshot_loaded", "data_origin", "snapshot_sha256", "last_refresh",
            "last_refresh_scope"} <= written
    assert written <= set(over.META_LABELS) | over.HIDDEN_META
    m = {"snapshot_built": "2026-11-25", "snapshot_loaded": "2026-11-26T10:00:00+00:00", "data_origin": "live",
         "snapshot_sha256": "ab12", "last_refresh": "2026-11-27T09:30:00+00:00",
         "last_refresh_scope": "jaren 2024", "iets_nieuws": "x"}
    items = dict(over.meta_items(m))
    assert items["Herkomst"] == "live ververst bij CBS/PDOK" and items["Omvang laatste verversing"] == "jaren 2024"
    assert not set(m) & set(items) and "x" not in items.values()  # never a raw key
    assert dict(over.meta_items({"data_origin": "snapshot"}))["Herkomst"] == "gebundelde snapshot"


def test_comparison_shows_units_and_its_download_computes_once(app, monkeypatch):
    import base64

    from dashboard import compare, data
    from pages import vergelijken

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
