"""Walking a Dash component tree in tests: every component, whatever prop it sits in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def walk(*roots: Any) -> Iterator[Any]:
    """Yield every Dash component below ``roots`` (children and any other prop that holds components)."""
    stack: list = list(roots)
    while stack:
        c = stack.pop()
        if isinstance(c, list | tuple):
            stack.extend(c)
            continue
        if not hasattr(c, "_prop_names"):
            continue
        yield c
        for prop in c._prop_names:
            value = getattr(c, prop, None)
            if hasattr(value, "_prop_names") or isinstance(value, list | tuple):
                stack.append(value)
