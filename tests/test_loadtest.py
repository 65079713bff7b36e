"""bench/loadtest.py's own logic (the load run itself is ``make loadtest``): limits, targets, met or gap."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def lt():
    spec = importlib.util.spec_from_file_location("loadtest", ROOT / "bench" / "loadtest.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["loadtest"] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def test_quick_is_short_and_the_default_is_the_full_run(lt):
    quick, full = lt.parse(["--quick"]), lt.parse([])
    assert quick.seconds == 1.0 and quick.rounds == 3
    assert full.seconds == 4.0 and full.rounds == 10 and full.clients == "1,8,32" and full.reload == "write"
    assert lt.parse(["--quick", "--rounds", "10"]).rounds == 10


def _row(server, scenario, rps, p99, errors=0, clients=32):
    return {"server": server, "scenario": scenario, "clients": clients, "rps": rps, "p50": 1.0, "p95": 1.0,
            "p99": p99, "errors": errors}


def test_targets_say_met_or_name_the_gap(lt, capsys):
    assert lt.verdict(_row("g", "kaartwissel", 160, 300), 150, 400) == "gehaald"
    assert lt.verdict(_row("g", "kaartwissel", 120, 500, errors=2), 150, 400) == \
        "tekort: 120 rps < 150, p99 500 ms > 400, 2 fouten"
    assert lt.verdict(None, 150, 400) == "niet gemeten"

    rows = [_row("gunicorn -w 2 (SQLite)", "kaartwissel", 160, 300),
            _row("gunicorn -w 2 (SQLite)", "profiel (wisselende gebieden)", 50, 900),
            _row("dev-server (SQLite)", "kaartwissel", 70, 700)]
    lt.print_targets(rows, (10, [1.0] * 10, 0, 500), lt.Limits(), quick=False)
    out = capsys.readouterr().out
    assert "| kaartwissel | ≥ 150 rps, p99 ≤ 400 ms, 0 fouten | 160 rps, p99 300 ms: gehaald |" in out
    assert "tekort: 50 rps < 60, p99 900 ms > 800" in out
    assert "dev-server" not in out  # the targets are for the production server; the dev server is the baseline
    assert "10 van 10: gehaald" in out

    lt.print_targets(rows, (3, [1.0] * 3, 0, 100), lt.Limits(rounds=3), quick=True)
    out = capsys.readouterr().out
    assert "alleen indicatief" in out and "3 van 3: tekort: maar 3 herladingen" in out
