"""The indicator catalogue (docs/indicatoren.md), generated from the registry.

``python -m indicators.catalogue`` rewrites the file; a test fails when the
committed file differs from :func:`render`, so the docs cannot drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dorpenmonitor.settings import PROJECT_ROOT
from indicators.aggregate import MIN_COVERAGE, WEIGHTS
from indicators.registry import REGISTRY, THEMES, Indicator

DEFAULT_PATH = PROJECT_ROOT / "docs" / "indicatoren.md"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _entry(ind: Indicator) -> list[str]:
    lines = [
        f"### {ind.title} (`{ind.id}`)",
        "",
        ind.description,
        "",
        "| | |",
        "|---|---|",
        f"| Formule | {_cell(ind.formula)} |",
        f"| Eenheid | {_cell(ind.unit)} |",
        f"| Teller | {', '.join(f'`{v}`' for v in ind.numerator)} |",
        f"| Noemer | {', '.join(f'`{v}`' for v in ind.denominator) or '–'} |",
        f"| Bronnen (CBS-tabellen) | {', '.join(ind.sources)} |",
        f"| Richting | {ind.direction} |",
        f"| Decimalen | {ind.decimals} |" if ind.decimals >= 0
        else f"| Afgerond op | {10 ** -ind.decimals:,} (zo nauwkeurig als CBS publiceert) |".replace(",", "."),
        f"| Minimale noemer | {ind.min_denominator:g} (daaronder status 'onbetrouwbaar') |"
        if ind.min_denominator else "| Minimale noemer | – |",
        f"| Samenvoegen tot dorpen/Drenthe | {ind.aggregation_label} |",
    ]
    if ind.fallback is not None:
        fb_vars = ", ".join(f"`{v}`" for v in ind.fallback.variables)
        lines.append(f"| Terugval | {fb_vars}: {_cell(ind.fallback.note)} |")
    if ind.caveat:
        lines.append(f"| Kanttekening | {_cell(ind.caveat)} |")
    return [*lines, ""]


def render() -> str:
    """The catalogue as Markdown (deterministic: registry order within each theme)."""
    out = [
        "# Indicatoren van de Dorpenmonitor",
        "",
        "<!-- Gegenereerd door `python -m indicators.catalogue`; niet met de hand bewerken. -->",
        "",
        f"{len(REGISTRY)} indicatoren in {len(THEMES)} thema's. Waarden per buurt, wijk en gemeente zijn die van "
        "CBS (of herberekend uit CBS-aantallen); dorpen, Drenthe (12 gemeenten) en het monitortotaal (13 "
        "gemeenten) worden samengevoegd volgens de regel per indicator: aantallen opgeteld, verhoudingen "
        "herberekend uit opgetelde tellers en noemers, gemiddelden gewogen naar hun basis.",
        "",
        "Statussen: `ok`; `geheim` (CBS houdt een invoer geheim); `ontbreekt` (niet gepubliceerd of niet in de "
        "gegevens); `onbetrouwbaar` (noemer onder het minimum, of een samenvoeging die minder dan "
        f"{MIN_COVERAGE:.0%} van de inwoners dekt). Een samenvoeging rekent met de gebieden waar alle invoer "
        "bekend is en vermeldt de dekking (\"op basis van 94% van de inwoners\").",
        "",
        "Gewichten bij het samenvoegen van gemiddelden en percentages (tweede gewicht = vervanger waar het "
        "eerste per gebied ontbreekt):",
        "",
        "| Variabele | Gewicht |",
        "|---|---|",
        *[f"| `{v}` | {' → '.join(f'`{w}`' for w in ws)} |" for v, ws in sorted(WEIGHTS.items())],
        "",
    ]
    for theme in THEMES:
        inds = [i for i in REGISTRY.values() if i.theme == theme]
        out += [f"## {theme[0].upper()}{theme[1:]}", ""]
        out += [f"- [{i.title}](#{i.id})" for i in inds]
        out.append("")
        for i in inds:
            out += _entry(i)
    return "\n".join(out).rstrip() + "\n"


def write(path: str | Path | None = None) -> Path:
    """Write the catalogue to ``path`` (default docs/indicatoren.md); returns the path."""
    p = Path(path) if path is not None else DEFAULT_PATH
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render(), encoding="utf-8")
    return p


if __name__ == "__main__":  # pragma: no cover
    print(write(sys.argv[1] if len(sys.argv) > 1 else None))
