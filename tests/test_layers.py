"""Imports only look down: core → etl | geodata → indicators → dashboard → pages → app; cli on top.

Every project module is parsed with :mod:`ast` (nothing is imported), each
import of a project module is mapped to its layer, and an import that looks
up, or sideways between the siblings ``etl`` and ``geodata``, fails the test
with ``file:line``. Project imports inside a function (usually a way to dodge
an import cycle) fail too; lazy imports of heavy third-party libraries are fine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dorpenmonitor.settings import PROJECT_ROOT

#: Layer of each top-level package or module, lowest first. Same rank = siblings, which may not import each other.
RANK: dict[str, int] = {
    "dorpenmonitor": 0,
    "etl": 1,
    "geodata": 1,
    "indicators": 2,
    "dashboard": 3,
    "pages": 4,
    "app": 5,
    "cli": 6,
}
#: Folders that hold no application code (tests may import every layer; bench drives the app).
NOT_LAYERED = {"tests", "bench", "data", "docs", "assets", "config", ".venv", "build"}

#: Known violations in other helpers' areas (issue 7), as ``(file, imported module, function-local?)``
#: (no line numbers, so unrelated edits do not break it). The owners empty this list; an entry that no
#: longer occurs fails ``test_allow_list_has_no_stale_entries``, so it cannot go stale.
ALLOWED: set[tuple[str, str, bool]] = set()


def project_modules() -> list[Path]:
    """Every .py file of the application (tests, benchmarks and the venv excluded)."""
    out = []
    for path in sorted(PROJECT_ROOT.rglob("*.py")):
        rel = path.relative_to(PROJECT_ROOT)
        if rel.parts[0] in NOT_LAYERED or rel.parts[0].startswith(".") or rel.parts[0].endswith(".egg-info"):
            continue
        out.append(path)
    return out


def layer_of(module: str) -> str | None:
    """Layer name of a dotted module name, or None for the standard library and third parties."""
    top = module.split(".", 1)[0]
    return top if top in RANK else None


def _imported(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    """Module names an import statement reads (``from x import y`` yields ``x``: its layer is x's)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:  # relative import: resolve against the importing package
        parts = package.split(".")
        parts = parts[: len(parts) - node.level + 1]
        base = ".".join(p for p in [*parts, base] if p)
    return [base]


def imports_of(path: Path) -> list[tuple[int, str, bool]]:
    """``(line, module, inside a function)`` for every import of a project module in ``path``."""
    rel = path.relative_to(PROJECT_ROOT)
    package = ".".join(rel.with_suffix("").parts[:-1]) if rel.name != "__init__.py" else ".".join(rel.parts[:-1])
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                for name in _imported(child, package):
                    if layer_of(name):
                        found.append((child.lineno, name, in_function))
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            visit(child, inner)

    visit(tree, False)
    return found


def _own_layer(path: Path) -> str:
    rel = path.relative_to(PROJECT_ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def violations() -> list[tuple[str, int, str, bool, str]]:
    """``(file, line, module, local, why)`` for every import against the layering."""
    out = []
    for path in project_modules():
        rel = path.relative_to(PROJECT_ROOT).as_posix()
        own = _own_layer(path)
        if own not in RANK:
            out.append((rel, 0, "", False, f"map '{own}' hoort bij geen laag: voeg hem toe aan RANK"))
            continue
        for line, module, local in imports_of(path):
            target = layer_of(module)
            assert target is not None
            if local and own == "cli":
                # cli.py is the top layer: a command importing the dashboard or geodata late cannot be dodging a
                # cycle; it keeps `export` and `etl status` from paying ~2 s of imports they never use.
                continue
            if local:
                out.append((rel, line, module, True, "project-import binnen een functie"))
                continue
            if target == own:
                continue
            if RANK[target] > RANK[own]:
                out.append((rel, line, module, local, f"kijkt omhoog ({own} → {target})"))
            elif RANK[target] == RANK[own]:
                out.append((rel, line, module, local, f"kijkt opzij ({own} ↔ {target})"))
    return out


def test_every_layer_folder_exists():
    for name in RANK:
        assert (PROJECT_ROOT / name).is_dir() or (PROJECT_ROOT / f"{name}.py").is_file(), name


def test_imports_only_look_down():
    found = violations()
    bad = [v for v in found if (v[0], v[2], v[3]) not in ALLOWED]
    msg = "\n".join(f"{f}:{line}: import {mod} — {why}" for f, line, mod, _, why in bad)
    assert not bad, f"Imports tegen de lagen in:\n{msg}"


def test_allow_list_has_no_stale_entries():
    """An allowed violation that is gone must leave the list, so the list only shrinks."""
    found = {(f, mod, local) for f, _, mod, local, _ in violations()}
    stale = sorted(ALLOWED - found)
    assert not stale, f"Niet meer nodig in ALLOWED (verwijder ze): {stale}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import etl.snapshot\n", [(1, "etl.snapshot", False)]),
        ("from geodata import pdok\n", [(1, "geodata", False)]),
        ("def f():\n    from indicators import api\n", [(2, "indicators", True)]),
        ("from . import load\n", [(1, "etl", False)]),
        ("def f():\n    import geopandas\n", []),
        ("import json\nfrom pathlib import Path\n", []),
    ],
)
def test_parser_sees_top_level_and_local_imports(tmp_path, monkeypatch, source, expected):
    pkg = tmp_path / "etl"
    pkg.mkdir()
    mod = pkg / "x.py"
    mod.write_text(source, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.PROJECT_ROOT", tmp_path)
    assert imports_of(mod) == expected


def test_upward_and_sideways_imports_are_reported(tmp_path, monkeypatch):
    for rel, text in {
        "dorpenmonitor/a.py": "from etl import refresh\n",
        "etl/b.py": "from geodata.pdok import fetch_boundaries\n",
        "geodata/c.py": "from dorpenmonitor.http import with_retries\n",
        "cli.py": "import app\nfrom etl import snapshot\n",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.PROJECT_ROOT", tmp_path)
    got = {(f, mod) for f, _, mod, _, _ in violations()}
    assert got == {("dorpenmonitor/a.py", "etl"), ("etl/b.py", "geodata.pdok")}


def test_a_page_folder_imports_no_other_page():
    """Feature folders are siblings: what two pages share lives in dashboard/ (a change to Trends stays in
    pages/trends/), and dashboard/ never reaches up into a page."""
    bad = []
    for path in sorted((PROJECT_ROOT / "pages").rglob("*.py")):
        rel = path.relative_to(PROJECT_ROOT)
        own = rel.parts[1] if len(rel.parts) > 2 else None
        for line, mod, _ in imports_of(path):
            parts = mod.split(".")
            if parts[0] == "pages" and len(parts) > 1 and parts[1] != own:
                bad.append(f"{rel}:{line}: import {mod}")
    for path in sorted((PROJECT_ROOT / "dashboard").rglob("*.py")):
        bad += [f"{path.relative_to(PROJECT_ROOT)}:{line}: import {mod}"
                for line, mod, _ in imports_of(path) if mod.split(".")[0] == "pages"]
    assert bad == []
