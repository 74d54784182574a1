"""The review lifecycle in the domain: transitions, reasons, agreements, optimistic locking."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from matchmaker import taxonomy, workflow
from matchmaker.errors import Conflict, ValidationError
from models import AuditEntry, Capacity, Decision, Match, Stream, User


@pytest.fixture
def proposed(world, session_factory) -> int:
    with session_factory() as session:
        match = workflow.take_suggestion(
            session, session.get(User, world.ids["user_fac_a"]),
            session.get(Stream, world.ids["stream_a"]), session.get(Capacity, world.ids["capacity_a"]),
            score=0.8, features={"semantic": 0.7}, scorer_version="default-1")
        session.commit()
        return match.id


def _decide(session, world, match_id, to_status, **fields):
    match = session.get(Match, match_id)
    change = workflow.Transition(to_status=to_status, expected_version=match.version, **fields)
    decision = workflow.decide(session, session.get(User, world.ids["user_fac_a"]), match, change)
    session.commit()
    return decision


def test_full_lifecycle_records_every_decision_and_audit_entry(world, session_factory, proposed):
    deal = workflow.Agreement(volume_kg=1200, period_start=date(2025, 1, 1),
                              period_end=date(2025, 12, 31), estimated_fte=0.5, new_service=True)
    with session_factory() as session:
        _decide(session, world, proposed, "accepted")
        _decide(session, world, proposed, "introduced")
        _decide(session, world, proposed, "agreed", agreement=deal)
        _decide(session, world, proposed, "completed", completed_volume_kg=1100)
        match = session.get(Match, proposed)
        assert match.status == "completed"
        assert (match.agreed_volume_kg, match.estimated_fte, match.new_service) == (1200, 0.5, True)
        assert match.completed_volume_kg == 1100
        assert [(d.from_status, d.to_status) for d in match.decisions] == [
            (None, "proposed"), ("proposed", "accepted"), ("accepted", "introduced"),
            ("introduced", "agreed"), ("agreed", "completed")]
        actions = session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.entity == "matches", AuditEntry.entity_id == proposed)).all()
        assert actions == ["propose", "decide", "decide", "decide", "decide"]


def test_illegal_transition_is_a_conflict_naming_the_allowed_ones(world, session_factory, proposed):
    with session_factory() as session, pytest.raises(Conflict) as caught:
        _decide(session, world, proposed, "completed", completed_volume_kg=10)
    assert caught.value.allowed == ("accepted", "rejected", "withdrawn")


def test_rejection_needs_a_reason_code(world, session_factory, proposed):
    with session_factory() as session:
        with pytest.raises(ValidationError) as caught:
            _decide(session, world, proposed, "rejected")
        assert caught.value.errors[0].path == "reason_code"
        session.rollback()
        decision = _decide(session, world, proposed, "rejected", reason_code="too_far",
                           note="45 km, buiten werkgebied")
        assert (decision.reason_code, decision.note) == ("too_far", "45 km, buiten werkgebied")


def test_agreement_needs_hours_or_fte_and_a_sane_period(world, session_factory, proposed):
    bad = workflow.Agreement(volume_kg=10, period_start=date(2026, 5, 1),
                             period_end=date(2026, 1, 1))
    with session_factory() as session:
        _decide(session, world, proposed, "accepted")
        _decide(session, world, proposed, "introduced")
        with pytest.raises(ValidationError) as caught:
            _decide(session, world, proposed, "agreed", agreement=bad)
    assert {e.path for e in caught.value.errors} == {"agreement.period_end", "agreement"}


def test_withdrawn_from_any_open_state_and_final_afterwards(world, session_factory, proposed):
    with session_factory() as session:
        _decide(session, world, proposed, "accepted")
        _decide(session, world, proposed, "withdrawn", note="bedrijf verhuisd")
        with pytest.raises(Conflict) as caught:
            _decide(session, world, proposed, "accepted")
    assert caught.value.allowed == ()


def test_stale_version_is_refused(world, session_factory, proposed):
    with session_factory() as session:
        match = session.get(Match, proposed)
        change = workflow.Transition(to_status="accepted", expected_version=match.version + 1)
        with pytest.raises(Conflict):
            workflow.decide(session, session.get(User, world.ids["user_fac_a"]), match, change)


def test_two_sessions_deciding_the_same_match_one_wins_no_lost_update(
        world, session_factory, proposed):
    with session_factory() as first, session_factory() as second:
        mine = first.get(Match, proposed)
        theirs = second.get(Match, proposed)
        seen = mine.version
        assert theirs.version == seen
        workflow.decide(first, first.get(User, world.ids["user_fac_a"]), mine,
                        workflow.Transition(to_status="accepted", expected_version=seen))
        first.commit()
        with pytest.raises(Conflict):
            workflow.decide(second, second.get(User, world.ids["user_admin"]), theirs,
                            workflow.Transition(to_status="rejected", expected_version=seen,
                                                reason_code="duplicate"))
        second.rollback()
    with session_factory() as session:
        assert session.get(Match, proposed).status == "accepted"
        assert session.scalar(sa.select(sa.func.count()).select_from(Decision).where(
            Decision.match_id == proposed, Decision.to_status == "rejected")) == 0


def test_taking_the_same_pair_twice_is_a_conflict(world, session_factory, proposed):
    with session_factory() as session, pytest.raises(Conflict):
        workflow.take_suggestion(
            session, session.get(User, world.ids["user_fac_a"]),
            session.get(Stream, world.ids["stream_a"]), session.get(Capacity, world.ids["capacity_a"]),
            score=0.5, features={}, scorer_version="default-1")


def _agreed(session, world, match_id, start: date, end: date) -> None:
    for step in ("accepted", "introduced"):
        _decide(session, world, match_id, step)
    _decide(session, world, match_id, "agreed", agreement=workflow.Agreement(
        volume_kg=1000, period_start=start, period_end=end, estimated_hours=40))


@pytest.mark.parametrize("start_in, end_in, state", [
    (30, 400, "not_started"), (-30, 0, "running"), (-400, -1, None)])
def test_completing_before_the_agreed_period_ended_needs_a_confirmation(
        world, session_factory, proposed, start_in, end_in, state):
    today = date.today()
    start, end = (today + timedelta(days=start_in), today + timedelta(days=end_in))
    with session_factory() as session:
        _agreed(session, world, proposed, start, end)
        match = session.get(Match, proposed)
        assert workflow.period_open(match, today) == state
        if state:
            with pytest.raises(ValidationError) as caught:
                _decide(session, world, proposed, "completed", completed_volume_kg=900)
            assert [e.path for e in caught.value.errors] == ["confirm_early_completion"]
            assert (start if state == "not_started" else end).isoformat() in \
                caught.value.errors[0].message
            session.rollback()
        _decide(session, world, proposed, "completed", completed_volume_kg=900,
                confirm_early_completion=bool(state))
        assert session.get(Match, proposed).status == "completed"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("unit, amount, typed_unit, kg", [
    ("t", 2.5, None, 2500), ("kg", 900, None, 900), ("t", 700, "kg", 700),
    ("units", 40, None, 40 * taxonomy.kg_per_unit("workwear")),
    ("m3", 3, None, 3 * taxonomy.kg_per_m3("workwear")), (None, 900, None, 900)])
def test_the_completed_volume_in_the_streams_unit_is_stored_in_kg(
        world, session_factory, proposed, unit, amount, typed_unit, kg):
    with session_factory() as session:
        session.get(Stream, world.ids["stream_a"]).quantity_unit = unit
        session.commit()
        _agreed(session, world, proposed, date(2025, 1, 1), date(2025, 6, 30))
        _decide(session, world, proposed, "completed", completed_amount=amount,
                completed_unit=typed_unit)
        assert session.get(Match, proposed).completed_volume_kg == pytest.approx(kg)


def test_completion_takes_one_volume_exactly(world, session_factory, proposed):
    with session_factory() as session:
        _agreed(session, world, proposed, date(2025, 1, 1), date(2025, 6, 30))
        for given in ({}, {"completed_volume_kg": 10, "completed_amount": 10}):
            with pytest.raises(ValidationError) as caught:
                _decide(session, world, proposed, "completed", **given)
            assert [e.path for e in caught.value.errors] == ["completed_volume_kg"]
            session.rollback()
