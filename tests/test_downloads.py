"""dashboard.downloads: CSV and Excel writers with the CBS attribution."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from dashboard import downloads


def test_csv_bytes_is_utf8_with_bom_and_round_trips():
    df = pd.DataFrame({"Gebied": ["Eext", "Gieten"], "Waarde": [1.5, None]})
    raw = downloads.csv_bytes(df)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [["Gebied", "Waarde"], ["Eext", "1.5"], ["Gieten", ""]]


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
