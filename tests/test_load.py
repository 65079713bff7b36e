"""Load runs (etl/load.py): validation before the swap, a failed run leaves the previous data."""

from __future__ import annotations

import pandas as pd
import pytest

from dorpenmonitor.store import Scope, Store
from etl.load import LoadError, LoadRun, validate_observations
from tests.test_store import _obs, _regions


def test_failed_load_leaves_previous_data(fresh_store: Store):
    with LoadRun(fresh_store, "test", Scope(replace_all=True)) as run:
        run.stage(obs=_obs(["GM0106"], 1.0))
        run.swap(regions_df=_regions(["GM0106"]))
    before = fresh_store.observations()
    with pytest.raises(RuntimeError, match="halverwege"):
        with LoadRun(fresh_store, "test", Scope(replace_all=True)) as run:
            run.stage(obs=_obs(["GM0106"], 99.0))
            raise RuntimeError("download halverwege afgebroken")
    pd.testing.assert_frame_equal(fresh_store.observations(), before)
    runs = fresh_store.load_runs()
    assert runs.iloc[0]["status"] == "failed" and "halverwege" in runs.iloc[0]["message"]
    assert runs.iloc[1]["status"] == "ok"


def test_invalid_rows_are_refused_before_the_swap(fresh_store: Store):
    bad = pd.concat([_obs(["GM0106"], 1.0), _obs(["GM0106"], 2.0)])
    with pytest.raises(LoadError, match="Dubbele"):
        with LoadRun(fresh_store, "test", Scope(replace_all=True)) as run:
            run.stage(obs=bad)
    assert fresh_store.is_empty()


def test_ok_without_value_is_refused():
    with pytest.raises(LoadError, match="zonder waarde"):
        validate_observations(_obs(["GM0106"], float("nan")))
    with pytest.raises(LoadError, match="Onbekende status"):
        validate_observations(_obs(["GM0106"], 1.0).assign(status="raar"))
