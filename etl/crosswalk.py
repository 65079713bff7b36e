"""The curated KWB crosswalk: harmonised variables → each table's column keys.

CBS gives every Kerncijfers-wijken-en-buurten (KWB) table its own column keys
(``AantalInwoners_5`` in 2024, other suffixes in other years), and titles are
cut at 40 characters, so keys cannot be derived mechanically. Each harmonised
variable lists the key *stems* it is known under in :mod:`dorpenmonitor.catalogue`
(``kwb`` keeps the checked 2024 key for the republished extracts); :mod:`etl.resolve`
matches them, plus curated renames, against each table's own DataProperties at
load time.
"""

from __future__ import annotations

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
