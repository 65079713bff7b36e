"""Gebiedsprofiel: one page per area (gemeente, wijk, buurt or dorp), printable and downloadable.

State in the URL: ``/profiel?code=DP1680_annen``. Without a code, or with an
unknown one, the page explains that in Dutch and offers the search instead.
The content comes from :func:`pages.profiel.briefing.profile`; the same record
feeds the PDF and Excel downloads. The body is built with
:data:`dashboard.elements.el` instead of ``html``: the same JSON, but its ~500
table cells no longer cost more than the profile's data (issue 12 load test).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import data, links, series
from dashboard.elements import Element, el
from dashboard.formatting import fmt_short, fmt_value, level_word, unit_label
from dashboard.layout import alert, dropdown
from dashboard.links import first, profile_href, resolve_code
from dashboard.theme import ACCENT, FONT, MUTED
from dashboard.validate import as_str, clip
from indicators import REGISTRY
from pages.profiel import briefing, export

dash.register_page(__name__, path="/profiel", name="Gebiedsprofiel", title="Gebiedsprofiel · Dorpenmonitor Drenthe",
                   order=3)

#: Offered when no (valid) code is given: a village, a town, a buurt and a gemeente.
EXAMPLES: tuple[str, ...] = ("DP1680_annen", "DP0114_nieuw-amsterdam", "GM0106", "DP1730_zuidlaren")
#: The small trend charts: a value on hover, nothing to zoom or pan (the Trends page is for exploring).
SERIES_CONFIG: dict[str, Any] = {"displayModeBar": False, "responsive": True}


def parse_code(query: dict[str, Any]) -> tuple[str | None, list[str]]:
    """The area code from the query string, or None with a Dutch message saying why."""
    raw = first(query.get("code"))
    if raw is None:
        return None, []
    code = resolve_code(raw, data.area_index())
    if code is None:
        return None, [f"Gebied '{clip(raw)}' bestaat niet in de Dorpenmonitor. Zoek hieronder een dorp, wijk, buurt "
                      "of gemeente."]
    return code, []


def layout(**query: Any) -> html.Div:
    code, msgs = parse_code(query)
    if code is None:
        return _chooser(msgs)
    naam = data.area_index()[code][0]
    return html.Div(
        [
            dcc.Store(id="profiel-code", data=code),
            html.Div([
                html.Div([
                    html.P("Gebiedsprofiel", className="bovenkop"),
                    html.H1(naam, className="pagina-titel", id="profiel-titel"),
                    html.P(id="profiel-ondertitel", className="ondertitel"),
                ]),
                html.Div([
                    html.Button("Download PDF", id="profiel-pdf-knop", className="knop knop-primair", n_clicks=0),
                    html.Button("Download Excel", id="profiel-excel-knop", className="knop", n_clicks=0),
                    html.Button("Afdrukken", id="profiel-print-knop", className="knop", n_clicks=0),
                    dcc.Download(id="profiel-download"),
                ], className="knoppen niet-printen"),
            ], className="profiel-kop"),
            dcc.Loading(html.Div(id="profiel-inhoud", className="profiel-inhoud"), type="dot", color=ACCENT,
                        delay_show=200),
        ],
        className="pagina pagina-profiel",
    )


def _chooser(msgs: list[str]) -> html.Div:
    """No or unknown code: say so, and offer the search and a few examples (never an error page)."""
    index = data.area_index()
    links = [html.Li(dcc.Link(index[c][0] + f" ({index[c][1]})", href=profile_href(c))) for c in EXAMPLES if c in index]
    return html.Div(
        [
            html.H1("Gebiedsprofiel", className="pagina-titel"),
            alert(msgs, "profiel-melding"),
            html.Section([
                html.Label("Zoek een dorp, wijk, buurt of gemeente", htmlFor="profiel-zoek", className="veld-label"),
                dropdown("profiel-zoek", options=data.search_options(), placeholder="Typ een naam…",
                         searchable=True, clearable=True),
                html.P("Of kijk bij een van deze voorbeelden:", className="klein"),
                html.Ul(links, className="voorbeelden"),
            ], className="paneel kiezer"),
        ],
        className="pagina pagina-profiel",
    )


@callback(
    Output("_pages_location", "href", allow_duplicate=True),
    Input("profiel-zoek", "value"),
    prevent_initial_call=True,
)
def choose(code: str | None):
    code = as_str(code)
    return profile_href(code) if code else dash.no_update


@callback(
    Output("profiel-inhoud", "children"),
    Output("profiel-ondertitel", "children"),
    Input("profiel-code", "data"),
)
def render(code: str):
    """The profile body; built in a callback so a slow first computation shows a spinner, not a blank page."""
    code = as_str(code)
    p = briefing.profile(code) if code else None
    if p is None:  # the area vanished after a data refresh (or the store was tampered with)
        return alert([f"Gebied '{clip(code or '')}' bestaat niet (meer) in de Dorpenmonitor."]), ""
    return profile_body(p), f"{p.subtitle} · code {p.code} · gegevensstand {p.gegevensstand}"


def profile_body(p: briefing.Profile) -> list:
    """Highlights, figures per theme, notes and sources of one profile (pure layout)."""
    further = [dcc.Link("Vergelijk met andere gebieden", href=links.href("/vergelijken", codes=p.code)),
               dcc.Link("Trend van de inwoners", href=links.href("/trends", indicator="inwoners", codes=p.code))]
    if p.niveau in ("gemeente", "wijk", "buurt"):
        further.insert(0, dcc.Link("Op de kaart", href=links.href("/", niveau=p.niveau, code=p.code)))
    elif p.gemeente_code:
        further.insert(0, dcc.Link("Buurten op de kaart",
                                   href=links.href("/", niveau="buurt", gemeente=p.gemeente_code)))
    out: list = [el.Nav([el.Span(lk, className="profiel-link") for lk in further],
                          className="profiel-links niet-printen", **{"aria-label": "Verder met dit gebied"})]
    if p.highlights:
        out.append(el.Section([
            el.H2("Opvallend", className="vak-titel"),
            el.Ul([el.Li(h) for h in p.highlights], className="opvallend-lijst"),
        ], className="paneel opvallend", id="profiel-opvallend"))
    if p.series:
        out.append(people_section(p))
    if len(p.peers) > 1:
        out.append(peers_section(p))
    is_gm = p.niveau == "gemeente"
    bench_heads = ["Drenthe", "13 gemeenten"] if is_gm else [f"Gemeente {p.gemeente_naam}", "Drenthe"]
    gap_said = False
    for theme, figs in p.by_theme():
        rows = []
        gap_here = False
        for f in figs:
            bench = [f.drenthe, f.monitor] if is_gm else [f.gemeente, f.drenthe]
            gap_here = gap_here or (f.has_value and any(b is None for b in bench[-1 if not is_gm else 0:]))
            extra = briefing.status_text(f) if not f.has_value else f.note
            svg = briefing.sparkline_svg(f.trend)
            first_year = f.trend[0][0] if f.trend else None
            rows.append(el.Tr([
                el.Th([f.titel, _info_tip(f.uitleg), el.Span(extra, className="cel-noot") if extra else None],
                        scope="row"),
                el.Td(fmt_short(f.waarde, f) if f.has_value else "–", className="getal waarde"),
                *(el.Td(fmt_short(b, f), className="getal") for b in bench),
                el.Td(unit_label(f), className="eenheid"),
                el.Td(f.jaar_kort, className="getal jaar"),  # '2025*' for the police's partial period
                el.Td(el.Img(src=briefing.svg_data_uri(svg), alt=f"Trend {f.titel} {first_year}–{f.jaar}",
                                 title=f"{first_year}–{f.jaar}", className="sparkline") if svg else "",
                        className="trend-cel"),
            ]))
        out.append(el.Section([
            el.H2(theme.capitalize(), className="vak-titel"),
            el.Div(el.Table([
                el.Thead(el.Tr([el.Th("Indicator", scope="col"), el.Th(p.naam, scope="col", className="getal"),
                                    *(el.Th(h, scope="col", className="getal") for h in bench_heads),
                                    el.Th("Eenheid", scope="col"), el.Th("Jaar", scope="col", className="getal"),
                                    el.Th("Trend", scope="col")])),
                el.Tbody(rows),
            ], className="tabel profiel-tabel"), className="tabel-scroll"),
            # Why Drenthe shows '–': said once, under the first table where it happens.
            el.P(p.reference_note, className="noot", id="profiel-referentie-noot")
            if gap_here and p.reference_note and not gap_said else None,
        ], className="paneel thema-vak"))
        gap_said = gap_said or (gap_here and bool(p.reference_note))
    notes: list = [el.Li(n) for n in p.notes]
    if p.leden:
        notes.append(el.Li(["Buurten in dit dorp: ", *_joined(
            [dcc.Link(n, href=profile_href(c)) for c, n in p.leden])]))
    tables = briefing.table_list(p, data.source_titles())
    out.append(el.Section([
        el.H2("Over deze cijfers", className="vak-titel"),
        el.Ul(notes, className="noten-lijst", id="profiel-noten"),
        el.P(["Bron: CBS (CC BY 4.0). Tabellen: ",
                *_joined([el.Span(t) for t in tables]), ". ",
                dcc.Link("Meer over de gegevens", href=links.href("/over")), "."], className="klein"),
    ], className="paneel"))
    return out


#: A series break in a small chart: a dotted vertical line between the two years (as on the Trends page).
BREAK_LINE: dict[str, Any] = {"type": "line", "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
                              "line": {"color": "#8c8c8c", "width": 1, "dash": "dot"}}


def series_figure(s: briefing.TrendSeries) -> dict[str, Any]:
    """One 'people and homes' series as a small line chart: the area's own in the accent colour, the gemeente's
    in grey (as in the PDF's chart). A missing year or a series break is a gap in the line, never bridged; a
    break also gets a dotted vertical line.

    A plain figure dict: plotly's validating ``go.Figure`` cost more than the rest of the profile (loadtest).
    """
    meta = REGISTRY[s.indicator]
    xs, ys = series.line_points(s.points)
    texts = [None if y is None else fmt_value(y, meta) for y in ys]
    trace = {"type": "scatter", "x": xs, "y": ys, "mode": "lines+markers", "connectgaps": False,
             "line": {"color": ACCENT if s.eigen else MUTED, "width": 2.5}, "marker": {"size": 6},
             "customdata": texts, "hovertemplate": "%{x}: %{customdata}<extra></extra>"}
    layout = {"height": 240, "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "separators": ",.",
              "font": {"family": FONT, "size": 12}, "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff",
              "showlegend": False, "shapes": [BREAK_LINE | {"x0": y - 0.5, "x1": y - 0.5}
                                               for y in series.break_years(s.points)],
              # automargin: a plain dict has no plotly.py template, whose axes make room for their tick labels.
              "xaxis": {"tickformat": "d", "nticks": 8, "fixedrange": True, "automargin": True},
              "yaxis": {"rangemode": "tozero", "separatethousands": True, "exponentformat": "none",
                        "gridcolor": "#e6e6e6", "fixedrange": True, "automargin": True}}
    return {"data": [trace], "layout": layout}


def people_section(p: briefing.Profile) -> Element:
    """'Mensen en woningen door de tijd': inwoners and huishoudens over time, the area's own series or else the
    gemeente's, saying which (the same :attr:`Profile.series` as the PDF)."""
    blocks = []
    for s in p.series:
        summary = briefing.series_summary(s)
        blocks.append(el.Figure([
            el.Figcaption([el.Strong(s.titel), el.Span(briefing.series_source(s, p.naam).split(": ", 1)[1],
                                                              className="cel-noot")]),
            dcc.Graph(id=f"profiel-reeks-{s.indicator}", figure=series_figure(s), config=SERIES_CONFIG,
                      className="reeks-grafiek", style={"height": "240px"}),
            el.P(summary, className="klein"),
        ], className="reeks", **{"data-eigen": "ja" if s.eigen else "nee"}))
    return el.Section([
        el.H2("Mensen en woningen door de tijd", className="vak-titel"),
        el.Div(blocks, className="reeksen"),
        *(el.P(m + ".", className="noot") for m in briefing.missing_series(p)),
        el.P("Leeftijdsopbouw en woningen naar eigendom en soort staan in de tabellen hieronder; de PDF zet ze "
               "naast de gemeente en Drenthe in een grafiek.", className="noot"),
    ], className="paneel", id="profiel-reeksen")


def peers_section(p: briefing.Profile) -> Element:
    """'Lijkt op': the area itself and the five most similar areas of its level, key figures side by side
    (:attr:`Profile.peers`, as in the PDF)."""
    metas = [REGISTRY[i] for i in briefing.PEER_COLUMNS]
    is_gm = p.niveau == "gemeente"
    head = [el.Th(level_word(p.niveau, capital=True), scope="col")]
    if not is_gm:
        head.append(el.Th("Gemeente", scope="col"))
    head += [el.Th(el.Abbr(h, title=m.title) if h != m.title else h, scope="col", className="getal")
             for h, m in zip(briefing.PEER_HEADS, metas, strict=True)]
    rows = []
    for i, peer in enumerate(p.peers):
        name: Any = (el.Strong(peer.naam) if i == 0 else dcc.Link(peer.naam, href=profile_href(peer.code)))
        cells = [el.Th(name, scope="row")]
        if not is_gm:
            cells.append(el.Td(peer.gemeente))
        cells += [el.Td(fmt_value(v, m, unit=m.unit == "euro"), className="getal")
                  for m, v in zip(metas, peer.waarden, strict=True)]
        rows.append(el.Tr(cells, className="zelf" if i == 0 else None))
    compare = links.href("/vergelijken", codes=",".join(x.code for x in p.peers),
                         indicatoren=",".join(briefing.PEER_INDICATORS))
    return el.Section([
        el.H2(briefing.peers_title(p), className="vak-titel"),
        el.P(briefing.peers_explanation(), className="klein"),
        el.Div(el.Table([el.Thead(el.Tr(head)), el.Tbody(rows)], className="tabel peers-tabel",
                            id="profiel-peers-tabel"), className="tabel-scroll"),
        el.P(dcc.Link("Vergelijk deze gebieden", href=compare), className="klein niet-printen"),
    ], className="paneel", id="profiel-lijkt-op")


def _info_tip(text: str) -> Element | None:
    """The plain-Dutch sentence of an indicator as an 'i' beside its name (hover shows it, screen readers read it)."""
    if not text:
        return None
    return el.Span("i", title=text, className="info-tip niet-printen", role="img",
                     **{"aria-label": f"Uitleg: {text}"})


def _joined(items: list, sep: str = ", ") -> list:
    out: list = []
    for i, it in enumerate(items):
        if i:
            out.append(sep)
        out.append(it)
    return out


clientside_callback(
    "function(n) { if (n) { window.print(); } return 'Druk dit profiel af'; }",
    Output("profiel-print-knop", "title"),
    Input("profiel-print-knop", "n_clicks"),
    prevent_initial_call=True,
)


@callback(
    Output("profiel-download", "data"),
    Input("profiel-pdf-knop", "n_clicks"),
    Input("profiel-excel-knop", "n_clicks"),
    State("profiel-code", "data"),
    prevent_initial_call=True,
)
def download(_pdf, _xlsx, code):
    return build_download(as_str(code), pdf=dash.ctx.triggered_id == "profiel-pdf-knop")


def build_download(code: str | None, pdf: bool) -> dict[str, Any] | None:
    """The dcc.Download payload (PDF or Excel) of a profile; a plain function for tests."""
    d = export.profile_download(code, pdf) if code else None
    return None if d is None else dcc.send_bytes(d.content, d.filename, type=d.mimetype)
