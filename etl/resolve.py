"""Resolve harmonised variables against one KWB table's own metadata.

Every year is treated alike: no fixed key per table id (CBS re-releases a
table under the same id with renumbered keys). For each harmonised variable
the table's ``DataProperties`` is searched by key *stem* (the key without its
``_NN`` suffix), over the variable's stems plus a curated list of known
renames; a candidate is confirmed with its ``Title`` and ``Unit``; several
candidates are told apart by the parent TopicGroup. The region dimension
(``WijkenEnBuurten`` in most years, ``RegioS`` in 2013) comes from the
``GeoDetail``/``GeoDimension`` entry, and the download filter is built on it.

Per variable the outcome is one of:

- ``ok``: found as KEY (possibly converted from % to a count with a
  denominator from the same table, or the reverse);
- ``ontbreekt``: the topic does not exist in this year's table;
- ``dubbelzinnig``: several candidates, or the Title contradicts the stem;
- ``eenheid``: the unit differs and cannot be converted in this table.

``dubbelzinnig`` and ``eenheid`` together are "niet herkend"; on a required
variable they (and ``ontbreekt``) fail the year.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dorpenmonitor.catalogue import KWB_VARIABLES, Variable

#: Region dimensions CBS uses in KWB tables (2013: RegioS).
REGION_DIMENSIONS = ("WijkenEnBuurten", "RegioS")
#: Statuses a variable can have in one table (the check-table JSON uses these words).
STATUSES = ("ok", "ontbreekt", "dubbelzinnig", "eenheid")

#: Curated renames on top of each variable's own stems (checked in CBS-NOTES and
#: the real key lists in ../shared/data/fixtures/kwb_keys).
RENAMES: dict[str, tuple[str, ...]] = {
    "pct_onbewoond": ("PercentageLeegstaand",),  # 2013 vacancy → PercentageOnbewoond → OnbewoondeWoningen
    "bijstand": ("PersonenMetEenWWBUitkeringTotaal",),  # 2013
    "ao_uitkering": ("PersonenMetEenAOUitkeringTotaal",),
    "ww_uitkering": ("PersonenMetEenWWUitkeringTotaal",),
    "aow_uitkering": ("PersonenMetEenAOWUitkeringTotaal",),
    "opleiding_laag": ("OpleidingsniveauLaag",),  # 2020-2022
    "opleiding_midden": ("OpleidingsniveauMiddelbaar",),
    "opleiding_hoog": ("OpleidingsniveauHoog",),
    "woz_waarde": ("GemiddeldeWoningwaarde",),  # to 2019
    "indelingswijziging": ("IndelingswijzigingWijkenEnBuurten",),  # to 2023
}

#: Where a year publishes a share where the variable holds a count (or the
#: reverse), the conversion uses this denominator from the same table.
DENOMINATORS: dict[str, str] = {
    "mannen": "inwoners",
    "vrouwen": "inwoners",
    "leeftijd_0_14": "inwoners",
    "leeftijd_15_24": "inwoners",
    "leeftijd_25_44": "inwoners",
    "leeftijd_45_64": "inwoners",
    "leeftijd_65plus": "inwoners",
    "eenpersoonshuishoudens": "huishoudens",
    "huishoudens_zonder_kinderen": "huishoudens",
    "huishoudens_met_kinderen": "huishoudens",
    "pct_eengezinswoning": "woningvoorraad",
    "pct_meergezinswoning": "woningvoorraad",
    "pct_onbewoond": "woningvoorraad",
    "pct_koopwoningen": "woningvoorraad",
    "pct_huurwoningen": "woningvoorraad",
    "pct_corporatie": "woningvoorraad",
    "pct_overige_verhuurders": "woningvoorraad",
}

#: Words a parent TopicGroup title must contain when a stem occurs more than once
#: (``Appartement_54`` electricity vs ``Appartement_62`` gas).
GROUP_HINTS: dict[str, tuple[str, ...]] = {
    "elektriciteit_gemiddeld": ("elektriciteit",),
    "elektriciteit_verbruik": ("elektriciteit",),
    "gas_gemiddeld": ("aardgas", "gas"),
}

_STOP = {"totaal", "met", "van", "een", "per", "gemiddeld", "gemiddelde", "percentage", "aantal", "tot", "jaar",
         "naar", "het", "de", "in", "of", "en"}


class MetaError(ValueError):
    """A folder that is not a readable cbsodata download (Dutch message)."""


def stem(key: str) -> str:
    """``AantalInwoners_5`` → ``AantalInwoners``."""
    return re.sub(r"_\d+$", "", key)


def _tokens(text: str) -> set[str]:
    """Significant lower-case words of a key stem (camelCase split) or a Title."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=\D)(?=\d)|(?<=\d)(?=\D)", " ", text)
    words = re.split(r"[^0-9a-zA-Zéëïöüè]+", spaced.lower())
    return {w for w in words if w and w not in _STOP and (len(w) >= 3 or w.isdigit())}


def title_fits(key_stem: str, title: str) -> bool:
    """Does a (possibly 40-character-cut) Title share a word with the key stem?"""
    want, have = _tokens(key_stem), _tokens(title)
    if not want or not have:
        return True  # nothing to confirm with: do not refuse on that alone
    return any(h.startswith(w) or w.startswith(h) for w in want for h in have if len(h) >= 3 or h.isdigit())


def unit_family(unit: str | None) -> str:
    """``pct`` for '%', ``count`` for 'aantal', ``other`` for any other unit, '' when absent."""
    u = (unit or "").strip().lower()
    if not u:
        return ""
    if u == "%":
        return "pct"
    if u == "aantal":
        return "count"
    return "other"


def expected_family(var: Variable) -> str:
    """What a variable holds: ``count`` (summed), ``pct``, or ``notpct`` (anything but a share)."""
    if var.kind == "count" and var.unit == "aantal":
        return "count"
    if var.kind == "pct" or var.unit == "%":
        return "pct"
    return "notpct"


@dataclass
class Topic:
    key: str
    title: str = ""
    unit: str = ""
    groups: tuple[str, ...] = ()  # parent TopicGroup titles, nearest first
    synthetic: bool = False


@dataclass
class TableMeta:
    """What resolution needs from TableInfos + DataProperties."""

    table_id: str
    year: int | None
    title: str = ""
    region_dimension: str | None = None
    topics: list[Topic] = field(default_factory=list)
    modified: str = ""


@dataclass
class Resolved:
    """One harmonised variable in one table."""

    var: str
    status: str
    key: str | None = None
    title: str = ""
    unit: str = ""
    reason: str = ""
    required: bool = False
    #: ("pct_to_count" | "count_to_pct", denominator column key)
    convert: tuple[str, str] | None = None

    @property
    def label(self) -> str:
        """Dutch status for people: 'gevonden als KEY', 'niet in deze jaargang', 'niet herkend: …'."""
        if self.status == "ok":
            extra = f" ({self.reason})" if self.reason else ""
            return f"gevonden als {self.key}{extra}"
        if self.status == "ontbreekt":
            return "niet in deze jaargang"
        return f"niet herkend: {self.reason}"


@dataclass
class Resolution:
    """The resolution of every KWB variable against one table."""

    table_id: str
    year: int | None
    region_dimension: str | None
    code_column: str | None
    variables: list[Resolved]
    title: str = ""

    @property
    def ok(self) -> bool:
        return self.region_dimension is not None and self.code_column is not None and not self.failures()

    def failures(self) -> list[Resolved]:
        return [r for r in self.variables if r.required and r.status != "ok"]

    def failure_reason(self) -> str:
        """One Dutch sentence naming the table, year and what failed ('' when ok)."""
        head = f"Tabel {self.table_id} ({self.year or '?'})"
        if self.region_dimension is None:
            return (f"{head}: geen regiodimensie gevonden (verwacht {' of '.join(REGION_DIMENSIONS)} "
                    f"als GeoDetail/GeoDimension in DataProperties).")
        if self.code_column is None:
            return f"{head}: geen kolom 'Codering_*' met regiocodes in DataProperties."
        parts = []
        for r in self.failures():
            if r.status == "ontbreekt":
                parts.append(f"verplichte variabele '{r.var}' niet gevonden (gezocht: "
                             f"{', '.join(stems_for(r.var))})")
            else:
                parts.append(f"verplichte variabele '{r.var}' niet herkend: {r.reason}")
        return f"{head}: " + "; ".join(parts) + "." if parts else ""

    @property
    def mapping(self) -> dict[str, str]:
        """{column key: harmonised variable} of every resolved variable."""
        return {r.key: r.var for r in self.variables if r.status == "ok" and r.key}

    def get(self, var: str) -> Resolved | None:
        return next((r for r in self.variables if r.var == var), None)

    def as_json(self) -> dict[str, Any]:
        """The ``etl check-table --json`` shape."""
        return {
            "table_id": self.table_id,
            "jaar": self.year,
            "regio_dimensie": self.region_dimension,
            "ok": self.ok,
            "variabelen": [{"id": r.var, "key": r.key, "titel": r.title, "status": r.status}
                           for r in self.variables],
        }

    def as_record(self) -> dict[str, Any]:
        """What the store keeps per year (check-table shape plus Dutch labels and reasons)."""
        out = self.as_json()
        for item, r in zip(out["variabelen"], self.variables, strict=True):
            item["label"] = r.label
            item["reden"] = r.reason
            item["verplicht"] = r.required
        return out

    def text(self) -> str:
        """The resolution as a table for a terminal."""
        state = "in orde" if self.ok else "NIET in orde"
        lines = [f"Tabel {self.table_id} ({self.year or '?'}), regiodimensie {self.region_dimension or '—'}: {state}"]
        if not self.ok:
            lines.append(f"  {self.failure_reason()}")
        width = max((len(r.var) for r in self.variables), default=10)
        for r in self.variables:
            mark = "*" if r.required else " "
            title = f"  [{r.title}]" if r.title else ""
            lines.append(f" {mark}{r.var:<{width}}  {r.label}{title}")
        lines.append("  (* = verplicht)")
        return "\n".join(lines)


def stems_for(var_key: str) -> tuple[str, ...]:
    """The stems a variable is searched under: its own, then the curated renames."""
    var = next((v for v in KWB_VARIABLES if v.key == var_key), None)
    own = var.stems if var is not None else ()
    return tuple(dict.fromkeys((*own, *RENAMES.get(var_key, ()))))


# -- reading metadata ------------------------------------------------------------

def _load_json(folder: Path, name: str) -> Any:
    path = folder / f"{name}.json"
    if not path.is_file():
        raise MetaError(f"{path} ontbreekt: dit is geen map in het downloadformaat van cbsodata "
                        f"(verwacht minstens TableInfos.json en DataProperties.json).")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MetaError(f"{path} is niet leesbaar als JSON: {exc}") from exc


def year_of(infos: Mapping[str, Any]) -> int | None:
    """The KWB year from TableInfos: ``Period`` when it is a year, else a year in the title."""
    period = str(infos.get("Period") or "").strip()
    if re.fullmatch(r"(19|20)\d\d", period):
        return int(period)
    for text in (period, str(infos.get("Title") or ""), str(infos.get("ShortTitle") or "")):
        m = re.search(r"\b((?:19|20)\d\d)\b", text)
        if m:
            return int(m.group(1))
    return None


def meta_from_properties(table_id: str, year: int | None, props: Sequence[Mapping[str, Any]],
                         title: str = "", modified: str = "") -> TableMeta:
    """A :class:`TableMeta` from a DataProperties list."""
    by_id = {p.get("ID"): p for p in props if isinstance(p, Mapping)}

    def groups_of(p: Mapping[str, Any]) -> tuple[str, ...]:
        out, seen = [], set()
        parent = p.get("ParentID")
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            g = by_id[parent]
            out.append(str(g.get("Title") or ""))
            parent = g.get("ParentID")
        return tuple(out)

    region = next((str(p.get("Key")) for p in props if p.get("Type") in ("GeoDetail", "GeoDimension")
                   and p.get("Key")), None)
    if region is None:
        region = next((str(p.get("Key")) for p in props if p.get("Type") == "Dimension"
                       and p.get("Key") in REGION_DIMENSIONS), None)
    topics = [Topic(str(p["Key"]), str(p.get("Title") or "").strip(), str(p.get("Unit") or "").strip(),
                    groups_of(p), bool(p.get("x_synthetic")))
              for p in props if p.get("Type") == "Topic" and p.get("Key")]
    return TableMeta(table_id, year, title, region, topics, modified)


def read_meta(folder: Path | str, year: int | None = None) -> TableMeta:
    """Read ``TableInfos.json`` and ``DataProperties.json`` of a cbsodata download folder.

    Raises :class:`MetaError` (Dutch) when the folder is not such a download.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise MetaError(f"Map {folder} bestaat niet.")
    infos = _load_json(folder, "TableInfos")
    info = infos[0] if isinstance(infos, list) and infos else infos
    if not isinstance(info, Mapping):
        raise MetaError(f"{folder / 'TableInfos.json'} bevat geen tabelinformatie.")
    props = _load_json(folder, "DataProperties")
    if not isinstance(props, list) or not all(isinstance(p, Mapping) for p in props):
        raise MetaError(f"{folder / 'DataProperties.json'} is geen lijst met kolombeschrijvingen.")
    table_id = str(info.get("Identifier") or folder.name)
    return meta_from_properties(table_id, year if year is not None else year_of(info), props,
                                str(info.get("Title") or ""), str(info.get("Modified") or ""))


# -- resolution ------------------------------------------------------------------

def _pick(var: Variable, topics: list[Topic]) -> tuple[list[Topic], str]:
    """Candidates for ``var``: the first of its stems with hits; narrowed by group and title."""
    by_stem: dict[str, list[Topic]] = {}
    for t in topics:
        by_stem.setdefault(stem(t.key), []).append(t)
    hits: list[Topic] = []
    for s in stems_for(var.key):
        if by_stem.get(s):
            hits = list(by_stem[s])
            break
    if len(hits) > 1 and var.key in GROUP_HINTS:
        words = GROUP_HINTS[var.key]
        narrowed = [t for t in hits if any(w in g.lower() for g in t.groups for w in words)]
        hits = narrowed or hits
    if len(hits) > 1:
        fitting = [t for t in hits if t.title and title_fits(stem(t.key), t.title)]
        if len(fitting) == 1:
            hits = fitting
    return hits, ""


def resolve(meta: TableMeta, variables: Iterable[Variable] = KWB_VARIABLES) -> Resolution:
    """Resolve every variable against ``meta`` (no I/O)."""
    out: list[Resolved] = []
    for var in variables:
        hits, _ = _pick(var, meta.topics)
        if not hits:
            out.append(Resolved(var.key, "ontbreekt", required=var.required))
            continue
        if len(hits) > 1:
            out.append(Resolved(var.key, "dubbelzinnig", None, "", "",
                                f"meerdere kolommen passen ({', '.join(t.key for t in hits)})", var.required))
            continue
        t = hits[0]
        r = Resolved(var.key, "ok", t.key, t.title, t.unit, required=var.required)
        if t.title and not title_fits(stem(t.key), t.title):
            r.status, r.reason = "dubbelzinnig", f"titel '{t.title}' past niet bij {t.key}"
        out.append(r)
    _check_units(out, {v.key: v for v in variables})
    code = next((t.key for t in meta.topics if stem(t.key) == "Codering"), None)
    return Resolution(meta.table_id, meta.year, meta.region_dimension, code, out, meta.title)


def _check_units(items: list[Resolved], variables: Mapping[str, Variable]) -> None:
    """Refuse or convert a resolved column whose unit is not what the variable holds."""
    by_var = {r.var: r for r in items}
    for r in items:
        if r.status != "ok":
            continue
        fam, want = unit_family(r.unit), expected_family(variables[r.var])
        if not fam:
            continue  # no unit given (a key list without DataProperties): trust the stem
        mismatch = (want == "count" and fam != "count") or (want == "pct" and fam != "pct") or \
                   (want == "notpct" and fam == "pct")
        if not mismatch:
            continue
        denom_var = DENOMINATORS.get(r.var)
        den = by_var.get(denom_var) if denom_var else None
        den_ok = den is not None and den.status == "ok" and den.convert is None and \
            unit_family(den.unit) in ("count", "")
        if want == "count" and fam == "pct" and den_ok:
            r.convert = ("pct_to_count", den.key)
            r.reason = f"omgerekend uit % × {den.key}"
        elif want == "pct" and fam == "count" and den_ok:
            r.convert = ("count_to_pct", den.key)
            r.reason = f"omgerekend uit aantal / {den.key}"
        else:
            expect = {"count": "aantal", "pct": "%", "notpct": "geen %"}[want]
            why = (f"eenheid '{r.unit}' waar '{expect}' verwacht wordt"
                   + ("" if den_ok or not denom_var else f"; noemer '{denom_var}' niet in deze tabel"))
            r.status, r.reason = "eenheid", why


def resolve_folder(folder: Path | str, year: int | None = None) -> Resolution:
    """Read a download folder's metadata and resolve it."""
    return resolve(read_meta(folder, year))


def resolve_keys(table_id: str, year: int | None, keys: Iterable[str]) -> Resolution:
    """Resolve against bare column keys (republished extracts without DataProperties).

    Titles and units are unknown, so only stems decide; the region dimension
    is assumed to be ``WijkenEnBuurten``.
    """
    topics = [Topic(k) for k in keys]
    return resolve(TableMeta(table_id, year, "", "WijkenEnBuurten", topics))


def region_filter(dimension: str, gemeenten: Iterable[str]) -> str:
    """OData v3 ``$filter`` selecting the GM, WK and BU rows of these municipalities on ``dimension``.

    ``startswith`` on the dimension key ('GM1680', 'WK168000', 'BU16800000',
    padded by CBS); unlike ``substringof('1680', …)`` it cannot match another
    municipality's buurt code that happens to contain the same four digits.
    """
    if dimension not in REGION_DIMENSIONS:
        raise ValueError(f"Onbekende regiodimensie '{dimension}' (verwacht {', '.join(REGION_DIMENSIONS)})")
    clauses = []
    for gm in gemeenten:
        code = gm.strip().upper()
        num = code[2:] if code.startswith("GM") else code
        if len(num) != 4 or not num.isdigit():
            raise ValueError(f"Ongeldige gemeentecode '{gm}': verwacht GMxxxx")
        clauses += [f"startswith({dimension},'{p}{num}')" for p in ("GM", "WK", "BU")]
    return " or ".join(clauses)


def check_table(folder: Path | str, year: int | None = None, as_json: bool = False) -> tuple[int, str, str]:
    """``etl check-table``: (exit code, stdout, stderr).

    0 when every required variable resolves, 1 otherwise, 2 for a folder that
    is not a readable cbsodata download (a Dutch message on stderr).
    """
    try:
        res = resolve_folder(folder, year)
    except MetaError as exc:
        return 2, "", f"Fout: {exc}"
    text = json.dumps(res.as_json(), ensure_ascii=False, indent=1) if as_json else res.text()
    return (0 if res.ok else 1), text, ""


def resolution_status(frame: Any) -> dict[str, Any]:
    """``Store.kwb_resolution()`` → ``{year: {table_id, status, reden, variabelen: {var: label}}}`` (etl status)."""
    out: dict[str, Any] = {}
    if frame is None or len(frame) == 0:
        return out
    for year, grp in frame.groupby("year", sort=True):
        first = grp.iloc[0]
        items = grp[grp["variable"].notna()]
        out[str(int(year))] = {
            "table_id": first["table_id"],
            "status": first["year_status"],
            "reden": first["reason"],
            "variabelen": {r.variable: {"status": r.status, "key": r.key, "label": r.label}
                           for r in items.itertuples()},
            "telling": {s: int(n) for s, n in items["status"].value_counts().sort_index().items()},
        }
    return out
