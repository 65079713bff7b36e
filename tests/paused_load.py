"""``dorpenmonitor ARGS`` that stops for good right after its load's first staging write (tests/test_kill.py).

A kill -9 test must land while the load is under way: staged rows written, its load run 'running', the swap not
yet done. Polling for that moment raced the load: on the small snapshot (tests/small_snapshot.py) the whole
load takes about a second, so the poll could miss the window and the test would flake. This runs the same CLI
entry point (``cli.main``) with one change, made here and not in the product: ``etl.load.LoadRun.stage``
commits its rows as usual and then sleeps, so the test kills a process that is certainly mid-load, at the same
point every time. Nothing in the production code paths knows about it.

Run as ``python -m tests.paused_load ARGS...`` (the arguments of ``dorpenmonitor``).
"""

from __future__ import annotations

import sys
import time

import cli
from etl.load import LoadRun

#: Long enough for any test to notice and kill; a process nobody kills ends by itself.
PAUSE_SECONDS = 600


def main(argv: list[str]) -> int:
    stage = LoadRun.stage

    def stage_then_wait(self: LoadRun, *args, **kwargs) -> None:
        stage(self, *args, **kwargs)  # committed: the staged rows and the 'running' run are visible to others
        print("gestaged; wacht op kill", file=sys.stderr, flush=True)
        time.sleep(PAUSE_SECONDS)

    LoadRun.stage = stage_then_wait  # type: ignore[method-assign]
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
