"""PDOK fetch against a loopback fake: paging, RD or reprojected CRS84, raw copies, 404 and 500."""

from __future__ import annotations

from pathlib import Path

import pytest

from dorpenmonitor.http import DownloadError, NotPublished, sha256_file
from geodata.geometry import BOUNDARY_COLUMNS
from geodata.pdok import PDOK_LICENCE, PdokNotAvailable, boundary_year, fetch_boundaries, read_raw_boundaries
from tests.fakes.cbs_odata import Fault

TWO = ["GM1680", "GM0109"]


def _tree(folder: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("supports_rd", [True, False], ids=["rd-native", "crs84-reprojected"])
def test_pdok_pages_and_returns_rd(fake_pdok, tmp_path, supports_rd):
    fake_pdok.state.supports_rd = supports_rd
    res = fetch_boundaries(2024, TWO, tmp_path, base_url=fake_pdok.base_url, timeout=0.5, retries=1, backoff=0.01)
    assert {k: len(v) for k, v in res.frames.items()} == {"gemeente": 2, "wijk": 30, "buurt": 122}
    for gdf in res.frames.values():
        assert gdf.crs.to_epsg() == 28992
        x, y = gdf.geometry.iloc[0].representative_point().coords[0]
        assert 200_000 < x < 280_000 and 500_000 < y < 580_000  # Drenthe in RD metres
    assert set(res.frames["wijk"]["code"].str[2:6]) == {"1680", "0109"}
    crs_asked = any("crs=" in r for r in fake_pdok.state.requests)
    assert crs_asked is supports_rd
    assert any("cursor=" in r for r in fake_pdok.state.requests)  # followed rel=next
    assert res.raw_dir == tmp_path / "pdok-wijken-en-buurten-2024"
    again = read_raw_boundaries(res.raw_dir)
    assert {k: len(v) for k, v in again.items()} == {"gemeente": 2, "wijk": 30, "buurt": 122}


def test_pdok_year_not_published(fake_pdok, tmp_path):
    with pytest.raises(PdokNotAvailable):
        fetch_boundaries(2023, TWO, tmp_path, base_url=fake_pdok.base_url, timeout=0.5, retries=1, backoff=0.01)
    assert not list(tmp_path.iterdir())


def test_pdok_500_midway_names_collection_and_keeps_raw(fake_pdok, tmp_path):
    opts = {"base_url": fake_pdok.base_url, "timeout": 0.5, "retries": 1, "backoff": 0.01}
    first = fetch_boundaries(2024, TWO, tmp_path, **opts)
    before = _tree(first.raw_dir)
    fake_pdok.state.faults.append(Fault("500", "buurten", page=2))
    with pytest.raises(DownloadError, match="buurten 2024"):
        fetch_boundaries(2024, TWO, tmp_path, **opts)
    assert _tree(first.raw_dir) == before


def test_pdok_404_is_a_not_published_download_error():
    # etl.refresh skips a year on the core NotPublished without knowing geodata.
    assert issubclass(PdokNotAvailable, NotPublished) and issubclass(NotPublished, DownloadError)


def test_boundary_year_gives_rows_and_names_per_level(fake_pdok, tmp_path):
    res = boundary_year(2024, TWO, tmp_path, source_id="wijkbuurtkaart-2024@pdok", base_url=fake_pdok.base_url,
                        timeout=0.5, retries=1, backoff=0.01)
    assert {lvl: len(rows) for lvl, rows in res.rows.items()} == {"gemeente": 2, "wijk": 30, "buurt": 122}
    for lvl, rows in res.rows.items():
        assert list(rows.columns) == BOUNDARY_COLUMNS
        assert set(rows["level"]) == {lvl} and set(rows["vintage"]) == {"2024"}
        assert set(rows["source_id"]) == {"wijkbuurtkaart-2024@pdok"}
    assert len(res.names) == 154 and {"code", "name"} <= set(res.names.columns)
    assert res.raw_dir == tmp_path / "pdok-wijken-en-buurten-2024" and res.retrieved
    assert res.source["id"] == "wijkbuurtkaart-2024@pdok" and res.source["checksum"].startswith("sha256:")
    assert res.source["licence"] == PDOK_LICENCE and res.source["url"] == res.base_url
