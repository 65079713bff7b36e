"""``make loadtest``: the dashboard under load on loopback, production server vs Dash's dev server.

Starts real servers on free loopback ports (gunicorn on the snapshot in SQLite,
gunicorn on PostgreSQL in a throwaway cluster run as the ``postgres`` user, and
the dev server as baseline), then drives each scenario with 1, 8 and 32
threaded clients for a fixed time and prints requests per second and
p50/p95/p99. Callback bodies are built from the server's own
``/_dash-dependencies``. Last, a reload under load: 8 clients switch the map
while the snapshot is reloaded 10 times, alternating a copy in which one
figure is changed (labelled synthetic: Assen's population density set to
987654); each time it counts how long until the new value is served.

Bounded: ``SECONDS`` per cell, loopback only, well under 10 minutes.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).with_name("dorpenmonitor"))
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "4"))
CLIENTS = (1, 8, 32)
SWITCH = ("bevolkingsdichtheid", "aandeel_65plus", "woz_gemiddeld", "aandeel_koopwoningen", "inkomen_per_inwoner",
          "afstand_huisarts", "huishoudensgrootte")
MARKER = 987654.0  # synthetic: the changed figure in the reload test


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One server process on a free loopback port."""

    def __init__(self, label: str, db_url: str, dev: bool = False, workers: int = 2):
        self.label, self.port, self.started = label, free_port(), time.time()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DORPENMONITOR_DATABASE_URL": db_url, "DORPENMONITOR_PORT": str(self.port),
               "DORPENMONITOR_HOST": "127.0.0.1", "DORPENMONITOR_DEBUG": "0"}
        args = [EXE, "serve", "--dev"] if dev else [EXE, "serve", "--workers", str(workers)]
        self.log = tempfile.NamedTemporaryFile("w+", prefix="loadtest-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(args, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready(label)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, label: str) -> None:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"{label} kwam niet op; log: {self.log.name}")
        # Measure the warm server (as after a real start): until 6 answers in a row, from any worker, say warm.
        streak, deadline = 0, time.time() + 180
        while streak < 6 and time.time() < deadline:
            try:  # while a worker warms, its /healthz can take seconds (the warm-up holds the GIL)
                warm = requests.get(self.base + "/healthz", timeout=30).json().get("warm")
            except requests.RequestException:
                warm = False
            streak = streak + 1 if warm else 0
            time.sleep(0.2)
        self.warm_after = time.time() - self.started
        self.deps = {d["output"]: d for d in requests.get(self.base + "/_dash-dependencies", timeout=30).json()}

    def body(self, output_prefix: str, values: dict[str, object], changed: str) -> dict:
        key = next(k for k in self.deps if k.startswith(output_prefix))
        dep = self.deps[key]
        outs = [o.rsplit(".", 1) for o in key.strip(".").split("...")] if key.startswith("..") else [key.rsplit(".", 1)]
        return {
            "output": key,
            "outputs": [{"id": i, "property": p} for i, p in outs] if key.startswith("..") else
            {"id": outs[0][0], "property": outs[0][1]},
            "inputs": [{"id": d["id"], "property": d["property"], "value": values.get(d["id"])} for d in dep["inputs"]],
            "state": [{"id": d["id"], "property": d["property"], "value": values.get(d["id"])} for d in dep["state"]],
            "changedPropIds": [changed],
        }

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def scenarios(server: Server, codes: list[str]) -> dict[str, Callable[[random.Random], dict]]:
    def map_switch(rnd):
        return server.body("..kaart-graph.figure...", {
            "kaart-niveau": "buurt", "kaart-indicator": rnd.choice(SWITCH), "kaart-jaar": 2024,
            "kaart-klassen": "kwantielen", "kaart-gemeente": "", "kaart-achtergrond": []}, "kaart-indicator.value")

    def profile(rnd):
        return server.body("..profiel-inhoud.children", {"profiel-code": rnd.choice(codes)}, "profiel-code.data")

    def compare(rnd):
        return server.body("..vergelijken-inhoud.children", {"vergelijken-gebieden": rnd.sample(codes, 4),
                                                              "vergelijken-indicatoren": None},
                           "vergelijken-gebieden.value")

    def trends(rnd):
        return server.body("..trends-graph.figure", {"trends-indicator": rnd.choice(SWITCH),
                                                     "trends-gebieden": [rnd.choice(codes)],
                                                     "trends-vergelijk": ["gemeente", "drenthe"]},
                           "trends-indicator.value")

    return {"kaartwissel": map_switch, "profiel (wisselende gebieden)": profile, "vergelijken": compare,
            "trends": trends}


def drive(server: Server, make: Callable[[random.Random], dict], clients: int, seconds: float) -> dict:
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(seed: int) -> None:
        rnd = random.Random(seed)
        sess = requests.Session()
        while time.perf_counter() < stop:
            body = make(rnd)
            t = time.perf_counter()
            try:
                r = sess.post(server.base + "/_dash-update-component", json=body, timeout=60)
                ok = r.status_code in (200, 204)
            except requests.RequestException:
                ok = False
            ms = (time.perf_counter() - t) * 1000
            with lock:
                lat.append(ms)
                errors[0] += not ok

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    took = time.perf_counter() - t0
    arr = np.array(lat) if lat else np.array([np.nan])
    return {"n": len(lat), "rps": len(lat) / took, "p50": np.percentile(arr, 50), "p95": np.percentile(arr, 95),
            "p99": np.percentile(arr, 99), "errors": errors[0]}


def run_table(server: Server, codes: list[str]) -> list[dict]:
    rows = []
    for name, make in scenarios(server, codes).items():
        for clients in CLIENTS:
            r = drive(server, make, clients, SECONDS)
            rows.append({"server": server.label, "scenario": name, "clients": clients, **r})
            print(f"  {server.label:24s} {name:30s} {clients:3d} clients: {r['rps']:7.1f} rps  p50 {r['p50']:7.0f} "
                  f"p95 {r['p95']:7.0f} p99 {r['p99']:7.0f} ms  fouten {r['errors']}", flush=True)
    return rows


def area_codes(db_url: str) -> list[str]:
    eng = sa.create_engine(db_url)
    with eng.connect() as c:
        rows = c.execute(sa.text("SELECT DISTINCT region_code FROM observations WHERE period = 2024 "
                                 "AND variable = 'inwoners' AND status = 'ok'")).all()
    eng.dispose()
    return sorted(r[0] for r in rows)


def changed_snapshot(dest: Path) -> Path:
    """A copy of the snapshot with one synthetic figure (Assen's density), checksums resealed."""
    snap = dest / "snapshot-gewijzigd"
    shutil.copytree(ROOT / "data" / "snapshot", snap)
    csv = snap / "kwb_2024_85984NED_dertje.csv"
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    df.loc[df["Codering_3"].str.strip() == "GM0106", "Bevolkingsdichtheid_34"] = str(int(MARKER))
    df.to_csv(csv, index=False)
    manifest = json.loads((snap / "sources.json").read_text())
    for e in manifest["sources"]:
        e["sha256"] = hashlib.sha256((snap / e["file"]).read_bytes()).hexdigest()
    (snap / "sources.json").write_text(json.dumps(manifest, indent=1))
    return snap


def reload_under_load(server: Server, db_url: str, tmp: Path, rounds: int = 10) -> tuple[int, list[float], int]:
    """Reload ``rounds`` times under 8 clients; per reload, seconds until the served value matches the data."""
    snaps = [changed_snapshot(tmp), ROOT / "data" / "snapshot"]
    make = scenarios(server, [])["kaartwissel"]
    stop = threading.Event()
    errors = [0]

    def load() -> None:
        rnd = random.Random(1)
        sess = requests.Session()
        while not stop.is_set():
            r = sess.post(server.base + "/_dash-update-component", json=make(rnd), timeout=60)
            errors[0] += r.status_code not in (200, 204)

    probe = server.body("..kaart-graph.figure...", {
        "kaart-niveau": "gemeente", "kaart-indicator": "bevolkingsdichtheid", "kaart-jaar": 2024,
        "kaart-klassen": "kwantielen", "kaart-gemeente": "", "kaart-achtergrond": []}, "kaart-indicator.value")

    def shows_marker() -> bool:
        return str(int(MARKER)) in requests.post(server.base + "/_dash-update-component", json=probe, timeout=60).text

    threads = [threading.Thread(target=load, daemon=True) for _ in range(8)]
    for th in threads:
        th.start()
    good, waits = 0, []
    try:
        for i in range(rounds):
            snap = snaps[i % 2]
            want = i % 2 == 0
            done = subprocess.run([EXE, "--database-url", db_url, "etl", "load-snapshot", "--snapshot", str(snap)],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                print("  herladen mislukt:", done.stderr.strip()[:200])
                continue
            t = time.perf_counter()
            while time.perf_counter() - t < 15:
                if shows_marker() == want:
                    break
                time.sleep(0.2)
            wait = time.perf_counter() - t
            waits.append(wait)
            # Still right a few seconds later: no request from the old data wrote into the new cache.
            time.sleep(2)
            stable = all(shows_marker() == want for _ in range(5))
            good += wait <= 5 and stable
            print(f"  herlading {i + 1}: nieuwe gegevens na {wait:.1f} s{'' if stable else ', daarna weer oud!'}",
                  flush=True)
    finally:
        stop.set()
        for th in threads:
            th.join(70)
    return good, waits, errors[0]


def start_postgres(tmp: Path) -> tuple[str, Callable[[], None]] | None:
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins:
        print("PostgreSQL niet gevonden: die rij valt weg.")
        return None
    pg = bins[-1].parent
    base = tmp / "pg"
    base.mkdir()
    os.chmod(tmp, 0o777)
    os.chmod(base, 0o777)
    port = free_port()
    as_pg = ["su", "postgres", "-s", "/bin/sh", "-c"] if os.geteuid() == 0 else ["sh", "-c"]
    subprocess.run([*as_pg, f"{pg}/initdb -D {base}/data -A trust -U postgres --no-sync >/dev/null"], check=True)
    subprocess.run([*as_pg, f"{pg}/pg_ctl -D {base}/data -l {base}/log -w -o '-p {port} -k {base} "
                    f"-c listen_addresses=127.0.0.1 -c fsync=off' start >/dev/null"], check=True)

    def stop() -> None:
        subprocess.run([*as_pg, f"{pg}/pg_ctl -D {base}/data -m immediate stop >/dev/null"], check=False)

    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop


def main() -> int:
    started = time.time()
    tmp = Path(tempfile.mkdtemp(prefix="dm-loadtest-"))
    sqlite_url = f"sqlite:///{tmp / 'loadtest.sqlite'}"
    subprocess.run([EXE, "--database-url", sqlite_url, "etl", "load-snapshot"], check=True, capture_output=True)
    codes = area_codes(sqlite_url)
    rows: list[dict] = []
    print(f"Belastingstest op loopback, {SECONDS:.0f} s per cel, {os.cpu_count()} kernen.", flush=True)
    for label, url, dev in (("gunicorn -w 2 (SQLite)", sqlite_url, False), ("dev-server (SQLite)", sqlite_url, True)):
        server = Server(label, url, dev=dev)
        try:
            rows += run_table(server, codes)
        finally:
            server.stop()
    pg = start_postgres(tmp)
    reload = None
    try:
        if pg:
            pg_url, _ = pg
            subprocess.run([EXE, "--database-url", pg_url, "etl", "load-snapshot"], check=True, capture_output=True)
            server = Server("gunicorn -w 2 (PostgreSQL)", pg_url)
            try:
                rows += run_table(server, codes)
            finally:
                server.stop()
        server = Server("gunicorn -w 2 (SQLite)", sqlite_url)
        try:
            reload = reload_under_load(server, sqlite_url, tmp)
        finally:
            server.stop()
    finally:
        if pg:
            pg[1]()
    print("\n| server | scenario | clients | rps | p50 ms | p95 ms | p99 ms | fouten |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['server']} | {r['scenario']} | {r['clients']} | {r['rps']:.1f} | {r['p50']:.0f} | "
              f"{r['p95']:.0f} | {r['p99']:.0f} | {r['errors']} |")
    if reload:
        good, waits, errs = reload
        print(f"\nTijdens herladen onder belasting (8 clients): nieuwe gegevens binnen 5 s in {good} van 10 "
              f"(wachttijden {', '.join(f'{w:.1f}' for w in waits)} s), fouten onder belasting: {errs}.")
    print(f"Totale duur {time.time() - started:.0f} s. De gewijzigde waarde in de herlaadtest is synthetisch.")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
