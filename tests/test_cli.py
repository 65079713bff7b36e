"""The console script: status, load-snapshot and clear errors."""

from __future__ import annotations

import json
import shutil

import sqlalchemy as sa

import cli
from dorpenmonitor.settings import SETTINGS_DOC, setting_names
from dorpenmonitor.store import Store, meta


def test_status_json_reports_2024_regions(store, capsys, monkeypatch):
    monkeypatch.setenv("DORPENMONITOR_DATABASE_URL", store.url)
    assert cli.main(["etl", "status", "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["gebieden"] == {"gemeente": 13, "wijk": 218, "buurt": 753}
    assert st["gebieden_alle_indelingen"]["buurt"] > 753  # older buurt codes stay known
    y = {lvl: st["dekking"][lvl]["2024"]["gebieden"] for lvl in ("gemeente", "wijk", "buurt")}
    assert y == {"gemeente": 13, "wijk": 218, "buurt": 753}
    assert st["laadruns"][0]["status"] == "ok"


def test_status_on_empty_database_says_what_to_do(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DORPENMONITOR_DATABASE_URL", f"sqlite:///{tmp_path}/leeg.sqlite")
    assert cli.main(["etl", "status"]) == 1
    assert "load-snapshot" in capsys.readouterr().out


def test_load_snapshot_if_empty_is_idempotent(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DORPENMONITOR_DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite")
    assert cli.main(["etl", "load-snapshot", "--if-empty"]) == 0
    assert cli.main(["etl", "load-snapshot", "--if-empty"]) == 0
    assert "niet opnieuw" in capsys.readouterr().out


def test_missing_snapshot_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DORPENMONITOR_DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite")
    assert cli.main(["etl", "load-snapshot", "--snapshot", str(tmp_path / "nergens")]) == 2
    assert "build-snapshot" in capsys.readouterr().err


def test_unknown_gemeente_in_settings_is_refused(monkeypatch, capsys):
    monkeypatch.setenv("DORPENMONITOR_GEMEENTEN", "GM9999")
    assert cli.main(["settings"]) == 2
    assert "GM9999" in capsys.readouterr().err


def test_every_setting_is_documented():
    assert sorted(SETTINGS_DOC) == sorted(setting_names())


def test_if_needed_never_overwrites_live_refreshed_data(snapshot_db, tmp_path, capsys, monkeypatch):
    shutil.copyfile(snapshot_db, tmp_path / "db.sqlite")  # the session's loaded snapshot, not a second load
    url = f"sqlite:///{tmp_path}/db.sqlite"
    monkeypatch.setenv("DORPENMONITOR_DATABASE_URL", url)
    store = Store(url)
    with store.engine.begin() as c:  # as etl.refresh leaves it, plus a changed snapshot
        c.execute(meta.update().where(meta.c.key == "data_origin").values(value="live"))
        c.execute(meta.update().where(meta.c.key == "snapshot_sha256").values(value="ouder"))
    assert cli.main(["etl", "load-snapshot", "--if-needed"]) == 0
    assert "live ververste" in capsys.readouterr().out
    with store.engine.connect() as c:
        assert c.execute(sa.select(meta.c.value).where(meta.c.key == "data_origin")).scalar_one() == "live"
