"""Unknown address: a Dutch page with links onward (Dash Pages uses a module named ``not_found_404``).

The HTTP status 404 itself is set in ``app.py`` (``_not_found_status``): Dash serves the same HTML shell for
every path, so the server checks the path against the registered pages.
"""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import links

dash.register_page(__name__, path="/niet-gevonden", name="Niet gevonden",
                   title="Pagina niet gevonden · Dorpenmonitor Drenthe", nav=False)


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Deze pagina bestaat niet", className="pagina-titel", id="niet-gevonden"),
            html.P("Het adres is onbekend of verouderd. Ga verder via een van deze pagina's, of zoek bovenaan "
                   "een dorp, wijk of buurt."),
            html.Ul([
                html.Li(dcc.Link("Kaart", href=links.href("/"))),
                html.Li(dcc.Link("Trends", href=links.href("/trends"))),
                html.Li(dcc.Link("Vergelijken", href=links.href("/vergelijken"))),
                html.Li(dcc.Link("Gebiedsprofiel", href=links.href("/profiel"))),
                html.Li(dcc.Link("Over de data", href=links.href("/over"))),
            ]),
        ],
        className="pagina pagina-niet-gevonden",
    )
