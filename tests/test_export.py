"""The body of ``dorpenmonitor export`` (indicators.export.main)."""

from __future__ import annotations

import pandas as pd

from indicators.export import main


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
