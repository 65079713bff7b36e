"""The curated KWB crosswalk: harmonised variables → each table's column keys.

CBS gives every Kerncijfers-wijken-en-buurten (KWB) table its own column keys
(``AantalInwoners_5`` in 2024, other suffixes in other years), and titles are
cut at 40 characters, so keys cannot be derived mechanically. Each harmonised
variable lists the exact key per year where it was checked, and otherwise the
key *stems* it is known under; a stem must match exactly one key of the
table's DataProperties, or the load fails naming table and key (schema drift).
The variables and their keys are recorded in :mod:`dorpenmonitor.catalogue`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dorpenmonitor.catalogue import KWB_VARIABLES

#: KWB table id per year (CBS-NOTES; 2024 checked against the recorded DataProperties).
KWB_TABLES: dict[int, str] = {
    2013: "82339NED",
    2014: "82931NED",
    2015: "83220NED",
    2016: "83487NED",
    2017: "83765NED",
    2018: "84286NED",
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
    2025: "86165NED",
}


class SchemaDriftError(RuntimeError):
    """A CBS table's columns no longer match the curated crosswalk."""


def _stem(key: str) -> str:
    return re.sub(r"_\d+$", "", key)


def resolve_kwb_keys(table_id: str, year: int, available: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Map harmonised variables to this table's column keys.

    ``available`` are the ``Key`` values of the table's DataProperties (Topics).
    Returns ``({harmonised: key}, warnings)``. Raises :class:`SchemaDriftError`
    when a checked key is gone, a required variable has no key, or a stem is
    ambiguous.
    """
    keys = list(available)
    keyset = set(keys)
    by_stem: dict[str, list[str]] = {}
    for k in keys:
        by_stem.setdefault(_stem(k), []).append(k)
    mapping: dict[str, str] = {}
    warnings: list[str] = []
    for var in KWB_VARIABLES:
        exact = var.kwb.get(year)
        if exact is not None:
            if exact not in keyset:
                raise SchemaDriftError(
                    f"Tabel {table_id} ({year}): kolom '{exact}' voor variabele '{var.key}' ontbreekt "
                    f"(schemawijziging bij CBS?); pas dorpenmonitor/catalogue.py aan na controle van DataProperties."
                )
            mapping[var.key] = exact
            continue
        hits = [k for s in var.stems for k in by_stem.get(s, [])]
        if len(hits) == 1:
            mapping[var.key] = hits[0]
        elif len(hits) > 1:
            raise SchemaDriftError(
                f"Tabel {table_id} ({year}): variabele '{var.key}' is dubbelzinnig ({', '.join(hits)}); "
                f"leg de sleutel voor {year} vast in dorpenmonitor/catalogue.py."
            )
        elif var.required:
            raise SchemaDriftError(
                f"Tabel {table_id} ({year}): verplichte variabele '{var.key}' niet gevonden "
                f"(gezocht: {', '.join(var.stems)})."
            )
        else:
            warnings.append(f"{table_id} ({year}): '{var.key}' niet in deze tabel")
    return mapping, warnings
