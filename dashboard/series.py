"""Rules for drawing a series over the years, shared by every chart that draws a line (Trends, the profile's
page chart and sparklines, the PDF chart and sparklines), so no two of them can disagree.

Pure module (no data, no Dash). A point is ``(jaar, waarde, breuk)``; ``breuk`` true when the value is not
comparable with the one before (another division, source, measure or period).

* :func:`connects` — the one rule: a line joins two points only in consecutive years without a break;
* :func:`runs` / :func:`line_points` / :func:`break_years` — that rule in the shapes the charts need;
* :data:`PARTIAL_PERIODS`, :func:`period_label`, :func:`period_break_reason`, :func:`partial_period_note` —
  a "year" that is not a calendar year (the police's newest figure: the 12 months up to the republication's
  reference month), named the same way on every page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dorpenmonitor.breaks import CRIME_PERIOD_END, PERIOD_CHANGES

Point = tuple[int, float, bool]

#: Police figures: the newest "year" is the 12 months up to the republication's reference month
#: (etl/sources.py, source 47022NED@woonikveilig; tests/test_briefing_pdf.py checks the two agree).
CRIME_INDICATORS: tuple[str, ...] = ("misdrijven", "misdrijven_per_1000")
#: The fact itself lives with the other series breaks (the cube marks it too).
CRIME_PARTIAL_YEAR = next(p.jaar for p in PERIOD_CHANGES if p.variable == "misdrijven")
#: indicator → (the year that is not a calendar year, the end of the 12 months it covers).
PARTIAL_PERIODS: dict[str, tuple[int, str]] = {i: (CRIME_PARTIAL_YEAR, CRIME_PERIOD_END) for i in CRIME_INDICATORS}


def connects(prev: Point, cur: Point) -> bool:
    """Whether a line may join two points of a series: consecutive years and no series break at ``cur``
    (a line never crosses a missing year or a break; every chart and sparkline asks this)."""
    return not cur[2] and cur[0] - prev[0] == 1


def runs(years: Sequence[int], breuk: Sequence[bool]) -> list[list[int]]:
    """Positions of the unbroken runs (points joined by :func:`connects`); one line is drawn per run."""
    out: list[list[int]] = []
    for j, yr in enumerate(years):
        if out and connects((years[j - 1], 0.0, False), (yr, 0.0, bool(breuk[j]))):
            out[-1].append(j)
        else:
            out.append([j])
    return out


def line_points(points: Sequence[Point]) -> tuple[list[int | None], list[float | None]]:
    """x and y of a series line, with None where the line must stop (see :func:`connects`)."""
    xs: list[int | None] = []
    ys: list[float | None] = []
    for i, (jaar, waarde, _) in enumerate(points):
        if i and not connects(points[i - 1], points[i]):
            xs.append(None)
            ys.append(None)
        xs.append(jaar)
        ys.append(waarde)
    return xs, ys


def break_years(points: Sequence[Point]) -> list[int]:
    """Years in which a series breaks (not comparable with the year before); the first point never does."""
    return [jaar for jaar, _, breuk in points[1:] if breuk]


def period_label(indicator: str, jaar: int | None, short: bool = False) -> str:
    """'2024', or for a year that is not a calendar year '2025*' (short) / '12 maanden tot juli 2026'."""
    if jaar is None:
        return ""
    partial = PARTIAL_PERIODS.get(indicator)
    if partial and jaar == partial[0]:
        return f"{jaar}*" if short else f"12 maanden tot {partial[1]}"
    return str(jaar)


def period_break_reason(indicator: str, jaar: int) -> str:
    """Why ``jaar`` does not compare with the year before because it covers another period; '' if it does."""
    partial = PARTIAL_PERIODS.get(indicator)
    if partial and jaar == partial[0]:
        return f"andere periode: {period_label(indicator, jaar)}"
    return ""


def partial_period_note(indicator: str, years: Iterable[int]) -> str:
    """'* Politiecijfers 2025: de 12 maanden tot juli 2026 …' when ``years`` hold ``indicator``'s partial
    period; '' otherwise. The one text Profiel and Trends show."""
    partial = PARTIAL_PERIODS.get(indicator)
    if not partial or partial[0] not in {int(y) for y in years}:
        return ""
    return (f"* Politiecijfers {partial[0]}: de 12 maanden tot {partial[1]} (peildatum van de herpublicatie), "
            "geen afgesloten kalenderjaar.")
