"""Vergelijken: up to 8 areas of any level side by side, with benchmarks and "lijkt op".

State in the URL: ``/vergelijken?codes=DP1680_annen,BU01140600&indicatoren=aandeel_65plus,woz_gemiddeld``
(optional ``basis=<code>``: the chosen area for which "lijkt op" is shown).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
from dash import Input, Output, State, callback, dash_table, dcc, html

from dashboard import data
from dashboard.formatting import PARTIAL_TEXT, fmt_number, level_word, status_word
from dashboard.layout import DROPDOWN_LABELS, alert, control, dropdown, indicator_options
from dashboard.links import profile_href
from dashboard.theme import ACCENT, FONT
from dashboard.validate import as_list, as_str
from pages.vergelijken import compare

dash.register_page(__name__, path="/vergelijken", name="Vergelijken", title="Vergelijken · Dorpenmonitor Drenthe",
                   order=2)

#: "4 selected" is not in the shared Dutch labels (yet); until then it is added here.
LABELS = {**DROPDOWN_LABELS, "selected_count": "{num_selected} gekozen"}
#: The small panels: a value on hover, no tool bar (it covered the top bar of a panel; zooming a panel of three
#: bars shows nothing new).
GRAPH_CONFIG: dict[str, Any] = {"displayModeBar": False, "responsive": True}
#: The example comparison offered on an empty page.
EXAMPLE = compare.VergelijkState(("DP1680_annen", "DP0114_nieuw-amsterdam", "DP1730_zuidlaren"))


def layout(**query: Any) -> html.Div:
    state = compare.parse_vergelijken(query, data.catalog())
    return html.Div(
        [
            dcc.Location(id="vergelijken-url", refresh=False),
            html.H1("Vergelijken", className="pagina-titel"),
            html.P("Zet tot acht dorpen, wijken, buurten of gemeenten naast elkaar. Elk cijfer komt uit het nieuwste "
                   "jaar met gegevens voor dat gebied; het jaar staat erbij.", className="intro"),
            alert(list(state.messages), "vergelijken-melding"),
            html.Section(
                [
                    html.H2("Kies", className="visueel-verborgen"),
                    html.Div([
                        control("Gebieden", dropdown("vergelijken-gebieden", options=data.search_options(),
                                                     value=list(state.codes), multi=True, labels=LABELS,
                                                     placeholder="Zoek dorp, wijk, buurt of gemeente…"),
                                "vergelijken-gebieden", hint=f"Hoogstens {compare.MAX_AREAS} gebieden."),
                        control("Indicatoren", dropdown("vergelijken-indicatoren", options=_indicator_options(),
                                                        value=list(state.indicatoren), multi=True, labels=LABELS,
                                                        placeholder="Kies indicatoren…"),
                                "vergelijken-indicatoren", hint=f"Hoogstens {compare.MAX_INDICATORS}."),
                    ], className="vergelijken-keuzes"),
                    html.Div([
                        html.Button("Download CSV", id="vergelijken-csv-knop", className="knop", n_clicks=0),
                        html.Button("Download Excel", id="vergelijken-excel-knop", className="knop", n_clicks=0),
                        dcc.Download(id="vergelijken-download"),
                    ], className="knoppen"),
                ],
                className="paneel bediening niet-printen", **{"aria-label": "Keuzes voor de vergelijking"},
            ),
            dcc.Loading(html.Div(_content(state), id="vergelijken-inhoud"), type="dot", color=ACCENT,
                        delay_show=300),
        ],
        className="pagina pagina-vergelijken",
    )


def _indicator_options() -> list[dict[str, Any]]:
    # Theme in the label so the long list stays scannable when searching; an indicator without any data is
    # offered last and disabled (its panel was empty axes), as on Kaart and Trends.
    return indicator_options(None, mark_empty=True, with_theme=True)


def _content(state: compare.VergelijkState) -> list:
    """Table, small multiples and 'lijkt op' for ``state`` (or a friendly empty state)."""
    if not state.codes:
        return [html.Div([
            html.H2("Nog geen gebieden gekozen", className="vak-titel"),
            html.P("Kies hierboven gebieden om te vergelijken, of begin met een voorbeeld:"),
            dcc.Link("Annen, Nieuw-Amsterdam en Zuidlaren vergelijken", href=compare.vergelijken_href(EXAMPLE),
                     id="vergelijken-voorbeeld"),
        ], className="paneel leeg-vak")]
    # Plain rows from one indexed query: no frame per request (issue 11).
    tidy = compare.compare_rows(state.codes, state.indicatoren)
    metas = {i: data.indicator(i) for i in state.indicatoren}
    wide = compare.wide_records(tidy)
    columns = [{"name": "Gebied", "id": "Gebied"}, {"name": "Soort", "id": "Soort"},
               # The unit is in every cell ('1,2 km (2024)'), so the header is the title alone.
               *({"name": metas[i].title, "id": i} for i in state.indicatoren)]
    table_rows = [*wide, *compare.benchmark_records(tidy)]
    n_areas = len(wide)
    panels = compare.small_multiples(tidy, metas)
    return [
        html.Section([
            html.H2("Tabel", className="vak-titel"),
            dash_table.DataTable(
                id="vergelijken-tabel", columns=columns, data=table_rows, sort_action="none",
                style_table={"overflowX": "auto"}, cell_selectable=False,
                style_cell={"fontFamily": FONT, "fontSize": "0.92rem", "padding": "6px 10px",
                            "textAlign": "right", "whiteSpace": "normal", "height": "auto", "minWidth": "90px"},
                style_cell_conditional=[{"if": {"column_id": c}, "textAlign": "left"} for c in ("Gebied", "Soort")],
                style_header={"backgroundColor": "#e7eef6", "fontWeight": "600", "whiteSpace": "normal",
                              "textAlign": "left"},
                style_data_conditional=[
                    {"if": {"row_index": list(range(n_areas, len(table_rows)))},
                     "backgroundColor": "#f4f6f8", "color": "#4a4a4a", "fontStyle": "italic"},
                ],
            ),
            html.P(f"Tussen haakjes het jaar van het cijfer. * = {status_word('onbetrouwbaar')}. "
                   "'geheim' = door CBS niet gepubliceerd om herleidbaarheid te voorkomen. Grijze rijen: "
                   "referenties (eigen gemeente, Drenthe zonder Hardenberg, alle 13 gemeenten).", className="noot"),
            *_table_notes(tidy),
        ], className="paneel"),
        html.Section([
            html.H2("Per indicator", className="vak-titel"),
            _legend(panels),
            _grid(panels),
            html.P("Zwart streepje: de eigen gemeente van het gebied. Gestippeld: Drenthe; streep-stip: de 13 "
                   "gemeenten van de monitor samen.", className="noot"),
        ], className="paneel"),
        _similar_section(state),
    ]


def _table_notes(tidy: list[compare.TidyRow]) -> list[html.P]:
    """Under the table: what the ' · deel' figures rest on (the Profiel's wording), why a total is missing, and
    every figure's CBS table and year."""
    notes = []
    partial = compare.partial_notes(tidy)
    if partial:
        notes.append(html.P(f"{compare.PARTIAL_MARK.strip(' ·')} = {PARTIAL_TEXT[0].lower()}{PARTIAL_TEXT[1:]}: "
                            f"{'; '.join(partial)}.", className="noot", id="vergelijken-deel"))
    notes += [html.P(n, className="noot") for n in compare.reference_notes(tidy)]
    bron = compare.source_line(tidy)
    if bron:
        notes.append(html.P(bron, className="noot", id="vergelijken-bron"))
    return notes


def _small_multiples(tidy: Any, metas: dict[str, Any]) -> html.Div:
    """The panels of ``tidy`` in their grid (:func:`_grid`)."""
    return _grid(compare.small_multiples(tidy, metas))


def _grid(panels: list[compare.Panel]) -> html.Div:
    """The panels in a grid: two columns on a wide screen, one on a phone (``.veelvouden`` in pages_extra.css)."""
    return html.Div([
        html.Figure([
            html.Figcaption(p.title, className="veelvoud-titel"),
            # A responsive graph takes its box's height: the box gets the panel's own (it grows with the areas).
            dcc.Graph(id={"type": "vergelijken-paneel", "indicator": p.indicator}, figure=p.figure,
                      config=GRAPH_CONFIG, style={"height": f"{p.figure['layout']['height']}px"}),
            *([html.P(p.bron, className="noot veelvoud-bron")] if p.bron else []),
        ], className="veelvoud")
        for p in panels
    ], id="vergelijken-grafiek", className="veelvouden")


def _legend(panels: list[compare.Panel]) -> html.Ul | None:
    """One legend above all panels for the references they draw (in a panel it made that panel taller)."""
    labels = {k: v for k, v in compare.REF_LABELS.items() if any(k in p.refs for p in panels)}
    if any(p.deel for p in panels):
        labels["deel"] = f"Gearceerd ({compare.PARTIAL_MARK.strip(' ·')}): berekend op een deel van het dorp"
    if not labels:
        return None
    return html.Ul([html.Li([html.Span(className=f"legenda-teken legenda-{k}", **{"aria-hidden": "true"}), text])
                    for k, text in labels.items()],
                   id="vergelijken-legenda", className="veelvoud-legenda", **{"aria-label": "Legenda"})


def _similar_section(state: compare.VergelijkState) -> html.Section:
    if not state.codes:  # nothing chosen (yet): nothing to be like
        return html.Section([html.H2("Lijkt op", className="vak-titel", id="vergelijken-lijkt-op-titel"),
                             html.P("Kies eerst gebieden om te vergelijken.", className="klein")],
                            className="paneel", id="vergelijken-lijkt-op")
    basis = state.basis or state.codes[0]
    index = data.area_index()
    naam, niveau = index.get(basis, (basis, ""))
    res = compare.similar_rows(basis, state.indicatoren)
    options = [{"label": index.get(c, (c, ""))[0], "value": c} for c in state.codes]
    if not res:
        body: Any = html.P(f"Te weinig gegevens om gebieden te vinden die op {naam} lijken.", className="klein")
    else:
        head = html.Tr([html.Th("Gebied"), html.Th("Gemeente"), html.Th("Afstand", className="getal"),
                        html.Th("Vergeleken op", className="getal"), html.Th("")])
        rows = []
        for r in res:
            add = list(dict.fromkeys([*state.codes, r.code]))[: compare.MAX_AREAS]
            href = compare.vergelijken_href(compare.VergelijkState(tuple(add), state.indicatoren, state.basis))
            rows.append(html.Tr([
                html.Td(dcc.Link(r.naam, href=profile_href(r.code))), html.Td(r.gemeente),
                html.Td(fmt_number(r.afstand, 2), className="getal"),
                html.Td(f"{r.gedeeld} van {len(state.indicatoren)}", className="getal"),
                html.Td(dcc.Link("+ vergelijk", href=href, className="klein-link")
                        if r.code not in state.codes else "al gekozen"),
            ]))
        # In its own scroll box: at 390 px the table made the whole page 518 px wide.
        body = html.Div(html.Table([html.Thead(head), html.Tbody(rows)], className="tabel lijkt-op-tabel",
                                   id="vergelijken-lijkt-op-tabel"), className="tabel-scroll")
    return html.Section([
        html.H2(f"Lijkt op {naam}", className="vak-titel", id="vergelijken-lijkt-op-titel"),
        html.Div(control("Gebied", dropdown("vergelijken-basis", options=options, value=basis, clearable=False),
                         "vergelijken-basis"), className="basis-keuze niet-printen"),
        html.P(f"De {compare.TOP_SIMILAR} {level_word(niveau, plural=True)} die het meest op {naam} "
               "lijken op de gekozen indicatoren. Afstand: standaard-Euclidische afstand op z-scores (0 = gelijk; "
               "elke indicator telt even zwaar, gemeten in standaarddeviaties over alle gebieden van dit niveau, "
               "nieuwste jaar).", className="noot"),
        body,
    ], className="paneel", id="vergelijken-lijkt-op")


def _state(codes: Any, indicatoren: Any, basis: Any) -> compare.VergelijkState:
    """The validated state from the controls: checked like a link, after the type and size checks."""
    notes: list[str] = []
    query = {"codes": as_list(codes, compare.MAX_AREAS, notes=notes, what="gebieden"),
             "indicatoren": as_list(indicatoren, compare.MAX_INDICATORS, notes=notes, what="indicatoren"),
             "basis": as_str(basis, notes=notes, what="keuze bij 'lijkt op'")}
    state = compare.parse_vergelijken({k: v for k, v in query.items() if v}, data.catalog())
    return replace(state, messages=(*notes, *state.messages))


@callback(
    Output("vergelijken-inhoud", "children"),
    Output("vergelijken-melding", "children"),
    Output("vergelijken-url", "search"),
    Input("vergelijken-gebieden", "value"),
    Input("vergelijken-indicatoren", "value"),
    prevent_initial_call=True,
)
def update(codes, indicatoren):
    """Any change of areas or indicators redraws the content and rewrites the URL."""
    state = _state(codes, indicatoren, None)
    return _content(state), alert(list(state.messages)).children, compare.vergelijken_query(state)


@callback(
    Output("vergelijken-lijkt-op", "children"),
    Output("vergelijken-url", "search", allow_duplicate=True),
    Input("vergelijken-basis", "value"),
    State("vergelijken-gebieden", "value"),
    State("vergelijken-indicatoren", "value"),
    prevent_initial_call=True,
)
def update_basis(basis, codes, indicatoren):
    """Choosing another area for 'lijkt op' redraws only that section."""
    state = _state(codes, indicatoren, basis)
    return _similar_section(state).children, compare.vergelijken_query(state)


@callback(
    Output("vergelijken-download", "data"),
    Input("vergelijken-csv-knop", "n_clicks"),
    Input("vergelijken-excel-knop", "n_clicks"),
    State("vergelijken-gebieden", "value"),
    State("vergelijken-indicatoren", "value"),
    prevent_initial_call=True,
)
def download(_csv, _xlsx, codes, indicatoren):
    state = _state(codes, indicatoren, None)
    return build_download(state, excel=dash.ctx.triggered_id == "vergelijken-excel-knop")


def build_download(state: compare.VergelijkState, excel: bool) -> dict[str, Any]:
    """The dcc.Download payload for ``state`` (a plain function, so tests call it without a browser)."""
    d = compare.comparison_download(state.codes, state.indicatoren, excel)
    return dash.dcc.send_bytes(d.content, d.filename, type=d.mimetype)
