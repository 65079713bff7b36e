"""indicators.glossary: one plain-Dutch sentence per registry indicator."""

from __future__ import annotations

from indicators import REGISTRY
from indicators.glossary import PLAIN, plain


def test_every_registry_indicator_has_one_plain_sentence():
    assert set(PLAIN) == set(REGISTRY), (set(REGISTRY) - set(PLAIN), set(PLAIN) - set(REGISTRY))
    for key, text in PLAIN.items():
        assert text.endswith(".") and text[0].isupper(), key
        assert len(text) < 200, key  # one sentence, readable in a tooltip
    assert plain("grijze_druk") == "Het aantal 65-plussers per 100 inwoners van 15 tot 65 jaar."
    assert plain("bestaat_niet") == ""
