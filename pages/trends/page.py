"""Trends: selected areas over all available years, against their gemeente and Drenthe.

State in the URL: ``/trends?indicator=inwoners&codes=GM0106,DP1680_gieten``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard import data
from dashboard.layout import alert, choice_group, control, dropdown, indicator_options
from dashboard.validate import as_list, as_str
from pages.trends import views
from pages.trends.state import MAX_TREND_AREAS, VERGELIJK, TrendsState, parse_trends, trends_query

dash.register_page(__name__, path="/trends", name="Trends", title="Trends · Dorpenmonitor Drenthe", order=1)

GRAPH_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True,
                                "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}
#: Shown when a link names no area: the largest town and a village, so the page is never empty.
DEFAULT_CODES = ("GM0106",)


def layout(**query: Any) -> html.Div:
    state = parse_trends(query, data.catalog())
    if not state.codes and "codes" not in query:
        state = TrendsState(state.indicator, DEFAULT_CODES, state.vergelijk, state.messages, state.indeling)
    fig, notes = views.trend_view(state, raw=True)
    meta_title = data.indicator(state.indicator).title if state.indicator else ""
    return html.Div(
        [
            dcc.Location(id="trends-url", refresh=False),
            html.H1("Trends", className="pagina-titel"),
            alert(list(state.messages), "trends-melding"),
            html.Div(
                [
                    html.Section(
                        [
                            html.H2("Kies", className="visueel-verborgen"),
                            control("Indicator", dropdown("trends-indicator",
                                                          options=indicator_options(None, mark_empty=True),
                                                          value=state.indicator, clearable=False), "trends-indicator"),
                            control("Gebieden", dropdown("trends-gebieden", options=data.search_options(),
                                                         value=list(state.codes), multi=True,
                                                         placeholder="Zoek dorp, wijk, buurt of gemeente…"),
                                    "trends-gebieden", hint=f"Hoogstens {MAX_TREND_AREAS} gebieden."),
                            choice_group("Vergelijk met", "trends-vergelijk",
                                         [{"label": f" {label}", "value": value} for value, label in VERGELIJK.items()],
                                         list(state.vergelijk), multi=True),
                            choice_group("Buurten en dorpen", "trends-indeling", indeling_options(), state.indeling),
                            html.Button("Download CSV", id="trends-download-knop", className="knop", n_clicks=0),
                            dcc.Download(id="trends-download"),
                        ],
                        className="paneel bediening", **{"aria-label": "Keuzes voor de trend"},
                    ),
                    html.Section(
                        [
                            html.H2(meta_title, id="trends-titel", className="vak-titel"),
                            dcc.Graph(id="trends-graph", figure=fig, config=GRAPH_CONFIG, className="trend-graph"),
                            html.P("Doorgetrokken lijn: vergelijkbare, opeenvolgende jaren. Geen lijn over een "
                                   "ontbrekend jaar of een trendbreuk. Grijze stippellijn en open punt: "
                                   "trendbreuk (indeling, bron of periode veranderd). Gestreept: eigen gemeente (bij "
                                   "gebieden uit meer gemeenten in de kleur van het gebied); gestippeld: Drenthe.",
                                   className="noot"),
                            html.Div(notes, id="trends-noten"),
                        ],
                        className="paneel trend-vak", **{"aria-label": "Trendgrafiek"},
                    ),
                ],
                className="trend-grid",
            ),
        ],
        className="pagina pagina-trends",
    )


def indeling_options() -> list[dict[str, str]]:
    """The switch between the current division (converted) and the figures as published."""
    jaar = data.current_buurt_year()
    return [{"label": f" omgerekend naar indeling {jaar}", "value": "omgerekend"},
            {"label": " zoals gepubliceerd", "value": "gepubliceerd"}]


def _state(indicator: Any, codes: Any, vergelijk: Any, indeling: Any = "omgerekend") -> TrendsState:
    """The validated state from the controls: checked like a link, after the type and size checks."""
    notes: list[str] = []
    query = {"indicator": as_str(indicator, notes=notes, what="indicator"),
             "codes": as_list(codes, MAX_TREND_AREAS, notes=notes, what="gebieden"),
             "vergelijk": ",".join(as_list(vergelijk, len(VERGELIJK), notes=notes, what="vergelijkingen")) or "geen",
             "indeling": as_str(indeling, notes=notes, what="indeling") or "omgerekend"}
    state = parse_trends(query, data.catalog())
    return replace(state, messages=(*notes, *state.messages))


@callback(
    Output("trends-graph", "figure"),
    Output("trends-noten", "children"),
    Output("trends-titel", "children"),
    Output("trends-melding", "children"),
    Output("trends-url", "search"),
    Input("trends-indicator", "value"),
    Input("trends-gebieden", "value"),
    Input("trends-vergelijk", "value"),
    Input("trends-indeling", "value"),
    prevent_initial_call=True,
)
def update(indicator, codes, vergelijk, indeling):
    state = _state(indicator, codes, vergelijk, indeling)
    fig, notes = views.trend_view(state, raw=True)
    title = data.indicator(state.indicator).title if state.indicator else ""
    return fig, notes, title, alert(list(state.messages)).children, trends_query(state)


@callback(
    Output("trends-download", "data"),
    Input("trends-download-knop", "n_clicks"),
    State("trends-indicator", "value"),
    State("trends-gebieden", "value"),
    State("trends-vergelijk", "value"),
    State("trends-indeling", "value"),
    prevent_initial_call=True,
)
def download(n_clicks, indicator, codes, vergelijk, indeling):
    text, name = views.trends_csv(_state(indicator, codes, vergelijk, indeling))
    return {"content": "\ufeff" + text, "filename": name, "type": "text/csv"}
