"""Browser tests for Vergelijken, Gebiedsprofiel and Over de data (headless Chromium).

Uses the session fixtures of ``tests/browser_fixtures.py`` (the app on the
snapshot database and one Chromium, shared with ``tests/test_browser.py``).
Each page must open with an empty console log; the PDF download of a village
profile is saved and checked.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser_fixtures import console_errors, open_page, wait_for

pytestmark = pytest.mark.browser

#: A cold profile computes every indicator for its level once; allow for that on the first page.
SLOW = 120


def test_vergelijken_opens_clean_with_bars_benchmarks_and_lookalikes(browser, live_app):
    url = (f"{live_app}/vergelijken?codes=DP1680_annen,DP0114_nieuw-amsterdam,BU01060000"
           "&indicatoren=aandeel_65plus,woz_gemiddeld")
    open_page(browser, url, "#vergelijken-gebieden")
    wait_for(lambda: browser.find_elements_by_css_selector("#vergelijken-lijkt-op-tabel tbody tr"), SLOW,
             "lookalike table")
    wait_for(lambda: len(browser.find_elements_by_css_selector("#vergelijken-grafiek .barlayer .trace")) >= 2,
             what="small multiples")
    # One legend above the panels (in the first panel it made that panel taller than the rest), none in a panel.
    legend = browser.find_element_by_id("vergelijken-legenda").text
    assert "Drenthe (12 gemeenten)" in legend and "Eigen gemeente" in legend
    assert not browser.find_elements_by_css_selector("#vergelijken-grafiek .legend .traces")
    table = browser.find_element_by_id("vergelijken-tabel").text
    assert "Annen" in table and "Gemeente Emmen" in table and "(2024)" in table
    assert len(browser.find_elements_by_css_selector("#vergelijken-lijkt-op-tabel tbody tr")) == 5
    assert console_errors(browser) == []


@pytest.mark.parametrize(("width", "columns"), [(390, 1), (1280, 2)])
def test_vergelijken_panels_never_overlap(browser, live_app, width, columns):
    """At 390 px the small multiples' two columns ran into each other; now a phone gets one column. The panels
    are equally tall (the first one carried the legend and was taller, so the grid's rows did not line up), and
    the value axis' labels stay level (the WOZ panel's were tilted over each other at 390 px)."""
    browser.set_window_size(width, 1000)
    try:
        open_page(browser, f"{live_app}/vergelijken?codes=DP1680_annen,DP0114_nieuw-amsterdam,DP1730_zuidlaren",
                  "#vergelijken-gebieden")
        wait_for(lambda: len(browser.find_elements_by_css_selector("#vergelijken-grafiek .barlayer .trace")) >= 4,
                 SLOW, "four panels")
        boxes = browser.execute_script("""return Array.from(document.querySelectorAll('#vergelijken-grafiek .veelvoud'))
            .map(function(p) { var r = p.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; });""")
        assert len({round(b[0]) for b in boxes}) == columns
        # The plots are equally tall; side by side, so are the panels (the rows line up). On a phone, one panel a
        # row, a title may take two lines ('Gemiddelde WOZ-waarde (× 1.000 euro)' at 390 px): nothing to line up.
        graphs = browser.execute_script("""return Array.from(document.querySelectorAll(
            '#vergelijken-grafiek .veelvoud .js-plotly-plot')).map(function(g) {
            return Math.round(g.getBoundingClientRect().height); });""")
        assert len(graphs) == len(boxes) and len(set(graphs)) == 1, graphs
        if columns > 1:
            assert len({round(b[3] - b[2]) for b in boxes}) == 1, boxes
        angles = browser.execute_script("""return Array.from(document.querySelectorAll(
            '#vergelijken-grafiek .xaxislayer-above .xtick text')).map(function(t) {
            return t.getAttribute('transform') || ''; });""")
        assert angles and not any("rotate" in a for a in angles), angles
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                apart = a[1] <= b[0] + 1 or b[1] <= a[0] + 1 or a[3] <= b[2] + 1 or b[3] <= a[2] + 1
                assert apart, (a, b)
            assert a[1] <= width  # nothing runs off a phone's screen
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(1400, 1000)


def test_vergelijken_fits_a_phone_and_marks_partial_bars(browser, live_app):
    """Review #14: at 390 px the 'Lijkt op' table made the page 518 px wide (the whole page scrolled sideways);
    it scrolls in its own box now. Review #10: Ter Aard's 0% (1 of its 2 buurten) is hatched and labelled."""
    browser.set_window_size(390, 1000)
    try:
        open_page(browser, f"{live_app}/vergelijken?codes=DP1680_annen,DP0114_nieuw-amsterdam,DP1730_zuidlaren,"
                  "DP1680_gieten", "#vergelijken-gebieden")
        wait_for(lambda: browser.find_elements_by_css_selector("#vergelijken-lijkt-op-tabel tbody tr"), SLOW,
                 "lookalike table")
        wide = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth];")
        assert wide[0] <= wide[1], wide
        open_page(browser, f"{live_app}/vergelijken?codes=DP0106_ter-aard,DP0109_sleen"
                  "&indicatoren=aandeel_corporatiewoningen,inwoners", "#vergelijken-gebieden")
        wait_for(lambda: len(browser.find_elements_by_css_selector("#vergelijken-grafiek .barlayer .trace")) >= 2,
                 SLOW, "two panels")
        labels = [t.text for t in browser.find_elements_by_css_selector("#vergelijken-grafiek .bartext")]
        assert "0% · deel" in labels, labels
        assert "Bron: CBS 85984NED (2024)" in browser.find_element_by_id("vergelijken-grafiek").text
        assert "niet alle 12 gemeenten" in browser.find_element_by_id("vergelijken-inhoud").text
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(1400, 1000)


def test_vergelijken_add_lookalike_updates_url(browser, live_app):
    open_page(browser, f"{live_app}/vergelijken?codes=DP1680_annen&indicatoren=aandeel_65plus,afstand_huisarts",
              "#vergelijken-gebieden")
    link = wait_for(lambda: browser.find_elements_by_link_text("+ vergelijk"), SLOW, "add link")[0]
    link.click()
    wait_for(lambda: len(parse_qs(urlparse(browser.current_url).query).get("codes", [""])[0].split(",")) == 2,
             SLOW, "second area in the URL")
    wait_for(lambda: len(browser.find_elements_by_css_selector("#vergelijken-grafiek .barlayer .point")) >= 4,
             SLOW, "bars for two areas")
    assert console_errors(browser) == []


def test_profiel_opens_clean_with_highlights_and_notes(browser, live_app):
    open_page(browser, f"{live_app}/profiel?code=DP1680_annen", "#profiel-titel")
    notes = wait_for(lambda: browser.find_elements_by_id("profiel-noten"), SLOW, "profile body")[0]
    assert browser.find_element_by_id("profiel-titel").text == "Annen"
    assert "Dorp in de gemeente Aa en Hunze" in browser.find_element_by_id("profiel-ondertitel").text
    assert browser.find_elements_by_css_selector("#profiel-opvallend li")
    assert "samengesteld uit" in notes.text
    assert browser.find_elements_by_css_selector("img.sparkline")  # trend where years exist
    assert console_errors(browser) == []


def test_profiel_unknown_code_shows_dutch_message(browser, live_app):
    open_page(browser, f"{live_app}/profiel?code=BU99999999", "#profiel-melding")
    assert "bestaat niet" in browser.find_element_by_id("profiel-melding").text
    assert browser.find_elements_by_id("profiel-zoek")
    assert console_errors(browser) == []


def test_over_opens_clean(browser, live_app):
    open_page(browser, f"{live_app}/over", "#over-dorpen")
    text = browser.find_element_by_tag_name("main").text
    for needle in ("Bron: CBS", "CC BY 4.0", "85984NED", "Laadgeschiedenis", "Benaderd"):
        assert needle in text, needle
    assert console_errors(browser) == []


def _enable_downloads(driver) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="dm-downloads-"))
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    except Exception:  # noqa: BLE001 - older Chromium only knows the Page variant
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    return folder


@pytest.mark.parametrize("code, name", [("DP0114_nieuw-amsterdam", "nieuw-amsterdam"), ("DP1680_annen", "annen")])
def test_profiel_pdf_download(browser, live_app, code, name):
    folder = _enable_downloads(browser)
    open_page(browser, f"{live_app}/profiel?code={code}", "#profiel-titel")
    wait_for(lambda: browser.find_elements_by_id("profiel-noten"), SLOW, "profile body")
    browser.find_element_by_id("profiel-pdf-knop").click()

    def done() -> list[Path]:
        return [p for p in folder.glob("*.pdf") if not p.name.endswith(".crdownload")]

    pdf = wait_for(done, SLOW, "downloaded PDF")[0]
    time.sleep(0.3)  # let Chromium finish renaming/flushing
    data = pdf.read_bytes()
    assert pdf.name.startswith(f"gebiedsprofiel-{name}") and data.startswith(b"%PDF") and len(data) > 5000
    assert console_errors(browser) == []


def test_a_table_wider_than_a_phone_says_it_scrolls(browser, live_app):
    """The profile's Jaar and reference columns sat off-screen at 390 px with no hint that there was more."""
    browser.set_window_size(390, 900)
    try:
        open_page(browser, live_app + "/profiel?code=DP0114_nieuw-amsterdam", ".profiel-tabel")
        wait_for(lambda: browser.find_elements_by_css_selector(".tabel-scroll.breed"), 30, "hint on a phone")
        hint = browser.execute_script("return getComputedStyle(document.querySelector('.tabel-scroll.breed'), "
                                      "'::before').content")
        assert "Veeg opzij" in hint
        browser.set_window_size(1400, 1000)
        wait_for(lambda: not browser.find_elements_by_css_selector(".profiel-tabel"
                                                                   ).pop().find_elements_by_xpath(
            "ancestor::div[contains(@class, 'breed')]"), 30, "no hint when it fits")
    finally:
        browser.set_window_size(1400, 1000)
