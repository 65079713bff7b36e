"""The bundled snapshot cut to two gemeenten: a small, real snapshot for tests whose point is not the data.

A kill mid-load, the README's PostgreSQL roles, ``--if-empty`` idempotence and exit codes hold just as well on
two gemeenten as on thirteen, while a load of the whole snapshot ends with an indicator cube of all 13
gemeenten x 29 years (most of a minute on PostgreSQL). :func:`write` copies ``data/snapshot`` keeping only the
rows and boundary features of :data:`GEMEENTEN` (the same two the recorded CBS/PDOK fixtures serve, so a
refresh on top of it stays inside one scope) and writes a ``sources.json`` with the new checksums and row
counts, so ``dorpenmonitor etl load-snapshot --snapshot DIR`` loads it through the ordinary, verified path.
No production code knows about it: it is a snapshot folder like the bundled one, only smaller.

The tests that need all 13 gemeenten (cube equality, the shared session database, exports) keep the
bundled snapshot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from etl.snapshot import GEMEENTE_SERIES, sha256
from etl.sources import BY_ID

#: Aa en Hunze and Coevorden: the gemeenten of the recorded CBS fixtures (tests/fakes/make_fixtures.py).
GEMEENTEN = ("GM1680", "GM0109")
#: What loading the small snapshot stores (observations + boundaries), as ``load-snapshot`` reports it.
ROWS = 13248
#: The column holding the region code, per snapshot source (as etl.snapshot.build filters them).
CODE_COLUMN: dict[str, str] = {
    "85984NED@dertje": "Codering_3",
    "85984NED@niquedegraaff": "Codering_3",
    "85984NED@woonikveilig": "Codering_3",
    "85318NED@tmap": "code",
    "47022NED@woonikveilig": "code",
    "50150NED@woonikveilig": "code",
    "86092NED@dertje": "RegiocodeGemeenteWijkBuurt_1",
    "84314NED@dertje": "Codering_3",
    "86097NED@dertje": "Code_3",
    **{sid: col for sid, (col, _) in GEMEENTE_SERIES.items()},
}


def _kept(code: object, nums: set[str]) -> bool:
    return isinstance(code, str) and code.strip()[2:6] in nums


def write(source_dir: Path, dest: Path, gemeenten: tuple[str, ...] = GEMEENTEN) -> Path:
    """Write the snapshot of ``source_dir`` cut to ``gemeenten`` into ``dest`` (created); returns ``dest``."""
    source_dir, dest = Path(source_dir), Path(dest)
    nums = {g[2:6] for g in gemeenten}
    manifest = json.loads((source_dir / "sources.json").read_text(encoding="utf-8"))
    (dest / "geo").mkdir(parents=True, exist_ok=True)
    for entry in manifest["sources"]:
        src, out = source_dir / entry["file"], dest / entry["file"]
        if entry["file"].endswith(".geojson"):
            lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
            # One feature per line (etl.snapshot._geojson_lines): keep the head, the tail and our features.
            feats = [ln for ln in lines[1:-1] if _kept(json.loads(ln.rstrip().rstrip(","))["properties"]["code"],
                                                        nums)]
            if feats:
                feats[-1] = feats[-1].rstrip().rstrip(",") + "\n"
                feats[:-1] = [ln.rstrip().rstrip(",") + ",\n" for ln in feats[:-1]]
            out.write_text("".join([lines[0], *feats, lines[-1]]), encoding="utf-8")
            rows = len(feats)
        else:
            df = pd.read_csv(src, dtype=str, keep_default_na=False)
            column = CODE_COLUMN[entry["id"]]
            assert entry["id"] in BY_ID and column in df.columns, (entry["id"], column)
            df = df[df[column].map(lambda c: _kept(c, nums))]
            df.to_csv(out, index=False, lineterminator="\n")
            rows = len(df)
        entry.update(rows=rows, sha256=sha256(out))
    manifest["note"] = f"TESTS: the bundled snapshot cut to {', '.join(gemeenten)} (tests/small_snapshot.py)"
    (dest / "sources.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return dest
