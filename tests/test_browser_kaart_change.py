"""Issue 9 in the browser: Kaart switched to the change between two years paints, with both years in the legend."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import console_errors, open_page, wait_for
from tests.test_browser import map_fills

pytestmark = pytest.mark.browser


def _legend(driver) -> str:
    return driver.execute_script("var e = document.getElementById('kaart-legenda'); return e ? e.innerText : '';")


@pytest.mark.parametrize("width", [1280, 390])
def test_switch_to_change_mode_paints_the_map_with_both_years(browser, live_app, width):
    browser.set_window_size(width, 1000)
    try:
        open_page(browser, live_app + "/?niveau=gemeente&indicator=inwoners&jaar=2024", "#kaart-graph")
        wait_for(lambda: browser.find_elements_by_css_selector("#kaart-graph path.choroplethlocation"), 60, "map")
        assert browser.find_element_by_id("kaart-verandering-keuzes").get_attribute("hidden")
        radio = browser.find_element_by_css_selector("#kaart-weergave input[value='verandering']")
        browser.execute_script("arguments[0].click();", radio)
        wait_for(lambda: "Verandering 2017 → 2024" in _legend(browser), 60, "change legend")
        wait_for(lambda: "weergave=verandering" in browser.current_url, 30, "URL")
        assert not browser.find_element_by_id("kaart-verandering-keuzes").get_attribute("hidden")
        # The map painted: the value trace has coloured gemeenten, the title and source name both years.
        painted = wait_for(lambda: browser.execute_script(
            "var gd = document.querySelector('#kaart-graph .js-plotly-plot');"
            "return gd && gd.data.length === 7 ? gd.data[2].z.filter(function(z) { return z !== null; }).length"
            " : 0;"), 60, "change values")
        assert painted >= 12
        fills = wait_for(lambda: set(map_fills(browser)) - {"", "none"}, 60, "painted change colours")
        assert len(fills) >= 2  # several classes of the diverging scale
        assert "2017" in browser.find_element_by_id("kaart-titel").text
        bron = browser.find_element_by_id("kaart-bron").text
        assert "(2017)" in bron and "(2024)" in bron
        browser.save_screenshot(f"/tmp/dorpenmonitor-kaart-verandering-{width}.png")
        # Back to the value view: the map repaints with values and the controls hide again.
        radio = browser.find_element_by_css_selector("#kaart-weergave input[value='waarde']")
        browser.execute_script("arguments[0].click();", radio)
        wait_for(lambda: "Verandering" not in _legend(browser) and _legend(browser), 60, "value legend")
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(1400, 1000)


def test_buurt_change_screenshot(browser, live_app):
    """A buurt change with breaks (grey) for a human look at 1280 px; asserts only that it painted."""
    browser.set_window_size(1280, 1000)
    try:
        open_page(browser, live_app + "/?niveau=buurt&indicator=ses_woa_score&jaar=2023&weergave=verandering"
                                      "&van=2017", "#kaart-graph path.choroplethlocation")
        wait_for(lambda: "Verandering 2017 → 2023" in _legend(browser), 60, "legend")
        browser.save_screenshot("/tmp/dorpenmonitor-kaart-verandering-buurt.png")
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(1400, 1000)
