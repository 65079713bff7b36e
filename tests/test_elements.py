"""dashboard/elements.py: plain-dict html elements send exactly the JSON of the html components they stand for."""

from __future__ import annotations

import json

import plotly
import pytest
from dash import dcc, html

from dashboard.elements import Element, el


def _json(x) -> str:
    return json.dumps(x, cls=plotly.utils.PlotlyJSONEncoder, sort_keys=True)


@pytest.mark.parametrize("build", [
    lambda h: h.Td("12,5", className="getal"),
    lambda h: h.Td(None),
    lambda h: h.Td(),
    lambda h: h.Tr([h.Th(["Inwoners", None], scope="row"), h.Td("–")], className=None),
    lambda h: h.Span("i", title="uitleg", className="info-tip", role="img", **{"aria-label": "Uitleg: x"}),
    lambda h: h.Figure([h.Img(src="data:image/svg+xml;base64,AA==", alt="Trend")], **{"data-eigen": "ja"}),
    lambda h: h.Section([h.H2("Opvallend"), h.Ul([h.Li("a"), h.Li(dcc.Link("b", href="/profiel"))])], id="x"),
])
def test_an_element_is_the_json_of_its_html_component(build):
    assert _json(build(el)) == _json(build(html))
    e = build(el)
    assert isinstance(e, Element) and e.to_plotly_json() is e


def test_unknown_props_and_tags_fail_as_with_html():
    with pytest.raises(TypeError, match="classname"):
        el.Td("x", classname="getal")
    with pytest.raises(AttributeError):
        el.Tabel("x")
    assert el.Td("x", className="a").children == "x"
