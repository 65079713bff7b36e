"""Text helpers (core): one spelling rule for matching names and for slugs."""

from __future__ import annotations

from dorpenmonitor.text import norm, slug


def test_norm_drops_accents_case_and_punctuation():
    assert norm("  Nieuw-Amsterdam ") == "nieuw amsterdam"
    assert norm("Eext/Annerveenschekanaal") == "eext annerveenschekanaal"
    assert norm("Ruinerwold ’t Veld") == "ruinerwold t veld"


def test_slug_is_url_safe():
    assert slug("Nieuw-Amsterdam") == "nieuw-amsterdam"
    assert slug("Café De Wijk") == "cafe-de-wijk"
    assert slug("") == ""
