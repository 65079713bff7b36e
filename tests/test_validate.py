"""dashboard/validate.py: the input checks every callback starts with, and the bounded link parsing beside them."""

from __future__ import annotations

import time

import pytest

from dashboard import validate
from dashboard.links import first, parse_codes, split_list
from dashboard.validate import as_choice, as_dict, as_list, as_str, as_year, clip, dig

BIG = "x" * 10_000_000  # a 10 MB value, as in the crafted requests of issue 12


@pytest.mark.parametrize("value, expected", [
    ("GM0106", "GM0106"), ("  GM0106 ", "GM0106"), ("", None), ("   ", None), (None, None),
    (106, None), (1.5, None), (True, None), (["GM0106"], None), ({"a": 1}, None), ("x" * 201, None),
    ("x" * 200, "x" * 200),
])
def test_as_str_takes_short_text_only(value, expected):
    assert as_str(value) == expected


def test_as_str_notes_what_it_dropped_in_dutch():
    notes: list[str] = []
    assert as_str(BIG, notes=notes, what="code") is None
    assert as_str(None, notes=notes) is None  # nothing chosen is not an error
    assert notes == ["Ongeldige code is genegeerd."]


def test_as_list_never_splits_a_string_into_characters():
    assert as_list("GM0106", 8) == ["GM0106"]
    assert as_list("GM0106,GM0109", 8) == ["GM0106,GM0109"]  # the link parser splits commas, bounded
    assert as_list("x" * 50_000, 8) == []


@pytest.mark.parametrize("value", [None, 5, 1.5, True, {"a": 1}])
def test_as_list_of_a_non_list_is_empty(value):
    assert as_list(value, 8) == []


def test_as_list_drops_bad_items_keeps_order_and_duplicates_once():
    notes: list[str] = []
    got = as_list(["A", None, 3, {"x": 1}, ["B"], "x" * 300, " A ", "B"], 8, notes=notes, what="gebieden")
    assert got == ["A", "B"]
    assert notes == ["Ongeldige gebieden zijn genegeerd."]


def test_as_list_caps_before_looking_further_with_the_page_message():
    notes: list[str] = []
    assert as_list([f"BU{i:08d}" for i in range(5000)], 6, notes=notes, what="gebieden") == [
        f"BU{i:08d}" for i in range(6)]
    assert notes == ["Er kunnen hoogstens 6 gebieden tegelijk; de eerste 6 staan er."]
    assert as_list(["A"] * 5000, 6) == ["A"]  # only a bounded prefix is looked at, however long the list
    notes.clear()
    assert as_list(["A", "B"], 2, notes=notes) == ["A", "B"] and notes == []


def test_as_list_of_a_huge_list_costs_no_more_than_a_short_one():
    huge = [BIG] * 100_000
    start = time.perf_counter()
    for _ in range(100):
        as_list(huge, 8)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("value, expected", [
    ("buurt", "buurt"), ("abc", "gemeente"), (None, "gemeente"), (["buurt"], "gemeente"),
    ({"buurt": 1}, "gemeente"), (1, "gemeente"), (BIG, "gemeente"),
])
def test_as_choice_only_allowed_values_and_never_unhashable(value, expected):
    assert as_choice(value, {"gemeente": "Gemeenten", "buurt": "Buurten"}, "gemeente") == expected
    assert as_choice(value, ("gemeente", "buurt")) == (expected if expected == "buurt" else None)


@pytest.mark.parametrize("value, expected", [
    (2024, 2024), ("2024", 2024), (" 2024", None), ("2024.0", None), (2024.0, None), (True, None),
    (-1, None), (10**100, None), ("9" * 50_000, None), (None, None), ([2024], None), ({"j": 2024}, None),
])
def test_as_year(value, expected):
    assert as_year(value) == expected


def test_as_dict_keeps_known_keys_only():
    assert as_dict({"key": "buurt|2024", "x": 1}, ("key", "code")) == {"key": "buurt|2024"}
    assert as_dict({f"k{i}": i for i in range(100_000)}, ("key",)) == {}
    for bad in (None, "key", ["key"], 3):
        assert as_dict(bad, ("key",)) == {}


def test_dig_follows_the_shape_or_gives_none():
    click = {"points": [{"location": "BU01060000"}]}
    assert dig(click, "points", 0, "location") == "BU01060000"
    for bad in (None, "points", {"points": "x"}, {"points": []}, {"points": [["location"]]}, {"points": {0: 1}},
                [click]):
        assert dig(bad, "points", 0, "location") is None


def test_clip_bounds_what_a_message_echoes():
    assert clip("GM0106") == "GM0106"
    assert clip(BIG) == "x" * 40 + validate.ELLIPSIS


def test_link_values_are_clipped_and_lists_bounded():
    assert first(BIG) == "x" * validate.MAX_TEXT + validate.ELLIPSIS
    assert first(["a", "b"]) == "a" and first([]) is None and first("  ") is None
    assert split_list("a, b,,c", 8) == ["a", "b", "c"]
    assert split_list(["a,b", "c"], 8) == ["a", "b", "c"]
    assert split_list(",".join(["GM0106"] * 1_000_000), 8) == ["GM0106"] * 9  # limit + 1: "there were more"


def test_parse_codes_caps_unknown_codes_before_any_lookup():
    class Counting(dict):
        lookups = 0

        def __iter__(self):  # resolve_code's case-insensitive scan: counted per unknown code
            Counting.lookups += 1
            return super().__iter__()

    areas = Counting({"GM0106": ("Assen", "gemeente")})
    codes, msgs = parse_codes(",".join(f"X{i}" for i in range(5000)) + ",GM0106", areas, 8)
    assert codes == [] and Counting.lookups == 8
    assert msgs[0] == "Er kunnen hoogstens 8 gebieden tegelijk; de eerste 8 staan er."
    assert len(msgs) == 9
    codes, msgs = parse_codes("gm0106," + BIG, areas, 8)
    assert codes == ["GM0106"] and len(msgs[0]) < 100  # the 10 MB code is not echoed
