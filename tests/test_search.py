"""Issue 10: the area search tolerates typos and finds areas by postcode (dashboard/search.py)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("typed, first", [("Giten", "Gieten (dorp"), ("gaselte", "Gasselte (dorp"),
                                          ("Anen", "Annen (dorp"), ("nieuw-amsterdm", "Nieuw-Amsterdam (dorp")])
def test_typos_find_the_village_first(app, typed, first):
    from dashboard import search

    hits = search.search(typed)
    assert hits and hits[0]["label"].startswith(first), [h["label"] for h in hits[:5]]
    # The browser's own filter must keep what the server found: the typed text is in each option's search text.
    assert all(typed in h["search"] for h in hits)


def test_postcode_finds_buurten_and_their_village(app):
    from dashboard import data, search

    pcs = search.postcodes()
    assert len([c for c in pcs if c.startswith("BU")]) >= 480  # KWB 2024 MeestVoorkomendePostcode in the snapshot
    hits = search.search("9401")
    labels = [h["label"] for h in hits]
    assert labels[0] == "Assen (dorp, Assen)" and any("(buurt, Assen)" in lab for lab in labels)
    assert search.search("9401 AB")[0]["value"] == hits[0]["value"]
    assert search.search("0000") == [] and search.search("xyzzy") == []
    full = {o["value"]: o for o in search.options()}
    brink = data.values("inwoners", "buurt", 2024)
    code = brink.loc[brink["naam"] == "Brinkkwartier", "code"].iloc[0]
    assert "9401" in full[code]["search"]


def test_navbar_search_is_served_by_the_server(app):
    from dashboard import layout

    fn = getattr(layout.search_areas, "__wrapped__", layout.search_areas)
    assert fn("Giten")[0]["value"].startswith("DP")
    from dash import no_update

    assert fn("") is no_update
