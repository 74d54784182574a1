"""Decisions teach a learned scorer, which is used only when it beats the default."""
from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa

from matchmaker.demo import load_demo
from matchmaker.engine.features import FEATURES
from matchmaker.engine.scorer import DefaultScorer
from matchmaker.errors import ValidationError
from matchmaker.exchange import import_exchange
from matchmaker.training import (
    active_scorer,
    grade_of,
    pairs_from_decisions,
    pairs_from_judgments,
    train_scorer,
)
from models import Capacity, Decision, Match, ScorerModel, Stream


def _features(rng, signal: float) -> dict[str, float]:
    values = {name: float(rng.uniform(0, 1)) for name in FEATURES}
    # Facilitators here care about social impact alone, which the default weighs lightly.
    values["social_impact"] = signal
    return values


def _decided_matches(session, rng, signal_decides: bool):
    default = DefaultScorer()
    import_exchange(session, load_demo(), source="demo")
    streams = session.scalars(sa.select(Stream).order_by(Stream.id)).all()
    capacities = session.scalars(sa.select(Capacity).order_by(Capacity.id)).all()
    for stream in streams:
        for capacity in capacities[:8]:
            signal = float(rng.uniform(0, 1))
            features = _features(rng, signal)
            if signal_decides:
                good = signal > 0.5
            else:   # facilitators agree with the default: nothing better to learn
                row = np.array([[features[name] for name in FEATURES]])
                good = default.score(row)[0] > 0.66
            status = "agreed" if good else "rejected"
            match = Match(stream=stream, capacity=capacity, hub_id=stream.organisation.hub_id,
                          score=0.0, features=features, scorer_version="default-1",
                          status=status)
            session.add(match)
            session.add(Decision(match=match, from_status="proposed", to_status=status,
                                 reason_code=None if good else "wrong_service"))
    session.flush()


def test_a_scorer_that_learns_what_facilitators_value_is_activated(session):
    _decided_matches(session, np.random.default_rng(1), signal_decides=True)
    result = train_scorer(session, pairs_from_decisions(session))
    assert result.active, result.report
    assert result.report["learned_ndcg10"] > result.report["default_ndcg10"]
    scorer = active_scorer(session)
    assert scorer is not None and scorer.coef_[FEATURES.index("social_impact")] > 0


def test_a_scorer_that_learns_nothing_is_recorded_but_not_used(session):
    _decided_matches(session, np.random.default_rng(2), signal_decides=False)
    result = train_scorer(session, pairs_from_decisions(session))
    assert not result.active and result.report["chosen"] == "default-1"
    assert active_scorer(session) is None
    recorded = session.scalar(sa.select(ScorerModel).where(ScorerModel.version == result.version))
    assert recorded is not None and recorded.metrics["reason"].startswith("does not beat")


def test_too_few_decisions_is_a_clear_error(session):
    with pytest.raises(ValidationError, match="at least 10 are needed"):
        train_scorer(session, pairs_from_judgments({}, {}))


@pytest.mark.parametrize(("status", "reason", "grade"), [
    ("completed", None, 3), ("agreed", None, 3), ("introduced", None, 2), ("accepted", None, 2),
    ("rejected", "too_far", 1), ("rejected", "wrong_material", 0),
    ("rejected", "party_declined", 2), ("rejected", "duplicate", None), ("proposed", None, None),
])
def test_each_outcome_teaches_its_grade(status, reason, grade):
    match = Match(status=status)
    match.decisions = [Decision(from_status="proposed", to_status=status, reason_code=reason)]
    assert grade_of(match) == grade


@pytest.mark.parametrize(("stream", "capacity", "reason", "grade"), [
    (True, True, None, 2), (True, None, None, 1), (None, True, None, 1),
    (True, False, "too_far", 1), (False, None, "wrong_material", 0), (None, None, None, None),
])
def test_the_parties_interest_teaches_before_the_facilitator_decides(stream, capacity, reason,
                                                                     grade):
    match = Match(status="proposed", stream_interest=stream, capacity_interest=capacity)
    match.decisions = [Decision(from_status=None, to_status="proposed")] + [
        Decision(from_status="proposed", to_status="not_for_us", reason_code=reason,
                 party="capacity")] * (reason is not None)
    assert grade_of(match) == grade


def test_the_facilitators_decision_outweighs_the_parties():
    match = Match(status="rejected", stream_interest=True, capacity_interest=True)
    match.decisions = [Decision(from_status="proposed", to_status="rejected",
                                reason_code="wrong_material")]
    assert grade_of(match) == 0


def test_judged_pairs_count_unjudged_suggestions_as_grade_zero():
    features = dict.fromkeys(FEATURES, 0.5)
    pairs = pairs_from_judgments({"s-1": [("c-1", features), ("c-2", features)]},
                                 {"s-1": {"c-1": 3}})
    assert pairs.y.tolist() == [3.0, 0.0] and pairs.X.shape == (2, len(FEATURES))
