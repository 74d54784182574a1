"""Every role against every endpoint, on its own and on foreign objects.

A refused request must answer the right status AND leave the database exactly
as it was; an object the caller may not see answers 404, one it may see but
not change answers 403.

The authorisation grid below needs no list of endpoints: from the served OpenAPI
document it takes every operation with an id in its path, body or query, and for each
role outside an object's scope (a member of another organisation of the same hub, a
member and a facilitator of another hub, anonymous) sends that object's id and an id
that does not exist: the two answers must be the same (status and body, the id aside),
and never a success, so an answer tells nothing about objects one may not see.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from openapi_cases import fill_path, operations, path_names, send, slots

from models import Base

ROLES = ("anonymous", "admin", "fac_a", "fac_b", "co_a", "se_a", "co_b", "se_b")


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    body: dict | None
    success: int
    allowed: tuple[str, ...]
    # Roles that may not even see the object (404 rather than 403).
    hidden_from: tuple[str, ...] = ()


CASES = [
    Case("read stream", "GET", "/api/v1/streams/{stream_a}", None, 200, ROLES[1:]),
    Case("read draft stream", "GET", "/api/v1/streams/{draft_a}", None, 200,
         ("admin", "fac_a", "co_a"), hidden_from=("fac_b", "se_a", "co_b", "se_b")),
    Case("change stream", "PATCH", "/api/v1/streams/{stream_a}", {"title": "Nieuw"}, 200,
         ("admin", "fac_a", "co_a")),
    Case("change draft stream", "PATCH", "/api/v1/streams/{draft_a}", {"title": "Nieuw"}, 200,
         ("admin", "fac_a", "co_a"), hidden_from=("fac_b", "se_a", "co_b", "se_b")),
    Case("delete stream", "DELETE", "/api/v1/streams/{draft_a}", None, 204,
         ("admin", "fac_a", "co_a"), hidden_from=("fac_b", "se_a", "co_b", "se_b")),
    Case("close stream", "POST", "/api/v1/streams/{stream_a}/status", {"status": "closed"}, 200,
         ("admin", "fac_a", "co_a")),
    Case("add stream", "POST", "/api/v1/organisations/{org_co_a}/streams", {"title": "Paletten"},
         201, ("admin", "fac_a", "co_a")),
    Case("add capacity", "POST", "/api/v1/organisations/{org_se_a}/capacities",
         {"title": "Herstel"}, 201, ("admin", "fac_a", "se_a")),
    Case("change capacity", "PATCH", "/api/v1/capacities/{capacity_a}", {"title": "Nieuw"}, 200,
         ("admin", "fac_a", "se_a")),
    Case("delete capacity", "DELETE", "/api/v1/capacities/{capacity_a}", None, 204,
         ("admin", "fac_a", "se_a")),
    Case("change organisation", "PATCH", "/api/v1/organisations/{org_co_a}",
         {"description": "Nieuw"}, 200, ("admin", "fac_a", "co_a")),
    Case("delete organisation", "DELETE", "/api/v1/organisations/{org_se_a}", None, 204,
         ("admin", "fac_a")),
    Case("add organisation", "POST", "/api/v1/hubs/{hub_a}/organisations",
         {"name": "Nieuw bedrijf", "kind": "company"}, 201, ("admin", "fac_a")),
    Case("add hub", "POST", "/api/v1/hubs", {"name": "Hub C"}, 201, ("admin",)),
    Case("change hub", "PATCH", "/api/v1/hubs/{hub_a}", {"name": "Hub A2"}, 200, ("admin",)),
    Case("take match", "POST", "/api/v1/matches",
         {"stream_id": "{stream_a}", "capacity_id": "{capacity_a}"}, 201, ("admin", "fac_a")),
    Case("list matches", "GET", "/api/v1/matches", None, 200, ROLES[1:]),
    Case("read cross-hub match", "GET", "/api/v1/matches/{match_ab}", None, 200,
         ("admin", "fac_a", "fac_b"), hidden_from=("co_a", "se_a", "co_b", "se_b")),
    Case("decide cross-hub match", "POST", "/api/v1/matches/{match_ab}/decisions",
         {"to_status": "accepted", "version": 1}, 201, ("admin", "fac_a"),
         hidden_from=("co_a", "se_a", "co_b", "se_b")),
    Case("stream suggestions", "GET", "/api/v1/streams/{stream_a}/suggestions", None, 200,
         ("admin", "fac_a", "co_a")),
    Case("hub queue", "GET", "/api/v1/hubs/{hub_a}/suggestion-queue", None, 200,
         ("admin", "fac_a")),
    Case("record activity", "POST", "/api/v1/hubs/{hub_a}/activities",
         {"kind": "training", "date": "2026-01-10", "title": "Opleiding"}, 201,
         ("admin", "fac_a")),
    Case("read KPIs", "GET", "/api/v1/hubs/{hub_a}/kpis", None, 200, ("admin", "fac_a")),
    Case("set KPI target", "PUT", "/api/v1/hubs/{hub_a}/kpi-targets",
         {"year": 2026, "kpi": "new_assignments", "target": 5}, 200, ("admin", "fac_a")),
    Case("add contact", "POST", "/api/v1/organisations/{org_co_a}/contacts", {"name": "Jan"},
         201, ("admin", "fac_a", "co_a")),
    Case("erase contact", "POST", "/api/v1/contacts/{contact_co_a}/erasure", None, 204,
         ("admin", "fac_a", "co_a"), hidden_from=("fac_b", "se_a", "co_b", "se_b")),
    Case("export personal data", "GET", "/api/v1/organisations/{org_co_a}/personal-data", None,
         200, ("admin", "fac_a", "co_a")),
    Case("invite colleague", "POST", "/api/v1/organisations/{org_co_a}/invitations",
         {"email": "collega@example.org"}, 202, ("admin", "fac_a", "co_a")),
    Case("export exchange", "GET", "/api/v1/exchange/export", None, 200,
         ("admin", "fac_a", "fac_b")),
]


@pytest.fixture
def draft(world, session_factory):
    """Besides the world: a draft stream of company A (only its managers see it), a proposed
    match of company A's stream with social enterprise B's capacity, and company A's contact."""
    from matchmaker.workflow import take_suggestion
    from models import Capacity, Contact, Stream, User

    with session_factory() as session:
        stream = Stream(organisation_id=world.ids["org_co_a"], title="Nog niet klaar",
                        status="draft")
        session.add(stream)
        match = take_suggestion(session, session.get(User, world.ids["user_fac_a"]),
                                session.get(Stream, world.ids["stream_a"]),
                                session.get(Capacity, world.ids["capacity_b"]),
                                score=0.5, features={}, scorer_version="test")
        session.commit()
        world.ids.update(draft_a=stream.id, match_ab=match.id, contact_co_a=session.scalar(
            sa.select(Contact.id).where(Contact.organisation_id == world.ids["org_co_a"])))
    return world


def _fill(value, ids):
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


def _send(http, world, case: Case, role: str):
    token = None if role == "anonymous" else world.tokens[role]
    return http.request(case.method, case.path.format(**world.ids),
                        json=_fill(case.body, world.ids), token=token)


def fingerprint(engine) -> dict[str, list]:
    """Every row of every table: a refused request must not change any of them."""
    with engine.connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(
                    sa.select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_refused_roles_get_their_status_and_change_nothing(http, draft, engine, case):
    before = fingerprint(engine)
    for role in ROLES:
        if role in case.allowed:
            continue
        status, _, body = _send(http, draft, case, role)
        expected = 401 if role == "anonymous" else 404 if role in case.hidden_from else 403
        assert (role, status) == (role, expected), body
    assert fingerprint(engine) == before


@pytest.mark.parametrize(("case", "role"), [(c, r) for c in CASES for r in c.allowed],
                         ids=lambda v: v.name if isinstance(v, Case) else v)
def test_allowed_roles_succeed(http, draft, case, role):
    status, _, body = _send(http, draft, case, role)
    assert status == case.success, body


# --- the authorisation grid, from the OpenAPI document --------------------------------------

# What each id names: path parameters, and body and query fields that hold ids. A new id
# whose name is not here fails `test_every_id_of_the_document_is_known_to_the_grid`.
PATH_KINDS = {"hub_id": "hub", "organisation_id": "organisation", "stream_id": "stream",
              "capacity_id": "capacity", "match_id": "match", "activity_id": "activity",
              "contact_id": "contact", "token_id": "token", "user_id": "user"}
FIELD_KINDS = {"stream_id": "stream", "capacity_id": "capacity", "organisation_id":
               "organisation", "organisation_ids": "organisation", "hub_id": "hub",
               "hub_ids": "hub", "hub": "hub", "organisation": "organisation",
               "stream": "stream", "capacity": "capacity"}
# Fields with the range of an id that name no object.
NOT_OBJECTS = {"version", "If-Match"}
# Hubs are public (listed to everyone, and on the registration page): none is hidden.
PUBLIC_KINDS = {"hub"}
UNKNOWN_ID = 2**31 - 2
ID_MAXIMUM = 2**31 - 1


def _item_kind(path: str) -> str:
    return "capacity" if path.startswith("/api/v1/capacities/") else "stream"


def _path_kind(path: str, name: str) -> str | None:
    return _item_kind(path) if name == "item_id" else PATH_KINDS.get(name)


def _is_id(slot) -> bool:
    return (slot.schema.get("type") == "integer" and slot.schema.get("minimum") == 1
            and slot.schema.get("maximum") == ID_MAXIMUM and slot.name[-1] not in NOT_OBJECTS)


@pytest.fixture(scope="module")
def grid(shared_api):
    """In hub A, one object of each kind that only hub A's facilitators (or its owner) may
    see, the member of hub A who may not see it, and each role's own objects to fill the
    rest of a path; plus the document and a sender."""
    from matchmaker import activities, onboarding, registration, workflow
    from models import ApiToken, Capacity, Contact, Hub, Organisation, Stream, User

    ids, w = dict(shared_api.world.ids), shared_api.world
    with shared_api.session_factory() as session:
        def get(model, key):
            return session.get(model, ids[key])

        admin = get(User, "user_admin")
        pending = onboarding.register(session, get(Hub, "hub_a"), {
            "name": "Nog niet goedgekeurd", "kind": "company"}, "pending@example.org",
            "a long enough secret").organisation
        draft_stream = registration.create_item(session, admin, Stream,
                                                get(Organisation, "org_co_a"),
                                                {"title": "Nog niet klaar", "status": "draft"})
        draft_capacity = registration.create_item(session, admin, Capacity,
                                                  get(Organisation, "org_se_a"),
                                                  {"title": "Nog niet klaar", "status": "draft"})
        match_a = workflow.take_suggestion(session, get(User, "user_fac_a"),
                                           get(Stream, "stream_a"), get(Capacity, "capacity_a"),
                                           0.5, {}, "test")
        match_b = workflow.take_suggestion(session, get(User, "user_fac_b"),
                                           get(Stream, "stream_b"), get(Capacity, "capacity_b"),
                                           0.5, {}, "test")
        activity = {hub: activities.record_activity(session, get(User, f"user_fac_{hub}"),
                                                    get(Hub, f"hub_{hub}"), "training",
                                                    dt.date(2026, 2, 1), "Opleiding").id
                    for hub in ("a", "b")}
        session.commit()
        contact = {key: session.scalar(sa.select(Contact.id).where(
            Contact.organisation_id == ids[f"org_{key}"])) for key in ("co_a", "co_b", "se_a")}
        token = {key: session.scalar(sa.select(ApiToken.id).where(
            ApiToken.user_id == ids[f"user_{key}"])) for key in w.tokens}
        hidden = {  # kind: (its id, the member of hub A who may not see it either)
            "organisation": (pending.id, "co_a"), "stream": (draft_stream.id, "se_a"),
            "capacity": (draft_capacity.id, "co_a"), "match": (match_a.id, "co_a"),
            "contact": (contact["co_a"], "se_a"), "activity": (activity["a"], "co_a"),
            "token": (token["co_a"], "se_a"), "user": (ids["user_co_a"], "se_a")}

    def own(role: str) -> dict[str, int]:
        """The role's own objects (hub B's for hub B and anonymous), to fill a path."""
        hub = "a" if role in ("co_a", "se_a") else "b"
        member = role if role in ("co_a", "se_a", "co_b") else "co_b"
        return {"hub": ids[f"hub_{hub}"], "organisation": ids[f"org_{member}"],
                "stream": ids[f"stream_{hub}"], "capacity": ids[f"capacity_{hub}"],
                "match": match_b.id, "activity": activity[hub],
                "contact": contact.get(member, contact["co_b"]),
                "token": token["co_b" if role == "anonymous" else role],
                "user": ids["user_co_b"]}

    status, _, spec = shared_api.http().get("/api/openapi.json")
    assert status == 200

    def call(role: str, request) -> tuple[int, str]:
        status, body = send(shared_api.base_url, None if role == "anonymous" else
                            w.tokens[role], *request)
        return status, json.dumps(body) if not isinstance(body, bytes) else body.decode()

    return spec, hidden, own, call


def _cases(spec: dict, hidden: dict) -> list[tuple[str, str, object]]:
    """(operation, the id's place, a function (role, own ids, an id) -> request) for every
    id of every operation that names a kind with hidden objects."""
    cases = []
    for method, path, body in operations(spec):
        for name in path_names(path):
            kind = _path_kind(path, name)
            if kind in hidden:
                def request(role, own, value, path=path, name=name, method=method, body=body):
                    fill = {n: own[_path_kind(path, n)] for n in path_names(path)}
                    return (method, fill_path(path, {**fill, name: value}),
                            None if body is None else json.dumps(body).encode(), {})
                cases.append((f"{method} {path}", f"path.{name}", kind, request))
    for slot in slots(spec):
        if _is_id(slot) and FIELD_KINDS.get(slot.name[-1]) in hidden:
            def request(role, own, value, slot=slot):
                fill = {n: own[_path_kind(slot.path, n)] for n in path_names(slot.path)}
                return slot.request(value, fill)
            cases.append((f"{slot.method} {slot.path}", f"{slot.where}.{'.'.join(slot.name)}",
                          FIELD_KINDS[slot.name[-1]], request))
    return cases


def test_every_id_of_the_document_is_known_to_the_grid(grid) -> None:
    spec, hidden, _, _ = grid
    unknown = [f"{method} {path} {name}" for method, path, _ in operations(spec)
               for name in path_names(path) if _path_kind(path, name) is None]
    unknown += [str(slot) for slot in slots(spec)
                if _is_id(slot) and slot.name[-1] not in FIELD_KINDS]
    assert unknown == []
    kinds = set(PATH_KINDS.values()) | set(FIELD_KINDS.values())
    assert kinds == set(hidden) | PUBLIC_KINDS
    assert len(_cases(spec, hidden)) > 30


def test_an_object_outside_ones_scope_answers_exactly_like_one_that_does_not_exist(
        grid) -> None:
    spec, hidden, own, call = grid
    failures = []
    for operation, place, kind, request in _cases(spec, hidden):
        object_id, same_hub_member = hidden[kind]
        for role in (same_hub_member, "co_b", "fac_b", "anonymous"):
            mine = own(role)
            seen = call(role, request(role, mine, object_id))
            unknown = call(role, request(role, mine, UNKNOWN_ID))
            shown = (seen[0], re.sub(rf"\b{object_id}\b", "<id>", seen[1]))
            expected = (unknown[0], re.sub(rf"\b{UNKNOWN_ID}\b", "<id>", unknown[1]))
            listed = place.startswith("query.") and seen[0] == 200
            if shown != expected or (200 <= seen[0] < 300 and not listed):
                failures.append(f"{operation} {place} as {role}: {shown} but for an "
                                f"unknown id {expected}")
    assert not failures, "\n".join(failures)
