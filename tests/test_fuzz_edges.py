"""Every date and number a request may carry, at its extremes: read from the served OpenAPI
document (query, header and body fields, nested ones too), each must state its range
there, a value outside it is a 400 naming the field, and no value is ever a server error.

The requests go over real HTTP with an admin's token (who reaches every operation) to a
world shared by the module; the rest of each request is a valid minimal one built from
the same document, so the value under test is what decides the answer. New operations
and fields are covered without a new test.
"""
from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

METHODS = ("get", "post", "put", "patch", "delete")
DAY = dt.timedelta(days=1)
# Values given together: a KPI period needs both ends (and `end` not before `start`).
COMPANIONS = {("query", "start"): {"end": "2100-12-31"},
              ("query", "end"): {"start": "2000-01-01"}}


@dataclass(frozen=True)
class Slot:
    """One date or number of one operation: where it goes and its documented range."""

    method: str
    path: str
    where: str  # query, header or body
    name: tuple[str, ...]  # the body's nested names, or the parameter's
    kind: str  # date, integer or number
    minimum: Any
    maximum: Any
    is_list: bool = False
    # the rest of the operation's body (None: it has none)
    base: Any = field(default=None, compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.where}.{'.'.join(self.name)}"


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema or "allOf" in schema:
        if "allOf" in schema:
            schema = schema["allOf"][0]
            continue
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _kind(schema: dict) -> str | None:
    if schema.get("format") == "date":
        return "date"
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return next((k for k in ("integer", "number") if k in kinds), None)


def _bounds(schema: dict) -> tuple[Any, Any]:
    if _kind(schema) == "date":
        low, high = schema.get("x-minimum"), schema.get("x-maximum")
        return (dt.date.fromisoformat(low) if low else None,
                dt.date.fromisoformat(high) if high else None)
    return schema.get("minimum"), schema.get("maximum")


def example(spec: dict, schema: dict) -> Any:
    """A small valid value for `schema`: required fields only, the first of an enum."""
    schema = _resolve(spec, schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = _kind(schema) or schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: example(spec, sub) for name, sub in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    if kind == "date":
        return "2026-03-01"
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if schema.get("format") == "email":
        return "edge@example.org"
    return "Edge case " + "x" * max(0, schema.get("minLength", 0) - 10)


def _body_slots(spec: dict, schema: dict, prefix: tuple[str, ...]):
    """(names, schema, is a list, examples of the nested objects on the way) per field."""
    schema = _resolve(spec, schema)
    for name, sub in schema.get("properties", {}).items():
        sub = _resolve(spec, sub)
        if sub.get("readOnly"):
            continue
        if "properties" in sub:
            for names, leaf, is_list, nested in _body_slots(spec, sub, (*prefix, name)):
                yield names, leaf, is_list, {(*prefix, name): example(spec, sub), **nested}
        elif sub.get("type") == "array" and _kind(_resolve(spec, sub["items"])):
            yield (*prefix, name), _resolve(spec, sub["items"]), True, {}
        elif _kind(sub):
            yield (*prefix, name), sub, False, {}


def slots(spec: dict) -> list[Slot]:
    found = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            body = (operation.get("requestBody", {}).get("content", {})
                    .get("application/json", {}).get("schema"))
            for parameter in operation.get("parameters", []) + item.get("parameters", []):
                schema = _resolve(spec, parameter["schema"])
                is_list = schema.get("type") == "array"
                schema = _resolve(spec, schema["items"]) if is_list else schema
                if parameter["in"] != "path" and _kind(schema):
                    found.append(Slot(method.upper(), path, parameter["in"],
                                      (parameter["name"],), _kind(schema), *_bounds(schema),
                                      is_list, None if body is None else example(spec, body)))
            if body is None:
                continue
            for name, schema, is_list, nested in _body_slots(spec, body, ()):
                base = example(spec, body)
                for names, value in sorted(nested.items()):  # outer objects first
                    target = base
                    for part in names[:-1]:
                        target = target[part]
                    target.setdefault(names[-1], value)
                found.append(Slot(method.upper(), path, "body", name, _kind(schema),
                                  *_bounds(schema), is_list, base))
    return found


def extremes(slot: Slot) -> list[tuple[Any, bool]]:
    """(value, inside the documented range) at and beyond each end, and far beyond; with
    an end left undocumented, the far values count as inside (they must not fail either)."""
    far = {"date": (dt.date.min, dt.date.max), "integer": (-2**63, 2**63),
           "number": (-1e308, 1e308)}[slot.kind]
    low, high = slot.minimum, slot.maximum
    values = [(far[0], low is None), (far[1], high is None)]
    if slot.kind == "integer":
        values.append((10**30, high is None))
    step = {"date": DAY, "integer": 1}.get(slot.kind)
    for end, outward, bound in ((low, -1, low), (high, 1, high)):
        if bound is None:
            continue
        beyond = end + outward * (step or max(abs(end) * 1e-9, 1e-6))
        values += [(end, True), (beyond, False)]
    if slot.kind == "number" and low is not None and high is not None:
        values.append(((low + high) / 2, True))
    return values


def _on_the_wire(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _path_ids(path: str, ids: dict[str, int]) -> str:
    own = {"hub_id": ids["hub_a"], "stream_id": ids["stream_a"],
           "capacity_id": ids["capacity_a"], "match_id": ids["match"],
           "activity_id": ids["activity"], "contact_id": ids["contact"],
           "user_id": ids["user_co_a"], "token_id": ids["user_admin"],
           "item_id": ids["capacity_a"] if "/capacities/" in path else ids["stream_a"],
           "organisation_id": ids["org_se_a"] if path.endswith("/capacities")
           else ids["org_co_a"]}
    for name, value in own.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def request_for(slot: Slot, value: Any, ids: dict[str, int]) -> tuple[str, str, bytes | None,
                                                                     dict[str, str]]:
    value = [_on_the_wire(value)] if slot.is_list else _on_the_wire(value)
    path, headers = _path_ids(slot.path, ids), {}
    document = None if slot.base is None else json.loads(json.dumps(slot.base))
    if slot.where == "query":
        query = {**COMPANIONS.get(("query", slot.name[0]), {}), slot.name[0]: value}
        path += "?" + urlencode(query, doseq=True)
    elif slot.where == "header":
        headers[slot.name[0]] = str(value)
    else:
        target = document
        for name in slot.name[:-1]:
            target = target[name]
        target[slot.name[-1]] = value
    body = None if document is None else json.dumps(document).encode()
    return slot.method, path, body, headers


def send(base_url: str, token: str, method: str, path: str, body: bytes | None,
         headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(base_url + path, data=body, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw, kind = response.status, response.read(), response.headers
    except urllib.error.HTTPError as err:
        status, raw, kind = err.code, err.read(), err.headers
    return status, json.loads(raw) if "json" in kind.get("Content-Type", "") and raw else raw


@pytest.fixture(scope="module")
def edges(shared_api):
    """The shared world with a match and an activity, the document's slots, and a sender."""
    import sqlalchemy as sa

    from matchmaker import activities, workflow
    from models import Capacity, Contact, Hub, Stream, User

    ids = dict(shared_api.world.ids)
    with shared_api.session_factory() as session:
        facilitator = session.get(User, ids["user_fac_a"])
        match = workflow.take_suggestion(session, facilitator, session.get(Stream, ids["stream_a"]),
                                         session.get(Capacity, ids["capacity_a"]), 0.5, {}, "t")
        activity = activities.record_activity(session, facilitator, session.get(Hub, ids["hub_a"]),
                                              "training", dt.date(2026, 2, 1), "Edges")
        session.commit()
        ids.update(match=match.id, activity=activity.id, contact=session.scalar(
            sa.select(Contact.id).where(Contact.organisation_id == ids["org_co_a"])))
    http = shared_api.http()
    status, _, spec = http.get("/api/openapi.json")
    assert status == 200
    token = shared_api.world.tokens["admin"]
    return ids, slots(spec), lambda *request: send(shared_api.base_url, token, *request)


def _names_the_field(problem: Any, slot: Slot) -> bool:
    """An error's path (`quantity_amount`, `agreement.volume_kg`, `organisation_ids.0`,
    `query.end`, `headers.If-Match`) names the field."""
    return any(slot.name[-1] in error["path"].split(".") for error in problem.get("errors", []))


def test_every_date_and_number_states_its_range_in_the_document(edges) -> None:
    _, found, _ = edges
    assert len(found) > 60
    unbounded = [str(slot) for slot in found if slot.minimum is None or slot.maximum is None]
    assert unbounded == []


def test_every_date_and_number_at_its_extremes_is_a_400_outside_and_never_a_5xx(edges) -> None:
    ids, found, call = edges
    failures = []
    for slot in found:
        for value, inside in extremes(slot):
            status, answer = call(*request_for(slot, value, ids))
            refused_on_the_field = status == 400 and _names_the_field(answer, slot)
            if status >= 500 or (not inside and not refused_on_the_field):
                failures.append(f"{slot} = {value!r}: {status} {str(answer)[:200]}")
    assert not failures, "\n".join(failures)


def test_any_date_or_number_anywhere_is_refused_outside_its_range_never_a_5xx(edges) -> None:
    ids, found, call = edges

    @st.composite
    def cases(draw) -> tuple[Slot, Any]:
        slot = draw(st.sampled_from(found))
        if slot.kind == "date":
            value = draw(st.dates())
        elif slot.kind == "integer":
            value = draw(st.integers(-2**64, 2**64))
        else:
            value = draw(st.floats(allow_nan=False, allow_infinity=False))
        return slot, value

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=cases())
    def one(case: tuple[Slot, Any]) -> None:
        slot, value = case
        status, answer = call(*request_for(slot, value, ids))
        assert status < 500, (str(slot), value, answer)
        if not slot.minimum <= value <= slot.maximum:
            assert status == 400 and _names_the_field(answer, slot), (str(slot), value, answer)

    one()
