"""Every server callback survives type-confused input: no 500, no work proportional to the garbage.

For each registered callback (from ``/_dash-dependencies`` of the real app), each of its inputs and states in
turn gets None, a 50 kB string, a number, a dict and a 5,000-item list, while the others keep the value the page
layout gives them. The request goes through the Flask test client to ``/_dash-update-component``, exactly as the
browser sends it, and must answer below 500 within 1 s. Clientside callbacks never reach the server and are skipped.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.components import walk

#: The type-confused values, by name (the name shows in a failure).
GARBAGE: dict[str, Any] = {
    "none": None,
    "string_50k": "GM0106," * 7143,  # 50 kB, and comma-separated codes: the worst case for a split
    "number": 12345.5,
    "dict": {"points": "x", "key": ["a"], "code": {"a": 1}},
    "list_5000": [f"BU{i:08d}" for i in range(5000)],
}
#: Per request, on top of what the same request costs with valid input (nearly always a few ms); generous for a
#: shared 2-core machine, small against the 30 s a crafted request used to cost.
LIMIT_S = 1.0


def _split_outputs(output: str) -> list[dict[str, Any]] | dict[str, Any]:
    """'..a.b...c.d..' or 'a.b' (with optional '@hash' for allow_duplicate) as Dash's ``outputs``.

    As the renderer sends it: a list for a multi-output callback, the one spec for a single output.
    """
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    out = []
    for part in parts:
        cid, _, prop = part.rpartition(".")
        out.append({"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop.split("@")[0]})
    return out if output.startswith("..") else out[0]


def _layout_values(app) -> dict[tuple[str, str], Any]:
    """(id, prop) -> the value the page layouts start with: the 'sensible' state around a fuzzed input."""
    import dash

    from dashboard.layout import app_layout

    values: dict[tuple[str, str], Any] = {}
    stack: list = [app_layout()]
    for page in dash.page_registry.values():
        layout = page["layout"]
        stack.append(layout() if callable(layout) else layout)
    # The profile page only has its store and buttons with a code.
    stack.append(dash.page_registry["pages.profiel.page"]["layout"](code="DP1680_annen"))
    for c in walk(*stack):
        cid = getattr(c, "id", None)
        for prop in c._prop_names:
            value = getattr(c, prop, None)
            if isinstance(cid, str) and value is not None and not hasattr(value, "_prop_names"):
                values[(cid, prop)] = value
    return values


def _server_callbacks(app) -> list[dict[str, Any]]:
    client = app.server.test_client()
    client.get("/")  # registers the callbacks
    deps = client.get("/_dash-dependencies").get_json()
    return [d for d in deps if not d.get("clientside_function")]


def _body(dep: dict[str, Any], values: dict, fuzz_at: int | None, garbage: Any) -> dict[str, Any]:
    items = []
    for n, item in enumerate([*dep["inputs"], *dep["state"]]):
        value = garbage if n == fuzz_at else values.get((item["id"], item["property"]))
        items.append({"id": item["id"], "property": item["property"], "value": value})
    n_in = len(dep["inputs"])
    changed = items[fuzz_at] if fuzz_at is not None and fuzz_at < n_in else items[0]
    return {"output": dep["output"], "outputs": _split_outputs(dep["output"]), "inputs": items[:n_in],
            "state": items[n_in:], "changedPropIds": [f"{changed['id']}.{changed['property']}"]}


def test_callbacks_are_found(app):
    """Guard for the fuzz test itself: it must see the pages' callbacks, not an empty list."""
    outputs = " ".join(d["output"] for d in _server_callbacks(app))
    for expected in ("kaart-graph.figure", "trends-graph.figure", "vergelijken-inhoud.children",
                     "profiel-inhoud.children", "zoek-gebied.value"):
        assert expected in outputs


def _timed_post(client, body: dict[str, Any]) -> tuple[int, float, int]:
    start = time.perf_counter()
    resp = client.post("/_dash-update-component", json=body)
    return resp.status_code, time.perf_counter() - start, len(resp.get_data())


@pytest.mark.parametrize("kind", list(GARBAGE))
def test_every_callback_survives_type_confused_input(app, kind, monkeypatch):
    from pages.profiel import export

    # The PDF's chart and map are rendered by a Chromium subprocess (kaleido, tested in test_export.py); it reads
    # no input and on a busy machine its time varies by seconds, which would drown what this test measures.
    monkeypatch.setattr(export, "_render_png", lambda *args, **kwargs: None)
    values = _layout_values(app)
    client = app.server.test_client()
    failures: list[str] = []
    for dep in _server_callbacks(app):
        # Twice with the layout's own values: the first warms what a real first visit would (and must work too),
        # the second is the time the callback's real work takes. Garbage may add at most LIMIT_S to that: only
        # a download does real work above it, and that work does not grow with the garbage.
        for _ in range(2):
            status, baseline, _size = _timed_post(client, _body(dep, values, None, None))
            if status >= 500:
                failures.append(f"{dep['output']} with layout values: {status}")
        for n, item in enumerate([*dep["inputs"], *dep["state"]]):
            body = _body(dep, values, n, GARBAGE[kind])
            status, took, size = _timed_post(client, body)
            if status < 500 and took > LIMIT_S + baseline:
                # Other processes share the 2 cores: measure both once more; garbage that costs work is slow twice.
                baseline = min(baseline, _timed_post(client, _body(dep, values, None, None))[1])
                took = min(took, _timed_post(client, body)[1])
            where = f"{dep['output'].split('@')[0]} <- {item['id']}.{item['property']}={kind}"
            if status >= 500:
                failures.append(f"{where}: {status}")
            elif took > LIMIT_S + baseline:
                failures.append(f"{where}: {took:.2f} s (with valid input {baseline:.2f} s)")
            elif size > 2_000_000:
                failures.append(f"{where}: response of {size} bytes")
    assert not failures, "\n".join(failures)


def _text(component) -> str:
    """All text in a component tree (for asserting on Dutch messages)."""
    if isinstance(component, str):
        return component
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None) or "")


def test_the_500s_of_issue_12_are_gone(app):
    """The crafted requests that answered 500, called as plain functions: each now gets the default state."""
    from pages.trends import page as trends
    from pages.vergelijken import page as vergelijken

    # 'str' object has no attribute 'get' (click data that is not plotly's dict): Kaart's one callback per action
    dep = next(d for d in _server_callbacks(app) if "kaart-graph.figure" in d["output"])
    inputs = [(i["id"], i["property"]) for i in dep["inputs"]]
    controls = {("kaart-niveau", "value"): "buurt", ("kaart-indicator", "value"): "inwoners",
                ("kaart-jaar", "value"): 2024, ("kaart-klassen", "value"): "kwantielen"}
    client = app.server.test_client()
    for click in ("abc", {"points": "abc"}, {"points": [{"location": "x" * 50_000}]}):
        body = _body(dep, controls, inputs.index(("kaart-graph", "clickData")), click)
        resp = client.post("/_dash-update-component", json=body)
        assert resp.status_code in (200, 204) and len(resp.get_data()) < 200_000
    # can only join an iterable / a string split into one code per character
    assert trends._state("inwoners", "GM0106", "gemeente").codes == ("GM0106",)
    assert trends._state("inwoners", 5, 5).codes == ()
    state = vergelijken._state("GM0106", {"a": 1}, None)
    assert state.codes == ("GM0106",) and "Ongeldige indicatoren zijn genegeerd." in state.messages
    # Onbekend niveau 'abc' raised from pick_level_or_indicator (now the one Kaart callback): the buurt level instead
    body = _body(dep, controls, inputs.index(("kaart-niveau", "value")), "abc")
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code == 200
    years = resp.get_json()["response"]["kaart-jaar"]
    # the year stays (no update sent) and the options are the buurt level's years
    assert years.get("value", 2024) == 2024 and {"label": "2024", "value": 2024} in years["options"]
    # IndexError in _similar_section on an empty list
    section, search = vergelijken.update_basis("GM0106", [], ["aandeel_65plus"])
    assert "Kies eerst gebieden" in _text(section)


def test_a_huge_list_of_areas_is_cut_with_the_pages_message(app):
    from pages.trends import page as trends
    from pages.vergelijken import page as vergelijken

    codes = ["GM0106", "GM0109", "GM0114", "GM0118", "GM1680", "GM1681", "GM1690", *(f"X{i}" for i in range(5000))]
    state = trends._state("inwoners", codes, ["gemeente"])
    assert state.codes == tuple(codes[:6])
    assert state.messages[0] == "Er kunnen hoogstens 6 gebieden tegelijk; de eerste 6 staan er."
    state = vergelijken._state(codes, [], None)
    assert state.codes == tuple(codes[:7])  # the eighth is unknown: dropped with its own message
    assert "Er kunnen hoogstens 8 gebieden tegelijk; de eerste 8 staan er." in state.messages
    assert any("'X0'" in m for m in state.messages)


@pytest.mark.parametrize("code_len", [1_500, 500_000])  # a larger body gets 413 from the request size limit
def test_a_long_profile_code_is_not_echoed(app, code_len):
    """The page router gets the URL's query like any callback input: a long code gives a short Dutch message."""
    dep = next(d for d in _server_callbacks(app) if d["output"].startswith(".._pages_content.children"))
    values = {("_pages_location", "pathname"): "/profiel", ("_pages_location", "search"): "?code=" + "x" * code_len}
    resp = app.server.test_client().post("/_dash-update-component", json=_body(dep, values, None, None))
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert len(text) < 200_000 and "x" * 200 not in text
    assert "Zoek een dorp, wijk, buurt of gemeente" in text  # the profile page's chooser, not an error


@pytest.mark.parametrize("pathname, search", [("abc", "?code=GM0106"), ("/profiel", "code=GM0106"), (None, 5)])
def test_the_page_router_takes_any_location(app, pathname, search):
    """Dash's router raises on a path outside the prefix or a non-text query; checked, it shows a page."""
    dep = next(d for d in _server_callbacks(app) if d["output"].startswith(".._pages_content.children"))
    values = {("_pages_location", "pathname"): pathname, ("_pages_location", "search"): search}
    resp = app.server.test_client().post("/_dash-update-component", json=_body(dep, values, None, None))
    assert resp.status_code == 200
