"""pages/over: sources, loads, coverage, catalogue and meta labels."""

from __future__ import annotations

import json

import pandas as pd


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json()
                      if hasattr(o, "to_plotly_json") else str(o), ensure_ascii=False)


def _meta_keys_written_by_the_loaders() -> set[str]:
    """The keys in every ``meta_rows={...}`` of the ETL (read from the source, so a new key cannot slip by)."""
    import re

    from dorpenmonitor.settings import PROJECT_ROOT

    keys: set[str] = set()
    for path in (PROJECT_ROOT / "etl").glob("*.py"):
        for block in re.findall(r"meta_rows=\{(.*?)\}", path.read_text(), flags=re.S):
            keys |= set(re.findall(r'"(\w+)"\s*:', block))
    return keys


def test_over_page_shows_sources_licence_dates_coverage_catalogue_boundaries(app):
    from indicators import REGISTRY
    from pages.over import page as over

    text = _text(over.layout())
    for needle in ("Bron: CBS", "CC BY 4.0", "85984NED", "dertje/cbs_datasets", "Momentopname gemaakt",
                   "Laadgeschiedenis", "Dekking per jaar en niveau", "Benaderd", "2024-benaderd", "Dorpen"):
        assert needle in text, needle
    assert all(ind.title in text for ind in REGISTRY.values())


def test_coverage_pivot_is_years_by_theme():
    from pages.over.about import coverage_pivot

    cov = pd.DataFrame({"level": ["wijk", "wijk", "buurt"], "period": [2022, 2024, 2024],
                        "theme": ["wonen", "demografie", "wonen"], "regions": [5, 7, 9], "geheim": [1, 0, 2]})
    piv = coverage_pivot(cov, "wijk", ("demografie", "wonen"))
    assert list(piv.columns) == ["Jaar", "Demografie", "Wonen", "Geheim (cijfers)"]
    assert piv.iloc[0].tolist() == [2024, 7, 0, 0]
    assert coverage_pivot(cov, "gemeente", ()).empty


def test_every_meta_key_has_a_dutch_label_or_is_hidden(app):
    # ``app``: importing a page registers it, which Dash allows only once an app exists (this test passed only
    # when an earlier test in the same worker had made one).
    from pages.over import page as over

    written = _meta_keys_written_by_the_loaders()
    assert {"snapshot_built", "snapshot_loaded", "data_origin", "snapshot_sha256", "last_refresh",
            "last_refresh_scope"} <= written
    assert written <= set(over.META_LABELS) | over.HIDDEN_META
    m = {"snapshot_built": "2026-11-25", "snapshot_loaded": "2026-11-26T10:00:00+00:00", "data_origin": "live",
         "snapshot_sha256": "ab12", "last_refresh": "2026-11-27T09:30:00+00:00",
         "last_refresh_scope": "jaren 2024", "iets_nieuws": "x"}
    items = dict(over.meta_items(m))
    assert items["Herkomst"] == "live ververst bij CBS/PDOK" and items["Omvang laatste verversing"] == "jaren 2024"
    assert not set(m) & set(items) and "x" not in items.values()  # never a raw key
    assert dict(over.meta_items({"data_origin": "snapshot"}))["Herkomst"] == "gebundelde snapshot"


def test_over_de_data_table_of_resolution_is_pure_and_dutch():
    from pages.over.about import resolution_table

    res = pd.DataFrame([
        {"year": 2013, "table_id": "82339NED", "year_status": "geladen", "reason": "", "variable": "inwoners",
         "key": "AantalInwoners_4", "title": "Aantal inwoners", "status": "ok",
         "label": "gevonden als AantalInwoners_4"},
        {"year": 2013, "table_id": "82339NED", "year_status": "geladen", "reason": "",
         "variable": "eenpersoonshuishoudens", "key": "Eenpersoonshuishoudens_28", "title": "", "status": "eenheid",
         "label": "niet herkend: eenheid '%' waar 'aantal' verwacht wordt"},
        {"year": 2018, "table_id": "84286NED", "year_status": "mislukt", "reason": "HTTP-fout", "variable": None,
         "key": None, "title": "", "status": None, "label": ""},
    ])
    t = resolution_table(res)
    assert t["Jaar"].tolist() == [2013, 2018] and t["Resultaat"].tolist() == ["geladen", "mislukt"]
    assert t.loc[0, "Niet herkend"] == 1 and "eenpersoonshuishoudens: niet herkend" in t.loc[0, "Toelichting"]
    assert t.loc[1, "Toelichting"] == "HTTP-fout"
    assert resolution_table(res.iloc[0:0]).empty


def test_over_de_data_shows_the_resolution_after_a_refresh(app, monkeypatch):
    from pages.over import about
    from pages.over import page as over

    def text() -> str:
        return _text(over.layout())

    assert "KWB-kolommen per jaar" not in text()  # the snapshot carries no resolution: no empty section
    frame = pd.DataFrame([{"year": 2013, "table_id": "82339NED", "year_status": "geladen", "reason": "",
                           "variable": "pct_onbewoond", "key": "PercentageLeegstaand_38", "title": "",
                           "status": "ok", "label": "gevonden als PercentageLeegstaand_38"}])
    monkeypatch.setattr(about, "kwb_resolution", lambda: frame)
    page = text()
    assert "KWB-kolommen per jaar" in page and "82339NED" in page and "Niet in deze jaargang" in page


def test_over_de_data_names_the_status_as_the_map_does(app):
    from pages.over import page as over

    text = _text(over.layout())
    assert "heet het cijfer \u201eonbetrouwbaar\u201d" in text and "onzeker" not in text
