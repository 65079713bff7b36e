"""Area codes and status words: one constant per fact, shared by every layer.

CBS codes carry their level in the prefix and the municipality in the first
four digits (``GM0114``, ``WK011401``, ``BU01140101``); villages are groups of
buurten with codes ``DP<gemeente digits>_<slug>`` (see :mod:`indicators.villages`).
"""

from __future__ import annotations

#: CBS's code for the province of Drenthe (its published aggregate, and the benchmark "Drenthe").
DRENTHE_CODE = "PV22"
#: Our code for the whole monitor area: the 12 Drentse gemeenten plus Hardenberg.
MONITOR_CODE = "MONITOR"
#: Hardenberg (Overijssel) is in the monitor but not in the benchmark "Drenthe".
HARDENBERG = "GM0160"

#: Levels CBS publishes, smallest last, and our village level.
CBS_LEVELS: tuple[str, ...] = ("gemeente", "wijk", "buurt")
LEVELS: tuple[str, ...] = ("gemeente", "wijk", "buurt", "dorp")
LEVEL_BY_PREFIX: dict[str, str] = {"GM": "gemeente", "WK": "wijk", "BU": "buurt", "DP": "dorp"}

#: Statuses of a stored observation (``geheim``: suppressed by CBS; ``ontbreekt``: not published / not loaded).
OBS_STATUSES: tuple[str, ...] = ("ok", "geheim", "ontbreekt")
#: Statuses of a computed indicator value (``onbetrouwbaar``: denominator below the indicator's minimum;
#: ``onvolledig``: an aggregate over only part of its member areas — labelled apart, never drawn as the total).
VALUE_STATUSES: tuple[str, ...] = ("ok", "geheim", "ontbreekt", "onbetrouwbaar", "onvolledig")
#: What a user reads for each non-ok status (map legend, cards, tables, CSV).
STATUS_WORDS: dict[str, str] = {
    "ok": "",
    "geheim": "geheim (CBS)",
    "ontbreekt": "geen gegevens",
    "onbetrouwbaar": "onbetrouwbaar (kleine aantallen)",
    "onvolledig": "onvolledig (niet alle gebieden)",
}
#: How a value relates to the current division (``omrekening`` in trends and exports).
OMREKENING: dict[str, str] = {
    "gepubliceerd": "zoals gepubliceerd voor dit gebied",
    "identiek": "gebied ongewijzigd sinds dat jaar; cijfer zoals gepubliceerd",
    "omgerekend": "omgerekend naar de huidige indeling (naar oppervlakte)",
}
#: Load-run states as users read them (Over de data, etl status).
RUN_WORDS: dict[str, str] = {"ok": "gelukt", "failed": "mislukt", "running": "bezig"}


def level_of_code(code: str) -> str:
    """Level from a code's prefix (GM, WK, BU, DP); a Dutch ValueError for anything else."""
    try:
        return LEVEL_BY_PREFIX[str(code)[:2].upper()]
    except KeyError:
        raise ValueError(f"Onbekende gebiedscode '{code}': verwacht GM…, WK…, BU… of DP…") from None


def gemeente_of(code: str) -> str:
    """GM code of a GM/WK/BU/DP code: the four digits after the prefix are the municipality's number."""
    return "GM" + str(code)[2:6]
