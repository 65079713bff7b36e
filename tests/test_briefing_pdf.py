"""The briefing PDF (issue 10): map, people and homes, peers, glossary; at most 4 A4 pages; nothing cut off."""

from __future__ import annotations

import io
import json
import re

import pytest

from dashboard import series

pytest.importorskip("fpdf")


def _pdf_text(pdf_bytes: bytes) -> tuple[int, str]:
    """(pages, text) of a PDF via pypdf when installed, else via pdftotext."""
    import shutil
    import subprocess
    import tempfile

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf_bytes)
        fh.flush()
        text = subprocess.run(["pdftotext", fh.name, "-"], capture_output=True, text=True,
                              check=True).stdout
    return text.count("\f") or 1, text


@pytest.mark.parametrize("code", ["DP0114_nieuw-amsterdam", "DP0109_wachtum"])
def test_village_briefing_has_map_trends_peers_glossary_in_four_pages(app, code):
    from pages.profiel import briefing, export

    p = briefing.profile(code)
    map_png, approximate = export.profile_map_png(p)
    chart_png = export.profile_chart_png(p)
    assert map_png and map_png.startswith(b"\x89PNG"), "map rendered offline by kaleido"
    assert chart_png and chart_png.startswith(b"\x89PNG")
    assert approximate  # villages are drawn on the approximate 2024 buurt boundaries
    pdf = export.profile_pdf(p, chart_png, map_png, approximate)
    pages, text = _pdf_text(pdf)
    assert pages <= 4
    flat = re.sub(r"\s+", " ", text)
    for part in ("Het gebied", "Mensen en woningen door de tijd", "Lijkt op", "Wat betekenen de cijfers?",
                 "benaderd", "Grijze druk: Het aantal 65-plussers per 100 inwoners van 15 tot 65 jaar."):
        assert part in flat, part
    assert "…" not in text and "..." not in text  # nothing truncated
    assert p.naam in text.splitlines()[1] or p.naam in flat
    assert len(p.peers) == 6 and all(peer.gedeeld >= 5 for peer in p.peers[1:])


def test_briefing_map_highlights_the_village_and_names_neighbours(app):
    from pages.profiel import areamap

    m = areamap.area_map("DP0114_nieuw-amsterdam")
    assert m is not None and m.highlight and all(c.startswith("BU0114") for c, _ in m.shapes)
    assert m.highlight < {c for c, _ in m.shapes}
    names = {n for n, _, _ in m.labels}
    assert "Nieuw-Amsterdam" not in names and len(names) >= 3
    fig = areamap.area_map_figure(m)
    assert len(fig.data) == 3 and not fig.layout.xaxis.visible
    assert [a.text for a in fig.layout.annotations] == ["<b>Nieuw-Amsterdam</b>"]  # its own name, on a white box


def test_briefing_map_names_never_overlap_nor_sit_on_the_area(app):
    """The reviewer's PDFs: 'Noordenveld' ran into 'Tynaarlo', four gemeenten had no name, and a buurt's own
    village name sat unreadable on the dark highlight."""
    from pages.profiel import areamap

    boxes = [(0, 0, 10, 2)]
    placed = areamap.place_labels([("Aaaa", 5, 1), ("Bbbb", 5, 1.1), ("Cccc", 50, 50)], boxes, 1.0, 2)
    assert [p[0] for p in placed][-1] == "Cccc"  # a name that fits nowhere near its dot is left out, not piled
    buurt = areamap.area_map("BU16800000")  # buurt Annen, in village Annen
    assert "Annen" not in {n for n, _, _ in buurt.labels} and buurt.naam == "Annen"
    gm = areamap.area_map("GM1680")
    fig = areamap.area_map_figure(gm)
    names = list(fig.data[2].text)
    assert {"Tynaarlo", "Noordenveld", "Borger-Odoorn", "Assen"} <= set(names)  # neighbours first
    assert len(names) == len(set(names)) and len(names) >= 10


def test_small_numbers_caveat_and_crime_period(app):
    """Wachtum misdrijven 8 → 14 ('+75%') is not news without a caveat; police '2025' is 12 months to July 2026."""
    from etl.sources import SOURCES
    from pages.profiel import briefing

    p = briefing.profile("DP0109_wachtum")
    crime = [h for h in p.highlights if "misdrijven" in h.lower()]
    for h in crime:
        assert briefing.SMALL_NUMBERS_CAVEAT in h
    f = p.figure("misdrijven")
    assert f.jaar == 2025 and f.jaar_kort == "2025*" and f.periode == "12 maanden tot juli 2026"
    assert any("12 maanden tot juli 2026" in n for n in p.notes)
    src = next(s for s in SOURCES if s.id.startswith("47022NED"))
    assert series.CRIME_PERIOD_END in " ".join(str(v) for v in vars(src).values())


def test_small_numbers_unit():
    from pages.profiel.briefing import SMALL_NUMBERS_CAVEAT, KeyFigure, change_highlights

    def fig(ind, agg, trend):
        return KeyFigure(ind, ind, "veiligheid", "", 0, "", agg, trend[-1][0], trend[-1][1], "ok", trend=trend)

    small = fig("misdrijven", "sum", ((2021, 8.0, False), (2025, 14.0, False)))
    big = fig("misdrijven", "sum", ((2021, 800.0, False), (2025, 1400.0, False)))
    assert SMALL_NUMBERS_CAVEAT in change_highlights([small], "Wachtum")[0]
    assert SMALL_NUMBERS_CAVEAT not in change_highlights([big], "Emmen")[0]
    assert "(12 maanden tot juli 2026)" in change_highlights([small], "Wachtum")[0]


def test_woz_to_the_thousand(app):
    from pages.profiel import briefing

    for code in ("DP0114_nieuw-amsterdam", "DP0109_wachtum", "GM0114"):
        f = briefing.profile(code).figure("woz_gemiddeld")
        for v in (f.waarde, f.gemeente, f.drenthe, *(w for _, w, _ in f.trend)):
            assert v is None or v % 1000 == 0, (code, v)


def test_every_figure_has_plain_dutch(app):
    from pages.profiel import briefing

    p = briefing.profile("DP0109_wachtum")
    assert all(f.uitleg for f in p.figures)


def test_people_series_says_whose_it_is(app):
    from pages.profiel import briefing

    p = briefing.profile("DP0109_wachtum")
    inw = next(s for s in p.series if s.indicator == "inwoners")
    assert inw.eigen or inw.wie == "gemeente Coevorden"
    _ = io  # keep import for pdf helpers


def test_profile_sources_name_the_tables_of_every_chart_series(app):
    """s17 review #4: Nieuw-Amsterdam's Inwoners chart shows gemeente Emmen 1998–2024 from 81880NED, 60039fvw,
    85318NED and 85383NED; the page and the PDF source lists named only the tables of the key figures."""
    from pages.profiel import briefing, export
    from pages.profiel.page import profile_body

    p = briefing.profile("DP0114_nieuw-amsterdam")
    s = next(x for x in p.series if x.indicator == "inwoners")
    assert not s.eigen and {t for t, _ in s.bron_jaren} >= {"81880NED", "60039fvw", "85318NED", "85383NED"}
    page = "".join(str(b.to_plotly_json()) for b in profile_body(p))
    _, text = _pdf_text(export.profile_pdf(p))
    flat = re.sub(r"\s+", " ", text)
    for table in ("81880NED", "60039fvw", "85318NED", "85383NED", "85984NED"):
        assert table in page and table in flat, table
    assert "81880NED" in flat and "(1998–2006)" in flat  # each table with its years


def test_profile_police_partial_year_breaks_the_series(app):
    """s17 review #3/#7: police '2025' (12 months to July 2026) is no calendar year: the sparkline does not join
    it to 2024 and 'Opvallend' compares nothing across it."""
    from pages.profiel import briefing

    p = briefing.profile("DP0114_nieuw-amsterdam")
    f = p.figure("misdrijven")
    assert f.trend[-1][0] == 2025 and f.trend[-1][2]  # a break at the partial year
    assert f.trend[-2][0] == 2024 and not series.connects(f.trend[-2], f.trend[-1])
    assert not any("12 maanden tot juli 2026" in h and "(2021)" in h for h in p.highlights)
    svg = briefing.sparkline_svg(f.trend)
    assert svg.count("<line") == len(f.trend) - 2  # 2021–2024 joined, 2025 on its own
    # Named as the period it is, not as a 'gewijzigde grenzen of bron' break; the page's year cell says '2025*'.
    assert not any(n.startswith("Trendbreuk") and "Geregistreerde misdrijven" in n for n in p.notes)
    from pages.profiel.page import profile_body

    assert '"2025*"' in "".join(json.dumps(b.to_plotly_json(), default=str) for b in profile_body(p))
