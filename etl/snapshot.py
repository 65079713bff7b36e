"""The bundled snapshot: build it from the shared CBS extracts, load it into the store.

``build(shared_dir, snapshot_dir)`` turns the real extracts in ``../shared/data``
into small, sorted, diff-friendly CSV and GeoJSON files under ``data/snapshot``
with a ``sources.json`` manifest (provenance and sha256 of every input and
output). ``load(store, snapshot_dir, boundaries=...)`` reads only the snapshot, so a fresh
clone works without ``../shared``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dorpenmonitor.catalogue import KWB_VARIABLES, variable_rows
from dorpenmonitor.settings import GEMEENTEN
from dorpenmonitor.store import Scope, Store, now
from etl.load import LoadRun
from etl.sources import BY_ID, GEO_SOURCES, SOURCES, Source
from etl.transform import (
    OBS_COLUMNS,
    REGION_COLUMNS,
    BadCellError,
    check_numeric,
    kwb_observations,
    melt_observations,
    region_row,
    trim,
)

_NUMS = {c[2:] for c in GEMEENTEN}
#: Where the shared extracts sit beside a checkout (not needed to run the app).
PROJECT_SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
#: Topic keys of KWB 2024 (85984NED), from the recorded DataProperties.
KWB2024_KEYS_FILE = Path(__file__).with_name("kwb_2024_85984NED_keys.json")

#: woonikveilig's renamed KWB fields → the CBS 85984NED keys they came from.
WOONIK_TO_CBS = {
    "demografie.inwoners": "AantalInwoners_5",
    "demografie.inwoners65plus": "k_65JaarOfOuder_12",
    "demografie.inwoners0tot15": "k_0Tot15Jaar_8",
    "demografie.dichtheid": "Bevolkingsdichtheid_34",
    "demografie.huishoudensgrootte": "GemiddeldeHuishoudensgrootte_33",
    "demografie.huishoudens": "HuishoudensTotaal_29",
    "demografie.wozWaarde": "GemiddeldeWOZWaardeVanWoningen_39",
    "demografie.koopwoningen": "Koopwoningen_47",
    "demografie.eengezinswoning": "PercentageEengezinswoning_40",
    "demografie.inkomenPerInwoner": "GemiddeldInkomenPerInwoner_83",
    "demografie.stedelijkheid": "MateVanStedelijkheid_127",
    "demografie.adressendichtheid": "Omgevingsadressendichtheid_128",
    "demografie.oppervlakteLandHa": "OppervlakteLand_123",
    "demografie.afstandHuisarts": "AfstandTotHuisartsenpraktijk_117",
    "demografie.afstandSupermarkt": "AfstandTotGroteSupermarkt_118",
    "demografie.afstandSchool": "AfstandTotSchool_120",
    "demografie.scholenBinnen3km": "ScholenBinnen3Km_121",
}
TMAP_2022 = {
    "population": "inwoners",
    "dwelling_total": "woningvoorraad",
    "dwelling_value": "woz_waarde",
    "dwelling_ownership": "pct_koopwoningen",
    "pop_0_14": "pct_0_14_gepubliceerd",
    "pop_65plus": "pct_65plus_gepubliceerd",
    "employment_rate": "arbeidsparticipatie",
}
FVW_NEW = {  # 60039fvw and 81880NED share these keys
    "TotaalMannenEnVrouwen_1": "inwoners",
    "TotaalMannen_7": "mannen",
    "TotaalVrouwen_13": "vrouwen",
}
GEMEENTE_SERIES = {
    "85383NED@dertje": ("Regiocode_73", {"InwonersTotaal_1": "inwoners",
                                         "Eenpersoonshuishoudens_19": "eenpersoonshuishoudens",
                                         "WoningTotaal_36": "woningvoorraad"}),
    # Woningvoorraad_56 is filled 2007-2012, WoningTotaal_60 2015-2022: never both in one year.
    "60039fvw@dertje": ("Regiocode_76", {**FVW_NEW, "Woningvoorraad_56": "woningvoorraad",
                                         "WoningTotaal_60": "woningvoorraad"}),
    "81880NED@dertje": ("Regiocode_65", {**FVW_NEW, "Woningvoorraad_52": "woningvoorraad"}),
    "80860ned@dertje": ("RegiocodeKoppelvariabele_1", {
        "TotaleBevolking_2": "inwoners", "Mannen_3": "mannen", "Vrouwen_4": "vrouwen",
        "k_0Tot15Jaar_5": "leeftijd_0_14", "k_15Tot25Jaar_6": "leeftijd_15_24", "k_25Tot45Jaar_7": "leeftijd_25_44",
        "k_45Tot65Jaar_8": "leeftijd_45_64", "k_65JaarEnOuder_9": "leeftijd_65plus"}),
}
#: Years a gemeente series may supply a variable (absent: every year it fills). 85383NED's
#: WoningTotaal 2024 equals KWB 2024 and 2025 is provisional only, so it serves 2023.
GEMEENTE_SERIES_YEARS: dict[tuple[str, str], tuple[int, ...]] = {("85383NED@dertje", "woningvoorraad"): (2023,)}
SES = {"ParticuliereHuishoudens_2": "particuliere_huishoudens", "GemiddeldeScore_29": "ses_woa_score"}
# 2017 publishes electricity *consumption*; the KWB's elektriciteit_gemiddeld is net *delivery* (from 2021),
# a different measure: consumption goes to its own variable, never into the delivery series.
ENERGY_2017 = {"GemiddeldAardgasverbruik_4": "gas_gemiddeld", "GemiddeldElektriciteitsverbruik_5":
               "elektriciteit_verbruik", "IndelingswijzigingWijkenEnBuurten_7": "indelingswijziging"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def in_scope(code: str) -> bool:
    """True for GM/WK/BU codes of the 13 municipalities."""
    return isinstance(code, str) and len(code) >= 6 and code[:2] in ("GM", "WK", "BU") and code[2:6] in _NUMS


# -- build ------------------------------------------------------------------
def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Sorted rows, fixed float format and LF endings keep git diffs small and honest.
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def _build_kwb_dertje(src: Path) -> pd.DataFrame:
    df = trim(pd.read_csv(src, dtype=str, keep_default_na=False))
    df = df[df["Codering_3"].map(in_scope)]
    return df.sort_values("Codering_3").drop(columns=["ID"])


def _build_kwb_niquedegraaff(src: Path) -> pd.DataFrame:
    data = json.loads(src.read_text(encoding="utf-8"))
    rows = [{"Codering_3": code, **vals} for code, vals in data.items() if in_scope(code)]
    df = pd.DataFrame(rows)
    cols = ["Codering_3"] + sorted(c for c in df.columns if c != "Codering_3")
    return df[cols].sort_values("Codering_3")


def _build_kwb_woonikveilig(src: Path) -> pd.DataFrame:
    raw = pd.read_csv(src, dtype=str, keep_default_na=False)
    df = pd.DataFrame({"Codering_3": raw["code"], "WijkenEnBuurten": raw["name"]})
    for field, key in WOONIK_TO_CBS.items():
        df[key] = raw[field]
    return df[df["Codering_3"].map(in_scope)].sort_values("Codering_3")


def _build_tmap_2022(shared: Path) -> pd.DataFrame:
    frames = [pd.read_csv(shared / "kwb" / f, dtype=str) for f in
              ("gemeenten_2022_tmap_attributes.csv", "wijken_2022_tmap_attributes.csv")]
    df = pd.concat(frames, ignore_index=True)
    return df[df["code"].map(in_scope)].sort_values("code")


def _build_gemeente_series(src: Path, code_col: str) -> pd.DataFrame:
    df = trim(pd.read_csv(src, dtype=str, keep_default_na=False))
    df = df[df[code_col].map(in_scope)]
    sort = [code_col, "Perioden"] + (["StatusCijfer"] if "StatusCijfer" in df.columns else [])
    return df.drop(columns=["ID"]).sort_values(sort)


def _build_trend(src: Path, prefix: str, types: tuple[str, ...]) -> pd.DataFrame:
    raw = pd.read_csv(src, dtype=str, keep_default_na=False)
    raw = raw[raw["type"].isin(types)]
    cols = [c for c in raw.columns if c.startswith(prefix)]
    df = raw[["code", "name", *cols]].rename(columns={c: c[len(prefix):] for c in cols})
    return df[df["code"].map(in_scope)].sort_values("code")


def _build_filtered(src: Path, code_col: str, sort: list[str]) -> pd.DataFrame:
    df = trim(pd.read_csv(src, dtype=str, keep_default_na=False))
    df = df[df[code_col].map(in_scope)]
    return df.drop(columns=["ID"]).sort_values(sort)


def _build_woonplaatsen(src: Path) -> pd.DataFrame:
    df = trim(pd.read_csv(src, dtype=str, keep_default_na=False))
    df = df[df["Code_3"].map(in_scope)]
    return df.drop(columns=["ID"]).sort_values(["Code_3", "Woonplaatscode_1"])


def _round_coords(coords, nd: int = 6):
    if isinstance(coords[0], (float, int)):
        return [round(float(c), nd) for c in coords]
    return [_round_coords(c, nd) for c in coords]


def _build_geojson(src: Path, code_prop: str, code_fix=lambda c: c, name_prop: str | None = None) -> dict:
    data = json.loads(src.read_text(encoding="utf-8"))
    feats = []
    for f in data["features"]:
        code = code_fix(str(f["properties"][code_prop]))
        if not in_scope(code):
            continue
        props = {"code": code}
        if name_prop:
            props["naam"] = f["properties"].get(name_prop)
        geom = {"type": f["geometry"]["type"], "coordinates": _round_coords(f["geometry"]["coordinates"])}
        feats.append({"type": "Feature", "properties": props, "geometry": geom})
    feats.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "crs": {"type": "name", "properties":
            {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": feats}


def _geojson_lines(fc: dict) -> str:
    """GeoJSON with one feature per line, so a changed boundary is a one-line diff."""
    head = json.dumps({k: v for k, v in fc.items() if k != "features"}, ensure_ascii=False)[:-1]
    feats = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"])
    return f'{head}, "features": [\n{feats}\n]}}\n'


def build(shared_dir: Path, snapshot_dir: Path) -> dict:
    """Write the snapshot from the shared extracts; returns the manifest."""
    shared_dir = Path(shared_dir)
    snapshot_dir = Path(snapshot_dir)
    if not (shared_dir / "PROVENANCE.md").exists():
        raise FileNotFoundError(f"{shared_dir} is geen map met CBS-extracten (PROVENANCE.md ontbreekt)")
    woonik = shared_dir / "kwb/woonikveilig_kwb2024_crime_health_13gm.csv"
    builders = {
        "85984NED@dertje": lambda p: _build_kwb_dertje(p),
        "85984NED@niquedegraaff": lambda p: _build_kwb_niquedegraaff(p),
        "85984NED@woonikveilig": lambda p: _build_kwb_woonikveilig(p),
        "85318NED@tmap": lambda p: _build_tmap_2022(shared_dir),
        "47022NED@woonikveilig": lambda p: _build_trend(woonik, "veiligheid.trend.", ("gemeente", "buurt")),
        "50150NED@woonikveilig": lambda p: _build_trend(woonik, "gezondheid.trend.", ("gemeente", "buurt")),
        "86092NED@dertje": lambda p: _build_filtered(p, "RegiocodeGemeenteWijkBuurt_1",
                                                     ["RegiocodeGemeenteWijkBuurt_1", "Perioden"]),
        "84314NED@dertje": lambda p: _build_filtered(p, "Codering_3", ["Codering_3"]),
        "86097NED@dertje": lambda p: _build_woonplaatsen(p),
        **{sid: (lambda p, col=col: _build_gemeente_series(p, col)) for sid, (col, _) in GEMEENTE_SERIES.items()},
    }
    manifest: dict = {"built": dt.date.today().isoformat(), "shared_dir": "../shared/data", "sources": []}
    for src in SOURCES:
        path = shared_dir / src.shared_path
        df = builders[src.id](path)
        out = snapshot_dir / src.snapshot_file
        _write_csv(df, out)
        manifest["sources"].append(_manifest_entry(src, path, out, snapshot_dir, len(df)))

    geo = [
        (GEO_SOURCES[0], [("geo/gemeenten_2022_tmap.geojson", "geo/gemeenten_2022.geojson", "code", None),
                          ("geo/wijken_2022_tmap.geojson", "geo/wijken_2022.geojson", "code", None)]),
        (GEO_SOURCES[1], [("geo/gemeenten_2013_tmap.geojson", "geo/gemeenten_2013.geojson", "code", None)]),
        (GEO_SOURCES[2], [("geo/buurten_2019-2020_emielsanders_powerbi.geojson", "geo/buurten_2019.geojson",
                           "statcode", None)]),
        (GEO_SOURCES[3], [("geo/buurten_2024_woonikveilig_approx_georef.geojson",
                           "geo/buurten_2024_benaderd.geojson", "code", "naam")]),
    ]
    for src, files in geo:
        for shared_rel, out_rel, code_prop, name_prop in files:
            fix = (lambda c: "GM" + c) if shared_rel.endswith("gemeenten_2013_tmap.geojson") else (lambda c: c)
            fc = _build_geojson(shared_dir / shared_rel, code_prop, fix, name_prop)
            out = snapshot_dir / out_rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(_geojson_lines(fc), encoding="utf-8")
            entry = _manifest_entry(src, shared_dir / shared_rel, out, snapshot_dir, len(fc["features"]))
            manifest["sources"].append(entry)
    (snapshot_dir / "sources.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                              encoding="utf-8")
    return manifest


def _manifest_entry(src: Source, inp: Path, out: Path, snapshot_dir: Path, rows: int) -> dict:
    return {
        "id": src.id,
        "file": out.relative_to(snapshot_dir).as_posix(),
        "rows": rows,
        "input": inp.name,
        "input_sha256": sha256(inp),
        "sha256": sha256(out),
        # The load-time choices for this source, so the manifest says what the load does with the file.
        **({"lege_cel_is_nul": list(src.empty_is_zero)} if src.empty_is_zero else {}),
        **({"enige_release_voor": list(src.release_of_choice)} if src.release_of_choice else {}),
    }


# -- load -------------------------------------------------------------------
class SnapshotError(RuntimeError):
    """The snapshot is missing, incomplete or was changed by hand."""


def manifest_hash(snapshot_dir: Path) -> str:
    """Fingerprint of the snapshot (its manifest holds every file's checksum)."""
    path = Path(snapshot_dir) / "sources.json"
    return sha256(path) if path.exists() else ""


def read_manifest(snapshot_dir: Path, verify: bool = True) -> dict:
    path = Path(snapshot_dir) / "sources.json"
    if not path.exists():
        raise SnapshotError(f"Geen snapshot in {snapshot_dir}: draai eerst 'dorpenmonitor etl build-snapshot'")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{path} is geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}: {exc.msg}); het bestand is afgekapt "
            f"of beschadigd. Zet het terug met 'git checkout -- {path}' of bouw de snapshot opnieuw met "
            f"'dorpenmonitor etl build-snapshot --from ../shared/data'. De database is niet gewijzigd."
        ) from None
    if verify:
        for e in manifest["sources"]:
            f = Path(snapshot_dir) / e["file"]
            if not f.exists():
                raise SnapshotError(f"Snapshotbestand ontbreekt: {f}")
            if sha256(f) != e["sha256"]:
                raise SnapshotError(f"Snapshotbestand {f} wijkt af van sources.json (checksum); bouw opnieuw.")
    return manifest


def _read(snapshot_dir: Path, sid: str) -> pd.DataFrame:
    """One snapshot CSV as text, indexed by its line number in the file (the header is line 1)."""
    df = pd.read_csv(snapshot_dir / BY_ID[sid].snapshot_file, dtype=str, keep_default_na=False)
    df.index = df.index + 2
    return df


def _kwb_keys() -> list[str]:
    return json.loads(KWB2024_KEYS_FILE.read_text(encoding="utf-8"))


def snapshot_observations(snapshot_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All observations and regions the snapshot holds (priority resolved).

    A value cell holding text refuses the whole load (:class:`SnapshotError` naming file, line and column): it
    would otherwise become a gap, and the value would silently come from another source.
    """
    snapshot_dir = Path(snapshot_dir)
    current = {"sid": ""}

    def read(sid: str) -> pd.DataFrame:
        current["sid"] = sid
        return _read(snapshot_dir, sid)

    try:
        return _snapshot_observations(snapshot_dir, read)
    except BadCellError as exc:
        path = snapshot_dir / BY_ID[current["sid"]].snapshot_file
        raise SnapshotError(
            f"{path}: regel {exc.row}, kolom {exc.column}: '{exc.value[:40]}' is geen getal. Laden geweigerd; de "
            f"database is niet gewijzigd. Zet het bestand terug (git checkout -- {path}) of bouw de snapshot opnieuw."
        ) from None


def _snapshot_observations(snapshot_dir: Path, read_source: Callable[[str], pd.DataFrame]
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    keys = _kwb_keys()
    obs_parts: list[pd.DataFrame] = []
    region_parts: list[pd.DataFrame] = []

    full = read_source("85984NED@dertje")
    regs, obs, _ = kwb_observations(full, "85984NED", 2024, keys, "85984NED@dertje", strict=True)
    obs_parts.append(obs)
    region_parts.append(regs)
    for sid in ("85984NED@niquedegraaff", "85984NED@woonikveilig"):
        part = zeros_proven(read_source(sid), BY_ID[sid])
        cols = [k for k in part.columns if k in keys and k not in ("Codering_3", "WijkenEnBuurten")]
        _, o, _ = kwb_observations(part.reindex(columns=list(dict.fromkeys(["Codering_3", *keys]))), "85984NED",
                                   2024, keys, sid, strict=True)
        # Only the columns this republisher carries are evidence; the rest is 'not in this source'.
        present = {k for k, v in _crosswalk_2024().items() if v in cols}
        o = o[o["variable"].isin(present)].copy()
        # A republished subset leaves a cell empty both where CBS suppressed it
        # and where the republisher had nothing; mostly-empty columns are the latter.
        empty_share = o.groupby("variable")["value"].transform(lambda s: s.isna().mean())
        o.loc[o["value"].isna() & (empty_share > 0.5), "status"] = "ontbreekt"
        obs_parts.append(o)
        if "WijkenEnBuurten" in part.columns:
            region_parts.append(pd.DataFrame([region_row(c, n) for c, n in
                                              zip(part["Codering_3"], part["WijkenEnBuurten"], strict=True)]))

    tmap = read_source("85318NED@tmap")
    obs_parts.append(melt_observations(tmap, TMAP_2022, 2022, "85318NED@tmap", strict=True))
    region_parts.append(pd.DataFrame([region_row(c, n) for c, n in zip(tmap["code"], tmap["name"], strict=True)]))

    for sid, (code_col, cols) in GEMEENTE_SERIES.items():
        df = read_source(sid)
        if "StatusCijfer" in df.columns:
            # Definitive figures replace provisional ones for the same year.
            df = df.assign(_rank=df["StatusCijfer"].map({"Definitief": 0}).fillna(1))
            o = melt_observations(df, cols, "Perioden", sid, code_column=code_col, strict=True)
            o["_rank"] = np.tile(df["_rank"].to_numpy(), len([c for c in cols if c in df.columns]))
            o = o[o["status"] == "ok"].sort_values("_rank").drop_duplicates(
                ["region_code", "period", "variable"]).drop(columns="_rank")
        else:
            o = melt_observations(df, cols, "Perioden", sid, code_column=code_col, strict=True)
            o = o[o["status"] == "ok"]
        for (ysid, var), yrs in GEMEENTE_SERIES_YEARS.items():
            if ysid == sid:
                o = o[(o["variable"] != var) | o["period"].isin(yrs)]
        obs_parts.append(o)

    for sid, var in (("47022NED@woonikveilig", "misdrijven"), ("50150NED@woonikveilig", "goed_ervaren_gezondheid")):
        df = read_source(sid)
        years = [c for c in df.columns if c.isdigit()]
        check_numeric(df, years)  # before the melt, while the index still holds the file's line numbers
        long = df.melt(id_vars=["code"], value_vars=years, var_name="jaar", value_name="v")
        o = melt_observations(long, {"v": var}, "jaar", sid)
        obs_parts.append(o)

    ses = read_source("86092NED@dertje")
    ses = ses[ses["Perioden"].str.fullmatch(r"\d{4}")]
    obs_parts.append(melt_observations(ses, SES, "Perioden", "86092NED@dertje",
                                       code_column="RegiocodeGemeenteWijkBuurt_1", strict=True))
    region_parts.append(pd.DataFrame([region_row(c, n) for c, n in
                                      zip(ses["RegiocodeGemeenteWijkBuurt_1"], ses["WijkenEnBuurten"], strict=True)]))

    en = read_source("84314NED@dertje")
    en = en.rename(columns={"Codering_3": "code"})
    obs_parts.append(melt_observations(en, ENERGY_2017, 2017, "84314NED@dertje", strict=True))
    region_parts.append(pd.DataFrame([region_row(c, n) for c, n in zip(en["code"], en["WijkenEnBuurten"],
                                                                           strict=True)]))

    obs = pd.concat(obs_parts, ignore_index=True)
    obs = obs[obs["region_code"].map(in_scope)]
    obs = one_release(obs)
    prio = {s.id: s.priority for s in SOURCES}
    # A published figure beats an empty cell from a higher-priority source: the
    # earlier republished dump predates CBS's later fill-in of the same table.
    obs = (obs.assign(_p=obs["source_id"].map(prio), _missing=obs["status"].map({"ok": 0, "geheim": 1}).fillna(2))
              .sort_values(["region_code", "period", "variable", "_missing", "_p"])
              .drop_duplicates(["region_code", "period", "variable"])
              .drop(columns=["_p", "_missing"]))
    # The first region list wins: the 2024 names from CBS's own table.
    regions = pd.concat(region_parts, ignore_index=True).drop_duplicates("code")
    obs = _add_missing_2024(obs, regions)
    return obs[OBS_COLUMNS].reset_index(drop=True), regions[REGION_COLUMNS].sort_values("code")


def zeros_proven(part: pd.DataFrame, source: Source) -> pd.DataFrame:
    """Empty cells of the source's ``empty_is_zero`` columns as "0" (returns a copy).

    Only for columns where the overlap with a complete CBS dump proved that the
    republisher wrote CBS's zeros as empty cells (see ``Source.empty_is_zero``).
    """
    out = part.copy()
    for col in source.empty_is_zero:
        if col in out.columns:
            out[col] = out[col].where(out[col].str.strip() != "", "0")
    return out


def one_release(obs: pd.DataFrame) -> pd.DataFrame:
    """Keep one release per table and variable: a source's ``release_of_choice`` drops the others.

    Two republications of one CBS table id can be two versions of it (CBS
    revises a table after its first release); a year must not mix them.
    """
    table = obs["source_id"].map({s.id: s.table_id for s in SOURCES})
    drop = pd.Series(False, index=obs.index)
    for src in SOURCES:
        for var in src.release_of_choice:
            drop |= (obs["variable"] == var) & (table == src.table_id) & (obs["source_id"] != src.id)
    return obs[~drop]


def _crosswalk_2024() -> dict[str, str]:
    return {v.key: v.kwb[2024] for v in KWB_VARIABLES if 2024 in v.kwb}


def _add_missing_2024(obs: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Mark KWB 2024 variables that no source carries for a 2024 region as 'ontbreekt'."""
    codes_2024 = obs.loc[(obs["period"] == 2024) & (obs["variable"] == "inwoners"), "region_code"].unique()
    full = pd.MultiIndex.from_product([codes_2024, list(_crosswalk_2024())], names=["region_code", "variable"])
    have = pd.MultiIndex.from_frame(obs.loc[obs["period"] == 2024, ["region_code", "variable"]])
    missing = full.difference(have)
    add = pd.DataFrame({
        "region_code": missing.get_level_values(0), "period": 2024, "variable": missing.get_level_values(1),
        "value": np.nan, "status": "ontbreekt", "source_id": "85984NED@dertje",
    })
    return pd.concat([obs, add], ignore_index=True)


def load(
    store: Store,
    snapshot_dir: Path,
    *,
    boundaries: Callable[[Path], pd.DataFrame],
    after_swap: Callable[[sa.Connection], None] | None = None,
) -> int:
    """Replace the whole database content with the snapshot, atomically.

    ``boundaries`` reads the snapshot's boundary rows (``geodata.snapshot.snapshot_boundaries``);
    the caller passes it in because ``etl`` and ``geodata`` are siblings that never import each other.
    ``after_swap(conn)`` runs inside the swap's transaction (the CLI passes the indicator cube's builder,
    so data and cube commit together).
    """
    manifest = read_manifest(snapshot_dir)
    obs, regions = snapshot_observations(snapshot_dir)
    bnd = boundaries(Path(snapshot_dir))
    # Regions only known from boundaries (e.g. buurten of the 2019 map) still need a row.
    extra = sorted(set(bnd["region_code"]) - set(regions["code"]))
    if extra:
        regions = pd.concat([regions, pd.DataFrame([region_row(c, f"{c} (oude indeling)") for c in extra])])
    checks = {e["id"]: e for e in manifest["sources"]}
    source_rows = []
    for s in SOURCES + GEO_SOURCES:
        row = s.row()
        if s.id in checks:
            row["retrieved"] = manifest["built"]
            row["checksum"] = "sha256:" + checks[s.id]["input_sha256"]
        source_rows.append(row)
    with LoadRun(store, "snapshot", Scope(replace_all=True)) as run:
        run.stage(obs=obs, bnd=bnd)
        n = run.swap(regions_df=regions, variables_rows=variable_rows(), source_rows=source_rows,
                     meta_rows={"snapshot_built": manifest["built"], "snapshot_loaded": now(),
                                "data_origin": "snapshot", "snapshot_sha256": manifest_hash(snapshot_dir)},
                     after_swap=after_swap)
        run.note(f"{len(obs)} waarnemingen, {len(bnd)} grenzen, {len(regions)} gebieden")
    return n
