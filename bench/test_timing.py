"""``make test-timing``: the non-browser suite of an old commit and of this checkout, timed in one run.

Issue 7 asks for ``pytest -m "not browser" -n 2`` at least 2x faster than on the main of the day the issue
was filed (29db6ed, 2026-11-25), on the same machine. The machine is shared, so the two timings only mean
something side by side: this script runs the old suite and today's one after the other (``--rounds N``
alternates them N times) and prints both wall times, the test counts and the ratio.

The old commit runs in a temporary git worktree with its own venv (``make install`` of that commit), removed
afterwards; ``--base-dir DIR`` reuses an existing checkout of it that has its ``.venv`` (e.g. /work/base).
Each suite runs in its own checkout with its own venv, with ``-p no:cacheprovider`` so no run leaves state
for the next. The load average before and after each run is printed: a busy machine makes both slower,
not necessarily by the same factor.

Usage: python bench/test_timing.py [--base 29db6ed] [--base-dir DIR] [--jobs 2] [--rounds 1] [--keep]
       [--pytest-arg ARG ...]
Exit code: 0 when every suite run passed, 1 otherwise (the timings are printed either way).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: main when issue 7 was filed (the last commit of 2026-11-25; the House work began on 2026-11-27).
DEFAULT_BASE = "29db6ed"


@dataclass
class Run:
    label: str
    seconds: float
    passed: int
    summary: str
    ok: bool
    load_before: float
    load_after: float
    cpu: float  # user + sys seconds of pytest and its workers: less at the mercy of other load than the wall clock
    durations: float  # the sum of every test's setup + call + teardown (pytest --durations=0)


def _load() -> float:
    return os.getloadavg()[0]


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def prepare_base(commit: str, workdir: Path) -> Path:
    """A worktree of ``commit`` under ``workdir`` with the venv its own Makefile installs."""
    tree = workdir / "base"
    _git("worktree", "add", "--detach", str(tree), commit)
    print(f"Venv voor {commit} installeren in {tree} ...", flush=True)
    log = workdir / "install.log"
    with log.open("w") as out:
        if subprocess.run(["make", "install"], cwd=tree, stdout=out, stderr=subprocess.STDOUT).returncode:
            sys.exit(f"make install in {tree} mislukt:\n" + "\n".join(log.read_text().splitlines()[-20:]))
    return tree


def run_suite(label: str, tree: Path, jobs: int, log: Path, extra: list[str]) -> Run:
    cmd = [str(tree / ".venv" / "bin" / "pytest"), "-m", "not browser", "-n", str(jobs), "-q", "-p", "no:cacheprovider",
           "--durations=0", "--durations-min=0", *extra]
    before = _load()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"[{label}] {' '.join(cmd)}  (in {tree}) ...", flush=True)
    start = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.run(cmd, cwd=tree, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    text = log.read_text(errors="replace")
    durations = sum(float(m) for m in re.findall(r"^(\d+\.\d+)s (?:setup|call|teardown) ", text, re.M))
    lines = [ln for ln in text.splitlines() if re.search(r"\d+ (passed|failed)", ln)]
    summary = lines[-1].strip("= ") if lines else "(geen samenvatting)"
    m = re.search(r"(\d+) passed", summary)
    run = Run(label, seconds, int(m.group(1)) if m else 0, summary, proc.returncode == 0, before, _load(), cpu,
              durations)
    print(f"[{label}] {seconds:.0f} s (cpu {cpu:.0f} s, som testduren {durations:.0f} s): {summary}", flush=True)
    if not run.ok:
        print("\n".join(text.splitlines()[-30:]), file=sys.stderr)
    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default=DEFAULT_BASE, help="old commit (default: %(default)s)")
    ap.add_argument("--base-dir", type=Path, help="existing checkout of the old commit with its .venv")
    ap.add_argument("--jobs", type=int, default=2, help="pytest -n (default: %(default)s, as in issue 7)")
    ap.add_argument("--rounds", type=int, default=1, help="old, new alternated this many times")
    ap.add_argument("--keep", action="store_true", help="keep the temporary worktree and logs")
    ap.add_argument("--pytest-arg", action="append", default=[], help="extra pytest argument for both suites "
                    "(a smoke run of this script: --pytest-arg=-k --pytest-arg=transform)")
    args = ap.parse_args(argv)

    if not (ROOT / ".venv" / "bin" / "pytest").exists():
        print("Eerst `make install` in deze checkout.", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="dm-test-timing-"))
    base_tree = None
    try:
        if args.base_dir:
            base_tree = args.base_dir.resolve()
            head = _git("rev-parse", "--short", "HEAD", cwd=base_tree)
            if not _git("rev-parse", "HEAD", cwd=base_tree).startswith(_git("rev-parse", args.base)):
                print(f"Let op: {base_tree} staat op {head}, niet op {args.base}.", file=sys.stderr)
        else:
            base_tree = prepare_base(args.base, work)
        new_label = f"nu ({_git('rev-parse', '--short', 'HEAD')})"
        runs: list[Run] = []
        for r in range(1, args.rounds + 1):
            runs.append(run_suite(f"oud ({args.base})", base_tree, args.jobs, work / f"oud-{r}.log", args.pytest_arg))
            runs.append(run_suite(new_label, ROOT, args.jobs, work / f"nu-{r}.log", args.pytest_arg))

        print()
        stamp = time.strftime("%Y-%m-%d %H:%M")
        print(f"pytest -m 'not browser' -n {args.jobs}, zelfde machine, zelfde run ({stamp}):")
        print(f"{'suite':<24} {'wandklok':>9} {'cpu':>7} {'som duren':>10} {'tests':>6} {'load voor/na':>13}  "
              "resultaat")
        for run in runs:
            load = f"{run.load_before:.1f}/{run.load_after:.1f}"
            print(f"{run.label:<24} {run.seconds:>8.0f}s {run.cpu:>6.0f}s {run.durations:>9.0f}s {run.passed:>6} "
                  f"{load:>13}  {run.summary}")
        old = [r.seconds for r in runs[0::2]]
        new = [r.seconds for r in runs[1::2]]
        ratio = min(old) / min(new)
        verdict = "doel >= 2x gehaald" if ratio >= 2 else "doel 2x niet gehaald"
        print(f"verhouding oud/nu (snelste run per kant): {ratio:.2f}x ({verdict})")
        cpu_ratio = min(r.cpu for r in runs[0::2]) / max(min(r.cpu for r in runs[1::2]), 1e-9)
        print(f"verhouding cpu-tijd oud/nu: {cpu_ratio:.2f}x")
        return 0 if all(r.ok for r in runs) else 1
    finally:
        if args.keep:
            print(f"Bewaard: {work}")
        else:
            if base_tree is not None and not args.base_dir:
                subprocess.run(["git", "worktree", "remove", "--force", str(base_tree)], cwd=ROOT, check=False,
                               capture_output=True)
            shutil.rmtree(work, ignore_errors=True)
            subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=False)  # if remove left its record


if __name__ == "__main__":
    sys.exit(main())
