"""dashboard.theme: palettes and the one accent colour."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard import theme


def test_palette_worse_is_darker_whatever_the_direction():
    up = theme.palette("hoger is slechter", 5)
    down = theme.palette("hoger is beter", 5)
    assert up == down[::-1]  # for 'hoger is beter' the lowest class gets the darkest colour
    assert theme.palette("neutraal", 5) != up


def test_css_and_python_use_the_one_accent_colour():
    """style.css cannot import Python: its brand colour must equal theme.ACCENT, and nothing spells another."""
    root = Path(__file__).resolve().parent.parent
    css = (root / "assets" / "style.css").read_text(encoding="utf-8")
    assert re.search(r"--kleur-merk:\s*(#[0-9a-fA-F]{6})", css).group(1).lower() == theme.ACCENT
    old = ("#1f4e79", "1F4E79", "(31, 78, 121)")
    for path in [*(root / "dashboard").glob("*.py"), *(root / "pages").rglob("*.py"), *(root / "assets").glob("*.css")]:
        text = path.read_text(encoding="utf-8")
        assert not any(o in text for o in old), path
        if path.suffix == ".py" and path.name != "theme.py":
            assert theme.ACCENT not in text, f"{path}: use theme.ACCENT"


def test_rgb_of_the_accent():
    assert theme.rgb(theme.ACCENT) == (23, 63, 107)
