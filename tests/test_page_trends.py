"""pages/trends: URL state, the trend view and its CSV."""

from __future__ import annotations

import pandas as pd

from dashboard.links import Catalog
from pages.trends.state import parse_trends, trends_query

#: Areas whose codes come in any case in a link (village slugs are lower case).
AREAS = {"DP1680_annen": ("Annen", "dorp"), "BU16800000": ("Annen", "buurt"), "GM1680": ("Aa en Hunze", "gemeente")}


def _case_catalog() -> Catalog:
    return Catalog(titles={"a": "A"}, themes_of={"a": "demografie"}, themes=("demografie",),
                   years=lambda i, n: (2024,), areas=AREAS, gemeenten={"GM1680": "Aa en Hunze"}, preferred=("a",))



def _catalog() -> Catalog:
    years = {("a", "buurt"): (2022, 2024), ("a", "gemeente"): (2024,), ("b", "buurt"): (2024,),
             ("b", "wijk"): (2024,), ("b", "gemeente"): (2024,), ("a", "wijk"): (2024,)}
    return Catalog(
        titles={"a": "Indicator A", "b": "Indicator B"}, themes_of={"a": "demografie", "b": "wonen"},
        themes=("demografie", "wonen"), years=lambda i, n: years.get((i, n), ()),
        areas={"BU1": ("Buurt 1", "buurt"), "GM0106": ("Assen", "gemeente"), "DP1": ("Dorp", "dorp")},
        gemeenten={"GM0106": "Assen"}, preferred=("a",),
    )


def test_parse_trends_drops_unknown_and_limits():
    state = parse_trends({"indicator": "b", "codes": "GM0106,XX1,BU1,GM0106"}, _catalog())
    assert state.codes == ("GM0106", "BU1")
    assert any("XX1" in m for m in state.messages)
    assert trends_query(state) == "?indicator=b&codes=GM0106,BU1"
    assert parse_trends({"vergelijk": "geen"}, _catalog()).vergelijk == ()


def test_trends_link_with_village_code_keeps_the_village():
    state = parse_trends({"indicator": "a", "codes": "DP1680_annen,gm1680,XX1"}, _case_catalog())
    assert state.codes == ("DP1680_annen", "GM1680")
    assert any("XX1" in m for m in state.messages)


def test_trend_view_has_benchmarks_and_sources(app):
    from dashboard import data
    from pages.trends import views

    state = parse_trends({"indicator": "inwoners", "codes": "GM0106,BU01060000"}, data.catalog())
    fig, notes = views.trend_view(state)
    names = {t.name for t in fig.data if t.name}
    assert "Drenthe (12 gemeenten)" in names and "Assen" in names
    assert any("Bron: %{customdata[1]}" in (t.hovertemplate or "") for t in fig.data)
    text, _ = views.trends_csv(state)
    assert text.splitlines()[0].startswith("soort;code;naam")


def test_count_trends_are_indexed_against_benchmarks(app):
    """Annen's ~50 crimes next to Drenthe's ~16,000 would be a flat line: counts are shown as an index."""
    from pages.trends import views
    from pages.trends.state import TrendsState

    frame = pd.DataFrame({"code": ["A", "A", "B", "B"], "jaar": [2021, 2022, 2021, 2022], "waarde": [50, 45, 0, 10]})
    assert views.as_index(frame)["waarde"].tolist()[:2] == [100.0, 90.0]
    # A break starts a new base: Emmen 1997 → 1998 is the Schoonebeek merger, not +11% growth, and 1997 is no
    # percentage of 1998 either (rows in any order).
    merged = pd.DataFrame({"code": ["GM0114"] * 4, "jaar": [1999, 1997, 1998, 1996],
                           "waarde": [107332, 94528, 105228, 93582], "status": ["ok"] * 4,
                           "breuk": [False, False, True, False]})
    assert views.as_index(merged)["waarde"].tolist() == [102.0, 101.0, 100.0, 100.0]
    partial = pd.DataFrame({"code": ["PV22"] * 3, "jaar": [1998, 1999, 2000], "waarde": [246719, 480000, 490000],
                            "status": ["onvolledig", "ok", "ok"], "breuk": [False, False, False]})
    assert views.as_index(partial)["waarde"].tolist()[1:] == [100.0, 102.1]  # a partial sum is never the base
    # A stretch with one usable year has no index (its lone 100 compares with nothing): left out and named.
    lone = pd.DataFrame({"code": ["GM0106"] * 3, "naam": ["Assen"] * 3, "jaar": [1997, 1998, 1999],
                         "waarde": [22000, 23000, 23500], "status": ["ok"] * 3, "breuk": [False, True, False]})
    assert views.as_index(lone)["jaar"].tolist() == [1998, 1999]
    assert views.lone_years_note(lone, views.as_index(lone)).startswith("Zonder index: Assen 1997.")
    assert views.as_index(merged)["basisjaar"].tolist() == [1998, 1996, 1998, 1996]
    note = views.base_years_note(views.as_index(merged.assign(naam="Emmen")))
    assert note == "Basisjaren (= 100): Emmen 1996 en 1998."
    fig, notes = views.trend_view(TrendsState("misdrijven", ("DP1680_annen",), ("gemeente", "drenthe"), ()))
    assert "index" in fig.layout.yaxis.title.text
    assert any("index" in str(n) for n in notes)
    fig, _ = views.trend_view(TrendsState("aandeel_65plus", ("DP1680_annen",), ("gemeente", "drenthe"), ()))
    assert "index" not in (fig.layout.yaxis.title.text or "")
