"""The bundled snapshot: provenance, completeness and agreement between sources."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from dorpenmonitor.settings import GEMEENTEN
from etl import snapshot
from etl.snapshot import WOONIK_TO_CBS, SnapshotError


def test_manifest_checksums_hold(snapshot_dir):
    manifest = snapshot.read_manifest(snapshot_dir)
    ids = {e["id"] for e in manifest["sources"]}
    assert {"85984NED@dertje", "85984NED@woonikveilig", "47022NED@woonikveilig", "50150NED@woonikveilig"} <= ids


def test_tampered_snapshot_is_refused(tmp_path, snapshot_dir):
    copy = tmp_path / "snap"
    shutil.copytree(snapshot_dir, copy)
    f = copy / "kwb_2024_85984NED_dertje.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Annen", "Annen-X", 1), encoding="utf-8")
    with pytest.raises(SnapshotError, match="checksum"):
        snapshot.read_manifest(copy)


def test_2024_has_every_region(store):
    obs = store.observations(["inwoners"], periods=[2024])
    ok = obs[obs["status"] == "ok"]
    counts = ok.groupby("level")["region_code"].nunique().to_dict()
    assert counts["gemeente"] == 13
    assert counts["wijk"] == 218
    # Two buurten have no published inhabitants (CBS null); they still exist as rows.
    assert obs[obs["level"] == "buurt"]["region_code"].nunique() == 753
    assert set(ok[ok["level"] == "gemeente"]["region_code"]) == set(GEMEENTEN)


def test_buurten_sum_to_gemeente_within_rounding(store):
    """Buurt counts are rounded to multiples of 5 by CBS; the sum must stay close to the gemeente."""
    obs = store.observations(["inwoners"], periods=[2024])
    g = obs[obs["level"] == "gemeente"].set_index("region_code")["value"]
    b = obs[obs["level"] == "buurt"].groupby("gemeente_code")["value"].agg(["sum", "count"])
    for code, row in b.iterrows():
        # at most 2.5 per buurt rounding error, plus the odd suppressed tiny buurt
        assert abs(row["sum"] - g[code]) <= 2.5 * row["count"] + 50, (code, row["sum"], g[code])


def test_republished_subsets_agree_with_cbs_dump(snapshot_dir):
    """Where the CBS dump and the re-published subset overlap, the values must be equal."""
    full = pd.read_csv(snapshot_dir / "kwb_2024_85984NED_dertje.csv", dtype=str, keep_default_na=False)
    sub = pd.read_csv(snapshot_dir / "kwb_2024_85984NED_woonikveilig.csv", dtype=str, keep_default_na=False)
    both = full.merge(sub, on="Codering_3", suffixes=("", "_r"))
    assert len(both) == 635
    mismatches = {}
    for key in WOONIK_TO_CBS.values():
        a = pd.to_numeric(both[key], errors="coerce")
        b = pd.to_numeric(both[f"{key}_r"], errors="coerce")
        known = a.notna() & b.notna()
        if known.sum():
            bad = ~np.isclose(a[known], b[known], rtol=0, atol=0.051)
            mismatches[key] = int(bad.sum())
    # CBS revised the 2024 WOZ values after the first release (the republishers
    # copied different table versions): allow that one, and only small revisions.
    woz = mismatches.pop("GemiddeldeWOZWaardeVanWoningen_39")
    assert woz < 0.35 * len(both)
    a = pd.to_numeric(both["GemiddeldeWOZWaardeVanWoningen_39"], errors="coerce")
    b = pd.to_numeric(both["GemiddeldeWOZWaardeVanWoningen_39_r"], errors="coerce")
    assert (b / a).median() == 1.0 and (abs(b / a - 1) < 0.2).sum() >= (a.notna() & b.notna()).sum()
    assert mismatches == dict.fromkeys(mismatches, 0), mismatches

    strip = pd.read_csv(snapshot_dir / "kwb_2024_85984NED_niquedegraaff.csv", dtype=str)
    both = full.merge(strip, on="Codering_3", suffixes=("", "_r"))
    assert len(both) == 7 + 134
    for key in ("AantalInwoners_5", "Woningvoorraad_35", "OppervlakteLand_123"):
        assert (pd.to_numeric(both[key]) == pd.to_numeric(both[f"{key}_r"])).all(), key


def test_every_2024_buurt_has_a_boundary(store):
    b = store.boundaries(level="buurt", vintage="2024-benaderd")
    codes = set(store.observations(["inwoners"], level="buurt", periods=[2024])["region_code"])
    assert codes <= set(b["region_code"])
    assert b["approximate"].all()
    wk = store.boundaries(level="wijk", vintage="2022")
    assert len(wk) == 218
    geom = json.loads(wk.iloc[0]["geometry"])
    lon, lat = np.array(geom["coordinates"][0][0] if geom["type"] == "MultiPolygon" else geom["coordinates"][0])[0]
    assert 5.5 < lon < 7.5 and 52.3 < lat < 53.3  # EPSG:4326, in Drenthe


def test_every_value_has_provenance(store):
    sources = set(store.sources()["id"])
    used = set(store.observations()["source_id"])
    assert used <= sources
    src = store.sources().set_index("id")
    assert src.loc["85984NED@dertje", "licence"].startswith("CC BY 4.0")
    assert "dertje" in src.loc["85984NED@dertje", "republisher"]
    assert src.loc["85984NED@dertje", "checksum"].startswith("sha256:")


def test_statuses_distinguish_suppressed_from_missing(store):
    obs = store.observations(["woz_waarde", "gas_gemiddeld"], level="buurt", periods=[2024])
    st = obs.groupby(["variable", "status"]).size()
    assert st[("woz_waarde", "geheim")] > 0  # CBS omits WOZ under 20 dwellings
    # 2024 energy was not yet filled in when the republished dump was taken.
    assert st[("gas_gemiddeld", "ontbreekt")] == 753


@pytest.mark.skipif(not (snapshot.PROJECT_SHARED.exists()), reason="../shared/data not present")
def test_build_is_reproducible(tmp_path, snapshot_dir):
    snapshot.build(snapshot.PROJECT_SHARED, tmp_path)
    for e in snapshot.read_manifest(snapshot_dir)["sources"]:
        assert (tmp_path / e["file"]).read_bytes() == (snapshot_dir / e["file"]).read_bytes(), e["file"]
