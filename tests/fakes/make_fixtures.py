"""Rebuild the small recorded fixtures under tests/fixtures from ../shared/data.

Run once by hand (``python -m tests.fakes.make_fixtures``); the repository keeps
the output, so tests never need ../shared. Everything is real CBS data:
the 85984NED metadata files are copied unmodified, data rows and boundaries
are subsets of the shared extracts (see tests/fixtures/README.md).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
OUT = Path(__file__).resolve().parents[1] / "fixtures"
#: Requested in the tests; Assen (0106) rides along to prove the server-side filter.
GEMEENTEN = ("1680", "0109")
EXTRA = "0106"


def _rows() -> list[dict]:
    with open(SHARED / "kwb" / "kwb_2024_85984NED_partial.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    keep = [r for r in rows if r["Codering_3"][2:6] in GEMEENTEN]
    keep += [r for r in rows if r["Codering_3"][2:6] == EXTRA][:6]
    return keep


def main() -> None:
    src = SHARED / "fixtures" / "cbs_odata_85984NED"
    for name in ("TableInfos.json", "DataProperties.json", "CategoryGroups.json"):
        shutil.copyfile(src / name, OUT / "cbs_odata_85984NED" / name)
    rows = _rows()
    with open(OUT / "kwb_2024_85984NED_subset.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    names = {r["Codering_3"].strip(): r["WijkenEnBuurten"] for r in rows}
    keep = set(GEMEENTEN)

    def fc(features: list[dict]) -> dict:
        return {"type": "FeatureCollection", "features": features}

    gm = json.loads((SHARED / "geo" / "gemeenten_2022_tmap.geojson").read_text(encoding="utf-8"))
    gem = [{"type": "Feature", "properties": {"gemeentecode": f["properties"]["code"],
                                              "gemeentenaam": f["properties"]["name"], "water": "NEE"},
            "geometry": f["geometry"]} for f in gm["features"] if f["properties"]["code"][2:] in keep]
    wk = json.loads((SHARED / "geo" / "wijken_2022_tmap.geojson").read_text(encoding="utf-8"))
    wij = [{"type": "Feature", "properties": {"wijkcode": f["properties"]["code"], "wijknaam": f["properties"]["name"],
                                              "gemeentecode": "GM" + f["properties"]["code"][2:6], "water": "NEE"},
            "geometry": f["geometry"]} for f in wk["features"] if f["properties"]["code"][2:6] in keep]
    bu = json.loads((SHARED / "geo" / "buurten_2019-2020_emielsanders_powerbi.geojson").read_text(encoding="utf-8"))
    buu = []
    for f in bu["features"]:
        code = f["properties"]["statcode"]
        if code[2:6] in keep:
            buu.append({"type": "Feature", "properties": {
                "buurtcode": code, "buurtnaam": names.get(code, code), "wijkcode": "WK" + code[2:8],
                "gemeentecode": "GM" + code[2:6], "water": "NEE"}, "geometry": f["geometry"]})
    for name, feats in (("gemeenten", gem), ("wijken", wij), ("buurten", buu)):
        (OUT / "pdok" / f"{name}.geojson").write_text(json.dumps(fc(feats), separators=(",", ":")), encoding="utf-8")
    # The multi-year fake (tests/fakes/kwb_years.py): real key lists and real 2019/20 buurt codes.
    keys_out = OUT / "kwb_keys"
    keys_out.mkdir(exist_ok=True)
    for src_keys in sorted((SHARED / "fixtures" / "kwb_keys").glob("*.txt")):
        shutil.copyfile(src_keys, keys_out / src_keys.name)
    codes = sorted(f["properties"]["statcode"] for f in bu["features"]
                   if f["properties"]["statcode"][2:6] in (*GEMEENTEN, EXTRA))
    (OUT / "kwb_buurtcodes_2019.json").write_text(json.dumps(
        {"source": "../shared/data/geo/buurten_2019-2020_emielsanders_powerbi.geojson (statcode), GM1680, GM0109, "
                   "GM0106", "buurtcodes": codes}, indent=0), encoding="utf-8")
    print(f"{len(rows)} KWB rows, {len(gem)} gemeenten, {len(wij)} wijken, {len(buu)} buurten, "
          f"{len(codes)} buurtcodes 2019")


if __name__ == "__main__":
    main()
