"""``make bench``: what a user feels, each figure beside a baseline measured in the same run.

Prints ONE table: measure | today (issue 11, measured before this work) | now (this run) | target | baseline
(this run). Asserts nothing. Every loop is bounded in count and in time; the whole run stays under ten minutes
on two cores (``--quick``: fewer repeats, no synthetic scale).

What is measured, and how:

- HTTP path of an indicator switch: the map callback as the browser posts it, through the Flask test client
  and through a real server (``python app.py`` on a free loopback port); baseline: a one-line callback of a
  minimal Dash app through the same path.
- Profile of a never-viewed area (server: ``pages.profiel.page.layout`` plus its body callback ``render``), in a
  fresh process (one per area; after the warm-up a gunicorn worker does as it starts, and once without it) and
  in a warm process right after a reload (a new load stamp in the meta table, as ``etl load-snapshot`` writes),
  median over 5 areas; baseline: the same area asked again.
- ``dorpenmonitor export`` of one level x one year, the whole process; baseline: ``python -c pass``.
- Headless Chromium (flags as in the tests, fresh --user-data-dir): the first map paint (performance.now() when
  the coloured areas are in the DOM) and an indicator switch until painted (set_props until the animation frame
  that paints the new colours; the ranked table follows a frame later), medians of 5; baseline: the switch's
  bare HTTP round trip to the same server.
- First 200 on ``/`` after start vs a minimal Dash app started the same way.
- Switch payload on the wire (gzip) vs gzip of the bare values (values and ranks per area, in geometry order).
- ``etl load-snapshot`` into an empty database (including the indicator cube once it exists on main).
- Peak RSS (VmHWM) of a serving process after the first map, switches and profiles.
- The same at ~15,000 SYNTHETIC buurten: the real buurt rows, shapes and observations copied 19 times with
  new codes, shifted shapes and randomly scaled values, written to a temporary SQLite database that the app,
  the service and ``export`` read (data layer included). Labelled SYNTHETIC in the table.

Usage: python bench/bench.py [--quick] [--no-browser] [--no-synthetic]
Parts run in subprocesses of this script (``--part ...``), so each is a fresh process and its RSS its own.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dorpenmonitor.settings import get_settings
from dorpenmonitor.wsgi import THREADS_PER_WORKER

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CLI = str(Path(PY).with_name("dorpenmonitor"))
#: Switched between in turn (all have 2024 on buurt level). woz_gemiddeld has geheim buurten, misdrijven many
#: onbetrouwbaar ones.
SWITCH = ("bevolkingsdichtheid", "aandeel_65plus", "woz_gemiddeld", "aandeel_koopwoningen", "inkomen_per_inwoner",
          "afstand_huisarts", "misdrijven_per_1000", "huishoudensgrootte")
JAAR = 2024
#: Never-viewed areas for the profile: villages and buurten in different gemeenten.
AREAS = ("DP0114_nieuw-amsterdam", "DP1680_annen", "BU01060000", "DP1730_zuidlaren", "DP0109_zweeloo",
         "BU01140100", "BU17300000")
SYNTH_TARGET = 15_000

# -- the map callback as the browser posts it ----------------------------------------------------------------

#: The map callback's input values for a buurt map of ``JAAR`` (the indicator is set per request). Inputs the
#: page gains later (another issue's option) are posted as None, as the browser does for an unset value.
MAP_INPUTS = {"kaart-thema.value": "", "kaart-niveau.value": "buurt", "kaart-jaar.value": JAAR,
              "kaart-klassen.value": "kwantielen", "kaart-gemeente.value": "", "kaart-achtergrond.value": [],
              "kaart-gebied.value": None, "kaart-graph.clickData": None}
#: The map callback's dependency as the app lists it (/_dash-dependencies): set by :func:`use_dependencies`, so a
#: request always names the outputs and inputs the running code has (a 400 otherwise).
MAP_DEP: dict = {}


def use_dependencies(deps: list[dict]) -> None:
    """Take the map callback (the one with ``kaart-graph.figure`` among its outputs) from ``deps``."""
    MAP_DEP.clear()
    MAP_DEP.update(next(d for d in deps if "kaart-graph.figure" in d["output"]))


def map_request(indicator: str, geo: dict | None, changed: str | None = "kaart-indicator.value") -> dict:
    """The body the browser posts for the map callback (an indicator switch, or the first load)."""
    outputs = [o.rsplit(".", 1) for o in MAP_DEP["output"].strip(".").split("...")]
    values = {**MAP_INPUTS, "kaart-indicator.value": indicator}
    return {
        "output": MAP_DEP["output"],
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{**x, "value": values.get(f"{x['id']}.{x['property']}")} for x in MAP_DEP["inputs"]],
        "changedPropIds": [changed] if changed else [],
        "state": [{**x, "value": geo if x["id"] == "kaart-geo" else None} for x in MAP_DEP["state"]],
    }


def page_request(pathname: str, search: str) -> dict:
    """Dash pages' routing callback: the page layout for ``pathname`` + ``search``, as the browser asks for it."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"],
    }


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


# -- parts (each runs in its own process) -----------------------------------------------------------------------

def _app(url: str):
    from app import create_app
    from dorpenmonitor.store import Store

    return create_app(Store(url))


def part_inproc(url: str, n: int, areas: list[str], budget: float) -> dict:
    """Test-client switch path and payload; profiles right after a reload; a minimal Dash callback as baseline."""
    import dash
    import pandas as pd
    from dash import Input, Output, html

    from dashboard import data

    app = _app(url)
    from pages.profiel import page as profiel  # after the app: Dash pages register with an app
    client = app.server.test_client()
    client.get("/")
    use_dependencies(client.get("/_dash-dependencies").get_json())
    gz_headers = {"Accept-Encoding": "gzip"}
    first = client.post("/_dash-update-component", json=map_request(SWITCH[0], None, None))
    geo = first.get_json()["response"]["kaart-geo"]["data"]
    vintage = geo["key"].split("|")[1]
    locations = data.geometry("buurt", vintage)["locations"]
    ms, wire, bare, bare_values_only = [], [], [], []
    t_end = time.monotonic() + budget
    for i in range(n):
        if time.monotonic() > t_end:
            break
        ind = SWITCH[(i % (len(SWITCH) - 1)) + 1]
        t = time.perf_counter()
        resp = client.post("/_dash-update-component", json=map_request(ind, geo), headers=gz_headers)
        ms.append((time.perf_counter() - t) * 1000)
        body = resp.get_data()
        wire.append(len(body) if resp.headers.get("Content-Encoding") == "gzip" else len(gzip.compress(body, 6)))
        frame = data.values(ind, "buurt", JAAR).drop_duplicates("code").set_index("code").reindex(locations)
        dec = max(int(data.indicator(ind).decimals), 0)
        shown = frame["status"].isin(["ok", "onbetrouwbaar"]) & frame["waarde"].notna()
        vals = [(round(v, dec) if dec else int(v)) if ok else None
                for v, ok in zip(frame["waarde"].tolist(), shown.tolist(), strict=True)]
        rank = pd.to_numeric(frame["rank_in_gemeente"], errors="coerce").astype("float64")
        ranks = [None if r != r else int(r) for r in rank.tolist()]
        bare.append(len(gzip.compress(compact([vals, ranks]), 6)))
        bare_values_only.append(len(gzip.compress(compact(vals), 6)))

    # Baseline: the smallest possible Dash callback through the same test client.
    mini = dash.Dash(__name__ + "_mini", use_pages=False, pages_folder="")
    mini.layout = html.Div([html.Div(id="a"), html.Div(id="b")])
    mini.callback(Output("b", "children"), Input("a", "children"))(lambda x: x)
    mc = mini.server.test_client()
    mc.get("/")
    body = {"output": "b.children", "outputs": {"id": "b", "property": "children"},
            "inputs": [{"id": "a", "property": "children", "value": "x"}], "changedPropIds": ["a.children"]}
    mini_ms = []
    for _ in range(max(n, 5)):
        t = time.perf_counter()
        mc.post("/_dash-update-component", json=body)
        mini_ms.append((time.perf_counter() - t) * 1000)

    # Vergelijken: 4 areas never compared together (any level), the default indicators, in a warm process.
    cmp_ms, cmp_cpu, cmp_bytes = compare_requests(client, sorted(data.area_index()), max(n, 20), t_end)

    # Profiles of never-viewed areas, each right after a reload (a new load stamp: every cache is emptied).
    after_reload, again = [], []
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    clock = time.monotonic() + 10**6
    t_end = time.monotonic() + budget
    for k, code in enumerate(areas):
        if time.monotonic() > t_end and len(after_reload) >= 1:
            break
        con.execute("UPDATE meta SET value = ? WHERE key = 'snapshot_loaded'", (f"bench-{time.time()}-{k}",))
        con.commit()
        clock += 10
        assert data.check_data_version(now=clock), "the new load stamp was not noticed"
        t = time.perf_counter()
        whole_profile(profiel, code)
        after_reload.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        whole_profile(profiel, code)
        again.append((time.perf_counter() - t) * 1000)
    return {"switch_ms": median(ms), "switch_n": len(ms), "mini_ms": median(mini_ms), "wire": median(wire),
            "bare": median(bare), "bare_values_only": median(bare_values_only),
            "profile_after_reload_ms": median(after_reload), "profile_after_reload_n": len(after_reload),
            "profile_again_ms": median(again), "rss_kb": _vmhwm(os.getpid()),
            "compare_ms": median(cmp_ms), "compare_cpu_ms": cmp_cpu, "compare_bytes": median(cmp_bytes),
            "compare_n": len(cmp_ms)}


def compare_requests(client, codes: list[str], n: int, t_end: float) -> tuple[list[float], float | None, list[int]]:
    """Vergelijken's update callback as the browser posts it, for ``n`` random sets of 4 areas (seeded): the
    wall time per request, the CPU per request and the response size. The first request of each level (its
    'lijkt op' scores, once per worker) is made before the timing."""
    import random

    deps = client.get("/_dash-dependencies").get_json()
    key = next(d["output"] for d in deps if "vergelijken-inhoud.children" in d["output"]
               and not d.get("clientside_function"))
    dep = next(d for d in deps if d["output"] == key)
    outs = [o.rsplit(".", 1) for o in key.strip(".").split("...")]

    def body(chosen: list[str]) -> dict:
        vals = {"vergelijken-gebieden": chosen, "vergelijken-indicatoren": None}
        return {"output": key, "outputs": [{"id": i, "property": p} for i, p in outs],
                "inputs": [{"id": d["id"], "property": d["property"], "value": vals.get(d["id"])}
                           for d in dep["inputs"]], "state": [], "changedPropIds": ["vergelijken-gebieden.value"]}

    for first in ("GM0106", "WK010600", "BU01060000", "DP1680_annen"):
        client.post("/_dash-update-component", json=body([first]))
    rnd = random.Random(11)
    ms, sizes = [], []
    cpu0 = time.process_time()
    for _ in range(n):
        if time.monotonic() > t_end:
            break
        t = time.perf_counter()
        resp = client.post("/_dash-update-component", json=body(rnd.sample(codes, 4)))
        ms.append((time.perf_counter() - t) * 1000)
        sizes.append(len(resp.get_data()))
    return ms, ((time.process_time() - cpu0) * 1000 / len(ms)) if ms else None, sizes


def whole_profile(profiel, code: str) -> None:
    """What a visitor waits for: the page's shell (``layout``) AND its body, which the page fills in a callback
    (``render``) so a slow first computation shows a spinner. Timing the shell alone measures ~1 ms of nothing."""
    profiel.layout(code=code)
    body, _ = profiel.render(code)
    assert body, f"no profile body for {code}"


def part_profile_fresh(url: str, code: str, warm: bool = False) -> dict:
    """One never-viewed profile in a process that has just built the app (as a server start does).

    ``warm``: first what a gunicorn worker loads in the background right after it starts (``app.warm_worker``:
    pandas, numpy and the search list); without it the profile also pays those first imports (~0.3 s), as a
    request arriving in a worker's first half second would.
    """
    _app(url)
    from pages.profiel import page as profiel  # after the app: Dash pages register with an app
    if warm:
        import app

        app.warm_worker()
    t = time.perf_counter()
    whole_profile(profiel, code)
    return {"ms": (time.perf_counter() - t) * 1000}


def part_series(url: str, repeat: int) -> dict:
    """Issue 9 (own process): the trends callback for the village with the most years, warm; the crosswalk build.

    The crosswalk: 13 years x the current buurten, each year's "older division" the real 2019 map SHIFTED BY A
    SYNTHETIC 1 m per year, so every year needs a real overlay (an unshifted copy takes the identity shortcut).
    """
    import geopandas as gpd

    from geodata.crosswalk import build_crosswalks

    _app(url)
    import pages.trends.page as trends  # registered by create_app

    with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
        code, ind, n_years = con.execute(
            "SELECT code, indicator, COUNT(*) AS n FROM indicator_values WHERE niveau = 'dorp' "
            "AND status IN ('ok', 'onbetrouwbaar') GROUP BY code, indicator ORDER BY n DESC, code LIMIT 1").fetchone()
    trends.update(ind, [code], ["gemeente", "drenthe"], "omgerekend")  # warm
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        trends.update(ind, [code], ["gemeente", "drenthe"], "omgerekend")
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)  # on a busy machine wall time is mostly waiting for a core
    geo = ROOT / "data" / "snapshot" / "geo"
    old = gpd.read_file(geo / "buurten_2019.geojson").set_crs(4326, allow_override=True).to_crs(28992)
    new = gpd.read_file(geo / "buurten_2024_benaderd.geojson").set_crs(4326, allow_override=True)
    olds = {}
    for i, jaar in enumerate(range(2013, 2026)):
        shifted = old.copy()
        shifted["geometry"] = old.geometry.translate(xoff=float(i + 1), yoff=0.0)  # SYNTHETIC 1 m per year
        olds[jaar] = shifted
    t0 = time.perf_counter()
    build_crosswalks(olds, new)
    return {"code": code, "indicator": ind, "years": int(n_years), "trend_ms": median(times), "cpu_ms": median(cpu),
            "crosswalk_s": time.perf_counter() - t0, "crosswalk_years": len(olds), "buurten": len(new)}


def series_rows(url: str, repeat: int) -> list[Row]:
    """The issue-9 rows of the bench table (measured by :func:`part_series` in a fresh process)."""
    prog = (f"import json, sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'bench')!r}]; import bench; "
            f"print(json.dumps(bench.part_series({url!r}, {int(repeat)})))")
    why = ""
    try:
        proc = subprocess.run([PY, "-c", prog], capture_output=True, text=True, timeout=300, cwd=ROOT)
        r = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else {}
        why = "" if r else (proc.stderr.strip().splitlines() or ["no output"])[-1][:160]
    except (subprocess.TimeoutExpired, ValueError, IndexError) as exc:
        r, why = {}, type(exc).__name__
    if not r:
        return [Row("[issue 9] trends callback / crosswalk", "–", "–", "failed", "≤ 20 ms / ≤ 30 s", None,
                    at_most(20), why)]
    return [
        Row(f"[issue 9] trends callback, village {r['code']} ({r['indicator']}, {r['years']} years), warm p50",
            "–", f"{fmt_ms(r['cpu_ms'])} CPU time per call", fmt_ms(r["trend_ms"]), "≤ 20 ms", r["trend_ms"],
            at_most(20)),
        Row(f"[issue 9] crosswalk {r['crosswalk_years']} years x {r['buurten']} buurten (SYNTHETIC shifted 2019 "
            "map)", "–", "–", fmt_s(r["crosswalk_s"]), "≤ 30 s", r["crosswalk_s"], at_most(30)),
    ]


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _vmhwm(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def run_part(args: list[str], timeout: float) -> dict | None:
    """``--part ...`` in a fresh process; its JSON, or None (with the reason on stderr) when it fails or overruns."""
    try:
        out = subprocess.run([PY, __file__, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        print(f"  ! {' '.join(args[:2])}: langer dan {timeout:.0f} s, afgebroken", file=sys.stderr)
        return None
    if out.returncode != 0:
        print(f"  ! {' '.join(args[:2])} mislukt: {out.stderr[-800:]}", file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed_process(cmd: list[str], env: dict | None = None, repeat: int = 3, timeout: float = 120,
                  cpu: list[float] | None = None) -> float | None:
    """Median wall time (s) of a whole process, or None when it fails or overruns.

    ``cpu``: gets each run's CPU seconds (user + system of the child): on a busy machine the wall time
    is the CPU time plus waiting for a core, so the CPU figure says what the program itself costs.
    """
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            out = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, cwd=ROOT)
        except subprocess.TimeoutExpired:
            return None
        if out.returncode != 0:
            print(f"  ! {' '.join(cmd[:3])} mislukt: {out.stderr.decode()[-500:]}", file=sys.stderr)
            return None
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if cpu is not None:
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return median(times)


# -- servers ----------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


MINIMAL_APP = """
import os, dash
from dash import html
app = dash.Dash(__name__, use_pages=False, pages_folder="")
app.layout = html.Div("Minimale Dash-app")
app.run(host="127.0.0.1", port=int(os.environ["DORPENMONITOR_PORT"]), debug=False)
"""


#: The same minimal app behind the server ``python app.py`` uses: gunicorn, gthread, preload, as many workers and
#: threads (dorpenmonitor.wsgi.run_production's settings; the bench passes the numbers). Python's start, gunicorn's
#: fork of the workers and its first accept are then in both figures, and the ratio is what the app itself adds.
MINIMAL_GUNICORN_APP = """
import os, dash
from dash import html
from gunicorn.app.base import BaseApplication
app = dash.Dash(__name__, use_pages=False, pages_folder="")
app.layout = html.Div("Minimale Dash-app")
class Server(BaseApplication):
    def load_config(self):
        for key, value in {"bind": "127.0.0.1:" + os.environ["DORPENMONITOR_PORT"], "worker_class": "gthread",
                           "workers": int(os.environ["MINI_WORKERS"]), "threads": int(os.environ["MINI_THREADS"]),
                           "preload_app": True, "accesslog": "-", "errorlog": "-"}.items():
            self.cfg.set(key, value)
    def load(self):
        return app.server
Server().run()
"""


def profile_body_request(code: str) -> dict:
    """The profile page's body callback (pages.profiel.page.render) as the browser posts it."""
    outputs = [{"id": "profiel-inhoud", "property": "children"}, {"id": "profiel-ondertitel", "property": "children"}]
    return {"output": "..profiel-inhoud.children...profiel-ondertitel.children..", "outputs": outputs,
            "inputs": [{"id": "profiel-code", "property": "data", "value": code}],
            "changedPropIds": ["profiel-code.data"], "state": []}


class Server:
    """A process serving on a free loopback port; ``first_200`` is seconds from launch to the first 200 on '/'."""

    def __init__(self, cmd: list[str], env: dict, log: Path, timeout: float = 120):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **env, "DORPENMONITOR_PORT": str(self.port), "DORPENMONITOR_HOST": "127.0.0.1",
               "DORPENMONITOR_DEBUG": "0"}
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
        self.first_200: float | None = None
        self.errors: list[str] = []
        self.log = log
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with urllib.request.urlopen(self.base + "/", timeout=5) as resp:
                    if resp.status == 200:
                        self.first_200 = time.perf_counter() - self.t0
                        break
            except OSError:
                time.sleep(0.05)

    def wait_ready(self, min_callbacks: int = 10, timeout: float = 60) -> float | None:
        """Seconds from launch until /_dash-dependencies lists the pages' callbacks (a browser needs them)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with urllib.request.urlopen(self.base + "/_dash-dependencies", timeout=10) as resp:
                    if len(json.loads(resp.read())) >= min_callbacks:
                        return time.perf_counter() - self.t0
            except OSError:
                pass
            time.sleep(0.05)
        return None

    def post(self, body: dict, timeout: float = 120) -> tuple[dict, float]:
        """One callback over HTTP: (response JSON, ms). A 500 is retried up to twice and counted in ``errors``."""
        for attempt in range(3):
            req = urllib.request.Request(self.base + "/_dash-update-component", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=timeout) as resp:
                    out = json.loads(resp.read())
                return out, (time.perf_counter() - t) * 1000
            except urllib.error.HTTPError as exc:
                self.errors.append(f"{exc.code} on {body['output'][:40]}")
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def rss_kb(self) -> int | None:
        """Peak RSS of the process that serves: the largest of the launched process and its children (gunicorn's
        master only forks; its workers answer the requests)."""
        peaks = [_vmhwm(pid) for pid in (self.proc.pid, *_children(self.proc.pid))]
        return max((kb for kb in peaks if kb is not None), default=None)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def serve_and_measure(url: str, tmp: Path, n: int, browser: bool, label: str, budget: float = 300) -> dict:
    """Start the app on ``url``; first 200, first map callback, switches over HTTP, browser paints, peak RSS."""
    out: dict = {}
    srv = Server([PY, "app.py"], {"DORPENMONITOR_DATABASE_URL": url}, tmp / f"server-{label}.log",
                 timeout=min(120, budget))
    t_end = time.monotonic() + budget
    try:
        out["first_200"] = srv.first_200
        if srv.first_200 is None:
            return out
        # The first 200 can come before Dash has registered the pages' callbacks (seen on main too): until then a
        # callback gets a 500 'Callback function not found'. Measured separately, and waited for.
        out["ready"] = srv.wait_ready()
        with urllib.request.urlopen(srv.base + "/_dash-dependencies", timeout=30) as resp:
            use_dependencies(json.loads(resp.read()))
        resp, ms = srv.post(map_request(SWITCH[0], None, None), timeout=max(5, t_end - time.monotonic()))
        out["first_map_after_launch"] = time.perf_counter() - srv.t0
        geo = resp["response"]["kaart-geo"]["data"]
        times = []
        for i in range(n):
            if time.monotonic() > t_end:
                break
            _, ms = srv.post(map_request(SWITCH[(i % (len(SWITCH) - 1)) + 1], geo),
                             timeout=max(5, t_end - time.monotonic()))
            times.append(ms)
        out["switch_http_ms"] = median(times)
        if browser:
            out.update(browser_paints(srv.base, tmp, n=5))
        # A few profiles too (Dash pages' routing callback, as the browser asks for a page), so the peak includes
        # what a visitor of the profile pages costs.
        profile_ms = []
        for code in AREAS[:3]:
            if time.monotonic() > t_end:
                break
            try:
                # The page's shell, then the callback that fills its body (what the browser asks next).
                _, ms = srv.post(page_request("/profiel", f"?code={code}"), timeout=max(5, t_end - time.monotonic()))
                _, ms_body = srv.post(profile_body_request(code), timeout=max(5, t_end - time.monotonic()))
                profile_ms.append(ms + ms_body)
            except OSError as exc:
                print(f"  ! profiel {code}: {exc}", file=sys.stderr)
        out["profile_http_ms"] = median(profile_ms)
    except Exception as exc:  # noqa: BLE001 - report the part that failed, keep the rest of the table
        print(f"  ! serveren ({label}): {exc}", file=sys.stderr)
    finally:
        out["rss_kb"] = srv.rss_kb()  # peak so far, also when a part failed or ran out of time
        srv.stop()
    if srv.errors:
        tail = srv.log.read_text(errors="replace")[-1500:]
        print(f"  ! server ({label}) gaf fouten: {srv.errors}\n{tail}", file=sys.stderr)
    return out


def minimal_first_200(tmp: Path, gunicorn: bool = False) -> float | None:
    """First 200 of the minimal Dash app: Dash's own dev server, or (``gunicorn``) the app's production server."""
    script = tmp / ("minimal_gunicorn_app.py" if gunicorn else "minimal_app.py")
    script.write_text(MINIMAL_GUNICORN_APP if gunicorn else MINIMAL_APP)
    env = {"MINI_WORKERS": str(get_settings().workers), "MINI_THREADS": str(THREADS_PER_WORKER)} if gunicorn else {}
    srv = Server([PY, str(script)], env, tmp / "server-minimal.log")
    srv.stop()
    return srv.first_200


def start_pairs(url: str, tmp: Path, n: int) -> tuple[float | None, float | None, float | None]:
    """Medians of ``n`` first-200s of the minimal Dash app (dev server; same gunicorn server as the app) and of
    ``python app.py``, started in turn.

    One start each swings by a factor of two on a busy machine; alternating starts share its load.
    """
    mini, mini_g, app = [], [], []
    for _ in range(n):
        mini.append(minimal_first_200(tmp))
        mini_g.append(minimal_first_200(tmp, gunicorn=True))
        srv = Server([PY, "app.py"], {"DORPENMONITOR_DATABASE_URL": url}, tmp / "server-start.log")
        srv.stop()
        app.append(srv.first_200)
    return tuple(median([x for x in xs if x is not None]) for xs in (mini, mini_g, app))  # type: ignore[return-value]


# -- browser ----------------------------------------------------------------------------------------------------

READY_JS = """
var done = arguments[arguments.length - 1], n = arguments[0], t_end = performance.now() + 60000;
(function poll() {
    var gd = document.querySelector('#kaart-graph .js-plotly-plot');
    var paths = document.querySelectorAll('#kaart-graph path.choroplethlocation').length;
    var z = gd && gd.data && gd.data[2] && gd.data[2].z;
    var coloured = z && z.some(function(v) { return v !== null; });
    if (paths >= n && coloured) {
        requestAnimationFrame(function() { done(performance.now()); });
    } else if (performance.now() > t_end) { done(-1); } else { requestAnimationFrame(poll); }
})();
"""

SWITCH_JS = """
var done = arguments[arguments.length - 1], ind = arguments[0];
var n0 = (window.kaartGeverfd || {n: 0}).n, t0 = performance.now(), t_end = t0 + 30000;
window.dash_clientside.set_props('kaart-indicator', {value: ind});
(function poll() {
    // poll runs in animation frames: the first one that finds the repaint done is the frame that paints it.
    if ((window.kaartGeverfd || {n: 0}).n > n0) { done(performance.now() - t0); }
    else if (performance.now() > t_end) { done(-1); } else { requestAnimationFrame(poll); }
})();
"""


def browser_paints(base: str, tmp: Path, n: int = 5) -> dict:
    """First map paint (ms after navigation start) and switch-until-painted (ms), medians of ``n``."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        return {"browser_error": "chromium/chromedriver ontbreken"}
    from selenium import webdriver
    from selenium.webdriver.remote.remote_connection import RemoteConnection

    RemoteConnection.set_timeout(120)
    profile = tempfile.mkdtemp(prefix="bench-chromium-", dir=tmp)
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--disable-sync", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(executable_path=driver_path, options=opts)
    driver.set_script_timeout(90)
    driver.set_page_load_timeout(60)
    out: dict = {}
    try:
        first_paint, switches = [], []
        for i in range(n):
            driver.get(f"{base}/?niveau=buurt&indicator={SWITCH[i % 2]}&jaar={JAAR}")
            ms = driver.execute_async_script(READY_JS, 700)
            if ms > 0:
                first_paint.append(ms)
        out["first_paint_cold_ms"] = first_paint[0] if first_paint else None
        out["first_paint_ms"] = median(first_paint)
        for i in range(n + 1):
            ms = driver.execute_async_script(SWITCH_JS, SWITCH[(i % (len(SWITCH) - 1)) + 1])
            if ms > 0 and i > 0:  # the first switch warms plotly's code paths: not counted
                switches.append(ms)
        out["switch_painted_ms"] = median(switches)
        out["switch_painted_n"] = len(switches)
    except Exception as exc:  # noqa: BLE001 - a bench reports, it does not crash on one part
        out["browser_error"] = str(exc)[:300]
    finally:
        driver.quit()
    return out


# -- synthetic national scale -----------------------------------------------------------------------------------

def build_synthetic(src: Path, dst: Path, target: int = SYNTH_TARGET, seed: int = 7) -> int:
    """SYNTHETIC: copy ``src`` and add copies of every real buurt (row, shapes, observations) up to ``target``.

    New codes ``BU<gemeente><4 digits>`` not used by a real buurt (the copies stay in their real wijk and gemeente,
    so every rule that reads the code still holds); shapes shifted east by a multiple of the monitor's width;
    observation values scaled by a random factor per copy and variable (counts stay integers). Returns the
    number of buurten.
    """
    import random

    shutil.copyfile(src, dst)
    rnd = random.Random(seed)
    con = sqlite3.connect(dst)
    regions = con.execute("SELECT code, name, level, gemeente_code, wijk_code FROM regions WHERE level='buurt'"
                          ).fetchall()
    copies = max(0, -(-target // len(regions)) - 1)
    used = {c for c, *_ in regions}
    next_num: dict[str, int] = {}

    def new_code(gm: str) -> str:
        k = next_num.get(gm, 0)
        while f"BU{gm[2:]}{k:04d}" in used:
            k += 1
        next_num[gm] = k + 1
        code = f"BU{gm[2:]}{k:04d}"
        used.add(code)
        return code

    bnd = con.execute("SELECT region_code, vintage, level, geometry, geometry_web, approximate, source_id "
                      "FROM boundaries WHERE level='buurt'").fetchall()
    by_code: dict[str, list] = {}
    for row in bnd:
        by_code.setdefault(row[0], []).append(row)
    width = 1.2  # degrees east per copy: the monitor is about one degree wide, so copies do not overlap

    def shift(text: str, dx: float) -> str:
        geom = json.loads(text)

        def move(c):
            if isinstance(c[0], int | float):
                return [round(c[0] + dx, 6), c[1]]
            return [move(x) for x in c]

        geom["coordinates"] = move(geom["coordinates"])
        return json.dumps(geom, separators=(",", ":"))

    obs = con.execute("SELECT o.region_code, o.period, o.variable, o.value, o.status, o.source_id FROM observations o "
                      "JOIN regions r ON r.code = o.region_code WHERE r.level='buurt'").fetchall()
    obs_by: dict[str, list] = {}
    for row in obs:
        obs_by.setdefault(row[0], []).append(row)
    n = len(regions)
    for c in range(1, copies + 1):
        reg_rows, bnd_rows, obs_rows = [], [], []
        factors: dict[str, float] = {}
        for code, name, level, gm, wk in regions:
            if n >= target:
                break
            nc = new_code(gm)
            n += 1
            reg_rows.append((nc, f"{name} (synthetisch {c})", level, gm, wk))
            for _, vintage, lvl, geom, web, approx, source in by_code.get(code, []):
                bnd_rows.append((nc, vintage, lvl, shift(geom, c * width), shift(web, c * width),
                                 approx, source))
            for _, period, variable, value, status, source in obs_by.get(code, []):
                f = factors.setdefault(variable, rnd.uniform(0.7, 1.3)) * rnd.uniform(0.9, 1.1)
                if value is not None:
                    value = round(value * f) if float(value).is_integer() else round(value * f, 3)
                obs_rows.append((nc, period, variable, value, status, source))
        con.executemany("INSERT INTO regions (code, name, level, gemeente_code, wijk_code) VALUES (?,?,?,?,?)",
                        reg_rows)
        con.executemany("INSERT INTO boundaries (region_code, vintage, level, geometry, geometry_web, approximate, "
                        "source_id) VALUES (?,?,?,?,?,?,?)", bnd_rows)
        con.executemany("INSERT INTO observations (region_code, period, variable, value, status, source_id) "
                        "VALUES (?,?,?,?,?,?)", obs_rows)
        if n >= target:
            break
    con.execute("UPDATE meta SET value = ? WHERE key = 'snapshot_loaded'", (f"synthetic-{time.time()}",))
    con.commit()
    con.close()
    return n


# -- the table --------------------------------------------------------------------------------------------------

def fmt_s(s: float | None) -> str:
    return "–" if s is None else (f"{s:.2f} s" if s < 10 else f"{s:.1f} s")


def fmt_ms(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"{ms:.0f} ms" if ms < 1000 else fmt_s(ms / 1000)


def fmt_mb(kb: int | None) -> str:
    return "–" if kb is None else f"{kb / 1024:.0f} MB"


@dataclass
class Row:
    """One line of the table. ``ok`` says whether ``value`` meets the target (None: no target); ``why`` is the
    known reason printed when it does not (or when the figure could not be measured in the time bound)."""

    measure: str
    today: str
    baseline: str
    new: str
    target: str = "–"
    value: float | None = None
    ok: Callable[[float], bool] | None = None
    why: str = ""

    def verdict(self) -> str:
        if self.ok is None:
            return "–"
        if self.value is None:
            return f"not measured{': ' + self.why if self.why else ''}"
        return "met" if self.ok(self.value) else f"GAP: {self.why or 'see the report'}"


def print_table(rows: list[Row]) -> None:
    head = ("measure", "today (issue 11)", "baseline in this run", "new", "target", "met / gap explained")
    cells = [(r.measure, r.today, r.baseline, r.new, r.target, r.verdict()) for r in rows]
    widths = [max(len(r[i]) for r in [head, *cells]) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells:
        print(line(r))


def at_most(limit: float) -> Callable[[float], bool]:
    return lambda v: v <= limit


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, no synthetic scale")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-synthetic", action="store_true")
    ap.add_argument("--synthetic-db", metavar="PAD",
                    help="keep the synthetic database (with its cube, minutes to compute) here and reuse it in later "
                         "runs; delete it after changing the snapshot or the indicators")
    ap.add_argument("--part", choices=["inproc", "profile-fresh"])
    ap.add_argument("--db")
    ap.add_argument("--n", type=int, default=15)
    ap.add_argument("--areas", default=",".join(AREAS[:5]))
    ap.add_argument("--budget", type=float, default=60)
    ap.add_argument("--code")
    ap.add_argument("--warm", action="store_true", help="profile-fresh: warm up as a gunicorn worker does first")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.part == "inproc":
        print(json.dumps(part_inproc(args.db, args.n, args.areas.split(","), args.budget)))
        return 0
    if args.part == "profile-fresh":
        print(json.dumps(part_profile_fresh(args.db, args.code, warm=args.warm)))
        return 0

    started = time.monotonic()
    n = 6 if args.quick else 15
    n_areas = 5
    src = ROOT / "data" / "dorpenmonitor.sqlite"
    if not src.exists():
        print("Geen database: draai eerst `dorpenmonitor etl load-snapshot` (make bench doet dat).", file=sys.stderr)
        return 1
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="dm-bench-") as tmpdir:
        tmp = Path(tmpdir)
        db = tmp / "snapshot.sqlite"
        shutil.copyfile(src, db)  # the bench writes load stamps: never into the worktree's database
        url = f"sqlite:///{db}"
        say = lambda msg: print(f"[{time.monotonic() - started:5.0f} s] {msg}", file=sys.stderr)  # noqa: E731

        say("python -c pass, export (hele proces)")
        py_start = timed_process([PY, "-c", "pass"], repeat=5)
        export_cpu: list[float] = []
        export_s = timed_process([CLI, "export", "--niveau", "buurt", "--jaar", str(JAAR), "--database", url,
                                  "-o", str(tmp / "export.csv")], repeat=3, cpu=export_cpu)
        say("load-snapshot in een lege database")
        load_db = tmp / "load.sqlite"
        load_s = timed_process([CLI, "etl", "load-snapshot"], repeat=1, timeout=300,
                               env={**os.environ, "DORPENMONITOR_DATABASE_URL": f"sqlite:///{load_db}"})
        say("testclient: wissel, payload, profielen na herladen")
        inproc = run_part(["--part", "inproc", "--db", url, "--n", str(n), "--areas", ",".join(AREAS[:n_areas])],
                          timeout=300) or {}
        say("profielen in een vers proces")
        fresh = [r["ms"] for code in AREAS[:n_areas]
                 if (r := run_part(["--part", "profile-fresh", "--db", url, "--code", code, "--warm"], timeout=120))]
        unwarmed = [r["ms"] for code in AREAS[:3]
                    if (r := run_part(["--part", "profile-fresh", "--db", url, "--code", code], timeout=120))]
        starts = 3 if args.quick else 5
        say(f"minimale Dash-app en de app om en om starten ({starts}×)")
        mini_dev_200, mini_200, app_200 = start_pairs(url, tmp, starts)
        say("de app serveren (+ Chromium)")
        served = serve_and_measure(url, tmp, n, browser=not args.no_browser, label="snapshot")

        ratio = (inproc["wire"] / inproc["bare"]) if inproc.get("wire") and inproc.get("bare") else None
        first_200, ready = served.get("first_200"), served.get("ready")
        rows += [
            Row("indicator switch, HTTP (Flask test client), server", "~50 ms",
                f"{fmt_ms(inproc.get('mini_ms'))} (minimal Dash callback)", fmt_ms(inproc.get("switch_ms"))),
            Row("indicator switch, HTTP (real server, loopback)", "~50 ms",
                f"{fmt_ms(inproc.get('mini_ms'))} (minimal callback, test client)",
                fmt_ms(served.get("switch_http_ms"))),
            Row(f"profile never viewed, fresh worker after its start-up warm-up (median of {len(fresh)})",
                "2.1–2.9 s (13–25 s first)", f"{fmt_ms(inproc.get('profile_again_ms'))} (same area again)",
                fmt_ms(median(fresh)), "≤ 150 ms", median(fresh), at_most(150),
                "one cube read plus the page's layout and charts; check the machine's load (baseline columns)"),
            Row(f"  same, in the worker's first ~0.5 s, before the warm-up (median of {len(unwarmed)})", "–",
                f"{fmt_ms(median(fresh))} (warmed)", fmt_ms(median(unwarmed)), "–", None, None,
                "pays the first import of pandas/numpy (lazy since the start-up work)"),
            Row(f"profile never viewed, right after reload (median of {inproc.get('profile_after_reload_n', 0)})",
                "13.3–25 s", f"{fmt_ms(inproc.get('profile_again_ms'))} (same area again)",
                fmt_ms(inproc.get("profile_after_reload_ms")), "≤ 150 ms", inproc.get("profile_after_reload_ms"),
                at_most(150), "one cube read plus the page's layout and charts; check the machine's load"),
            Row(f"vergelijken, 4 random areas, HTTP (test client), warm (median of {inproc.get('compare_n', 0)})",
                "~200 ms CPU; 10 rps under load", f"{fmt_ms(inproc.get('mini_ms'))} (minimal Dash callback)",
                f"{fmt_ms(inproc.get('compare_ms'))} ({fmt_ms(inproc.get('compare_cpu_ms'))} CPU, "
                f"{(inproc.get('compare_bytes') or 0) / 1000:.0f} kB)", "≤ 20 ms", inproc.get("compare_ms"),
                at_most(20), "one cube read, the table, 4 panels as dicts and 'lijkt op'; busy machine?"),
            Row("export buurt × 2024, whole process (median of 3)", "3.3 s", f"{fmt_s(py_start)} (python -c pass)",
                f"{fmt_s(export_s)} (CPU {fmt_s(median(export_cpu))})", "≤ 1.5 s", export_s, at_most(1.5),
                "wall above the CPU figure (user+sys) is waiting for a core: a busy machine. Python and "
                "SQLAlchemy start-up is most of the CPU (no pandas: rows go out through the csv module)"),
            Row(f"indicator switch painted in Chromium (median of {served.get('switch_painted_n', 0)})", "0.86 s",
                f"{fmt_ms(served.get('switch_http_ms'))} (its HTTP round trip)",
                fmt_ms(served.get("switch_painted_ms")), "≤ 250 ms", served.get("switch_painted_ms"), at_most(250),
                "round trip + Dash applying 18 outputs and redrawing legend and ranked table; the repaint itself "
                "is ~10 ms (assets/kaart_verf.js)" if not args.no_browser else "--no-browser"),
            Row("first map paint in Chromium (ms after navigation; median of 5)", "–",
                f"{fmt_ms(served.get('first_paint_cold_ms'))} (first, cold cache)",
                fmt_ms(served.get("first_paint_ms"))),
            Row(f"first 200 on / after start (median of {starts}, started in turn)", "5.3 s",
                f"{fmt_s(mini_200)} (minimal Dash app, same gunicorn server; "
                f"{fmt_s(mini_dev_200)} on Dash's dev server)", fmt_s(app_200),
                f"≤ 2× minimal = {fmt_s(2 * mini_200) if mini_200 else '–'}",
                app_200 / mini_200 if app_200 and mini_200 else None, at_most(2.0),
                "SQLAlchemy (~0.2 s of CPU) and the pages' own modules, which a minimal Dash app does not import "
                "(pandas, numpy, shapely and rapidfuzz load after the start: dorpenmonitor.lazy)"),
            Row("all callbacks registered (/_dash-dependencies), after launch", "~2 s after first 200",
                f"{fmt_s(first_200)} (first 200)", fmt_s(ready), "at the first 200",
                (ready - first_200) if ready and first_200 else None, at_most(0.5),
                "a worker registers every callback before it answers (app.wsgi_app)"),
            Row("first map callback answered, after launch", "9.3 s", f"{fmt_s(first_200)} (first 200)",
                fmt_s(served.get("first_map_after_launch"))),
            Row("profile page callback over HTTP (3 areas, after map + switches)", "–",
                f"{fmt_ms(served.get('switch_http_ms'))} (a switch)", fmt_ms(served.get("profile_http_ms")),
                "≤ 150 ms", served.get("profile_http_ms"), at_most(150), "HTTP and the page's layout on top of the "
                "cube read"),
            Row("switch payload on the wire (gzip)", "3.7× bare values",
                (f"{inproc['bare'] / 1024:.1f} kB values+ranks gzip; values only "
                 f"{inproc['bare_values_only'] / 1024:.1f} kB" if inproc.get("bare") else "–"),
                f"{ratio:.2f}× ({inproc['wire'] / 1024:.1f} kB)" if ratio else "–", "≤ 2.5×", ratio, at_most(2.5),
                "the restyle store (values, ranks, colourscale, hover) is most of it; the ranked table's areas go "
                "once per geometry, a switch adds ~0.2 kB for the table (was ~10 kB: 6.63× before)"),
            Row("etl load-snapshot incl. the indicator cube, 753 buurten", "4.1 s (no cube)",
                f"{fmt_s(py_start)} (python -c pass)", fmt_s(load_s), "≤ 30 s", load_s, at_most(30),
                "~22 s of CPU (shapes, observations, the cube over all levels × years); a busy machine adds the "
                "rest"),
            Row("peak RSS, serving process (largest gunicorn worker, 753 buurten)", "–",
                f"{fmt_mb(inproc.get('rss_kb'))} (test-client process)", fmt_mb(served.get("rss_kb"))),
        ]
        say("issue 9: trendcallback dorp, crosswalk")
        rows += series_rows(url, n)
        if served.get("browser_error"):
            print(f"  ! browser: {served['browser_error']}", file=sys.stderr)

        if not (args.quick or args.no_synthetic):
            # The whole bench stays under ten minutes: each synthetic part gets what is left of that, at most its own.
            left = lambda cap: max(10.0, min(cap, 570 - (time.monotonic() - started)))  # noqa: E731
            prepared = Path(args.synthetic_db) if args.synthetic_db else None
            synth = prepared or tmp / "synthetic.sqlite"
            build_s = cube_s = None
            if prepared and prepared.exists():
                say(f"SYNTHETISCH: voorbereide database {prepared} (met kubus) hergebruikt")
                with sqlite3.connect(prepared) as con:
                    n_buurten = con.execute("SELECT count(*) FROM regions WHERE level='buurt'").fetchone()[0]
                cube_s = 0.0
            else:
                say(f"SYNTHETISCH: database met ~{SYNTH_TARGET} buurten bouwen")
                t = time.perf_counter()
                n_buurten = build_synthetic(db, synth)
                build_s = time.perf_counter() - t
                say(f"SYNTHETISCH: {n_buurten} buurten in {build_s:.0f} s; indicatorkubus berekenen (etl recompute)")
                # The app and export read the cube: without it the copies would have no figures (data layer
                # included). At 15,000 buurten this is the longest step (minutes, GBs): --synthetic-db keeps it.
                cube_s = timed_process([CLI, "--database-url", f"sqlite:///{synth}", "etl", "recompute"], repeat=1,
                                       timeout=left(300))
                if cube_s is None and prepared:
                    prepared.unlink(missing_ok=True)  # half-built: never reuse it
            surl = f"sqlite:///{synth}"
            no_cube = cube_s is None
            say("SYNTHETISCH: geen kubus binnen de tijd: metingen overgeslagen" if no_cube else "SYNTHETISCH: export")
            s_export_cpu: list[float] = []
            s_export = None if no_cube else timed_process(
                [CLI, "export", "--niveau", "buurt", "--jaar", str(JAAR), "--database", surl,
                 "-o", str(tmp / "export-synth.csv")], repeat=3, timeout=left(90) / 3, cpu=s_export_cpu)
            say("SYNTHETISCH: testclient + profielen na herladen (begrensd)")
            s_inproc = {} if no_cube else run_part(
                ["--part", "inproc", "--db", surl, "--n", "5", "--areas", ",".join(AREAS[:n_areas]), "--budget", "40"],
                timeout=left(150)) or {}
            say("SYNTHETISCH: profiel in een vers proces (één, begrensd)")
            s_fresh = None if no_cube else run_part(["--part", "profile-fresh", "--db", surl, "--code", AREAS[0],
                                                     "--warm"], timeout=left(90))
            say("SYNTHETISCH: serveren")
            s_served = {} if no_cube else serve_and_measure(surl, tmp, 3, browser=False, label="synthetic",
                                                            budget=left(150))
            tag = f"SYNTHETIC {n_buurten} buurten"
            stopped = ("stopped: the synthetic cube (etl recompute) did not finish within the 10-minute bound; "
                       "prepare it once with --synthetic-db" if no_cube else "stopped by the 10-minute bound")
            s_rss = s_served.get("rss_kb")
            rows += [
                Row(f"[{tag}] profile never viewed, fresh worker after its warm-up (1 area)", "77 s",
                    f"{fmt_ms(s_inproc.get('profile_again_ms'))} (same area again)",
                    fmt_ms(s_fresh["ms"]) if s_fresh else stopped, "≤ 500 ms", s_fresh["ms"] if s_fresh else None,
                    at_most(500), stopped if not s_fresh else "HTML layout of the profile, not the cube read"),
                Row(f"[{tag}] profile never viewed, after reload (median of "
                    f"{s_inproc.get('profile_after_reload_n', 0)})", "98 s",
                    f"{fmt_ms(s_inproc.get('profile_again_ms'))} (same area again)",
                    fmt_ms(s_inproc.get("profile_after_reload_ms")), "≤ 500 ms",
                    s_inproc.get("profile_after_reload_ms"), at_most(500), stopped if not s_inproc else ""),
                Row(f"[{tag}] export buurt × 2024, whole process (median of 3)", "32 s",
                    f"{fmt_s(py_start)} (python -c pass)",
                    f"{fmt_s(s_export)} (CPU {fmt_s(median(s_export_cpu))})" if s_export else stopped, "≤ 5 s",
                    s_export, at_most(5),
                    stopped if not s_export else "wall above the CPU figure (user+sys) is waiting for a core: a busy "
                    "machine. ~700,000 rows: reading them from the cube (~1.5 s CPU) and the csv module (~1 s)"),
                Row(f"[{tag}] indicator switch, HTTP (test client)", "–",
                    f"{fmt_ms(inproc.get('switch_ms'))} (753 buurten)", fmt_ms(s_inproc.get("switch_ms"))),
                Row(f"[{tag}] first map callback answered, after launch", "18 s (after reload)",
                    f"{fmt_s(s_served.get('first_200'))} (first 200)",
                    fmt_s(s_served.get("first_map_after_launch"))),
                Row(f"[{tag}] peak RSS, serving process", "2.2 GB", f"{fmt_mb(served.get('rss_kb'))} (753 buurten)",
                    fmt_mb(s_rss), "≤ 400 MB", s_rss / 1024 if s_rss else None, at_most(400),
                    stopped if not s_rss else "per worker: geometry and the level's cube rows in memory"),
                Row(f"[{tag}] building the synthetic database + its cube (bench set-up)", "–", "–",
                    f"reused {prepared}" if build_s is None else
                    f"{fmt_s(build_s)} + cube {fmt_s(cube_s) if cube_s is not None else 'stopped'}"),
            ]
        say("klaar")
    print()
    print("Dorpenmonitor bench (issue 11): medians on this machine; 'today' = the figures in the issue, measured on "
          "main before this work; 'baseline' = a reference measured in this same run.")
    print("Rows marked [SYNTHETIC ...] use made-up buurten (real rows copied with new codes, shifted shapes and "
          "randomly scaled values): their figures say how the code scales, never anything about real areas."
          if any(r.measure.startswith("[SYNTHETIC") for r in rows) else
          "No synthetic rows in this run (--quick or --no-synthetic): the national-scale targets were not measured.")
    print_table(rows)
    print(f"\nTotal bench time: {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
