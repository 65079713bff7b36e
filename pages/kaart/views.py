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
from dashboard.formatting import fmt_number, fmt_value, level_word, status_word, tables_label
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
    import numpy as np
    import pandas as pd
else:
    np = lazy_module("numpy")
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
    if state.gemeente and mv.classes is not None:
        # Count only the gemeente's own areas (the classes stay those of the whole map).
        locations = data.geometry(*geo_key(state).split("|"))["locations"]
        legend = mv.legend_for([gemeente_of(c) == state.gemeente for c in locations])
    return {
        "eenheid": meta.unit,
        "hint": DIRECTION_HINT.get(meta.direction, ""),
        "items": [[item.label, item.color, item.count, item.kind]
                  for item in legend if item.kind == "klasse" or item.count],
        "uitleg": f"Indeling: {METHOD_WORD.get(state.klassen, state.klassen)}"
                  f"{', zonder onbetrouwbare waarden' if mv.onbetrouwbaar else ''}. "
                  f"Rechts: aantal {level_word(state.niveau, plural=True)}"
                  f"{' in ' + data.region_names().get(state.gemeente, state.gemeente) if state.gemeente else ''}.",
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
        if state.gemeente:
            frame = frame[frame["gemeente_code"] == state.gemeente]
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


def ranking_data(state: KaartState) -> dict[str, Any] | None:
    """The ranked table beside the map (see :func:`kaart_ranking`); memoised per load stamp."""
    if not state.indicator or state.jaar is None:
        return None
    if state.verandering:
        return change_ranking(state)
    return kaart_ranking(state.indicator, state.niveau, state.jaar, state.gemeente)


@data.loader(maxsize=256)
def kaart_ranking(indicator: str, niveau: str, jaar: int, gemeente: str | None) -> dict[str, Any]:
    """The ranked table beside the map (the map's accessible alternative) as compact data for the browser.

    ``{"kop", "gemeente", "profiel", "rows": [[code, naam, gemeente, text, value, flag], ...]}``, highest value
    first, only the gemeente's areas when one is chosen (then the gemeente column is left out: ``gemeente``
    False). ``flag``: '' (ok), 'o' (onbetrouwbaar), 'g' (geheim), '-' (no value); rows without a value last.
    ``RANKING_JS`` in pages/kaart/page.py draws and sorts it.
    """
    meta = data.indicator(indicator)
    vals = data.values(indicator, niveau, jaar)
    if gemeente:
        vals = vals[vals["gemeente_code"] == gemeente]
    names = data.region_names()
    waarde = pd.to_numeric(vals["waarde"], errors="coerce").round(max(int(meta.decimals), 0))
    has = waarde.notna() & vals["status"].isin(["ok", "onbetrouwbaar"])
    flag = np.where(has, np.where(vals["status"] == "onbetrouwbaar", "o", ""),
                    np.where(vals["status"] == "geheim", "g", "-"))
    frame = pd.DataFrame({"code": vals["code"].to_numpy(), "naam": vals["naam"].to_numpy(),
                          "gm": vals["gemeente_code"].map(names).fillna("").to_numpy(),
                          "v": waarde.where(has).to_numpy(), "f": flag})
    frame = frame.sort_values(["v", "naam"], ascending=[False, True], na_position="last")
    as_num = int if meta.decimals <= 0 else float
    own_col = not gemeente and niveau != "gemeente"  # a gemeente's own gemeente column only repeats its name
    rows = [[c, n, g if own_col else "",
             fmt_value(v, meta) if f in ("", "o") else status_word("geheim" if f == "g" else "ontbreekt"),
             as_num(v) if f in ("", "o") else None, f]
            for c, n, g, v, f in frame.itertuples(index=False, name=None)]
    unit = f" ({meta.unit})" if meta.unit and meta.unit not in ("aantal",) else ""
    where = f" in {names.get(gemeente, gemeente)}" if gemeente else ""
    return {"kop": f"{meta.title}{unit}, {jaar}", "gemeente": own_col,
            "titel": f"Ranglijst {level_word(niveau, plural=True)}{where}",
            "profiel": links.href("/profiel"), "rows": rows}


def _change_texts(r: Any, meta, maat: str) -> tuple[str, float | None, str, str]:
    """(difference text, sort value, flag, 'van → tot') of one row of ``IndicatorService.change``."""
    d = 1 if maat == "pct" else max(int(meta.decimals), 0)
    d_abs = max(int(meta.decimals), 0)
    v = r.verschil_pct if maat == "pct" else r.verschil
    v0, v1 = (fmt_number(x, d_abs) if pd.notna(x) else "–" for x in (r.waarde_van, r.waarde_tot))
    span = f"{v0} → {v1}"
    if r.status == "ok" and pd.notna(v):
        v = round(float(v), d)
        diff = fmt_number(v, d) + (" %" if maat == "pct" else "")
        diff = ("+" + diff) if v > 0 else diff
        return diff, v, "o" if r.onbetrouwbaar else "", span
    why = "breuk" if r.status == "breuk" else status_word("geheim" if r.status == "geheim" else "ontbreekt")
    return why, None, "-" if r.status != "geheim" else "g", span


def change_ranking(state: KaartState) -> dict[str, Any]:
    """The ranked table of a change: van → tot and the difference per area, largest increase first."""
    meta = data.indicator(state.indicator)
    frame = data.change(state.indicator, state.niveau, state.van, state.jaar)
    if state.gemeente:
        frame = frame[frame["gemeente_code"] == state.gemeente]
    names = data.region_names()
    own_col = not state.gemeente and state.niveau != "gemeente"  # a gemeente's own column only repeats its name
    rows = []
    for r in frame.itertuples(index=False):
        text, v, f, span = _change_texts(r, meta, state.maat)
        if r.omrekening == "omgerekend":
            span += " (omgerekend)"
        rows.append([r.code, r.naam, names.get(r.gemeente_code, "") if own_col else "", text, v, f, span])
    rows.sort(key=lambda row: (row[4] is None, -(row[4] or 0), row[1]))
    where = f" in {names.get(state.gemeente, state.gemeente)}" if state.gemeente else ""
    unit = diff_unit(meta).strip()
    measure = "in %" if state.maat == "pct" else (f"in {unit}" if unit else "absoluut")
    return {"kop": f"{meta.title}: verschil {state.van} → {state.jaar} ({measure}); daaronder de waarden",
            "gemeente": own_col,
            "titel": f"Ranglijst {level_word(state.niveau, plural=True)}{where}",
            "profiel": links.href("/profiel"), "rows": rows}


def kaart_csv(state: KaartState) -> tuple[str, str]:
    """(csv text, file name) of the values on the map: semicolon and decimal comma for Dutch Excel."""
    cols = ["code", "naam", "gemeente", "niveau", "indicator", "eenheid", "jaar", "waarde", "status",
            "rang_in_gemeente", "opmerking", "bron"]
    if not state.indicator or state.jaar is None:
        return csv_text(pd.DataFrame(columns=cols)), "dorpenmonitor.csv"
    meta = data.indicator(state.indicator)
    vals = data.values(state.indicator, state.niveau, state.jaar)
    if state.gemeente:
        vals = vals[vals["gemeente_code"] == state.gemeente]
    names = data.region_names()
    out = pd.DataFrame({
        "code": vals["code"], "naam": vals["naam"], "gemeente": vals["gemeente_code"].map(names),
        "niveau": state.niveau, "indicator": meta.title, "eenheid": meta.unit, "jaar": state.jaar,
        "waarde": vals["waarde"], "status": vals["status"], "rang_in_gemeente": vals["rank_in_gemeente"],
        "opmerking": vals["note"], "bron": tables_label(data.source_tables(state.indicator, state.niveau, state.jaar)),
    })[cols]
    gm = f"_{state.gemeente}" if state.gemeente else ""
    return csv_text(out), f"dorpenmonitor_{state.indicator}_{state.niveau}_{state.jaar}{gm}.csv"


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
            without.append({"label": f"{label} (geen gegevens op {word}niveau)", "value": o["value"],
                            "disabled": True})
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
