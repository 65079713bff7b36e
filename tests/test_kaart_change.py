"""Issue 9, change on the map: Kaart shows the change between two years (absolute and %) on the current
division, breaks without a difference, converted areas marked. Views and callbacks on the snapshot."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest

from pages.kaart import figures


def _dump(component) -> str:
    return json.dumps(component, default=lambda c: c.to_plotly_json(), ensure_ascii=False)


def _locations(state):
    from dashboard import data
    from pages.kaart import views

    return data.geometry(*views.geo_key(state).split("|"))["locations"]


def _state(query):
    from dashboard import data
    from pages.kaart.state import parse_kaart

    return parse_kaart(query, data.catalog())


def test_inwoners_gemeente_change_is_the_difference_of_the_two_values(app):
    import pages.kaart.page as kaart
    from dashboard import data

    fig, info, restyle, legend, title, grens, bron = kaart.draw_map(
        "gemeente", "inwoners", 2024, "kwantielen", "", [], None, None, "verandering", 2017, "abs")
    assert info["key"].endswith("|verandering") and restyle is kaart.no_update  # full figure, no fast repaint
    v0 = data.values("inwoners", "gemeente", 2017).set_index("code")["waarde"]
    v1 = data.values("inwoners", "gemeente", 2024).set_index("code")["waarde"]
    locs = list(fig.data[figures.TRACE_LEEG].locations)
    z = dict(zip(locs, fig.data[figures.TRACE_WAARDEN].z, strict=True))
    assert z["GM0114"] == v1["GM0114"] - v0["GM0114"]  # Emmen: no merger between 2017 and 2024
    assert sum(v is not None for v in z.values()) >= 12
    assert legend["eenheid"] == "Verandering 2017 → 2024"
    assert "2017" in bron and "2024" in bron and "CBS" in bron
    assert "2017" in title and "2024" in title
    # Classes symmetric around 0, the middle one holding 0.
    cv = kaart.views.change_values_for(_state({"niveau": "gemeente", "indicator": "inwoners", "jaar": "2024",
                                                "weergave": "verandering", "van": "2017"})[0], locs)
    edges = np.array(cv.edges)
    assert np.allclose(edges, -edges[::-1]) and edges.size % 2 == 0
    # The ranked table shows van, tot and the difference.
    change_state = _state({"niveau": "gemeente", "indicator": "inwoners", "jaar": "2024", "weergave": "verandering",
                           "van": "2017"})[0]
    spec = kaart.views.ranking_data(change_state)
    rows = kaart.views.ranking_rows(spec, kaart.views.ranking_areas(change_state))
    emmen = next(r for r in rows if r[0] == "GM0114")
    assert "→" in emmen[6] and emmen[4] == v1["GM0114"] - v0["GM0114"] and "2017 → 2024" in spec["kop"]


def test_percentage_change_has_one_decimal(app):
    import pages.kaart.page as kaart
    from dashboard import data

    fig = kaart.draw_map("gemeente", "inwoners", 2024, "kwantielen", "", [], None, None, "verandering", 2017,
                         "pct")[0]
    v = data.change("inwoners", "gemeente", 2017, 2024).set_index("code")
    z = dict(zip(fig.data[figures.TRACE_LEEG].locations, fig.data[figures.TRACE_WAARDEN].z, strict=True))
    assert z["GM0114"] == round(v.loc["GM0114", "verschil_pct"], 1)
    assert "%{z:+,.1f} %" in fig.data[figures.TRACE_WAARDEN].hovertemplate


def test_no_change_in_percent_for_a_score_or_class(app):
    """SES-WOA scores sit around 0 and can be negative: −0,071 → −0,083 came out as '+16,9 %' (a fall shown as a
    rise) and 0,016 → 0,284 as '+1.675,0 %'. A score or class gets only the absolute difference: from a link,
    from the '%' radio, and in the change frame itself."""
    import pages.kaart.page as kaart_page
    from dashboard import data
    from indicators import REGISTRY
    from tests.test_page_kaart import _update

    assert {i for i, m in REGISTRY.items() if not m.relative_change} >= {"ses_woa_score", "stedelijkheid"}
    assert data.change("ses_woa_score", "wijk", 2014, 2023)["verschil_pct"].isna().all()
    assert data.change("ses_woa_score", "wijk", 2014, 2023)["verschil"].notna().any()
    state, msgs = _state({"niveau": "wijk", "indicator": "ses_woa_score", "jaar": "2023", "weergave": "verandering",
                          "van": "2014", "maat": "pct"})
    assert state.maat == "abs" and state.verandering
    assert msgs == ["Een verandering in % zegt niets bij 'Sociaal-economische status (SES-WOA)': de nul van die "
                    "schaal is geen 'niets' (een score rond 0 kan van teken wisselen); we tonen het absolute "
                    "verschil."]
    out = _update("kaart-maat", niveau="wijk", indicator="ses_woa_score", jaar=2023, weergave="verandering",
                  van=2014, maat="pct")
    assert out["maat"] == "abs" and "maat=" not in out["search"] and "zegt niets" in str(out["melding"])
    # A ratio indicator keeps its % change.
    assert _update("kaart-maat", niveau="gemeente", indicator="inwoners", jaar=2024, weergave="verandering",
                   van=2017, maat="pct")["maat"] is kaart_page.no_update


def test_no_change_spans_the_polices_partial_period(app):
    """Police '2025' is the 12 months to July 2026: a change 2021 → 2025 compared a calendar year with another
    period. The cube marks it a break (dorpenmonitor.breaks.PERIOD_CHANGES), so no difference is drawn."""
    from dashboard import data

    ch = data.change("misdrijven", "gemeente", 2021, 2025)
    assert (ch["status"] == "breuk").all() and ch["verschil"].isna().all()
    ok = data.change("misdrijven", "gemeente", 2021, 2024)
    assert ok["verschil"].notna().all()
    tr = data.trend("misdrijven", ("GM0106",))
    row = tr[tr["jaar"] == 2025].iloc[0]
    assert bool(row["breuk"]) and row["breuk_reden"] == "andere periode: 12 maanden tot juli 2026"


def test_switching_to_a_change_on_the_police_period_runs_to_the_last_calendar_year(app):
    """On misdrijven 2025 (12 months to July 2026) every change is a break: the switch moves the end year to 2024
    and says why; a link that asks for 2025 explicitly still gets it (grey, explained)."""
    from dash import no_update

    from tests.test_page_kaart import _update

    out = _update("kaart-weergave", niveau="gemeente", indicator="misdrijven", jaar=2025, weergave="verandering")
    assert out["jaar"] == 2024 and "jaar=2024" in out["search"] and "weergave=verandering" in out["search"]
    assert "2025 is voor 'Geregistreerde misdrijven' een andere periode (12 maanden tot juli 2026)" in str(
        out["melding"])
    same = _update("kaart-weergave", niveau="gemeente", indicator="inwoners", jaar=2024, weergave="verandering")
    assert same["jaar"] is no_update and "jaar=2024" in same["search"]  # a calendar year stays


def test_a_break_gives_no_difference_and_says_why(app):
    import pages.kaart.page as kaart

    fig = kaart.draw_map("gemeente", "inwoners", 2024, "kwantielen", "", [], None, None, "verandering", 1997,
                         "abs")[0]
    locs = list(fig.data[figures.TRACE_LEEG].locations)
    i = locs.index("GM0109")  # Coevorden: merged in 1998
    assert fig.data[figures.TRACE_WAARDEN].z[i] is None
    assert "breuk tussen 1997 en 2024" in fig.data[figures.TRACE_LEEG].customdata[i]


def test_converted_buurten_are_marked_on_the_map_in_hover_and_note(app):
    import pages.kaart.page as kaart
    from dashboard import data

    state = _state({"niveau": "buurt", "indicator": "ses_woa_score", "jaar": "2023", "weergave": "verandering",
                    "van": "2017"})[0]
    assert state.verandering and state.van == 2017
    frame = data.change("ses_woa_score", "buurt", 2017, 2023)
    conv = frame[frame["omrekening"].eq("omgerekend")]
    assert len(conv) > 0  # buurten of the 2017 division converted to the current one
    fig, *_ , grens, bron = kaart.draw_map("buurt", "ses_woa_score", 2023, "kwantielen", "", [], None, None,
                                          "verandering", 2017, "abs")
    assert len(fig.data) == figures.TRACE_OMGEREKEND + 1 and fig.data[-1].name == "omgerekend"
    locs = list(fig.data[figures.TRACE_LEEG].locations)
    cv = kaart.views.change_values_for(state, locs)
    has = {locs[i] for i, z in enumerate(cv.z) if z is not None}
    marked = {locs[i] for i in cv.omgerekend}
    assert marked == set(conv["code"]) & has
    for code in marked:
        assert cv.customdata[locs.index(code)][2].startswith("omgerekend naar indeling")
    note = _dump(grens)
    assert f"{len(conv)} van {len(frame)} buurten omgerekend" in note


def test_split_buurt_2017_is_converted_in_the_change_frame(app):
    """BU01602810 (Hardenberg) is part of a buurt split after 2017; BU01060101 (Assen) did not change."""
    from dashboard import data

    c = data.change("ses_woa_score", "buurt", 2017, 2023).set_index("code")
    if "BU01602810" in c.index:
        assert c.loc["BU01602810", "omrekening"] == "omgerekend"
    assert c.loc["BU01060101", "omrekening"] == "identiek"


def test_card_shows_van_tot_and_difference(app):
    from pages.kaart import views

    state = _state({"niveau": "gemeente", "indicator": "inwoners", "jaar": "2024", "weergave": "verandering",
                    "van": "2017", "code": "GM0114"})[0]
    card = _dump(views.area_card("GM0114", state))
    assert "Verandering 2017 → 2024" in card and "kaart-profiel-verschil" in card and "%)" in card


@pytest.mark.parametrize("query, fragment", [
    ({"weergave": "kaart"}, "Weergave 'kaart' is onbekend"),
    ({"weergave": "verandering", "van": "2030"}, "kan niet het beginjaar zijn"),
    ({"weergave": "verandering", "van": "abc"}, "kan niet het beginjaar zijn"),
    ({"weergave": "verandering", "van": "2024"}, "kan niet het beginjaar zijn"),
    ({"weergave": "verandering", "maat": "ratio"}, "Maat 'ratio' is onbekend"),
])
def test_bad_change_params_fall_back_with_a_dutch_message(app, query, fragment):
    state, msgs = _state({"niveau": "gemeente", "indicator": "inwoners", "jaar": "2024", **query})
    assert any(fragment in m for m in msgs), msgs
    assert state.maat in ("abs", "pct") and state.weergave in ("waarde", "verandering")
    if state.verandering:
        assert state.van is not None and state.van < state.jaar


def test_change_needs_an_earlier_year(app):
    state, msgs = _state({"niveau": "buurt", "indicator": "inwoners", "jaar": "2024", "weergave": "verandering"})
    assert not state.verandering and state.weergave == "waarde"
    # The message says why 2017 or any other start year is refused: this indicator has one year at this level.
    assert msgs == ["Voor een verandering is een eerder jaar dan 2024 nodig, en 'Inwoners' op buurtniveau heeft "
                    "alleen 2024; we tonen de waarde in één jaar."]


def test_url_round_trip_of_the_change_view(app):
    from pages.kaart.state import kaart_query

    query = {"niveau": "gemeente", "indicator": "inwoners", "jaar": "2024", "weergave": "verandering",
             "van": "2017", "maat": "pct"}
    state, msgs = _state(query)
    assert msgs == [] and state.verandering and (state.van, state.maat) == (2017, "pct")
    text = kaart_query(state)
    assert "weergave=verandering" in text and "van=2017" in text and "maat=pct" in text
    again = _state(dict(pair.split("=") for pair in text[1:].split("&")))[0]
    assert again == state
    value = _state({"niveau": "gemeente", "indicator": "inwoners", "jaar": "2024"})[0]
    assert "weergave" not in kaart_query(value) and not value.verandering


def test_back_to_the_value_view_rebuilds_and_keeps_the_fast_path(app):
    from dash import Patch

    import pages.kaart.page as kaart

    _, geo_change, *_ = kaart.draw_map("buurt", "misdrijven", 2025, "kwantielen", "", [], None, None,
                                       "verandering", 2021, "abs")
    fig, geo_value, restyle, *_ = kaart.draw_map("buurt", "misdrijven", 2025, "kwantielen", "", [], None,
                                                 geo_change)
    assert not isinstance(fig, Patch) and len(fig.data) == figures.TRACE_OMGEREKEND  # no 'omgerekend' trace
    # A colour-only switch after it uses the restyle store again (kaart_verf.js), as before.
    fig2, _, restyle2, *_ = kaart.draw_map("buurt", "misdrijven", 2024, "kwantielen", "", [], None, geo_value)
    assert fig2 is kaart.no_update and restyle2 is not kaart.no_update


def test_symmetric_edges_and_colours():
    e = figures.symmetric_edges(np.array([-10.0, -3, 0, 1, 2, 5, 8]), "gelijk")
    assert np.allclose(e, -e[::-1]) and len(figures.change_colors(e)) == e.size - 1
    assert figures.change_colors(e)[(e.size - 1) // 2] == "#f5f5f5"
    assert figures.symmetric_edges(np.array([0.0, 0.0])).tolist() == [0.0, 0.0]
    assert figures.symmetric_edges(np.array([])).size == 0
    frame = pd.DataFrame({"code": ["A", "B", "C"], "naam": list("ABC"), "gemeente_code": "GM1",
                          "waarde_van": [10.0, 4.0, None], "waarde_tot": [12.0, 2.0, 5.0],
                          "verschil": [2.0, -2.0, None], "verschil_pct": [20.0, -50.0, None],
                          "status": ["ok", "ok", "breuk"], "omrekening": ["identiek", "omgerekend", "identiek"],
                          "onbetrouwbaar": [False, True, False]})

    class Meta:
        title, unit, direction, decimals, sources = "Aantal", "aantal", "neutraal", 0, ("X",)

    cv = figures.change_values(["A", "B", "C"], frame, Meta, 2019, 2024, division="2024")
    assert cv.z == [2, -2, None] and cv.onbetrouwbaar == [1] and cv.omgerekend == [1]
    assert "breuk" in cv.reasons[2] and cv.customdata[1][2].startswith("omgerekend naar indeling 2024")
    kinds = {it.kind: it.count for it in cv.legend}
    assert kinds["breuk"] == 1 and kinds["onbetrouwbaar"] == 1


def test_switch_into_change_mode_is_one_callback(app):
    from tests.test_page_kaart import _update

    out = _update("kaart-weergave", niveau="gemeente", indicator="inwoners", jaar=2024, weergave="verandering")
    assert out["van"] == 2017 and out["van_hidden"] is False  # about five years back by default
    assert "weergave=verandering" in out["search"] and "van=2017" in out["search"]
    assert out["legend"]["eenheid"] == "Verandering 2017 → 2024" and out["waarden"] is not None
    bad = _update("kaart-van", niveau="gemeente", indicator="inwoners", jaar=2024, weergave="verandering",
                  van={"x": 1}, maat=["pct"])
    assert bad["van"] == 2017 and "maat=" not in bad["search"]


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(int(hex_colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_no_difference_grey_is_clearly_apart_from_the_pale_middle_class(app):
    """The middle class (#f5f5f5, 'about the same') was hard to tell from the 'break / no value' grey (#e4e4e4)."""
    import pages.kaart.page as kaart

    fig, _, _, legend, *_ = kaart.draw_map("buurt", "misdrijven", 2025, "kwantielen", "", [], None, None,
                                           "verandering", 2021, "abs")
    grey = fig.data[figures.TRACE_LEEG].colorscale[0][1]
    middle = figures.CHANGE_COLORS[2]
    lighter, darker = sorted((_luminance(grey), _luminance(middle)))
    assert (darker + 0.05) / (lighter + 0.05) >= 2.0  # was 1.2 (#f5f5f5 against #e4e4e4)
    assert all(_luminance(grey) != _luminance(c) for c in figures.CHANGE_COLORS)
    # The legend shows the grey the map paints.
    greys = {it[1] for it in legend["items"] if it[3] in ("breuk", "ontbreekt")}
    assert greys == {grey}
    # The value view keeps its own light 'geen gegevens' grey.
    value_fig = kaart.draw_map("buurt", "misdrijven", 2025, "kwantielen", "", [], None, None)[0]
    assert value_fig.data[figures.TRACE_LEEG].colorscale[0][1] != grey


@pytest.mark.parametrize("maat", ["abs", "pct"])
def test_change_csv_exports_both_years_and_the_change_the_view_shows(app, maat):
    """The change view's 'Download CSV' exported the values of one year, not the change."""
    import pages.kaart.page as kaart
    from dashboard import data

    out = kaart.download(1, "gemeente", "inwoners", 2024, "kwantielen", "", None, "verandering", 2017, maat)
    lines = list(csv.reader(io.StringIO(out["content"].lstrip("\ufeff")), delimiter=";"))
    head = lines[0]
    assert head[6:9] == ["waarde_2017", "waarde_2024", "verandering_2017_2024"] and len(lines) == 14
    assert out["filename"] == ("dorpenmonitor_inwoners_gemeente_verandering_2017-2024"
                               f"{'_procent' if maat == 'pct' else ''}.csv")
    emmen = dict(zip(head, next(x for x in lines if x[0] == "GM0114"), strict=True))
    ch = data.change("inwoners", "gemeente", 2017, 2024).set_index("code").loc["GM0114"]
    expected = ch["verschil_pct"] if maat == "pct" else ch["verschil"]
    assert float(emmen["verandering_2017_2024"].replace(",", ".")) == pytest.approx(expected)
    assert emmen["eenheid_verandering"] == ("%" if maat == "pct" else "inwoners")
    assert "(2017)" in emmen["bron"] and "(2024)" in emmen["bron"]
    # Within one gemeente: only its areas. And the value view still exports the values of one year.
    buurt = kaart.download(1, "buurt", "misdrijven", 2025, "kwantielen", "GM0106", None, "verandering", 2021, maat)
    rows = buurt["content"].strip().splitlines()[1:]
    assert rows and all(r.split(";")[2] == "Assen" for r in rows)
    value = kaart.download(1, "gemeente", "inwoners", 2024, "kwantielen", "", None, "waarde", None, "abs")
    assert value["content"].lstrip("\ufeff").startswith("code;naam;gemeente;niveau;indicator;eenheid;jaar;waarde")
