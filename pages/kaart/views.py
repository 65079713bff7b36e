"""What Kaart's callbacks compute, as plain functions (tested without a browser).

The callbacks in :mod:`pages.kaart.page` only unpack inputs and call these; everything here
reads data through the named loaders in :mod:`dashboard.data`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go
from dash import Patch, html

from dashboard import data, links
from dashboard.downloads import csv_text
from dashboard.formatting import (
    ATTACHED_UNITS,
    fmt_number,
    fmt_short,
    fmt_value,
    level_word,
    status_word,
    tables_label,
    unit_affixes,
)
from dashboard.layout import NO_DATA_LABEL
from dorpenmonitor.codes import gemeente_of
from dorpenmonitor.lazy import lazy_module
from indicators.service import Reference
from pages.kaart.figures import (
    ChangeValues,
    MapValues,
    apply_change,
    apply_values,
    base_map,
    change_values,
    diff_unit,
    map_values,
    selection_paths,
    view_layout,
)
from pages.kaart.state import NIVEAUS, KaartState

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

DIRECTION_HINT = {
    "hoger is beter": "donkerder = ongunstiger (lager)",
    "hoger is slechter": "donkerder = ongunstiger (hoger)",
    "neutraal": "donkerder = hoger",
}
#: Key figures in the short profile beside the map (shown when the indicator exists).
KEY_FIGURES = ("inwoners", "aandeel_65plus", "woz_gemiddeld", "inkomen_per_inwoner", "afstand_huisarts")


def geo_key(state: KaartState) -> str:
    """Identifies the geometry in the browser: same key = send values only."""
    vintage = data.vintage_for(state.niveau, state.jaar, state.indicator)
    return f"{state.niveau}|{vintage}"


def store_key(state: KaartState) -> str:
    """What the browser's store names: the geometry, plus '|verandering' for the change map (another figure)."""
    return geo_key(state) + ("|verandering" if state.verandering else "")


def _bounds(geom: dict[str, Any], gemeente: str | None):
    """Bounds of the gemeente to zoom to, or None for the whole map (plotly fits it)."""
    return geom["gemeente_bounds"].get(gemeente) if gemeente else None


def map_values_for(state: KaartState, locations: Sequence[str]) -> MapValues | None:
    """The values, colours and flags of the map for ``state`` (memoised per load stamp: a repeated view is free)."""
    if not state.indicator or state.jaar is None:
        return None
    return kaart_map_values(state.indicator, state.niveau, state.jaar, state.klassen, tuple(locations))


# Both memos live on the current DataManager (dashboard.data.loader), so a reload starts them empty and a
# request pinned to the old manager never fills the new one. Callers only read what they get back.
@data.loader(maxsize=256)
def kaart_map_values(indicator: str, niveau: str, jaar: int, klassen: str,
                     locations: tuple[str, ...]) -> MapValues:
    meta = data.indicator(indicator)
    vals = data.values(indicator, niveau, jaar)
    tables = data.source_tables(indicator, niveau, jaar)
    return map_values(locations, vals, meta, jaar, klassen, niveau=niveau, tables=tables)


MapUpdate = tuple[go.Figure | Patch, dict[str, Any], MapValues | None]


def map_update(state: KaartState, previous: dict[str, Any] | None, online: bool = False) -> MapUpdate:
    """The base figure when the level, vintage or map kind in the browser differs, else a Patch with only the values.

    ``previous`` is what the browser holds (``{"key", "url", "gemeente", "code"}``,
    plus ``"online": True`` for the OpenStreetMap background) from the page's
    dcc.Store. ``online`` draws the map over OpenStreetMap (``choroplethmap``
    traces; same trace order, so the same Patch paths). Returns (figure or
    Patch, new store data, values). Neither ever contains geometry: the traces
    name the level's GeoJSON URL.
    """
    if state.verandering:
        return change_update(state, online)
    key = geo_key(state)
    niveau, vintage = key.split("|")
    geom = data.geometry(niveau, vintage)
    mv = map_values_for(state, geom["locations"])
    code = state.code if state.code in geom["codes"] else None
    url = links.prefixed(data.geo_url(niveau, vintage))  # changes when a data refresh changes the shapes
    info: dict[str, Any] = {"key": key, "url": url, "gemeente": state.gemeente, "code": code}
    if online:
        info["online"] = True  # absent when off: the offline store stays as it was
    # The online map cannot fit the areas itself (geo's fitbounds), so it always gets explicit bounds.
    bounds = _bounds(geom, state.gemeente) or (geom["bounds"] if online else None)
    if (previous and previous.get("key") == key and previous.get("url") == url
            and bool(previous.get("online")) == online):
        patch = Patch()
        if mv is not None:
            apply_values(patch, mv)
        if previous.get("gemeente") != state.gemeente:
            # Only re-frame on a gemeente change: re-sending the view would undo the user's own zoom.
            for name, value in view_layout(bounds, online=online).items():
                patch["layout"][name].update(value)
        if previous.get("code") != code:
            _set_paths(patch, selection_paths(code))
        return patch, info, mv
    outline_url, outline_codes = data.gemeente_outline() if niveau != "gemeente" else (None, [])
    outline_url = links.prefixed(outline_url) if outline_url else None
    fig = base_map(url, geom["locations"], bounds,
                   outline_url=outline_url, outline_locations=outline_codes,
                   line_width=0.8 if niveau == "gemeente" else 0.35, online=online)
    fig_dict = fig.to_plotly_json()
    if mv is not None:
        apply_values(fig_dict, mv)
    _set_paths(fig_dict, selection_paths(code))
    return go.Figure(fig_dict), info, mv


def change_values_for(state: KaartState, locations: Sequence[str]) -> ChangeValues:
    """The change map's values for ``state`` (which is in change mode) on ``locations``."""
    meta = data.indicator(state.indicator)
    frame = data.change(state.indicator, state.niveau, state.van, state.jaar)
    division = data.current_buurt_year() if state.niveau == "buurt" else ""
    return change_values(locations, frame, meta, state.van, state.jaar, state.maat, state.klassen,
                         tables=_two_years_tables(state), division=division)


def change_update(state: KaartState, online: bool = False) -> tuple[go.Figure, dict[str, Any], ChangeValues]:
    """The full change figure (never a Patch: the browser's fast repaint is for the value view only)."""
    niveau, vintage = geo_key(state).split("|")
    geom = data.geometry(niveau, vintage)
    cv = change_values_for(state, geom["locations"])
    code = state.code if state.code in geom["codes"] else None
    url = links.prefixed(data.geo_url(niveau, vintage))
    info: dict[str, Any] = {"key": store_key(state), "url": url, "gemeente": state.gemeente, "code": code}
    if online:
        info["online"] = True
    bounds = _bounds(geom, state.gemeente) or (geom["bounds"] if online else None)
    outline_url, outline_codes = data.gemeente_outline() if niveau != "gemeente" else (None, [])
    outline_url = links.prefixed(outline_url) if outline_url else None
    fig = base_map(url, geom["locations"], bounds, outline_url=outline_url, outline_locations=outline_codes,
                   line_width=0.8 if niveau == "gemeente" else 0.35, online=online)
    fig_dict = fig.to_plotly_json()
    apply_change(fig_dict, cv, len(geom["locations"]))
    _set_paths(fig_dict, selection_paths(code))
    return go.Figure(fig_dict), info, cv


def _two_years_tables(state: KaartState) -> str:
    """'CBS 03759ned (2019); CBS 85984NED (2024)': the tables of both years of a change."""
    parts = [f"{tables_label(data.source_tables(state.indicator, state.niveau, y))} ({y})"
             for y in (state.van, state.jaar)]
    return "; ".join(parts)


def change_legend(cv: ChangeValues, state: KaartState) -> LegendSpec:
    """The legend of the change map (same shape as :func:`legend_spec`): both years in its heading."""
    meta = data.indicator(state.indicator)
    unit = diff_unit(meta)
    measure = "verschil in %" if state.maat == "pct" else (f"verschil in{unit}" if unit else "verschil (aantal)")
    items = cv.legend  # counts of the whole map, also when zoomed to a gemeente (said in the footnote)
    conv = f" Paars omlijnd: {state.van} omgerekend naar de huidige buurtindeling." if any(
        it.kind == "omgerekend" and it.count for it in items) else ""
    return {
        "eenheid": f"Verandering {state.van} → {state.jaar}",
        "hint": f"{measure}; bruin = daling, blauwgroen = stijging",
        "items": [[it.label, it.color, it.count, it.kind] for it in items if it.kind == "klasse" or it.count],
        "uitleg": f"Klassen symmetrisch rond 0 ({METHOD_WORD.get(state.klassen, state.klassen)} van de grootte)"
                  f"{', zonder onbetrouwbare verschillen' if cv.onbetrouwbaar else ''}.{conv} "
                  f"Rechts: aantal {level_word(state.niveau, plural=True)} op de hele kaart.",
    }


def values_only(patch: Patch) -> bool:
    """True when ``patch`` only changes the values (no zoom, no selection): the browser can restyle instead."""
    value_paths = {("data", trace, name) for trace, name in MapValues.paths_template()}
    return all(tuple(op["location"]) in value_paths for op in patch.to_plotly_json()["operations"])


def restyle_data(mv: MapValues | None) -> dict[str, Any] | None:
    """The compact store a colour-only switch sends (RESTYLE_JS in pages/kaart/page.py applies it).

    Exactly the values of a switch Patch, without the Patch's per-operation wrapping.
    """
    if mv is None:
        return None
    return {"z": mv.z, "customdata": mv.customdata, "colorscale": mv.colorscale, "zmin": mv.zmin, "zmax": mv.zmax,
            "hovertemplate": mv.hovertemplate, "geheim": mv.geheim, "onbetrouwbaar": mv.onbetrouwbaar}


def _set_paths(fig, paths: dict[tuple[int, str], Any]) -> None:
    for (trace, name), value in paths.items():
        fig["data"][trace][name] = value


def clicked_area(click: dict[str, Any] | None, geo: dict[str, Any] | None) -> str | None:
    """Region code of a clicked area, whichever trace took the click.

    Most traces name areas by code; the geheim and onbetrouwbaar traces by
    their position in the level's GeoJSON (``properties.i``), so an integer
    is looked up in the geometry the browser holds (``geo["key"]``).
    """
    points = (click or {}).get("points") or []
    loc = points[0].get("location") if points else None
    if isinstance(loc, str):
        return loc
    niveau, _, vintage = str((geo or {}).get("key", "")).partition("|")
    vintage = vintage.split("|")[0]  # the change map's key ends in '|verandering'
    if isinstance(loc, int) and vintage in data.VINTAGES.get(niveau, ()):
        locations = data.geometry(niveau, vintage)["locations"]
        return locations[loc] if 0 <= loc < len(locations) else None
    return None


def selection_patch(code: str | None, state: KaartState) -> Patch:
    """Outline the selected area without touching anything else."""
    key = geo_key(state)
    niveau, vintage = key.split("|")
    known = data.geometry(niveau, vintage)["codes"]
    patch = Patch()
    _set_paths(patch, selection_paths(code if code in known else None))
    return patch


#: Words for the classification method in the legend's footnote.
METHOD_WORD = {"kwantielen": "kwantielen", "gelijk": "gelijke intervallen", "jenks": "natuurlijke grenzen"}

LegendSpec = dict[str, Any]


def legend_spec(mv: MapValues | None, state: KaartState) -> LegendSpec | None:
    """The legend as compact data (about 0.4 kB) for the page's dcc.Store; the browser draws it (``LEGEND_JS``
    in pages/kaart/page.py).

    ``{"eenheid", "hint", "items": [[label, colour, count, kind], ...], "uitleg"}``, or None when there is
    nothing to show. The legend changes with every switch, and as Dash components it would be ~3 kB of the
    response: as much as half the values themselves. Kinds: klasse, onbetrouwbaar, geheim, ontbreekt;
    the non-class rows only when they occur.
    """
    if mv is None:
        return None
    meta = data.indicator(state.indicator)
    legend = mv.legend
    if state.binnen and mv.classes is not None:
        # Count only the gemeente's own areas (the classes stay those of the whole map).
        locations = data.geometry(*geo_key(state).split("|"))["locations"]
        legend = mv.legend_for([gemeente_of(c) == state.binnen for c in locations])
    return {
        "eenheid": meta.unit,
        "hint": DIRECTION_HINT.get(meta.direction, ""),
        "items": [[item.label, item.color, item.count, item.kind]
                  for item in legend if item.kind == "klasse" or item.count],
        "uitleg": f"Indeling: {METHOD_WORD.get(state.klassen, state.klassen)}"
                  f"{', zonder onbetrouwbare waarden' if mv.onbetrouwbaar else ''}. "
                  f"Rechts: aantal {level_word(state.niveau, plural=True)}"
                  f"{' in ' + data.region_names().get(state.binnen, state.binnen) if state.binnen else ''}.",
    }


def map_title(state: KaartState) -> str:
    if not state.indicator:
        return "Geen indicator beschikbaar"
    meta = data.indicator(state.indicator)
    if state.verandering:
        how = " in %" if state.maat == "pct" else ""
        return (f"{meta.title} · {level_word(state.niveau, plural=True)} · "
                f"verandering {state.van}–{state.jaar}{how}")
    return f"{meta.title} · {level_word(state.niveau, plural=True)} · {state.jaar if state.jaar else '–'}"


def boundary_note(state: KaartState) -> list:
    """Disclosure of the boundaries under the map (approximate, or which year's buurt layout).

    Depends on the level and vintage only, so an indicator switch that keeps the geometry leaves it alone.
    """
    key = geo_key(state)
    niveau, vintage = key.split("|")
    geom = data.geometry(niveau, vintage)
    notes: list = []
    if geom["approximate"]:
        notes.append(html.P(data.APPROXIMATE_NOTE.format(vintage=vintage.replace("-benaderd", "")),
                            className="noot noot-benaderd", role="note"))
    elif niveau == "buurt":
        notes.append(html.P(f"Buurtgrenzen {vintage} (CBS-indeling van dat jaar).", className="noot"))
    if state.verandering:
        frame = data.change(state.indicator, state.niveau, state.van, state.jaar)
        if state.binnen:
            frame = frame[frame["gemeente_code"] == state.binnen]
        n_conv = int(frame["omrekening"].eq("omgerekend").sum())
        n_breuk = int(frame["status"].eq("breuk").sum())
        word = level_word(niveau, plural=True)
        text = f"Verandering op de huidige indeling: {n_conv} van {len(frame)} {word} omgerekend"
        text += f" naar indeling {data.current_buurt_year()}" if n_conv else ""
        text += (f" (met een verschil: paars omlijnd); {n_breuk} met een breuk tussen {state.van} en {state.jaar}"
                 " (grijs, geen verschil).")
        notes.append(html.P(text, className="noot", id="kaart-noot-omgerekend"))
    return notes


def source_note(state: KaartState) -> str:
    """Source line under the map (plain text: it changes with every switch): the tables of this level and year."""
    if not state.indicator:
        return ""
    meta = data.indicator(state.indicator)
    caveat = getattr(meta, "caveat", "")
    if state.verandering:
        return f"Bron: {_two_years_tables(state)}. {caveat}".strip()
    return f"Bron: {_tables_text(state)}, {state.jaar}. {caveat}".strip()


def _tables_text(state: KaartState) -> str:
    """'CBS 85984NED' for the figures on the map now (all the indicator's tables when no year is chosen)."""
    meta = data.indicator(state.indicator)
    if state.jaar is None:
        return tables_label(meta.sources)
    return tables_label(data.source_tables(state.indicator, state.niveau, state.jaar))


def _bench_text(b: Reference, meta) -> str:
    if b.waarde is None:
        return "–"
    return fmt_value(b.waarde, meta)


def area_card(code: str | None, state: KaartState) -> list:
    """Short profile of the selected area: indicator value with benchmarks, key figures, links."""
    if not code:
        return [html.H2("Gebied", className="vak-titel"),
                html.P("Klik op een gebied in de kaart of kies het hierboven bij ‘Gebied’ om de kerncijfers te zien.",
                       className="klein")]
    names = data.region_names()
    naam = names.get(code, code)
    gm = gemeente_of(code)
    gm_naam = data.region_names().get(gm, gm)
    rows: list = []
    if state.indicator and state.jaar is not None:
        meta = data.indicator(state.indicator)
        b = data.benchmarks(state.indicator, code, state.jaar)
        waarde = b.waarde
        status = b.status
        value_text = fmt_value(waarde, meta) if waarde is not None else (
            status_word("geheim" if status == "geheim" else "ontbreekt"))
        rows += [html.Dt(f"{meta.title} ({state.jaar})"), html.Dd(html.Strong(value_text))]
        if status == "onbetrouwbaar" and waarde is not None:
            # Small numbers: the value stands, but never without the warning and its reason.
            why = f" ({b.note})" if b.note else ""
            rows += [html.Dd(f"Let op: onbetrouwbaar, kleine aantallen{why}. Niet meegeteld in de klassen.",
                             className="waarschuwing onbetrouwbaar", id="kaart-profiel-onbetrouwbaar")]
        if code.startswith("GM"):
            # A gemeente is ranked among all 13 and is its own gemeente: compare with the monitor total instead.
            rang = f"{b.rank_in_gemeente} van {b.count_in_gemeente}" if b.rank_in_gemeente else "–"
            rows += [html.Dt("Rang onder de 13 gemeenten (1 = hoogste)"), html.Dd(rang),
                     html.Dt("13 gemeenten"), html.Dd(_bench_text(b.monitor, meta))]
        else:
            rang = (f"{b.rank_in_gemeente} van {b.count_in_gemeente} in {gm_naam}"
                    if b.rank_in_gemeente else "–")
            rows += [html.Dt("Rang in gemeente (1 = hoogste)"), html.Dd(rang),
                     html.Dt(f"Gemeente {gm_naam}"), html.Dd(_bench_text(b.gemeente, meta))]
        rows += [html.Dt("Drenthe (12 gemeenten)"), html.Dd(_bench_text(b.drenthe, meta))]
        if state.verandering:
            rows += _change_rows(code, state)
    niveau = state.niveau
    for ind_id in KEY_FIGURES:
        if ind_id == state.indicator:
            continue
        try:
            meta = data.indicator(ind_id)
        except KeyError:
            continue
        yrs = data.years(ind_id, niveau)
        if not yrs:
            continue
        vals = data.values(ind_id, niveau, yrs[-1])
        hit = vals[vals["code"] == code]
        if hit.empty:
            continue
        r = hit.iloc[0]
        text = fmt_value(r["waarde"], meta) if r["status"] in ("ok", "onbetrouwbaar") and pd.notna(r["waarde"]) else (
            status_word("geheim" if r["status"] == "geheim" else "ontbreekt"))
        rows += [html.Dt(f"{meta.title} ({yrs[-1]})"), html.Dd(text)]
    return [
        html.H2(naam, className="vak-titel", id="kaart-profiel-naam"),
        html.P(f"Gemeente · {code}" if code.startswith("GM")
               else f"{level_word(niveau, capital=True)} in {gm_naam} · {code}", className="klein"),
        html.Dl(rows, className="kerncijfers"),
        html.Div([
            html.A("Volledig profiel →", href=links.profile_href(code), className="knop knop-primair",
                   id="kaart-profiel-link"),
            html.A("Trend →", href=links.href("/trends", indicator=state.indicator or "", codes=code),
                   className="knop"),
        ], className="knoppen"),
    ]


def _change_rows(code: str, state: KaartState) -> list:
    """The card's lines for a change: both values, the difference in both measures, conversion and caveats."""
    meta = data.indicator(state.indicator)
    frame = data.change(state.indicator, state.niveau, state.van, state.jaar)
    hit = frame[frame["code"] == code]
    if hit.empty:
        return []
    r = next(hit.itertuples(index=False))
    v0, v1 = (fmt_value(x, meta) if pd.notna(x) else "–" for x in (r.waarde_van, r.waarde_tot))
    rows = [html.Dt(f"Verandering {state.van} → {state.jaar}"), html.Dd(f"{v0} → {v1}", id="kaart-profiel-van-tot")]
    if r.status == "ok" and pd.notna(r.verschil):
        d = max(int(meta.decimals), 0)
        diff = ("+" if r.verschil > 0 else "") + fmt_number(r.verschil, d) + diff_unit(meta)
        pct = "" if pd.isna(r.verschil_pct) else f" ({'+' if r.verschil_pct > 0 else ''}" \
            f"{fmt_number(r.verschil_pct, 1)} %)"
        rows += [html.Dt("Verschil"), html.Dd(html.Strong(diff + pct), id="kaart-profiel-verschil")]
        if r.onbetrouwbaar:
            rows += [html.Dd("Let op: onbetrouwbaar, kleine aantallen; het verschil zegt weinig.",
                             className="waarschuwing onbetrouwbaar")]
    else:
        why = (f"breuk tussen {state.van} en {state.jaar} (grens- of bronwijziging)" if r.status == "breuk"
               else "geen waarde in een van beide jaren")
        rows += [html.Dt("Verschil"), html.Dd(f"Geen verschil: {why}.", id="kaart-profiel-verschil")]
    if r.omrekening == "omgerekend":
        rows += [html.Dd(f"{state.van} omgerekend naar indeling {data.current_buurt_year()}.", className="klein")]
    return rows


def ranking_areas(state: KaartState) -> dict[str, Any]:
    """The static half of the ranked table: the map's areas once per level and geometry (see :func:`kaart_areas`)."""
    return kaart_areas(*geo_key(state).split("|"))


@data.loader(maxsize=8)
def kaart_areas(niveau: str, vintage: str) -> dict[str, Any]:
    """Codes, names and gemeenten of a level's areas in geometry order, for the page's store ``kaart-tabel-gebieden``.

    ``{"key", "codes", "namen", "gm", "gemeenten"}``: ``key`` is the level's GeoJSON URL (it changes with the
    shapes, so it names exactly this list), ``gm`` the position of each area's gemeente in ``gemeenten``
    (``[[code, naam], ...]``). Sent when the geometry in the browser changes, not on a switch: an indicator
    switch then carries only the values (``ranking_data``), which made the table ~10 of a switch's ~13 kB gzip.
    """
    geom = data.geometry(niveau, vintage)
    names = data.region_names()
    gms = [gemeente_of(c) or "" for c in geom["locations"]]
    order = sorted(set(gms))
    pos = {g: i for i, g in enumerate(order)}
    return {"key": links.prefixed(data.geo_url(niveau, vintage)), "codes": list(geom["locations"]),
            "namen": list(geom["names"]), "gm": [pos[g] for g in gms],
            "gemeenten": [[g, names.get(g, g)] for g in order]}


#: The per-area lists of a ranked-table spec that the restyle store ``kaart-waarden`` also carries.
MAP_LISTS = ("z", "geheim", "onbetrouwbaar")


def ranking_data(state: KaartState, from_map: bool = False) -> dict[str, Any] | None:
    """The ranked table beside the map, as compact data for ``RANKING_JS`` (pages/kaart/page.py); memoised.

    ``from_map``: the same response carries :func:`restyle_data` (a colour-only switch), whose ``z``, ``geheim``
    and ``onbetrouwbaar`` are exactly the table's values and flags: they are left out (``"uit_kaart": True``) and
    the browser reads them from the store ``kaart-waarden``.
    """
    if not state.indicator or state.jaar is None:
        return None
    if state.verandering:
        return change_ranking(state)
    spec = kaart_ranking(state.indicator, state.niveau, state.jaar, state.binnen, state.klassen)
    if from_map:
        return {**{k: v for k, v in spec.items() if k not in MAP_LISTS}, "uit_kaart": True}
    return spec


def _ranking_head(state: KaartState, kop: str) -> dict[str, Any]:
    """What every ranked-table spec has besides its per-area lists."""
    names = data.region_names()
    where = f" in {names.get(state.binnen, state.binnen)}" if state.binnen else ""
    return {"gebied": ranking_areas(state)["key"], "kop": kop,
            # A gemeente's own gemeente column only repeats its name (and squeezed names to 'Hardenb|erg').
            "gemeente": not state.binnen and state.niveau != "gemeente", "binnen": state.binnen or "",
            "titel": f"Ranglijst {level_word(state.niveau, plural=True)}{where}", "profiel": links.href("/profiel"),
            "woorden": {"g": status_word("geheim"), "-": status_word("ontbreekt")}, "extra": []}


def _extra_rows(frame: pd.DataFrame, state: KaartState, known: frozenset[str], row) -> list[list[Any]]:
    """Full rows for areas with figures but no shape in the map's geometry (none on the snapshot; after a refresh
    a new area could come before its shape), so the table never loses an area."""
    rest = frame[~frame["code"].isin(known)]
    if state.binnen:
        rest = rest[rest["gemeente_code"] == state.binnen]
    names = data.region_names()
    own_col = not state.binnen and state.niveau != "gemeente"
    return [[r.code, r.naam, names.get(r.gemeente_code, "") if own_col else "", *row(r)]
            for r in rest.itertuples(index=False)]


@data.loader(maxsize=256)
def kaart_ranking(indicator: str, niveau: str, jaar: int, gemeente: str | None, klassen: str) -> dict[str, Any]:
    """The ranked table of the value view: the map's values and flags plus how to write them.

    ``z`` (value per area in geometry order, rounded as on the map, None without one), ``geheim`` and
    ``onbetrouwbaar`` (positions) are :class:`MapValues`' own lists; names and gemeenten come from
    :func:`kaart_areas`, once per level. The browser formats a value as :func:`fmt_short` does (``fmt``:
    decimals, text before and after the number) and derives the flag per row: 'o' (onbetrouwbaar), ''
    (ok), 'g' (geheim, no value), '-' (no value). ``binnen``: show only this gemeente's areas.
    """
    state = KaartState(niveau=niveau, indicator=indicator, jaar=jaar, gemeente=gemeente, klassen=klassen)
    meta = data.indicator(indicator)
    geom = data.geometry(*geo_key(state).split("|"))
    mv = map_values_for(state, geom["locations"])
    unit = f" ({meta.unit})" if meta.unit and meta.unit not in ("aantal",) else ""
    spec = _ranking_head(state, f"{meta.title}{unit}, {jaar}")
    # Only € and % stay with the number (fmt_short): the heading names any other unit once, and 753 rows of
    # '8.189 inwoners per km²' squeezed the area names into 'Koopm|anskwa|rtier' beside the map.
    affixes = unit_affixes(meta.unit) if (meta.unit or "").strip() in ATTACHED_UNITS else ("", "")
    spec.update(fmt=[max(int(meta.decimals), 0), *affixes], z=mv.z, geheim=mv.geheim,
                onbetrouwbaar=mv.onbetrouwbaar)
    as_num = int if meta.decimals <= 0 else float

    def row(r) -> list[Any]:
        w = pd.to_numeric(r.waarde, errors="coerce")
        if r.status in ("ok", "onbetrouwbaar") and pd.notna(w):
            v = as_num(round(float(w), max(int(meta.decimals), 0)))
            return [fmt_short(v, meta), v, "o" if r.status == "onbetrouwbaar" else "", None]
        return [status_word("geheim" if r.status == "geheim" else "ontbreekt"), None,
                "g" if r.status == "geheim" else "-", None]

    spec["extra"] = _extra_rows(data.values(indicator, niveau, jaar), state, geom["codes"], row)
    return spec


def _change_texts(r: Any, meta, maat: str) -> tuple[str, float | None, str, str]:
    """(difference text, sort value, flag, 'van → tot') of one row of ``IndicatorService.change``."""
    d = 1 if maat == "pct" else max(int(meta.decimals), 0)
    d_abs = max(int(meta.decimals), 0)
    v = r.verschil_pct if maat == "pct" else r.verschil
    v0, v1 = (fmt_number(x, d_abs) if pd.notna(x) else "–" for x in (r.waarde_van, r.waarde_tot))
    span = f"{v0} → {v1}" + (" (omgerekend)" if r.omrekening == "omgerekend" else "")
    if r.status == "ok" and pd.notna(v):
        v = round(float(v), d)
        diff = fmt_number(v, d) + (" %" if maat == "pct" else "")
        diff = ("+" + diff) if v > 0 else diff
        return diff, v, "o" if r.onbetrouwbaar else "", span
    why = "breuk" if r.status == "breuk" else status_word("geheim" if r.status == "geheim" else "ontbreekt")
    return why, None, "-" if r.status != "geheim" else "g", span


def change_ranking(state: KaartState) -> dict[str, Any]:
    """The ranked table of a change: the difference per area (``z``, sorted on), its text (``t``) and 'van → tot'
    (``s``), in geometry order like the value view's; largest increase first in the browser."""
    meta = data.indicator(state.indicator)
    frame = data.change(state.indicator, state.niveau, state.van, state.jaar)
    geom = data.geometry(*geo_key(state).split("|"))
    on_map = frame.drop_duplicates("code").set_index("code").reindex(pd.Index(geom["locations"]))
    on_map["code"] = on_map.index
    on_map["status"] = on_map["status"].fillna("ontbreekt")
    on_map["onbetrouwbaar"] = on_map["onbetrouwbaar"].fillna(False).astype(bool)
    on_map["omrekening"] = on_map["omrekening"].fillna("")
    texts = [_change_texts(r, meta, state.maat) for r in on_map.itertuples(index=False)]
    unit = diff_unit(meta).strip()
    measure = "in %" if state.maat == "pct" else (f"in {unit}" if unit else "absoluut")
    spec = _ranking_head(state, f"{meta.title}: verschil {state.van} → {state.jaar} ({measure}); "
                                "daaronder de waarden")
    spec.update(z=[t[1] for t in texts], t=[t[0] for t in texts], s=[t[3] for t in texts],
                geheim=[i for i, t in enumerate(texts) if t[2] == "g"],
                onbetrouwbaar=[i for i, t in enumerate(texts) if t[2] == "o"])
    spec["extra"] = _extra_rows(frame, state, geom["codes"], lambda r: list(_change_texts(r, meta, state.maat)))
    return spec


def ranking_rows(spec: dict[str, Any] | None, areas: dict[str, Any] | None,
                 waarden: dict[str, Any] | None = None) -> list[list[Any]]:
    """The rows ``RANKING_JS`` draws from ``spec``, ``areas`` (:func:`kaart_areas`) and, for a spec with
    ``uit_kaart``, the restyle store: ``[code, naam, gemeente, text, value, flag, 'van → tot' or None]``, highest
    value first, rows without a value last (the browser's default order). The same rules in Python, so tests can
    read the table without a browser (and a browser test checks both agree)."""
    if not spec or not areas or areas.get("key") != spec["gebied"]:
        return []
    lists = waarden if spec.get("uit_kaart") else spec
    if not lists or len(lists["z"]) != len(areas["codes"]):
        return []
    d, before, after = spec.get("fmt") or (0, "", "")
    marks = {**dict.fromkeys(lists["geheim"], "g"), **dict.fromkeys(lists["onbetrouwbaar"], "o")}
    rows = []
    for i, (code, naam, gm) in enumerate(zip(areas["codes"], areas["namen"], areas["gm"], strict=True)):
        gm_code, gm_naam = areas["gemeenten"][gm]
        if spec["binnen"] and gm_code != spec["binnen"]:
            continue
        v = lists["z"][i]
        f = ("o" if marks.get(i) == "o" else "") if v is not None else ("g" if marks.get(i) == "g" else "-")
        text = spec["t"][i] if "t" in spec else (
            spec["woorden"][f] if v is None else f"{before}{fmt_number(v, d)}{after}")
        rows.append([code, naam, gm_naam if spec["gemeente"] else "", text, v, f, spec["s"][i] if "s" in spec
                     else None])
    rows += [[*r, None][:7] for r in spec["extra"]]
    # As RANKING_JS sorts by value (descending): reliable, then unreliable ('o'), then without a value.
    rows.sort(key=lambda r: (2 if r[4] is None else 1 if r[5] == "o" else 0, -(r[4] or 0), r[1]))
    return rows


def kaart_csv(state: KaartState) -> tuple[str, str]:
    """(csv text, file name) of the values on the map: semicolon and decimal comma for Dutch Excel."""
    cols = ["code", "naam", "gemeente", "niveau", "indicator", "eenheid", "jaar", "waarde", "status",
            "rang_in_gemeente", "opmerking", "bron"]
    if not state.indicator or state.jaar is None:
        return csv_text(pd.DataFrame(columns=cols)), "dorpenmonitor.csv"
    if state.verandering:
        return change_csv(state)
    meta = data.indicator(state.indicator)
    vals = data.values(state.indicator, state.niveau, state.jaar)
    if state.binnen:
        vals = vals[vals["gemeente_code"] == state.binnen]
    names = data.region_names()
    out = pd.DataFrame({
        "code": vals["code"], "naam": vals["naam"], "gemeente": vals["gemeente_code"].map(names),
        "niveau": state.niveau, "indicator": meta.title, "eenheid": meta.unit, "jaar": state.jaar,
        "waarde": vals["waarde"], "status": vals["status"], "rang_in_gemeente": vals["rank_in_gemeente"],
        "opmerking": vals["note"], "bron": tables_label(data.source_tables(state.indicator, state.niveau, state.jaar)),
    })[cols]
    gm = f"_{state.binnen}" if state.binnen else ""
    return csv_text(out), f"dorpenmonitor_{state.indicator}_{state.niveau}_{state.jaar}{gm}.csv"


def change_csv(state: KaartState) -> tuple[str, str]:
    """(csv text, file name) of the change view: both years' values and the change as the map shows it.

    The years are in the column names (``waarde_2019;waarde_2024;verandering_2019_2024``), the change in the
    chosen measure with its unit beside it (``%-punt`` for a share, ``%`` for the percentage view); a break or
    a missing value leaves the change empty and says why in ``status``.
    """
    meta = data.indicator(state.indicator)
    frame = data.change(state.indicator, state.niveau, state.van, state.jaar)
    if state.binnen:
        frame = frame[frame["gemeente_code"] == state.binnen]
    names = data.region_names()
    van, tot = state.van, state.jaar
    pct = state.maat == "pct"
    out = pd.DataFrame({
        "code": frame["code"], "naam": frame["naam"], "gemeente": frame["gemeente_code"].map(names),
        "niveau": state.niveau, "indicator": meta.title, "eenheid": meta.unit,
        f"waarde_{van}": frame["waarde_van"], f"waarde_{tot}": frame["waarde_tot"],
        f"verandering_{van}_{tot}": frame["verschil_pct" if pct else "verschil"],
        "eenheid_verandering": "%" if pct else (diff_unit(meta).strip() or meta.unit),
        "status": frame["status"], "onbetrouwbaar": frame["onbetrouwbaar"].astype(bool),
        "omrekening": frame["omrekening"], "bron": _two_years_tables(state),
    })
    gm = f"_{state.binnen}" if state.binnen else ""
    how = "_procent" if pct else ""
    return csv_text(out), f"dorpenmonitor_{state.indicator}_{state.niveau}_verandering_{van}-{tot}{how}{gm}.csv"


def indicator_options(thema: str | None, niveau: str, across: bool = False) -> list[dict[str, Any]]:
    """The indicator dropdown: the theme's indicators (all themes with ``across``, labelled with their theme),
    those without data at ``niveau`` last and disabled, their label saying why."""
    word = level_word(niveau)
    usable, without = [], []
    for o in data.indicator_options():
        if thema and not across and o["theme"] != thema:
            continue
        label = f"{o['label']} · {o['theme']}" if across else o["label"]
        if data.years(o["value"], niveau):
            usable.append({"label": label, "value": o["value"]})
        else:
            anywhere = bool(data.levels_with_data(o["value"]))
            without.append({"label": f"{label} ({NO_DATA_LABEL}{f' op {word}niveau' if anywhere else ''})",
                            "value": o["value"], "disabled": True})
    return usable + without


def indicator_catalogue() -> list[list[Any]]:
    """Every indicator for the cross-theme search in the browser: [label, id, theme, levels with data]."""
    return [[o["label"], o["value"], o["theme"], [n for n in NIVEAUS if data.years(o["value"], n)]]
            for o in data.indicator_options()]


def year_options(indicator_id: str | None, niveau: str) -> list[dict[str, Any]]:
    return [{"label": str(y), "value": y} for y in (data.years(indicator_id, niveau) if indicator_id else ())]


def from_year_options(state: KaartState) -> list[dict[str, Any]]:
    """The start years a change can have: the indicator's years with data before the chosen year."""
    if not state.indicator or state.jaar is None:
        return []
    return [{"label": str(y), "value": y} for y in data.years(state.indicator, state.niveau) if y < state.jaar]


def area_options(niveau: str) -> list[dict[str, str]]:
    df = data.areas()
    df = df[df["niveau"] == niveau].sort_values("naam")
    names = data.region_names()
    if niveau == "gemeente":
        return [{"label": n, "value": c} for c, n in zip(df["code"], df["naam"], strict=True)]
    return [{"label": f"{n} ({names.get(g, g)})", "value": c}
            for c, n, g in zip(df["code"], df["naam"], df["gemeente_code"], strict=True)]


def niveau_options() -> list[dict[str, str]]:
    return [{"label": label, "value": value} for value, label in NIVEAUS.items()]
