"""Load: staged writes and an atomic swap, with a load-run record.

Usage::

    with LoadRun(store, "refresh", scope) as run:
        run.stage(obs=frame, bnd=boundaries)
        run.swap(regions_df=regions, source_rows=sources)

Anything raised inside the block marks the run failed and leaves the live
tables exactly as they were; the staged rows of that run are discarded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack

import pandas as pd
import sqlalchemy as sa

from dorpenmonitor.codes import OBS_STATUSES
from dorpenmonitor.store import Scope, Store


class LoadError(RuntimeError):
    """A load that was refused before it touched the live tables."""


def validate_observations(obs: pd.DataFrame) -> None:
    """Cheap checks that catch a broken transform before the swap."""
    if obs.empty:
        return
    bad = set(obs["status"].unique()) - set(OBS_STATUSES)
    if bad:
        raise LoadError(f"Onbekende status(sen) {sorted(bad)}")
    dup = obs.duplicated(["region_code", "period", "variable"])
    if dup.any():
        ex = obs.loc[dup, ["region_code", "period", "variable"]].head(3).to_dict("records")
        raise LoadError(f"Dubbele waarnemingen, bijvoorbeeld {ex}")
    if (obs["status"].eq("ok") & obs["value"].isna()).any():
        raise LoadError("Waarneming met status 'ok' maar zonder waarde")


class LoadRun:
    def __init__(self, store: Store, kind: str, scope: Scope):
        self.store = store
        self.kind = kind
        self.scope = scope
        self.run_id: int | None = None
        self.rows = 0
        self.messages: list[str] = []
        self._held = ExitStack()  # the load lock, from __enter__ to __exit__

    def __enter__(self) -> LoadRun:
        # The lock first: with it held no other load is alive, so leftovers of killed runs can go.
        with ExitStack() as stack:
            stack.enter_context(self.store.load_lock())
            self.store.create_schema()
            self.store.recover()
            self.run_id = self.store.begin_run(self.kind, self.scope)
            self._held = stack.pop_all()
        return self

    def stage(self, obs: pd.DataFrame | None = None, bnd: pd.DataFrame | None = None) -> None:
        if obs is not None:
            validate_observations(obs)
        assert self.run_id is not None
        self.store.stage(self.run_id, obs=obs, bnd=bnd)

    def swap(
        self,
        regions_df: pd.DataFrame | None = None,
        variables_rows: Sequence[dict] | None = None,
        source_rows: Sequence[dict] | None = None,
        meta_rows: dict[str, str] | None = None,
        after_swap: Callable[[sa.Connection], None] | None = None,
    ) -> int:
        """Swap the staged rows in; ``after_swap(conn)`` runs in the same transaction (see ``Store.swap``)."""
        assert self.run_id is not None
        self.rows = self.store.swap(self.run_id, self.scope, regions_df, variables_rows, source_rows, meta_rows,
                                    after_swap=after_swap)
        return self.rows

    def note(self, message: str) -> None:
        self.messages.append(message)

    def __exit__(self, exc_type, exc, tb) -> bool:
        assert self.run_id is not None
        try:
            if exc is None:
                self.store.finish_run(self.run_id, "ok", "; ".join(self.messages), self.rows)
            else:
                self.store.finish_run(self.run_id, "failed", f"{type(exc).__name__}: {exc}")
        finally:
            self._held.close()
        return False
