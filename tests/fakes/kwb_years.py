"""A multi-year fake CBS: KWB tables 2013–2025 on 127.0.0.1, with SYNTHETIC values.

What is real and what is invented (every invented DataProperties entry carries
``"x_synthetic": true``; every TableInfos says so in ``ExplanatoryText``):

- 2024 (85984NED): the real recorded DataProperties, unmodified
  (``relayout_2024="2025"`` serves it in the re-released 86165NED layout).
- 2017, 2020, 2025: the real full key lists in tests/fixtures/kwb_keys; Title,
  Unit and Datatype are taken from the real 2024 DataProperties by key stem.
- 2021–2023: the real partial key lists; every other 2024 topic is added by
  stem with an invented suffix (synthetic).
- 2013–2016, 2018, 2019: no real key list; built from the 2017 list (2013 with
  the changes CBS-NOTES records: ``RegioS`` dimension, ``AantalInwoners_4``,
  ``k_0Tot15Jaar_7``, ``IndelingswijzigingWijkenEnBuurten_122``,
  ``PercentageLeegstaand``, ``PersonenMetEen…UitkeringTotaal``). 2013–2015
  publish age groups and household types as % (synthetic, to exercise the
  unit conversion).
- Region codes: the real 2019/20 buurt codes (shared geojson) up to 2021, the
  real 2024 codes after; wijk and gemeente rows derived from them.
- Values: synthetic and deterministic per (region, column stem), so a buurt's
  share of 0-14 year olds is the same whether a year publishes counts or %;
  wijk and gemeente counts are sums of their buurten; the stedelijkheid is a class 1-5, as CBS codes it.
"""

from __future__ import annotations

import csv
import json
import re
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tests.fakes.cbs_odata import DATA_CSV, FIXTURES, META_DIR, CbsState, FakeCbs

KWB_TABLES: dict[int, str] = {
    2013: "82339NED", 2014: "82931NED", 2015: "83220NED", 2016: "83487NED", 2017: "83765NED",
    2018: "84286NED", 2019: "84583NED", 2020: "84799NED", 2021: "85039NED", 2022: "85318NED",
    2023: "85618NED", 2024: "85984NED", 2025: "86165NED",
}
YEAR_OF = {t: y for y, t in KWB_TABLES.items()}
KEYS_DIR = FIXTURES / "kwb_keys"
GEMEENTE_NAMES = {"GM1680": "Aa en Hunze", "GM0109": "Coevorden", "GM0106": "Assen"}
#: Assen rides along (a few rows) so the server-side filter is exercised.
EXTRA_GM = "0106"
PCT_YEARS = (2013, 2014, 2015)
PCT_STEMS = ("k_0Tot15Jaar", "k_15Tot25Jaar", "k_25Tot45Jaar", "k_45Tot65Jaar", "k_65JaarOfOuder",
             "Eenpersoonshuishoudens", "HuishoudensZonderKinderen", "HuishoudensMetKinderen")
#: Invented titles/units for stems the 2024 table does not have.
SYNTH_TOPICS: dict[str, tuple[str, str, str]] = {
    "GemiddeldElektriciteitsverbruikTotaal": ("Gemiddeld elektriciteitsverbruik totaal", "kWh", "Long"),
    "GemiddeldeWoningwaarde": ("Gemiddelde woningwaarde", "x 1 000 euro", "Long"),
    "PercentageOnbewoond": ("Percentage onbewoond", "%", "Long"),
    "PercentageBewoond": ("Percentage bewoond", "%", "Long"),
    "PercentageLeegstaand": ("Percentage leegstaande woningen", "%", "Long"),
    "PersonenMetEenWWBUitkeringTotaal": ("Personen met een WWB-uitkering totaal", "aantal", "Long"),
    "PersonenMetEenAOUitkeringTotaal": ("Personen met een AO-uitkering totaal", "aantal", "Long"),
    "PersonenMetEenWWUitkeringTotaal": ("Personen met een WW-uitkering totaal", "aantal", "Long"),
    "PersonenMetEenAOWUitkeringTotaal": ("Personen met een AOW-uitkering totaal", "aantal", "Long"),
    "OpleidingsniveauLaag": ("Opleidingsniveau laag", "aantal", "Long"),
    "OpleidingsniveauMiddelbaar": ("Opleidingsniveau middelbaar", "aantal", "Long"),
    "OpleidingsniveauHoog": ("Opleidingsniveau hoog", "aantal", "Long"),
    "IndelingswijzigingWijkenEnBuurten": ("Indelingswijziging wijken en buurten", "code", "String"),
}
_STRING_STEMS = {"Gemeentenaam", "SoortRegio", "Codering", "IndelingswijzigingWijkenEnBuurten",
                 "IndelingswijzigingGemeenteWijkBuurt", "MeestVoorkomendePostcode"}


def stem(key: str) -> str:
    return re.sub(r"_\d+$", "", key)


def _h(*parts: object) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


def _words(s: str) -> str:
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", s).replace("_", " ").strip()
    return text[:1].upper() + text[1:].lower()


def key_list(year: int) -> list[str]:
    """The column keys (dimension excluded) the fake publishes for ``year``."""
    real = KEYS_DIR / f"{year}.txt"
    if real.exists():
        keys = [k.strip() for k in real.read_text(encoding="utf-8").split() if k.strip()]
        return [k for k in keys if k != "WijkenEnBuurten"]
    base = key_list(2017)
    if year != 2013:
        return base
    # 2013 (synthetic layout following CBS-NOTES): renamed stems and shifted suffixes.
    renames = {"PercentageOnbewoond": "PercentageLeegstaand",
               "PersonenPerSoortUitkeringBijstand": "PersonenMetEenWWBUitkeringTotaal",
               "PersonenPerSoortUitkeringAO": "PersonenMetEenAOUitkeringTotaal",
               "PersonenPerSoortUitkeringWW": "PersonenMetEenWWUitkeringTotaal",
               "PersonenPerSoortUitkeringAOW": "PersonenMetEenAOWUitkeringTotaal"}
    stems = [renames.get(stem(k), stem(k)) for k in base
             if not stem(k).startswith("Indelingswijziging") and stem(k) != "PercentageBewoond"]
    out = [f"{s}_{i}" for i, s in enumerate(stems, start=1)]
    return out[:121] + [f"IndelingswijzigingWijkenEnBuurten_{122}"]


@dataclass
class YearTable:
    year: int
    table_id: str
    region_dimension: str
    infos: list[dict]
    props: list[dict]
    dim: list[dict]
    data: list[dict]


def _base_props() -> list[dict]:
    return json.loads((META_DIR / "DataProperties.json").read_text(encoding="utf-8"))


def build_props(year: int, relayout_2024: str | None = None) -> tuple[list[dict], str]:
    """(DataProperties, region dimension) for ``year``."""
    base = _base_props()
    if year == 2024 and relayout_2024 is None:
        return base, "WijkenEnBuurten"
    keys = key_list(2025 if year == 2024 else year)
    dim = "RegioS" if year == 2013 else "WijkenEnBuurten"
    groups = [p for p in base if p.get("Type") == "TopicGroup"]
    topics24 = [p for p in base if p.get("Type") == "Topic"]
    by_stem: dict[str, list[dict]] = {}
    for p in topics24:
        by_stem.setdefault(stem(p["Key"]), []).append(p)
    used: dict[str, int] = {}
    props: list[dict] = [{"odata.type": "Cbs.OData.GeoDimension" if dim == "RegioS" else "Cbs.OData.GeoDetail",
                          "ID": 0, "Position": 0, "ParentID": None,
                          "Type": "GeoDimension" if dim == "RegioS" else "GeoDetail", "Key": dim,
                          "Title": "Regio's" if dim == "RegioS" else "Wijken en buurten", "Description": "",
                          "MapYear": year}]
    props += [dict(g) for g in groups]
    next_id = 1000
    partial = year in (2021, 2022, 2023)
    synth_year = not (KEYS_DIR / f"{year}.txt").exists() and year != 2024

    def topic(key: str, synthetic: bool) -> dict:
        nonlocal next_id
        s = stem(key)
        n = used.get(s, 0)
        used[s] = n + 1
        cands = by_stem.get(s, [])
        if n < len(cands):
            src = cands[n]
            p = {**src, "Key": key, "ID": next_id}
        else:
            title, unit, dtype = SYNTH_TOPICS.get(s, (_words(s), "%" if s.startswith("Percentage") else "aantal",
                                                      "Long"))
            p = {"odata.type": "Cbs.OData.Topic", "ID": next_id, "Position": None, "ParentID": None,
                 "Type": "Topic", "Key": key, "Title": title[:40], "Description": "", "Unit": unit,
                 "Datatype": dtype, "Decimals": 0, "Default": "Impossible", "PresentationType": "Absolute"}
            synthetic = True
        if year in PCT_YEARS and s in PCT_STEMS:
            p.update({"Unit": "%", "Datatype": "Double", "Decimals": 1})
            synthetic = True
        if synthetic:
            p["x_synthetic"] = True
        next_id += 1
        return p

    for k in keys:
        props.append(topic(k, synth_year))
    if partial:
        present = {stem(k) for k in keys}
        top = max(int(k.rsplit("_", 1)[1]) for k in keys if re.search(r"_\d+$", k))
        for p in topics24:
            s = stem(p["Key"])
            if s in present and used.get(s, 0) >= len(by_stem[s]):
                continue
            if s in present and s not in ("Appartement", "Tussenwoning", "Hoekwoning", "TweeOnderEenKapWoning",
                                          "VrijstaandeWoning", "Huurwoning", "EigenWoning", "Nederland",
                                          "EuropaExclusiefNederland", "BuitenEuropa"):
                continue
            top += 1
            props.append(topic(f"{s}_{top}", True))
    return props, dim


def _regions(year: int) -> list[tuple[str, str]]:
    """(code, name) of every GM/WK/BU row the fake publishes for ``year``."""
    with open(DATA_CSV, encoding="utf-8", newline="") as fh:
        rows24 = list(csv.DictReader(fh))
    names = {r["Codering_3"].strip(): r["WijkenEnBuurten"].strip() for r in rows24}
    if year <= 2021:
        src = json.loads((FIXTURES / "kwb_buurtcodes_2019.json").read_text(encoding="utf-8"))["buurtcodes"]
        extra = [c for c in src if c[2:6] == EXTRA_GM][:4]
        buurten = [c for c in src if c[2:6] != EXTRA_GM] + extra
    else:
        buurten = [c for c in names if c.startswith("BU")]
    wijken = sorted({"WK" + b[2:8] for b in buurten})
    gms = sorted({"GM" + b[2:6] for b in buurten})
    out = [(g, GEMEENTE_NAMES.get(g, g)) for g in gms]
    out += [(w, names.get(w, f"Wijk {w[-2:]}")) for w in wijken]
    out += [(b, names.get(b, f"Buurt {b[-2:]}")) for b in sorted(buurten)]
    return out


def _value(code: str, key: str, prop: dict, year: int, inw: dict[str, float]) -> object:
    """Synthetic value of one cell (see the module docstring)."""
    s = stem(key)
    level = code[:2]
    if s == "Gemeentenaam":
        return GEMEENTE_NAMES.get("GM" + code[2:6], "").ljust(40)
    if s == "SoortRegio":
        return {"GM": "Gemeente", "WK": "Wijk", "BU": "Buurt"}[level].ljust(10)
    if s == "Codering":
        return code.ljust(10)
    if s.startswith("Indelingswijziging"):
        return "1"
    if s == "MeestVoorkomendePostcode":
        return "94" + str(_h(code) % 100).zfill(2)
    if s == "MateVanStedelijkheid":
        # A class code 1-5 as CBS publishes it (DataProperties: 'klassenindeling 1: zeer sterk stedelijk … 5: niet
        # stedelijk'), not a count: with hundreds of invented classes every area was its own comparison group.
        return 1 + _h(code, s) % 5
    unit, dtype = prop.get("Unit", ""), prop.get("Datatype", "Long")
    share = 0.05 + (_h("share", code if level == "BU" else "GM" + code[2:6], s) % 25) / 100
    if s == "AantalInwoners":
        return int(inw[code])
    if unit == "%":
        if s in PCT_STEMS:  # the same share later years publish as a count
            return round(_share(code, s, inw) * 100, 1)
        return round(20 + (_h(code, s) % 600) / 10, 1)
    if unit == "aantal" and dtype == "Long":
        return int(_count(code, s, inw))
    if s.startswith("GemiddeldeWOZ") or s == "GemiddeldeWoningwaarde":
        if level == "BU" and inw[code] < 200:
            return None  # CBS omits WOZ under 20 dwellings: 'geheim'
        return 180 + _h(code, "woz") % 250 + (year - 2013) * 8
    val = 1 + (_h(code, s) % 5000) / 10 * (1 + 0.01 * (year - 2013)) + share
    return int(val) if dtype == "Long" else round(val, 1)


def _share(code: str, s: str, inw: dict[str, float]) -> float:
    """Share of a sub-count; for wijk/gemeente the weighted share of their buurten."""
    if code.startswith("BU"):
        return 0.05 + (_h("share", code, s) % 25) / 100
    kids = [c for c in inw if c.startswith("BU") and c[2:2 + len(code) - 2] == code[2:]]
    tot = sum(inw[c] for c in kids)
    return sum(_share(c, s, inw) * inw[c] for c in kids) / tot if tot else 0.0


def _count(code: str, s: str, inw: dict[str, float]) -> float:
    if code.startswith("BU"):
        return 5 * round(_share(code, s, inw) * inw[code] / 5)
    return sum(_count(c, s, inw) for c in inw if c.startswith("BU") and c[2:2 + len(code) - 2] == code[2:])


@cache  # deterministic, and ~0.25 s a year: built once per test process, not once per fake server
def build_year(year: int, relayout_2024: str | None = None) -> YearTable:
    """One year's table (shared between callers: read it, never change it in place)."""
    table_id = KWB_TABLES[year]
    props, dimname = build_props(year, relayout_2024)
    regions = _regions(year)
    inw: dict[str, float] = {}
    for code, _ in regions:
        if code.startswith("BU"):
            inw[code] = 5 * round((40 + _h("inw", code) % 2400) * (1 + 0.006 * (year - 2013)) / 5)
    for code, _ in regions:
        if not code.startswith("BU"):
            inw[code] = sum(v for c, v in inw.items() if c.startswith("BU") and c[2:2 + len(code) - 2] == code[2:])
    infos = json.loads((META_DIR / "TableInfos.json").read_text(encoding="utf-8"))
    for r in infos:
        r.update({"Identifier": table_id, "Period": str(year)})
        if year != 2024 or relayout_2024:
            r.update({"Title": f"Kerncijfers wijken en buurten {year}",
                      "ShortTitle": f"Kerncijfers wijken en buurten {year}",
                      "Modified": f"{min(year + 1, 2025)}-06-30T02:00:00",
                      "ExplanatoryText": "SYNTHETISCH testbestand (tests/fakes/kwb_years.py): geen CBS-cijfers."})
        else:
            r["ExplanatoryText"] = "Metadata echt (85984NED); waarden SYNTHETISCH (tests/fakes/kwb_years.py)."
    topics = [p for p in props if p.get("Type") == "Topic"]
    dim = [{"Key": "NL00      ", "Title": "Nederland", "Description": "", "CategoryGroupID": None}]
    data = []
    for i, (code, name) in enumerate(regions):
        key = code.ljust(10)
        dim.append({"Key": key, "Title": name, "Description": "", "CategoryGroupID": None})
        rec: dict = {"ID": i, dimname: key}
        for p in topics:
            rec[p["Key"]] = _value(code, p["Key"], p, year, inw)
        data.append(rec)
    return YearTable(year, table_id, dimname, infos, props, dim, data)


@dataclass
class KwbYearsState(CbsState):
    #: serve 2024 in another year's layout (e.g. "2025": the re-released 85984NED)
    relayout_2024: str | None = None
    tables: dict[str, str] = field(default_factory=lambda: {t: str(y) for y, t in KWB_TABLES.items()})


class FakeKwbYears(FakeCbs):
    """The multi-year fake; renames and faults work per table as in :class:`FakeCbs`."""

    def __init__(self, state: KwbYearsState | None = None):
        super().__init__(state or KwbYearsState())
        self._years: dict[str, YearTable] = {}
        #: TypedDataSet rows per (table, renames in force): a download asks for it once per page of 50 rows,
        #: and rebuilding every row for each page made the fake, not the code under test, the slow part.
        self._typed: dict[tuple[str, tuple[tuple[str, str], ...]], list[dict]] = {}

    def year_table(self, table: str) -> YearTable:
        if table not in self._years:
            st = self.state
            self._years[table] = build_year(YEAR_OF[table], getattr(st, "relayout_2024", None))
        return self._years[table]

    def region_dimension(self, table: str) -> str:
        return self.year_table(table).region_dimension

    def entity(self, table: str, name: str) -> list[dict]:
        yt = self.year_table(table)
        st = self.state
        ren = st.renames if st.rename_tables is None or table in st.rename_tables else {}
        if name == "TableInfos":
            return json.loads(json.dumps(yt.infos))
        if name == "DataProperties":
            return [{**p, "Key": ren.get(p.get("Key"), p.get("Key"))} for p in yt.props]
        if name == "CategoryGroups":
            return []
        if name == yt.region_dimension:
            return list(yt.dim)
        if name == "TypedDataSet":
            key = (table, tuple(sorted(ren.items())))
            if key not in self._typed:  # the handler slices and serialises the rows, never changes them
                self._typed[key] = [{ren.get(k, k): v for k, v in r.items()} for r in yt.data]
            return self._typed[key]
        if name == "UntypedDataSet":
            return []
        raise KeyError(name)


def write_metadata(folder: Path, year: int, relayout_2024: str | None = None) -> Path:
    """Write one year's TableInfos/DataProperties (check-table input) into ``folder``; returns it."""
    yt = build_year(year, relayout_2024)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "TableInfos.json").write_text(json.dumps(yt.infos, ensure_ascii=False), encoding="utf-8")
    (folder / "DataProperties.json").write_text(json.dumps(yt.props, ensure_ascii=False), encoding="utf-8")
    return folder
