"""Area search: tolerant of typos ("Giten" finds Gieten) and by postcode ("9401" finds its buurten and villages).

CBS's KWB publishes per buurt its most common 4-digit postcode (``MeestVoorkomendePostcode``, variable
``postcode_meest``; in the bundled snapshot only for the buurten of the 85984NED extract that has the column).
A village or wijk is found by the postcodes of its buurten.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dashboard import data
from dorpenmonitor.lazy import lazy_module

if TYPE_CHECKING:
    from rapidfuzz import fuzz, utils
else:
    fuzz = lazy_module("rapidfuzz.fuzz")
    utils = lazy_module("rapidfuzz.utils")

#: A fuzzy hit needs at least this similarity (0-100): 'Anen' → 'Annen' is 89, 'Giten' → 'Gieten' 91.
MIN_SCORE = 80
LIMIT = 15
POSTCODE = re.compile(r"^\s*(\d{4})\s*([a-zA-Z]{2})?\s*$")


@data.loader(maxsize=1)
def postcodes() -> dict[str, tuple[str, ...]]:
    """Area code → its postcodes (4 digits), for buurten, their wijken and villages."""
    obs = data.store().observations(["postcode_meest"], level="buurt")
    obs = obs[(obs["status"] == "ok") & obs["value"].notna()]
    latest = obs.sort_values("period").drop_duplicates("region_code", keep="last")
    by_buurt = {c: f"{int(v):04d}" for c, v in zip(latest["region_code"], latest["value"], strict=True)}
    out: dict[str, set[str]] = {c: {p} for c, p in by_buurt.items()}
    regs = data.store().regions(level="buurt")
    for code, wijk in zip(regs["code"], regs["wijk_code"], strict=True):
        if wijk and code in by_buurt:
            out.setdefault(wijk, set()).add(by_buurt[code])
    for village in data.villages():
        pcs = {by_buurt[b] for b in village.buurten if b in by_buurt}
        if pcs:
            out[village.code] = pcs
    return {c: tuple(sorted(p)) for c, p in out.items()}


def options() -> list[dict[str, str]]:
    """The search options with their postcodes as extra search text (the dropdown's own filter finds '9401')."""
    pcs = postcodes()
    out = []
    for o in data.search_options():
        p = pcs.get(o["value"])
        out.append({**o, "search": f"{o['label']} {' '.join(p)}"} if p else dict(o))
    return out


def _score(q: str, name: str) -> float:
    """How well ``name`` answers ``q`` (both lower case): a prefix beats a whole word, a near miss of the
    whole name ('giten' → 'gieten') beats a match inside a word ('anen' in 'kloosterlanen'); 0 = no match."""
    if name.startswith(q):
        return 300.0
    if re.search(r"\b" + re.escape(q), name):
        return 200.0
    ratio = fuzz.ratio(q, name)
    if ratio >= MIN_SCORE:
        return 100.0 + ratio
    # A near miss of one word of a longer name ('nieuw amsterdm'), then a plain substring.
    best = max((fuzz.ratio(q, w) for w in name.split()), default=0.0)
    if best >= MIN_SCORE + 5:
        return best
    return 50.0 if q in name else 0.0


def search(query: str | None, limit: int = LIMIT) -> list[dict[str, str]]:
    """Options matching ``query``: by postcode, by name (substring first), then names within a typo or two.

    Every option carries ``search`` = its label plus the query, so the dropdown's own substring filter in the
    browser keeps what the server found.
    """
    q = (query or "").strip()
    if not q:
        return []
    opts = data.search_options()
    by_code = {o["value"]: o for o in opts}
    hits: list[str] = []
    m = POSTCODE.match(q)
    if m:
        pc = m.group(1)
        hits = [code for code, p in postcodes().items() if pc in p and code in by_code]
        order = {o["value"]: i for i, o in enumerate(opts)}  # villages first, as in the full list
        hits.sort(key=lambda c: order[c])
    else:
        names = data.area_index()
        ql = utils.default_process(q)
        scored = []
        for i, o in enumerate(opts):
            name = utils.default_process(names.get(o["value"], ("",))[0])
            score = _score(ql, name)
            if score:
                scored.append((-score, i, o["value"]))
        hits = [code for *_, code in sorted(scored)]
    return [{**by_code[c], "search": f"{by_code[c]['label']} {q}"} for c in hits[:limit]]
