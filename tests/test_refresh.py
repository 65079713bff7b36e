"""The live refresh end to end against the fakes, and every way it can fail without harm."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import cli
from dorpenmonitor.store import Store
from etl.refresh import RefreshError, parse_years, refresh
from geodata.pdok import boundary_year
from tests.fakes.cbs_odata import Fault

TWO = ["GM1680", "GM0109"]
#: The CLI's wiring: etl gets geodata's PDOK reader passed in.
FAST = {"backoff": 0.01, "progress": False, "fetch_boundaries": boundary_year}
TABLES = ("observations", "regions", "sources", "boundaries", "variables", "meta")


def _dump(store: Store) -> dict[str, pd.DataFrame]:
    """Every live table, sorted, for exact before/after comparison."""
    out = {}
    with store.engine.connect() as c:
        for t in TABLES:
            df = pd.read_sql(sa.text(f"SELECT * FROM {t}"), c)
            if t == "meta":  # why a year failed is recorded beside the data; the data itself must not move
                df = df[~df["key"].str.startswith("kwb_poging_")]
            out[t] = df.sort_values(list(df.columns)).reset_index(drop=True)
    return out


def _assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(a[t], b[t], obj=t)


@pytest.fixture()
def snap_store(snapshot_db, tmp_path) -> Store:
    """A private copy of the session's snapshot database (conftest ``snapshot_db``), for tests that write."""
    path = tmp_path / "copy.sqlite"
    shutil.copyfile(snapshot_db, path)
    return Store(f"sqlite:///{path}")


def test_parse_years():
    assert parse_years("2013-2015") == [2013, 2014, 2015]
    assert parse_years("2024, 2022") == [2022, 2024]
    assert parse_years("2013-2014,2020") == [2013, 2014, 2020]
    for bad in ("2010-2013", "twintig", "2015-2013", ""):
        with pytest.raises(ValueError):
            parse_years(bad)


def test_refresh_end_to_end_into_empty_store(live_settings, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 't.sqlite'}")
    report = refresh(store, live_settings, [2023, 2024], TWO, **FAST)
    assert report.ok and report.rows > 0
    assert [t.table_id for t in report.tables] == ["85618NED", "85984NED"]
    assert report.boundaries == {2024: {"gemeente": 2, "wijk": 30, "buurt": 122}}
    assert any("2023" in w and "PDOK" in w for w in report.warnings)  # 2023 map not published
    assert "gelukt" in report.summary()

    runs = store.load_runs()
    assert runs.loc[0, "status"] == "ok" and runs.loc[0, "kind"] == "refresh"

    obs = store.observations(variables_=["inwoners"], codes=["GM1680"])
    assert obs["period"].tolist() == [2023, 2024]
    assert obs["value"].iloc[-1] > 25_000 and obs["source_id"].iloc[-1] == "85984NED@cbs"
    assert set(store.regions(level="gemeente")["code"]) == {"GM1680", "GM0109"}
    assert store.regions().set_index("code").loc["WK168000", "name"] == "Wijk 00 Annen"
    assert not store.regions()["code"].str[2:6].eq("0106").any()  # Assen never left the server

    src = store.sources().set_index("id")
    row = src.loc["85984NED@cbs"]
    assert row["publisher"] == "CBS" and row["licence"] == "CC BY 4.0 — Bron: CBS"
    assert row["title"] == "Kerncijfers wijken en buurten 2024" and row["checksum"].startswith("sha256:")
    assert row["url"].endswith("/ODataFeed/odata/85984NED/") and row["retrieved"]
    assert "wijkbuurtkaart-2024@pdok" in src.index

    bnd = store.boundaries(vintage="2024")
    assert bnd.groupby("level").size().to_dict() == {"buurt": 122, "gemeente": 2, "wijk": 30}
    assert (Path(live_settings.raw_dir) / "85984NED" / "_download.json").exists()
    assert (Path(live_settings.raw_dir) / "pdok-wijken-en-buurten-2024" / "_download.json").exists()


def test_refresh_over_snapshot_replaces_kwb_and_keeps_the_rest(live_settings, snap_store):
    before = snap_store.observations(periods=[2024], gemeente="GM1680")
    report = refresh(snap_store, live_settings, [2024], ["GM1680"], boundaries=False, **FAST)
    assert report.ok
    after = snap_store.observations(periods=[2024], gemeente="GM1680")
    # Other variables from other sources (misdrijven, gezondheid) survive untouched.
    other = before[~before["variable"].isin(after.loc[after["source_id"] == "85984NED@cbs", "variable"])]
    merged = other.merge(after, on=["region_code", "period", "variable"], suffixes=("", "_new"))
    assert len(merged) == len(other) and (merged["source_id"] == merged["source_id_new"]).all()
    assert "misdrijven" in set(other["variable"])
    # KWB figures now come from the live table; values equal the republished ones.
    inw = after[(after["variable"] == "inwoners") & (after["region_code"] == "GM1680")].iloc[0]
    old = before[(before["variable"] == "inwoners") & (before["region_code"] == "GM1680")].iloc[0]
    assert inw["source_id"] == "85984NED@cbs" and inw["value"] == old["value"]
    # Other gemeenten untouched.
    emmen = snap_store.observations(periods=[2024], gemeente="GM0114")
    assert not emmen["source_id"].eq("85984NED@cbs").any()


FAULTS = {
    "http-500-midway": (lambda s: s.faults.append(Fault("500", "TypedDataSet", page=2, table="85984NED")),
                        "85984NED"),
    "timeout": (lambda s: s.faults.append(Fault("delay", "TypedDataSet", page=1, table="85984NED", seconds=1.2)),
                "time-out"),
    "truncated-json": (lambda s: s.faults.append(Fault("truncate", "DataProperties", table="85984NED")), "JSON"),
    "renamed-column": (lambda s: (s.renames.update({"AantalInwoners_5": "Inwoners_5"}),
                                  setattr(s, "rename_tables", {"85984NED"})), "inwoners.*AantalInwoners"),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_failure_leaves_previous_data_intact(live_settings, fake_cbs, snap_store, name):
    # First a good live refresh on top of the snapshot, so both kinds of previous data are present.
    refresh(snap_store, live_settings, [2024], TWO, **FAST)
    before = _dump(snap_store)
    inject, expect = FAULTS[name]
    inject(fake_cbs.state)
    with pytest.raises(RefreshError, match=expect) as err:
        refresh(snap_store, live_settings, [2024], TWO, **FAST)
    msg = str(err.value)
    assert "85984NED" in msg
    rep = err.value.report
    assert rep is not None and not rep.ok and "MISLUKT" in rep.summary()
    assert [(r.year, r.status) for r in rep.results] == [(2024, "mislukt")]
    runs = snap_store.load_runs()
    assert runs.loc[0, "status"] == "failed" and runs.loc[0, "id"] == rep.run_id
    assert "85984NED" in runs.loc[0, "message"]
    _assert_same(before, _dump(snap_store))
    with snap_store.engine.connect() as c:  # no staged leftovers
        assert c.execute(sa.text("SELECT count(*) FROM stg_observations")).scalar_one() == 0


def test_pdok_failure_fails_the_whole_refresh(live_settings, fake_pdok, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'p.sqlite'}")
    refresh(store, live_settings, [2024], TWO, **FAST)
    before = _dump(store)
    fake_pdok.state.faults.append(Fault("500", "buurten", page=3))
    with pytest.raises(RefreshError, match="buurten 2024"):
        refresh(store, live_settings, [2024], TWO, **FAST)
    assert store.load_runs().loc[0, "status"] == "failed"
    _assert_same(before, _dump(store))


def test_cli_exit_codes(live_settings, fake_cbs, monkeypatch, tmp_path, capsys):
    for name, value in (("raw_dir", live_settings.raw_dir), ("cbs_catalog_url", live_settings.cbs_catalog_url),
                        ("cbs_use_https", "0"), ("pdok_base_url", live_settings.pdok_base_url),
                        ("http_timeout", "0.5"), ("http_retries", "0")):
        monkeypatch.setenv(f"DORPENMONITOR_{name.upper()}", str(value))
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    # The same years, gemeenten and (no) boundaries as test_refresh_years' --from-raw test: one cube for both.
    args = ["--database-url", url, "etl", "refresh", "--jaren", "2024", "--gemeenten", "GM1680,GM0109",
            "--zonder-grenzen"]
    assert cli.main(args) == 0
    assert "gelukt" in capsys.readouterr().out
    fake_cbs.state.faults.append(Fault("500", "TypedDataSet", page=0))
    assert cli.main(args) == 1
    cap = capsys.readouterr()
    assert "2024 85984NED  MISLUKT" in cap.out and "vorige gegevens" in cap.err
