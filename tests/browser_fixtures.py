"""Session fixtures for the browser tests: one headless Chromium and one app server for every browser test file.

Registered in ``tests/conftest.py`` (``pytest_plugins``), so any test module
can ask for ``browser`` and ``live_app`` by name; the shared helpers
(``wait_for``, ``open_page``, ``console_errors``) are imported from here.
When chromium or chromedriver is missing the tests that need them are skipped
(or fail under DORPENMONITOR_REQUIRE_ALL=1), see ``skip_or_fail``.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="session")
def chrome_options():
    """Headless Chromium flags that work as root, offline, in a container; fresh profile per session."""
    from tests.conftest import skip_or_fail  # imported late: conftest registers this module as a plugin

    if not CHROMIUM or not CHROMEDRIVER:
        skip_or_fail("chromium and chromedriver not found (apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
    except ImportError:  # pragma: no cover - dependency of dash[testing]
        skip_or_fail("selenium not installed (pip install dash[testing])")
    profile = tempfile.mkdtemp(prefix="dm-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--disable-sync", "--disable-quic", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    # Selenium 3 reads the browser log through this capability.
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    yield opts
    shutil.rmtree(profile, ignore_errors=True)


_APPS: dict[int, object] = {}


def session_app(store):
    """One Dash app per store for the whole test session.

    Dash moves callbacks registered at import time (the menu's clientside
    callback in dashboard/layout.py, the map legend's in pages/kaart/page.py) into
    the first app that serves a request and clears its global list, so a
    second ``create_app`` in the same process would run without them. Test
    modules that need an app share this one.
    """
    from app import create_app

    if id(store) not in _APPS:
        _APPS[id(store)] = create_app(store)
    return _APPS[id(store)]


@pytest.fixture(scope="session")
def live_app(store) -> Iterator[str]:
    """The app on the session's snapshot database, served on a free loopback port."""
    from werkzeug.serving import make_server

    app = session_app(store)
    # No warm-up, as in app.main: the pages read the indicator cube the load wrote.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser(chrome_options):
    from selenium import webdriver
    from selenium.webdriver.remote.remote_connection import RemoteConnection

    # Selenium 3.141 passes socket's "default timeout" sentinel to urllib3 2.x, which rejects it.
    RemoteConnection.set_timeout(120)
    driver = webdriver.Chrome(executable_path=CHROMEDRIVER, options=chrome_options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


# -- helpers ---------------------------------------------------------------------------

def wait_for(condition: Callable[[], object], timeout: float = 30, what: str = "condition") -> object:
    """Poll ``condition`` until it returns something truthy (Selenium 3 has no nice waits for this)."""
    deadline = time.time() + timeout
    last_error: Exception | None = None
    while time.time() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - elements come and go while Dash renders
            last_error = exc
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}" + (f": {last_error}" if last_error else ""))


def console_errors(driver) -> list[str]:
    """Browser log entries of level SEVERE/WARNING (Dash errors, failed requests, plotly warnings)."""
    return [f"{e['level']}: {e['message']}" for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def open_page(driver, url: str, ready_css: str) -> None:
    driver.get(url)
    wait_for(lambda: driver.find_elements_by_css_selector(ready_css), what=ready_css)
