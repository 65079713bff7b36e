"""dashboard.formatting: Dutch numbers, units, level and status words."""

from __future__ import annotations

from dashboard import formatting as fm
from pages.kaart import figures


class Meta:
    id = "x"
    title = "Testindicator"
    unit = "%"
    direction = "hoger is slechter"
    decimals = 1
    sources = ("85984NED",)


def test_fmt_number_is_dutch():
    assert fm.fmt_number(1234.5, 1) == "1.234,5"
    assert fm.fmt_number(float("nan")) == "–"
    assert fm.fmt_value(12.34, Meta()) == "12,3%"


def test_formatting_writes_every_unit_the_same_way_everywhere():
    from dashboard import formatting as fm
    from indicators import REGISTRY

    class M:
        def __init__(self, unit, decimals=1):
            self.unit, self.decimals = unit, decimals

    assert fm.fmt_value(1.234, M("km")) == "1,2 km"
    assert fm.fmt_value(28.06, M("%")) == "28,1%"
    assert fm.fmt_value(312000, M("euro", 0)) == "€ 312.000"
    assert fm.fmt_value(312, M("× 1.000 euro", 0)) == "312 (× 1.000 euro)"
    assert fm.fmt_value(0.22, M("score", 3)) == "0,220" and fm.fmt_value(3, M("aantal", 0)) == "3"
    assert fm.fmt_value(1.234, M("km"), unit=False) == "1,2" and fm.fmt_value(None, M("km")) == "–"
    assert fm.fmt_short(1.234, M("km")) == "1,2" and fm.unit_label(M("km")) == "km"
    assert fm.fmt_short(28.06, M("%")) == "28,1%" and fm.unit_label(M("%")) == ""
    assert fm.fmt_pct(28.4) == "28%" and fm.fmt_pct(None) == ""
    assert fm.slug("Nieuw-Amsterdam") == "nieuw-amsterdam" and fm.slug("") == "export"
    # The map's hover template puts the same text around the number as fmt_value, for every unit in use.
    for ind in REGISTRY.values():
        before, after = fm.unit_affixes(ind.unit)
        assert fm.fmt_value(1, ind).startswith(before) and fm.fmt_value(1, ind).endswith(after)
        assert figures.value_template(ind) == f"{before}%{{z:,.{max(ind.decimals, 0)}f}}{after}".replace("<", "&lt;")


def test_level_words_come_from_one_table():
    from dashboard.formatting import level_word
    from pages.kaart.state import NIVEAUS

    assert level_word("buurt") == "buurt" and level_word("dorp", plural=True) == "dorpen"
    assert level_word("gemeente", plural=True, capital=True) == "Gemeenten" and level_word("x") == "x"
    assert NIVEAUS == {"gemeente": "Gemeenten", "wijk": "Wijken", "buurt": "Buurten"}


def test_status_words_come_from_the_core_table():
    from dorpenmonitor.codes import STATUS_WORDS

    assert fm.status_word("geheim") == STATUS_WORDS["geheim"] == "geheim (CBS)"
    assert fm.status_word("geheim", short=True) == "geheim"
    assert fm.status_word("ontbreekt", short=True) == "geen gegevens"
    assert fm.status_word("ok") == ""


def test_to_float_and_tables_label():
    assert fm.to_float("1.5") == 1.5 and fm.to_float(float("nan")) is None and fm.to_float("x") is None
    assert fm.tables_label(["85984NED@2024", "85984NED", "85318NED"]) == "CBS 85984NED, 85318NED"
    assert fm.tables_label([]) == "CBS"


def test_years_text_writes_runs_as_ranges():
    """'Drenthe is niet getekend in 1997, 1998, 1999, 2000, 2001, 2002, 2003' read as a list to count through."""
    assert fm.years_text([2003, 1997, 1998, 1999, 2000, 2001, 2002]) == "1997–2003"
    assert fm.years_text([1997, 1998, 2005]) == "1997, 1998 en 2005"  # two years are no range
    assert fm.years_text([1997, 1998, 1999, 2005, 2008.0]) == "1997–1999, 2005 en 2008"
    assert fm.years_text([2020, 2020]) == "2020"


def test_fmt_date_is_dutch_in_amsterdams_day():
    assert fm.fmt_date("2026-11-27") == "27-11-2026"
    assert fm.fmt_date("2026-11-27T23:30:00+00:00") == "28-11-2026"  # 00:30 in Amsterdam
    assert fm.fmt_date("onbekend") == "onbekend"
