"""Registry of series breaks: where a value is not comparable with the year before.

Three kinds of break, one record type each:

* :class:`BoundaryChange` — a gemeente that was formed or changed on 1 January
  of ``jaar`` (the 1998 re-division of Drenthe, Hardenberg 2001). A value of
  ``jaar`` or later is not comparable with one before ``jaar``.
* :class:`SourceChange` — a variable whose source table (or the measure in it)
  changes in ``jaar``, so the series jumps for reasons that are not real.
* :class:`BuurtChange` — a buurt of the current division that was split,
  merged or reshaped between two loaded years; computed from the boundaries by
  ``geodata.crosswalk`` (not listed by hand), kept here as a plain record so
  every layer above can read it.

Facts and how sure we are (``zeker``) are written beside each record. Sources:
the gemeente tables in the snapshot themselves (81880NED starts the new codes
1680-1701 in 1998 and 1730/1731 in 2000; Emmen 94.528 → 105.228 and Coevorden
14.946 → 34.497 inwoners 1997 → 1998), Tweede Kamer dossier 25046
("Gemeentelijke herindeling in de provincie Drenthe", in force 1 January
1998: 34 → 12 gemeenten) and contemporary reports of it. Where the exact
predecessors are not verified, ``zeker`` is False and the text says so; the
break itself (a new division on 1 January 1998) holds for every Drentse
gemeente, which is why all twelve carry it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The first year on the re-divided Drenthe (1 January 1998).
DRENTHE_HERINDELING = 1998


@dataclass(frozen=True)
class BoundaryChange:
    """A gemeente formed or changed on 1 January of ``jaar``."""

    code: str
    jaar: int
    soort: str  # 'samenvoeging', 'nieuwe gemeente', 'nieuwe code', 'herindeling'
    voorgangers: tuple[str, ...]
    zeker: bool
    toelichting: str


@dataclass(frozen=True)
class SourceChange:
    """A variable whose source or measure changes in ``jaar`` at ``niveau``."""

    variable: str
    jaar: int
    niveau: str
    van: str
    naar: str
    toelichting: str


@dataclass(frozen=True)
class PeriodChange:
    """A variable whose ``jaar`` is not a calendar year (``periode`` says what it covers): that value compares
    with neither the year before nor the one after."""

    variable: str
    jaar: int
    periode: str
    toelichting: str


@dataclass(frozen=True)
class BuurtChange:
    """A current buurt whose area differs in an older division (from ``geodata.crosswalk``)."""

    code: str  # current (latest) buurt code
    jaar: int  # the older division's year
    soort: str  # 'gesplitst', 'samengevoegd', 'gewijzigd'
    aandeel: float  # share of the current buurt's area that the old buurt(en) cover


_H98 = "Herindeling Drenthe 1 januari 1998 (Tweede Kamer 25046: van 34 naar 12 gemeenten)"

GEMEENTE_CHANGES: tuple[BoundaryChange, ...] = (
    BoundaryChange("GM0109", 1998, "samenvoeging", ("Coevorden", "Dalen", "Oosterhesselen", "Sleen", "Zweeloo"),
                   True, f"{_H98}. Inwoners 14.946 (1997) → 34.497 (1998), 81880NED."),
    BoundaryChange("GM0114", 1998, "samenvoeging", ("Emmen", "Schoonebeek"), True,
                   f"{_H98}. Inwoners 94.528 (1997) → 105.228 (1998), 81880NED."),
    BoundaryChange("GM0106", 1998, "herindeling", ("Assen",), False,
                   f"{_H98}. Assen bleef bestaan; mogelijk kleine grenswijziging (Zeijen, uit Vries, werd in "
                   "het provinciale voorstel bij Assen gevoegd) — niet geverifieerd. Inwoners +3,0% 1997 → 1998."),
    BoundaryChange("GM0118", 1998, "herindeling", ("Hoogeveen",), False,
                   f"{_H98}. Hoogeveen bleef bestaan en kreeg grondgebied (o.a. Zuidwolde-zuid volgens het "
                   "provinciale voorstel) — omvang niet geverifieerd."),
    BoundaryChange("GM0119", 1998, "herindeling", ("Meppel", "Nijeveen"), False,
                   f"{_H98}. Meppel bleef bestaan en kreeg grondgebied; Nijeveen als voorganger niet geverifieerd."),
    BoundaryChange("GM1680", 1998, "nieuwe gemeente", ("Anloo", "Gieten", "Rolde"), False,
                   f"{_H98}. Nieuwe code 1680 vanaf 1998 (81880NED); voorgangers niet geverifieerd."),
    BoundaryChange("GM1681", 1998, "nieuwe gemeente", ("Borger", "Odoorn"), True,
                   f"{_H98}. Nieuwe code 1681 vanaf 1998 (81880NED)."),
    BoundaryChange("GM1690", 1998, "nieuwe gemeente", ("De Wijk", "Ruinen", "Ruinerwold", "Zuidwolde"), True,
                   f"{_H98}. Nieuwe code 1690 vanaf 1998 (81880NED)."),
    BoundaryChange("GM1699", 1998, "nieuwe gemeente", ("Norg", "Peize", "Roden"), False,
                   f"{_H98}. Nieuwe code 1699 vanaf 1998 (81880NED); voorgangers niet geverifieerd."),
    BoundaryChange("GM1701", 1998, "nieuwe gemeente", ("Diever", "Dwingeloo", "Havelte", "Vledder"), False,
                   f"{_H98}. Nieuwe code 1701 vanaf 1998 (81880NED); voorgangers niet geverifieerd."),
    BoundaryChange("GM1730", 1998, "nieuwe gemeente", ("Eelde", "Vries", "Zuidlaren"), True,
                   f"{_H98}: Eelde, Vries en Zuidlaren vormen één plattelandsgemeente. Nieuwe code 1730 vanaf "
                   "2000 (81880NED, naamswijziging in Tynaarlo; de naam vóór 2000 niet geverifieerd)."),
    BoundaryChange("GM1731", 1998, "nieuwe gemeente", ("Beilen", "Middenveld", "Westerbork"), False,
                   f"{_H98}. Nieuwe code 1731 vanaf 2000 (81880NED, naamswijziging in Midden-Drenthe); "
                   "voorgangers niet geverifieerd."),
    BoundaryChange("GM0160", 2001, "samenvoeging", ("Hardenberg", "Avereest", "Gramsbergen"), False,
                   "Hardenberg en Avereest samengevoegd per 1 januari 2001; Gramsbergen als derde voorganger "
                   "niet geverifieerd. 80860ned geeft Hardenberg 1999 al 56.760 inwoners, dus op de latere "
                   "indeling (zie FIXED_DIVISION_TABLES)."),
)

#: Tables that publish every year on ONE later division (CBS recomputed the past), so their
#: values do not break at a merger: table id → evidence.
FIXED_DIVISION_TABLES: dict[str, str] = {
    "80860ned": "Kerncijfers per gemeente 1999-2009 op de indeling van de tabel: Hardenberg 1999 = 56.760 "
                "inwoners (inclusief Avereest, samengevoegd 2001) en Tynaarlo/Midden-Drenthe al in 1999 met "
                "hun codes van 2000.",
}

SOURCE_CHANGES: tuple[SourceChange, ...] = (
    SourceChange("woningvoorraad", 2015, "gemeente", "60039fvw Woningvoorraad", "60039fvw WoningTotaal",
                 "Andere kolom vanaf 2015 (2013-2014 leeg): Emmen 46.701 (2012) → 49.119 (2015), +5% in drie jaar "
                 "terwijl het inwonertal daalde; niet als groei te lezen."),
    # Electricity: consumption (to 2020, 84314NED 2017) and net delivery (KWB from 2021) are two variables
    # (elektriciteit_verbruik, elektriciteit_gemiddeld), never one series, so no break is needed here.
)


def gemeente_changes(code: str) -> tuple[BoundaryChange, ...]:
    """The registered boundary changes of one gemeente (empty for an unknown code)."""
    return tuple(c for c in GEMEENTE_CHANGES if c.code == code)


def boundary_years(code: str) -> tuple[int, ...]:
    """Years in which the gemeente of ``code`` (any GM/WK/BU/DP code) started on a new division."""
    gm = "GM" + str(code)[2:6]
    return tuple(sorted({c.jaar for c in GEMEENTE_CHANGES if c.code == gm}))


def source_change_years(variable: str, niveau: str) -> tuple[int, ...]:
    """Years in which ``variable`` switches source or measure at ``niveau``."""
    return tuple(sorted({c.jaar for c in SOURCE_CHANGES if c.variable == variable and c.niveau == niveau}))


def crosses(prev: int | None, year: int, change_years: tuple[int, ...] | list[int]) -> bool:
    """True when a change year lies in (prev, year]: the two values are not comparable."""
    return prev is not None and any(prev < c <= year for c in change_years)


def breuk_reasons(code: str, prev: int | None, year: int, *, variables: tuple[str, ...] = (),
                  niveau: str = "gemeente", prev_table: str = "", table: str = "",
                  buurt_years: tuple[int, ...] = (), prev_way: str = "", way: str = "") -> list[str]:
    """Why the value of ``year`` is not comparable with the one of ``prev`` (empty list: comparable).

    ``prev_table``/``table`` are the source tables of the two values: a gemeente
    boundary change does not break a pair that both come from a table published
    on one fixed division (:data:`FIXED_DIVISION_TABLES`). ``buurt_years`` are
    the re-division years of the buurten behind the value (from the crosswalk).
    ``prev_way``/``way`` name how each value was computed (an indicator's own
    inputs or its fallback, e.g. a published rounded percentage): a switch is a
    change of measure, so a break.
    """
    if prev is None:
        return []
    out: list[str] = []
    fixed = prev_table.lower() in FIXED_DIVISION_TABLES and table.lower() in FIXED_DIVISION_TABLES
    for c in GEMEENTE_CHANGES:
        if c.code == "GM" + str(code)[2:6] and prev < c.jaar <= year and not fixed:
            out.append(f"gemeentelijke herindeling {c.jaar}")
    for v in variables:
        for y in source_change_years(v, niveau):
            if prev < y <= year:
                out.append(f"bronwissel {v} {y}")
    if prev_way != way:
        out.append("andere berekening")
    if crosses(prev, year, tuple(buurt_years)):
        out.append("buurtindeling gewijzigd")
    return list(dict.fromkeys(out))


#: The police's newest figure (47022NED, republication 'woonikveilig', etl/sources.py) covers the 12 months up to
#: its reference month, not calendar year 2025: no line or 'change since' may join it to 2024.
CRIME_PERIOD_END = "juli 2026"
PERIOD_CHANGES: tuple[PeriodChange, ...] = (
    PeriodChange("misdrijven", 2025, f"12 maanden tot {CRIME_PERIOD_END}",
                 "47022NED (herpublicatie woonikveilig): de laatste 12 maanden tot de peildatum, geen kalenderjaar."),
)
