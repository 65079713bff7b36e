"""dashboard.downloads: CSV and Excel writers with the CBS attribution."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from dashboard import downloads


def test_csv_bytes_is_dutch_excel_csv_with_bom():
    """One format for every CSV: ';' between fields, decimal comma, BOM, 'ja'/'nee' for truth values."""
    df = pd.DataFrame({"Gebied": ["Eext", "Gieten"], "Waarde": [1.5, None], "Breuk": [True, False],
                       "Gemengd": ["tekst", False]})
    raw = downloads.csv_bytes(df)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Gebied", "Waarde", "Breuk", "Gemengd"], ["Eext", "1,5", "ja", "tekst"],
                    ["Gieten", "", "nee", "nee"]]
    assert "True" not in raw.decode("utf-8-sig") and "False" not in raw.decode("utf-8-sig")


def test_areas_stem_lists_every_area_or_counts_them():
    assert downloads.areas_stem("vergelijking", ["Annen", "Eext", "Gieten", "Gasselte", "Nieuw-Amsterdam"]) == (
        "vergelijking-annen-eext-gieten-gasselte-nieuw-amsterdam")
    many = [f"Verspreide huizen Dorp {i}" for i in range(8)]
    assert downloads.areas_stem("vergelijking", many) == "vergelijking-8-gebieden"
    assert downloads.areas_stem("trend-inwoners", []) == "trend-inwoners-leeg"


def test_excel_bytes_has_values_and_sources_sheet_with_attribution():
    sources = pd.DataFrame({"table_id": ["85984NED"], "title": ["Kerncijfers wijken en buurten 2024"],
                            "publisher": ["CBS"], "republisher": ["dertje/cbs_datasets"], "licence": ["CC BY 4.0"]})
    df = pd.DataFrame({"Gebied": ["Ëext"], "Waarde": [np.float64(2.5)], "Leeg": [np.nan]})
    wb = load_workbook(io.BytesIO(downloads.excel_bytes({"Waarden": df}, sources, notes=["Een noot"])))
    assert wb.sheetnames == ["Waarden", "Bronnen"]
    assert [c.value for c in wb["Waarden"][2]] == ["Ëext", 2.5, None]
    bron = [c.value for c in wb["Bronnen"]["A"] if c.value]
    assert bron[0] == "Bron: CBS" and any("CC BY 4.0" in str(v) for v in bron) and "Een noot" in bron
    assert "85984NED" in bron


def test_whole_numbers_in_a_float_column_are_written_without_a_decimal():
    """Counts and years came out as '3595,0' and '2024,0'; a column with real decimals keeps them."""
    import pandas as pd

    from dashboard.downloads import csv_text

    text = csv_text(pd.DataFrame({"jaar": [2024.0, None], "waarde": [3595.0, 12.0], "pct": [28.4, 3.0]}))
    assert text.splitlines() == ["jaar;waarde;pct", "2024;3595;28,4", ";12;3,0"]
