"""Dump every cube table of ``indicators.cube.build`` on a database, or compare a build with such a dump exactly.

Used to keep the cube's output identical while making it faster (same rows, same values incl. NaN positions,
statuses, notes and rounding; floats compared bit for bit).

Usage:
    python bench/cube_equal.py dump DIR      # build on the configured database, pickle each table into DIR
    python bench/cube_equal.py compare DIR   # build again and compare with DIR table by table
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from dorpenmonitor.settings import get_settings
from dorpenmonitor.store import CUBE_META, Store
from indicators import cube


def build() -> tuple[dict[str, pd.DataFrame], float, float]:
    """The cube's tables, wall seconds and CPU seconds of the build (CPU: less noisy on a shared machine)."""
    store = Store(get_settings().database_url)
    t0, c0 = time.perf_counter(), time.process_time()
    out = cube.build(store)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    # A table may come in parts (indicator_values, per level): compare it whole.
    out = {k: pd.concat(v, ignore_index=True) if isinstance(v, list) else v for k, v in out.items()}
    # The rules fingerprint changes with the code by design: it is what a before/after comparison varies.
    meta = out.get(CUBE_META)
    if meta is not None:
        out[CUBE_META] = meta[meta["key"] != cube.RULES_KEY].reset_index(drop=True)
    return out, secs, cpu


def _column_differences(name: str, col: str, a: pd.Series, b: pd.Series) -> list[str]:
    # Text kept as categories (to save memory) is written as the same values: compare the values.
    if isinstance(b.dtype, pd.CategoricalDtype) and not isinstance(a.dtype, pd.CategoricalDtype):
        b = pd.Series(b.to_numpy(dtype=object), index=b.index, dtype=a.dtype)
    if str(a.dtype) != str(b.dtype):
        return [f"{name}.{col}: dtype {a.dtype} != {b.dtype}"]
    av, bv = a.to_numpy(), b.to_numpy()
    if av.dtype.kind == "f":
        same = (av == bv) | (np.isnan(av) & np.isnan(bv))
    else:
        na_a, na_b = pd.isna(a).to_numpy(), pd.isna(b).to_numpy()
        eq = np.array([x is y or (type(x) is type(y) and x == y) for x, y in zip(av, bv, strict=True)], dtype=bool)
        same = (na_a & na_b) | (~na_a & ~na_b & eq)
    if same.all():
        return []
    i = int(np.flatnonzero(~same)[0])
    return [f"{name}.{col}: {int((~same).sum())} rows differ, first row {i}: {av[i]!r} != {bv[i]!r}"]


def compare(want: dict[str, pd.DataFrame], got: dict[str, pd.DataFrame]) -> list[str]:
    """Differences between two builds (empty list: identical)."""
    problems = []
    if set(want) != set(got):
        problems.append(f"tables {sorted(want)} != {sorted(got)}")
    for name in sorted(set(want) & set(got)):
        a, b = want[name], got[name]
        if set(a.columns) == set(b.columns):
            b = b[list(a.columns)]  # column order is no output (the tables are written by name)
        if list(a.columns) != list(b.columns):
            problems.append(f"{name}: columns {list(a.columns)} != {list(b.columns)}")
            continue
        if len(a) != len(b):
            problems.append(f"{name}: {len(a)} rows != {len(b)}")
            continue
        if not a.index.equals(b.index):
            problems.append(f"{name}: index differs")
        for col in a.columns:
            problems += _column_differences(name, col, a[col], b[col])
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=("dump", "compare"))
    ap.add_argument("dir", type=Path)
    args = ap.parse_args()
    out, secs, cpu = build()
    print(f"cube.build: {secs:.2f} s wall, {cpu:.2f} s CPU, {sum(len(f) for f in out.values())} rows")
    if args.action == "dump":
        args.dir.mkdir(parents=True, exist_ok=True)
        for name, frame in out.items():
            with open(args.dir / f"{name}.pkl", "wb") as fh:
                pickle.dump(frame, fh)
        return 0
    want = {}
    for p in sorted(args.dir.glob("*.pkl")):
        with open(p, "rb") as fh:
            want[p.stem] = pickle.load(fh)
    problems = compare(want, out)
    for p in problems:
        print(p)
    print("IDENTICAL" if not problems else f"{len(problems)} differences")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
