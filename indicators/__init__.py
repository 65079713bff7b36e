"""Indicators of the Dorpenmonitor: registry, computation, villages and the API the dashboard calls.

Stable public API (names and signatures are relied on by the dashboard and CLI):

Registry
    ``indicators.REGISTRY``: ``dict[id, Indicator]`` of every indicator (frozen records with
    id, title, description, formula, unit, theme, numerator, denominator, sources, direction,
    decimals, min_denominator, aggregation, caveat; ``compute`` is the pure function).
    ``indicators.get(id) -> Indicator`` (KeyError with the valid ids, in Dutch).
    ``indicators.THEMES``: the five themes in display order.

Values (``indicators.service.IndicatorService(store)``; ``niveau`` is 'gemeente', 'wijk', 'buurt' or 'dorp')
    One instance per loaded database owns the store and every cache; after a reload build a new one.
    ``compute(niveau, jaar, indicator_ids=None, gemeente=None) -> DataFrame``
        tidy: code, naam, niveau, jaar, indicator, waarde, eenheid, status
        ('ok', 'geheim', 'ontbreekt', 'onbetrouwbaar'), note, dekking, gemeente_code,
        rank_in_gemeente.
    ``values(indicator_id, niveau, jaar, gemeente=None) -> DataFrame``
        code, naam, gemeente_code, waarde, status, rank_in_gemeente (1 = highest), note, dekking.
    ``trend(indicator_id, codes) -> DataFrame``
        code, naam, jaar, waarde, status, bron (CBS table ids), breuk (bool), note.
    ``benchmarks(indicator_id, code, jaar) -> Benchmark``
        the value with its gemeente, Drenthe (12), monitor (13), rank and comparable areas.
    ``years(indicator_id, niveau) -> list[int]``; ``source_tables(indicator_id, niveau, jaar)``;
    ``benchmark_series(indicator_id, code)``
    ``export_rows(niveau, jaar, indicator_ids=None, gemeente=None) -> Iterator[tuple]``
        the export's rows (``EXPORT_COLUMNS``; niveau also 'provincie'/'monitor'), streamed without
        pandas; ``export_frame`` (same arguments) as a DataFrame.
    ``areas() -> DataFrame`` code, naam, niveau, gemeente_code, gemeente_naam (incl. dorpen).
    ``villages() -> list[Village]``.

Other entry points
    ``indicators.export.main(args) -> int``: body of ``dorpenmonitor export``.
    ``indicators.catalogue.write(path=None)``: regenerate docs/indicatoren.md.
"""

from indicators import definitions as _definitions  # noqa: F401  (importing registers every indicator)
from indicators.registry import REGISTRY, THEMES, Indicator, get

__all__ = ["REGISTRY", "THEMES", "Indicator", "get"]
