"""Accessibility (WCAG 2.1 AA): axe-core on every page at desktop and phone width, in headless Chromium.

axe-core 4.14.1 is vendored in ``tests/vendor/axe.min.js`` (MPL-2.0, licence beside it; from the npm
package ``axe-core``): the ``axe-selenium-python`` package bundles axe-core 3.1, which does not know the
rules (nested-interactive, aria-input-field-name, ...) the users' audit found. A page fails on any
serious or critical violation; moderate ones are listed in the message only if the page fails anyway,
except landmark-unique, which is checked too (two landmarks with the same name confuse screen-reader users).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_fixtures import wait_for

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: Checked besides everything serious or critical.
ALSO = {"landmark-unique"}
SLOW = 120

#: (path, css that shows the page has rendered its content)
PAGES = {
    "kaart": ("/?niveau=buurt&indicator=aandeel_65plus&jaar=2024&gemeente=GM0114", "#kaart-graph .choroplethlocation"),
    "kaart-verandering": ("/?niveau=buurt&indicator=misdrijven&jaar=2024&weergave=verandering&van=2021",
                          "#kaart-graph .choroplethlocation"),
    # Three areas: the multi-select's values wrap instead of being cut off (label-content-name-mismatch).
    "trends": ("/trends?indicator=inwoners&codes=DP1680_annen,DP0114_nieuw-amsterdam,DP1730_zuidlaren",
               "#trends-graph .scatterlayer .trace"),
    "vergelijken": ("/vergelijken?codes=DP1680_annen,DP0114_nieuw-amsterdam", "#vergelijken-lijkt-op-tabel tbody tr"),
    "profiel": ("/profiel?code=DP1680_annen", "#profiel-noten"),
    "profiel-leeg": ("/profiel", "#profiel-zoek"),
    "over": ("/over", "table"),
    "404": ("/bestaatniet", "#niet-gevonden"),
}


def axe_violations(driver) -> list[dict]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(function(r) { done(r.violations); },"
        " function(e) { done([{id: 'axe-error', impact: 'critical', nodes: [], help: String(e)}]); });")
    return [v for v in result if v.get("impact") in ("serious", "critical") or v["id"] in ALSO]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} → "
                     + "; ".join(",".join(n["target"]) if isinstance(n["target"][0], str) else str(n["target"])
                                 for n in v["nodes"][:5]) for v in violations)


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("page", list(PAGES))
def test_axe_no_serious_violations(browser, live_app, page, width):
    path, ready = PAGES[page]
    browser.set_window_size(width, 1000)
    try:
        browser.get(live_app + path)
        wait_for(lambda: browser.find_elements_by_css_selector(ready), SLOW, ready)
        found = axe_violations(browser)
        assert found == [], f"{page} at {width}px:\n{describe(found)}"
    finally:
        browser.set_window_size(1400, 1000)
        # The 404 page's own "404 (NOT FOUND)" is expected here; drained so the next test's empty-console check
        # only sees its own page.
        browser.get_log("browser")
