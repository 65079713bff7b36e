"""Pure transforms: CBS-shaped frames → regions and long observations.

No I/O here; the same functions serve the live refresh (cbsodata downloads)
and the snapshot (the shared extracts), so both paths agree by construction.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dorpenmonitor.codes import LEVEL_BY_PREFIX, gemeente_of
from etl.crosswalk import SchemaDriftError
from etl.resolve import Resolution, resolve_keys

OBS_COLUMNS = ["region_code", "period", "variable", "value", "status", "source_id"]
REGION_COLUMNS = ["code", "name", "level", "gemeente_code", "wijk_code"]
#: A CBS region code as KWB tables print it (villages, ``DP…``, are ours and never come from CBS).
CBS_CODE = re.compile(r"^(GM\d{4}|WK\d{6}|BU\d{8})$")


def trim(df: pd.DataFrame) -> pd.DataFrame:
    """Strip CBS's fixed-width padding from every string column (returns a copy)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda s: s.strip() if isinstance(s, str) else s)
    return out


def level_of(code: str) -> str:
    """'gemeente', 'wijk' or 'buurt' from a CBS region code."""
    if not CBS_CODE.match(code or ""):
        raise ValueError(f"Onbekende regiocode '{code}': verwacht GMxxxx, WKxxxxxx of BUxxxxxxxx")
    return LEVEL_BY_PREFIX[code[:2]]


def region_row(code: str, name: str) -> dict:
    """Region record with parents derived from the code (BU01060101 → WK010601, GM0106)."""
    level = level_of(code)
    digits = code[2:]
    return {
        "code": code,
        "name": name,
        "level": level,
        "gemeente_code": gemeente_of(code),
        "wijk_code": "WK" + digits[:6] if level == "buurt" else None,
    }


#: Cells that mean "no figure" in the CBS files: empty, or CBS's '.' (geheim of onbekend).
NO_FIGURE = ("", ".")


class BadCellError(ValueError):
    """A cell that should hold a number holds text (a damaged or hand-edited file)."""

    def __init__(self, column: str, row: object, value: str):
        super().__init__(f"kolom {column}, rij {row}: '{value[:40]}' is geen getal")
        self.column, self.row, self.value = column, row, value


def check_numeric(frame: pd.DataFrame, columns: list[str]) -> None:
    """Raise :class:`BadCellError` for the first cell in ``columns`` that is neither a number nor 'no figure'.

    ``row`` in the error is the frame's index label (the snapshot reader keeps the CSV's row numbers there).
    """
    for col in columns:
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series):
            continue
        text = series.map(lambda s: s.strip() if isinstance(s, str) else s)
        bad = pd.to_numeric(text, errors="coerce").isna() & text.notna() & ~text.isin(NO_FIGURE)
        if bad.any():
            row = bad.idxmax()
            raise BadCellError(col, row, str(series.loc[row]))


def to_number(series: pd.Series) -> pd.Series:
    """CBS cells to floats; '.', '' and other non-numbers become NaN."""
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    return pd.to_numeric(series.map(lambda s: s.strip() if isinstance(s, str) else s), errors="coerce")


def melt_observations(
    frame: pd.DataFrame,
    columns: dict[str, str],
    period: int | str,
    source_id: str,
    code_column: str = "code",
    strict: bool = False,
) -> pd.DataFrame:
    """Wide frame → long observations.

    ``columns`` maps source column → harmonised variable. An empty cell in a
    column the source publishes is CBS's 'geheim of onbekend' (null in the
    TypedDataSet) and is kept as a row with status 'geheim', so a gap is never
    confused with a figure that was not looked up. ``period`` may name a column.
    ``strict``: text in a value column raises :class:`BadCellError` instead of
    becoming a gap (files read from disk; the live feed is typed).
    """
    present = {src: var for src, var in columns.items() if src in frame.columns}
    if not present:
        return pd.DataFrame(columns=OBS_COLUMNS)
    if strict:
        check_numeric(frame, ([period] if isinstance(period, str) else []) + list(present))
    parts = []
    for src, var in present.items():
        vals = to_number(frame[src])
        per = frame[period] if isinstance(period, str) else period
        parts.append(
            pd.DataFrame(
                {
                    "region_code": frame[code_column].to_numpy(),
                    "period": per if np.isscalar(per) else np.asarray(per, dtype="int64"),
                    "variable": var,
                    "value": vals.to_numpy(),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["period"] = out["period"].astype("int64")
    out["status"] = np.where(out["value"].isna(), "geheim", "ok")
    out["source_id"] = source_id
    return out[OBS_COLUMNS]


def kwb_observations(
    data: pd.DataFrame,
    table_id: str,
    year: int,
    keys: list[str],
    source_id: str,
    resolution: Resolution | None = None,
    strict: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Regions and long observations from one KWB TypedDataSet.

    ``resolution`` is the table's resolution from its DataProperties
    (:func:`etl.resolve.resolve`); without it the bare Topic ``keys`` are
    resolved by stem. A failed resolution (a required variable missing or not
    recognised) raises :class:`etl.crosswalk.SchemaDriftError` before anything
    is written. Columns published as % where the variable is a count (or the
    reverse) are converted with the denominator the resolution names.
    """
    res = resolution if resolution is not None else resolve_keys(table_id, year, keys)
    if not res.ok:
        raise SchemaDriftError(res.failure_reason())
    mapping = res.mapping
    warnings = [f"{table_id} ({year}): '{r.var}' {r.label}" for r in res.variables if r.status != "ok"]
    missing_in_data = [k for k in mapping if k not in data.columns]
    if missing_in_data:
        raise SchemaDriftError(
            f"Tabel {table_id} ({year}): DataProperties noemt {', '.join(missing_in_data[:5])}, "
            f"maar de data mist die kolom(men)."
        )
    df = trim(data)
    code_col = res.code_column if res.code_column in df.columns else next(
        (c for c in df.columns if str(c).startswith("Codering")), None
    )
    if code_col is None:
        raise SchemaDriftError(f"Tabel {table_id} ({year}): geen kolom 'Codering_*' met regiocodes.")
    df = df[df[code_col].map(lambda c: bool(CBS_CODE.match(c or "")))].copy()
    dim = res.region_dimension
    name_col = dim if dim and dim in df.columns else code_col
    regions = pd.DataFrame([region_row(c, n) for c, n in zip(df[code_col], df[name_col], strict=True)],
                           columns=REGION_COLUMNS)
    df = df.rename(columns={code_col: "code"})
    if strict:  # text in a value column, before any conversion turns it into a gap
        check_numeric(df, [k for k in mapping if k in df.columns])
    for r in res.variables:
        if r.status == "ok" and r.convert is not None:
            how, den = r.convert
            share, base = to_number(df[r.key]), to_number(df[den])
            if how == "pct_to_count":
                # CBS rounds counts at wijk/buurt level to multiples of 5; a share × total is no better.
                df[r.key] = (share * base / 100).round()
            else:
                df[r.key] = (share / base.where(base > 0) * 100).round(1)
    obs = melt_observations(df, mapping, year, source_id, strict=strict)
    # A column that is empty for every region, the gemeenten included, is not
    # suppressed but not published yet (income, energy and proximity arrive
    # months after a KWB table's first release): 'ontbreekt', not 'geheim'.
    empty = obs.groupby("variable")["value"].transform(lambda s: s.isna().all())
    obs.loc[empty & obs["value"].isna(), "status"] = "ontbreekt"
    return regions, obs, warnings
