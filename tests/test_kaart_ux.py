"""Issue 10, what users tripped over on Kaart: unreliable values, legend counts per gemeente, indicators without
data, the ranked table. Callback- and view-level (the browser parts are in tests/test_browser_kaart_ux.py)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

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


def test_indicators_without_data_at_the_level_are_offered_disabled_with_the_reason(app):
    from pages.kaart import views

    opts = views.indicator_options("energie", "buurt")
    stads = [o for o in opts if o["value"] == "aandeel_stadsverwarming"][0]
    assert stads["disabled"] and stads["label"].endswith("(geen gegevens)")  # none at any level
    assert opts[-1]["disabled"] and not opts[0].get("disabled")  # usable ones first
    across = views.indicator_options("demografie", "buurt", across=True)
    assert any(o["value"] == "woz_gemiddeld" and "wonen" in o["label"] for o in across)
    cat = views.indicator_catalogue()
    woz = [c for c in cat if c[1] == "woz_gemiddeld"][0]
    assert woz[2] == "wonen" and "buurt" in woz[3]
    assert [c for c in cat if c[1] == "aandeel_stadsverwarming"][0][3] == []


def _update(ctx_id, **kw):
    from tests.test_page_kaart import _update as update

    return update(ctx_id, **kw)


def _said(out) -> str:
    return _dump(out["melding"])


def test_theme_switch_that_replaces_the_indicator_says_so(app):
    out = _update("kaart-thema", thema="wonen", indicator="aandeel_65plus")
    assert out["indicator"] not in (no_update_value(), "aandeel_65plus")
    assert "Aandeel 65-plussers" in _said(out) and "hoort niet bij thema 'wonen'" in _said(out)
    kept = _update("kaart-thema", thema="demografie", indicator="aandeel_65plus")
    assert kept["indicator"] is no_update_value() and "Let op" not in _said(kept)


def test_level_switch_to_a_level_without_the_indicator_changes_the_dropdown_and_says_so(app):
    """Issue 10: the dropdown stayed on the indicator while the map silently showed Bevolkingsdichtheid."""
    from dashboard import data

    ind = next(i for i in data.catalog().titles if data.years(i, "buurt") and not data.years(i, "wijk"))
    out = _update("kaart-niveau", niveau="wijk", indicator=ind)
    assert out["indicator"] not in (no_update_value(), ind)  # the dropdown shows what the map shows
    assert out["indicator"] in out["title"] or data.indicator(out["indicator"]).title in out["title"]
    assert "geen gegevens op wijkniveau" in _said(out)
    assert any(o.get("disabled") and o["value"] == ind for o in out["ind_options"])


def test_indicator_found_in_another_theme_moves_the_theme_along(app):
    out = _update("kaart-indicator", thema="demografie", indicator="woz_gemiddeld")
    assert out["thema"] == "wonen"
    assert "woz_gemiddeld" in [o["value"] for o in out["ind_options"]]
    assert "WOZ" in out["title"]


def test_indicator_search_runs_in_the_browser_over_all_themes(app):
    client = app.server.test_client()
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    search = [d for d in deps if any(i["property"] == "search_value" and i["id"] == "kaart-indicator"
                                     for i in d["inputs"])]
    assert len(search) == 1 and search[0]["clientside_function"] is not None


def no_update_value():
    from dash import no_update

    return no_update


def _rows(out, areas=None):
    """The table rows the browser draws from one callback's outputs (views.ranking_rows mirrors RANKING_JS)."""
    from pages.kaart import views

    w = out["waarden"] if isinstance(out["waarden"], dict) else None
    return views.ranking_rows(out["tabel"], areas if areas is not None else out["gebieden"], w)


def test_ranked_table_answers_which_emmen_buurten_have_the_most_65_plussers(app):
    from dashboard import data

    out = _update("kaart-gemeente", gemeente="GM0114", indicator="aandeel_65plus")
    spec, rows = out["tabel"], _rows(out)
    vals = data.values("aandeel_65plus", "buurt", 2024)
    emmen = vals[vals["gemeente_code"] == "GM0114"]
    assert len(rows) == len(emmen) and spec["gemeente"] is False and "Emmen" in spec["titel"]
    # Reliable values first (a buurt of a few people at 100% 65-plussers is 'onbetr.' and ranks below them).
    ranked = [r for r in rows if r[4] is not None and r[5] != "o"]
    assert rows[:len(ranked)] == ranked
    assert [r[4] for r in ranked] == sorted((r[4] for r in ranked), reverse=True)
    ok = emmen[emmen["status"] == "ok"]
    top = ok.loc[pd.to_numeric(ok["waarde"]).idxmax()]
    assert ranked[0][0] == top["code"] and ranked[0][3].endswith("%")
    assert {r[5] for r in rows} <= {"", "o", "g", "-"} and any(r[5] == "o" for r in rows)
    assert "Aandeel 65-plussers" in spec["kop"] and spec["profiel"].endswith("/profiel")
    everywhere = _update("kaart-indicator", indicator="woz_gemiddeld")
    rows = _rows(everywhere)
    assert len(rows) == 753 and everywhere["tabel"]["gemeente"] is True
    assert rows[-1][4] is None  # geheim / missing last
    assert len(json.dumps(everywhere["tabel"], ensure_ascii=False)) < 20_000


def _reference_rows(indicator, niveau, jaar, gemeente=None):
    """The rows as the server built them before issue 11's compact table (code, name, gemeente, text, value,
    flag per area, from IndicatorService.values): what the browser must still show."""
    from dashboard import data
    from dashboard.formatting import fmt_short, status_word

    meta = data.indicator(indicator)
    vals = data.values(indicator, niveau, jaar)
    if gemeente:
        vals = vals[vals["gemeente_code"] == gemeente]
    names = data.region_names()
    own_col = not gemeente and niveau != "gemeente"
    out = {}
    for r in vals.itertuples(index=False):
        w = pd.to_numeric(r.waarde, errors="coerce")
        ok = pd.notna(w) and r.status in ("ok", "onbetrouwbaar")
        v = round(float(w), max(int(meta.decimals), 0)) if ok else None
        v = int(v) if ok and meta.decimals <= 0 else v
        f = ("o" if r.status == "onbetrouwbaar" else "") if ok else ("g" if r.status == "geheim" else "-")
        text = fmt_short(v, meta) if ok else status_word("geheim" if f == "g" else "ontbreekt")
        out[r.code] = [r.code, r.naam, names.get(r.gemeente_code, "") if own_col else "", text, v, f, None]
    return out


@pytest.mark.parametrize(("indicator", "niveau", "gemeente"), [
    ("woz_gemiddeld", "buurt", None), ("misdrijven_per_1000", "buurt", None), ("aandeel_65plus", "buurt", "GM0114"),
    ("inkomen_per_inwoner", "wijk", None), ("bevolkingsdichtheid", "gemeente", None)])
def test_compact_ranked_table_shows_what_the_server_rows_showed(app, indicator, niveau, gemeente):
    """Issue 11: a switch sends only values and flags (names, gemeenten once per level); the rows are the same."""
    first = _update(None, niveau=niveau, indicator="aandeel_65plus", gemeente=gemeente or "")
    areas = first["gebieden"]
    assert areas["key"] == first["geo"]["url"] and len(areas["codes"]) == len(set(areas["codes"]))
    switch = _update("kaart-indicator", niveau=niveau, indicator=indicator, gemeente=gemeente or "",
                     geo=first["geo"])
    assert switch["gebieden"] is no_update_value()  # same geometry: the areas stay in the browser
    spec = switch["tabel"]
    assert spec["uit_kaart"] is True and not {"z", "geheim", "onbetrouwbaar", "rows"} & set(spec)
    assert len(json.dumps(spec, ensure_ascii=False)) < 1_000
    rows = _rows(switch, areas)
    expected = _reference_rows(indicator, niveau, 2024, gemeente)
    assert {r[0]: r for r in rows} == expected
    # The same rows when the values come in the spec itself (a full figure, a gemeente zoom).
    full = _update(None, niveau=niveau, indicator=indicator, gemeente=gemeente or "")
    assert _rows(full) == rows


def test_a_click_leaves_the_ranked_table_alone(app):
    first = _update(None)
    out = _update("kaart-gebied", code="BU01060000", geo=first["geo"])
    assert out["tabel"] is no_update_value() and out["gebieden"] is no_update_value()


def test_ranked_table_of_gemeenten_has_no_gemeente_column(app):
    """A gemeente's own gemeente column only repeated its name and squeezed names to 'Hardenb|erg'."""
    from pages.kaart import views
    from pages.kaart.state import KaartState

    state = KaartState(niveau="gemeente", indicator="inwoners", jaar=2024)
    spec, areas = views.ranking_data(state), views.ranking_areas(state)
    rows = views.ranking_rows(spec, areas)
    assert spec["gemeente"] is False and len(rows) == 13 and all(r[2] == "" for r in rows)
    change = views.change_ranking(KaartState(niveau="gemeente", indicator="inwoners", jaar=2024, weergave="verandering",
                                             van=2017, maat="abs"))
    rows = views.ranking_rows(change, areas)
    assert change["gemeente"] is False and len(rows) == 13 and all(r[2] == "" for r in rows)


def test_unreliable_values_rank_below_the_reliable_ones(app):
    """Misdrijven per 1.000 for buurten opened with eight 'onbetr.' rows (5.200,0 for a buurt of a few people):
    small numbers rank below the reliable values, areas without a value last."""
    from pages.kaart import views
    from pages.kaart.state import KaartState

    state = KaartState(niveau="buurt", indicator="misdrijven_per_1000", jaar=2024)
    rows = views.ranking_rows(views.ranking_data(state), views.ranking_areas(state))
    tiers = [2 if r[4] is None else 1 if r[5] == "o" else 0 for r in rows]
    assert tiers == sorted(tiers) and 0 in tiers and 1 in tiers and rows[0][5] == ""
    reliable = [r[4] for r, t in zip(rows, tiers, strict=True) if t == 0]
    assert reliable == sorted(reliable, reverse=True)


def test_ranked_table_is_drawn_and_sorted_in_the_browser(app):
    client = app.server.test_client()
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    table = [d for d in deps if "kaart-tabel-kop.children" in d["output"]]
    assert len(table) == 1 and table[0]["clientside_function"] is not None
    assert {"id": "kaart-tabel-data", "property": "data"} in table[0]["inputs"]
    # The rows themselves are written as plain DOM (Dash components: minutes for 753 rows after a switch).
    assert not [d for d in deps if "kaart-tabel-rijen" in d["output"]]


def test_choosing_a_change_for_a_one_year_indicator_says_which_year_it_has(app):
    """The default map (Bevolkingsdichtheid, buurten) has 2024 only: the 'Verandering' choice falls back and
    the message names the indicator, the level and its one year."""
    out = _update("kaart-weergave", indicator="bevolkingsdichtheid", weergave="verandering")
    assert out["weergave"] == "waarde" and out["van_hidden"] is True
    assert "'Bevolkingsdichtheid' op buurtniveau heeft alleen 2024" in _said(out)
