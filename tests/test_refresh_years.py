"""Every KWB year 2013-2025: resolution from metadata, check-table, year-by-year loads, offline import.

Runs against the multi-year fake CBS (tests/fakes/kwb_years.py: real key lists
where we have them, synthetic values) and the fake PDOK, all on loopback.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pandas as pd
import pytest

import cli
from dorpenmonitor.store import Store
from etl.resolve import check_table, meta_from_properties, resolve
from geodata.pdok import boundary_year
from tests.fakes.cbs_odata import CbsState, FakeCbs, Fault
from tests.fakes.kwb_years import KWB_TABLES, FakeKwbYears, build_year, write_metadata
from tests.fakes.pdok import FakePdok, PdokState

TWO = "GM1680,GM0109"
ALL_YEARS = list(range(2013, 2026))
#: The renames issue 8 lists, per year: variable → key stem it must resolve to.
RENAMES = {
    2013: {"pct_onbewoond": "PercentageLeegstaand", "bijstand": "PersonenMetEenWWBUitkeringTotaal",
           "ao_uitkering": "PersonenMetEenAOUitkeringTotaal", "ww_uitkering": "PersonenMetEenWWUitkeringTotaal",
           "aow_uitkering": "PersonenMetEenAOWUitkeringTotaal", "inwoners": "AantalInwoners",
           "elektriciteit_verbruik": "GemiddeldElektriciteitsverbruikTotaal",
           "indelingswijziging": "IndelingswijzigingWijkenEnBuurten"},
    2017: {"woz_waarde": "GemiddeldeWoningwaarde", "pct_onbewoond": "PercentageOnbewoond"},
    2020: {"opleiding_laag": "OpleidingsniveauLaag", "opleiding_midden": "OpleidingsniveauMiddelbaar",
           "opleiding_hoog": "OpleidingsniveauHoog", "elektriciteit_verbruik": "GemiddeldElektriciteitsverbruikTotaal"},
    2025: {"elektriciteit_gemiddeld": "GemiddeldeElektriciteitsleveringTotaal",
           "gas_gemiddeld": "GemiddeldAardgasverbruikTotaal"},
}


def _env(monkeypatch, settings, tmp_path: Path) -> str:
    for name, value in (("raw_dir", settings.raw_dir), ("cbs_catalog_url", settings.cbs_catalog_url),
                        ("cbs_use_https", "0"), ("pdok_base_url", settings.pdok_base_url),
                        ("http_timeout", str(settings.http_timeout)), ("http_retries", "0")):
        monkeypatch.setenv(f"DORPENMONITOR_{name.upper()}", str(value))
    url = f"sqlite:///{tmp_path / 'years.sqlite'}"
    monkeypatch.setenv("DORPENMONITOR_DATABASE_URL", url)
    return url


def _status(capsys) -> dict:
    capsys.readouterr()
    assert cli.main(["etl", "status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# -- resolution and check-table -------------------------------------------------------

@pytest.mark.parametrize("year", ALL_YEARS)
def test_check_table_on_each_years_metadata_exits_0_and_finds_the_renames(year, tmp_path, capsys):
    folder = write_metadata(tmp_path / KWB_TABLES[year], year)
    assert cli.main(["etl", "check-table", str(folder), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"table_id", "jaar", "regio_dimensie", "ok", "variabelen"}
    assert doc["table_id"] == KWB_TABLES[year] and doc["jaar"] == year and doc["ok"] is True
    assert doc["regio_dimensie"] == ("RegioS" if year == 2013 else "WijkenEnBuurten")
    items = {v["id"]: v for v in doc["variabelen"]}
    assert all(set(v) == {"id", "key", "titel", "status"} for v in items.values())
    assert {v["status"] for v in items.values()} <= {"ok", "ontbreekt", "dubbelzinnig", "eenheid"}
    for var, want in RENAMES.get(year, {}).items():
        assert items[var]["status"] == "ok", (var, items[var])
        assert items[var]["key"].rsplit("_", 1)[0] == want
    # Consumption and delivery are never one series: at most one of them per year.
    elec = {items["elektriciteit_verbruik"]["status"], items["elektriciteit_gemiddeld"]["status"]}
    assert "ok" in elec and "ontbreekt" in elec
    assert cli.main(["etl", "check-table", str(folder)]) == 0
    text = capsys.readouterr().out
    assert "gevonden als" in text and "in orde" in text


def test_check_table_on_the_recorded_2024_metadata(capsys):
    folder = Path(__file__).parent / "fixtures" / "cbs_odata_85984NED"
    assert cli.main(["etl", "check-table", str(folder), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    items = {v["id"]: v for v in doc["variabelen"]}
    assert doc["jaar"] == 2024 and items["inwoners"]["key"] == "AantalInwoners_5"
    assert items["inwoners"]["titel"] == "Aantal inwoners"


def test_check_table_exit_codes_and_year_override(tmp_path, capsys):
    folder = write_metadata(tmp_path / "t", 2017)
    # --jaar wins over TableInfos.
    assert cli.main(["etl", "check-table", str(folder), "--jaar", "2018", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["jaar"] == 2018
    # Year from the title when Period is not a year.
    infos = json.loads((folder / "TableInfos.json").read_text())
    infos[0]["Period"] = "peiljaar"
    (folder / "TableInfos.json").write_text(json.dumps(infos))
    code, out, _ = check_table(folder, as_json=True)
    assert code == 0 and json.loads(out)["jaar"] == 2017
    # A required variable gone: exit 1, named.
    props = json.loads((folder / "DataProperties.json").read_text())
    for p in props:
        if p.get("Key") == "AantalInwoners_5":
            p["Key"] = "Inwoners_5"
    (folder / "DataProperties.json").write_text(json.dumps(props))
    assert cli.main(["etl", "check-table", str(folder)]) == 1
    assert "verplichte variabele 'inwoners'" in capsys.readouterr().out
    # Not a download folder / broken JSON / missing folder: exit 2 with a Dutch message, no traceback.
    empty = tmp_path / "leeg"
    empty.mkdir()
    assert cli.main(["etl", "check-table", str(empty), "--json"]) == 2
    err = capsys.readouterr().err
    assert "TableInfos.json ontbreekt" in err and "Traceback" not in err
    (empty / "TableInfos.json").write_text("{kapot")
    (empty / "DataProperties.json").write_text("[]")
    assert cli.main(["etl", "check-table", str(empty)]) == 2
    assert "niet leesbaar als JSON" in capsys.readouterr().err
    assert cli.main(["etl", "check-table", str(tmp_path / "nergens")]) == 2
    assert "bestaat niet" in capsys.readouterr().err


def test_check_table_without_a_region_dimension_fails_with_the_reason(tmp_path, capsys):
    folder = write_metadata(tmp_path / "t", 2016)
    props = [p for p in json.loads((folder / "DataProperties.json").read_text()) if p.get("Type") != "GeoDetail"]
    (folder / "DataProperties.json").write_text(json.dumps(props))
    assert cli.main(["etl", "check-table", str(folder), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and doc["regio_dimensie"] is None
    assert cli.main(["etl", "check-table", str(folder)]) == 1
    assert "geen regiodimensie" in capsys.readouterr().out


def _meta(year: int, edit=None, relayout: str | None = None):
    yt = build_year(year, relayout)
    props = [dict(p) for p in yt.props]
    if edit:
        edit(props)
    return meta_from_properties(yt.table_id, year, props)


def test_percent_without_denominator_is_refused_with_reason():
    res = resolve(_meta(2013))
    r = res.get("leeftijd_0_14")
    assert r.status == "ok" and r.convert == ("pct_to_count", res.get("inwoners").key)
    assert "omgerekend uit %" in r.label

    def no_households(props):
        props[:] = [p for p in props if not str(p.get("Key", "")).startswith("HuishoudensTotaal")]

    res = resolve(_meta(2013, no_households))
    r = res.get("eenpersoonshuishoudens")
    assert r.status == "eenheid" and "noemer 'huishoudens'" in r.reason
    assert r.label.startswith("niet herkend")
    assert res.ok  # not a required variable: the year still loads without it


def test_ambiguous_candidates_and_group_disambiguation():
    def twice(props):
        src = next(p for p in props if str(p.get("Key", "")).startswith("Koopwoningen"))
        props.append({**src, "Key": "Koopwoningen_999", "ID": 9999})

    res = resolve(_meta(2017, twice))
    assert res.get("pct_koopwoningen").status == "dubbelzinnig"
    assert "Koopwoningen_999" in res.get("pct_koopwoningen").reason

    def title_mismatch(props):
        for p in props:
            if str(p.get("Key", "")).startswith("AfstandTotSchool"):
                p["Title"] = "Aantal motorfietsen"

    res = resolve(_meta(2017, title_mismatch))
    assert res.get("afstand_school").status == "dubbelzinnig" and "titel" in res.get("afstand_school").reason


def test_rereleased_2024_in_the_2025_layout_resolves():
    # The old fixed 2024 keys failed here ("kolom 'GemiddeldAardgasverbruikTotaal_61' … ontbreekt").
    res = resolve(_meta(2024, relayout="2025"))
    assert res.ok
    assert res.get("gas_gemiddeld").key == "GemiddeldAardgasverbruikTotaal_55"
    assert res.get("inkomen_per_inwoner").key == "GemiddeldInkomenPerInwoner_78"
    assert res.get("stedelijkheid").key == "MateVanStedelijkheid_120"


def test_2013_rejects_a_wijkenenbuurten_filter_and_download_uses_regios(fake_kwb_years, tmp_path):
    import requests

    url = f"http://{fake_kwb_years.catalog_url}/ODataFeed/odata/82339NED/TypedDataSet"
    bad = requests.get(url, params={"$filter": "startswith(WijkenEnBuurten,'GM1680')"}, timeout=5)
    assert bad.status_code == 400
    from dorpenmonitor.http import read_record
    from etl.extract import download_kwb

    folder = download_kwb("82339NED", ["GM1680"], tmp_path, catalog_url=fake_kwb_years.catalog_url,
                          use_https=False, timeout=15, retries=0, progress=False)
    rec = read_record(folder)
    assert rec["region_dimension"] == "RegioS" and rec["filter"].startswith("startswith(RegioS,'GM1680')")
    assert (folder / "RegioS.json").exists()


# -- year by year ---------------------------------------------------------------------

def test_refresh_2013_2025_loads_13_years_and_status_shows_coverage(years_settings, monkeypatch, tmp_path,
                                                                     capsys):
    _env(monkeypatch, years_settings, tmp_path)
    assert cli.main(["etl", "refresh", "--jaren", "2013-2025", "--gemeenten", TWO]) == 0
    out = capsys.readouterr().out
    assert "13 van 13 jaar geladen" in out
    st = _status(capsys)
    for level in ("gemeente", "wijk", "buurt"):
        assert sorted(st["dekking"][level]) == [str(y) for y in ALL_YEARS], level
    assert st["dekking"]["gemeente"]["2013"]["gebieden"] == 2
    assert st["dekking"]["buurt"]["2024"]["gebieden"] > 100
    res = st["resolutie"]
    assert sorted(res) == [str(y) for y in ALL_YEARS] and {v["status"] for v in res.values()} == {"geladen"}
    assert res["2013"]["variabelen"]["pct_onbewoond"]["label"].startswith("gevonden als PercentageLeegstaand_")
    assert res["2013"]["variabelen"]["opleiding_laag"]["label"] == "niet in deze jaargang"
    assert res["2020"]["variabelen"]["opleiding_laag"]["key"] == "OpleidingsniveauLaag_64"
    # Boundaries for every year PDOK publishes; 2013 falls back with a note.
    vintages = {g["vintage"] for g in st["grenzen"]}
    assert {str(y) for y in range(2014, 2026)} <= vintages and "2013" not in vintages
    assert st["meta"]["grenzen_2013"].startswith("geen grenzen voor 2013")
    assert st["meta"]["grenzen_2024"] == "2 gemeente, 30 wijk, 122 buurt"
    # The text status shows the table too.
    capsys.readouterr()
    assert cli.main(["etl", "status"]) == 0
    text = capsys.readouterr().out
    assert "KWB-kolommen per jaar" in text and "2013 82339NED  geladen" in text

    store = Store(st["database"])
    obs = store.observations(gemeente="GM1680", level="gemeente")
    wide = obs.pivot_table(index="period", columns="variable", values="value")
    assert wide["inwoners"].notna().all() and len(wide) == 13
    # Electricity: consumption to 2020, delivery from 2021, never mixed.
    assert wide["elektriciteit_verbruik"].dropna().index.max() == 2020
    assert wide["elektriciteit_gemiddeld"].dropna().index.min() == 2021
    # 2013-2015 publish age groups as %; converted to counts they line up with the counts of 2016.
    share = wide["leeftijd_0_14"] / wide["inwoners"]
    assert abs(share[2013] - share[2016]) < 0.01
    src = store.sources().set_index("id")
    assert "82339NED@cbs" in src.index and "wijkbuurtkaart-2014@pdok" in src.index
    keys = json.loads(store.variables().set_index("key").loc["inwoners", "source_keys"])
    assert keys["2013"] == "AantalInwoners_4" and keys["2024"] == "AantalInwoners_5"


BROKEN = {
    "http-500": lambda st: st.faults.append(Fault("500", "TypedDataSet", page=0, table="84286NED")),
    "renamed-column": lambda st: (st.renames.update({"AantalInwoners_5": "Inwoners_5"}),
                                  setattr(st, "rename_tables", {"84286NED"})),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_one_broken_year_loads_the_other_twelve_and_keeps_its_previous_data(
        name, years_settings, fake_kwb_years, monkeypatch, tmp_path, capsys):
    _env(monkeypatch, years_settings, tmp_path)
    args = ["etl", "refresh", "--gemeenten", TWO, "--zonder-grenzen"]
    assert cli.main([*args, "--jaren", "2018"]) == 0
    store = Store(f"sqlite:///{tmp_path / 'years.sqlite'}")
    before = store.observations(periods=[2018]).reset_index(drop=True)
    assert not before.empty
    BROKEN[name](fake_kwb_years.state)
    capsys.readouterr()
    assert cli.main([*args, "--jaren", "2013-2025"]) == 1
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("2018 84286NED"))
    assert "MISLUKT" in line
    assert ("500" in line or "HTTP" in line) if name == "http-500" else "inwoners" in line
    assert "12 van 13 jaar geladen; mislukt: 2018" in out
    # 2018 as it was; the other twelve years are live.
    pd.testing.assert_frame_equal(before, store.observations(periods=[2018]).reset_index(drop=True))
    assert store.periods(variable="inwoners") == ALL_YEARS
    loaded = {int(p) for p in store.observations(variables_=["inwoners"])
              .query("source_id != '84286NED@cbs'")["period"]}
    assert loaded == set(ALL_YEARS) - {2018}
    runs = store.load_runs(13)
    assert (runs["status"] == "failed").sum() == 1 and "84286NED" in runs.query("status == 'failed'")["message"].iloc[0]
    st = _status(capsys)
    assert st["resolutie"]["2018"]["status"] == "mislukt" and st["resolutie"]["2018"]["reden"]
    assert st["resolutie"]["2017"]["status"] == "geladen"
    # A later good run clears the failure.
    fake_kwb_years.state.faults.clear()
    fake_kwb_years.state.renames.clear()
    assert cli.main([*args, "--jaren", "2018"]) == 0
    assert _status(capsys)["resolutie"]["2018"]["status"] == "geladen"


# -- offline --------------------------------------------------------------------------

@pytest.fixture()
def no_internet(monkeypatch):
    """Refuse every socket connection that is not to loopback; record attempts."""
    attempts: list[object] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def _loopback(address) -> bool:
        host = address[0] if isinstance(address, tuple) else address
        return isinstance(host, str) and (host.startswith("127.") or host in ("::1", "localhost"))

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
            attempts.append(address)
            raise ConnectionRefusedError(f"test: geen internet ({address})")
        return real_connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
            attempts.append(address)
            return 111
        return real_connect_ex(self, address)

    def getaddrinfo(host, *a, **k):
        if not _loopback((str(host),)):
            attempts.append(host)
            raise socket.gaierror(f"test: geen DNS ({host})")
        return real_getaddrinfo(host, *a, **k)

    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


def _offline_env(monkeypatch, tmp_path: Path) -> str:
    """Settings pointing at the real services: any network use would hit the socket guard."""
    monkeypatch.setenv("DORPENMONITOR_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("DORPENMONITOR_CBS_CATALOG_URL", "opendata.cbs.nl")
    monkeypatch.setenv("DORPENMONITOR_PDOK_BASE_URL", "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1")
    url = f"sqlite:///{tmp_path / 'offline.sqlite'}"
    monkeypatch.setenv("DORPENMONITOR_DATABASE_URL", url)
    return url


def test_from_raw_loads_a_cbsodata_download_folder_without_network(tmp_path, monkeypatch, capsys, request):
    import cbsodata

    # A folder exactly as cbsodata.download_data writes it (no filter: the whole table), made from the
    # recorded 85984NED metadata and real 2024 rows served by the fake.
    folder = tmp_path / "meegenomen" / "85984NED"
    with FakeCbs(CbsState()) as fake:
        import cbsodata.cbsodata3 as cbs3

        old = cbs3.options.use_https
        object.__setattr__(cbs3.options, "use_https", False)
        try:
            cbsodata.download_data("85984NED", dir=str(folder), catalog_url=fake.catalog_url)
        finally:
            object.__setattr__(cbs3.options, "use_https", old)
    assert {"TableInfos.json", "DataProperties.json", "TypedDataSet.json", "WijkenEnBuurten.json"} <= \
        {p.name for p in folder.iterdir()}
    rows = json.loads((folder / "TypedDataSet.json").read_text())
    assert any(r["Codering_3"].startswith("GM0106") for r in rows)  # Assen is in the download

    attempts = request.getfixturevalue("no_internet")
    import requests

    with pytest.raises(requests.ConnectionError):  # the guard works: CBS is unreachable from here on
        requests.get("https://opendata.cbs.nl/ODataFeed/odata/85984NED/", timeout=2)
    assert attempts
    attempts.clear()
    url = _offline_env(monkeypatch, tmp_path)
    assert cli.main(["etl", "refresh", "--from-raw", str(folder.parent), "--gemeenten", TWO]) == 0
    out = capsys.readouterr().out
    assert "uit download" in out and "1 van 1 jaar geladen" in out
    assert attempts == []
    store = Store(url)
    inw = store.observations(variables_=["inwoners"], codes=["GM1680"])
    assert inw["period"].tolist() == [2024] and inw["value"].iloc[0] > 25_000
    assert not store.regions()["code"].str[2:6].eq("0106").any()  # cut to scope locally
    src = store.sources().set_index("id").loc["85984NED@cbs"]
    assert "elders gemaakte download" in src["notes"] and src["checksum"].startswith("sha256:")
    assert store.meta()["grenzen_2024"].startswith("geen grenzen voor 2024")


def test_download_then_from_raw_is_the_offline_route_for_13_years(tmp_path, monkeypatch, capsys, request):
    dest = tmp_path / "usb"
    with FakeKwbYears() as cbs, FakePdok(PdokState(years=set(range(2014, 2026)))) as pdok:
        for name, value in (("cbs_catalog_url", cbs.catalog_url), ("cbs_use_https", "0"),
                            ("pdok_base_url", pdok.base_url), ("http_retries", "0"),
                            ("raw_dir", str(tmp_path / "raw"))):
            monkeypatch.setenv(f"DORPENMONITOR_{name.upper()}", value)
        assert cli.main(["etl", "download", "--jaren", "2013-2025", "--naar", str(dest), "--gemeenten", TWO]) == 0
        out = capsys.readouterr().out
        assert "13 van 13 jaar opgehaald" in out and "--from-raw" in out
    assert {p.name for p in dest.iterdir()} >= set(KWB_TABLES.values()) | {"pdok-wijken-en-buurten-2024"}

    attempts = request.getfixturevalue("no_internet")
    url = _offline_env(monkeypatch, tmp_path)
    assert cli.main(["etl", "refresh", "--from-raw", str(dest), "--gemeenten", TWO]) == 0
    assert "13 van 13 jaar geladen" in capsys.readouterr().out
    assert attempts == []
    store = Store(url)
    assert store.periods(variable="inwoners") == ALL_YEARS
    vintages = set(store.boundary_vintages()["vintage"])
    assert {str(y) for y in range(2014, 2026)} <= vintages
    # --jaren picks a subset; a year not in the folder is a clear error.
    assert cli.main(["etl", "refresh", "--from-raw", str(dest), "--jaren", "2020", "--gemeenten", TWO]) == 0
    capsys.readouterr()
    assert cli.main(["etl", "refresh", "--from-raw", str(tmp_path / "leeg-niet"), "--gemeenten", TWO]) == 2
    assert "bestaat niet" in capsys.readouterr().err
    assert attempts == []


@pytest.mark.postgres
def test_year_isolation_on_postgres(pg_url, years_settings, fake_kwb_years):
    from etl.refresh import RefreshError, refresh

    pg = Store(pg_url)
    pg.drop_all()
    fake_kwb_years.state.faults.append(Fault("500", "TypedDataSet", page=0, table="84799NED"))
    with pytest.raises(RefreshError) as err:
        refresh(pg, years_settings, [2013, 2020, 2024], ["GM1680"], boundaries=True, progress=False, backoff=0.01,
                fetch_boundaries=boundary_year)
    rep = err.value.report
    assert [(r.year, r.status) for r in rep.results] == [(2013, "geladen"), (2020, "mislukt"), (2024, "geladen")]
    assert pg.periods(variable="inwoners") == [2013, 2024]
    res = pg.kwb_resolution()
    assert set(res.loc[res["year"] == 2020, "year_status"]) == {"mislukt"}
    assert len(pg.boundaries(vintage="2024", level="buurt")) > 0
