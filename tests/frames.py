"""Tiny wide frames for indicator unit tests (rows = areas, columns = variables)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def frame(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    index = [f"BU{i:08d}" for i in range(n)]
    return pd.DataFrame({k: pd.Series(v, dtype="float64", index=index) for k, v in cols.items()}, index=index)


def status_of(values: pd.DataFrame, secret: dict[str, list[int]] | None = None) -> pd.DataFrame:
    st = pd.DataFrame(np.where(values.notna(), "ok", "ontbreekt"), index=values.index, columns=values.columns)
    for col, rows in (secret or {}).items():
        st.iloc[rows, st.columns.get_loc(col)] = "geheim"
    return st


