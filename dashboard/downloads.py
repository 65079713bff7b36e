"""Shared download writers: Dutch-Excel CSV (``;``, decimal comma, BOM, ja/nee) and Excel with CBS's attribution.

Pure functions from frames to bytes, plus the :class:`Download` record the pages' callbacks wrap in
``dcc.send_bytes`` (so tests read the bytes back without a browser). Every Excel file gets a sheet
"Bronnen" that starts with "Bron: CBS" (CC BY 4.0) and lists the source tables (:func:`sources`).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashboard import data
from dashboard.formatting import slug
from dashboard.theme import ACCENT
from dorpenmonitor.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

ATTRIBUTION = "Bron: CBS"
LICENCE_NOTE = (
    "Cijfers: Centraal Bureau voor de Statistiek (CBS), open data onder licentie CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/deed.nl). Bewerking: Dorpenmonitor."
)
#: Columns of store.sources() shown to users, with their Dutch headers.
SOURCE_COLUMNS: dict[str, str] = {
    "table_id": "Tabel",
    "title": "Titel",
    "publisher": "Uitgever",
    "republisher": "Via (herpublicatie)",
    "periods": "Perioden",
    "licence": "Licentie",
    "url": "URL",
    "retrieved": "Opgehaald",
    "notes": "Opmerkingen",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Download:
    content: bytes
    filename: str
    mimetype: str


@data.loader(maxsize=1)
def sources() -> pd.DataFrame:
    """store.sources(): one row per source (table id, publisher, republisher, licence …)."""
    return data.store().sources()


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    """store.sources() with Dutch headers, in a fixed column order (missing columns left empty)."""
    out = sources.reindex(columns=list(SOURCE_COLUMNS)).astype(object).fillna("")
    return out.rename(columns=SOURCE_COLUMNS).reset_index(drop=True)


#: Words for truth values in every CSV (a Dutch reader sees 'ja'/'nee', never True/False).
BOOL_WORDS: dict[bool, str] = {True: "ja", False: "nee"}
#: Longest file-name stem listing area names; beyond it the name says how many areas there are.
MAX_STEM = 80


def _dutch_cell(value: object) -> object:
    """Truth values as 'ja'/'nee'; everything else unchanged."""
    if isinstance(value, (bool, np.bool_)):
        return BOOL_WORDS[bool(value)]
    return value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as the CSV writer sees it: bool columns (and bools inside object columns) in Dutch words, and a
    float column of whole numbers (counts, years after a join) as integers: '3595', not '3595,0'."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool or out[col].dtype == object:
            out[col] = out[col].map(_dutch_cell)
        elif out[col].dtype.kind == "f":
            v = out[col].dropna()
            if len(v) and (v == v.round()).all() and v.abs().max() < 2**53:
                out[col] = out[col].astype("Int64")
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """The CSV text of every download: ``;`` between fields, decimal comma, 'ja'/'nee', no index.

    The format Dutch Excel opens by double-click without the import wizard.
    """
    return csv_frame(frame).to_csv(index=False, sep=";", decimal=",", lineterminator="\n")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """:func:`csv_text` as UTF-8 with a byte-order mark (so Excel shows é/ë correctly): the one CSV writer."""
    return csv_text(frame).encode("utf-8-sig")


def csv_download(frame: pd.DataFrame, filename: str) -> Download:
    """A CSV :class:`Download` of ``frame`` (``filename`` should end in .csv)."""
    return Download(csv_bytes(frame), filename, "text/csv")


def areas_stem(prefix: str, names: Sequence[str], unit: str = "gebieden") -> str:
    """A file-name stem naming every area ('vergelijking-annen-eext-gieten'), or their number when that gets long
    ('vergelijking-8-gebieden'); 'prefix-leeg' for none."""
    if not names:
        return f"{prefix}-leeg"
    listed = slug("-".join(names))
    if len(listed) + len(prefix) + 1 <= MAX_STEM:
        return f"{prefix}-{listed}"
    return f"{prefix}-{len(names)}-{unit}"


def _cell(value: object) -> object:
    """A value openpyxl can write (no NaN, no pandas NA, no numpy scalars)."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()  # numpy scalar → Python
    return value


def excel_bytes(
    sheets: Mapping[str, pd.DataFrame],
    sources: pd.DataFrame | None = None,
    title: str = "Dorpenmonitor",
    notes: Sequence[str] = (),
    number_formats: Mapping[str, Mapping[str, str]] | None = None,
) -> bytes:
    """An .xlsx with one sheet per frame plus a sheet "Bronnen".

    ``number_formats`` maps sheet → column → Excel format (e.g. ``'0.0'``) so
    values keep their full precision but show the indicator's decimals.
    The "Bronnen" sheet starts with "Bron: CBS", the licence and ``notes``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor=ACCENT.lstrip("#").upper())
    formats = number_formats or {}

    def write(ws, frame: pd.DataFrame, start_row: int = 1, fmt: Mapping[str, str] | None = None) -> None:
        cols = [str(c) for c in frame.columns]
        for j, name in enumerate(cols, start=1):
            c = ws.cell(row=start_row, column=j, value=name)
            c.font, c.fill = head_font, head_fill
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for i, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
            for j, value in enumerate(row, start=1):
                c = ws.cell(row=i, column=j, value=_cell(value))
                if fmt and cols[j - 1] in fmt and isinstance(c.value, (int, float)):
                    c.number_format = fmt[cols[j - 1]]
        for j, name in enumerate(cols, start=1):
            longest = max([len(name)] + [len(str(v)) for v in frame.iloc[:200, j - 1].tolist()])
            ws.column_dimensions[get_column_letter(j)].width = max(8, min(60, longest + 2))
        ws.freeze_panes = ws.cell(row=start_row + 1, column=1)

    for name, frame in sheets.items():
        ws = wb.create_sheet(_sheet_name(name))
        write(ws, frame, fmt=formats.get(name))

    ws = wb.create_sheet("Bronnen")
    lines = [ATTRIBUTION, LICENCE_NOTE, f"{title} — gemaakt op {dt.date.today():%d-%m-%Y}", *notes]
    for i, line in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=line).font = Font(bold=(i == 1))
    if sources is not None and not sources.empty:
        write(ws, sources_table(sources), start_row=len(lines) + 2)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 14)

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(name: str) -> str:
    # Excel forbids []:*?/\ in sheet names and cuts them at 31 characters.
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "Blad"

