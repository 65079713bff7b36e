"""Issue 10, what users tripped over on Kaart: unreliable values, legend counts per gemeente, indicators without
data, the ranked table. Callback- and view-level (the browser parts are in tests/test_browser_kaart_ux.py)."""

from __future__ import annotations

import json

import pandas as pd

from pages.kaart import figures


class Meta:
    id = "x"
    title = "Aandeel"
    unit = "%"
    direction = "neutraal"
    decimals = 1
    sources = ("85984NED",)


def _dump(component) -> str:
    return json.dumps(component, default=lambda c: c.to_plotly_json())


def test_unreliable_values_do_not_set_the_class_breaks():
    codes = [f"BU{i:04d}" for i in range(12)]
    vals = pd.DataFrame({"code": codes, "naam": codes, "gemeente_code": "GM0001",
                         "waarde": [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 100.0],
                         "status": ["ok"] * 11 + ["onbetrouwbaar"], "rank_in_gemeente": range(1, 13), "note": ""})
    mv = figures.map_values(codes, vals, Meta, 2024, "gelijk")
    assert mv.edges[-1] == 20.0 and mv.zmax == 20.0  # was 100: one small buurt stretched the top class
    assert mv.onbetrouwbaar == [11] and mv.z[11] == 100.0
    assert sum(item.count for item in mv.legend if item.kind == "klasse") == 12  # painted in the top class


def test_nieuw_dordrecht_100_percent_is_flagged_and_out_of_the_top_class(app):
    from dashboard import data
    from pages.kaart import views
    from pages.kaart.state import parse_kaart

    vals = data.values("aandeel_65plus", "buurt", 2024)
    hit = vals[vals["naam"] == "Verspreide huizen Nieuw-Dordrecht"].iloc[0]
    assert hit["status"] == "onbetrouwbaar" and hit["waarde"] == 100.0
    state, _ = parse_kaart({"niveau": "buurt", "indicator": "aandeel_65plus", "jaar": "2024", "klassen": "gelijk"},
                           data.catalog())
    geom = data.geometry(*views.geo_key(state).split("|"))
    mv = views.map_values_for(state, geom["locations"])
    assert mv.edges[-1] < 100.0
    top = [item.label for item in mv.legend if item.kind == "klasse"][-1]
    assert not top.endswith("100,0")
    card = _dump(views.area_card(hit["code"], state))
    assert "onbetrouwbaar" in card and "noemer 5" in card and "kaart-profiel-onbetrouwbaar" in card


def test_legend_counts_follow_the_gemeente_filter(app):
    import pages.kaart.page as kaart

    all_spec = kaart.draw_map("buurt", "aandeel_65plus", 2024, "kwantielen", "", [], None, None)[3]
    emmen = kaart.draw_map("buurt", "aandeel_65plus", 2024, "kwantielen", "GM0114", [], None, None)[3]
    def count(spec):
        return sum(i[2] for i in spec["items"] if i[3] != "onbetrouwbaar")  # those are in a class too

    assert count(all_spec) == 753 and 0 < count(emmen) < 200
    assert [i[0] for i in emmen["items"] if i[3] == "klasse"] == [i[0] for i in all_spec["items"] if i[3] == "klasse"]
    assert "in Emmen" in emmen["uitleg"]
