"""Every audit entry says what was created, where and by whom.

Walks the served OpenAPI document for every operation that creates something
(a 201 or 202 answer, or a PUT) and sends one real request to each over HTTP:
every entry it writes names its subject (`entity_id`) and its actor, and a
creation's snapshot equals the row as stored (its id and the ids of the
organisation, hub or match it belongs to included). A new creating endpoint
fails here until it has an example request below.
"""
from __future__ import annotations

import re
from email import message_from_bytes, policy

import sqlalchemy as sa

from matchmaker import audit
from models import AuditEntry, Base

NEW_PASSWORD = "a long enough secret"

# (method, path template) -> (caller, body); run in this order, later ones use earlier ids.
EXAMPLES: dict[tuple[str, str], tuple[str | None, object]] = {
    ("POST", "/api/v1/tokens"): (None, {"email": "co-a@example.org",
                                        "password": "correct horse battery", "name": "laptop"}),
    ("POST", "/api/v1/hubs"): ("admin", {"name": "Hub C"}),
    ("POST", "/api/v1/hubs/{hub_id}/organisations"): ("fac_a", {"name": "Nieuw",
                                                                "kind": "company"}),
    ("POST", "/api/v1/organisations/{organisation_id}/streams"): ("co_a", {"title": "Paletten"}),
    ("POST", "/api/v1/organisations/{organisation_id}/capacities"): ("se_a", {"title": "Herstel"}),
    ("POST", "/api/v1/organisations/{organisation_id}/contacts"): (
        "co_a", {"name": "Jan", "email": "jan@example.org"}),
    ("POST", "/api/v1/organisations/{organisation_id}/invitations"): (
        "co_a", {"email": "nieuw@example.org"}),
    ("POST", "/api/v1/invitations/acceptance"): (None, {"token": "{code}",
                                                        "password": NEW_PASSWORD}),
    ("POST", "/api/v1/registrations"): (None, {
        "hub_id": "{hub_a}", "email": "zelf@example.org", "password": NEW_PASSWORD,
        "organisation": {"name": "Zelf bv", "kind": "company"}}),
    ("POST", "/api/v1/matches"): ("fac_a", {"stream_id": "{stream_a}",
                                            "capacity_id": "{capacity_a}"}),
    ("POST", "/api/v1/matches/{match_id}/decisions"): ("fac_a", {"to_status": "accepted",
                                                                 "version": 1}),
    ("POST", "/api/v1/hubs/{hub_id}/queue-decisions"): ("fac_a", {
        "pairs": [{"stream_id": "{stream_a}", "capacity_id": "{capacity_b}"}],
        "to_status": "proposed"}),
    # a party's voice on that cross-hub pair; the capacity's hub then consents
    ("POST", "/api/v1/interests"): ("se_b", {"stream_id": "{stream_a}",
                                             "capacity_id": "{capacity_b}", "interested": True}),
    ("POST", "/api/v1/matches/{match_id}/consent"): ("fac_b", {"consent": True}),
    ("POST", "/api/v1/hubs/{hub_id}/activities"): ("fac_a", {
        "kind": "training", "date": "2025-03-01", "title": "Opleiding",
        "organisation_ids": ["{org_co_a}"]}),
    ("PUT", "/api/v1/hubs/{hub_id}/kpi-targets"): ("fac_a", {"year": 2025,
                                                             "kpi": "matches_accepted",
                                                             "target": 10}),
    ("POST", "/api/v1/sign-in-links"): (None, {"email": "co-a@example.org"}),
    ("PUT", "/api/v1/programme-targets"): ("admin", {"year": 2025, "kpi": "matches_accepted",
                                                      "target": 5}),
    ("POST", "/api/v1/users"): ("admin", {"email": "nieuwe-fac@example.org",
                                          "password": NEW_PASSWORD, "role": "facilitator",
                                          "hub_ids": ["{hub_a}"]}),
}


def _creating_operations(spec: dict) -> set[tuple[str, str]]:
    found = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put"):
                continue
            codes = set(operation.get("responses", {}))
            if method == "put" or (method == "post" and codes & {"201", "202"}):
                found.add((method.upper(), path))
    return found


def _fill(value: object, ids: dict[str, object]) -> object:
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\{\w+\}", value):
        return ids[value[1:-1]]
    return value


def _path(template: str, ids: dict[str, object]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), template)


def _invitation_code(outbox) -> str:
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
        text = message_from_bytes(path.read_bytes(), policy=policy.default).get_content()
        if found := re.search(r"^([A-Za-z0-9_-]{40,})$", text, re.M):
            return found.group(1)
    raise AssertionError("no invitation mail in the outbox")


def test_every_creating_endpoint_audits_its_subject_with_ids(api_app, http, world,
                                                             session_factory):
    spec = http.get("/api/openapi.json")[2]
    assert _creating_operations(spec) == set(EXAMPLES), \
        "give every creating operation an example request in EXAMPLES"
    tables = {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers}
    ids: dict[str, object] = {**world.ids, "hub_id": world.ids["hub_a"],
                              "organisation_id": world.ids["org_co_a"]}
    outbox = api_app.extensions["matchmaker.mailer"].outbox
    for (method, template), (caller, body) in EXAMPLES.items():
        if template.endswith("/capacities"):
            ids["organisation_id"] = world.ids["org_se_a"]
        if template == "/api/v1/invitations/acceptance":
            ids["code"] = _invitation_code(outbox)
        with session_factory() as session:
            last = session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0
        status, _, answer = http.request(method, _path(template, ids), json=_fill(body, ids),
                                         token=world.tokens.get(caller))
        assert 200 <= status < 300, (method, template, status, answer)
        if template == "/api/v1/matches":
            ids["match_id"] = answer["id"]
        if template == "/api/v1/interests":
            ids["match_id"] = answer["match_id"]
        ids["organisation_id"] = world.ids["org_co_a"]
        with session_factory() as session:
            entries = session.scalars(sa.select(AuditEntry).where(AuditEntry.id > last)).all()
            assert entries, f"{method} {template} wrote no audit entry"
            for entry in entries:
                assert entry.actor_id is not None, (template, entry.action)
                if caller is not None:
                    assert entry.actor_id == world.ids[f"user_{caller}"], (template, entry.action)
                assert entry.entity_id is not None, (template, entry.action)
                if entry.before is None:
                    stored = audit.snapshot(session.get(tables[entry.entity], entry.entity_id))
                    assert entry.after == {**entry.after, **{
                        k: v for k, v in stored.items() if k in entry.after}}, template
                    assert {k for k in stored if k == "id" or k.endswith("_id")} <= \
                        set(entry.after), (template, entry.after)
