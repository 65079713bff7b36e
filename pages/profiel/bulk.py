"""Briefings from the command line: one area to a file, or every area of a level in a gemeente to a folder.

``dorpenmonitor profiel CODE --pdf FILE`` / ``--xlsx FILE`` and
``dorpenmonitor profiel --gemeente GM0114 --niveau dorp --map DIR``; ``cli.py``
only parses the arguments and calls :func:`main`. Exit codes: 0 done,
2 bad input (unknown code, gemeente or level) with a Dutch message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from dashboard import data
from dashboard.formatting import level_word
from dashboard.links import resolve_code
from dorpenmonitor.settings import GEMEENTEN
from pages.profiel import export

NIVEAUS: tuple[str, ...] = ("dorp", "buurt", "wijk", "gemeente")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The subcommand's options (Dutch help, as the rest of the CLI)."""
    p.add_argument("code", nargs="?", help="gebiedscode, bv. DP0114_nieuw-amsterdam, BU01060000 of GM0114")
    p.add_argument("--pdf", metavar="BESTAND", help="schrijf de briefing als PDF")
    p.add_argument("--xlsx", metavar="BESTAND", help="schrijf de cijfers als Excel")
    p.add_argument("--gemeente", help="GM-code: alle gebieden van --niveau in deze gemeente")
    p.add_argument("--niveau", choices=NIVEAUS, default="dorp", help="niveau voor --gemeente (standaard dorp)")
    p.add_argument("--map", metavar="MAP", help="map voor één PDF per gebied (met --gemeente)")


def _fail(msg: str) -> int:
    print(f"Fout: {msg}", file=sys.stderr)
    return 2


def write_one(code: str, pdf: str | None, xlsx: str | None) -> list[Path]:
    """Write the PDF and/or Excel of ``code`` (already resolved); returns the files written."""
    written = []
    for target, as_pdf in ((pdf, True), (xlsx, False)):
        if not target:
            continue
        d = export.profile_download(code, as_pdf)
        if d is None:
            continue
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(d.content)
        written.append(path)
    return written


def codes_in(gemeente: str, niveau: str) -> list[str]:
    """Codes of every area of ``niveau`` in ``gemeente``, by name."""
    df = data.areas()
    sub = df[(df["niveau"] == niveau) & (df["gemeente_code"] == gemeente)].sort_values("naam")
    return sub["code"].astype(str).tolist()


def main(args: argparse.Namespace) -> int:
    """Run the subcommand; see the module docstring."""
    if args.gemeente:
        gm = args.gemeente.strip().upper()
        if gm not in GEMEENTEN:
            return _fail(f"gemeente '{args.gemeente}' zit niet in de monitor. Kies uit: {', '.join(GEMEENTEN)}.")
        if not args.map:
            return _fail("geef met --map een map op voor de briefings.")
        codes = codes_in(gm, args.niveau)
        if not codes:
            return _fail(f"geen {level_word(args.niveau, plural=True)} gevonden in {GEMEENTEN[gm]}.")
        out = Path(args.map)
        out.mkdir(parents=True, exist_ok=True)
        for code in tqdm(codes, desc=f"Briefings {GEMEENTEN[gm]}", unit=level_word(args.niveau)):
            d = export.profile_download(code, True)
            if d is not None:
                (out / d.filename).write_bytes(d.content)
        print(f"{len(codes)} briefings geschreven naar {out}.")
        return 0
    if not args.code:
        return _fail("geef een gebiedscode (bv. DP0114_nieuw-amsterdam) of --gemeente met --map.")
    code = resolve_code(args.code, data.area_index())
    if code is None:
        return _fail(f"gebied '{args.code}' bestaat niet in de Dorpenmonitor. Zoek de code op in het dashboard "
                     "(Gebiedsprofiel) of gebruik een GM-, WK-, BU- of DP-code.")
    if not args.pdf and not args.xlsx:
        return _fail("geef --pdf BESTAND en/of --xlsx BESTAND.")
    for path in write_one(code, args.pdf, args.xlsx):
        print(f"Geschreven: {path}")
    return 0
