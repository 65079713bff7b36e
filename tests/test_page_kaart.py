"""pages/kaart: classification, map values and patches, URL state, views and callbacks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from dash import Patch, no_update

from dashboard.links import Catalog
from pages.kaart import figures
from pages.kaart.state import KaartState, kaart_query, parse_kaart

#: Areas whose codes come in any case in a link (village slugs are lower case).
AREAS = {"DP1680_annen": ("Annen", "dorp"), "BU16800000": ("Annen", "buurt"), "GM1680": ("Aa en Hunze", "gemeente")}


def _case_catalog() -> Catalog:
    return Catalog(titles={"a": "A"}, themes_of={"a": "demografie"}, themes=("demografie",),
                   years=lambda i, n: (2024,), areas=AREAS, gemeenten={"GM1680": "Aa en Hunze"}, preferred=("a",))



class Meta:
    id = "x"
    title = "Testindicator"
    unit = "%"
    direction = "hoger is slechter"
    decimals = 1
    sources = ("85984NED",)


def _frame(**cols) -> pd.DataFrame:
    n = len(cols["code"])
    base = {"naam": [c.lower() for c in cols["code"]], "gemeente_code": ["G"] * n, "note": [""] * n}
    return pd.DataFrame({**base, **cols})


def _plotly_color(scale: list, zmin: float, zmax: float, z: float) -> str:
    """The colour plotly.js gives ``z``: piecewise linear over the scale (d3 bisectRight on the positions)."""
    import bisect

    t = (z - zmin) / (zmax - zmin)
    pos = [p for p, _ in scale]
    i = min(max(bisect.bisect_right(pos, t) - 1, 0), len(scale) - 2)
    lo, hi = scale[i], scale[i + 1]
    assert lo[1] == hi[1] or hi[0] == lo[0], f"{z} falls in a gradient, not a step"
    return lo[1]


def _catalog() -> Catalog:
    years = {("a", "buurt"): (2022, 2024), ("a", "gemeente"): (2024,), ("b", "buurt"): (2024,),
             ("b", "wijk"): (2024,), ("b", "gemeente"): (2024,), ("a", "wijk"): (2024,)}
    return Catalog(
        titles={"a": "Indicator A", "b": "Indicator B"}, themes_of={"a": "demografie", "b": "wonen"},
        themes=("demografie", "wonen"), years=lambda i, n: years.get((i, n), ()),
        areas={"BU1": ("Buurt 1", "buurt"), "GM0106": ("Assen", "gemeente"), "DP1": ("Dorp", "dorp")},
        gemeenten={"GM0106": "Assen"}, preferred=("a",),
    )


SWITCH_PATHS = {("data", figures.TRACE_WAARDEN, k) for k in ("z", "customdata", "colorscale", "zmin", "zmax",
                                                              "hovertemplate")} | {
    ("data", figures.TRACE_GEHEIM, "z"), ("data", figures.TRACE_ONBETROUWBAAR, "z")}


@pytest.mark.parametrize("method", ["kwantielen", "gelijk", "jenks"])
def test_classify_gives_ascending_edges_covering_the_data(method):
    x = np.array([1, 2, 2, 3, 10, 11, 12, 30, 31, 100], dtype=float)
    edges = figures.classify(x, method, 5)
    assert edges[0] == 1 and edges[-1] == 100
    assert np.all(np.diff(edges) > 0)
    assert len(edges) - 1 <= 5


def test_jenks_finds_obvious_groups():
    x = np.array([1, 1.1, 1.2, 50, 51, 52, 100, 101, 102], dtype=float)
    edges = figures.classify(x, "jenks", 3)
    cls = figures.class_of(x, edges)
    assert list(cls) == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_classify_few_distinct_values_and_empty():
    assert len(figures.classify([5, 5, 5], "kwantielen")) == 2
    assert len(figures.classify([1, 2], "kwantielen")) == 3
    assert figures.classify([], "kwantielen").size == 0


def test_map_values_marks_secret_and_missing_and_ranks():
    vals = _frame(code=["A", "B", "C", "D"], waarde=[1.04, 2.0, np.nan, 3.0],
                  status=["ok", "ok", "geheim", "onbetrouwbaar"], rank_in_gemeente=[2, 1, pd.NA, pd.NA])
    mv = figures.map_values(["A", "B", "C", "D", "E"], vals, Meta(), 2024)
    assert mv.z == [1.0, 2.0, None, 3.0, None]  # rounded to the indicator's decimals; None shows the grey underlay
    assert mv.customdata == [2, 1, None, None, None]  # flat ranks, parallel to the locations
    assert mv.geheim == [2] and mv.onbetrouwbaar == [3]  # positions in the locations (properties.i)
    paths = mv.paths()  # the flag traces hold every area; z marks the flagged ones
    assert paths[(figures.TRACE_GEHEIM, "z")] == [None, None, 1, None, None]
    assert paths[(figures.TRACE_ONBETROUWBAAR, "z")] == [None, None, None, 1, None]
    assert "%{z:,.1f}%" in mv.hovertemplate and "%{properties.naam}" in mv.hovertemplate
    assert "Rang in gemeente (1 = hoogste): %{customdata}" in mv.hovertemplate
    assert "CBS 85984NED, 2024" in mv.hovertemplate
    counts = {i.kind: i.count for i in mv.legend if i.kind != "klasse"}
    assert counts == {"onbetrouwbaar": 1, "geheim": 1, "ontbreekt": 1}
    assert sum(i.count for i in mv.legend if i.kind == "klasse") == 3  # onbetrouwbaar values are classified too


@pytest.mark.parametrize("method", ["kwantielen", "gelijk", "jenks"])
def test_stepped_colorscale_paints_each_value_in_its_legend_class(method):
    rng = np.random.default_rng(3)
    x = np.round(rng.gamma(2, 10, 300), 1)  # many ties, values lying exactly on quantile edges
    codes = [f"A{i}" for i in range(x.size)]
    vals = _frame(code=codes, waarde=x, status=["ok"] * x.size, rank_in_gemeente=[1] * x.size)
    mv = figures.map_values(codes, vals, Meta(), 2024, method)
    edges = np.array(mv.edges)
    cls = figures.class_of(x, edges)
    colors = [i.color for i in mv.legend if i.kind == "klasse"]
    for value, c in zip(x, cls, strict=True):
        assert _plotly_color(mv.colorscale, mv.zmin, mv.zmax, value) == colors[c], (value, c)
    assert mv.colorscale[0][0] == 0 and mv.colorscale[-1][0] == 1
    assert all(a[0] <= b[0] for a, b in zip(mv.colorscale, mv.colorscale[1:], strict=False))


def test_value_template_matches_fmt_value_units():
    class Euro(Meta):
        unit, decimals = "euro", 0

    class Thousands(Meta):
        unit, decimals = "× 1.000 euro", 0

    assert figures.value_template(Euro()) == "€ %{z:,.0f}"
    assert figures.value_template(Thousands()) == "%{z:,.0f} (× 1.000 euro)"
    assert figures.value_template(Meta()) == "%{z:,.1f}%"


def test_apply_values_writes_the_same_paths_into_a_patch_and_a_figure():
    vals = _frame(code=["A"], waarde=[1.0], status=["ok"], rank_in_gemeente=[1])
    mv = figures.map_values(["A"], vals, Meta(), 2024)
    fig = figures.base_map("/geo/buurt-x.geojson", ["A"], (6, 52, 7, 53))
    fig_dict = fig.to_plotly_json()
    figures.apply_values(fig_dict, mv)
    patch = Patch()
    figures.apply_values(patch, mv)
    ops = patch.to_plotly_json()["operations"]
    assert {tuple(op["location"]) for op in ops} == {("data", t, k) for t, k in mv.paths()}
    assert fig_dict["data"][figures.TRACE_WAARDEN]["z"] == mv.z
    assert [t["name"] for t in fig_dict["data"]] == list(figures.MAP_TRACES)


def test_parse_kaart_defaults_and_round_trip():
    state, msgs = parse_kaart({}, _catalog())
    assert msgs == []
    assert state == KaartState(niveau="buurt", thema="demografie", indicator="a", jaar=2024)
    again, msgs = parse_kaart(dict(p.split("=") for p in kaart_query(state)[1:].split("&")), _catalog())
    assert again == state and msgs == []


@pytest.mark.parametrize(("query", "expected_msg", "field", "value"), [
    ({"niveau": "provincie"}, "Niveau 'provincie' bestaat niet", "niveau", "buurt"),
    ({"niveau": "dorp"}, "Dorpen hebben geen eigen grenzen", "niveau", "buurt"),
    ({"indicator": "zz"}, "Indicator 'zz' is onbekend", "indicator", "a"),
    ({"indicator": "a", "jaar": "1900"}, "Jaar '1900' heeft geen gegevens", "jaar", 2024),
    ({"jaar": "twee"}, "Jaar 'twee' is geen jaartal", "jaar", 2024),
    ({"code": "BU999"}, "Gebied 'BU999' uit de link is onbekend", "code", None),
    ({"gemeente": "GM0363"}, "Gemeente 'GM0363' hoort niet bij deze monitor", "gemeente", None),
    ({"klassen": "raar"}, "Indeling 'raar' is onbekend", "klassen", "kwantielen"),
    ({"thema": "sport"}, "Thema 'sport' is onbekend", "thema", "demografie"),
])
def test_parse_kaart_bad_values_give_dutch_message_and_fallback(query, expected_msg, field, value):
    state, msgs = parse_kaart(query, _catalog())
    assert any(expected_msg in m for m in msgs), msgs
    assert getattr(state, field) == value


def test_parse_kaart_indicator_without_data_on_level_falls_back():
    cat = Catalog(titles={"a": "A", "b": "B"}, themes_of={"a": "t", "b": "t"}, themes=("t",),
                  years=lambda i, n: (2024,) if i == "b" or (i, n) == ("a", "buurt") else (), areas={},
                  gemeenten={})
    state, msgs = parse_kaart({"indicator": "a", "niveau": "wijk"}, cat)
    assert state.indicator == "b" and "geen gegevens op wijkniveau" in msgs[0]


def test_parse_kaart_area_only_link_uses_area_level():
    state, _ = parse_kaart({"code": "gm0106"}, _catalog())
    assert state.code == "GM0106" and state.niveau == "gemeente"


def test_kaart_link_with_lower_case_code():
    state, msgs = parse_kaart({"code": "bu16800000"}, _case_catalog())
    assert state.code == "BU16800000" and msgs == []


def test_map_update_never_sends_geometry_and_patches_only_the_values(app):
    from dashboard import data
    from pages.kaart import views

    state, _ = parse_kaart({"niveau": "buurt", "indicator": "bevolkingsdichtheid", "jaar": "2024"}, data.catalog())
    fig, info, mv = views.map_update(state, None)
    full = fig.to_plotly_json()
    assert "coordinates" not in fig.to_json()  # the base figure names the geometry by URL
    urls = {t["geojson"] for t in full["data"]}
    assert all(u.startswith("/geo/") for u in urls) and any(u.startswith("/geo/buurt-") for u in urls)
    assert len(full["data"][figures.TRACE_WAARDEN]["locations"]) == 753
    assert full["layout"]["separators"] == ",."
    for ind in ("aandeel_65plus", "woz_gemiddeld", "misdrijven_per_1000"):
        other, _ = parse_kaart({"niveau": "buurt", "indicator": ind, "jaar": "2024"}, data.catalog())
        patch, info2, mv2 = views.map_update(other, info)
        assert isinstance(patch, Patch)
        ops = patch.to_plotly_json()["operations"]
        assert {tuple(op["location"]) for op in ops} == SWITCH_PATHS
        body = json.dumps(patch.to_plotly_json())
        assert "geojson" not in body and "coordinates" not in body and "BU0" not in body  # no codes either
        assert info2 == info
    assert mv2.onbetrouwbaar and all(isinstance(i, int) for i in mv2.onbetrouwbaar)


def test_map_update_classes_switch_is_a_patch_too(app):
    from dashboard import data
    from pages.kaart import views

    state, _ = parse_kaart({"niveau": "buurt", "indicator": "aandeel_65plus", "jaar": "2024"}, data.catalog())
    _, info, mv = views.map_update(state, None)
    jenks, _ = parse_kaart({"niveau": "buurt", "indicator": "aandeel_65plus", "jaar": "2024", "klassen": "jenks"},
                           data.catalog())
    patch, _, mv2 = views.map_update(jenks, info)
    assert {tuple(op["location"]) for op in patch.to_plotly_json()["operations"]} == SWITCH_PATHS
    assert mv2.z == mv.z and mv2.colorscale != mv.colorscale


def test_map_update_new_level_sends_full_figure(app):
    from dashboard import data
    from pages.kaart import views

    state, _ = parse_kaart({"niveau": "buurt"}, data.catalog())
    _, info, _ = views.map_update(state, None)
    wijk, _ = parse_kaart({"niveau": "wijk"}, data.catalog())
    fig, info2, _ = views.map_update(wijk, info)
    assert not isinstance(fig, Patch) and info2["key"].startswith("wijk|")
    assert fig.data[figures.TRACE_WAARDEN].geojson.startswith("/geo/wijk-2022.geojson?v=")


def test_click_on_any_trace_gives_the_area_code(app):
    from dashboard import data
    from pages.kaart import views

    state, _ = parse_kaart({"niveau": "buurt", "indicator": "misdrijven_per_1000", "jaar": "2024"}, data.catalog())
    _, geo, mv = views.map_update(state, None)
    locations = data.geometry(*geo["key"].split("|"))["locations"]
    i = mv.onbetrouwbaar[0]
    click = {"points": [{"curveNumber": figures.TRACE_ONBETROUWBAAR, "location": i}]}
    assert views.clicked_area(click, geo) == locations[i]
    assert views.clicked_area({"points": [{"location": "BU01060000"}]}, geo) == "BU01060000"
    assert views.clicked_area({"points": [{"location": 10**6}]}, geo) is None
    assert views.clicked_area({"points": [{"location": 3}]}, {"key": "x|y"}) is None
    assert views.clicked_area(None, geo) is None


def test_kaart_callbacks_as_functions(app):
    import pages.kaart.page as kaart

    fig, geo, restyle, legend, title, grens, bron = kaart.draw_map("gemeente", "inwoners", 2024, "kwantielen", "",
                                                                   [], None, None)
    assert "Inwoners" in title and geo["key"].startswith("gemeente|") and restyle is no_update
    assert legend["items"] and grens == [] and bron.startswith("Bron: CBS")  # gemeente borders need no note


def _update(ctx_id: str | None, **kw):
    """Call the one Kaart callback as Dash would after a change of ``ctx_id`` (None: the first call)."""
    import dash._callback_context as cc
    from dash._utils import AttributeDict

    import pages.kaart.page as kaart

    args = {"thema": "", "niveau": "buurt", "indicator": "aandeel_65plus", "jaar": 2024, "klassen": "kwantielen",
            "gemeente": "", "achtergrond": [], "code": None, "click": None, "weergave": "waarde", "van": None,
            "maat": "abs", "geo": None, **kw}
    prop = {"kaart-thema": "value", "kaart-graph": "clickData"}.get(ctx_id, "value")
    triggered = [{"prop_id": f"{ctx_id}.{prop}", "value": None}] if ctx_id else []
    token = cc.context_value.set(AttributeDict(triggered_inputs=triggered))
    try:
        out = getattr(kaart.update_map, "__wrapped__", kaart.update_map)(*args.values())
    finally:
        cc.context_value.reset(token)
    names = ("ind_options", "indicator", "year_options", "jaar", "area_options", "code", "figure", "geo", "waarden",
             "legend", "title", "grens", "bron", "card", "search", "thema", "melding", "tabel", "van_options", "van",
             "van_hidden", "weergave", "gebieden", "maat")
    return dict(zip(names, out, strict=True))


def test_one_callback_per_user_action_on_kaart(app):
    """Every Kaart action is one server callback; nothing of the map waits on another server callback."""
    client = app.server.test_client()
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    server = [d for d in deps if d["clientside_function"] is None and "kaart-" in d["output"]]
    by_input = {}
    for d in server:
        for i in d["inputs"]:
            by_input.setdefault(f"{i['id']}.{i['property']}", []).append(d["output"])
    for control in ("kaart-thema.value", "kaart-niveau.value", "kaart-indicator.value", "kaart-jaar.value",
                    "kaart-klassen.value", "kaart-gemeente.value", "kaart-gebied.value", "kaart-graph.clickData",
                    "kaart-weergave.value", "kaart-van.value", "kaart-maat.value"):
        assert len(by_input[control]) == 1, (control, by_input[control])
    # What the one callback writes is not the input of another server callback (no chains).
    (main,) = {o for k, outs in by_input.items() if k != "kaart-download-knop.n_clicks" for o in outs}
    outputs = {o.strip(".") for o in main.split("...")}
    assert not outputs & {k for k in by_input if k not in {
        "kaart-thema.value", "kaart-niveau.value", "kaart-indicator.value", "kaart-jaar.value",
        "kaart-gebied.value", "kaart-graph.clickData", "kaart-weergave.value", "kaart-van.value",
        "kaart-maat.value"}}
    assert {"kaart-url.search", "kaart-profiel.children", "kaart-waarden.data"} <= outputs
    restyle = [d for d in deps if d["output"] == "kaart-geverfd.data"]
    assert restyle and restyle[0]["clientside_function"] is not None


def test_indicator_switch_is_one_round_trip_with_a_client_side_restyle(app):
    first = _update(None)
    assert first["figure"] is not no_update and first["search"] is no_update and first["waarden"] is no_update
    geo = first["geo"]
    out = _update("kaart-indicator", indicator="woz_gemiddeld", geo=geo)
    assert out["figure"] is no_update and out["geo"] is no_update  # colours only: the browser restyles
    w = out["waarden"]
    assert set(w) == {"z", "customdata", "colorscale", "zmin", "zmax", "hovertemplate", "geheim", "onbetrouwbaar"}
    assert len(w["z"]) == 753 and w["geheim"] and "WOZ" in w["hovertemplate"]
    assert out["search"] == "?niveau=buurt&indicator=woz_gemiddeld&jaar=2024"
    assert "WOZ" in out["title"] and out["legend"]["items"] and out["card"] is no_update
    assert out["year_options"] and out["jaar"] is no_update  # 2024 exists for the new indicator: kept
    # The same values a Patch would carry (so restyle and figure cannot drift apart).
    body = json.dumps(w)
    assert "coordinates" not in body and "BU0" not in body
    classes = _update("kaart-klassen", indicator="woz_gemiddeld", klassen="jenks", geo=geo)
    assert classes["figure"] is no_update and classes["waarden"]["z"] == w["z"]
    assert classes["year_options"] is no_update and classes["search"].endswith("klassen=jenks")


def test_theme_level_click_and_gemeente_in_one_round_trip(app):
    geo = _update(None)["geo"]
    theme = _update("kaart-thema", thema="wonen", indicator="inwoners", geo=geo)
    assert theme["indicator"] not in (no_update, "inwoners") and all(o["value"] != "inwoners"
                                                                     for o in theme["ind_options"])
    assert f"indicator={theme['indicator']}" in theme["search"] and theme["waarden"] is not no_update
    click = _update("kaart-graph", click={"points": [{"location": "BU01060000"}]}, geo=geo)
    assert click["code"] == "BU01060000" and click["search"].endswith("code=BU01060000")
    assert isinstance(click["figure"], Patch)  # the outline; with the values, so Dash's figure stays current
    ops = {tuple(op["location"]) for op in click["figure"].to_plotly_json()["operations"]}
    assert ("data", figures.TRACE_SELECTIE, "locations") in ops and SWITCH_PATHS <= ops
    assert "/profiel?code=BU01060000" in json.dumps(click["card"], default=lambda c: c.to_plotly_json())
    level = _update("kaart-niveau", niveau="gemeente", code="BU01060000", geo=geo)
    assert level["code"] is None and level["area_options"] and not isinstance(level["figure"], Patch)
    assert level["search"] == "?niveau=gemeente&indicator=aandeel_65plus&jaar=2024"
    zoom = _update("kaart-gemeente", gemeente="GM0106", geo=geo)
    assert isinstance(zoom["figure"], Patch) and zoom["search"].endswith("gemeente=GM0106")
    from dash.exceptions import PreventUpdate

    with pytest.raises(PreventUpdate):  # a click beside the areas changes nothing
        _update("kaart-graph", click={"points": []}, geo=geo)


def test_area_card_has_profile_link_and_benchmarks(app):
    from dashboard import data
    from pages.kaart import views

    state, _ = parse_kaart({"niveau": "buurt", "indicator": "aandeel_65plus", "jaar": "2024"}, data.catalog())
    card = json.dumps(views.area_card("BU01060000", state), default=lambda c: c.to_plotly_json())
    assert "/profiel?code=BU01060000" in card
    assert "Drenthe (12 gemeenten)" in card and "Rang in gemeente" in card


def test_kaart_csv_is_dutch_excel_friendly(app):
    from dashboard import data
    from pages.kaart import views

    state, _ = parse_kaart({"niveau": "gemeente", "indicator": "aandeel_65plus", "jaar": "2024"}, data.catalog())
    text, name = views.kaart_csv(state)
    lines = text.strip().splitlines()
    assert lines[0].startswith("code;naam;gemeente") and len(lines) == 14
    assert name == "dorpenmonitor_aandeel_65plus_gemeente_2024.csv"
    assert "," in lines[1].split(";")[7]  # decimal comma


def test_indicator_switch_sends_legend_as_data_and_leaves_geometry_outputs_alone(app):
    """The non-figure outputs of a switch are small: legend data, title, source line (see bench/bench.py)."""
    import pages.kaart.page as kaart

    first = kaart.draw_map("buurt", "woz_gemiddeld", 2024, "kwantielen", "", [], None, None)
    geo = first[1]
    assert "benaderd" in json.dumps(first[5], default=lambda c: c.to_plotly_json())
    fig, geo2, restyle, spec, title, grens, bron = kaart.draw_map("buurt", "aandeel_65plus", 2024, "kwantielen",
                                                                  "", [], None, geo)
    assert fig is no_update and geo2 is no_update and grens is no_update
    assert "Aandeel 65-plussers" in title and "2024" in bron
    assert set(spec) == {"eenheid", "hint", "items", "uitleg"} and spec["uitleg"].endswith("aantal buurten.")
    assert len(json.dumps(spec, ensure_ascii=False)) < 700
    kinds = [k for *_, k in spec["items"]]
    assert kinds[0] == "klasse" and kinds.count("klasse") == 5
    # Text label and count beside every colour (not colour alone); the swatches are the map's class colours.
    scale_colors = {c for _, c in restyle["colorscale"]}
    for label, color, count, kind in spec["items"]:
        assert label and isinstance(count, int)
        if kind == "klasse":
            assert color in scale_colors and color.startswith("#")
    # woz_gemiddeld had geheim buurten; the switch to a complete indicator drops rows that no longer occur.
    assert all(count for label, color, count, kind in spec["items"] if kind != "klasse")


def test_legend_renderer_is_registered_clientside(app):
    import pages.kaart.page as kaart

    client = app.server.test_client()
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    legend = [d for d in deps if d["output"] == "kaart-legenda.children"]
    assert legend and legend[0]["clientside_function"] is not None
    assert [i["id"] for i in legend[0]["inputs"]] == ["kaart-legenda-data"]
    for needle in ("legenda-item legenda-", "swatch", "aria-label", "Geen gegevens om te tonen."):
        assert needle in kaart.LEGEND_JS


def test_online_basemap_switches_trace_type_and_keeps_patch_paths(app, monkeypatch):
    import pages.kaart.page as kaart
    from dashboard import data

    args = ("buurt", "aandeel_65plus", 2024, "kwantielen", "")
    fig, geo, *_ = kaart.draw_map(*args, [], None, None)
    offline = fig.to_plotly_json()
    assert {t["type"] for t in offline["data"]} == {"choropleth"} and "online" not in geo

    # Setting off (the default): the toggle's value is ignored, nothing online ever.
    same, _, restyle, *_ = kaart.draw_map(*args, [kaart.ONLINE], None, geo)
    assert same is no_update and restyle is not no_update

    def toggle_label() -> bool:
        return "Achtergrondkaart (online, OpenStreetMap)" in json.dumps(
            kaart.layout().to_plotly_json(), default=lambda c: c.to_plotly_json())

    assert not toggle_label()
    monkeypatch.setattr(data.manager(), "online_basemap", True)
    assert toggle_label()
    fig, geo_on, *_ = kaart.draw_map(*args, [kaart.ONLINE], None, geo)
    assert not isinstance(fig, Patch) and geo_on["online"] is True and geo_on["key"] == geo["key"]
    online = fig.to_plotly_json()
    assert [t["type"] for t in online["data"]] == ["choroplethmap"] * len(figures.MAP_TRACES)
    assert [t["name"] for t in online["data"]] == [t["name"] for t in offline["data"]]
    assert [t["geojson"] for t in online["data"]] == [t["geojson"] for t in offline["data"]]  # same static files
    assert online["data"][figures.TRACE_WAARDEN]["z"] == offline["data"][figures.TRACE_WAARDEN]["z"]
    assert online["layout"]["map"]["style"] == "open-street-map" and "geo" not in online["layout"]
    assert online["layout"]["map"]["zoom"] > 6 and 52 < online["layout"]["map"]["center"]["lat"] < 53.5
    assert any("OpenStreetMap-bijdragers" in a["text"] for a in online["layout"]["annotations"])

    patch, geo_on2, restyle, *_ = kaart.draw_map("buurt", "woz_gemiddeld", 2024, "kwantielen", "", [kaart.ONLINE],
                                                 None, geo_on)
    assert patch is no_update and set(restyle) >= {"z", "colorscale", "geheim"}
    # Zooming to a gemeente patches the online map's centre and zoom, not geo's axis ranges.
    zoom, *_ = kaart.draw_map("buurt", "woz_gemiddeld", 2024, "kwantielen", "GM0106", [kaart.ONLINE], None, geo_on)
    layout_ops = {tuple(op["location"][:2]) for op in zoom.to_plotly_json()["operations"]
                  if op["location"][0] == "layout"}
    assert layout_ops == {("layout", "map")}

    back, geo_off, *_ = kaart.draw_map(*args, [], None, geo_on)
    assert not isinstance(back, Patch) and "online" not in geo_off
    assert {t["type"] for t in back.to_plotly_json()["data"]} == {"choropleth"}


def test_map_sources_are_the_tables_of_that_level_and_year(app):
    from dashboard import data
    from pages.kaart import views

    state, _ = parse_kaart({"niveau": "gemeente", "indicator": "inwoners", "jaar": "2005"}, data.catalog())
    tables = data.service().source_tables("inwoners", "gemeente", 2005)
    assert tables and len(tables) < len(data.indicator("inwoners").sources)
    note = views.source_note(state)
    assert note.startswith(f"Bron: CBS {', '.join(tables)}, 2005")
    assert "85984NED" not in note  # a 2024 table: listed in the indicator's metadata, not used for 2005
    mv = views.map_values_for(state, data.geometry("gemeente", "2022")["locations"])
    assert f"Bron: CBS {', '.join(tables)}, 2005" in mv.hovertemplate
    text, _ = views.kaart_csv(state)
    assert text.splitlines()[1].endswith(f";CBS {', '.join(tables)}")


def test_area_card_of_a_gemeente_ranks_among_the_13_and_compares_with_the_total(app):
    from dashboard import data
    from pages.kaart import views

    state, _ = parse_kaart({"niveau": "gemeente", "indicator": "aandeel_65plus", "jaar": "2024"}, data.catalog())
    card = json.dumps(views.area_card("GM0106", state), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    b = data.benchmarks("aandeel_65plus", "GM0106", 2024)
    assert "Rang onder de 13 gemeenten" in card and f"{b.rank_in_gemeente} van {b.count_in_gemeente}\"" in card
    assert "13 gemeenten" in card and "Drenthe (12 gemeenten)" in card
    assert "Gemeente Assen" not in card and " in Assen" not in card and "Rang in gemeente" not in card


@pytest.mark.parametrize("bounds", [(6.75, 52.62, 7.10, 52.90),   # tall (like Emmen)
                                    (6.35, 52.45, 6.95, 52.68)])  # wide (like Hardenberg)
def test_a_zoomed_gemeente_is_framed_in_the_map_boxs_shape(bounds):
    """Plotly's geo clips at its lon/lat range: a range of another shape than the box cut the neighbouring gemeenten
    off along a straight edge in the middle of the map. The range now has the box's shape and holds the bounds."""
    layout = figures.view_layout(bounds)["geo"]
    (x0, x1), (y0, y1) = layout["lonaxis"]["range"], layout["lataxis"]["range"]
    assert x0 < bounds[0] and x1 > bounds[2] and y0 < bounds[1] and y1 > bounds[3]
    aspect = np.radians(x1 - x0) / (figures._merc(y1) - figures._merc(y0))
    assert aspect == pytest.approx(figures.MAP_ASPECT, rel=1e-4)
    # the bounds stay centred in the box
    assert (x0 + x1) / 2 == pytest.approx((bounds[0] + bounds[2]) / 2, abs=1e-5)


def test_the_map_box_has_the_shape_the_ranges_are_made_for(app):
    from pages.kaart import page as kaart

    style = json.dumps(kaart.layout().to_plotly_json(), default=lambda o: o.to_plotly_json()
                       if hasattr(o, "to_plotly_json") else str(o))
    assert f'"aspectRatio": "{figures.MAP_ASPECT}"' in style
    assert f"calc(var(--kaart-hoogte) * {figures.MAP_ASPECT})" in style
    assert f"W = L + R + Math.round((H - T - B) * {figures.MAP_ASPECT})" in kaart.EXPORT_JS  # the PNG's map too


def test_an_indicator_without_any_data_says_so_not_just_for_this_level(app):
    """'Geen gegevens op wijkniveau' for Wmo-cliënten suggested another level had them; none has."""
    from dashboard import data
    from pages.kaart import views
    from pages.kaart.state import parse_kaart

    catalog = data.catalog()
    assert catalog.no_data("wmo_per_1000", "wijk") == "op geen enkel niveau gegevens"
    assert catalog.no_data("misdrijven", "wijk") == "geen gegevens op wijkniveau"
    msgs = parse_kaart({"indicator": "wmo_per_1000", "niveau": "wijk"}, catalog)[1]
    assert msgs[0].startswith("Voor 'Wmo-cliënten per 1.000 inwoners' zijn op geen enkel niveau gegevens; we tonen")
    labels = {o["value"]: o["label"] for o in views.indicator_options("sociaal domein", "buurt")}
    assert labels["wmo_per_1000"].endswith("(geen gegevens)")
    assert labels["arbeidsparticipatie"].endswith("(geen gegevens op buurtniveau)")
