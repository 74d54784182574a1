"""Every role against every endpoint, on its own and on foreign objects.

A refused request must answer the right status AND leave the database exactly
as it was; an object the caller may not see answers 404, one it may see but
not change answers 403.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

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


def test_an_id_in_a_body_that_the_caller_may_not_see_is_refused_like_an_unknown_one(
        http, world, session_factory):
    """A pending organisation of hub B is hidden from hub A's facilitator: naming it among an
    activity's participants answers exactly as an id that does not exist."""
    from models import Organisation

    with session_factory() as session:
        pending = Organisation(hub_id=world.ids["hub_b"], name="Nog niet goedgekeurd",
                               kind="company", status="pending")
        session.add(pending)
        session.commit()
        hidden_id = pending.id
    unknown_id = 2**31 - 1

    def record(organisation_id: int):
        status, _, body = http.post(
            f"/api/v1/hubs/{world.ids['hub_a']}/activities", token=world.tokens["fac_a"],
            json={"kind": "training", "date": "2026-01-10", "title": "Opleiding",
                  "organisation_ids": [organisation_id]})
        return status, json.dumps(body).replace(str(organisation_id), "<id>")

    assert record(hidden_id) == record(unknown_id)
    assert record(hidden_id)[0] == 400
