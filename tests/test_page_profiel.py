"""pages/profiel: highlights, notes, sparkline, the profile record, page and downloads."""

from __future__ import annotations

import io
import json

import pandas as pd
from openpyxl import load_workbook

from dashboard import series
from dashboard.formatting import fmt_value as fmt
from pages.profiel import export
from pages.profiel.briefing import (
    KeyFigure,
    Profile,
    change_highlights,
    deviation_highlights,
    profile_frame,
    quality_notes,
    sparkline_svg,
)


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


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json()
                      if hasattr(o, "to_plotly_json") else str(o), ensure_ascii=False)


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
    f = kf(trend=((2014, 10.0, False), (2019, 30.0, True), (2024, 33.0, False)))
    out = change_highlights([f], "Annen")
    assert out == ["Aandeel 65-plussers in Annen: sinds 2019 gestegen van 30,0% naar 33,0% (2024), +3,0 procentpunt "
                   "(trendbreuk in 2019: eerdere jaren niet vergelijkbaar)."]
    count = kf("misdrijven", titel="Geregistreerde misdrijven", eenheid="misdrijven", decimals=0, aggregatie="sum",
               trend=((2021, 52.0, False), (2025, 45.0, False)))
    # Police "2025" is the 12 months up to July 2026; 52 → 45 are small counts (issue 10).
    assert "naar 45 misdrijven (12 maanden tot juli 2026), −13%. Let op: kleine aantallen" in change_highlights(
        [count], "Annen")[0]
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
    svg = sparkline_svg([(2020, 1.0, False), (2021, 3.0, False), (2022, 2.0, True), (2023, 2.5, False)])
    # 2020-2021 and 2022-2023 joined; nothing across the 2022 break.
    assert svg.startswith("<svg") and svg.count("<line") == 2 and "stroke-dasharray" not in svg
    # WK168000's WOZ: 2022 and 2024 only. No line across the missing 2023 (s17 review #7).
    gap = sparkline_svg([(2022, 1.0, False), (2024, 2.0, False)])
    assert gap.count("<line") == 0 and gap.count("<circle") == 2
    assert sparkline_svg([(2024, 1.0, False)]) == ""


def test_profile_frame_has_year_status_and_benchmarks():
    df = profile_frame(tiny_profile())
    assert {"Jaar", "Annen", "Status", "Gemeente Aa en Hunze", "Drenthe", "Bron (CBS-tabel)"} <= set(df.columns)
    woz = df[df["Indicator-id"] == "woz_gemiddeld"].iloc[0]
    assert woz["Status"] == "geheim" and pd.isna(woz["Annen"])


def test_profile_pdf_and_excel_from_records():
    pdf = export.profile_pdf(tiny_profile())
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    wb = load_workbook(io.BytesIO(export.profile_excel(tiny_profile())))
    assert wb.sheetnames == ["Profiel", "Opvallend", "Bronnen"]


def test_profile_pdf_without_dejavu_falls_back_to_core_font(monkeypatch, tmp_path):
    monkeypatch.setattr(export, "DEJAVU_DIR", tmp_path)  # no fonts there
    pdf = export.profile_pdf(tiny_profile(naam="Nieuw-Weerdinge – ’t Zandt €"))
    assert pdf.startswith(b"%PDF")


def test_village_profile_has_figures_highlights_and_notes(app):
    from pages.profiel import briefing

    p = briefing.profile("DP0114_nieuw-amsterdam")
    assert p is not None and p.niveau == "dorp" and p.gemeente_naam == "Emmen"
    assert len(p.figures) > 20 and all(f.jaar for f in p.figures)
    assert p.highlights and any("Emmen" in h for h in p.highlights)
    assert any("samengesteld uit" in n for n in p.notes) and len(p.leden) >= 1
    inw = next(f for f in p.figures if f.indicator == "inwoners")
    assert inw.has_value and inw.gemeente and inw.drenthe and inw.drenthe > inw.gemeente
    assert briefing.profile("BU00000000") is None


def test_profiel_layout_unknown_code_shows_dutch_message_and_search(app):
    from pages.profiel import page as profiel

    text = _text(profiel.layout(code="XYZ"))
    assert "Gebied 'XYZ' bestaat niet" in text and "profiel-zoek" in text
    assert "profiel-zoek" in _text(profiel.layout())
    assert "profiel-code" in _text(profiel.layout(code="dp1680_annen"))  # case-tolerant village code


def test_profiel_render_and_downloads(app):
    from pages.profiel import page as profiel

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


def test_profile_rows_carry_the_plain_dutch_info_tip(app):
    from pages.profiel import briefing
    from pages.profiel.page import profile_body

    body = str(profile_body(briefing.profile("DP0109_wachtum")))
    assert "Het aantal 65-plussers per 100 inwoners van 15 tot 65 jaar." in body and "info-tip" in body


def test_phone_css_keeps_profile_tables_readable():
    """At 390 px the fixed table broke headers one letter per line: below 760 px it keeps a minimum width."""
    from pathlib import Path

    css = (Path(__file__).parent.parent / "assets" / "pages_extra.css").read_text()
    phone = css[css.rindex("@media (max-width: 760px)"):]
    assert "min-width: 640px" in phone and "overflow-wrap: normal" in phone and "nowrap" in phone


def _pdf_tool(name: str) -> str:
    import shutil

    from tests.conftest import skip_or_fail

    path = shutil.which(name)
    if not path:
        skip_or_fail(f"{name} (Debian poppler-utils) is not installed")
    return path


def test_profile_pdf_of_a_village_contains_the_chart_and_map_images(app, tmp_path):
    """kaleido (a dependency) draws the chart and the map in Debian's chromium; the PDF carries them as images."""
    import shutil
    import subprocess

    from tests.conftest import skip_or_fail

    if not (shutil.which("chromium") or export.CHROMIUM.exists()):
        skip_or_fail("chromium (Debian package) is not installed")
    pdfimages, pdftotext = _pdf_tool("pdfimages"), _pdf_tool("pdftotext")
    download = export.profile_download("DP0114_nieuw-amsterdam", pdf=True)
    path = tmp_path / download.filename
    path.write_bytes(download.content)
    listing = subprocess.run([pdfimages, "-list", str(path)], capture_output=True, text=True, check=True).stdout
    images = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    wide = [row for row in images if row[2] == "image" and int(row[3]) >= 1500]  # rendered at scale 2
    assert len(wide) >= 2, listing  # the area map and the people-and-homes chart
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Mensen en woningen door de tijd" in text and "Grafiek ontbreekt" not in text


def test_profile_pdf_says_so_when_the_chart_renderer_is_missing(app, monkeypatch, caplog, tmp_path):
    import subprocess

    pdftotext = _pdf_tool("pdftotext")

    def missing() -> None:
        raise ImportError("No module named 'kaleido'")

    monkeypatch.setattr(export, "_start_renderer", missing)
    with caplog.at_level("WARNING", logger=export.LOG.name):
        download = export.profile_download("DP0114_nieuw-amsterdam", pdf=True)
    assert any("kaleido is not installed" in r.getMessage() for r in caplog.records)
    path = tmp_path / "p.pdf"
    path.write_bytes(download.content)
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Grafiek ontbreekt: de grafiekrenderer (kaleido) is niet geïnstalleerd" in " ".join(text.split())


def test_fonts_are_parsed_once_per_process(monkeypatch):
    """The TTF files are parsed for the first PDF only; later PDFs reuse the metrics (and still embed a subset)."""
    from fpdf import fonts

    export.profile_pdf(tiny_profile())  # the cache is filled (if it was not already)
    parsed = []
    original = fonts.TTFFont.__init__

    def counting(self, *args, **kwargs):
        parsed.append(args[1] if len(args) > 1 else kwargs.get("font_file_path"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(fonts.TTFFont, "__init__", counting)
    first = export.profile_pdf(tiny_profile(naam="Ede"))
    second = export.profile_pdf(tiny_profile(naam="Zweeloo"))
    assert parsed == []
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF") and b"/FontFile2" in second


def test_status_words_are_the_maps_words():
    """The profile said 'niet gepubliceerd' / 'onzeker' where the map says 'geen gegevens' / 'onbetrouwbaar'."""
    from dorpenmonitor.codes import STATUS_WORDS
    from pages.profiel.briefing import status_text

    for status in ("geheim", "ontbreekt", "onbetrouwbaar"):
        assert status_text(kf(status=status, waarde=None)) == STATUS_WORDS[status]
    assert status_text(kf()) == ""
    notes = " ".join(quality_notes([kf(status="onbetrouwbaar", note="noemer 12")], "buurt"))
    assert STATUS_WORDS["onbetrouwbaar"].capitalize() in notes and "onzeker" not in notes.lower()


def _with_peers_and_series(**kw) -> Profile:
    from pages.profiel.briefing import Peer, TrendSeries

    peers = (Peer("DP0109_wachtum", "Wachtum", "Coevorden", 6, (375.0, 21.3, 14.7, 414000.0, 88.0, 3.3, 3.3)),
             Peer("DP0106_ubbena", "Ubbena", "Assen", 6, (165.0, 21.2, 15.2, 439000.0, 89.0, 3.5, 2.9)),
             Peer("DP0118_fluitenberg", "Fluitenberg", "Hoogeveen", 5, (600.0, None, 14.2, 433000.0, 88.0, 2.7, 3.1)))
    series = (TrendSeries("inwoners", "Inwoners", "gemeente Coevorden", False,
                          ((2020, 35300.0, False), (2022, 35500.0, False), (2024, 35725.0, False))),)
    return tiny_profile(naam="Wachtum", code="DP0109_wachtum", gemeente_naam="Coevorden", peers=peers,
                        series=series, **kw)


def test_profile_page_shows_the_peers_side_by_side_like_the_pdf(app):
    from pages.profiel import briefing
    from pages.profiel.page import peers_section, profile_body

    p = _with_peers_and_series()
    text = _text(peers_section(p))
    assert briefing.peers_title(p) == "Lijkt op: de 2 dorpen die het meest op Wachtum lijken"
    assert briefing.peers_title(p) in text and briefing.peers_explanation() in text
    assert "gemiddelde WOZ-waarde" in briefing.peers_explanation()
    for head in briefing.PEER_HEADS:
        assert head in text
    # the area itself first (not a link), the peers linked to their profiles, every figure formatted as in the PDF
    assert "Ubbena" in text and "/profiel?code=DP0106_ubbena" in text and "/profiel?code=DP0109_wachtum" not in text
    assert "€ 414.000" in text and "€ 439.000" in text and "21,3" in text and "Hoogeveen" in text
    assert "codes=DP0109_wachtum%2CDP0106_ubbena%2CDP0118_fluitenberg" in text or \
        "codes=DP0109_wachtum,DP0106_ubbena,DP0118_fluitenberg" in text
    body = "".join(_text(b) for b in profile_body(p))
    assert "profiel-lijkt-op" in body and "profiel-reeksen" in body
    assert "profiel-lijkt-op" not in "".join(_text(b) for b in profile_body(tiny_profile()))


def test_profile_page_shows_people_series_saying_whose(app):
    from pages.profiel.page import people_section, series_figure

    p = _with_peers_and_series()
    text = _text(people_section(p))
    assert "Mensen en woningen door de tijd" in text
    assert "reeks van de gemeente Coevorden (van Wachtum zelf te weinig jaren)" in text
    assert "Van 35.300 inwoners in 2020 naar 35.725 inwoners in 2024." in text
    assert "Huishoudens: geen reeks" in text  # the missing one is named, not silently left out
    fig = series_figure(p.series[0])
    # 2021 and 2023 are missing: the line breaks there instead of bridging them (a plain dict: no plotly validation)
    trace = fig["data"][0]
    assert trace["x"] == [2020, None, 2022, None, 2024] and trace["connectgaps"] is False
    assert trace["y"] == [35300.0, None, 35500.0, None, 35725.0]


def test_a_series_break_stops_the_profile_line_and_the_summary_starts_after_it(app):
    """Assen's inwoners break in 1998 (gemeentelijke herindeling): the page's and the PDF's line stop there and
    'Van ... naar ...' never spans the break (it used to read 'Van 54.691 inwoners in 1997')."""
    from pages.profiel import briefing
    from pages.profiel.page import people_section, series_figure

    p = briefing.profile("GM0106")
    s = next(x for x in p.series if x.indicator == "inwoners")
    assert s.eigen and series.break_years(s.points) == [1998]
    trace = series_figure(s)["data"][0]
    at = trace["x"].index(1998)
    assert trace["x"][at - 1] is None and trace["y"][at - 1] is None and trace["x"][at - 2] == 1997
    assert [sh["x0"] for sh in series_figure(s)["layout"]["shapes"]] == [1997.5]
    text = _text(people_section(p))
    assert "Van 56.331 inwoners in 1998 naar" in text and "Trendbreuk in 1998" in text and "in 1997 naar" not in text


def test_village_profile_page_has_the_briefings_peers_and_series(app):
    """Page and PDF read one record: the page lists the same five peers and series as the PDF."""
    from pages.profiel import briefing
    from pages.profiel.page import profile_body

    p = briefing.profile("DP0114_nieuw-amsterdam")
    assert len(p.peers) == 6 and p.series
    text = "".join(_text(b) for b in profile_body(p))
    for peer in p.peers:
        assert peer.naam in text
    for s in p.series:
        assert briefing.series_source(s, p.naam).split(": ", 1)[1] in text


def test_a_missing_series_is_named_in_words_that_fit_the_level():
    from pages.profiel.briefing import missing_series

    assert missing_series(tiny_profile()) == [
        "Inwoners: geen reeks, te weinig jaren met gegevens (ook voor de gemeente)",
        "Huishoudens: geen reeks, te weinig jaren met gegevens (ook voor de gemeente)"]
    assert missing_series(tiny_profile(niveau="gemeente", code="GM1680"))[0] == (
        "Inwoners: geen reeks, te weinig jaren met gegevens")


def test_a_dash_for_drenthe_is_explained_once(app):
    """s17 review #19: Drenthe shows '–' for ~10 indicators in 2024 (only 6 of 12 gemeenten have a figure);
    one line near the table says why, and a class (stedelijkheid) is named as not summable."""
    from pages.profiel import briefing
    from pages.profiel.briefing import reference_gap_note
    from pages.profiel.page import profile_body

    gap = kf(drenthe=None)
    assert reference_gap_note([kf()], "dorp", {}) == ""
    assert "niet elke gemeente een cijfer" in reference_gap_note([gap], "dorp", {"aandeel_65plus": "onvolledig"})
    assert reference_gap_note([gap], "dorp", {"aandeel_65plus": "ontbreekt"}).startswith("Aandeel 65-plussers: ")
    assert reference_gap_note([kf(drenthe=None, waarde=None)], "dorp", {}) == ""  # no value, no comparison
    p = briefing.profile("DP0114_nieuw-amsterdam")
    assert p.figure("aandeel_corporatiewoningen").drenthe is None and p.reference_note
    body = "".join(_text(b) for b in profile_body(p))
    assert body.count("profiel-referentie-noot") == 1 and "niet elke gemeente een cijfer" in body


def test_a_change_never_spans_a_long_gap(app):
    """s17 review #21: 'Grijze druk van 25,0 (1999) naar 49,2 (2024), +97%' compared across 15 missing years
    (and from 80860ned to the KWB). A change starts after a gap of more than LONG_GAP years, and says so."""
    from pages.profiel import briefing

    grijs = kf("grijze_druk", titel="Grijze druk", eenheid="per 100", decimals=1,
               trend=((1999, 25.0, False), (2009, 29.0, False), (2024, 49.2, False)))
    assert change_highlights([grijs], "Aa en Hunze") == []  # after the gap only 2024 is left
    later = kf(trend=((2005, 10.0, False), (2019, 30.0, False), (2024, 33.0, False)))
    assert change_highlights([later], "Annen") == [
        "Aandeel 65-plussers in Annen: sinds 2019 gestegen van 30,0% naar 33,0% (2024), +3,0 procentpunt (het cijfer "
        "daarvoor is van 2005, te lang geleden om mee te vergelijken)."]
    health = kf(trend=((2012, 70.0, False), (2016, 72.0, False), (2020, 75.0, False), (2024, 80.0, False)))
    assert "van 70,0% (2012) naar 80,0% (2024)" in change_highlights([health], "Annen")[0]  # 4-year steps are fine
    p = briefing.profile("GM1680")
    assert not any("(1999)" in h and "(2024)" in h for h in p.highlights), p.highlights
