"""Typed results of the indicator service and the checks on its arguments (shared by compute and service)."""

from __future__ import annotations

from dataclasses import dataclass

from dorpenmonitor.codes import LEVELS
from dorpenmonitor.settings import GEMEENTEN

NIVEAUS: tuple[str, ...] = LEVELS
STEDELIJKHEID_LABELS = {1: "zeer sterk stedelijk", 2: "sterk stedelijk", 3: "matig stedelijk",
                        4: "weinig stedelijk", 5: "niet stedelijk"}
RANK_NOTE = "1 = hoogste waarde"
MISSING = "ontbreekt"
VALUE_COLUMNS = ["code", "naam", "gemeente_code", "waarde", "status", "rank_in_gemeente", "note", "dekking"]
COMPUTE_COLUMNS = ["code", "naam", "niveau", "jaar", "indicator", "waarde", "eenheid", "status", "note", "dekking",
                   "gemeente_code", "rank_in_gemeente"]
TREND_COLUMNS = ["code", "naam", "jaar", "waarde", "status", "bron", "breuk", "note", "breuk_reden", "omrekening"]
#: Columns of a benchmark series (Drenthe, monitor total); 'onvolledig': not all gemeenten had the figure.
BENCHMARK_SERIES_COLUMNS = ["jaar", "waarde", "status", "note", "dekking", "breuk", "breuk_reden"]


def check_niveau(niveau: str) -> str:
    """``niveau`` if valid, else a Dutch ValueError naming the choices."""
    if niveau not in NIVEAUS:
        raise ValueError(f"Onbekend niveau '{niveau}'. Kies uit: {', '.join(NIVEAUS)}")
    return niveau


def check_gemeente(gemeente: str | None) -> str | None:
    """``gemeente`` if it is one of the 13 (or None), else a Dutch ValueError naming the choices."""
    if gemeente is not None and gemeente not in GEMEENTEN:
        raise ValueError(f"Onbekende gemeente '{gemeente}'. Kies uit: "
                         + ", ".join(f"{c} ({n})" for c, n in GEMEENTEN.items()))
    return gemeente



@dataclass(frozen=True)
class Reference:
    """A benchmark value: the gemeente, Drenthe (12 gemeenten) or the monitor total (13)."""

    code: str | None
    naam: str | None
    waarde: float | None
    status: str = MISSING
    note: str = ""
    dekking: float | None = None


@dataclass(frozen=True)
class Comparable:
    """Areas of the same level and stedelijkheid class: their aggregate and the median of their values."""

    niveau: str
    stedelijkheid: int | None
    label: str | None
    aantal: int = 0
    waarde: float | None = None
    mediaan: float | None = None
    status: str = MISSING
    note: str = ""


@dataclass(frozen=True)
class Benchmark:
    """Context for one value: the area itself, its gemeente, Drenthe, the monitor total, rank, comparable areas.

    Values are rounded to the indicator's decimals; None when unknown.
    ``rank_in_gemeente`` is 1 for the highest value within the gemeente (for a
    gemeente: among all 13); ``count_in_gemeente`` counts the areas ranked.
    """

    indicator: str
    code: str
    naam: str | None
    niveau: str
    jaar: int
    eenheid: str
    waarde: float | None
    status: str
    note: str
    gemeente: Reference
    drenthe: Reference
    monitor: Reference
    rank_in_gemeente: int | None
    count_in_gemeente: int
    comparable: Comparable
    rank_note: str = RANK_NOTE
