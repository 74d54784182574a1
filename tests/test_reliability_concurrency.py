"""Two facilitators deciding the same match at the same instant, over real HTTP, many times:
exactly one wins each round, the other gets 409, and decisions and audit log agree."""
from __future__ import annotations

import threading

import sqlalchemy as sa
from conftest import Http

from matchmaker import registration
from models import AuditEntry, Decision, Match, Organisation, Stream, User

ROUNDS = 30


def _streams_of_company_a(session_factory, world, n: int) -> list[int]:
    with session_factory() as session:
        admin = session.get(User, world.ids["user_admin"])
        company = session.get(Organisation, world.ids["org_co_a"])
        ids = [registration.create_item(session, admin, Stream, company, {
            "title": f"Werkkledij partij {i}", "materials": ["workwear"],
            "services_wanted": ["sorting"]}) for i in range(n)]
        session.commit()
        return [stream.id for stream in ids]


def _decide_at_once(deciders: dict, match: dict, tokens: dict[str, str]) -> dict[str, tuple]:
    """Every decider posts its decision on `match`, all released at the same instant."""
    barrier = threading.Barrier(len(deciders))
    answers: dict[str, tuple] = {}

    def decide(role: str) -> None:
        body, client = deciders[role]
        barrier.wait()
        answers[role] = client.post(f"/api/v1/matches/{match['id']}/decisions",
                                    json={**body, "version": match["version"]},
                                    token=tokens[role])

    threads = [threading.Thread(target=decide, args=(role,)) for role in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_simultaneous_decisions_one_wins_each_round_the_other_gets_409(
        live_api: str, world, session_factory) -> None:
    proposer = Http(live_api)
    matches = []
    for stream_id in _streams_of_company_a(session_factory, world, ROUNDS):
        status, _, match = proposer.post("/api/v1/matches", json={
            "stream_id": stream_id, "capacity_id": world.ids["capacity_a"]},
            token=world.tokens["fac_a"])
        assert status == 201, match
        matches.append(match)

    deciders = {"fac_a": ({"to_status": "accepted"}, Http(live_api)),
                "admin": ({"to_status": "rejected", "reason_code": "too_far"}, Http(live_api))}
    winners: dict[int, str] = {}
    for match in matches:
        answers = _decide_at_once(deciders, match, world.tokens)
        statuses = sorted(answer[0] for answer in answers.values())
        assert statuses == [201, 409], answers
        loser = next(role for role, answer in answers.items() if answer[0] == 409)
        assert answers[loser][1]["Content-Type"] == "application/problem+json"
        winners[match["id"]] = next(r for r, answer in answers.items() if answer[0] == 201)

    with session_factory() as session:
        for match_id, winner in winners.items():
            decisions = session.scalars(sa.select(Decision).where(
                Decision.match_id == match_id).order_by(Decision.id)).all()
            assert [d.to_status for d in decisions] == [
                "proposed", deciders[winner][0]["to_status"]]
            assert decisions[1].user_id == world.ids[f"user_{winner}"]
            assert session.get(Match, match_id).status == deciders[winner][0]["to_status"]
            audited = session.scalars(sa.select(AuditEntry).where(
                AuditEntry.entity == Match.__tablename__, AuditEntry.entity_id == match_id,
                AuditEntry.action == "decide")).all()
            assert [(e.actor_id, e.after["status"]) for e in audited] == [
                (world.ids[f"user_{winner}"], deciders[winner][0]["to_status"])]
