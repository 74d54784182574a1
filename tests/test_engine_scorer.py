"""Default and learned scorers: decomposition, the estimator contract, the choice."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaker.engine.features import FEATURES
from matchmaker.engine.scorer import (
    DefaultScorer,
    LabelledPairs,
    LearnedScorer,
    choose_scorer,
    decision_grade,
    split_by_stream,
)
from matchmaker.errors import ValidationError


def random_features(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, len(FEATURES)))


def judged_pairs(n_streams: int = 30, per_stream: int = 12, seed: int = 0) -> LabelledPairs:
    """Grades driven by material and service; noise in every other feature."""
    X = random_features(n_streams * per_stream, seed)
    material, service = FEATURES.index("material"), FEATURES.index("service")
    y = np.round(1.5 * X[:, material] + 1.5 * X[:, service]).clip(0, 3)
    groups = np.repeat([f"s-{i}" for i in range(n_streams)], per_stream)
    return LabelledPairs(X, y, groups)


def test_default_score_is_the_sum_of_its_named_contributions():
    X = random_features(20)
    scorer = DefaultScorer()
    assert scorer.score(X) == pytest.approx(scorer.contributions(X).sum(axis=1))


def test_default_weights_can_be_overridden_by_name():
    X = random_features(5)
    plain = DefaultScorer().contributions(X)
    silenced = DefaultScorer({"semantic": 0.0}).contributions(X)
    j = FEATURES.index("semantic")
    assert np.all(silenced[:, j] == 0) and np.any(plain[:, j] != 0)


def test_learned_fit_returns_self_and_sets_state_with_underscore():
    pairs = judged_pairs()
    scorer = LearnedScorer(alpha=0.5)
    assert scorer.fit(pairs.X, pairs.y) is scorer
    assert scorer.coef_.shape == (len(FEATURES),)
    assert scorer.get_params() == {"alpha": 0.5}


def test_learned_score_is_intercept_plus_contributions():
    pairs = judged_pairs()
    scorer = LearnedScorer().fit(pairs.X, pairs.y)
    assert scorer.score(pairs.X) == pytest.approx(
        scorer.contributions(pairs.X).sum(axis=1) + scorer.intercept_)


def test_learned_scorer_round_trips_through_bytes():
    pairs = judged_pairs()
    scorer = LearnedScorer().fit(pairs.X, pairs.y)
    restored = LearnedScorer.from_bytes(scorer.to_bytes())
    assert restored.score(pairs.X) == pytest.approx(scorer.score(pairs.X))
    assert restored.version == scorer.version


def test_stored_scorer_of_other_features_is_refused():
    pairs = judged_pairs()
    scorer = LearnedScorer().fit(pairs.X, pairs.y)
    tampered = scorer.to_bytes().replace(b'"semantic"', b'"other"')
    with pytest.raises(ValidationError):
        LearnedScorer.from_bytes(tampered)


def test_fit_rejects_features_of_the_wrong_width():
    with pytest.raises(ValidationError):
        LearnedScorer().fit(np.zeros((4, 3)), [0, 1, 2, 3])


def test_split_never_puts_one_stream_on_both_sides():
    train, heldout = split_by_stream(judged_pairs(), heldout_share=0.3)
    assert not set(train.groups) & set(heldout.groups)
    assert len(set(heldout.groups)) == 9


def test_learned_scorer_is_chosen_only_when_it_beats_the_default():
    pairs = judged_pairs()
    train, heldout = split_by_stream(pairs)
    learned = LearnedScorer().fit(train.X, train.y)
    # a default that ignores material and service cannot rank these grades
    blind = DefaultScorer({"material": 0.0, "service": 0.0, "material_mismatch": 0.0,
                           "service_mismatch": 0.0})
    chosen, report = choose_scorer(blind, learned, heldout)
    assert chosen is learned and report["chosen"] == learned.version
    assert report["learned_ndcg10"] > report["default_ndcg10"]
    # a default that knows the rule exactly is not beaten
    exact = DefaultScorer({name: 0.0 for name in FEATURES} | {"material": 1.0, "service": 1.0})
    chosen, report = choose_scorer(exact, learned, heldout)
    assert chosen is exact and report["chosen"] == exact.version


def test_untrained_learned_scorer_is_never_chosen():
    default = DefaultScorer()
    chosen, report = choose_scorer(default, LearnedScorer(), judged_pairs())
    assert chosen is default and report["reason"] == "no trained scorer"


@pytest.mark.parametrize(("status", "reason", "grade"), [
    ("agreed", None, 3), ("completed", None, 3), ("accepted", None, 2),
    ("rejected", "too_far", 1), ("rejected", "wrong_material", 0),
    ("rejected", "party_declined", 2), ("rejected", "duplicate", None),
    ("withdrawn", None, None), ("proposed", None, None),
])
def test_review_decisions_map_to_training_grades(status, reason, grade):
    assert decision_grade(status, reason) == grade
