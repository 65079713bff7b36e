"""The harmonised variable catalogue (core): unique keys, known themes and kinds, table rows."""

from __future__ import annotations

import json

from dorpenmonitor.catalogue import BY_KEY, KWB_VARIABLES, THEMES, VARIABLES, variable_rows

KINDS = {"count", "mean", "pct", "code", "distance"}


def test_keys_unique_and_indexed():
    assert len(BY_KEY) == len(VARIABLES)
    assert BY_KEY["inwoners"].required and BY_KEY["inwoners"].kwb[2024] == "AantalInwoners_5"


def test_every_variable_has_a_known_theme_and_kind():
    assert {v.theme for v in VARIABLES} <= set(THEMES)
    assert {v.kind for v in VARIABLES} <= KINDS


def test_kwb_variables_are_those_with_stems():
    assert {v.key for v in KWB_VARIABLES} == {v.key for v in VARIABLES if v.stems}
    assert "misdrijven" not in {v.key for v in KWB_VARIABLES}  # not a KWB column
    # A checked key gives its stem unless stems are given explicitly.
    assert BY_KEY["mannen"].stems == ("Mannen",)


def test_variable_rows_carry_source_keys_as_json():
    rows = {r["key"]: r for r in variable_rows()}
    assert len(rows) == len(VARIABLES)
    assert json.loads(rows["inwoners"]["source_keys"]) == {"2024": "AantalInwoners_5"}
