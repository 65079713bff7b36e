"""Benchmark: what an indicator switch on the map costs, against a naive full-figure callback.

Prints figures, asserts nothing. Three parts:

1. Snapshot scale (753 buurten, real data): the map callback as the browser
   calls it (Flask test client: the whole JSON response, raw and gzip) and the
   callback function itself (server ms), against "the values alone" and
   against a naive callback that returns a full ``px.choropleth_map`` figure
   with the geometry, measured in the same run.
2. National scale with ~14,600 SYNTHETIC buurten (the real polygons tiled with
   offsets, random values and statuses): the same Patch-building code against
   the naive figure.
3. First page load at snapshot scale, gzip: index, _dash-layout,
   _dash-dependencies, every script and stylesheet, async chunks, the
   topojson stub, the initial map callback response and the GeoJSON files the
   browser fetches for the map.

"The values alone" is the JSON of the per-area numbers the view has to
deliver: the list of values (rounded to the indicator's decimals, null where
there is none) and the list of ranks in the gemeente (null where unranked),
two parallel arrays without codes (their order is fixed by the geometry).
The ratio against the values list only is printed too.

Targets (issue "Dashboard"): switch payload <= 1.5x the values alone; p50
server time <= 10 ms (snapshot) / <= 100 ms (national); first load < 1 MB gzip.

Usage: python bench/bench_switch.py [--db sqlite:///path] [--repeat 40]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.express as px
from dash import Patch
from plotly.io.json import to_json_plotly

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from dashboard import data  # noqa: E402
from dorpenmonitor.store import Store, get_store  # noqa: E402
from pages.kaart import figures  # noqa: E402

#: The outputs of pages.kaart.page.draw_map, as the browser names them in the request.
OUTPUTS = [{"id": "kaart-graph", "property": "figure"}, {"id": "kaart-geo", "property": "data"},
           {"id": "kaart-legenda-data", "property": "data"}, {"id": "kaart-titel", "property": "children"},
           {"id": "kaart-noot-grens", "property": "children"}, {"id": "kaart-bron", "property": "children"}]
MAP_OUTPUT = ".." + "...".join(f"{o['id']}.{o['property']}" for o in OUTPUTS) + ".."
#: Switched between in turn. woz_gemiddeld has many 'geheim' buurten, misdrijven_per_1000 many 'onbetrouwbaar'.
SWITCH = ("bevolkingsdichtheid", "aandeel_65plus", "woz_gemiddeld", "aandeel_koopwoningen", "inkomen_per_inwoner",
          "afstand_huisarts", "misdrijven_per_1000", "huishoudensgrootte")
JAAR = 2024


def kb(n: float) -> str:
    return f"{n / 1024:7.1f} kB"


def gz(b: bytes) -> int:
    return len(gzip.compress(b, 6))


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q))


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def values_alone(frame: pd.DataFrame, locations: list[str], decimals: int) -> tuple[bytes, bytes]:
    """(values + ranks, values only) as JSON: what the view must deliver per area, in geometry order."""
    df = frame.drop_duplicates("code").set_index("code").reindex(locations)
    shown = df["status"].isin(["ok", "onbetrouwbaar"]) & df["waarde"].notna()
    vals = [(int(v) if decimals <= 0 else float(v)) if ok else None
            for v, ok in zip(df["waarde"].round(max(decimals, 0)).tolist(), shown.tolist(), strict=True)]
    ranks = [None if pd.isna(r) else int(r) for r in df["rank_in_gemeente"].tolist()]
    return compact([vals, ranks]), compact(vals)


def map_request(niveau: str, indicator: str, jaar: int, geo: dict | None) -> dict:
    inputs = [("kaart-niveau", niveau), ("kaart-indicator", indicator), ("kaart-jaar", jaar),
              ("kaart-klassen", "kwantielen"), ("kaart-gemeente", ""), ("kaart-achtergrond", [])]
    return {
        "output": MAP_OUTPUT, "outputs": OUTPUTS,
        "inputs": [{"id": i, "property": "value", "value": v} for i, v in inputs],
        "changedPropIds": ["kaart-indicator.value"],
        "state": [{"id": "kaart-gebied", "property": "value", "value": None},
                  {"id": "kaart-geo", "property": "data", "value": geo}],
    }


def post(client, body: dict, headers: dict | None = None) -> tuple[bytes, float, str]:
    t = time.perf_counter()
    resp = client.post("/_dash-update-component", json=body, headers=headers or {})
    ms = (time.perf_counter() - t) * 1000
    if resp.status_code != 200:
        raise RuntimeError(f"callback gaf {resp.status_code}: {resp.get_data(as_text=True)[:300]}")
    return resp.get_data(), ms, resp.headers.get("Content-Encoding") or "-"


def naive_figure(frame: pd.DataFrame, geojson: dict, title: str) -> bytes:
    """What a straightforward callback returns: a whole px.choropleth_map with the geometry, as JSON."""
    fig = px.choropleth_map(frame, geojson=geojson, locations="code", featureidkey="id", color="waarde",
                            hover_name="naam", color_continuous_scale="YlOrRd", map_style="white-bg",
                            zoom=8, center={"lat": 52.8, "lon": 6.6}, title=title)
    return to_json_plotly(fig).encode()


def timed(fn, *args) -> tuple[object, float]:
    t = time.perf_counter()
    out = fn(*args)
    return out, (time.perf_counter() - t) * 1000


def snapshot_scale(app, repeat: int) -> None:
    import pages.kaart.page as kaart  # registered by create_app

    client = app.server.test_client()
    client.get("/")
    first, _, _ = post(client, map_request("buurt", SWITCH[0], JAAR, None))
    geo = json.loads(first)["response"]["kaart-geo"]["data"]
    vintage = geo["key"].split("|")[1]
    geom = data.geometry("buurt", vintage)
    geojson = json.loads(data.geo_file("buurt", vintage).raw)  # the served file, for the naive figure
    for ind in SWITCH:  # warm the value caches: a switch back and forth is the case measured
        post(client, map_request("buurt", ind, JAAR, geo))

    rows = []
    for ind in SWITCH:
        body, _, _ = post(client, map_request("buurt", ind, JAAR, geo))
        fig_part = json.loads(body)["response"]["kaart-graph"]["figure"]
        assert fig_part.get("__dash_patch_update"), "switch must answer with a Patch"
        paths = {tuple(op["location"]) for op in fig_part["operations"]}
        patch_bytes = compact(fig_part)
        both, only = values_alone(data.values(ind, "buurt", JAAR), geom["locations"], data.indicator(ind).decimals)
        rows.append((ind, len(body), gz(body), len(patch_bytes), len(both), len(only), gz(both)))
    print(f"== 1. Snapshotschaal: {len(geom['locations'])} buurten (echte gegevens), wissel van indicator ==")
    print("   Waarden alleen = JSON [waarden, rangen]: twee parallelle lijsten zonder codes (volgorde = geometrie).")
    print("   Respons = hele callbackrespons zoals de browser hem krijgt: Patch + legenda als data (de browser tekent")
    print("   hem) + titel + bronregel; store en grensnoot alleen bij andere geometrie (hier: ongewijzigd).")
    print("   Patch = alleen de figuur-update (kaart-graph.figure) daarin.")
    print(f"   {'indicator':22s} {'respons':>10s} {'gzip':>10s} {'Patch':>10s} {'waarden+rang':>12s} "
          f"{'resp/w+r':>9s} {'Patch/w+r':>9s} {'resp/w':>7s} {'gzip resp/w+r':>14s}")
    for ind, resp, resp_gz, patch, both, only, both_gz in rows:
        print(f"   {ind:22s} {kb(resp)} {kb(resp_gz)} {kb(patch)} {kb(both):>12s} "
              f"{resp / both:8.2f}x {patch / both:8.2f}x {resp / only:6.2f}x {resp_gz / both_gz:13.2f}x")
    print(f"   Wissel-Patch bevat alleen: {sorted(paths)}")
    print(f"   Overige outputs in de wisselrespons: {sorted(json.loads(body)['response'])}")
    med = statistics.median
    print(f"   p50 over {len(rows)} indicatoren: hele respons/waarden+rang {med(r[1] / r[4] for r in rows):.2f}x"
          f" (max {max(r[1] / r[4] for r in rows):.2f}x; doel <= 1,5x), alleen Patch/waarden+rang "
          f"{med(r[3] / r[4] for r in rows):.2f}x, hele respons/alleen waarden "
          f"{med(r[1] / r[5] for r in rows):.2f}x")

    fn_ms, http_ms = [], []
    for i in range(repeat):
        ind = SWITCH[i % len(SWITCH)]
        t = time.perf_counter()
        out = kaart.draw_map("buurt", ind, JAAR, "kwantielen", "", [], None, geo)
        to_json_plotly(list(out))  # Dash serialises the outputs the same way
        fn_ms.append((time.perf_counter() - t) * 1000)
        _, ms, _ = post(client, map_request("buurt", ind, JAAR, geo))
        http_ms.append(ms)
    print(f"   Servertijd wissel, callbackfunctie + JSON: p50 {pct(fn_ms, 50):.1f} ms, p90 {pct(fn_ms, 90):.1f} ms; "
          f"via Flask test client: p50 {pct(http_ms, 50):.1f} ms, p90 {pct(http_ms, 90):.1f} ms  "
          f"(n={repeat}; doel p50 <= 10 ms)")

    naive_sizes, naive_ms = [], []
    for i in range(min(repeat, 10)):
        ind = SWITCH[i % len(SWITCH)]
        body, ms = timed(naive_figure, data.values(ind, "buurt", JAAR), geojson, ind)
        naive_sizes.append(len(body))
        naive_ms.append(ms)
    resp_p50 = statistics.median(r[1] for r in rows)
    print(f"   Naïef (volledige px.choropleth_map met geometrie per wissel): p50 {kb(statistics.median(naive_sizes))} "
          f"(gzip {kb(gz(body))}), bouwen+JSON p50 {pct(naive_ms, 50):.0f} ms -> "
          f"{statistics.median(naive_sizes) / resp_p50:.0f}x meer bytes dan de Patch-respons")
    geo_file = data.geo_file("buurt", vintage)
    print(f"   Eenmalig per niveau: basisfiguur (callback, zonder geometrie) {kb(len(first))} (gzip {kb(gz(first))}); "
          f"geometrie /geo/buurt-{vintage}.geojson {kb(len(geo_file.raw))} (gzip {kb(len(geo_file.gzip))}), "
          "daarna uit de browsercache")


def synthetic_national(repeat: int, target: int = 14_600, seed: int = 7) -> None:
    """SYNTHETIC: the 753 real buurt polygons tiled on a grid with offsets, random values."""
    vintage = data.VINTAGES["buurt"][0]
    geom = data.geometry("buurt", vintage)
    base = json.loads(data.geo_file("buurt", vintage).raw)["features"]  # the FeatureCollection as served
    minx, miny, maxx, maxy = geom["bounds"]
    tiles = int(np.ceil(target / len(base)))
    cols = int(np.ceil(np.sqrt(tiles)))
    feats, codes, names, gms = [], [], [], []
    for t in range(tiles):
        dx, dy = (t % cols) * (maxx - minx) * 1.05, (t // cols) * (maxy - miny) * 1.05
        for f in base:
            if len(feats) >= target:
                break
            code = f"BU{t:02d}{f['id'][4:]}"  # 10 characters, like a real buurt code
            feats.append({"type": "Feature", "id": code, "properties": {"naam": f"Synthetische buurt {len(codes)}"},
                          "geometry": _shift(f["geometry"], dx, dy)})
            codes.append(code)
            names.append(f"Synthetische buurt {len(codes)}")
            gms.append(f"GM{t:02d}{f['id'][4:6]}")
    geojson = {"type": "FeatureCollection", "features": feats}
    rng = np.random.default_rng(seed)
    meta = data.indicator("aandeel_65plus")

    def frame() -> pd.DataFrame:
        v = rng.gamma(4, 6, len(codes)).round(1)
        r = rng.random(len(codes))
        status = np.where(r < 0.05, "geheim", np.where(r < 0.10, "onbetrouwbaar", "ok"))
        df = pd.DataFrame({"code": codes, "naam": names, "gemeente_code": gms,
                           "waarde": np.where(status == "geheim", np.nan, v), "status": status, "note": ""})
        df["rank_in_gemeente"] = (df["waarde"].where(df["status"] == "ok").groupby(df["gemeente_code"])
                                  .rank(ascending=False, method="min").astype("Int64"))
        return df

    frames = [frame() for _ in range(4)]
    sizes, gz_sizes, times, ratios, ratios_only = [], [], [], [], []
    for i in range(repeat):
        df = frames[i % len(frames)]
        t = time.perf_counter()
        mv = figures.map_values(codes, df, meta, JAAR)
        patch = Patch()
        figures.apply_values(patch, mv)
        body = to_json_plotly({"multi": True, "response": {"kaart-graph": {"figure": patch}}}).encode()
        times.append((time.perf_counter() - t) * 1000)
        sizes.append(len(body))
        gz_sizes.append(gz(body))
        both, only = values_alone(df, codes, meta.decimals)
        ratios.append(len(body) / len(both))
        ratios_only.append(len(body) / len(only))
    naive_sizes, naive_ms = [], []
    for i in range(3):  # the naive figure takes seconds at this scale; three runs give a stable median
        body, ms = timed(naive_figure, frames[i], geojson, "synthetisch")
        naive_sizes.append(len(body))
        naive_ms.append(ms)
    geo_raw = compact(geojson)
    print(f"== 2. Landelijke schaal: {len(codes):,} SYNTHETISCHE buurten ".replace(",", ".") +
          "(echte vormen verschoven, willekeurige waarden; 5% geheim, 5% onbetrouwbaar) ==")
    print(f"   Patch als callbackrespons: p50 {kb(pct(sizes, 50))} (gzip {kb(pct(gz_sizes, 50))}); "
          f"/ waarden+rang {pct(ratios, 50):.2f}x, / alleen waarden {pct(ratios_only, 50):.2f}x   (doel <= 1,5x)")
    print(f"   Servertijd (waarden, klassen, kleurschaal, Patch, JSON): p50 {pct(times, 50):.1f} ms, "
          f"p90 {pct(times, 90):.1f} ms (n={repeat})   (doel p50 <= 100 ms)")
    print(f"   Naïef: volledige px.choropleth_map: p50 {kb(pct(naive_sizes, 50))}, p50 {pct(naive_ms, 50):.0f} ms")
    print(f"   Geometrie als statisch bestand (eenmalig, cachebaar): {kb(len(geo_raw))} (gzip {kb(gz(geo_raw))})")


def _shift(geometry: dict, dx: float, dy: float) -> dict:
    def move(c):
        if isinstance(c[0], int | float):
            return [round(c[0] + dx, 5), round(c[1] + dy, 5)]
        return [move(x) for x in c]

    return {"type": geometry["type"], "coordinates": move(geometry["coordinates"])}


def first_load(app) -> None:
    client = app.server.test_client()
    hdr = {"Accept-Encoding": "gzip"}
    total, rows = 0, []

    def get(url: str, label: str | None = None) -> bytes:
        nonlocal total
        resp = client.get(url, headers=hdr)
        if resp.status_code != 200:
            raise RuntimeError(f"{url}: {resp.status_code}")
        raw = resp.get_data()
        total += len(raw)
        rows.append((label or url.split("?")[0], len(raw), resp.headers.get("Content-Encoding") or "-"))
        return gzip.decompress(raw) if resp.headers.get("Content-Encoding") == "gzip" else raw

    page = get("/", "/ (index)").decode()
    get("/_dash-layout")
    get("/_dash-dependencies")
    for url in re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css)[^"]*)"', page):
        get(url)
    # Loaded on demand by the dropdown and graph components, and by plotly's geo subplot.
    for url in ("/_dash-component-suites/dash/dcc/async-dropdown.js", "/_dash-component-suites/dash/dcc/async-graph.js",
                "/assets/topojson/world_110m.json"):
        get(url)
    body, ms, enc = post(client, map_request("buurt", "bevolkingsdichtheid", JAAR, None), hdr)
    total += len(body)
    rows.append(("eerste kaartcallback (basisfiguur + waarden, geen geometrie)", len(body), enc))
    fig = json.loads(gzip.decompress(body) if enc == "gzip" else body)["response"]["kaart-graph"]["figure"]
    for url in sorted({t["geojson"] for t in fig["data"] if isinstance(t.get("geojson"), str)}):
        get(url, f"{url.split('?')[0]} (door plotly.js opgehaald)")
    print("== 3. Eerste paginalading op snapshotschaal (zoals verstuurd, gzip) ==")
    for label, size, enc in sorted(rows, key=lambda r: -r[1]):
        print(f"   {kb(size)}  {enc:5s} {label}")
    print(f"   Totaal: {kb(total)} = {total / 1_000_000:.2f} MB   (doel < 1 MB; kaartcallback {ms:.0f} ms)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="SQLAlchemy URL (default: the configured database)")
    ap.add_argument("--repeat", type=int, default=40)
    args = ap.parse_args(argv)
    store = Store(args.db) if args.db else get_store()
    app = create_app(store)
    snapshot_scale(app, args.repeat)
    print()
    synthetic_national(max(10, args.repeat // 2))
    print()
    first_load(app)


if __name__ == "__main__":
    main()
