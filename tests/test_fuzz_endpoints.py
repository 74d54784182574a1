"""Every operation of the OpenAPI document, called over real HTTP with generated ids,
query parameters and bodies (hypothesis): never a server error, never a stack trace,
every refusal a problem-details document."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROBLEM = "application/problem+json"
METHODS = ("get", "post", "put", "patch", "delete")

# Integers stay within 32 bits: larger ids are a known failure, tested on their own below.
scalars = (st.none() | st.booleans() | st.integers(-2**31, 2**31 - 1)
           | st.floats(-2**31, 2**31 - 1) | st.text(max_size=30)
           | st.sampled_from(["", "nl", "workwear", "published", "2026-02-30", "0456.123.989",
                              "a@b.example", "accepted", "'; DROP TABLE users; --"]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=3),
                           max_leaves=8)


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _operations(spec: dict) -> list[dict[str, Any]]:
    operations = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            body = (operation.get("requestBody", {}).get("content", {})
                    .get("application/json", {}).get("schema"))
            fields = list(_resolve(spec, body).get("properties", {})) if body else []
            query = [p["name"] for p in operation.get("parameters", []) + item.get(
                "parameters", []) if p.get("in") == "query"]
            operations.append({"path": path, "method": method.upper(), "fields": fields,
                               "has_body": body is not None, "query": query})
    return operations


@pytest.fixture
def operations(http) -> list[dict[str, Any]]:
    status, _, spec = http.get("/api/openapi.json")
    assert status == 200
    found = _operations(spec)
    assert len(found) > 40
    # Revoking the tokens the test signs in with would turn the rest into 401s.
    return [o for o in found if (o["method"], o["path"]) != ("DELETE", "/api/v1/tokens/{token_id}")]


@st.composite
def calls(draw, operations: list[dict[str, Any]], ids: list[int]) -> dict[str, Any]:
    operation = draw(st.sampled_from(operations))
    path = operation["path"]
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        value = draw(st.sampled_from(ids) | st.integers(-5, 2**31 - 1))
        path = path[:start] + str(value) + path[end + 1:]
    query = draw(st.dictionaries(st.sampled_from(operation["query"] or ["unknown"]),
                                 st.text(max_size=12) | st.integers(-2**31, 2**31 - 1).map(str),
                                 max_size=3))
    body = None
    if operation["has_body"]:
        body = draw(st.dictionaries(st.sampled_from(operation["fields"] or ["unknown"]),
                                    json_values, max_size=5) | json_values)
    role = draw(st.sampled_from(["admin", "fac_a", "fac_b", "co_a", "se_b"]))
    return {"method": operation["method"], "path": path + ("?" + urlencode(query)
                                                           if query else ""),
            "body": body, "role": role}


def _send(base_url: str, call: dict[str, Any], token: str) -> tuple[int, dict[str, str], Any]:
    """One request; the body parsed when it is JSON (CSV and Excel downloads are not)."""
    data = None if call["body"] is None else json.dumps(call["body"]).encode()
    request = urllib.request.Request(base_url + call["path"], data=data, method=call["method"],
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        status, headers, raw = err.code, dict(err.headers), err.read()
    is_json = "json" in headers.get("Content-Type", "") and raw.strip()
    return status, headers, json.loads(raw) if is_json else raw


def test_every_operation_answers_generated_requests_without_server_errors(
        http, live_api, world, operations) -> None:
    ids = sorted(set(world.ids.values()))

    @settings(max_examples=250, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(call=calls(operations, ids))
    def one(call: dict[str, Any]) -> None:
        status, headers, body = _send(live_api, call, world.tokens[call["role"]])
        assert status < 500, (call, body)
        if status >= 400:
            assert headers["Content-Type"] == PROBLEM, (call, headers)
            assert body["status"] == status and "Traceback" not in json.dumps(body)

    one()


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/v1/streams/9223372036854775808", None),
    ("GET", "/api/v1/matches/99999999999999999999", None),
    ("POST", "/api/v1/matches", {"stream_id": 2**63, "capacity_id": 1}),
    ("GET", f"/api/v1/exchange/export?hub={2**63}", None),
])
def test_ids_beyond_the_database_range_are_refused_cleanly(live_api, world, method, path,
                                                           body) -> None:
    status, headers, _ = _send(live_api, {"method": method, "path": path, "body": body},
                               world.tokens["admin"])
    assert status in (400, 404) and headers["Content-Type"] == PROBLEM
