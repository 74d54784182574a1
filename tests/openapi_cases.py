"""Requests built from the served OpenAPI document, for the tests that cover every operation
without naming it: every value an operation takes (query, header and body fields, nested
ones too) as a `Slot`, a valid minimal body to put it in, and a sender over real HTTP."""
from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

METHODS = ("get", "post", "put", "patch", "delete")
# Values given together: a KPI period needs both ends (and `end` not before `start`).
COMPANIONS = {("query", "start"): {"end": "2100-12-31"},
              ("query", "end"): {"start": "2000-01-01"}}


def resolve(spec: dict, schema: dict) -> dict:
    """`schema` with its `$ref` (and a nullable nested schema's `allOf`) followed."""
    while "$ref" in schema or "allOf" in schema:
        if "allOf" in schema:
            schema = schema["allOf"][0]
            continue
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def value_kind(schema: dict) -> str | None:
    """date, integer or number; None for anything else."""
    if schema.get("format") == "date":
        return "date"
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return next((k for k in ("integer", "number") if k in kinds), None)


def example(spec: dict, schema: dict) -> Any:
    """A small valid value for `schema`: required fields only, the first of an enum."""
    schema = resolve(spec, schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = value_kind(schema) or schema.get("type")
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


@dataclass(frozen=True)
class Slot:
    """One value one operation takes: where it goes, its name and its (item's) schema."""

    method: str
    path: str
    where: str  # query, header or body
    name: tuple[str, ...]  # the body's nested names, or the parameter's
    schema: dict = field(compare=False, hash=False)
    is_list: bool = False
    # a valid minimal body of the operation, nested objects on the way filled (None: none)
    base: Any = field(default=None, compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.where}.{'.'.join(self.name)}"

    def request(self, value: Any, path_ids: dict[str, int] | None = None
                ) -> tuple[str, str, bytes | None, dict[str, str]]:
        """(method, path, body, headers) with `value` in this slot, path ids filled in."""
        value = value.isoformat() if isinstance(value, dt.date) else value
        value = [value] if self.is_list else value
        path, headers = fill_path(self.path, path_ids or {}), {}
        document = None if self.base is None else json.loads(json.dumps(self.base))
        if self.where == "query":
            query = {**COMPANIONS.get(("query", self.name[0]), {}), self.name[0]: value}
            path += "?" + urlencode(query, doseq=True)
        elif self.where == "header":
            headers[self.name[0]] = str(value)
        else:
            target = document
            for name in self.name[:-1]:
                target = target[name]
            target[self.name[-1]] = value
        body = None if document is None else json.dumps(document).encode()
        return self.method, path, body, headers


def fill_path(path: str, ids: dict[str, int]) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _body_fields(spec: dict, schema: dict, prefix: tuple[str, ...]
                 ) -> Iterator[tuple[tuple[str, ...], dict, bool, dict]]:
    """(names, schema, is a list, examples of the nested objects on the way) per field."""
    schema = resolve(spec, schema)
    for name, sub in schema.get("properties", {}).items():
        sub = resolve(spec, sub)
        if sub.get("readOnly"):
            continue
        if "properties" in sub:
            for names, leaf, is_list, nested in _body_fields(spec, sub, (*prefix, name)):
                yield names, leaf, is_list, {(*prefix, name): example(spec, sub), **nested}
        elif sub.get("type") == "array" and "items" in sub:
            yield (*prefix, name), resolve(spec, sub["items"]), True, {}
        else:
            yield (*prefix, name), sub, False, {}


def slots(spec: dict) -> list[Slot]:
    """Every query, header and body value of every operation of the document."""
    found = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            body = (operation.get("requestBody", {}).get("content", {})
                    .get("application/json", {}).get("schema"))
            for parameter in operation.get("parameters", []) + item.get("parameters", []):
                if parameter["in"] == "path":
                    continue
                schema = resolve(spec, parameter["schema"])
                is_list = schema.get("type") == "array"
                found.append(Slot(method.upper(), path, parameter["in"], (parameter["name"],),
                                  resolve(spec, schema["items"]) if is_list else schema,
                                  is_list, None if body is None else example(spec, body)))
            if body is None:
                continue
            for name, schema, is_list, nested in _body_fields(spec, body, ()):
                base = example(spec, body)
                for names, value in sorted(nested.items()):  # outer objects first
                    target = base
                    for part in names[:-1]:
                        target = target[part]
                    target.setdefault(names[-1], value)
                found.append(Slot(method.upper(), path, "body", name, schema, is_list, base))
    return found


def operations(spec: dict) -> list[tuple[str, str, Any]]:
    """(method, path, a valid minimal body or None) of every operation."""
    found = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                body = (item[method].get("requestBody", {}).get("content", {})
                        .get("application/json", {}).get("schema"))
                found.append((method.upper(), path,
                              None if body is None else example(spec, body)))
    return found


def send(base_url: str, token: str | None, method: str, path: str, body: bytes | None,
         headers: dict[str, str]) -> tuple[int, Any]:
    """One request (an API token, or none); (status, the body parsed when it is JSON)."""
    sent = {"Content-Type": "application/json", **headers}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base_url + path, data=body, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw, kind = response.status, response.read(), response.headers
    except urllib.error.HTTPError as err:
        status, raw, kind = err.code, err.read(), err.headers
    return status, json.loads(raw) if "json" in kind.get("Content-Type", "") and raw else raw
