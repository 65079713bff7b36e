"""Kaart: one indicator for all gemeenten, wijken or buurten, with a short profile of a clicked area.

State lives in the URL (``/?niveau=buurt&indicator=...&jaar=2024&code=BU...``).
Switching indicator, year or classes sends only the new values (a ``Patch``)
plus the legend as compact data that the browser draws (``LEGEND_JS``); the
geometry is a static GeoJSON file per level that plotly.js fetches by URL
(and the browser caches). By default the map needs nothing from the internet;
with the setting ``online_basemap`` a toggle puts it over OpenStreetMap.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from dashboard import data, links
from dashboard.layout import alert, choice_group, control, dropdown
from dashboard.series import period_break_reason, period_label
from dashboard.validate import as_choice, as_dict, as_list, as_str, as_year, dig
from indicators import THEMES
from pages.kaart import views
from pages.kaart.figures import CLASS_METHODS, MAP_ASPECT, TRACE_GEHEIM, TRACE_LEEG, TRACE_ONBETROUWBAAR, TRACE_WAARDEN
from pages.kaart.state import (
    DEFAULT_MAAT,
    DEFAULT_NIVEAU,
    DEFAULT_WEERGAVE,
    MATEN,
    NIVEAUS,
    WEERGAVEN,
    KaartState,
    kaart_from_controls,
    kaart_query,
    no_change_message,
    no_pct_message,
    parse_kaart,
)

dash.register_page(__name__, path="/", name="Kaart", title="Kaart · Dorpenmonitor Drenthe", order=0)

GRAPH_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "scrollZoom": True,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
    # Plotly's geo subplot asks for a world topojson even with the basemap hidden; serve an empty one locally.
    "topojsonURL": "/assets/topojson/",  # behind the URL prefix: see graph_config()
    "locale": "nl",
    # The vendored bundle's 'nl' locale lacks the geo buttons' texts; these take precedence over it per key.
    "locales": {"nl": {"dictionary": {
        "Pan": "Verschuiven", "Zoom in": "Inzoomen", "Zoom out": "Uitzoomen", "Reset": "Beginweergave",
        "Show closest data on hover": "Dichtstbijzijnde gebied tonen bij aanwijzen",
        "Download plot as a PNG": "Kaart downloaden als PNG", "Autoscale": "Automatisch schalen",
        "Reset axes": "Assen herstellen", "Zoom": "Inzoomen",
        "Double-click to zoom back out": "Dubbelklik om uit te zoomen",
    }}},
}


def graph_config() -> dict[str, Any]:
    """GRAPH_CONFIG with the topojson folder behind the app's URL prefix."""
    return {**GRAPH_CONFIG, "topojsonURL": links.prefixed(GRAPH_CONFIG["topojsonURL"])}


def _controls(state: KaartState) -> html.Section:
    themes = [{"label": "Alle thema's", "value": ""}] + [{"label": t.capitalize(), "value": t} for t in THEMES]
    gemeenten = [{"label": "Alle gemeenten", "value": ""}] + sorted(
        ({"label": n, "value": c} for c, n in data.catalog().gemeenten.items()), key=lambda o: o["label"])
    return html.Section(
        [
            html.H2("Kies", className="visueel-verborgen"),
            choice_group("Niveau", "kaart-niveau", views.niveau_options(), state.niveau, row=True),
            control("Thema", dropdown("kaart-thema", options=themes, value=state.thema or "", clearable=False,
                                      searchable=False), "kaart-thema"),
            control("Indicator", dropdown("kaart-indicator", options=views.indicator_options(state.thema, state.niveau),
                                          value=state.indicator, clearable=False), "kaart-indicator",
                    hint="Typ om in alle thema's te zoeken."),
            control("Jaar", dropdown("kaart-jaar", options=views.year_options(state.indicator, state.niveau),
                                     value=state.jaar, clearable=False, searchable=False), "kaart-jaar",
                    hint="Alleen jaren met gegevens voor deze indicator."),
            choice_group("Weergave", "kaart-weergave", [{"label": v, "value": k} for k, v in WEERGAVEN.items()],
                         state.weergave if state.verandering else DEFAULT_WEERGAVE),
            html.Div([
                control("Van (beginjaar)", dropdown("kaart-van", options=views.from_year_options(state),
                                                    value=state.van, clearable=False, searchable=False),
                        "kaart-van", hint="De verandering loopt van dit jaar tot het jaar hierboven."),
                choice_group("Verschil", "kaart-maat", [{"label": v, "value": k} for k, v in MATEN.items()],
                             state.maat, row=True),
            ], id="kaart-verandering-keuzes", hidden=not state.verandering),
            control("Gemeente", dropdown("kaart-gemeente", options=gemeenten, value=state.gemeente or "",
                                         clearable=False), "kaart-gemeente", hint="Zoomt in; de klassen blijven."),
            control("Gebied", dropdown("kaart-gebied", options=views.area_options(state.niveau), value=state.code,
                                       placeholder="Kies of klik op de kaart…"), "kaart-gebied"),
            choice_group("Klassenindeling", "kaart-klassen",
                         [{"label": v, "value": k} for k, v in CLASS_METHODS.items()], state.klassen),
            _basemap_toggle(),
            html.Button("Download CSV", id="kaart-download-knop", className="knop", n_clicks=0,
                        **{"aria-describedby": "kaart-download-uitleg"}),
            html.Button("Download kaart (PNG)", id="kaart-png-knop", className="knop knop-png", n_clicks=0,
                        **{"aria-describedby": "kaart-png-uitleg"}),
            html.Small("Kaart met titel, legenda en bron, zoals nu in beeld.", id="kaart-png-uitleg",
                       className="veld-hint"),
            dcc.Store(id="kaart-png"),
            html.Small("Wat de kaart toont: de waarden, of bij een verandering beide jaren en het verschil; "
                       "puntkomma-gescheiden (Excel NL).", id="kaart-download-uitleg",
                       className="veld-hint"),
            dcc.Download(id="kaart-download"),
        ],
        className="paneel bediening", **{"aria-label": "Keuzes voor de kaart"},
    )


def _ranking_table() -> html.Div:
    """The ranked, sortable table of the areas on the map (drawn in the browser by RANKING_JS).

    The accessible alternative to the map, and the answer to 'which Emmen buurten have the most 65-plussers'
    without hovering. The header buttons sort; ``aria-sort`` says how.
    """
    def sort_button(label: str, id_: str) -> html.Button:
        return html.Button([label, html.Span("", className="sorteer-pijl", **{"aria-hidden": "true"})], id=id_,
                           n_clicks=0, className="sorteer-knop", type="button")

    return html.Div(
        [
            html.H2("Ranglijst", id="kaart-tabel-titel", className="vak-titel"),
            html.P(id="kaart-tabel-kop", className="klein"),
            html.Div(
                html.Table(
                    [
                        html.Caption("Gebieden gerangschikt naar de waarde op de kaart", className="visueel-verborgen"),
                        html.Thead(html.Tr([
                            html.Th("Nr.", scope="col", className="rang-nr"),
                            html.Th(sort_button("Gebied", "kaart-tabel-sorteer-naam"), scope="col",
                                    id="kaart-tabel-th-naam", **{"aria-sort": "none"}),
                            html.Th("Gemeente", scope="col", id="kaart-tabel-th-gemeente", className="rang-gm"),
                            html.Th(sort_button("Waarde", "kaart-tabel-sorteer-waarde"), scope="col",
                                    id="kaart-tabel-th-waarde", className="getal", **{"aria-sort": "descending"}),
                        ])),
                        # Filled by RANKING_JS as plain DOM (fast for 753 rows): never give it children here.
                        html.Tbody(id="kaart-tabel-rijen"),
                    ],
                    id="kaart-tabel", className="tabel rang-tabel",
                ),
                className="rang-scroll", tabIndex="0", role="region", **{"aria-labelledby": "kaart-tabel-titel"},
            ),
            html.Button("Toon alle", id="kaart-tabel-alle", n_clicks=0, className="knop", type="button", hidden=True),
            html.P("onbetr. = onbetrouwbaar (kleine aantallen); die staan onder de betrouwbare waarden, gebieden "
                   "zonder waarde onderaan.",
                   className="noot"),
            dcc.Store(id="kaart-tabel-data"),
            dcc.Store(id="kaart-tabel-gebieden"),
            dcc.Store(id="kaart-tabel-sortering", data={"op": "waarde", "dalend": True, "alle": False}),
        ],
        # Not a landmark itself: the scrolling table inside is the region named by the heading (landmark-unique).
        className="rang-vak",
    )


#: Value of the toggle when the OpenStreetMap background is on.
ONLINE = "osm"


def _basemap_toggle() -> html.Div:
    """The online background map switch; off by default, since the tiles come from a third party.

    Without the setting it is still in the layout (hidden), so the map callback always has its input.
    """
    enabled = data.online_basemap()
    return html.Div(
        [
            dcc.Checklist(id="kaart-achtergrond", value=[],
                          options=[{"label": "Achtergrondkaart (online, OpenStreetMap)", "value": ONLINE}] if enabled
                          else [],
                          className="radio-kolom", inputClassName="radio-input", labelClassName="radio-label"),
            html.Small("Laadt kaarttegels van openstreetmap.org.", className="veld-hint"),
        ],
        className="veld veld-achtergrond", hidden=not enabled,
    )


def layout(**query: Any) -> html.Div:
    state, messages = parse_kaart(query, data.catalog())
    return html.Div(
        [
            dcc.Location(id="kaart-url", refresh=False),
            dcc.Store(id="kaart-geo"),
            dcc.Store(id="kaart-legenda-data"),
            dcc.Store(id="kaart-waarden"),
            dcc.Store(id="kaart-geverfd"),
            dcc.Store(id="kaart-indicatoren", data=views.indicator_catalogue()),
            html.H1("Kaart van Drenthe en Hardenberg", className="pagina-titel"),
            html.Div(alert(messages, "kaart-melding"), id="kaart-meldingen"),
            html.Div(
                [
                    _controls(state),
                    html.Section(
                        [
                            html.H2(views.map_title(state), id="kaart-titel", className="vak-titel"),
                            dcc.Loading(
                                dcc.Graph(id="kaart-graph", config=graph_config(), className="kaart-graph",
                                          # Inline (dcc.Graph sets height 100%): a box of one known shape,
                                          # as high as --kaart-hoogte at most, so a zoomed gemeente fills it
                                          # edge to edge (figures.framed_range).
                                          style={"width": f"min(100%, calc(var(--kaart-hoogte) * {MAP_ASPECT}))",
                                                 "aspectRatio": str(MAP_ASPECT), "height": "auto",
                                                 "margin": "0 auto"},
                                          figure={"data": [], "layout": {"xaxis": {"visible": False},
                                                                         "yaxis": {"visible": False}}},
                                          responsive=True),
                                type="circle", delay_show=400, overlay_style={"visibility": "visible"},
                            ),
                            html.Div([html.Div(views.boundary_note(state), id="kaart-noot-grens"),
                                      html.P(views.source_note(state), id="kaart-bron", className="noot")],
                                     id="kaart-noot"),
                        ],
                        className="paneel kaart-vak", **{"aria-label": "Kaart"},
                    ),
                    html.Aside(
                        [
                            html.Div(id="kaart-legenda", className="legenda-vak", **{"aria-live": "polite"}),
                            html.Div(views.area_card(state.code, state), id="kaart-profiel", className="profiel-vak",
                                     **{"aria-live": "polite"}),
                            _ranking_table(),
                        ],
                        className="paneel zijvak", **{"aria-label": "Legenda en geselecteerd gebied"},
                    ),
                ],
                className="kaart-grid",
            ),
        ],
        className="pagina pagina-kaart",
    )


#: What the page's store ``kaart-geo`` holds (views.map_update); anything else posted in it is ignored.
GEO_KEYS = ("key", "url", "gemeente", "code", "online")


def _state(niveau: Any, indicator: Any, jaar: Any, klassen: Any, gemeente: Any, code: Any,
           weergave: Any = None, van: Any = None, maat: Any = None) -> KaartState:
    """The validated map state from the controls: type and size checks, then the same rules as a link."""
    return kaart_from_controls(as_str(niveau), as_str(indicator), as_year(jaar), as_str(klassen), as_str(gemeente),
                               as_str(code), data.catalog(), as_str(weergave), as_year(van), as_str(maat))[0]


def draw_map(niveau, indicator, jaar, klassen, gemeente, achtergrond, code, geo, weergave=None, van=None, maat=None):
    """The map's outputs for one view: (figure, geo store, restyle store, legend data, title, boundary note, source).

    The figure goes out only when the browser must rebuild or re-frame it: a new level, vintage or map kind (full
    figure), or a gemeente zoom or another selected area (a Patch, which then carries the values too, so the
    figure Dash holds never lags behind what is painted). When only the colours change (indicator, year,
    classes) the figure is ``no_update`` and the values go to the compact restyle store instead, which
    ``RESTYLE_JS`` applies in the browser with ``Plotly.restyle``: no figure rebuilt, no chained round trip.
    """
    state = _state(niveau, indicator, jaar, klassen, gemeente, code, weergave, van, maat)
    achtergrond, geo = as_list(achtergrond, 1), as_dict(geo, GEO_KEYS)
    online = data.online_basemap() and ONLINE in achtergrond
    fig, info, mv = views.map_update(state, geo, online=online)
    if state.verandering:
        # A full figure every time: the browser's fast repaint (kaart_verf.js) is for the value view only.
        return (fig, info, no_update, views.change_legend(mv, state), views.map_title(state),
                views.boundary_note(state), views.source_note(state))
    same_geometry = isinstance(fig, dash.Patch)
    restyle: Any = no_update
    if same_geometry and views.values_only(fig):
        fig, restyle = no_update, views.restyle_data(mv)
    return (fig, no_update if info == geo else info, restyle, views.legend_spec(mv, state), views.map_title(state),
            no_update if same_geometry else views.boundary_note(state), views.source_note(state))


@callback(
    Output("kaart-indicator", "options"),
    Output("kaart-indicator", "value"),
    Output("kaart-jaar", "options"),
    Output("kaart-jaar", "value"),
    Output("kaart-gebied", "options"),
    Output("kaart-gebied", "value"),
    Output("kaart-graph", "figure"),
    Output("kaart-geo", "data"),
    Output("kaart-waarden", "data"),
    Output("kaart-legenda-data", "data"),
    Output("kaart-titel", "children"),
    Output("kaart-noot-grens", "children"),
    Output("kaart-bron", "children"),
    Output("kaart-profiel", "children"),
    Output("kaart-url", "search"),
    Output("kaart-thema", "value"),
    Output("kaart-meldingen", "children"),
    Output("kaart-tabel-data", "data"),
    Output("kaart-van", "options"),
    Output("kaart-van", "value"),
    Output("kaart-verandering-keuzes", "hidden"),
    Output("kaart-weergave", "value"),
    Output("kaart-tabel-gebieden", "data"),
    Output("kaart-maat", "value"),
    Input("kaart-thema", "value"),
    Input("kaart-niveau", "value"),
    Input("kaart-indicator", "value"),
    Input("kaart-jaar", "value"),
    Input("kaart-klassen", "value"),
    Input("kaart-gemeente", "value"),
    Input("kaart-achtergrond", "value"),
    Input("kaart-gebied", "value"),
    Input("kaart-graph", "clickData"),
    Input("kaart-weergave", "value"),
    Input("kaart-van", "value"),
    Input("kaart-maat", "value"),
    State("kaart-geo", "data"),
)
def update_map(thema, niveau, indicator, jaar, klassen, gemeente, achtergrond, code, click, weergave, van, maat,
               geo):
    """Every user action on Kaart in one round trip: theme, level, indicator, year, classes, gemeente, area, click.

    The controls that depend on each other (the theme's indicators, the indicator's years, the level's areas)
    are settled here first, so one request returns the controls, the map, the legend, the area card and the URL
    together instead of Dash chaining a callback per dependency.
    """
    # Type and size checks first: whatever arrives, the work below is bounded and never a 500.
    thema, niveau = as_choice(thema, THEMES), as_choice(niveau, NIVEAUS, DEFAULT_NIVEAU)
    indicator, jaar, code = as_choice(indicator, data.catalog().titles), as_year(jaar), as_str(code)
    klassen, gemeente, geo = as_str(klassen), as_str(gemeente), as_dict(geo, GEO_KEYS)
    weergave, van = as_choice(weergave, WEERGAVEN, DEFAULT_WEERGAVE), as_year(van)
    maat = as_choice(maat, MATEN, DEFAULT_MAAT)
    loc = dig(click, "points", 0, "location")
    loc = as_str(loc) if isinstance(loc, str) else loc if isinstance(loc, int) and not isinstance(loc, bool) else None
    click = {"points": [{"location": loc}]} if loc is not None else None
    trigger = ctx.triggered_id
    out_ind_options = out_indicator = out_year_options = out_year = out_area_options = out_code = no_update
    out_thema: Any = no_update
    messages: list[str] = []
    catalog = data.catalog()
    if trigger == "kaart-thema":
        out_ind_options = views.indicator_options(thema or None, niveau)
        usable = [o["value"] for o in out_ind_options if not o.get("disabled")]
        if indicator not in usable:
            new = catalog.default_indicator(niveau, thema or None)
            if new != indicator:
                # Never change the selection silently.
                messages.append(f"{catalog.label(indicator)} hoort niet bij thema '{thema}'"
                                if indicator in catalog.titles and catalog.themes_of.get(indicator) != thema
                                else f"{catalog.label(indicator)} heeft {catalog.no_data(indicator, niveau)}")
                messages[-1] += f"; we tonen {catalog.label(new)}."
            indicator = out_indicator = new
    elif trigger == "kaart-indicator" and indicator and thema and catalog.themes_of.get(indicator) != thema:
        # Chosen through the search across themes: the theme follows the indicator.
        thema = out_thema = catalog.themes_of.get(indicator, thema)
        out_ind_options = views.indicator_options(thema, niveau)
    elif trigger == "kaart-niveau":
        out_ind_options = views.indicator_options(thema or None, niveau)
        if indicator and not catalog.years(indicator, niveau):
            new = catalog.default_indicator(niveau, thema or None) or catalog.default_indicator(niveau)
            messages.append(f"Voor {catalog.label(indicator)} zijn {catalog.no_data(indicator, niveau)}; "
                            f"we tonen {catalog.label(new)}.")
            indicator = out_indicator = new
    if trigger == "kaart-graph":
        clicked = views.clicked_area(click, geo)
        if not clicked or clicked == code:
            raise dash.exceptions.PreventUpdate
        code = out_code = clicked
    if trigger in ("kaart-thema", "kaart-niveau", "kaart-indicator"):
        out_year_options = views.year_options(indicator, niveau)
        years = [o["value"] for o in out_year_options]
        new_year = jaar if jaar in years else (years[-1] if years else None)
        if new_year != jaar:
            jaar = out_year = new_year
    if trigger == "kaart-niveau":
        out_area_options = views.area_options(niveau)
        keep = code if code and data.area_index().get(code, ("", ""))[1] == niveau else None
        if keep != code:
            code = out_code = keep
    if trigger == "kaart-weergave" and weergave == "verandering" and indicator and jaar is not None \
            and period_break_reason(indicator, jaar):
        # Switching to a change while the map shows the police's partial period: every change to it is a break
        # (grey map); the change runs to the last calendar year instead, and says so.
        calendar = [y for y in catalog.years(indicator, niveau) if y < jaar]
        if calendar:
            messages.append(f"{jaar} is voor {catalog.label(indicator)} een andere periode "
                            f"({period_label(indicator, jaar)}); een verandering daarheen vergelijkt ongelijke "
                            f"perioden, dus we tonen de verandering tot {calendar[-1]}.")
            jaar = out_year = calendar[-1]
    # The start year of a change follows the indicator and end year: an earlier year with data, else none.
    state = _state(niveau, indicator, jaar, klassen, gemeente, code, weergave, van, maat)
    change_triggers = ("kaart-weergave", "kaart-van", "kaart-maat")
    out_van_options = views.from_year_options(state) if trigger not in ("kaart-gebied", "kaart-graph",
                                                                      "kaart-gemeente") else no_update
    out_van = state.van if state.van != van else no_update
    out_weergave = state.weergave if state.weergave != weergave else no_update
    # A score or class has no change in %: the choice flips back to absolute, and says why.
    out_maat = state.maat if state.maat != maat else no_update
    if maat == "pct" and state.maat != maat and state.verandering:
        messages.append(no_pct_message(catalog.label(state.indicator)))
    if weergave == "verandering" and not state.verandering:
        messages.append(no_change_message(catalog.label(state.indicator), niveau,
                                          catalog.years(state.indicator, niveau) if state.indicator else [],
                                          state.jaar))
    fig, info, restyle, legend, title, grens, bron = draw_map(niveau, indicator, jaar, klassen, gemeente,
                                                              achtergrond, code, geo, state.weergave, state.van,
                                                              state.maat)
    # The card follows the selected area (as before: an indicator switch leaves it, its rows name their year).
    card = views.area_card(state.code, state) if trigger in ("kaart-gebied", "kaart-graph", *change_triggers) or (
        out_code is not no_update) else no_update
    search = kaart_query(state) if trigger is not None else no_update
    # A user action clears the message of the link the page opened with (or shows this action's own).
    melding = alert(messages, "kaart-melding") if trigger is not None else no_update
    # The ranked table: its areas (codes, names, gemeenten) only when the browser's geometry changes; on a
    # switch only the values, and none at all when the restyle store beside it carries them. A selection
    # leaves the table as it is.
    areas = views.ranking_areas(state) if state.indicator else None
    out_areas = areas if areas and (geo or {}).get("url") != areas["key"] else no_update
    tabel = no_update if trigger in ("kaart-gebied", "kaart-graph") else views.ranking_data(
        state, from_map=restyle is not no_update and restyle is not None)
    return (out_ind_options, out_indicator, out_year_options, out_year, out_area_options, out_code,
            fig, info, restyle, legend, title, grens, bron, card, search, out_thema, melding,
            tabel, out_van_options, out_van, not state.verandering, out_weergave, out_areas, out_maat)


#: Typing in the indicator box searches all themes (the catalogue is in the page: [label, id, theme, levels]);
#: indicators without data at the level are offered disabled, with the reason. An empty search leaves the options.
SEARCH_JS = """function(search, niveau, cat, value) {
    var nu = window.dash_clientside.no_update;
    if (!search || !cat) { return nu; }
    var words = {gemeente: 'gemeente', wijk: 'wijk', buurt: 'buurt'};
    var ok = [], off = [];
    cat.forEach(function(c) {
        var label = c[0] + ' \\u00b7 ' + c[2];
        if (c[3].indexOf(niveau) >= 0 || c[1] === value) { ok.push({label: label, value: c[1]}); }
        else { off.push({label: label + (c[3].length ? ' (geen gegevens op ' + words[niveau] + 'niveau)'
                                                     : ' (geen gegevens)'), value: c[1],
                         disabled: true}); }
    });
    return ok.concat(off);
}"""

clientside_callback(SEARCH_JS, Output("kaart-indicator", "options", allow_duplicate=True),
                    Input("kaart-indicator", "search_value"), State("kaart-niveau", "value"),
                    State("kaart-indicatoren", "data"), State("kaart-indicator", "value"), prevent_initial_call=True)


#: Rows the ranked table shows before 'Toon alle'.
RANKING_FIRST = 50

#: Draws the ranked table and sorts it (header buttons: by value, by name; a second click turns the order round).
#: The rows are built here from two stores (views.ranking_rows is the same in Python): the level's areas
#: (views.kaart_areas: codes, names, gemeenten; sent when the geometry changes) and the spec of the view
#: (views.ranking_data: per area the value and the flags in geometry order, or, on a colour-only switch, nothing:
#: then the restyle store kaart-waarden holds them). Values are written as dashboard.formatting.fmt_short does
#: (the heading names other units). 'Nr.' is the position in the current order; unreliable values carry a
#: visible warning. New data is drawn one frame late (after the map's repaint); see the Promise at the end.
RANKING_JS = """function(spec, nNaam, nWaarde, nAlle, sort, areas, waarden) {
    var trig = (window.dash_clientside.callback_context.triggered || []).map(function(t) { return t.prop_id; });
    sort = Object.assign({op: 'waarde', dalend: true, alle: false}, sort || {});
    if (trig.indexOf('kaart-tabel-alle.n_clicks') >= 0) { sort.alle = !sort.alle; }
    if (trig.indexOf('kaart-tabel-sorteer-naam.n_clicks') >= 0) {
        sort = {op: 'naam', dalend: sort.op === 'naam' ? !sort.dalend : false, alle: sort.alle};
    } else if (trig.indexOf('kaart-tabel-sorteer-waarde.n_clicks') >= 0) {
        sort = {op: 'waarde', dalend: sort.op === 'waarde' ? !sort.dalend : true, alle: sort.alle};
    }
    var aria = function(op) { return sort.op !== op ? 'none' : (sort.dalend ? 'descending' : 'ascending'); };
    // The rows are plain DOM, written into the tbody that Dash renders empty: as Dash components, 753 rows took
    // the renderer 1.8 s to re-sort and minutes (the page frozen) to redraw after a switch with 'Toon alle' on.
    function el(tag, className, text) {
        var e = document.createElement(tag);
        if (className) { e.className = className; }
        if (text !== undefined && text !== null) { e.textContent = text; }
        return e;
    }
    function draw(rows) {
        var tbody = document.getElementById('kaart-tabel-rijen');
        if (!tbody) { return; }
        var frag = document.createDocumentFragment();
        rows.forEach(function(r, i) {
            var tr = el('tr'), name = el('td', 'rang-naam'), a = el('a', '', r[1]);
            a.href = spec.profiel + '?code=' + encodeURIComponent(r[0]);
            name.appendChild(a);
            tr.appendChild(el('td', '', String(i + 1)));
            tr.appendChild(name);
            if (spec.gemeente) { tr.appendChild(el('td', 'rang-gm', r[2])); }
            var td = el('td', 'getal' + (r[5] ? ' rang-' + (r[5] === '-' ? 'leeg' : r[5]) : ''), r[3]);
            if (r[5] === 'o') {
                var warn = el('span', 'rang-let-op');
                warn.title = 'onbetrouwbaar: kleine aantallen';
                var short = el('span', '', 'onbetr.');
                short.setAttribute('aria-hidden', 'true');
                warn.appendChild(short);
                warn.appendChild(el('span', 'visueel-verborgen', 'onbetrouwbaar, kleine aantallen'));
                td.appendChild(document.createTextNode(' '));
                td.appendChild(warn);
            }
            // A change row carries 'van → tot', shown small under the difference.
            if (r[6]) { td.appendChild(el('br')); td.appendChild(el('small', 'rang-sub', r[6])); }
            tr.appendChild(td);
            frag.appendChild(tr);
        });
        tbody.replaceChildren(frag);
    }
    if (!spec) { draw([]); return ['', 'Ranglijst', sort, aria('naam'), aria('waarde'), true, '', true]; }
    var fmt = spec.fmt || [0, '', ''];
    function number(v) {  // fmt_number: thousands dot, decimal comma (v is already rounded to fmt[0] decimals)
        var parts = Math.abs(v).toFixed(fmt[0]).split('.');
        var sign = v < 0 || Object.is(v, -0) ? '-' : '';
        return sign + parts[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g, '.') + (parts[1] ? ',' + parts[1] : '');
    }
    // [code, naam, gemeente, text, value, flag, 'van → tot' or null]
    var rows = [];
    var lists = spec.uit_kaart ? waarden : spec;
    if (areas && areas.key === spec.gebied && lists && lists.z && lists.z.length === areas.codes.length) {
        var mark = {};
        lists.geheim.forEach(function(i) { mark[i] = 'g'; });
        lists.onbetrouwbaar.forEach(function(i) { mark[i] = 'o'; });
        for (var i = 0; i < areas.codes.length; i++) {
            var gm = areas.gemeenten[areas.gm[i]];
            if (spec.binnen && gm[0] !== spec.binnen) { continue; }
            var v = lists.z[i] === undefined ? null : lists.z[i];
            var f = v === null ? (mark[i] === 'g' ? 'g' : '-') : (mark[i] === 'o' ? 'o' : '');
            var text = spec.t ? spec.t[i] : (v === null ? spec.woorden[f] : fmt[1] + number(v) + fmt[2]);
            rows.push([areas.codes[i], areas.namen[i], spec.gemeente ? gm[1] : '', text, v, f,
                       spec.s ? spec.s[i] : null]);
        }
    }
    rows = rows.concat(spec.extra || []);
    var byName = function(a, b) { return a[1].localeCompare(b[1], 'nl'); };
    // Reliable values first, then unreliable ones (small numbers: a buurt of 10 people topped the crime
    // ranking with '5.200,0'), then areas without a value; each part in the chosen order.
    var tier = function(r) { return r[4] === null ? 2 : (r[5] === 'o' ? 1 : 0); };
    rows.sort(function(a, b) {
        if (sort.op === 'naam') { return sort.dalend ? byName(b, a) : byName(a, b); }
        if (tier(a) !== tier(b)) { return tier(a) - tier(b); }
        if (a[4] === null) { return byName(a, b); }
        return sort.dalend ? b[4] - a[4] || byName(a, b) : a[4] - b[4] || byName(a, b);
    });
    // Hundreds of rows cost the browser a second to draw: the first __N__ until the user asks for all.
    var total = rows.length;
    if (!sort.alle) { rows = rows.slice(0, __N__); }
    var knop = sort.alle ? 'Toon alleen de eerste __N__' : 'Toon alle ' + total;
    var out = [spec.kop, spec.titel, sort, aria('naam'), aria('waarde'), !spec.gemeente, knop, total <= __N__];
    if (trig.indexOf('kaart-tabel-data.data') < 0) { draw(rows); return out; }
    // New data (a switch): drawn after the next paint, so the recoloured map shows first (issue 11) and the
    // table follows a frame later; a sort click redraws at once.
    return new Promise(function(resolve) {
        requestAnimationFrame(function() { setTimeout(function() { draw(rows); resolve(out); }, 0); });
    });
}""".replace("__N__", str(RANKING_FIRST))

clientside_callback(
    RANKING_JS,
    Output("kaart-tabel-kop", "children"),
    Output("kaart-tabel-titel", "children"), Output("kaart-tabel-sortering", "data"),
    Output("kaart-tabel-th-naam", "aria-sort"), Output("kaart-tabel-th-waarde", "aria-sort"),
    Output("kaart-tabel-th-gemeente", "hidden"), Output("kaart-tabel-alle", "children"),
    Output("kaart-tabel-alle", "hidden"),
    Input("kaart-tabel-data", "data"), Input("kaart-tabel-sorteer-naam", "n_clicks"),
    Input("kaart-tabel-sorteer-waarde", "n_clicks"), Input("kaart-tabel-alle", "n_clicks"),
    State("kaart-tabel-sortering", "data"), State("kaart-tabel-gebieden", "data"), State("kaart-waarden", "data"),
)


#: Draws the legend from views.legend_spec in the browser: the same markup the server used to send
#: (heading, unit and direction, one list item per class with swatch, text label and count, footnote).
LEGEND_JS = """function(spec) {
    function h(type, props, children) {
        if (children !== undefined) { props.children = children; }
        return {namespace: 'dash_html_components', type: type, props: props};
    }
    var title = h('H2', {className: 'vak-titel'}, 'Legenda');
    if (!spec) { return [title, h('P', {}, 'Geen gegevens om te tonen.')]; }
    var items = spec.items.map(function(it) {
        return h('Li', {className: 'legenda-item legenda-' + it[3]},
                 [h('Span', {className: 'swatch', style: {background: it[1]}}), it[0], h('Small', {}, it[2])]);
    });
    return [
        title,
        h('P', {className: 'legenda-sub'}, [h('Strong', {}, spec.eenheid), ' \u00b7 ' + spec.hint]),
        h('Ul', {className: 'legenda', 'aria-label': 'Klassen van de kaart met aantal gebieden'}, items),
        h('P', {className: 'klein'}, spec.uitleg)
    ];
}"""

clientside_callback(LEGEND_JS, Output("kaart-legenda", "children"), Input("kaart-legenda-data", "data"))

#: Repaints the map from views.restyle_data. ``kaartVerf`` (assets/kaart_verf.js) recolours the paths plotly has
#: drawn and shows or hides the flagged ones, without re-projecting a path (tens of ms instead of a Plotly.restyle's
#: full recalculation of every trace); when the map is not in the state it expects (the online map, geometry still
#: loading) one Plotly.restyle over the three traces whose values change does it. Records the count, the time it
#: took and how in the kaart-geverfd store (the bench and browser tests wait on it).
RESTYLE_JS = """function(w) {
    var nu = window.dash_clientside.no_update;
    var gd = document.querySelector('#kaart-graph .js-plotly-plot');
    if (!w || !gd || !gd.data || gd.data.length <= __O__) { return nu; }
    var t0 = performance.now();
    function done(how) {
        var prev = window.kaartGeverfd || {n: 0};
        window.kaartGeverfd = {n: prev.n + 1, ms: performance.now() - t0, at: performance.now(), hoe: how};
        return window.kaartGeverfd;
    }
    if (window.kaartVerf && window.kaartVerf(gd, w, [__G__, __W__, __O__, __L__])) { return done('verf'); }
    var tr = [__G__, __W__, __O__];
    var keep = function(key) { return tr.map(function(i) { return gd.data[i][key]; }); };
    var flags = function(list) {  // figures.flag_z
        var z = new Array(w.z.length).fill(null);
        list.forEach(function(i) { z[i] = 1; });
        return z;
    };
    var upd = {z: [flags(w.geheim), w.z, flags(w.onbetrouwbaar)], customdata: keep('customdata'),
               colorscale: keep('colorscale'), zmin: keep('zmin'), zmax: keep('zmax'),
               hovertemplate: keep('hovertemplate')};
    upd.customdata[1] = w.customdata; upd.colorscale[1] = w.colorscale;
    upd.zmin[1] = w.zmin; upd.zmax[1] = w.zmax; upd.hovertemplate[1] = w.hovertemplate;
    return Promise.resolve(window.Plotly.restyle(gd, upd, tr)).then(function() { return done('restyle'); });
}""".replace("__G__", str(TRACE_GEHEIM)).replace("__W__", str(TRACE_WAARDEN)).replace(
    "__O__", str(TRACE_ONBETROUWBAAR)).replace("__L__", str(TRACE_LEEG))

clientside_callback(RESTYLE_JS, Output("kaart-geverfd", "data"), Input("kaart-waarden", "data"),
                    prevent_initial_call=True)


#: The controls that make up a map view, in the argument order of :func:`_state`.
VIEW_IDS = ("kaart-niveau", "kaart-indicator", "kaart-jaar", "kaart-klassen", "kaart-gemeente", "kaart-gebied")


@callback(
    Output("kaart-download", "data"),
    Input("kaart-download-knop", "n_clicks"),
    *[State(i, "value") for i in VIEW_IDS],
    State("kaart-weergave", "value"), State("kaart-van", "value"), State("kaart-maat", "value"),
    prevent_initial_call=True,
)
def download(n_clicks, niveau, indicator, jaar, klassen, gemeente, code, weergave=None, van=None, maat=None):
    """The CSV of what the map shows: the values, or in the change view both years and the change."""
    text, name = views.kaart_csv(_state(niveau, indicator, jaar, klassen, gemeente, code, weergave, van, maat))
    return {"content": "\ufeff" + text, "filename": name, "type": "text/csv"}


#: The map as a PNG with title, legend and source line: plotly.js draws the figure as it is on screen (zoom
#: included) into an image with the legend (the client-side HTML one, so rebuilt as shapes and annotations in a
#: right margin), the title above and the source below. Records {n, bytes, titel} in kaart-png (the browser test
#: reads window.kaartPng for the image itself).
EXPORT_JS = """function(n, spec, title, bron) {
    var nu = window.dash_clientside.no_update;
    var gd = document.querySelector('#kaart-graph .js-plotly-plot');
    if (!n || !gd || !gd.data) { return nu; }
    // The plot area has the map box's shape (MAP_ASPECT), so a zoomed gemeente fills it as on screen.
    var H = 1000, L = 20, R = 370, T = 80, B = 90, W = L + R + Math.round((H - T - B) * MAP_ASPECT);
    var layout = JSON.parse(JSON.stringify(gd.layout));
    layout.width = W; layout.height = H; layout.margin = {l: L, r: R, t: T, b: B};
    layout.paper_bgcolor = '#ffffff';
    layout.title = {text: '<b>' + (title || 'Dorpenmonitor') + '</b>', x: 0.015, xanchor: 'left', y: 0.97,
                    font: {size: 22, color: '#1b1b1b'}};
    var ann = (layout.annotations || []).slice(), shapes = (layout.shapes || []).slice();
    var step = 30 / (H - T - B), x0 = 1.03, w = 0.035;
    function text(t, x, y, size, anchor) {
        ann.push({text: t, xref: 'paper', yref: 'paper', x: x, y: y, xanchor: anchor || 'left', yanchor: 'middle',
                  showarrow: false, align: 'left', font: {size: size || 14, color: '#1b1b1b'}});
    }
    if (spec) {
        text('<b>Legenda</b>  ' + spec.eenheid, x0, 1, 16);
        text(spec.hint, x0, 1 - step, 12);
        spec.items.forEach(function(it, i) {
            var y = 1 - (i + 2.2) * step;
            var unreliable = it[3] === 'onbetrouwbaar';
            shapes.push({type: 'rect', xref: 'paper', yref: 'paper', x0: x0, x1: x0 + w, y0: y - step * 0.32,
                         y1: y + step * 0.32, fillcolor: it[1] === 'transparent' ? 'rgba(0,0,0,0)' : it[1],
                         line: {color: unreliable ? '#c51b7d' : 'rgba(0,0,0,0.35)', width: unreliable ? 2.5 : 1}});
            text(it[0] + '  (' + it[2] + ')', x0 + w + 0.012, y, 13);
        });
        text(spec.uitleg.replace(/\\. /g, '.<br>'), x0, 1 - (spec.items.length + 2.8) * step, 11);
    }
    // One sentence per line: the source line with its caveat is longer than the image is wide.
    ann.push({text: ((bron || 'Bron: CBS') + ' Dorpenmonitor Drenthe (CBS, CC BY 4.0)').replace(/\\. /g, '.<br>'),
              xref: 'paper',
              yref: 'paper', x: 0, y: 0, yshift: -10, xanchor: 'left', yanchor: 'top', showarrow: false,
              align: 'left', font: {size: 13, color: '#444444'}});
    layout.annotations = ann; layout.shapes = shapes;
    var name = 'dorpenmonitor_kaart_' + (title || 'kaart').toLowerCase().normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') + '.png';
    return window.Plotly.toImage({data: gd.data, layout: layout, config: {locale: 'nl'}},
                                 {format: 'png', width: W, height: H}).then(function(url) {
        window.kaartPng = url;
        var a = document.createElement('a');
        a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
        return {n: n, bytes: Math.round(url.length * 3 / 4), titel: title, bestand: name};
    });
}""".replace("MAP_ASPECT", str(MAP_ASPECT))

clientside_callback(EXPORT_JS, Output("kaart-png", "data"), Input("kaart-png-knop", "n_clicks"),
                    State("kaart-legenda-data", "data"), State("kaart-titel", "children"),
                    State("kaart-bron", "children"), prevent_initial_call=True)
