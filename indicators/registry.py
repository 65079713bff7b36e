"""The indicator record, the registry and the pure evaluation of one indicator.

An indicator is a small pure function over a *wide* frame (one row per area,
one column per harmonised variable, NaN where CBS published nothing) plus a
frozen :class:`Indicator` record with everything a user or the catalogue needs
to know. Statuses are decided here, once, for every indicator alike:

* ``geheim`` – an input is suppressed by CBS (``geheim`` in the store);
* ``ontbreekt`` – an input was not published / not in the snapshot;
* ``onbetrouwbaar`` – computed, but the denominator is below ``min_denominator``
  (the value is kept, the status says it should not be read as precise);
* ``ok``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dorpenmonitor.catalogue import BY_KEY
from dorpenmonitor.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    np = lazy_module("numpy")
    pd = lazy_module("pandas")


#: The five themes of the monitor, in display order.
THEMES: tuple[str, ...] = ("demografie", "wonen", "energie", "leefbaarheid en voorzieningen", "sociaal domein")
DIRECTIONS: tuple[str, ...] = ("hoger is beter", "hoger is slechter", "neutraal")
#: Machine names of the aggregation methods; labels in :data:`AGGREGATION_LABELS`.
AGGREGATIONS: tuple[str, ...] = ("sum", "ratio", "weighted_mean", "none")
AGGREGATION_LABELS: dict[str, str] = {
    "sum": "som",
    "ratio": "verhouding van sommen",
    "weighted_mean": "gewogen gemiddelde naar {weight}",
    "none": "niet aggregeerbaar",
}
STATUSES: tuple[str, ...] = ("ok", "geheim", "ontbreekt", "onbetrouwbaar")

#: A string, so the alias does not import pandas at start-up (dorpenmonitor.lazy).
Compute = Callable[["pd.DataFrame"], "pd.Series"]


class MissingVariableError(KeyError):
    """The wide frame lacks a column an indicator needs (a programming error, not a data gap)."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, kw_only=True)
class Fallback:
    """A second way to the same figure, used per area only where the first way fails.

    Typical use: CBS's published, rounded percentage (2022 wijken) where the
    counts to recompute it are not available.
    """

    variables: tuple[str, ...]
    compute: Compute = field(compare=False, repr=False)
    note: str


#: Units on an interval scale: their zero is no 'nothing' (a score around 0, a class 1-5, a difference in
#: procentpunten), so a change of them in % means nothing (−0,071 → −0,083 is a fall, not '+16,9 %').
INTERVAL_UNITS: tuple[str, ...] = ("score", "klasse (1-5)", "procentpunt")


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """Metadata and computation of one indicator.

    ``numerator`` and ``denominator`` are harmonised variable keys
    (``dorpenmonitor.catalogue``); ``inputs`` lists every variable ``compute`` reads
    (numerator, denominator and anything else). ``denominator_value`` gives the
    size the ``min_denominator`` test is applied to; by default the row-wise sum
    of the denominator variables. ``weight`` names the variable used to weight
    a mean-type input when areas are aggregated (documentation of
    ``aggregation``; the actual weights per variable live in
    :mod:`indicators.aggregate`).
    """

    id: str
    title: str
    description: str
    formula: str
    unit: str
    theme: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    sources: tuple[str, ...]
    direction: str
    decimals: int
    min_denominator: float = 0
    #: 'sum', 'ratio', 'weighted_mean' or 'none'; None in a definition = derived from the inputs' kinds when
    #: registered (indicators.definitions), so it cannot drift from the code.
    aggregation: str | None = None
    compute: Compute = field(compare=False, repr=False)
    weight: str | None = None
    extra_inputs: tuple[str, ...] = ()
    caveat: str = ""
    fallback: Fallback | None = field(default=None, compare=False)
    denominator_value: Compute | None = field(default=None, compare=False, repr=False)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every variable ``compute`` reads, without duplicates, in a stable order."""
        return tuple(dict.fromkeys((*self.numerator, *self.denominator, *self.extra_inputs)))

    @property
    def relative_change(self) -> bool:
        """Whether a change in % of this indicator means anything (not for :data:`INTERVAL_UNITS`)."""
        return self.unit not in INTERVAL_UNITS

    @property
    def aggregation_label(self) -> str:
        """Dutch wording of the aggregation method, e.g. 'gewogen gemiddelde naar oppervlakte land' (the weight's
        title, not its key 'oppervlakte_land')."""
        title = BY_KEY[self.weight].title if self.weight in BY_KEY else (self.weight or "?")
        return AGGREGATION_LABELS[self.aggregation].format(weight=title[:1].lower() + title[1:])

    def denominator_of(self, df: pd.DataFrame) -> pd.Series | None:
        """The denominator per row, or None when the indicator has none."""
        if self.denominator_value is not None:
            return self.denominator_value(df).astype("float64")
        if not self.denominator:
            return None
        return df[list(self.denominator)].sum(axis=1, min_count=len(self.denominator)).astype("float64")

    def problems(self) -> list[str]:
        """What is wrong or missing in this record (empty list = complete)."""
        out = []
        for name in ("id", "title", "description", "formula", "unit"):
            if not str(getattr(self, name)).strip():
                out.append(f"{self.id}: '{name}' is leeg")
        if self.theme not in THEMES:
            out.append(f"{self.id}: thema '{self.theme}' niet in {THEMES}")
        if self.direction not in DIRECTIONS:
            out.append(f"{self.id}: richting '{self.direction}' niet in {DIRECTIONS}")
        if self.aggregation not in AGGREGATIONS:
            out.append(f"{self.id}: aggregatie '{self.aggregation}' niet in {AGGREGATIONS}")
        if self.aggregation == "weighted_mean" and not self.weight:
            out.append(f"{self.id}: gewogen gemiddelde zonder gewicht")
        if self.aggregation == "ratio" and not (self.denominator or self.denominator_value):
            out.append(f"{self.id}: verhouding zonder noemer")
        if not self.numerator:
            out.append(f"{self.id}: geen teller")
        if not self.sources:
            out.append(f"{self.id}: geen brontabellen")
        if not -6 <= self.decimals <= 6:
            out.append(f"{self.id}: decimalen moeten tussen -6 en 6 liggen")
        if self.min_denominator < 0:
            out.append(f"{self.id}: minimale noemer moet >= 0 zijn")
        return out


REGISTRY: dict[str, Indicator] = {}


def register(ind: Indicator) -> Indicator:
    """Add ``ind`` to :data:`REGISTRY`; a duplicate id is a programming error."""
    if ind.id in REGISTRY:
        raise ValueError(f"Indicator '{ind.id}' is twee keer gedefinieerd")
    REGISTRY[ind.id] = ind
    return ind


def get(indicator_id: str) -> Indicator:
    """The indicator with this id; a Dutch error naming the valid ids otherwise."""
    try:
        return REGISTRY[indicator_id]
    except KeyError:
        raise KeyError(
            f"Onbekende indicator '{indicator_id}'. Kies uit: {', '.join(sorted(REGISTRY))}"
        ) from None


# -- evaluation -------------------------------------------------------------

def safe_ratio(numerator: pd.Series, denominator: pd.Series, factor: float = 1.0) -> pd.Series:
    """``factor * numerator / denominator`` with NaN (not inf) where the denominator is 0 or missing."""
    den = denominator.astype("float64")
    den = den.where(den != 0)
    return (numerator.astype("float64") * factor / den).astype("float64")


def input_status(status: pd.DataFrame, variables: Iterable[str]) -> pd.Series:
    """Combined status per row: 'geheim' if any input is secret, else 'ontbreekt' if any is missing."""
    return pd.Series(_input_status(status, list(variables)), index=status.index, dtype=object)


def _input_status(status: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """:func:`input_status` as an object array (column by column: no copy of the wide frame)."""
    n = len(status)
    not_ok = np.zeros(n, dtype=bool)
    secret = np.zeros(n, dtype=bool)
    for c in cols:
        if c not in status.columns:
            not_ok[:] = True
            continue
        a = status[c].to_numpy()
        not_ok |= a != "ok"  # NaN (unknown) is not 'ok' either
        secret |= a == "geheim"
    out = np.full(n, "ok", dtype=object)
    out[not_ok] = "ontbreekt"
    out[secret] = "geheim"
    return out


def _any_missing(values: pd.DataFrame, cols: Iterable[str]) -> np.ndarray:
    """Per row: any of ``cols`` is NaN."""
    out = np.zeros(len(values), dtype=bool)
    for c in cols:
        out |= pd.isna(values[c].to_numpy())
    return out


def check_columns(ind_id: str, frame: pd.DataFrame, variables: Iterable[str]) -> None:
    """Raise :class:`MissingVariableError` naming every absent column."""
    missing = [v for v in variables if v not in frame.columns]
    if missing:
        raise MissingVariableError(
            f"Indicator '{ind_id}' mist variabele(n) {', '.join(missing)} in de invoer "
            f"(aanwezig: {', '.join(map(str, frame.columns)) or 'geen'})"
        )


def _clean(values: pd.Series, index: pd.Index) -> np.ndarray:
    """An indicator function's result on ``index`` as float64, NaN (not inf) where it divided by zero."""
    if isinstance(values, pd.Series) and (values.index is index or values.index.equals(index)):
        out = values.astype("float64").to_numpy(copy=True)
    else:
        out = pd.Series(values, index=index).astype("float64").to_numpy(copy=True)
    out[np.isinf(out)] = np.nan
    return out


def evaluate(
    ind: Indicator,
    values: pd.DataFrame,
    status: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compute ``ind`` for every row of ``values``.

    ``values`` is wide (rows = areas, columns = variables); ``status`` has the
    same shape with 'ok'/'geheim'/'ontbreekt' (default: 'ok' where a value is
    present, 'ontbreekt' elsewhere). Returns a frame on the same index with
    ``waarde``, ``status`` and ``note``. Neither input is modified.
    """
    check_columns(ind.id, values, ind.inputs)
    if status is None:
        status = pd.DataFrame(np.where(values.notna(), "ok", "ontbreekt"), index=values.index,
                              columns=values.columns)
    st = _input_status(status, list(ind.inputs))
    # A value CBS did publish but the store marked otherwise is not trusted, and vice versa.
    st[(st == "ok") & _any_missing(values, ind.inputs)] = "ontbreekt"
    ok = st == "ok"
    val = np.where(ok, _clean(ind.compute(values), values.index), np.nan)
    note = np.full(len(values), "", dtype=object)

    if ind.fallback is not None:
        fb = ind.fallback
        need = ~ok
        if need.any() and all(v in values.columns for v in fb.variables):
            fst = _input_status(status, list(fb.variables))
            fst[_any_missing(values, fb.variables)] = "ontbreekt"
            use = need & (fst == "ok")
            if use.any():
                fval = _clean(fb.compute(values), values.index)
                val = np.where(use, fval, val)
                st[use] = "ok"
                note[use] = fb.note

    den = ind.denominator_of(values) if all(v in values.columns for v in ind.denominator) else None
    if den is not None:
        d = den.to_numpy(dtype=float)
        plain = (st == "ok") & (note == "")
        val = np.where(plain & (d == 0), np.nan, val)
        small = plain & (d < ind.min_denominator)
        st[small] = "onbetrouwbaar"
        if small.any():
            # Dutch decimal comma: this note is shown to users as is.
            words = den[small].round(1).astype(str).str.removesuffix(".0").str.replace(".", ",")
            note[small] = ("noemer " + words + f" is kleiner dan {ind.min_denominator:g}").to_numpy()
    # Object columns, as before (pandas 3 would infer its string dtype from plain arrays).
    return pd.DataFrame({"waarde": val, "status": pd.Series(st, index=values.index, dtype=object),
                         "note": pd.Series(note, index=values.index, dtype=object)}, index=values.index)


def missing_metadata(registry: Mapping[str, Indicator] | None = None) -> list[str]:
    """Problems in the metadata of all registered indicators (used by a test)."""
    reg = REGISTRY if registry is None else registry
    return [p for ind in reg.values() for p in ind.problems()]
