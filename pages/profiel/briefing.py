"""Area profiles ("gebiedsprofiel"): key figures per theme, highlights and data-quality notes.

Two layers, as elsewhere in the dashboard:

* pure functions on :class:`KeyFigure` records — :func:`deviation_highlights`,
  :func:`change_highlights`, :func:`quality_notes`, :func:`sparkline_svg`,
  :func:`profile_frame` — tested on hand-made records;
* the named, cached loader :func:`profile`, which fills the records from the
  loaders in :mod:`dashboard.data` (and, for villages, their member buurten).

The profile page, its PDF and its Excel download all render the same
:class:`Profile`, so the three can never tell a different story.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dashboard import data
from dashboard.formatting import (
    BARE_UNITS,
    PARTIAL_TEXT,
    fmt_number,
    fmt_value,
    level_word,
    partial_basis,
    status_word,
    to_float,
    years_text,
)
from dashboard.series import connects, partial_period_note, period_break_reason, period_label
from dashboard.similar import level_matrix, level_scores, nearest
from dashboard.theme import ACCENT
from dorpenmonitor.codes import HARDENBERG
from dorpenmonitor.lazy import lazy_module
from indicators import REGISTRY, THEMES
from indicators.glossary import plain

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

#: Areas' own sums (counts) are not comparable with a gemeente: only rates and means get a highlight.
_NOT_COMPARABLE_AGGREGATIONS = ("sum",)
#: Indicators that are classes or whose deviation says nothing on its own.
_NO_HIGHLIGHT = ("stedelijkheid", "adressendichtheid", "mannen_per_100_vrouwen")
#: Values CBS publishes in thousands of euros: shown (and aggregated villages rounded) to that precision.
ROUND_TO: dict[str, float] = {"woz_gemiddeld": 1000.0, "inkomen_per_inwoner": 100.0}
#: Below this many events a count (or a rate built on it) moves by large percentages on chance alone.
SMALL_COUNT = 50
#: Rates whose numerator is the count named here (the caveat for small numbers follows the count).
RATE_COUNTS: dict[str, str] = {"misdrijven_per_1000": "misdrijven"}
SMALL_NUMBERS_CAVEAT = ("Let op: kleine aantallen; een paar meer of minder geeft hier al een groot verschil, "
                        "dus dit kan toeval zijn.")
#: Indicators of the peers table: the first six decide who is alike, all are shown side by side.
PEER_INDICATORS: tuple[str, ...] = ("aandeel_65plus", "aandeel_0_14", "woz_gemiddeld", "aandeel_koopwoningen",
                                    "afstand_huisarts", "afstand_supermarkt")
PEER_COLUMNS: tuple[str, ...] = ("inwoners", *PEER_INDICATORS)
#: Short column heads of the peers table (page and PDF), in the order of :data:`PEER_COLUMNS`.
PEER_HEADS: tuple[str, ...] = ("Inwoners", "% 65+", "% 0-14", "WOZ", "% koop", "Huisarts km", "Supermarkt km")
#: Fewer points than this in the area's own series: the trend chart shows the gemeente's series instead.
MIN_OWN_TREND = 3
#: The "people and homes over time" series, in chart order (page and PDF).
PEOPLE_SERIES: tuple[str, ...] = ("inwoners", "huishoudens")


def round_to_input(indicator: str, value: float | None) -> float | None:
    """``value`` rounded to the precision CBS publishes its inputs in (WOZ: thousands); others unchanged."""
    step = ROUND_TO.get(indicator)
    if value is None or step is None:
        return value
    return round(value / step) * step


#: Plain-Dutch wording for the most-read indicators: (higher, lower, what the numbers are).
PHRASES: dict[str, tuple[str, str, str]] = {
    "aandeel_65plus": ("is ouder dan", "is jonger dan", "65-plussers"),
    "aandeel_0_14": ("heeft meer kinderen dan", "heeft minder kinderen dan", "kinderen tot 15 jaar"),
    "aandeel_15_24": ("heeft meer jongvolwassenen dan", "heeft minder jongvolwassenen dan", "15-24-jarigen"),
    "grijze_druk": ("is grijzer dan", "is minder grijs dan", "65-plussers per 100 15-64-jarigen"),
    "woz_gemiddeld": ("heeft duurdere woningen dan", "heeft goedkopere woningen dan", "gemiddelde WOZ-waarde"),
    "aandeel_koopwoningen": ("heeft meer koopwoningen dan", "heeft minder koopwoningen dan", "koopwoningen"),
    "aandeel_corporatiewoningen": ("heeft meer corporatiewoningen dan", "heeft minder corporatiewoningen dan",
                                   "corporatiewoningen"),
    "aandeel_eenpersoonshuishoudens": ("heeft meer alleenwonenden dan", "heeft minder alleenwonenden dan",
                                       "eenpersoonshuishoudens"),
    "aandeel_huishoudens_met_kinderen": ("heeft meer gezinnen met kinderen dan",
                                         "heeft minder gezinnen met kinderen dan", "huishoudens met kinderen"),
    "huishoudensgrootte": ("heeft grotere huishoudens dan", "heeft kleinere huishoudens dan", "per huishouden"),
    "bevolkingsdichtheid": ("is dichter bevolkt dan", "is dunner bevolkt dan", ""),
    "afstand_huisarts": ("ligt verder van de huisarts dan", "ligt dichter bij de huisarts dan", "gemiddeld"),
    "afstand_supermarkt": ("ligt verder van een grote supermarkt dan", "ligt dichter bij een grote supermarkt dan",
                           "gemiddeld"),
    "afstand_school": ("ligt verder van een basisschool dan", "ligt dichter bij een basisschool dan", "gemiddeld"),
    "inkomen_per_inwoner": ("heeft een hoger inkomen per inwoner dan", "heeft een lager inkomen per inwoner dan", ""),
    "aandeel_laag_inkomen": ("heeft meer huishoudens met een laag inkomen dan",
                             "heeft minder huishoudens met een laag inkomen dan", "huishoudens met laag inkomen"),
    "goed_ervaren_gezondheid": ("voelt zich gezonder dan", "voelt zich minder gezond dan",
                                "volwassenen met goed ervaren gezondheid"),
    "autos_per_huishouden": ("heeft meer auto's per huishouden dan", "heeft minder auto's per huishouden dan", ""),
}


@dataclass(frozen=True)
class KeyFigure:
    """One indicator for one area in one year, with its context."""

    indicator: str
    titel: str
    thema: str
    eenheid: str
    decimals: int
    richting: str
    aggregatie: str
    jaar: int | None
    waarde: float | None
    status: str
    note: str = ""
    gemeente: float | None = None
    drenthe: float | None = None
    monitor: float | None = None
    #: standard deviation of the indicator over all areas of the same level and year (scale for highlights)
    spreiding: float | None = None
    #: (jaar, waarde, breuk) of the area, ascending; only points with a value
    trend: tuple[tuple[int, float, bool], ...] = ()
    bron: str = ""
    rang: int | None = None
    aantal: int = 0
    #: one plain-Dutch sentence on what the number means (indicators.glossary)
    uitleg: str = ""
    #: (table, year) of every point shown: the value and its trend (sparkline)
    bron_jaren: tuple[tuple[str, int], ...] = ()

    @property
    def periode(self) -> str:
        """The period in words for sentences ('2024'; police 2025: '12 maanden tot juli 2026')."""
        return period_label(self.indicator, self.jaar)

    @property
    def jaar_kort(self) -> str:
        """The period for a narrow table column ('2024', '2025*')."""
        return period_label(self.indicator, self.jaar, short=True)

    @property
    def unit(self) -> str:
        """The unit under the name the formatting functions read (``dashboard.formatting``)."""
        return self.eenheid

    @property
    def has_value(self) -> bool:
        return self.waarde is not None and self.status in ("ok", "onbetrouwbaar")


@dataclass(frozen=True)
class Peer:
    """One area in the "lijkt op" table: its newest values of :data:`PEER_COLUMNS` (None where unknown)."""

    code: str
    naam: str
    gemeente: str
    gedeeld: int
    waarden: tuple[float | None, ...]


@dataclass(frozen=True)
class TrendSeries:
    """A series for the "people and homes over time" chart, saying whose it is."""

    indicator: str
    titel: str
    wie: str
    eigen: bool
    points: tuple[tuple[int, float, bool], ...]
    #: (table, year) of every point drawn
    bron_jaren: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Profile:
    """Everything the profile page, PDF and Excel show for one area."""

    code: str
    naam: str
    niveau: str
    gemeente_code: str | None
    gemeente_naam: str | None
    figures: tuple[KeyFigure, ...]
    highlights: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: (code, naam) of the buurten of a village
    leden: tuple[tuple[str, str], ...] = ()
    gegevensstand: str = ""
    themes: tuple[str, ...] = field(default=())
    #: the five most similar areas of the same level (see :class:`Peer`)
    peers: tuple[Peer, ...] = ()
    #: population and households over time (the area's own series, else the gemeente's)
    series: tuple[TrendSeries, ...] = ()
    #: why the Drenthe (and 13-gemeenten) column shows '–' beside a value (:func:`reference_gap_note`)
    reference_note: str = ""

    def table_years(self) -> dict[str, tuple[int, ...]]:
        """CBS table → the years of it behind anything the profile shows: values, sparklines and the
        people-over-time charts (reference lines included), so the source list names every plotted point."""
        out: dict[str, set[int]] = {}
        pairs = [*(p for f in self.figures for p in f.bron_jaren), *(p for s in self.series for p in s.bron_jaren)]
        for f in self.figures:  # the shown value's table and year (a '–' shows no table's figure)
            if f.has_value and f.jaar is not None:
                for t in _split_tables(f.bron):
                    out.setdefault(t, set()).add(int(f.jaar))
        for t, y in pairs:
            out.setdefault(t, set()).add(int(y))
        return {t: tuple(sorted(out[t])) for t in sorted(out, key=str.lower)}

    def figure(self, indicator: str) -> KeyFigure | None:
        """The key figure of ``indicator`` (None when the profile has none)."""
        return next((f for f in self.figures if f.indicator == indicator), None)

    @property
    def subtitle(self) -> str:
        """'Dorp in de gemeente Aa en Hunze' — what kind of area this is, in words."""
        kind = level_word(self.niveau, capital=True)
        if self.niveau == "gemeente":
            return "Gemeente" + (" in Drenthe" if self.code != HARDENBERG else " in Overijssel")
        return f"{kind} in de gemeente {self.gemeente_naam}" if self.gemeente_naam else kind

    def by_theme(self) -> list[tuple[str, list[KeyFigure]]]:
        """Figures grouped by theme, in the monitor's theme order; empty themes left out."""
        order = list(self.themes) or list(dict.fromkeys(f.thema for f in self.figures))
        out = []
        for t in order:
            figs = [f for f in self.figures if f.thema == t]
            if figs:
                out.append((t, figs))
        return out


# -- formatting (numbers and units: dashboard.formatting) ------------------------

def _split_tables(bron: object) -> list[str]:
    """'81880NED, 80860ned' → ['81880NED', '80860ned'] (a cell may name several tables)."""
    return [b.strip() for b in str(bron or "").split(",") if b.strip()]


def _pairs(rows: Sequence[tuple[object, object]]) -> tuple[tuple[str, int], ...]:
    """(table, year) pairs of (bron, jaar) rows."""
    return tuple(sorted({(t, int(j)) for b, j in rows for t in _split_tables(b)}))  # type: ignore[call-overload]


def table_list(p: Profile, titles: dict[str, str] | None = None) -> list[str]:
    """'81880NED Bevolking … (1998–2014)' per table behind the profile (page and PDF source line)."""
    titles = titles or {}
    return [f"{t} {titles.get(t, '')}".replace("  ", " ").strip() + (f" ({years_text(y)})" if y else "")
            for t, y in p.table_years().items()]


def status_text(fig: KeyFigure) -> str:
    """Why a value is missing or weak, in the words the map and every other page use (STATUS_WORDS)."""
    return status_word(fig.status) if fig.status != "ok" else ""


def missing_series(p: Profile) -> list[str]:
    """'Huishoudens: geen reeks (…)' for each people series that neither the area nor its gemeente has."""
    have = {s.indicator for s in p.series}
    also = "" if p.niveau == "gemeente" else " (ook voor de gemeente)"
    return [f"{REGISTRY[i].title}: geen reeks, te weinig jaren met gegevens{also}"
            for i in PEOPLE_SERIES if i not in have]


def peers_title(p: Profile) -> str:
    """'Lijkt op: de 5 dorpen die het meest op Annen lijken' (page and PDF)."""
    return f"Lijkt op: de {len(p.peers) - 1} {level_word(p.niveau, plural=True)} die het meest op {p.naam} lijken"


def peers_explanation() -> str:
    """What the peers are compared on, in one sentence (page and PDF)."""
    # Only the first letter lowered: 'gemiddelde WOZ-waarde', not 'woz-waarde'.
    return ("Vergeleken op " + ", ".join(REGISTRY[i].title[:1].lower() + REGISTRY[i].title[1:]
                                         for i in PEER_INDICATORS)
            + " (nieuwste jaar); inwoners staan erbij voor de omvang.")


def series_source(s: TrendSeries, naam: str) -> str:
    """Whose series a trend chart shows: 'Inwoners: eigen reeks van Annen' or the gemeente's, saying why."""
    return f"{s.titel}: " + (f"eigen reeks van {s.wie}" if s.eigen else
                             f"reeks van de {s.wie} (van {naam} zelf te weinig jaren)")


# -- highlights (pure) ------------------------------------------------------------

def _deviation_score(fig: KeyFigure, ref: str = "gemeente") -> float | None:
    """How unusual the area is compared with ``ref`` ('gemeente' or 'drenthe'), in standard deviations of the level."""
    other = getattr(fig, ref)
    if not fig.has_value or other is None or fig.status != "ok":
        return None
    diff = fig.waarde - other  # type: ignore[operator]
    if fig.spreiding and fig.spreiding > 0:
        return diff / fig.spreiding
    base = abs(other)
    return diff / base if base else None


def deviation_highlights(
    figures: Sequence[KeyFigure], naam: str, ref_naam: str | None, n: int = 3, min_score: float = 0.5,
    ref: str = "gemeente",
) -> list[str]:
    """The ``n`` largest deviations from the gemeente (or, for a gemeente, from Drenthe) as plain-Dutch sentences.

    Counts (inwoners, woningen …) are skipped: a village always has fewer
    residents than its gemeente. A deviation must be at least ``min_score``
    standard deviations (over all areas of the level) to count as news.
    """
    if not ref_naam:
        return []
    scored = []
    for f in figures:
        if f.aggregatie in _NOT_COMPARABLE_AGGREGATIONS or f.indicator in _NO_HIGHLIGHT:
            continue
        s = _deviation_score(f, ref)
        if s is not None and abs(s) >= min_score and fmt_value(f.waarde, f) != fmt_value(getattr(f, ref), f):
            scored.append((abs(s), f, s))
    scored.sort(key=lambda t: -t[0])
    out = []
    gemeente_naam = ref_naam
    for _, f, s in scored[:n]:
        a, g = fmt_value(f.waarde, f), fmt_value(getattr(f, ref), f)
        if f.indicator in PHRASES:
            hi, lo, what = PHRASES[f.indicator]
            what = f" {what}" if what else ""
            out.append(f"{naam} {hi if s > 0 else lo} {gemeente_naam}: {a}{what} tegen {g} ({f.periode}).")
        else:
            word = "hoger" if s > 0 else "lager"
            out.append(f"{f.titel}: in {naam} {word} dan in {gemeente_naam}, {a} tegen {g} ({f.periode}).")
    return out


def _segment(trend: Sequence[tuple[int, float, bool]]) -> list[tuple[int, float, bool]]:
    """The points after the last series break: only those are comparable with each other."""
    pts = list(trend)
    for i in range(len(pts) - 1, 0, -1):
        if pts[i][2]:
            return pts[i:]
    return pts


def series_summary(s: TrendSeries) -> str:
    """'Van 56.331 inwoners in 1998 naar 69.701 inwoners in 2024.': first to last point of the comparable part
    only, so the change never spans a series break (the break is named)."""
    meta = REGISTRY[s.indicator]
    pts = _segment(s.points)
    (y0, v0, _), (y1, v1, _) = pts[0], pts[-1]
    text = (f"{fmt_value(v1, meta)} in {y1}." if y0 == y1
            else f"Van {fmt_value(v0, meta)} in {y0} naar {fmt_value(v1, meta)} in {y1}.")
    if len(pts) < len(s.points):
        text += f" Trendbreuk in {y0}: eerdere jaren zijn niet vergelijkbaar."
    return text


#: Two points further apart than this many years are not compared in a 'change since' (Aa en Hunze's grijze druk:
#: 1999–2009 from the gemeente tables, then nothing until 2024's KWB; the health monitor's 4-year steps still are).
LONG_GAP = 5


def change_stretch(trend: Sequence[tuple[int, float, bool]]) -> list[tuple[int, float, bool]]:
    """The points a 'change since' may compare: after the last series break and after the last gap of more than
    :data:`LONG_GAP` years, so a change never spans a break and never silently spans a long gap."""
    pts = _segment(trend)
    for i in range(len(pts) - 1, 0, -1):
        if pts[i][0] - pts[i - 1][0] > LONG_GAP:
            return pts[i:]
    return pts


def _change_score(f: KeyFigure, v0: float, v1: float) -> float | None:
    """Size of a change on a scale shared by all indicators.

    Rates and means: the change in standard deviations across areas (a 3-point
    rise in % 65-plussers is big, 3 points of a 0-100 index is not); counts:
    the relative change, 10% counting as one unit.
    """
    if f.aggregatie in _NOT_COMPARABLE_AGGREGATIONS or not f.spreiding:
        return abs(v1 - v0) / abs(v0) * 10 if v0 else None
    return abs(v1 - v0) / f.spreiding


def small_numbers(f: KeyFigure, figures: Sequence[KeyFigure], v0: float, v1: float, y0: int, y1: int) -> bool:
    """Whether a change of ``f`` from ``v0`` to ``v1`` rests on small counts (fewer than :data:`SMALL_COUNT`).

    Counts are judged on their own values; a rate on the count it is built on
    (:data:`RATE_COUNTS`), in the same two years.
    """
    if f.aggregatie in _NOT_COMPARABLE_AGGREGATIONS:
        return min(abs(v0), abs(v1)) < SMALL_COUNT
    count = RATE_COUNTS.get(f.indicator)
    if count is None:
        return False
    base = next((g for g in figures if g.indicator == count), None)
    if base is None:
        return False
    vals = dict((y, v) for y, v, _ in base.trend)
    got = [vals[y] for y in (y0, y1) if y in vals]
    return bool(got) and min(abs(v) for v in got) < SMALL_COUNT


def change_highlights(figures: Sequence[KeyFigure], naam: str, n: int = 2, min_score: float = 0.3) -> list[str]:
    """The ``n`` strongest changes over time, each within one comparable stretch (:func:`change_stretch`: after
    the last break and the last long gap).

    A change between small counts (Wachtum: 8 → 14 misdrijven, "+75%") keeps
    its place but carries :data:`SMALL_NUMBERS_CAVEAT`; the police's partial
    newest year is named as the 12 months it covers. A change never spans a
    break: after one it reads "sinds 1998 gestegen van … naar …".
    """
    scored = []
    for f in figures:
        if f.indicator in _NO_HIGHLIGHT:
            continue
        pts = change_stretch(f.trend)
        if len(pts) < 2:
            continue
        (y0, v0, _), (y1, v1, _) = pts[0], pts[-1]
        # Where the comparison starts if not at the first point: after a break, or after a long gap (the year
        # before the gap is then named).
        before = [p[0] for p in f.trend if p[0] < y0]
        after_break = "" if not before else ("breuk" if pts[0][2] else str(before[-1]))
        score = _change_score(f, v0, v1)
        if y1 > y0 and score is not None and score >= min_score and fmt_value(v0, f) != fmt_value(v1, f):
            scored.append((score, f, y0, v0, y1, v1, after_break))
    scored.sort(key=lambda t: -t[0])
    out = []
    for _, f, y0, v0, y1, v1, after_break in scored[:n]:
        word = "gestegen" if v1 > v0 else "gedaald"
        sign = "+" if v1 > v0 else "−"
        u = f.eenheid.strip()
        if u == "%":
            delta = f"{sign}{fmt_number(abs(v1 - v0), max(f.decimals, 1))} procentpunt"
        elif u in BARE_UNITS or not v0:
            delta = f"{sign}{fmt_number(abs(v1 - v0), f.decimals)}"
        else:
            delta = f"{sign}{fmt_number(abs(v1 - v0) / abs(v0) * 100, 0)}%"
        if after_break:
            # The years before y0 are not comparable (re-division, other source) or lie across a long gap: say
            # where the comparison starts, and why.
            why = ("trendbreuk in {y0}: eerdere jaren niet vergelijkbaar" if after_break == "breuk" else
                   f"het cijfer daarvoor is van {after_break}, te lang geleden om mee te vergelijken").format(y0=y0)
            text = (f"{f.titel} in {naam}: sinds {period_label(f.indicator, y0)} {word} van {fmt_value(v0, f)} "
                    f"naar {fmt_value(v1, f)} ({period_label(f.indicator, y1)}), {delta} ({why}).")
        else:
            text = (f"{f.titel} in {naam}: {word} van {fmt_value(v0, f)} ({period_label(f.indicator, y0)}) naar "
                    f"{fmt_value(v1, f)} ({period_label(f.indicator, y1)}), {delta}.")
        if small_numbers(f, figures, v0, v1, y0, y1):
            text += " " + SMALL_NUMBERS_CAVEAT
        out.append(text)
    return out


def quality_notes(
    figures: Sequence[KeyFigure], niveau: str, n_leden: int = 0, approximate_boundaries: bool = False
) -> list[str]:
    """Data-quality remarks for a profile, most important first."""
    notes: list[str] = []
    secret = [f.titel for f in figures if f.status == "geheim"]
    if secret:
        notes.append(f"Geheimgehouden door CBS (te weinig inwoners of woningen om te publiceren): "
                     f"{', '.join(secret)}. Deze cijfers worden niet geschat.")
    weak = [f"{f.titel} ({f.note})" if f.note else f.titel for f in figures if f.status == "onbetrouwbaar"]
    if weak:
        notes.append(f"{status_word('onbetrouwbaar').capitalize()}: {'; '.join(weak)}.")
    if niveau == "dorp":
        notes.append(
            f"Dit dorp is samengesteld uit {n_leden} CBS-buurt{'en' if n_leden != 1 else ''}. CBS publiceert geen "
            "cijfers per dorp; de indeling volgt de namen van buurten en woonplaatsen (CBS 86097NED). "
            "Aantallen zijn opgeteld, gemiddelden en percentages gewogen.")
        partial = [f"{f.titel} ({f.note})" for f in figures if f.has_value and partial_basis(f.note)]
        if partial:
            notes.append(f"{PARTIAL_TEXT}: " + "; ".join(partial) + ".")
    # A break that is only the police's partial period is named by its own note (below), not as a boundary/source one.
    breaks = [f.titel for f in figures if any(b and not period_break_reason(f.indicator, j) for j, _, b in f.trend[1:])]
    if breaks:
        notes.append(f"Trendbreuk (gewijzigde grenzen of bron) in: {', '.join(breaks)}. "
                     "Vergelijk de jaren voor en na de breuk niet zonder meer.")
    if approximate_boundaries:
        notes.append("Buurtgrenzen op de kaart zijn benaderd (2024, afgeleid uit een schematische kaart); "
                     "ze kunnen 100 tot 400 meter afwijken. De cijfers zelf zijn die van CBS.")
    if period := next((t for f in figures if f.jaar is not None
                       and (t := partial_period_note(f.indicator, (f.jaar,)))), ""):
        notes.append(period)
    years = sorted({f.jaar for f in figures if f.has_value and f.jaar is not None})
    if len(years) > 1:
        notes.append(f"De cijfers komen uit verschillende jaren ({years[0]}–{years[-1]}): bij elk cijfer "
                     "staat het jaar. Het nieuwste jaar met gegevens is steeds gekozen.")
    return notes


def reference_gap_note(figures: Sequence[KeyFigure], niveau: str, reasons: dict[str, str]) -> str:
    """Why the Drenthe column (for a gemeente also '13 gemeenten') shows '–' next to a value, said once.

    ``reasons``: indicator → the Drenthe total's status that year ('onvolledig': not all 12 gemeenten have a
    figure; anything else: no total can be made, e.g. a class). '' when no such dash is shown.
    """
    cols = ("drenthe", "monitor") if niveau == "gemeente" else ("drenthe",)
    gaps = [f for f in figures if f.has_value and any(getattr(f, c) is None for c in cols)]
    if not gaps:
        return ""
    where = "Drenthe en 13 gemeenten" if niveau == "gemeente" else "Drenthe"
    partial = [f for f in gaps if reasons.get(f.indicator, "onvolledig") == "onvolledig"]
    other = [f.titel for f in gaps if f not in partial]
    parts = []
    if partial:
        parts.append(f"'–' bij {where}: geen totaal, want in dat jaar heeft niet elke gemeente een cijfer "
                     "(een som over een deel zou geen totaal zijn)")
    if other:
        parts.append(f"{', '.join(other)}: een klasse of score die niet op te tellen is, dus geen totaal")
    return "; ".join(parts) + "."


# -- sparkline (pure) --------------------------------------------------------------

def sparkline_svg(points: Sequence[tuple[int, float, bool]], width: int = 96, height: int = 26,
                  color: str = ACCENT) -> str:
    """A tiny SVG line of ``points`` (jaar, waarde, breuk); '' for fewer than two points.

    Lines only where :func:`connects` allows (never across a missing year or a series break); each stretch
    starts with a dot, the newest point has a larger one.

    An inline SVG (as an <img> data URI) instead of a plotly graph: dozens per
    page cost nothing, print sharp and need no JavaScript.
    """
    pts = [(int(x), float(y), bool(b)) for x, y, b in points if y is not None and not math.isnan(float(y))]
    if len(pts) < 2:
        return ""
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    pad = 3.0

    def px(x: float) -> float:
        return pad + (x - x0) / ((x1 - x0) or 1) * (width - 2 * pad)

    def py(y: float) -> float:
        return height - pad - ((y - y0) / ((y1 - y0) or 1)) * (height - 2 * pad) if y1 > y0 else height / 2

    parts = []
    for i in range(len(pts)):
        if i and connects(pts[i - 1], pts[i]):
            parts.append(f'<line x1="{px(xs[i-1]):.1f}" y1="{py(ys[i-1]):.1f}" x2="{px(xs[i]):.1f}" '
                         f'y2="{py(ys[i]):.1f}" stroke="{color}" stroke-width="1.6"/>')
        elif i < len(pts) - 1:
            # A stretch starts here (first point, or after a missing year or a break): a dot, no line into it,
            # as in the PDF sparkline and the Trends chart.
            parts.append(f'<circle cx="{px(xs[i]):.1f}" cy="{py(ys[i]):.1f}" r="1.8" fill="{color}"/>')
    parts.append(f'<circle cx="{px(xs[-1]):.1f}" cy="{py(ys[-1]):.1f}" r="2.4" fill="{color}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">{"".join(parts)}</svg>')


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# -- tables (pure) --------------------------------------------------------------------

def profile_frame(p: Profile) -> pd.DataFrame:
    """The profile's figures as one tidy table (for Excel/CSV)."""
    rows = []
    for f in p.figures:
        rows.append({
            "Thema": f.thema, "Indicator": f.titel, "Indicator-id": f.indicator, "Eenheid": f.eenheid,
            "Jaar": f.jaar, p.naam: f.waarde if f.has_value else None, "Status": f.status,
            f"Gemeente {p.gemeente_naam}" if p.gemeente_naam and p.niveau != "gemeente" else "Gemeente": (
                f.gemeente if p.niveau != "gemeente" else None),
            "Drenthe": f.drenthe, "Monitor (13 gemeenten)": f.monitor,
            "Trend": ("; ".join(f"{y}: {fmt_value(v, f, unit=False)}" for y, v, _ in f.trend)
                      if len(f.trend) > 1 else ""),
            "Opmerking": f.note, "Bron (CBS-tabel)": f.bron,
        })
    df = pd.DataFrame(rows)
    if p.niveau == "gemeente" and "Gemeente" in df:
        df = df.drop(columns=["Gemeente"])
    return df


# -- loader -------------------------------------------------------------------------

def _figure(ind, code: str, niveau: str, rows: Sequence | None = None) -> KeyFigure | None:
    """The newest figure of ``ind`` for ``code`` (None when the level never has it).

    ``rows``: the area's cube rows of this indicator (``data.area_rows(code)[ind.id]``), which carry the
    benchmarks, rank, spread, series breaks and source tables, so a whole profile is one query.
    """
    yrs = data.years(ind.id, niveau)
    if not yrs:
        return None
    if rows is None:
        rows = data.area_rows(code).get(ind.id, ())
    by_year = {int(x.jaar): x for x in rows}
    # Newest year in which this area appears with a value; else the newest year at all (shows why it is missing).
    chosen, row = None, None
    for y in reversed(yrs):
        hit = by_year.get(y)
        if hit is not None and hit.status in ("ok", "onbetrouwbaar") and to_float(hit.waarde) is not None:
            chosen, row = y, hit
            break
    if chosen is None:
        chosen, row = yrs[-1], by_year.get(yrs[-1])
        if row is None:
            return None
    trend: tuple[tuple[int, float, bool], ...] = ()
    bron = ""
    bron_jaren: tuple[tuple[str, int], ...] = ()
    if len(yrs) > 1:
        in_years = set(yrs)
        usable = [x for y, x in sorted(by_year.items())
                  if y in in_years and x.status in ("ok", "onbetrouwbaar") and to_float(x.waarde) is not None]
        # A year that covers another period (police 2025) is a break in the data itself (dorpenmonitor.breaks).
        trend = tuple((int(x.jaar), float(round_to_input(ind.id, float(x.waarde))),  # type: ignore[arg-type]
                       bool(x.breuk)) for x in usable)
        bron = next((str(x.bron) for x in usable if int(x.jaar) == chosen), "")
        bron_jaren = _pairs([(x.bron, x.jaar) for x in usable])
    if not bron:
        bron = ", ".join(s.split("@")[0] for s in ind.sources[:1])

    def r(v: object) -> float | None:
        return round_to_input(ind.id, to_float(v))

    rank = row.rank_in_gemeente
    return KeyFigure(
        indicator=ind.id, titel=ind.title, thema=ind.theme, eenheid=ind.unit, decimals=ind.decimals,
        richting=ind.direction, aggregatie=ind.aggregation, jaar=int(chosen), waarde=r(row.waarde),
        status=str(row.status), note=str(row.note or ""),
        gemeente=r(row.gemeente_waarde), drenthe=r(row.drenthe_waarde), monitor=r(row.monitor_waarde),
        spreiding=to_float(row.spreiding), trend=trend, bron=bron,
        rang=None if pd.isna(rank) else int(rank),
        aantal=int(0 if pd.isna(row.count_in_gemeente) else row.count_in_gemeente),
        uitleg=plain(ind.id), bron_jaren=bron_jaren,
    )


def peers(code: str, top: int = 5) -> tuple[Peer, ...]:
    """The area itself, then the ``top`` most similar areas of its level (:mod:`dashboard.similar`)."""
    info = data.area_info()
    if code not in info:
        return ()
    niveau = info[code].niveau
    res = nearest(level_scores(niveau, PEER_INDICATORS), code, top)
    values = peer_values(niveau)

    def row(c: str, gedeeld: int) -> Peer:
        a = info.get(c)
        return Peer(c, a.naam if a else c, (a.gemeente_naam or "") if a else "", gedeeld,
                    values.get(c, (None,) * len(PEER_COLUMNS)))

    return (row(code, len(PEER_INDICATORS)), *(row(c, gedeeld) for c, _, gedeeld in res))


@data.loader(maxsize=8)
def peer_values(niveau: str) -> dict[str, tuple[float | None, ...]]:
    """code → the newest values of :data:`PEER_COLUMNS` of every area of ``niveau`` (rounded as CBS publishes)."""
    matrix = level_matrix(niveau, PEER_COLUMNS)
    cols = [(i, matrix[i].to_numpy()) if i in matrix else (i, None) for i in PEER_COLUMNS]
    return {str(c): tuple(round_to_input(i, to_float(v[n])) if v is not None else None for i, v in cols)
            for n, c in enumerate(matrix.index)}


def people_series(code: str, figures: Sequence[KeyFigure], gemeente_code: str | None,
                  gemeente_naam: str | None, naam: str) -> tuple[TrendSeries, ...]:
    """Inwoners and huishoudens over time: the area's own series when it has :data:`MIN_OWN_TREND` points,
    else the gemeente's (saying so)."""
    out = []
    for ind in PEOPLE_SERIES:
        f = next((g for g in figures if g.indicator == ind), None)
        titel = REGISTRY[ind].title
        if f is not None and len(f.trend) >= MIN_OWN_TREND:
            out.append(TrendSeries(ind, titel, naam, True, f.trend, f.bron_jaren))
            continue
        if gemeente_code and gemeente_code != code:
            pts, tables = comparable_series(ind, gemeente_code)
            if len(pts) >= 2:
                out.append(TrendSeries(ind, titel, f"gemeente {gemeente_naam}", False, pts, tables))
                continue
        if f is not None and len(f.trend) >= 2:
            out.append(TrendSeries(ind, titel, naam, True, f.trend, f.bron_jaren))
    return tuple(out)


@data.loader(maxsize=64)
def comparable_series(indicator: str, code: str) -> tuple[tuple[tuple[int, float, bool], ...],
                                                          tuple[tuple[str, int], ...]]:
    """(jaar, waarde, breuk) of ``code``'s values after its last series break (the comparable part), and the
    (table, year) pairs they came from.

    Read for a gemeente by every profile of its areas: cached per loaded database (13 gemeenten).
    """
    t = data.trend(indicator, (code,))
    t = t[t["status"].isin(["ok", "onbetrouwbaar"]) & pd.to_numeric(t["waarde"], errors="coerce").notna()]
    pts = tuple(_segment(tuple((int(j), float(w), bool(b)) for j, w, b in
                               zip(t["jaar"], t["waarde"], t["breuk"], strict=True))))
    shown = {p[0] for p in pts}
    return pts, _pairs([(b, j) for b, j in zip(t["bron"], t["jaar"], strict=True) if int(j) in shown])


@data.loader(maxsize=64)
def village_members(code: str) -> tuple[tuple[str, str], ...]:
    """(buurt code, naam) of a village's buurten; empty for other areas."""
    if not code.startswith("DP"):
        return ()
    names = data.area_index()
    for v in data.villages():
        if v.code == code:
            return tuple((b, names.get(b, (b, ""))[0]) for b in v.buurten)
    return ()


@data.loader(maxsize=64)
def profile(code: str) -> Profile | None:
    """The profile of ``code`` (any level incl. villages); None for an unknown code."""
    a = data.area_info().get(code)
    if a is None:
        return None
    niveau = a.niveau
    per_indicator = data.area_rows(code)  # the whole profile: one query
    figures = [f for ind in REGISTRY.values()
               if (f := _figure(ind, code, niveau, per_indicator.get(ind.id, ()))) is not None]
    gm_naam = None if niveau == "gemeente" else a.gemeente_naam
    naam = a.naam
    leden = village_members(code)
    if niveau == "gemeente":
        highlights = deviation_highlights(figures, naam, "Drenthe", ref="drenthe")
    else:
        highlights = deviation_highlights(figures, naam, gm_naam)
    highlights += change_highlights(figures, naam)
    notes = quality_notes(figures, niveau, len(leden), approximate_boundaries=niveau in ("buurt", "dorp"))
    reasons = {}
    for f in figures:
        if f.has_value and f.drenthe is None and f.jaar is not None:
            d = data.drenthe_trend(f.indicator)
            st = d.loc[d["jaar"] == f.jaar, "status"]
            reasons[f.indicator] = str(st.iloc[0]) if len(st) else ""
    gm_code = str(a.gemeente_code)
    gm_full = gm_naam or (naam if niveau == "gemeente" else None)
    return Profile(
        code=code, naam=naam, niveau=niveau, gemeente_code=gm_code, gemeente_naam=gm_naam,
        figures=tuple(figures), highlights=tuple(highlights), notes=tuple(notes), leden=leden,
        gegevensstand=data.snapshot_date(), themes=tuple(THEMES), peers=peers(code),
        series=people_series(code, figures, gm_code, gm_full, naam),
        reference_note=reference_gap_note(figures, niveau, reasons),
    )
