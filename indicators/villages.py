"""Villages (dorpen): groups of buurten, by default derived from CBS names, overridable in TOML.

CBS publishes figures per buurt, not per village, but in rural Drenthe buurten
are named after the village they belong to ("Annen", "Verspreide huizen
Annen") and wijken often after the main village ("Wijk 06 Nieuw-Amsterdam").
The default division matches those names against the CBS list of woonplaatsen
(86097NED), within the same municipality:

1. the buurt name, without "Verspreide huizen"/"Verspr.h." and suffixes such
   as "-Centrum", equals a woonplaats name (accents, case, hyphens ignored);
2. otherwise a woonplaats name occurs as a whole word in the buurt name
   (longest wins: "Westelijk Nieuw-Schoonebeek" → Nieuw-Schoonebeek);
3. otherwise the wijk name gives the village ("Wijk 43 Angelslo" → none,
   "Wijk 51 Kern Emmen Noord" → Emmen) by the same two rules;
4. otherwise the buurt takes the village most of its wijk's matched buurten
   belong to (majority within the wijk);
5. otherwise, if the municipality's largest village (by residents) carries the
   municipality's name (Emmen, Assen, Meppel, Hoogeveen, Coevorden,
   Hardenberg), buurten that are not "Verspreide huizen" go to that town:
   these are its urban wijken (Angelslo, Bargeres …) and industrial estates.

Buurten left over (industrial estates, outlying hamlets) are in no village;
:func:`unassigned` lists them. Woonplaatsen that receive no buurt (hamlets
inside a "Verspreide huizen" buurt) get no village.

Village codes: ``DP`` + the four digits of the gemeente + ``_`` + a slug of the
name, e.g. ``DP1680_annen``, ``DP0114_nieuw-amsterdam``. The gemeente digits
keep codes unique where two municipalities have a woonplaats of the same name
(Alteveer) and mirror CBS's GM/WK/BU scheme.

The TOML file (default ``config/dorpen.toml``) overrides the defaults::

    [standaard]
    gebruiken = true              # start from the derived villages (false: only the file)
    weglaten = ["DP1680_nooitgedacht"]

    [[dorp]]                      # a new village/custom area, or a redefinition of a default
    naam = "Annen"
    gemeente = "GM1680"
    buurten = ["BU16800000", "BU16800009"]   # full membership (replaces the default)
    # or, on top of the default membership:
    toevoegen = ["BU16800101"]
    weglaten = ["BU16800009"]
    # code = "DP1680_annen"       # optional; derived from gemeente + naam
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dorpenmonitor.lazy import lazy_module
from dorpenmonitor.settings import GEMEENTEN, PROJECT_ROOT, get_settings
from dorpenmonitor.text import norm, slug

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

DEFAULT_CONFIG = PROJECT_ROOT / "config" / "dorpen.toml"
WOONPLAATSEN_FILE = "woonplaatsen_2025_86097NED.csv"

_PREFIXES = re.compile(r"^(verspreide huizen|verspr\.?\s*h(uizen|\.)?|buitengebied|kern|dorp|wijk \d+)\s+", re.I)
_SUFFIXES = re.compile(r"[\s-]+(centrum|dorp|kern|oost|west|noord|zuid|buitengebied)$", re.I)


class VillageConfigError(ValueError):
    """The village TOML file is invalid (message in Dutch, naming the entry)."""


@dataclass(frozen=True)
class Village:
    """A named group of buurten within one municipality."""

    code: str
    naam: str
    gemeente_code: str
    buurten: tuple[str, ...]
    bron: str = "standaard"  # 'standaard' (derived from CBS names) or 'config'
    regels: tuple[str, ...] = field(default=(), compare=False)  # how each buurt was matched (same order)


def village_code(gemeente_code: str, naam: str) -> str:
    """``DP`` + gemeente digits + ``_`` + slug, e.g. ``DP1680_annen``."""
    return f"DP{gemeente_code[2:]}_{slug(naam)}"


def _strip(name: str) -> str:
    s = name.strip()
    for _ in range(2):  # "Wijk 51 Kern Emmen" needs two passes
        s = _PREFIXES.sub("", s)
    return _SUFFIXES.sub("", s)


def match_name(name: str, places: Sequence[str]) -> tuple[str | None, str]:
    """The woonplaats ``name`` refers to, and the rule that matched ('' when none)."""
    by_norm = {norm(p): p for p in places}
    exact = by_norm.get(norm(_strip(name))) or by_norm.get(norm(name))
    if exact:
        return exact, "naam"
    words = f" {norm(name)} "
    hits = [p for n, p in by_norm.items() if f" {n} " in words]
    if hits:
        return max(hits, key=len), "woord in naam"
    return None, ""


def default_villages(
    buurten: pd.DataFrame,
    wijken: pd.DataFrame,
    woonplaatsen: pd.DataFrame,
    inwoners: Mapping[str, float] | None = None,
) -> list[Village]:
    """Villages derived from names (pure).

    ``buurten``: code, name, gemeente_code, wijk_code; ``wijken``: code, name;
    ``woonplaatsen``: naam, gemeente_code; ``inwoners``: residents per buurt
    (to find each municipality's largest village; buurt counts otherwise).
    See the module docstring for the rules.
    """
    wijk_names = dict(zip(wijken["code"], wijken["name"], strict=True))
    places_by_gm = woonplaatsen.groupby("gemeente_code")["naam"].apply(list).to_dict()
    assigned: dict[str, tuple[str, str]] = {}  # buurt → (woonplaats, rule)
    for b in buurten.itertuples(index=False):
        places = places_by_gm.get(b.gemeente_code, [])
        place, rule = match_name(b.name, places)
        if place is None and b.wijk_code in wijk_names:
            place, rule = match_name(wijk_names[b.wijk_code], places)
            rule = f"wijknaam ({rule})" if place else ""
        if place is not None:
            assigned[b.code] = (place, rule)
    # Rule 4: majority of the wijk's matched buurten.
    by_wijk: dict[str, list[str]] = {}
    for b in buurten.itertuples(index=False):
        if b.code in assigned:
            by_wijk.setdefault(b.wijk_code, []).append(assigned[b.code][0])
    for b in buurten.itertuples(index=False):
        if b.code not in assigned and by_wijk.get(b.wijk_code):
            votes = pd.Series(by_wijk[b.wijk_code]).value_counts()
            if votes.iloc[0] * 2 > votes.sum():
                assigned[b.code] = (str(votes.index[0]), "meerderheid in wijk")

    gm_of = dict(zip(buurten["code"], buurten["gemeente_code"], strict=True))
    # Rule 5: the leftover of a municipality whose largest village bears its name
    # (counted with that leftover, so Meppel, whose wijken carry no village name, qualifies).
    def _w(code: str) -> float:
        w = (inwoners or {}).get(code, 1.0)
        return 1.0 if pd.isna(w) else float(w)

    size: dict[tuple[str, str], float] = {}
    for code, (place, _) in assigned.items():
        size[(gm_of[code], place)] = size.get((gm_of[code], place), 0.0) + _w(code)
    leftover: dict[str, list[str]] = {}
    for b in buurten.itertuples(index=False):
        if b.code not in assigned and not norm(b.name).startswith("versp"):
            leftover.setdefault(b.gemeente_code, []).append(b.code)
    for gm, codes in leftover.items():
        town = next((p for p in places_by_gm.get(gm, []) if norm(p) == norm(GEMEENTEN.get(gm, ""))), None)
        if town is None:
            continue
        town_size = size.get((gm, town), 0.0) + sum(_w(c) for c in codes)
        if all(sz <= town_size for (g, p), sz in size.items() if g == gm and p != town):
            for c in codes:
                assigned[c] = (town, "hoofdkern van de gemeente")

    members: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for code, (place, rule) in assigned.items():
        members.setdefault((gm_of[code], place), []).append((code, rule))
    out = []
    for (gm, place), rows in sorted(members.items()):
        rows.sort()
        out.append(Village(village_code(gm, place), place, gm, tuple(r[0] for r in rows), "standaard",
                           tuple(r[1] for r in rows)))
    return out


def apply_config(defaults: Sequence[Village], config: Mapping, known_buurten: Mapping[str, str]) -> list[Village]:
    """Defaults overridden by a parsed TOML mapping (pure). ``known_buurten`` maps buurt code → gemeente code."""
    std = config.get("standaard", {})
    if not isinstance(std, Mapping):
        raise VillageConfigError("[standaard] moet een tabel zijn")
    villages = {v.code: v for v in defaults} if std.get("gebruiken", True) else {}
    for code in std.get("weglaten", []):
        villages.pop(code, None)
    for i, entry in enumerate(config.get("dorp", []), start=1):
        where = f"[[dorp]] nr. {i}"
        if not isinstance(entry, Mapping) or not entry.get("naam") or not entry.get("gemeente"):
            raise VillageConfigError(f"{where}: 'naam' en 'gemeente' zijn verplicht")
        gm = str(entry["gemeente"]).upper()
        if gm not in GEMEENTEN:
            raise VillageConfigError(f"{where}: onbekende gemeente '{gm}'; kies uit {', '.join(GEMEENTEN)}")
        code = entry.get("code") or village_code(gm, entry["naam"])
        if not re.fullmatch(r"DP\d{4}_[a-z0-9-]+", code):
            raise VillageConfigError(f"{where}: code '{code}' heeft niet de vorm DP<4 cijfers>_<naam>")
        base = list(villages[code].buurten) if code in villages else []
        if "buurten" in entry:
            base = list(entry["buurten"])
        base += [b for b in entry.get("toevoegen", []) if b not in base]
        base = [b for b in base if b not in set(entry.get("weglaten", []))]
        unknown = [b for b in base if b not in known_buurten]
        if unknown:
            raise VillageConfigError(f"{where} ({entry['naam']}): onbekende buurtcode(s) {', '.join(unknown)}")
        if not base:
            raise VillageConfigError(f"{where} ({entry['naam']}): geen buurten")
        villages[code] = Village(code, str(entry["naam"]), gm, tuple(sorted(base)), "config")
    return sorted(villages.values(), key=lambda v: v.code)


def config_path() -> Path:
    """The villages file in use (setting ``dorpen_config``)."""
    return Path(get_settings().dorpen_config)


def read_config(path: Path | str | None = None) -> dict:
    """Parse the TOML file; a missing file means 'no overrides'."""
    p = Path(path) if path is not None else config_path()
    if not p.exists():
        return {}
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise VillageConfigError(f"{p}: geen geldige TOML ({exc})") from exc


def read_woonplaatsen(path: Path | str) -> pd.DataFrame:
    """Woonplaatsen (naam, gemeente_code) from the trimmed snapshot CSV of CBS 86097NED."""
    df = pd.read_csv(path, dtype=str)
    df = df.apply(lambda s: s.str.strip())
    return pd.DataFrame({"naam": df["RegioS"], "gemeente_code": df["Code_3"]})


def unassigned(villages: Sequence[Village], buurten: Sequence[str]) -> list[str]:
    """Buurten in no village."""
    used = {b for v in villages for b in v.buurten}
    return [b for b in buurten if b not in used]


def groups(villages: Sequence[Village]) -> dict[str, list[str]]:
    """``{village code: [buurt codes]}``, the shape :func:`indicators.aggregate.aggregate` takes."""
    return {v.code: list(v.buurten) for v in villages}
