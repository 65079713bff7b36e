"""Extract (cbsodata) against a loopback fake: filters, paging, raw copies, retries."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import cbsodata.cbsodata3 as cbs3
import pytest

from dorpenmonitor.http import DownloadError, read_record, sha256_file
from dorpenmonitor.settings import GEMEENTEN
from etl.extract import CBS_LICENCE, download_kwb, encoded_filter_length, kwb_filter, read_raw
from tests.fakes.cbs_odata import Fault, parse_filter

TWO = ["GM1680", "GM0109"]


def _dl(fake, raw: Path, gemeenten=TWO, table="85984NED", **kw):
    opts = {"catalog_url": fake.catalog_url, "use_https": False, "timeout": 0.5, "retries": 1, "backoff": 0.01}
    opts.update(kw)
    return download_kwb(table, gemeenten, raw, **opts)


def _tree(folder: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in sorted(folder.iterdir())}


# -- filter -----------------------------------------------------------------
def test_filter_selects_gm_wk_bu_prefixes_of_each_gemeente():
    flt = kwb_filter(["GM1680", "0109"])
    assert parse_filter(flt) == ["GM1680", "WK1680", "BU1680", "GM0109", "WK0109", "BU0109"]
    with pytest.raises(ValueError, match="gemeentecode"):
        kwb_filter(["GM16"])


def test_filter_chunks_keep_query_strings_short():
    # 13 gemeenten in one filter would sit at IIS's 2,048-byte default; a chunk of 6 is far below.
    assert encoded_filter_length(list(GEMEENTEN)) > 1900
    assert encoded_filter_length(list(GEMEENTEN)[:6]) < 1000


# -- download ---------------------------------------------------------------
def test_download_filters_at_server_pages_and_keeps_raw_copy(fake_cbs, tmp_path):
    folder = _dl(fake_cbs, tmp_path)
    assert folder == tmp_path / "85984NED"
    names = {p.name for p in folder.iterdir()}
    assert {"TableInfos.json", "DataProperties.json", "CategoryGroups.json", "WijkenEnBuurten.json",
            "TypedDataSet.json", "_download.json"} <= names
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folders left
    rec = read_record(folder)
    assert rec["table_id"] == "85984NED" and rec["licence"] == CBS_LICENCE
    assert rec["url"].endswith("/ODataFeed/odata/85984NED/") and rec["retrieved"]
    assert parse_filter(rec["filter"]) == ["GM0109", "WK0109", "BU0109", "GM1680", "WK1680", "BU1680"]
    assert rec["sha256"]["TypedDataSet.json"] == sha256_file(folder / "TypedDataSet.json")
    rows = json.loads((folder / "TypedDataSet.json").read_text())
    codes = {r["Codering_3"][2:6] for r in rows}
    assert codes == {"1680", "0109"}  # Assen (0106) was filtered out by the server
    # Paging: several TypedDataSet pages, each next page without $format (as cbsodata does).
    pages = [r for r in fake_cbs.state.requests if "/TypedDataSet" in r]
    assert len(pages) >= 3
    assert all("$filter" in parse_qs(urlsplit(p).query) for p in pages)
    assert sum("format" in p for p in pages) == 1


def test_read_raw_gives_titles_and_topic_keys(fake_cbs, tmp_path):
    infos, keys, data = read_raw(_dl(fake_cbs, tmp_path))
    assert infos["Identifier"] == "85984NED" and infos["Title"].startswith("Kerncijfers wijken en buurten")
    assert "AantalInwoners_5" in keys and "Codering_3" in keys and "WijkenEnBuurten" not in keys
    gm = data[data["Codering_3"].str.strip() == "GM1680"].iloc[0]
    assert gm["WijkenEnBuurten"] == "Aa en Hunze"  # key replaced by its title, as cbsodata.get_data does
    assert gm["AantalInwoners_5"] > 25_000


def test_all_13_gemeenten_are_fetched_in_chunks_and_merged(fake_cbs, tmp_path):
    folder = _dl(fake_cbs, tmp_path, gemeenten=list(GEMEENTEN))
    rec = read_record(folder)
    assert isinstance(rec["filter"], list) and len(rec["filter"]) == 3
    rows = json.loads((folder / "TypedDataSet.json").read_text())
    ids = [r["ID"] for r in rows]
    assert ids == sorted(set(ids))
    assert {r["Codering_3"][2:6] for r in rows} == {"1680", "0109", "0106"}
    # Metadata once: the region dimension is not re-read per chunk.
    assert sum("/WijkenEnBuurten" in r and "skiptoken" not in r for r in fake_cbs.state.requests) == 1


def test_cbsodata_globals_are_restored(fake_cbs, tmp_path):
    before = (cbs3.options.use_https, cbs3.Session)
    _dl(fake_cbs, tmp_path)
    assert (cbs3.options.use_https, cbs3.Session) == before
    fake_cbs.state.faults.append(Fault("500", "TypedDataSet", page=1))
    with pytest.raises(DownloadError):
        _dl(fake_cbs, tmp_path)
    assert (cbs3.options.use_https, cbs3.Session) == before


def test_one_transient_500_is_retried(fake_cbs, tmp_path):
    fake_cbs.state.faults.append(Fault("500", "TypedDataSet", page=1, times=1))
    folder = _dl(fake_cbs, tmp_path)
    assert len(json.loads((folder / "TypedDataSet.json").read_text())) == 154


@pytest.mark.parametrize(
    ("fault", "expect"),
    [
        (Fault("500", "TypedDataSet", page=2), "HTTP"),
        (Fault("delay", "TypedDataSet", page=1, seconds=1.5), "time-out"),
        (Fault("truncate", "WijkenEnBuurten", page=1), "JSON"),
    ],
    ids=["http-500-midway", "timeout", "truncated-json"],
)
def test_failed_download_keeps_previous_raw_copy(fake_cbs, tmp_path, fault, expect):
    folder = _dl(fake_cbs, tmp_path)
    before = _tree(folder)
    fake_cbs.state.faults.append(fault)
    with pytest.raises(DownloadError, match=expect) as err:
        _dl(fake_cbs, tmp_path, timeout=0.3)
    assert "85984NED" in str(err.value) and "2 poging" in str(err.value)
    assert _tree(folder) == before
    assert [p.name for p in tmp_path.iterdir()] == ["85984NED"]


def test_unknown_table_is_not_retried(fake_cbs, tmp_path):
    with pytest.raises(DownloadError, match="99999NED.*1 poging"):
        _dl(fake_cbs, tmp_path, table="99999NED", retries=3)
    assert len(fake_cbs.state.requests) == 1
