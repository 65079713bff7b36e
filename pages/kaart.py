"""Kaart: one indicator for all gemeenten, wijken or buurten, with a short profile of a clicked area.

State lives in the URL (``/?niveau=buurt&indicator=...&jaar=2024&code=BU...``).
Switching indicator, year or classes sends only the new values (a ``Patch``);
the geometry is a static GeoJSON file per level that plotly.js fetches by URL
(and the browser caches). There is no online background map: the map needs
nothing from the internet.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import data, views
from dashboard.figures import CLASS_METHODS
from dashboard.layout import alert, control, dropdown
from dashboard.urlstate import KaartState, kaart_from_controls, kaart_query, parse_kaart

dash.register_page(__name__, path="/", name="Kaart", title="Kaart · Dorpenmonitor Drenthe", order=0)

GRAPH_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "scrollZoom": True,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
    # Plotly's geo subplot asks for a world topojson even with the basemap hidden; serve an empty one locally.
    "topojsonURL": "/assets/topojson/",
    "locale": "nl",
}


def _controls(state: KaartState) -> html.Section:
    themes = [{"label": "Alle thema's", "value": ""}] + [{"label": t.capitalize(), "value": t} for t in data.themes()]
    gemeenten = [{"label": "Alle gemeenten", "value": ""}] + sorted(
        ({"label": n, "value": c} for c, n in data.catalog().gemeenten.items()), key=lambda o: o["label"])
    return html.Section(
        [
            html.H2("Kies", className="visueel-verborgen"),
            html.Fieldset([
                html.Legend("Niveau", className="veld-label"),
                dcc.RadioItems(id="kaart-niveau", options=views.niveau_options(), value=state.niveau,
                               className="radio-rij", inputClassName="radio-input", labelClassName="radio-label"),
            ], className="veld"),
            control("Thema", dropdown("kaart-thema", options=themes, value=state.thema or "", clearable=False,
                                      searchable=False), "kaart-thema"),
            control("Indicator", dropdown("kaart-indicator", options=views.indicator_options(state.thema),
                                          value=state.indicator, clearable=False), "kaart-indicator"),
            control("Jaar", dropdown("kaart-jaar", options=views.year_options(state.indicator, state.niveau),
                                     value=state.jaar, clearable=False, searchable=False), "kaart-jaar",
                    hint="Alleen jaren met gegevens voor deze indicator."),
            control("Gemeente", dropdown("kaart-gemeente", options=gemeenten, value=state.gemeente or "",
                                         clearable=False), "kaart-gemeente", hint="Zoomt in; de klassen blijven."),
            control("Gebied", dropdown("kaart-gebied", options=views.area_options(state.niveau), value=state.code,
                                       placeholder="Kies of klik op de kaart…"), "kaart-gebied"),
            html.Fieldset([
                html.Legend("Klassenindeling", className="veld-label"),
                dcc.RadioItems(id="kaart-klassen", options=[{"label": v, "value": k} for k, v in CLASS_METHODS.items()],
                               value=state.klassen, className="radio-kolom", inputClassName="radio-input",
                               labelClassName="radio-label"),
            ], className="veld"),
            html.Button("Download CSV", id="kaart-download-knop", className="knop", n_clicks=0,
                        **{"aria-describedby": "kaart-download-uitleg"}),
            html.Small("Waarden van de kaart; puntkomma-gescheiden (Excel NL).", id="kaart-download-uitleg",
                       className="veld-hint"),
            dcc.Download(id="kaart-download"),
        ],
        className="paneel bediening", **{"aria-label": "Keuzes voor de kaart"},
    )


def layout(**query: Any) -> html.Div:
    state, messages = parse_kaart(query, data.catalog())
    return html.Div(
        [
            dcc.Location(id="kaart-url", refresh=False),
            dcc.Store(id="kaart-geo"),
            html.H1("Kaart van Drenthe en Hardenberg", className="pagina-titel"),
            alert(messages, "kaart-melding"),
            html.Div(
                [
                    _controls(state),
                    html.Section(
                        [
                            html.H2(views.map_title(state), id="kaart-titel", className="vak-titel"),
                            dcc.Loading(
                                dcc.Graph(id="kaart-graph", config=GRAPH_CONFIG, className="kaart-graph",
                                          style={"height": "var(--kaart-hoogte)"},  # inline: dcc.Graph sets 100%
                                          figure={"data": [], "layout": {"xaxis": {"visible": False},
                                                                         "yaxis": {"visible": False}}},
                                          responsive=True),
                                type="circle", delay_show=400, overlay_style={"visibility": "visible"},
                            ),
                            html.Div(views.map_note(state), id="kaart-noot"),
                        ],
                        className="paneel kaart-vak", **{"aria-label": "Kaart"},
                    ),
                    html.Aside(
                        [
                            html.Div(id="kaart-legenda", className="legenda-vak", **{"aria-live": "polite"}),
                            html.Div(views.area_card(state.code, state), id="kaart-profiel", className="profiel-vak",
                                     **{"aria-live": "polite"}),
                        ],
                        className="paneel zijvak", **{"aria-label": "Legenda en geselecteerd gebied"},
                    ),
                ],
                className="kaart-grid",
            ),
        ],
        className="pagina pagina-kaart",
    )


def _state(niveau, indicator, jaar, klassen, gemeente, code) -> KaartState:
    return kaart_from_controls(niveau, indicator, jaar, klassen, gemeente, code, data.catalog())[0]


@callback(
    Output("kaart-indicator", "options"),
    Output("kaart-indicator", "value"),
    Input("kaart-thema", "value"),
    State("kaart-indicator", "value"),
    State("kaart-niveau", "value"),
    prevent_initial_call=True,
)
def pick_theme(thema: str | None, indicator: str | None, niveau: str):
    options = views.indicator_options(thema or None)
    ids = [o["value"] for o in options]
    if indicator in ids:
        return options, no_update
    return options, data.catalog().default_indicator(niveau, thema or None)


@callback(
    Output("kaart-jaar", "options"),
    Output("kaart-jaar", "value"),
    Output("kaart-gebied", "options"),
    Output("kaart-gebied", "value", allow_duplicate=True),
    Input("kaart-niveau", "value"),
    Input("kaart-indicator", "value"),
    State("kaart-jaar", "value"),
    State("kaart-gebied", "value"),
    prevent_initial_call=True,
)
def pick_level_or_indicator(niveau: str, indicator: str | None, jaar: int | None, code: str | None):
    """Years with data for the new indicator/level (keep the year when possible); areas of the level."""
    options = views.year_options(indicator, niveau)
    years = [o["value"] for o in options]
    new_year = jaar if jaar in years else (years[-1] if years else None)
    areas = views.area_options(niveau) if ctx.triggered_id == "kaart-niveau" else no_update
    keep = code if code and data.area_index().get(code, ("", ""))[1] == niveau else None
    return options, new_year, areas, (keep if ctx.triggered_id == "kaart-niveau" else no_update)


@callback(
    Output("kaart-graph", "figure"),
    Output("kaart-geo", "data"),
    Output("kaart-legenda", "children"),
    Output("kaart-titel", "children"),
    Output("kaart-noot", "children"),
    Input("kaart-niveau", "value"),
    Input("kaart-indicator", "value"),
    Input("kaart-jaar", "value"),
    Input("kaart-klassen", "value"),
    Input("kaart-gemeente", "value"),
    State("kaart-gebied", "value"),
    State("kaart-geo", "data"),
)
def draw_map(niveau, indicator, jaar, klassen, gemeente, code, geo):
    """Full figure the first time per level; afterwards a Patch with the values only."""
    state = _state(niveau, indicator, jaar, klassen, gemeente, code)
    fig, info, mv = views.map_update(state, geo)
    return fig, info, views.legend(mv, state), views.map_title(state), views.map_note(state)


@callback(
    Output("kaart-gebied", "value"),
    Input("kaart-graph", "clickData"),
    State("kaart-geo", "data"),
    prevent_initial_call=True,
)
def click_area(click: dict | None, geo: dict | None):
    return views.clicked_area(click, geo) or no_update


@callback(
    Output("kaart-graph", "figure", allow_duplicate=True),
    Output("kaart-geo", "data", allow_duplicate=True),
    Output("kaart-profiel", "children"),
    Input("kaart-gebied", "value"),
    State("kaart-niveau", "value"),
    State("kaart-indicator", "value"),
    State("kaart-jaar", "value"),
    State("kaart-klassen", "value"),
    State("kaart-gemeente", "value"),
    State("kaart-geo", "data"),
    prevent_initial_call=True,
)
def select_area(code, niveau, indicator, jaar, klassen, gemeente, geo):
    state = _state(niveau, indicator, jaar, klassen, gemeente, code)
    geo = dict(geo or {})
    if geo.get("key") != views.geo_key(state):
        # The map is being redrawn for another level; draw_map outlines the area itself.
        return no_update, no_update, views.area_card(state.code, state)
    geo["code"] = state.code
    return views.selection_patch(state.code, state), geo, views.area_card(state.code, state)


@callback(
    Output("kaart-url", "search"),
    Input("kaart-niveau", "value"),
    Input("kaart-indicator", "value"),
    Input("kaart-jaar", "value"),
    Input("kaart-klassen", "value"),
    Input("kaart-gemeente", "value"),
    Input("kaart-gebied", "value"),
    prevent_initial_call=True,
)
def sync_url(niveau, indicator, jaar, klassen, gemeente, code):
    return kaart_query(_state(niveau, indicator, jaar, klassen, gemeente, code))


@callback(
    Output("kaart-download", "data"),
    Input("kaart-download-knop", "n_clicks"),
    State("kaart-niveau", "value"),
    State("kaart-indicator", "value"),
    State("kaart-jaar", "value"),
    State("kaart-klassen", "value"),
    State("kaart-gemeente", "value"),
    State("kaart-gebied", "value"),
    prevent_initial_call=True,
)
def download(n_clicks, niveau, indicator, jaar, klassen, gemeente, code):
    text, name = views.kaart_csv(_state(niveau, indicator, jaar, klassen, gemeente, code))
    return {"content": "\ufeff" + text, "filename": name, "type": "text/csv"}
