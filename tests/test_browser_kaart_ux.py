"""Issue 10 on Kaart in the browser: the ranked table, the PNG export with title/legend/source, the Dutch modebar,
the indicator search across themes and the typo-tolerant area search (headless Chromium)."""

from __future__ import annotations

import base64
import struct

import pytest

from pages.kaart.figures import MAP_ASPECT
from tests.browser_fixtures import console_errors, open_page, wait_for

pytestmark = pytest.mark.browser

SEARCH = ".dash-dropdown-search-container input"
EMMEN_65 = "/?niveau=buurt&indicator=aandeel_65plus&jaar=2024&gemeente=GM0114"


def _rows(driver) -> list[list[str]]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#kaart-tabel-rijen tr')).map(function(tr) {"
        " return Array.from(tr.children).map(function(td) { return td.textContent; }); });")


def test_ranked_table_beside_the_map_follows_the_gemeente_and_sorts(browser, live_app):
    open_page(browser, live_app + EMMEN_65, "#kaart-graph")
    wait_for(lambda: _rows(browser), 60, "ranked rows")
    legend_total = sum(int(e.text) for e in browser.find_elements_by_css_selector(
        "#kaart-legenda .legenda-item:not(.legenda-onbetrouwbaar) small"))
    assert len(_rows(browser)) == min(50, legend_total)  # the first 50, then 'Toon alle'
    more = browser.find_element_by_id("kaart-tabel-alle")
    assert more.text == f"Toon alle {legend_total}"
    more.click()
    rows = wait_for(lambda: (lambda r: r if len(r) == legend_total else None)(_rows(browser)), what="all rows")
    assert rows[0][0] == "1" and len(rows[0]) == 3  # Nr., Gebied, Waarde: no gemeente column within Emmen
    # Reliable values first, highest first; then the unreliable ones ('onbetr.', small numbers).
    values = [float(r[2].split("%")[0].replace(".", "").replace(",", ".")) for r in rows if "%" in r[2]]
    shaky = ["onbetr." in r[2] for r in rows if "%" in r[2]]
    assert shaky == sorted(shaky) and any(shaky)
    values = [v for v, s in zip(values, shaky, strict=True) if not s]
    assert values == sorted(values, reverse=True)
    assert "Emmen" in browser.find_element_by_id("kaart-tabel-titel").text
    assert legend_total < 753  # the legend counts Emmen's buurten, not all 753
    th = browser.find_element_by_id("kaart-tabel-th-waarde")
    assert th.get_attribute("aria-sort") == "descending"
    browser.find_element_by_id("kaart-tabel-sorteer-waarde").click()
    wait_for(lambda: th.get_attribute("aria-sort") == "ascending", what="ascending")
    first = _rows(browser)[0][2]
    assert float(first.split("%")[0].replace(",", ".")) == min(values)
    browser.find_element_by_id("kaart-tabel-sorteer-naam").click()
    wait_for(lambda: browser.find_element_by_id("kaart-tabel-th-naam").get_attribute("aria-sort") == "ascending",
             what="by name")
    names = [r[1] for r in _rows(browser)]
    assert names[0] <= names[1]
    assert console_errors(browser) == []


def test_map_png_export_has_title_legend_and_source_and_the_modebar_is_dutch(browser, live_app):
    open_page(browser, live_app + EMMEN_65, "#kaart-graph")
    wait_for(lambda: browser.find_elements_by_css_selector("#kaart-graph path.choroplethlocation"), 60, "map")
    titles = [e.get_attribute("data-title") for e in browser.find_elements_by_css_selector("#kaart-graph .modebar-btn")]
    assert "Inzoomen" in titles and "Uitzoomen" in titles and "Beginweergave" in titles
    assert not [t for t in titles if t in ("Zoom in", "Zoom out", "Reset", "Pan")]
    wait_for(lambda: browser.find_elements_by_css_selector("#kaart-legenda .legenda-item"), what="legend")
    browser.find_element_by_id("kaart-png-knop").click()
    url = wait_for(lambda: browser.execute_script("return window.kaartPng || null;"), 60, "exported PNG")
    png = base64.b64decode(url.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    # The plot area (1000 - 80 - 90 high, legend margin 370 + 20) has the map box's shape, as on screen.
    assert (width, height) == (390 + round(830 * MAP_ASPECT), 1000) and len(png) > 50_000
    layout_text = browser.execute_script(
        "var gd = document.querySelector('#kaart-graph .js-plotly-plot'); return gd && gd.layout.title ? 'x' : '';")
    assert layout_text == ""  # the page's map itself is unchanged
    with open("/tmp/dorpenmonitor-kaart-export.png", "wb") as fh:  # for a human look; not asserted
        fh.write(png)
    assert console_errors(browser) == []


def test_indicator_search_finds_woz_from_theme_demografie(browser, live_app):
    open_page(browser, live_app + "/?niveau=buurt&indicator=aandeel_65plus&jaar=2024", "#kaart-indicator")
    wait_for(lambda: browser.find_elements_by_css_selector("#kaart-graph path.choroplethlocation"), 60, "map")
    browser.find_element_by_id("kaart-indicator").click()
    search = wait_for(lambda: browser.find_elements_by_css_selector(SEARCH), what="search box")[0]
    search.send_keys("WOZ")
    option = wait_for(lambda: [o for o in browser.find_elements_by_css_selector(".dash-dropdown-option")
                               if "WOZ" in o.text], what="WOZ option")[0]
    assert "wonen" in option.text
    option.click()
    wait_for(lambda: "WOZ" in browser.find_element_by_id("kaart-titel").text, what="WOZ map")
    assert "Wonen" in browser.find_element_by_id("kaart-thema").text


def test_area_search_tolerates_typos(browser, live_app):
    open_page(browser, live_app + "/over", "#zoek-gebied")
    browser.find_element_by_id("zoek-gebied").click()
    search = wait_for(lambda: browser.find_elements_by_css_selector(SEARCH), what="search box")[0]
    search.send_keys("Giten")
    option = wait_for(lambda: [o for o in browser.find_elements_by_css_selector(".dash-dropdown-option")
                               if o.text.startswith("Gieten (dorp")], what="Gieten")[0]
    option.click()
    wait_for(lambda: "/profiel" in browser.current_url and "gieten" in browser.current_url.lower(), 60, "profile")


#: The geo's clip rectangle and the plot's size; 'Nr.' header: number of rendered text lines.
FRAME_JS = """
var gd = document.querySelector('#kaart-graph .js-plotly-plot');
var clip = document.querySelector('#kaart-graph clipPath[id$="geo"] rect');
var th = document.querySelector('#kaart-tabel thead th');
var range = document.createRange(); range.selectNodeContents(th);
return {w: gd.getBoundingClientRect().width, h: gd.getBoundingClientRect().height,
        cw: parseFloat(clip.getAttribute('width')), ch: parseFloat(clip.getAttribute('height')),
        nr: th.textContent, nrLines: range.getClientRects().length};
"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("gemeente", ["GM0114", "GM0160"])  # Emmen is tall, Hardenberg wide
def test_a_zoomed_gemeente_fills_the_map_box_and_nr_stays_on_one_line(browser, live_app, gemeente, width):
    """Zoomed to a gemeente, the neighbours were cut off along a straight edge inside the map box (plotly clips at
    its lon/lat range, which had the gemeente's shape, not the box's); the ranked table's "Nr." broke over two
    lines."""
    browser.set_window_size(width, 1000)
    try:
        open_page(browser, live_app + EMMEN_65.replace("GM0114", gemeente), "#kaart-graph")
        wait_for(lambda: browser.find_elements_by_css_selector("#kaart-graph path.choroplethlocation"), 60, "map")
        wait_for(lambda: _rows(browser), 60, "ranked rows")
        f = wait_for(lambda: browser.execute_script(FRAME_JS), 30, "frame")
        assert f["w"] / f["h"] == pytest.approx(MAP_ASPECT, abs=0.01)
        assert abs(f["cw"] - f["w"]) <= 2 and abs(f["ch"] - f["h"]) <= 2, f  # clipped at the box's own edge
        assert f["nr"] == "Nr." and f["nrLines"] == 1
    finally:
        browser.set_window_size(1400, 1000)


#: Every drawn row of the ranked table: [code (from the profile link), name, gemeente, value cell text].
TABLE_JS = """
return Array.from(document.querySelectorAll('#kaart-tabel-rijen tr')).map(function(tr) {
    var cells = Array.from(tr.children), a = tr.querySelector('a');
    return [decodeURIComponent(a.getAttribute('href').split('code=')[1]), a.textContent,
            cells.length === 4 ? cells[2].textContent : '', cells[cells.length - 1].textContent];
});
"""


def test_ranked_table_after_a_switch_shows_what_the_server_would(browser, live_app):
    """Issue 11: a colour-only switch sends no table rows; the browser builds them from the level's areas and the
    map's values (RANKING_JS). Every row, every name, gemeente and formatted value as views.ranking_rows says."""
    from pages.kaart import views
    from pages.kaart.state import KaartState

    open_page(browser, live_app + "/?niveau=buurt&indicator=bevolkingsdichtheid&jaar=2024", "#kaart-graph")
    wait_for(lambda: _rows(browser), 60, "ranked rows")
    wait_for(lambda: browser.execute_script("return document.querySelectorAll("
                                            "'#kaart-graph path.choroplethlocation').length") > 700, 60, "map")
    browser.find_element_by_id("kaart-tabel-alle").click()
    wait_for(lambda: len(_rows(browser)) == 753, 60, "all rows")
    n0 = browser.execute_script("return (window.kaartGeverfd || {n: 0}).n")
    browser.execute_script("window.dash_clientside.set_props('kaart-indicator', {value: 'woz_gemiddeld'});")
    wait_for(lambda: browser.execute_script("return (window.kaartGeverfd || {n: 0}).n") > n0, 60, "repaint")
    wait_for(lambda: "WOZ" in browser.find_element_by_id("kaart-tabel-kop").text, 60, "new table")
    got = wait_for(lambda: (lambda r: r if len(r) == 753 else None)(browser.execute_script(TABLE_JS)), 30, "rows")
    state = KaartState(niveau="buurt", indicator="woz_gemiddeld", jaar=2024)
    want = views.ranking_rows(views.ranking_data(state), views.ranking_areas(state))
    warn = " onbetr.onbetrouwbaar, kleine aantallen"
    assert {r[0]: r for r in got} == {r[0]: [r[0], r[1], r[2], r[3] + (warn if r[5] == "o" else "")] for r in want}
    drawn = sorted(want, key=lambda r: [x[0] for x in got].index(r[0]))
    tiers = [2 if r[4] is None else 1 if r[5] == "o" else 0 for r in drawn]
    assert tiers == sorted(tiers) and tiers[-1] == 2  # reliable, then unreliable, then geheim/missing
    for tier in (0, 1):
        valued = [r[4] for r, t in zip(drawn, tiers, strict=True) if t == tier]
        assert valued == sorted(valued, reverse=True)  # highest first within each
    assert console_errors(browser) == []


def test_ranked_table_of_a_change_shows_van_tot(browser, live_app):
    open_page(browser, live_app + "/?niveau=buurt&indicator=misdrijven&jaar=2024&weergave=verandering&van=2021",
              "#kaart-graph")
    rows = wait_for(lambda: browser.execute_script(TABLE_JS), 60, "ranked rows")
    assert len(rows) == 50 and all("→" in r[3] for r in rows) and rows[0][3].startswith("+")
    assert browser.find_element_by_id("kaart-tabel-alle").text == "Toon alle 753"
    assert console_errors(browser) == []


def test_header_is_one_row_at_1280_and_a_full_table_has_no_show_all_button(browser, live_app):
    """At 1280 px with a scrollbar the header wrapped to two rows by 5 px (114 px high, 56 without a scrollbar), so
    it jumped from page to page; a table of all 13 gemeenten still offered 'Toon alle 13' (the hidden attribute lost
    to the button's display). At gemeente level a chosen gemeente only zooms: all 13 stay ranked and counted."""
    browser.set_window_size(1280, 900)
    try:
        open_page(browser, live_app + "/?niveau=buurt", "#kaart-graph")
        wait_for(lambda: _rows(browser), 60, "ranked rows")
        assert browser.execute_script("return document.documentElement.scrollHeight > innerHeight")  # a scrollbar
        assert browser.execute_script("return document.querySelector('.kop').getBoundingClientRect().height") < 70
        open_page(browser, live_app + "/?niveau=gemeente&indicator=woz_gemiddeld&gemeente=GM1680", "#kaart-graph")
        wait_for(lambda: len(_rows(browser)) == 13, 60, "13 ranked gemeenten")
        assert not browser.find_element_by_id("kaart-tabel-alle").is_displayed()
        counts = [int(e.text) for e in browser.find_elements_by_css_selector("#kaart-legenda .legenda-item small")]
        assert sum(counts) == 13, counts
    finally:
        browser.set_window_size(1400, 1000)


def test_on_a_phone_the_legend_follows_the_map(browser, live_app):
    """At 390 px the legend came 1.000 px below the map, after every control: map, legend, controls, area, ranking."""
    browser.set_window_size(390, 900)
    try:
        open_page(browser, live_app + "/?niveau=buurt", "#kaart-graph")
        wait_for(lambda: _rows(browser), 60, "ranked rows")
        top = browser.execute_script(
            "var t = function(s) { return document.querySelector(s).getBoundingClientRect().top; };"
            "return [t('.kaart-vak'), t('#kaart-legenda'), t('.bediening'), t('#kaart-profiel'), t('.rang-vak')];")
        assert top == sorted(top), top
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    finally:
        browser.set_window_size(1400, 1000)
