"""The console script: status, load-snapshot and clear errors."""

from __future__ import annotations

import hashlib
import json
import shutil

import pandas as pd
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


def test_load_snapshot_if_empty_is_idempotent(tmp_path, small_snapshot, capsys, monkeypatch):
    """The bundled snapshot cut to two gemeenten (tests/small_snapshot.py): what --if-empty does is the same."""
    monkeypatch.setenv("DORPENMONITOR_DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite")
    load = ["etl", "load-snapshot", "--if-empty", "--snapshot", str(small_snapshot)]
    assert cli.main(load) == 0
    assert "geladen" in capsys.readouterr().out
    runs = Store(f"sqlite:///{tmp_path}/db.sqlite").load_runs(5)
    assert cli.main(load) == 0
    assert "niet opnieuw" in capsys.readouterr().out
    assert len(Store(f"sqlite:///{tmp_path}/db.sqlite").load_runs(5)) == len(runs) == 1  # no second load run
    # --if-needed (make run): same data and rules, nothing to do; other rules (a code update, an edited villages
    # file) recompute the cube, so yesterday's breaks or aggregates never stay on screen.
    from indicators import cube

    needed = ["etl", "load-snapshot", "--if-needed", "--snapshot", str(small_snapshot)]
    assert cli.main(needed) == 0
    assert capsys.readouterr().out.strip() == "Database is bij met de snapshot."
    store = Store(f"sqlite:///{tmp_path}/db.sqlite")
    with store.engine.begin() as c:
        c.execute(meta.update().where(meta.c.key == cube.RULES_KEY).values(value="oude regels"))
    assert cli.main(needed) == 0
    assert "rekenregels gewijzigd, indicatoren opnieuw berekend" in capsys.readouterr().out
    assert store.meta()[cube.RULES_KEY] == cube.rules_fingerprint()
    edited = tmp_path / "dorpen.toml"
    edited.write_text('[[dorp]]\nnaam = "Proef"\ngemeente = "GM1680"\nbuurten = ["BU16800000"]\n')
    assert cube.rules_fingerprint(edited) != cube.rules_fingerprint()


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


def test_profiel_writes_pdf_and_xlsx_and_refuses_unknown_codes(app, store, tmp_path, capsys, monkeypatch):
    """Issue 10: `dorpenmonitor profiel CODE --pdf FILE --xlsx FILE`; an unknown code: Dutch message, exit 2."""
    from dashboard import data as dashboard_data
    from pages.profiel import export

    monkeypatch.setattr(dashboard_data, "configure", lambda *a, **k: store)  # keep the session app's caches
    monkeypatch.setattr(export, "profile_map_png", lambda p, timeout=25.0: (None, False))  # speed: no kaleido
    monkeypatch.setattr(export, "profile_chart_png", lambda p, timeout=25.0: None)
    pdf, xlsx = tmp_path / "na.pdf", tmp_path / "na.xlsx"
    assert cli.main(["profiel", "DP0114_nieuw-amsterdam", "--pdf", str(pdf), "--xlsx", str(xlsx)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.read_bytes().startswith(b"PK")
    assert cli.main(["profiel", "DP9999_nergenshuizen", "--pdf", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert "bestaat niet" in err and "Traceback" not in err
    assert cli.main(["profiel", "--gemeente", "GM9999", "--map", str(tmp_path)]) == 2


def test_profiel_bulk_writes_one_pdf_per_village_with_progress(app, store, tmp_path, capsys, monkeypatch):
    from dashboard import data as dashboard_data
    from pages.profiel import bulk, export

    monkeypatch.setattr(dashboard_data, "configure", lambda *a, **k: store)
    monkeypatch.setattr(export, "profile_map_png", lambda p, timeout=25.0: (None, False))
    monkeypatch.setattr(export, "profile_chart_png", lambda p, timeout=25.0: None)
    codes = bulk.codes_in("GM1681", "dorp")[:3]
    monkeypatch.setattr(bulk, "codes_in", lambda gm, niveau: codes)
    assert cli.main(["profiel", "--gemeente", "GM1681", "--niveau", "dorp", "--map", str(tmp_path / "uit")]) == 0
    files = sorted(p.name for p in (tmp_path / "uit").iterdir())
    assert len(files) == len(codes) == 3 and all(f.endswith(".pdf") for f in files)
    out = capsys.readouterr()
    assert "Briefings Borger-Odoorn" in out.err  # tqdm's progress bar

# -- errors that name the file and the fix (issue 12) -------------------------------------------------------------

def _copy_snapshot(snapshot_dir, tmp_path):
    dest = tmp_path / "snap"
    shutil.copytree(snapshot_dir, dest)
    return dest


def _reseal(snap) -> None:
    """Recompute every checksum in sources.json, as if the damaged file were the real one."""
    manifest = json.loads((snap / "sources.json").read_text())
    for entry in manifest["sources"]:
        entry["sha256"] = hashlib.sha256((snap / entry["file"]).read_bytes()).hexdigest()
    (snap / "sources.json").write_text(json.dumps(manifest, indent=1))


def test_non_numeric_cell_refuses_the_load_and_names_row_and_column(snapshot_dir, tmp_path, capsys, monkeypatch):
    snap = _copy_snapshot(snapshot_dir, tmp_path)
    csv = snap / "gemeente_2023_2025_85383NED.csv"
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    row = int((df["InwonersTotaal_1"] != "").to_numpy().argmax())
    df.loc[row, "InwonersTotaal_1"] = "12x45"
    df.to_csv(csv, index=False)
    _reseal(snap)  # a matching checksum: only the cell check can catch it
    monkeypatch.setenv("DORPENMONITOR_DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite")
    assert cli.main(["etl", "load-snapshot", "--snapshot", str(snap)]) == 2
    err = capsys.readouterr().err
    assert str(csv) in err and f"regel {row + 2}" in err and "kolom InwonersTotaal_1" in err and "12x45" in err
    assert "Traceback" not in err
    assert Store(f"sqlite:///{tmp_path}/db.sqlite").is_empty()


def test_truncated_sources_json_names_the_file(snapshot_dir, tmp_path, capsys, monkeypatch):
    snap = _copy_snapshot(snapshot_dir, tmp_path)
    manifest = snap / "sources.json"
    manifest.write_text(manifest.read_text()[:300])
    monkeypatch.setenv("DORPENMONITOR_DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite")
    assert cli.main(["etl", "load-snapshot", "--snapshot", str(snap)]) == 2
    err = capsys.readouterr().err
    assert str(manifest) in err and "afgekapt" in err and "build-snapshot" in err


def test_read_only_database_says_so(snapshot_db, tmp_path, capsys, monkeypatch):
    db = tmp_path / "ro.sqlite"
    shutil.copyfile(snapshot_db, db)
    monkeypatch.chdir(tmp_path)  # a stray relative folder (it used to be 'file:') would land here, not in the repo
    # Root ignores file modes, so the read-only case is made by opening the file read-only.
    monkeypatch.setenv("DORPENMONITOR_DATABASE_URL", f"sqlite:///file:{db}?mode=ro&uri=true")
    assert cli.main(["etl", "load-snapshot"]) == 2
    err = capsys.readouterr().err
    assert "alleen-lezen" in err and str(db) in err and "schrijfrechten" in err
    assert "Traceback" not in err
    assert not any(p.name.startswith("file") for p in tmp_path.iterdir())  # the URI's 'file:' is no folder name


def test_export_and_status_do_not_import_the_dashboard(store, tmp_path):
    """Issue 11: a command pays only for what it uses; `export` never loads dash, plotly or the pages (~1 s)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, cli\n"
            "cli.main(['etl', 'status', '--json'])\n"
            f"cli.main(['export', '--niveau', 'gemeente', '--jaar', '2024', '-o', {str(tmp_path / 'x.csv')!r}])\n"
            "print(sorted(m for m in ('dash', 'plotly', 'pages', 'geopandas', 'fpdf') if m in sys.modules))")
    env = {**os.environ, "DORPENMONITOR_DATABASE_URL": str(store.engine.url)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(cli.__file__).parent, env=env)
    assert out.returncode == 0, out.stderr[-800:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
