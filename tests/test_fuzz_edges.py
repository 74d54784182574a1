"""Every date and number a request may carry, at its extremes: read from the served OpenAPI
document (query, header and body fields, nested ones too), each must state its range
there, a value outside it is a 400 naming the field, and no value is ever a server error.

The requests go over real HTTP with an admin's token (who reaches every operation) to a
world shared by the module; the rest of each request is a valid minimal one built from
the same document (`openapi_cases`), so the value under test is what decides the answer.
New operations and fields are covered without a new test.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_cases import Slot, send, slots, value_kind

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Edge:
    """A date or number slot with its documented range (None: not documented)."""

    slot: Slot
    kind: str  # date, integer or number
    minimum: Any
    maximum: Any

    def __str__(self) -> str:
        return str(self.slot)


def edges_of(spec: dict) -> list[Edge]:
    found = []
    for slot in slots(spec):
        kind = value_kind(slot.schema)
        if kind is None:
            continue
        if kind == "date":
            low, high = slot.schema.get("x-minimum"), slot.schema.get("x-maximum")
            bounds = (dt.date.fromisoformat(low) if low else None,
                      dt.date.fromisoformat(high) if high else None)
        else:
            bounds = (slot.schema.get("minimum"), slot.schema.get("maximum"))
        found.append(Edge(slot, kind, *bounds))
    return found


def extremes(slot: Edge) -> list[tuple[Any, bool]]:
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


def _path_ids(ids: dict[str, int], path: str) -> dict[str, int]:
    """The admin's objects to put in a path: those of hub A."""
    return {"hub_id": ids["hub_a"], "stream_id": ids["stream_a"],
            "capacity_id": ids["capacity_a"], "match_id": ids["match"],
            "activity_id": ids["activity"], "contact_id": ids["contact"],
            "user_id": ids["user_co_a"], "token_id": ids["user_admin"],
            "item_id": ids["capacity_a"] if "/capacities/" in path else ids["stream_a"],
            "organisation_id": ids["org_se_a"] if path.endswith("/capacities")
            else ids["org_co_a"]}


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

    def call(edge: Edge, value: Any) -> tuple[int, Any]:
        return send(shared_api.base_url, token,
                    *edge.slot.request(value, _path_ids(ids, edge.slot.path)))

    return edges_of(spec), call


def _names_the_field(problem: Any, edge: Edge) -> bool:
    """An error's path (`quantity_amount`, `agreement.volume_kg`, `organisation_ids.0`,
    `query.end`, `headers.If-Match`) names the field."""
    return any(edge.slot.name[-1] in error["path"].split(".")
               for error in problem.get("errors", []))


def test_every_date_and_number_states_its_range_in_the_document(edges) -> None:
    found, _ = edges
    assert len(found) > 60
    unbounded = [str(slot) for slot in found if slot.minimum is None or slot.maximum is None]
    assert unbounded == []


def test_every_date_and_number_at_its_extremes_is_a_400_outside_and_never_a_5xx(edges) -> None:
    found, call = edges
    failures = []
    for edge in found:
        for value, inside in extremes(edge):
            status, answer = call(edge, value)
            refused_on_the_field = status == 400 and _names_the_field(answer, edge)
            if status >= 500 or (not inside and not refused_on_the_field):
                failures.append(f"{edge} = {value!r}: {status} {str(answer)[:200]}")
    assert not failures, "\n".join(failures)


def test_any_date_or_number_anywhere_is_refused_outside_its_range_never_a_5xx(edges) -> None:
    found, call = edges

    @st.composite
    def cases(draw) -> tuple[Edge, Any]:
        edge = draw(st.sampled_from(found))
        if edge.kind == "date":
            value = draw(st.dates())
        elif edge.kind == "integer":
            value = draw(st.integers(-2**64, 2**64))
        else:
            value = draw(st.floats(allow_nan=False, allow_infinity=False))
        return edge, value

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=cases())
    def one(case: tuple[Edge, Any]) -> None:
        edge, value = case
        status, answer = call(edge, value)
        assert status < 500, (str(edge), value, answer)
        if not edge.minimum <= value <= edge.maximum:
            assert status == 400 and _names_the_field(answer, edge), (str(edge), value, answer)

    one()
