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


def _notes_text(notes) -> str:
    return " ".join(str(n.children) for n in notes)


def test_sources_name_every_plotted_table_reference_lines_included(app):
    """s17 review #4: Annen's inwoners came from 85984NED, but the gemeente and Drenthe lines from 81880NED,
    80860ned, 60039fvw …; and a chart with only reference lines (Annen has no inkomen) still names its table."""
    from dashboard import data
    from pages.trends import views

    _, notes = views.trend_view(parse_trends({"indicator": "inwoners", "codes": "DP1680_annen"}, data.catalog()))
    bron = next(str(n.children) for n in notes if str(n.children).startswith("Bron:"))
    for table in ("81880NED", "80860ned", "60039fvw", "85984NED"):
        assert table in bron, table
    assert "(1998–2006)" in bron  # with the years of each table
    _, notes = views.trend_view(parse_trends({"indicator": "inkomen_per_inwoner", "codes": "DP1680_annen"},
                                             data.catalog()))
    assert "Bron: CBS 85984NED (2024)" in _notes_text(notes)


def test_police_partial_year_is_not_joined_to_the_calendar_years(app):
    """s17 review #3: police '2025' is the 12 months to July 2026; no line joins it to 2024, and the page says so
    with the profile's own note (one text)."""
    from dashboard import data
    from dashboard.series import partial_period_note
    from pages.trends import views

    # Without references the counts are drawn as they are (no index), so 2025 is a point of its own.
    state = parse_trends({"indicator": "misdrijven", "codes": "GM0106,GM0114", "vergelijk": "geen"},
                         data.catalog())
    fig, notes = views.trend_view(state)
    for t in fig.data:
        xs = list(t.x)
        assert not (2024 in xs and 2025 in xs), (t.name, xs)
    assert any(2025 in list(t.x) for t in fig.data)  # still shown, as a point of its own
    assert list(fig.layout.xaxis.ticktext)[-1] == "2025*"  # named as in the profile's tables
    text = _notes_text(notes)
    assert partial_period_note("misdrijven", [2025]) in text
    assert "Trendbreuk bij Assen in 2025" not in text  # one note for the period, not one per line
    # The CSV says it too: 2025 is a break with its reason.
    csv, _ = views.trends_csv(state)
    row = next(line for line in csv.splitlines() if ";Assen;" in line and ";2025;" in line)
    assert ";ja;" in row and "12 maanden tot juli 2026" in row


def test_a_chosen_area_without_data_is_named_with_the_reason(app):
    """s17 review #8: Wijk 00 Annen has no health figures (none at wijk level); Annen (dorp) has no inkomen."""
    from dashboard import data
    from pages.trends import views

    state = parse_trends({"indicator": "goed_ervaren_gezondheid", "codes": "BU16800000,WK168000",
                          "indeling": "gepubliceerd"}, data.catalog())
    text = _notes_text(views.trend_view(state)[1])
    assert "Wijk 00 Annen (wijk): geen gegevens voor deze indicator op wijkniveau" in text
    assert "Annen (buurt)" not in text
    state = parse_trends({"indicator": "inkomen_per_inwoner", "codes": "DP1680_annen"}, data.catalog())
    assert "Annen (dorp): geen gegevens voor deze indicator op dorpniveau" in _notes_text(views.trend_view(state)[1])


def test_an_indicator_without_any_data_says_so_instead_of_empty_axes(app):
    """s17 review #9: wmo_per_1000 has no figure anywhere: a Dutch message, not axes −1…6; marked in the list."""
    from dashboard import data
    from dashboard.layout import indicator_options
    from pages.trends import views

    fig, notes = views.trend_view(parse_trends({"indicator": "wmo_per_1000", "codes": "GM0106"}, data.catalog()))
    assert not fig.data and fig.layout.xaxis.visible is False
    assert "Geen gegevens" in fig.layout.annotations[0].text
    assert "Voor 'Wmo-cliënten per 1.000 inwoners' zijn op geen enkel niveau gegevens." in _notes_text(notes)
    opts = {o["value"]: o for o in indicator_options(None, mark_empty=True)}
    assert opts["wmo_per_1000"]["label"].endswith("(geen gegevens)") and opts["wmo_per_1000"]["disabled"]
    assert not opts["inwoners"].get("disabled")
    assert list(opts)[-1] in {k for k, o in opts.items() if o.get("disabled")}  # the empty ones last


def test_gemeente_lines_of_several_gemeenten_can_be_told_apart(app):
    """s17 review #13: dorpen from Aa en Hunze, Emmen and Tynaarlo: each gemeente line in its dorp's colour,
    dashed and named; Drenthe stays the dark dotted line."""
    from dashboard import data
    from pages.trends import views

    state = parse_trends({"indicator": "misdrijven_per_1000",
                          "codes": "GM1680,DP0114_nieuw-amsterdam,DP1730_zuidlaren"}, data.catalog())
    fig, _ = views.trend_view(state)
    color = {t.name: t.line.color for t in fig.data}
    dash = {t.name: t.line.dash for t in fig.data}
    assert color["Gemeente Emmen"] == color["Nieuw-Amsterdam"] and dash["Gemeente Emmen"] == "dash"
    assert color["Gemeente Tynaarlo"] == color["Zuidlaren"] != color["Gemeente Emmen"]
    assert dash["Drenthe (12 gemeenten)"] == "dot" and color["Drenthe (12 gemeenten)"] == "#222222"
    # One gemeente line alone keeps the plain grey dash.
    one, _ = views.trend_view(parse_trends({"indicator": "misdrijven_per_1000", "codes": "DP0114_nieuw-amsterdam"},
                                           data.catalog()))
    assert {t.line.color for t in one.data if t.name == "Gemeente Emmen"} == {"#555555"}


def test_axis_numbers_are_dutch_not_si(app):
    """s17 review #18: '35.000', not '35k'."""
    from dashboard import data
    from pages.trends import views

    fig, _ = views.trend_view(parse_trends({"indicator": "inkomen_per_inwoner", "codes": "GM0106"}, data.catalog()))
    assert fig.layout.yaxis.exponentformat == "none" and fig.layout.separators == ",."
