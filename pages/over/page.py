"""Over de data: sources and licence, data date and loads, coverage, indicator catalogue, boundaries.

Everything on this page is read from the database (``store.sources()``,
``meta()``, ``load_runs()``, ``coverage()``, ``boundary_vintages()``) and the
indicator registry, so it cannot drift from what the monitor actually shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dash
from dash import dcc, html

from dashboard import data, links
from dashboard.downloads import sources
from dashboard.formatting import level_word, status_word
from dorpenmonitor.codes import RUN_WORDS
from dorpenmonitor.lazy import lazy_module
from dorpenmonitor.settings import GEMEENTEN
from indicators import REGISTRY, THEMES
from pages.over import about

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

dash.register_page(__name__, path="/over", name="Over de data", title="Over de data · Dorpenmonitor Drenthe",
                   order=9)

#: Columns shown without thousands separators (years, run numbers).
PLAIN_COLUMNS = ("Jaar", "Nr.")
#: Dutch label of every key the loaders write into the meta table (etl/snapshot.py, etl/refresh.py), in display
#: order. A key not here and not in HIDDEN_META is not shown: users never see a raw key.
META_LABELS = {
    "snapshot_built": "Momentopname gemaakt",
    "snapshot_loaded": "In de database geladen",
    "data_origin": "Herkomst",
    "last_refresh": "Laatste verversing bij CBS/PDOK",
    "last_refresh_scope": "Omvang laatste verversing",
    "snapshot_sha256": "Controlegetal momentopname (SHA-256)",
}
#: Written for the app's own checks, not for readers.
HIDDEN_META: frozenset[str] = frozenset()
ORIGIN_WORDS = {"snapshot": "gebundelde snapshot", "live": "live ververst bij CBS/PDOK"}
#: Timestamps shown as Dutch date and time.
META_TIMES = ("snapshot_loaded", "last_refresh")


def layout(**_: Any) -> html.Div:
    return html.Div(
        [
            html.H1("Over de data", className="pagina-titel"),
            html.Nav(html.Ul([html.Li(html.A(t, href=f"#{a}")) for a, t in (
                ("over-bronnen", "Bronnen en licentie"), ("over-stand", "Gegevensstand"),
                ("over-dekking", "Dekking"), ("over-indicatoren", "Indicatoren"), ("over-grenzen", "Grenzen"),
                ("over-dorpen", "Dorpen"))]), className="inhoudsopgave niet-printen",
                **{"aria-label": "Op deze pagina"}),
            _licence(),
            _sources(),
            _status(),
            _coverage(),
            _catalogue(),
            _boundaries(),
            _resolution(),
            _villages(),
        ],
        className="pagina pagina-over",
    )


def _table(df: pd.DataFrame, id_: str, numeric: tuple[str, ...] = (), caption: str | None = None) -> html.Div:
    """A plain, accessible HTML table (prints well, no JavaScript)."""
    head = html.Tr([html.Th(c, scope="col", className="getal" if c in numeric else None) for c in df.columns])
    body = [html.Tr([html.Td("" if pd.isna(v) else _cell(v, c), className="getal" if c in numeric else None)
                     for c, v in zip(df.columns, row, strict=True)]) for row in df.itertuples(index=False)]
    parts = ([html.Caption(caption)] if caption else []) + [html.Thead(head), html.Tbody(body)]
    return html.Div(html.Table(parts, className="tabel over-tabel", id=id_), className="tabel-scroll")


def _cell(v: Any, column: str = "") -> Any:
    if column in PLAIN_COLUMNS:
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}".replace(",", ".")
    text = str(v)
    if text.startswith(("http://", "https://")):
        return html.A(text.split("//", 1)[1][:40] + ("…" if len(text) > 48 else ""), href=text, title=text)
    return text


def _licence() -> html.Section:
    return html.Section([
        html.H2("Bronnen en licentie", className="vak-titel", id="over-bronnen"),
        html.P([html.Strong("Bron: CBS. "),
                "Alle cijfers komen van het Centraal Bureau voor de Statistiek (CBS), meestal uit de Kerncijfers "
                "wijken en buurten. CBS-open data valt onder de licentie ",
                html.A("Creative Commons Naamsvermelding 4.0 (CC BY 4.0)",
                       href="https://creativecommons.org/licenses/by/4.0/deed.nl"),
                ": u mag de cijfers gebruiken en bewerken, als u de bron vermeldt (\u201eBron: CBS\u201d)."]),
        html.P("Tabellen uit de CBS-catalogus \u201eOpen data van derden\u201d (dataderden) publiceert CBS namens een "
               "andere instantie (zoals het ministerie van BZK of de Politie); ook daar is bronvermelding verplicht. "
               "Gezondheidscijfers zijn modelschattingen van RIVM, GGD'en en CBS. Grenzen: CBS / Kadaster."),
        html.P("De cijfers hebben ons niet rechtstreeks van CBS bereikt maar via openbare herpublicaties "
               "(kolom \u201eVia\u201d); daarbij is alleen gefilterd op de 13 gemeenten, niet gerekend. Bij een "
               "verversing haalt de monitor de tabellen rechtstreeks bij CBS op.", className="klein"),
        html.P(f"Gemeenten in de monitor: {', '.join(GEMEENTEN.values())} (de 12 Drentse gemeenten en Hardenberg). "
               "\u201eDrenthe\u201d als vergelijking is de 12 Drentse gemeenten samen, zonder Hardenberg.",
               className="klein"),
    ], className="paneel")


def _sources() -> html.Section:
    src = sources()
    rows = []
    for r in src.itertuples(index=False):
        title = html.A(r.title, href=r.url) if str(r.url).startswith("http") else r.title
        # "owner/repo (github.com/… path @ commit)": the name reads first, the exact place below it.
        name, _, detail = str(r.republisher).partition(" (github.com")
        detail = "github.com" + detail if detail else ""
        rows.append(html.Tr([
            html.Th([html.Strong(r.table_id), html.Br(), title], scope="row"),
            html.Td(r.publisher),
            html.Td(r.periods, className="getal"),
            html.Td(r.licence),
            html.Td([name, html.Span(detail.rstrip(")"), className="cel-noot") if detail else None]),
            html.Td(r.notes, className="bron-cel"),
        ]))
    head = html.Tr([html.Th(h, scope="col") for h in ("Tabel", "Uitgever", "Perioden", "Licentie",
                                                      "Via (herpublicatie)", "Opmerkingen")])
    retrieved = sorted({str(x) for x in src.get("retrieved", []) if str(x).strip()})
    return html.Section([
        html.H3("Gebruikte tabellen", className="sub-titel"),
        html.Div(html.Table([html.Thead(head), html.Tbody(rows)], className="tabel over-tabel bronnen-tabel",
                            id="over-bronnen-tabel"), className="tabel-scroll"),
        html.P(f"Opgehaald: {', '.join(retrieved)}. Controlegetallen (SHA-256) per bestand staan in "
               "data/snapshot/sources.json." if retrieved else "", className="noot"),
    ], className="paneel")


def _status() -> html.Section:
    runs = about.load_runs()
    dl = html.Dl([x for k, v in meta_items(about.meta()) for x in (html.Dt(k), html.Dd(v))], className="stand-lijst")
    body: list = [html.H2("Gegevensstand", className="vak-titel", id="over-stand"), dl]
    if not runs.empty:
        df = pd.DataFrame({
            "Nr.": runs["id"], "Soort": runs["kind"], "Omvang": runs["scope"],
            "Begonnen": runs["started_at"].map(_when), "Klaar": runs["finished_at"].map(_when),
            "Resultaat": runs["status"].map(lambda s: RUN_WORDS.get(s, s)), "Rijen": runs["rows"],
            "Melding": runs["message"],
        })
        body += [html.H3("Laadgeschiedenis (laatste 10)", className="sub-titel"),
                 _table(df, "over-laadrondes", numeric=("Nr.", "Rijen"))]
    return html.Section(body, className="paneel")


def meta_items(m: dict[str, str]) -> list[tuple[str, str]]:
    """(Dutch label, value in words) of the meta table, in the order of META_LABELS (pure)."""
    items = [("Momentopname gemaakt", m.get("snapshot_built") or "onbekend"),
             ("In de database geladen", _when(m.get("snapshot_loaded")))]
    for key, label in META_LABELS.items():
        if key in ("snapshot_built", "snapshot_loaded") or key in HIDDEN_META or not m.get(key):
            continue
        v = m[key]
        if key == "data_origin":
            v = ORIGIN_WORDS.get(v, v)
        elif key in META_TIMES:
            v = _when(v)
        items.append((label, v))
    return items


def _when(ts: Any) -> str:
    """ISO timestamp (UTC) as Dutch date and time."""
    if ts is None or (isinstance(ts, float) and pd.isna(ts)) or not str(ts).strip():
        return "–"
    try:
        t = pd.Timestamp(str(ts))
    except ValueError:
        return str(ts)
    if t.tzinfo is not None:
        t = t.tz_convert("Europe/Amsterdam")
    return t.strftime("%d-%m-%Y %H:%M") if (t.hour or t.minute) else t.strftime("%d-%m-%Y")


def _coverage() -> html.Section:
    cov = about.coverage()
    themes = THEMES
    body: list = [
        html.H2("Dekking per jaar en niveau", className="vak-titel", id="over-dekking"),
        html.P("Aantal gebieden met minstens één gepubliceerd cijfer, per thema. Niet elk jaar heeft elk thema: de "
               "momentopname bevat vooral 2024 (alle niveaus), 2022 (wijken en gemeenten), reeksen per gemeente "
               "vanaf 1997 en enkele buurtreeksen (gezondheid, misdrijven, SES-WOA). \u201eGeheim\u201d telt de "
               "cijfers die CBS niet publiceert omdat ze tot personen herleidbaar zouden zijn.", className="klein"),
    ]
    for level in ("gemeente", "wijk", "buurt"):
        piv = about.coverage_pivot(cov, level, themes)
        if piv.empty:
            continue
        numeric = tuple(c for c in piv.columns if c != "Jaar")
        # A dash for "none" lets the years and themes that do have data stand out.
        piv = piv.astype(object).where(piv.ne(0), "–")
        body.append(html.H3(level_word(level, plural=True, capital=True), className="sub-titel"))
        body.append(_table(piv, f"over-dekking-{level}", numeric=numeric))
    return html.Section(body, className="paneel")


def _catalogue() -> html.Section:
    titles = data.source_titles()
    body: list = [
        html.H2("Indicatoren", className="vak-titel", id="over-indicatoren"),
        html.P(f"{len(REGISTRY)} indicatoren in {len(THEMES)} thema's. Voor dorpen worden de buurtcijfers "
               "samengevoegd: aantallen opgeteld, gemiddelden en percentages gewogen (zie \u201eSamenvoegen\u201d). "
               "Ligt de noemer onder het minimum, dan heet het cijfer "
               f"\u201e{status_word('onbetrouwbaar', short=True)}\u201d.", className="klein"),
    ]
    for theme in THEMES:
        inds = [m for m in REGISTRY.values() if m.theme == theme]
        if not inds:
            continue
        rows = []
        for m in inds:
            # Table ids only; the title is in the tooltip (the full list is under "Bronnen" above).
            srcs = []
            for i, t in enumerate(m.sources):
                srcs += ([", "] if i else []) + [html.Abbr(t, title=titles.get(t, t))]
            extra = [html.Br(), html.Span(m.caveat, className="cel-noot")] if m.caveat else []
            rows.append(html.Tr([
                html.Th([m.title, html.Br(), html.Code(m.id, className="cel-noot")], scope="row"),
                html.Td([m.description, *extra]),
                html.Td(m.formula),
                html.Td(m.unit),
                html.Td(m.direction),
                html.Td(m.aggregation_label),
                html.Td(f"{m.min_denominator:g}" if m.min_denominator else "–", className="getal"),
                html.Td(srcs, className="bron-cel"),
            ]))
        head = html.Tr([html.Th(h, scope="col") for h in ("Indicator", "Omschrijving", "Berekening", "Eenheid",
                                                          "Richting", "Samenvoegen", "Min. noemer", "Bron")])
        body += [html.H3(theme.capitalize(), className="sub-titel"),
                 html.Div(html.Table([html.Thead(head), html.Tbody(rows)], className="tabel over-tabel catalogus",
                                     id=f"over-catalogus-{theme.split()[0]}"), className="tabel-scroll")]
    return html.Section(body, className="paneel")


def _boundaries() -> html.Section:
    bv = about.boundary_vintages()
    df = pd.DataFrame({
        "Niveau": bv["level"].map(lambda lv: level_word(lv, plural=True, capital=True)), "Jaargang": bv["vintage"],
        "Benaderd": bv["approximate"].map(lambda a: "ja" if bool(a) else "nee"), "Gebieden": bv["n"],
    })
    return html.Section([
        html.H2("Grenzen", className="vak-titel", id="over-grenzen"),
        html.P("De kaart gebruikt gegeneraliseerde CBS/Kadaster-grenzen (vereenvoudigd voor het scherm). Buurten "
               "hebben twee jaargangen: de officiële indeling 2019 en een benaderde indeling 2024."),
        html.P([html.Strong("Benaderd"), " betekent: de buurtgrenzen van 2024 zijn teruggerekend uit een schematische "
                "kaart (SVG-paden) naar echte coördinaten. Ze wijken 100 tot 400 meter af van de officiële grens "
                "en zijn alleen bedoeld voor een kaart op gemeenteschaal. De cijfers per buurt zijn wél die van CBS; "
                "alleen de tekening is bij benadering."], className="melding-zacht"),
        _table(df, "over-grenzen-tabel", numeric=("Gebieden",)),
    ], className="paneel")


def _resolution() -> html.Section | None:
    """How each live-refreshed KWB year's columns were found (hidden while only the snapshot is loaded)."""
    df = about.resolution_table(about.kwb_resolution())
    if df.empty:
        return None
    return html.Section([
        html.H2("KWB-kolommen per jaar", className="vak-titel", id="over-kolommen"),
        html.P("CBS nummert de kolommen van de Kerncijfers wijken en buurten elk jaar anders en hernoemt er soms "
               "een. Bij een verversing zoekt de monitor elke variabele op in de beschrijving van de tabel zelf. "
               "„Niet in deze jaargang”: CBS publiceerde het onderwerp dat jaar niet. „Niet "
               "herkend”: er is een kandidaat, maar die is dubbelzinnig of heeft een andere eenheid; dat "
               "cijfer ontbreekt dan. Een mislukt jaar houdt zijn vorige cijfers.", className="klein"),
        _table(df, "over-kolommen-tabel", numeric=("Gevonden", "Niet in deze jaargang", "Niet herkend")),
    ], className="paneel")


def _villages() -> html.Section:
    s = about.village_summary()
    return html.Section([
        html.H2("Dorpen", className="vak-titel", id="over-dorpen"),
        html.P(f"CBS publiceert geen cijfers per dorp. De monitor stelt {s['dorpen']} dorpen samen uit buurten, op "
               "grond van de namen van buurten, wijken en de CBS-woonplaatsen (tabel 86097NED): een buurt "
               "\u201eAnnen\u201d of \u201eVerspreide huizen Annen\u201d hoort bij Annen. "
               f"{s['zonder_dorp']} van de {s['buurten']} buurten (bedrijventerreinen, buitengebied) horen bij geen "
               "dorp. Per dorp staat op het gebiedsprofiel welke buurten meetellen."),
        html.P(["De indeling is aan te passen in ", html.Code("config/dorpen.toml"), "."], className="klein"),
        dcc.Link("Naar een voorbeeld: het profiel van Annen", href=links.profile_href("DP1680_annen")),
    ], className="paneel")
