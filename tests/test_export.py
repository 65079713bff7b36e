"""The body of ``dorpenmonitor export`` (indicators.export.main)."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from dorpenmonitor.store import Store
from indicators.export import main, write_csv
from indicators.service import IndicatorService, export_waarde, round_dekking


def test_export_csv(store, service, tmp_path):
    out = tmp_path / "buurten.csv"
    rc = main(["--niveau", "buurt", "--jaar", "2024", "--indicator", "aandeel_65plus", "--indicator",
               "woz_gemiddeld", "--gemeente", "GM0114", "--output", str(out), "--database", store.url])
    assert rc == 0
    df = pd.read_csv(out, encoding="utf-8")
    assert list(df.columns[:8]) == ["code", "naam", "niveau", "jaar", "indicator", "waarde", "eenheid", "status"]
    assert set(df["indicator"]) == {"aandeel_65plus", "woz_gemiddeld"}
    assert df["code"].str.startswith("BU0114").all()
    assert len(df) == 2 * len(service.values("inwoners", "buurt", 2024, gemeente="GM0114"))


def test_export_stdout(store, capsys):
    assert main(["--niveau", "dorp", "--jaar", "2024", "--indicator", "inwoners", "--database", store.url]) == 0
    assert capsys.readouterr().out.startswith("code,naam,niveau,jaar,indicator")


def test_unknown_choices_exit_2_with_dutch_message(store, capsys):
    cases = [
        (["--niveau", "land", "--jaar", "2024"], "Kies uit: gemeente, wijk, buurt, dorp, provincie, monitor"),
        (["--niveau", "buurt", "--jaar", "2024", "--indicator", "onzin"], "onbekende indicator"),
        (["--niveau", "buurt", "--jaar", "2024", "--gemeente", "GM9999"], "GM0114 (Emmen)"),
        (["--niveau", "buurt", "--jaar", "1990", "--indicator", "misdrijven"], "Kies uit: 2021, 2022"),
    ]
    for args, expected in cases:
        assert main([*args, "--database", store.url]) == 2
        assert expected in capsys.readouterr().err


def test_export_levels_provincie_and_monitor_with_breuk_and_omrekening(store, tmp_path):
    """Issue 9: an incomplete total exports as 'onvolledig', never 'ok'; breuk and omrekening are columns."""
    out = tmp_path / "p.csv"
    assert main(["--niveau", "provincie", "--jaar", "1997", "--indicator", "inwoners", "--output", str(out),
                 "--database", store.url]) == 0
    p = pd.read_csv(out, encoding="utf-8")
    assert p.loc[0, "code"] == "PV22" and p.loc[0, "status"] == "onvolledig"
    assert {"breuk", "omrekening"} <= set(p.columns) and p.loc[0, "omrekening"] == "identiek"
    assert main(["--niveau", "monitor", "--jaar", "2024", "--indicator", "inwoners", "--output", str(out),
                 "--database", store.url]) == 0
    m = pd.read_csv(out, encoding="utf-8")
    gm = store.observations(["inwoners"], level="gemeente", periods=[2024])
    assert m.loc[0, "status"] == "ok" and m.loc[0, "waarde"] == gm["value"].sum()
    assert main(["--niveau", "gemeente", "--jaar", "1998", "--indicator", "inwoners", "--output", str(out),
                 "--database", store.url]) == 0
    g = pd.read_csv(out, encoding="utf-8").set_index("code")
    assert g.loc["GM0109", "breuk"] == "ja" and g.loc["GM1680", "breuk"] == "nee"
    assert set(g["omrekening"]) == {"gepubliceerd"}


# -- the streaming path: rows from the cube, written with the csv module, byte for byte as pandas wrote them -----

def _tiny_cube(store: Store) -> None:
    """A hand-made cube (SYNTHETIC figures): names with a comma and a quote, a missing value, negative decimals."""
    iv = pd.DataFrame([
        # indicator, code, naam, waarde, dekking, breuk, volgorde (deliberately not in code order)
        ("woz_gemiddeld", "BU00020001", 'Oost, "het Dorp"', 254_567.0, None, True, 3),
        ("woz_gemiddeld", "BU00010001", "West", float("nan"), 0.0005, False, 2),
        ("woz_gemiddeld", "BU00030001", None, -1_499.9, 0.12345, False, 1),
        ("aandeel_65plus", "BU00020001", 'Oost, "het Dorp"', 21.25, 0.9996, False, 5),
        ("aandeel_65plus", "BU00010001", "West", 1e16, 1.0, False, 4),
    ], columns=["indicator", "code", "naam", "waarde", "dekking", "breuk", "volgorde"]).assign(
        niveau="buurt", jaar=2024, gemeente_code="GM0106", status="ok", note="", bron="", breuk_reden="",
        omrekening="gepubliceerd")
    iv.loc[1, ["status", "note"]] = ["ontbreekt", "geen cijfer, \"geheim\""]
    years = pd.DataFrame({"indicator": ["woz_gemiddeld", "aandeel_65plus"], "niveau": "buurt", "jaar": 2024,
                          "heeft_waarde": True, "bronnen": ""})
    with store.transaction() as c:
        store.write_cube(c, {"indicator_values": iv, "indicator_years": years})


EXPECTED_TINY = (
    "code,naam,niveau,jaar,indicator,waarde,eenheid,status,note,dekking,gemeente_code,breuk,omrekening\n"
    "BU00010001,West,buurt,2024,aandeel_65plus,1e+16,%,ok,,1.0,GM0106,nee,gepubliceerd\n"
    'BU00020001,"Oost, ""het Dorp""",buurt,2024,aandeel_65plus,21.2,%,ok,,1.0,GM0106,nee,gepubliceerd\n'
    'BU00010001,West,buurt,2024,woz_gemiddeld,,euro,ontbreekt,"geen cijfer, ""geheim""",0.0,GM0106,nee,'
    "gepubliceerd\n"
    'BU00020001,"Oost, ""het Dorp""",buurt,2024,woz_gemiddeld,255000.0,euro,ok,,,GM0106,ja,gepubliceerd\n'
    "BU00030001,,buurt,2024,woz_gemiddeld,-1000.0,euro,ok,,0.123,GM0106,nee,gepubliceerd\n"
)


def _streamed(store: Store, *args: str) -> str:
    buf = io.StringIO()
    write_csv(buf, IndicatorService(store).export_rows(*args))
    return buf.getvalue()


def test_streamed_export_edges(fresh_store, tmp_path):
    """Order (indicators as asked, then code), rounding (negative decimals), empty and quoted fields."""
    _tiny_cube(fresh_store)
    assert _streamed(fresh_store, "buurt", 2024, ["aandeel_65plus", "woz_gemiddeld"]) == EXPECTED_TINY
    out = tmp_path / "t.csv"
    assert main(["--niveau", "buurt", "--jaar", "2024", "--indicator", "aandeel_65plus", "--indicator",
                 "woz_gemiddeld", "-o", str(out), "--database", fresh_store.url]) == 0
    assert out.read_bytes() == EXPECTED_TINY.encode()
    # The same rows as a DataFrame written by pandas (how the export wrote them before it streamed).
    frame = IndicatorService(fresh_store).export_frame("buurt", 2024, ["aandeel_65plus", "woz_gemiddeld"])
    assert frame.to_csv(index=False) == EXPECTED_TINY
    assert _streamed(fresh_store, "buurt", 2024, ["woz_gemiddeld"], "GM0109") == EXPECTED_TINY.splitlines(True)[0]


def test_rounding_rules_match_what_pandas_wrote():
    """waarde: Python's round (numpy's differs in the last digit); dekking: Series.round(3), numpy's rint."""
    rng = np.random.default_rng(7)
    xs = np.concatenate([rng.random(20_000), rng.uniform(-1e6, 1e6, 5_000), np.arange(4000) / 2000,
                         [0.0005, 0.0015, -0.0004, 0.0, -0.0, 1e300]])
    want = pd.Series(xs).round(3).tolist()
    assert [repr(round_dekking(float(x))) for x in xs] == [repr(w) for w in want]
    assert round_dekking(None) is None and round_dekking(float("nan")) is None
    assert export_waarde(1234.5, -1) == 1230.0 and export_waarde(2.675, 2) == round(2.675, 2)
    assert export_waarde(None, 1) is None and export_waarde(float("nan"), 1) is None


def test_streamed_export_equals_pandas_on_the_snapshot(store, service, tmp_path):
    """Every row the snapshot has at a level and year, written by the csv module and by pandas: the same bytes."""
    for niveau, jaar, gemeente in [("buurt", 2024, None), ("dorp", 2022, "GM0109"), ("provincie", 2024, None)]:
        out = tmp_path / f"{niveau}.csv"
        args = ["--niveau", niveau, "--jaar", str(jaar), "-o", str(out), "--database", store.url]
        assert main(args + (["--gemeente", gemeente] if gemeente else [])) == 0
        assert out.read_text(encoding="utf-8") == service.export_frame(niveau, jaar, None, gemeente).to_csv(
            index=False)


def test_export_imports_no_pandas(store, tmp_path):
    """The CLI's export streams: pandas, numpy, plotly and geopandas stay unimported (a second of start-up)."""
    code = ("import sys, cli; rc = cli.main(['export', '--niveau', 'gemeente', '--jaar', '2024', '-o', sys.argv[1],"
            " '--database', sys.argv[2]]); heavy = sorted(m for m in ('pandas', 'numpy', 'plotly', 'geopandas')"
            " if m in sys.modules); print(rc, heavy)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "g.csv"), store.url], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "0 []"


def test_missing_database_or_unwritable_output_is_a_dutch_message(store, tmp_path, capsys):
    missing = tmp_path / "geen.sqlite"
    assert main(["--niveau", "buurt", "--jaar", "2024", "--database", f"sqlite:///{missing}"]) == 2
    assert "database niet gevonden" in capsys.readouterr().err and not missing.exists()
    assert main(["--niveau", "buurt", "--jaar", "2024", "-o", str(tmp_path / "nee" / "x.csv"),
                 "--database", store.url]) == 2
    assert "kan " in capsys.readouterr().err


def test_an_unreachable_database_is_one_dutch_line(capsys):
    """A server that is away (here: nothing listens on port 1) is named, password hidden; no traceback."""
    url = "postgresql+psycopg://wie:geheim@127.0.0.1:1/dorpenmonitor"
    assert main(["--niveau", "gemeente", "--jaar", "2024", "--database", url]) == 1
    err = capsys.readouterr().err
    assert "niet bruikbaar" in err and "127.0.0.1:1" in err and "geheim" not in err and "--database." in err
    assert "Traceback" not in err


def test_a_reader_that_stops_early_gets_no_traceback(store):
    """`dorpenmonitor export ... | head -1`: the pipe closes after one line; the export ends quietly."""
    cli = [sys.executable, "-c", "import sys, cli; sys.exit(cli.main(sys.argv[1:]))", "export", "--niveau", "buurt",
           "--jaar", "2024", "--database", store.url]
    writer = subprocess.Popen(cli, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert writer.stdout.readline().startswith(b"code,naam,niveau")
    writer.stdout.close()  # what head does after its lines
    err = writer.stderr.read().decode()
    assert writer.wait(60) == 1 and "Traceback" not in err and "BrokenPipe" not in err, err


@pytest.mark.postgres
def test_streamed_export_on_postgres(pg_url):
    """The same edges through PostgreSQL's driver (booleans, floats, its collation leaves the order alone)."""
    pg = Store(pg_url)
    pg.drop_all()
    pg.create_schema()
    _tiny_cube(pg)
    try:
        assert _streamed(pg, "buurt", 2024, ["aandeel_65plus", "woz_gemiddeld"]) == EXPECTED_TINY
    finally:
        pg.drop_all()


def test_export_rows_checks_its_arguments_at_the_call(service):
    with pytest.raises(ValueError, match="Kies uit: gemeente, wijk"):
        service.export_rows("land", 2024)
    with pytest.raises(KeyError, match="onzin"):
        service.export_rows("buurt", 2024, ["onzin"])
