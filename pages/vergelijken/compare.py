"""Comparing areas: URL state, the comparison table, small multiples and "lijkt op".

Pure parts (:func:`parse_vergelijken`, :func:`pick_latest`,
:func:`small_multiples`, :func:`wide_records`) take plain rows (or a tidy frame); the
loader :func:`compare_rows` fills them from :mod:`dashboard.data` with one indexed query per request
("lijkt op" lives in :mod:`dashboard.similar`, shared with the profile), and :func:`comparison_download` builds
the CSV/Excel files. :mod:`pages.vergelijken.page` only wires them to controls.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from dashboard import data, links
from dashboard.data import CompareRow
from dashboard.downloads import XLSX_TYPE, Download, areas_stem, csv_download, excel_bytes, sources
from dashboard.formatting import (
    fmt_number,
    fmt_short,
    fmt_value,
    is_missing,
    level_word,
    partial_basis,
    status_word,
    tables_label,
    to_float,
    unit_affixes,
)
from dashboard.links import Catalog, first, parse_codes, resolve_code, split_list
from dashboard.similar import TOP_SIMILAR, similar_areas, similar_rows, similar_to  # noqa: F401 - re-exported
from dashboard.theme import FONT, GRID, LINE_COLORS, MUTED
from dashboard.validate import clip, too_many
from dorpenmonitor.codes import DRENTHE_CODE, MONITOR_CODE
from dorpenmonitor.lazy import lazy_module
from dorpenmonitor.settings import GEMEENTEN

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

MAX_AREAS = 8
MAX_INDICATORS = 8
DEFAULT_INDICATORS: tuple[str, ...] = ("aandeel_65plus", "woz_gemiddeld", "aandeel_koopwoningen", "afstand_huisarts")
REF_STYLE: dict[str, dict[str, str]] = {
    "drenthe": {"color": "#222222", "dash": "dot"},
    "monitor": {"color": "#8a5a00", "dash": "dashdot"},
}


@dataclass(frozen=True)
class VergelijkState:
    codes: tuple[str, ...] = ()
    indicatoren: tuple[str, ...] = DEFAULT_INDICATORS
    basis: str | None = None
    messages: tuple[str, ...] = field(default=(), compare=False)


def parse_vergelijken(query: Mapping[str, Any], catalog: Catalog) -> VergelijkState:
    """Validated state from a query string; unknown parts are dropped with a Dutch message."""
    codes, msgs = parse_codes(query.get("codes"), catalog.areas, MAX_AREAS)

    inds: list[str] = []
    raw_inds = split_list(query.get("indicatoren"), MAX_INDICATORS)
    if len(raw_inds) > MAX_INDICATORS:
        msgs.append(too_many(MAX_INDICATORS, "indicatoren"))
        raw_inds = raw_inds[:MAX_INDICATORS]
    for ind in raw_inds:
        if ind not in catalog.titles:
            msgs.append(f"Indicator '{clip(ind)}' is onbekend en is weggelaten.")
        elif ind not in inds:
            inds.append(ind)
    if not inds:
        inds = [i for i in DEFAULT_INDICATORS if i in catalog.titles]
        if raw_inds:
            msgs.append("Geen bekende indicator in de link; we tonen de standaardkeuze.")

    basis = first(query.get("basis"))
    if basis is not None and resolve_code(basis, catalog.areas) in codes:
        basis = resolve_code(basis, catalog.areas)
    elif basis is not None:
        if resolve_code(basis, catalog.areas):
            msgs.append(f"'Lijkt op' kan alleen voor een gekozen gebied; we nemen {_name(catalog, codes)}.")
        else:
            msgs.append(f"Gebied '{clip(basis)}' voor 'lijkt op' is onbekend; we nemen {_name(catalog, codes)}.")
        basis = None
    if basis is None and codes:
        basis = codes[0]
    return VergelijkState(tuple(codes), tuple(inds), basis, tuple(msgs))


def _name(catalog: Catalog, codes: Sequence[str]) -> str:
    return catalog.areas[codes[0]][0] if codes else "geen gebied"


def _params(state: VergelijkState) -> dict[str, str]:
    params: dict[str, str] = {}
    if state.codes:
        params["codes"] = ",".join(state.codes)
    params["indicatoren"] = ",".join(state.indicatoren)
    if state.basis and state.codes and state.basis != state.codes[0]:
        params["basis"] = state.basis
    return params


def vergelijken_query(state: VergelijkState) -> str:
    """The query string (with '?') that reproduces ``state``."""
    return links.query(**_params(state))


def vergelijken_href(state: VergelijkState) -> str:
    """The link to the page showing ``state``."""
    return links.href("/vergelijken", **_params(state))


# -- values -------------------------------------------------------------------

class TidyRow(NamedTuple):
    """One (area, indicator) of a comparison: the year used, its value and that year's benchmarks."""

    code: str
    naam: str
    niveau: str
    gemeente: str | None
    indicator: str
    titel: str
    eenheid: str
    jaar: int | None
    waarde: float | None
    status: str
    opmerking: str
    gemeente_waarde: float | None
    drenthe_waarde: float | None
    monitor_waarde: float | None
    #: 'CBS 47022NED, 85984NED': the tables of the value and of its references ('' without a figure).
    bron: str
    #: 'op basis van 71% van de inwoners; 1 van 2 gebieden' for a village figure over only some of its buurten
    #: (:func:`dashboard.formatting.partial_basis`), '' for a complete one.
    deel: str
    #: The status of that year's Drenthe and monitor totals: 'onvolledig' says why a reference value is missing.
    drenthe_status: str
    monitor_status: str


TIDY_COLUMNS = list(TidyRow._fields)
#: The cube rows read beside the chosen areas (same query): the totals' status says why a reference is missing.
REFERENCE_CODES: tuple[str, str] = (DRENTHE_CODE, MONITOR_CODE)
DRENTHE_LABEL = "Drenthe (12 gemeenten)"
MONITOR_LABEL = "Monitor (13 gemeenten)"


def pick_latest(rows: Sequence[CompareRow], years: Sequence[int]) -> CompareRow | None:
    """The row of the newest of ``years`` in which the area has a usable value ('ok' or 'onbetrouwbaar');
    else its row of the newest year (suppressed or missing, so the table can say which); else None (pure).

    ``rows``: one area's cube rows of one indicator; ``years``: the years in which its level has values
    (rows of other years do not count, as on the map).
    """
    by_year = {r.jaar: r for r in rows}
    fallback = None
    for i, y in enumerate(reversed(years)):
        r = by_year.get(y)
        if r is None:
            continue
        if to_float(r.waarde) is not None and r.status in ("ok", "onbetrouwbaar"):
            return r
        if i == 0:
            fallback = r
    return fallback


def compare_rows(codes: Sequence[str], indicatoren: Sequence[str]) -> list[TidyRow]:
    """The comparison as plain rows: one per (area, indicator), with the year used and that year's benchmarks.

    One indexed query for all areas and indicators (:func:`dashboard.data.compare_rows`); the benchmarks are
    the cube row's own columns (the area's gemeente, Drenthe, the monitor total of the same year). The same
    query reads the Drenthe and monitor rows, whose status says why a total is missing ('onvolledig').
    """
    info = data.area_info()
    known = [c for c in codes if c in info]
    cube = data.compare_rows((*known, *REFERENCE_CODES), tuple(indicatoren))
    totals = {(code, r.indicator, int(r.jaar)): str(r.status)
              for code in REFERENCE_CODES for ind in indicatoren for r in cube.get((code, ind), ())}
    out: list[TidyRow] = []
    for code in known:
        area = info[code]
        for ind_id in indicatoren:
            meta = data.indicator(ind_id)
            r = pick_latest(cube.get((code, ind_id), ()), data.years(ind_id, area.niveau))
            if r is None:
                out.append(TidyRow(code, area.naam, area.niveau, area.gemeente_naam, ind_id, meta.title, meta.unit,
                                   None, None, "ontbreekt", "", None, None, None, "", "", "", ""))
                continue
            jaar = int(r.jaar)
            waarde = to_float(r.waarde)
            refs = (None if area.niveau == "gemeente" else to_float(r.gemeente_waarde),
                    to_float(r.drenthe_waarde), to_float(r.monitor_waarde))
            # The references are gemeente figures (or their totals) of that year: their tables count as well.
            tables = [*(r.bron or "").split(", "),
                      *(data.source_tables(ind_id, "gemeente", jaar) if any(v is not None for v in refs) else ())]
            out.append(TidyRow(
                code, area.naam, area.niveau, area.gemeente_naam, ind_id, meta.title, meta.unit, jaar,
                waarde, str(r.status), str(r.note or ""), *refs,
                tables_label(tables) if any(tables) else "",
                partial_basis(r.note) if waarde is not None else "",
                totals.get((DRENTHE_CODE, ind_id, jaar), ""), totals.get((MONITOR_CODE, ind_id, jaar), ""),
            ))
    return out


def compare_frame(codes: Sequence[str], indicatoren: Sequence[str]) -> pd.DataFrame:
    """Tidy comparison as a frame (:func:`compare_rows`; the downloads and tests read it)."""
    return pd.DataFrame(compare_rows(codes, indicatoren), columns=TIDY_COLUMNS)


def _rows(tidy: pd.DataFrame | Sequence[TidyRow]) -> Sequence[Any]:
    """Rows with attribute access from a tidy frame or from :func:`compare_rows`' list."""
    return list(tidy.itertuples(index=False)) if isinstance(tidy, pd.DataFrame) else tidy


def _year_text(text: str, jaar: Any) -> str:
    """'28,3% (2024)': the year as a whole number (a frame with a missing year holds them as floats)."""
    return f"{text} ({int(jaar)})" if not is_missing(jaar) and jaar else text


#: What a figure over only some of a village's buurten carries in the table and on its bar ('0% (2024) · deel').
PARTIAL_MARK = " · deel"


def area_labels(areas: Sequence[tuple[str, str, str, str | None]]) -> dict[str, list[str]]:
    """code → what its name needs to tell it apart from the other chosen areas (pure).

    ``areas``: (code, naam, niveau, gemeente). Nothing for a name that occurs once (short labels on a phone);
    the kind where names repeat ('Annen' buurt and dorp); also the gemeente where name and kind repeat; the code
    as a last resort. A bar chart draws one row per distinct label: two areas sharing a label shared a row,
    their bars drawn over each other.
    """
    def count(key: Any) -> dict[Any, int]:
        n: dict[Any, int] = {}
        for a in areas:
            n[key(a)] = n.get(key(a), 0) + 1
        return n

    by_name = count(lambda a: a[1])
    by_kind = count(lambda a: (a[1], a[2]))
    by_gemeente = count(lambda a: (a[1], a[2], a[3]))
    out: dict[str, list[str]] = {}
    for code, naam, niveau, gemeente in areas:
        quals: list[str] = []
        if by_name[naam] > 1:
            quals.append(level_word(niveau))
            if by_kind[(naam, niveau)] > 1:
                quals.append(gemeente or code)
                if gemeente and by_gemeente[(naam, niveau, gemeente)] > 1:
                    quals.append(code)
        out[code] = quals
    return out


def _area_quals(rows: Sequence[Any]) -> dict[str, list[str]]:
    """:func:`area_labels` of the areas in ``rows`` (one entry per area, in order)."""
    areas = {r.code: (r.code, r.naam, r.niveau, None if is_missing(r.gemeente) else r.gemeente) for r in rows}
    return area_labels(list(areas.values()))


def _label(naam: str, quals: Sequence[str], jaar: Any = None) -> str:
    """'Annen', 'Annen (dorp)', 'Annen (dorp, 2024)', 'Assen (2024)'."""
    parts = [*quals, *([str(int(jaar))] if not is_missing(jaar) and jaar else [])]
    return f"{naam} ({', '.join(parts)})" if parts else naam


def wide_records(tidy: pd.DataFrame | Sequence[TidyRow]) -> list[dict[str, str]]:
    """Areas as rows, indicators as columns ('28,3% (2024)', '1,2 km (2024)'): the on-screen table's records.

    A figure over only some of a village's buurten ends in ' · deel' (:data:`PARTIAL_MARK`; the note under the
    table says on what it rests: :func:`partial_notes`).
    """
    rows = _rows(tidy)
    quals = _area_quals(rows)
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        meta = data.indicator(r.indicator)
        row = out.setdefault(r.code, {"Gebied": _label(r.naam, quals[r.code]), "Soort": level_word(r.niveau),
                                      "Gemeente": r.gemeente or ""})
        if is_missing(r.waarde):
            text = status_word(r.status, short=True) if r.status in ("geheim", "ontbreekt", "onbetrouwbaar") else "–"
        else:
            text = fmt_value(r.waarde, meta) + (" *" if r.status == "onbetrouwbaar" else "")
        row[r.indicator] = _year_text(text, r.jaar) + (PARTIAL_MARK if r.deel else "")
    return list(out.values())


def partial_notes(tidy: pd.DataFrame | Sequence[TidyRow]) -> list[str]:
    """Per area, the figures marked ' · deel' and what they rest on, in the Profiel's form
    ('Ter Aard: Aandeel corporatiewoningen (op basis van 71% van de inwoners; 1 van 2 gebieden)')."""
    rows = _rows(tidy)
    quals = _area_quals(rows)
    per_area: dict[str, list[str]] = {}
    for r in rows:
        if r.deel:
            per_area.setdefault(_label(r.naam, quals[r.code]), []).append(f"{r.titel} ({r.deel})")
    return [f"{area}: {'; '.join(items)}" for area, items in per_area.items()]


def wide_table(tidy: pd.DataFrame | Sequence[TidyRow]) -> pd.DataFrame:
    """:func:`wide_records` as a frame indexed by area code (Excel's 'Overzicht')."""
    rows = _rows(tidy)
    if not len(rows):
        return pd.DataFrame()
    return pd.DataFrame(wide_records(rows), index=list(dict.fromkeys(r.code for r in rows)))


#: A reference cell whose total covers only some of its gemeenten (status 'onvolledig').
NO_TOTAL = "geen totaal"


class _RefCell(NamedTuple):
    jaar: int | None
    waarde: float | None
    status: str


def _reference_cells(rows: Sequence[Any]) -> dict[str, dict[str, _RefCell]]:
    """reference label → indicator → the cell it shows: each chosen area's gemeente, Drenthe and the 13.

    Several areas bring the same reference, perhaps in different years or not at all (an area without a figure
    brings no reference): a value beats none, then the newest year, then the first area. Taking the first
    area's cell showed '–' for a gemeente whose first area (a wijk) had no police figures.
    """
    cells: dict[str, dict[str, _RefCell]] = {}
    for r in rows:
        jaar = None if is_missing(r.jaar) or not r.jaar else int(r.jaar)
        refs = [(DRENTHE_LABEL, r.drenthe_waarde, r.drenthe_status),
                (MONITOR_LABEL, r.monitor_waarde, r.monitor_status)]
        if r.niveau != "gemeente" and not is_missing(r.gemeente) and r.gemeente:
            refs.insert(0, (f"Gemeente {r.gemeente}", r.gemeente_waarde, ""))
        for label, v, status in refs:
            new = _RefCell(jaar, None if is_missing(v) else float(v), "" if is_missing(status) else str(status))
            row = cells.setdefault(label, {})
            old = row.get(r.indicator)
            if old is None or _rank(new) > _rank(old):
                row[r.indicator] = new
    return cells


def _rank(cell: _RefCell) -> tuple[bool, int]:
    return cell.waarde is not None, cell.jaar or 0


def benchmark_records(tidy: pd.DataFrame | Sequence[TidyRow]) -> list[dict[str, str]]:
    """Reference rows for the table: each chosen area's gemeente, Drenthe and the 13 gemeenten.

    A total over only some of its gemeenten is no total ('geen totaal (2024)'; :func:`reference_notes` says
    why), not a bare '–'.
    """
    cells = _reference_cells(_rows(tidy))
    out: dict[str, dict[str, str]] = {}
    for label, by_ind in cells.items():
        row = out.setdefault(label, {"Gebied": label, "Soort": "referentie", "Gemeente": ""})
        for ind, c in by_ind.items():
            text = NO_TOTAL if c.waarde is None and c.status == "onvolledig" else fmt_value(c.waarde,
                                                                                          data.indicator(ind))
            row[ind] = _year_text(text, c.jaar)
    order = sorted(out, key=lambda k: (not k.startswith("Gemeente"), k))
    return [out[k] for k in order]


def reference_notes(tidy: pd.DataFrame | Sequence[TidyRow]) -> list[str]:
    """Why a reference row says 'geen totaal': not every gemeente has a figure (a sum over part is no total)."""
    cells = _reference_cells(_rows(tidy))
    out = []
    for label, n in ((DRENTHE_LABEL, 12), (MONITOR_LABEL, 13)):
        gaps = [f"{data.indicator(ind).title} ({c.jaar})" for ind, c in cells.get(label, {}).items()
                if c.waarde is None and c.status == "onvolledig"]
        if gaps:
            out.append(f"{label}: {NO_TOTAL} voor {_joined(gaps)}: niet alle {n} gemeenten hebben een cijfer, "
                       "en een som over een deel is geen totaal.")
    return out


def _joined(items: Sequence[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    return f"{', '.join(items[:-1])} en {items[-1]}" if len(items) > 1 else "".join(items)


def source_texts(tidy: pd.DataFrame | Sequence[TidyRow]) -> dict[str, str]:
    """indicator → 'CBS 47022NED, 85984NED (2024)': the tables of its figures and references, with their years
    (a table used in several years: 'CBS 85318NED (2022, 2024)'). From the cube's ``bron`` per row."""
    years: dict[str, dict[str, set[int]]] = {}
    for r in _rows(tidy):
        if not r.bron or is_missing(r.jaar):
            continue
        per_table = years.setdefault(r.indicator, {})
        for t in str(r.bron).removeprefix("CBS ").split(", "):
            per_table.setdefault(t, set()).add(int(r.jaar))
    out: dict[str, str] = {}
    for ind, per_table in years.items():
        groups: dict[tuple[int, ...], list[str]] = {}
        for t, ys in per_table.items():
            groups.setdefault(tuple(sorted(ys)), []).append(t)
        out[ind] = ", ".join(f"CBS {', '.join(sorted(ts))} ({', '.join(map(str, ys))})"
                             for ys, ts in sorted(groups.items()))
    return out


def source_line(tidy: pd.DataFrame | Sequence[TidyRow]) -> str:
    """'Bron: CBS 85984NED (2024) voor Inwoners en WOZ; CBS 47022NED, 85984NED (2024) voor Misdrijven …': the
    line under the table, every figure's table and year (indicators with the same sources grouped)."""
    texts = source_texts(tidy)
    if not texts:
        return ""
    groups: dict[str, list[str]] = {}
    for ind, text in texts.items():
        groups.setdefault(text, []).append(data.indicator(ind).title)
    if len(groups) == 1:
        return f"Bron: {next(iter(groups))}."
    return "Bron: " + "; ".join(f"{text} voor {_joined(titles)}" for text, titles in groups.items()) + "."


def benchmark_rows(tidy: pd.DataFrame | Sequence[TidyRow]) -> pd.DataFrame:
    """:func:`benchmark_records` as a frame."""
    return pd.DataFrame(benchmark_records(tidy))


# -- "lijkt op": dashboard.similar (shared with the profile's peers) --------------------

# -- figure ----------------------------------------------------------------------

@dataclass(frozen=True)
class Panel:
    """One small multiple: the panel's title (with unit), its bar figure (a plain plotly dict), the kinds of
    reference it draws ('gemeente', 'drenthe', 'monitor': what the shared legend above the panels lists) and the
    line naming its CBS tables and years ('Bron: CBS 85984NED (2024)'); ``deel``: it has a hatched bar (a
    figure over only some of a village's buurten), which the shared legend then explains."""

    indicator: str
    title: str
    figure: dict[str, Any]
    refs: tuple[str, ...] = ()
    bron: str = ""
    deel: bool = False


#: Height of one area's bar and of a panel's axes and margins (px). Every panel of a comparison has the same
#: height: the legend is shared, above the panels, so the rows of the grid line up.
BAR_HEIGHT = 30
PANEL_FRAME = 80
#: What the small multiples' shared legend says per kind of reference (the traces' names and hovers agree).
REF_LABELS: dict[str, str] = {"gemeente": "Eigen gemeente", "drenthe": "Drenthe (12 gemeenten)",
                              "monitor": "Monitor (13 gemeenten)"}
#: The look plotly's default template gave these panels, without sending its 7 kB with every panel.
TEXT_COLOR = "#2a3f5f"


def small_multiples(tidy: pd.DataFrame | Sequence[TidyRow], metas: Mapping[str, Any]) -> list[Panel]:
    """One horizontal bar panel per indicator; Drenthe and the 13 gemeenten as vertical reference lines,
    each area's own gemeente as a black tick on its bar (areas may lie in different gemeenten).

    Each panel is a figure of its own, so the page can lay them out in a grid that has two columns on a wide
    screen and one on a phone: in one figure with two columns of subplots the area names of the right column
    ran over the bars of the left one at 390 px. No panel carries a legend (the first one that did was taller
    than the rest): the page shows one legend above the grid (:attr:`Panel.refs`).

    Count indicators (aggregation 'sum') get no reference lines or ticks: totals are on another scale than the
    areas compared; the table beside the chart lists them. Plain dicts, built from plain rows: plotly's
    validation of a ``go.Figure`` was most of a warm request.
    """
    rows = _rows(tidy)
    colors: dict[str, str] = {}
    by_ind: dict[str, list[Any]] = {}
    for r in rows:
        colors.setdefault(r.code, LINE_COLORS[len(colors) % len(LINE_COLORS)])
        by_ind.setdefault(r.indicator, []).append(r)
    quals = _area_quals(rows)
    sources = source_texts(rows)
    panels: list[Panel] = []
    for ind, sub in by_ind.items():
        if ind not in metas:
            continue
        meta = metas[ind]
        is_count = getattr(meta, "aggregation", "") == "sum"
        fig, refs = _panel(sub[::-1], meta, colors, is_count, quals)  # first chosen area on top
        unit = THOUSAND_EUROS if fig["layout"]["xaxis"].get("ticktext") else meta.unit
        # No unit the title already says ('Inwoners (inwoners)', 'Misdrijven per 1.000 inwoners (per 1.000 …)').
        title = ((f"{meta.title} ({unit})" if unit not in ("", "aantal") and unit.lower() not in meta.title.lower()
                  else meta.title)
                 + (" · referenties in de tabel" if is_count else ""))
        panels.append(Panel(ind, title, fig, refs, f"Bron: {sources[ind]}." if ind in sources else "",
                            any(r.deel for r in sub)))
    return panels


def _num(v: Any) -> float | None:
    """A float for plotly, None where missing (NaN is not JSON)."""
    return None if is_missing(v) else float(v)


def _panel(sub: Sequence[Any], meta: Any, colors: Mapping[str, str], is_count: bool,
           quals: Mapping[str, Sequence[str]] | None = None) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The bar figure of one indicator (``sub``: its rows, last chosen area first) and the references it draws.

    ``quals``: what each area's label needs to be unique (:func:`area_labels`). A figure over only some of a
    village's buurten is hatched and says ' · deel' (the table's note says on what it rests): it is not shown
    like the complete bars beside it.
    """
    quals = quals or {}
    vals = [_num(r.waarde) for r in sub]
    labels = [_label(r.naam, quals.get(r.code, ()), r.jaar) for r in sub]
    partial = [bool(r.deel) and v is not None for r, v in zip(sub, vals, strict=True)]
    fills = [colors[r.code] for r in sub]
    traces: list[dict[str, Any]] = [{
        "type": "bar", "x": vals, "y": labels, "orientation": "h",
        # Partial: thin stripes of the area's colour on white, outlined, so the dark label stays readable.
        "marker": {"color": fills,
                   "line": {"color": [c if p else "#E5ECF6" for c, p in zip(fills, partial, strict=True)],
                            "width": [1.5 if p else 0.5 for p in partial]},
                   "pattern": {"shape": ["/" if p else "" for p in partial], "bgcolor": "#ffffff",
                               "fgcolor": fills, "solidity": 0.25}},
        # The unit is in the panel's title: the bar carries only what stays with a number ('28%', '€ 345.000');
        # '16,2 per 1.000 inwoners' ran out of a short bar over the gemeente's tick.
        "text": [(fmt_short(v, meta) + (PARTIAL_MARK if p else "")) if v is not None else "geen gegevens"
                 for v, p in zip(vals, partial, strict=True)],
        # A bar of length 0 has no inside for its label ('0%' vanished, which read as a missing value). A partial
        # bar's longer label stays inside, scaled down if need be: pushed out of a long bar on a phone it was cut
        # off at the panel's edge ('€ 364.00').
        "textposition": ["outside" if v == 0 else "inside" if p else "auto"
                         for v, p in zip(vals, partial, strict=True)],
        "insidetextfont": {"color": [TEXT_COLOR if p else _on(c) for c, p in zip(fills, partial, strict=True)]},
        # At the bar's base: at its end the value ran into the black tick of the area's gemeente.
        "insidetextanchor": "start",
        "customdata": [f"<br>{r.deel}" if p else "" for r, p in zip(sub, partial, strict=True)],
        "hovertemplate": "<b>%{y}</b><br>%{text}%{customdata}<extra></extra>", "showlegend": False,
        "cliponaxis": False,
    }]
    # A bar without a value has no length to carry its text: say why at the axis ('geheim (CBS)', 'geen gegevens'),
    # or the area's row would just stay empty.
    missing = [(label, status_word(r.status if r.status == "geheim" else "ontbreekt"))
               for r, v, label in zip(sub, vals, labels, strict=True) if v is None]
    if missing:
        traces.append({"type": "scatter", "mode": "text", "x": [0] * len(missing), "y": [m[0] for m in missing],
                       "text": [m[1] for m in missing], "textposition": "middle right",
                       "textfont": {"color": MUTED, "size": 11}, "hoverinfo": "skip", "showlegend": False,
                       "cliponaxis": False})
    refs: list[str] = []
    # A count (woningvoorraad, huishoudens) of the gemeente or of Drenthe is on another scale than a village's:
    # as a line it squeezes the village bars into slivers (axis to 250.000). Its references stay in the table.
    gm = [_num(r.gemeente_waarde) for r in sub]
    if not is_count and any(v is not None for v in gm):
        refs.append("gemeente")
        traces.append({
            "type": "scatter", "x": gm, "y": labels, "mode": "markers", "name": REF_LABELS["gemeente"],
            "legendgroup": "gemeente", "showlegend": False,
            "marker": {"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#111111"}},
            "customdata": [[f"{r.gemeente}: {fmt_value(v, meta)}"] for r, v in zip(sub, gm, strict=True)],
            "hovertemplate": "Gemeente %{customdata[0]}<extra></extra>",
        })
    for key in ("drenthe", "monitor"):
        known = [v for v in (_num(getattr(r, f"{key}_waarde")) for r in sub) if v is not None]
        if not known or is_count:
            continue
        v, label, style = known[-1], REF_LABELS[key], REF_STYLE[key]
        refs.append(key)
        # A line trace (not a shape) so the reference has a name and a hover text.
        traces.append({
            "type": "scatter", "x": [v, v], "y": [labels[0], labels[-1]], "mode": "lines", "name": label,
            "legendgroup": key, "showlegend": False,
            "line": {"color": style["color"], "dash": style["dash"], "width": 2},
            "hovertemplate": f"{label}: {fmt_value(v, meta)}<extra></extra>",
        })
    layout = {
        "height": PANEL_FRAME + BAR_HEIGHT * len(labels), "margin": {"l": 10, "r": 20, "t": 10, "b": 10},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "#ffffff", "separators": ",.", "bargap": 0.3,
        "font": {"family": FONT, "size": 12, "color": TEXT_COLOR},
        "hoverlabel": {"bgcolor": "#ffffff", "align": "left"}, "hovermode": "closest",
        "showlegend": False, "autotypenumbers": "strict",
        # Unit in the panel title (above the figure, on the page), not as an axis title.
        "xaxis": {"gridcolor": GRID, "rangemode": "tozero", "zeroline": False, "automargin": True,
                  **_value_ticks(vals, meta)},
        # Some room between an area's name and the value at its bar's base.
        "yaxis": {"automargin": True, "showgrid": False, "ticklabelstandoff": 6},
    }
    return {"data": traces, "layout": layout}, tuple(refs)


def _on(color: str) -> str:
    """White or dark text on a bar of ``color`` ('#0072B2'), whichever reads better (relative luminance)."""
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return TEXT_COLOR if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else "#ffffff"


#: The unit of a euro panel ticked in thousands (CBS writes '× 1.000 euro').
THOUSAND_EUROS = "× 1.000 euro"


def _value_ticks(vals: Sequence[float | None], meta: Any) -> dict[str, Any]:
    """The value axis' ticks: few, so a phone's narrow panel shows them level instead of tilted over each other.

    Euros of a thousand and more are ticked in thousands ('0 200 400', the panel title says '× € 1.000', as CBS
    writes it): written out, '€ 200.000' did not fit three times under a phone's bars, and the SI '€ 200k' is
    not Dutch. The exact value ('€ 345.000') is on the bar.
    """
    if all(v is None for v in vals):
        # No area has a value: each row says why at the axis; a scale 0 – 0,5 – 1 would measure nothing.
        return {"showticklabels": False, "showgrid": False, "range": [0, 1]}
    top = max((abs(v) for v in vals if v is not None), default=0.0)
    if unit_affixes(meta.unit)[0].startswith("€") and top >= 1000:
        step = _nice_step(top / 2)
        ticks = [step * i for i in range(int(top // step) + 2)]
        text = [fmt_number(t / 1000, 0 if t % 1000 == 0 else 1) for t in ticks]
        return {"tickmode": "array", "tickvals": ticks, "ticktext": text}
    # Five-digit labels ('30.000') need the room of two short ones.
    return {"nticks": 3 if top >= 10000 else 5, "exponentformat": "none", "separatethousands": True}


def _nice_step(raw: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``raw`` (> 0): round tick distances."""
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


# -- exports --------------------------------------------------------------------------

#: The export's Dutch column names.
EXPORT_NAMES: dict[str, str] = {
    "code": "Code", "naam": "Gebied", "niveau": "Soort", "gemeente": "Gemeente", "indicator": "Indicator-id",
    "titel": "Indicator", "eenheid": "Eenheid", "jaar": "Jaar", "waarde": "Waarde", "status": "Status",
    "opmerking": "Opmerking", "gemeente_waarde": "Waarde eigen gemeente", "drenthe_waarde": "Waarde Drenthe",
    "monitor_waarde": "Waarde 13 gemeenten", "bron": "Bron", "deel": "Berekend op deel",
    "drenthe_status": "Status Drenthe", "monitor_status": "Status 13 gemeenten",
}
#: The columns holding an indicator's values (the row's own and its references).
VALUE_COLUMNS: tuple[str, ...] = ("waarde", "gemeente_waarde", "drenthe_waarde", "monitor_waarde")


def export_frame(tidy: pd.DataFrame) -> pd.DataFrame:
    """The tidy comparison with Dutch column names (CSV and the Excel sheet 'Waarden'); years as whole numbers
    (a comparison with one missing year held them all as floats: '2024,0')."""
    return tidy.assign(jaar=tidy["jaar"].astype("Int64")).rename(columns=EXPORT_NAMES)


def csv_values(tidy: pd.DataFrame) -> pd.DataFrame:
    """``tidy`` with its values as the CSV writes them: each indicator's decimals, decimal comma ('16,2', '105',
    '345000'). One column holds counts and shares; as floats the counts read '105,0'."""
    decimals = {i: data.indicator(i).decimals for i in set(tidy["indicator"])}
    return tidy.assign(**{col: [_plain(v, decimals[i]) for v, i in zip(tidy[col], tidy["indicator"], strict=True)]
                          for col in VALUE_COLUMNS})


def _plain(value: Any, decimals: int) -> str:
    """A number for a CSV cell: no thousands separator, decimal comma, '' when missing."""
    if is_missing(value):
        return ""
    if decimals <= 0:
        return str(int(round(float(value), decimals)))
    return f"{float(value):.{decimals}f}".replace(".", ",")


def indicator_sheet(indicatoren: Sequence[str]) -> pd.DataFrame:
    """Definitions of the indicators in an export."""
    rows = []
    for i in indicatoren:
        m = data.indicator(i)
        rows.append({"Indicator-id": m.id, "Indicator": m.title, "Omschrijving": m.description,
                     "Berekening": m.formula, "Eenheid": m.unit, "Thema": m.theme, "Richting": m.direction,
                     "CBS-tabellen": ", ".join(m.sources)})
    return pd.DataFrame(rows)


def comparison_download(codes: Sequence[str], indicatoren: Sequence[str], excel: bool) -> Download:
    """The page's CSV (tidy) or Excel (tidy, overview with units, definitions, sources)."""
    frame = compare_frame(codes, indicatoren)  # once: the CSV and both Excel sheets come from it
    index = data.area_index()
    names = [index.get(c, (c, ""))[0] for c in codes]
    stem = areas_stem("vergelijking", names)
    if not excel:
        return csv_download(export_frame(csv_values(frame)), f"{stem}.csv")
    tidy = export_frame(frame)
    wide = wide_table(frame).rename(columns={i: data.indicator(i).title for i in indicatoren})
    payload = excel_bytes(
        {"Waarden": tidy, "Overzicht": wide, "Indicatoren": indicator_sheet(indicatoren)},
        sources(), title="Vergelijking Dorpenmonitor Drenthe",
        notes=[f"Gebieden: {', '.join(names)}",
               "Drenthe = de 12 Drentse gemeenten; monitor = 12 Drentse gemeenten en Hardenberg.",
               f"Gemeenten in de monitor: {', '.join(GEMEENTEN.values())}"],
    )
    return Download(payload, f"{stem}.xlsx", XLSX_TYPE)
