"""Plain-dict HTML elements for big layouts: the JSON Dash sends for ``dash.html`` components, built cheaply.

A profile has some 500 table cells. As ``html.Td`` objects each costs a
keyword check in Python (``Component.__init__``) and another walk when the
response is serialised (``to_plotly_json`` through the JSON encoder's
fallback): together more than the whole profile's data (issue 12 load test).
:data:`el` builds the same thing as a ``dict`` — exactly what
``html.Td(...).to_plotly_json()`` returns for the same arguments — so the
browser receives the same layout and ``json`` writes it natively.

Use it like ``html``: ``el.Td("12,5", className="getal")``. Prop names are
still checked against the html component's own list (once per combination of
names, then cached), so a typo fails as it would with ``html``. Children may
mix elements, strings and ordinary Dash components (``dcc.Link`` …).
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from dash import html

NAMESPACE = "dash_html_components"


class Element(dict):
    """One html element as Dash's JSON: ``{"props": {...}, "type": "Td", "namespace": "dash_html_components"}``."""

    __slots__ = ()

    def to_plotly_json(self) -> dict[str, Any]:
        """The same contract as a Dash component's (tests and encoders that ask for it)."""
        return self

    @property
    def children(self) -> Any:
        return self["props"].get("children")


@cache
def _allowed(tag: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(prop names, wildcard prefixes) of ``html.<tag>``; AttributeError for a tag html does not have."""
    sample = getattr(html, tag)()
    return frozenset(sample._prop_names), tuple(sample._valid_wildcard_attributes)


@lru_cache(maxsize=1024)
def _check(tag: str, names: frozenset[str]) -> None:
    """Raise TypeError for a prop ``html.<tag>`` does not know (as the component's own check would)."""
    props, wildcards = _allowed(tag)
    bad = sorted(n for n in names if n not in props and not n.startswith(wildcards))
    if bad:
        raise TypeError(f"html.{tag} kent geen eigenschap {', '.join(bad)}")


def element(tag: str, children: Any = None, **props: Any) -> Element:
    """``html.<tag>(children, **props)`` as its JSON dict (see the module docstring)."""
    if props:
        _check(tag, frozenset(props))
    return Element(props={"children": children, **props}, type=tag, namespace=NAMESPACE)


class _Tags:
    """``el.Td(...)``, ``el.Tr(...)``: :func:`element` per tag, with ``html``'s names."""

    def __getattr__(self, tag: str):
        _allowed(tag)  # an unknown tag fails here, not in the browser

        def build(children: Any = None, **props: Any) -> Element:
            return element(tag, children, **props)

        build.__name__ = tag
        setattr(self, tag, build)  # later lookups skip __getattr__
        return build


#: The element builders, named like ``dash.html``'s components.
el = _Tags()
