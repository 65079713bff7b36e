"""The app served under a URL prefix (setting ``url_prefix``, e.g. behind a reverse proxy at /monitor/).

Runs the app in its own process: Dash keeps the prefix in module state, so a second app with another prefix
in the test process would change the links of the session app. Clicks through the menu, opens a profile
link from the map's area card and checks that plotly fetched the map geometry from /monitor/geo/…
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from dorpenmonitor.settings import PROJECT_ROOT
from tests.browser_fixtures import console_errors, open_page, wait_for

pytestmark = pytest.mark.browser

PREFIX = "/monitor/"
SLOW = 120


@pytest.fixture(scope="module")
def prefixed_app(store, tmp_path_factory) -> Iterator[str]:
    """``python app.py`` on the snapshot database with DORPENMONITOR_URL_PREFIX=/monitor/; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DORPENMONITOR_URL_PREFIX": PREFIX, "DORPENMONITOR_DATABASE_URL": store.url,
           "DORPENMONITOR_PORT": str(port), "DORPENMONITOR_HOST": "127.0.0.1", "DORPENMONITOR_DEBUG": "0"}
    # The request log goes to a file: a pipe nobody reads would block the server once full.
    log = tmp_path_factory.mktemp("prefixed") / "server.log"
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=log.open("w"))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(base + PREFIX, timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise AssertionError("prefixed app did not start: " + log.read_text()[-2000:]) from None
                time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_under_a_prefix_menu_profile_link_and_map_geometry_work(browser, prefixed_app):
    base = prefixed_app
    open_page(browser, f"{base}{PREFIX}?niveau=gemeente&code=GM1680", "#kaart-graph")
    # The map draws its areas: plotly fetched the GeoJSON through the prefixed route.
    wait_for(lambda: browser.find_elements_by_css_selector("#kaart-graph path.choroplethlocation"), SLOW,
             "map areas")
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function(e) { return e.name; });")
    assert any(f"{PREFIX}geo/gemeente-" in u for u in fetched), fetched
    assert not any("/geo/" in u and PREFIX not in u for u in fetched)
    # Menu: every link carries the prefix and opens its page; the current page is marked.
    for name, ready in (("Trends", "#trends-graph"), ("Vergelijken", "#vergelijken-gebieden"),
                        ("Over de data", "#over-bronnen"), ("Kaart", "#kaart-graph")):
        link = browser.find_element_by_link_text(name)
        assert link.get_attribute("href").startswith(f"{base}{PREFIX}")
        link.click()
        wait_for(lambda ready=ready: browser.find_elements_by_css_selector(ready), SLOW, ready)
        assert browser.current_url.startswith(f"{base}{PREFIX}")
        assert "actief" in browser.find_element_by_link_text(name).get_attribute("class")
    # The area card's profile link (GM1680 is selected by the first URL; the Kaart link kept no query).
    open_page(browser, f"{base}{PREFIX}?niveau=gemeente&code=GM1680", "#kaart-profiel-link")
    profile = wait_for(lambda: browser.find_elements_by_id("kaart-profiel-link"), SLOW, "profile link")[0]
    assert profile.get_attribute("href") == f"{base}{PREFIX}profiel?code=GM1680"
    profile.click()
    wait_for(lambda: browser.find_elements_by_id("profiel-noten"), SLOW, "profile body")
    assert browser.find_element_by_id("profiel-titel").text == "Aa en Hunze"
    further = [a.get_attribute("href") for a in browser.find_elements_by_css_selector(".profiel-links a")]
    assert further and all(h.startswith(f"{base}{PREFIX}") for h in further)
    assert console_errors(browser) == []
