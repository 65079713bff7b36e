"""``dorpenmonitor`` command line: ETL, export and the dashboard.

The top of the layers: the one module that imports every layer and wires them
together (e.g. it hands ``geodata``'s boundary readers to ``etl``, which
never imports ``geodata`` itself).

    dorpenmonitor etl build-snapshot --from ../shared/data
    dorpenmonitor etl load-snapshot [--if-empty]
    dorpenmonitor etl refresh [--jaren 2013-2025] [--gemeenten GM0114,...] [--from-raw DIR]
    dorpenmonitor etl download --jaren 2013-2025 --naar DIR
    dorpenmonitor etl check-table DIR [--jaar JAAR] [--json]
    dorpenmonitor etl status [--json]
    dorpenmonitor export --niveau buurt --jaar 2024 [--indicator ID ...]
    dorpenmonitor profiel CODE --pdf FILE [--xlsx FILE]
    dorpenmonitor profiel --gemeente GM0114 --niveau dorp --map DIR
    dorpenmonitor serve [--workers N] [--dev]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from dorpenmonitor.codes import CBS_LEVELS
from dorpenmonitor.settings import SETTINGS_DOC, get_settings
from dorpenmonitor.store import ConcurrentLoadError, Store, sqlite_path
from dorpenmonitor.store import database_problem as store_database_problem

# Every command imports what it needs itself: the dashboard (dash, plotly, every page: ~1 s), the PDF writer, the
# boundary readers (geopandas), the snapshot loader and the live refresh are only paid for by the commands that
# use them, so `export --niveau gemeente --jaar 2024` starts in well under a second (issue 11). cli.py is the top
# layer: these function-local imports cannot be dodging a cycle (tests/test_layers.py allows them here only).


def _store(args: argparse.Namespace) -> Store:
    settings = get_settings()
    url = getattr(args, "database_url", None) or settings.database_url
    path = sqlite_path(url)  # not the raw URL text: 'sqlite:///file:/x.sqlite?mode=ro' would make a 'file:' folder
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    return Store(url)


def cmd_build_snapshot(args: argparse.Namespace) -> int:
    from etl import snapshot

    out = Path(args.to) if args.to else get_settings().snapshot_dir
    manifest = snapshot.build(Path(getattr(args, "from")), out)
    total = sum(e["rows"] for e in manifest["sources"])
    print(f"Snapshot geschreven naar {out}: {len(manifest['sources'])} bestanden, {total} rijen/objecten.")
    return 0


def cmd_load_snapshot(args: argparse.Namespace) -> int:
    from etl import snapshot
    from indicators import cube

    store = _store(args)
    store.create_schema()
    snapdir = Path(args.snapshot) if args.snapshot else get_settings().snapshot_dir
    if args.if_empty and not store.is_empty():
        print("Database bevat al gegevens; snapshot niet opnieuw geladen.")
        return 0
    if args.if_needed and not store.is_empty():
        current = store.meta()
        if current.get("data_origin") != "snapshot":
            print("Database bevat live ververste gegevens; snapshot niet geladen.")
            return 0
        if current.get("snapshot_sha256") == snapshot.manifest_hash(snapdir):
            if not store.has_cube():  # loaded by a version without the indicator cube
                rows = cube.recompute(store)
                print(f"Database is bij met de snapshot; indicatoren berekend: {rows} rijen.")
                return 0
            if current.get(cube.RULES_KEY) != cube.rules_fingerprint():
                # Same data, other rules (a code update or an edited villages file): the cube is recomputed.
                rows = cube.recompute(store)
                print(f"Database is bij met de snapshot; rekenregels gewijzigd, indicatoren opnieuw berekend: "
                      f"{rows} rijen.")
                return 0
            print("Database is bij met de snapshot.")
            return 0
    from geodata.snapshot import snapshot_boundaries

    # The indicator cube is computed from the swapped rows and written in the same transaction.
    n = snapshot.load(store, snapdir, boundaries=snapshot_boundaries, after_swap=cube.after_swap(store))
    print(f"Snapshot geladen in {store.engine.url.render_as_string(hide_password=True)}: {n} rijen.")
    return 0


def _recompute_after_refresh(store: Store, report: object) -> None:
    from indicators import cube

    cube.recompute(store)


def cmd_refresh(args: argparse.Namespace) -> int:
    from etl import refresh as live
    from geodata.pdok import boundary_year, kept_boundary_year

    settings = get_settings()
    if args.jaren:
        years = live.parse_years(args.jaren, known_only=not args.from_raw)
    else:
        years = None if args.from_raw else list(range(settings.first_year, settings.last_year + 1))
    gemeenten = [g.strip().upper() for g in args.gemeenten.split(",")] if args.gemeenten else list(settings.gemeenten)
    store = _store(args)
    try:
        report = live.refresh(store, settings, years=years, gemeenten=gemeenten, boundaries=not args.zonder_grenzen,
                              from_raw=Path(args.from_raw) if args.from_raw else None,
                              # A carried-over download brings its own maps (pdok-wijken-en-buurten-<jaar>/).
                              fetch_boundaries=kept_boundary_year if args.from_raw else boundary_year,
                              # Once the years have landed: the indicator cube of the new data (one transaction).
                              after_swap=(_recompute_after_refresh,))
    except live.RefreshError as exc:
        if isinstance(exc.__cause__, ConcurrentLoadError):
            print(f"Fout: {exc}", file=sys.stderr)  # one line, as for load-snapshot
            return 1
        if exc.report is not None and exc.report.results:
            print(exc.report.summary())
            print("Mislukte jaren houden hun vorige gegevens; de geslaagde jaren zijn live.", file=sys.stderr)
        else:
            print(f"Verversen mislukt: {exc}", file=sys.stderr)
            print("De vorige gegevens zijn ongewijzigd en blijven bruikbaar.", file=sys.stderr)
        return 1
    print(report.summary())
    return 0 if report.ok else 1


def cmd_download(args: argparse.Namespace) -> int:
    from etl import refresh as live
    from geodata.pdok import boundary_year

    settings = get_settings()
    years = live.parse_years(args.jaren)
    gemeenten = [g.strip().upper() for g in args.gemeenten.split(",")] if args.gemeenten else list(settings.gemeenten)
    report = live.download_years(settings, years, gemeenten, Path(args.naar),
                                 fetch_boundaries=None if args.zonder_grenzen else boundary_year)
    print(report.summary())
    return 0 if report.ok else 1


def cmd_check_table(args: argparse.Namespace) -> int:
    from etl.resolve import check_table

    code, out, err = check_table(Path(args.map), args.jaar, as_json=args.json)
    if out:
        print(out)
    if err:
        print(err, file=sys.stderr)
    return code


def status_dict(store: Store) -> dict:
    """Coverage and recent load runs, as plain data (the CLI prints it)."""
    from etl.resolve import resolution_status

    regions = store.regions()
    obs_levels = {}
    cov = store.coverage()
    for level in CBS_LEVELS:
        sub = cov[cov["level"] == level]
        years = {}
        for period, grp in sub.groupby("period"):
            years[str(int(period))] = {
                "gebieden": int(grp["regions"].max()),
                "themas": {r.theme: {"gebieden": int(r.regions), "variabelen": int(r.variables), "ok": int(r.ok),
                                     "geheim": int(r.geheim), "ontbreekt": int(r.ontbreekt)}
                           for r in grp.itertuples()},
            }
        obs_levels[level] = years
    runs = store.load_runs(5)
    return {
        "database": store.engine.url.render_as_string(hide_password=True),
        # The per-year resolution records are shown under 'resolutie', not as raw JSON here.
        "meta": {k: v for k, v in store.meta().items() if not k.startswith(("kwb_resolutie_", "kwb_poging_"))},
        # The current division: areas with figures in the latest year of their level.
        "gebieden": {lvl: (years[max(years)]["gebieden"] if (years := obs_levels.get(lvl)) else 0)
                     for lvl in CBS_LEVELS},
        "laatste_jaar": {lvl: int(max(y)) if (y := obs_levels.get(lvl)) else None
                         for lvl in CBS_LEVELS},
        # Every code ever stored, older divisions included (e.g. buurten of the 2019 map).
        "gebieden_alle_indelingen": {lvl: int((regions["level"] == lvl).sum())
                                     for lvl in CBS_LEVELS},
        "dekking": obs_levels,
        "grenzen": store.boundary_vintages().to_dict("records"),
        # Per KWB year and variable: 'gevonden als KEY', 'niet in deze jaargang' or 'niet herkend'.
        "resolutie": resolution_status(store.kwb_resolution()),
        "laadruns": json.loads(runs.to_json(orient="records")),
    }


def cmd_status(args: argparse.Namespace) -> int:
    store = _store(args)
    if store.is_empty():
        msg = "Database is leeg: laad de snapshot met 'dorpenmonitor etl load-snapshot'."
        if args.json:
            print(json.dumps({"leeg": True, "melding": msg}))
        else:
            print(msg)
        return 1
    st = status_dict(store)
    if args.json:
        print(json.dumps(st, ensure_ascii=False, indent=1))
        return 0
    print(f"Database: {st['database']}")
    for k, v in st["meta"].items():
        print(f"  {k}: {v}")
    print("Dekking (gebieden met gegevens per niveau en jaar):")
    for level, years in st["dekking"].items():
        for year, info in years.items():
            themes = ", ".join(f"{t} {d['gebieden']}" for t, d in info["themas"].items())
            print(f"  {level:9s} {year}: {info['gebieden']:4d} gebieden — {themes}")
    print("Grenzen:")
    for g in st["grenzen"]:
        flag = " (benaderd)" if g["approximate"] else ""
        print(f"  {g['level']:9s} {g['vintage']}: {g['n']}{flag}")
    if st["resolutie"]:
        print("KWB-kolommen per jaar (live ververst):")
        for year, info in st["resolutie"].items():
            counts = ", ".join(f"{n} {s}" for s, n in info["telling"].items())
            reason = f" — {info['reden']}" if info["reden"] else ""
            print(f"  {year} {info['table_id']:9s} {info['status']}: {counts}{reason}")
            absent = [var for var, v in info["variabelen"].items() if v["status"] == "ontbreekt"]
            for var, v in info["variabelen"].items():
                if v["status"] != "ontbreekt" and v["label"] != f"gevonden als {v['key']}":
                    print(f"      {var}: {v['label']}")
            if absent:
                print(f"      niet in deze jaargang: {', '.join(absent)}")
    print("Laatste laadruns:")
    for r in st["laadruns"]:
        print(f"  #{r['id']} {r['kind']:9s} {r['status']:7s} {r['started_at']} {r['rows']} rijen {r['message'][:80]}")
    return 0


def cmd_recompute(args: argparse.Namespace) -> int:
    """Recompute only the indicator cube (after editing config/dorpen.toml); the data stay as they are."""
    store = _store(args)
    if store.is_empty():
        print("Database is leeg: laad eerst de snapshot met 'dorpenmonitor etl load-snapshot'.", file=sys.stderr)
        return 1
    from indicators import cube

    rows = cube.recompute(store)
    print(f"Indicatoren opnieuw berekend: {rows} rijen.")
    return 0


def cmd_export(argv: list[str]) -> int:
    from indicators import export

    return export.main(argv)


def cmd_profiel(args: argparse.Namespace) -> int:
    """``profiel``: its options are parsed here, so only this command imports the dashboard and the PDF writer."""
    from dashboard import data as dashboard_data
    from pages.profiel import bulk as profiel_bulk

    inner = argparse.ArgumentParser(prog="dorpenmonitor profiel", description=PROFIEL_HELP)
    profiel_bulk.add_arguments(inner)
    own = inner.parse_args(args.profiel_args)
    own.database_url = args.database_url
    # The dashboard's loaders read the same database as the other commands.
    dashboard_data.configure(_store(own))
    return profiel_bulk.main(own)


def cmd_serve(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        print("Fout: --workers moet minstens 1 zijn.", file=sys.stderr)
        return 2
    import app

    app.main(dev=args.dev, workers=args.workers)
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    s = get_settings()
    for name, doc in SETTINGS_DOC.items():
        print(f"DORPENMONITOR_{name.upper()} = {getattr(s, name)!s}\n    {doc}")
    return 0


PROFIEL_HELP = "briefing (gebiedsprofiel) als PDF/Excel, ook per gemeente in bulk"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dorpenmonitor", description="Wijk- en Dorpenmonitor Drenthe + Hardenberg")
    p.add_argument("--database-url", help="SQLAlchemy-URL (anders DORPENMONITOR_DATABASE_URL)")
    sub = p.add_subparsers(dest="command", required=True)

    etl = sub.add_parser("etl", help="gegevens bouwen, laden en verversen").add_subparsers(dest="etl", required=True)
    b = etl.add_parser("build-snapshot", help="bouw data/snapshot uit de gedeelde CBS-extracten")
    b.add_argument("--from", required=True, help="map met de extracten (../shared/data)")
    b.add_argument("--to", help="doelmap (standaard data/snapshot)")
    b.set_defaults(func=cmd_build_snapshot)
    ld = etl.add_parser("load-snapshot", help="laad de gebundelde snapshot in de database")
    ld.add_argument("--if-empty", action="store_true", help="alleen als de database leeg is")
    ld.add_argument("--if-needed", action="store_true",
                    help="als de database leeg is of een oudere snapshot bevat (niet na een live verversing)")
    ld.add_argument("--snapshot", help="snapshotmap (standaard data/snapshot)")
    ld.set_defaults(func=cmd_load_snapshot)
    r = etl.add_parser("refresh", help="ververs live van CBS (cbsodata) en PDOK")
    r.add_argument("--jaren", help="bijvoorbeeld 2013-2025 of 2022,2024")
    r.add_argument("--gemeenten", help="GM-codes, komma-gescheiden (standaard alle 13)")
    r.add_argument("--zonder-grenzen", action="store_true", help="sla PDOK-grenzen over")
    r.add_argument("--from-raw", metavar="MAP",
                   help="lees de tabellen uit een elders gemaakte download (cbsodata-formaat) in plaats van "
                        "van internet; zonder --jaren alle jaren in de map")
    r.set_defaults(func=cmd_refresh)
    d = etl.add_parser("download", help="download KWB-jaren (en grenzen) naar een map, om elders in te lezen")
    d.add_argument("--jaren", required=True, help="bijvoorbeeld 2013-2025")
    d.add_argument("--naar", required=True, help="doelmap")
    d.add_argument("--gemeenten", help="GM-codes, komma-gescheiden (standaard alle 13)")
    d.add_argument("--zonder-grenzen", action="store_true", help="sla PDOK-grenzen over")
    d.set_defaults(func=cmd_download)
    c = etl.add_parser("check-table", help="toon hoe de variabelen in een CBS-tabel (downloadmap) gevonden worden")
    c.add_argument("map", help="map met TableInfos.json en DataProperties.json (cbsodata-formaat)")
    c.add_argument("--jaar", type=int, help="jaar van de tabel (standaard uit TableInfos.json)")
    c.add_argument("--json", action="store_true", help="als JSON")
    c.set_defaults(func=cmd_check_table)
    s = etl.add_parser("status", help="dekking en laatste laadruns")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)
    rc = etl.add_parser("recompute", help="bereken alleen de indicatoren opnieuw (na het aanpassen van de dorpen)")
    rc.set_defaults(func=cmd_recompute)

    sub.add_parser("export", help="indicatoren als CSV (zie 'dorpenmonitor export --help')", add_help=False)
    # Options (and --help) are parsed by cmd_profiel, which alone imports the dashboard.
    pr = sub.add_parser("profiel", help=PROFIEL_HELP, add_help=False)
    pr.set_defaults(func=cmd_profiel)
    sv = sub.add_parser("serve", help="start het dashboard (productieserver gunicorn; --dev voor Dash' testserver)")
    sv.add_argument("--workers", type=int, help="aantal werkprocessen (anders DORPENMONITOR_WORKERS; standaard "
                                                "het aantal processorkernen)")
    sv.add_argument("--dev", action="store_true", help="Dash' ontwikkelserver in plaats van gunicorn (niet voor "
                                                      "productie)")
    sv.set_defaults(func=cmd_serve)
    st = sub.add_parser("settings", help="toon alle instellingen")
    st.set_defaults(func=cmd_settings)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # export has its own parser (indicators.export) so its --help lists the valid choices.
    if "export" in argv and argv.index("export") <= 2 and not any(a == "etl" for a in argv[: argv.index("export")]):
        i = argv.index("export")
        return cmd_export(argv[i + 1 :])
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "profiel":
        args.profiel_args = rest
    elif rest:
        parser.error(f"onbekende argumenten: {' '.join(rest)}")
    if args.database_url:
        os.environ["DORPENMONITOR_DATABASE_URL"] = args.database_url
    try:
        return int(args.func(args) or 0)
    except ConcurrentLoadError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    except sa.exc.DBAPIError as exc:  # read-only file or role, server away: one line, no traceback
        print(f"Fout: {database_problem(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:
        snap = sys.modules.get("etl.snapshot")  # not imported: no SnapshotError can have been raised
        if isinstance(exc, (FileNotFoundError, PermissionError, ValueError)) or (
                snap is not None and isinstance(exc, snap.SnapshotError)):
            print(f"Fout: {exc}", file=sys.stderr)
            return 2
        raise


def database_problem(exc: sa.exc.DBAPIError) -> str:
    """:func:`dorpenmonitor.store.database_problem` for the configured database."""
    return store_database_problem(get_settings().database_url, exc)


if __name__ == "__main__":
    sys.exit(main())
