"""The frame around every page: skip link, navbar with area search, footer.

Also small shared pieces pages use: the Dutch message box (``alert``), a
labelled control wrapper and the approximate-boundaries note.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash
import flask
from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html, no_update

from dashboard import data, links, search
from dashboard.validate import as_str

APP_TITLE = "Dorpenmonitor Drenthe"


def alert(messages: Sequence[str], id_: str | None = None) -> html.Div:
    """A plain, screen-reader-announced message box (empty and hidden without messages)."""
    kwargs = {"id": id_} if id_ else {}
    if not messages:
        return html.Div([], className="melding melding-leeg", **kwargs)
    body = html.P(messages[0]) if len(messages) == 1 else html.Ul([html.Li(m) for m in messages])
    return html.Div([html.Strong("Let op: "), body], className="melding", role="alert", **kwargs)


#: Dutch texts for dcc.Dropdown's built-in buttons and messages.
DROPDOWN_LABELS = {
    "search": "Zoeken",
    "clear_search": "Zoekterm wissen",
    "clear_selection": "Keuze wissen",
    "no_options_found": "Niets gevonden",
    "select_all": "Alles kiezen",
    "deselect_all": "Niets kiezen",
    "selected_count": "{num_selected} gekozen",
}


def dropdown(id_: str | dict, **kwargs) -> dcc.Dropdown:
    """A dcc.Dropdown with Dutch built-in texts; a multi-select shows every chosen value (class ``meerkeuze``).

    Dash cuts a multi-select's values off at one line ("Annen, Gieten, Ro…"); then the visible text is not part of
    the button's accessible name as one piece (WCAG 2.5.3, axe ``label-content-name-mismatch``) and the user cannot
    see what is chosen. ``assets/style.css`` lets the values wrap.
    """
    kwargs.setdefault("labels", DROPDOWN_LABELS)
    if kwargs.get("multi"):
        kwargs["className"] = " ".join(c for c in ("meerkeuze", kwargs.get("className")) if c)
    return dcc.Dropdown(id=id_, **kwargs)


def control(label: str, component, id_: str, hint: str | None = None) -> html.Div:
    """A control with a visible label tied to it (``htmlFor``), optionally a hint."""
    children = [html.Label(label, htmlFor=id_, className="veld-label"), component]
    if hint:
        children.append(html.Small(hint, className="veld-hint"))
    return html.Div(children, className="veld")


def choice_group(legend: str, id_: str, options: list, value: Any, row: bool = False,
                 multi: bool = False) -> html.Fieldset:
    """A labelled group of radio buttons (or checkboxes, ``multi``): a fieldset whose legend names the choice.

    ``row``: side by side instead of one per line.
    """
    kind = dcc.Checklist if multi else dcc.RadioItems
    return html.Fieldset([
        html.Legend(legend, className="veld-label"),
        kind(id=id_, options=options, value=value, className="radio-rij" if row else "radio-kolom",
             inputClassName="radio-input", labelClassName="radio-label"),
    ], className="veld")


#: After an indicator's name in a dropdown when no level has any figure (Kaart adds the level: 'op buurtniveau').
NO_DATA_LABEL = "geen gegevens"


def indicator_options(thema: str | None, mark_empty: bool = False, with_theme: bool = False) -> list[dict[str, Any]]:
    """The indicator dropdown's options (Dutch titles in display order), optionally of one theme.

    ``mark_empty``: indicators without data at any level go last, disabled and labelled '(geen gegevens)', as the
    Kaart marks those without data at its level. ``with_theme``: 'Titel · thema' (a long list stays scannable).
    """
    opts = [{"label": f"{o['label']} · {o['theme']}" if with_theme else o["label"], "value": o["value"]}
            for o in data.indicator_options() if not thema or o["theme"] == thema]
    if not mark_empty:
        return opts
    empty = [o for o in opts if not data.levels_with_data(o["value"])]
    return ([o for o in opts if o not in empty]
            + [{"label": f"{o['label']} ({NO_DATA_LABEL})", "value": o["value"], "disabled": True} for o in empty])


def _nav_links() -> list:
    items = []
    for page in dash.page_registry.values():
        if page.get("nav", True) is False:
            continue
        # The id carries the prefixed path, so the menu marks the current page under any URL prefix.
        items.append(dcc.Link(page["name"], href=page["relative_path"], className="nav-link",
                              id={"type": "nav-link", "path": page["relative_path"]}))
    return items


def navbar(search_options: list[dict[str, str]]) -> html.Header:
    return html.Header(
        html.Div(
            [
                dcc.Link(
                    [html.Span("Dorpenmonitor", className="merk-naam"), html.Span(" Drenthe", className="merk-sub")],
                    href=links.href("/"), className="merk", title="Naar de kaart",
                ),
                html.Nav(_nav_links(), className="nav", **{"aria-label": "Hoofdmenu"}),
                html.Div(
                    [
                        html.Label("Zoek een gebied", htmlFor="zoek-gebied", className="visueel-verborgen"),
                        dropdown(
                            "zoek-gebied", options=search_options, placeholder="Zoek dorp, wijk, buurt of postcode…",
                            searchable=True, clearable=True, optionHeight=36, className="zoek",
                            maxHeight=360,
                        ),
                    ],
                    className="zoek-wrap", role="search",
                ),
            ],
            className="kop-binnen",
        ),
        className="kop",
    )


def footer(snapshot_date: str) -> html.Footer:
    return html.Footer(
        html.Div(
            [
                html.P([
                    "Bron: CBS (CC BY 4.0)",
                    html.Span(" · ", **{"aria-hidden": "true"}),
                    f"Gegevensstand: {snapshot_date}",
                    html.Span(" · ", **{"aria-hidden": "true"}),
                    dcc.Link("Over de gegevens", href=links.href("/over")),
                ]),
                html.P("Kerncijfers wijken en buurten en aanvullende CBS-tabellen voor de 12 Drentse gemeenten "
                       "en Hardenberg. Geheimgehouden cijfers worden niet geschat.", className="voet-klein"),
            ],
            className="voet-binnen",
        ),
        className="voet",
    )


def _serving_layout() -> bool:
    """Whether this request asks for the shell itself (``/_dash-layout``, behind any URL prefix)."""
    return flask.has_request_context() and flask.request.path.endswith("/_dash-layout")


def app_layout() -> html.Div:
    """The whole app shell; evaluated per page load so the snapshot date stays current.

    Dash also calls this once per process, at its first request whatever that asks for, only to check that no
    id occurs twice. That call gets the frame without its data (search options, snapshot date), so a fresh
    worker answers its first request without waiting for the database or pandas (issue 11); the ids are the
    same either way.
    """
    with_data = _serving_layout()
    return html.Div(
        [
            html.A("Naar de inhoud", href="#inhoud", className="skip-link"),
            navbar(search.options() if with_data else []),
            html.Main(dash.page_container, id="inhoud", tabIndex="-1", className="inhoud"),
            footer(data.snapshot_date() if with_data else ""),
        ],
        className="app",
    )


# Mark the current page in the menu without a server round trip. The home page's path ends in '/' (the prefix
# itself) and matches exactly; the others match as a prefix of the location.
clientside_callback(
    """function(path, ids) {
        return ids.map(function(id) {
            var home = id.path.slice(-1) === '/';
            var here = home ? path === id.path : (path || '').indexOf(id.path) === 0;
            return here ? 'nav-link actief' : 'nav-link';
        });
    }""",
    Output({"type": "nav-link", "path": ALL}, "className"),
    Input("_pages_location", "pathname"),
    State({"type": "nav-link", "path": ALL}, "id"),
)


@callback(
    Output("_pages_location", "href", allow_duplicate=True),
    Output("zoek-gebied", "value"),
    Input("zoek-gebied", "value"),
    prevent_initial_call=True,
)
def go_to_area(code: str | None):
    """Choosing an area in the search opens its profile (then the box clears for the next search)."""
    code = as_str(code)
    if not code:
        return no_update, no_update
    return links.profile_href(code), None


@callback(
    Output("zoek-gebied", "options"),
    Input("zoek-gebied", "search_value"),
    prevent_initial_call=True,
)
def search_areas(query: str | None):
    """Typing searches on the server: typos ('Giten' → Gieten) and postcodes ('9401'); empty keeps the list."""
    query = as_str(query, 100)
    if not query or not query.strip():
        return no_update
    return search.search(query)
