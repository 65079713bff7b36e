"""``dorpenmonitor export``: indicator values as CSV.

The lead's console script calls :func:`main` with the arguments after
``export``. Output: UTF-8, comma-separated, with a header; the tidy columns
of :meth:`indicators.service.IndicatorService.compute` plus ``breuk`` (ja/nee)
and ``omrekening`` (:meth:`~indicators.service.IndicatorService.export_rows`), written row by row with
the csv module: no pandas (issue 11: one level and year of 15,000 buurten in a few seconds).
Levels include ``provincie`` (Drenthe) and ``monitor`` (the 13 gemeenten),
whose incomplete totals have status ``onvolledig``. Invalid choices end with
exit code 2 and a Dutch message on stderr that names the valid choices.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

import sqlalchemy as sa

from dorpenmonitor.settings import GEMEENTEN, get_settings
from dorpenmonitor.store import Store, database_problem, sqlite_path
from indicators.registry import REGISTRY
from indicators.service import EXPORT_COLUMNS, EXPORT_LEVELS, EXPORT_NIVEAUS, CubeMissingError, IndicatorService

COLUMNS = EXPORT_COLUMNS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors, in Dutch where we can
        self.print_usage(sys.stderr)
        self.exit(2, f"dorpenmonitor export: fout: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="dorpenmonitor export", description="Exporteer indicatoren als CSV (UTF-8, komma).")
    p.add_argument("--niveau", required=True,
                   help=f"een van: {', '.join(EXPORT_NIVEAUS)} (provincie: Drenthe, monitor: de 13 gemeenten)")
    p.add_argument("--jaar", required=True, type=int, help="peiljaar, bijvoorbeeld 2024")
    p.add_argument("--indicator", action="append", dest="indicators", metavar="ID",
                   help="indicator-id (herhaalbaar); standaard alle")
    p.add_argument("--gemeente", help="alleen deze gemeente, bijvoorbeeld GM0114")
    p.add_argument("--output", "-o", help="uitvoerbestand; standaard stdout")
    p.add_argument("--database", help="database-URL; standaard de ingestelde database")
    return p


def write_csv(out: TextIO, rows: Iterable[Sequence]) -> None:
    """The header and ``rows`` (:meth:`~indicators.service.IndicatorService.export_rows`) as CSV.

    The csv module's writer with the dialect pandas' ``to_csv`` used before (comma, minimal quoting,
    ``"`` doubled, ``\\n``): names with a comma or quote are quoted, None is an empty field, a float is
    written as its ``repr`` (what ``to_csv`` wrote for a float column). Streams: no frame of the level.
    """
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerows(rows)


def _fail(message: str) -> int:
    print(f"dorpenmonitor export: {message}", file=sys.stderr)
    return 2


def main(args: Sequence[str] | None = None) -> int:
    """Run the export; returns the exit code (0 ok, 2 invalid choice)."""
    ns = build_parser().parse_args(list(args) if args is not None else None)
    if ns.niveau not in EXPORT_NIVEAUS:
        return _fail(f"onbekend niveau '{ns.niveau}'. Kies uit: {', '.join(EXPORT_NIVEAUS)}")
    ids = ns.indicators or list(REGISTRY)
    unknown = [i for i in ids if i not in REGISTRY]
    if unknown:
        return _fail(f"onbekende indicator(en) {', '.join(unknown)}. Kies uit: {', '.join(REGISTRY)}")
    if ns.gemeente is not None and ns.gemeente.upper() not in GEMEENTEN:
        return _fail(f"onbekende gemeente '{ns.gemeente}'. Kies uit: "
                     + ", ".join(f"{c} ({n})" for c, n in GEMEENTEN.items()))
    gemeente = ns.gemeente.upper() if ns.gemeente else None
    url = ns.database or get_settings().database_url
    path = sqlite_path(url)
    if path is not None and not path.exists():  # SQLite would create an empty database there
        return _fail(f"database niet gevonden: {path}. Laad eerst gegevens (dorpenmonitor etl load-snapshot) "
                     "of kies een andere met --database.")
    service = IndicatorService(Store(url, create=False))
    try:
        return _export(ns, service, ids, gemeente)
    except sa.exc.DBAPIError as exc:  # server away, wrong password, a broken file: one line, no traceback
        print(f"dorpenmonitor export: {database_problem(url, exc, option='--database')}", file=sys.stderr)
        return 1


def _export(ns: argparse.Namespace, service: IndicatorService, ids: list[str], gemeente: str | None) -> int:
    try:
        # Drenthe and the monitor total exist in every year their gemeenten have figures.
        years_level = "gemeente" if ns.niveau in EXPORT_LEVELS else ns.niveau
        available = sorted({y for i in ids for y in service.years(i, years_level)})
    except CubeMissingError as exc:
        print(f"dorpenmonitor export: {exc}", file=sys.stderr)
        return 1
    if ns.jaar not in available:
        keuze = ", ".join(map(str, available)) or "geen"
        return _fail(f"geen gegevens voor jaar {ns.jaar} op niveau {ns.niveau} voor de gekozen indicator(en). "
                     f"Kies uit: {keuze}")
    rows = service.export_rows(ns.niveau, ns.jaar, ids, gemeente)
    if ns.output:
        try:
            out = open(ns.output, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        except OSError as exc:
            return _fail(f"kan '{ns.output}' niet schrijven: {exc.strerror or exc}")
        with out:
            write_csv(out, rows)
        return 0
    try:
        write_csv(sys.stdout, rows)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): no traceback, and none at exit when Python flushes stdout again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
