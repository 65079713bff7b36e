"""dashboard.links: the one link builder (URL prefix) and the shared query-string rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard import links
from dashboard.links import resolve_code
from dorpenmonitor.settings import SETTINGS_DOC, get_settings, setting_names

AREAS = {"DP1680_annen": ("Annen", "dorp"), "BU16800000": ("Annen", "buurt"), "GM1680": ("Aa en Hunze", "gemeente")}


def test_resolve_code_ignores_case():
    assert resolve_code("DP1680_annen", AREAS) == "DP1680_annen"
    assert resolve_code("dp1680_ANNEN ", AREAS) == "DP1680_annen"
    assert resolve_code("bu16800000", AREAS) == "BU16800000"
    assert resolve_code("GM9999", AREAS) is None


@pytest.fixture()
def prefix(monkeypatch):
    """Set the URL prefix Dash links are built with, as create_app(url_prefix=...) would, for one test."""
    from dash import _get_paths
    from dash._utils import AttributeDict

    def set_prefix(value: str) -> None:
        # A fresh config: the app's own is read-only once created (and must stay as the session app set it).
        monkeypatch.setattr(_get_paths, "CONFIG", AttributeDict(requests_pathname_prefix=value))

    return set_prefix


def test_query_keeps_commas_and_empty_values_and_drops_none():
    assert links.query(codes="A,B", indicator="") == "?codes=A,B&indicator="
    assert links.query(code=None) == ""
    assert links.query(naam="Annen & Gieten") == "?naam=Annen+%26+Gieten"


@pytest.mark.parametrize(("prefix_value", "expected"), [
    ("/", ["/", "/profiel?code=DP1680_annen", "/trends?indicator=inwoners&codes=GM0106,GM0114", "/geo/x.geojson"]),
    ("/monitor/", ["/monitor/", "/monitor/profiel?code=DP1680_annen",
                   "/monitor/trends?indicator=inwoners&codes=GM0106,GM0114", "/monitor/geo/x.geojson"]),
])
def test_every_link_follows_the_url_prefix(prefix, prefix_value, expected):
    prefix(prefix_value)
    assert [links.href("/"), links.profile_href("DP1680_annen"),
            links.href("/trends", indicator="inwoners", codes="GM0106,GM0114"),
            links.prefixed("/geo/x.geojson")] == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("/", "/"), ("", "/"), ("monitor", "/monitor/"), ("/monitor", "/monitor/"), ("/monitor/", "/monitor/"),
    ("a//b/", "/a/b/"),
])
def test_url_prefix_setting_is_normalised_for_dash(raw, expected):
    assert get_settings(url_prefix=raw).url_prefix == expected


def test_url_prefix_is_documented():
    assert "url_prefix" in SETTINGS_DOC and "url_prefix" in setting_names()


def test_no_page_builds_a_link_by_hand():
    """Every internal href goes through dashboard.links (so the URL prefix cannot be forgotten somewhere)."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in [root / "app.py", *sorted((root / "dashboard").glob("*.py")), *sorted((root / "pages").rglob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        if path.name != "links.py" and "urlencode" in text:
            offenders.append(f"{path.name}: urlencode")
        for m in re.finditer(r"href=f?[\"'](/[^\"']*)[\"']", text):
            offenders.append(f"{path.relative_to(root)}: href {m.group(1)}")
    assert offenders == []
