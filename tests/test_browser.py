"""Browser tests of the map, trends and navigation: the app in a thread, driven by headless Chromium (Selenium).

Marked ``browser``; skipped (or failed under DORPENMONITOR_REQUIRE_ALL=1) when
chromium or chromedriver is missing. Every page is opened with an empty
console log (no errors, no failed requests: the app must work offline).

The session fixtures (``browser``, ``live_app``) and the shared helpers live in
``tests/browser_fixtures.py``, so all browser test files use one Chromium and
one app server. This file has one section per page; add new pages in their own.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser_fixtures import console_errors, open_page, wait_for

pytestmark = pytest.mark.browser


TRACE_PATHS_JS = """
    var name = arguments[0];
    var groups = Array.from(document.querySelectorAll('#kaart-graph .trace.choropleth'))
        .filter(function(g) { return g.__data__ && g.__data__[0].trace.name === name; });
    return groups.length ? Array.from(groups[0].querySelectorAll('path.choroplethlocation'))
        .filter(function(p) { return p.getAttribute('d'); }) : [];
"""


def trace_paths(driver, name: str = "waarden") -> list:
    """Drawn areas of one map trace, by its name (figures.MAP_TRACES); d3 binds the trace to its SVG group."""
    return driver.execute_script(TRACE_PATHS_JS, name)


def map_fills(driver) -> list[str]:
    """Computed fill colour of every drawn value area (plotly sets it as a style, not an attribute)."""
    return driver.execute_script("return arguments[0].map(function(e) { return getComputedStyle(e).fill; });",
                                 trace_paths(driver))


def map_ready(driver, minimum: int = 100) -> bool:
    """The choropleth has drawn its areas (the geometry file arrived and the values trace is painted)."""
    return len(trace_paths(driver)) >= minimum


def hover_text(driver, element, needle: str) -> str:
    """Hover label over ``element`` once it contains ``needle`` (the previous label may linger for a moment)."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).move_to_element(element).perform()
    return wait_for(lambda: (lambda t: t if t and needle in t else None)(driver.execute_script(
        "var h = document.querySelector('#kaart-graph .hoverlayer'); return h && h.textContent;")),
        what=f"hover label with {needle!r}")


def largest(elements):
    return max(elements, key=lambda e: e.size["width"] * e.size["height"])


LEGEND_ROWS_JS = """
    return Array.from(document.querySelectorAll('#kaart-legenda .legenda-item')).map(function(li) {
        return [li.childNodes[1].textContent, getComputedStyle(li.querySelector('.swatch')).backgroundColor,
                li.querySelector('small').textContent, li.className];
    });
"""


def assert_legend_matches(driver, niveau: str, indicator: str, jaar: int = 2024) -> None:
    """The legend the browser drew from the compact data: every row's text label, colour, count and kind."""
    import pages.kaart.page as kaart

    spec = kaart.draw_map(niveau, indicator, jaar, "kwantielen", "", [], None, None)[3]

    def rgb(color: str) -> str:
        return "rgb({}, {}, {})".format(*(int(color[i:i + 2], 16) for i in (1, 3, 5)))

    expected = [[label, rgb(color) if color.startswith("#") else color, str(count), f"legenda-item legenda-{kind}"]
                for label, color, count, kind in spec["items"]]
    expected = [[*e[:1], "rgba(0, 0, 0, 0)" if e[1] == "transparent" else e[1], *e[2:]] for e in expected]
    wait_for(lambda: driver.execute_script(LEGEND_ROWS_JS) == expected, what=f"legend rows {expected}")
    text = driver.find_element_by_id("kaart-legenda").text
    assert text.startswith("Legenda") and spec["eenheid"] in text and spec["uitleg"] in text
    ul = driver.find_element_by_css_selector("#kaart-legenda ul.legenda")
    assert ul.get_attribute("aria-label") == "Klassen van de kaart met aantal gebieden"


# -- kaart -------------------------------------------------------------------------

def test_kaart_opens_clean_and_url_reproduces_state(browser, live_app, store):
    from dashboard import data

    open_page(browser, f"{live_app}/?niveau=buurt&indicator=aandeel_65plus&jaar=2024", "#kaart-graph")
    vals = data.values("aandeel_65plus", "buurt", 2024)
    with_value = int((vals["status"].isin(["ok", "onbetrouwbaar"]) & vals["waarde"].notna()).sum())
    assert with_value >= 700
    wait_for(lambda: len(trace_paths(browser)) == with_value, what=f"{with_value} coloured buurten")
    assert len(browser.find_elements_by_css_selector("#kaart-graph path.choroplethlocation")) >= 753
    title = browser.find_element_by_id("kaart-titel").text
    assert "Aandeel 65-plussers" in title and "2024" in title
    assert "benaderd" in browser.find_element_by_id("kaart-noot").text  # approximate boundaries disclosed
    assert_legend_matches(browser, "buurt", "aandeel_65plus")
    # plotly.js fetched each geometry file itself, once, although several traces name it.
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function(e) { return e.name; })"
        ".filter(function(n) { return n.indexOf('/geo/') >= 0; });")
    assert any("/geo/buurt-" in u for u in fetched) and len(fetched) == len(set(fetched)) == 2, fetched
    assert console_errors(browser) == []


def test_kaart_hover_is_dutch(browser, live_app):
    open_page(browser, f"{live_app}/?niveau=buurt&indicator=woz_gemiddeld&jaar=2024", "#kaart-graph")
    wait_for(lambda: map_ready(browser, 500), what="choropleth areas")
    text = hover_text(browser, largest(trace_paths(browser)[:300]), "Gemiddelde WOZ-waarde: € ")
    assert "Rang in gemeente (1 = hoogste): " in text
    import re

    assert re.search(r"€ \d{1,3}(\.\d{3})+(?!\d)", text), text  # thousands dot, no decimals
    assert "Bron: CBS" in text
    geheim = trace_paths(browser, "geheim")
    assert geheim, "woz_gemiddeld has geheim buurten"
    hover_text(browser, largest(geheim), "Geheim (CBS)")
    assert console_errors(browser) == []


def test_kaart_switch_indicator_updates_map_and_url(browser, live_app):
    open_page(browser, f"{live_app}/?niveau=buurt&indicator=bevolkingsdichtheid&jaar=2024", "#kaart-graph")
    wait_for(lambda: map_ready(browser, 700), what="choropleth areas")
    fills_before = map_fills(browser)
    # Keyboard-free but user-level: open the indicator dropdown and pick another option by its text.
    browser.find_element_by_css_selector("#kaart-indicator").click()
    option = wait_for(lambda: [o for o in browser.find_elements_by_css_selector("[role=option]")
                               if o.text.strip() == "Aandeel 65-plussers"], what="indicator option")[0]
    option.click()
    wait_for(lambda: "Aandeel 65-plussers" in browser.find_element_by_id("kaart-titel").text, what="new title")
    wait_for(lambda: "indicator=aandeel_65plus" in browser.current_url, what="URL update")
    wait_for(lambda: map_fills(browser) != fills_before, what="recoloured map")
    assert len(map_fills(browser)) >= 700
    # Recoloured in the browser (Plotly.restyle from the compact store), not by sending a new figure.
    assert browser.execute_script("return (window.kaartGeverfd || {n: 0}).n") >= 1
    assert_legend_matches(browser, "buurt", "aandeel_65plus")  # redrawn in the browser from the switch's data
    assert console_errors(browser) == []


#: Per flag/value trace: for every path whether it is drawn, its outline and its computed fill (what is seen).
PAINTED_JS = """
    var gd = document.querySelector('#kaart-graph .js-plotly-plot');
    return Array.from(document.querySelectorAll('#kaart-graph .trace.choropleth')).filter(function(g) {
        return ['geheim', 'waarden', 'onbetrouwbaar'].indexOf(g.__data__[0].trace.name) >= 0;
    }).map(function(g) {
        return [g.__data__[0].trace.name, Array.from(g.querySelectorAll('path.choroplethlocation')).map(function(p) {
            var d = p.getAttribute('d');
            return d ? [d, getComputedStyle(p).fill, getComputedStyle(p).stroke] : null;
        })];
    }).concat([['z', gd._fullData.slice(1, 4).map(function(t) { return t.z; })]]);
"""


def test_kaart_fast_repaint_equals_a_fresh_draw(browser, live_app):
    """The switch repaint (assets/kaart_verf.js, no re-projection) shows exactly what plotly draws from scratch:
    the same areas with the same outlines and colours in every trace, geheim and onbetrouwbaar included, and the
    hover of the new indicator."""
    base = f"{live_app}/?niveau=buurt&jaar=2024&indicator="
    open_page(browser, base + "woz_gemiddeld", "#kaart-graph")
    wait_for(lambda: map_ready(browser, 500), what="choropleth areas")
    fresh = browser.execute_script(PAINTED_JS)
    open_page(browser, base + "bevolkingsdichtheid", "#kaart-graph")
    wait_for(lambda: map_ready(browser, 700), what="choropleth areas")
    n0 = browser.execute_script("return (window.kaartGeverfd || {n: 0}).n")
    browser.execute_script("window.dash_clientside.set_props('kaart-indicator', {value: 'woz_gemiddeld'});")
    wait_for(lambda: browser.execute_script("return (window.kaartGeverfd || {n: 0}).n") > n0, what="repaint")
    assert browser.execute_script("return window.kaartGeverfd.hoe") == "verf"  # the fast path, not a restyle
    switched = browser.execute_script(PAINTED_JS)
    assert [name for name, _ in switched] == ["geheim", "waarden", "onbetrouwbaar", "z"]
    for (name, got), (_, want) in zip(switched, fresh, strict=True):
        assert got == want, f"trace {name} differs from a fresh draw"
    assert sum(p is not None for p in switched[0][1]) > 0  # woz_gemiddeld has geheim buurten
    # Hover follows the new values (plotly's trace data was updated, not only the colours).
    text = hover_text(browser, largest(trace_paths(browser)[:300]), "Gemiddelde WOZ-waarde: € ")
    assert "Rang in gemeente (1 = hoogste): " in text
    hover_text(browser, largest(trace_paths(browser, "geheim")), "Geheim (CBS)")
    assert console_errors(browser) == []


def test_kaart_unreliable_areas_are_outlined_and_clickable(browser, live_app):
    open_page(browser, f"{live_app}/?niveau=buurt&indicator=misdrijven_per_1000&jaar=2024&gemeente=GM0106",
              "#kaart-graph")
    wait_for(lambda: map_ready(browser, 30), what="choropleth areas")  # zoomed in: areas outside are clipped
    flagged = wait_for(lambda: trace_paths(browser, "onbetrouwbaar"), what="outlined areas")
    target = largest([e for e in flagged if e.is_displayed()])
    hover_text(browser, target, "onbetrouwbaar: kleine aantallen")
    from selenium.webdriver.common.action_chains import ActionChains

    # This trace names areas by position in the GeoJSON; the card must still get the code.
    ActionChains(browser).move_to_element(target).click().perform()
    name = wait_for(lambda: browser.find_elements_by_id("kaart-profiel-naam"), what="area card")[0].text
    assert name and "code=BU" in browser.find_element_by_id("kaart-profiel-link").get_attribute("href")
    wait_for(lambda: "code=BU" in browser.current_url, what="selection in URL")
    assert len(trace_paths(browser, "selectie")) == 1
    assert console_errors(browser) == []


def test_kaart_click_area_shows_profile_and_links_through(browser, live_app):
    open_page(browser, f"{live_app}/?niveau=gemeente&indicator=inwoners", "#kaart-graph")
    wait_for(lambda: len(trace_paths(browser)) >= 13, what="gemeente areas")
    # Click the middle of the largest drawn area (robust against projection details).
    target = largest(trace_paths(browser))
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).move_to_element(target).click().perform()
    link = wait_for(lambda: browser.find_elements_by_id("kaart-profiel-link"), what="profile link")[0]
    code = parse_qs(urlparse(link.get_attribute("href")).query)["code"][0]
    assert code.startswith("GM")
    wait_for(lambda: f"code={code}" in browser.current_url, what="selection in URL")
    link.click()
    wait_for(lambda: urlparse(browser.current_url).path == "/profiel", what="profile page")
    assert f"code={code}" in browser.current_url
    errors = [e for e in console_errors(browser) if "/profiel" not in e]
    assert errors == []


def test_kaart_bad_link_shows_dutch_message(browser, live_app):
    open_page(browser, f"{live_app}/?niveau=provincie&indicator=bestaatniet&jaar=1850&code=BU99999999",
              "#kaart-melding")
    text = wait_for(lambda: browser.find_element_by_id("kaart-melding").text, what="message")
    assert "Niveau 'provincie' bestaat niet" in text
    assert "Indicator 'bestaatniet' is onbekend" in text
    assert "Gebied 'BU99999999'" in text
    wait_for(lambda: map_ready(browser), what="fallback map")
    assert console_errors(browser) == []


# -- trends ------------------------------------------------------------------------

def test_trends_opens_clean_with_benchmarks(browser, live_app):
    open_page(browser, f"{live_app}/trends?indicator=inwoners&codes=GM0106,BU01060000", "#trends-graph")
    wait_for(lambda: len(browser.find_elements_by_css_selector("#trends-graph .scatterlayer .trace")) >= 3,
             what="trend lines")
    legend = browser.find_element_by_css_selector("#trends-graph .legend").text
    assert "Drenthe (12 gemeenten)" in legend
    assert console_errors(browser) == []


def test_trends_switch_between_current_division_and_as_published(browser, live_app):
    """Issue 9: a split buurt's converted 2017 value; 'zoals gepubliceerd' drops it and says why."""
    browser.get(f"{live_app}/trends?indicator=gasverbruik_gemiddeld&codes=BU01602810")
    # The first buurt trend on the current division may still be building the crosswalk (warm-up runs beside).
    wait_for(lambda: browser.find_elements_by_id("trends-noten"), timeout=120, what="#trends-noten")
    wait_for(lambda: "omgerekend" in browser.find_element_by_id("trends-noten").text, what="conversion note")
    labels = browser.find_elements_by_css_selector("#trends-indeling label")
    assert "omgerekend naar indeling 2024" in labels[0].text
    labels[1].click()
    wait_for(lambda: "indeling=gepubliceerd" in browser.current_url, what="URL follows the switch")
    wait_for(lambda: "Zoals gepubliceerd" in browser.find_element_by_id("trends-noten").text, what="as published")
    assert console_errors(browser) == []


# -- navigation ----------------------------------------------------------------------

def test_navbar_moves_between_pages_without_reload(browser, live_app):
    open_page(browser, f"{live_app}/", "#kaart-graph")
    wait_for(lambda: map_ready(browser), what="kaart settled")  # clicking while Dash still starts can be lost
    wait_for(lambda: "actief" in browser.find_element_by_link_text("Kaart").get_attribute("class"),
             what="Kaart marked active")
    browser.find_element_by_link_text("Trends").click()
    wait_for(lambda: browser.find_elements_by_id("trends-graph"), what="trends page")
    wait_for(lambda: "actief" in browser.find_element_by_link_text("Trends").get_attribute("class"),
             what="menu item marked active")
    assert console_errors(browser) == []
